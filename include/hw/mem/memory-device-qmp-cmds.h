/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP and HMP commands about memory devices and the memory they plug. */

#ifndef QMEM_HW_MEM_MEMORY_DEVICE_QMP_CMDS_H
#define QMEM_HW_MEM_MEMORY_DEVICE_QMP_CMDS_H

#include "qapi/qmp-command.h"

G_BEGIN_DECLS

/*
 * QEMU's commands of the same names, with its replies and texts; the
 * monitor registers them (monitor/commands.c).
 */
JsonNode *qmem_qmp_query_memory_devices(JsonObject *args, GError **error);
JsonNode *qmem_qmp_query_memory_size_summary(JsonObject *args,
                                             GError **error);

/*
 * x-query-device-memory (qmem's): the device-memory region and its
 * memslot accounts: {"base", "size", "used-region-size",
 * "required-memslots", "used-memslots", "reserved-memslots",
 * "memslot-auto-decision-active"}, QEMU's DeviceMemoryState.  Fails
 * with QEMU's text when the machine has no device memory.
 */
JsonNode *qmem_qmp_x_query_device_memory(JsonObject *args, GError **error);

gboolean qmem_hmp_info_memory_devices(const char *args, GString *out,
                                      GError **error);
gboolean qmem_hmp_info_memory_size_summary(const char *args, GString *out,
                                           GError **error);

/*
 * x-query-numa and `info numa`: each node's memory includes what memory
 * devices plug there, so the commands live where both the nodes and the
 * memory devices can be seen.
 */
JsonNode *qmem_qmp_x_query_numa(JsonObject *args, GError **error);
gboolean qmem_hmp_info_numa(const char *args, GString *out, GError **error);

G_END_DECLS

#endif
