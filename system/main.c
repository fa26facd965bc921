/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qmem-run: builds a machine from QEMU's options and serves QMP. */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib-unix.h>
#include "accel/qtest/qtest.h"
#include "hw/core/boards.h"
#include "hw/core/numa.h"
#include "hw/core/qdev.h"
#include "monitor/qmp.h"
#include "qapi/opts.h"
#include "qapi/qmp-event.h"
#include "qmem-config.h"
#include "qobject/json.h"
#include "qom/module.h"
#include "qom/user-creatable.h"
#include "system/accel.h"
#include "system/main-internal.h"
#include "util/chardev.h"
#include "util/cutils.h"
#include "util/error-report.h"
#include "util/error.h"

typedef struct {
    GArray *options;        /* RunnerOption, in command-line order */
    gboolean start_stopped;
    GMainLoop *loop;
    QmemMachine *machine;
    QmemAccel *accel;
    char *machine_accel;    /* -machine accel=, a ':'-separated list */
    QmemQtestServer *qtest;
    QmemQmpServer *qmp;

    GString *help;          /* help text to print instead of running */
} Runner;

static const struct {
    const char *name;
    gboolean has_arg;
} known_options[] = {
    { "S", FALSE },
    { "accel", TRUE },
    { "audio", TRUE },
    { "chardev", TRUE },
    { "device", TRUE },
    { "display", TRUE },
    { "h", FALSE },
    { "help", FALSE },
    { "m", TRUE },
    { "M", TRUE },
    { "machine", TRUE },
    { "mem-path", TRUE },
    { "mem-prealloc", FALSE },
    { "mon", TRUE },
    { "nodefaults", FALSE },
    { "numa", TRUE },
    { "object", TRUE },
    { "qmp", TRUE },
    { "qtest", TRUE },
    { "qtest-log", TRUE },
    { "run-with", TRUE },
    { "smp", TRUE },
    { "trace", TRUE },
    { "version", FALSE },
};

static const char usage_text[] =
    "usage: qmem-run [options]\n\n"
    "  -machine TYPE[,memory-backend=ID,dump-guest-core=on|off,"
    "mem-merge=on|off]\n"
    "                        machine type (pc, q35, pc-i440fx-*, "
    "pc-q35-*); 'help' lists them\n"
    "  -m [size=]N[,slots=n,maxmem=M]\n"
    "                        boot RAM (a bare number is MiB), "
    "hot-plug slots and limit\n"
    "  -smp [cpus=]N[,sockets=S,dies=D,cores=C,threads=T,maxcpus=M]\n"
    "                        vCPUs and their topology\n"
    "  -numa node[,nodeid=N,cpus=A[-B],memdev=ID] | dist,src=N,dst=M,val=D\n"
    "        | cpu,node-id=N[,socket-id=S,core-id=C,thread-id=T]\n"
    "                        NUMA nodes, distances and CPU mapping\n"
    "  -object TYPE,id=ID[,prop=value...] | -object JSON\n"
    "                        create an object; 'help' lists types, "
    "TYPE,help properties\n"
    "  -device DRIVER[,prop=value...] | -device JSON\n"
    "                        add a device; 'help' lists drivers, "
    "DRIVER,help properties\n"
    "  -mem-path PATH        back boot RAM with a file in PATH\n"
    "  -mem-prealloc         preallocate every memory backend\n"
    "  -accel kvm|qtest      accelerator (default: kvm where "
    "/dev/kvm works, else qtest);\n"
    "                        the first that exists of several\n"
    "  -chardev socket,id=ID,path=PATH|fd=N[,server=on[,wait=off]]\n"
    "        | stdio,id=ID | null,id=ID\n"
    "                        a character device for -mon and -qtest\n"
    "  -mon [chardev=]ID[,mode=control[,pretty=on]|readline]\n"
    "                        serve QMP (or HMP, the default) on a "
    "-chardev\n"
    "  -qmp stdio | unix:PATH[,server=on,wait=off]\n"
    "                        serve QMP\n"
    "  -qtest stdio | unix:PATH[,server=on,wait=off] | chardev:ID\n"
    "                        serve the qtest protocol\n"
    "  -qtest-log FILE|none  log qtest traffic (default: stderr)\n"
    "  -S                    do not start vCPUs until 'cont'\n"
    "  -display none, -nodefaults, -audio none, -trace PATTERN,\n"
    "  -run-with exit-with-parent=on\n"
    "                        accepted for QEMU compatibility\n"
    "  -version              print the version\n";

/*
 * Every step returns FALSE with an error, having set the location
 * (qmem_loc_set()) to the option it is about; only main() prints and
 * exits, after tearing down whatever was built (so that leak checkers see
 * nothing left).  A step that
 * answers a help request fills r->help and returns TRUE.
 */

static gboolean fail(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static gboolean fail(GError **error, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_propagate_error(error, g_error_new_valist(QMEM_ERROR,
                                                QMEM_ERROR_GENERIC, fmt, ap));
    va_end(ap);
    return FALSE;
}

void qmem_runner_locate(const RunnerOption *opt)
{
    g_autofree char *loc = !opt ? NULL :
        opt->arg ? g_strdup_printf("-%s %s", opt->name, opt->arg)
                 : g_strdup_printf("-%s", opt->name);

    qmem_loc_set(loc);
}

static void locate(Runner *r, const RunnerOption *opt)
{
    qmem_runner_locate(opt);
}

static gboolean parse_command_line(Runner *r, int argc, char **argv,
                                   GError **error)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        RunnerOption opt = { 0 };
        gsize k;

        qmem_loc_set(arg);
        if (arg[0] != '-') {
            return fail(error, "invalid option");
        }
        opt.name = arg + (arg[1] == '-' ? 2 : 1);
        for (k = 0; k < G_N_ELEMENTS(known_options); k++) {
            if (!strcmp(known_options[k].name, opt.name)) {
                break;
            }
        }
        if (k == G_N_ELEMENTS(known_options)) {
            return fail(error, "invalid option");
        }
        if (known_options[k].has_arg) {
            if (i + 1 >= argc) {
                return fail(error, "requires an argument");
            }
            opt.arg = argv[++i];
        }
        g_array_append_val(r->options, opt);
    }
    locate(r, NULL);
    return TRUE;
}

static gboolean is_option(const RunnerOption *opt, const char *name)
{
    return !strcmp(opt->name, name);
}

/* The last value of an OPTS key, or NULL. */
static const char *opts_last(JsonObject *opts, const char *key)
{
    JsonArray *values;

    if (!json_object_has_member(opts, key)) {
        return NULL;
    }
    values = json_object_get_array_member(opts, key);
    return json_array_get_string_element(values,
                                         json_array_get_length(values) - 1);
}

/* "help" and "?" in the type's place ask for the list of types. */
static const char *help_subject(const char *type)
{
    return type && strcmp(type, "help") && strcmp(type, "?") ? type : NULL;
}

/* QemuOpts keeps ids unique per option group before anything exists. */
static gboolean check_duplicate_id(GHashTable *ids, const char *id,
                                   const char *group, GError **error)
{
    if (!id) {
        return TRUE;
    }
    if (g_hash_table_contains(ids, id)) {
        return fail(error, "Duplicate ID '%s' for %s", id, group);
    }
    g_hash_table_add(ids, g_strdup(id));
    return TRUE;
}

static gboolean create_object(Runner *r, const char *arg, GHashTable *ids,
                              GError **error)
{
    g_autoptr(JsonObject) options = NULL;
    gboolean help = FALSE;
    QmemInputKind kind;

    if (arg[0] == '{') {
        options = qmem_json_parse_object(arg, error);
        kind = QMEM_INPUT_JSON;
    } else {
        options = qmem_opts_parse(arg, "qom-type", &help, error);
        kind = QMEM_INPUT_OPTS;
    }
    if (!options) {
        return FALSE;
    }
    if (help) {
        const char *type = help_subject(opts_last(options, "qom-type"));

        r->help = g_string_new(NULL);
        return qmem_user_creatable_print_help(type, r->help) ||
               fail(error, "invalid object type: %s", type);
    }
    if (kind == QMEM_INPUT_OPTS &&
        !check_duplicate_id(ids, opts_last(options, "id"), "object", error)) {
        return FALSE;
    }
    return qmem_user_creatable_add(options, kind, error) != NULL;
}

static gboolean add_device(Runner *r, const char *arg, GHashTable *ids,
                           GError **error)
{
    g_autoptr(JsonObject) options = NULL;
    gboolean help = FALSE;
    QmemInputKind kind;

    if (arg[0] == '{') {
        options = qmem_json_parse_object(arg, error);
        kind = QMEM_INPUT_JSON;
    } else {
        options = qmem_keyval_parse(arg, "driver", &help, error);
        kind = QMEM_INPUT_KEYVAL;
    }
    if (!options) {
        return FALSE;
    }
    if (help) {
        const char *driver = help_subject(
            json_object_has_member(options, "driver")
                ? json_object_get_string_member(options, "driver") : NULL);

        r->help = g_string_new(NULL);
        return qmem_device_print_help(driver, r->help) ||
               fail(error, "'%s' is not a valid device model name", driver);
    }
    if (kind == QMEM_INPUT_KEYVAL &&
        !check_duplicate_id(ids,
                            json_object_has_member(options, "id")
                                ? json_object_get_string_member(options, "id")
                                : NULL,
                            "device", error)) {
        return FALSE;
    }
    return qmem_device_add(options, kind, FALSE, error) != NULL;
}

/* -machine options merge, later keys winning, as QemuOpts merges them. */
static JsonObject *machine_options(Runner *r, GError **error)
{
    g_autoptr(JsonObject) merged = json_object_new();
    JsonArray *type = json_array_new();

    json_array_add_string_element(type, "pc");
    json_object_set_array_member(merged, "type", type);
    for (guint i = 0; i < r->options->len; i++) {
        RunnerOption *opt = &g_array_index(r->options, RunnerOption, i);
        g_autoptr(JsonObject) opts = NULL;
        g_autoptr(GList) members = NULL;
        gboolean help = FALSE;

        if (!is_option(opt, "machine") && !is_option(opt, "M")) {
            continue;
        }
        locate(r, opt);
        opts = qmem_opts_parse(opt->arg, "type", &help, error);
        if (!opts) {
            return NULL;
        }
        if (help) {
            r->help = g_string_new(NULL);
            qmem_machine_print_help(r->help);
            return NULL;
        }
        members = json_object_get_members(opts);
        for (GList *m = members; m; m = m->next) {
            json_object_set_member(merged, m->data,
                json_node_copy(json_object_get_member(opts, m->data)));
        }
    }
    locate(r, NULL);
    /* QEMU's -machine accel= is sugar for -accel options. */
    if (json_object_has_member(merged, "accel")) {
        r->machine_accel = g_strdup(opts_last(merged, "accel"));
        json_object_remove_member(merged, "accel");
    }
    return g_steal_pointer(&merged);
}

static const char *default_accel(void)
{
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

    if (fd < 0) {
        return "qtest";
    }
    close(fd);
    return "kvm";
}

/* Options that set up the machine before anything is created. */
static gboolean apply_machine_options(Runner *r, gboolean *qtest,
                                      GError **error)
{
    const char *mem_path = NULL;
    gboolean mem_prealloc = FALSE;
    g_autoptr(JsonObject) smp_opts = json_object_new();
    QmemSmpConfig smp_config;

    for (guint i = 0; i < r->options->len; i++) {
        RunnerOption *opt = &g_array_index(r->options, RunnerOption, i);

        locate(r, opt);
        if (is_option(opt, "S")) {
            r->start_stopped = TRUE;
        } else if (is_option(opt, "m")) {
            g_autoptr(JsonObject) m = qmem_opts_parse(opt->arg, "size", NULL,
                                                      error);

            if (!m || !qmem_machine_set_memory(r->machine, m, error)) {
                return FALSE;
            }
        } else if (is_option(opt, "smp")) {
            /* QEMU merges every -smp into the machine's "smp" property. */
            g_autoptr(JsonObject) smp = qmem_keyval_parse(opt->arg, "cpus",
                                                          NULL, error);
            g_autoptr(GList) members = NULL;

            if (!smp) {
                return FALSE;
            }
            members = json_object_get_members(smp);
            for (GList *m = members; m; m = m->next) {
                json_object_set_member(smp_opts, m->data, json_node_copy(
                    json_object_get_member(smp, m->data)));
            }
        } else if (is_option(opt, "display")) {
            if (strcmp(opt->arg, "none")) {
                return fail(error, "Display '%s' is not available.",
                            opt->arg);
            }
        } else if (is_option(opt, "mem-path")) {
            mem_path = opt->arg;
        } else if (is_option(opt, "mem-prealloc")) {
            mem_prealloc = TRUE;
        } else if (is_option(opt, "qtest")) {
            *qtest = TRUE;
        }
    }
    locate(r, NULL);
    if (!qmem_smp_config_from_keyval(smp_opts, &smp_config, error) ||
        !qmem_machine_set_smp_config(r->machine, &smp_config, error)) {
        return FALSE;
    }
    qmem_machine_set_mem_options(r->machine, mem_path, mem_prealloc);
    return TRUE;
}

static gboolean accel_exists(const char *name)
{
    g_autofree char *type_name = g_strdup_printf("%s-accel", name);
    GType type = qmem_type_from_name(type_name);

    return type && g_type_is_a(type, QMEM_TYPE_ACCEL) &&
           !G_TYPE_IS_ABSTRACT(type);
}

/*
 * QEMU reports each accelerator that does not exist and goes on to the
 * next; the report of the last one is held back, to be the error if none
 * is left.
 */
static void invalid_accel(const char *name, gboolean qtest,
                          GError **pending, char **pending_loc)
{
    g_autofree char *loc = g_strdup(qmem_loc_get());

    if (*pending) {
        qmem_loc_set(*pending_loc);
        qmem_error_report_err(*pending);
        g_clear_error(pending);
        qmem_loc_set(loc);
    }
    /* Under -qtest QEMU is silent about kvm. */
    if (qtest && !strcmp(name, "kvm")) {
        return;
    }
    g_free(*pending_loc);
    *pending_loc = g_steal_pointer(&loc);
    g_set_error(pending, QMEM_ERROR, QMEM_ERROR_GENERIC,
                "invalid accelerator %s", name);
}

static gboolean try_accel(Runner *r, const char *name, JsonObject *props,
                          gboolean qtest, GError **pending,
                          char **pending_loc, GError **error)
{
    if (!accel_exists(name)) {
        invalid_accel(name, qtest, pending, pending_loc);
        return TRUE;
    }
    r->accel = qmem_accel_new(name, props, error);
    return r->accel != NULL;
}

/*
 * QEMU's configure_accelerators(): the first of the -accel options whose
 * accelerator exists (or of "-machine accel=A:B", not both), by default
 * kvm where /dev/kvm works, qtest under -qtest.
 */
static gboolean create_accel(Runner *r, gboolean qtest, GError **error)
{
    g_autoptr(GError) pending = NULL;
    g_autofree char *pending_loc = NULL;
    gboolean have_accel_option = FALSE;

    for (guint i = 0; i < r->options->len && !r->accel; i++) {
        RunnerOption *opt = &g_array_index(r->options, RunnerOption, i);
        g_autoptr(JsonObject) props = NULL;
        g_autofree char *name = NULL;

        if (!is_option(opt, "accel")) {
            continue;
        }
        have_accel_option = TRUE;
        if (r->machine_accel) {
            locate(r, NULL);
            return fail(error, "The -accel and \"-machine accel=\" options "
                        "are incompatible");
        }
        locate(r, opt);
        props = qmem_opts_parse(opt->arg, "accel", NULL, error);
        if (!props) {
            return FALSE;
        }
        name = g_strdup(opts_last(props, "accel"));
        if (!name) {
            return fail(error, "Parameter 'accel' is missing");
        }
        json_object_remove_member(props, "accel");
        if (!try_accel(r, name, props, qtest, &pending, &pending_loc,
                       error)) {
            return FALSE;
        }
    }
    locate(r, NULL);
    if (!have_accel_option) {
        g_auto(GStrv) names = g_strsplit(
            r->machine_accel ? r->machine_accel
                             : qtest ? "qtest" : default_accel(), ":", -1);

        for (guint i = 0; names[i] && !r->accel; i++) {
            if (!try_accel(r, names[i], NULL, qtest, &pending, &pending_loc,
                           error)) {
                return FALSE;
            }
        }
    }
    if (!r->accel) {
        qmem_loc_set(pending_loc);
        if (!pending) {
            return fail(error, "no accelerator found");
        }
        g_propagate_error(error, g_steal_pointer(&pending));
        return FALSE;
    }
    if (pending) {
        qmem_loc_set(pending_loc);
        qmem_error_report_err(pending);
        qmem_loc_set(NULL);
        /* QEMU's current_accel_name(): its AccelClass names. */
        if (!qtest) {
            qmem_error_report("falling back to %s",
                              qmem_accel_get_kind(r->accel) ==
                              QMEM_ACCEL_KIND_KVM ? "KVM" : "qtest");
        }
    }
    qmem_accel_set_current(r->accel);
    return TRUE;
}

/*
 * QEMU's start-up order: machine and its options, accelerator, objects
 * (backends take the machine's defaults), board init, devices.
 */
static gboolean build_machine(Runner *r, GError **error)
{
    g_autoptr(JsonObject) machine_opts = NULL;
    g_autoptr(GHashTable) object_ids =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GHashTable) device_ids =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    gboolean qtest = FALSE;

    machine_opts = machine_options(r, error);
    if (!machine_opts) {
        return r->help != NULL;
    }
    r->machine = qmem_machine_new(machine_opts, error);
    if (!r->machine || !apply_machine_options(r, &qtest, error) ||
        !qmem_runner_create_chardevs(r->options, error) ||
        !create_accel(r, qtest, error)) {
        return FALSE;
    }

    for (guint i = 0; i < r->options->len; i++) {
        RunnerOption *opt = &g_array_index(r->options, RunnerOption, i);

        if (is_option(opt, "object")) {
            locate(r, opt);
            if (!create_object(r, opt->arg, object_ids, error)) {
                return FALSE;
            }
        }
    }
    /* -numa needs the backends and the topology; board init completes it. */
    for (guint i = 0; i < r->options->len; i++) {
        RunnerOption *opt = &g_array_index(r->options, RunnerOption, i);
        g_autoptr(JsonObject) numa = NULL;

        if (is_option(opt, "numa")) {
            locate(r, opt);
            numa = qmem_opts_parse(opt->arg, "type", NULL, error);
            if (!numa || !qmem_numa_set_options(r->machine, numa, error)) {
                return FALSE;
            }
        }
    }
    locate(r, NULL);

    if (!qmem_machine_init_board(r->machine, error) ||
        !qmem_accel_init_machine(r->accel,
                                 qmem_machine_get_address_space(r->machine),
                                 qmem_machine_get_smp_cpus(r->machine),
                                 error)) {
        return FALSE;
    }

    for (guint i = 0; i < r->options->len; i++) {
        RunnerOption *opt = &g_array_index(r->options, RunnerOption, i);

        if (is_option(opt, "device")) {
            locate(r, opt);
            if (!add_device(r, opt->arg, device_ids, error)) {
                return FALSE;
            }
        }
    }
    locate(r, NULL);
    if (!qmem_runner_start_qtest(r->options, r->machine, &r->qtest, error)) {
        return FALSE;
    }
    qmem_machine_set_running(r->machine);
    return TRUE;
}

/* What -h, -version and the help requests of -object/-device print. */
static gboolean early_exit_options(Runner *r, GError **error)
{
    for (guint i = 0; i < r->options->len && !r->help; i++) {
        RunnerOption *opt = &g_array_index(r->options, RunnerOption, i);
        g_autoptr(GHashTable) ids = g_hash_table_new_full(g_str_hash,
                                                          g_str_equal,
                                                          g_free, NULL);
        gboolean asks_help = opt->arg && (g_str_has_suffix(opt->arg, "help") ||
                                          !strcmp(opt->arg, "?"));

        locate(r, opt);
        if (is_option(opt, "h") || is_option(opt, "help")) {
            r->help = g_string_new(usage_text);
        } else if (is_option(opt, "version")) {
            r->help = g_string_new("qmem-run version " QMEM_VERSION "\n");
        } else if (is_option(opt, "object") && asks_help) {
            if (!create_object(r, opt->arg, ids, error)) {
                return FALSE;
            }
        } else if (is_option(opt, "device") && asks_help) {
            if (!add_device(r, opt->arg, ids, error)) {
                return FALSE;
            }
        }
    }
    locate(r, NULL);
    return r->help || qmem_runner_check_backends(r->options, &r->help, error);
}

static gboolean on_signal(gpointer opaque)
{
    Runner *r = opaque;

    g_main_loop_quit(r->loop);
    return G_SOURCE_CONTINUE;
}

static void on_quit(gpointer opaque)
{
    Runner *r = opaque;

    qmem_qapi_event_send_shutdown(FALSE, "host-qmp-quit");
    g_main_loop_quit(r->loop);
}

static gboolean start_monitors(Runner *r, GError **error)
{
    r->qmp = qmem_qmp_server_new();
    return qmem_runner_start_monitors(r->options, r->qmp, error);
}

/* Teardown in reverse: the guest stops before its memory goes. */
static void runner_teardown(Runner *r)
{
    g_clear_pointer(&r->qmp, qmem_qmp_server_free);
    g_clear_pointer(&r->qtest, qmem_qtest_server_free);
    qmem_chardev_free_all();
    if (r->accel) {
        qmem_accel_shutdown(r->accel);
    }
    if (r->machine) {
        qmem_machine_destroy(r->machine);
    }
    qmem_accel_set_current(NULL);
    g_clear_object(&r->accel);
    qmem_object_reset_root();
    g_clear_pointer(&r->loop, g_main_loop_unref);
    g_free(r->machine_accel);
    g_array_unref(r->options);
    qmem_loc_set(NULL);
    if (r->help) {
        g_string_free(r->help, TRUE);
    }
}

int main(int argc, char **argv)
{
    Runner r = {
        .options = g_array_new(FALSE, TRUE, sizeof(RunnerOption)),
    };
    g_autoptr(GError) error = NULL;
    int status = 0;

    g_set_prgname(argv[0]);
    qmem_qmp_set_quit_handler(on_quit, &r);
    if (qmem_modules_init(&error) &&
        parse_command_line(&r, argc, argv, &error) &&
        early_exit_options(&r, &error) &&
        (r.help || build_machine(&r, &error)) &&
        (r.help || start_monitors(&r, &error))) {
        if (r.help) {
            fputs(r.help->str, stdout);
        } else {
            if (!r.start_stopped) {
                qmem_accel_start(r.accel);
            }
            r.loop = g_main_loop_new(NULL, FALSE);
            g_unix_signal_add(SIGINT, on_signal, &r);
            g_unix_signal_add(SIGTERM, on_signal, &r);
            g_unix_signal_add(SIGHUP, on_signal, &r);
            g_main_loop_run(r.loop);
        }
    } else {
        qmem_error_report_err(error);
        status = 1;
    }
    runner_teardown(&r);
    return status;
}
