/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-pmem-pci: the memory device that holds a virtio-pmem (loadable). */

#include <gmodule.h>

#include "hw/mem/memory-device.h"
#include "hw/pci/pci.h"
#include "hw/virtio/virtio-pci.h"
#include "hw/virtio/virtio-pmem.h"
#include "qom/module.h"
#include "qom/property.h"
#include "util/error.h"

/*
 * QEMU's virtio-pmem-pci: a virtio-pci proxy with the virtio-pmem device
 * as its child "virtio-backend", whose properties (memaddr, memdev) are
 * aliased onto the proxy.  The proxy is the memory device and the PCI
 * function.  It cannot be unplugged (QEMU 7.2's text for every
 * virtio-based memory device).
 */
typedef struct {
    QmemVirtioPciProxy parent_instance;

    QmemVirtioPmem *pmem;       /* the child "virtio-backend" */
} QmemVirtioPmemPci;

typedef struct {
    QmemVirtioPciProxyClass parent_class;
} QmemVirtioPmemPciClass;

/* QEMU's ids: modern virtio's 0x1040 + VIRTIO_ID_PMEM (27), revision 1. */
#define PCI_DEVICE_ID_VIRTIO_PMEM 0x105b
#define VIRTIO_PCI_ABI_VERSION 1

static void virtio_pmem_pci_md_init(QmemMemoryDeviceInterface *iface);

G_DEFINE_DYNAMIC_TYPE_EXTENDED(QmemVirtioPmemPci, qmem_virtio_pmem_pci,
                               QMEM_TYPE_VIRTIO_PCI_PROXY, G_TYPE_FLAG_FINAL,
                               G_IMPLEMENT_INTERFACE_DYNAMIC(
                                   QMEM_TYPE_MEMORY_DEVICE,
                                   virtio_pmem_pci_md_init))

#define QMEM_VIRTIO_PMEM_PCI(obj) \
    G_TYPE_CHECK_INSTANCE_CAST((obj), qmem_virtio_pmem_pci_get_type(), \
                               QmemVirtioPmemPci)

enum {
    PROP_0,
    PROP_ADDR,
    PROP_MEMDEV,
    N_PROPS
};

static const char *const alias_names[N_PROPS] = {
    [PROP_ADDR] = QMEM_VIRTIO_PMEM_PROP_ADDR,
    [PROP_MEMDEV] = QMEM_VIRTIO_PMEM_PROP_MEMDEV,
};

/*
 * QEMU's virtio_pmem_pci_realize(): modern only, then the child realizes
 * and plugs into the transport.  QEMU's virtio-pmem-pci has no MSI-X
 * vectors ("vectors" exists here only because the base has it).
 */
static gboolean virtio_pmem_pci_realize(QmemVirtioPciProxy *proxy,
                                        GError **error)
{
    QmemVirtioPmemPci *pci = QMEM_VIRTIO_PMEM_PCI(proxy);

    qmem_virtio_pci_set_default_nvectors(proxy, 0);
    qmem_virtio_pci_force_virtio_1(proxy);
    if (!qmem_virtio_pmem_realize(pci->pmem, error)) {
        return FALSE;
    }
    if (!qmem_virtio_device_plug(QMEM_VIRTIO_DEVICE(pci->pmem),
                                 QMEM_VIRTIO_TRANSPORT(proxy), error)) {
        qmem_virtio_pmem_unrealize(pci->pmem);
        return FALSE;
    }
    return TRUE;
}

static void virtio_pmem_pci_exit(QmemVirtioPciProxy *proxy)
{
    QmemVirtioPmem *pmem = QMEM_VIRTIO_PMEM_PCI(proxy)->pmem;

    qmem_virtio_device_unplug(QMEM_VIRTIO_DEVICE(pmem));
    qmem_virtio_pmem_unrealize(pmem);
}

/* QEMU 7.2's pc_virtio_md_pci_unplug_request(). */
static gboolean virtio_pmem_pci_unplug_request_check(QmemDevice *dev,
                                                     GError **error)
{
    g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "virtio based memory devices cannot be unplugged.");
    return FALSE;
}

static void qmem_virtio_pmem_pci_dispose(GObject *obj)
{
    QmemVirtioPmemPci *pci = QMEM_VIRTIO_PMEM_PCI(obj);

    g_clear_object(&pci->pmem);
    G_OBJECT_CLASS(qmem_virtio_pmem_pci_parent_class)->dispose(obj);
}

/* The memory-device interface */

static guint64 virtio_pmem_pci_md_get_addr(QmemMemoryDevice *md)
{
    return qmem_virtio_pmem_get_addr(QMEM_VIRTIO_PMEM_PCI(md)->pmem);
}

static gboolean virtio_pmem_pci_md_set_addr(QmemMemoryDevice *md,
                                            guint64 addr, GError **error)
{
    qmem_virtio_pmem_set_addr(QMEM_VIRTIO_PMEM_PCI(md)->pmem, addr);
    return TRUE;
}

/* Plugged whole: the plugged size is the region's. */
static guint64 virtio_pmem_pci_md_get_plugged_size(QmemMemoryDevice *md,
                                                   GError **error)
{
    return qmem_memory_device_get_region_size(md, error);
}

static QmemMemoryRegion *virtio_pmem_pci_md_get_memory_region(
    QmemMemoryDevice *md, GError **error)
{
    return qmem_virtio_pmem_get_memory_region(
        QMEM_VIRTIO_PMEM_PCI(md)->pmem, error);
}

static JsonObject *virtio_pmem_pci_md_fill_device_info(QmemMemoryDevice *md)
{
    return qmem_virtio_pmem_fill_device_info(
        QMEM_VIRTIO_PMEM_PCI(md)->pmem, qmem_device_get_id(QMEM_DEVICE(md)));
}

/* No node: QEMU counts virtio-pmem on node 0. */
static void virtio_pmem_pci_md_init(QmemMemoryDeviceInterface *iface)
{
    iface->kind = "virtio-pmem";
    iface->get_addr = virtio_pmem_pci_md_get_addr;
    iface->set_addr = virtio_pmem_pci_md_set_addr;
    iface->get_plugged_size = virtio_pmem_pci_md_get_plugged_size;
    iface->get_memory_region = virtio_pmem_pci_md_get_memory_region;
    iface->fill_device_info = virtio_pmem_pci_md_fill_device_info;
}

static void qmem_virtio_pmem_pci_class_init(QmemVirtioPmemPciClass *klass)
{
    GObjectClass *oc = G_OBJECT_CLASS(klass);
    QmemDeviceClass *dc = QMEM_DEVICE_CLASS(klass);
    QmemPciDeviceClass *k = QMEM_PCI_DEVICE_CLASS(klass);
    QmemVirtioPciProxyClass *vk = QMEM_VIRTIO_PCI_PROXY_CLASS(klass);

    oc->dispose = qmem_virtio_pmem_pci_dispose;
    oc->get_property = qmem_object_alias_get_property;
    oc->set_property = qmem_object_alias_set_property;
    dc->unplug_request_check = virtio_pmem_pci_unplug_request_check;
    dc->hotpluggable = TRUE;
    vk->realize = virtio_pmem_pci_realize;
    vk->exit = virtio_pmem_pci_exit;
    k->vendor_id = QMEM_PCI_VENDOR_ID_REDHAT_QUMRANET;
    k->device_id = PCI_DEVICE_ID_VIRTIO_PMEM;
    k->revision = VIRTIO_PCI_ABI_VERSION;
    k->class_id = QMEM_PCI_CLASS_OTHERS;

    for (guint id = PROP_ADDR; id < N_PROPS; id++) {
        qmem_object_class_install_alias(oc, id, alias_names[id],
                                        QMEM_VIRTIO_PMEM_PCI_CHILD,
                                        QMEM_TYPE_VIRTIO_PMEM,
                                        alias_names[id]);
    }
}

static void qmem_virtio_pmem_pci_class_finalize(QmemVirtioPmemPciClass *klass)
{
}

static void qmem_virtio_pmem_pci_init(QmemVirtioPmemPci *pci)
{
    pci->pmem = qmem_virtio_pmem_new();
    if (!qmem_object_add_child(QMEM_OBJECT(pci), QMEM_VIRTIO_PMEM_PCI_CHILD,
                               QMEM_OBJECT(pci->pmem), NULL)) {
        g_assert_not_reached();
    }
}

G_MODULE_EXPORT void qmem_module_virtio_pmem_pci_register(GTypeModule *module)
{
    g_type_ensure(QMEM_TYPE_VIRTIO_PCI_PROXY);
    g_type_ensure(QMEM_TYPE_MEMORY_DEVICE);
    g_type_ensure(QMEM_TYPE_VIRTIO_PMEM);
    qmem_virtio_pmem_pci_register_type(module);
    qmem_type_register_name(QMEM_TYPE_NAME_VIRTIO_PMEM_PCI,
                            qmem_virtio_pmem_pci_type_id);
}
