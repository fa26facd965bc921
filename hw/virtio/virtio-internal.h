/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The virtio core's state, shared by virtio.c and virtqueue.c. */

#ifndef QMEM_HW_VIRTIO_VIRTIO_INTERNAL_H
#define QMEM_HW_VIRTIO_VIRTIO_INTERNAL_H

#include "hw/virtio/virtio.h"

G_BEGIN_DECLS

/*
 * virtio.c     the device: plug, status, features, config, ISR, notify,
 *              reset, errors; the transport side of queues
 * virtqueue.c  split rings: ring checks, pop, fill/flush/push, elements,
 *              notification suppression
 */

struct QmemVirtQueue {
    QmemVirtioDevice *vdev;
    guint index;
    guint num;                  /* the driver's size */
    guint num_default;          /* the device's maximum */
    guint64 desc, avail, used;
    /* QEMU's region caches exist: the rings lie in RAM. */
    gboolean rings_ok;
    gboolean enabled;
    guint16 last_avail_idx;
    guint16 shadow_avail_idx;
    guint16 used_idx;
    guint16 signalled_used;
    gboolean signalled_used_valid;
    gboolean notification;      /* the device wants kicks */
    guint inuse;
    guint16 vector;
    QmemVirtioHandleOutput handle_output;
};

typedef struct {
    guint16 device_id;
    gsize config_len;
    guint8 *config;
    guint8 status;
    guint8 isr;
    guint8 generation;
    guint16 config_vector;
    guint64 base_features;      /* the core's, before plugging */
    guint64 host_features;
    guint64 guest_features;
    gboolean broken;
    gboolean disabled;
    QmemVirtQueue **vqs;        /* nvqs of them, each allocated alone */
    guint nvqs;
    QmemVirtioTransport *transport;
    QmemAddressSpace *dma_as;
    QmemMemoryListener listener;
} QmemVirtioDevicePrivate;

QmemVirtioDevicePrivate *qmem_virtio_device_priv(QmemVirtioDevice *vdev);

/* virtio.c */

/* QEMU's virtio_device_disabled(). */
gboolean qmem_virtio_device_disabled(QmemVirtioDevice *vdev);

/* virtqueue.c */

/*
 * QEMU's virtio_init_region_cache(): checks that the rings at the current
 * size lie in RAM and records it; qmem_virtio_error() when they do not.
 */
void qmem_virtqueue_check_rings(QmemVirtQueue *vq);

/* QEMU's __virtio_queue_reset(). */
void qmem_virtqueue_reset(QmemVirtQueue *vq);

/* QEMU's virtio_should_notify() for a split queue. */
gboolean qmem_virtqueue_should_notify(QmemVirtQueue *vq);

G_END_DECLS

#endif
