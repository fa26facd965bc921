/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP events as QEMU's generated qapi_event_send_*() send them. */

#include "qapi/qmp-event.h"
#include "qobject/json.h"

void qmem_qapi_event_send_device_deleted(const char *device,
                                         const char *path)
{
    g_autoptr(JsonObject) data = json_object_new();

    if (device) {
        json_object_set_string_member(data, "device", device);
    }
    json_object_set_string_member(data, "path", path);
    qmem_qapi_event_emit("DEVICE_DELETED", data);
}

void qmem_qapi_event_send_acpi_device_ost(JsonObject *info)
{
    g_autoptr(JsonObject) data = json_object_new();

    json_object_set_object_member(data, "info", json_object_ref(info));
    qmem_qapi_event_emit("ACPI_DEVICE_OST", data);
}

void qmem_qapi_event_send_memory_device_size_change(const char *id,
                                                    guint64 size,
                                                    const char *qom_path)
{
    g_autoptr(JsonObject) data = json_object_new();

    if (id) {
        json_object_set_string_member(data, "id", id);
    }
    json_object_set_member(data, "size", qmem_json_node_new_uint64(size));
    json_object_set_string_member(data, "qom-path", qom_path);
    qmem_qapi_event_emit("MEMORY_DEVICE_SIZE_CHANGE", data);
}

void qmem_qapi_event_send_shutdown(gboolean guest, const char *reason)
{
    g_autoptr(JsonObject) data = json_object_new();

    json_object_set_boolean_member(data, "guest", guest);
    json_object_set_string_member(data, "reason", reason);
    qmem_qapi_event_emit("SHUTDOWN", data);
}

void qmem_qapi_event_send_stop(void)
{
    qmem_qapi_event_emit("STOP", NULL);
}

void qmem_qapi_event_send_resume(void)
{
    qmem_qapi_event_emit("RESUME", NULL);
}

void qmem_qapi_event_send_memory_backend_error(const char *id,
                                               const char *qom_path,
                                               gboolean has_addr,
                                               guint64 addr, guint64 offset,
                                               gboolean nospace,
                                               const char *reason)
{
    g_autoptr(JsonObject) data = json_object_new();

    if (id) {
        json_object_set_string_member(data, "id", id);
    }
    json_object_set_string_member(data, "qom-path", qom_path);
    if (has_addr) {
        json_object_set_member(data, "addr", qmem_json_node_new_uint64(addr));
    }
    json_object_set_member(data, "offset", qmem_json_node_new_uint64(offset));
    json_object_set_boolean_member(data, "nospace", nospace);
    json_object_set_string_member(data, "reason", reason);
    qmem_qapi_event_emit("MEMORY_BACKEND_ERROR", data);
}
