/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What pc and q35 tell the guest about its memory: e820 and fw_cfg. */

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include "hw/core/numa.h"
#include "hw/mem/memory-device.h"
#include "pc-internal.h"
#include "system/accel.h"

#define GiB (1ULL << 30)

/*
 * The HyperTransport range below 1 TiB, which AMD hosts with an IOMMU
 * cannot DMA to (FD_0000_0000h - FF_FFFF_FFFFh).
 */
#define AMD_HT_START G_GUINT64_CONSTANT(0xfd00000000)
#define AMD_HT_END G_GUINT64_CONSTANT(0xffffffffff)
#define AMD_ABOVE_1TB_START (AMD_HT_END + 1)
#define AMD_HT_SIZE (AMD_ABOVE_1TB_START - AMD_HT_START)

/*
 * FW_CFG_NUMA: a 64-bit node count, then the node of every APIC id below
 * the limit (0 where there is no CPU), then each node's memory; all
 * little-endian.
 */
static void fw_cfg_add_numa(QmemFWCfg *fw_cfg, QmemMachine *machine,
                            const QmemCpuArchIdList *cpus,
                            guint apic_id_limit)
{
    QmemNumaState *numa = qmem_numa_machine_get_state(machine);
    guint nb_numa_nodes = numa ? numa->num_nodes : 0;
    gsize n = 1 + apic_id_limit + nb_numa_nodes;
    guint64 *numa_fw_cfg = g_new0(guint64, n);

    numa_fw_cfg[0] = GUINT64_TO_LE(nb_numa_nodes);
    for (guint i = 0; i < cpus->len; i++) {
        const QmemCpuArchId *cpu = &cpus->cpus[i];
        guint64 node = cpu->props.has_node_id ? cpu->props.node_id : 0;

        g_assert(cpu->arch_id < apic_id_limit);
        numa_fw_cfg[cpu->arch_id + 1] = GUINT64_TO_LE(node);
    }
    for (guint i = 0; i < nb_numa_nodes; i++) {
        numa_fw_cfg[apic_id_limit + 1 + i] =
            GUINT64_TO_LE(numa->nodes[i].node_mem);
    }
    qmem_fw_cfg_add_bytes(fw_cfg, QMEM_FW_CFG_NUMA, numa_fw_cfg,
                          n * sizeof(*numa_fw_cfg));
}

/* QEMU's fw_cfg_arch_create(). */
static gboolean fw_cfg_arch_create(QmemMachine *machine, QmemFWCfg *fw_cfg,
                                   GByteArray *e820, GError **error)
{
    const QmemCpuArchIdList *cpus = qmem_numa_machine_possible_cpus(machine);
    guint apic_id_limit;

    g_return_val_if_fail(cpus && cpus->len, FALSE);
    /* x86_cpu_apic_id_from_index(max_cpus - 1) + 1 */
    apic_id_limit = cpus->cpus[cpus->len - 1].arch_id + 1;

    if (!qmem_fw_cfg_realize_io(fw_cfg, machine, QMEM_FW_CFG_IO_BASE,
                                QMEM_FW_CFG_IO_BASE + 4,
                                qmem_machine_get_address_space(machine),
                                error)) {
        return FALSE;
    }
    qmem_fw_cfg_add_i16(fw_cfg, QMEM_FW_CFG_NB_CPUS,
                        qmem_machine_get_smp_cpus(machine));
    /*
     * Not the maximum number of CPUs: old SeaBIOS built its tables from
     * it, so it stays the limit of the APIC ids a firmware may see.
     */
    qmem_fw_cfg_add_i16(fw_cfg, QMEM_FW_CFG_MAX_CPUS, apic_id_limit);
    qmem_fw_cfg_add_i64(fw_cfg, QMEM_FW_CFG_RAM_SIZE,
                        qmem_machine_get_ram_size(machine));
    /* What -acpitable would add; qmem has no such option. */
    qmem_fw_cfg_add_bytes(fw_cfg, QMEM_FW_CFG_ACPI_TABLES, NULL, 0);
    qmem_fw_cfg_add_i32(fw_cfg, QMEM_FW_CFG_IRQ0_OVERRIDE, 1);
    qmem_fw_cfg_add_file(fw_cfg, "etc/e820",
                         g_memdup2(e820->data, e820->len), e820->len);
    fw_cfg_add_numa(fw_cfg, machine, cpus, apic_id_limit);
    return TRUE;
}

/*
 * Whether the guest's CPUs are AMD's (QEMU's IS_AMD_CPU()): QEMU's default
 * model, qemu64, is, and KVM shows the host's vendor.
 */
static gboolean pc_cpu_is_amd(QmemAccel *accel)
{
#if defined(__x86_64__) || defined(__i386__)
    guint eax, ebx, ecx, edx;
#endif

    if (!accel || qmem_accel_get_kind(accel) != QMEM_ACCEL_KIND_KVM) {
        return TRUE;
    }
#if defined(__x86_64__) || defined(__i386__)
    if (__get_cpuid(0, &eax, &ebx, &ecx, &edx)) {
        return ebx == signature_AMD_ebx && ecx == signature_AMD_ecx &&
               edx == signature_AMD_edx;
    }
#endif
    return FALSE;
}

/* The entries QEMU's pc_memory_init() makes, in its order. */
static GByteArray *pc_e820_table(const QmemPcFirmwareOptions *options,
                                 guint64 below_4g, guint64 above_4g)
{
    QmemAccel *accel = qmem_accel_get_current();
    guint phys_bits = accel ? qmem_accel_phys_bits(accel) : 52;
    GByteArray *e820 = g_byte_array_new();

    /* Reserved where the address width reaches it. */
    if (options->enforce_amd_1tb_hole && pc_cpu_is_amd(accel) &&
        phys_bits >= 40) {
        qmem_e820_add_entry(e820, AMD_HT_START, AMD_HT_SIZE,
                            QMEM_E820_RESERVED);
    }
    qmem_e820_add_entry(e820, 0, below_4g, QMEM_E820_RAM);
    if (above_4g) {
        qmem_e820_add_entry(e820, 4 * GiB, above_4g, QMEM_E820_RAM);
    }
    return e820;
}

/* Where device memory ends, rounded up to 1 GiB, for the firmware. */
static void fw_cfg_add_reserved_memory_end(QmemFWCfg *fw_cfg,
                                           QmemMachine *machine,
                                           const QmemPcFirmwareOptions *opt)
{
    QmemDeviceMemoryState *dms = qmem_machine_get_device_memory(machine);
    guint64 end, le;

    if (!dms) {
        return;
    }
    end = dms->base;
    if (!opt->broken_reserved_end) {
        end += qmem_memory_region_size(dms->mr);
    }
    le = GUINT64_TO_LE((end + GiB - 1) / GiB * GiB);
    qmem_fw_cfg_add_file(fw_cfg, "etc/reserved-memory-end",
                         g_memdup2(&le, sizeof(le)), sizeof(le));
}

gboolean qmem_pc_firmware_init(QmemMachine *machine,
                               const QmemPcFirmwareOptions *options,
                               guint64 below_4g_mem_size,
                               guint64 above_4g_mem_size, GError **error)
{
    g_autoptr(GByteArray) e820 = pc_e820_table(options, below_4g_mem_size,
                                               above_4g_mem_size);
    g_autoptr(QmemFWCfg) fw_cfg = g_object_new(
        QMEM_TYPE_FW_CFG,
        QMEM_FW_CFG_PROP_DMA_ENABLED, options->fw_cfg_dma,
        QMEM_FW_CFG_PROP_FILE_SLOTS, options->fw_cfg_file_slots, NULL);
    QmemNvdimmState *nvdimm = qmem_pc_machine_get_nvdimm_state(machine);
    const QmemPcAcpiConfig acpi = {
        .machine = machine,
        .q35 = options->q35,
        .rsdp_in_ram = options->rsdp_in_ram,
        .below_4g_mem_size = below_4g_mem_size,
        .pci_root_uid = options->pci_root_uid,
        .native_pcie_hotplug = !options->acpi_pcihp_bridge,
        .nvdimm = nvdimm->is_enabled ? nvdimm : NULL,
    };

    if (!fw_cfg_arch_create(machine, fw_cfg, e820, error)) {
        return FALSE;
    }
    /* Where SeaBIOS puts the PM block; qmem runs no firmware. */
    qmem_pc_acpi_pm_set_io_base(
        qmem_pc_acpi_pm_create(machine, options->q35,
                               options->memory_hotplug_support),
        QMEM_PC_ACPI_PM_IO_BASE);
    fw_cfg_add_reserved_memory_end(fw_cfg, machine, options);
    if (nvdimm->is_enabled) {
        /* QEMU's pc_init1() and pc_q35_init(): the _DSM port and page. */
        qmem_nvdimm_init_acpi_state(nvdimm,
                                    qmem_machine_get_system_io(machine),
                                    qmem_machine_get_address_space(machine),
                                    fw_cfg);
    }
    qmem_pc_acpi_setup(fw_cfg, &acpi);
    return TRUE;
}
