/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP and HMP commands over the object tree (qom-*, object-add/del). */

#ifndef QMEM_QOM_QOM_QMP_CMDS_H
#define QMEM_QOM_QOM_QMP_CMDS_H

#include "qapi/qmp-command.h"

G_BEGIN_DECLS

/*
 * QEMU's commands of the same names, with its arguments, replies and
 * errors; the monitor registers them (monitor/commands.c).
 */
JsonNode *qmem_qmp_qom_list(JsonObject *args, GError **error);
JsonNode *qmem_qmp_qom_get(JsonObject *args, GError **error);
JsonNode *qmem_qmp_qom_set(JsonObject *args, GError **error);
JsonNode *qmem_qmp_object_add(JsonObject *args, GError **error);
JsonNode *qmem_qmp_object_del(JsonObject *args, GError **error);

/* "qom-set PATH PROPERTY VALUE", the value in the string visitor's syntax. */
gboolean qmem_hmp_qom_set(const char *args, GString *out, GError **error);
gboolean qmem_hmp_object_add(const char *args, GString *out, GError **error);
gboolean qmem_hmp_object_del(const char *args, GString *out, GError **error);

G_END_DECLS

#endif
