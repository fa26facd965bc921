/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ACPI MCFG (PCI Firmware Specification 3.0, 4.1.2), as QEMU's. */

#include "hw/acpi/pci.h"

void qmem_acpi_build_mcfg(GByteArray *table_data, QmemBiosLinker *linker,
                          const QmemAcpiMcfgInfo *info, const char *oem_id,
                          const char *oem_table_id)
{
    QmemAcpiTable table = { .sig = "MCFG", .rev = 1, .oem_id = oem_id,
                            .oem_table_id = oem_table_id };

    g_return_if_fail(info->size >= (1 << 20));
    qmem_acpi_table_begin(&table, table_data);
    qmem_acpi_append_int(table_data, 0, 8);            /* Reserved */
    /* Enhanced Configuration Space Base Address Allocation Structure */
    qmem_acpi_append_int(table_data, info->base, 8);   /* Base Address */
    qmem_acpi_append_int(table_data, 0, 2);            /* Segment Group */
    qmem_acpi_append_int(table_data, 0, 1);            /* Start Bus */
    /* End Bus: 1 MiB of configuration space per bus */
    qmem_acpi_append_int(table_data, (info->size - 1) >> 20, 1);
    qmem_acpi_append_int(table_data, 0, 4);            /* Reserved */
    qmem_acpi_table_end(linker, &table);
}
