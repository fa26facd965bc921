/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Devices: realize/unrealize, -device / device_add / device_del. */

#ifndef QMEM_HW_CORE_QDEV_H
#define QMEM_HW_CORE_QDEV_H

#include <json-glib/json-glib.h>
#include "hw/core/bus.h"
#include "hw/core/irq.h"
#include "qom/object.h"
#include "qom/property.h"

G_BEGIN_DECLS

#define QMEM_TYPE_DEVICE (qmem_device_get_type())
G_DECLARE_DERIVABLE_TYPE(QmemDevice, qmem_device, QMEM, DEVICE, QmemObject)

/**
 * QmemDeviceClass:
 * @realize: makes the device work, after every property is set and after
 *   the machine's pre_plug hook accepted it.  Required.  On failure the
 *   device must hold nothing that finalize would not free; it is dropped.
 * @unrealize: undoes realize, when the device is unplugged or the machine
 *   goes away.  Optional.  May not fail.
 * @desc: the description `-device help` prints
 * @hotpluggable: whether device_add/device_del may add and remove it while
 *   the machine runs (QEMU's DeviceClass.hotpluggable)
 * @user_creatable: whether -device and device_add may create it (QEMU's
 *   DeviceClass.user_creatable); %TRUE unless a class clears it, as for
 *   the parts of a board (host bridges)
 * @bus_type: the type of bus the device plugs into (QEMU's
 *   DeviceClass.bus_type: a PCI device's is #QMEM_TYPE_PCI_BUS), or 0 for
 *   a device on no bus (pc-dimm).  Set by abstract bases in class_init.
 * @unplug_request_check: may device_del take the realized device away now?
 *   Called by qmem_device_del() for a hot-pluggable device, before the
 *   machine's device_unplug_request hook (which may still refuse);
 *   returning %FALSE fails device_del with this error (QEMU: virtio-mem's
 *   "cannot get unplugged while ..." checks).  Optional: without it only
 *   the machine decides.  May not change the device.
 */
struct _QmemDeviceClass {
    QmemObjectClass parent_class;

    gboolean (*realize)(QmemDevice *dev, GError **error);
    void (*unrealize)(QmemDevice *dev);

    const char *desc;
    gboolean hotpluggable;

    gboolean (*unplug_request_check)(QmemDevice *dev, GError **error);

    gboolean user_creatable;
    GType bus_type;

    gpointer padding[5];
};

/**
 * qmem_param_spec_set_runtime:
 *
 * Marks @pspec as settable after realize (virtio-mem's requested-size);
 * every other device property is refused then, with QEMU's "Attempt to
 * set property ... after it was realized".
 */
void qmem_param_spec_set_runtime(GParamSpec *pspec);

gboolean qmem_device_is_realized(QmemDevice *dev);

/**
 * qmem_device_set_realized_prop_error:
 * @obj: the realized device (its type name goes into the text)
 * @pspec: the property that was to be set
 * @id: the device's id, or %NULL for an anonymous device
 * @link_id: the id printed for a link (object) property: qdev prints ""
 *   for a device without an id, virtio devices QEMU's "(null)"
 * @error: set to QEMU's "Attempt to set (link) property ... after it was
 *   realized" text
 *
 * The one place of qdev's refusal to change a property after realize, for
 * qdev itself and for devices that check their own properties.
 */
void qmem_device_set_realized_prop_error(QmemObject *obj, GParamSpec *pspec,
                                         const char *id, const char *link_id,
                                         GError **error);

/**
 * qmem_device_is_hotplugged:
 * Returns: whether @dev was added after the machine was started (QMP
 *   device_add), as query-memory-devices' "hotplugged" reports.
 */
gboolean qmem_device_is_hotplugged(QmemDevice *dev);

/**
 * qmem_device_get_id:
 * Returns: (nullable): the id the user gave, %NULL for anonymous devices.
 */
const char *qmem_device_get_id(QmemDevice *dev);

/**
 * qmem_device_get_parent_bus:
 * Returns: (transfer none) (nullable): the bus @dev is plugged into, from
 *   just before its realize until it is unplugged.
 */
QmemBus *qmem_device_get_parent_bus(QmemDevice *dev);

/**
 * qmem_device_add:
 * @options: "driver", "id", "bus" and the properties, as -device (KEYVAL)
 *   or device_add / JSON -device (JSON) give them
 * @kind: where @options came from
 * @hotplug: %TRUE for device_add on a running machine
 * @error: return location for a #GError
 *
 * QEMU's qdev_device_add(): finds the driver and the bus (bus= by
 * qmem_bus_find(), else the first bus of the class's bus_type), checks
 * that the bus (or without one the machine) takes hot-plugged devices,
 * creates the device, sets its properties in the order given, adds it as
 * /machine/peripheral/<id> (or /machine/peripheral-anon/device[N]) and
 * realizes it on the bus between the machine's pre_plug and plug hooks.
 * On failure nothing is left behind.
 *
 * Returns: (transfer none) (nullable): the device, owned by the tree.
 */
QmemDevice *qmem_device_add(JsonObject *options, QmemInputKind kind,
                            gboolean hotplug, GError **error);

/**
 * qmem_device_realize:
 * @dev: a device a board made (g_object_new() and its properties)
 * @bus: (nullable): where it plugs in; of the class's bus_type
 *
 * QEMU's qdev_realize() for a board's own devices (host bridges and
 * their PCI functions): a device that is not in the object tree yet goes
 * to /machine/unattached/device[N]; then it is realized on @bus as
 * qmem_device_add() does, and unplugged with the machine.  On failure it
 * leaves the tree and the bus again.
 */
gboolean qmem_device_realize(QmemDevice *dev, QmemBus *bus, GError **error);

/**
 * qmem_device_skip_unattached_name:
 *
 * The next device realized without a parent takes the name after the
 * next ("device[N+1]"), as when QEMU makes an object of its own there.
 */
void qmem_device_skip_unattached_name(void);

/**
 * qmem_device_del:
 * @id: a device id or QOM path
 *
 * QEMU's qmp_device_del(): a device on a bus without hotplug ("Bus '%s'
 * does not support hotplugging") or of a class that is not hot-pluggable
 * is refused, else the machine is asked to unplug it.  With a
 * device_unplug_request hook the machine decides when the unplug
 * completes (pc and q35: a DIMM goes when the guest ejects it through
 * ACPI); without one it completes at once (qmem_device_unplug()).
 *
 * Returns: whether the request was accepted; the device may still be
 *   there.
 */
gboolean qmem_device_del(const char *id, GError **error);

/**
 * qmem_device_unplug:
 * @dev: a realized device
 *
 * Completes an unplug: QEMU's hotplug_handler_unplug() and
 * object_unparent().  The machine's device_unplug hook takes the device
 * out, it is unrealized and removed from the tree, and DEVICE_DELETED is
 * sent.  @dev may be gone when this returns.
 */
void qmem_device_unplug(QmemDevice *dev);

/**
 * qmem_device_unplug_all:
 *
 * Unrealizes and removes every device, newest first (machine teardown).
 */
void qmem_device_unplug_all(void);

/**
 * qmem_device_print_help:
 * @driver: (nullable): a device type name, or %NULL for the list
 * @out: where the text goes
 *
 * QEMU's `-device help` ("name \"pc-dimm\", desc \"DIMM memory module\"")
 * and `-device TYPE,help` listings.
 *
 * Returns: %FALSE when @driver is not a device type.
 */
gboolean qmem_device_print_help(const char *driver, GString *out);

/**
 * qmem_device_foreach:
 * @fn: called for every realized device, oldest first; return %FALSE to
 *   stop
 */
void qmem_device_foreach(gboolean (*fn)(QmemDevice *dev, gpointer opaque),
                         gpointer opaque);

/*
 * GPIO lines, as QEMU's qdev GPIOs: a device has lists of input lines
 * (interrupt controller pins) and of output pins, each list unnamed
 * (@name %NULL) or named.  A board wires an output pin of one device to
 * an input line of another; qtest intercepts them by the device's path.
 */

/**
 * qmem_device_init_gpio_in_named:
 * @handler: called with @dev as opaque and the line's index in the list
 *
 * Adds @n input lines to @dev's list @name (made on first use).
 */
void qmem_device_init_gpio_in_named(QmemDevice *dev, QmemIrqHandler handler,
                                    const char *name, int n);

/**
 * qmem_device_init_gpio_out_named:
 * @pins: (array length=n): the device's own pins, which it sets with
 *   qmem_irq_set(); %NULL (unconnected) until a board connects them, and
 *   they must live as long as @dev
 */
void qmem_device_init_gpio_out_named(QmemDevice *dev, QmemIrq *pins,
                                     const char *name, int n);

/**
 * qmem_device_get_gpio_in_named:
 * Returns: (transfer none): input line @n of list @name; it is a
 *   programmer error if there is none.
 */
QmemIrq qmem_device_get_gpio_in_named(QmemDevice *dev, const char *name,
                                      int n);

/**
 * qmem_device_find_gpio_in:
 * @name: (nullable): the list, %NULL for the unnamed one
 *
 * qmem_device_get_gpio_in_named() for names and numbers from outside
 * (qtest's set_irq_in).
 *
 * Returns: (transfer none) (nullable): input line @n of list @name, or
 *   %NULL if @dev has no such line.
 */
QmemIrq qmem_device_find_gpio_in(QmemDevice *dev, const char *name, int n);

static inline QmemIrq qmem_device_get_gpio_in(QmemDevice *dev, int n)
{
    return qmem_device_get_gpio_in_named(dev, NULL, n);
}

/* Connects output pin @n of list @name to @irq (which may be %NULL). */
void qmem_device_connect_gpio_out_named(QmemDevice *dev, const char *name,
                                        int n, QmemIrq irq);

/**
 * qmem_device_intercept_gpio_in:
 * @handler: (nullable): the observer, %NULL to remove it
 *
 * Makes every input line of @dev (all lists, named or not) call @handler
 * too, with its index in its list, after @dev has seen the level
 * (qmem_irq_intercept()): qtest's irq_intercept_in, as QEMU 8.1 and later
 * do it (7.2 skipped the named lists).
 *
 * Returns: whether @dev has any GPIO list, in or out: QEMU answers OK
 *   then, even when no input line was there to intercept.
 */
gboolean qmem_device_intercept_gpio_in(QmemDevice *dev,
                                       QmemIrqHandler handler,
                                       gpointer opaque);

/**
 * qmem_device_intercept_gpio_out:
 * @name: (nullable): the list, %NULL for the unnamed one
 * @handler: (nullable): the observer, %NULL to remove it
 *
 * Makes every pin of @dev's list @name call @handler too, with the pin's
 * index, after the level went where the pin was connected (QEMU's
 * qdev_intercept_gpio_out() with qtest's handler passing the level on):
 * qtest's irq_intercept_out.  The pins then point at forwarders that
 * @dev owns; a board connecting a pin later replaces its forwarder.
 *
 * Returns: whether @dev has a list @name (in or out, as QEMU's lists hold
 *   both).
 */
gboolean qmem_device_intercept_gpio_out(QmemDevice *dev, const char *name,
                                        QmemIrqHandler handler,
                                        gpointer opaque);

/**
 * qmem_device_clear_gpio_intercepts:
 *
 * Removes every observer the two functions above installed on @dev (the
 * forwarders stay, passing levels on), so that a qtest server that goes
 * away leaves nothing pointing at it.
 */
void qmem_device_clear_gpio_intercepts(QmemDevice *dev);

G_END_DECLS

#endif
