/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Memory maps from plain data, and their tables, for the memory-map tests. */

#include <string.h>
#include "tests/unit/memory-map-cases.h"

#define MiB (1024ULL * 1024)
#define GiB (1024 * MiB)

/* pc with 4 GiB: 2 GiB below the hole, 2 above, 1 TiB of device memory. */
static const QmemMemoryMapSection pc_sections[] = {
    { 0, 2 * GiB, "pc.ram", -1 },
    { 4 * GiB, 2 * GiB, "pc.ram", -1 },
    { 8 * GiB, 1 * GiB, "mem-d0", -1 },
    { 10 * GiB, 1 * GiB, "mem-v0", -1 },
    { 12 * GiB, 1 * GiB, "mem-v0", -1 },
    { 0 },
};

/* A DIMM and a virtio-mem device with two of its eight GiB mapped. */
static const QmemMemoryMapDevice pc_devices[] = {
    { "dimm", "dimm0", 8 * GiB, 1 * GiB, 1 * GiB, 0, FALSE },
    { "virtio-mem", "vmem0", 10 * GiB, 8 * GiB, 2 * GiB, 0, TRUE },
    { NULL },
};

const MapCase map_cases[] = {
    {
        .name = "empty",
        .sections = (const QmemMemoryMapSection[]) { { 0 } },
        .text = HEADER,
    }, {
        .name = "ram",
        .sections = (const QmemMemoryMapSection[]) {
            { 0, 128 * MiB, "pc.ram", -1 }, { 0 },
        },
        .text = HEADER
        "0x0000000000000000 0x0000000007ffffff 128 MiB   ram"
        "             pc.ram\n",
    }, {
        /* The 32-bit PCI hole is just a gap. */
        .name = "pci-hole",
        .sections = (const QmemMemoryMapSection[]) {
            { 0, 3 * GiB, "pc.ram", -1 },
            { 4 * GiB, 512 * MiB, "pc.ram", -1 },
            { 0 },
        },
        .text = HEADER
        "0x0000000000000000 0x00000000bfffffff 3 GiB     ram"
        "             pc.ram\n"
        "0x00000000c0000000 0x00000000ffffffff 1 GiB     gap\n"
        "0x0000000100000000 0x000000011fffffff 512 MiB   ram"
        "             pc.ram\n",
    }, {
        .name = "leading-gap",
        .sections = (const QmemMemoryMapSection[]) {
            { 1 * MiB, 1 * MiB, "low", -1 }, { 0 },
        },
        .text = HEADER
        "0x0000000000000000 0x00000000000fffff 1 MiB     gap\n"
        "0x0000000000100000 0x00000000001fffff 1 MiB     ram"
        "             low\n",
    }, {
        .name = "devices",
        .sections = pc_sections,
        .dm_base = 7 * GiB,
        .dm_size = 1024 * GiB,
        .devices = pc_devices,
        .text = HEADER
        "0x0000000000000000 0x000000007fffffff 2 GiB     ram"
        "             pc.ram\n"
        "0x0000000080000000 0x00000000ffffffff 2 GiB     gap\n"
        "0x0000000100000000 0x000000017fffffff 2 GiB     ram"
        "             pc.ram\n"
        "0x0000000180000000 0x00000001bfffffff 1 GiB     gap\n"
        "0x00000001c0000000 0x00000101bfffffff 1 TiB     device-memory"
        "   device-memory\n"
        "0x00000001c0000000 0x00000001ffffffff 1 GiB       free\n"
        "0x0000000200000000 0x000000023fffffff 1 GiB       dimm"
        "          dimm0 (node 0)\n"
        "0x0000000240000000 0x000000027fffffff 1 GiB       free\n"
        "0x0000000280000000 0x000000047fffffff 8 GiB       virtio-mem"
        "    vmem0 (node 0, plugged 2 GiB)\n"
        "0x0000000280000000 0x00000002bfffffff 1 GiB         mapped\n"
        "0x0000000300000000 0x000000033fffffff 1 GiB         mapped\n"
        "0x0000000480000000 0x00000101bfffffff 0.989 TiB   free\n",
    }, {
        /*
         * No id, no node, an empty device (left out), one outside device
         * memory (top level), virtio-mem with nothing plugged.
         */
        .name = "device-kinds",
        .sections = (const QmemMemoryMapSection[]) {
            { 0, 1 * GiB, "ram", -1 },
            { 4 * GiB, 1 * GiB, "nv", -1 },
            { 0 },
        },
        .dm_base = 4 * GiB,
        .dm_size = 4 * GiB,
        .devices = (const QmemMemoryMapDevice[]) {
            { "nvdimm", NULL, 4 * GiB, 1 * GiB, 1 * GiB, 0, FALSE },
            { "virtio-mem", "vm", 5 * GiB, 1 * GiB, 0, 0, TRUE },
            { "virtio-pmem", "pm", 0, 0, 0, -1, FALSE },
            { "sgx-epc", "epc", 16 * GiB, 32 * MiB, 32 * MiB, 1, FALSE },
            { NULL },
        },
        .text = HEADER
        "0x0000000000000000 0x000000003fffffff 1 GiB     ram"
        "             ram\n"
        "0x0000000040000000 0x00000000ffffffff 3 GiB     gap\n"
        "0x0000000100000000 0x00000001ffffffff 4 GiB     device-memory"
        "   device-memory\n"
        "0x0000000100000000 0x000000013fffffff 1 GiB       nvdimm"
        "        (node 0)\n"
        "0x0000000140000000 0x000000017fffffff 1 GiB       virtio-mem"
        "    vm (node 0, plugged 0 B)\n"
        "0x0000000180000000 0x00000001ffffffff 2 GiB       free\n"
        "0x0000000200000000 0x00000003ffffffff 8 GiB     gap\n"
        "0x0000000400000000 0x0000000401ffffff 32 MiB    sgx-epc"
        "         epc (node 1)\n",
    }, {
        /* Inclusive ends: nothing wraps at the top of the address space. */
        .name = "top-of-address-space",
        .sections = (const QmemMemoryMapSection[]) {
            { 0xffffffffc0000000ULL, 1 * GiB, "top", -1 }, { 0 },
        },
        .dm_base = 0xffffffff00000000ULL,
        .dm_size = 4 * GiB,
        .devices = (const QmemMemoryMapDevice[]) {
            { "dimm", "d", 0xffffffffc0000000ULL, 1 * GiB, 1 * GiB, 0, FALSE },
            { NULL },
        },
        .text = HEADER
        "0x0000000000000000 0xfffffffeffffffff 16 EiB    gap\n"
        "0xffffffff00000000 0xffffffffffffffff 4 GiB     device-memory"
        "   device-memory\n"
        "0xffffffff00000000 0xffffffffbfffffff 3 GiB       free\n"
        "0xffffffffc0000000 0xffffffffffffffff 1 GiB       dimm"
        "          d (node 0)\n",
    }, {
        /* RAM mapped in device memory by no device is still shown. */
        .name = "stray-section",
        .sections = (const QmemMemoryMapSection[]) {
            { 0, 1 * GiB, "pc.ram", -1 },
            { 2 * GiB, 1 * GiB, "odd", -1 },
            { 0 },
        },
        .dm_base = 1 * GiB,
        .dm_size = 4 * GiB,
        .text = HEADER
        "0x0000000000000000 0x000000003fffffff 1 GiB     ram"
        "             pc.ram\n"
        "0x0000000040000000 0x000000013fffffff 4 GiB     device-memory"
        "   device-memory\n"
        "0x0000000040000000 0x000000007fffffff 1 GiB       free\n"
        "0x0000000080000000 0x00000000bfffffff 1 GiB       ram"
        "           odd\n"
        "0x00000000c0000000 0x000000013fffffff 2 GiB       free\n",
    }, {
        .name = "numa-nodes",
        .sections = (const QmemMemoryMapSection[]) {
            { 0, 1 * GiB, "ram-node0", 0 },
            { 1 * GiB, 1 * GiB, "ram-node1", 1 },
            { 0 },
        },
        .text = HEADER
        "0x0000000000000000 0x000000003fffffff 1 GiB     ram"
        "             ram-node0 (node 0)\n"
        "0x0000000040000000 0x000000007fffffff 1 GiB     ram"
        "             ram-node1 (node 1)\n",
    },
};

const gsize n_map_cases = G_N_ELEMENTS(map_cases);

static guint count_sections(const QmemMemoryMapSection *sections)
{
    guint n = 0;

    while (sections[n].name) {
        n++;
    }
    return n;
}

static guint count_devices(const QmemMemoryMapDevice *devices)
{
    guint n = 0;

    while (devices && devices[n].type) {
        n++;
    }
    return n;
}

QmemMemoryMap *map_from_case(const MapCase *c)
{
    return qmem_memory_map_new_from(c->sections, count_sections(c->sections),
                                    c->dm_base, c->dm_size, c->devices,
                                    count_devices(c->devices));
}

const MapCase *find_case(const char *name)
{
    for (gsize i = 0; i < n_map_cases; i++) {
        if (!strcmp(map_cases[i].name, name)) {
            return &map_cases[i];
        }
    }
    g_assert_not_reached();
}
