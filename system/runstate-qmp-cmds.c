/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP and HMP commands about the run state: query-status, stop, cont. */

#include "qobject/json.h"
#include "system/runstate-qmp-cmds.h"
#include "system/runstate.h"
#include "system/system.h"
#include "util/error.h"

JsonNode *qmem_qmp_query_status(JsonObject *args, GError **error)
{
    JsonObject *ret;

    if (!qmem_qmp_args_visit(args, NULL, error)) {
        return NULL;
    }
    ret = json_object_new();
    json_object_set_boolean_member(ret, "running",
                                   qmem_runstate_is_running());
    /* Set through QEMU's gdbstub, which qmem does not have. */
    json_object_set_boolean_member(ret, "singlestep", FALSE);
    json_object_set_string_member(ret, "status",
                                  qmem_run_state_str(qmem_runstate_get()));
    return qmem_json_node_new_object(ret);
}

JsonNode *qmem_qmp_query_name(JsonObject *args, GError **error)
{
    JsonObject *ret;

    if (!qmem_qmp_args_visit(args, NULL, error)) {
        return NULL;
    }
    ret = json_object_new();
    if (qmem_vm_get_name()) {
        json_object_set_string_member(ret, "name", qmem_vm_get_name());
    }
    return qmem_json_node_new_object(ret);
}

JsonNode *qmem_qmp_query_uuid(JsonObject *args, GError **error)
{
    JsonObject *ret;
    guint8 uuid[16];
    g_autofree char *str = NULL;

    if (!qmem_qmp_args_visit(args, NULL, error)) {
        return NULL;
    }
    qmem_vm_get_uuid(uuid);
    str = qmem_uuid_unparse(uuid);
    ret = json_object_new();
    json_object_set_string_member(ret, "UUID", str);
    return qmem_json_node_new_object(ret);
}

JsonNode *qmem_qmp_stop(JsonObject *args, GError **error)
{
    if (qmem_qmp_args_visit(args, NULL, error)) {
        qmem_vm_stop(QMEM_RUN_STATE_PAUSED);
    }
    return NULL;
}

static gboolean do_cont(GError **error)
{
    if (qmem_runstate_needs_reset()) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "Resetting the Virtual Machine is required");
        return FALSE;
    }
    if (qmem_runstate_check(QMEM_RUN_STATE_SUSPENDED)) {
        return TRUE;
    }
    if (qmem_runstate_check(QMEM_RUN_STATE_FINISH_MIGRATE)) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "Migration is not finalized yet");
        return FALSE;
    }
    qmem_vm_start();
    return TRUE;
}

JsonNode *qmem_qmp_cont(JsonObject *args, GError **error)
{
    if (qmem_qmp_args_visit(args, NULL, error)) {
        do_cont(error);
    }
    return NULL;
}

/* QEMU's hmp_info_status(). */
gboolean qmem_hmp_info_status(const char *args, GString *out, GError **error)
{
    QmemRunState state = qmem_runstate_get();
    gboolean running = qmem_runstate_is_running();

    g_string_append_printf(out, "VM status: %s", running ? "running"
                                                         : "paused");
    if (!running && state != QMEM_RUN_STATE_PAUSED) {
        g_string_append_printf(out, " (%s)", qmem_run_state_str(state));
    }
    g_string_append_c(out, '\n');
    return TRUE;
}

gboolean qmem_hmp_stop(const char *args, GString *out, GError **error)
{
    qmem_vm_stop(QMEM_RUN_STATE_PAUSED);
    return TRUE;
}

gboolean qmem_hmp_cont(const char *args, GString *out, GError **error)
{
    return do_cont(error);
}
