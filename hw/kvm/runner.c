/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qmem-run: builds a machine from QEMU's options and serves QMP. */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib-unix.h>
#include "hw/core/accel.h"
#include "hw/core/boards.h"
#include "hw/core/memory-map.h"
#include "hw/core/module.h"
#include "hw/core/qdev.h"
#include "hw/core/qom-qmp-cmds.h"
#include "hw/core/user-creatable.h"
#include "hw/mem/memory-device.h"
#include "hw/qtest/qtest.h"
#include "qapi/cutils.h"
#include "qapi/error.h"
#include "qapi/opts.h"
#include "qapi/qmp.h"
#include "qmem-config.h"

/* One option as given, kept for the messages that name it. */
typedef struct {
    const char *name;       /* without dashes */
    const char *arg;        /* NULL for options without an argument */
} RunnerOption;

typedef struct {
    GArray *options;        /* RunnerOption, in command-line order */
    gboolean start_stopped;
    GMainLoop *loop;
    QmemMachine *machine;
    QmemAccel *accel;
    GPtrArray *qmp_specs;
    QmemQtestServer *qtest;
} Runner;

static const struct {
    const char *name;
    gboolean has_arg;
} known_options[] = {
    { "S", FALSE },
    { "accel", TRUE },
    { "device", TRUE },
    { "display", TRUE },
    { "h", FALSE },
    { "help", FALSE },
    { "m", TRUE },
    { "M", TRUE },
    { "machine", TRUE },
    { "mem-path", TRUE },
    { "mem-prealloc", FALSE },
    { "nodefaults", FALSE },
    { "object", TRUE },
    { "qmp", TRUE },
    { "qtest", TRUE },
    { "smp", TRUE },
    { "version", FALSE },
};

static const char *current_location;

static void G_GNUC_NORETURN die(GError *error)
{
    const char *hint = qmem_error_get_hint(error);

    if (current_location) {
        g_printerr("qmem-run: %s: %s\n", current_location, error->message);
    } else {
        g_printerr("qmem-run: %s\n", error->message);
    }
    if (hint) {
        g_printerr("%s", hint);
    }
    g_error_free(error);
    exit(1);
}

static void G_GNUC_NORETURN G_GNUC_PRINTF(1, 2) die_msg(const char *fmt, ...)
{
    GError *error;
    va_list ap;

    va_start(ap, fmt);
    error = g_error_new_valist(QMEM_ERROR, QMEM_ERROR_GENERIC, fmt, ap);
    va_end(ap);
    die(error);
}

static void usage(void)
{
    printf("usage: qmem-run [options]\n\n"
           "  -machine TYPE[,memory-backend=ID,dump-guest-core=on|off,"
           "mem-merge=on|off]\n"
           "                        machine type (pc, q35, pc-i440fx-*, "
           "pc-q35-*); 'help' lists them\n"
           "  -m [size=]N[,slots=n,maxmem=M]\n"
           "                        boot RAM (a bare number is MiB), "
           "hot-plug slots and limit\n"
           "  -smp N                number of vCPUs\n"
           "  -object TYPE,id=ID[,prop=value...] | -object JSON\n"
           "                        create an object; 'help' lists types, "
           "TYPE,help properties\n"
           "  -device DRIVER[,prop=value...] | -device JSON\n"
           "                        add a device; 'help' lists drivers, "
           "DRIVER,help properties\n"
           "  -mem-path PATH        back boot RAM with a file in PATH\n"
           "  -mem-prealloc         preallocate every memory backend\n"
           "  -accel kvm|qtest      accelerator (default: kvm where "
           "/dev/kvm works, else qtest)\n"
           "  -qmp stdio | unix:PATH[,server=on,wait=off]\n"
           "                        serve QMP\n"
           "  -qtest stdio | unix:PATH[,server=on,wait=off]\n"
           "                        serve the qtest protocol\n"
           "  -S                    do not start vCPUs until 'cont'\n"
           "  -display none, -nodefaults\n"
           "                        accepted for QEMU compatibility\n"
           "  -version              print the version\n");
}

static void parse_command_line(Runner *r, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        RunnerOption opt = { 0 };
        gsize k;

        current_location = arg;
        if (arg[0] != '-') {
            die_msg("invalid option");
        }
        opt.name = arg + (arg[1] == '-' ? 2 : 1);
        for (k = 0; k < G_N_ELEMENTS(known_options); k++) {
            if (!strcmp(known_options[k].name, opt.name)) {
                break;
            }
        }
        if (k == G_N_ELEMENTS(known_options)) {
            die_msg("invalid option");
        }
        if (known_options[k].has_arg) {
            if (i + 1 >= argc) {
                die_msg("requires an argument");
            }
            opt.arg = argv[++i];
        }
        g_array_append_val(r->options, opt);
    }
    current_location = NULL;
}

static gboolean is_option(const RunnerOption *opt, const char *name)
{
    return !strcmp(opt->name, name);
}

/* Sets current_location to "-name arg", as QEMU's error locations read. */
static void locate(const RunnerOption *opt)
{
    static char *loc;

    g_free(loc);
    loc = opt->arg ? g_strdup_printf("-%s %s", opt->name, opt->arg)
                   : g_strdup_printf("-%s", opt->name);
    current_location = loc;
}

static JsonObject *parse_opts(const char *arg, const char *implied,
                              gboolean *help)
{
    GError *error = NULL;
    JsonObject *opts = qmem_opts_parse(arg, implied, help, &error);

    if (!opts) {
        die(error);
    }
    return opts;
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

static void print_and_exit(GString *out)
{
    fputs(out->str, stdout);
    exit(0);
}

/* QemuOpts keeps ids unique per option group before anything exists. */
static void check_duplicate_id(GHashTable *ids, JsonObject *opts,
                               const char *group)
{
    const char *id = opts_last(opts, "id");

    if (!id) {
        return;
    }
    if (g_hash_table_contains(ids, id)) {
        die_msg("Duplicate ID '%s' for %s", id, group);
    }
    g_hash_table_add(ids, g_strdup(id));
}

static void create_object(const char *arg, GHashTable *ids)
{
    g_autoptr(JsonObject) options = NULL;
    g_autoptr(GString) out = g_string_new(NULL);
    GError *error = NULL;
    gboolean help = FALSE;
    QmemInputKind kind;

    if (arg[0] == '{') {
        options = qmem_json_parse_object(arg, &error);
        kind = QMEM_INPUT_JSON;
        if (!options) {
            die(error);
        }
    } else {
        options = parse_opts(arg, "qom-type", &help);
        kind = QMEM_INPUT_OPTS;
    }
    if (help) {
        const char *type = opts_last(options, "qom-type");

        /* "-object help" asks for the list, not for a type called help. */
        if (type && (!strcmp(type, "help") || !strcmp(type, "?"))) {
            type = NULL;
        }
        if (!qmem_user_creatable_print_help(type, out)) {
            die_msg("invalid object type: %s", type);
        }
        print_and_exit(out);
    }
    if (kind == QMEM_INPUT_OPTS) {
        check_duplicate_id(ids, options, "object");
    }
    if (!qmem_user_creatable_add(options, kind, &error)) {
        die(error);
    }
}

static void add_device(const char *arg, GHashTable *ids)
{
    g_autoptr(JsonObject) options = NULL;
    g_autoptr(GString) out = g_string_new(NULL);
    GError *error = NULL;
    gboolean help = FALSE;
    QmemInputKind kind;

    if (arg[0] == '{') {
        options = qmem_json_parse_object(arg, &error);
        kind = QMEM_INPUT_JSON;
    } else {
        options = qmem_keyval_parse(arg, "driver", &help, &error);
        kind = QMEM_INPUT_KEYVAL;
    }
    if (!options) {
        die(error);
    }
    if (help) {
        const char *driver = json_object_has_member(options, "driver")
            ? json_object_get_string_member(options, "driver") : NULL;

        if (driver && (!strcmp(driver, "help") || !strcmp(driver, "?"))) {
            driver = NULL;
        }

        if (!qmem_device_print_help(driver, out)) {
            die_msg("'%s' is not a valid device model name", driver);
        }
        print_and_exit(out);
    }
    if (kind == QMEM_INPUT_KEYVAL && json_object_has_member(options, "id")) {
        const char *id = json_object_get_string_member(options, "id");

        if (g_hash_table_contains(ids, id)) {
            die_msg("Duplicate ID '%s' for device", id);
        }
        g_hash_table_add(ids, g_strdup(id));
    }
    if (!qmem_device_add(options, kind, FALSE, &error)) {
        die(error);
    }
}

/* -machine options merge, later keys winning, as QemuOpts merges them. */
static JsonObject *machine_options(Runner *r)
{
    JsonObject *merged = json_object_new();
    JsonArray *type = json_array_new();
    gboolean help = FALSE;

    json_array_add_string_element(type, "pc");
    json_object_set_array_member(merged, "type", type);
    for (guint i = 0; i < r->options->len; i++) {
        RunnerOption *opt = &g_array_index(r->options, RunnerOption, i);
        g_autoptr(JsonObject) opts = NULL;
        g_autoptr(GList) members = NULL;

        if (!is_option(opt, "machine") && !is_option(opt, "M")) {
            continue;
        }
        locate(opt);
        opts = parse_opts(opt->arg, "type", &help);
        if (help) {
            g_autoptr(GString) out = g_string_new(NULL);

            qmem_machine_print_help(out);
            print_and_exit(out);
        }
        members = json_object_get_members(opts);
        for (GList *m = members; m; m = m->next) {
            json_object_set_member(merged, m->data,
                json_node_copy(json_object_get_member(opts, m->data)));
        }
    }
    current_location = NULL;
    return merged;
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

/*
 * QEMU's start-up order: machine and its options, accelerator, objects
 * (backends take the machine's defaults), board init, devices.
 */
static void build_machine(Runner *r)
{
    g_autoptr(JsonObject) machine_opts = machine_options(r);
    g_autoptr(GHashTable) object_ids =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GHashTable) device_ids =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(JsonObject) accel_opts = NULL;
    const char *mem_path = NULL;
    gboolean mem_prealloc = FALSE;
    gboolean qtest = FALSE;
    GError *error = NULL;

    r->machine = qmem_machine_new(machine_opts, &error);
    if (!r->machine) {
        die(error);
    }

    for (guint i = 0; i < r->options->len; i++) {
        RunnerOption *opt = &g_array_index(r->options, RunnerOption, i);

        locate(opt);
        if (is_option(opt, "h") || is_option(opt, "help")) {
            usage();
            exit(0);
        } else if (is_option(opt, "version")) {
            printf("qmem-run version %s\n", QMEM_VERSION);
            exit(0);
        } else if (is_option(opt, "S")) {
            r->start_stopped = TRUE;
        } else if (is_option(opt, "m")) {
            g_autoptr(JsonObject) m = parse_opts(opt->arg, "size", NULL);

            if (!qmem_machine_set_memory(r->machine, m, &error)) {
                die(error);
            }
        } else if (is_option(opt, "smp")) {
            g_autoptr(JsonObject) smp = parse_opts(opt->arg, "cpus", NULL);
            const char *cpus = opts_last(smp, "cpus");
            guint64 n = 1;

            if (cpus && qmem_parse_uint(cpus, NULL, 0, &n) != 0) {
                die_msg("Parameter 'cpus' expects a number");
            }
            if (!qmem_machine_set_smp(r->machine, MIN(n, G_MAXUINT),
                                      &error)) {
                die(error);
            }
        } else if (is_option(opt, "accel")) {
            g_clear_pointer(&accel_opts, json_object_unref);
            accel_opts = parse_opts(opt->arg, "accel", NULL);
        } else if (is_option(opt, "display")) {
            if (strcmp(opt->arg, "none")) {
                die_msg("Display '%s' is not available.", opt->arg);
            }
        } else if (is_option(opt, "mem-path")) {
            mem_path = opt->arg;
        } else if (is_option(opt, "mem-prealloc")) {
            mem_prealloc = TRUE;
        } else if (is_option(opt, "qmp")) {
            g_ptr_array_add(r->qmp_specs, (gpointer)opt->arg);
        } else if (is_option(opt, "qtest")) {
            qtest = TRUE;
        }
    }
    current_location = NULL;
    qmem_machine_set_mem_options(r->machine, mem_path, mem_prealloc);

    /* The accelerator: "-accel NAME[,prop=value...]"; -qtest implies qtest. */
    {
        g_autofree char *name = g_strdup(
            accel_opts ? opts_last(accel_opts, "accel")
                       : qtest ? "qtest" : default_accel());

        if (accel_opts) {
            json_object_remove_member(accel_opts, "accel");
        }
        r->accel = qmem_accel_new(name, accel_opts, &error);
        if (!r->accel) {
            die(error);
        }
        qmem_accel_set_current(r->accel);
    }

    for (guint i = 0; i < r->options->len; i++) {
        RunnerOption *opt = &g_array_index(r->options, RunnerOption, i);

        if (is_option(opt, "object")) {
            locate(opt);
            create_object(opt->arg, object_ids);
        }
    }
    current_location = NULL;

    if (!qmem_machine_init_board(r->machine, &error) ||
        !qmem_accel_init_machine(r->accel,
                                 qmem_machine_get_address_space(r->machine),
                                 qmem_machine_get_smp_cpus(r->machine),
                                 &error)) {
        die(error);
    }

    for (guint i = 0; i < r->options->len; i++) {
        RunnerOption *opt = &g_array_index(r->options, RunnerOption, i);

        if (is_option(opt, "device")) {
            locate(opt);
            add_device(opt->arg, device_ids);
        } else if (is_option(opt, "qtest")) {
            locate(opt);
            g_clear_pointer(&r->qtest, qmem_qtest_server_free);
            r->qtest = qmem_qtest_server_new(
                qmem_machine_get_address_space(r->machine));
            if (!qmem_qtest_server_open(r->qtest, opt->arg, &error)) {
                die(error);
            }
        }
    }
    current_location = NULL;
    qmem_machine_set_running(r->machine);
}

static Runner *the_runner;

static gboolean on_signal(gpointer opaque)
{
    Runner *r = opaque;

    g_main_loop_quit(r->loop);
    return G_SOURCE_CONTINUE;
}

static void on_quit(gpointer opaque)
{
    Runner *r = opaque;
    g_autoptr(JsonObject) data = json_object_new();

    json_object_set_boolean_member(data, "guest", FALSE);
    json_object_set_string_member(data, "reason", "host-qmp-quit");
    qmem_qmp_emit_event("SHUTDOWN", data);
    g_main_loop_quit(r->loop);
}

static JsonNode *qmp_cont(JsonObject *args, GError **error)
{
    static const char *const allowed[] = { NULL };

    if (qmem_qmp_check_args(args, allowed, error)) {
        qmem_accel_start(the_runner->accel);
    }
    return NULL;
}

static gboolean hmp_info_mtree(const char *args, GString *out,
                               GError **error)
{
    qmem_memory_print_mtree(out);
    return TRUE;
}

static void register_commands(Runner *r)
{
    the_runner = r;
    qmem_qmp_set_quit_handler(on_quit, r);
    qmem_qmp_register_command("cont", qmp_cont, 0);
    qmem_qom_qmp_register();
    qmem_qdev_qmp_register();
    qmem_memory_device_qmp_register();
    qmem_memory_map_qmp_register();
    qmem_hmp_register("info mtree", hmp_info_mtree);
    qmem_hmp_set_help("info mtree", NULL, "show memory tree");
}

int main(int argc, char **argv)
{
    Runner r = {
        .options = g_array_new(FALSE, TRUE, sizeof(RunnerOption)),
        .qmp_specs = g_ptr_array_new(),
    };
    g_autoptr(QmemQmpServer) qmp = NULL;
    GError *error = NULL;

    if (!qmem_modules_init(&error)) {
        die(error);
    }
    parse_command_line(&r, argc, argv);

    /* Help for -object and -device needs no machine. */
    for (guint i = 0; i < r.options->len; i++) {
        RunnerOption *opt = &g_array_index(r.options, RunnerOption, i);
        g_autoptr(GHashTable) ids = g_hash_table_new_full(g_str_hash,
                                                          g_str_equal,
                                                          g_free, NULL);

        if ((is_option(opt, "object") || is_option(opt, "device")) &&
            (g_str_has_suffix(opt->arg, "help") || !strcmp(opt->arg, "?"))) {
            locate(opt);
            if (is_option(opt, "object")) {
                create_object(opt->arg, ids);
            } else {
                add_device(opt->arg, ids);
            }
        }
    }
    current_location = NULL;

    register_commands(&r);
    build_machine(&r);

    r.loop = g_main_loop_new(NULL, FALSE);
    qmp = qmem_qmp_server_new();
    for (guint i = 0; i < r.qmp_specs->len; i++) {
        g_autofree char *loc = g_strdup_printf(
            "-qmp %s", (char *)g_ptr_array_index(r.qmp_specs, i));

        current_location = loc;
        if (!qmem_qmp_server_listen(qmp, g_ptr_array_index(r.qmp_specs, i),
                                    &error)) {
            die(error);
        }
    }
    current_location = NULL;
    if (!r.start_stopped) {
        qmem_accel_start(r.accel);
    }
    g_unix_signal_add(SIGINT, on_signal, &r);
    g_unix_signal_add(SIGTERM, on_signal, &r);
    g_unix_signal_add(SIGHUP, on_signal, &r);

    g_main_loop_run(r.loop);

    /* Teardown in reverse: the guest stops before its memory goes. */
    g_clear_pointer(&qmp, qmem_qmp_server_free);
    g_clear_pointer(&r.qtest, qmem_qtest_server_free);
    qmem_accel_shutdown(r.accel);
    qmem_machine_destroy(r.machine);
    qmem_accel_set_current(NULL);
    g_clear_object(&r.accel);
    qmem_object_reset_root();
    g_main_loop_unref(r.loop);
    g_ptr_array_unref(r.qmp_specs);
    g_array_unref(r.options);
    return 0;
}
