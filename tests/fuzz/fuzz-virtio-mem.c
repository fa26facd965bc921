/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: virtio-mem's guest request handler, with invariants. */

#include <stdint.h>
#include <string.h>

#include "hw/virtio/virtio-mem.h"
#include "qom/property.h"
#include "qom/user-creatable.h"
#include "system/hostmem.h"
#include "system/memory.h"

/*
 * Input: one configuration byte, two bytes for requested-size and the
 * memslot limit, then records of a selector byte and a 24-byte request:
 *
 *   selector & 3 == 0   the request as it is (a guest's raw bytes)
 *   selector & 3 == 1   the same, its address moved into the device
 *                       (most random addresses miss it)
 *   selector & 3 == 2   requested-size := le16(request) blocks (as
 *                       qom-set would; refusals are fine)
 *   selector & 3 == 3   bit 2: system reset (bit 3: wake-up), else the
 *                       busy switch flips
 *   selector & 0x80     the guest gives (selector >> 3) & 15 bytes of
 *                       request only; & 0x40: 9 bytes of response room
 *
 * After every record the plugged size must equal the bitmap's, and with
 * dynamic memslots exactly the memslots holding plugged blocks are mapped.
 */

#define MiB (G_GUINT64_CONSTANT(1) << 20)
#define GiB (G_GUINT64_CONSTANT(1) << 30)
#define REGION (4 * GiB)
#define ADDR (4 * GiB)
#define RECORD (1 + QMEM_VIRTIO_MEM_REQ_SIZE)

/* A backend without modules: anonymous memory, never populated here. */
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

static QmemHostMemoryBackend *backend;

static QmemHostMemoryBackend *get_backend(void)
{
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

static guint64 get_le64(const guint8 *p)
{
    guint64 v = 0;

    for (int i = 7; i >= 0; i--) {
        v = v << 8 | p[i];
    }
    return v;
}

static void put_le64(guint8 *p, guint64 v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = v >> (8 * i);
    }
}

static void check_invariants(QmemVirtioMem *vmem)
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

/* As qom-set would: through the property layer and the device's checks. */
static void set_requested_size(QmemVirtioMem *vmem, guint64 value)
{
    g_auto(GValue) v = G_VALUE_INIT;

    g_value_init(&v, G_TYPE_UINT64);
    g_value_set_uint64(&v, value);
    qmem_property_set_value(QMEM_OBJECT(vmem),
                            QMEM_VIRTIO_MEM_PROP_REQUESTED_SIZE, &v, NULL);
}

/* Protocol violations are reported as QEMU does; here that is noise. */
static void drop_printerr(const char *text)
{
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const guint64 block_sizes[] = { 2 * MiB, 4 * MiB, 64 * MiB,
                                           GiB };
    static const QmemVirtioMemEnv env = { .nb_numa_nodes = 1 };
    g_autoptr(QmemVirtioMem) vmem = NULL;
    g_autoptr(GError) error = NULL;
    guint8 config, resp[QMEM_VIRTIO_MEM_RESP_SIZE];
    guint64 block;
    gboolean busy = FALSE;

    if (size < 3) {
        return 0;
    }
    g_set_printerr_handler(drop_printerr);
    config = data[0];
    block = block_sizes[config & 3];
    vmem = qmem_virtio_mem_new();
    qmem_virtio_mem_set_memdev(vmem, get_backend());
    qmem_virtio_mem_set_addr(vmem, ADDR);
    qmem_virtio_mem_set_dynamic_memslots(vmem, config & 4);
    /* The block's own size is what the tests run with; no warning. */
    g_assert_true(qmem_virtio_mem_set_block_size(vmem, block, NULL));
    qmem_virtio_mem_set_requested_size(
        vmem, data[1] % (REGION / block + 1) * block, NULL);
    qmem_virtio_mem_decide_memslots(vmem, data[2] % 8);
    if (!qmem_virtio_mem_realize(vmem, &env, &error)) {
        g_error("realize: %s", error->message);
    }
    data += 3;
    size -= 3;

    for (; size >= RECORD; data += RECORD, size -= RECORD) {
        guint8 sel = data[0], req[QMEM_VIRTIO_MEM_REQ_SIZE];
        gsize req_len = QMEM_VIRTIO_MEM_REQ_SIZE;
        gsize resp_len = sizeof(resp);

        memcpy(req, data + 1, sizeof(req));
        switch (sel & 3) {
        case 1:
            put_le64(req + 8, ADDR + get_le64(req + 8) % (2 * REGION));
            /* fall through */
        case 0:
            if (sel & 0x80) {
                req_len = (sel >> 3) & 15;
            }
            if (sel & 0x40) {
                resp_len = QMEM_VIRTIO_MEM_RESP_SIZE - 1;
            }
            if (!qmem_virtio_mem_handle_request(vmem, req, req_len, resp,
                                                resp_len, NULL)) {
                g_assert_true(qmem_virtio_is_broken(QMEM_VIRTIO_DEVICE(vmem)));
                qmem_virtio_reset(QMEM_VIRTIO_DEVICE(vmem));
            } else {
                g_assert_cmpuint(resp[0], <=, QMEM_VIRTIO_MEM_RESP_ERROR);
                g_assert_cmpuint(resp[1], ==, 0);
            }
            break;
        case 2:
            set_requested_size(vmem, (guint64)(req[0] | req[1] << 8) * block);
            break;
        default:
            if (sel & 4) {
                qmem_virtio_mem_system_reset(vmem, sel & 8);
            } else {
                busy = !busy;
                qmem_virtio_mem_set_busy(vmem, busy);
            }
            break;
        }
        check_invariants(vmem);
    }
    return 0;
}
