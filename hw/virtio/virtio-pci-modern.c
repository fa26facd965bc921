/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-pci's modern BAR: common config, ISR, device config, notify. */

#include <inttypes.h>

#include "hw/pci/msix.h"
#include "hw/virtio/virtio-pci-internal.h"

/*
 * QEMU's virtio_pci_common_read() and _write() and the other three
 * structures' ops.  Each register answers only at its own offset, with
 * the access's size cut from its value (a 2-byte read of device_status
 * gives the status alone), as QEMU's switch does; other offsets read 0
 * and drop writes.  The callbacks see 1, 2 or 4 bytes: the memory API
 * refuses unaligned and 8-byte accesses (QEMU's default valid sizes).
 */

#define PRIV(proxy) qmem_virtio_pci_priv(proxy)

static QmemPciDevice *pci(QmemVirtioPciProxy *proxy)
{
    return QMEM_PCI_DEVICE(proxy);
}

/* The vector of queue @sel, the core's for the device's queues. */
static guint16 queue_vector(QmemVirtioPciProxy *proxy, guint sel)
{
    QmemVirtioPciProxyPrivate *p = PRIV(proxy);

    if (sel < qmem_virtio_get_num_queues(p->vdev)) {
        return qmem_virtio_queue_get_vector(p->vdev, sel);
    }
    return p->vqs[sel].vector;
}

/*
 * A vector written by the driver: @old stops being used, @val is used if
 * the function has it, else NO_VECTOR is stored "to make it possible for
 * the guest to discover an error took place" (QEMU).
 */
static guint16 use_vector(QmemVirtioPciProxy *proxy, guint16 old,
                          guint64 val)
{
    QmemVirtioPciProxyPrivate *p = PRIV(proxy);

    if (old != QMEM_VIRTIO_NO_VECTOR) {
        qmem_msix_vector_unuse(pci(proxy), old);
    }
    if (val < p->nvectors) {
        qmem_msix_vector_use(pci(proxy), val);
        return val;
    }
    return QMEM_VIRTIO_NO_VECTOR;
}

static guint32 num_queues(QmemVirtioDevice *vdev)
{
    guint32 n = 0;

    for (guint i = 0; i < qmem_virtio_get_num_queues(vdev); i++) {
        if (qmem_virtio_queue_get_num(vdev, i)) {
            n = i + 1;
        }
    }
    return n;
}

static guint32 read_queue_register(QmemVirtioPciProxy *proxy, guint64 addr)
{
    QmemVirtioPciProxyPrivate *p = PRIV(proxy);
    QmemVirtioPciQueue *q = &p->vqs[p->queue_sel];

    switch (addr) {
    case QMEM_VIRTIO_PCI_COMMON_Q_SIZE:
        return qmem_virtio_queue_get_num(p->vdev, p->queue_sel);
    case QMEM_VIRTIO_PCI_COMMON_Q_MSIX:
        return queue_vector(proxy, p->queue_sel);
    case QMEM_VIRTIO_PCI_COMMON_Q_ENABLE:
        return q->enabled;
    case QMEM_VIRTIO_PCI_COMMON_Q_NOFF:
        /* Queues are in order in the notify area. */
        return p->queue_sel;
    case QMEM_VIRTIO_PCI_COMMON_Q_DESCLO:
        return q->desc[0];
    case QMEM_VIRTIO_PCI_COMMON_Q_DESCHI:
        return q->desc[1];
    case QMEM_VIRTIO_PCI_COMMON_Q_AVAILLO:
        return q->avail[0];
    case QMEM_VIRTIO_PCI_COMMON_Q_AVAILHI:
        return q->avail[1];
    case QMEM_VIRTIO_PCI_COMMON_Q_USEDLO:
        return q->used[0];
    case QMEM_VIRTIO_PCI_COMMON_Q_USEDHI:
        return q->used[1];
    case QMEM_VIRTIO_PCI_COMMON_Q_RESET:
        return q->reset;
    default:
        return 0;
    }
}

static guint64 common_read(gpointer opaque, guint64 addr, guint size)
{
    QmemVirtioPciProxy *proxy = opaque;
    QmemVirtioPciProxyPrivate *p = PRIV(proxy);
    QmemVirtioDevice *vdev = p->vdev;

    if (!vdev) {
        return G_MAXUINT64;
    }
    switch (addr) {
    case QMEM_VIRTIO_PCI_COMMON_DFSELECT:
        return p->dfselect;
    case QMEM_VIRTIO_PCI_COMMON_DF:
        if (p->dfselect > 1) {
            return 0;
        }
        return (guint32)((qmem_virtio_get_host_features(vdev) &
                          ~QMEM_VIRTIO_LEGACY_FEATURES) >>
                         (32 * p->dfselect));
    case QMEM_VIRTIO_PCI_COMMON_GFSELECT:
        return p->gfselect;
    case QMEM_VIRTIO_PCI_COMMON_GF:
        return p->gfselect < 2 ? p->guest_features[p->gfselect] : 0;
    case QMEM_VIRTIO_PCI_COMMON_MSIX:
        return qmem_virtio_get_config_vector(vdev);
    case QMEM_VIRTIO_PCI_COMMON_NUMQ:
        return num_queues(vdev);
    case QMEM_VIRTIO_PCI_COMMON_STATUS:
        return qmem_virtio_get_status(vdev);
    case QMEM_VIRTIO_PCI_COMMON_CFGGENERATION:
        return qmem_virtio_get_generation(vdev);
    case QMEM_VIRTIO_PCI_COMMON_Q_SELECT:
        return p->queue_sel;
    default:
        return read_queue_register(proxy, addr);
    }
}

static void write_status(QmemVirtioPciProxy *proxy, guint64 val)
{
    QmemVirtioPciProxyPrivate *p = PRIV(proxy);

    if (!(val & QMEM_VIRTIO_CONFIG_S_DRIVER_OK)) {
        qmem_virtio_pci_stop_ioeventfd(proxy);
    }
    qmem_virtio_set_status(p->vdev, val & 0xff);
    if (val & QMEM_VIRTIO_CONFIG_S_DRIVER_OK) {
        qmem_virtio_pci_start_ioeventfd(proxy);
    }
    if (qmem_virtio_get_status(p->vdev) == 0) {
        qmem_virtio_pci_reset(proxy);
    }
}

/* QEMU's queue_enable = 1: the rings as the driver wrote them. */
static void enable_queue(QmemVirtioPciProxy *proxy, guint64 val)
{
    QmemVirtioPciProxyPrivate *p = PRIV(proxy);
    guint sel = p->queue_sel;
    QmemVirtioPciQueue *q = &p->vqs[sel];

    if (val != 1) {
        qmem_virtio_error(p->vdev, "wrong value for queue_enable %" PRIx64,
                          val);
        return;
    }
    qmem_virtio_queue_set_num(p->vdev, sel, q->num);
    qmem_virtio_queue_set_rings(p->vdev, sel,
                                (guint64)q->desc[1] << 32 | q->desc[0],
                                (guint64)q->avail[1] << 32 | q->avail[0],
                                (guint64)q->used[1] << 32 | q->used[0]);
    q->enabled = TRUE;
    q->reset = FALSE;
    qmem_virtio_queue_enable(p->vdev, sel);
}

static void reset_queue(QmemVirtioPciProxy *proxy, guint64 val)
{
    QmemVirtioPciProxyPrivate *p = PRIV(proxy);
    QmemVirtioPciQueue *q = &p->vqs[p->queue_sel];

    if (val != 1) {
        return;
    }
    q->reset = TRUE;
    qmem_virtio_queue_reset(p->vdev, p->queue_sel);
    q->vector = QMEM_VIRTIO_NO_VECTOR;
    q->reset = FALSE;
    q->enabled = FALSE;
}

static void write_queue_vector(QmemVirtioPciProxy *proxy, guint64 val)
{
    QmemVirtioPciProxyPrivate *p = PRIV(proxy);
    guint sel = p->queue_sel;
    guint16 vector = use_vector(proxy, queue_vector(proxy, sel), val);

    if (sel < qmem_virtio_get_num_queues(p->vdev)) {
        qmem_virtio_queue_set_vector(p->vdev, sel, vector);
    } else {
        p->vqs[sel].vector = vector;
    }
}

static void write_queue_register(QmemVirtioPciProxy *proxy, guint64 addr,
                                 guint64 val)
{
    QmemVirtioPciProxyPrivate *p = PRIV(proxy);
    QmemVirtioPciQueue *q = &p->vqs[p->queue_sel];

    switch (addr) {
    case QMEM_VIRTIO_PCI_COMMON_Q_SIZE:
        q->num = val;
        qmem_virtio_queue_set_num(p->vdev, p->queue_sel, q->num);
        break;
    case QMEM_VIRTIO_PCI_COMMON_Q_MSIX:
        write_queue_vector(proxy, val);
        break;
    case QMEM_VIRTIO_PCI_COMMON_Q_ENABLE:
        enable_queue(proxy, val);
        break;
    case QMEM_VIRTIO_PCI_COMMON_Q_DESCLO:
        q->desc[0] = val;
        break;
    case QMEM_VIRTIO_PCI_COMMON_Q_DESCHI:
        q->desc[1] = val;
        break;
    case QMEM_VIRTIO_PCI_COMMON_Q_AVAILLO:
        q->avail[0] = val;
        break;
    case QMEM_VIRTIO_PCI_COMMON_Q_AVAILHI:
        q->avail[1] = val;
        break;
    case QMEM_VIRTIO_PCI_COMMON_Q_USEDLO:
        q->used[0] = val;
        break;
    case QMEM_VIRTIO_PCI_COMMON_Q_USEDHI:
        q->used[1] = val;
        break;
    case QMEM_VIRTIO_PCI_COMMON_Q_RESET:
        reset_queue(proxy, val);
        break;
    default:
        break;
    }
}

static void common_write(gpointer opaque, guint64 addr, guint64 val,
                         guint size)
{
    QmemVirtioPciProxy *proxy = opaque;
    QmemVirtioPciProxyPrivate *p = PRIV(proxy);
    QmemVirtioDevice *vdev = p->vdev;

    if (!vdev) {
        return;
    }
    switch (addr) {
    case QMEM_VIRTIO_PCI_COMMON_DFSELECT:
        p->dfselect = val;
        break;
    case QMEM_VIRTIO_PCI_COMMON_GFSELECT:
        p->gfselect = val;
        break;
    case QMEM_VIRTIO_PCI_COMMON_GF:
        if (p->gfselect < 2) {
            p->guest_features[p->gfselect] = val;
            qmem_virtio_set_features(vdev,
                                     (guint64)p->guest_features[1] << 32 |
                                     p->guest_features[0]);
        }
        break;
    case QMEM_VIRTIO_PCI_COMMON_MSIX:
        qmem_virtio_set_config_vector(
            vdev, use_vector(proxy, qmem_virtio_get_config_vector(vdev),
                             val));
        break;
    case QMEM_VIRTIO_PCI_COMMON_STATUS:
        write_status(proxy, val);
        break;
    case QMEM_VIRTIO_PCI_COMMON_Q_SELECT:
        if (val < QMEM_VIRTIO_QUEUE_MAX) {
            p->queue_sel = val;
        }
        break;
    default:
        write_queue_register(proxy, addr, val);
        break;
    }
}

static const QmemMemoryRegionOps common_ops = {
    .read = common_read,
    .write = common_write,
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* Reading the ISR clears it and lowers INTx. */
static guint64 isr_read(gpointer opaque, guint64 addr, guint size)
{
    QmemVirtioPciProxy *proxy = opaque;
    QmemVirtioDevice *vdev = PRIV(proxy)->vdev;
    guint8 val;

    if (!vdev) {
        return G_MAXUINT64;
    }
    val = qmem_virtio_read_and_clear_isr(vdev);
    qmem_pci_set_irq(pci(proxy), 0);
    return val;
}

static const QmemMemoryRegionOps isr_ops = {
    .read = isr_read,
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static guint64 device_read(gpointer opaque, guint64 addr, guint size)
{
    QmemVirtioDevice *vdev = PRIV(opaque)->vdev;

    if (!vdev) {
        return G_MAXUINT64;
    }
    return qmem_virtio_config_read(vdev, addr, size);
}

static void device_write(gpointer opaque, guint64 addr, guint64 val,
                         guint size)
{
    QmemVirtioDevice *vdev = PRIV(opaque)->vdev;

    if (vdev) {
        qmem_virtio_config_write(vdev, addr, val, size);
    }
}

static const QmemMemoryRegionOps device_ops = {
    .read = device_read,
    .write = device_write,
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static guint64 notify_read(gpointer opaque, guint64 addr, guint size)
{
    return PRIV(opaque)->vdev ? 0 : G_MAXUINT64;
}

/* A write anywhere in queue N's 4 bytes kicks it, whatever the value. */
static void notify_write(gpointer opaque, guint64 addr, guint64 val,
                         guint size)
{
    QmemVirtioPciProxy *proxy = opaque;
    guint64 queue = addr / QMEM_VIRTIO_PCI_QUEUE_MEM_MULT;

    if (PRIV(proxy)->vdev && queue < QMEM_VIRTIO_QUEUE_MAX) {
        qmem_virtio_pci_queue_notify(proxy, queue);
    }
}

static const QmemMemoryRegionOps notify_ops = {
    .read = notify_read,
    .write = notify_write,
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* The four structures in the modern BAR, in QEMU's lookup order. */
static const struct {
    guint32 offset;
    const QmemMemoryRegionOps *ops;
    const char *name;
} structures[] = {
    { QMEM_VIRTIO_PCI_COMMON_OFF, &common_ops, "common" },
    { QMEM_VIRTIO_PCI_ISR_OFF, &isr_ops, "isr" },
    { QMEM_VIRTIO_PCI_DEVICE_OFF, &device_ops, "device" },
    { QMEM_VIRTIO_PCI_NOTIFY_OFF, &notify_ops, "notify" },
};

void qmem_virtio_pci_modern_regions_init(QmemVirtioPciProxy *proxy,
                                         const char *vdev_name)
{
    QmemVirtioPciProxyPrivate *p = PRIV(proxy);
    QmemMemoryRegion **regions[] = {
        &p->common, &p->isr, &p->device, &p->notify,
    };

    for (gsize i = 0; i < G_N_ELEMENTS(structures); i++) {
        g_autofree char *name = g_strdup_printf(
            "virtio-pci-%s-%s", structures[i].name, vdev_name);

        g_clear_object(regions[i]);
        *regions[i] = qmem_memory_region_new_io(
            name, QMEM_VIRTIO_PCI_REGION_SIZE, structures[i].ops, proxy);
    }
}

/* QEMU's virtio_address_space_lookup(): the structure holding it all. */
static gint lookup(guint32 *off, guint len)
{
    for (gsize i = 0; i < G_N_ELEMENTS(structures); i++) {
        guint32 start = structures[i].offset;

        if (*off >= start &&
            (guint64)*off + len <= start + QMEM_VIRTIO_PCI_REGION_SIZE) {
            *off -= start;
            return i;
        }
    }
    return -1;
}

void qmem_virtio_pci_modern_read(QmemVirtioPciProxy *proxy, guint32 off,
                                 guint8 *buf, guint len)
{
    gint i;
    guint64 val;

    if (len != 1 && len != 2 && len != 4) {
        return;
    }
    off &= ~(len - 1);
    i = lookup(&off, len);
    if (i < 0) {
        return;
    }
    val = structures[i].ops->read ?
          structures[i].ops->read(proxy, off, len) : 0;
    for (guint b = 0; b < len; b++) {
        buf[b] = val >> (8 * b);
    }
}

void qmem_virtio_pci_modern_write(QmemVirtioPciProxy *proxy, guint32 off,
                                  const guint8 *buf, guint len)
{
    guint64 val = 0;
    gint i;

    if (len != 1 && len != 2 && len != 4) {
        return;
    }
    off &= ~(len - 1);
    i = lookup(&off, len);
    if (i < 0 || !structures[i].ops->write) {
        return;
    }
    for (guint b = 0; b < len; b++) {
        val |= (guint64)buf[b] << (8 * b);
    }
    structures[i].ops->write(proxy, off, val, len);
}
