/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP and HMP device_add and device_del. */

#ifndef QMEM_HW_CORE_QDEV_QMP_CMDS_H
#define QMEM_HW_CORE_QDEV_QMP_CMDS_H

#include "qapi/qmp-command.h"

G_BEGIN_DECLS

/*
 * QEMU's commands of the same names (qmem_device_add(), qmem_device_del());
 * the monitor registers them (monitor/commands.c).
 */
JsonNode *qmem_qmp_device_add(JsonObject *args, GError **error);
JsonNode *qmem_qmp_device_del(JsonObject *args, GError **error);

gboolean qmem_hmp_device_add(const char *args, GString *out, GError **error);
gboolean qmem_hmp_device_del(const char *args, GString *out, GError **error);

G_END_DECLS

#endif
