/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pc and q35 ACPI tables, as QEMU's x86 acpi_build() lays them out. */

#include "hw/acpi/acpi.h"
#include "hw/acpi/aml.h"
#include "hw/acpi/hmat.h"
#include "hw/acpi/memory_hotplug.h"
#include "hw/acpi/nvdimm.h"
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
 * SMM, as TCG and KVM have it); the PM base and GPE0 are where the ACPI
 * PM device (acpi-pm.c) has them.
 */
#define ACPI_PORT_SMI_CMD 0xb2
#define ACPI_SCI_INT 9
#define RTC_CENTURY 0x32
#define PIIX4_ACPI_ENABLE 0xf1
#define PIIX4_ACPI_DISABLE 0xf0
#define PIIX4_GPE0_BLK_LEN 4
#define ICH9_ACPI_ENABLE 0x02
#define ICH9_ACPI_DISABLE 0x03
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
    QmemPcAcpiPm *pm = qmem_pc_acpi_pm_find(cfg->machine);
    guint32 io_base = pm ? qmem_pc_acpi_pm_get_io_base(pm) : 0;
    guint32 gpe0_blk = pm ? qmem_pc_acpi_pm_get_gpe0_blk(pm) : 0;

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
    fadt->pm1a_evt.address = io_base;
    fadt->pm1a_cnt.bit_width = 2 * 8;
    fadt->pm1a_cnt.address = io_base + 0x04;
    fadt->pm_tmr.bit_width = 4 * 8;
    fadt->pm_tmr.address = io_base + 0x08;
    fadt->gpe0_blk.address = gpe0_blk;

    if (!cfg->q35) {
        /* Windows 2000 needs revision 1, so PIIX4 keeps it. */
        fadt->rev = 1;
        fadt->acpi_enable_cmd = PIIX4_ACPI_ENABLE;
        fadt->acpi_disable_cmd = PIIX4_ACPI_DISABLE;
        fadt->gpe0_blk.bit_width = PIIX4_GPE0_BLK_LEN * 8;
        return;
    }
    fadt->acpi_enable_cmd = ICH9_ACPI_ENABLE;
    fadt->acpi_disable_cmd = ICH9_ACPI_DISABLE;
    fadt->gpe0_blk.bit_width = ICH9_GPE0_BLK_LEN * 8;
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

/* QEMU's build_q35_osc_method(): _OSC of the PCIe root. */
static QmemAml *build_q35_osc_method(gboolean enable_native_pcie_hotplug)
{
    QmemAml *method = qmem_aml_method("_OSC", 4, QMEM_AML_NOTSERIALIZED);
    QmemAml *cdw1 = qmem_aml_name("CDW1");
    QmemAml *ctrl = qmem_aml_local(0);
    QmemAml *if_ctx, *if_ctx2, *else_ctx;

    qmem_aml_append(method, qmem_aml_create_dword_field(
        qmem_aml_arg(3), qmem_aml_int(0), "CDW1"));
    if_ctx = qmem_aml_if(qmem_aml_equal(
        qmem_aml_arg(0),
        qmem_aml_touuid("33DB4D5B-1FF7-401C-9657-7441C03DD766")));
    qmem_aml_append(if_ctx, qmem_aml_create_dword_field(
        qmem_aml_arg(3), qmem_aml_int(4), "CDW2"));
    qmem_aml_append(if_ctx, qmem_aml_create_dword_field(
        qmem_aml_arg(3), qmem_aml_int(8), "CDW3"));
    qmem_aml_append(if_ctx, qmem_aml_store(qmem_aml_name("CDW3"), ctrl));
    /* Native PME, AER and SHPC; PCIe hotplug unless ACPI does it. */
    qmem_aml_append(if_ctx, qmem_aml_and(
        ctrl, qmem_aml_int(0x1e | (enable_native_pcie_hotplug ? 1 : 0)),
        ctrl));
    /* Unknown revision */
    if_ctx2 = qmem_aml_if(qmem_aml_lnot(qmem_aml_equal(qmem_aml_arg(1),
                                                       qmem_aml_int(1))));
    qmem_aml_append(if_ctx2, qmem_aml_or(cdw1, qmem_aml_int(0x08), cdw1));
    qmem_aml_append(if_ctx, if_ctx2);
    /* Capabilities bits were masked */
    if_ctx2 = qmem_aml_if(qmem_aml_lnot(qmem_aml_equal(qmem_aml_name("CDW3"),
                                                       ctrl)));
    qmem_aml_append(if_ctx2, qmem_aml_or(cdw1, qmem_aml_int(0x10), cdw1));
    qmem_aml_append(if_ctx, if_ctx2);
    qmem_aml_append(if_ctx, qmem_aml_store(ctrl, qmem_aml_name("CDW3")));
    qmem_aml_append(method, if_ctx);
    /* Unrecognized UUID */
    else_ctx = qmem_aml_else();
    qmem_aml_append(else_ctx, qmem_aml_or(cdw1, qmem_aml_int(4), cdw1));
    qmem_aml_append(method, else_ctx);
    qmem_aml_append(method, qmem_aml_return(qmem_aml_arg(3)));
    return method;
}

/* Scope (_SB) { Device (PCI0) }: the root bridge as QEMU declares it. */
static QmemAml *build_pci0(const QmemPcAcpiConfig *cfg)
{
    QmemAml *sb_scope = qmem_aml_scope("_SB");
    QmemAml *dev = qmem_aml_device("PCI0");

    qmem_aml_append(dev, qmem_aml_name_decl(
        "_HID", qmem_aml_eisaid(cfg->q35 ? "PNP0A08" : "PNP0A03")));
    if (cfg->q35) {
        qmem_aml_append(dev, qmem_aml_name_decl("_CID",
                                                qmem_aml_eisaid("PNP0A03")));
    }
    qmem_aml_append(dev, qmem_aml_name_decl("_ADR", qmem_aml_int(0)));
    qmem_aml_append(dev, qmem_aml_name_decl("_UID",
                                            qmem_aml_int(cfg->pci_root_uid)));
    if (cfg->q35) {
        qmem_aml_append(dev, build_q35_osc_method(cfg->native_pcie_hotplug));
    }
    qmem_aml_append(sb_scope, dev);
    return sb_scope;
}

/*
 * The DSDT: QEMU's build_dsdt() as far as memory hotplug goes, in its
 * order: \_SB.PCI0 (without the resources, interrupt routing and slots
 * of the PCI work), the GPE block device, and with -m slots= the memory
 * hotplug devices and \_GPE._E03.
 */
static void build_dsdt(GByteArray *table_data, QmemBiosLinker *linker,
                       const QmemPcAcpiConfig *cfg)
{
    QmemAcpiTable table = { .sig = "DSDT", .rev = 1 };
    guint64 nr_mem = qmem_machine_get_ram_slots(cfg->machine);
    QmemAml *dsdt, *scope;

    qmem_acpi_table_begin(&table, table_data);
    dsdt = qmem_aml_allocator_init();
    qmem_aml_append(dsdt, build_pci0(cfg));

    scope = qmem_aml_scope("_GPE");
    qmem_aml_append(scope, qmem_aml_name_decl(
        "_HID", qmem_aml_string("ACPI0006")));
    if (cfg->nvdimm) {
        /* GPE 4: NVDIMM hotplug, the root device's _FIT changed. */
        QmemAml *method = qmem_aml_method("_E04", 0, QMEM_AML_NOTSERIALIZED);

        qmem_aml_append(method, qmem_aml_notify(qmem_aml_name("\\_SB.NVDR"),
                                                qmem_aml_int(0x80)));
        qmem_aml_append(scope, method);
    }
    qmem_aml_append(dsdt, scope);

    if (nr_mem) {
        qmem_build_memory_hotplug_aml(dsdt, nr_mem, "\\_SB.PCI0",
                                      "\\_GPE._E03", QMEM_AML_SYSTEM_IO,
                                      QMEM_ACPI_MEMORY_HOTPLUG_BASE);
    }
    g_byte_array_append(table_data, qmem_aml_data(dsdt), qmem_aml_len(dsdt));
    qmem_aml_allocator_free();
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
    if (numa->hmat_enabled) {
        qmem_acpi_add_table(offsets, table_data);
        qmem_acpi_build_hmat(table_data, linker, numa, NULL, NULL);
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
    build_dsdt(tables_blob, tables->linker, cfg);

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
    if (cfg->nvdimm) {
        qmem_nvdimm_build_acpi(table_offsets, tables_blob, tables->linker,
                               cfg->nvdimm,
                               qmem_machine_get_ram_slots(cfg->machine));
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
