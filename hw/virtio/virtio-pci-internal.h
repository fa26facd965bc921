/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the virtio-pci transport's files share: the proxy's state. */

#ifndef QMEM_HW_VIRTIO_VIRTIO_PCI_INTERNAL_H
#define QMEM_HW_VIRTIO_VIRTIO_PCI_INTERNAL_H

#include "hw/virtio/virtio-mem.h"
#include "hw/virtio/virtio-pci.h"

G_BEGIN_DECLS

/*
 * virtio-pci.c         the object, its properties, realize, plugging,
 *                      config space hooks (PCI config access capability,
 *                      bus mastering), interrupts, reset, ioeventfds
 * virtio-pci-modern.c  the four structures of the modern BAR: common
 *                      config, ISR, device config, notify
 */

/*
 * The registers of one queue that the driver writes before enabling it
 * (QEMU's VirtIOPCIQueue), kept for all 1024 queue numbers as QEMU does,
 * and the vector of a queue number the device does not have.
 */
typedef struct {
    guint16 num;
    gboolean enabled;
    gboolean reset;
    guint32 desc[2];
    guint32 avail[2];
    guint32 used[2];
    guint16 vector;
} QmemVirtioPciQueue;

/* A queue's host notifier: the eventfd a kick sets (QEMU's per queue). */
typedef struct {
    QmemEventNotifier notifier;
    QmemVirtioPciProxy *proxy;
    guint index;
    gboolean enabled;           /* assigned to the notify area */
    guint size;                 /* the access size it was assigned with */
} QmemVirtioPciNotifier;

typedef struct {
    /* Properties */
    guint32 nvectors;
    gboolean ioeventfd;
    QmemVirtioMemOnOffAuto disable_legacy;
    gboolean disable_modern;

    /* The device, while plugged */
    QmemVirtioDevice *vdev;

    /* Common config registers the transport keeps */
    guint32 dfselect;
    guint32 gfselect;
    guint32 guest_features[2];
    guint16 queue_sel;
    QmemVirtioPciQueue vqs[QMEM_VIRTIO_QUEUE_MAX];

    /* The modern BAR's container and its four structures */
    QmemMemoryRegion *modern_bar;
    QmemMemoryRegion *common;
    QmemMemoryRegion *isr;
    QmemMemoryRegion *device;
    QmemMemoryRegion *notify;
    guint8 config_cap;          /* the PCI config access capability */

    /* ioeventfds, one per queue of the device */
    gboolean ioeventfd_started;
    QmemVirtioPciNotifier *notifiers;
    guint n_notifiers;
} QmemVirtioPciProxyPrivate;

QmemVirtioPciProxyPrivate *qmem_virtio_pci_priv(QmemVirtioPciProxy *proxy);

/* virtio-pci-modern.c: makes the four regions, named after @vdev_name. */
void qmem_virtio_pci_modern_regions_init(QmemVirtioPciProxy *proxy,
                                         const char *vdev_name);

/*
 * virtio-pci-modern.c: QEMU's virtio_address_space_read() and _write():
 * a @len-byte access (1, 2 or 4, aligned down to @len) at @off of the
 * modern BAR, as the PCI config access capability makes it; @buf holds
 * the bytes little-endian.  An access no structure holds wholly is
 * dropped (@buf unchanged).
 */
void qmem_virtio_pci_modern_read(QmemVirtioPciProxy *proxy, guint32 off,
                                 guint8 *buf, guint len);
void qmem_virtio_pci_modern_write(QmemVirtioPciProxy *proxy, guint32 off,
                                  const guint8 *buf, guint len);

/* virtio-pci.c: QEMU's virtio_pci_start_ioeventfd() and _stop_. */
void qmem_virtio_pci_start_ioeventfd(QmemVirtioPciProxy *proxy);
void qmem_virtio_pci_stop_ioeventfd(QmemVirtioPciProxy *proxy);

/*
 * virtio-pci.c: a kick of queue @index through the notify area: its
 * eventfd while the ioeventfds are started, else the queue's handler
 * (QEMU's virtio_queue_notify()).
 */
void qmem_virtio_pci_queue_notify(QmemVirtioPciProxy *proxy, guint index);

G_END_DECLS

#endif
