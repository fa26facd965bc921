/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The memory map of a running machine, and its QMP and HMP commands. */

#ifndef QMEM_HW_MEM_MEMORY_MAP_QMP_CMDS_H
#define QMEM_HW_MEM_MEMORY_MAP_QMP_CMDS_H

#include <json-glib/json-glib.h>
#include "hw/core/boards.h"
#include "system/memory-map.h"

G_BEGIN_DECLS

/**
 * qmem_memory_map_new:
 * @machine: (nullable): the machine; %NULL gives an empty map
 *
 * qmem_memory_map_new_from() over @machine's system address space (each
 * section with the NUMA node that owns its first byte), its device memory
 * and its memory devices: each with its kind, id, address, region size
 * as its span, plugged size and node ("hw/mem/memory-device.h"); the
 * devices that plug in parts (virtio-mem) list their mapped sections.
 *
 * Returns: (transfer full): the map.
 */
QmemMemoryMap *qmem_memory_map_new(QmemMachine *machine);

/**
 * qmem_qmp_x_query_memory_map:
 *
 * QMP x-query-memory-map (a #QmemQmpCommandFunc): no arguments; returns
 * qmem_memory_map_to_json() of the current machine.  The monitor
 * registers it.
 */
JsonNode *qmem_qmp_x_query_memory_map(JsonObject *args, GError **error);

/**
 * qmem_hmp_info_memory_map:
 *
 * HMP info memory-map (a #QmemHmpFunc): no arguments; appends
 * qmem_memory_map_to_text() of the current machine.  The monitor
 * registers it.
 */
gboolean qmem_hmp_info_memory_map(const char *args, GString *out,
                                  GError **error);

G_END_DECLS

#endif
