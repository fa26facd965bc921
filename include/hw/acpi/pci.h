/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ACPI MCFG: where PCI Express configuration space is mapped. */

#ifndef QMEM_HW_ACPI_PCI_H
#define QMEM_HW_ACPI_PCI_H

#include <glib.h>
#include "hw/acpi/aml-build.h"

G_BEGIN_DECLS

/**
 * QmemAcpiMcfgInfo:
 * @base: guest-physical address of the MMCONFIG window
 * @size: its size, 1 MiB per bus
 */
typedef struct {
    guint64 base;
    guint32 size;
} QmemAcpiMcfgInfo;

/**
 * qmem_acpi_build_mcfg:
 *
 * QEMU's build_mcfg(): one allocation for segment 0, buses 0 to
 * size / 1 MiB - 1.
 */
void qmem_acpi_build_mcfg(GByteArray *table_data, QmemBiosLinker *linker,
                          const QmemAcpiMcfgInfo *info, const char *oem_id,
                          const char *oem_table_id);

G_END_DECLS

#endif
