/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: virtio-mem's request queue, rings laid out by the input. */

#include <stdint.h>
#include <string.h>

#include "hw/virtio/virtio.h"
#include "system/ram-block.h"
#include "tests/fuzz/fuzz-virtio-mem-common.h"
#include "tests/fuzz/fuzz-virtio-vq.h"

/*
 * The guest's DMA address space (fuzz-virtio-vq.h): 64 KiB of RAM at 0
 * (the input's image), a page of ROM, a page of I/O, and the virtio-mem
 * device at ADDR (4 GiB).  A driver plugs the device into a transport
 * over it, negotiates and sets its queue up where the input says; then
 * the input's operations run, kicks among them, and the invariants are
 * checked after each.
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

#define HEADER 30

/* The features a driver accepts, from the input's byte 4. */
static const FuzzVqFeature features[] = {
    { 1, QMEM_VIRTIO_F_VERSION_1 },
    { 2, QMEM_VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE },
    { 4, QMEM_VIRTIO_MEM_F_ACPI_PXM },
    { 8, QMEM_VIRTIO_RING_F_INDIRECT_DESC },
    { 0x10, QMEM_VIRTIO_RING_F_EVENT_IDX },
    { 0x20, QMEM_VIRTIO_F_NOTIFY_ON_EMPTY },
};

static void check(FuzzVqDriver *d, QmemVirtioMem *vmem)
{
    fuzz_check_invariants(vmem);
    fuzz_vq_check(d);
}

static void run_op(FuzzVqDriver *d, QmemVirtioMem *vmem, const guint8 *op,
                   gboolean *busy)
{
    if (fuzz_vq_run_common_op(d, op)) {
        return;
    }
    switch (op[0] & 7) {
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
        fuzz_vq_read_config(d, op);
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzVqWorld *w;
    g_autoptr(QmemVirtioMem) vmem = NULL;
    g_autoptr(GError) error = NULL;
    QmemVirtioMemEnv env = { .nb_numa_nodes = 1 };
    QmemMemoryRegion *mr;
    FuzzVqDriver d;
    const guint8 *ops;
    guint nops;
    gboolean busy = FALSE;

    if (size < HEADER) {
        return 0;
    }
    fuzz_quiet();
    w = fuzz_vq_get_world();
    nops = MIN(data[29], (size - HEADER) / 4);
    ops = data + HEADER;
    fuzz_vq_load_ram(ops + 4 * nops, size - HEADER - 4 * nops);

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

    fuzz_vq_driver_plug(&d, QMEM_VIRTIO_DEVICE(vmem), data + 3, features,
                        G_N_ELEMENTS(features));
    check(&d, vmem);
    for (guint i = 0; i < nops; i++) {
        run_op(&d, vmem, ops + 4 * i, &busy);
        check(&d, vmem);
    }

    qmem_virtio_device_unplug(d.vdev);
    qmem_memory_region_del_subregion(w->root, mr);
    return 0;
}
