/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: virtio-mem's request queue, rings laid out by the input. */

#include <stdint.h>
#include <string.h>

#include "hw/virtio/virtio.h"
#include "system/ram-block.h"
#include "tests/fuzz/fuzz-virtio-mem-common.h"

/*
 * The guest's DMA address space: RAM_SIZE bytes of RAM at 0 (the input's
 * image), a page of ROM at ROM_BASE, a page of I/O at IO_BASE, the
 * virtio-mem device at ADDR (4 GiB), nothing elsewhere.  A driver plugs
 * the device into a transport over it, negotiates and sets its queue up
 * where the input says; then the input's operations run, kicks among
 * them, and the invariants are checked after each.
 *
 * Input:
 *   0      configuration: & 3 block size, & 4 dynamic memslots, & 8 the
 *          machine keeps NUMA state, & 0x10 unplugged-inaccessible=off
 *          (without dynamic memslots)
 *   1      requested-size in blocks; 2 memslot limit (% 8)
 *   3      the queue size's log2 (& 7); & 0x80: size 100 (refused)
 *   4      features the driver accepts: & 1 VERSION_1, & 2
 *          UNPLUGGED_INACCESSIBLE, & 4 ACPI_PXM, & 8 INDIRECT_DESC,
 *          & 0x10 EVENT_IDX, & 0x20 NOTIFY_ON_EMPTY; & 0x40 no DRIVER_OK
 *   5      descriptor table, available ring, used ring: 3 x le64 GPAs
 *   29     number of operations, then 4 bytes each (op, x, y, z):
 *            op & 7 == 0  kick the queue (x & 0x80: queue x & 0x7f)
 *            op & 7 == 1  RAM[x | y << 8] := z
 *            op & 7 == 2  the available index goes up by x (the driver
 *                         publishes; written where the ring is)
 *            op & 7 == 3  a driver reset: status 0, the start again
 *            op & 7 == 4  requested-size := (x | y << 8) blocks (qom-set)
 *            op & 7 == 5  system reset (x & 1: wake-up)
 *            op & 7 == 6  the busy switch flips
 *            op & 7 == 7  the guest reads config byte x and the ISR
 *   then   the RAM image: descriptors, rings, requests, from GPA 0
 */

#define RAM_SIZE (64 * 1024)
#define ROM_BASE 0x10000
#define IO_BASE 0x11000
#define HEADER 30

/* The transport: the DMA address space; interrupts are counted. */
typedef struct {
    GObject parent_instance;
    QmemAddressSpace *as;
    guint irqs;
} FuzzTransport;

typedef struct {
    GObjectClass parent_class;
} FuzzTransportClass;

static void fuzz_transport_iface_init(QmemVirtioTransportInterface *iface);

G_DEFINE_TYPE_WITH_CODE(FuzzTransport, fuzz_transport, G_TYPE_OBJECT,
                        G_IMPLEMENT_INTERFACE(QMEM_TYPE_VIRTIO_TRANSPORT,
                                              fuzz_transport_iface_init))

static gboolean fuzz_pre_plugged(QmemVirtioTransport *t,
                                 QmemVirtioDevice *vdev, GError **error)
{
    qmem_virtio_add_host_features(vdev,
                                  QMEM_VIRTIO_BIT(QMEM_VIRTIO_F_VERSION_1));
    return TRUE;
}

static void fuzz_notify(QmemVirtioTransport *t, guint16 vector)
{
    ((FuzzTransport *)t)->irqs++;
}

static QmemAddressSpace *fuzz_get_dma_as(QmemVirtioTransport *t)
{
    return ((FuzzTransport *)t)->as;
}

static void fuzz_transport_iface_init(QmemVirtioTransportInterface *iface)
{
    iface->pre_plugged = fuzz_pre_plugged;
    iface->notify = fuzz_notify;
    iface->get_dma_as = fuzz_get_dma_as;
}

static void fuzz_transport_class_init(FuzzTransportClass *klass)
{
}

static void fuzz_transport_init(FuzzTransport *t)
{
}

static const QmemMemoryRegionOps io_ops;

/* What stays from input to input: the memory and the transport. */
typedef struct {
    QmemRamBlock *ram_block;
    QmemRamBlock *rom_block;
    QmemMemoryRegion *root;
    FuzzTransport *transport;
} World;

static World *get_world(void)
{
    static World w;
    g_autoptr(GError) error = NULL;

    if (w.root) {
        return &w;
    }
    w.ram_block = qmem_ram_block_new_anon("fuzz-ram", RAM_SIZE, 0, &error);
    w.rom_block = qmem_ram_block_new_anon("fuzz-rom", 4096, 0, &error);
    g_assert_no_error(error);
    w.rom_block->flags |= QMEM_RAM_READONLY;
    w.root = qmem_memory_region_new_container("fuzz-dma", 1ULL << 40);
    qmem_memory_region_transaction_begin();
    qmem_memory_region_add_subregion(
        w.root, 0, qmem_memory_region_new_ram("fuzz-ram", w.ram_block));
    qmem_memory_region_add_subregion(
        w.root, ROM_BASE, qmem_memory_region_new_ram("fuzz-rom", w.rom_block));
    qmem_memory_region_add_subregion(
        w.root, IO_BASE, qmem_memory_region_new_io("fuzz-io", 4096, &io_ops,
                                                   NULL));
    qmem_memory_region_transaction_commit();
    w.transport = g_object_new(fuzz_transport_get_type(), NULL);
    w.transport->as = qmem_address_space_new("fuzz-dma", w.root);
    return &w;
}

typedef struct {
    QmemVirtioDevice *vdev;
    const guint8 *header;
    guint64 desc, avail, used;
} Driver;

/* What a driver does when it starts; it may be refused on the way. */
static void driver_start(Driver *d)
{
    const guint8 accept = d->header[4];
    const guint8 s = QMEM_VIRTIO_CONFIG_S_ACKNOWLEDGE |
                     QMEM_VIRTIO_CONFIG_S_DRIVER;
    static const struct {
        guint8 mask;
        guint bit;
    } bits[] = {
        { 1, QMEM_VIRTIO_F_VERSION_1 },
        { 2, QMEM_VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE },
        { 4, QMEM_VIRTIO_MEM_F_ACPI_PXM },
        { 8, QMEM_VIRTIO_RING_F_INDIRECT_DESC },
        { 0x10, QMEM_VIRTIO_RING_F_EVENT_IDX },
        { 0x20, QMEM_VIRTIO_F_NOTIFY_ON_EMPTY },
    };
    guint64 features = 0;
    guint num = d->header[3] & 0x80 ? 100 : 1u << (d->header[3] & 7);

    for (guint i = 0; i < G_N_ELEMENTS(bits); i++) {
        features |= accept & bits[i].mask ? QMEM_VIRTIO_BIT(bits[i].bit) : 0;
    }
    qmem_virtio_reset(d->vdev);
    qmem_virtio_set_status(d->vdev, s);
    qmem_virtio_set_features(d->vdev, features);
    qmem_virtio_set_status(d->vdev, s | QMEM_VIRTIO_CONFIG_S_FEATURES_OK);
    qmem_virtio_set_config_vector(d->vdev, 0);
    qmem_virtio_queue_set_num(d->vdev, 0, num);
    qmem_virtio_queue_set_rings(d->vdev, 0, d->desc, d->avail, d->used);
    qmem_virtio_queue_set_vector(d->vdev, 0, 1);
    qmem_virtio_queue_enable(d->vdev, 0);
    if (!(accept & 0x40)) {
        qmem_virtio_set_status(d->vdev, qmem_virtio_get_status(d->vdev) |
                               QMEM_VIRTIO_CONFIG_S_DRIVER_OK);
    }
}

/* The driver publishes @n more available entries. */
static void bump_avail_idx(Driver *d, guint8 n)
{
    QmemAddressSpace *as = qmem_virtio_get_dma_as(d->vdev);
    guint8 b[2];

    qmem_address_space_rw(as, d->avail + 2, b, 2, FALSE);
    b[0] += n;
    if (b[0] < n) {
        b[1]++;
    }
    qmem_address_space_rw(as, d->avail + 2, b, 2, TRUE);
}

static void check(Driver *d, QmemVirtioMem *vmem)
{
    const guint8 status = qmem_virtio_get_status(d->vdev);

    fuzz_check_invariants(vmem);
    /* Every element is answered or given up at once. */
    g_assert_cmpuint(qmem_virtio_queue_get_inuse(
                         qmem_virtio_get_queue(d->vdev, 0)), ==, 0);
    if (qmem_virtio_is_broken(d->vdev) &&
        qmem_virtio_has_feature(d->vdev, QMEM_VIRTIO_F_VERSION_1)) {
        g_assert_true(status & QMEM_VIRTIO_CONFIG_S_NEEDS_RESET);
    }
}

static void run_op(Driver *d, QmemVirtioMem *vmem, const guint8 *op,
                   gboolean *busy)
{
    World *w = get_world();

    switch (op[0] & 7) {
    case 0:
        qmem_virtio_queue_notify(d->vdev, op[1] & 0x80 ? op[1] & 0x7f : 0);
        break;
    case 1:
        ((guint8 *)w->ram_block->host)[op[1] | op[2] << 8] = op[3];
        break;
    case 2:
        bump_avail_idx(d, op[1]);
        break;
    case 3:
        driver_start(d);
        break;
    case 4:
        fuzz_set_requested_size(vmem, (guint64)(op[1] | op[2] << 8) *
                                qmem_virtio_mem_get_block_size(vmem));
        break;
    case 5:
        qmem_virtio_mem_system_reset(vmem, op[1] & 1);
        break;
    case 6:
        *busy = !*busy;
        qmem_virtio_mem_set_busy(vmem, *busy);
        break;
    default:
        qmem_virtio_config_read(d->vdev, op[1], 1 << (op[2] % 3));
        qmem_virtio_read_and_clear_isr(d->vdev);
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    World *w;
    g_autoptr(QmemVirtioMem) vmem = NULL;
    g_autoptr(GError) error = NULL;
    QmemVirtioMemEnv env = { .nb_numa_nodes = 1 };
    QmemMemoryRegion *mr;
    Driver d;
    const guint8 *ops;
    guint nops;
    gboolean busy = FALSE;

    if (size < HEADER) {
        return 0;
    }
    fuzz_quiet();
    w = get_world();
    nops = MIN(data[29], (size - HEADER) / 4);
    ops = data + HEADER;
    memset(w->ram_block->host, 0, RAM_SIZE);
    memcpy(w->ram_block->host, ops + 4 * nops,
           MIN(RAM_SIZE, size - HEADER - 4 * nops));

    vmem = fuzz_virtio_mem_new(fuzz_block_sizes[data[0] & 3], data[1],
                               data[0] & 4, data[2] % 8);
    env.has_numa_state = !!(data[0] & 8);
    /* Dynamic memslots need it on: realize would refuse. */
    if ((data[0] & 0x10) && !(data[0] & 4)) {
        qmem_virtio_mem_set_unplugged_inaccessible(
            vmem, QMEM_VIRTIO_MEM_ON_OFF_AUTO_OFF);
    }
    if (!qmem_virtio_mem_realize(vmem, &env, &error)) {
        g_error("realize: %s", error->message);
    }
    /* Where the memory-device core would map it. */
    mr = qmem_virtio_mem_get_memory_region(vmem, &error);
    g_assert_no_error(error);
    qmem_memory_region_add_subregion(w->root, ADDR, mr);

    d = (Driver){
        .vdev = QMEM_VIRTIO_DEVICE(vmem),
        .header = data,
        .desc = fuzz_le64(data + 5),
        .avail = fuzz_le64(data + 13),
        .used = fuzz_le64(data + 21),
    };
    g_assert_true(qmem_virtio_device_plug(
                      d.vdev, QMEM_VIRTIO_TRANSPORT(w->transport), NULL));
    driver_start(&d);
    check(&d, vmem);
    for (guint i = 0; i < nops; i++) {
        run_op(&d, vmem, ops + 4 * i, &busy);
        check(&d, vmem);
    }

    qmem_virtio_device_unplug(d.vdev);
    qmem_memory_region_del_subregion(w->root, mr);
    return 0;
}
