/* SPDX-License-Identifier: GPL-2.0-or-later */
/* -numa: NumaOptions visited as QEMU's opts visitor does, then applied. */

#include <string.h>
#include "hw/core/numa-internal.h"
#include "hw/core/numa.h"
#include "qapi/opts.h"
#include "qapi/qmp-command.h"
#include "qom/property.h"
#include "system/accel.h"
#include "util/cutils.h"
#include "util/error-report.h"
#include "util/error.h"

typedef enum {
    MEMBER_UINT,        /* uint8/16/32/64 by @max */
    MEMBER_UINT_LIST,   /* uint16 list */
    MEMBER_SIZE,
    MEMBER_INT,
    MEMBER_STR,
    MEMBER_ENUM,
} MemberKind;

typedef struct {
    const char *name;
    MemberKind kind;
    gboolean mandatory;
    guint64 max;
    const char *const *enum_values;
} Member;

/* One visited member: present or not, and its value. */
typedef struct {
    gboolean has;
    guint64 u;
    gint64 i;
    const char *str;        /* borrowed from the options */
    GArray *list;           /* of guint64 */
} MemberValue;

static const Member node_members[] = {
    { "nodeid", MEMBER_UINT, FALSE, G_MAXUINT16 },
    { "cpus", MEMBER_UINT_LIST, FALSE, G_MAXUINT16 },
    { "mem", MEMBER_SIZE },
    { "memdev", MEMBER_STR },
    { "initiator", MEMBER_UINT, FALSE, G_MAXUINT16 },
    { NULL }
};
enum { NODE_NODEID, NODE_CPUS, NODE_MEM, NODE_MEMDEV, NODE_INITIATOR };

static const Member dist_members[] = {
    { "src", MEMBER_UINT, TRUE, G_MAXUINT16 },
    { "dst", MEMBER_UINT, TRUE, G_MAXUINT16 },
    { "val", MEMBER_UINT, TRUE, G_MAXUINT8 },
    { NULL }
};
enum { DIST_SRC, DIST_DST, DIST_VAL };

static const Member cpu_members[] = {
    { "node-id", MEMBER_INT },
    { "drawer-id", MEMBER_INT },
    { "book-id", MEMBER_INT },
    { "socket-id", MEMBER_INT },
    { "die-id", MEMBER_INT },
    { "cluster-id", MEMBER_INT },
    { "module-id", MEMBER_INT },
    { "core-id", MEMBER_INT },
    { "thread-id", MEMBER_INT },
    { NULL }
};
enum {
    CPU_NODE, CPU_DRAWER, CPU_BOOK, CPU_SOCKET, CPU_DIE, CPU_CLUSTER,
    CPU_MODULE, CPU_CORE, CPU_THREAD
};

static const char *const hmat_lb_hierarchy[] = {
    "memory", "first-level", "second-level", "third-level", NULL
};
static const char *const hmat_lb_data_type[] = {
    "access-latency", "read-latency", "write-latency", "access-bandwidth",
    "read-bandwidth", "write-bandwidth", NULL
};
static const char *const hmat_cache_associativity[] = {
    "none", "direct", "complex", NULL
};
static const char *const hmat_cache_policy[] = {
    "none", "write-back", "write-through", NULL
};

static const Member hmat_lb_members[] = {
    { "initiator", MEMBER_UINT, TRUE, G_MAXUINT16 },
    { "target", MEMBER_UINT, TRUE, G_MAXUINT16 },
    { "hierarchy", MEMBER_ENUM, TRUE, 0, hmat_lb_hierarchy },
    { "data-type", MEMBER_ENUM, TRUE, 0, hmat_lb_data_type },
    { "latency", MEMBER_UINT, FALSE, G_MAXUINT64 },
    { "bandwidth", MEMBER_SIZE },
    { NULL }
};
enum {
    LB_INITIATOR, LB_TARGET, LB_HIERARCHY, LB_DATA_TYPE, LB_LATENCY,
    LB_BANDWIDTH
};

static const Member hmat_cache_members[] = {
    { "node-id", MEMBER_UINT, TRUE, G_MAXUINT32 },
    { "size", MEMBER_SIZE, TRUE },
    { "level", MEMBER_UINT, TRUE, G_MAXUINT8 },
    { "associativity", MEMBER_ENUM, TRUE, 0, hmat_cache_associativity },
    { "policy", MEMBER_ENUM, TRUE, 0, hmat_cache_policy },
    { "line", MEMBER_UINT, TRUE, G_MAXUINT16 },
    { NULL }
};
enum {
    CACHE_NODE_ID, CACHE_SIZE, CACHE_LEVEL, CACHE_ASSOCIATIVITY,
    CACHE_POLICY, CACHE_LINE
};

static const struct {
    const char *type;
    const Member *members;
} numa_option_types[] = {
    { "node", node_members },
    { "dist", dist_members },
    { "cpu", cpu_members },
    { "hmat-lb", hmat_lb_members },
    { "hmat-cache", hmat_cache_members },
};

/* A GParamSpec that makes the property layer parse one member for us. */
static GParamSpec *member_pspec(const Member *m)
{
    const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

    switch (m->kind) {
    case MEMBER_UINT:
        return m->max == G_MAXUINT64 ?
            g_param_spec_uint64(m->name, NULL, NULL, 0, G_MAXUINT64, 0,
                                flags) :
            g_param_spec_uint(m->name, NULL, NULL, 0, m->max, 0, flags);
    case MEMBER_UINT_LIST:
        return qmem_param_spec_uint_list(m->name, NULL, m->max, flags);
    case MEMBER_SIZE:
        return qmem_param_spec_size(m->name, NULL, 0, G_MAXUINT64, 0, flags);
    case MEMBER_INT:
        return g_param_spec_int64(m->name, NULL, NULL, G_MININT64,
                                  G_MAXINT64, 0, flags);
    default:
        g_assert_not_reached();
    }
}

static gboolean visit_member(JsonObject *opts, const Member *m,
                             MemberValue *out, GError **error)
{
    g_auto(GValue) value = G_VALUE_INIT;
    g_autoptr(GParamSpec) pspec = NULL;

    if (!json_object_has_member(opts, m->name)) {
        if (m->mandatory) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Parameter '%s' is missing", m->name);
            return FALSE;
        }
        return TRUE;
    }
    out->has = TRUE;
    if (m->kind == MEMBER_STR || m->kind == MEMBER_ENUM) {
        out->str = qmem_opts_get_last(opts, m->name);
        if (m->kind != MEMBER_ENUM) {
            return TRUE;
        }
        for (out->u = 0; m->enum_values[out->u]; out->u++) {
            if (!strcmp(m->enum_values[out->u], out->str)) {
                return TRUE;
            }
        }
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter '%s' does not accept value '%s'",
                    m->name, out->str);
        return FALSE;
    }

    pspec = g_param_spec_ref_sink(member_pspec(m));
    if (!qmem_value_from_input(pspec, m->name,
                               json_object_get_member(opts, m->name),
                               QMEM_INPUT_OPTS, &value, error)) {
        return FALSE;
    }
    switch (m->kind) {
    case MEMBER_UINT:
        out->u = m->max == G_MAXUINT64 ? g_value_get_uint64(&value)
                                       : g_value_get_uint(&value);
        break;
    case MEMBER_SIZE:
        out->u = g_value_get_uint64(&value);
        break;
    case MEMBER_INT:
        out->i = g_value_get_int64(&value);
        break;
    case MEMBER_UINT_LIST:
        out->list = g_value_dup_boxed(&value);
        break;
    default:
        g_assert_not_reached();
    }
    return TRUE;
}

static void member_values_free(MemberValue *values, gsize n)
{
    for (gsize i = 0; i < n; i++) {
        g_clear_pointer(&values[i].list, g_array_unref);
    }
}

/*
 * The opts visitor: the discriminator, then each member of the branch in
 * schema order, then keys nobody asked for.
 */
static const Member *visit_numa_options(JsonObject *opts, const char **type,
                                        MemberValue *values, GError **error)
{
    const Member *members = NULL;
    g_autoptr(GList) keys = NULL;

    if (!json_object_has_member(opts, "type")) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter 'type' is missing");
        return NULL;
    }
    *type = qmem_opts_get_last(opts, "type");
    for (gsize i = 0; i < G_N_ELEMENTS(numa_option_types); i++) {
        if (!strcmp(*type, numa_option_types[i].type)) {
            members = numa_option_types[i].members;
        }
    }
    if (!members) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter 'type' does not accept value '%s'", *type);
        return NULL;
    }
    for (guint i = 0; members[i].name; i++) {
        if (!visit_member(opts, &members[i], &values[i], error)) {
            return NULL;
        }
    }
    keys = json_object_get_members(opts);
    for (GList *k = keys; k; k = k->next) {
        gboolean known = !strcmp(k->data, "type");

        for (guint i = 0; !known && members[i].name; i++) {
            known = !strcmp(k->data, members[i].name);
        }
        if (!known) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Invalid parameter '%s'", (const char *)k->data);
            return NULL;
        }
    }
    return members;
}

static gboolean hmat_disabled(GError **error)
{
    g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                "ACPI Heterogeneous Memory Attribute Table (HMAT) is "
                "disabled, enable it with -machine hmat=on before using any "
                "of hmat specific options");
    return FALSE;
}

/* -numa node,cpus=: each CPU index's slot goes to node @nodenr. */
static gboolean numa_node_add_cpus(QmemMachine *machine, guint nodenr,
                                   GArray *cpus, GError **error)
{
    QmemNumaMachineInterface *iface = QMEM_NUMA_MACHINE_GET_IFACE(machine);
    guint max_cpus = qmem_machine_get_smp(machine)->max_cpus;

    for (guint i = 0; cpus && i < cpus->len; i++) {
        guint64 cpu = g_array_index(cpus, guint64, i);
        QmemCpuInstanceProperties props;

        if (cpu >= max_cpus) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "CPU index (%u) should be smaller than maxcpus (%d)",
                        (guint)cpu, (int)max_cpus);
            return FALSE;
        }
        if (!qmem_numa_machine_possible_cpus(machine)) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "mapping of CPUs to NUMA node is not supported");
            return FALSE;
        }
        props = iface->cpu_index_to_props(QMEM_NUMA_MACHINE(machine), cpu);
        props.node_id = nodenr;
        props.has_node_id = TRUE;
        if (!qmem_numa_set_cpu_node(machine, &props, error)) {
            return FALSE;
        }
    }
    return TRUE;
}

/* -numa node,mem=: legacy, for the machine types that still allow it. */
static gboolean numa_node_set_mem(QmemMachine *machine, QmemNumaNode *info,
                                  guint64 mem, GError **error)
{
    if (!QMEM_NUMA_MACHINE_GET_IFACE(machine)->numa_mem_supported) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter -numa node,mem is not supported by this "
                    "machine type");
        qmem_error_set_hint(*error, "Use -numa node,memdev instead\n");
        return FALSE;
    }
    info->node_mem = mem;
    if (!qmem_qtest_enabled()) {
        qmem_warn_report("Parameter -numa node,mem is deprecated, use "
                         "-numa node,memdev instead");
    }
    return TRUE;
}

/* -numa node,memdev=: the node's RAM is that backend, all of it. */
static gboolean numa_node_set_memdev(QmemNumaNode *info, const char *memdev,
                                     GError **error)
{
    QmemObject *obj = qmem_object_resolve_path(
        memdev, QMEM_TYPE_HOST_MEMORY_BACKEND, NULL);

    /* QEMU says "ambiguous" for a missing backend too. */
    if (!obj) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "memdev=%s is ambiguous", memdev);
        return FALSE;
    }
    g_set_object(&info->node_memdev, QMEM_HOST_MEMORY_BACKEND(obj));
    info->node_mem = qmem_host_memory_backend_get_size(
        QMEM_HOST_MEMORY_BACKEND(obj));
    return TRUE;
}

/* QEMU's parse_numa_node(); @node is NULL for the implicit node 0. */
static gboolean parse_numa_node(QmemMachine *machine, QmemNumaState *state,
                                const MemberValue *node, GError **error)
{
    static const MemberValue none[NODE_INITIATOR + 1];
    guint nodenr;
    QmemNumaNode *info;

    if (!node) {
        node = none;
    }
    nodenr = node[NODE_NODEID].has ? node[NODE_NODEID].u : state->num_nodes;
    if (nodenr >= QMEM_MAX_NODES) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Max number of NUMA nodes reached: %u", nodenr);
        return FALSE;
    }
    info = &state->nodes[nodenr];
    if (info->present) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Duplicate NUMA nodeid: %u", nodenr);
        return FALSE;
    }

    info->initiator = QMEM_MAX_NODES;
    if (node[NODE_INITIATOR].has) {
        if (!state->hmat_enabled) {
            return hmat_disabled(error);
        }
        if (node[NODE_INITIATOR].u >= QMEM_MAX_NODES) {
            /* QEMU reports it, makes no node, and goes on. */
            qmem_error_report("The initiator id %u expects an integer "
                              "between 0 and %d",
                              (guint)node[NODE_INITIATOR].u,
                              QMEM_MAX_NODES - 1);
            return TRUE;
        }
        info->initiator = node[NODE_INITIATOR].u;
    }
    if (!numa_node_add_cpus(machine, nodenr, node[NODE_CPUS].list, error)) {
        return FALSE;
    }

    state->have_memdevs = state->have_memdevs || node[NODE_MEMDEV].has;
    state->have_mem = state->have_mem || node[NODE_MEM].has;
    if ((node[NODE_MEM].has && state->have_memdevs) ||
        (node[NODE_MEMDEV].has && state->have_mem)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "numa configuration should use either mem= or memdev=,"
                    "mixing both is not allowed");
        return FALSE;
    }
    if (node[NODE_MEM].has &&
        !numa_node_set_mem(machine, info, node[NODE_MEM].u, error)) {
        return FALSE;
    }
    if (node[NODE_MEMDEV].has &&
        !numa_node_set_memdev(info, node[NODE_MEMDEV].str, error)) {
        return FALSE;
    }

    info->present = TRUE;
    state->max_nodeid = MAX(state->max_nodeid, nodenr + 1);
    state->num_nodes++;
    return TRUE;
}

gboolean qmem_numa_add_node(QmemMachine *machine, QmemNumaState *state,
                            GError **error)
{
    return parse_numa_node(machine, state, NULL, error);
}

/* QEMU's parse_numa_distance(). */
static gboolean parse_numa_distance(QmemNumaState *state,
                                    const MemberValue *dist, GError **error)
{
    guint src = dist[DIST_SRC].u;
    guint dst = dist[DIST_DST].u;
    guint val = dist[DIST_VAL].u;

    if (src >= QMEM_MAX_NODES || dst >= QMEM_MAX_NODES) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter '%s' expects an integer between 0 and %d",
                    src >= QMEM_MAX_NODES ? "src" : "dst",
                    QMEM_MAX_NODES - 1);
        return FALSE;
    }
    if (!state->nodes[src].present || !state->nodes[dst].present) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Source/Destination NUMA node is missing. Please use "
                    "'-numa node' option to declare it first.");
        return FALSE;
    }
    if (val < QMEM_NUMA_DISTANCE_MIN) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "NUMA distance (%u) is invalid, it shouldn't be less "
                    "than %d.", val, QMEM_NUMA_DISTANCE_MIN);
        return FALSE;
    }
    if (src == dst && val != QMEM_NUMA_DISTANCE_MIN) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Local distance of node %d should be %d.", (int)src,
                    QMEM_NUMA_DISTANCE_MIN);
        return FALSE;
    }
    state->nodes[src].distance[dst] = val;
    state->have_numa_distance = TRUE;
    return TRUE;
}

/* QEMU's parse_numa_hmat_lb() on the visited members. */
static gboolean parse_hmat_lb(QmemNumaState *state, const MemberValue *v,
                              GError **error)
{
    const QmemNumaHmatLbOptions lb = {
        .initiator = v[LB_INITIATOR].u,
        .target = v[LB_TARGET].u,
        .hierarchy = v[LB_HIERARCHY].u,
        .data_type = v[LB_DATA_TYPE].u,
        .has_latency = v[LB_LATENCY].has,
        .latency = v[LB_LATENCY].u,
        .has_bandwidth = v[LB_BANDWIDTH].has,
        .bandwidth = v[LB_BANDWIDTH].u,
    };

    if (!state->hmat_enabled) {
        return hmat_disabled(error);
    }
    return qmem_numa_parse_hmat_lb(state, &lb, error);
}

/* QEMU's parse_numa_hmat_cache() on the visited members. */
static gboolean parse_hmat_cache(QmemNumaState *state, const MemberValue *v,
                                 GError **error)
{
    const QmemNumaHmatCacheOptions cache = {
        .node_id = v[CACHE_NODE_ID].u,
        .size = v[CACHE_SIZE].u,
        .level = v[CACHE_LEVEL].u,
        .associativity = v[CACHE_ASSOCIATIVITY].u,
        .policy = v[CACHE_POLICY].u,
        .line = v[CACHE_LINE].u,
    };

    if (!state->hmat_enabled) {
        return hmat_disabled(error);
    }
    return qmem_numa_parse_hmat_cache(state, &cache, error);
}

/* -numa cpu: the members from drawer-id on are CpuInstanceProperties. */
static gboolean parse_numa_cpu(QmemMachine *machine, QmemNumaState *state,
                               const MemberValue *cpu, GError **error)
{
    QmemCpuInstanceProperties props = {
        .has_node_id = cpu[CPU_NODE].has, .node_id = cpu[CPU_NODE].i,
        .has_drawer_id = cpu[CPU_DRAWER].has, .drawer_id = cpu[CPU_DRAWER].i,
        .has_book_id = cpu[CPU_BOOK].has, .book_id = cpu[CPU_BOOK].i,
        .has_socket_id = cpu[CPU_SOCKET].has, .socket_id = cpu[CPU_SOCKET].i,
        .has_die_id = cpu[CPU_DIE].has, .die_id = cpu[CPU_DIE].i,
        .has_cluster_id = cpu[CPU_CLUSTER].has,
        .cluster_id = cpu[CPU_CLUSTER].i,
        .has_module_id = cpu[CPU_MODULE].has, .module_id = cpu[CPU_MODULE].i,
        .has_core_id = cpu[CPU_CORE].has, .core_id = cpu[CPU_CORE].i,
        .has_thread_id = cpu[CPU_THREAD].has, .thread_id = cpu[CPU_THREAD].i,
    };

    if (!props.has_node_id) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Missing mandatory node-id property");
        return FALSE;
    }
    /* QEMU indexes its node table unchecked; qmem refuses ids outside it. */
    if (props.node_id < 0 || props.node_id >= QMEM_MAX_NODES ||
        !state->nodes[props.node_id].present) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid node-id=%" G_GINT64_FORMAT ", NUMA node must be "
                    "defined with -numa node,nodeid=ID before it's used with "
                    "-numa cpu,node-id=ID", props.node_id);
        return FALSE;
    }
    return qmem_numa_set_cpu_node(machine, &props, error);
}

/* QEMU's set_numa_options(): the same for -numa and set-numa-node. */
static gboolean numa_apply(QmemMachine *machine, const Member *members,
                           const MemberValue *values, GError **error)
{
    QmemNumaState *state = qmem_numa_machine_get_state(machine);

    if (!state) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "NUMA is not supported by this machine-type");
        return FALSE;
    }
    if (members == node_members) {
        return parse_numa_node(machine, state, values, error);
    } else if (members == dist_members) {
        return parse_numa_distance(state, values, error);
    } else if (members == cpu_members) {
        return parse_numa_cpu(machine, state, values, error);
    } else if (members == hmat_lb_members) {
        return parse_hmat_lb(state, values, error);
    }
    return parse_hmat_cache(state, values, error);
}

gboolean qmem_numa_set_options(QmemMachine *machine, JsonObject *opts,
                               GError **error)
{
    MemberValue values[16] = { { 0 } };
    const Member *members;
    const char *type = NULL;
    gboolean ok = FALSE;

    members = visit_numa_options(opts, &type, values, error);
    if (members) {
        if (members == node_members && values[NODE_MEM].has) {
            /* The legacy suffix-less form means MiB ("512" is 512 MiB). */
            qmem_strtosz_MiB(qmem_opts_get_last(opts, "mem"), NULL,
                             &values[NODE_MEM].u);
        }
        ok = numa_apply(machine, members, values, error);
    }
    member_values_free(values, G_N_ELEMENTS(values));
    return ok;
}

/*
 * set-numa-node's cpus: a list of uint16, each checked as QEMU 7.2's
 * visitor checks it ("Parameter 'null' expects uint16_t" is its text).
 */
static gboolean visit_qmp_uint16_list(const char *name, JsonArray *array,
                                      MemberValue *out, GError **error)
{
    out->list = g_array_new(FALSE, FALSE, sizeof(guint64));
    for (guint i = 0; i < json_array_get_length(array); i++) {
        JsonNode *node = json_array_get_element(array, i);
        gint64 v;

        /* QEMU's visitor names the element only in the first message. */
        if (!qmem_json_node_holds(node, G_TYPE_INT64)) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Parameter '%s[%u]' expects uint64", name, i);
            return FALSE;
        }
        v = json_node_get_int(node);
        if (v < 0 || v > G_MAXUINT16) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Parameter 'null' expects uint16_t");
            return FALSE;
        }
        g_array_append_val(out->list, (guint64){ v });
    }
    return TRUE;
}

/* A branch's members as the strict QMP visitor sees them. */
static gboolean visit_qmp_members(JsonObject *args, const Member *members,
                                  MemberValue *values, GError **error)
{
    static const char *const types[] = {
        "node", "dist", "cpu", "hmat-lb", "hmat-cache", NULL
    };
    QmemQmpArg qargs[18] = { { 0 } };
    JsonArray *arrays[16] = { NULL };
    int enums[16];
    int type;
    guint n = 0;

    qargs[n++] = (QmemQmpArg){ "type", QMEM_QMP_ARG_ENUM, &type, NULL,
                               types };
    for (guint i = 0; members[i].name; i++) {
        QmemQmpArg *a = &qargs[n++];
        const Member *m = &members[i];

        a->name = m->name;
        a->has = m->mandatory ? NULL : &values[i].has;
        values[i].has = m->mandatory;
        switch (m->kind) {
        case MEMBER_UINT:
            a->type = QMEM_QMP_ARG_UINT;
            a->value = &values[i].u;
            a->max = m->max == G_MAXUINT64 ? 0 : m->max;
            break;
        case MEMBER_SIZE:
            a->type = QMEM_QMP_ARG_UINT;
            a->value = &values[i].u;
            break;
        case MEMBER_INT:
            a->type = QMEM_QMP_ARG_INT;
            a->value = &values[i].i;
            break;
        case MEMBER_STR:
            a->type = QMEM_QMP_ARG_STR;
            a->value = &values[i].str;
            break;
        case MEMBER_ENUM:
            a->type = QMEM_QMP_ARG_ENUM;
            a->value = &enums[i];
            a->values = m->enum_values;
            break;
        case MEMBER_UINT_LIST:
            a->type = QMEM_QMP_ARG_ARRAY;
            a->value = &arrays[i];
            break;
        }
    }
    if (!qmem_qmp_args_visit(args, qargs, error)) {
        return FALSE;
    }
    for (guint i = 0; members[i].name; i++) {
        if (members[i].kind == MEMBER_ENUM && values[i].has) {
            /* As the opts visitor leaves them: the name and its index. */
            values[i].str = members[i].enum_values[enums[i]];
            values[i].u = enums[i];
        }
        if (members[i].kind == MEMBER_UINT_LIST && values[i].has &&
            !visit_qmp_uint16_list(members[i].name, arrays[i], &values[i],
                                   error)) {
            return FALSE;
        }
    }
    return TRUE;
}

gboolean qmem_numa_set_options_qmp(QmemMachine *machine, JsonObject *args,
                                   GError **error)
{
    MemberValue values[16] = { { 0 } };
    const Member *members = NULL;
    JsonNode *type = json_object_get_member(args, "type");
    gboolean ok = FALSE;

    /* The discriminator first, as QEMU's visitor of the flat union. */
    if (!type) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter 'type' is missing");
        return FALSE;
    }
    if (!qmem_json_node_holds(type, G_TYPE_STRING)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid parameter type for 'type', expected: string");
        return FALSE;
    }
    for (gsize i = 0; i < G_N_ELEMENTS(numa_option_types); i++) {
        if (!strcmp(json_node_get_string(type), numa_option_types[i].type)) {
            members = numa_option_types[i].members;
        }
    }
    if (!members) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter 'type' does not accept value '%s'",
                    json_node_get_string(type));
        return FALSE;
    }
    if (visit_qmp_members(args, members, values, error)) {
        ok = numa_apply(machine, members, values, error);
    }
    member_values_free(values, G_N_ELEMENTS(values));
    return ok;
}
