/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qmem-run's chardevs, monitors and qtest server (QEMU's vl.c backends). */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#include "monitor/monitor.h"
#include "qapi/opts.h"
#include "system/main-internal.h"
#include "util/chardev.h"
#include "util/error-report.h"
#include "util/error.h"

/* QemuOpts keeps ids unique per option group. */
static gboolean check_duplicate_id(GHashTable *ids, JsonObject *opts,
                                   const char *group, GError **error)
{
    const char *id = qmem_opts_get_last(opts, "id");

    if (!id) {
        return TRUE;
    }
    if (g_hash_table_contains(ids, id)) {
        return qmem_error_fail(error, "Duplicate ID '%s' for %s", id, group);
    }
    g_hash_table_add(ids, g_strdup(id));
    return TRUE;
}

static gboolean check_chardev(const char *arg, GHashTable *ids,
                              GString **help, GError **error)
{
    gboolean asks_help = FALSE;
    g_autoptr(JsonObject) opts = qmem_opts_parse(arg, "backend", &asks_help,
                                                 error);

    if (!opts) {
        return FALSE;
    }
    if (asks_help) {
        const char *backend = qmem_opts_get_last(opts, "backend");

        /* "-chardev help" lists backends, "-chardev socket,help" options. */
        *help = g_string_new(NULL);
        qmem_chardev_print_help(backend && strcmp(backend, "help") &&
                                strcmp(backend, "?"), *help);
        return TRUE;
    }
    return check_duplicate_id(ids, opts, "chardev", error) &&
           qmem_chardev_check_opts(opts, error);
}

static gboolean check_mon(const char *arg, GHashTable *ids, GError **error)
{
    g_autoptr(JsonObject) opts = qmem_opts_parse(arg, "chardev", NULL,
                                                 error);

    return opts && check_duplicate_id(ids, opts, "mon", error) &&
           qmem_monitor_check_opts(opts, error);
}

/*
 * QEMU's -trace: qmem has no trace events, so a name (not a '*' pattern)
 * gets QEMU's warning that it does not exist; "help" lists none.
 */
static void trace_enable(const char *name, GString **help)
{
    const char *event = name[0] == '-' ? name + 1 : name;

    if (!strcmp(name, "help") || !strcmp(name, "?")) {
        *help = g_string_new(NULL);
    } else if (!strchr(event, '*')) {
        qmem_warn_report("trace event '%s' does not exist", event);
    }
}

static gboolean trace_events_file(const char *path, GString **help,
                                  GError **error)
{
    g_autofree char *contents = NULL;
    g_auto(GStrv) lines = NULL;
    FILE *f = fopen(path, "r");
    gsize len;

    if (!f) {
        int err = errno;

        qmem_loc_set(path);
        return qmem_error_fail(error, "%s", g_strerror(err));
    }
    fclose(f);
    if (!g_file_get_contents(path, &contents, &len, NULL)) {
        qmem_loc_set(path);
        return qmem_error_fail(error, "%s", g_strerror(EIO));
    }
    lines = g_strsplit(contents, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        g_autofree char *loc = g_strdup_printf("%s:%u", path, i + 1);

        if (lines[i][0] && lines[i][0] != '#') {
            qmem_loc_set(loc);
            trace_enable(lines[i], help);
        }
    }
    return TRUE;
}

static gboolean check_trace(const RunnerOption *opt, GString **help,
                            GError **error)
{
    static const char *const keys[] = { "enable", "events", "file", NULL };
    g_autoptr(JsonObject) opts = qmem_opts_parse(opt->arg, "enable", NULL,
                                                 error);

    if (!opts) {
        return FALSE;
    }
    if (!qmem_opts_check_keys(opts, keys, error)) {
        return FALSE;
    }
    if (qmem_opts_get_last(opts, "enable")) {
        trace_enable(qmem_opts_get_last(opts, "enable"), help);
    }
    if (qmem_opts_get_last(opts, "events") &&
        !trace_events_file(qmem_opts_get_last(opts, "events"), help, error)) {
        return FALSE;
    }
    qmem_runner_locate(opt);
    return TRUE;
}

/* QEMU 8.2's -audio, which QEMU 10's libqtest passes as "-audio none". */
static gboolean check_audio(const char *arg, GString **help, GError **error)
{
    gboolean asks_help = FALSE;
    g_autoptr(JsonObject) opts = qmem_keyval_parse(arg, "driver", &asks_help,
                                                   error);
    g_autoptr(GList) members = NULL;
    const char *driver;

    if (!opts) {
        return FALSE;
    }
    if (asks_help) {
        *help = g_string_new("Available audio drivers:\nnone\n");
        return TRUE;
    }
    driver = json_object_has_member(opts, "driver") ?
             json_object_get_string_member(opts, "driver") : NULL;
    if (!driver) {
        return qmem_error_fail(error, "Parameter 'driver' is missing");
    }
    if (strcmp(driver, "none")) {
        return qmem_error_fail(error,
                               "Parameter 'driver' does not accept value '%s'",
                               driver);
    }
    members = json_object_get_members(opts);
    for (GList *m = members; m; m = m->next) {
        if (!strcmp(m->data, "model")) {
            return qmem_error_fail(error, "sound card '%s' is not supported",
                                   json_object_get_string_member(opts,
                                                                 "model"));
        }
        if (strcmp(m->data, "driver") && strcmp(m->data, "id")) {
            return qmem_error_fail(error, "Parameter '%s' is unexpected",
                                   (const char *)m->data);
        }
    }
    return TRUE;
}

/* QEMU 10's -run-with exit-with-parent=on, which libqtest passes. */
static gboolean check_run_with(const char *arg, GError **error)
{
    static const char *const qemu_keys[] = { "async-teardown", "chroot",
                                             "user", NULL };
    g_autoptr(JsonObject) opts = qmem_opts_parse(arg, NULL, NULL, error);
    g_autoptr(GList) members = NULL;
    const char *exit_with_parent;

    if (!opts) {
        return FALSE;
    }
    members = json_object_get_members(opts);
    for (GList *m = members; m; m = m->next) {
        if (g_strv_contains(qemu_keys, m->data)) {
            return qmem_error_fail(error, "'%s' is not supported by qmem-run",
                                   (const char *)m->data);
        }
        if (strcmp(m->data, "exit-with-parent")) {
            return qmem_error_fail(error, "Invalid parameter '%s'",
                                   (const char *)m->data);
        }
    }
    exit_with_parent = qmem_opts_get_last(opts, "exit-with-parent");
    if (!exit_with_parent) {
        return TRUE;
    }
    if (!strcmp(exit_with_parent, "on")) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
    } else if (strcmp(exit_with_parent, "off")) {
        return qmem_error_fail(
            error, "Parameter 'exit-with-parent' expects 'on' or 'off'");
    }
    return TRUE;
}

gboolean qmem_runner_check_backends(GArray *options, GString **help,
                                    GError **error)
{
    g_autoptr(GHashTable) chardev_ids =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GHashTable) mon_ids =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    gboolean ok = TRUE;

    for (guint i = 0; i < options->len && ok && !*help; i++) {
        RunnerOption *opt = &g_array_index(options, RunnerOption, i);

        qmem_runner_locate(opt);
        if (qmem_runner_is_option(opt, "chardev")) {
            ok = check_chardev(opt->arg, chardev_ids, help, error);
        } else if (qmem_runner_is_option(opt, "mon")) {
            ok = check_mon(opt->arg, mon_ids, error);
        } else if (qmem_runner_is_option(opt, "trace")) {
            ok = check_trace(opt, help, error);
        } else if (qmem_runner_is_option(opt, "audio")) {
            ok = check_audio(opt->arg, help, error);
        } else if (qmem_runner_is_option(opt, "run-with")) {
            ok = check_run_with(opt->arg, error);
        }
    }
    if (ok) {
        qmem_runner_locate(NULL);
    }
    return ok;
}

gboolean qmem_runner_create_chardevs(GArray *options, GError **error)
{
    for (guint i = 0; i < options->len; i++) {
        RunnerOption *opt = &g_array_index(options, RunnerOption, i);
        g_autoptr(JsonObject) opts = NULL;

        if (!qmem_runner_is_option(opt, "chardev")) {
            continue;
        }
        qmem_runner_locate(opt);
        opts = qmem_opts_parse(opt->arg, "backend", NULL, error);
        if (!opts || !qmem_chardev_new_from_opts(opts, error)) {
            return FALSE;
        }
    }
    qmem_runner_locate(NULL);
    return TRUE;
}

gboolean qmem_runner_start_monitors(GArray *options, QmemQmpServer *qmp,
                                    GError **error)
{
    for (guint i = 0; i < options->len; i++) {
        RunnerOption *opt = &g_array_index(options, RunnerOption, i);
        g_autoptr(JsonObject) opts = NULL;

        if (qmem_runner_is_option(opt, "qmp")) {
            qmem_runner_locate(opt);
            if (!qmem_qmp_server_listen(qmp, opt->arg, error)) {
                return FALSE;
            }
        } else if (qmem_runner_is_option(opt, "mon")) {
            qmem_runner_locate(opt);
            opts = qmem_opts_parse(opt->arg, "chardev", NULL, error);
            if (!opts || !qmem_monitor_init_opts(opts, qmp, error)) {
                return FALSE;
            }
        }
    }
    qmem_runner_locate(NULL);
    return TRUE;
}

gboolean qmem_runner_start_qtest(GArray *options, QmemMachine *machine,
                                 QmemQtestServer **qtest, GError **error)
{
    const RunnerOption *spec = NULL;
    const char *log = NULL;
    g_autoptr(GError) err = NULL;

    for (guint i = 0; i < options->len; i++) {
        RunnerOption *opt = &g_array_index(options, RunnerOption, i);

        if (qmem_runner_is_option(opt, "qtest")) {
            spec = opt;
        } else if (qmem_runner_is_option(opt, "qtest-log")) {
            log = opt->arg;
        }
    }
    *qtest = NULL;
    if (!spec) {
        return TRUE;
    }
    *qtest = qmem_qtest_server_new(qmem_machine_get_address_space(machine));
    qmem_qtest_server_set_io_address_space(
        *qtest, qmem_machine_get_io_address_space(machine));
    /* Without -qtest-log QEMU logs to stderr. */
    qmem_qtest_server_set_log(*qtest, log);
    /*
     * QEMU reports a -qtest it cannot open in two messages that name no
     * option: the chardev's reason, then its own.
     */
    qmem_runner_locate(NULL);
    if (!qmem_qtest_server_open(*qtest, spec->arg, &err)) {
        if (!g_str_has_prefix(err->message,
                              "Failed to initialize device for qtest")) {
            qmem_error_report("%s", err->message);
        }
        return qmem_error_fail(error,
                               "Failed to initialize device for qtest: \"%s\"",
                               spec->arg);
    }
    return TRUE;
}

/* The last argument of option @name, or NULL. */
static const char *last_option_arg(GArray *options, const char *name)
{
    const char *arg = NULL;

    for (guint i = 0; i < options->len; i++) {
        RunnerOption *opt = &g_array_index(options, RunnerOption, i);

        if (qmem_runner_is_option(opt, name)) {
            arg = opt->arg ? opt->arg : "";
        }
    }
    return arg;
}

/*
 * QEMU's qemu_validate_options() for --preconfig: it cannot go with a
 * snapshot to load or (but deferred) an incoming migration.  qmem-run
 * takes -loadvm only to refuse it.
 */
gboolean qmem_runner_validate_options(GArray *options, GError **error)
{
    const char *loadvm = last_option_arg(options, "loadvm");
    const char *incoming = last_option_arg(options, "incoming");
    gboolean preconfig = last_option_arg(options, "preconfig") != NULL;

    if (loadvm && incoming) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "'incoming' and 'loadvm' options are mutually "
                            "exclusive");
        return FALSE;
    }
    if (loadvm && preconfig) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "'preconfig' and 'loadvm' options are mutually "
                            "exclusive");
        return FALSE;
    }
    if (incoming && preconfig && strcmp(incoming, "defer")) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "'preconfig' supports '-incoming defer' only");
        return FALSE;
    }
    if (loadvm) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "-loadvm is not supported: qmem-run loads no "
                            "snapshot at start-up");
        return FALSE;
    }
    return TRUE;
}
