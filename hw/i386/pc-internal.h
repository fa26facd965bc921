/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the pc module's files share: its chipsets' PCI parts. */

#ifndef QMEM_HW_I386_PC_INTERNAL_H
#define QMEM_HW_I386_PC_INTERNAL_H

#include <gmodule.h>
#include "hw/core/boards.h"
#include "hw/pci/pcie-host.h"

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
 *
 * pc's PCI: the host bridge as /machine/i440fx with its bus pci.0
 * (hot-pluggable: QEMU's ACPI PCI hotplug), the i440FX function at 00.0
 * and PIIX3 at 01.0, which routes INTx.
 *
 * Returns: (transfer none) (nullable): the host bridge.
 */
QmemPciHostBridge *qmem_i440fx_init(QmemMachine *machine,
                                    QmemMemoryRegion *pci_memory,
                                    GError **error);

/**
 * QmemQ35Options:
 * @ext_tseg_mbytes: the MCH's "extended-tseg-mbytes" (16; 0 for q35
 *   types up to 2.9): what the TSEG query at 0x50 answers, 0 for none
 * @smbase_smram: the MCH's "smbase-smram" (off for types up to 4.2):
 *   whether the SMBASE query at 0x9c answers
 */
typedef struct {
    guint16 ext_tseg_mbytes;
    gboolean smbase_smram;
} QmemQ35Options;

/**
 * qmem_q35_init:
 *
 * q35's PCI: the host bridge as /machine/q35 with its bus pcie.0 (no
 * hotplug on it, as QEMU's) and the MCH at 00.0 (its child "mch"), and
 * ICH9-LPC at 1f.0, which routes INTx.
 *
 * Returns: (transfer none) (nullable): the host bridge.
 */
QmemPciHostBridge *qmem_q35_init(QmemMachine *machine,
                                 QmemMemoryRegion *pci_memory,
                                 const QmemQ35Options *options,
                                 GError **error);

/**
 * qmem_piix3_create:
 *
 * PIIX3 at the first free slot (01.0), multifunction; it wires @bus's
 * INTx (QEMU's pci_slot_get_pirq) to its four "pirq" outputs.
 */
gboolean qmem_piix3_create(QmemPciBus *bus, GError **error);

/**
 * qmem_ich9_lpc_create:
 *
 * ICH9-LPC at 1f.0, multifunction; it wires @bus's INTx (ICH9's default
 * routing) to its eight "pirq" outputs.
 */
gboolean qmem_ich9_lpc_create(QmemPciBus *bus, GError **error);

/*
 * The GPIO output list of the ISA bridges that carries PIRQA.. (4 on
 * PIIX3, 8 on ICH9): line n is 1 while a function's pin that maps to it
 * is asserted.  Nothing is connected yet; an interrupt controller
 * connects them with qmem_device_connect_gpio_out_named().
 */
#define QMEM_PC_GPIO_PIRQ "pirq"

#endif
