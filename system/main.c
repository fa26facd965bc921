/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qmem-run's option handling: builds a machine from QEMU's options. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <glib-unix.h>
#include "accel/qtest/qtest.h"
#include "hw/core/boards.h"
#include "hw/core/cpu.h"
#include "hw/core/machine-init.h"
#include "hw/core/numa.h"
#include "hw/core/qdev.h"
#include "migration/migration.h"
#include "monitor/qmp.h"
#include "qapi/opts.h"
#include "qapi/qmp-event.h"
#include "qmem-config.h"
#include "qobject/json.h"
#include "qom/module.h"
#include "qom/user-creatable.h"
#include "system/hostmem.h"
#include "system/main-internal.h"
#include "system/runstate.h"
#include "system/thread-context.h"
#include "util/chardev.h"
#include "util/cutils.h"
#include "util/error-report.h"
#include "util/error.h"
#include "util/main-loop.h"
#include "util/prealloc.h"

typedef QmemRunner Runner;

struct QmemRunner {
    GArray *options;        /* RunnerOption, in command-line order */
    gboolean start_stopped;
    gboolean preconfig;     /* --preconfig: wait for x-exit-preconfig */
    GHashTable *device_ids; /* -device ids, checked before any is made */
    const RunnerOption *incoming;   /* the last -incoming */
    int exit_status;
    GMainLoop *loop;
    guint termsig_source;   /* on_termsig() while the loop runs */
    QmemMachine *machine;
    QmemAccel *accel;
    char *machine_accel;    /* -machine accel=, a ':'-separated list */
    QmemQtestServer *qtest;
    QmemQmpServer *qmp;
    RunnerProcess proc;     /* -name, -pidfile, -daemonize, ... */
    GHashTable *object_ids; /* -object ids seen, for duplicates */
    GPtrArray *sgx_epc;     /* RunnerSgxEpc: -machine sgx-epc.N.* */

    GString *help;          /* help text to print instead of running */
};

static const struct {
    const char *name;
    gboolean has_arg;
} known_options[] = {
    { "S", FALSE },
    { "accel", TRUE },
    { "audio", TRUE },
    { "chardev", TRUE },
    { "cpu", TRUE },
    { "daemonize", FALSE },
    { "device", TRUE },
    { "display", TRUE },
    { "h", FALSE },
    { "help", FALSE },
    { "incoming", TRUE },
    { "loadvm", TRUE },
    { "m", TRUE },
    { "M", TRUE },
    { "machine", TRUE },
    { "mem-path", TRUE },
    { "mem-prealloc", FALSE },
    { "mon", TRUE },
    { "msg", TRUE },
    { "name", TRUE },
    { "no-user-config", FALSE },
    { "nodefaults", FALSE },
    { "numa", TRUE },
    { "object", TRUE },
    { "overcommit", TRUE },
    { "pidfile", TRUE },
    { "preconfig", FALSE },
    { "qmp", TRUE },
    { "qtest", TRUE },
    { "qtest-log", TRUE },
    { "run-with", TRUE },
    { "sandbox", TRUE },
    { "smp", TRUE },
    { "trace", TRUE },
    { "uuid", TRUE },
    { "version", FALSE },
};

static const char usage_text[] =
    "usage: qmem-run [options]\n\n"
    "  -machine TYPE[,memory-backend=ID,dump-guest-core=on|off,"
    "mem-merge=on|off]\n"
    "                        machine type (pc, q35, pc-i440fx-*, "
    "pc-q35-*); 'help' lists them\n"
    "                        pc, q35: [,hmat=on|off,nvdimm=on|off,"
    "nvdimm-persistence=cpu|mem-ctrl]\n"
    "  -m [size=]N[,slots=n,maxmem=M]\n"
    "                        boot RAM (a bare number is MiB), "
    "hot-plug slots and limit\n"
    "  -smp [cpus=]N[,sockets=S,dies=D,modules=M,cores=C,threads=T,"
    "maxcpus=M]\n"
    "                        vCPUs and their topology (also -machine "
    "smp.cpus=N,...)\n"
    "  -cpu MODEL            the vCPUs' x86 model (recorded, not "
    "emulated); 'help' lists them\n"
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
    "  --preconfig           serve QMP before machine initialization "
    "(set-numa-node),\n"
    "                        until x-exit-preconfig\n"
    "  -incoming tcp:HOST:PORT|unix:PATH|fd:N|exec:CMD|file:PATH|defer\n"
    "                        wait for an incoming migration\n"
    "  -name [guest=]NAME[,process=NAME,debug-threads=on|off]\n"
    "                        the VM's name (query-name), thread names\n"
    "  -uuid UUID            the VM's UUID (query-uuid)\n"
    "  -msg timestamp=on|off[,guest-name=on|off]\n"
    "                        prefix error messages\n"
    "  -overcommit [mem-lock=on|off|on-fault][,cpu-pm=on|off]\n"
    "                        lock memory; let the guest idle host CPUs\n"
    "  -pidfile FILE         write the process id to FILE\n"
    "  -daemonize            detach once set up\n"
    "  -sandbox on[,obsolete=,elevateprivileges=,spawn=,"
    "resourcecontrol=]\n"
    "                        QEMU's seccomp deny list\n"
    "  -no-user-config       accepted: qmem-run reads no user "
    "configuration\n"
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

/* How -object and -device read an argument that is not JSON. */
typedef struct {
    JsonObject *(*parse)(const char *str, const char *implied_key,
                         gboolean *help, GError **error);
    const char *implied_key;
    QmemInputKind kind;
} OptionSyntax;

static const OptionSyntax object_syntax = {
    qmem_opts_parse, "qom-type", QMEM_INPUT_OPTS,
};
static const OptionSyntax device_syntax = {
    qmem_keyval_parse, "driver", QMEM_INPUT_KEYVAL,
};

/* Both take JSON where their argument starts with '{'. */
static JsonObject *parse_option_arg(const char *arg, const OptionSyntax *syntax,
                                    QmemInputKind *kind, gboolean *help,
                                    GError **error)
{
    if (arg[0] == '{') {
        *kind = QMEM_INPUT_JSON;
        return qmem_json_parse_object(arg, error);
    }
    *kind = syntax->kind;
    return syntax->parse(arg, syntax->implied_key, help, error);
}

/*
 * QEMU's object_create_pre_sandbox(): thread-context objects come first,
 * wherever they are on the command line (-sandbox may forbid setting a
 * thread's affinity later), so backends can name them.
 */
static gboolean object_pre_sandbox(JsonObject *options, QmemInputKind kind)
{
    JsonNode *node = json_object_get_member(options, "qom-type");
    const char *type = NULL;

    if (kind == QMEM_INPUT_OPTS) {
        type = qmem_opts_get_last(options, "qom-type");
    } else if (node && JSON_NODE_HOLDS_VALUE(node) &&
               json_node_get_value_type(node) == G_TYPE_STRING) {
        type = json_node_get_string(node);
    }
    return type && !strcmp(type, QMEM_TYPE_NAME_THREAD_CONTEXT);
}

/* Creates the -object @arg if it belongs to the pass @pre_sandbox. */
static gboolean create_object(Runner *r, const char *arg, GHashTable *ids,
                              gboolean pre_sandbox, GError **error)
{
    gboolean help = FALSE;
    QmemInputKind kind;
    g_autoptr(JsonObject) options =
        parse_option_arg(arg, &object_syntax, &kind, &help, error);

    if (!options) {
        return FALSE;
    }
    if (!help && object_pre_sandbox(options, kind) != pre_sandbox) {
        return TRUE;
    }
    if (help) {
        const char *type =
            help_subject(qmem_opts_get_last(options, "qom-type"));

        r->help = g_string_new(NULL);
        return qmem_user_creatable_print_help(type, r->help) ||
               fail(error, "invalid object type: %s", type);
    }
    if (kind == QMEM_INPUT_OPTS &&
        !check_duplicate_id(ids, qmem_opts_get_last(options, "id"), "object",
                            error)) {
        return FALSE;
    }
    return qmem_user_creatable_add(options, kind, error) != NULL;
}

static gboolean add_device(Runner *r, const char *arg, GHashTable *ids,
                           GError **error)
{
    gboolean help = FALSE;
    QmemInputKind kind;
    g_autoptr(JsonObject) options =
        parse_option_arg(arg, &device_syntax, &kind, &help, error);

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

        if (!qmem_runner_is_option(opt, "machine") &&
            !qmem_runner_is_option(opt, "M")) {
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
    /* smp.* go to the topology (apply_machine_options()). */
    {
        g_autoptr(GList) members = json_object_get_members(merged);

        for (GList *m = members; m; m = m->next) {
            if (g_str_has_prefix(m->data, "smp.")) {
                json_object_remove_member(merged, m->data);
            }
        }
    }
    if (!qmem_runner_sgx_epc_take(merged, &r->sgx_epc, error)) {
        return NULL;
    }
    /* QEMU's -machine accel= is sugar for -accel options. */
    if (json_object_has_member(merged, "accel")) {
        r->machine_accel = g_strdup(qmem_opts_get_last(merged, "accel"));
        json_object_remove_member(merged, "accel");
    }
    return g_steal_pointer(&merged);
}

/*
 * -machine smp.cpus=N,...: the same keys as -smp, merged with them in
 * command-line order (QEMU merges both into the machine's "smp").
 */
static gboolean merge_machine_smp(JsonObject *smp_opts, const char *arg,
                                  GError **error)
{
    g_autoptr(JsonObject) opts = qmem_opts_parse(arg, "type", NULL, error);
    g_autoptr(GList) members = NULL;

    if (!opts) {
        return FALSE;
    }
    members = json_object_get_members(opts);
    for (GList *m = members; m; m = m->next) {
        const char *key = m->data;

        if (g_str_has_prefix(key, "smp.")) {
            json_object_set_string_member(smp_opts, key + 4,
                                          qmem_opts_get_last(opts, key));
        }
    }
    return TRUE;
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
        if (qmem_runner_is_option(opt, "S")) {
            r->start_stopped = TRUE;
        } else if (qmem_runner_is_option(opt, "preconfig")) {
            r->preconfig = TRUE;
        } else if (qmem_runner_is_option(opt, "incoming")) {
            /* Devices realize knowing that their contents will come. */
            r->incoming = opt;
            qmem_runstate_set(QMEM_RUN_STATE_INMIGRATE);
        } else if (qmem_runner_is_option(opt, "m")) {
            g_autoptr(JsonObject) m = qmem_opts_parse(opt->arg, "size", NULL,
                                                      error);

            if (!m || !qmem_machine_set_memory(r->machine, m, error)) {
                return FALSE;
            }
        } else if (qmem_runner_is_option(opt, "machine") ||
                   qmem_runner_is_option(opt, "M")) {
            if (!merge_machine_smp(smp_opts, opt->arg, error)) {
                return FALSE;
            }
        } else if (qmem_runner_is_option(opt, "cpu")) {
            /* The model; its CPUID features are not emulated. */
            g_autofree char *model = g_strndup(opt->arg,
                                               strcspn(opt->arg, ","));

            /* QEMU names no option here. */
            locate(r, NULL);
            if (!qmem_machine_set_cpu_model(r->machine, model, error)) {
                return FALSE;
            }
        } else if (qmem_runner_is_option(opt, "smp")) {
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
        } else if (qmem_runner_is_option(opt, "display")) {
            if (strcmp(opt->arg, "none")) {
                return fail(error, "Display '%s' is not available.",
                            opt->arg);
            }
        } else if (qmem_runner_is_option(opt, "mem-path")) {
            mem_path = opt->arg;
        } else if (qmem_runner_is_option(opt, "mem-prealloc")) {
            mem_prealloc = TRUE;
        } else if (qmem_runner_is_option(opt, "qtest")) {
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

/*
 * QEMU's configure_accelerators() on the -accel options in command-line
 * order, or -machine accel=.
 */
static QmemAccel *create_accel(Runner *r, gboolean qtest, GError **error)
{
    g_autoptr(GPtrArray) args = g_ptr_array_new();

    for (guint i = 0; i < r->options->len; i++) {
        RunnerOption *opt = &g_array_index(r->options, RunnerOption, i);

        if (qmem_runner_is_option(opt, "accel")) {
            g_ptr_array_add(args, (gpointer)opt->arg);
        }
    }
    g_ptr_array_add(args, NULL);
    return qmem_machine_configure_accel((const char *const *)args->pdata,
                                        r->machine_accel, qtest, error);
}

/* One pass over -object: the pre-sandbox objects or the others. */
static gboolean create_objects_pass(Runner *r, GHashTable *ids,
                                    gboolean pre_sandbox, GError **error)
{
    for (guint i = 0; i < r->options->len; i++) {
        RunnerOption *opt = &g_array_index(r->options, RunnerOption, i);

        if (qmem_runner_is_option(opt, "object")) {
            locate(r, opt);
            if (!create_object(r, opt->arg, ids, pre_sandbox, error)) {
                return FALSE;
            }
            /* A help request not at the end: QEMU prints it and stops. */
            if (r->help) {
                return TRUE;
            }
        }
    }
    locate(r, NULL);
    return TRUE;
}

/*
 * The -object options.  Backends with prealloc and a prealloc-context
 * leave their preallocation waiting and all run side by side at the end
 * (QEMU 9.0's qemu_create_late_backends()); a failure there is reported
 * without a location, as QEMU's is.
 */
static gboolean create_objects(Runner *r, GError **error)
{
    gboolean ok;

    qmem_host_memory_backend_set_async_prealloc(TRUE);
    ok = create_objects_pass(r, r->object_ids, FALSE, error);
    qmem_host_memory_backend_set_async_prealloc(FALSE);
    /* On failure, what waits is called off when its backend goes. */
    if (!ok || r->help) {
        return ok;
    }
    return qmem_prealloc_finish_async(error);
}

/*
 * QEMU's qmp_x_exit_preconfig(): board init, the accelerator, cold plug;
 * then the machine is ready.  Without --preconfig it runs right after
 * the steps before it.
 */
static gboolean exit_preconfig(Runner *r, GError **error)
{
    if (!qmem_runner_sgx_epc_init(r->sgx_epc, error) ||
        !qmem_machine_init_board(r->machine, error) ||
        !qmem_runner_realtime_init(&r->proc, error) ||
        !qmem_machine_init_accel(r->machine, r->accel, error)) {
        return FALSE;
    }
    for (guint i = 0; i < r->options->len; i++) {
        RunnerOption *opt = &g_array_index(r->options, RunnerOption, i);

        if (qmem_runner_is_option(opt, "device")) {
            locate(r, opt);
            if (!add_device(r, opt->arg, r->device_ids, error)) {
                return FALSE;
            }
            if (r->help) {
                return TRUE;
            }
        }
    }
    locate(r, NULL);
    if (!r->qtest &&
        !qmem_runner_start_qtest(r->options, r->machine, &r->qtest, error)) {
        return FALSE;
    }
    qmem_machine_creation_done(r->machine);
    return TRUE;
}

/* -numa, in command-line order, after the backends and the topology. */
static gboolean set_numa_options(Runner *r, GError **error)
{
    for (guint i = 0; i < r->options->len; i++) {
        RunnerOption *opt = &g_array_index(r->options, RunnerOption, i);
        g_autoptr(JsonObject) numa = NULL;

        if (qmem_runner_is_option(opt, "numa")) {
            locate(r, opt);
            numa = qmem_opts_parse(opt->arg, "type", NULL, error);
            if (!numa || !qmem_numa_set_options(r->machine, numa, error)) {
                return FALSE;
            }
        }
    }
    locate(r, NULL);
    return TRUE;
}

/* QEMU's start-up order, the steps of "hw/core/machine-init.h". */
static gboolean build_machine(Runner *r, GError **error)
{
    g_autoptr(JsonObject) machine_opts = NULL;
    gboolean qtest = FALSE;

    machine_opts = machine_options(r, error);
    if (!machine_opts) {
        return r->help != NULL;
    }
    r->machine = qmem_machine_new(machine_opts, error);
    if (!r->machine ||
        !qmem_runner_sgx_epc_check_machine(r->machine, r->sgx_epc, error) ||
        !apply_machine_options(r, &qtest, error)) {
        return FALSE;
    }
    qmem_machine_phase_advance(r->machine, QMEM_PHASE_MACHINE_CREATED);
    if (!qmem_runner_create_chardevs(r->options, error) ||
        !(r->accel = create_accel(r, qtest, error))) {
        return FALSE;
    }
    qmem_machine_phase_advance(r->machine, QMEM_PHASE_ACCEL_CREATED);
    if (!create_objects(r, error)) {
        return FALSE;
    }
    if (r->help) {
        return TRUE;
    }
    /* -numa needs the backends and the topology; board init completes it. */
    if (!set_numa_options(r, error)) {
        return FALSE;
    }
    if (r->preconfig) {
        /* QEMU's qtest server is up before the monitor waits. */
        return qmem_runner_start_qtest(r->options, r->machine, &r->qtest,
                                       error);
    }
    return exit_preconfig(r, error);
}

/*
 * QEMU's -accel without a name, or with help: the accelerators there are,
 * but qtest, which is for tests only.
 */
static gboolean accel_help(Runner *r, const char *arg, GError **error)
{
    g_autoptr(JsonObject) opts = qmem_opts_parse(arg, "accel", NULL, error);
    g_autoptr(GPtrArray) types = NULL;
    const char *name;

    if (!opts) {
        return FALSE;
    }
    name = qmem_opts_get_last(opts, "accel");
    if (name && strcmp(name, "help") && strcmp(name, "?")) {
        return TRUE;
    }
    r->help = g_string_new("Accelerators supported in QEMU binary:\n");
    types = qmem_type_list(QMEM_TYPE_ACCEL, FALSE);
    for (guint i = 0; i < types->len; i++) {
        const char *type = g_ptr_array_index(types, i);

        if (g_str_has_suffix(type, "-accel") && strcmp(type, "qtest-accel")) {
            g_string_append_len(r->help, type, strlen(type) - 6);
            g_string_append_c(r->help, '\n');
        }
    }
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
        if (qmem_runner_is_option(opt, "h") ||
            qmem_runner_is_option(opt, "help")) {
            r->help = g_string_new(usage_text);
        } else if (qmem_runner_is_option(opt, "version")) {
            r->help = g_string_new("qmem-run version " QMEM_VERSION "\n");
        } else if (qmem_runner_is_option(opt, "object") && asks_help) {
            if (!create_object(r, opt->arg, ids, FALSE, error)) {
                return FALSE;
            }
        } else if (qmem_runner_is_option(opt, "device") && asks_help) {
            if (!add_device(r, opt->arg, ids, error)) {
                return FALSE;
            }
        } else if (qmem_runner_is_option(opt, "cpu") && asks_help) {
            r->help = g_string_new(NULL);
            qmem_cpu_types_init();
            qmem_cpu_print_models(r->help);
        } else if (qmem_runner_is_option(opt, "accel") &&
                   !accel_help(r, opt->arg, error)) {
            return FALSE;
        }
    }
    locate(r, NULL);
    return r->help ||
           (qmem_runner_validate_options(r->options, error) &&
            qmem_runner_check_backends(r->options, &r->help, error));
}

/*
 * QEMU's qemu_kill_report(): who ended us, unless a qtest driver did
 * (whose tests would see the line).
 */
static void kill_report(Runner *r)
{
    g_autofree char *path = NULL;
    g_autofree char *cmd = NULL;
    int pid;
    int signo = qmem_termsig_get(&pid);

    if (!signo || r->qtest) {
        return;
    }
    /* About the program, not about the option being processed. */
    qmem_loc_set(NULL);
    if (!pid) {
        /* E.g. ^C at the terminal. */
        qmem_error_report("terminating on signal %d", signo);
        return;
    }
    path = g_strdup_printf("/proc/%d/cmdline", pid);
    g_file_get_contents(path, &cmd, NULL, NULL);
    qmem_error_report("terminating on signal %d from pid %d (%s)", signo, pid,
                      cmd ? cmd : "<unknown process>");
}

/* SIGINT, SIGTERM or SIGHUP: QEMU's shutdown with cause host-signal. */
static gboolean on_termsig(gint fd, GIOCondition condition, gpointer opaque)
{
    Runner *r = opaque;

    kill_report(r);
    qmem_qapi_event_send_shutdown(FALSE, "host-signal");
    g_main_loop_quit(r->loop);
    r->termsig_source = 0;
    return G_SOURCE_REMOVE;
}

static void on_quit(gpointer opaque)
{
    Runner *r = opaque;

    qmem_qapi_event_send_shutdown(FALSE, "host-qmp-quit");
    if (r->loop) {
        g_main_loop_quit(r->loop);
    }
}

static gboolean start_monitors(Runner *r, GError **error)
{
    r->qmp = qmem_qmp_server_new();
    return qmem_runner_start_monitors(r->options, r->qmp, error);
}

/*
 * QEMU exits after a failed incoming migration, with the loader's
 * message and "load of migration failed: %s".
 */
static void on_incoming_done(const GError *error, gpointer opaque)
{
    Runner *r = opaque;

    if (!error) {
        return;
    }
    qmem_loc_set(NULL);
    qmem_error_report("%s", error->message);
    if (!g_str_has_prefix(error->message, "load of migration failed")) {
        qmem_error_report("load of migration failed: %s",
                          g_strerror(EINVAL));
    }
    r->exit_status = 1;
    if (r->loop) {
        g_main_loop_quit(r->loop);
    }
}

/* -incoming: QEMU's qemu_start_incoming_migration() at start-up. */
static gboolean start_incoming(Runner *r, GError **error)
{
    if (!r->incoming) {
        return TRUE;
    }
    locate(r, r->incoming);
    if (!qmem_migration_incoming_init(r->incoming->arg, !r->start_stopped,
                                      on_incoming_done, r, error)) {
        return FALSE;
    }
    locate(r, NULL);
    return TRUE;
}

/* The runner whose machine x-exit-preconfig goes on with. */
static Runner *preconfig_runner;

/*
 * QEMU's qmp_x_exit_preconfig().  A failure ends qmem-run with the
 * error, as QEMU's error_fatal does (the client also gets it).
 */
static JsonNode *qmp_x_exit_preconfig(JsonObject *args, GError **error)
{
    Runner *r = preconfig_runner;
    GError *local_error = NULL;

    if (!qmem_qmp_args_visit(args, NULL, error)) {
        return NULL;
    }
    if (!r || !r->machine || r->exit_status ||
        qmem_phase_check(QMEM_PHASE_MACHINE_INITIALIZED)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "The command is permitted only before machine "
                    "initialization");
        return NULL;
    }
    if (!exit_preconfig(r, &local_error)) {
        qmem_error_report_err(g_error_copy(local_error));
        g_propagate_error(error, local_error);
        r->exit_status = 1;
        if (r->loop) {
            g_main_loop_quit(r->loop);
        }
        return NULL;
    }
    /* -incoming defer (the only one --preconfig takes) waits instead. */
    if (!r->start_stopped && !r->incoming) {
        qmem_vm_start();
    }
    return NULL;
}

Runner *qmem_runner_new(void)
{
    Runner *r = g_new0(Runner, 1);

    r->options = g_array_new(FALSE, TRUE, sizeof(RunnerOption));
    r->object_ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          NULL);
    r->device_ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          NULL);
    qmem_runner_process_init(&r->proc);
    qmem_qmp_set_quit_handler(on_quit, r);
    preconfig_runner = r;
    qmem_qmp_register_command("x-exit-preconfig", qmp_x_exit_preconfig,
                              QMEM_QMP_COMMAND_ALLOW_PRECONFIG);
    return r;
}

/* QEMU's qemu_init(): a daemon's parent stops after the fork. */
gboolean qmem_runner_setup(Runner *r, int argc, char **argv, GError **error)
{
    if (!parse_command_line(r, argc, argv, error) ||
        !early_exit_options(r, error)) {
        return FALSE;
    }
    if (r->help) {
        return TRUE;
    }
    /*
     * QEMU's qemu_process_early_options(): -name, the pre-sandbox objects
     * (a help request among -object stops there), -sandbox; then
     * -daemonize.
     */
    if (!qmem_runner_parse_process(r->options, &r->proc, error) ||
        !create_objects_pass(r, r->object_ids, TRUE, error)) {
        return FALSE;
    }
    if (r->help) {
        return TRUE;
    }
    if (!qmem_runner_apply_sandboxes(r->options, error) ||
        !qmem_runner_daemonize(&r->proc, error)) {
        return FALSE;
    }
    if (r->proc.parent_status >= 0) {
        return TRUE;
    }
    return build_machine(r, error) && (r->help || start_monitors(r, error)) &&
           (r->help || qmem_runner_setup_post(&r->proc, error)) &&
           (r->help || start_incoming(r, error));
}

int qmem_runner_get_parent_status(Runner *r)
{
    return r->proc.parent_status;
}

const char *qmem_runner_get_help(Runner *r)
{
    return r->help ? r->help->str : NULL;
}

int qmem_runner_run(Runner *r)
{
    /* With --preconfig, x-exit-preconfig starts the machine. */
    if (!r->start_stopped && !r->incoming && !r->preconfig) {
        qmem_vm_start();
    }
    r->loop = g_main_loop_new(NULL, FALSE);
    r->termsig_source = g_unix_fd_add(qmem_termsig_fd(), G_IO_IN, on_termsig,
                                      r);
    if (!r->exit_status) {
        g_main_loop_run(r->loop);
    }
    g_clear_handle_id(&r->termsig_source, g_source_remove);
    return r->exit_status;
}

void qmem_runner_kill_report(Runner *r)
{
    kill_report(r);
}

/* Teardown in reverse: the monitors go before the machine they use. */
void qmem_runner_free(Runner *r)
{
    qmem_migration_shutdown();
    g_clear_pointer(&r->qmp, qmem_qmp_server_free);
    g_clear_pointer(&r->qtest, qmem_qtest_server_free);
    qmem_chardev_free_all();
    qmem_machine_cleanup(r->machine, g_steal_pointer(&r->accel));
    qmem_runner_process_cleanup(&r->proc);
    g_clear_pointer(&r->loop, g_main_loop_unref);
    g_free(r->machine_accel);
    g_clear_pointer(&r->sgx_epc, g_ptr_array_unref);
    g_clear_pointer(&r->object_ids, g_hash_table_unref);
    g_array_unref(r->options);
    qmem_loc_set(NULL);
    if (r->help) {
        g_string_free(r->help, TRUE);
    }
    qmem_qmp_set_quit_handler(NULL, NULL);
    qmem_qmp_unregister_command("x-exit-preconfig");
    preconfig_runner = NULL;
    g_hash_table_unref(r->device_ids);
    g_free(r);
}
