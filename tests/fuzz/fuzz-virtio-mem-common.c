/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the virtio-mem fuzz targets share: a backend, invariants, helpers. */

#include "qom/property.h"
#include "qom/user-creatable.h"
#include "tests/fuzz/fuzz-virtio-mem-common.h"

const guint64 fuzz_block_sizes[4] = { 2 * MiB, 4 * MiB, 64 * MiB, GiB };

/* A backend without modules. */
typedef struct {
    QmemHostMemoryBackend parent_instance;
} FuzzBackend;

typedef struct {
    QmemHostMemoryBackendClass parent_class;
} FuzzBackendClass;

G_DEFINE_TYPE(FuzzBackend, fuzz_backend, QMEM_TYPE_HOST_MEMORY_BACKEND)

static QmemRamBlock *fuzz_backend_alloc(QmemHostMemoryBackend *backend,
                                        GError **error)
{
    return qmem_ram_block_new_anon(
        "fuzz", qmem_host_memory_backend_get_size(backend),
        QMEM_RAM_NORESERVE, error);
}

static void fuzz_backend_class_init(FuzzBackendClass *klass)
{
    QMEM_HOST_MEMORY_BACKEND_CLASS(klass)->alloc = fuzz_backend_alloc;
}

static void fuzz_backend_init(FuzzBackend *self)
{
}

QmemHostMemoryBackend *fuzz_get_backend(void)
{
    static QmemHostMemoryBackend *backend;
    g_autoptr(GError) error = NULL;

    if (!backend) {
        backend = g_object_new(fuzz_backend_get_type(), "size", REGION,
                               "merge", FALSE, NULL);
        if (!qmem_user_creatable_complete(QMEM_USER_CREATABLE(backend),
                                          &error)) {
            g_error("fuzz backend: %s", error->message);
        }
    }
    return backend;
}

QmemVirtioMem *fuzz_virtio_mem_new(guint64 block, guint requested_blocks,
                                   gboolean dynamic, guint limit)
{
    QmemVirtioMem *vmem = qmem_virtio_mem_new();

    qmem_virtio_mem_set_memdev(vmem, fuzz_get_backend());
    qmem_virtio_mem_set_addr(vmem, ADDR);
    qmem_virtio_mem_set_dynamic_memslots(vmem, dynamic);
    /* The block's own size is what the tests run with; no warning. */
    g_assert_true(qmem_virtio_mem_set_block_size(vmem, block, NULL));
    qmem_virtio_mem_set_requested_size(
        vmem, requested_blocks % (REGION / block + 1) * block, NULL);
    qmem_virtio_mem_decide_memslots(vmem, limit);
    return vmem;
}

void fuzz_check_invariants(QmemVirtioMem *vmem)
{
    const guint64 block = qmem_virtio_mem_get_block_size(vmem);
    const guint64 slot = qmem_virtio_mem_get_memslot_size(vmem);
    guint64 plugged = 0;

    for (guint64 off = 0; off < REGION; off += block) {
        plugged += qmem_virtio_mem_is_range_plugged(vmem, ADDR + off, block)
                   ? block : 0;
    }
    g_assert_cmpuint(plugged, ==, qmem_virtio_mem_get_size(vmem));
    g_assert_cmpuint(qmem_virtio_mem_get_usable_region_size(vmem), <=,
                     REGION);
    if (!qmem_virtio_mem_get_dynamic_memslots(vmem)) {
        return;
    }
    for (guint i = 0; i < qmem_virtio_mem_get_memslots(vmem); i++) {
        guint64 start = i * slot;
        guint64 len = MIN(slot, REGION - start);

        g_assert_cmpint(qmem_virtio_mem_memslot_is_active(vmem, i), ==,
                        !qmem_virtio_mem_is_range_unplugged(vmem,
                                                            ADDR + start,
                                                            len));
    }
}

void fuzz_set_requested_size(QmemVirtioMem *vmem, guint64 value)
{
    g_auto(GValue) v = G_VALUE_INIT;

    g_value_init(&v, G_TYPE_UINT64);
    g_value_set_uint64(&v, value);
    qmem_property_set_value(QMEM_OBJECT(vmem),
                            QMEM_VIRTIO_MEM_PROP_REQUESTED_SIZE, &v, NULL);
}

static void drop_printerr(const char *text)
{
}

void fuzz_quiet(void)
{
    g_set_printerr_handler(drop_printerr);
}

guint16 fuzz_le16(const guint8 *p)
{
    return p[0] | p[1] << 8;
}

guint64 fuzz_le64(const guint8 *p)
{
    guint64 v = 0;

    for (int i = 7; i >= 0; i--) {
        v = v << 8 | p[i];
    }
    return v;
}

void fuzz_put_le64(guint8 *p, guint64 v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = v >> (8 * i);
    }
}
