/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The virtio device core: status, features, config, split virtqueues. */

#ifndef QMEM_HW_VIRTIO_VIRTIO_H
#define QMEM_HW_VIRTIO_VIRTIO_H

#include <stdarg.h>

#include "qom/object.h"
#include "system/memory.h"

G_BEGIN_DECLS

/*
 * QEMU's transport-independent virtio core (hw/virtio/virtio.c,
 * virtio-bus.c) for split virtqueues, virtio 1.2.  A device type derives
 * from #QmemVirtioDevice and fills in its class's vfuncs; a transport
 * (virtio-pci, or a test's fake) implements #QmemVirtioTransport and
 * turns the guest's register accesses into the calls of the "transport
 * side" below.  Everything runs under the BQL (util/main-loop.h): the
 * transport calls in from a vCPU exit or the main loop, the core and the
 * device call the transport back from there.
 *
 * Guest memory is reached only through the transport's DMA address space
 * and only by copying (qmem_address_space_rw()): an element popped from
 * a queue holds guest-physical ranges, checked to be RAM when popped, and
 * its data moves when the device asks (qmem_virtqueue_element_to_buf(),
 * _from_buf()).  No host pointer into guest memory outlives a call, so a
 * memory map that changes while a request is handled (virtio-mem plugs
 * and unplugs memslots) cannot leave one dangling.
 */

/* Device status bits (virtio 1.2 2.1). */
#define QMEM_VIRTIO_CONFIG_S_ACKNOWLEDGE 1
#define QMEM_VIRTIO_CONFIG_S_DRIVER 2
#define QMEM_VIRTIO_CONFIG_S_DRIVER_OK 4
#define QMEM_VIRTIO_CONFIG_S_FEATURES_OK 8
#define QMEM_VIRTIO_CONFIG_S_NEEDS_RESET 0x40
#define QMEM_VIRTIO_CONFIG_S_FAILED 0x80

/* Feature bits of the core and the transports (virtio 1.2 6). */
#define QMEM_VIRTIO_F_NOTIFY_ON_EMPTY 24
#define QMEM_VIRTIO_F_ANY_LAYOUT 27
#define QMEM_VIRTIO_RING_F_INDIRECT_DESC 28
#define QMEM_VIRTIO_RING_F_EVENT_IDX 29
#define QMEM_VIRTIO_F_BAD_FEATURE 30
#define QMEM_VIRTIO_F_VERSION_1 32
#define QMEM_VIRTIO_F_IOMMU_PLATFORM 33
#define QMEM_VIRTIO_F_RING_PACKED 34
#define QMEM_VIRTIO_F_RING_RESET 40

#define QMEM_VIRTIO_BIT(b) (G_GUINT64_CONSTANT(1) << (b))

/*
 * What a device offers unless told otherwise: QEMU 7.2's
 * DEFINE_VIRTIO_COMMON_FEATURES defaults (indirect_desc, event_idx,
 * notify_on_empty, any_layout and queue_reset on; iommu_platform and
 * packed off).  The transport adds VIRTIO_F_VERSION_1.
 */
#define QMEM_VIRTIO_DEFAULT_FEATURES \
    (QMEM_VIRTIO_BIT(QMEM_VIRTIO_RING_F_INDIRECT_DESC) | \
     QMEM_VIRTIO_BIT(QMEM_VIRTIO_RING_F_EVENT_IDX) | \
     QMEM_VIRTIO_BIT(QMEM_VIRTIO_F_NOTIFY_ON_EMPTY) | \
     QMEM_VIRTIO_BIT(QMEM_VIRTIO_F_ANY_LAYOUT) | \
     QMEM_VIRTIO_BIT(QMEM_VIRTIO_F_RING_RESET))

/*
 * Bits only the legacy interface shows (QEMU's VIRTIO_LEGACY_FEATURES): a
 * modern transport offers qmem_virtio_get_host_features() without them.
 */
#define QMEM_VIRTIO_LEGACY_FEATURES \
    (QMEM_VIRTIO_BIT(QMEM_VIRTIO_F_BAD_FEATURE) | \
     QMEM_VIRTIO_BIT(QMEM_VIRTIO_F_NOTIFY_ON_EMPTY) | \
     QMEM_VIRTIO_BIT(QMEM_VIRTIO_F_ANY_LAYOUT))

/* ISR bits (virtio 1.2 4.1.4.5). */
#define QMEM_VIRTIO_ISR_QUEUE 0x1
#define QMEM_VIRTIO_ISR_CONFIG 0x2

/* "No MSI-X vector": interrupts go through the ISR and INTx. */
#define QMEM_VIRTIO_NO_VECTOR 0xffff

/* Most queues per device, longest queue (QEMU's limits). */
#define QMEM_VIRTIO_QUEUE_MAX 1024
#define QMEM_VIRTQUEUE_MAX_SIZE 1024

/* Split virtqueue layout (virtio 1.2 2.7). */
#define QMEM_VRING_DESC_F_NEXT 1
#define QMEM_VRING_DESC_F_WRITE 2
#define QMEM_VRING_DESC_F_INDIRECT 4
#define QMEM_VRING_AVAIL_F_NO_INTERRUPT 1
#define QMEM_VRING_USED_F_NO_NOTIFY 1
#define QMEM_VRING_DESC_SIZE 16
#define QMEM_VRING_USED_ELEM_SIZE 8

/* Device ids (virtio 1.2 5). */
#define QMEM_VIRTIO_ID_MEM 24
#define QMEM_VIRTIO_ID_PMEM 27

/* ------------------------------------------------------------------ */
/* The transport interface */

#define QMEM_TYPE_VIRTIO_TRANSPORT (qmem_virtio_transport_get_type())
G_DECLARE_INTERFACE(QmemVirtioTransport, qmem_virtio_transport, QMEM,
                    VIRTIO_TRANSPORT, GObject)

typedef struct _QmemVirtioDevice QmemVirtioDevice;

/**
 * QmemVirtioTransportInterface:
 * @pre_plugged: QEMU's VirtioBusClass.pre_plugged: called by
 *   qmem_virtio_device_plug() before the device's features are read, so
 *   that the transport can add its own to the host features
 *   (qmem_virtio_add_host_features(); a modern transport adds
 *   VIRTIO_F_VERSION_1).  Optional.  May fail, and then nothing is
 *   plugged; may not touch the queues.
 * @device_plugged: QEMU's VirtioBusClass.device_plugged: called at the
 *   end of a successful qmem_virtio_device_plug(), when the host
 *   features are final; the transport sets up what the guest will see
 *   (capabilities, BARs, queue registers sized from
 *   qmem_virtio_get_num_queues()).  Optional.  May fail, and then
 *   nothing is plugged.
 * @device_unplugged: QEMU's VirtioBusClass.device_unplugged: called by
 *   qmem_virtio_device_unplug() first, while the device still works.
 *   Optional.  May not fail.
 * @notify: QEMU's VirtioBusClass.notify: raise the interrupt of @vector
 *   (an MSI-X vector), or with %QMEM_VIRTIO_NO_VECTOR set the INTx line
 *   to bit 0 of qmem_virtio_get_isr() (QEMU's virtio_pci_notify()).
 *   Called from qmem_virtio_notify(), qmem_virtio_notify_config() and
 *   qmem_virtio_reset() (the config vector, so that INTx drops), under
 *   the BQL, possibly from inside a memory transaction's commit.
 *   Required.  May not change the memory map, call back into the device
 *   or process queues.
 * @get_dma_as: the address space the device reaches guest memory
 *   through (QEMU's vdev->dma_as; for PCI the bus-master address space).
 *   Called once, by qmem_virtio_device_plug(); the address space must
 *   stay until qmem_virtio_device_unplug().  Required.  May not fail.
 *
 * A virtio transport: QEMU's VirtioBusClass and the proxy (VirtIOPCIProxy)
 * in one object, which owns the register layout the guest sees.  What
 * the core keeps for it (status, features, ISR, generation, vectors,
 * queue addresses and sizes) it reads and writes through the "transport
 * side" functions below; selectors (queue_sel, device/driver feature
 * select) and the registers a guest writes before enabling a queue are
 * the transport's own.  There is no ioeventfd in the core: a transport
 * that wants one reads its eventfd in the main loop and calls
 * qmem_virtio_queue_notify() under the BQL.
 */
typedef struct _QmemVirtioTransportInterface {
    GTypeInterface parent_iface;

    gboolean (*pre_plugged)(QmemVirtioTransport *transport,
                            QmemVirtioDevice *vdev, GError **error);
    gboolean (*device_plugged)(QmemVirtioTransport *transport,
                               QmemVirtioDevice *vdev, GError **error);
    void (*device_unplugged)(QmemVirtioTransport *transport,
                             QmemVirtioDevice *vdev);
    void (*notify)(QmemVirtioTransport *transport, guint16 vector);
    QmemAddressSpace *(*get_dma_as)(QmemVirtioTransport *transport);
} QmemVirtioTransportInterface;

/* ------------------------------------------------------------------ */
/* The device base */

#define QMEM_TYPE_VIRTIO_DEVICE (qmem_virtio_device_get_type())
G_DECLARE_DERIVABLE_TYPE(QmemVirtioDevice, qmem_virtio_device, QMEM,
                         VIRTIO_DEVICE, QmemObject)

/* The device's user-facing type name (QEMU's TYPE_VIRTIO_DEVICE). */
#define QMEM_TYPE_NAME_VIRTIO_DEVICE "virtio-device"

typedef struct QmemVirtQueue QmemVirtQueue;

/**
 * QmemVirtioHandleOutput:
 * @vdev: the device
 * @vq: the queue the guest kicked
 *
 * A queue's handler (QEMU's VirtIOHandleOutput): called by
 * qmem_virtio_queue_notify() when the guest kicks @vq, unless the device
 * is broken or the queue has no rings.  It pops what is there
 * (qmem_virtqueue_pop() until %NULL), pushes the answers and notifies.
 * It may change the memory map; it may not free the device.
 */
typedef void (*QmemVirtioHandleOutput)(QmemVirtioDevice *vdev,
                                       QmemVirtQueue *vq);

/**
 * QmemVirtioDeviceClass:
 * @get_features: QEMU's get_features: returns @features (what the core
 *   and the transport offer) plus the device's own bits, or without bits
 *   it cannot support.  Called once, by qmem_virtio_device_plug().
 *   Required.  May not fail.
 * @set_features: the driver's features were written (already masked to
 *   the host features; also 0 on reset).  Optional.  May not refuse them:
 *   that is @validate_features' job.
 * @validate_features: the driver sets FEATURES_OK: returns whether the
 *   negotiated features (qmem_virtio_has_feature()) are acceptable; if
 *   not, FEATURES_OK stays clear.  Only for VIRTIO_F_VERSION_1 drivers.
 *   Optional (everything is acceptable).  May not change the device.
 * @get_config: fill @config (the device's config_len bytes, zeroed the
 *   first time) with the config space, little-endian.  Called before each
 *   guest read of the config space.  Required when config_len > 0.  May
 *   not notify.
 * @set_config: the guest wrote into @config; take what is writable.
 *   Optional (the config space is read-only).  May not assume the write
 *   was aligned or complete.
 * @set_status: the driver writes @status (the old one is still
 *   qmem_virtio_get_status()), after the FEATURES_OK check passed.
 *   Optional.  May not refuse it.
 * @reset: QEMU's VirtioDeviceClass.reset: the device is reset (driver
 *   writes status 0, system reset); the core resets the queues, features
 *   and status after it.  Optional.  May not notify.
 * @queue_reset: the driver resets queue @index alone (VIRTIO_F_RING_RESET);
 *   the core resets the queue after it.  Optional.
 * @queue_enable: the driver enabled queue @index.  Optional.
 *
 * The class of a virtio device.  A device calls qmem_virtio_init() and
 * qmem_virtio_add_queue() when it is realized and qmem_virtio_cleanup()
 * when it is unrealized; a transport plugs it after realize.
 */
struct _QmemVirtioDeviceClass {
    QmemObjectClass parent_class;

    guint64 (*get_features)(QmemVirtioDevice *vdev, guint64 features);
    void (*set_features)(QmemVirtioDevice *vdev, guint64 features);
    gboolean (*validate_features)(QmemVirtioDevice *vdev);
    void (*get_config)(QmemVirtioDevice *vdev, guint8 *config);
    void (*set_config)(QmemVirtioDevice *vdev, const guint8 *config);
    void (*set_status)(QmemVirtioDevice *vdev, guint8 status);
    void (*reset)(QmemVirtioDevice *vdev);
    void (*queue_reset)(QmemVirtioDevice *vdev, guint index);
    void (*queue_enable)(QmemVirtioDevice *vdev, guint index);

    gpointer padding[8];
};

/* The device side: realize and unrealize */

/**
 * qmem_virtio_init:
 * @device_id: the virtio device id (QMEM_VIRTIO_ID_MEM)
 * @config_len: bytes of config space (0 for none)
 *
 * QEMU's virtio_init(): the device's identity and a zeroed config space,
 * status, ISR and vectors in their reset state.  Called by the device's
 * realize, before qmem_virtio_add_queue().
 */
void qmem_virtio_init(QmemVirtioDevice *vdev, guint16 device_id,
                      gsize config_len);

/**
 * qmem_virtio_add_queue:
 * @queue_size: the largest size the driver may choose, a power of two of
 *   at most %QMEM_VIRTQUEUE_MAX_SIZE
 * @handler: called when the guest kicks the queue
 *
 * QEMU's virtio_add_queue(): the next queue, @queue_size entries until
 * the driver picks a smaller size.
 *
 * Returns: (transfer none): the queue, valid until qmem_virtio_cleanup().
 */
QmemVirtQueue *qmem_virtio_add_queue(QmemVirtioDevice *vdev,
                                     guint queue_size,
                                     QmemVirtioHandleOutput handler);

/**
 * qmem_virtio_cleanup:
 *
 * The device's unrealize: frees the queues and the config space, after
 * unplugging the device if its transport did not.
 */
void qmem_virtio_cleanup(QmemVirtioDevice *vdev);

/* The device side: what a device does at run time */

/**
 * qmem_virtio_notify:
 *
 * QEMU's virtio_notify(): a used buffer notification for @vq, unless the
 * driver suppressed it: with VIRTIO_RING_F_EVENT_IDX negotiated when the
 * used index has not passed the driver's used_event since the last
 * notification, else when the driver set VRING_AVAIL_F_NO_INTERRUPT
 * (VIRTIO_F_NOTIFY_ON_EMPTY, if negotiated, notifies an empty queue
 * anyway).  A notification sets ISR bit 0 and calls the transport with
 * the queue's vector.
 */
void qmem_virtio_notify(QmemVirtioDevice *vdev, QmemVirtQueue *vq);

/**
 * qmem_virtio_notify_config:
 *
 * QEMU's virtio_notify_config(): only once the driver set DRIVER_OK, the
 * config generation goes up, ISR bits 0 and 1 are set and the transport
 * is called with the config vector.  Call after the config space changed.
 */
void qmem_virtio_notify_config(QmemVirtioDevice *vdev);

/**
 * qmem_virtio_error:
 *
 * QEMU's virtio_error(): the guest did something the device cannot go
 * on from.  Reports @fmt as qmem_error_report() does; for a driver that
 * negotiated VIRTIO_F_VERSION_1 sets NEEDS_RESET in the status and
 * notifies a config change; marks the device broken, so that no queue
 * is processed until the next reset.
 */
void qmem_virtio_error(QmemVirtioDevice *vdev, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

/**
 * qmem_virtio_is_broken:
 * Returns: whether qmem_virtio_error() was called since the last reset.
 */
gboolean qmem_virtio_is_broken(QmemVirtioDevice *vdev);

/**
 * qmem_virtio_has_feature:
 * @bit: a feature bit
 * Returns: whether the driver accepted @bit (QEMU's
 *   virtio_vdev_has_feature()).
 */
gboolean qmem_virtio_has_feature(QmemVirtioDevice *vdev, guint bit);

/**
 * qmem_virtio_host_has_feature:
 * Returns: whether the device offers @bit (QEMU's
 *   virtio_host_has_feature()).
 */
gboolean qmem_virtio_host_has_feature(QmemVirtioDevice *vdev, guint bit);

/**
 * qmem_virtio_get_dma_as:
 * Returns: (transfer none) (nullable): the transport's DMA address space,
 *   %NULL while the device is not plugged.
 */
QmemAddressSpace *qmem_virtio_get_dma_as(QmemVirtioDevice *vdev);

/* The transport side: plugging */

/**
 * qmem_virtio_device_plug:
 * @vdev: a realized device (qmem_virtio_init() was called)
 * @transport: what the device is plugged into; not referenced, it must
 *   unplug the device before it goes
 * @error: return location for a #GError
 *
 * QEMU's virtio_bus_device_plugged(): the transport's @pre_plugged, the
 * device's @get_features on the host features, the transport's
 * @device_plugged; then the DMA address space, and a memory listener on
 * it that checks the rings again after every change of the memory map,
 * as QEMU's does ("Cannot map desc", ...).
 *
 * Returns: %TRUE when plugged; on failure nothing is.
 */
gboolean qmem_virtio_device_plug(QmemVirtioDevice *vdev,
                                 QmemVirtioTransport *transport,
                                 GError **error);

/**
 * qmem_virtio_device_unplug:
 *
 * QEMU's virtio_bus_device_unplugged(): the transport's
 * @device_unplugged, then the listener and the address space go.
 */
void qmem_virtio_device_unplug(QmemVirtioDevice *vdev);

/**
 * qmem_virtio_get_transport:
 * Returns: (transfer none) (nullable): the transport, if plugged.
 */
QmemVirtioTransport *qmem_virtio_get_transport(QmemVirtioDevice *vdev);

/**
 * qmem_virtio_add_host_features:
 * @features: bits to offer
 *
 * For the transport's @pre_plugged: offer @features too.
 */
void qmem_virtio_add_host_features(QmemVirtioDevice *vdev,
                                   guint64 features);

/**
 * qmem_virtio_set_host_features:
 *
 * Replaces the features the core offers before the device is plugged
 * (QEMU's indirect_desc, event_idx, ... properties; the default is
 * %QMEM_VIRTIO_DEFAULT_FEATURES).
 */
void qmem_virtio_set_host_features(QmemVirtioDevice *vdev, guint64 features);

/* The transport side: the device's registers */

guint16 qmem_virtio_get_device_id(QmemVirtioDevice *vdev);
gsize qmem_virtio_get_config_len(QmemVirtioDevice *vdev);

/**
 * qmem_virtio_get_host_features:
 * Returns: what the device offers, all 64 bits (a modern transport
 *   masks out %QMEM_VIRTIO_LEGACY_FEATURES).
 */
guint64 qmem_virtio_get_host_features(QmemVirtioDevice *vdev);

/**
 * qmem_virtio_set_features:
 * @features: what the driver accepts (all 64 bits)
 *
 * QEMU's virtio_set_features(): refused with -EINVAL once FEATURES_OK is
 * set; otherwise the features are masked to the host features and stored
 * (the device's @set_features sees them).
 *
 * Returns: 0; -1 when @features held bits the device does not offer
 *   (they are dropped); -EINVAL when refused.
 */
int qmem_virtio_set_features(QmemVirtioDevice *vdev, guint64 features);

/**
 * qmem_virtio_get_guest_features:
 * Returns: the features the driver accepted.
 */
guint64 qmem_virtio_get_guest_features(QmemVirtioDevice *vdev);

/**
 * qmem_virtio_set_status:
 * @status: what the driver writes to the device status
 *
 * QEMU's virtio_set_status().  When FEATURES_OK is set for the first
 * time by a driver that negotiated VIRTIO_F_VERSION_1, the features are
 * validated: VIRTIO_F_IOMMU_PLATFORM must be accepted if offered, and the
 * device's @validate_features must agree; if not, nothing is stored and
 * FEATURES_OK reads back clear (-EFAULT).  A device that offers
 * VIRTIO_F_VERSION_1 and has no legacy interface (any device but QEMU's
 * transitional ones) also refuses FEATURES_OK from a driver that did not
 * accept VIRTIO_F_VERSION_1 (-EINVAL).  Status 0 does not reset the
 * device: the transport calls qmem_virtio_reset() then.
 *
 * Returns: 0 when stored, or the negative errno above.
 */
int qmem_virtio_set_status(QmemVirtioDevice *vdev, guint8 status);
guint8 qmem_virtio_get_status(QmemVirtioDevice *vdev);

/**
 * qmem_virtio_reset:
 *
 * QEMU's virtio_reset(): status 0 (the device's @set_status sees it),
 * the device's @reset, then features, status, ISR and the config vector
 * are cleared, the device is no longer broken or disabled, the config
 * vector's interrupt is updated (INTx drops) and every queue is reset
 * (addresses, indices, vector, size back to the maximum, disabled).  The
 * config generation stays (virtio 1.2 4.1.4.3: it only goes up).
 */
void qmem_virtio_reset(QmemVirtioDevice *vdev);

/**
 * qmem_virtio_get_isr:
 * Returns: the ISR, unchanged (for the INTx level).
 */
guint8 qmem_virtio_get_isr(QmemVirtioDevice *vdev);

/**
 * qmem_virtio_read_and_clear_isr:
 *
 * A guest read of the ISR: returns it and clears it; the transport then
 * drops INTx.
 */
guint8 qmem_virtio_read_and_clear_isr(QmemVirtioDevice *vdev);

/**
 * qmem_virtio_get_generation:
 * Returns: the config generation (QEMU's vdev->generation).
 */
guint8 qmem_virtio_get_generation(QmemVirtioDevice *vdev);

guint16 qmem_virtio_get_config_vector(QmemVirtioDevice *vdev);
void qmem_virtio_set_config_vector(QmemVirtioDevice *vdev, guint16 vector);

/**
 * qmem_virtio_config_read:
 * @addr: offset into the config space
 * @size: 1, 2 or 4
 *
 * QEMU's virtio_config_modern_read{b,w,l}(): the device's @get_config,
 * then @size bytes at @addr, little-endian.
 *
 * Returns: the value, or all ones (of 32 bits) when the access does not
 *   fit in the config space.
 */
guint32 qmem_virtio_config_read(QmemVirtioDevice *vdev, guint32 addr,
                                guint size);

/**
 * qmem_virtio_config_write:
 *
 * QEMU's virtio_config_modern_write{b,w,l}(): stores @size bytes of
 * @value at @addr, little-endian, and calls the device's @set_config; an
 * access that does not fit is dropped.
 */
void qmem_virtio_config_write(QmemVirtioDevice *vdev, guint32 addr,
                              guint32 value, guint size);

/**
 * qmem_virtio_set_disabled:
 *
 * QEMU's virtio_set_disabled(): a disabled device (a PCI function whose
 * bus mastering is off) neither processes queues nor raises interrupts.
 */
void qmem_virtio_set_disabled(QmemVirtioDevice *vdev, gboolean disabled);

/* The transport side: queues */

/**
 * qmem_virtio_get_num_queues:
 * Returns: how many queues the device added.
 */
guint qmem_virtio_get_num_queues(QmemVirtioDevice *vdev);

/**
 * qmem_virtio_get_queue:
 * @index: < qmem_virtio_get_num_queues()
 * Returns: (transfer none): the queue.
 */
QmemVirtQueue *qmem_virtio_get_queue(QmemVirtioDevice *vdev, guint index);

/* The size the device allows (queue_size of qmem_virtio_add_queue()). */
guint qmem_virtio_queue_get_max_num(QmemVirtioDevice *vdev, guint index);
guint qmem_virtio_queue_get_num(QmemVirtioDevice *vdev, guint index);

/**
 * qmem_virtio_queue_set_num:
 * @num: the size the driver chose
 *
 * A split queue's size is a power of two no larger than the maximum
 * (virtio 1.2 2.7); another value is ignored and the size stays.  Rings
 * already set are checked again at the new size (see
 * qmem_virtio_queue_set_rings()).
 *
 * Returns: whether @num was taken.
 */
gboolean qmem_virtio_queue_set_num(QmemVirtioDevice *vdev, guint index,
                                   guint num);

/**
 * qmem_virtio_queue_set_rings:
 * @desc: guest-physical address of the descriptor table (0: no rings)
 * @avail: of the driver area (available ring)
 * @used: of the device area (used ring)
 *
 * QEMU's virtio_queue_set_rings(): the rings at the current size, which
 * must lie in RAM of the DMA address space (the used ring writable):
 * otherwise qmem_virtio_error() "Cannot map desc", "Cannot map used" or
 * "Cannot map avail" (checked in that order) and the queue has no rings
 * (QEMU's region caches are not set up).
 */
void qmem_virtio_queue_set_rings(QmemVirtioDevice *vdev, guint index,
                                 guint64 desc, guint64 avail, guint64 used);
guint64 qmem_virtio_queue_get_desc_addr(QmemVirtioDevice *vdev, guint index);
guint64 qmem_virtio_queue_get_avail_addr(QmemVirtioDevice *vdev,
                                         guint index);
guint64 qmem_virtio_queue_get_used_addr(QmemVirtioDevice *vdev, guint index);

/**
 * qmem_virtio_queue_enable:
 *
 * QEMU's virtio_queue_enable(): the driver enabled queue @index (after
 * qmem_virtio_queue_set_rings()); the device's @queue_enable is called.
 */
void qmem_virtio_queue_enable(QmemVirtioDevice *vdev, guint index);
gboolean qmem_virtio_queue_enabled(QmemVirtioDevice *vdev, guint index);

/**
 * qmem_virtio_queue_reset:
 *
 * QEMU's virtio_queue_reset(): the device's @queue_reset, then the queue
 * as qmem_virtio_reset() leaves it.
 */
void qmem_virtio_queue_reset(QmemVirtioDevice *vdev, guint index);

guint16 qmem_virtio_queue_get_vector(QmemVirtioDevice *vdev, guint index);
void qmem_virtio_queue_set_vector(QmemVirtioDevice *vdev, guint index,
                                  guint16 vector);

/**
 * qmem_virtio_queue_notify:
 *
 * QEMU's virtio_queue_notify(): the guest kicked queue @index; its
 * handler runs unless the queue has no rings or the device is broken.
 * An @index the device does not have is ignored.
 */
void qmem_virtio_queue_notify(QmemVirtioDevice *vdev, guint index);

/* ------------------------------------------------------------------ */
/* Virtqueues, for the device */

/**
 * QmemVirtqueueSg:
 * @addr: guest-physical address, in RAM when the element was popped
 * @len: bytes, > 0
 */
typedef struct {
    guint64 addr;
    guint32 len;
} QmemVirtqueueSg;

/**
 * QmemVirtQueueElement:
 * @index: the head descriptor's index (the id in the used ring)
 * @ndescs: used ring entries it takes (1 for a split queue)
 * @out_num: buffers the device reads, in @out_sg
 * @in_num: buffers the device writes, in @in_sg
 *
 * A chain popped from a queue (QEMU's VirtQueueElement), with the
 * guest's buffers as guest-physical ranges.  Free it with
 * qmem_virtqueue_element_free() after pushing or detaching it.
 */
typedef struct {
    guint index;
    guint ndescs;
    guint out_num;
    guint in_num;
    QmemVirtqueueSg *out_sg;
    QmemVirtqueueSg *in_sg;
    /*< private >*/
    QmemVirtQueue *vq;
} QmemVirtQueueElement;

/**
 * qmem_virtqueue_pop:
 *
 * QEMU's virtqueue_pop() for a split queue: the next available chain,
 * its descriptors (and those of an indirect table) checked as the guest
 * is not trusted.  Each problem is a qmem_virtio_error() with QEMU's text
 * and %NULL: "Guest moved used index from %u to %u" (more than the queue
 * size made available), "Virtqueue size exceeded", "Guest says index %u
 * is available", "Invalid size for indirect buffer table", "Cannot map
 * indirect buffer", "Incorrect order for descriptors" (a read buffer
 * after a write one), "virtio: zero sized buffers are not allowed",
 * "virtio: too many write descriptors in indirect table" (more than
 * %QMEM_VIRTQUEUE_MAX_SIZE buffers), "virtio: bogus descriptor or out of
 * resources" (a buffer not in RAM, or a write buffer in ROM), "Looped
 * descriptor" (a chain longer than its table), "Desc next is %u" (NEXT
 * past the table).
 *
 * Returns: (transfer full) (nullable): the element, or %NULL when the
 *   queue is empty, has no rings, the device is broken or disabled, or
 *   the chain was bad.
 */
QmemVirtQueueElement *qmem_virtqueue_pop(QmemVirtQueue *vq);

/**
 * qmem_virtqueue_push:
 * @len: bytes the device wrote into the element's write buffers
 *
 * QEMU's virtqueue_push(): qmem_virtqueue_fill() at 0, then
 * qmem_virtqueue_flush() of 1.  Does not notify.
 */
void qmem_virtqueue_push(QmemVirtQueue *vq, const QmemVirtQueueElement *elem,
                         guint32 len);

/**
 * qmem_virtqueue_fill:
 * @idx: the element's place among those flushed together
 *
 * Writes the element's used ring entry (id, @len) @idx places after the
 * used index, without publishing it.
 */
void qmem_virtqueue_fill(QmemVirtQueue *vq, const QmemVirtQueueElement *elem,
                         guint32 len, guint idx);

/**
 * qmem_virtqueue_flush:
 * @count: elements filled since the last flush
 *
 * Publishes them: the used index goes up by @count.
 */
void qmem_virtqueue_flush(QmemVirtQueue *vq, guint count);

/**
 * qmem_virtqueue_detach_element:
 *
 * QEMU's virtqueue_detach_element(): the element will never be pushed
 * (a device that gives up on it after qmem_virtio_error()).
 */
void qmem_virtqueue_detach_element(QmemVirtQueue *vq,
                                   const QmemVirtQueueElement *elem,
                                   guint32 len);

void qmem_virtqueue_element_free(QmemVirtQueueElement *elem);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QmemVirtQueueElement,
                              qmem_virtqueue_element_free)

/* Bytes of the element's read (out) or write (in) buffers together. */
guint64 qmem_virtqueue_element_out_size(const QmemVirtQueueElement *elem);
guint64 qmem_virtqueue_element_in_size(const QmemVirtQueueElement *elem);

/**
 * qmem_virtqueue_element_to_buf:
 * @offset: where to start in the read buffers, as if they were one
 *
 * QEMU's iov_to_buf() on the out buffers: copies up to @len bytes from
 * guest memory into @buf through the DMA address space.
 *
 * Returns: the bytes copied (fewer when the buffers are shorter).
 */
gsize qmem_virtqueue_element_to_buf(const QmemVirtQueueElement *elem,
                                    gsize offset, void *buf, gsize len);

/**
 * qmem_virtqueue_element_from_buf:
 *
 * QEMU's iov_from_buf() on the in buffers: copies up to @len bytes of
 * @buf into guest memory.
 *
 * Returns: the bytes copied.
 */
gsize qmem_virtqueue_element_from_buf(const QmemVirtQueueElement *elem,
                                      gsize offset, const void *buf,
                                      gsize len);

/**
 * qmem_virtio_queue_set_notification:
 * @enable: whether the device wants kicks
 *
 * QEMU's virtio_queue_set_notification(): with VIRTIO_RING_F_EVENT_IDX
 * the avail_event follows the available index, else
 * VRING_USED_F_NO_NOTIFY is cleared or set.
 */
void qmem_virtio_queue_set_notification(QmemVirtQueue *vq, gboolean enable);

/* The queue's number, its device. */
guint qmem_virtio_queue_get_index(QmemVirtQueue *vq);
QmemVirtioDevice *qmem_virtio_queue_get_device(QmemVirtQueue *vq);

/* Indices as the device sees them (QEMU's last_avail_idx, used_idx). */
guint16 qmem_virtio_queue_get_last_avail_idx(QmemVirtQueue *vq);
guint16 qmem_virtio_queue_get_used_idx(QmemVirtQueue *vq);

/* Elements popped and not yet pushed or detached. */
guint qmem_virtio_queue_get_inuse(QmemVirtQueue *vq);

G_END_DECLS

#endif
