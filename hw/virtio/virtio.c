/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The virtio device core: plugging, status, features, config, interrupts. */

#include <errno.h>
#include <string.h>

#include "hw/core/boards.h"
#include "hw/virtio/virtio-internal.h"
#include "util/error-report.h"
#include "util/error.h"

G_DEFINE_INTERFACE(QmemVirtioTransport, qmem_virtio_transport, G_TYPE_OBJECT)

static void qmem_virtio_transport_default_init(
    QmemVirtioTransportInterface *iface)
{
}

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE(QmemVirtioDevice, qmem_virtio_device,
                                    QMEM_TYPE_OBJECT)

QmemVirtioDevicePrivate *qmem_virtio_device_priv(QmemVirtioDevice *vdev)
{
    return qmem_virtio_device_get_instance_private(vdev);
}

#define PRIV(vdev) qmem_virtio_device_priv(vdev)

/* Realize and unrealize */

void qmem_virtio_init(QmemVirtioDevice *vdev, guint16 device_id,
                      gsize config_len)
{
    QmemVirtioDevicePrivate *p = PRIV(vdev);

    g_return_if_fail(p->vqs == NULL && p->transport == NULL);

    p->device_id = device_id;
    p->status = 0;
    p->isr = 0;
    p->config_vector = QMEM_VIRTIO_NO_VECTOR;
    p->broken = FALSE;
    p->config_len = config_len;
    g_clear_pointer(&p->config, g_free);
    p->config = config_len ? g_malloc0(config_len) : NULL;
    /* The queues come one by one: no array of all 1024 of them. */
    p->vqs = g_new0(QmemVirtQueue *, 1);
    p->nvqs = 0;
}

QmemVirtQueue *qmem_virtio_add_queue(QmemVirtioDevice *vdev,
                                     guint queue_size,
                                     QmemVirtioHandleOutput handler)
{
    QmemVirtioDevicePrivate *p = PRIV(vdev);
    QmemVirtQueue *vq;

    g_return_val_if_fail(p->vqs != NULL, NULL);
    g_return_val_if_fail(p->nvqs < QMEM_VIRTIO_QUEUE_MAX, NULL);
    g_return_val_if_fail(queue_size && queue_size <= QMEM_VIRTQUEUE_MAX_SIZE &&
                         !(queue_size & (queue_size - 1)), NULL);

    p->vqs = g_renew(QmemVirtQueue *, p->vqs, p->nvqs + 1);
    vq = p->vqs[p->nvqs] = g_new0(QmemVirtQueue, 1);
    vq->vdev = vdev;
    vq->index = p->nvqs++;
    vq->num_default = queue_size;
    vq->handle_output = handler;
    qmem_virtqueue_reset(vq);
    return vq;
}

static void vqs_free(QmemVirtioDevicePrivate *p)
{
    for (guint i = 0; p->vqs && i < p->nvqs; i++) {
        g_free(p->vqs[i]);
    }
    g_clear_pointer(&p->vqs, g_free);
    p->nvqs = 0;
}

void qmem_virtio_cleanup(QmemVirtioDevice *vdev)
{
    QmemVirtioDevicePrivate *p = PRIV(vdev);

    if (p->transport) {
        qmem_virtio_device_unplug(vdev);
    }
    vqs_free(p);
    g_clear_pointer(&p->config, g_free);
    p->config_len = 0;
}

/* Plugging into a transport */

/* QEMU's virtio_memory_listener_commit(): the rings may have moved out. */
static void virtio_listener_commit(QmemMemoryListener *listener)
{
    QmemVirtioDevicePrivate *p = G_STRUCT_MEMBER_P(
        listener, -G_STRUCT_OFFSET(QmemVirtioDevicePrivate, listener));

    /*
     * QEMU checks every queue again after each commit; qmem only those
     * whose rings were fine, so that a broken device, which keeps its bad
     * rings until reset, does not report them again with every memory
     * transaction the guest causes.
     */
    for (guint i = 0; i < p->nvqs; i++) {
        if (p->vqs[i]->rings_ok) {
            qmem_virtqueue_check_rings(p->vqs[i]);
        }
    }
}

gboolean qmem_virtio_device_plug(QmemVirtioDevice *vdev,
                                 QmemVirtioTransport *transport,
                                 GError **error)
{
    QmemVirtioDeviceClass *k = QMEM_VIRTIO_DEVICE_GET_CLASS(vdev);
    QmemVirtioTransportInterface *t;
    QmemVirtioDevicePrivate *p = PRIV(vdev);

    g_return_val_if_fail(QMEM_IS_VIRTIO_TRANSPORT(transport), FALSE);
    g_return_val_if_fail(p->vqs != NULL && p->transport == NULL, FALSE);
    g_return_val_if_fail(k->get_features != NULL, FALSE);
    t = QMEM_VIRTIO_TRANSPORT_GET_IFACE(transport);
    g_return_val_if_fail(t->notify != NULL && t->get_dma_as != NULL, FALSE);

    p->host_features = p->base_features;
    if (t->pre_plugged && !t->pre_plugged(transport, vdev, error)) {
        p->host_features = p->base_features;
        return FALSE;
    }
    p->host_features = k->get_features(vdev, p->host_features);
    if (t->device_plugged && !t->device_plugged(transport, vdev, error)) {
        p->host_features = p->base_features;
        return FALSE;
    }
    p->transport = transport;
    p->dma_as = t->get_dma_as(transport);
    p->listener.commit = virtio_listener_commit;
    p->listener.name = "virtio";
    qmem_memory_listener_register(&p->listener, p->dma_as);
    return TRUE;
}

void qmem_virtio_device_unplug(QmemVirtioDevice *vdev)
{
    QmemVirtioDevicePrivate *p = PRIV(vdev);
    QmemVirtioTransportInterface *t;

    g_return_if_fail(p->transport != NULL);

    t = QMEM_VIRTIO_TRANSPORT_GET_IFACE(p->transport);
    if (t->device_unplugged) {
        t->device_unplugged(p->transport, vdev);
    }
    qmem_memory_listener_unregister(&p->listener);
    p->transport = NULL;
    p->dma_as = NULL;
    /* Plugged again, the transport and the device add theirs again. */
    p->host_features = p->base_features;
}

QmemVirtioTransport *qmem_virtio_get_transport(QmemVirtioDevice *vdev)
{
    return PRIV(vdev)->transport;
}

QmemAddressSpace *qmem_virtio_get_dma_as(QmemVirtioDevice *vdev)
{
    return PRIV(vdev)->dma_as;
}

void qmem_virtio_add_host_features(QmemVirtioDevice *vdev, guint64 features)
{
    PRIV(vdev)->host_features |= features;
}

void qmem_virtio_set_host_features(QmemVirtioDevice *vdev, guint64 features)
{
    g_return_if_fail(PRIV(vdev)->transport == NULL);
    PRIV(vdev)->base_features = features;
    PRIV(vdev)->host_features = features;
}

/* Features and status */

gboolean qmem_virtio_has_feature(QmemVirtioDevice *vdev, guint bit)
{
    return bit < 64 && (PRIV(vdev)->guest_features & QMEM_VIRTIO_BIT(bit));
}

gboolean qmem_virtio_host_has_feature(QmemVirtioDevice *vdev, guint bit)
{
    return bit < 64 && (PRIV(vdev)->host_features & QMEM_VIRTIO_BIT(bit));
}

guint16 qmem_virtio_get_device_id(QmemVirtioDevice *vdev)
{
    return PRIV(vdev)->device_id;
}

gsize qmem_virtio_get_config_len(QmemVirtioDevice *vdev)
{
    return PRIV(vdev)->config_len;
}

guint64 qmem_virtio_get_host_features(QmemVirtioDevice *vdev)
{
    return PRIV(vdev)->host_features;
}

guint64 qmem_virtio_get_guest_features(QmemVirtioDevice *vdev)
{
    return PRIV(vdev)->guest_features;
}

/* QEMU's virtio_set_features_nocheck(). */
static int set_features_nocheck(QmemVirtioDevice *vdev, guint64 val)
{
    QmemVirtioDeviceClass *k = QMEM_VIRTIO_DEVICE_GET_CLASS(vdev);
    QmemVirtioDevicePrivate *p = PRIV(vdev);
    gboolean bad = (val & ~p->host_features) != 0;

    val &= p->host_features;
    if (k->set_features) {
        k->set_features(vdev, val);
    }
    p->guest_features = val;
    return bad ? -1 : 0;
}

int qmem_virtio_set_features(QmemVirtioDevice *vdev, guint64 features)
{
    QmemVirtioDevicePrivate *p = PRIV(vdev);
    int ret;

    /* Negotiation is over once FEATURES_OK is set. */
    if (p->status & QMEM_VIRTIO_CONFIG_S_FEATURES_OK) {
        return -EINVAL;
    }
    ret = set_features_nocheck(vdev, features);
    /* EVENT_IDX makes the rings longer: check them again. */
    if (qmem_virtio_has_feature(vdev, QMEM_VIRTIO_RING_F_EVENT_IDX)) {
        for (guint i = 0; i < p->nvqs; i++) {
            if (p->vqs[i]->desc) {
                qmem_virtqueue_check_rings(p->vqs[i]);
            }
        }
    }
    return ret;
}

/*
 * QEMU's virtio_legacy_allowed(): only the devices that predate virtio
 * 1.0 have a legacy interface (net, block, console, rng, balloon, rpmsg,
 * scsi, 9p, rproc-serial, caif).
 */
static gboolean legacy_allowed(guint16 device_id)
{
    switch (device_id) {
    case 1: case 2: case 3: case 4: case 5: case 7: case 8: case 9:
    case 11: case 12:
        return TRUE;
    default:
        return FALSE;
    }
}

/* QEMU's virtio_validate_features(). */
static gboolean validate_features(QmemVirtioDevice *vdev)
{
    QmemVirtioDeviceClass *k = QMEM_VIRTIO_DEVICE_GET_CLASS(vdev);

    if (qmem_virtio_host_has_feature(vdev, QMEM_VIRTIO_F_IOMMU_PLATFORM) &&
        !qmem_virtio_has_feature(vdev, QMEM_VIRTIO_F_IOMMU_PLATFORM)) {
        return FALSE;
    }
    return !k->validate_features || k->validate_features(vdev);
}

int qmem_virtio_set_status(QmemVirtioDevice *vdev, guint8 status)
{
    QmemVirtioDeviceClass *k = QMEM_VIRTIO_DEVICE_GET_CLASS(vdev);
    QmemVirtioDevicePrivate *p = PRIV(vdev);

    if (!(p->status & QMEM_VIRTIO_CONFIG_S_FEATURES_OK) &&
        (status & QMEM_VIRTIO_CONFIG_S_FEATURES_OK)) {
        if (qmem_virtio_has_feature(vdev, QMEM_VIRTIO_F_VERSION_1)) {
            if (!validate_features(vdev)) {
                return -EFAULT;
            }
        } else if (qmem_virtio_host_has_feature(vdev,
                                                QMEM_VIRTIO_F_VERSION_1) &&
                   !legacy_allowed(p->device_id)) {
            /*
             * QEMU 7.2 goes on with legacy semantics; a device without a
             * legacy interface may refuse (virtio 1.2 6.1), and qmem does.
             */
            return -EINVAL;
        }
    }
    if (k->set_status) {
        k->set_status(vdev, status);
    }
    p->status = status;
    return 0;
}

guint8 qmem_virtio_get_status(QmemVirtioDevice *vdev)
{
    return PRIV(vdev)->status;
}

/* Interrupts */

gboolean qmem_virtio_device_disabled(QmemVirtioDevice *vdev)
{
    return PRIV(vdev)->disabled;
}

void qmem_virtio_set_disabled(QmemVirtioDevice *vdev, gboolean disabled)
{
    PRIV(vdev)->disabled = !!disabled;
}

static void notify_vector(QmemVirtioDevice *vdev, guint16 vector)
{
    QmemVirtioDevicePrivate *p = PRIV(vdev);

    if (p->disabled || !p->transport) {
        return;
    }
    QMEM_VIRTIO_TRANSPORT_GET_IFACE(p->transport)->notify(p->transport,
                                                          vector);
}

void qmem_virtio_notify(QmemVirtioDevice *vdev, QmemVirtQueue *vq)
{
    g_return_if_fail(vq != NULL && vq->vdev == vdev);

    if (!qmem_virtqueue_should_notify(vq)) {
        return;
    }
    PRIV(vdev)->isr |= QMEM_VIRTIO_ISR_QUEUE;
    notify_vector(vdev, vq->vector);
}

void qmem_virtio_notify_config(QmemVirtioDevice *vdev)
{
    QmemVirtioDevicePrivate *p = PRIV(vdev);

    if (!(p->status & QMEM_VIRTIO_CONFIG_S_DRIVER_OK)) {
        return;
    }
    p->isr |= QMEM_VIRTIO_ISR_QUEUE | QMEM_VIRTIO_ISR_CONFIG;
    p->generation++;
    notify_vector(vdev, p->config_vector);
}

guint8 qmem_virtio_get_isr(QmemVirtioDevice *vdev)
{
    return PRIV(vdev)->isr;
}

guint8 qmem_virtio_read_and_clear_isr(QmemVirtioDevice *vdev)
{
    guint8 isr = PRIV(vdev)->isr;

    PRIV(vdev)->isr = 0;
    return isr;
}

guint8 qmem_virtio_get_generation(QmemVirtioDevice *vdev)
{
    return PRIV(vdev)->generation;
}

guint16 qmem_virtio_get_config_vector(QmemVirtioDevice *vdev)
{
    return PRIV(vdev)->config_vector;
}

void qmem_virtio_set_config_vector(QmemVirtioDevice *vdev, guint16 vector)
{
    PRIV(vdev)->config_vector = vector;
}

void qmem_virtio_error(QmemVirtioDevice *vdev, const char *fmt, ...)
{
    QmemVirtioDevicePrivate *p = PRIV(vdev);
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qmem_error_report("%s", msg);

    if (qmem_virtio_has_feature(vdev, QMEM_VIRTIO_F_VERSION_1)) {
        p->status |= QMEM_VIRTIO_CONFIG_S_NEEDS_RESET;
        qmem_virtio_notify_config(vdev);
    }
    p->broken = TRUE;
}

gboolean qmem_virtio_is_broken(QmemVirtioDevice *vdev)
{
    return PRIV(vdev)->broken;
}

void qmem_virtio_reset(QmemVirtioDevice *vdev)
{
    QmemVirtioDeviceClass *k = QMEM_VIRTIO_DEVICE_GET_CLASS(vdev);
    QmemVirtioDevicePrivate *p = PRIV(vdev);

    qmem_virtio_set_status(vdev, 0);
    if (k->reset) {
        k->reset(vdev);
    }
    p->broken = FALSE;
    set_features_nocheck(vdev, 0);
    p->status = 0;
    p->disabled = FALSE;
    p->isr = 0;
    p->config_vector = QMEM_VIRTIO_NO_VECTOR;
    notify_vector(vdev, p->config_vector);
    for (guint i = 0; i < p->nvqs; i++) {
        qmem_virtqueue_reset(p->vqs[i]);
    }
}

/* The config space, little-endian (modern) */

guint32 qmem_virtio_config_read(QmemVirtioDevice *vdev, guint32 addr,
                                guint size)
{
    QmemVirtioDeviceClass *k = QMEM_VIRTIO_DEVICE_GET_CLASS(vdev);
    QmemVirtioDevicePrivate *p = PRIV(vdev);
    guint32 val = 0;

    g_return_val_if_fail(size == 1 || size == 2 || size == 4, G_MAXUINT32);

    if ((guint64)addr + size > p->config_len) {
        return G_MAXUINT32;
    }
    if (k->get_config) {
        k->get_config(vdev, p->config);
    }
    for (guint i = 0; i < size; i++) {
        val |= (guint32)p->config[addr + i] << (8 * i);
    }
    return val;
}

void qmem_virtio_config_write(QmemVirtioDevice *vdev, guint32 addr,
                              guint32 value, guint size)
{
    QmemVirtioDeviceClass *k = QMEM_VIRTIO_DEVICE_GET_CLASS(vdev);
    QmemVirtioDevicePrivate *p = PRIV(vdev);

    g_return_if_fail(size == 1 || size == 2 || size == 4);

    if ((guint64)addr + size > p->config_len) {
        return;
    }
    for (guint i = 0; i < size; i++) {
        p->config[addr + i] = value >> (8 * i);
    }
    if (k->set_config) {
        k->set_config(vdev, p->config);
    }
}

/* Queues, the transport's side */

guint qmem_virtio_get_num_queues(QmemVirtioDevice *vdev)
{
    return PRIV(vdev)->nvqs;
}

QmemVirtQueue *qmem_virtio_get_queue(QmemVirtioDevice *vdev, guint index)
{
    QmemVirtioDevicePrivate *p = PRIV(vdev);

    g_return_val_if_fail(index < p->nvqs, NULL);
    return p->vqs[index];
}

/* The guest picks the queue number: one the device lacks is no error. */
static QmemVirtQueue *vq_at(QmemVirtioDevice *vdev, guint index)
{
    QmemVirtioDevicePrivate *p = PRIV(vdev);

    return index < p->nvqs ? p->vqs[index] : NULL;
}

guint qmem_virtio_queue_get_max_num(QmemVirtioDevice *vdev, guint index)
{
    QmemVirtQueue *vq = vq_at(vdev, index);

    return vq ? vq->num_default : 0;
}

guint qmem_virtio_queue_get_num(QmemVirtioDevice *vdev, guint index)
{
    QmemVirtQueue *vq = vq_at(vdev, index);

    return vq ? vq->num : 0;
}

gboolean qmem_virtio_queue_set_num(QmemVirtioDevice *vdev, guint index,
                                   guint num)
{
    QmemVirtQueue *vq = vq_at(vdev, index);

    /*
     * QEMU takes any size up to 1024; the split ring's index arithmetic
     * needs a power of two, and the driver may not exceed the maximum.
     */
    if (!vq || !num || num > vq->num_default || (num & (num - 1))) {
        return FALSE;
    }
    vq->num = num;
    /* Rings already set must hold the new size. */
    if (vq->desc) {
        qmem_virtqueue_check_rings(vq);
    }
    return TRUE;
}

void qmem_virtio_queue_set_rings(QmemVirtioDevice *vdev, guint index,
                                 guint64 desc, guint64 avail, guint64 used)
{
    QmemVirtQueue *vq = vq_at(vdev, index);

    if (!vq) {
        return;
    }
    vq->desc = desc;
    vq->avail = avail;
    vq->used = used;
    qmem_virtqueue_check_rings(vq);
}

guint64 qmem_virtio_queue_get_desc_addr(QmemVirtioDevice *vdev, guint index)
{
    QmemVirtQueue *vq = vq_at(vdev, index);

    return vq ? vq->desc : 0;
}

guint64 qmem_virtio_queue_get_avail_addr(QmemVirtioDevice *vdev,
                                         guint index)
{
    QmemVirtQueue *vq = vq_at(vdev, index);

    return vq ? vq->avail : 0;
}

guint64 qmem_virtio_queue_get_used_addr(QmemVirtioDevice *vdev, guint index)
{
    QmemVirtQueue *vq = vq_at(vdev, index);

    return vq ? vq->used : 0;
}

void qmem_virtio_queue_enable(QmemVirtioDevice *vdev, guint index)
{
    QmemVirtioDeviceClass *k = QMEM_VIRTIO_DEVICE_GET_CLASS(vdev);
    QmemVirtQueue *vq = vq_at(vdev, index);

    if (!vq) {
        return;
    }
    vq->enabled = TRUE;
    if (k->queue_enable) {
        k->queue_enable(vdev, index);
    }
}

gboolean qmem_virtio_queue_enabled(QmemVirtioDevice *vdev, guint index)
{
    QmemVirtQueue *vq = vq_at(vdev, index);

    return vq && vq->enabled;
}

void qmem_virtio_queue_reset(QmemVirtioDevice *vdev, guint index)
{
    QmemVirtioDeviceClass *k = QMEM_VIRTIO_DEVICE_GET_CLASS(vdev);
    QmemVirtQueue *vq = vq_at(vdev, index);

    if (!vq) {
        return;
    }
    if (k->queue_reset) {
        k->queue_reset(vdev, index);
    }
    qmem_virtqueue_reset(vq);
}

guint16 qmem_virtio_queue_get_vector(QmemVirtioDevice *vdev, guint index)
{
    QmemVirtioDevicePrivate *p = PRIV(vdev);

    return index < p->nvqs ? p->vqs[index]->vector : QMEM_VIRTIO_NO_VECTOR;
}

void qmem_virtio_queue_set_vector(QmemVirtioDevice *vdev, guint index,
                                  guint16 vector)
{
    QmemVirtQueue *vq = vq_at(vdev, index);

    if (vq) {
        vq->vector = vector;
    }
}

void qmem_virtio_queue_notify(QmemVirtioDevice *vdev, guint index)
{
    QmemVirtioDevicePrivate *p = PRIV(vdev);
    QmemVirtQueue *vq;

    /* The guest writes any queue number into the notify register. */
    if (index >= p->nvqs) {
        return;
    }
    vq = p->vqs[index];
    if (!vq->desc || p->broken || !vq->handle_output) {
        return;
    }
    vq->handle_output(vdev, vq);
}

/* The object */

static void qmem_virtio_device_constructed(GObject *obj)
{
    G_OBJECT_CLASS(qmem_virtio_device_parent_class)->constructed(obj);
    /* QEMU's machine compat properties, before any the user sets. */
    qmem_machine_apply_compat_props(QMEM_OBJECT(obj));
}

static void qmem_virtio_device_dispose(GObject *obj)
{
    QmemVirtioDevice *vdev = QMEM_VIRTIO_DEVICE(obj);

    /* A transport that forgot to unplug: it is going or gone. */
    if (PRIV(vdev)->transport) {
        qmem_virtio_device_unplug(vdev);
    }
    G_OBJECT_CLASS(qmem_virtio_device_parent_class)->dispose(obj);
}

static void qmem_virtio_device_finalize(GObject *obj)
{
    QmemVirtioDevicePrivate *p = PRIV(QMEM_VIRTIO_DEVICE(obj));

    vqs_free(p);
    g_free(p->config);
    G_OBJECT_CLASS(qmem_virtio_device_parent_class)->finalize(obj);
}

static void qmem_virtio_device_class_init(QmemVirtioDeviceClass *klass)
{
    GObjectClass *oc = G_OBJECT_CLASS(klass);

    oc->constructed = qmem_virtio_device_constructed;
    oc->dispose = qmem_virtio_device_dispose;
    oc->finalize = qmem_virtio_device_finalize;
}

static void qmem_virtio_device_init(QmemVirtioDevice *vdev)
{
    QmemVirtioDevicePrivate *p = PRIV(vdev);

    p->base_features = QMEM_VIRTIO_DEFAULT_FEATURES;
    p->host_features = p->base_features;
    p->config_vector = QMEM_VIRTIO_NO_VECTOR;
}
