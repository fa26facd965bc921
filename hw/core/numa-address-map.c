/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The NUMA address map: which node owns each guest-physical range (boot
 * RAM split by node, every plugged memory device), and the lookup.
 */

#include "hw/core/numa.h"
#include "util/error.h"

void qmem_numa_add_range(QmemMachine *machine, guint node, guint64 addr,
                         guint64 size)
{
    QmemNumaState *state = qmem_numa_machine_get_state(machine);
    QmemNumaAddrRange range = { addr, size };
    QmemNumaNode *info;

    /* Memory-less nodes come here with nothing to record. */
    if (!state || !size || node >= MAX(state->num_nodes, 1)) {
        return;
    }
    info = &state->nodes[node];
    if (!info->ranges) {
        info->ranges = g_array_new(FALSE, FALSE, sizeof(QmemNumaAddrRange));
    }
    g_array_append_val(info->ranges, range);
}

void qmem_numa_remove_range(QmemMachine *machine, guint node, guint64 addr,
                            guint64 size)
{
    QmemNumaState *state = qmem_numa_machine_get_state(machine);
    GArray *ranges;

    if (!state || node >= QMEM_MAX_NODES) {
        return;
    }
    ranges = state->nodes[node].ranges;
    for (guint i = 0; ranges && i < ranges->len; i++) {
        QmemNumaAddrRange *r = &g_array_index(ranges, QmemNumaAddrRange, i);

        if (r->start == addr && r->size == size) {
            g_array_remove_index(ranges, i);
            return;
        }
    }
}

void qmem_numa_map_boot_ram(QmemMachine *machine)
{
    QmemNumaState *state = qmem_numa_machine_get_state(machine);
    QmemMemoryRegion *ram = qmem_machine_get_ram(machine);
    QmemDeviceMemoryState *dms = qmem_machine_get_device_memory(machine);
    const QmemMemorySection *sections;
    guint n_sections, n_nodes;
    guint64 offset = 0;

    if (!state || !ram) {
        return;
    }
    sections = qmem_address_space_get_sections(
        qmem_machine_get_address_space(machine), &n_sections);
    n_nodes = MAX(state->num_nodes, 1);

    /*
     * Node i owns RAM bytes [offset_i, offset_i + node_mem); the flat view
     * tells where the board put them, found by their host addresses
     * (per-node backends or one block, aliased around holes or not).
     */
    for (guint i = 0; i < n_nodes; i++) {
        guint64 size = state->num_nodes ? state->nodes[i].node_mem
                                        : qmem_machine_get_ram_size(machine);
        QmemRamBlock *block;
        const char *host;

        if (state->num_nodes && state->nodes[i].node_memdev &&
            state->have_memdevs) {
            block = qmem_host_memory_backend_get_ram_block(
                state->nodes[i].node_memdev);
            host = block->host;
        } else {
            block = qmem_memory_region_get_ram_block(ram);
            host = block ? (const char *)block->host + offset : NULL;
        }
        offset += size;
        if (!host || !size) {
            continue;
        }
        for (guint s = 0; s < n_sections; s++) {
            const QmemMemorySection *sec = &sections[s];
            const char *lo, *hi;

            if (!sec->host || (dms && sec->offset_within_address_space >=
                               dms->base &&
                               sec->offset_within_address_space <
                               dms->base + qmem_memory_region_size(dms->mr))) {
                continue;
            }
            lo = MAX((const char *)sec->host, host);
            hi = MIN((const char *)sec->host + sec->size, host + size);
            if (lo < hi) {
                qmem_numa_add_range(machine, i,
                                    sec->offset_within_address_space +
                                    (lo - (const char *)sec->host),
                                    hi - lo);
            }
        }
    }
}

gboolean qmem_numa_get_node(QmemMachine *machine, guint64 addr, guint *node,
                            GError **error)
{
    QmemNumaState *state = qmem_numa_machine_get_state(machine);

    if (state && state->num_nodes) {
        for (guint i = 0; i < state->num_nodes; i++) {
            GArray *ranges = state->nodes[i].ranges;

            for (guint j = 0; ranges && j < ranges->len; j++) {
                QmemNumaAddrRange *r =
                    &g_array_index(ranges, QmemNumaAddrRange, j);

                if (addr >= r->start && addr - r->start < r->size) {
                    *node = i;
                    return TRUE;
                }
            }
        }
    } else if (machine) {
        /* Without nodes, node 0 owns all RAM, boot RAM or plugged. */
        const QmemMemorySection *sec = qmem_address_space_lookup(
            qmem_machine_get_address_space(machine), addr);

        if (sec && sec->host) {
            *node = 0;
            return TRUE;
        }
    }
    g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                "Address 0x%" G_GINT64_MODIFIER "x doesn't belong to any "
                "NUMA node", addr);
    return FALSE;
}
