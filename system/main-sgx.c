/* SPDX-License-Identifier: GPL-2.0-or-later */
/* -machine sgx-epc.N.memdev=ID,sgx-epc.N.node=N: QEMU's SGX EPC sections,
 * checked as QEMU checks them and refused (qmem has no SGX guests). */

#include <stdlib.h>
#include <string.h>

#include "qapi/opts.h"
#include "qom/object.h"
#include "system/hostmem.h"
#include "system/main-internal.h"
#include "util/cutils.h"
#include "util/error.h"

#define SGX_EPC "sgx-epc"

static void section_free(gpointer data)
{
    RunnerSgxEpc *s = data;

    if (!s) {
        return;     /* an index the options skipped */
    }
    g_free(s->memdev);
    g_free(s->node);
    g_free(s->unexpected);
    g_free(s);
}

/* "sgx-epc.N.KEY" into section N; FALSE for a key that is not one. */
static gboolean add_key(GPtrArray *sections, const char *key,
                        const char *value, GError **error)
{
    const char *rest = key + strlen(SGX_EPC);
    g_autofree char *index = NULL;
    const char *member;
    RunnerSgxEpc *s;
    guint64 n;

    if (!*rest) {
        return qmem_error_fail(error,
                               "Invalid parameter type for '" SGX_EPC "', "
                               "expected: array");
    }
    if (*rest != '.' || !(member = strchr(rest + 1, '.'))) {
        return qmem_error_fail(error,
                               "Invalid parameter type for '%s', expected: "
                               "object",
                               key);
    }
    index = g_strndup(rest + 1, member - rest - 1);
    if (qmem_strtou64(index, 10, &n) || n > 1023) {
        return qmem_error_fail(error,
                               "Invalid parameter type for '" SGX_EPC "', "
                               "expected: array");
    }
    while (sections->len <= n) {
        g_ptr_array_add(sections, NULL);
    }
    s = g_ptr_array_index(sections, n);
    if (!s) {
        s = g_new0(RunnerSgxEpc, 1);
        g_ptr_array_index(sections, n) = s;
    }
    member++;
    if (!strcmp(member, "memdev")) {
        g_free(s->memdev);
        s->memdev = g_strdup(value);
    } else if (!strcmp(member, "node")) {
        g_free(s->node);
        s->node = g_strdup(value);
    } else if (!s->unexpected) {
        s->unexpected = g_strdup(member);
    }
    return TRUE;
}

/* The checks of QEMU's SgxEPCList visitor, section by section. */
static gboolean check_sections(GPtrArray *sections, GError **error)
{
    for (guint i = 0; i < sections->len; i++) {
        RunnerSgxEpc *s = g_ptr_array_index(sections, i);
        guint64 node;

        if (!s) {
            return qmem_error_fail(error, "Parameter '" SGX_EPC ".%u' missing",
                                   i);
        }
        if (!s->memdev) {
            return qmem_error_fail(error,
                                   "Parameter '" SGX_EPC ".%u.memdev' is "
                                   "missing",
                                   i);
        }
        if (!s->node) {
            return qmem_error_fail(error,
                                   "Parameter '" SGX_EPC ".%u.node' is missing",
                                   i);
        }
        if (qmem_strtou64(s->node, 0, &node) || node > G_MAXUINT32) {
            return qmem_error_fail(error,
                                   "Parameter '" SGX_EPC ".%u.node' expects "
                                   "integer",
                                   i);
        }
        if (s->unexpected) {
            return qmem_error_fail(error,
                                   "Parameter '" SGX_EPC
                                   ".%u.%s' is unexpected",
                                   i, s->unexpected);
        }
    }
    return TRUE;
}

gboolean qmem_runner_sgx_epc_take(JsonObject *machine_opts,
                                  GPtrArray **sections, GError **error)
{
    g_autoptr(GList) members = json_object_get_members(machine_opts);

    *sections = NULL;
    for (GList *m = members; m; m = m->next) {
        const char *key = m->data;

        if (strcmp(key, SGX_EPC) && !g_str_has_prefix(key, SGX_EPC ".")) {
            continue;
        }
        if (!*sections) {
            *sections = g_ptr_array_new_with_free_func(section_free);
        }
        if (!add_key(*sections, key, qmem_opts_get_last(machine_opts, key),
                     error)) {
            return FALSE;
        }
        json_object_remove_member(machine_opts, key);
    }
    return !*sections || check_sections(*sections, error);
}

gboolean qmem_runner_sgx_epc_check_machine(QmemMachine *machine,
                                           GPtrArray *sections,
                                           GError **error)
{
    GType x86 = qmem_type_from_name("x86-machine");

    if (!sections || (x86 && g_type_is_a(G_OBJECT_TYPE(machine), x86))) {
        return TRUE;
    }
    /* Only QEMU's x86 machines have the property. */
    return qmem_error_fail(error, "Property '%s." SGX_EPC "' not found",
                           qmem_type_get_name(G_OBJECT_TYPE(machine)));
}

/* QEMU's pc_machine_init_sgx_epc(): each section's memdev, in order. */
gboolean qmem_runner_sgx_epc_init(GPtrArray *sections, GError **error)
{
    GType epc = qmem_type_from_name(QMEM_TYPE_NAME_MEMORY_BACKEND_EPC);

    for (guint i = 0; sections && i < sections->len; i++) {
        RunnerSgxEpc *s = g_ptr_array_index(sections, i);
        QmemObject *obj = qmem_object_resolve_path(s->memdev, G_TYPE_NONE,
                                                   NULL);

        if (!obj) {
            return qmem_error_fail(error, "Device '%s' not found", s->memdev);
        }
        if (!epc || !g_type_is_a(G_OBJECT_TYPE(obj), epc)) {
            return qmem_error_fail(
                error, "Invalid parameter type for 'memdev', "
                       "expected: " QMEM_TYPE_NAME_MEMORY_BACKEND_EPC);
        }
        /* Unreachable without /dev/sgx_vepc: the backend fails first. */
        return qmem_error_fail(error, "SGX EPC is not supported by qmem");
    }
    return TRUE;
}
