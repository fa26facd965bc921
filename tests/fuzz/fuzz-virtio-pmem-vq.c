/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: virtio-pmem's request queue, rings from the input. */

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hw/virtio/virtio-pmem.h"
#include "qom/user-creatable.h"
#include "tests/fuzz/fuzz-virtio-vq.h"

/*
 * The guest's DMA address space (fuzz-virtio-vq.h), with the virtio-pmem
 * device's range at PMEM_ADDR: a request's buffers may lie there too.
 * A driver plugs the device into the transport, negotiates and sets its
 * queue up where the input says; then the input's operations run, kicks
 * among them, and after each: every element was answered or given up, a
 * broken device says NEEDS_RESET, no more flushes than kicks.
 *
 * Input:
 *   0      & 1: the backend has a file (a memfd: flushes answer 0), else
 *          anonymous memory (they answer 1)
 *   1      the queue size's log2 (& 7); & 0x80: size 100 (refused)
 *   2      features the driver accepts: & 1 VERSION_1, & 2
 *          INDIRECT_DESC, & 4 EVENT_IDX, & 8 NOTIFY_ON_EMPTY; & 0x40 no
 *          DRIVER_OK
 *   3      descriptor table, available ring, used ring: 3 x le64 GPAs
 *   27     number of operations, then 4 bytes each (op, x, y, z):
 *            op & 7 == 0  kick the queue (x & 0x80: queue x & 0x7f)
 *            op & 7 == 1  RAM[x | y << 8] := z
 *            op & 7 == 2  the available index goes up by x
 *            op & 7 == 3  a driver reset: status 0, the start again
 *            op & 7 == 4  the guest reads config byte x (1 << y % 3
 *                         bytes) and the ISR
 *            else         the guest writes z at the range's offset
 *                         x | y << 8
 *   then   the RAM image: descriptors, rings, requests, from GPA 0
 */

#define HEADER 28
#define PMEM_ADDR (G_GUINT64_CONSTANT(1) << 32)
#define PMEM_SIZE (2 * 1024 * 1024)

/* Backends without modules: anonymous memory, or a memfd. */
typedef struct {
    QmemHostMemoryBackend parent_instance;
    gboolean with_fd;
} FuzzBackend;

typedef struct {
    QmemHostMemoryBackendClass parent_class;
} FuzzBackendClass;

G_DEFINE_TYPE(FuzzBackend, fuzz_backend, QMEM_TYPE_HOST_MEMORY_BACKEND)

static QmemRamBlock *fuzz_backend_alloc(QmemHostMemoryBackend *backend,
                                        GError **error)
{
    guint64 size = qmem_host_memory_backend_get_size(backend);
    int fd;

    if (!((FuzzBackend *)backend)->with_fd) {
        return qmem_ram_block_new_anon("fuzz-pmem", size, 0, error);
    }
    fd = memfd_create("fuzz-pmem", MFD_CLOEXEC);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(ftruncate(fd, size), ==, 0);
    return qmem_ram_block_new_from_fd("fuzz-pmem", size, 0, fd, 0,
                                      QMEM_RAM_SHARED, error);
}

static void fuzz_backend_class_init(FuzzBackendClass *klass)
{
    QMEM_HOST_MEMORY_BACKEND_CLASS(klass)->alloc = fuzz_backend_alloc;
}

static void fuzz_backend_init(FuzzBackend *self)
{
}

/* The two backends, made once. */
static QmemHostMemoryBackend *get_backend(gboolean with_fd)
{
    static QmemHostMemoryBackend *backends[2];
    g_autoptr(GError) error = NULL;

    if (!backends[with_fd]) {
        FuzzBackend *b = g_object_new(fuzz_backend_get_type(), "size",
                                      (guint64)PMEM_SIZE, NULL);

        b->with_fd = with_fd;
        backends[with_fd] = QMEM_HOST_MEMORY_BACKEND(b);
        if (!qmem_user_creatable_complete(QMEM_USER_CREATABLE(b), &error)) {
            g_error("fuzz backend: %s", error->message);
        }
    }
    return backends[with_fd];
}

/* The features a driver accepts, from the input's byte 2. */
static const FuzzVqFeature features[] = {
    { 1, QMEM_VIRTIO_F_VERSION_1 },
    { 2, QMEM_VIRTIO_RING_F_INDIRECT_DESC },
    { 4, QMEM_VIRTIO_RING_F_EVENT_IDX },
    { 8, QMEM_VIRTIO_F_NOTIFY_ON_EMPTY },
};

/* The reports of guest errors are noise here. */
static void drop_printerr(const char *text)
{
}

/* Returns whether the op was a kick. */
static gboolean run_op(FuzzVqDriver *d, const guint8 *op)
{
    QmemAddressSpace *as = qmem_virtio_get_dma_as(d->vdev);
    guint8 z = op[3];

    if (fuzz_vq_run_common_op(d, op)) {
        return (op[0] & 7) == 0;
    }
    if ((op[0] & 7) == 4) {
        fuzz_vq_read_config(d, op);
    } else {
        qmem_address_space_rw(as, PMEM_ADDR + (op[1] | op[2] << 8), &z, 1,
                              TRUE);
    }
    return FALSE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzVqWorld *w;
    g_autoptr(QmemVirtioPmem) pmem = NULL;
    g_autoptr(GError) error = NULL;
    QmemMemoryRegion *mr;
    FuzzVqDriver d;
    const guint8 *ops;
    guint nops, kicks = 0;

    if (size < HEADER) {
        return 0;
    }
    g_set_printerr_handler(drop_printerr);
    w = fuzz_vq_get_world();
    nops = MIN(data[27], (size - HEADER) / 4);
    ops = data + HEADER;
    fuzz_vq_load_ram(ops + 4 * nops, size - HEADER - 4 * nops);

    pmem = qmem_virtio_pmem_new();
    qmem_virtio_pmem_set_memdev(pmem, get_backend(data[0] & 1));
    qmem_virtio_pmem_set_addr(pmem, PMEM_ADDR);
    if (!qmem_virtio_pmem_realize(pmem, &error)) {
        g_error("realize: %s", error->message);
    }
    /* Where the memory-device core would map it. */
    mr = qmem_virtio_pmem_get_memory_region(pmem, &error);
    g_assert_no_error(error);
    qmem_memory_region_add_subregion(w->root, PMEM_ADDR, mr);

    fuzz_vq_driver_plug(&d, QMEM_VIRTIO_DEVICE(pmem), data + 1, features,
                        G_N_ELEMENTS(features));
    fuzz_vq_check(&d);
    for (guint i = 0; i < nops; i++) {
        kicks += run_op(&d, ops + 4 * i);
        fuzz_vq_check(&d);
        g_assert_cmpuint(qmem_virtio_pmem_get_flushes(pmem), <=, kicks);
    }

    qmem_virtio_device_unplug(d.vdev);
    qmem_memory_region_del_subregion(w->root, mr);
    qmem_virtio_pmem_unrealize(pmem);
    return 0;
}
