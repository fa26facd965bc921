/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP and HMP commands about memory devices and the memory they plug. */

#include <inttypes.h>

#include "hw/mem/memory-device-qmp-cmds.h"
#include "hw/mem/memory-device.h"
#include "qobject/json.h"

JsonNode *qmem_qmp_query_memory_devices(JsonObject *args, GError **error)
{
    if (!qmem_qmp_args_visit(args, NULL, error)) {
        return NULL;
    }
    return qmem_memory_devices_query();
}

static guint64 base_memory(void)
{
    QmemMachine *machine = qmem_machine_get_current();

    return machine ? qmem_machine_get_ram_size(machine) : 0;
}

JsonNode *qmem_qmp_query_memory_size_summary(JsonObject *args,
                                             GError **error)
{
    JsonObject *info;

    if (!qmem_qmp_args_visit(args, NULL, error)) {
        return NULL;
    }
    info = json_object_new();
    json_object_set_member(info, "base-memory",
                           qmem_json_node_new_uint64(base_memory()));
    json_object_set_member(info, "plugged-memory",
                           qmem_json_node_new_uint64(
                               qmem_memory_devices_get_plugged_size()));
    return qmem_json_node_new_object(info);
}

gboolean qmem_hmp_info_memory_devices(const char *args, GString *out,
                                      GError **error)
{
    qmem_memory_devices_info(out);
    return TRUE;
}

gboolean qmem_hmp_info_memory_size_summary(const char *args, GString *out,
                                           GError **error)
{
    g_string_append_printf(out, "base memory: %" PRIu64 "\n", base_memory());
    g_string_append_printf(out, "plugged memory: %" PRIu64 "\n",
                           qmem_memory_devices_get_plugged_size());
    return TRUE;
}
