/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PCI functions: config space, BARs, capabilities, INTx, DMA and MSI. */

#ifndef QMEM_HW_PCI_PCI_H
#define QMEM_HW_PCI_PCI_H

#include "hw/core/qdev.h"
#include "hw/pci/pci-bus.h"
#include "hw/pci/pci-regs.h"
#include "system/memory.h"

G_BEGIN_DECLS

/*
 * #QmemPciDevice is QEMU's PCIDevice: the abstract base of every PCI
 * function.  Its configuration space is 256 bytes with QEMU's four
 * arrays: config (what the guest reads), wmask (the bits a guest write
 * changes), w1cmask (the bits a guest clears by writing 1) and cmask
 * (the bits migration would check).  It realizes as QEMU's
 * pci_qdev_realize(): the slot ("addr", "multifunction") is checked or
 * chosen on its bus with QEMU's messages, the header is filled from the
 * class's ids, then the subclass's realize runs.
 *
 * What the guest does through config space takes effect as in QEMU's
 * pci_default_write_config(): COMMAND's I/O and memory bits and the BAR
 * registers map BARs into the bus's I/O or memory region (and out again),
 * BUS_MASTER opens the function's bus-master address space for DMA and
 * MSI, INTX_DISABLE holds back INTx, STATUS's error bits clear when
 * written as 1.
 *
 * User-facing properties: "addr" (QEMU's "slot.function", "0x2", "02.1",
 * or a JSON integer devfn -1..255; -1 chooses the first free slot) and
 * "multifunction" (bool).
 */

#define QMEM_TYPE_PCI_DEVICE (qmem_pci_device_get_type())
G_DECLARE_DERIVABLE_TYPE(QmemPciDevice, qmem_pci_device, QMEM, PCI_DEVICE,
                         QmemDevice)

/* Property names. */
#define QMEM_PCI_DEVICE_PROP_ADDR "addr"
#define QMEM_PCI_DEVICE_PROP_MULTIFUNCTION "multifunction"

/**
 * QmemPciDeviceClass:
 * @realize: makes the function work once its config space exists (ids,
 *   masks and slot are set): registers BARs and adds capabilities.
 *   Optional.  On failure it must leave nothing the base would not free;
 *   the base then unregisters the function.  The base's realize (the
 *   #QmemDeviceClass one) calls it; subclasses do not override that one.
 * @exit: undoes @realize when the function is unplugged, after its BARs
 *   were unmapped.  Optional.  May not fail.
 * @config_read: a guest's read of @len (1, 2 or 4) bytes at @addr of the
 *   config space (@addr + @len <= 256), returned little-endian.
 *   Optional: default qmem_pci_default_read_config().  An override calls
 *   it for the bytes it does not handle.
 * @config_write: a guest's write of @len bytes at @addr.  Optional:
 *   default qmem_pci_default_write_config(), which an override calls
 *   first and then acts on the new values (QEMU's i440fx, mch, msix and
 *   virtio-pci hooks work this way).  Runs under the BQL; may map and
 *   unmap regions; may not fail: it logs what it ignores.
 * @vendor_id: PCI_VENDOR_ID
 * @device_id: PCI_DEVICE_ID
 * @revision: PCI_REVISION_ID
 * @class_id: PCI_CLASS_DEVICE (class and subclass, 0x0600)
 * @subsystem_vendor_id: PCI_SUBSYSTEM_VENDOR_ID; with @subsystem_id 0 as
 *   well, the function shows QEMU's 1af4:1100
 * @subsystem_id: PCI_SUBSYSTEM_ID
 */
struct _QmemPciDeviceClass {
    QmemDeviceClass parent_class;

    gboolean (*realize)(QmemPciDevice *dev, GError **error);
    void (*exit)(QmemPciDevice *dev);
    guint32 (*config_read)(QmemPciDevice *dev, guint32 addr, guint len);
    void (*config_write)(QmemPciDevice *dev, guint32 addr, guint32 val,
                         guint len);

    guint16 vendor_id;
    guint16 device_id;
    guint8 revision;
    guint16 class_id;
    guint16 subsystem_vendor_id;
    guint16 subsystem_id;

    gpointer padding[12];
};

/* Little-endian accessors of config space bytes (QEMU's pci_get_word...). */
static inline guint16 qmem_pci_get_word(const guint8 *p)
{
    return p[0] | (p[1] << 8);
}

static inline void qmem_pci_set_word(guint8 *p, guint16 v)
{
    p[0] = v;
    p[1] = v >> 8;
}

static inline guint32 qmem_pci_get_long(const guint8 *p)
{
    return qmem_pci_get_word(p) | ((guint32)qmem_pci_get_word(p + 2) << 16);
}

static inline void qmem_pci_set_long(guint8 *p, guint32 v)
{
    qmem_pci_set_word(p, v);
    qmem_pci_set_word(p + 2, v >> 16);
}

static inline guint64 qmem_pci_get_quad(const guint8 *p)
{
    return qmem_pci_get_long(p) | ((guint64)qmem_pci_get_long(p + 4) << 32);
}

static inline void qmem_pci_set_quad(guint8 *p, guint64 v)
{
    qmem_pci_set_long(p, v);
    qmem_pci_set_long(p + 4, v >> 32);
}

/**
 * qmem_pci_device_get_config:
 * Returns: (array fixed-size=256): the config space, for the device's own
 *   code to fill (capability contents, device registers).  Valid from
 *   the start of the class's realize until unrealize.
 */
guint8 *qmem_pci_device_get_config(QmemPciDevice *dev);

/* The masks, same lifetime: bits a write sets, bits a 1 clears, checks. */
guint8 *qmem_pci_device_get_wmask(QmemPciDevice *dev);
guint8 *qmem_pci_device_get_w1cmask(QmemPciDevice *dev);
guint8 *qmem_pci_device_get_cmask(QmemPciDevice *dev);

/**
 * qmem_pci_device_get_bus:
 * Returns: (transfer none) (nullable): the bus the function is on, while
 *   it is realized.
 */
QmemPciBus *qmem_pci_device_get_bus(QmemPciDevice *dev);

/**
 * qmem_pci_device_get_devfn:
 * Returns: the devfn the function has (chosen at realize), or the "addr"
 *   property (-1 for "choose") before.
 */
int qmem_pci_device_get_devfn(QmemPciDevice *dev);

/**
 * qmem_pci_default_read_config:
 *
 * QEMU's pci_default_read_config(): the bytes of config.
 */
guint32 qmem_pci_default_read_config(QmemPciDevice *dev, guint32 addr,
                                     guint len);

/**
 * qmem_pci_default_write_config:
 *
 * QEMU's pci_default_write_config(): each byte through wmask and w1cmask,
 * then BAR mappings follow a write to COMMAND or a BAR, and a write to
 * COMMAND updates INTx (INTX_DISABLE) and bus mastering.
 */
void qmem_pci_default_write_config(QmemPciDevice *dev, guint32 addr,
                                   guint32 val, guint len);

/**
 * qmem_pci_device_config_read:
 * qmem_pci_device_config_write:
 *
 * A guest's config access, through the class's hooks: what the host
 * bridges' config mechanisms call.  @addr + @len <= 256.
 */
guint32 qmem_pci_device_config_read(QmemPciDevice *dev, guint32 addr,
                                    guint len);
void qmem_pci_device_config_write(QmemPciDevice *dev, guint32 addr,
                                  guint32 val, guint len);

/**
 * qmem_pci_register_bar:
 * @n: the BAR, 0..5 (a 64-bit BAR takes @n and @n + 1)
 * @type: #QMEM_PCI_BASE_ADDRESS_SPACE_IO, or
 *   #QMEM_PCI_BASE_ADDRESS_SPACE_MEMORY with
 *   #QMEM_PCI_BASE_ADDRESS_MEM_TYPE_64 and/or
 *   #QMEM_PCI_BASE_ADDRESS_MEM_PREFETCH
 * @mr: what the BAR shows; its size is a power of two; a reference is
 *   kept until unrealize
 *
 * QEMU's pci_register_bar(), from the class's realize: the BAR register
 * gets @type, its wmask the size mask (so that writing all-ones reads
 * back the size), and the BAR starts unmapped.  Once the guest enables
 * decoding (COMMAND's IO or MEMORY bit) at a valid address, @mr is a
 * subregion of the bus's I/O or memory region at that address, with
 * priority 1: accesses there reach @mr's ops (qmem_address_space_rw()).
 * Valid is QEMU's pci_bar_address(): not 0, not wrapping, a 32-bit BAR
 * (and an I/O one) below 4 GiB, a 64-bit one anywhere below 2^64 - 1.
 */
void qmem_pci_register_bar(QmemPciDevice *dev, int n, guint8 type,
                           QmemMemoryRegion *mr);

/**
 * qmem_pci_get_bar_addr:
 * Returns: where BAR @n is mapped, #QMEM_PCI_BAR_UNMAPPED when it is not.
 */
guint64 qmem_pci_get_bar_addr(QmemPciDevice *dev, int n);

/**
 * qmem_pci_get_bar_size:
 * Returns: BAR @n's size, 0 when it is not registered.
 */
guint64 qmem_pci_get_bar_size(QmemPciDevice *dev, int n);

/**
 * qmem_pci_get_bar_type:
 * Returns: the @type BAR @n was registered with.
 */
guint8 qmem_pci_get_bar_type(QmemPciDevice *dev, int n);

/**
 * qmem_pci_add_capability:
 * @cap_id: the capability's id (#QMEM_PCI_CAP_ID_MSIX, ...)
 * @offset: where it goes, 0x40..0xff; 0 finds the first @size free bytes
 *   (it is a programmer error when there are none)
 * @size: its length in bytes, id and next pointer included
 *
 * QEMU's pci_add_capability(): the new capability becomes the head of
 * the list (CAPABILITY_LIST points to it, its next byte to the previous
 * head), STATUS gets CAP_LIST, and its bytes become read-only for the
 * guest (wmask 0; the caller opens what is writable).  A capability
 * overlapping one already there is refused with QEMU's "%s:%02x:%02x.%x
 * Attempt to add PCI capability %x at offset %x overlaps existing
 * capability %x at offset %x".
 *
 * Returns: the offset, or 0 with @error set.
 */
guint8 qmem_pci_add_capability(QmemPciDevice *dev, guint8 cap_id,
                               guint8 offset, guint8 size, GError **error);

/**
 * qmem_pci_del_capability:
 *
 * QEMU's pci_del_capability(): unlinks the capability @cap_id of @size
 * bytes; its bytes become writable again.
 */
void qmem_pci_del_capability(QmemPciDevice *dev, guint8 cap_id, guint8 size);

/**
 * qmem_pci_find_capability:
 * Returns: the offset of the capability @cap_id in the list, 0 if none.
 */
guint8 qmem_pci_find_capability(QmemPciDevice *dev, guint8 cap_id);

/**
 * qmem_pci_set_irq:
 * @level: 1 asserts the function's pin, 0 deasserts it
 *
 * QEMU's pci_set_irq(): the pin is INTERRUPT_PIN (the class's realize
 * sets it to 1..4 before the function may call this).  The level shows in
 * STATUS's INTERRUPT bit; unless COMMAND's INTX_DISABLE is set, the bus
 * counts it on the line its map_irq gives and calls its set_irq with the
 * line's new level (qmem_pci_bus_irqs()).  Setting INTX_DISABLE lowers
 * the pin's share of the line, clearing it raises it again.
 */
void qmem_pci_set_irq(QmemPciDevice *dev, int level);

/**
 * qmem_pci_irq_disabled:
 * Returns: whether COMMAND's INTX_DISABLE is set.
 */
gboolean qmem_pci_irq_disabled(QmemPciDevice *dev);

/**
 * qmem_pci_device_deassert_intx:
 *
 * Lowers all four pins (QEMU's pci_device_deassert_intx()), as reset and
 * unplug do.
 */
void qmem_pci_device_deassert_intx(QmemPciDevice *dev);

/**
 * qmem_pci_get_bus_master_as:
 *
 * The function's bus-master address space (QEMU's bus_master_as, named
 * after the device type): the bus's DMA root (system memory) while
 * COMMAND's BUS_MASTER is set, empty otherwise.
 *
 * Returns: (transfer none): the address space, while realized.
 */
QmemAddressSpace *qmem_pci_get_bus_master_as(QmemPciDevice *dev);

/**
 * qmem_pci_is_bus_master:
 * Returns: whether COMMAND's BUS_MASTER is set: DMA reaches memory.
 */
gboolean qmem_pci_is_bus_master(QmemPciDevice *dev);

/**
 * qmem_pci_dma_read:
 * qmem_pci_dma_write:
 * @addr: a bus address (guest-physical: qmem has no IOMMU)
 *
 * QEMU's pci_dma_read()/pci_dma_write(): @len bytes through the
 * bus-master address space.  Without BUS_MASTER nothing is reached: a
 * read gives zeros and a write is dropped.
 *
 * Returns: whether every byte reached RAM (or a region that accepted the
 *   access).
 */
gboolean qmem_pci_dma_read(QmemPciDevice *dev, guint64 addr, void *buf,
                           gsize len);
gboolean qmem_pci_dma_write(QmemPciDevice *dev, guint64 addr,
                            const void *buf, gsize len);

/**
 * qmem_pci_msi_send:
 * @addr: the message address (0xfeeXXXXX for x86's APIC window)
 * @data: the message data
 *
 * QEMU's msi_send_message(): a 4-byte little-endian DMA write of @data to
 * @addr through the bus-master address space.  Whoever maps the APIC's
 * MSI window (at a priority above RAM and the PCI window) receives it
 * there; without one the write reaches nothing.
 *
 * Returns: whether the write reached a region that took it.
 */
gboolean qmem_pci_msi_send(QmemPciDevice *dev, guint64 addr, guint32 data);

/**
 * qmem_pci_device_reset:
 *
 * QEMU's pci_do_device_reset(): lowers INTx, clears COMMAND's and
 * STATUS's writable bits, INTERRUPT_LINE and CACHE_LINE_SIZE, rewrites
 * every BAR with its type and unmaps it.
 */
void qmem_pci_device_reset(QmemPciDevice *dev);

G_END_DECLS

#endif
