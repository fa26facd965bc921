/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MSI-X: the capability, the vector table and the pending bits (msix.h). */

#ifndef QMEM_HW_PCI_MSIX_H
#define QMEM_HW_PCI_MSIX_H

#include "hw/pci/pci.h"

G_BEGIN_DECLS

/*
 * QEMU's hw/pci/msix.c for a #QmemPciDevice.  A function that has MSI-X
 * calls qmem_msix_init() (or qmem_msix_init_exclusive_bar()) from its
 * realize: that adds the capability (12 bytes: message control, table
 * offset and BIR, PBA offset and BIR) and maps the vector table and the
 * pending bit array as I/O regions into the BAR containers it is given.
 *
 * The guest then programs, per vector, a message address and data and
 * its mask bit (vector control bit 0) in the table, and enables MSI-X
 * and masks the whole function in the capability's message control
 * (bits 15 and 14).  qmem_msix_notify() sends a vector's message with
 * qmem_pci_msi_send() (through the bus-master address space: nothing
 * leaves the function without COMMAND's MASTER), unless the vector or
 * the function is masked: then the vector's pending bit is set, and the
 * message goes when it is unmasked.  A vector only fires while the
 * device counts it in use (qmem_msix_vector_use(), QEMU's way of letting
 * a driver use fewer vectors than there are).  While MSI-X is enabled,
 * INTx is not used: enabling it lowers the function's pins.
 *
 * The PCI core calls qmem_msix_write_config() after every config write
 * (QEMU's pci_default_write_config() does) and qmem_msix_reset() when
 * the function is reset, and frees what a function left initialized
 * when it is unrealized.  Everything runs under the BQL.
 */

/* The capability's registers (<linux/pci_regs.h>). */
#define QMEM_PCI_MSIX_FLAGS             2       /* message control, 16 bits */
#define  QMEM_PCI_MSIX_FLAGS_QSIZE      0x07ff  /* table size - 1 */
#define  QMEM_PCI_MSIX_FLAGS_MASKALL    0x4000  /* function mask */
#define  QMEM_PCI_MSIX_FLAGS_ENABLE     0x8000
#define QMEM_PCI_MSIX_TABLE             4       /* offset | BIR */
#define QMEM_PCI_MSIX_PBA               8       /* offset | BIR */
#define  QMEM_PCI_MSIX_FLAGS_BIRMASK    0x7
#define QMEM_MSIX_CAP_LENGTH            12

/* A vector table entry. */
#define QMEM_PCI_MSIX_ENTRY_SIZE        16
#define QMEM_PCI_MSIX_ENTRY_LOWER_ADDR  0x0
#define QMEM_PCI_MSIX_ENTRY_UPPER_ADDR  0x4
#define QMEM_PCI_MSIX_ENTRY_DATA        0x8
#define QMEM_PCI_MSIX_ENTRY_VECTOR_CTRL 0xc
#define  QMEM_PCI_MSIX_ENTRY_CTRL_MASKBIT 0x1

/**
 * QmemMsiMessage:
 * @address: where the function writes (0xfeeXXXXX for x86's APIC)
 * @data: the dword it writes
 *
 * QEMU's MSIMessage.
 */
typedef struct {
    guint64 address;
    guint32 data;
} QmemMsiMessage;

/**
 * qmem_msix_init:
 * @dev: a function in its class's realize
 * @nentries: vectors, 1..2048
 * @table_bar: the container the vector table goes into (the BAR's region)
 * @table_bar_nr: its BAR number, for the capability
 * @table_offset: where in @table_bar, a multiple of 8
 * @pba_bar: the container the pending bit array goes into
 * @pba_bar_nr: its BAR number
 * @pba_offset: where in @pba_bar, a multiple of 8
 * @cap_pos: the capability's config offset; 0 for the first free place
 * @error: return location for a #GError
 *
 * QEMU's msix_init(): the capability with @nentries - 1 in its table
 * size field and MSI-X disabled (only the enable and function mask bits
 * writable), every vector masked, none in use, nothing pending.  The
 * caller registers the BARs.  Fails, leaving nothing behind, with QEMU's
 * "The number of MSI-X vectors is invalid", "table & pba overlap, or
 * they don't fit in BARs, or don't align", or
 * qmem_pci_add_capability()'s overlap message.
 *
 * Returns: whether MSI-X is there.
 */
gboolean qmem_msix_init(QmemPciDevice *dev, guint16 nentries,
                        QmemMemoryRegion *table_bar, guint8 table_bar_nr,
                        guint32 table_offset, QmemMemoryRegion *pba_bar,
                        guint8 pba_bar_nr, guint32 pba_offset, guint8 cap_pos,
                        GError **error);

/**
 * qmem_msix_init_exclusive_bar:
 * @bar_nr: the BAR that holds only MSI-X
 *
 * QEMU's msix_init_exclusive_bar(): a 32-bit memory BAR of its own
 * (4 KiB for up to 128 vectors: the table at 0, the PBA at 2 KiB; larger
 * for more, a power of two), named "<type>-msix", with qmem_msix_init()
 * into it and registered as BAR @bar_nr.
 *
 * Returns: whether MSI-X is there; on failure nothing is.
 */
gboolean qmem_msix_init_exclusive_bar(QmemPciDevice *dev, guint16 nentries,
                                      guint8 bar_nr, GError **error);

/**
 * qmem_msix_uninit:
 *
 * QEMU's msix_uninit(): the capability goes, the table and PBA leave
 * their BARs.  A no-op without MSI-X.  @table_bar and @pba_bar are those
 * qmem_msix_init() was given.
 */
void qmem_msix_uninit(QmemPciDevice *dev, QmemMemoryRegion *table_bar,
                      QmemMemoryRegion *pba_bar);

/**
 * qmem_msix_uninit_exclusive_bar:
 *
 * Undoes qmem_msix_init_exclusive_bar() (the BAR itself the PCI core
 * unregisters when the function is unrealized).  A no-op without MSI-X.
 */
void qmem_msix_uninit_exclusive_bar(QmemPciDevice *dev);

/**
 * qmem_msix_present:
 * Returns: whether the function has MSI-X (QEMU's msix_present()).
 */
gboolean qmem_msix_present(QmemPciDevice *dev);

/**
 * qmem_msix_enabled:
 * Returns: whether the guest enabled it (message control bit 15).
 */
gboolean qmem_msix_enabled(QmemPciDevice *dev);

/**
 * qmem_msix_nr_vectors_allocated:
 * Returns: the table's vectors, 0 without MSI-X.
 */
guint qmem_msix_nr_vectors_allocated(QmemPciDevice *dev);

/**
 * qmem_msix_is_masked:
 * @vector: < qmem_msix_nr_vectors_allocated()
 *
 * Returns: whether @vector's messages are held back: its mask bit, the
 *   function mask, or MSI-X not enabled.
 */
gboolean qmem_msix_is_masked(QmemPciDevice *dev, guint vector);

/**
 * qmem_msix_is_pending:
 * Returns: whether @vector's pending bit is set.
 */
gboolean qmem_msix_is_pending(QmemPciDevice *dev, guint vector);

/* QEMU's msix_set_pending(), msix_clr_pending(). */
void qmem_msix_set_pending(QmemPciDevice *dev, guint vector);
void qmem_msix_clr_pending(QmemPciDevice *dev, guint vector);

/**
 * qmem_msix_set_mask:
 * @mask: the new mask bit
 *
 * QEMU's msix_set_mask(): sets @vector's mask bit as the guest would;
 * unmasking a pending vector sends its message.
 */
void qmem_msix_set_mask(QmemPciDevice *dev, guint vector, gboolean mask);

/**
 * qmem_msix_get_message:
 * Returns: @vector's address and data as the guest wrote them.
 */
QmemMsiMessage qmem_msix_get_message(QmemPciDevice *dev, guint vector);

/**
 * qmem_msix_notify:
 * @vector: < qmem_msix_nr_vectors_allocated()
 *
 * QEMU's msix_notify(): nothing for a vector not in use; for a masked
 * one the pending bit; else its message through qmem_pci_msi_send().
 */
void qmem_msix_notify(QmemPciDevice *dev, guint vector);

/**
 * qmem_msix_vector_use:
 * qmem_msix_vector_unuse:
 *
 * QEMU's msix_vector_use() and msix_vector_unuse(): a use count per
 * vector; only a vector in use fires, and the last unuse clears its
 * pending bit.  Unusing a vector not in use does nothing.
 */
void qmem_msix_vector_use(QmemPciDevice *dev, guint vector);
void qmem_msix_vector_unuse(QmemPciDevice *dev, guint vector);

/**
 * qmem_msix_unuse_all_vectors:
 *
 * QEMU's msix_unuse_all_vectors(): no vector in use, none pending.  A
 * no-op without MSI-X.
 */
void qmem_msix_unuse_all_vectors(QmemPciDevice *dev);

/**
 * qmem_msix_write_config:
 *
 * QEMU's msix_write_config(), which the PCI core calls after each config
 * write: when the write covered the enable and function mask byte, the
 * function mask follows it, enabling lowers INTx, and every vector that
 * got unmasked and is pending sends its message.
 */
void qmem_msix_write_config(QmemPciDevice *dev, guint32 addr, guint32 val,
                            guint len);

/**
 * qmem_msix_reset:
 *
 * QEMU's msix_reset(), part of the function's reset: MSI-X disabled and
 * unmasked in message control, the table zeroed with every vector
 * masked, nothing pending.  Use counts stay (the device drops them).
 */
void qmem_msix_reset(QmemPciDevice *dev);

G_END_DECLS

#endif
