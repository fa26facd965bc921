/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qmem-run's machine options: -machine (merged as QemuOpts merges it),
 * -m, -smp and -machine smp.*, -cpu, -S, --preconfig, -incoming, and the
 * choice of accelerator (QEMU's configure_accelerators()).
 */

#include <string.h>
#include "hw/core/boards.h"
#include "hw/core/cpu.h"
#include "hw/core/machine-init.h"
#include "qapi/opts.h"
#include "system/main-internal.h"
#include "system/runstate.h"
#include "util/error.h"

/* -machine options merge, later keys winning, as QemuOpts merges them. */
JsonObject *qmem_runner_machine_options(QmemRunner *r, GError **error)
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
        qmem_runner_locate(opt);
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
    qmem_runner_locate(NULL);
    /* smp.* go to the topology (qmem_runner_apply_machine_options()). */
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
gboolean qmem_runner_apply_machine_options(QmemRunner *r, gboolean *qtest,
                                          GError **error)
{
    const char *mem_path = NULL;
    gboolean mem_prealloc = FALSE;
    g_autoptr(JsonObject) smp_opts = json_object_new();
    QmemSmpConfig smp_config;

    for (guint i = 0; i < r->options->len; i++) {
        RunnerOption *opt = &g_array_index(r->options, RunnerOption, i);

        qmem_runner_locate(opt);
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
            qmem_runner_locate(NULL);
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
                return qmem_error_fail(error, "Display '%s' is not available.",
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
    qmem_runner_locate(NULL);
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
QmemAccel *qmem_runner_create_accel(QmemRunner *r, gboolean qtest,
                                     GError **error)
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
