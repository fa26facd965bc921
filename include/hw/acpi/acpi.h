/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ACPI tables for NUMA: SRAT and SLIT, as QEMU builds them. */

#ifndef QMEM_HW_ACPI_ACPI_H
#define QMEM_HW_ACPI_ACPI_H

#include <glib.h>
#include "hw/acpi/aml-build.h"
#include "hw/core/boards.h"

G_BEGIN_DECLS

/* SRAT memory affinity flags (ACPI 6.x, table 5.59). */
#define QMEM_ACPI_MEM_AFFINITY_ENABLED (1 << 0)
#define QMEM_ACPI_MEM_AFFINITY_HOTPLUGGABLE (1 << 1)
#define QMEM_ACPI_MEM_AFFINITY_NON_VOLATILE (1 << 2)

/**
 * QmemAcpiSratCpu:
 * @apic_id: the CPU's (x2)APIC id; below 255 it gets a Processor Local
 *   APIC entry, else a Processor Local x2APIC entry, as QEMU does
 * @node: its proximity domain
 */
typedef struct {
    guint32 apic_id;
    guint32 node;
} QmemAcpiSratCpu;

/**
 * QmemAcpiSratMem:
 * @base: guest-physical start
 * @length: bytes
 * @node: its proximity domain
 * @flags: QMEM_ACPI_MEM_AFFINITY_*
 */
typedef struct {
    guint64 base;
    guint64 length;
    guint32 node;
    guint32 flags;
} QmemAcpiSratMem;

/**
 * qmem_acpi_build_srat:
 * @table_data: where the table goes (at its end)
 * @linker: (nullable): the loader script, for the checksum
 * @cpus: (array length=n_cpus): one entry per possible CPU, enabled
 * @mem: (array length=n_mem): memory affinity entries, in order
 *
 * Appends an SRAT (revision 1) with the processor entries first, then
 * the memory entries.
 */
void qmem_acpi_build_srat(GByteArray *table_data, QmemBiosLinker *linker,
                          const QmemAcpiSratCpu *cpus, guint n_cpus,
                          const QmemAcpiSratMem *mem, guint n_mem);

/**
 * qmem_acpi_build_slit:
 * @distance: (array): @n_nodes x @n_nodes distances, row-major (row =
 *   from, column = to)
 * @n_nodes: the number of nodes
 *
 * Appends a SLIT (revision 1).
 */
void qmem_acpi_build_slit(GByteArray *table_data, QmemBiosLinker *linker,
                          const guint8 *distance, guint n_nodes);

/**
 * qmem_acpi_build_x86_srat:
 * @machine: a machine with NUMA nodes (completed configuration)
 * @below_4g_mem_size: boot RAM mapped below 4 GiB (the rest is at 4 GiB)
 *
 * QEMU's x86 build_srat(): a processor entry per possible CPU with its
 * node; node memory laid out node after node from 0 with the 640 KiB-1 MiB
 * hole and the PCI hole below 4 GiB cut out; empty entries up to nodes + 2
 * memory entries; and, with device memory, one hot-pluggable entry over
 * the whole device-memory region on the last node.
 */
void qmem_acpi_build_x86_srat(GByteArray *table_data, QmemBiosLinker *linker,
                              QmemMachine *machine,
                              guint64 below_4g_mem_size);

/**
 * qmem_acpi_build_numa_slit:
 * @machine: a machine with NUMA nodes and completed distances
 *
 * QEMU's build_slit() for the machine.
 */
void qmem_acpi_build_numa_slit(GByteArray *table_data, QmemBiosLinker *linker,
                               QmemMachine *machine);

G_END_DECLS

#endif
