/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Devices: realize/unrealize, -device / device_add / device_del. */

#include <string.h>
#include "hw/core/boards.h"
#include "hw/core/qdev-internal.h"
#include "qapi/qmp-event.h"
#include "qapi/opts.h"
#include "qapi/qmp-command.h"
#include "qobject/json.h"
#include "system/runstate.h"
#include "util/cutils.h"
#include "util/error.h"

/* One list of GPIO lines: QEMU's NamedGPIOList. */
typedef struct {
    char *name;
    GPtrArray *in;              /* QmemIrq, owned */
    GPtrArray *out;             /* QmemIrq *, the device's pins */
    GPtrArray *forwarders;      /* QmemIrq or NULL, owned, per out pin */
} GpioList;

typedef struct {
    gboolean realized;
    gboolean hotplugged;
    QmemBus *parent_bus;        /* a reference, while plugged into it */
    GPtrArray *gpios;           /* GpioList */
} QmemDevicePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_CODE(QmemDevice, qmem_device, QMEM_TYPE_OBJECT,
                                 G_ADD_PRIVATE(QmemDevice)
                                 qmem_type_register_name("device",
                                                         g_define_type_id))

static GQuark runtime_quark;

/*
 * Realized devices, in the order they were realized: what the machine
 * iterates on every plug, kept here so that it never walks the tree.
 */
static GPtrArray *realized_devices;

void qmem_param_spec_set_runtime(GParamSpec *pspec)
{
    g_param_spec_set_qdata(pspec, runtime_quark, GINT_TO_POINTER(1));
}

void qmem_device_set_realized_prop_error(QmemObject *obj, GParamSpec *pspec,
                                         const char *id, const char *link_id,
                                         GError **error)
{
    if (G_IS_PARAM_SPEC_OBJECT(pspec)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Attempt to set link property '%s' on device '%s' "
                    "(type '%s') after it was realized", pspec->name,
                    link_id, qmem_object_get_typename(obj));
    } else if (id) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Attempt to set property '%s' on device '%s' "
                    "(type '%s') after it was realized", pspec->name, id,
                    qmem_object_get_typename(obj));
    } else {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Attempt to set property '%s' on anonymous device "
                    "(type '%s') after it was realized", pspec->name,
                    qmem_object_get_typename(obj));
    }
}

/* QEMU refuses property changes of realized devices, with three texts. */
static gboolean qmem_device_set_property_checked(QmemObject *obj,
                                                 GParamSpec *pspec,
                                                 const GValue *value,
                                                 GError **error)
{
    QmemDevice *dev = QMEM_DEVICE(obj);
    QmemDevicePrivate *priv = qmem_device_get_instance_private(dev);
    const char *id = qmem_device_get_id(dev);

    if (priv->realized && !g_param_spec_get_qdata(pspec, runtime_quark)) {
        qmem_device_set_realized_prop_error(obj, pspec, id, id ? id : "",
                                            error);
        return FALSE;
    }
    return QMEM_OBJECT_CLASS(qmem_device_parent_class)
        ->set_property_checked(obj, pspec, value, error);
}

static void gpio_list_free(GpioList *list)
{
    g_free(list->name);
    g_ptr_array_unref(list->in);
    g_ptr_array_unref(list->out);
    g_ptr_array_unref(list->forwarders);
    g_free(list);
}

QmemBus *qmem_device_get_parent_bus(QmemDevice *dev)
{
    QmemDevicePrivate *priv = qmem_device_get_instance_private(dev);

    return priv->parent_bus;
}

static void set_parent_bus(QmemDevice *dev, QmemBus *bus)
{
    QmemDevicePrivate *priv = qmem_device_get_instance_private(dev);

    if (priv->parent_bus) {
        qmem_bus_remove_child(priv->parent_bus, dev);
        g_clear_object(&priv->parent_bus);
    }
    if (bus) {
        priv->parent_bus = g_object_ref(bus);
        qmem_bus_add_child(bus, dev);
    }
}

/* A device dropped without being unplugged must not stay listed. */
static void qmem_device_finalize(GObject *obj)
{
    QmemDevicePrivate *priv = qmem_device_get_instance_private(
        QMEM_DEVICE(obj));

    if (realized_devices) {
        g_ptr_array_remove(realized_devices, obj);
    }
    set_parent_bus(QMEM_DEVICE(obj), NULL);
    g_ptr_array_unref(priv->gpios);
    G_OBJECT_CLASS(qmem_device_parent_class)->finalize(obj);
}

static void qmem_device_class_init(QmemDeviceClass *klass)
{
    G_OBJECT_CLASS(klass)->finalize = qmem_device_finalize;
    /* Subclasses start from a copy of this class: devices are creatable. */
    klass->user_creatable = TRUE;
    runtime_quark = g_quark_from_static_string("qmem-device-runtime");
    QMEM_OBJECT_CLASS(klass)->set_property_checked =
        qmem_device_set_property_checked;
}

static void qmem_device_init(QmemDevice *dev)
{
    QmemDevicePrivate *priv = qmem_device_get_instance_private(dev);

    priv->gpios = g_ptr_array_new_with_free_func(
        (GDestroyNotify)gpio_list_free);
}

gboolean qmem_device_is_realized(QmemDevice *dev)
{
    QmemDevicePrivate *priv = qmem_device_get_instance_private(dev);

    return priv->realized;
}

gboolean qmem_device_is_hotplugged(QmemDevice *dev)
{
    QmemDevicePrivate *priv = qmem_device_get_instance_private(dev);

    return priv->hotplugged;
}

const char *qmem_device_get_id(QmemDevice *dev)
{
    QmemObject *parent = qmem_object_get_parent(QMEM_OBJECT(dev));

    if (!parent || strcmp(qmem_object_get_name(parent) ?: "", "peripheral")) {
        return NULL;
    }
    return qmem_object_get_name(QMEM_OBJECT(dev));
}

static QmemObject *peripheral(const char *which)
{
    return qmem_container_get(qmem_object_get_root(), which);
}

/* The string member @name of -device/device_add options, if any. */
static gboolean get_option(JsonObject *options, const char *name,
                           const char **value, GError **error)
{
    JsonNode *node = json_object_get_member(options, name);

    *value = NULL;
    if (!node) {
        return TRUE;
    }
    if (!JSON_NODE_HOLDS_VALUE(node) ||
        json_node_get_value_type(node) != G_TYPE_STRING) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid parameter type for '%s', expected: string", name);
        return FALSE;
    }
    *value = json_node_get_string(node);
    return TRUE;
}

/* QEMU's qdev_realize(): on @bus, between the machine's hooks. */
static gboolean device_realize(QmemDevice *dev, QmemMachine *machine,
                               QmemBus *bus, GError **error)
{
    QmemDevicePrivate *priv = qmem_device_get_instance_private(dev);
    QmemMachineClass *mc = machine ? QMEM_MACHINE_GET_CLASS(machine) : NULL;

    set_parent_bus(dev, bus);
    if ((mc && mc->device_pre_plug &&
         !mc->device_pre_plug(machine, dev, error)) ||
        !QMEM_DEVICE_GET_CLASS(dev)->realize(dev, error)) {
        set_parent_bus(dev, NULL);
        return FALSE;
    }
    priv->realized = TRUE;
    if (!realized_devices) {
        realized_devices = g_ptr_array_new();
    }
    g_ptr_array_add(realized_devices, dev);
    if (mc && mc->device_plug) {
        mc->device_plug(machine, dev);
    }
    return TRUE;
}

/*
 * The device type named by @driver, if it names one -device (or, with
 * @hotplug, device_add) can create: QEMU's qdev_get_device_class().
 */
static GType device_type(const char *driver, gboolean hotplug,
                         GError **error)
{
    g_autoptr(GTypeClass) klass = NULL;
    QmemDeviceClass *dc;
    GType type;

    if (!driver) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter 'driver' is missing");
        return 0;
    }
    type = qmem_type_from_name(driver);
    if (!type || !g_type_is_a(type, QMEM_TYPE_DEVICE) ||
        G_TYPE_IS_ABSTRACT(type)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' is not a valid device model name", driver);
        return 0;
    }
    klass = g_type_class_ref(type);
    dc = QMEM_DEVICE_CLASS(klass);
    if (!dc->user_creatable || (hotplug && !dc->hotpluggable)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter 'driver' expects a pluggable device type");
        return 0;
    }
    return type;
}

static gboolean check_id(const char *id, GError **error)
{
    if (id && !qmem_id_wellformed(id)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter 'id' expects an identifier");
        qmem_error_set_hint(*error, "Identifiers consist of letters, digits, "
                            "'-', '.', '_', starting with a letter.\n");
        return FALSE;
    }
    return TRUE;
}

static gboolean check_duplicate_id(const char *id, GError **error)
{
    if (id && qmem_object_get_child(peripheral("machine/peripheral"), id)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Duplicate device ID '%s'", id);
        return FALSE;
    }
    return TRUE;
}

/*
 * QEMU's bus lookup in qdev_device_add(): bus= names one that must be of
 * the class's bus type; else a device that needs a bus gets the first of
 * its type.  *@bus stays %NULL for a device on no bus.
 */
static gboolean find_bus(GType type, const char *driver, const char *path,
                         QmemBus **bus, GError **error)
{
    g_autoptr(GTypeClass) klass = g_type_class_ref(type);
    GType bus_type = QMEM_DEVICE_CLASS(klass)->bus_type;

    *bus = NULL;
    if (path) {
        *bus = qmem_bus_find(path, error);
        if (!*bus) {
            return FALSE;
        }
        if (!bus_type || !g_type_is_a(G_OBJECT_TYPE(*bus), bus_type)) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Device '%s' can't go on %s bus", driver,
                        qmem_object_get_typename(QMEM_OBJECT(*bus)));
            return FALSE;
        }
    } else if (bus_type) {
        *bus = qmem_bus_find_by_type(bus_type);
        if (!*bus || qmem_bus_is_full(*bus)) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "No '%s' bus found for device '%s'",
                        qmem_type_get_name(bus_type), driver);
            return FALSE;
        }
    }
    return TRUE;
}

/*
 * Who takes a hot-plugged device: its bus's hotplug handler, or without a
 * bus the machine (one without plug hooks is no hotplug handler).
 */
static gboolean check_hotplug(QmemBus *bus, const char *driver,
                              GError **error)
{
    QmemMachine *machine = qmem_machine_get_current();

    if (bus && !qmem_bus_is_hotpluggable(bus)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Bus '%s' does not support hotplugging",
                    qmem_bus_get_name(bus));
        return FALSE;
    }
    if (!bus && (!machine || !QMEM_MACHINE_GET_CLASS(machine)->device_plug)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Device '%s' can not be hotplugged on this machine",
                    driver);
        return FALSE;
    }
    return TRUE;
}

/* Device properties are set one by one, in the order given (qdev). */
static gboolean set_properties(QmemDevice *dev, JsonObject *options,
                               QmemInputKind kind, GError **error)
{
    g_autoptr(GList) members = json_object_get_members(options);

    for (GList *m = members; m; m = m->next) {
        if (!strcmp(m->data, "driver") || !strcmp(m->data, "id") ||
            !strcmp(m->data, "bus")) {
            continue;
        }
        if (!qmem_property_set_input(QMEM_OBJECT(dev), m->data,
                                     json_object_get_member(options, m->data),
                                     kind, error)) {
            return FALSE;
        }
    }
    return TRUE;
}

/* Devices go under /machine/peripheral by id, or peripheral-anon. */
static void device_add_child(QmemDevice *dev, const char *id)
{
    static guint anon_count;
    g_autofree char *anon_name = NULL;

    if (id) {
        qmem_object_add_child(peripheral("machine/peripheral"), id,
                              QMEM_OBJECT(dev), NULL);
        return;
    }
    anon_name = g_strdup_printf("device[%u]", anon_count++);
    qmem_object_add_child(peripheral("machine/peripheral-anon"), anon_name,
                          QMEM_OBJECT(dev), NULL);
}

QmemDevice *qmem_device_add(JsonObject *options, QmemInputKind kind,
                            gboolean hotplug, GError **error)
{
    const char *driver, *id, *bus_path;
    g_autoptr(QmemDevice) dev = NULL;
    QmemDevicePrivate *priv;
    QmemBus *bus;
    GType type;

    if (!get_option(options, "driver", &driver, error) ||
        !(type = device_type(driver, hotplug, error)) ||
        !get_option(options, "id", &id, error) || !check_id(id, error) ||
        !get_option(options, "bus", &bus_path, error) ||
        !find_bus(type, driver, bus_path, &bus, error) ||
        (hotplug && !check_hotplug(bus, driver, error)) ||
        !check_duplicate_id(id, error)) {
        return NULL;
    }
    if (!qmem_migration_is_idle()) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "device_add not allowed while migrating");
        return NULL;
    }

    dev = g_object_new(type, NULL);
    if (!set_properties(dev, options, kind, error)) {
        return NULL;
    }
    device_add_child(dev, id);
    priv = qmem_device_get_instance_private(dev);
    priv->hotplugged = hotplug;
    if (!device_realize(dev, qmem_machine_get_current(), bus, error)) {
        qmem_object_unparent(QMEM_OBJECT(dev));
        return NULL;
    }
    return dev;
}

/* The next /machine/unattached/device[N]. */
static guint unattached_count;

void qmem_device_skip_unattached_name(void)
{
    unattached_count++;
}

gboolean qmem_device_realize(QmemDevice *dev, QmemBus *bus, GError **error)
{
    QmemMachine *machine = qmem_machine_get_current();
    gboolean added = FALSE;

    g_return_val_if_fail(!qmem_device_is_realized(dev), FALSE);

    if (!qmem_object_get_parent(QMEM_OBJECT(dev)) && machine) {
        g_autofree char *name = g_strdup_printf("device[%u]",
                                                unattached_count++);

        qmem_object_add_child(
            qmem_container_get(QMEM_OBJECT(machine), "unattached"), name,
            QMEM_OBJECT(dev), NULL);
        added = TRUE;
    }
    if (!device_realize(dev, machine, bus, error)) {
        if (added) {
            qmem_object_unparent(QMEM_OBJECT(dev));
        }
        return FALSE;
    }
    return TRUE;
}

static void device_remove(QmemDevice *dev);

/*
 * The devices on the buses @dev provides go first, newest first, as
 * QEMU unrealizes a bus's children with the bus (a host bridge's PCI
 * functions, its own "mch" among them).
 */
static void remove_bus_children(QmemDevice *dev)
{
    g_autoptr(GPtrArray) children =
        qmem_object_get_children(QMEM_OBJECT(dev));
    g_autoptr(GPtrArray) buses = g_ptr_array_new_with_free_func(
        g_object_unref);

    /* Removing a device may free others of @dev's children (its "mch"). */
    for (guint i = 0; i < children->len; i++) {
        if (QMEM_IS_BUS(g_ptr_array_index(children, i))) {
            g_ptr_array_add(buses,
                            g_object_ref(g_ptr_array_index(children, i)));
        }
    }
    for (guint i = 0; i < buses->len; i++) {
        for (;;) {
            g_autoptr(GPtrArray) on_bus =
                qmem_bus_get_children(g_ptr_array_index(buses, i));

            if (!on_bus->len) {
                break;
            }
            device_remove(g_ptr_array_index(on_bus, 0));
        }
    }
}

/* Takes a realized device out: machine unplug, unrealize, tree. */
static void device_remove(QmemDevice *dev)
{
    QmemDevicePrivate *priv = qmem_device_get_instance_private(dev);
    QmemMachine *machine = qmem_machine_get_current();
    QmemDeviceClass *dc = QMEM_DEVICE_GET_CLASS(dev);

    remove_bus_children(dev);
    if (machine && QMEM_MACHINE_GET_CLASS(machine)->device_unplug) {
        QMEM_MACHINE_GET_CLASS(machine)->device_unplug(machine, dev);
    }
    if (dc->unrealize) {
        dc->unrealize(dev);
    }
    priv->realized = FALSE;
    set_parent_bus(dev, NULL);
    g_ptr_array_remove(realized_devices, dev);
    qmem_object_unparent(QMEM_OBJECT(dev));
}

static QmemDevice *find_device(const char *id)
{
    QmemObject *obj = qmem_object_get_child(peripheral("machine/peripheral"),
                                            id);

    if (!obj) {
        obj = qmem_object_resolve_path(id, QMEM_TYPE_DEVICE, NULL);
    }
    return obj && QMEM_IS_DEVICE(obj) ? QMEM_DEVICE(obj) : NULL;
}

void qmem_device_unplug(QmemDevice *dev)
{
    /* The event names what is about to go. */
    g_autofree char *dev_id = g_strdup(qmem_device_get_id(dev));
    g_autofree char *path =
        qmem_object_get_canonical_path(QMEM_OBJECT(dev));

    g_return_if_fail(qmem_device_is_realized(dev));
    device_remove(dev);
    qmem_qapi_event_send_device_deleted(dev_id, path);
}

gboolean qmem_device_del(const char *id, GError **error)
{
    QmemDevice *dev = find_device(id);
    QmemMachine *machine = qmem_machine_get_current();
    QmemBus *bus;

    if (!dev) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_DEVICE_NOT_FOUND,
                    "Device '%s' not found", id);
        return FALSE;
    }
    bus = qmem_device_get_parent_bus(dev);
    if (bus && !qmem_bus_is_hotpluggable(bus)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Bus '%s' does not support hotplugging",
                    qmem_bus_get_name(bus));
        return FALSE;
    }
    if (!QMEM_DEVICE_GET_CLASS(dev)->hotpluggable) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Device '%s' does not support hotplugging",
                    qmem_object_get_typename(QMEM_OBJECT(dev)));
        return FALSE;
    }
    if (!qmem_migration_is_idle()) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "device_del not allowed while migrating");
        return FALSE;
    }
    /* QEMU asserts that a hot-pluggable device has a hotplug handler. */
    if (!bus &&
        (!machine || !QMEM_MACHINE_GET_CLASS(machine)->device_unplug)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "device '%s' can not be unplugged on this machine",
                    qmem_object_get_typename(QMEM_OBJECT(dev)));
        return FALSE;
    }
    if (QMEM_DEVICE_GET_CLASS(dev)->unplug_request_check &&
        !QMEM_DEVICE_GET_CLASS(dev)->unplug_request_check(dev, error)) {
        return FALSE;
    }
    /*
     * QEMU's qdev_unplug(): a handler with an unplug request completes
     * the unplug itself, now or when the guest lets the device go.
     */
    if (machine && QMEM_MACHINE_GET_CLASS(machine)->device_unplug_request) {
        return QMEM_MACHINE_GET_CLASS(machine)->device_unplug_request(
            machine, dev, error);
    }
    qmem_device_unplug(dev);
    return TRUE;
}

/* A copy: callers may unplug devices while they go through it. */
static GPtrArray *list_devices(void)
{
    return realized_devices ? g_ptr_array_copy(realized_devices, NULL, NULL)
                            : g_ptr_array_new();
}

void qmem_device_unplug_all(void)
{
    /* Each removal may take others with it: always the newest left. */
    while (realized_devices && realized_devices->len) {
        device_remove(g_ptr_array_index(realized_devices,
                                        realized_devices->len - 1));
    }
}

void qmem_device_foreach(gboolean (*fn)(QmemDevice *dev, gpointer opaque),
                         gpointer opaque)
{
    g_autoptr(GPtrArray) devices = list_devices();

    for (guint i = 0; i < devices->len; i++) {
        if (!fn(g_ptr_array_index(devices, i), opaque)) {
            return;
        }
    }
}

gboolean qmem_device_print_help(const char *driver, GString *out)
{
    GType type;

    if (!driver) {
        g_autoptr(GPtrArray) names = qmem_type_list(QMEM_TYPE_DEVICE, FALSE);

        g_string_append(out, "Misc devices:\n");
        for (guint i = 0; i < names->len; i++) {
            const char *name = g_ptr_array_index(names, i);
            g_autoptr(GTypeClass) klass =
                g_type_class_ref(qmem_type_from_name(name));
            const char *desc = QMEM_DEVICE_CLASS(klass)->desc;

            /* QEMU lists only what -device can create. */
            if (!QMEM_DEVICE_CLASS(klass)->user_creatable) {
                continue;
            }
            g_string_append_printf(out, "name \"%s\"", name);
            if (desc) {
                g_string_append_printf(out, ", desc \"%s\"", desc);
            }
            g_string_append_c(out, '\n');
        }
        return TRUE;
    }
    type = qmem_type_from_name(driver);
    if (!type || !g_type_is_a(type, QMEM_TYPE_DEVICE) ||
        G_TYPE_IS_ABSTRACT(type)) {
        return FALSE;
    }
    qmem_type_print_help(type, out);
    return TRUE;
}

/* GPIO lines */

static GpioList *gpio_list(QmemDevice *dev, const char *name, gboolean add)
{
    QmemDevicePrivate *priv = qmem_device_get_instance_private(dev);
    GpioList *list;

    for (guint i = 0; i < priv->gpios->len; i++) {
        list = g_ptr_array_index(priv->gpios, i);
        if (!g_strcmp0(list->name, name)) {
            return list;
        }
    }
    if (!add) {
        return NULL;
    }
    list = g_new0(GpioList, 1);
    list->name = g_strdup(name);
    list->in = g_ptr_array_new_with_free_func((GDestroyNotify)qmem_irq_free);
    list->out = g_ptr_array_new();
    list->forwarders =
        g_ptr_array_new_with_free_func((GDestroyNotify)qmem_irq_free);
    g_ptr_array_add(priv->gpios, list);
    return list;
}

void qmem_device_init_gpio_in_named(QmemDevice *dev, QmemIrqHandler handler,
                                    const char *name, int n)
{
    GpioList *list = gpio_list(dev, name, TRUE);

    for (int i = 0; i < n; i++) {
        g_ptr_array_add(list->in,
                        qmem_irq_new(handler, dev, (int)list->in->len));
    }
}

void qmem_device_init_gpio_out_named(QmemDevice *dev, QmemIrq *pins,
                                     const char *name, int n)
{
    GpioList *list = gpio_list(dev, name, TRUE);

    for (int i = 0; i < n; i++) {
        g_ptr_array_add(list->out, &pins[i]);
    }
}

QmemIrq qmem_device_get_gpio_in_named(QmemDevice *dev, const char *name,
                                      int n)
{
    QmemIrq irq = qmem_device_find_gpio_in(dev, name, n);

    g_assert(irq);
    return irq;
}

QmemIrq qmem_device_find_gpio_in(QmemDevice *dev, const char *name, int n)
{
    GpioList *list = gpio_list(dev, name, FALSE);

    if (!list || n < 0 || (guint)n >= list->in->len) {
        return NULL;
    }
    return g_ptr_array_index(list->in, n);
}

void qmem_device_connect_gpio_out_named(QmemDevice *dev, const char *name,
                                        int n, QmemIrq irq)
{
    GpioList *list = gpio_list(dev, name, FALSE);
    QmemIrq *pin;

    g_assert(list && n >= 0 && (guint)n < list->out->len);
    pin = g_ptr_array_index(list->out, n);
    *pin = irq;
}

gboolean qmem_device_intercept_gpio_in(QmemDevice *dev,
                                       QmemIrqHandler handler,
                                       gpointer opaque)
{
    QmemDevicePrivate *priv = qmem_device_get_instance_private(dev);

    for (guint i = 0; i < priv->gpios->len; i++) {
        GpioList *list = g_ptr_array_index(priv->gpios, i);

        for (guint j = 0; j < list->in->len; j++) {
            qmem_irq_intercept(g_ptr_array_index(list->in, j), handler,
                               opaque);
        }
    }
    return priv->gpios->len > 0;
}

/* What an intercepted out pin points at: the pin's old target, passed on. */
static void gpio_forward(gpointer opaque, int n, int level)
{
    qmem_irq_set(opaque, level);
}

gboolean qmem_device_intercept_gpio_out(QmemDevice *dev, const char *name,
                                        QmemIrqHandler handler,
                                        gpointer opaque)
{
    GpioList *list = gpio_list(dev, name, FALSE);

    if (!list) {
        return FALSE;
    }
    g_ptr_array_set_size(list->forwarders, list->out->len);
    for (guint i = 0; i < list->out->len; i++) {
        QmemIrq *pin = g_ptr_array_index(list->out, i);
        QmemIrq fwd = g_ptr_array_index(list->forwarders, i);

        /* Intercepted before: the pin points at its forwarder still. */
        if (!fwd || *pin != fwd) {
            fwd = qmem_irq_new(gpio_forward, *pin, (int)i);
            if (g_ptr_array_index(list->forwarders, i)) {
                qmem_irq_free(g_ptr_array_index(list->forwarders, i));
            }
            g_ptr_array_index(list->forwarders, i) = fwd;
            *pin = fwd;
        }
        qmem_irq_intercept(fwd, handler, opaque);
    }
    return TRUE;
}

void qmem_device_clear_gpio_intercepts(QmemDevice *dev)
{
    QmemDevicePrivate *priv = qmem_device_get_instance_private(dev);

    for (guint i = 0; i < priv->gpios->len; i++) {
        GpioList *list = g_ptr_array_index(priv->gpios, i);

        for (guint j = 0; j < list->in->len; j++) {
            qmem_irq_intercept(g_ptr_array_index(list->in, j), NULL, NULL);
        }
        for (guint j = 0; j < list->forwarders->len; j++) {
            QmemIrq fwd = g_ptr_array_index(list->forwarders, j);

            if (fwd) {
                qmem_irq_intercept(fwd, NULL, NULL);
            }
        }
    }
}
