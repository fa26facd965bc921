/* SPDX-License-Identifier: GPL-2.0-or-later */
/* -smp: CPU topology parsing, possible CPU slots and x86 APIC ids. */

#include <string.h>
#include "hw/core/cpu-topology.h"
#include "util/cutils.h"
#include "util/error.h"

/* SMPConfiguration's members, in schema order (the visitor's order). */
static const struct {
    const char *name;
    gsize has_offset;
    gsize value_offset;
} smp_members[] = {
#define SMP_MEMBER(m) \
    { #m, G_STRUCT_OFFSET(QmemSmpConfig, has_##m), \
      G_STRUCT_OFFSET(QmemSmpConfig, m) }
    SMP_MEMBER(cpus),
    SMP_MEMBER(drawers),
    SMP_MEMBER(books),
    SMP_MEMBER(sockets),
    SMP_MEMBER(dies),
    SMP_MEMBER(clusters),
    SMP_MEMBER(modules),
    SMP_MEMBER(cores),
    SMP_MEMBER(threads),
    SMP_MEMBER(maxcpus),
#undef SMP_MEMBER
};

gboolean qmem_smp_config_from_keyval(JsonObject *opts, QmemSmpConfig *config,
                                     GError **error)
{
    g_autoptr(GList) members = json_object_get_members(opts);

    memset(config, 0, sizeof(*config));
    for (gsize i = 0; i < G_N_ELEMENTS(smp_members); i++) {
        const char *name = smp_members[i].name;
        JsonNode *node = json_object_get_member(opts, name);
        gint64 *value = G_STRUCT_MEMBER_P(config,
                                          smp_members[i].value_offset);

        if (!node) {
            continue;
        }
        if (!JSON_NODE_HOLDS_VALUE(node) ||
            json_node_get_value_type(node) != G_TYPE_STRING) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Invalid parameter type for 'smp.%s', expected: "
                        "integer", name);
            return FALSE;
        }
        if (qmem_strtoi64(json_node_get_string(node), 0, value) != 0) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Parameter 'smp.%s' expects integer", name);
            return FALSE;
        }
        /*
         * QEMU stores these int64s in unsigned ints, so -smp 4294967298
         * runs two CPUs and -1 means 4294967295; qmem takes no value
         * that would not fit.
         */
        if (*value < 0 || *value > G_MAXUINT32) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Parameter 'smp.%s' expects uint32_t", name);
            return FALSE;
        }
        G_STRUCT_MEMBER(gboolean, config, smp_members[i].has_offset) = TRUE;
    }
    /* Like QEMU's visit_check_struct(): unknown keys only after the rest. */
    for (GList *m = members; m; m = m->next) {
        gsize i;

        for (i = 0; i < G_N_ELEMENTS(smp_members); i++) {
            if (!strcmp(m->data, smp_members[i].name)) {
                break;
            }
        }
        if (i == G_N_ELEMENTS(smp_members)) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Parameter 'smp.%s' is unexpected",
                        (const char *)m->data);
            return FALSE;
        }
    }
    return TRUE;
}

/* "sockets (2) * dies (1) * cores (2) * threads (1)", QEMU's order. */
static char *cpu_hierarchy_to_string(const QmemSmpProps *props,
                                     const QmemCpuTopology *t)
{
    GString *s = g_string_new(NULL);

    if (props->drawers_supported) {
        g_string_append_printf(s, "drawers (%u) * ", t->drawers);
    }
    if (props->books_supported) {
        g_string_append_printf(s, "books (%u) * ", t->books);
    }
    g_string_append_printf(s, "sockets (%u)", t->sockets);
    if (props->dies_supported) {
        g_string_append_printf(s, " * dies (%u)", t->dies);
    }
    if (props->clusters_supported) {
        g_string_append_printf(s, " * clusters (%u)", t->clusters);
    }
    if (props->modules_supported) {
        g_string_append_printf(s, " * modules (%u)", t->modules);
    }
    g_string_append_printf(s, " * cores (%u)", t->cores);
    g_string_append_printf(s, " * threads (%u)", t->threads);
    return g_string_free(s, FALSE);
}

/* A level the machine lacks may be given, but only as 1. */
static gboolean check_unsupported(gboolean supported, gboolean has,
                                  gint64 value, const char *name,
                                  GError **error)
{
    if (!supported && has && value > 1) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "%s > 1 not supported by this machine's CPU topology",
                    name);
        return FALSE;
    }
    return TRUE;
}

/* Every value given must be positive, and a level the machine lacks 1. */
static gboolean smp_config_check(const QmemSmpConfig *config,
                                 const QmemSmpProps *props, GError **error)
{
    if ((config->has_cpus && config->cpus == 0) ||
        (config->has_drawers && config->drawers == 0) ||
        (config->has_books && config->books == 0) ||
        (config->has_sockets && config->sockets == 0) ||
        (config->has_dies && config->dies == 0) ||
        (config->has_clusters && config->clusters == 0) ||
        (config->has_modules && config->modules == 0) ||
        (config->has_cores && config->cores == 0) ||
        (config->has_threads && config->threads == 0) ||
        (config->has_maxcpus && config->maxcpus == 0)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid CPU topology: CPU topology parameters must be "
                    "greater than zero");
        return FALSE;
    }

    return check_unsupported(props->modules_supported, config->has_modules,
                             config->modules, "modules", error) &&
           check_unsupported(props->clusters_supported, config->has_clusters,
                             config->clusters, "clusters", error) &&
           check_unsupported(props->dies_supported, config->has_dies,
                             config->dies, "dies", error) &&
           check_unsupported(props->books_supported, config->has_books,
                             config->books, "books", error) &&
           check_unsupported(props->drawers_supported, config->has_drawers,
                             config->drawers, "drawers", error);
}

/* A value given (it fits, qmem_smp_config_from_keyval() checked); 0 if not. */
static guint smp_value(gboolean has, gint64 value)
{
    return has ? (guint)value : 0;
}

/*
 * QEMU's machine_parse_smp_config() arithmetic: levels the machine lacks
 * are 1; of sockets, cores and threads, those not given follow from
 * maxcpus (cores first, or sockets first for old machine types), then
 * maxcpus and cpus from the product.  The result may still be
 * inconsistent; smp_topology_check() says so.
 */
static void smp_fill_topology(const QmemSmpConfig *config,
                              const QmemSmpProps *props, QmemCpuTopology *t)
{
    guint cpus = smp_value(config->has_cpus, config->cpus);
    guint sockets = smp_value(config->has_sockets, config->sockets);
    guint cores = smp_value(config->has_cores, config->cores);
    guint threads = smp_value(config->has_threads, config->threads);
    guint maxcpus = smp_value(config->has_maxcpus, config->maxcpus);
    guint drawers = MAX(smp_value(config->has_drawers, config->drawers), 1);
    guint books = MAX(smp_value(config->has_books, config->books), 1);
    guint dies = MAX(smp_value(config->has_dies, config->dies), 1);
    guint clusters = MAX(smp_value(config->has_clusters, config->clusters), 1);
    guint modules = MAX(smp_value(config->has_modules, config->modules), 1);
    /* The levels between sockets and cores, and above sockets. */
    guint others = drawers * books * dies * clusters * modules;

    if (cpus == 0 && maxcpus == 0) {
        sockets = sockets > 0 ? sockets : 1;
        cores = cores > 0 ? cores : 1;
        threads = threads > 0 ? threads : 1;
    } else {
        maxcpus = maxcpus > 0 ? maxcpus : cpus;

        if (props->prefer_sockets) {
            if (sockets == 0) {
                cores = cores > 0 ? cores : 1;
                threads = threads > 0 ? threads : 1;
                sockets = maxcpus / (others * cores * threads);
            } else if (cores == 0) {
                threads = threads > 0 ? threads : 1;
                cores = maxcpus / (others * sockets * threads);
            }
        } else {
            if (cores == 0) {
                sockets = sockets > 0 ? sockets : 1;
                threads = threads > 0 ? threads : 1;
                cores = maxcpus / (others * sockets * threads);
            } else if (sockets == 0) {
                threads = threads > 0 ? threads : 1;
                sockets = maxcpus / (others * cores * threads);
            }
        }
        if (threads == 0) {
            threads = maxcpus / (others * sockets * cores);
        }
    }

    maxcpus = maxcpus > 0 ? maxcpus : others * sockets * cores * threads;
    *t = (QmemCpuTopology){
        .cpus = cpus > 0 ? cpus : maxcpus, .drawers = drawers,
        .books = books, .sockets = sockets, .dies = dies,
        .clusters = clusters, .modules = modules, .cores = cores,
        .threads = threads, .max_cpus = maxcpus,
    };
}

/* The product must be maxcpus, within the machine's limits. */
static gboolean smp_topology_check(const QmemCpuTopology *t,
                                   const QmemSmpProps *props,
                                   const char *machine_name, guint min_cpus,
                                   guint max_cpus, GError **error)
{
    guint total_cpus = t->drawers * t->books * t->sockets * t->dies *
                       t->clusters * t->modules * t->cores * t->threads;

    if (total_cpus != t->max_cpus) {
        g_autofree char *topo_msg = cpu_hierarchy_to_string(props, t);

        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid CPU topology: product of the hierarchy must "
                    "match maxcpus: %s != maxcpus (%u)", topo_msg,
                    t->max_cpus);
        return FALSE;
    }
    if (t->max_cpus < t->cpus) {
        g_autofree char *topo_msg = cpu_hierarchy_to_string(props, t);

        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid CPU topology: maxcpus must be equal to or "
                    "greater than smp: %s == maxcpus (%u) < smp_cpus (%u)",
                    topo_msg, t->max_cpus, t->cpus);
        return FALSE;
    }
    /* QEMU prints these with %d: a wrapped -1 shows as -1. */
    if (t->cpus < min_cpus) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid SMP CPUs %d. The min CPUs supported by machine "
                    "'%s' is %d", (int)t->cpus, machine_name, (int)min_cpus);
        return FALSE;
    }
    if (t->max_cpus > max_cpus) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid SMP CPUs %d. The max CPUs supported by machine "
                    "'%s' is %d", (int)t->max_cpus, machine_name,
                    (int)max_cpus);
        return FALSE;
    }
    return TRUE;
}

gboolean qmem_smp_parse(const QmemSmpConfig *config,
                        const QmemSmpProps *props, const char *machine_name,
                        guint min_cpus, guint max_cpus, QmemCpuTopology *topo,
                        GError **error)
{
    QmemCpuTopology t;

    if (!smp_config_check(config, props, error)) {
        return FALSE;
    }
    smp_fill_topology(config, props, &t);
    if (!smp_topology_check(&t, props, machine_name, min_cpus, max_cpus,
                            error)) {
        return FALSE;
    }
    *topo = t;
    return TRUE;
}

QmemCpuArchIdList *qmem_cpu_arch_id_list_new(guint len)
{
    QmemCpuArchIdList *list = g_malloc0(sizeof(QmemCpuArchIdList) +
                                        len * sizeof(QmemCpuArchId));

    list->len = len;
    return list;
}

char *qmem_cpu_props_to_string(const QmemCpuInstanceProperties *props)
{
    GString *s = g_string_new(NULL);
    const struct {
        gboolean has;
        const char *name;
        gint64 value;
    } ids[] = {
        { props->has_socket_id, "socket-id", props->socket_id },
        { props->has_die_id, "die-id", props->die_id },
        { props->has_cluster_id, "cluster-id", props->cluster_id },
        { props->has_module_id, "module-id", props->module_id },
        { props->has_core_id, "core-id", props->core_id },
        { props->has_thread_id, "thread-id", props->thread_id },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(ids); i++) {
        if (ids[i].has) {
            g_string_append_printf(s, "%s%s: %" G_GINT64_FORMAT,
                                   s->len ? ", " : "", ids[i].name,
                                   ids[i].value);
        }
    }
    return g_string_free(s, FALSE);
}

JsonObject *qmem_cpu_props_to_json(const QmemCpuInstanceProperties *props)
{
    JsonObject *obj = json_object_new();

    /* The QAPI member order of CpuInstanceProperties. */
    if (props->has_node_id) {
        json_object_set_int_member(obj, "node-id", props->node_id);
    }
    if (props->has_drawer_id) {
        json_object_set_int_member(obj, "drawer-id", props->drawer_id);
    }
    if (props->has_book_id) {
        json_object_set_int_member(obj, "book-id", props->book_id);
    }
    if (props->has_socket_id) {
        json_object_set_int_member(obj, "socket-id", props->socket_id);
    }
    if (props->has_die_id) {
        json_object_set_int_member(obj, "die-id", props->die_id);
    }
    if (props->has_cluster_id) {
        json_object_set_int_member(obj, "cluster-id", props->cluster_id);
    }
    if (props->has_module_id) {
        json_object_set_int_member(obj, "module-id", props->module_id);
    }
    if (props->has_core_id) {
        json_object_set_int_member(obj, "core-id", props->core_id);
    }
    if (props->has_thread_id) {
        json_object_set_int_member(obj, "thread-id", props->thread_id);
    }
    return obj;
}

/* Bits needed to hold ids 0..count-1 (QEMU's apicid_bitwidth_for_count). */
static guint apicid_bitwidth_for_count(guint count)
{
    g_assert(count >= 1);
    count -= 1;
    return count ? 32 - __builtin_clz(count) : 0;
}

static guint apicid_smt_width(const QmemCpuTopology *t)
{
    return apicid_bitwidth_for_count(t->threads);
}

static guint apicid_core_width(const QmemCpuTopology *t)
{
    return apicid_bitwidth_for_count(t->cores);
}

static guint apicid_module_width(const QmemCpuTopology *t)
{
    return apicid_bitwidth_for_count(t->modules);
}

static guint apicid_die_width(const QmemCpuTopology *t)
{
    return apicid_bitwidth_for_count(t->dies);
}

static guint apicid_core_offset(const QmemCpuTopology *t)
{
    return apicid_smt_width(t);
}

static guint apicid_module_offset(const QmemCpuTopology *t)
{
    return apicid_core_offset(t) + apicid_core_width(t);
}

static guint apicid_die_offset(const QmemCpuTopology *t)
{
    return apicid_module_offset(t) + apicid_module_width(t);
}

static guint apicid_pkg_offset(const QmemCpuTopology *t)
{
    return apicid_die_offset(t) + apicid_die_width(t);
}

void qmem_x86_topo_ids_from_idx(const QmemCpuTopology *topo, guint cpu_index,
                                QmemX86TopoIds *ids)
{
    guint nr_dies = topo->dies;
    guint nr_modules = topo->modules;
    guint nr_cores = topo->cores;
    guint nr_threads = topo->threads;

    ids->pkg_id = cpu_index / (nr_dies * nr_modules * nr_cores * nr_threads);
    ids->die_id = cpu_index / (nr_modules * nr_cores * nr_threads) % nr_dies;
    ids->module_id = cpu_index / (nr_cores * nr_threads) % nr_modules;
    ids->core_id = cpu_index / nr_threads % nr_cores;
    ids->smt_id = cpu_index % nr_threads;
}

guint32 qmem_x86_apicid_from_topo_ids(const QmemCpuTopology *topo,
                                      const QmemX86TopoIds *ids)
{
    return (ids->pkg_id << apicid_pkg_offset(topo)) |
           (ids->die_id << apicid_die_offset(topo)) |
           (ids->module_id << apicid_module_offset(topo)) |
           (ids->core_id << apicid_core_offset(topo)) |
           ids->smt_id;
}

void qmem_x86_topo_ids_from_apicid(const QmemCpuTopology *topo,
                                   guint32 apicid, QmemX86TopoIds *ids)
{
    ids->smt_id = apicid & ~(0xffffffffu << apicid_smt_width(topo));
    ids->core_id = (apicid >> apicid_core_offset(topo)) &
                   ~(0xffffffffu << apicid_core_width(topo));
    ids->module_id = (apicid >> apicid_module_offset(topo)) &
                     ~(0xffffffffu << apicid_module_width(topo));
    ids->die_id = (apicid >> apicid_die_offset(topo)) &
                  ~(0xffffffffu << apicid_die_width(topo));
    ids->pkg_id = apicid >> apicid_pkg_offset(topo);
}

guint32 qmem_x86_apicid_from_cpu_index(const QmemCpuTopology *topo,
                                       guint cpu_index)
{
    QmemX86TopoIds ids;

    qmem_x86_topo_ids_from_idx(topo, cpu_index, &ids);
    return qmem_x86_apicid_from_topo_ids(topo, &ids);
}

QmemCpuArchIdList *qmem_x86_possible_cpu_arch_ids(const QmemCpuTopology *topo)
{
    QmemCpuArchIdList *list = qmem_cpu_arch_id_list_new(topo->max_cpus);

    for (guint i = 0; i < list->len; i++) {
        QmemCpuArchId *slot = &list->cpus[i];
        QmemX86TopoIds ids;

        slot->vcpus_count = 1;
        slot->arch_id = qmem_x86_apicid_from_cpu_index(topo, i);
        qmem_x86_topo_ids_from_apicid(topo, slot->arch_id, &ids);
        slot->props.has_socket_id = TRUE;
        slot->props.socket_id = ids.pkg_id;
        if (topo->dies > 1) {
            slot->props.has_die_id = TRUE;
            slot->props.die_id = ids.die_id;
        }
        if (topo->modules > 1) {
            slot->props.has_module_id = TRUE;
            slot->props.module_id = ids.module_id;
        }
        slot->props.has_core_id = TRUE;
        slot->props.core_id = ids.core_id;
        slot->props.has_thread_id = TRUE;
        slot->props.thread_id = ids.smt_id;
    }
    return list;
}
