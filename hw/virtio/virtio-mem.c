/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-mem, the object: its properties and what its proxy asks of it. */

#include <inttypes.h>

#include "hw/virtio/virtio-mem-internal.h"
#include "qobject/json.h"
#include "qom/property.h"
#include "util/error.h"
#include "util/range.h"

enum {
    PROP_0,
    PROP_ADDR,
    PROP_NODE,
    PROP_MEMDEV,
    PROP_PREALLOC,
    PROP_SIZE,
    PROP_REQUESTED_SIZE,
    PROP_BLOCK_SIZE,
    PROP_UNPLUGGED_INACCESSIBLE,
    PROP_DYNAMIC_MEMSLOTS,
    PROP_EARLY_MIGRATION,
    N_PROPS
};

static GParamSpec *props[N_PROPS];

G_DEFINE_TYPE_WITH_CODE(QmemVirtioMem, qmem_virtio_mem,
                        QMEM_TYPE_VIRTIO_DEVICE,
                        qmem_type_register_name(QMEM_TYPE_NAME_VIRTIO_MEM,
                                                g_define_type_id))

G_DEFINE_ENUM_TYPE(QmemVirtioMemOnOffAuto, qmem_virtio_mem_on_off_auto,
                   G_DEFINE_ENUM_VALUE(QMEM_VIRTIO_MEM_ON_OFF_AUTO_AUTO,
                                       "auto"),
                   G_DEFINE_ENUM_VALUE(QMEM_VIRTIO_MEM_ON_OFF_AUTO_ON, "on"),
                   G_DEFINE_ENUM_VALUE(QMEM_VIRTIO_MEM_ON_OFF_AUTO_OFF,
                                       "off"))

/* Construction */

QmemVirtioMem *qmem_virtio_mem_new(void)
{
    return g_object_new(QMEM_TYPE_VIRTIO_MEM, NULL);
}

static void qmem_virtio_mem_dispose(GObject *obj)
{
    QmemVirtioMem *vmem = QMEM_VIRTIO_MEM(obj);

    if (vmem->realized) {
        qmem_virtio_mem_unrealize(vmem);
    }
    qmem_virtio_mem_drop_regions(vmem);
    /* A region still mapped now is a bug of whoever mapped it. */
    g_clear_object(&vmem->mr);
    g_clear_object(&vmem->memdev_mr);
    g_clear_object(&vmem->memdev);
    G_OBJECT_CLASS(qmem_virtio_mem_parent_class)->dispose(obj);
}

/* Configuration */

QmemRamBlock *qmem_virtio_mem_get_ram_block(QmemVirtioMem *vmem)
{
    return vmem->memdev ?
           qmem_host_memory_backend_get_ram_block(vmem->memdev) : NULL;
}

void qmem_virtio_mem_set_memdev(QmemVirtioMem *vmem,
                                QmemHostMemoryBackend *memdev)
{
    g_return_if_fail(!vmem->realized);

    if (vmem->memdev == memdev) {
        return;
    }
    /* Nothing is mapped before realize. */
    vmem->nb_memslots = 0;
    qmem_virtio_mem_drop_regions(vmem);
    g_clear_object(&vmem->mr);
    g_clear_object(&vmem->memdev_mr);
    g_set_object(&vmem->memdev, memdev);
    g_object_notify_by_pspec(G_OBJECT(vmem), props[PROP_MEMDEV]);
}

QmemHostMemoryBackend *qmem_virtio_mem_get_memdev(QmemVirtioMem *vmem)
{
    return vmem->memdev;
}

void qmem_virtio_mem_set_addr(QmemVirtioMem *vmem, guint64 addr)
{
    if (vmem->addr != addr) {
        vmem->addr = addr;
        g_object_notify_by_pspec(G_OBJECT(vmem), props[PROP_ADDR]);
    }
}

guint64 qmem_virtio_mem_get_addr(QmemVirtioMem *vmem)
{
    return vmem->addr;
}

void qmem_virtio_mem_set_node(QmemVirtioMem *vmem, guint32 node)
{
    if (vmem->node != node) {
        vmem->node = node;
        g_object_notify_by_pspec(G_OBJECT(vmem), props[PROP_NODE]);
    }
}

guint32 qmem_virtio_mem_get_node(QmemVirtioMem *vmem)
{
    return vmem->node;
}

void qmem_virtio_mem_set_prealloc(QmemVirtioMem *vmem, gboolean prealloc)
{
    if (vmem->prealloc != !!prealloc) {
        vmem->prealloc = !!prealloc;
        g_object_notify_by_pspec(G_OBJECT(vmem), props[PROP_PREALLOC]);
    }
}

gboolean qmem_virtio_mem_get_prealloc(QmemVirtioMem *vmem)
{
    return vmem->prealloc;
}

void qmem_virtio_mem_set_dynamic_memslots(QmemVirtioMem *vmem,
                                          gboolean dynamic_memslots)
{
    g_return_if_fail(!vmem->realized);

    if (vmem->dynamic_memslots != !!dynamic_memslots) {
        vmem->nb_memslots = 0;
        qmem_virtio_mem_drop_regions(vmem);
        g_clear_object(&vmem->mr);
        vmem->dynamic_memslots = !!dynamic_memslots;
        g_object_notify_by_pspec(G_OBJECT(vmem),
                                 props[PROP_DYNAMIC_MEMSLOTS]);
    }
}

gboolean qmem_virtio_mem_get_early_migration(QmemVirtioMem *vmem)
{
    return vmem->early_migration;
}

void qmem_virtio_mem_set_early_migration(QmemVirtioMem *vmem,
                                         gboolean early_migration)
{
    if (vmem->early_migration != !!early_migration) {
        vmem->early_migration = !!early_migration;
        g_object_notify_by_pspec(G_OBJECT(vmem),
                                 props[PROP_EARLY_MIGRATION]);
    }
}

gboolean qmem_virtio_mem_get_dynamic_memslots(QmemVirtioMem *vmem)
{
    return vmem->dynamic_memslots;
}

void qmem_virtio_mem_set_unplugged_inaccessible(QmemVirtioMem *vmem,
                                                QmemVirtioMemOnOffAuto value)
{
    if (vmem->unplugged_inaccessible != value) {
        vmem->unplugged_inaccessible = value;
        g_object_notify_by_pspec(G_OBJECT(vmem),
                                 props[PROP_UNPLUGGED_INACCESSIBLE]);
    }
}

QmemVirtioMemOnOffAuto qmem_virtio_mem_get_unplugged_inaccessible(
    QmemVirtioMem *vmem)
{
    return vmem->unplugged_inaccessible;
}

gboolean qmem_virtio_mem_set_block_size(QmemVirtioMem *vmem, guint64 value,
                                        GError **error)
{
    if (vmem->realized) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' cannot be changed",
                    QMEM_VIRTIO_MEM_PROP_BLOCK_SIZE);
        return FALSE;
    }
    if (value < QMEM_VIRTIO_MEM_MIN_BLOCK_SIZE) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' property has to be at least 0x%" PRIx32,
                    QMEM_VIRTIO_MEM_PROP_BLOCK_SIZE,
                    (guint32)QMEM_VIRTIO_MEM_MIN_BLOCK_SIZE);
        return FALSE;
    }
    if (!qmem_is_power_of_2(value)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' property has to be a power of two",
                    QMEM_VIRTIO_MEM_PROP_BLOCK_SIZE);
        return FALSE;
    }
    if (vmem->block_size != value) {
        vmem->block_size = value;
        g_object_notify_by_pspec(G_OBJECT(vmem), props[PROP_BLOCK_SIZE]);
    }
    return TRUE;
}

guint64 qmem_virtio_mem_get_block_size(QmemVirtioMem *vmem)
{
    QmemRamBlock *block;

    if (vmem->block_size) {
        return vmem->block_size;
    }
    block = qmem_virtio_mem_get_ram_block(vmem);
    return block ? qmem_virtio_mem_default_block_size(block)
                 : qmem_virtio_mem_thp_size();
}

guint64 qmem_virtio_mem_get_region_size(QmemVirtioMem *vmem)
{
    QmemRamBlock *block = qmem_virtio_mem_get_ram_block(vmem);

    return block ? block->size : 0;
}

/*
 * The guest may plug up to requested-size plus an extent, so that Linux
 * can add whole memory blocks; always whole device blocks.
 */
void qmem_virtio_mem_resize_usable_region(QmemVirtioMem *vmem,
                                          guint64 requested_size,
                                          gboolean can_shrink)
{
    guint64 newsize = MIN(qmem_virtio_mem_get_region_size(vmem),
                          requested_size + QMEM_VIRTIO_MEM_USABLE_EXTENT);

    newsize = qmem_align_up(newsize, vmem->block_size);
    if (!requested_size) {
        newsize = 0;
    }
    if (newsize < vmem->usable_region_size && !can_shrink) {
        return;
    }
    vmem->usable_region_size = newsize;
}

gboolean qmem_virtio_mem_set_requested_size(QmemVirtioMem *vmem,
                                            guint64 value, GError **error)
{
    const char *name = QMEM_VIRTIO_MEM_PROP_REQUESTED_SIZE;

    /* Block size and memdev are fixed only once realized. */
    if (!vmem->realized) {
        if (vmem->requested_size != value) {
            vmem->requested_size = value;
            g_object_notify_by_pspec(G_OBJECT(vmem),
                                     props[PROP_REQUESTED_SIZE]);
        }
        return TRUE;
    }
    if (value % vmem->block_size) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' has to be multiples of '%s' (0x%" PRIx64 ")", name,
                    QMEM_VIRTIO_MEM_PROP_BLOCK_SIZE, vmem->block_size);
        return FALSE;
    }
    if (value > qmem_virtio_mem_get_region_size(vmem)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' cannot exceed the memory backend size(0x%" PRIx64
                    ")", name, qmem_virtio_mem_get_region_size(vmem));
        return FALSE;
    }
    if (value != vmem->requested_size) {
        qmem_virtio_mem_resize_usable_region(vmem, value, FALSE);
        vmem->requested_size = value;
        g_object_notify_by_pspec(G_OBJECT(vmem), props[PROP_REQUESTED_SIZE]);
    }
    /* QEMU notifies even without a change, which helps debugging. */
    qmem_virtio_notify_config(QMEM_VIRTIO_DEVICE(vmem));
    return TRUE;
}

guint64 qmem_virtio_mem_get_requested_size(QmemVirtioMem *vmem)
{
    return vmem->requested_size;
}

guint64 qmem_virtio_mem_get_size(QmemVirtioMem *vmem)
{
    return vmem->size;
}

guint64 qmem_virtio_mem_get_usable_region_size(QmemVirtioMem *vmem)
{
    return vmem->usable_region_size;
}

/* QEMU's size-change notifiers: the proxy turns this into the event. */
void qmem_virtio_mem_notify_size(QmemVirtioMem *vmem)
{
    g_object_notify_by_pspec(G_OBJECT(vmem), props[PROP_SIZE]);
}

void qmem_virtio_mem_set_unplug_pending(QmemVirtioMem *vmem,
                                        gboolean pending)
{
    vmem->unplug_pending = pending;
}

gboolean qmem_virtio_mem_is_unplug_pending(QmemVirtioMem *vmem)
{
    return vmem->unplug_pending;
}

/* What the proxy asks */

JsonObject *qmem_virtio_mem_fill_device_info(QmemVirtioMem *vmem,
                                             const char *id)
{
    JsonObject *data = json_object_new();
    g_autofree char *memdev = vmem->memdev ?
        qmem_object_get_canonical_path(QMEM_OBJECT(vmem->memdev)) : NULL;

    if (id) {
        json_object_set_string_member(data, "id", id);
    }
    json_object_set_member(data, "memaddr",
                           qmem_json_node_new_uint64(vmem->addr));
    json_object_set_member(data, "requested-size",
                           qmem_json_node_new_uint64(vmem->requested_size));
    json_object_set_member(data, "size", qmem_json_node_new_uint64(vmem->size));
    json_object_set_member(data, "max-size", qmem_json_node_new_uint64(
                               qmem_virtio_mem_get_region_size(vmem)));
    json_object_set_member(data, "block-size", qmem_json_node_new_uint64(
                               qmem_virtio_mem_get_block_size(vmem)));
    json_object_set_int_member(data, "node", vmem->node);
    json_object_set_string_member(data, "memdev", memdev ? memdev : "");
    return data;
}

gboolean qmem_virtio_mem_unplug_request_check(QmemVirtioMem *vmem,
                                              GError **error)
{
    /* Possible with an empty usable region, but a legacy setting anyway. */
    if (vmem->unplugged_inaccessible == QMEM_VIRTIO_MEM_ON_OFF_AUTO_OFF) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "virtio-mem device cannot get unplugged while '%s' != "
                    "'on'", QMEM_VIRTIO_MEM_PROP_UNPLUGGED_INACCESSIBLE);
        return FALSE;
    }
    if (vmem->size) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "virtio-mem device cannot get unplugged while "
                            "some of its memory is still plugged");
        return FALSE;
    }
    if (vmem->requested_size) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "virtio-mem device cannot get unplugged while '%s' != "
                    "'0'", QMEM_VIRTIO_MEM_PROP_REQUESTED_SIZE);
        return FALSE;
    }
    return TRUE;
}

QmemVirtioMem *qmem_virtio_mem_from_device(QmemDevice *dev)
{
    g_autoptr(GPtrArray) children = NULL;

    g_return_val_if_fail(QMEM_IS_DEVICE(dev), NULL);

    children = qmem_object_get_children(QMEM_OBJECT(dev));
    for (guint i = 0; i < children->len; i++) {
        if (QMEM_IS_VIRTIO_MEM(g_ptr_array_index(children, i))) {
            return g_ptr_array_index(children, i);
        }
    }
    return NULL;
}

/* Properties */

static void qmem_virtio_mem_get_property(GObject *obj, guint prop_id,
                                         GValue *value, GParamSpec *pspec)
{
    QmemVirtioMem *vmem = QMEM_VIRTIO_MEM(obj);

    switch (prop_id) {
    case PROP_ADDR:
        g_value_set_uint64(value, vmem->addr);
        break;
    case PROP_NODE:
        g_value_set_uint(value, vmem->node);
        break;
    case PROP_MEMDEV:
        g_value_set_object(value, vmem->memdev);
        break;
    case PROP_PREALLOC:
        g_value_set_boolean(value, vmem->prealloc);
        break;
    case PROP_SIZE:
        g_value_set_uint64(value, vmem->size);
        break;
    case PROP_REQUESTED_SIZE:
        g_value_set_uint64(value, vmem->requested_size);
        break;
    case PROP_BLOCK_SIZE:
        g_value_set_uint64(value, qmem_virtio_mem_get_block_size(vmem));
        break;
    case PROP_UNPLUGGED_INACCESSIBLE:
        g_value_set_enum(value, vmem->unplugged_inaccessible);
        break;
    case PROP_DYNAMIC_MEMSLOTS:
        g_value_set_boolean(value, vmem->dynamic_memslots);
        break;
    case PROP_EARLY_MIGRATION:
        g_value_set_boolean(value, vmem->early_migration);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, prop_id, pspec);
    }
}

/* Values from outside come checked by set_property_checked. */
static void qmem_virtio_mem_set_property(GObject *obj, guint prop_id,
                                         const GValue *value,
                                         GParamSpec *pspec)
{
    QmemVirtioMem *vmem = QMEM_VIRTIO_MEM(obj);
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
    case PROP_REQUESTED_SIZE:
        if (!qmem_virtio_mem_set_requested_size(
                vmem, g_value_get_uint64(value), &error)) {
            g_critical("%s", error->message);
        }
        break;
    case PROP_BLOCK_SIZE:
        if (!qmem_virtio_mem_set_block_size(vmem, g_value_get_uint64(value),
                                            &error)) {
            g_critical("%s", error->message);
        }
        break;
    case PROP_UNPLUGGED_INACCESSIBLE:
        qmem_virtio_mem_set_unplugged_inaccessible(vmem,
                                                   g_value_get_enum(value));
        break;
    case PROP_DYNAMIC_MEMSLOTS:
        qmem_virtio_mem_set_dynamic_memslots(vmem,
                                             g_value_get_boolean(value));
        break;
    case PROP_EARLY_MIGRATION:
        qmem_virtio_mem_set_early_migration(vmem,
                                            g_value_get_boolean(value));
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, prop_id, pspec);
    }
}

/*
 * block-size and requested-size decide themselves what may change after
 * realize; the others are QEMU's qdev properties, fixed then, with qdev's
 * texts for a device without an id (QEMU prints the link's NULL id).
 */
static gboolean qmem_virtio_mem_set_property_checked(QmemObject *obj,
                                                     GParamSpec *pspec,
                                                     const GValue *value,
                                                     GError **error)
{
    QmemVirtioMem *vmem = QMEM_VIRTIO_MEM(obj);

    if (pspec == props[PROP_BLOCK_SIZE]) {
        return qmem_virtio_mem_set_block_size(vmem, g_value_get_uint64(value),
                                              error);
    }
    if (pspec == props[PROP_REQUESTED_SIZE]) {
        return qmem_virtio_mem_set_requested_size(
            vmem, g_value_get_uint64(value), error);
    }
    if (vmem->realized) {
        /* QEMU prints the NULL id of a device without one for a link. */
        qmem_device_set_realized_prop_error(obj, pspec, NULL, "(null)",
                                            error);
        return FALSE;
    }
    return QMEM_OBJECT_CLASS(qmem_virtio_mem_parent_class)
        ->set_property_checked(obj, pspec, value, error);
}

static void qmem_virtio_mem_class_init(QmemVirtioMemClass *klass)
{
    GObjectClass *oc = G_OBJECT_CLASS(klass);
    const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                           G_PARAM_EXPLICIT_NOTIFY;

    oc->get_property = qmem_virtio_mem_get_property;
    oc->set_property = qmem_virtio_mem_set_property;
    oc->dispose = qmem_virtio_mem_dispose;
    QMEM_OBJECT_CLASS(klass)->set_property_checked =
        qmem_virtio_mem_set_property_checked;
    qmem_virtio_mem_init_virtio_class(QMEM_VIRTIO_DEVICE_CLASS(klass));

    /*
     * Blurbs only where QEMU's qdev property types have a description
     * ("on/off/auto" for OnOffAuto), so that help prints QEMU's lines;
     * docs/virtio-mem-pci.md describes each property.
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
    props[PROP_SIZE] = qmem_param_spec_size(
        QMEM_VIRTIO_MEM_PROP_SIZE, NULL, 0, G_MAXUINT64, 0,
        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
    props[PROP_REQUESTED_SIZE] = qmem_param_spec_size(
        QMEM_VIRTIO_MEM_PROP_REQUESTED_SIZE, NULL, 0, G_MAXUINT64, 0, rw);
    props[PROP_BLOCK_SIZE] = qmem_param_spec_size(
        QMEM_VIRTIO_MEM_PROP_BLOCK_SIZE, NULL, 0, G_MAXUINT64, 0, rw);
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
    props[PROP_EARLY_MIGRATION] = g_param_spec_boolean(
        QMEM_VIRTIO_MEM_PROP_EARLY_MIGRATION, NULL, NULL, TRUE, rw);
    g_object_class_install_properties(oc, N_PROPS, props);

    qmem_param_spec_set_qom_type(props[PROP_UNPLUGGED_INACCESSIBLE],
                                 "OnOffAuto");
    qmem_param_spec_set_show_default(props[PROP_ADDR], TRUE);
    qmem_param_spec_set_show_default(props[PROP_NODE], TRUE);
    qmem_param_spec_set_show_default(props[PROP_PREALLOC], TRUE);
    qmem_param_spec_set_show_default(props[PROP_DYNAMIC_MEMSLOTS], TRUE);
    qmem_param_spec_set_show_default(props[PROP_EARLY_MIGRATION], TRUE);
}

static void qmem_virtio_mem_init(QmemVirtioMem *vmem)
{
    vmem->unplugged_inaccessible = QMEM_VIRTIO_MEM_ON_OFF_AUTO_ON;
    vmem->early_migration = TRUE;
}
