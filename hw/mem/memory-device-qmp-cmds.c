/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP and HMP commands about memory devices and the memory they plug. */

#include <inttypes.h>

#include "hw/core/numa.h"
#include "hw/mem/memory-device-qmp-cmds.h"
#include "hw/mem/memory-device.h"
#include "qobject/json.h"
#include "util/error.h"

JsonNode *qmem_qmp_query_memory_devices(JsonObject *args, GError **error)
{
    if (!qmem_qmp_args_visit(args, NULL, error)) {
        return NULL;
    }
    return qmem_memory_devices_query();
}

JsonNode *qmem_qmp_x_query_device_memory(JsonObject *args, GError **error)
{
    QmemMachine *machine = qmem_machine_get_current();
    QmemDeviceMemoryState *dms =
        machine ? qmem_machine_get_device_memory(machine) : NULL;
    JsonObject *ret;

    if (!qmem_qmp_args_visit(args, NULL, error)) {
        return NULL;
    }
    if (!dms) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            QMEM_MACHINE_NO_DEVICE_MEMORY_MESSAGE);
        return NULL;
    }
    ret = json_object_new();
    json_object_set_member(ret, "base", qmem_json_node_new_uint64(dms->base));
    json_object_set_member(ret, "size", qmem_json_node_new_uint64(
                                            qmem_memory_region_size(dms->mr)));
    json_object_set_member(ret, "used-region-size",
                           qmem_json_node_new_uint64(dms->used_region_size));
    json_object_set_int_member(ret, "required-memslots",
                               dms->required_memslots);
    json_object_set_int_member(ret, "used-memslots", dms->used_memslots);
    json_object_set_int_member(
        ret, "reserved-memslots",
        qmem_memory_devices_get_reserved_memslots(machine));
    json_object_set_int_member(ret, "memslot-auto-decision-active",
                               dms->memslot_auto_decision_active);
    return qmem_json_node_new_object(ret);
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

/* HMP `info numa` text, with the memory devices' share of each node. */
static void numa_info(GString *out)
{
    QmemMachine *machine = qmem_machine_get_current();
    guint n_nodes = qmem_numa_get_num_nodes(machine);
    g_autofree guint64 *device_mem = g_new0(guint64, MAX(n_nodes, 1));

    qmem_memory_devices_get_node_plugged_size(device_mem, n_nodes);
    qmem_numa_info(machine, device_mem, out);
}

JsonNode *qmem_qmp_x_query_numa(JsonObject *args, GError **error)
{
    g_autoptr(GString) text = g_string_new(NULL);
    JsonObject *ret;

    if (!qmem_qmp_args_visit(args, NULL, error)) {
        return NULL;
    }
    numa_info(text);
    ret = json_object_new();
    json_object_set_string_member(ret, "human-readable-text", text->str);
    return qmem_json_node_new_object(ret);
}

gboolean qmem_hmp_info_numa(const char *args, GString *out, GError **error)
{
    numa_info(out);
    return TRUE;
}
