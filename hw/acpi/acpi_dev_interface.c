/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ACPI device interface: what raises the SCI and answers _OST. */

#include "hw/acpi/acpi_dev_interface.h"

G_DEFINE_INTERFACE(QmemAcpiDeviceIf, qmem_acpi_device_if, QMEM_TYPE_OBJECT)

static void qmem_acpi_device_if_default_init(
    QmemAcpiDeviceIfInterface *iface)
{
}

void qmem_acpi_send_event(QmemAcpiDeviceIf *adev,
                          QmemAcpiEventStatusBits event)
{
    g_return_if_fail(QMEM_IS_ACPI_DEVICE_IF(adev));
    QMEM_ACPI_DEVICE_IF_GET_IFACE(adev)->send_event(adev, event);
}

static gboolean find_acpi_device(QmemObject *obj, gpointer opaque)
{
    QmemAcpiDeviceIf **found = opaque;

    if (QMEM_IS_ACPI_DEVICE_IF(obj)) {
        *found = QMEM_ACPI_DEVICE_IF(obj);
        return FALSE;
    }
    return TRUE;
}

QmemAcpiDeviceIf *qmem_acpi_device_find(void)
{
    QmemObject *machine = qmem_object_get_child(qmem_object_get_root(),
                                                "machine");
    QmemAcpiDeviceIf *found = NULL;

    if (machine) {
        qmem_object_foreach_recursive(machine, find_acpi_device, &found);
    }
    return found;
}
