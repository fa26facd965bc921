/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-pci: the modern transport of a virtio device on a PCI function. */

#include <string.h>

#include "hw/core/boards.h"
#include "hw/pci/msix.h"
#include "hw/virtio/virtio-pci-internal.h"
#include "qom/property.h"
#include "system/accel.h"
#include "util/error-report.h"
#include "util/error.h"

static void virtio_pci_transport_init(QmemVirtioTransportInterface *iface);

G_DEFINE_ABSTRACT_TYPE_WITH_CODE(
    QmemVirtioPciProxy, qmem_virtio_pci_proxy, QMEM_TYPE_PCI_DEVICE,
    G_ADD_PRIVATE(QmemVirtioPciProxy)
    G_IMPLEMENT_INTERFACE(QMEM_TYPE_VIRTIO_TRANSPORT,
                          virtio_pci_transport_init)
    qmem_type_register_name(QMEM_TYPE_NAME_VIRTIO_PCI, g_define_type_id))

enum {
    PROP_0,
    PROP_VECTORS,
    PROP_IOEVENTFD,
    PROP_DISABLE_LEGACY,
    PROP_DISABLE_MODERN,
    N_PROPS
};

static GParamSpec *props[N_PROPS];

QmemVirtioPciProxyPrivate *qmem_virtio_pci_priv(QmemVirtioPciProxy *proxy)
{
    return qmem_virtio_pci_proxy_get_instance_private(proxy);
}

#define PRIV(proxy) qmem_virtio_pci_priv(proxy)

static QmemPciDevice *pci(QmemVirtioPciProxy *proxy)
{
    return QMEM_PCI_DEVICE(proxy);
}

static gboolean is_modern(QmemVirtioPciProxyPrivate *p)
{
    return !p->disable_modern;
}

static gboolean is_legacy(QmemVirtioPciProxyPrivate *p)
{
    return p->disable_legacy == QMEM_VIRTIO_MEM_ON_OFF_AUTO_OFF;
}

/* Accessors */

void qmem_virtio_pci_force_virtio_1(QmemVirtioPciProxy *proxy)
{
    PRIV(proxy)->disable_legacy = QMEM_VIRTIO_MEM_ON_OFF_AUTO_ON;
    PRIV(proxy)->disable_modern = FALSE;
}

guint32 qmem_virtio_pci_get_nvectors(QmemVirtioPciProxy *proxy)
{
    return PRIV(proxy)->nvectors;
}

void qmem_virtio_pci_set_default_nvectors(QmemVirtioPciProxy *proxy,
                                          guint32 nvectors)
{
    if (PRIV(proxy)->nvectors == QMEM_VIRTIO_PCI_NVECTORS_UNSPECIFIED) {
        PRIV(proxy)->nvectors = nvectors;
    }
}

QmemVirtioDevice *qmem_virtio_pci_get_vdev(QmemVirtioPciProxy *proxy)
{
    return PRIV(proxy)->vdev;
}

gboolean qmem_virtio_pci_ioeventfd_started(QmemVirtioPciProxy *proxy)
{
    return PRIV(proxy)->ioeventfd_started;
}

/* ioeventfds: QEMU's virtio_bus_start_ioeventfd() and friends */

static void host_notifier_read(QmemEventNotifier *e)
{
    /* The notifier is the first member. */
    QmemVirtioPciNotifier *n = (QmemVirtioPciNotifier *)e;
    QmemVirtioDevice *vdev = PRIV(n->proxy)->vdev;

    if (qmem_event_notifier_test_and_clear(e) && vdev) {
        qmem_virtio_queue_notify(vdev, n->index);
    }
}

/*
 * QEMU's virtio_pci_ioeventfd_assign(): a 2-byte write at the queue's
 * place in the notify area, or one of any size where the accelerator
 * matches any length itself (KVM's fast MMIO).
 */
static void assign_notifier(QmemVirtioPciProxy *proxy,
                            QmemVirtioPciNotifier *n, gboolean assign)
{
    QmemVirtioPciProxyPrivate *p = PRIV(proxy);
    guint64 addr = QMEM_VIRTIO_PCI_QUEUE_MEM_MULT * n->index;

    /*
     * Removed with the size it was added with: at teardown the
     * accelerator may already be gone.
     */
    if (assign) {
        n->size = qmem_accel_ioeventfds_enabled(qmem_accel_get_current())
                  ? 0 : 2;
        qmem_memory_region_add_eventfd(p->notify, addr, n->size, FALSE, 0,
                                       &n->notifier);
    } else {
        qmem_memory_region_del_eventfd(p->notify, addr, n->size, FALSE, 0,
                                       &n->notifier);
    }
    n->enabled = assign;
}

/* Handles a kick still pending, then closes the eventfd. */
static void cleanup_notifier(QmemVirtioPciNotifier *n)
{
    host_notifier_read(&n->notifier);
    qmem_event_notifier_cleanup(&n->notifier);
}

static void unassign_notifiers(QmemVirtioPciProxy *proxy, guint count)
{
    QmemVirtioPciProxyPrivate *p = PRIV(proxy);

    qmem_memory_region_transaction_begin();
    for (guint i = 0; i < count; i++) {
        qmem_event_notifier_set_handler(&p->notifiers[i].notifier, NULL);
        assign_notifier(proxy, &p->notifiers[i], FALSE);
    }
    qmem_memory_region_transaction_commit();
    for (guint i = 0; i < count; i++) {
        cleanup_notifier(&p->notifiers[i]);
    }
}

void qmem_virtio_pci_start_ioeventfd(QmemVirtioPciProxy *proxy)
{
    QmemVirtioPciProxyPrivate *p = PRIV(proxy);
    guint i;

    if (!p->ioeventfd || p->ioeventfd_started || !p->vdev) {
        return;
    }
    qmem_memory_region_transaction_begin();
    for (i = 0; i < p->n_notifiers; i++) {
        QmemVirtioPciNotifier *n = &p->notifiers[i];
        /* Set from the start: rings already filled are looked at. */
        int r = qmem_event_notifier_init(&n->notifier, TRUE);

        if (r < 0) {
            qmem_error_report("virtio_bus_set_host_notifier: unable to init "
                              "event notifier: %s (%d)", g_strerror(-r), r);
            break;
        }
        assign_notifier(proxy, n, TRUE);
        qmem_event_notifier_set_handler(&n->notifier, host_notifier_read);
    }
    qmem_memory_region_transaction_commit();
    if (i < p->n_notifiers) {
        unassign_notifiers(proxy, i);
        qmem_error_report("virtio_bus_start_ioeventfd: failed. Fallback to "
                          "userspace (slower).");
        return;
    }
    p->ioeventfd_started = TRUE;
}

void qmem_virtio_pci_stop_ioeventfd(QmemVirtioPciProxy *proxy)
{
    QmemVirtioPciProxyPrivate *p = PRIV(proxy);

    if (!p->ioeventfd_started) {
        return;
    }
    p->ioeventfd_started = FALSE;
    unassign_notifiers(proxy, p->n_notifiers);
}

void qmem_virtio_pci_queue_notify(QmemVirtioPciProxy *proxy, guint index)
{
    QmemVirtioPciProxyPrivate *p = PRIV(proxy);

    if (index < p->n_notifiers && p->notifiers[index].enabled) {
        qmem_event_notifier_set(&p->notifiers[index].notifier);
    } else {
        qmem_virtio_queue_notify(p->vdev, index);
    }
}

/* Reset */

void qmem_virtio_pci_reset(QmemVirtioPciProxy *proxy)
{
    QmemVirtioPciProxyPrivate *p = PRIV(proxy);

    qmem_virtio_pci_stop_ioeventfd(proxy);
    if (p->vdev) {
        qmem_virtio_reset(p->vdev);
    }
    qmem_msix_unuse_all_vectors(pci(proxy));
    p->queue_sel = 0;
    memset(p->vqs, 0, sizeof(p->vqs));
    for (guint i = 0; i < QMEM_VIRTIO_QUEUE_MAX; i++) {
        p->vqs[i].vector = QMEM_VIRTIO_NO_VECTOR;
    }
}

/* Config space: the PCI config access capability and bus mastering */

static gboolean overlaps_cfg_data(QmemVirtioPciProxyPrivate *p, guint32 addr,
                                  guint len)
{
    guint32 data = p->config_cap + QMEM_VIRTIO_PCI_CFG_DATA;

    return p->config_cap && addr < data + 4 && data < addr + len;
}

/*
 * The window's offset and length as the driver wrote them; its "bar"
 * byte is not looked at, as in QEMU: the window is the modern BAR's.
 */
static guint8 *cfg_window(QmemVirtioPciProxy *proxy, guint32 *off,
                          guint32 *len)
{
    QmemVirtioPciProxyPrivate *p = PRIV(proxy);
    guint8 *cap = qmem_pci_device_get_config(pci(proxy)) + p->config_cap;

    *off = qmem_pci_get_long(cap + QMEM_VIRTIO_PCI_CAP_OFFSET);
    *len = qmem_pci_get_long(cap + QMEM_VIRTIO_PCI_CAP_LENGTH);
    return cap + QMEM_VIRTIO_PCI_CFG_DATA;
}

static guint32 virtio_pci_read_config(QmemPciDevice *dev, guint32 addr,
                                      guint len)
{
    QmemVirtioPciProxy *proxy = QMEM_VIRTIO_PCI_PROXY(dev);

    if (overlaps_cfg_data(PRIV(proxy), addr, len)) {
        guint32 off, wlen;
        guint8 *data = cfg_window(proxy, &off, &wlen);

        qmem_virtio_pci_modern_read(proxy, off, data, wlen);
    }
    return qmem_pci_default_read_config(dev, addr, len);
}

static void virtio_pci_write_config(QmemPciDevice *dev, guint32 addr,
                                    guint32 val, guint len)
{
    QmemVirtioPciProxy *proxy = QMEM_VIRTIO_PCI_PROXY(dev);
    QmemVirtioPciProxyPrivate *p = PRIV(proxy);

    qmem_pci_default_write_config(dev, addr, val, len);
    if (!p->vdev) {
        return;
    }
    if (addr <= QMEM_PCI_COMMAND && QMEM_PCI_COMMAND < addr + len) {
        if (!qmem_pci_is_bus_master(dev)) {
            qmem_virtio_set_disabled(p->vdev, TRUE);
            qmem_virtio_pci_stop_ioeventfd(proxy);
            qmem_virtio_set_status(p->vdev,
                                   qmem_virtio_get_status(p->vdev) &
                                   ~QMEM_VIRTIO_CONFIG_S_DRIVER_OK);
        } else {
            qmem_virtio_set_disabled(p->vdev, FALSE);
        }
    }
    if (overlaps_cfg_data(p, addr, len)) {
        guint32 off, wlen;
        guint8 *data = cfg_window(proxy, &off, &wlen);

        qmem_virtio_pci_modern_write(proxy, off, data, wlen);
    }
}

/* The transport interface */

static gboolean virtio_pci_pre_plugged(QmemVirtioTransport *transport,
                                       QmemVirtioDevice *vdev,
                                       GError **error)
{
    QmemVirtioPciProxyPrivate *p = PRIV(QMEM_VIRTIO_PCI_PROXY(transport));

    if (is_modern(p)) {
        qmem_virtio_add_host_features(
            vdev, QMEM_VIRTIO_BIT(QMEM_VIRTIO_F_VERSION_1));
    }
    qmem_virtio_add_host_features(vdev,
                                  QMEM_VIRTIO_BIT(QMEM_VIRTIO_F_BAD_FEATURE));
    return TRUE;
}

/* QEMU's virtio_pci_add_mem_cap(): a vendor capability at the first gap. */
static guint8 add_cap(QmemVirtioPciProxy *proxy, guint8 cfg_type,
                      guint8 len, guint32 offset, guint32 length)
{
    QmemPciDevice *dev = pci(proxy);
    g_autoptr(GError) error = NULL;
    guint8 pos = qmem_pci_add_capability(dev, QMEM_PCI_CAP_ID_VNDR, 0, len,
                                         &error);
    guint8 *cap = qmem_pci_device_get_config(dev) + pos;

    /* QEMU adds these with &error_abort: there is room after 0x40. */
    g_assert_no_error(error);
    cap[QMEM_VIRTIO_PCI_CAP_LEN] = len;
    cap[QMEM_VIRTIO_PCI_CAP_CFG_TYPE] = cfg_type;
    cap[QMEM_VIRTIO_PCI_CAP_BAR] =
        cfg_type == QMEM_VIRTIO_PCI_CAP_PCI_CFG ? 0 :
        QMEM_VIRTIO_PCI_MODERN_BAR;
    qmem_pci_set_long(cap + QMEM_VIRTIO_PCI_CAP_OFFSET, offset);
    qmem_pci_set_long(cap + QMEM_VIRTIO_PCI_CAP_LENGTH, length);
    return pos;
}

/* The four structures into the modern BAR, each with its capability. */
static void map_modern_regions(QmemVirtioPciProxy *proxy)
{
    QmemVirtioPciProxyPrivate *p = PRIV(proxy);
    QmemPciDevice *dev = pci(proxy);
    const struct {
        QmemMemoryRegion *mr;
        guint8 type;
        guint32 offset;
    } regions[] = {
        { p->common, QMEM_VIRTIO_PCI_CAP_COMMON_CFG,
          QMEM_VIRTIO_PCI_COMMON_OFF },
        { p->isr, QMEM_VIRTIO_PCI_CAP_ISR_CFG, QMEM_VIRTIO_PCI_ISR_OFF },
        { p->device, QMEM_VIRTIO_PCI_CAP_DEVICE_CFG,
          QMEM_VIRTIO_PCI_DEVICE_OFF },
        { p->notify, QMEM_VIRTIO_PCI_CAP_NOTIFY_CFG,
          QMEM_VIRTIO_PCI_NOTIFY_OFF },
    };
    guint8 *wmask;
    guint8 pos;

    for (gsize i = 0; i < G_N_ELEMENTS(regions); i++) {
        gboolean notify = regions[i].type == QMEM_VIRTIO_PCI_CAP_NOTIFY_CFG;

        qmem_memory_region_add_subregion(p->modern_bar, regions[i].offset,
                                         regions[i].mr);
        pos = add_cap(proxy, regions[i].type,
                      notify ? QMEM_VIRTIO_PCI_NOTIFY_CAP_SIZE
                             : QMEM_VIRTIO_PCI_CAP_SIZE,
                      regions[i].offset, QMEM_VIRTIO_PCI_REGION_SIZE);
        if (notify) {
            qmem_pci_set_long(qmem_pci_device_get_config(dev) + pos +
                              QMEM_VIRTIO_PCI_NOTIFY_OFF_MULTIPLIER,
                              QMEM_VIRTIO_PCI_QUEUE_MEM_MULT);
        }
    }
    qmem_pci_register_bar(dev, QMEM_VIRTIO_PCI_MODERN_BAR,
                          QMEM_PCI_BASE_ADDRESS_SPACE_MEMORY |
                          QMEM_PCI_BASE_ADDRESS_MEM_PREFETCH |
                          QMEM_PCI_BASE_ADDRESS_MEM_TYPE_64, p->modern_bar);

    /* The driver writes bar, offset, length and data of this one. */
    pos = add_cap(proxy, QMEM_VIRTIO_PCI_CAP_PCI_CFG,
                  QMEM_VIRTIO_PCI_CFG_CAP_SIZE, 0, 0);
    p->config_cap = pos;
    wmask = qmem_pci_device_get_wmask(dev) + pos;
    wmask[QMEM_VIRTIO_PCI_CAP_BAR] = 0xff;
    qmem_pci_set_long(wmask + QMEM_VIRTIO_PCI_CAP_OFFSET, ~0u);
    qmem_pci_set_long(wmask + QMEM_VIRTIO_PCI_CAP_LENGTH, ~0u);
    qmem_pci_set_long(wmask + QMEM_VIRTIO_PCI_CFG_DATA, ~0u);
}

static void init_msix(QmemVirtioPciProxy *proxy)
{
    QmemVirtioPciProxyPrivate *p = PRIV(proxy);

    if (!p->nvectors) {
        return;
    }
    /*
     * QEMU warns and goes on without MSI-X (64K or more vectors wrap in
     * its 16-bit argument first).
     */
    if (p->nvectors > G_MAXUINT16 ||
        !qmem_msix_init_exclusive_bar(pci(proxy), p->nvectors,
                                      QMEM_VIRTIO_PCI_MSIX_BAR, NULL)) {
        qmem_warn_report("unable to init msix vectors to %u", p->nvectors);
        p->nvectors = 0;
    }
}

static gboolean virtio_pci_device_plugged(QmemVirtioTransport *transport,
                                          QmemVirtioDevice *vdev,
                                          GError **error)
{
    QmemVirtioPciProxy *proxy = QMEM_VIRTIO_PCI_PROXY(transport);
    QmemVirtioPciProxyPrivate *p = PRIV(proxy);
    guint8 *config = qmem_pci_device_get_config(pci(proxy));

    /* Virtio capabilities without VIRTIO_F_VERSION_1 confuse guests. */
    if (!qmem_virtio_host_has_feature(vdev, QMEM_VIRTIO_F_VERSION_1)) {
        p->disable_modern = TRUE;
        if (!is_legacy(p)) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Device doesn't support modern mode, and legacy "
                        "mode is disabled");
            qmem_error_set_hint(*error, "Set disable-legacy to off\n");
            return FALSE;
        }
    }
    /* No device of qmem's has a legacy interface. */
    if (is_legacy(p)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "device is modern-only, use disable-legacy=on");
        return FALSE;
    }

    p->vdev = vdev;
    qmem_pci_set_word(config + QMEM_PCI_VENDOR_ID,
                      QMEM_PCI_VENDOR_ID_REDHAT_QUMRANET);
    qmem_pci_set_word(config + QMEM_PCI_DEVICE_ID,
                      QMEM_PCI_DEVICE_ID_VIRTIO_10_BASE +
                      qmem_virtio_get_device_id(vdev));
    config[QMEM_PCI_REVISION_ID] = 1;
    config[QMEM_PCI_INTERRUPT_PIN] = 1;

    qmem_virtio_pci_modern_regions_init(proxy, qmem_object_get_typename(
                                                   QMEM_OBJECT(vdev)));
    map_modern_regions(proxy);
    init_msix(proxy);

    p->n_notifiers = qmem_virtio_get_num_queues(vdev);
    p->notifiers = g_new0(QmemVirtioPciNotifier, p->n_notifiers);
    for (guint i = 0; i < p->n_notifiers; i++) {
        p->notifiers[i].proxy = proxy;
        p->notifiers[i].index = i;
    }
    return TRUE;
}

static void virtio_pci_device_unplugged(QmemVirtioTransport *transport,
                                        QmemVirtioDevice *vdev)
{
    QmemVirtioPciProxy *proxy = QMEM_VIRTIO_PCI_PROXY(transport);
    QmemVirtioPciProxyPrivate *p = PRIV(proxy);
    QmemMemoryRegion *regions[] = { p->common, p->isr, p->device, p->notify };

    qmem_virtio_pci_stop_ioeventfd(proxy);
    for (gsize i = 0; i < G_N_ELEMENTS(regions); i++) {
        if (regions[i] && qmem_memory_region_is_mapped(regions[i])) {
            qmem_memory_region_del_subregion(p->modern_bar, regions[i]);
        }
    }
    g_clear_pointer(&p->notifiers, g_free);
    p->n_notifiers = 0;
    p->config_cap = 0;
    p->vdev = NULL;
}

/* QEMU's virtio_pci_notify(): an MSI-X vector, or INTx from the ISR. */
static void virtio_pci_notify(QmemVirtioTransport *transport, guint16 vector)
{
    QmemVirtioPciProxy *proxy = QMEM_VIRTIO_PCI_PROXY(transport);
    QmemVirtioDevice *vdev = PRIV(proxy)->vdev;

    if (qmem_msix_enabled(pci(proxy))) {
        if (vector != QMEM_VIRTIO_NO_VECTOR) {
            qmem_msix_notify(pci(proxy), vector);
        }
    } else if (vdev) {
        qmem_pci_set_irq(pci(proxy), qmem_virtio_get_isr(vdev) & 1);
    }
}

static QmemAddressSpace *virtio_pci_get_dma_as(QmemVirtioTransport *transport)
{
    return qmem_pci_get_bus_master_as(pci(QMEM_VIRTIO_PCI_PROXY(transport)));
}

static void virtio_pci_transport_init(QmemVirtioTransportInterface *iface)
{
    iface->pre_plugged = virtio_pci_pre_plugged;
    iface->device_plugged = virtio_pci_device_plugged;
    iface->device_unplugged = virtio_pci_device_unplugged;
    iface->notify = virtio_pci_notify;
    iface->get_dma_as = virtio_pci_get_dma_as;
}

/* Realize and exit */

static gboolean virtio_pci_realize(QmemPciDevice *dev, GError **error)
{
    QmemVirtioPciProxy *proxy = QMEM_VIRTIO_PCI_PROXY(dev);
    QmemVirtioPciProxyPrivate *p = PRIV(proxy);

    /* On a root bus, never a PCI Express port: auto is off. */
    if (p->disable_legacy == QMEM_VIRTIO_MEM_ON_OFF_AUTO_AUTO) {
        p->disable_legacy = QMEM_VIRTIO_MEM_ON_OFF_AUTO_OFF;
    }
    if (!is_modern(p) && !is_legacy(p)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "device cannot work as neither modern nor legacy mode "
                    "is enabled");
        qmem_error_set_hint(*error, "Set either disable-modern or "
                            "disable-legacy to off\n");
        return FALSE;
    }
    g_clear_object(&p->modern_bar);
    p->modern_bar = qmem_memory_region_new_container(
        QMEM_TYPE_NAME_VIRTIO_PCI, QMEM_VIRTIO_PCI_MODERN_BAR_SIZE);
    qmem_virtio_pci_reset(proxy);
    return QMEM_VIRTIO_PCI_PROXY_GET_CLASS(proxy)->realize(proxy, error);
}

/* The PCI core has unmapped the BARs and dropped its references. */
static void virtio_pci_exit(QmemPciDevice *dev)
{
    QmemVirtioPciProxy *proxy = QMEM_VIRTIO_PCI_PROXY(dev);

    QMEM_VIRTIO_PCI_PROXY_GET_CLASS(proxy)->exit(proxy);
    qmem_msix_uninit_exclusive_bar(dev);
}

/* The object */

static void qmem_virtio_pci_proxy_get_property(GObject *obj, guint id,
                                               GValue *value,
                                               GParamSpec *pspec)
{
    QmemVirtioPciProxyPrivate *p = PRIV(QMEM_VIRTIO_PCI_PROXY(obj));

    switch (id) {
    case PROP_VECTORS:
        g_value_set_uint(value, p->nvectors);
        break;
    case PROP_IOEVENTFD:
        g_value_set_boolean(value, p->ioeventfd);
        break;
    case PROP_DISABLE_LEGACY:
        g_value_set_enum(value, p->disable_legacy);
        break;
    case PROP_DISABLE_MODERN:
        g_value_set_boolean(value, p->disable_modern);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, id, pspec);
    }
}

static void qmem_virtio_pci_proxy_set_property(GObject *obj, guint id,
                                               const GValue *value,
                                               GParamSpec *pspec)
{
    QmemVirtioPciProxyPrivate *p = PRIV(QMEM_VIRTIO_PCI_PROXY(obj));

    switch (id) {
    case PROP_VECTORS:
        p->nvectors = g_value_get_uint(value);
        break;
    case PROP_IOEVENTFD:
        p->ioeventfd = g_value_get_boolean(value);
        break;
    case PROP_DISABLE_LEGACY:
        p->disable_legacy = g_value_get_enum(value);
        break;
    case PROP_DISABLE_MODERN:
        p->disable_modern = g_value_get_boolean(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, id, pspec);
    }
}

static void qmem_virtio_pci_proxy_constructed(GObject *obj)
{
    G_OBJECT_CLASS(qmem_virtio_pci_proxy_parent_class)->constructed(obj);
    /* QEMU's machine compat properties ("vectors"), before the user's. */
    qmem_machine_apply_compat_props(QMEM_OBJECT(obj));
}

static void qmem_virtio_pci_proxy_finalize(GObject *obj)
{
    QmemVirtioPciProxyPrivate *p = PRIV(QMEM_VIRTIO_PCI_PROXY(obj));

    g_clear_object(&p->common);
    g_clear_object(&p->isr);
    g_clear_object(&p->device);
    g_clear_object(&p->notify);
    g_clear_object(&p->modern_bar);
    g_free(p->notifiers);
    G_OBJECT_CLASS(qmem_virtio_pci_proxy_parent_class)->finalize(obj);
}

static void qmem_virtio_pci_proxy_class_init(QmemVirtioPciProxyClass *klass)
{
    GObjectClass *oc = G_OBJECT_CLASS(klass);
    QmemPciDeviceClass *k = QMEM_PCI_DEVICE_CLASS(klass);
    const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                           G_PARAM_EXPLICIT_NOTIFY;

    oc->get_property = qmem_virtio_pci_proxy_get_property;
    oc->set_property = qmem_virtio_pci_proxy_set_property;
    oc->constructed = qmem_virtio_pci_proxy_constructed;
    oc->finalize = qmem_virtio_pci_proxy_finalize;
    k->realize = virtio_pci_realize;
    k->exit = virtio_pci_exit;
    k->config_read = virtio_pci_read_config;
    k->config_write = virtio_pci_write_config;
    k->vendor_id = QMEM_PCI_VENDOR_ID_REDHAT_QUMRANET;

    /* Blurbs as QEMU's property types describe them in help. */
    props[PROP_VECTORS] = g_param_spec_uint(
        QMEM_VIRTIO_PCI_PROP_VECTORS, NULL, NULL, 0, G_MAXUINT32,
        QMEM_VIRTIO_PCI_NVECTORS_UNSPECIFIED, rw);
    props[PROP_IOEVENTFD] = g_param_spec_boolean(
        QMEM_VIRTIO_PCI_PROP_IOEVENTFD, NULL, "on/off", TRUE, rw);
    props[PROP_DISABLE_LEGACY] = g_param_spec_enum(
        QMEM_VIRTIO_PCI_PROP_DISABLE_LEGACY, NULL,
        "on/off/auto (default: \"auto\")", QMEM_TYPE_VIRTIO_MEM_ON_OFF_AUTO,
        QMEM_VIRTIO_MEM_ON_OFF_AUTO_AUTO, rw);
    props[PROP_DISABLE_MODERN] = g_param_spec_boolean(
        QMEM_VIRTIO_PCI_PROP_DISABLE_MODERN, NULL, NULL, FALSE, rw);
    g_object_class_install_properties(oc, N_PROPS, props);
    qmem_param_spec_set_qom_type(props[PROP_DISABLE_LEGACY], "OnOffAuto");
    qmem_param_spec_set_show_default(props[PROP_VECTORS], TRUE);
    qmem_param_spec_set_show_default(props[PROP_IOEVENTFD], TRUE);
    qmem_param_spec_set_show_default(props[PROP_DISABLE_MODERN], TRUE);
}

static void qmem_virtio_pci_proxy_init(QmemVirtioPciProxy *proxy)
{
    QmemVirtioPciProxyPrivate *p = PRIV(proxy);

    p->nvectors = QMEM_VIRTIO_PCI_NVECTORS_UNSPECIFIED;
    p->ioeventfd = TRUE;
    p->disable_legacy = QMEM_VIRTIO_MEM_ON_OFF_AUTO_AUTO;
    for (guint i = 0; i < QMEM_VIRTIO_QUEUE_MAX; i++) {
        p->vqs[i].vector = QMEM_VIRTIO_NO_VECTOR;
    }
}
