/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the PCI core's files share: a bus's slots and INTx counters. */

#ifndef QMEM_HW_PCI_PCI_INTERNAL_H
#define QMEM_HW_PCI_PCI_INTERNAL_H

#include "hw/pci/pci.h"

/* One BAR (QEMU's PCIIORegion). */
typedef struct {
    guint64 addr;               /* QMEM_PCI_BAR_UNMAPPED when not mapped */
    guint64 size;               /* 0: not registered */
    guint8 type;
    QmemMemoryRegion *memory;   /* a reference */
    QmemMemoryRegion *address_space;    /* the bus's; where it maps */
} QmemPciRegion;

/* MSI-X (QEMU's PCIDevice msix_* fields); msix.c owns it. */
typedef struct {
    guint8 cap;                 /* the capability's config offset */
    guint16 entries_nr;
    guint8 *table;              /* entries_nr * 16 bytes */
    guint8 *pba;                /* a bit per vector, in whole qwords */
    guint *entry_used;          /* use counts */
    gboolean function_masked;   /* function mask, or not enabled */
    QmemMemoryRegion *table_mmio;
    QmemMemoryRegion *pba_mmio;
    QmemMemoryRegion *table_bar;        /* where they are subregions */
    QmemMemoryRegion *pba_bar;
    QmemMemoryRegion *exclusive_bar;    /* qmem_msix_init_exclusive_bar() */
} QmemPciMsix;

/* A PCI function's state; pci.c owns it, pci-config.c works on it. */
typedef struct {
    guint8 config[QMEM_PCI_CONFIG_SPACE_SIZE];
    guint8 cmask[QMEM_PCI_CONFIG_SPACE_SIZE];
    guint8 wmask[QMEM_PCI_CONFIG_SPACE_SIZE];
    guint8 w1cmask[QMEM_PCI_CONFIG_SPACE_SIZE];
    guint8 used[QMEM_PCI_CONFIG_SPACE_SIZE];   /* capability bytes */

    int devfn;                  /* "addr"; the place once registered */
    gboolean multifunction;
    QmemPciBus *bus;            /* while registered */
    QmemPciRegion regions[QMEM_PCI_NUM_REGIONS];
    guint8 irq_state;           /* bit n: pin n asserted */

    /* QEMU's bus master container, enable region and address space. */
    QmemMemoryRegion *bm_container;
    QmemMemoryRegion *bm_enable;
    QmemAddressSpace *bm_as;

    QmemPciMsix *msix;          /* %NULL without MSI-X */
} QmemPciDevicePrivate;

QmemPciDevicePrivate *qmem_pci_device_priv(QmemPciDevice *dev);

/* pci-config.c: the masks of a new function (QEMU's pci_init_*mask()). */
void qmem_pci_init_masks(QmemPciDevice *dev);

/* pci-config.c: maps and unmaps BARs after COMMAND or a BAR changed. */
void qmem_pci_update_mappings(QmemPciDevice *dev);

/* pci-config.c: every BAR register back to its type (QEMU's reset). */
void qmem_pci_reset_regions(QmemPciDevice *dev);

/* pci-config.c: unmaps every BAR and drops the regions (unrealize). */
void qmem_pci_unregister_regions(QmemPciDevice *dev);

/* msix.c: frees what the function left of MSI-X (unrealize). */
void qmem_msix_free(QmemPciDevice *dev);

/* pci.c: follows COMMAND's BUS_MASTER with the bus-master region. */
void qmem_pci_update_bus_master(QmemPciDevice *dev);

/* pci.c: after INTX_DISABLE changed from @was_disabled. */
void qmem_pci_update_irq_disabled(QmemPciDevice *dev, gboolean was_disabled);

/* Puts @dev at @devfn of @bus (%NULL empties it). */
void qmem_pci_bus_set_device(QmemPciBus *bus, guint devfn,
                             QmemPciDevice *dev);

/*
 * QEMU's pci_change_irq_level(): pin @pin of @dev changed by @change
 * (+1 or -1); the line it maps to is recounted and set.
 */
void qmem_pci_bus_change_irq_level(QmemPciBus *bus, QmemPciDevice *dev,
                                   int pin, int change);

/* The host bridge's text for the bus in messages ("0000:00"). */
const char *qmem_pci_root_bus_path(QmemPciBus *bus);

#endif
