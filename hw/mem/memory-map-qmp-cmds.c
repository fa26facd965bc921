/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The memory map of a running machine, and its QMP and HMP commands. */

#include <string.h>
#include "hw/core/numa.h"
#include "hw/mem/memory-device.h"
#include "hw/mem/memory-map-qmp-cmds.h"
#include "qapi/qmp-command.h"

static guint64 member_uint64(JsonObject *obj, const char *name, gboolean *has)
{
    JsonNode *node = obj ? json_object_get_member(obj, name) : NULL;

    *has = node && JSON_NODE_HOLDS_VALUE(node)
           && json_node_get_value_type(node) == G_TYPE_INT64;
    /* JSON-GLib keeps uint64 values above G_MAXINT64 as their bits. */
    return *has ? (guint64)json_node_get_int(node) : 0;
}

/*
 * One query-memory-devices entry ({"type": T, "data": {...}}), with its
 * strings borrowed from @info.  Devices that grow (virtio-mem,
 * hv-balloon) span "max-size" and report what is usable as "size"; the
 * others span "size".  Their address is "addr" or "memaddr".
 */
static void device_from_info(JsonNode *info, QmemMemoryMapDevice *device)
{
    JsonObject *obj, *data;
    JsonNode *member;
    gboolean has, has_max, has_plugged;
    guint64 plugged;

    *device = (QmemMemoryMapDevice){ .type = "device", .node = -1 };
    if (!JSON_NODE_HOLDS_OBJECT(info)) {
        return;
    }
    obj = json_node_get_object(info);
    device->type = json_object_get_string_member_with_default(obj, "type",
                                                              "device");
    member = json_object_get_member(obj, "data");
    data = member && JSON_NODE_HOLDS_OBJECT(member)
               ? json_node_get_object(member)
               : NULL;
    device->start = member_uint64(data, "addr", &has);
    if (!has) {
        device->start = member_uint64(data, "memaddr", &has);
    }
    device->size = member_uint64(data, "max-size", &has_max);
    plugged = member_uint64(data, "size", &has_plugged);
    if (!has_max) {
        device->size = plugged;
    }
    device->plugged_size = has_plugged ? plugged : device->size;
    device->id = data ? json_object_get_string_member_with_default(data, "id",
                                                                   NULL)
                      : NULL;
    if (data && json_object_has_member(data, "node")) {
        guint64 node = member_uint64(data, "node", &has);

        device->node = has && node <= G_MAXINT ? (int)node : -1;
    }
    device->list_mapped = !strcmp(device->type, "virtio-mem");
}

QmemMemoryMap *qmem_memory_map_new(QmemMachine *machine)
{
    g_autofree QmemMemoryMapSection *plain = NULL;
    g_autofree QmemMemoryMapDevice *devices = NULL;
    g_autoptr(JsonNode) infos = NULL;
    const QmemMemorySection *sections;
    QmemDeviceMemoryState *dms;
    JsonArray *list;
    guint n = 0, n_devices, node;

    if (!machine) {
        return qmem_memory_map_new_from(NULL, 0, 0, 0, NULL, 0);
    }
    sections = qmem_address_space_get_sections(
        qmem_machine_get_address_space(machine), &n);
    plain = g_new0(QmemMemoryMapSection, n + 1);
    for (guint i = 0; i < n; i++) {
        plain[i].start = sections[i].offset_within_address_space;
        plain[i].size = sections[i].size;
        plain[i].name = qmem_memory_region_get_name(sections[i].mr);
        /* A section spanning nodes (legacy mem=) shows its first node. */
        plain[i].node = qmem_numa_get_num_nodes(machine) &&
                        qmem_numa_get_node(machine, plain[i].start, &node,
                                           NULL) ? (int)node : -1;
    }
    infos = qmem_memory_devices_query();
    list = json_node_get_array(infos);
    n_devices = json_array_get_length(list);
    devices = g_new0(QmemMemoryMapDevice, n_devices + 1);
    for (guint i = 0; i < n_devices; i++) {
        device_from_info(json_array_get_element(list, i), &devices[i]);
    }
    dms = qmem_machine_get_device_memory(machine);
    return qmem_memory_map_new_from(plain, n, dms ? dms->base : 0,
                                    dms ? qmem_memory_region_size(dms->mr) : 0,
                                    devices, n_devices);
}

JsonNode *qmem_qmp_x_query_memory_map(JsonObject *args, GError **error)
{
    g_autoptr(QmemMemoryMap) map = NULL;

    if (!qmem_qmp_args_visit(args, NULL, error)) {
        return NULL;
    }
    map = qmem_memory_map_new(qmem_machine_get_current());
    return qmem_memory_map_to_json(map);
}

gboolean qmem_hmp_info_memory_map(const char *args, GString *out,
                                  GError **error)
{
    g_autoptr(QmemMemoryMap) map = NULL;
    g_autofree char *text = NULL;

    map = qmem_memory_map_new(qmem_machine_get_current());
    text = qmem_memory_map_to_text(map);
    g_string_append(out, text);
    return TRUE;
}
