/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PCI Express host bridges: the MMCONFIG (ECAM) window. */

#ifndef QMEM_HW_PCI_PCIE_HOST_H
#define QMEM_HW_PCI_PCIE_HOST_H

#include "hw/pci/pci-host.h"

G_BEGIN_DECLS

/*
 * QEMU's PCIExpressHost: a host bridge with the memory-mapped
 * configuration window (ECAM: bus in address bits 27..20, devfn in
 * 19..12, register in 11..0), which the chipset maps where its register
 * says (q35's PCIEXBAR).
 */

#define QMEM_TYPE_PCIE_HOST_BRIDGE (qmem_pcie_host_bridge_get_type())
G_DECLARE_DERIVABLE_TYPE(QmemPcieHostBridge, qmem_pcie_host_bridge, QMEM,
                         PCIE_HOST_BRIDGE, QmemPciHostBridge)

struct _QmemPcieHostBridgeClass {
    QmemPciHostBridgeClass parent_class;

    gpointer padding[8];
};

/* The window's size limits and "not mapped" (QEMU's PCIE_MMCFG_*). */
#define QMEM_PCIE_MMCFG_SIZE_MAX (1ULL << 28)
#define QMEM_PCIE_MMCFG_SIZE_MIN (1ULL << 20)
#define QMEM_PCIE_BASE_ADDR_UNMAPPED 0xffffffffffffffffULL

/**
 * qmem_pcie_host_mmcfg_update:
 * @enable: whether the window is on
 * @addr: where it goes in system memory
 * @size: its length, a power of two from 1 to 256 MiB
 *
 * QEMU's pcie_host_mmcfg_update(): unmaps the window, and maps it again
 * at @addr when @enable.  The window may overlap anything (the guest
 * places it).
 */
void qmem_pcie_host_mmcfg_update(QmemPcieHostBridge *e, gboolean enable,
                                 guint64 addr, guint32 size);

/**
 * qmem_pcie_host_get_mmcfg_base:
 * Returns: where the window is mapped, #QMEM_PCIE_BASE_ADDR_UNMAPPED when
 *   it is not.
 */
guint64 qmem_pcie_host_get_mmcfg_base(QmemPcieHostBridge *e);
guint32 qmem_pcie_host_get_mmcfg_size(QmemPcieHostBridge *e);

G_END_DECLS

#endif
