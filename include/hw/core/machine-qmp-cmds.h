/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP and HMP commands about the machine: memory backends, CPUs. */

#ifndef QMEM_HW_CORE_MACHINE_QMP_CMDS_H
#define QMEM_HW_CORE_MACHINE_QMP_CMDS_H

#include "qapi/qmp-command.h"

G_BEGIN_DECLS

/*
 * QEMU's commands of the same names, with its arguments, replies and
 * errors; the monitor registers them (monitor/commands.c).
 */
JsonNode *qmem_qmp_query_memdev(JsonObject *args, GError **error);
JsonNode *qmem_qmp_query_cpus_fast(JsonObject *args, GError **error);
JsonNode *qmem_qmp_set_numa_node(JsonObject *args, GError **error);
JsonNode *qmem_qmp_query_hotpluggable_cpus(JsonObject *args, GError **error);

gboolean qmem_hmp_info_memdev(const char *args, GString *out, GError **error);
gboolean qmem_hmp_info_hotpluggable_cpus(const char *args, GString *out,
                                         GError **error);

G_END_DECLS

#endif
