/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ACPI HMAT (Heterogeneous Memory Attribute Table), as QEMU builds it. */

#ifndef QMEM_HW_ACPI_HMAT_H
#define QMEM_HW_ACPI_HMAT_H

#include <glib.h>
#include "hw/acpi/aml-build.h"
#include "hw/core/numa.h"

G_BEGIN_DECLS

/*
 * ACPI 6.3, 5.2.27.3, Memory Proximity Domain Attributes flags, bit 0:
 * the attached initiator field is valid.
 */
#define QMEM_HMAT_PROXIMITY_INITIATOR_VALID 0x1

/**
 * qmem_acpi_build_hmat:
 * @table_data: where the table goes (at its end)
 * @linker: (nullable): the loader script, for the checksum
 * @numa: the machine's NUMA state, its configuration completed
 * @oem_id: (nullable): %NULL for QMEM_ACPI_OEM_ID
 * @oem_table_id: (nullable): %NULL for QMEM_ACPI_OEM_TABLE_ID
 *
 * QEMU's build_hmat(): an HMAT of revision 2 with, in QEMU's order, a
 * Memory Proximity Domain Attributes structure per node (its initiator,
 * if any), a System Locality Latency and Bandwidth Information structure
 * per hierarchy and data type that -numa hmat-lb gave (initiators: the
 * nodes with CPUs; targets: every node; entries in the common base unit,
 * latencies in ps, bandwidths in MB/s), and a Memory Side Cache
 * Information structure per -numa hmat-cache, node by node and level by
 * level.
 */
void qmem_acpi_build_hmat(GByteArray *table_data, QmemBiosLinker *linker,
                          const QmemNumaState *numa, const char *oem_id,
                          const char *oem_table_id);

G_END_DECLS

#endif
