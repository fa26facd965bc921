/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pc MADT ("APIC"): local APICs, the I/O APIC, interrupt overrides. */

#include "hw/core/numa.h"
#include "pc-internal.h"

#define APIC_DEFAULT_ADDRESS 0xfee00000
#define IO_APIC_DEFAULT_ADDRESS 0xfec00000
#define ACPI_BUILD_IOAPIC_ID 0x0
/* pc's x86ms->pci_irq_mask: the PCI interrupts, level-triggered. */
#define ACPI_BUILD_PCI_IRQS ((1 << 5) | (1 << 9) | (1 << 10) | (1 << 11))

/* QEMU's pc_madt_cpu_entry(). */
static void madt_cpu_entry(GByteArray *entry, guint uid, guint32 apic_id,
                           gboolean present)
{
    /*
     * A CPU that is not there yet is listed, disabled: leaving it out
     * breaks CPU hotplug on Linux.
     */
    guint32 flags = present ? 1 /* Enabled */ : 0;

    if (apic_id < 255) {
        /* Rev 1.0b, Table 5-13 Processor Local APIC Structure */
        qmem_acpi_append_int(entry, 0, 1);         /* Type */
        qmem_acpi_append_int(entry, 8, 1);         /* Length */
        qmem_acpi_append_int(entry, uid, 1);       /* ACPI Processor ID */
        qmem_acpi_append_int(entry, apic_id, 1);   /* APIC ID */
        qmem_acpi_append_int(entry, flags, 4);     /* Flags */
    } else {
        /* Rev 4.0, 5.2.12.12 Processor Local x2APIC Structure */
        qmem_acpi_append_int(entry, 9, 1);         /* Type */
        qmem_acpi_append_int(entry, 16, 1);        /* Length */
        qmem_acpi_append_int(entry, 0, 2);         /* Reserved */
        qmem_acpi_append_int(entry, apic_id, 4);   /* X2APIC ID */
        qmem_acpi_append_int(entry, flags, 4);     /* Flags */
        qmem_acpi_append_int(entry, uid, 4);       /* ACPI Processor UID */
    }
}

/* Rev 1.0b, 5.2.8.2 IO APIC */
static void build_ioapic(GByteArray *entry, guint8 id, guint32 addr,
                         guint32 irq)
{
    qmem_acpi_append_int(entry, 1, 1);             /* Type */
    qmem_acpi_append_int(entry, 12, 1);            /* Length */
    qmem_acpi_append_int(entry, id, 1);            /* IO APIC ID */
    qmem_acpi_append_int(entry, 0, 1);             /* Reserved */
    qmem_acpi_append_int(entry, addr, 4);          /* IO APIC Address */
    qmem_acpi_append_int(entry, irq, 4);           /* System Vector Base */
}

/* Rev 1.0b, 5.2.8.3.1 Interrupt Source Overrides */
static void build_xrupt_override(GByteArray *entry, guint8 src, guint32 gsi,
                                 guint16 flags)
{
    qmem_acpi_append_int(entry, 2, 1);             /* Type */
    qmem_acpi_append_int(entry, 10, 1);            /* Length */
    qmem_acpi_append_int(entry, 0, 1);             /* Bus */
    qmem_acpi_append_int(entry, src, 1);           /* Source */
    qmem_acpi_append_int(entry, gsi, 4);           /* Global System Int */
    qmem_acpi_append_int(entry, flags, 2);         /* Flags */
}

static void build_nmi(GByteArray *t, gboolean x2apic_mode)
{
    if (x2apic_mode) {
        /* Rev 4.0, 5.2.12.13 Local x2APIC NMI Structure */
        qmem_acpi_append_int(t, 0xA, 1);           /* Type */
        qmem_acpi_append_int(t, 12, 1);            /* Length */
        qmem_acpi_append_int(t, 0, 2);             /* Flags */
        qmem_acpi_append_int(t, 0xFFFFFFFF, 4);    /* all processors */
        qmem_acpi_append_int(t, 1, 1);             /* Local x2APIC LINT1 */
        qmem_acpi_append_int(t, 0, 3);             /* Reserved */
    } else {
        /* Rev 1.0b, 5.2.8.3.3 Local APIC NMI */
        qmem_acpi_append_int(t, 4, 1);             /* Type */
        qmem_acpi_append_int(t, 6, 1);             /* Length */
        qmem_acpi_append_int(t, 0xFF, 1);          /* all processors */
        qmem_acpi_append_int(t, 0, 2);             /* Flags */
        qmem_acpi_append_int(t, 1, 1);             /* Local APIC LINT1 */
    }
}

void qmem_pc_acpi_build_madt(GByteArray *table_data, QmemBiosLinker *linker,
                             QmemMachine *machine)
{
    const QmemCpuArchIdList *apic_ids =
        qmem_numa_machine_possible_cpus(machine);
    guint present = qmem_machine_get_smp_cpus(machine);
    gboolean x2apic_mode = FALSE;
    QmemAcpiTable table = { .sig = "APIC", .rev = 1 };

    qmem_acpi_table_begin(&table, table_data);
    qmem_acpi_append_int(table_data, APIC_DEFAULT_ADDRESS, 4);
    qmem_acpi_append_int(table_data, 1 /* PCAT_COMPAT */, 4);   /* Flags */

    for (guint i = 0; i < apic_ids->len; i++) {
        madt_cpu_entry(table_data, i, apic_ids->cpus[i].arch_id, i < present);
        if (apic_ids->cpus[i].arch_id > 254) {
            x2apic_mode = TRUE;
        }
    }

    build_ioapic(table_data, ACPI_BUILD_IOAPIC_ID, IO_APIC_DEFAULT_ADDRESS,
                 0);
    /* IRQ0 arrives on GSI 2 (QEMU's apic_xrupt_override). */
    build_xrupt_override(table_data, 0, 2,
                         0 /* Flags: conforms to the bus */);
    for (guint i = 1; i < 16; i++) {
        if (ACPI_BUILD_PCI_IRQS & (1 << i)) {
            build_xrupt_override(table_data, i, i,
                                 0xd /* Active high, level triggered */);
        }
    }
    build_nmi(table_data, x2apic_mode);
    qmem_acpi_table_end(linker, &table);
}
