/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Inside the pc module: e820, x86 fw_cfg, ACPI, the chipsets' PCI parts. */

#ifndef QMEM_HW_I386_PC_INTERNAL_H
#define QMEM_HW_I386_PC_INTERNAL_H

#include <gmodule.h>
#include "hw/acpi/aml-build.h"
#include "hw/acpi/nvdimm.h"
#include "hw/core/boards.h"
#include "hw/core/irq.h"
#include "hw/nvram/fw_cfg.h"
#include "hw/pci/pcie-host.h"

G_BEGIN_DECLS

/* e820 (e820_memory_layout.c) */

#define QMEM_E820_RAM 1
#define QMEM_E820_RESERVED 2
#define QMEM_E820_ACPI 3
#define QMEM_E820_NVS 4
#define QMEM_E820_UNUSABLE 5

/* One entry of "etc/e820": u64 address, u64 length, u32 type, LE. */
#define QMEM_E820_ENTRY_SIZE 20

/**
 * qmem_e820_add_entry:
 * @table: the table so far, as the bytes of "etc/e820"
 *
 * QEMU's e820_add_entry(), for one machine's table.
 *
 * Returns: the number of entries now.
 */
guint qmem_e820_add_entry(GByteArray *table, guint64 address, guint64 length,
                          guint32 type);

/* x86 fw_cfg (fw_cfg.c) */

#define QMEM_FW_CFG_IO_BASE 0x510

/* The x86 items, QEMU's hw/i386/fw_cfg.h. */
#define QMEM_FW_CFG_ACPI_TABLES (QMEM_FW_CFG_ARCH_LOCAL + 0)
#define QMEM_FW_CFG_SMBIOS_ENTRIES (QMEM_FW_CFG_ARCH_LOCAL + 1)
#define QMEM_FW_CFG_IRQ0_OVERRIDE (QMEM_FW_CFG_ARCH_LOCAL + 2)
#define QMEM_FW_CFG_HPET (QMEM_FW_CFG_ARCH_LOCAL + 4)

/**
 * QmemPcFirmwareOptions:
 * @q35: the board is q35 (ICH9's FADT, an MCFG), not i440fx (PIIX4's)
 * @enforce_amd_1tb_hole: e820 reserves AMD's HyperTransport range below
 *   1 TiB when the CPU is AMD's (7.1 and later)
 * @broken_reserved_end: "etc/reserved-memory-end" is the device-memory
 *   base, not its end (2.4 and older)
 * @rsdp_in_ram: a 20-byte "etc/acpi/rsdp" (2.3 and later; older ones have
 *   16 zero bytes more)
 * @fw_cfg_dma: fw_cfg offers DMA (2.5 and later)
 * @fw_cfg_file_slots: fw_cfg directory entries (0x10 up to 2.8, 0x20)
 * @memory_hotplug_support: the PM device has the ACPI memory hotplug block
 *   (PIIX4_PM's and ICH9-LPC's "memory-hotplug-support": off for 2.0)
 * @pci_root_uid: the _UID of \_SB.PCI0 (1 up to 5.1, then 0)
 * @acpi_pcihp_bridge: q35's ICH9-LPC "acpi-pci-hotplug-with-bridge-support"
 *   (off up to 6.0): the DSDT's _OSC then keeps native PCIe hotplug
 *
 * What a pc machine type's firmware interface looks like, QEMU's
 * PCMachineClass fields and compat properties for it.
 */
typedef struct {
    gboolean q35;
    gboolean enforce_amd_1tb_hole;
    gboolean broken_reserved_end;
    gboolean rsdp_in_ram;
    gboolean fw_cfg_dma;
    guint fw_cfg_file_slots;
    gboolean memory_hotplug_support;
    guint pci_root_uid;
    gboolean acpi_pcihp_bridge;
} QmemPcFirmwareOptions;

/**
 * qmem_pc_firmware_init:
 * @machine: the pc machine, its RAM and device memory laid out
 * @options: its type's
 * @below_4g_mem_size: boot RAM at 0
 * @above_4g_mem_size: boot RAM at 4 GiB
 * @error: return location for a #GError
 *
 * What QEMU's pc_memory_init() and acpi_setup() give the guest to learn
 * its memory from: the ACPI PM device (qmem_pc_acpi_pm_create()), the
 * e820 table, fw_cfg at 0x510 (selector and data)
 * and 0x514 (DMA into the machine's memory) with QEMU's x86 items
 * (fw_cfg_arch_create(): FW_CFG_NB_CPUS, FW_CFG_MAX_CPUS, which is the
 * APIC id limit, FW_CFG_RAM_SIZE, FW_CFG_ACPI_TABLES (empty),
 * FW_CFG_IRQ0_OVERRIDE, "etc/e820", FW_CFG_NUMA), with device memory
 * "etc/reserved-memory-end", and the ACPI tables (qmem_pc_acpi_setup()).
 */
gboolean qmem_pc_firmware_init(QmemMachine *machine,
                               const QmemPcFirmwareOptions *options,
                               guint64 below_4g_mem_size,
                               guint64 above_4g_mem_size, GError **error);

/* ACPI (acpi-build.c, acpi-common.c) */

/**
 * QmemPcAcpiConfig:
 * @machine: the machine the tables describe
 * @q35: ICH9's FADT and an MCFG, else PIIX4's FADT
 * @rsdp_in_ram: %FALSE for pc 2.2 and older, whose "etc/acpi/rsdp" has
 *   16 more (zero) bytes
 * @below_4g_mem_size: boot RAM below 4 GiB, for the SRAT
 * @pci_root_uid: _UID of \_SB.PCI0
 * @native_pcie_hotplug: q35's _OSC grants native PCIe hotplug
 * @nvdimm: (nullable): the NVDIMM state with -machine nvdimm=on: the
 *   DSDT's \_GPE._E04, the NVDIMM SSDT and the NFIT
 */
typedef struct {
    QmemMachine *machine;
    gboolean q35;
    gboolean rsdp_in_ram;
    guint64 below_4g_mem_size;
    guint pci_root_uid;
    gboolean native_pcie_hotplug;
    QmemNvdimmState *nvdimm;
} QmemPcAcpiConfig;

/**
 * qmem_pc_acpi_setup:
 * @fw_cfg: the machine's fw_cfg
 * @config: (transfer none): copied
 *
 * QEMU's x86 acpi_setup(): the pc tables (FACS, DSDT, FADT, MADT, SRAT
 * and SLIT with NUMA, MCFG on q35, WAET, RSDT, RSDP revision 0) through
 * "etc/acpi/tables", "etc/table-loader" and "etc/acpi/rsdp".
 */
void qmem_pc_acpi_setup(QmemFWCfg *fw_cfg, const QmemPcAcpiConfig *config);

/**
 * qmem_pc_acpi_build_madt:
 *
 * QEMU's acpi_build_madt() for pc: a Local APIC (x2APIC from id 255)
 * per possible CPU, enabled when present, the I/O APIC, IRQ0 on GSI 2
 * and the level-triggered PCI IRQs 5, 9, 10 and 11, and the LINT1 NMI.
 */
void qmem_pc_acpi_build_madt(GByteArray *table_data, QmemBiosLinker *linker,
                             QmemMachine *machine);

/* GSIs (x86.c) */

/* QEMU's GSI_NUM_PINS (= IOAPIC_NUM_PINS) and ISA_NUM_IRQS. */
#define QMEM_GSI_NUM_PINS 24
#define QMEM_ISA_NUM_IRQS 16

/* QEMU's GSIState: where the board's GSIs go. */
typedef struct QmemGsiState QmemGsiState;

/**
 * qmem_pc_gsi_create:
 * @irqs: (out) (transfer none): the GSIs, QMEM_GSI_NUM_PINS lines that
 *   the chipset and the ACPI PM device drive (QEMU's x86ms->gsi); they
 *   live as long as the state
 *
 * QEMU's pc_gsi_create() (the in-kernel routing is the accelerator's,
 * made with its irqchip): GSI n goes to pin n of the I/O APIC once
 * qmem_ioapic_init_gsi() made it, and nowhere before.
 */
QmemGsiState *qmem_pc_gsi_create(QmemIrq **irqs);
void qmem_pc_gsi_free(QmemGsiState *s);

/**
 * qmem_ioapic_init_gsi:
 * @parent: the host bridge (QEMU's "i440fx" or "q35")
 *
 * QEMU's ioapic_init_gsi(): the I/O APIC ("ioapic" or "kvm-ioapic",
 * qmem_ioapic_new()) as @parent's child "ioapic", its pins the GSIs'
 * destinations.
 */
gboolean qmem_ioapic_init_gsi(QmemGsiState *s, QmemObject *parent,
                              GError **error);

/* PCI (hw/pci-host/, hw/isa/) */

/*
 * The pc module's PCI functions and host bridges, QEMU's type names:
 * i440fx.c "i440FX-pcihost" + "i440FX" (00.0), piix3.c "PIIX3" (01.0),
 * q35.c "q35-pcihost" + "mch" (00.0), lpc-ich9.c "ICH9-LPC" (1f.0).
 * Each file registers its types with the module.
 */
void qmem_i440fx_register_types(GTypeModule *module);
void qmem_piix3_register_types(GTypeModule *module);
void qmem_q35_register_types(GTypeModule *module);
void qmem_ich9_lpc_register_types(GTypeModule *module);

/**
 * qmem_i440fx_init:
 * @pci_memory: the "pci" window, where memory BARs map
 * @gsi: the machine's GSIs (qmem_pc_gsi_create())
 *
 * pc's PCI: the host bridge as /machine/i440fx with its bus pci.0
 * (hot-pluggable: QEMU's ACPI PCI hotplug), the i440FX function at 00.0
 * and PIIX3 at 01.0, which routes INTx to GSIs 0..15.
 *
 * Returns: (transfer none) (nullable): the host bridge.
 */
QmemPciHostBridge *qmem_i440fx_init(QmemMachine *machine,
                                    QmemMemoryRegion *pci_memory,
                                    QmemIrq *gsi, GError **error);

/**
 * qmem_q35_init:
 * @gsi: the machine's GSIs (qmem_pc_gsi_create())
 *
 * q35's PCI: the host bridge as /machine/q35 with its bus pcie.0 (no
 * hotplug on it, as QEMU's) and the MCH at 00.0 (its child "mch", with
 * the machine type's compat properties), and ICH9-LPC at 1f.0, which
 * routes INTx and the SCI to the GSIs.
 *
 * Returns: (transfer none) (nullable): the host bridge.
 */
QmemPciHostBridge *qmem_q35_init(QmemMachine *machine,
                                 QmemMemoryRegion *pci_memory,
                                 QmemIrq *gsi, GError **error);

/**
 * qmem_piix3_create:
 * @gsi: GSIs 0..15 become its "isa-irqs" outputs (QEMU's piix3->pic)
 *
 * PIIX3 at the first free slot (01.0), multifunction; it wires @bus's
 * INTx (QEMU's pci_slot_get_pirq) to PIRQA..D, which its registers
 * 0x60..0x63 route to ISA IRQs.
 */
gboolean qmem_piix3_create(QmemPciBus *bus, QmemIrq *gsi, GError **error);

/**
 * qmem_ich9_lpc_create:
 * @gsi: GSIs 0..23 become its "gsi" outputs (QEMU's ICH9_GPIO_GSI)
 *
 * ICH9-LPC at 1f.0, multifunction; it wires @bus's INTx (ICH9's default
 * routing) to PIRQA..H, which go to GSIs 16..23 and, through PIRQx_ROUT,
 * to an ISA IRQ, and takes the SCI on its "sci" input.
 *
 * Returns: (transfer none) (nullable): the device, which @bus holds.
 */
QmemDevice *qmem_ich9_lpc_create(QmemPciBus *bus, QmemIrq *gsi,
                                 GError **error);

/*
 * The ISA bridges' GPIO lists: PIIX3's 16 "isa-irqs" outputs (the name
 * QEMU 8 gives PIIX's; 7.2 keeps them as a plain array) carry ISA IRQs
 * 0..15, ICH9-LPC's 24 "gsi" outputs GSIs 0..23, and its input "sci" 0
 * takes the ACPI PM device's SCI (QEMU's ich9_set_sci()).
 */
#define QMEM_PIIX3_GPIO_ISA_IRQS "isa-irqs"
#define QMEM_ICH9_GPIO_GSI "gsi"
#define QMEM_ICH9_GPIO_SCI "sci"
#define QMEM_ICH9_LPC_DEV 31             /* its slot */
/* The ACPI PM device (acpi-pm.c) */

/**
 * QmemPcAcpiPm:
 *
 * PIIX4 PM's (pc) or ICH9 LPC's (q35) ACPI part, /machine/acpi-pm, the
 * machine's QmemAcpiDeviceIf: PM1 event and control and the PM timer at
 * the PM base, GPE0 (pc: 0xafe0; q35: PM base + 0x20), the APM ports
 * 0xb2/0xb3 (SMI_CMD) and the ACPI memory hotplug block at 0xa00.  A
 * QmemDevice whose unnamed GPIO output 0 is the SCI: the board connects
 * it to GSI 9 on pc (qmem_device_connect_gpio_out_named(pm, NULL, 0,
 * gsi[9])), to ICH9-LPC's "sci" input on q35.
 */
typedef struct _QmemPcAcpiPm QmemPcAcpiPm;

/* Where SeaBIOS puts the PM block (PORT_ACPI_PM_BASE). */
#define QMEM_PC_ACPI_PM_IO_BASE 0x600

void qmem_pc_acpi_pm_register_types(GTypeModule *module);

/**
 * qmem_pc_acpi_pm_create:
 * @memory_hotplug: with the memory hotplug block (-m slots= of them)
 *
 * Makes /machine/acpi-pm in its reset state, the PM block not mapped.
 *
 * Returns: (transfer none): the device, which the machine holds.
 */
QmemPcAcpiPm *qmem_pc_acpi_pm_create(QmemMachine *machine, gboolean q35,
                                     gboolean memory_hotplug);

/* Returns: (transfer none) (nullable): /machine/acpi-pm. */
QmemPcAcpiPm *qmem_pc_acpi_pm_find(QmemMachine *machine);

/**
 * qmem_pc_acpi_pm_set_io_base:
 * @io_base: where the PM block goes in I/O space, 0 for nowhere
 *
 * What PIIX4 PM's PMBA/PMIOSE and ICH9's PMBASE/ACPI_CNTL writes do
 * (pm_io_space_update(), ich9_pm_iospace_update()).  The FADT names the
 * blocks where they are when the guest first reads the tables.
 */
void qmem_pc_acpi_pm_set_io_base(QmemPcAcpiPm *pm, guint32 io_base);
guint32 qmem_pc_acpi_pm_get_io_base(QmemPcAcpiPm *pm);

/* GPE0_BLK: pc's fixed 0xafe0, q35's PM base + 0x20. */
guint32 qmem_pc_acpi_pm_get_gpe0_blk(QmemPcAcpiPm *pm);


/*
 * The PM device's hotplug callbacks for DIMMs (QEMU's
 * piix4_device_*_cb() and ich9_pm_device_*_cb()), which the machine's
 * hooks call (pc-hotplug.c).
 */
gboolean qmem_pc_acpi_pm_pre_plug(QmemPcAcpiPm *pm, QmemDevice *dev,
                                  GError **error);
void qmem_pc_acpi_pm_plug(QmemPcAcpiPm *pm, QmemDevice *dev);
gboolean qmem_pc_acpi_pm_unplug_request(QmemPcAcpiPm *pm, QmemDevice *dev,
                                        GError **error);
void qmem_pc_acpi_pm_unplug(QmemPcAcpiPm *pm, QmemDevice *dev);

/**
 * qmem_pc_machine_get_nvdimm_state:
 *
 * QEMU's MachineState.nvdimms_state: -machine nvdimm= and
 * nvdimm-persistence= (pc.c), the NFIT's structures.
 *
 * Returns: (transfer none): the machine's.
 */
QmemNvdimmState *qmem_pc_machine_get_nvdimm_state(QmemMachine *machine);

/* The machine's hotplug hooks (pc-hotplug.c) */

/*
 * QEMU's pc_machine_device_*_cb() for memory devices: DIMMs go through
 * the ACPI PM device (device_del becomes a request the guest completes
 * by ejecting the DIMM); other memory devices (virtio-mem-pci) are
 * plugged and unplugged at once by the memory-device core.
 */
gboolean qmem_pc_machine_device_pre_plug(QmemMachine *machine,
                                         QmemDevice *dev, GError **error);
void qmem_pc_machine_device_plug(QmemMachine *machine, QmemDevice *dev);
gboolean qmem_pc_machine_device_unplug_request(QmemMachine *machine,
                                               QmemDevice *dev,
                                               GError **error);
void qmem_pc_machine_device_unplug(QmemMachine *machine, QmemDevice *dev);

G_END_DECLS

#endif
