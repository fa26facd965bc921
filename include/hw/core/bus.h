/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Buses: where devices plug in, found by name as -device bus= finds them. */

#ifndef QMEM_HW_CORE_BUS_H
#define QMEM_HW_CORE_BUS_H

#include <glib-object.h>
#include "qom/object.h"

G_BEGIN_DECLS

/*
 * QEMU's BusState, as much of it as device placement needs.  A bus is a
 * named object (its name, "pci.0", is what bus= gives), the child of the
 * device that provides it (a PCI host bridge) in the object tree, and it
 * lists the devices plugged into it, newest first as QEMU does.  The
 * machine's "main-system-bus" is the root of the hierarchy that bus paths
 * ("/i440FX-pcihost/pci.0") walk: devices that sit directly in the board
 * (host bridges) plug into it.
 *
 * A device class names the bus type it needs (QmemDeviceClass.bus_type);
 * qmem_device_add() finds the bus (bus=, or the first of that type) and
 * qmem_device_realize() plugs boards' own devices.
 */

/* Forward declaration; "hw/core/qdev.h" declares the type. */
typedef struct _QmemDevice QmemDevice;

#define QMEM_TYPE_BUS (qmem_bus_get_type())
G_DECLARE_DERIVABLE_TYPE(QmemBus, qmem_bus, QMEM, BUS, QmemObject)

/**
 * QmemBusClass:
 * @max_dev: how many devices the bus takes, 0 for any number (QEMU's
 *   BusClass.max_dev); a bus that has them is full
 *
 * The user-facing name of a bus type is what QEMU's messages call it
 * ("Device 'pc-dimm' can't go on PCI bus"): register it with
 * qmem_type_register_name() ("PCI", "PCIE", "System").
 */
struct _QmemBusClass {
    QmemObjectClass parent_class;

    guint max_dev;

    gpointer padding[8];
};

/* The board's root bus (QEMU's TYPE_SYSTEM_BUS, "System"). */
#define QMEM_TYPE_SYSTEM_BUS (qmem_system_bus_get_type())
GType qmem_system_bus_get_type(void);

/**
 * qmem_bus_new:
 * @type: a bus type
 * @parent: (nullable): the device that provides the bus; it becomes the
 *   bus's parent in the object tree.  %NULL only for the main system bus.
 * @name: the bus's name, unique among the machine's buses ("pci.0")
 *
 * QEMU's qbus_new().
 *
 * Returns: (transfer none): the bus, owned by @parent (the tree).
 */
QmemBus *qmem_bus_new(GType type, QmemDevice *parent, const char *name);

const char *qmem_bus_get_name(QmemBus *bus);

/**
 * qmem_bus_get_parent:
 * Returns: (transfer none) (nullable): the device that provides @bus.
 */
QmemDevice *qmem_bus_get_parent(QmemBus *bus);

/**
 * qmem_bus_get_children:
 * Returns: (transfer container): the devices plugged into @bus, newest
 *   first (QEMU's order).
 */
GPtrArray *qmem_bus_get_children(QmemBus *bus);

/**
 * qmem_bus_set_hotpluggable:
 *
 * Whether devices may be added to and removed from @bus while the machine
 * runs: QEMU's bus hotplug handler (pc's pci.0 has ACPI PCI hotplug,
 * q35's pcie.0 has none).  Default %FALSE.
 */
void qmem_bus_set_hotpluggable(QmemBus *bus, gboolean hotpluggable);
gboolean qmem_bus_is_hotpluggable(QmemBus *bus);

/**
 * qmem_bus_is_full:
 * Returns: whether @bus takes no more devices (QmemBusClass.max_dev).
 */
gboolean qmem_bus_is_full(QmemBus *bus);

/**
 * qmem_sysbus_get_default:
 *
 * The current machine's "main-system-bus" (the object
 * /machine/unattached/sysbus), made on first use.
 *
 * Returns: (transfer none) (nullable): the bus, %NULL without a machine.
 */
QmemBus *qmem_sysbus_get_default(void);

/**
 * qmem_bus_find:
 * @path: a bus name ("pci.0"), or a path of devices and buses from a bus
 *   name or from "/" (the main system bus): "/i440FX-pcihost/pci.0",
 *   "pci.0/PIIX3"; a device stands for its bus when it has exactly one
 *
 * QEMU's qbus_find(), with its messages: "Bus '%s' not found", "Device
 * '%s' not found" (class DeviceNotFound, with the devices there as a
 * hint), "Device '%s' has no child bus", "Device '%s' has multiple child
 * buses", "Bus '%s' is full".  Devices match by id, then by type name.
 *
 * Returns: (transfer none) (nullable): the bus.
 */
QmemBus *qmem_bus_find(const char *path, GError **error);

/**
 * qmem_bus_find_by_type:
 * @type: a bus type
 *
 * QEMU's qbus_find_recursive() by type from the main system bus: the first
 * bus of @type that is not full, depth first, else a full one.
 *
 * Returns: (transfer none) (nullable): the bus, %NULL when there is none.
 */
QmemBus *qmem_bus_find_by_type(GType type);

G_END_DECLS

#endif
