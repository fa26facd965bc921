/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP and HMP commands about the run state: query-status, stop, cont. */

#ifndef QMEM_SYSTEM_RUNSTATE_QMP_CMDS_H
#define QMEM_SYSTEM_RUNSTATE_QMP_CMDS_H

#include "qapi/qmp-command.h"

G_BEGIN_DECLS

/**
 * qmem_qmp_query_status:
 *
 * query-status: QEMU's StatusInfo, {"running", "singlestep": false,
 * "status": RunState}.
 */
JsonNode *qmem_qmp_query_status(JsonObject *args, GError **error);

/**
 * qmem_qmp_query_name:
 *
 * query-name: QEMU's NameInfo, {"name": -name guest=}, or {} without one.
 */
JsonNode *qmem_qmp_query_name(JsonObject *args, GError **error);

/**
 * qmem_qmp_query_uuid:
 *
 * query-uuid: QEMU's UuidInfo, {"UUID": "..."} in lower case, all zero
 * without -uuid.
 */
JsonNode *qmem_qmp_query_uuid(JsonObject *args, GError **error);

/**
 * qmem_qmp_stop:
 *
 * stop: QEMU's; a running VM pauses (STOP), any other state stays.
 */
JsonNode *qmem_qmp_stop(JsonObject *args, GError **error);

/**
 * qmem_qmp_cont:
 *
 * cont: QEMU 7.2's; resumes a VM that is not running (RESUME), from
 * prelaunch (-S), paused or io-error; after io-error the access that
 * failed is made again.  Fails as QEMU in internal-error and shutdown.
 */
JsonNode *qmem_qmp_cont(JsonObject *args, GError **error);

/* HMP: info status, stop (s), cont (c). */
gboolean qmem_hmp_info_status(const char *args, GString *out, GError **error);
gboolean qmem_hmp_stop(const char *args, GString *out, GError **error);
gboolean qmem_hmp_cont(const char *args, GString *out, GError **error);

G_END_DECLS

#endif
