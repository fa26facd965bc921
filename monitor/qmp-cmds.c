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

static JsonNode *qmp_capabilities(JsonObject *args, GError **error)
{
    static const char *const allowed[] = { "enable", NULL };
    g_autoptr(GString) unavailable = NULL;
    JsonArray *enable = NULL;
    gboolean has_enable;
    QmpClient *client;
    guint i;

    if (!qmem_qmp_arg_array(args, "enable", &has_enable, &enable, error)) {
        return NULL;
    }
    for (i = 0; has_enable && i < json_array_get_length(enable); i++) {
        JsonNode *elt = json_array_get_element(enable, i);
        const char *cap;

        if (!qmem_json_node_holds(elt, G_TYPE_STRING)) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Invalid parameter type for 'enable[%u]', "
                        "expected: string",
                        i);
            return NULL;
        }
        /* QMPCapability has the one value "oob"; QEMU names list elements
         * of an enum "null" here. */
        cap = json_node_get_string(elt);
        if (strcmp(cap, "oob") != 0) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Parameter 'null' does not accept value '%s'", cap);
            return NULL;
        }
    }
    if (!qmem_qmp_check_args(args, allowed, error)) {
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

static JsonNode *qmp_query_version(JsonObject *args, GError **error)
{
    JsonObject *qemu, *ret;
    int major = 0, minor = 0, micro = 0;

    if (!qmem_qmp_check_args(args, NULL, error)) {
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

static JsonNode *qmp_query_commands(JsonObject *args, GError **error)
{
    JsonArray *list;
    GList *l;

    if (!qmem_qmp_check_args(args, NULL, error)) {
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

static JsonNode *qmp_human_monitor_command(JsonObject *args, GError **error)
{
    static const char *const allowed[] = { "command-line", "cpu-index",
                                           NULL };
    const char *line;
    gint64 cpu_index;
    gboolean has_cpu_index;
    JsonNode *ret;
    char *text;

    if (!qmem_qmp_arg_str(args, "command-line", NULL, &line, error) ||
        !qmem_qmp_arg_int(args, "cpu-index", &has_cpu_index, &cpu_index,
                          error) ||
        !qmem_qmp_check_args(args, allowed, error)) {
        return NULL;
    }
    text = qmem_hmp_run(line);
    ret = json_node_init_string(json_node_alloc(), text);
    g_free(text);
    return ret;
}

static JsonNode *qmp_quit(JsonObject *args, GError **error)
{
    if (!qmem_qmp_check_args(args, NULL, error)) {
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
        qmem_qmp_register_command("quit", qmp_quit, QMEM_QMP_COMMAND_NONE);
    } else if (!func && had) {
        qmem_qmp_unregister_command("quit");
    }
}

void qmem_qmp_register_builtins(void)
{
    qmem_qmp_register_command("qmp_capabilities", qmp_capabilities,
                              QMEM_QMP_COMMAND_NONE);
    qmem_qmp_register_command("query-version", qmp_query_version,
                              QMEM_QMP_COMMAND_NONE);
    qmem_qmp_register_command("query-commands", qmp_query_commands,
                              QMEM_QMP_COMMAND_NONE);
    qmem_qmp_register_command("human-monitor-command",
                              qmp_human_monitor_command,
                              QMEM_QMP_COMMAND_NONE);
}
