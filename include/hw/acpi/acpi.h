/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ACPI tables for NUMA (SRAT, SLIT) and the pointers a guest finds them by. */

#ifndef QMEM_HW_ACPI_ACPI_H
#define QMEM_HW_ACPI_ACPI_H

#include <glib.h>
#include "hw/core/boards.h"

G_BEGIN_DECLS

/*
 * qmem has no firmware: the machine writes its ACPI tables into guest RAM
 * itself, where a guest (or a test) looks for them, as QEMU's firmware
 * would have put them:
 *
 *   QMEM_ACPI_BASE (0xE0000)   RSDP, revision 2 ("RSD PTR ", 16-byte
 *                              aligned in the BIOS area 0xE0000-0xFFFFF,
 *                              where ACPI says to search)
 *   then                       RSDT and XSDT, listing the tables
 *   then                       SRAT, SLIT (when distances were given)
 *
 * all below QMEM_ACPI_LIMIT.  The KVM guest payload keeps its page tables
 * and code in memory of its own, so nothing there overwrites them, but a
 * memory test over that range does.
 */
#define QMEM_ACPI_BASE 0xe0000
#define QMEM_ACPI_LIMIT 0x100000

#define QMEM_ACPI_TABLE_HEADER_SIZE 36
#define QMEM_ACPI_RSDP_SIZE 36

/* QEMU's OEM fields ("BOCHS ", "BXPC", creator "BXPC" revision 1). */
#define QMEM_ACPI_OEM_ID "BOCHS "
#define QMEM_ACPI_OEM_TABLE_ID "BXPC"
#define QMEM_ACPI_CREATOR_ID "BXPC"

/* SRAT memory affinity flags (ACPI 6.x, table 5.59). */
#define QMEM_ACPI_MEM_AFFINITY_ENABLED (1 << 0)
#define QMEM_ACPI_MEM_AFFINITY_HOTPLUGGABLE (1 << 1)
#define QMEM_ACPI_MEM_AFFINITY_NON_VOLATILE (1 << 2)

/**
 * qmem_acpi_checksum:
 * @data: bytes
 * @len: how many
 *
 * Returns: the byte that makes the sum of @data and it 0 modulo 256 (when
 *   @data's checksum field is 0).
 */
guint8 qmem_acpi_checksum(const guint8 *data, gsize len);

/**
 * qmem_acpi_table_begin:
 * @table: where the table is built
 * @sig: the 4-character signature ("SRAT")
 * @rev: the table revision
 *
 * Appends a table header with QEMU's OEM fields and zero length and
 * checksum; qmem_acpi_table_end() fills them in.
 *
 * Returns: the offset of the header in @table.
 */
guint qmem_acpi_table_begin(GByteArray *table, const char *sig, guint8 rev);

/**
 * qmem_acpi_table_end:
 * @table: the table
 * @start: what qmem_acpi_table_begin() returned
 *
 * Sets the header's length (up to the end of @table) and checksum.
 */
void qmem_acpi_table_end(GByteArray *table, guint start);

/**
 * qmem_acpi_append_int:
 * @table: the table
 * @value: a number
 * @size: its width in bytes (1 to 8), little-endian
 */
void qmem_acpi_append_int(GByteArray *table, guint64 value, guint size);

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
 * @cpus: (array length=n_cpus): one entry per possible CPU, enabled
 * @mem: (array length=n_mem): memory affinity entries, in order
 *
 * Returns: (transfer full): an SRAT (revision 1) with the processor
 *   entries first, then the memory entries.
 */
GByteArray *qmem_acpi_build_srat(const QmemAcpiSratCpu *cpus, guint n_cpus,
                                 const QmemAcpiSratMem *mem, guint n_mem);

/**
 * qmem_acpi_build_slit:
 * @distance: (array): @n_nodes x @n_nodes distances, row-major (row =
 *   from, column = to)
 * @n_nodes: the number of nodes
 *
 * Returns: (transfer full): a SLIT (revision 1).
 */
GByteArray *qmem_acpi_build_slit(const guint8 *distance, guint n_nodes);

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
 *
 * Returns: (transfer full): the table.
 */
GByteArray *qmem_acpi_build_x86_srat(QmemMachine *machine,
                                     guint64 below_4g_mem_size);

/**
 * qmem_acpi_build_numa_slit:
 * @machine: a machine with NUMA nodes and completed distances
 *
 * Returns: (transfer full): QEMU's build_slit() for the machine.
 */
GByteArray *qmem_acpi_build_numa_slit(QmemMachine *machine);

/**
 * qmem_acpi_install:
 * @as: guest-physical memory
 * @base: where the RSDP goes (16-byte aligned, in RAM)
 * @limit: the first address the tables may not use
 * @tables: (element-type GByteArray): complete tables (with checksums)
 * @error: return location for a #GError
 *
 * Writes the RSDP at @base, an RSDT and an XSDT listing @tables, and the
 * tables, each 8-byte aligned, fixing up pointers and checksums.
 *
 * Returns: %FALSE with "acpi tables (0x%lx bytes) do not fit below
 *   0x%lx" or "acpi tables: guest memory at 0x%lx is not RAM".
 */
gboolean qmem_acpi_install(QmemAddressSpace *as, guint64 base, guint64 limit,
                           GPtrArray *tables, GError **error);

/**
 * qmem_acpi_build_numa_tables:
 * @machine: a machine with NUMA nodes, its RAM mapped
 * @below_4g_mem_size: for qmem_acpi_build_x86_srat()
 * @error: return location for a #GError
 *
 * Builds the SRAT and, when -numa dist was given, the SLIT, and installs
 * them at %QMEM_ACPI_BASE (QEMU's acpi_build() NUMA part).  For a board's
 * init hook.
 */
gboolean qmem_acpi_build_numa_tables(QmemMachine *machine,
                                     guint64 below_4g_mem_size,
                                     GError **error);

G_END_DECLS

#endif
