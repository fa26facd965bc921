/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP commands about ACPI hotplug: the guest's _OST status per slot. */

#include "hw/acpi/acpi-qmp-cmds.h"
#include "hw/acpi/acpi_dev_interface.h"
#include "util/error.h"

JsonNode *qmem_qmp_query_acpi_ospm_status(JsonObject *args, GError **error)
{
    QmemAcpiDeviceIf *adev;
    g_autoptr(JsonArray) list = NULL;
    JsonNode *ret;

    if (!qmem_qmp_args_visit(args, NULL, error)) {
        return NULL;
    }
    adev = qmem_acpi_device_find();
    if (!adev) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "command is not supported, missing ACPI device");
        return NULL;
    }
    list = json_array_new();
    QMEM_ACPI_DEVICE_IF_GET_IFACE(adev)->ospm_status(adev, list);
    ret = json_node_new(JSON_NODE_ARRAY);
    json_node_set_array(ret, list);
    return ret;
}
