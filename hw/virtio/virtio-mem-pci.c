/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-mem-pci: the memory device that holds a virtio-mem (loadable). */

#include <gmodule.h>

#include "hw/core/boards.h"
#include "hw/core/numa.h"
#include "hw/mem/memory-device.h"
#include "hw/virtio/virtio-mem.h"
#include "qapi/qmp-event.h"
#include "qobject/json.h"
#include "qom/module.h"
#include "qom/property.h"
#include "system/hostmem.h"
#include "util/error.h"

/*
 * QEMU's virtio-mem-pci is a PCI proxy with the virtio-mem device as its
 * child "virtio-backend", whose qdev properties are aliased onto the
 * proxy.  Here the proxy holds the QmemVirtioMem itself; the messages of
 * property changes after realize still name the child as QEMU's do (an
 * anonymous device of type 'virtio-mem').
 */
typedef struct {
    QmemDevice parent_instance;

    QmemVirtioMem *vmem;
} QmemVirtioMemPci;

typedef struct {
    QmemDeviceClass parent_class;
} QmemVirtioMemPciClass;

static void virtio_mem_pci_md_init(QmemMemoryDeviceInterface *iface);

G_DEFINE_DYNAMIC_TYPE_EXTENDED(QmemVirtioMemPci, qmem_virtio_mem_pci,
                               QMEM_TYPE_DEVICE, G_TYPE_FLAG_FINAL,
                               G_IMPLEMENT_INTERFACE_DYNAMIC(
                                   QMEM_TYPE_MEMORY_DEVICE,
                                   virtio_mem_pci_md_init))

#define QMEM_VIRTIO_MEM_PCI(obj) \
    G_TYPE_CHECK_INSTANCE_CAST((obj), qmem_virtio_mem_pci_get_type(), \
                               QmemVirtioMemPci)

enum {
    PROP_0,
    /* The virtio-mem device's (QEMU: aliases of the child's properties) */
    PROP_ADDR,
    PROP_NODE,
    PROP_MEMDEV,
    PROP_PREALLOC,
    PROP_UNPLUGGED_INACCESSIBLE,
    PROP_DYNAMIC_MEMSLOTS,
    PROP_SIZE,
    PROP_REQUESTED_SIZE,
    PROP_BLOCK_SIZE,
    N_PROPS
};

static GParamSpec *props[N_PROPS];

static void qmem_virtio_mem_pci_get_property(GObject *obj, guint prop_id,
                                             GValue *value, GParamSpec *pspec)
{
    QmemVirtioMemPci *pci = QMEM_VIRTIO_MEM_PCI(obj);
    QmemVirtioMem *vmem = pci->vmem;

    switch (prop_id) {
    case PROP_ADDR:
        g_value_set_uint64(value, qmem_virtio_mem_get_addr(vmem));
        break;
    case PROP_NODE:
        g_value_set_uint(value, qmem_virtio_mem_get_node(vmem));
        break;
    case PROP_MEMDEV:
        g_value_set_object(value, qmem_virtio_mem_get_memdev(vmem));
        break;
    case PROP_PREALLOC:
        g_value_set_boolean(value, qmem_virtio_mem_get_prealloc(vmem));
        break;
    case PROP_UNPLUGGED_INACCESSIBLE:
        g_value_set_enum(value,
                         qmem_virtio_mem_get_unplugged_inaccessible(vmem));
        break;
    case PROP_DYNAMIC_MEMSLOTS:
        g_value_set_boolean(value,
                            qmem_virtio_mem_get_dynamic_memslots(vmem));
        break;
    case PROP_SIZE:
        g_value_set_uint64(value, qmem_virtio_mem_get_size(vmem));
        break;
    case PROP_REQUESTED_SIZE:
        g_value_set_uint64(value, qmem_virtio_mem_get_requested_size(vmem));
        break;
    case PROP_BLOCK_SIZE:
        g_value_set_uint64(value, qmem_virtio_mem_get_block_size(vmem));
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, prop_id, pspec);
    }
}

/*
 * Values come checked by set_property_checked (or from code that knows
 * them to be valid, like pre_plug's address).
 */
static void qmem_virtio_mem_pci_set_property(GObject *obj, guint prop_id,
                                             const GValue *value,
                                             GParamSpec *pspec)
{
    QmemVirtioMemPci *pci = QMEM_VIRTIO_MEM_PCI(obj);
    QmemVirtioMem *vmem = pci->vmem;
    g_autoptr(GError) error = NULL;

    switch (prop_id) {
    case PROP_ADDR:
        qmem_virtio_mem_set_addr(vmem, g_value_get_uint64(value));
        break;
    case PROP_NODE:
        qmem_virtio_mem_set_node(vmem, g_value_get_uint(value));
        break;
    case PROP_MEMDEV:
        qmem_virtio_mem_set_memdev(vmem, g_value_get_object(value));
        break;
    case PROP_PREALLOC:
        qmem_virtio_mem_set_prealloc(vmem, g_value_get_boolean(value));
        break;
    case PROP_UNPLUGGED_INACCESSIBLE:
        qmem_virtio_mem_set_unplugged_inaccessible(vmem,
                                                   g_value_get_enum(value));
        break;
    case PROP_DYNAMIC_MEMSLOTS:
        qmem_virtio_mem_set_dynamic_memslots(vmem,
                                             g_value_get_boolean(value));
        break;
    case PROP_REQUESTED_SIZE:
        if (!qmem_virtio_mem_set_requested_size(
                vmem, g_value_get_uint64(value), &error)) {
            g_critical("%s", error->message);
            return;
        }
        break;
    case PROP_BLOCK_SIZE:
        if (!qmem_virtio_mem_set_block_size(vmem, g_value_get_uint64(value),
                                            &error)) {
            g_critical("%s", error->message);
            return;
        }
        break;
    case PROP_SIZE:
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, prop_id, pspec);
        return;
    }
    g_object_notify_by_pspec(obj, pspec);
}

static gboolean is_virtio_mem_qdev_prop(GParamSpec *pspec)
{
    return pspec == props[PROP_ADDR] || pspec == props[PROP_NODE] ||
           pspec == props[PROP_MEMDEV] || pspec == props[PROP_PREALLOC] ||
           pspec == props[PROP_UNPLUGGED_INACCESSIBLE] ||
           pspec == props[PROP_DYNAMIC_MEMSLOTS];
}

static gboolean virtio_mem_pci_set_property_checked(QmemObject *obj,
                                                    GParamSpec *pspec,
                                                    const GValue *value,
                                                    GError **error)
{
    QmemVirtioMemPci *pci = QMEM_VIRTIO_MEM_PCI(obj);
    gboolean realized = qmem_device_is_realized(QMEM_DEVICE(obj));

    if (pspec == props[PROP_SIZE]) {
        /* QEMU's proxy aliases the child's read-only property. */
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Property 'virtio-mem.%s' is not writable",
                    QMEM_VIRTIO_MEM_PROP_SIZE);
        return FALSE;
    }
    if (pspec == props[PROP_BLOCK_SIZE]) {
        if (!qmem_virtio_mem_set_block_size(pci->vmem,
                                            g_value_get_uint64(value),
                                            error)) {
            return FALSE;
        }
        g_object_notify_by_pspec(G_OBJECT(obj), pspec);
        return TRUE;
    }
    if (pspec == props[PROP_REQUESTED_SIZE]) {
        if (!qmem_virtio_mem_set_requested_size(pci->vmem,
                                                g_value_get_uint64(value),
                                                error)) {
            return FALSE;
        }
        g_object_notify_by_pspec(G_OBJECT(obj), pspec);
        return TRUE;
    }
    if (realized && is_virtio_mem_qdev_prop(pspec)) {
        /* The child is anonymous: QEMU prints its NULL id as "(null)". */
        if (pspec == props[PROP_MEMDEV]) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Attempt to set link property '%s' on device "
                        "'(null)' (type 'virtio-mem') after it was realized",
                        pspec->name);
        } else {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Attempt to set property '%s' on anonymous device "
                        "(type 'virtio-mem') after it was realized",
                        pspec->name);
        }
        return FALSE;
    }
    return QMEM_OBJECT_CLASS(qmem_virtio_mem_pci_parent_class)
        ->set_property_checked(obj, pspec, value, error);
}

static void virtio_mem_pci_size_changed(QmemVirtioMem *vmem, guint64 size,
                                        gpointer opaque)
{
    QmemDevice *dev = opaque;
    g_autofree char *qom_path =
        qmem_object_get_canonical_path(QMEM_OBJECT(dev));

    /* A device outside the tree has no path and nobody to tell. */
    if (qom_path) {
        qmem_qapi_event_send_memory_device_size_change(
            qmem_device_get_id(dev), size, qom_path);
    }
}

static gboolean virtio_mem_pci_realize(QmemDevice *dev, GError **error)
{
    QmemVirtioMemPci *pci = QMEM_VIRTIO_MEM_PCI(dev);
    /* qmem has no -overcommit, VFIO or incoming migration. */
    QmemVirtioMemEnv env = {
        .nb_numa_nodes = qmem_numa_get_num_nodes(qmem_machine_get_current()),
    };

    return qmem_virtio_mem_realize(pci->vmem, &env, error);
}

static void virtio_mem_pci_unrealize(QmemDevice *dev)
{
    qmem_virtio_mem_unrealize(QMEM_VIRTIO_MEM_PCI(dev)->vmem);
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

    if (pci->vmem) {
        qmem_virtio_mem_attach(QMEM_DEVICE(obj), NULL);
        g_clear_pointer(&pci->vmem, qmem_virtio_mem_free);
    }
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
    g_object_set(md, QMEM_VIRTIO_MEM_PROP_ADDR, addr, NULL);
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

static JsonNode *virtio_mem_pci_md_fill_device_info(QmemMemoryDevice *md)
{
    JsonObject *info = json_object_new();

    json_object_set_string_member(info, "type", "virtio-mem");
    json_object_set_object_member(info, "data",
        qmem_virtio_mem_fill_device_info(
            QMEM_VIRTIO_MEM_PCI(md)->vmem,
            qmem_device_get_id(QMEM_DEVICE(md))));
    return qmem_json_node_new_object(info);
}

static void virtio_mem_pci_md_init(QmemMemoryDeviceInterface *iface)
{
    iface->get_addr = virtio_mem_pci_md_get_addr;
    iface->set_addr = virtio_mem_pci_md_set_addr;
    iface->get_plugged_size = virtio_mem_pci_md_get_plugged_size;
    iface->get_memory_region = virtio_mem_pci_md_get_memory_region;
    iface->get_min_alignment = virtio_mem_pci_md_get_min_alignment;
    iface->decide_memslots = virtio_mem_pci_md_decide_memslots;
    iface->get_memslots = virtio_mem_pci_md_get_memslots;
    iface->fill_device_info = virtio_mem_pci_md_fill_device_info;
}

static void qmem_virtio_mem_pci_class_init(QmemVirtioMemPciClass *klass)
{
    GObjectClass *oc = G_OBJECT_CLASS(klass);
    QmemObjectClass *qc = QMEM_OBJECT_CLASS(klass);
    QmemDeviceClass *dc = QMEM_DEVICE_CLASS(klass);
    const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                           G_PARAM_EXPLICIT_NOTIFY;

    oc->get_property = qmem_virtio_mem_pci_get_property;
    oc->set_property = qmem_virtio_mem_pci_set_property;
    oc->dispose = qmem_virtio_mem_pci_dispose;
    qc->set_property_checked = virtio_mem_pci_set_property_checked;
    dc->realize = virtio_mem_pci_realize;
    dc->unrealize = virtio_mem_pci_unrealize;
    dc->unplug_request_check = virtio_mem_pci_unplug_request_check;
    dc->hotpluggable = TRUE;

    /*
     * Blurbs only where QEMU's qdev property types have a description
     * ("on/off" for bits, "on/off/auto" for OnOffAuto), so that
     * `-device virtio-mem-pci,help` prints QEMU's lines.  docs/
     * virtio-mem-pci.md describes each property.
     */
    props[PROP_ADDR] = g_param_spec_uint64(QMEM_VIRTIO_MEM_PROP_ADDR, NULL,
                                           NULL, 0, G_MAXUINT64, 0, rw);
    props[PROP_NODE] = g_param_spec_uint(QMEM_VIRTIO_MEM_PROP_NODE, NULL, NULL,
                                         0, G_MAXUINT32, 0, rw);
    props[PROP_MEMDEV] = g_param_spec_object(QMEM_VIRTIO_MEM_PROP_MEMDEV, NULL,
                                             NULL,
                                             QMEM_TYPE_HOST_MEMORY_BACKEND,
                                             rw);
    props[PROP_PREALLOC] = g_param_spec_boolean(QMEM_VIRTIO_MEM_PROP_PREALLOC,
                                                NULL, NULL, FALSE, rw);
    /*
     * QEMU quotes an enum's default: the help line is the blurb, since
     * the property layer prints enum defaults bare.
     */
    props[PROP_UNPLUGGED_INACCESSIBLE] = g_param_spec_enum(
        QMEM_VIRTIO_MEM_PROP_UNPLUGGED_INACCESSIBLE, NULL,
        "on/off/auto (default: \"on\")", QMEM_TYPE_VIRTIO_MEM_ON_OFF_AUTO,
        QMEM_VIRTIO_MEM_ON_OFF_AUTO_ON, rw);
    props[PROP_DYNAMIC_MEMSLOTS] = g_param_spec_boolean(
        QMEM_VIRTIO_MEM_PROP_DYNAMIC_MEMSLOTS, NULL, NULL, FALSE, rw);
    /*
     * "size" is read-only; it is writable here only so that the refusal
     * goes through set_property_checked, which gives QEMU's text.
     */
    props[PROP_SIZE] = qmem_param_spec_size(QMEM_VIRTIO_MEM_PROP_SIZE, NULL,
                                            0, G_MAXUINT64, 0, rw);
    props[PROP_REQUESTED_SIZE] = qmem_param_spec_size(
        QMEM_VIRTIO_MEM_PROP_REQUESTED_SIZE, NULL, 0, G_MAXUINT64, 0, rw);
    props[PROP_BLOCK_SIZE] = qmem_param_spec_size(
        QMEM_VIRTIO_MEM_PROP_BLOCK_SIZE, NULL, 0, G_MAXUINT64, 0, rw);
    g_object_class_install_properties(oc, N_PROPS, props);

    qmem_param_spec_set_qom_type(props[PROP_UNPLUGGED_INACCESSIBLE],
                                 "OnOffAuto");
    qmem_param_spec_set_show_default(props[PROP_ADDR], TRUE);
    qmem_param_spec_set_show_default(props[PROP_NODE], TRUE);
    qmem_param_spec_set_show_default(props[PROP_PREALLOC], TRUE);
    qmem_param_spec_set_show_default(props[PROP_DYNAMIC_MEMSLOTS], TRUE);
    /* Their setters decide themselves what may change after realize. */
    qmem_param_spec_set_runtime(props[PROP_REQUESTED_SIZE]);
    qmem_param_spec_set_runtime(props[PROP_BLOCK_SIZE]);
}

static void qmem_virtio_mem_pci_class_finalize(QmemVirtioMemPciClass *klass)
{
}

static void qmem_virtio_mem_pci_init(QmemVirtioMemPci *pci)
{
    pci->vmem = qmem_virtio_mem_new();
    qmem_virtio_mem_attach(QMEM_DEVICE(pci), pci->vmem);
    /* Both go together, so the callback is never removed. */
    qmem_virtio_mem_set_size_change_func(pci->vmem,
                                         virtio_mem_pci_size_changed, pci);
}

G_MODULE_EXPORT void qmem_module_virtio_mem_pci_register(GTypeModule *module)
{
    g_type_ensure(QMEM_TYPE_DEVICE);
    g_type_ensure(QMEM_TYPE_MEMORY_DEVICE);
    qmem_virtio_mem_pci_register_type(module);
    qmem_type_register_name(QMEM_TYPE_NAME_VIRTIO_MEM_PCI,
                            qmem_virtio_mem_pci_type_id);
}
