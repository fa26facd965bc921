/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-mem-pci: the memory device that holds a virtio-mem (loadable). */

#include <gmodule.h>

#include "hw/core/boards.h"
#include "hw/core/numa.h"
#include "hw/mem/memory-device.h"
#include "hw/pci/pci.h"
#include "hw/virtio/virtio-mem.h"
#include "hw/virtio/virtio-pci.h"
#include "qapi/qmp-event.h"
#include "qobject/json.h"
#include "qom/module.h"
#include "qom/property.h"
#include "system/hostmem.h"
#include "system/runstate.h"
#include "util/error.h"

/*
 * QEMU's virtio-mem-pci is a virtio-pci proxy with the virtio-mem device
 * as its child "virtio-backend", whose properties are aliased onto the
 * proxy.  The proxy is the memory device and the PCI function; the
 * guest's driver reaches the child through the transport
 * (hw/virtio/virtio-pci.c), and the test commands reach it directly.
 */
typedef struct {
    QmemVirtioPciProxy parent_instance;

    QmemVirtioMem *vmem;        /* the child "virtio-backend" */
} QmemVirtioMemPci;

typedef struct {
    QmemVirtioPciProxyClass parent_class;
} QmemVirtioMemPciClass;

/* QEMU's ids: modern virtio's 0x1040 + VIRTIO_ID_MEM (24), revision 1. */
#define PCI_DEVICE_ID_VIRTIO_MEM 0x1058
#define VIRTIO_PCI_ABI_VERSION 1

/* MSI-X vectors unless "vectors" says (QEMU 10.0: config and queue). */
#define VIRTIO_MEM_PCI_NVECTORS 2

static void virtio_mem_pci_md_init(QmemMemoryDeviceInterface *iface);

G_DEFINE_DYNAMIC_TYPE_EXTENDED(QmemVirtioMemPci, qmem_virtio_mem_pci,
                               QMEM_TYPE_VIRTIO_PCI_PROXY, G_TYPE_FLAG_FINAL,
                               G_IMPLEMENT_INTERFACE_DYNAMIC(
                                   QMEM_TYPE_MEMORY_DEVICE,
                                   virtio_mem_pci_md_init))

#define QMEM_VIRTIO_MEM_PCI(obj) \
    G_TYPE_CHECK_INSTANCE_CAST((obj), qmem_virtio_mem_pci_get_type(), \
                               QmemVirtioMemPci)

enum {
    PROP_0,
    /* Aliases of the child's properties (QEMU aliases all of them) */
    PROP_ADDR,
    PROP_NODE,
    PROP_MEMDEV,
    PROP_PREALLOC,
    PROP_SIZE,
    PROP_BLOCK_SIZE,
    PROP_UNPLUGGED_INACCESSIBLE,
    PROP_DYNAMIC_MEMSLOTS,
    PROP_EARLY_MIGRATION,
    /* The proxy's own, forwarded to the child's */
    PROP_REQUESTED_SIZE,
    N_PROPS
};

static const char *const alias_names[PROP_REQUESTED_SIZE] = {
    [PROP_ADDR] = QMEM_VIRTIO_MEM_PROP_ADDR,
    [PROP_NODE] = QMEM_VIRTIO_MEM_PROP_NODE,
    [PROP_MEMDEV] = QMEM_VIRTIO_MEM_PROP_MEMDEV,
    [PROP_PREALLOC] = QMEM_VIRTIO_MEM_PROP_PREALLOC,
    [PROP_SIZE] = QMEM_VIRTIO_MEM_PROP_SIZE,
    [PROP_BLOCK_SIZE] = QMEM_VIRTIO_MEM_PROP_BLOCK_SIZE,
    [PROP_UNPLUGGED_INACCESSIBLE] =
        QMEM_VIRTIO_MEM_PROP_UNPLUGGED_INACCESSIBLE,
    [PROP_DYNAMIC_MEMSLOTS] = QMEM_VIRTIO_MEM_PROP_DYNAMIC_MEMSLOTS,
    [PROP_EARLY_MIGRATION] = QMEM_VIRTIO_MEM_PROP_EARLY_MIGRATION,
};

static GParamSpec *props[N_PROPS];

static void qmem_virtio_mem_pci_get_property(GObject *obj, guint prop_id,
                                             GValue *value, GParamSpec *pspec)
{
    QmemVirtioMemPci *pci = QMEM_VIRTIO_MEM_PCI(obj);

    if (prop_id == PROP_REQUESTED_SIZE) {
        g_value_set_uint64(value,
                           qmem_virtio_mem_get_requested_size(pci->vmem));
        return;
    }
    qmem_object_alias_get_property(obj, prop_id, value, pspec);
}

static void qmem_virtio_mem_pci_set_property(GObject *obj, guint prop_id,
                                             const GValue *value,
                                             GParamSpec *pspec)
{
    QmemVirtioMemPci *pci = QMEM_VIRTIO_MEM_PCI(obj);

    if (prop_id == PROP_REQUESTED_SIZE) {
        g_object_set_property(G_OBJECT(pci->vmem), pspec->name, value);
        return;
    }
    qmem_object_alias_set_property(obj, prop_id, value, pspec);
}

/*
 * Aliases never get here: the property layer hands their values to the
 * child.  requested-size does, for QEMU's check of the proxy's state.
 */
static gboolean virtio_mem_pci_set_property_checked(QmemObject *obj,
                                                    GParamSpec *pspec,
                                                    const GValue *value,
                                                    GError **error)
{
    QmemVirtioMemPci *pci = QMEM_VIRTIO_MEM_PCI(obj);

    if (pspec != props[PROP_REQUESTED_SIZE]) {
        return QMEM_OBJECT_CLASS(qmem_virtio_mem_pci_parent_class)
            ->set_property_checked(obj, pspec, value, error);
    }
    /*
     * Once the unplug request passed, requested-size is 0; a change now
     * could have the guest plug memory before it handles the unplug.
     */
    if (qmem_virtio_mem_is_unplug_pending(pci->vmem)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' cannot be changed if the device is in the process "
                    "of unplug", pspec->name);
        return FALSE;
    }
    return qmem_property_set_value(QMEM_OBJECT(pci->vmem), pspec->name,
                                   value, error);
}

static void virtio_mem_pci_size_changed(QmemVirtioMem *vmem,
                                        GParamSpec *pspec, gpointer opaque)
{
    QmemDevice *dev = opaque;
    g_autofree char *qom_path =
        qmem_object_get_canonical_path(QMEM_OBJECT(dev));

    /* A device outside the tree has no path and nobody to tell. */
    if (qom_path) {
        qmem_qapi_event_send_memory_device_size_change(
            qmem_device_get_id(dev), qmem_virtio_mem_get_size(vmem),
            qom_path);
    }
}

/*
 * QEMU's virtio_mem_pci_realize(): modern only, then the child realizes
 * and plugs into the transport, which lays out what the guest sees.
 */
static gboolean virtio_mem_pci_realize(QmemVirtioPciProxy *proxy,
                                       GError **error)
{
    QmemVirtioMemPci *pci = QMEM_VIRTIO_MEM_PCI(proxy);
    QmemMachine *machine = qmem_machine_get_current();
    /* qmem has no -overcommit or VFIO. */
    QmemVirtioMemEnv env = {
        .incoming_migration = qmem_runstate_check(QMEM_RUN_STATE_INMIGRATE),
        .nb_numa_nodes = qmem_numa_get_num_nodes(machine),
        .has_numa_state = machine &&
                          qmem_numa_machine_get_state(machine) != NULL,
    };

    qmem_virtio_pci_set_default_nvectors(proxy, VIRTIO_MEM_PCI_NVECTORS);
    qmem_virtio_pci_force_virtio_1(proxy);
    if (!qmem_virtio_mem_realize(pci->vmem, &env, error)) {
        return FALSE;
    }
    if (!qmem_virtio_device_plug(QMEM_VIRTIO_DEVICE(pci->vmem),
                                 QMEM_VIRTIO_TRANSPORT(proxy), error)) {
        qmem_virtio_mem_unrealize(pci->vmem);
        return FALSE;
    }
    return TRUE;
}

static void virtio_mem_pci_exit(QmemVirtioPciProxy *proxy)
{
    QmemVirtioMem *vmem = QMEM_VIRTIO_MEM_PCI(proxy)->vmem;

    qmem_virtio_device_unplug(QMEM_VIRTIO_DEVICE(vmem));
    qmem_virtio_mem_unrealize(vmem);
}

static gboolean virtio_mem_pci_unplug_request_check(QmemDevice *dev,
                                                    GError **error)
{
    return qmem_virtio_mem_unplug_request_check(QMEM_VIRTIO_MEM_PCI(dev)->vmem,
                                                error);
}

static void qmem_virtio_mem_pci_dispose(GObject *obj)
{
    QmemVirtioMemPci *pci = QMEM_VIRTIO_MEM_PCI(obj);

    g_clear_object(&pci->vmem);
    G_OBJECT_CLASS(qmem_virtio_mem_pci_parent_class)->dispose(obj);
}

/* The memory-device interface */

static guint64 virtio_mem_pci_md_get_addr(QmemMemoryDevice *md)
{
    return qmem_virtio_mem_get_addr(QMEM_VIRTIO_MEM_PCI(md)->vmem);
}

static gboolean virtio_mem_pci_md_set_addr(QmemMemoryDevice *md,
                                           guint64 addr, GError **error)
{
    qmem_virtio_mem_set_addr(QMEM_VIRTIO_MEM_PCI(md)->vmem, addr);
    return TRUE;
}

static guint64 virtio_mem_pci_md_get_plugged_size(QmemMemoryDevice *md,
                                                  GError **error)
{
    return qmem_virtio_mem_get_size(QMEM_VIRTIO_MEM_PCI(md)->vmem);
}

static QmemMemoryRegion *virtio_mem_pci_md_get_memory_region(
    QmemMemoryDevice *md, GError **error)
{
    return qmem_virtio_mem_get_memory_region(QMEM_VIRTIO_MEM_PCI(md)->vmem,
                                             error);
}

static guint64 virtio_mem_pci_md_get_min_alignment(QmemMemoryDevice *md)
{
    return qmem_virtio_mem_get_block_size(QMEM_VIRTIO_MEM_PCI(md)->vmem);
}

static void virtio_mem_pci_md_decide_memslots(QmemMemoryDevice *md,
                                              guint limit)
{
    qmem_virtio_mem_decide_memslots(QMEM_VIRTIO_MEM_PCI(md)->vmem, limit);
}

static guint virtio_mem_pci_md_get_memslots(QmemMemoryDevice *md)
{
    return qmem_virtio_mem_get_memslots(QMEM_VIRTIO_MEM_PCI(md)->vmem);
}

static guint virtio_mem_pci_md_get_node(QmemMemoryDevice *md)
{
    return qmem_virtio_mem_get_node(QMEM_VIRTIO_MEM_PCI(md)->vmem);
}

static JsonObject *virtio_mem_pci_md_fill_device_info(QmemMemoryDevice *md)
{
    return qmem_virtio_mem_fill_device_info(
        QMEM_VIRTIO_MEM_PCI(md)->vmem, qmem_device_get_id(QMEM_DEVICE(md)));
}

static void virtio_mem_pci_md_init(QmemMemoryDeviceInterface *iface)
{
    iface->kind = "virtio-mem";
    iface->plugs_in_parts = TRUE;
    iface->get_addr = virtio_mem_pci_md_get_addr;
    iface->set_addr = virtio_mem_pci_md_set_addr;
    iface->get_plugged_size = virtio_mem_pci_md_get_plugged_size;
    iface->get_memory_region = virtio_mem_pci_md_get_memory_region;
    iface->get_min_alignment = virtio_mem_pci_md_get_min_alignment;
    iface->decide_memslots = virtio_mem_pci_md_decide_memslots;
    iface->get_memslots = virtio_mem_pci_md_get_memslots;
    iface->get_node = virtio_mem_pci_md_get_node;
    iface->fill_device_info = virtio_mem_pci_md_fill_device_info;
}

static void qmem_virtio_mem_pci_class_init(QmemVirtioMemPciClass *klass)
{
    GObjectClass *oc = G_OBJECT_CLASS(klass);
    QmemObjectClass *qc = QMEM_OBJECT_CLASS(klass);
    QmemDeviceClass *dc = QMEM_DEVICE_CLASS(klass);
    QmemPciDeviceClass *k = QMEM_PCI_DEVICE_CLASS(klass);
    QmemVirtioPciProxyClass *vk = QMEM_VIRTIO_PCI_PROXY_CLASS(klass);

    oc->get_property = qmem_virtio_mem_pci_get_property;
    oc->set_property = qmem_virtio_mem_pci_set_property;
    oc->dispose = qmem_virtio_mem_pci_dispose;
    qc->set_property_checked = virtio_mem_pci_set_property_checked;
    dc->unplug_request_check = virtio_mem_pci_unplug_request_check;
    dc->hotpluggable = TRUE;
    vk->realize = virtio_mem_pci_realize;
    vk->exit = virtio_mem_pci_exit;
    k->vendor_id = QMEM_PCI_VENDOR_ID_REDHAT_QUMRANET;
    k->device_id = PCI_DEVICE_ID_VIRTIO_MEM;
    k->revision = VIRTIO_PCI_ABI_VERSION;
    k->class_id = QMEM_PCI_CLASS_OTHERS;
    /* QEMU's default subsystem, 1af4:1100, as modern virtio-pci leaves it. */

    for (guint id = PROP_ADDR; id < PROP_REQUESTED_SIZE; id++) {
        props[id] = qmem_object_class_install_alias(
            oc, id, alias_names[id], QMEM_VIRTIO_MEM_PCI_CHILD,
            QMEM_TYPE_VIRTIO_MEM, alias_names[id]);
    }
    props[PROP_REQUESTED_SIZE] = qmem_param_spec_size(
        QMEM_VIRTIO_MEM_PROP_REQUESTED_SIZE, NULL, 0, G_MAXUINT64, 0,
        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
    g_object_class_install_property(oc, PROP_REQUESTED_SIZE,
                                    props[PROP_REQUESTED_SIZE]);
    /* The child's setter decides what may change after realize. */
    qmem_param_spec_set_runtime(props[PROP_REQUESTED_SIZE]);
}

static void qmem_virtio_mem_pci_class_finalize(QmemVirtioMemPciClass *klass)
{
}

static void qmem_virtio_mem_pci_init(QmemVirtioMemPci *pci)
{
    pci->vmem = qmem_virtio_mem_new();
    if (!qmem_object_add_child(QMEM_OBJECT(pci), QMEM_VIRTIO_MEM_PCI_CHILD,
                               QMEM_OBJECT(pci->vmem), NULL)) {
        g_assert_not_reached();
    }
    /* QEMU's size-change notifier; it goes with the proxy. */
    g_signal_connect_object(pci->vmem, "notify::" QMEM_VIRTIO_MEM_PROP_SIZE,
                            G_CALLBACK(virtio_mem_pci_size_changed), pci, 0);
}

G_MODULE_EXPORT void qmem_module_virtio_mem_pci_register(GTypeModule *module)
{
    g_type_ensure(QMEM_TYPE_VIRTIO_PCI_PROXY);
    g_type_ensure(QMEM_TYPE_MEMORY_DEVICE);
    g_type_ensure(QMEM_TYPE_VIRTIO_MEM);
    qmem_virtio_mem_pci_register_type(module);
    qmem_type_register_name(QMEM_TYPE_NAME_VIRTIO_MEM_PCI,
                            qmem_virtio_mem_pci_type_id);
}
