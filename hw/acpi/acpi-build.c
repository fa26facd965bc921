/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A machine's NUMA tables: QEMU's x86 SRAT layout and the SLIT. */

#include "hw/acpi/acpi.h"
#include "hw/acpi/nvdimm.h"
#include "hw/core/numa.h"

#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define HOLE_640K_START (640 * KiB)
#define HOLE_640K_END (1 * MiB)

static void add_mem(GArray *mem, guint64 base, guint64 len, guint node,
                    guint32 flags)
{
    QmemAcpiSratMem entry = { base, len, node, flags };

    g_array_append_val(mem, entry);
}

/*
 * RAM from 0, node after node, around the 640K and PCI holes: QEMU's
 * build_srat() walk, entry for entry.
 */
static void add_node_memory(GArray *mem, QmemNumaState *state,
                            guint64 below_4g_mem_size)
{
    const guint32 enabled = QMEM_ACPI_MEM_AFFINITY_ENABLED;
    guint64 mem_base, mem_len, next_base = 0;

    for (guint i = 0; i < state->num_nodes; i++) {
        mem_base = next_base;
        mem_len = state->nodes[i].node_mem;
        next_base = mem_base + mem_len;

        if (mem_base <= HOLE_640K_START && next_base > HOLE_640K_START) {
            mem_len -= next_base - HOLE_640K_START;
            if (mem_len > 0) {
                add_mem(mem, mem_base, mem_len, i, enabled);
            }
            /* The rare case: 640K < RAM < 1M. */
            if (next_base <= HOLE_640K_END) {
                next_base = HOLE_640K_END;
                continue;
            }
            mem_base = HOLE_640K_END;
            mem_len = next_base - HOLE_640K_END;
        }

        if (mem_base <= below_4g_mem_size && next_base > below_4g_mem_size) {
            mem_len -= next_base - below_4g_mem_size;
            if (mem_len > 0) {
                add_mem(mem, mem_base, mem_len, i, enabled);
            }
            mem_base = 1ULL << 32;
            mem_len = next_base - below_4g_mem_size;
            next_base = mem_base + mem_len;
        }

        if (mem_len > 0) {
            add_mem(mem, mem_base, mem_len, i, enabled);
        }
    }
}

void qmem_acpi_build_x86_srat(GByteArray *table_data, QmemBiosLinker *linker,
                              QmemMachine *machine,
                              guint64 below_4g_mem_size)
{
    QmemNumaState *state = qmem_numa_machine_get_state(machine);
    const QmemCpuArchIdList *cpus = qmem_numa_machine_possible_cpus(machine);
    QmemDeviceMemoryState *dms = qmem_machine_get_device_memory(machine);
    g_autoptr(GArray) cpu_entries =
        g_array_new(FALSE, TRUE, sizeof(QmemAcpiSratCpu));
    g_autoptr(GArray) mem = g_array_new(FALSE, TRUE, sizeof(QmemAcpiSratMem));

    g_return_if_fail(state && state->num_nodes && cpus);

    for (guint i = 0; i < cpus->len; i++) {
        QmemAcpiSratCpu entry = {
            .apic_id = cpus->cpus[i].arch_id,
            .node = cpus->cpus[i].props.node_id,
        };

        g_array_append_val(cpu_entries, entry);
    }

    add_node_memory(mem, state, below_4g_mem_size);
    /* NVDIMMs' non-volatile ranges (pre_plug allows none unless nvdimm=on). */
    qmem_nvdimm_build_srat(mem);
    /* QEMU keeps these empty entries for some ancient guest's sake. */
    for (guint slots = mem->len; slots < state->num_nodes + 2; slots++) {
        add_mem(mem, 0, 0, 0, 0);
    }

    /*
     * Windows needs it to enable memory hotplug, Linux for SWIOTLB with
     * less than 4G; QEMU puts it on the highest node.
     */
    if (dms) {
        add_mem(mem, dms->base, qmem_memory_region_size(dms->mr),
                state->num_nodes - 1,
                QMEM_ACPI_MEM_AFFINITY_HOTPLUGGABLE |
                QMEM_ACPI_MEM_AFFINITY_ENABLED);
    }

    qmem_acpi_build_srat(table_data, linker,
                         (QmemAcpiSratCpu *)cpu_entries->data,
                         cpu_entries->len, (QmemAcpiSratMem *)mem->data,
                         mem->len);
}

void qmem_acpi_build_numa_slit(GByteArray *table_data, QmemBiosLinker *linker,
                               QmemMachine *machine)
{
    QmemNumaState *state = qmem_numa_machine_get_state(machine);
    g_autofree guint8 *distance = NULL;
    guint n;

    g_return_if_fail(state && state->num_nodes);
    n = state->num_nodes;
    distance = g_new0(guint8, n * n);
    for (guint i = 0; i < n; i++) {
        for (guint j = 0; j < n; j++) {
            g_assert(state->nodes[i].distance[j]);
            distance[i * n + j] = state->nodes[i].distance[j];
        }
    }
    qmem_acpi_build_slit(table_data, linker, distance, n);
}
