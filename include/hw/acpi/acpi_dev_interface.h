/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ACPI device interface: what raises the SCI and answers _OST. */

#ifndef QMEM_HW_ACPI_ACPI_DEV_INTERFACE_H
#define QMEM_HW_ACPI_ACPI_DEV_INTERFACE_H

#include <json-glib/json-glib.h>
#include "hw/acpi/core.h"
#include "qom/object.h"

G_BEGIN_DECLS

/*
 * QEMU's TYPE_ACPI_DEVICE_IF: the machine's one ACPI PM device (PIIX4 PM,
 * ICH9 LPC) implements it.  Hotplug code signals the guest through it
 * (qmem_acpi_send_event()), and query-acpi-ospm-status finds it in the
 * object tree under /machine.
 */
#define QMEM_TYPE_ACPI_DEVICE_IF (qmem_acpi_device_if_get_type())
G_DECLARE_INTERFACE(QmemAcpiDeviceIf, qmem_acpi_device_if, QMEM,
                    ACPI_DEVICE_IF, QmemObject)

/**
 * QmemAcpiDeviceIfInterface:
 * @send_event: sets @event in GPE0 status and updates the SCI.  Required.
 *   Called under the BQL from hotplug callbacks; may not fail.
 * @ospm_status: appends to @list one ACPIOSTInfo object (QEMU's
 *   query-acpi-ospm-status entry: "device" when the slot's device has an
 *   id, "slot", "slot-type", "source", "status") per hotplug slot the
 *   device has, in slot order.  Required.  May not change the device.
 */
struct _QmemAcpiDeviceIfInterface {
    GTypeInterface parent_iface;

    void (*send_event)(QmemAcpiDeviceIf *adev, QmemAcpiEventStatusBits ev);
    void (*ospm_status)(QmemAcpiDeviceIf *adev, JsonArray *list);
};

/* QEMU's acpi_send_event(). */
void qmem_acpi_send_event(QmemAcpiDeviceIf *adev,
                          QmemAcpiEventStatusBits event);

/**
 * qmem_acpi_device_find:
 *
 * Returns: (transfer none) (nullable): the object implementing the
 *   interface among the children of /machine, %NULL when there is none
 *   (the "none" machine).
 */
QmemAcpiDeviceIf *qmem_acpi_device_find(void);

G_END_DECLS

#endif
