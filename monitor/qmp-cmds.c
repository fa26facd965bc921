/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The monitor's own commands: capabilities, version, commands, HMP, quit. */

#include <stdio.h>
#include <string.h>

#include "monitor/hmp.h"
#include "monitor/monitor-internal.h"
#include "qmem-config.h"
#include "qobject/json.h"
#include "util/error.h"

static QmemQmpQuitFunc quit_func;
static gpointer quit_data;

JsonNode *qmem_qmp_qmp_capabilities(JsonObject *args, GError **error)
{
    /* QMPCapability has the one value "oob". */
    static const char *const capabilities[] = { "oob", NULL };
    JsonArray *enable = NULL;
    gboolean has_enable;
    const QmemQmpArg members[] = {
        { "enable", QMEM_QMP_ARG_ENUM_LIST, &enable, &has_enable,
          .values = capabilities },
        { NULL }
    };
    g_autoptr(GString) unavailable = NULL;
    QmpClient *client;
    guint i;

    if (!qmem_qmp_args_visit(args, members, error)) {
        return NULL;
    }

    client = qmem_qmp_current_client();
    g_return_val_if_fail(client != NULL, NULL);
    if (client->negotiated) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_COMMAND_NOT_FOUND,
                            "Capabilities negotiation is already complete, "
                            "command ignored");
        return NULL;
    }
    /* qmem offers no capability, so any requested one is unavailable. */
    for (i = 0; has_enable && i < json_array_get_length(enable); i++) {
        const char *cap = json_array_get_string_element(enable, i);

        if (!unavailable) {
            unavailable = g_string_new(cap);
        } else {
            g_string_append_printf(unavailable, ", %s", cap);
        }
    }
    if (unavailable) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Capability %s not available", unavailable->str);
        return NULL;
    }
    client->negotiated = TRUE;
    return NULL;
}

JsonNode *qmem_qmp_query_version(JsonObject *args, GError **error)
{
    JsonObject *qemu, *ret;
    int major = 0, minor = 0, micro = 0;

    if (!qmem_qmp_args_visit(args, NULL, error)) {
        return NULL;
    }
    sscanf(QMEM_VERSION, "%d.%d.%d", &major, &minor, &micro);
    qemu = json_object_new();
    json_object_set_int_member(qemu, "major", major);
    json_object_set_int_member(qemu, "minor", minor);
    json_object_set_int_member(qemu, "micro", micro);
    ret = json_object_new();
    json_object_set_object_member(ret, "qemu", qemu);
    json_object_set_string_member(ret, "package", "qmem-" QMEM_VERSION);
    return qmem_json_node_new_object(ret);
}

JsonNode *qmem_qmp_query_commands(JsonObject *args, GError **error)
{
    JsonArray *list;
    GList *l;

    if (!qmem_qmp_args_visit(args, NULL, error)) {
        return NULL;
    }
    list = json_array_new();
    for (l = qmem_qmp_command_list(); l; l = l->next) {
        QmpCommand *cmd = l->data;
        JsonObject *info = json_object_new();

        json_object_set_string_member(info, "name", cmd->name);
        json_array_add_object_element(list, info);
    }
    return qmem_json_node_new_array(list);
}

JsonNode *qmem_qmp_human_monitor_command(JsonObject *args, GError **error)
{
    const char *line;
    gint64 cpu_index;
    gboolean has_cpu_index;
    const QmemQmpArg members[] = {
        { "command-line", QMEM_QMP_ARG_STR, &line },
        { "cpu-index", QMEM_QMP_ARG_INT, &cpu_index, &has_cpu_index },
        { NULL }
    };
    g_autofree char *text = NULL;

    if (!qmem_qmp_args_visit(args, members, error)) {
        return NULL;
    }
    text = qmem_hmp_run(line);
    return json_node_init_string(json_node_alloc(), text);
}

static JsonNode *qmp_quit(JsonObject *args, GError **error)
{
    if (!qmem_qmp_args_visit(args, NULL, error)) {
        return NULL;
    }
    if (quit_func) {
        quit_func(quit_data);
    }
    return NULL;
}

void qmem_qmp_set_quit_handler(QmemQmpQuitFunc func, gpointer user_data)
{
    gboolean had = quit_func != NULL;

    quit_func = func;
    quit_data = user_data;
    if (func && !had) {
        qmem_qmp_register_command("quit", qmp_quit,
                                  QMEM_QMP_COMMAND_ALLOW_PRECONFIG);
    } else if (!func && had) {
        qmem_qmp_unregister_command("quit");
    }
}
