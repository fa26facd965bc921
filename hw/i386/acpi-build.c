/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pc and q35 ACPI tables, as QEMU's x86 acpi_build() lays them out. */

#include "hw/acpi/acpi.h"
#include "hw/acpi/pci.h"
#include "hw/acpi/utils.h"
#include "hw/core/numa.h"
#include "pc-internal.h"
#include "util/error-report.h"

#define MiB (1ULL << 20)

/* "etc/acpi/tables" and the loader are padded, so their sizes hold. */
#define ACPI_BUILD_ALIGN_SIZE 0x1000
#define ACPI_BUILD_TABLE_SIZE 0x20000

/*
 * The power-management blocks QEMU's PIIX4 PM and ICH9 LPC report (with
 * SMM, as TCG and KVM have it).  qmem emulates neither device yet: the
 * FADT is QEMU's, byte for byte, so that a guest sees the same tables.
 */
#define ACPI_PM_IO_BASE 0x600
#define ACPI_PORT_SMI_CMD 0xb2
#define ACPI_SCI_INT 9
#define RTC_CENTURY 0x32
#define PIIX4_ACPI_ENABLE 0xf1
#define PIIX4_ACPI_DISABLE 0xf0
#define PIIX4_GPE0_BLK 0xafe0
#define PIIX4_GPE0_BLK_LEN 4
#define ICH9_ACPI_ENABLE 0x02
#define ICH9_ACPI_DISABLE 0x03
#define ICH9_GPE0_BLK (ACPI_PM_IO_BASE + 0x20)
#define ICH9_GPE0_BLK_LEN 16
#define ICH9_RST_CNT_IOPORT 0xcf9
/* IAPC_BOOT_ARCH: an 8042 keyboard controller is there. */
#define ACPI_FADT_ARCH_8042 (1 << 1)

/*
 * q35's MMCONFIG window as firmware maps it (MCH_HOST_BRIDGE_PCIEXBAR_
 * DEFAULT, 256 buses).  QEMU describes the window the MCH decodes when the
 * guest reads the tables, which firmware has set up by then; qmem has no
 * MCH yet and describes that default.
 */
#define Q35_MCFG_BASE 0xb0000000
#define Q35_MCFG_SIZE (256 * MiB)

/* QEMU's init_common_fadt_data() and acpi_get_pm_info(). */
static void pc_fadt_data(QmemAcpiFadtData *fadt, const QmemPcAcpiConfig *cfg)
{
    const QmemCpuTopology *smp = qmem_machine_get_smp(cfg->machine);
    const QmemAcpiGenericAddress io = { .space_id = QMEM_ACPI_AS_SYSTEM_IO };

    *fadt = (QmemAcpiFadtData){
        .rev = 3,
        .flags = (1 << QMEM_ACPI_FADT_F_WBINVD) |
                 (1 << QMEM_ACPI_FADT_F_PROC_C1) |
                 (1 << QMEM_ACPI_FADT_F_SLP_BUTTON) |
                 (1 << QMEM_ACPI_FADT_F_RTC_S4) |
                 (1 << QMEM_ACPI_FADT_F_USE_PLATFORM_CLOCK) |
                 /* "Flat Logical" APIC mode stops at 8 CPUs. */
                 (smp->max_cpus > 8 ?
                  1 << QMEM_ACPI_FADT_F_FORCE_APIC_CLUSTER_MODEL : 0),
        .int_model = 1 /* Multiple APIC */,
        .rtc_century = RTC_CENTURY,
        .plvl2_lat = 0xfff /* C2 state not supported */,
        .plvl3_lat = 0xfff /* C3 state not supported */,
        .smi_cmd = ACPI_PORT_SMI_CMD,
        .sci_int = ACPI_SCI_INT,
        .pm1a_evt = io,
        .pm1a_cnt = io,
        .pm_tmr = io,
        .gpe0_blk = io,
        .iapc_boot_arch = ACPI_FADT_ARCH_8042,
    };
    fadt->pm1a_evt.bit_width = 4 * 8;
    fadt->pm1a_evt.address = ACPI_PM_IO_BASE;
    fadt->pm1a_cnt.bit_width = 2 * 8;
    fadt->pm1a_cnt.address = ACPI_PM_IO_BASE + 0x04;
    fadt->pm_tmr.bit_width = 4 * 8;
    fadt->pm_tmr.address = ACPI_PM_IO_BASE + 0x08;

    if (!cfg->q35) {
        /* Windows 2000 needs revision 1, so PIIX4 keeps it. */
        fadt->rev = 1;
        fadt->acpi_enable_cmd = PIIX4_ACPI_ENABLE;
        fadt->acpi_disable_cmd = PIIX4_ACPI_DISABLE;
        fadt->gpe0_blk.bit_width = PIIX4_GPE0_BLK_LEN * 8;
        fadt->gpe0_blk.address = PIIX4_GPE0_BLK;
        return;
    }
    fadt->acpi_enable_cmd = ICH9_ACPI_ENABLE;
    fadt->acpi_disable_cmd = ICH9_ACPI_DISABLE;
    fadt->gpe0_blk.bit_width = ICH9_GPE0_BLK_LEN * 8;
    fadt->gpe0_blk.address = ICH9_GPE0_BLK;
    fadt->reset_reg = io;
    fadt->reset_reg.bit_width = 8;
    fadt->reset_reg.address = ICH9_RST_CNT_IOPORT;
    fadt->reset_val = 0xf;
    fadt->flags |= 1 << QMEM_ACPI_FADT_F_RESET_REG_SUP;
}

/* ACPI 1.0b 5.2.6 Firmware ACPI Control Structure: no header, 64 bytes. */
static void build_facs(GByteArray *table_data)
{
    g_byte_array_append(table_data, (const guint8 *)"FACS", 4);
    qmem_acpi_append_int(table_data, 64, 4);   /* Length */
    qmem_acpi_append_int(table_data, 0, 4);    /* Hardware Signature */
    qmem_acpi_append_int(table_data, 0, 4);    /* Firmware Waking Vector */
    qmem_acpi_append_int(table_data, 0, 4);    /* Global Lock */
    qmem_acpi_append_int(table_data, 0, 4);    /* Flags */
    for (guint i = 0; i < 40 / 8; i++) {
        qmem_acpi_append_int(table_data, 0, 8);  /* Reserved */
    }
}

/*
 * The DSDT: its header and no AML yet.  QEMU's describes the PCI host,
 * ISA devices, CPU and memory hotplug; qmem's gains the memory hotplug
 * device with the ACPI memory hotplug block.
 */
static void build_dsdt(GByteArray *table_data, QmemBiosLinker *linker)
{
    QmemAcpiTable table = { .sig = "DSDT", .rev = 1 };

    qmem_acpi_table_begin(&table, table_data);
    qmem_acpi_table_end(linker, &table);
}

/* Windows ACPI Emulated devices Table: the PM timer reads once. */
static void build_waet(GByteArray *table_data, QmemBiosLinker *linker)
{
    QmemAcpiTable table = { .sig = "WAET", .rev = 1 };

    qmem_acpi_table_begin(&table, table_data);
    qmem_acpi_append_int(table_data, 1 << 1 /* ACPI PM timer good */, 4);
    qmem_acpi_table_end(linker, &table);
}

static void build_numa_tables(GByteArray *table_data, GArray *offsets,
                              QmemBiosLinker *linker,
                              const QmemPcAcpiConfig *cfg)
{
    QmemNumaState *numa = qmem_numa_machine_get_state(cfg->machine);

    if (!numa || !numa->num_nodes) {
        return;
    }
    qmem_acpi_add_table(offsets, table_data);
    qmem_acpi_build_x86_srat(table_data, linker, cfg->machine,
                             cfg->below_4g_mem_size);
    if (numa->have_numa_distance) {
        qmem_acpi_add_table(offsets, table_data);
        qmem_acpi_build_numa_slit(table_data, linker, cfg->machine);
    }
}

/* The size checks and padding at the end of QEMU's acpi_build(). */
static void pad_tables(QmemAcpiBuildTables *tables)
{
    if (tables->table_data->len > ACPI_BUILD_TABLE_SIZE / 2) {
        qmem_warn_report("ACPI table size %u exceeds %d bytes,"
                         " migration may not work",
                         tables->table_data->len, ACPI_BUILD_TABLE_SIZE / 2);
        qmem_error_printf("Try removing CPUs, NUMA nodes, memory slots"
                          " or PCI bridges.");
    }
    qmem_acpi_align_size(tables->table_data, ACPI_BUILD_TABLE_SIZE);
    qmem_acpi_align_size(tables->linker->cmd_blob, ACPI_BUILD_ALIGN_SIZE);
}

/* QEMU's acpi_build() for pc and q35, without the devices qmem lacks. */
static void pc_acpi_build(QmemAcpiBuildTables *tables, gpointer opaque)
{
    const QmemPcAcpiConfig *cfg = opaque;
    GByteArray *tables_blob = tables->table_data;
    g_autoptr(GArray) table_offsets = g_array_new(FALSE, TRUE,
                                                  sizeof(guint32));
    QmemAcpiFadtData fadt;
    guint facs, dsdt, rsdt;

    qmem_bios_linker_loader_alloc(tables->linker, QMEM_ACPI_BUILD_TABLE_FILE,
                                  tables_blob, 64 /* for the FACS */, FALSE);
    /* The FACS first: only it needs alignment. */
    facs = tables_blob->len;
    build_facs(tables_blob);
    dsdt = tables_blob->len;
    build_dsdt(tables_blob, tables->linker);

    qmem_acpi_add_table(table_offsets, tables_blob);
    pc_fadt_data(&fadt, cfg);
    fadt.facs_tbl_offset = &facs;
    fadt.dsdt_tbl_offset = &dsdt;
    fadt.xdsdt_tbl_offset = &dsdt;
    qmem_acpi_build_fadt(tables_blob, tables->linker, &fadt, NULL, NULL);

    qmem_acpi_add_table(table_offsets, tables_blob);
    qmem_pc_acpi_build_madt(tables_blob, tables->linker, cfg->machine);
    build_numa_tables(tables_blob, table_offsets, tables->linker, cfg);
    if (cfg->q35) {
        const QmemAcpiMcfgInfo mcfg = { Q35_MCFG_BASE, Q35_MCFG_SIZE };

        qmem_acpi_add_table(table_offsets, tables_blob);
        qmem_acpi_build_mcfg(tables_blob, tables->linker, &mcfg, NULL, NULL);
    }
    qmem_acpi_add_table(table_offsets, tables_blob);
    build_waet(tables_blob, tables->linker);

    rsdt = tables_blob->len;
    qmem_acpi_build_rsdt(tables_blob, tables->linker, table_offsets, NULL,
                         NULL);
    /* The RSDP, revision 0, goes in FSEG memory: a file of its own. */
    qmem_acpi_build_rsdp(tables->rsdp, tables->linker,
                         &(QmemAcpiRsdpData){ .revision = 0,
                                              .oem_id = QMEM_ACPI_OEM_ID,
                                              .rsdt_tbl_offset = &rsdt });
    if (!cfg->rsdp_in_ram) {
        /* pc 2.2 and older kept 16 unused bytes (revision 2's space). */
        qmem_acpi_append_int(tables->rsdp, 0, 8);
        qmem_acpi_append_int(tables->rsdp, 0, 8);
    }
    pad_tables(tables);
}

void qmem_pc_acpi_setup(QmemFWCfg *fw_cfg, const QmemPcAcpiConfig *config)
{
    qmem_acpi_setup(fw_cfg, pc_acpi_build, g_memdup2(config, sizeof(*config)),
                    g_free);
}
