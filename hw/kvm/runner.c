/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qmem-run: builds a machine from QEMU's options and serves QMP. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib-unix.h>
#include "backends/hostmem.h"
#include "hw/core/module.h"
#include "hw/core/qom-qmp-cmds.h"
#include "hw/core/user-creatable.h"
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
    guint smp_cpus;
    gboolean start_stopped;
    GPtrArray *qmp_specs;
    GMainLoop *loop;
    int exit_status;
} Runner;

static const struct {
    const char *name;
    gboolean has_arg;
} known_options[] = {
    { "S", FALSE },
    { "accel", TRUE },
    { "display", TRUE },
    { "m", TRUE },
    { "machine", TRUE },
    { "M", TRUE },
    { "nodefaults", FALSE },
    { "object", TRUE },
    { "qmp", TRUE },
    { "smp", TRUE },
    { "version", FALSE },
    { "h", FALSE },
    { "help", FALSE },
};

static const char *current_location;

/* Only main prints and exits: every failure funnels through here. */
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
           "  -machine TYPE[,prop=value...]   machine type and properties\n"
           "  -m [size=]N[,slots=n,maxmem=M]  boot RAM (a number is MiB)\n"
           "  -smp N                           number of vCPUs\n"
           "  -object TYPE,id=ID[,prop=value...] | -object JSON\n"
           "                                   create an object; "
           "'-object help' lists types,\n"
           "                                   "
           "'-object TYPE,help' their properties\n"
           "  -accel qtest                     accelerator\n"
           "  -qmp stdio | unix:PATH,server=on,wait=off\n"
           "                                   serve QMP\n"
           "  -S                               do not start vCPUs\n"
           "  -display none, -nodefaults       accepted for QEMU "
           "compatibility\n"
           "  -version                         print the version\n");
}

static void parse_command_line(Runner *r, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        RunnerOption opt = { 0 };
        gsize k;

        if (arg[0] != '-') {
            current_location = arg;
            die_msg("invalid option");
        }
        opt.name = arg + (arg[1] == '-' ? 2 : 1);
        for (k = 0; k < G_N_ELEMENTS(known_options); k++) {
            if (!strcmp(known_options[k].name, opt.name)) {
                break;
            }
        }
        current_location = arg;
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

/* "-object help", "-object TYPE,help": print and exit, as QEMU does. */
static void object_help(const char *type)
{
    g_autoptr(GString) out = g_string_new(NULL);

    if (!qmem_user_creatable_print_help(type, out)) {
        die_msg("invalid object type: %s", type);
    }
    fputs(out->str, stdout);
    exit(0);
}

static void create_object(Runner *r, const char *arg, GHashTable *ids)
{
    g_autoptr(JsonObject) options = NULL;
    GError *error = NULL;
    gboolean help = FALSE;
    QmemInputKind kind;

    if (arg[0] == '{') {
        options = qmem_json_parse_object(arg, &error);
        kind = QMEM_INPUT_JSON;
    } else {
        options = qmem_opts_parse(arg, "qom-type", &help, &error);
        kind = QMEM_INPUT_OPTS;
    }
    if (!options) {
        die(error);
    }
    if (help || !strcmp(arg, "help") || !strcmp(arg, "?")) {
        JsonNode *type = json_object_get_member(options, "qom-type");

        if (!type || !strcmp(arg, "help") || !strcmp(arg, "?")) {
            object_help(NULL);
        }
        object_help(json_array_get_string_element(
            json_node_get_array(type), 0));
    }
    /* QemuOpts keeps ids unique per option group before anything exists. */
    if (kind == QMEM_INPUT_OPTS && json_object_has_member(options, "id")) {
        JsonArray *ids_given = json_object_get_array_member(options, "id");
        const char *id = json_array_get_string_element(
            ids_given, json_array_get_length(ids_given) - 1);

        if (g_hash_table_contains(ids, id)) {
            die_msg("Duplicate ID '%s' for object", id);
        }
        g_hash_table_add(ids, g_strdup(id));
    }
    if (!qmem_user_creatable_add(options, kind, &error)) {
        die(error);
    }
}

static void apply_options(Runner *r)
{
    g_autoptr(GHashTable) ids = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                      g_free, NULL);
    GError *error = NULL;

    /* First the options that shape everything else ... */
    for (guint i = 0; i < r->options->len; i++) {
        RunnerOption *opt = &g_array_index(r->options, RunnerOption, i);
        g_autofree char *loc = g_strdup_printf("-%s %s", opt->name,
                                               opt->arg ? opt->arg : "");

        current_location = opt->arg ? loc : NULL;
        if (!strcmp(opt->name, "h") || !strcmp(opt->name, "help")) {
            usage();
            exit(0);
        } else if (!strcmp(opt->name, "version")) {
            printf("qmem-run version %s\n", QMEM_VERSION);
            exit(0);
        } else if (!strcmp(opt->name, "S")) {
            r->start_stopped = TRUE;
        } else if (!strcmp(opt->name, "accel")) {
            g_autoptr(JsonObject) accel =
                qmem_opts_parse(opt->arg, "accel", NULL, &error);
            const char *name;

            if (!accel) {
                die(error);
            }
            name = json_array_get_string_element(
                json_object_get_array_member(accel, "accel"), 0);
            if (strcmp(name, "qtest")) {
                die_msg("invalid accelerator %s", name);
            }
        } else if (!strcmp(opt->name, "display")) {
            if (strcmp(opt->arg, "none")) {
                die_msg("Display '%s' is not available.", opt->arg);
            }
        } else if (!strcmp(opt->name, "smp")) {
            g_autoptr(JsonObject) smp =
                qmem_opts_parse(opt->arg, "cpus", NULL, &error);
            guint64 cpus;

            if (!smp) {
                die(error);
            }
            if (json_object_has_member(smp, "cpus")) {
                JsonArray *v = json_object_get_array_member(smp, "cpus");

                if (qmem_parse_uint(json_array_get_string_element(
                                        v, json_array_get_length(v) - 1),
                                    NULL, 0, &cpus) != 0 ||
                    cpus == 0 || cpus > 1024) {
                    die_msg("Parameter 'cpus' expects a uint64 value");
                }
                r->smp_cpus = cpus;
            }
        } else if (!strcmp(opt->name, "qmp")) {
            g_ptr_array_add(r->qmp_specs, (gpointer)opt->arg);
        }
    }
    current_location = NULL;

    /* Backends take their defaults from the machine (QEMU's instance init). */
    qmem_host_memory_backend_set_defaults(TRUE, TRUE, r->smp_cpus, FALSE);

    /* ... then the objects, in command-line order. */
    for (guint i = 0; i < r->options->len; i++) {
        RunnerOption *opt = &g_array_index(r->options, RunnerOption, i);
        g_autofree char *loc = g_strdup_printf("-%s %s", opt->name,
                                               opt->arg ? opt->arg : "");

        current_location = loc;
        if (!strcmp(opt->name, "object")) {
            create_object(r, opt->arg, ids);
        }
    }
    current_location = NULL;
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
    g_autoptr(JsonObject) data = json_object_new();

    json_object_set_boolean_member(data, "guest", FALSE);
    json_object_set_string_member(data, "reason", "host-qmp-quit");
    qmem_qmp_emit_event("SHUTDOWN", data);
    g_main_loop_quit(r->loop);
}

int main(int argc, char **argv)
{
    Runner r = {
        .options = g_array_new(FALSE, TRUE, sizeof(RunnerOption)),
        .smp_cpus = 1,
        .qmp_specs = g_ptr_array_new(),
    };
    g_autoptr(QmemQmpServer) qmp = NULL;
    GError *error = NULL;

    if (!qmem_modules_init(&error)) {
        die(error);
    }
    parse_command_line(&r, argc, argv);
    apply_options(&r);

    r.loop = g_main_loop_new(NULL, FALSE);
    qmem_qom_qmp_register();
    qmem_qmp_set_quit_handler(on_quit, &r);
    qmp = qmem_qmp_server_new();
    for (guint i = 0; i < r.qmp_specs->len; i++) {
        current_location = g_ptr_array_index(r.qmp_specs, i);
        if (!qmem_qmp_server_listen(qmp, current_location, &error)) {
            die(error);
        }
    }
    current_location = NULL;
    g_unix_signal_add(SIGINT, on_signal, &r);
    g_unix_signal_add(SIGTERM, on_signal, &r);
    g_unix_signal_add(SIGHUP, on_signal, &r);

    g_main_loop_run(r.loop);

    g_clear_pointer(&qmp, qmem_qmp_server_free);
    qmem_object_reset_root();
    g_main_loop_unref(r.loop);
    g_ptr_array_unref(r.qmp_specs);
    g_array_unref(r.options);
    return r.exit_status;
}
