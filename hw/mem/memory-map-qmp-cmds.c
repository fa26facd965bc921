/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The memory map of a running machine, and its QMP and HMP commands. */

#include "hw/core/numa.h"
#include "hw/mem/memory-device.h"
#include "hw/mem/memory-map-qmp-cmds.h"
#include "qapi/qmp-command.h"

/* A memory device as the map sees it; the strings are borrowed. */
static void device_from_md(QmemMemoryDevice *md, QmemMemoryMapDevice *device)
{
    guint node;

    *device = (QmemMemoryMapDevice){
        .type = qmem_memory_device_get_kind(md),
        .id = qmem_device_get_id(QMEM_DEVICE(md)),
        .start = qmem_memory_device_get_addr(md),
        /* 0 for an empty device, which the map leaves out. */
        .size = qmem_memory_device_get_region_size(md, NULL),
        .plugged_size = qmem_memory_device_get_plugged_size(md),
        .node = -1,
        .list_mapped = qmem_memory_device_plugs_in_parts(md),
    };
    if (qmem_memory_device_get_node(md, &node) && node <= G_MAXINT) {
        device->node = node;
    }
}

QmemMemoryMap *qmem_memory_map_new(QmemMachine *machine)
{
    g_autofree QmemMemoryMapSection *plain = NULL;
    g_autofree QmemMemoryMapDevice *devices = NULL;
    g_autoptr(GPtrArray) list = NULL;
    const QmemMemorySection *sections;
    QmemDeviceMemoryState *dms;
    guint n = 0, n_ram = 0, node;

    if (!machine) {
        return qmem_memory_map_new_from(NULL, 0, 0, 0, NULL, 0);
    }
    sections = qmem_address_space_get_sections(
        qmem_machine_get_address_space(machine), &n);
    plain = g_new0(QmemMemoryMapSection, n + 1);
    for (guint i = 0; i < n; i++) {
        QmemMemoryMapSection *p = &plain[n_ram];

        /* Memory, not devices' registers (the APIC's MSI window). */
        if (!sections[i].host) {
            continue;
        }
        p->start = sections[i].offset_within_address_space;
        p->size = sections[i].size;
        p->name = qmem_memory_region_get_name(sections[i].mr);
        /* A section spanning nodes (legacy mem=) shows its first node. */
        p->node = qmem_numa_get_num_nodes(machine) &&
                  qmem_numa_get_node(machine, p->start, &node, NULL)
                      ? (int)node : -1;
        n_ram++;
    }
    list = qmem_memory_devices_list();
    devices = g_new0(QmemMemoryMapDevice, list->len + 1);
    for (guint i = 0; i < list->len; i++) {
        device_from_md(g_ptr_array_index(list, i), &devices[i]);
    }
    dms = qmem_machine_get_device_memory(machine);
    return qmem_memory_map_new_from(plain, n_ram, dms ? dms->base : 0,
                                    dms ? qmem_memory_region_size(dms->mr) : 0,
                                    devices, list->len);
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
