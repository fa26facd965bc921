/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP and HMP commands about the machine: memory backends, CPUs, NUMA. */

#include "hw/core/boards.h"
#include "hw/core/cpu.h"
#include "hw/core/machine-qmp-cmds.h"
#include "hw/core/numa.h"
#include "qobject/json.h"
#include "system/hostmem.h"
#include "util/error.h"

JsonNode *qmem_qmp_query_memdev(JsonObject *args, GError **error)
{
    if (!qmem_qmp_args_visit(args, NULL, error)) {
        return NULL;
    }
    return qmem_host_memory_backend_query();
}

gboolean qmem_hmp_info_memdev(const char *args, GString *out, GError **error)
{
    qmem_host_memory_backend_info(out);
    return TRUE;
}

JsonNode *qmem_qmp_query_cpus_fast(JsonObject *args, GError **error)
{
    if (!qmem_qmp_args_visit(args, NULL, error)) {
        return NULL;
    }
    return qmem_numa_query_cpus_fast(qmem_machine_get_current());
}

JsonNode *qmem_qmp_set_numa_node(JsonObject *args, GError **error)
{
    if (qmem_phase_check(QMEM_PHASE_MACHINE_INITIALIZED)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "The command is permitted only before the machine has "
                    "been created");
        return NULL;
    }
    qmem_numa_set_options_qmp(qmem_machine_get_current(), args, error);
    return NULL;
}

/*
 * QEMU's machine_query_hotpluggable_cpus(): every possible slot, last
 * first (QEMU prepends each to its list).
 */
static JsonArray *hotpluggable_cpus(QmemMachine *machine, GError **error)
{
    const QmemCpuArchIdList *cpus =
        machine ? qmem_numa_machine_possible_cpus(machine) : NULL;
    JsonArray *list;

    if (!cpus) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "The feature '%s' is not enabled",
                    "query-hotpluggable-cpus");
        return NULL;
    }
    list = json_array_new();
    for (guint i = cpus->len; i-- > 0;) {
        const QmemCpuArchId *slot = &cpus->cpus[i];
        JsonObject *item = json_object_new();

        json_object_set_string_member(item, "type",
                                      qmem_machine_get_cpu_type(machine));
        json_object_set_int_member(item, "vcpus-count", slot->vcpus_count);
        json_object_set_object_member(item, "props",
                                      qmem_cpu_props_to_json(&slot->props));
        if (slot->cpu) {
            g_autofree char *path =
                qmem_object_get_canonical_path(QMEM_OBJECT(slot->cpu));

            json_object_set_string_member(item, "qom-path", path);
        }
        json_array_add_object_element(list, item);
    }
    return list;
}

JsonNode *qmem_qmp_query_hotpluggable_cpus(JsonObject *args, GError **error)
{
    JsonArray *list;

    if (!qmem_qmp_args_visit(args, NULL, error)) {
        return NULL;
    }
    list = hotpluggable_cpus(qmem_machine_get_current(), error);
    return list ? qmem_json_node_new_array(list) : NULL;
}

/* One "  name: "value"" line of the properties, as QEMU's HMP prints. */
static void print_cpu_prop(GString *out, const char *name, gboolean has,
                           gint64 value)
{
    if (has) {
        g_string_append_printf(out, "    %s: \"%" G_GINT64_FORMAT "\"\n",
                               name, value);
    }
}

gboolean qmem_hmp_info_hotpluggable_cpus(const char *args, GString *out,
                                         GError **error)
{
    QmemMachine *machine = qmem_machine_get_current();
    const QmemCpuArchIdList *cpus =
        machine ? qmem_numa_machine_possible_cpus(machine) : NULL;
    g_autoptr(JsonArray) list = hotpluggable_cpus(machine, error);

    if (!list) {
        return FALSE;
    }
    g_string_append(out, "Hotpluggable CPUs:\n");
    for (guint i = cpus->len; i-- > 0;) {
        const QmemCpuArchId *slot = &cpus->cpus[i];
        const QmemCpuInstanceProperties *c = &slot->props;

        g_string_append_printf(out, "  type: \"%s\"\n",
                               qmem_machine_get_cpu_type(machine));
        g_string_append_printf(out, "  vcpus_count: \"%u\"\n",
                               slot->vcpus_count);
        if (slot->cpu) {
            g_autofree char *path =
                qmem_object_get_canonical_path(QMEM_OBJECT(slot->cpu));

            g_string_append_printf(out, "  qom_path: \"%s\"\n", path);
        }
        g_string_append(out, "  CPUInstance Properties:\n");
        print_cpu_prop(out, "node-id", c->has_node_id, c->node_id);
        print_cpu_prop(out, "drawer-id", c->has_drawer_id, c->drawer_id);
        print_cpu_prop(out, "book-id", c->has_book_id, c->book_id);
        print_cpu_prop(out, "socket-id", c->has_socket_id, c->socket_id);
        print_cpu_prop(out, "die-id", c->has_die_id, c->die_id);
        print_cpu_prop(out, "cluster-id", c->has_cluster_id, c->cluster_id);
        print_cpu_prop(out, "module-id", c->has_module_id, c->module_id);
        print_cpu_prop(out, "core-id", c->has_core_id, c->core_id);
        print_cpu_prop(out, "thread-id", c->has_thread_id, c->thread_id);
    }
    return TRUE;
}
