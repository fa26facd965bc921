/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Buses: named places for devices, and bus= paths (QEMU's qbus_find). */

#include <string.h>
#include "hw/core/boards.h"
#include "hw/core/qdev-internal.h"
#include "util/error.h"

typedef struct {
    char *name;
    QmemDevice *parent;         /* not a reference: it owns us */
    GPtrArray *children;        /* QmemDevice, newest first, no references */
    gboolean hotpluggable;
} QmemBusPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_CODE(QmemBus, qmem_bus, QMEM_TYPE_OBJECT,
                                 G_ADD_PRIVATE(QmemBus)
                                 qmem_type_register_name("bus",
                                                         g_define_type_id))

typedef struct {
    QmemBus parent_instance;
} QmemSystemBus;

typedef struct {
    QmemBusClass parent_class;
} QmemSystemBusClass;

G_DEFINE_TYPE_WITH_CODE(QmemSystemBus, qmem_system_bus, QMEM_TYPE_BUS,
                        qmem_type_register_name("System", g_define_type_id))

static void qmem_bus_finalize(GObject *obj)
{
    QmemBusPrivate *priv = qmem_bus_get_instance_private(QMEM_BUS(obj));

    /* Devices leave their bus before it can go (they hold a reference). */
    g_assert(priv->children->len == 0);
    g_ptr_array_unref(priv->children);
    g_free(priv->name);
    G_OBJECT_CLASS(qmem_bus_parent_class)->finalize(obj);
}

static void qmem_bus_class_init(QmemBusClass *klass)
{
    G_OBJECT_CLASS(klass)->finalize = qmem_bus_finalize;
}

static void qmem_bus_init(QmemBus *bus)
{
    QmemBusPrivate *priv = qmem_bus_get_instance_private(bus);

    priv->children = g_ptr_array_new();
}

static void qmem_system_bus_class_init(QmemSystemBusClass *klass)
{
}

static void qmem_system_bus_init(QmemSystemBus *bus)
{
}

QmemBus *qmem_bus_new(GType type, QmemDevice *parent, const char *name)
{
    g_autoptr(QmemBus) bus = NULL;
    QmemBusPrivate *priv;
    QmemObject *owner;
    const char *child_name = name;

    g_return_val_if_fail(g_type_is_a(type, QMEM_TYPE_BUS), NULL);
    g_return_val_if_fail(name != NULL, NULL);

    bus = g_object_new(type, NULL);
    priv = qmem_bus_get_instance_private(bus);
    priv->name = g_strdup(name);
    priv->parent = parent;
    if (parent) {
        owner = QMEM_OBJECT(parent);
    } else {
        /* The main system bus: QEMU's /machine/unattached/sysbus. */
        owner = qmem_container_get(QMEM_OBJECT(qmem_machine_get_current()),
                                   "unattached");
        child_name = "sysbus";
    }
    if (!qmem_object_add_child(owner, child_name, QMEM_OBJECT(bus), NULL)) {
        g_return_val_if_reached(NULL);
    }
    return bus;
}

const char *qmem_bus_get_name(QmemBus *bus)
{
    QmemBusPrivate *priv = qmem_bus_get_instance_private(bus);

    return priv->name;
}

QmemDevice *qmem_bus_get_parent(QmemBus *bus)
{
    QmemBusPrivate *priv = qmem_bus_get_instance_private(bus);

    return priv->parent;
}

GPtrArray *qmem_bus_get_children(QmemBus *bus)
{
    QmemBusPrivate *priv = qmem_bus_get_instance_private(bus);

    return g_ptr_array_copy(priv->children, NULL, NULL);
}

void qmem_bus_set_hotpluggable(QmemBus *bus, gboolean hotpluggable)
{
    QmemBusPrivate *priv = qmem_bus_get_instance_private(bus);

    priv->hotpluggable = hotpluggable;
}

gboolean qmem_bus_is_hotpluggable(QmemBus *bus)
{
    QmemBusPrivate *priv = qmem_bus_get_instance_private(bus);

    return priv->hotpluggable;
}

gboolean qmem_bus_is_full(QmemBus *bus)
{
    QmemBusPrivate *priv = qmem_bus_get_instance_private(bus);
    guint max_dev = QMEM_BUS_GET_CLASS(bus)->max_dev;

    return max_dev && priv->children->len >= max_dev;
}

void qmem_bus_add_child(QmemBus *bus, QmemDevice *dev)
{
    QmemBusPrivate *priv = qmem_bus_get_instance_private(bus);

    g_ptr_array_insert(priv->children, 0, dev);
}

void qmem_bus_remove_child(QmemBus *bus, QmemDevice *dev)
{
    QmemBusPrivate *priv = qmem_bus_get_instance_private(bus);

    if (!g_ptr_array_remove(priv->children, dev)) {
        g_assert_not_reached();
    }
}

QmemBus *qmem_sysbus_get_default(void)
{
    QmemMachine *machine = qmem_machine_get_current();
    QmemObject *sysbus;

    if (!machine) {
        return NULL;
    }
    sysbus = qmem_object_get_child(
        qmem_container_get(QMEM_OBJECT(machine), "unattached"), "sysbus");
    if (sysbus) {
        return QMEM_BUS(sysbus);
    }
    return qmem_bus_new(QMEM_TYPE_SYSTEM_BUS, NULL, "main-system-bus");
}

/* The buses @dev provides, in the order it made them. */
static GPtrArray *child_buses(QmemDevice *dev)
{
    g_autoptr(GPtrArray) children =
        qmem_object_get_children(QMEM_OBJECT(dev));
    GPtrArray *buses = g_ptr_array_new();

    for (guint i = 0; i < children->len; i++) {
        if (QMEM_IS_BUS(g_ptr_array_index(children, i))) {
            g_ptr_array_add(buses, g_ptr_array_index(children, i));
        }
    }
    return buses;
}

static gboolean bus_matches(QmemBus *bus, const char *name, GType type)
{
    QmemBusPrivate *priv = qmem_bus_get_instance_private(bus);

    return name ? !strcmp(priv->name, name)
                : g_type_is_a(G_OBJECT_TYPE(bus), type);
}

/*
 * QEMU's qbus_find_recursive(): @bus or a bus below it that matches (by
 * @name, else by @type), preferring one that is not full.
 */
static QmemBus *find_recursive(QmemBus *bus, const char *name, GType type)
{
    QmemBusPrivate *priv = qmem_bus_get_instance_private(bus);
    gboolean match = bus_matches(bus, name, type);
    QmemBus *pick = match ? bus : NULL;

    if (match && !qmem_bus_is_full(bus)) {
        return bus;
    }
    for (guint i = 0; i < priv->children->len; i++) {
        g_autoptr(GPtrArray) buses =
            child_buses(g_ptr_array_index(priv->children, i));

        for (guint j = 0; j < buses->len; j++) {
            QmemBus *found = find_recursive(g_ptr_array_index(buses, j),
                                            name, type);

            if (found && !qmem_bus_is_full(found)) {
                return found;
            }
            if (found && !pick) {
                pick = found;
            }
        }
    }
    return pick;
}

QmemBus *qmem_bus_find_by_type(GType type)
{
    QmemBus *sysbus = qmem_sysbus_get_default();

    return sysbus ? find_recursive(sysbus, NULL, type) : NULL;
}

/* QEMU's qbus_find_dev(): by id first, then by type name. */
static QmemDevice *find_dev(QmemBus *bus, const char *elem)
{
    QmemBusPrivate *priv = qmem_bus_get_instance_private(bus);

    for (guint i = 0; i < priv->children->len; i++) {
        QmemDevice *dev = g_ptr_array_index(priv->children, i);

        if (!g_strcmp0(qmem_device_get_id(dev), elem)) {
            return dev;
        }
    }
    for (guint i = 0; i < priv->children->len; i++) {
        QmemDevice *dev = g_ptr_array_index(priv->children, i);

        if (!strcmp(qmem_object_get_typename(QMEM_OBJECT(dev)), elem)) {
            return dev;
        }
    }
    return NULL;
}

static void set_dev_list_hint(GError *error, QmemBus *bus)
{
    QmemBusPrivate *priv = qmem_bus_get_instance_private(bus);
    g_autoptr(GString) hint = g_string_new(NULL);

    g_string_append_printf(hint, "devices at \"%s\":", priv->name);
    for (guint i = 0; i < priv->children->len; i++) {
        QmemDevice *dev = g_ptr_array_index(priv->children, i);
        const char *id = qmem_device_get_id(dev);

        g_string_append_printf(hint, "%s\"%s\"", i ? ", " : " ",
                               qmem_object_get_typename(QMEM_OBJECT(dev)));
        if (id) {
            g_string_append_printf(hint, "/\"%s\"", id);
        }
    }
    qmem_error_set_hint(error, "%s\n", hint->str);
}

static void set_bus_list_hint(GError *error, QmemDevice *dev, GPtrArray *buses)
{
    const char *id = qmem_device_get_id(dev);
    const char *name = id ? id : qmem_object_get_typename(QMEM_OBJECT(dev));
    g_autoptr(GString) hint = g_string_new(NULL);

    g_string_append_printf(hint, "child buses at \"%s\":", name);
    for (guint i = 0; i < buses->len; i++) {
        g_string_append_printf(hint, "%s\"%s\"", i ? ", " : " ",
                               qmem_bus_get_name(g_ptr_array_index(buses, i)));
    }
    qmem_error_set_hint(error, "%s\n", hint->str);
}

/* The next path element after @pos's slashes: its length, 0 at the end. */
static gsize next_element(const char *path, gsize *pos, char **elem)
{
    gsize len;

    while (path[*pos] == '/') {
        (*pos)++;
    }
    len = strcspn(path + *pos, "/");
    *elem = g_strndup(path + *pos, len);
    *pos += len;
    return len;
}

/* The bus a path ends at once @dev is its last device element. */
static QmemBus *device_only_bus(QmemDevice *dev, const char *elem,
                                GError **error)
{
    g_autoptr(GPtrArray) buses = child_buses(dev);

    if (buses->len == 1) {
        return g_ptr_array_index(buses, 0);
    }
    if (buses->len) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Device '%s' has multiple child buses", elem);
        set_bus_list_hint(*error, dev, buses);
    } else {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Device '%s' has no child bus", elem);
    }
    return NULL;
}

/* Walks device/bus elements from @bus; returns where the path ends. */
static QmemBus *walk_path(QmemBus *bus, const char *path, gsize pos,
                          GError **error)
{
    for (;;) {
        g_autofree char *dev_elem = NULL;
        g_autofree char *bus_elem = NULL;
        g_autoptr(GPtrArray) buses = NULL;
        QmemDevice *dev;

        if (!next_element(path, &pos, &dev_elem)) {
            return bus;
        }
        dev = find_dev(bus, dev_elem);
        if (!dev) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_DEVICE_NOT_FOUND,
                        "Device '%s' not found", dev_elem);
            set_dev_list_hint(*error, bus);
            return NULL;
        }
        if (!next_element(path, &pos, &bus_elem)) {
            return device_only_bus(dev, dev_elem, error);
        }
        buses = child_buses(dev);
        bus = NULL;
        for (guint i = 0; i < buses->len && !bus; i++) {
            if (!strcmp(qmem_bus_get_name(g_ptr_array_index(buses, i)),
                        bus_elem)) {
                bus = g_ptr_array_index(buses, i);
            }
        }
        if (!bus) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Bus '%s' not found", bus_elem);
            set_bus_list_hint(*error, dev, buses);
            return NULL;
        }
    }
}

QmemBus *qmem_bus_find(const char *path, GError **error)
{
    QmemBus *sysbus = qmem_sysbus_get_default();
    QmemBus *bus;
    gsize pos = 0;

    if (path[0] == '/') {
        bus = sysbus;
    } else {
        g_autofree char *elem = g_strndup(path, strcspn(path, "/"));

        pos = strlen(elem);
        bus = sysbus ? find_recursive(sysbus, elem, G_TYPE_INVALID) : NULL;
        if (!bus) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Bus '%s' not found", elem);
            return NULL;
        }
    }
    if (!bus) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Bus '%s' not found", path);
        return NULL;
    }
    bus = walk_path(bus, path, pos, error);
    if (bus && qmem_bus_is_full(bus)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Bus '%s' is full", path);
        return NULL;
    }
    return bus;
}
