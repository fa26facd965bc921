/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP commands about ACPI hotplug: the guest's _OST status per slot. */

#ifndef QMEM_HW_ACPI_ACPI_QMP_CMDS_H
#define QMEM_HW_ACPI_ACPI_QMP_CMDS_H

#include "qapi/qmp-command.h"

G_BEGIN_DECLS

/*
 * QEMU's command of the same name, with its reply and error; the monitor
 * registers it (monitor/commands.c).
 */
JsonNode *qmem_qmp_query_acpi_ospm_status(JsonObject *args, GError **error);

G_END_DECLS

#endif
