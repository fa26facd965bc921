/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PCI host bridges: the root bus and configuration mechanism #1. */

#ifndef QMEM_HW_PCI_PCI_HOST_H
#define QMEM_HW_PCI_PCI_HOST_H

#include "hw/pci/pci.h"

G_BEGIN_DECLS

/*
 * QEMU's PCIHostState: the board's device that owns the root PCI bus and
 * the x86 configuration mechanism #1, "pci-conf-idx" (CONFIG_ADDRESS, 4
 * bytes, written only as a whole dword) and "pci-conf-data" (CONFIG_DATA,
 * 4 bytes, any width).  CONFIG_ADDRESS holds the enable bit (31), bus
 * (23..16), devfn (15..8) and register (7..0); CONFIG_DATA then reaches
 * that function's config space, all-ones where there is none.  A host
 * bridge sits on the machine's main system bus, is not user-creatable,
 * and its concrete type (i440FX-pcihost, q35-pcihost) makes the bus in
 * its realize (qmem_pci_host_bridge_set_bus()) and maps the two regions
 * into the I/O space at 0xcf8 and 0xcfc.
 */

#define QMEM_TYPE_PCI_HOST_BRIDGE (qmem_pci_host_bridge_get_type())
G_DECLARE_DERIVABLE_TYPE(QmemPciHostBridge, qmem_pci_host_bridge, QMEM,
                         PCI_HOST_BRIDGE, QmemDevice)

/**
 * QmemPciHostBridgeClass:
 * @root_bus_path: how messages name the root bus ("0000:00", QEMU's
 *   root_bus_path hook); %NULL: the bus's name
 */
struct _QmemPciHostBridgeClass {
    QmemDeviceClass parent_class;

    const char *root_bus_path;

    gpointer padding[8];
};

/* x86's ports of the configuration mechanism. */
#define QMEM_PCI_HOST_CONFIG_ADDR 0xcf8
#define QMEM_PCI_HOST_CONFIG_DATA 0xcfc

/**
 * qmem_pci_host_bridge_set_bus:
 *
 * Makes @bus (made with qmem_pci_root_bus_new() with @h as its parent)
 * the one the configuration mechanism reaches.  From the concrete type's
 * realize.
 */
void qmem_pci_host_bridge_set_bus(QmemPciHostBridge *h, QmemPciBus *bus);

/**
 * qmem_pci_host_bridge_get_bus:
 * Returns: (transfer none) (nullable): the root bus.
 */
QmemPciBus *qmem_pci_host_bridge_get_bus(QmemPciHostBridge *h);

/**
 * qmem_pci_host_bridge_map_config:
 * qmem_pci_host_bridge_unmap_config:
 * @io: the I/O address space's root
 *
 * Maps (the concrete type's realize) or unmaps (its unrealize)
 * "pci-conf-idx" at QMEM_PCI_HOST_CONFIG_ADDR and "pci-conf-data" at
 * QMEM_PCI_HOST_CONFIG_DATA, 4 bytes each.
 */
void qmem_pci_host_bridge_map_config(QmemPciHostBridge *h,
                                     QmemMemoryRegion *io);
void qmem_pci_host_bridge_unmap_config(QmemPciHostBridge *h,
                                       QmemMemoryRegion *io);

/**
 * qmem_pci_host_config_read_common:
 * @dev: the function addressed
 * @addr: the register
 * @limit: how much config space the mechanism reaches (256, 4096)
 * @len: 1, 2 or 4
 *
 * QEMU's pci_host_config_read_common(): @dev's config_read of what lies
 * below @dev's config space size and @limit, all-ones beyond it and for a
 * hot-plugged function above 0 whose function 0 is absent.
 */
guint32 qmem_pci_host_config_read_common(QmemPciDevice *dev, guint32 addr,
                                         guint32 limit, guint len);
void qmem_pci_host_config_write_common(QmemPciDevice *dev, guint32 addr,
                                       guint32 limit, guint32 val, guint len);

/**
 * qmem_pci_data_read:
 * @addr: a configuration address: bus in bits 23..16, devfn in 15..8,
 *   register in 7..0
 *
 * QEMU's pci_data_read(): all-ones for a function that is not there.
 */
guint32 qmem_pci_data_read(QmemPciBus *bus, guint32 addr, guint len);
void qmem_pci_data_write(QmemPciBus *bus, guint32 addr, guint32 val,
                         guint len);

G_END_DECLS

#endif
