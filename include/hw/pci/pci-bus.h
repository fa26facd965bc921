/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PCI buses: 256 functions, their address spaces and INTx lines. */

#ifndef QMEM_HW_PCI_PCI_BUS_H
#define QMEM_HW_PCI_PCI_BUS_H

#include "hw/core/bus.h"
#include "hw/pci/pci-regs.h"
#include "system/memory.h"

G_BEGIN_DECLS

/*
 * QEMU's PCIBus for a root bus (bus number 0; qmem has no bridges yet):
 * the functions by devfn, the memory and I/O regions their BARs map
 * into, the region bus-master DMA reaches, and the INTx wiring the board
 * gives it.  "PCI" is a conventional bus, "PCIE" an express one (q35's
 * pcie.0); PCI devices go on either.
 */

typedef struct _QmemPciDevice QmemPciDevice;

#define QMEM_TYPE_PCI_BUS (qmem_pci_bus_get_type())
G_DECLARE_DERIVABLE_TYPE(QmemPciBus, qmem_pci_bus, QMEM, PCI_BUS, QmemBus)

struct _QmemPciBusClass {
    QmemBusClass parent_class;

    gpointer padding[8];
};

#define QMEM_TYPE_PCIE_BUS (qmem_pcie_bus_get_type())
GType qmem_pcie_bus_get_type(void);

/**
 * QmemPciMapIrqFunc:
 * @dev: the function that raises or lowers a pin
 * @pin: its pin, 0 = INTA .. 3 = INTD
 *
 * Which of the bus's @nirq lines (qmem_pci_bus_irqs()) the pin drives:
 * QEMU's pci_map_irq_fn (PIIX's "(slot - 1 + pin) & 3", ICH9's table).
 * Called under the BQL at every change of a pin's level.  Must return a
 * line below nirq and may not change the bus.
 */
typedef int (*QmemPciMapIrqFunc)(QmemPciDevice *dev, int pin);

/**
 * QmemPciSetIrqFunc:
 * @opaque: what qmem_pci_bus_irqs() was given
 * @irq: a line of the bus (a PIRQ of the chipset)
 * @level: 1 while any function's pin mapped to @irq is asserted, else 0
 *
 * Where the bus's lines go: QEMU's pci_set_irq_fn.  Called under the BQL
 * at every change of a pin on the line (the level may repeat).
 */
typedef void (*QmemPciSetIrqFunc)(gpointer opaque, int irq, int level);

/**
 * qmem_pci_root_bus_new:
 * @parent: the host bridge; the bus becomes its child "@name"
 * @name: the bus's name ("pci.0", "pcie.0")
 * @type: #QMEM_TYPE_PCI_BUS or #QMEM_TYPE_PCIE_BUS
 * @address_space_mem: where memory BARs map (pc's "pci" window); a
 *   reference is kept
 * @address_space_io: where I/O BARs map (the machine's I/O space); a
 *   reference is kept
 * @dma_root: what bus-master DMA reaches (the machine's system memory);
 *   a reference is kept
 * @devfn_min: the first devfn automatic placement uses (0)
 *
 * QEMU's pci_root_bus_new().  query-pci lists every root bus.
 *
 * Returns: (transfer none): the bus, owned by @parent.
 */
QmemPciBus *qmem_pci_root_bus_new(QmemDevice *parent, const char *name,
                                  GType type,
                                  QmemMemoryRegion *address_space_mem,
                                  QmemMemoryRegion *address_space_io,
                                  QmemMemoryRegion *dma_root,
                                  guint8 devfn_min);

/**
 * qmem_pci_bus_irqs:
 * @set_irq: (nullable): where the lines go; %NULL leaves them unconnected
 * @map_irq: which line each pin drives
 * @opaque: @set_irq's first argument
 * @nirq: how many lines the bus has
 *
 * QEMU's pci_bus_irqs(): the board wires INTx.  Call once, before any
 * function raises a pin; without it pins are not routed anywhere.
 */
void qmem_pci_bus_irqs(QmemPciBus *bus, QmemPciSetIrqFunc set_irq,
                       QmemPciMapIrqFunc map_irq, gpointer opaque, int nirq);

/**
 * qmem_pci_bus_get_irq_level:
 * Returns: whether line @irq of @bus is asserted (QEMU's
 *   pci_bus_get_irq_level()); for interrupt routers that re-route.
 */
int qmem_pci_bus_get_irq_level(QmemPciBus *bus, int irq);

/**
 * qmem_pci_bus_num:
 * Returns: @bus's number (0 for a root bus).
 */
int qmem_pci_bus_num(QmemPciBus *bus);

/**
 * qmem_pci_bus_get_device:
 * @devfn: 0..255
 *
 * Returns: (transfer none) (nullable): the function at @devfn.
 */
QmemPciDevice *qmem_pci_bus_get_device(QmemPciBus *bus, guint devfn);

/**
 * qmem_pci_find_device:
 * @bus_num: a bus number, as a configuration address carries it
 *
 * QEMU's pci_find_device() from a root bus: buses other than @bus's own
 * number hold nothing (qmem has no bridges).
 *
 * Returns: (transfer none) (nullable): the function.
 */
QmemPciDevice *qmem_pci_find_device(QmemPciBus *bus, int bus_num,
                                    guint devfn);

QmemMemoryRegion *qmem_pci_bus_get_address_space_mem(QmemPciBus *bus);
QmemMemoryRegion *qmem_pci_bus_get_address_space_io(QmemPciBus *bus);
QmemMemoryRegion *qmem_pci_bus_get_dma_root(QmemPciBus *bus);
guint8 qmem_pci_bus_get_devfn_min(QmemPciBus *bus);

/**
 * qmem_pci_bus_is_express:
 * Returns: whether @bus is a PCI Express bus.
 */
gboolean qmem_pci_bus_is_express(QmemPciBus *bus);

/**
 * qmem_pci_root_buses:
 * Returns: (transfer container): every root bus, as QEMU's list of host
 *   bridges gives them to query-pci.
 */
GPtrArray *qmem_pci_root_buses(void);

G_END_DECLS

#endif
