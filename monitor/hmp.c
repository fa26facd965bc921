/* SPDX-License-Identifier: GPL-2.0-or-later */
/* HMP: human-monitor-command's command table and line parser. */

#include <string.h>

#include "hw/core/boards.h"
#include "monitor/monitor-internal.h"
#include "util/error.h"

typedef struct {
    char *name;
    char *params;
    char *help;
    QmemHmpFunc fn;
    gboolean no_args;           /* the monitor refuses any */
    gboolean preconfig;         /* runs before the machine is ready */
} HmpCommand;

static GHashTable *hmp_commands;        /* "info memdev" -> HmpCommand */

static void hmp_command_free(gpointer p)
{
    HmpCommand *cmd = p;

    g_free(cmd->name);
    g_free(cmd->params);
    g_free(cmd->help);
    g_free(cmd);
}

static GHashTable *command_table(void)
{
    if (!hmp_commands) {
        hmp_commands = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                             hmp_command_free);
        qmem_monitor_register_hmp_commands();
    }
    return hmp_commands;
}

static HmpCommand *command_add(const char *name, QmemHmpFunc handler)
{
    GHashTable *table = command_table();
    HmpCommand *cmd;

    g_return_val_if_fail(name != NULL && handler != NULL, NULL);
    g_return_val_if_fail(!g_hash_table_contains(table, name), NULL);

    cmd = g_new0(HmpCommand, 1);
    cmd->name = g_strdup(name);
    cmd->fn = handler;
    g_hash_table_insert(table, cmd->name, cmd);
    return cmd;
}

void qmem_hmp_register(const char *name, QmemHmpFunc handler)
{
    command_add(name, handler);
}

void qmem_hmp_register_def(const HmpCommandDef *def)
{
    HmpCommand *cmd = command_add(def->name, def->fn);

    cmd->params = g_strdup(def->params);
    cmd->help = g_strdup(def->help);
    cmd->no_args = def->params == NULL;
    cmd->preconfig = def->preconfig;
}

void qmem_hmp_set_help(const char *name, const char *params,
                       const char *help)
{
    HmpCommand *cmd = g_hash_table_lookup(command_table(), name);

    g_return_if_fail(cmd != NULL);
    g_free(cmd->params);
    g_free(cmd->help);
    cmd->params = g_strdup(params);
    cmd->help = g_strdup(help);
}

/* QEMU's get_command_name(): blanks, then a name up to a blank or '/'. */
static const char *hmp_command_name(const char *p, char **name)
{
    const char *start;

    while (g_ascii_isspace(*p)) {
        p++;
    }
    if (*p == '\0') {
        return NULL;
    }
    start = p;
    while (*p && *p != '/' && !g_ascii_isspace(*p)) {
        p++;
    }
    *name = g_strndup(start, p - start);
    return p;
}

static int hmp_name_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void hmp_info_help(GString *out)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    GHashTableIter iter;
    HmpCommand *cmd;
    guint i;

    g_hash_table_iter_init(&iter, command_table());
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&cmd)) {
        if (g_str_has_prefix(cmd->name, "info ")) {
            g_ptr_array_add(names, cmd->name);
        }
    }
    g_ptr_array_sort(names, hmp_name_cmp);
    for (i = 0; i < names->len; i++) {
        cmd = g_hash_table_lookup(command_table(), names->pdata[i]);
        g_string_append_printf(out, "%s %s -- %s\n", cmd->name,
                               cmd->params ? cmd->params : "",
                               cmd->help ? cmd->help : "");
    }
}

static void hmp_execute(const char *line, GString *out)
{
    g_autofree char *name = NULL;
    g_autofree char *full = NULL;
    g_autoptr(GError) err = NULL;
    const char *p;
    HmpCommand *cmd;

    p = hmp_command_name(line, &name);
    if (!p) {
        return;
    }
    if (!strcmp(name, "info")) {
        g_autofree char *sub = NULL;

        while (g_ascii_isspace(*p)) {
            p++;
        }
        if (*p == '\0') {
            hmp_info_help(out);
            return;
        }
        p = hmp_command_name(p, &sub);
        full = g_strconcat("info ", sub, NULL);
    } else {
        full = g_strdup(name);
    }

    cmd = g_hash_table_lookup(command_table(), full);
    if (!cmd) {
        g_string_append_printf(out, "unknown command: '%.*s'\n",
                               (int)(p - line), line);
        return;
    }
    /* QEMU's cmd_available(); a machine-less program has every command. */
    if (!cmd->preconfig && qmem_machine_get_current() &&
        !qmem_phase_check(QMEM_PHASE_MACHINE_READY)) {
        g_string_append_printf(out, "Command '%.*s' not available until "
                               "machine initialization has completed.\n",
                               (int)(p - line), line);
        return;
    }
    while (g_ascii_isspace(*p)) {
        p++;
    }
    if (cmd->no_args && *p) {
        const char *end = p;

        /* QEMU's monitor_parse_arguments(), then its hint. */
        while (end > line && g_ascii_isspace(end[-1])) {
            end--;
        }
        g_string_append_printf(out, "%s: extraneous characters at the end of "
                               "line\nTry \"help %.*s\" for more "
                               "information\n",
                               g_str_has_prefix(full, "info ") ? full + 5
                                                               : full,
                               (int)(end - line), line);
        return;
    }
    if (!cmd->fn(p, out, &err)) {
        const char *hint = err ? qmem_error_get_hint(err) : NULL;

        /* HMP prints hints, as QEMU's error_report_err() does. */
        g_string_append_printf(out, "Error: %s\n%s",
                               err ? err->message : "unknown error",
                               hint ? hint : "");
    }
}

char *qmem_hmp_run(const char *command_line)
{
    g_autoptr(GString) text = g_string_new(NULL);
    GString *out;
    gsize i;

    g_return_val_if_fail(command_line != NULL, NULL);

    hmp_execute(command_line, text);
    /* QEMU's monitor puts a '\r' before every '\n'. */
    out = g_string_sized_new(text->len + 16);
    for (i = 0; i < text->len; i++) {
        if (text->str[i] == '\n') {
            g_string_append_c(out, '\r');
        }
        g_string_append_c(out, text->str[i]);
    }
    return g_string_free(out, FALSE);
}
