/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The virtio-pci transport: a PCI function that carries a virtio device. */

#ifndef QMEM_HW_VIRTIO_VIRTIO_PCI_H
#define QMEM_HW_VIRTIO_VIRTIO_PCI_H

#include "hw/pci/pci.h"
#include "hw/virtio/virtio.h"

G_BEGIN_DECLS

/*
 * #QmemVirtioPciProxy is QEMU's VirtIOPCIProxy (hw/virtio/virtio-pci.c)
 * for the modern interface of virtio 1.2 4.1: the abstract base of a PCI
 * function whose virtio device (a #QmemVirtioDevice the subclass holds as
 * its child) the guest drives through vendor capabilities and one memory
 * BAR.  It implements #QmemVirtioTransport.
 *
 * What the guest sees, as QEMU 7.2 lays it out:
 *
 * - BAR4 (and 5): a 64-bit prefetchable memory BAR of 16 KiB, holding
 *   the common config at 0x0 (0x1000 bytes), the ISR at 0x1000, the
 *   device config at 0x2000 and the notify area at 0x3000 (4 bytes per
 *   queue: queue N is kicked by a write at 0x3000 + 4 * N).
 * - Five vendor capabilities (id 9) found from 0x40 up, the last added
 *   first in the list: common (0x40), ISR (0x50), device (0x60), notify
 *   (0x70, 20 bytes with notify_off_multiplier 4) and the PCI config
 *   access capability (0x84, 20 bytes), then with MSI-X vectors the MSI-X
 *   capability (0x98) whose table and PBA are BAR1 (32-bit memory,
 *   4 KiB: table at 0, PBA at 0x800).
 * - Interrupt pin A; vendor 1af4, device 0x1040 + the virtio device id,
 *   revision 1.
 *
 * The subclass's realize (#QmemVirtioPciProxyClass.realize) realizes its
 * virtio device and plugs it with qmem_virtio_device_plug(): the
 * transport then sets up its capabilities and BARs from the device's
 * queues and config length; its exit unplugs it
 * (qmem_virtio_device_unplug()) and unrealizes it.
 *
 * User-facing properties (QEMU's, as virtio-mem-pci has them in QEMU
 * 10.2): "vectors" (MSI-X vectors, uint32; 0 for none; the default,
 * 4294967295, means the subclass's choice), "ioeventfd" (bool, default
 * on: guest kicks become eventfd signals handled on the main loop),
 * "disable-legacy" (OnOffAuto, default auto) and "disable-modern" (bool,
 * default off).  qmem's transport is modern-only: a subclass forces it
 * (qmem_virtio_pci_force_virtio_1()), as virtio-mem-pci does in QEMU.
 */

#define QMEM_TYPE_VIRTIO_PCI_PROXY (qmem_virtio_pci_proxy_get_type())
G_DECLARE_DERIVABLE_TYPE(QmemVirtioPciProxy, qmem_virtio_pci_proxy, QMEM,
                         VIRTIO_PCI_PROXY, QmemPciDevice)

/* The type's user-facing name (QEMU's TYPE_VIRTIO_PCI). */
#define QMEM_TYPE_NAME_VIRTIO_PCI "virtio-pci"

/* Property names. */
#define QMEM_VIRTIO_PCI_PROP_VECTORS "vectors"
#define QMEM_VIRTIO_PCI_PROP_IOEVENTFD "ioeventfd"
#define QMEM_VIRTIO_PCI_PROP_DISABLE_LEGACY "disable-legacy"
#define QMEM_VIRTIO_PCI_PROP_DISABLE_MODERN "disable-modern"

/* "vectors" not given (QEMU's DEV_NVECTORS_UNSPECIFIED). */
#define QMEM_VIRTIO_PCI_NVECTORS_UNSPECIFIED G_MAXUINT32

/* Vendor capability types (virtio 1.2 4.1.4). */
#define QMEM_VIRTIO_PCI_CAP_COMMON_CFG 1
#define QMEM_VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define QMEM_VIRTIO_PCI_CAP_ISR_CFG 3
#define QMEM_VIRTIO_PCI_CAP_DEVICE_CFG 4
#define QMEM_VIRTIO_PCI_CAP_PCI_CFG 5

/* struct virtio_pci_cap, and what the notify and PCI config ones add. */
#define QMEM_VIRTIO_PCI_CAP_VNDR 0
#define QMEM_VIRTIO_PCI_CAP_NEXT 1
#define QMEM_VIRTIO_PCI_CAP_LEN 2
#define QMEM_VIRTIO_PCI_CAP_CFG_TYPE 3
#define QMEM_VIRTIO_PCI_CAP_BAR 4
#define QMEM_VIRTIO_PCI_CAP_OFFSET 8
#define QMEM_VIRTIO_PCI_CAP_LENGTH 12
#define QMEM_VIRTIO_PCI_CAP_SIZE 16
#define QMEM_VIRTIO_PCI_NOTIFY_OFF_MULTIPLIER 16
#define QMEM_VIRTIO_PCI_CFG_DATA 16
#define QMEM_VIRTIO_PCI_NOTIFY_CAP_SIZE 20
#define QMEM_VIRTIO_PCI_CFG_CAP_SIZE 20

/* The common configuration structure (virtio 1.2 4.1.4.3). */
#define QMEM_VIRTIO_PCI_COMMON_DFSELECT 0       /* le32 */
#define QMEM_VIRTIO_PCI_COMMON_DF 4             /* le32 */
#define QMEM_VIRTIO_PCI_COMMON_GFSELECT 8       /* le32 */
#define QMEM_VIRTIO_PCI_COMMON_GF 12            /* le32 */
#define QMEM_VIRTIO_PCI_COMMON_MSIX 16          /* le16: config vector */
#define QMEM_VIRTIO_PCI_COMMON_NUMQ 18          /* le16 */
#define QMEM_VIRTIO_PCI_COMMON_STATUS 20        /* u8 */
#define QMEM_VIRTIO_PCI_COMMON_CFGGENERATION 21 /* u8 */
#define QMEM_VIRTIO_PCI_COMMON_Q_SELECT 22      /* le16 */
#define QMEM_VIRTIO_PCI_COMMON_Q_SIZE 24        /* le16 */
#define QMEM_VIRTIO_PCI_COMMON_Q_MSIX 26        /* le16 */
#define QMEM_VIRTIO_PCI_COMMON_Q_ENABLE 28      /* le16 */
#define QMEM_VIRTIO_PCI_COMMON_Q_NOFF 30        /* le16 */
#define QMEM_VIRTIO_PCI_COMMON_Q_DESCLO 32      /* le32 */
#define QMEM_VIRTIO_PCI_COMMON_Q_DESCHI 36
#define QMEM_VIRTIO_PCI_COMMON_Q_AVAILLO 40
#define QMEM_VIRTIO_PCI_COMMON_Q_AVAILHI 44
#define QMEM_VIRTIO_PCI_COMMON_Q_USEDLO 48
#define QMEM_VIRTIO_PCI_COMMON_Q_USEDHI 52
#define QMEM_VIRTIO_PCI_COMMON_Q_NDATA 56       /* le16, not implemented */
#define QMEM_VIRTIO_PCI_COMMON_Q_RESET 58       /* le16 */

/* Where the structures are in the modern BAR (QEMU's layout). */
#define QMEM_VIRTIO_PCI_MODERN_BAR 4
#define QMEM_VIRTIO_PCI_MSIX_BAR 1
#define QMEM_VIRTIO_PCI_COMMON_OFF 0x0
#define QMEM_VIRTIO_PCI_ISR_OFF 0x1000
#define QMEM_VIRTIO_PCI_DEVICE_OFF 0x2000
#define QMEM_VIRTIO_PCI_NOTIFY_OFF 0x3000
#define QMEM_VIRTIO_PCI_REGION_SIZE 0x1000
#define QMEM_VIRTIO_PCI_QUEUE_MEM_MULT 4
#define QMEM_VIRTIO_PCI_MODERN_BAR_SIZE 0x4000

/* Modern virtio-pci device ids are this plus the virtio device id. */
#define QMEM_PCI_DEVICE_ID_VIRTIO_10_BASE 0x1040

/**
 * QmemVirtioPciProxyClass:
 * @realize: QEMU's VirtioPCIClass.realize: called by the transport's PCI
 *   realize once the layout is set; realizes the subclass's virtio device
 *   and plugs it (qmem_virtio_device_plug() with the proxy as transport).
 *   Required.  On failure it leaves the device unrealized and unplugged.
 * @exit: undoes @realize when the function goes: unplugs the device
 *   (qmem_virtio_device_unplug()) and unrealizes it.  Required.  May not
 *   fail.
 *
 * The class of a virtio-pci function.  A subclass sets the PCI class's
 * class_id (and vendor, device and revision as QEMU's class does; the
 * transport writes the modern ids when the device is plugged).
 */
struct _QmemVirtioPciProxyClass {
    QmemPciDeviceClass parent_class;

    gboolean (*realize)(QmemVirtioPciProxy *proxy, GError **error);
    void (*exit)(QmemVirtioPciProxy *proxy);

    gpointer padding[8];
};

/**
 * qmem_virtio_pci_force_virtio_1:
 *
 * QEMU's virtio_pci_force_virtio_1(): modern only, whatever
 * "disable-legacy" and "disable-modern" say.  For the subclass's realize,
 * before it plugs its device.
 */
void qmem_virtio_pci_force_virtio_1(QmemVirtioPciProxy *proxy);

/**
 * qmem_virtio_pci_get_nvectors:
 * Returns: the "vectors" property: before the device is plugged what
 *   the user (or a compat property) set; after, the MSI-X vectors the
 *   function has (0 when none or when MSI-X could not be set up).
 */
guint32 qmem_virtio_pci_get_nvectors(QmemVirtioPciProxy *proxy);

/**
 * qmem_virtio_pci_set_default_nvectors:
 * @nvectors: what "vectors" becomes if the user left it unspecified
 *
 * For the subclass's realize (QEMU's virtio-mem-pci: 2).
 */
void qmem_virtio_pci_set_default_nvectors(QmemVirtioPciProxy *proxy,
                                          guint32 nvectors);

/**
 * qmem_virtio_pci_get_vdev:
 * Returns: (transfer none) (nullable): the plugged virtio device.
 */
QmemVirtioDevice *qmem_virtio_pci_get_vdev(QmemVirtioPciProxy *proxy);

/**
 * qmem_virtio_pci_ioeventfd_started:
 * Returns: whether guest kicks go through eventfds now (QEMU's
 *   ioeventfd_started: "ioeventfd" on and DRIVER_OK set).
 */
gboolean qmem_virtio_pci_ioeventfd_started(QmemVirtioPciProxy *proxy);

/**
 * qmem_virtio_pci_reset:
 *
 * QEMU's virtio_pci_reset(): what the driver's status 0 does: kicks
 * pending on eventfds are handled and the eventfds go, the virtio device
 * is reset (qmem_virtio_reset()), no MSI-X vector is in use, and the
 * queue registers of the common config are cleared.
 */
void qmem_virtio_pci_reset(QmemVirtioPciProxy *proxy);

G_END_DECLS

#endif
