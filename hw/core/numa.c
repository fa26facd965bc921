/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The NUMA machine mixin: node memory, CPU mapping, address map. */

#include "hw/core/cpu.h"
#include "hw/core/numa-internal.h"
#include "hw/core/numa.h"
#include "qobject/json.h"
#include "system/accel.h"
#include "util/error-report.h"
#include "util/error.h"

G_DEFINE_INTERFACE(QmemNumaMachine, qmem_numa_machine, QMEM_TYPE_MACHINE)

static QmemNumaState *numa_machine_get_numa_state(QmemNumaMachine *self)
{
    return qmem_machine_get_numa_state(QMEM_MACHINE(self));
}

static QmemCpuInstanceProperties
numa_machine_cpu_index_to_props(QmemNumaMachine *self, guint cpu_index)
{
    const QmemCpuArchIdList *cpus =
        qmem_numa_machine_possible_cpus(QMEM_MACHINE(self));

    g_assert(cpus && cpu_index < cpus->len);
    return cpus->cpus[cpu_index].props;
}

static void qmem_numa_machine_default_init(QmemNumaMachineInterface *iface)
{
    iface->numa_supported = TRUE;
    /* QEMU: "On Linux, each node's border has to be 8MB aligned". */
    iface->numa_mem_align_shift = 23;
    iface->get_numa_state = numa_machine_get_numa_state;
    iface->cpu_index_to_props = numa_machine_cpu_index_to_props;
}

/* State */

QmemNumaState *qmem_numa_state_new(void)
{
    QmemNumaState *state = g_new0(QmemNumaState, 1);

    for (guint i = 0; i < QMEM_MAX_NODES; i++) {
        state->nodes[i].initiator = QMEM_MAX_NODES;
    }
    return state;
}

void qmem_numa_state_free(QmemNumaState *state)
{
    if (!state) {
        return;
    }
    for (guint i = 0; i < QMEM_MAX_NODES; i++) {
        g_clear_object(&state->nodes[i].node_memdev);
        g_clear_pointer(&state->nodes[i].ranges, g_array_unref);
        for (guint level = 0; level < QMEM_HMAT_LB_LEVELS; level++) {
            g_free(state->hmat_cache[i][level]);
        }
    }
    for (guint h = 0; h < QMEM_HMAT_LB_LEVELS; h++) {
        for (guint t = 0; t < QMEM_HMAT_LB_TYPES; t++) {
            QmemHmatLbInfo *lb = state->hmat_lb[h][t];

            if (lb) {
                g_array_unref(lb->list);
                g_free(lb);
            }
        }
    }
    g_free(state->possible_cpus);
    g_free(state);
}

QmemNumaState *qmem_numa_machine_get_state(QmemMachine *machine)
{
    QmemNumaMachineInterface *iface;

    if (!machine || !QMEM_IS_NUMA_MACHINE(machine)) {
        return NULL;
    }
    iface = QMEM_NUMA_MACHINE_GET_IFACE(machine);
    if (!iface->numa_supported) {
        return NULL;
    }
    return iface->get_numa_state(QMEM_NUMA_MACHINE(machine));
}

guint qmem_numa_get_num_nodes(QmemMachine *machine)
{
    QmemNumaState *state = qmem_numa_machine_get_state(machine);

    return state ? state->num_nodes : 0;
}

void qmem_numa_set_hmat_enabled(QmemMachine *machine, gboolean enabled)
{
    QmemNumaState *state = qmem_numa_machine_get_state(machine);

    g_return_if_fail(state);
    state->hmat_enabled = enabled;
}

gboolean qmem_numa_hmat_enabled(QmemMachine *machine)
{
    QmemNumaState *state = qmem_numa_machine_get_state(machine);

    return state && state->hmat_enabled;
}

gboolean qmem_numa_uses_memdevs(QmemMachine *machine)
{
    QmemNumaState *state = qmem_numa_machine_get_state(machine);

    return state && state->have_memdevs;
}

/* Automatic RAM split (removed from QEMU in 5.2) */

static guint64 align_mask(QmemNumaMachineInterface *iface)
{
    return ~((G_GUINT64_CONSTANT(1) << iface->numa_mem_align_shift) - 1);
}

void qmem_numa_auto_assign_ram_legacy(QmemNumaMachineInterface *iface,
                                      QmemNumaNode *nodes, guint nb_nodes,
                                      guint64 size)
{
    guint64 usedmem = 0;
    guint i;

    g_return_if_fail(nb_nodes > 0);
    for (i = 0; i < nb_nodes - 1; i++) {
        nodes[i].node_mem = (size / nb_nodes) & align_mask(iface);
        usedmem += nodes[i].node_mem;
    }
    nodes[i].node_mem = size - usedmem;
}

void qmem_numa_auto_assign_ram_default(QmemNumaMachineInterface *iface,
                                       QmemNumaNode *nodes, guint nb_nodes,
                                       guint64 size)
{
    guint64 usedmem = 0, node_mem;
    guint64 granularity, propagate = 0;
    guint i;

    g_return_if_fail(nb_nodes > 0);
    granularity = size / nb_nodes;
    for (i = 0; i < nb_nodes - 1; i++) {
        node_mem = (granularity + propagate) & align_mask(iface);
        propagate = granularity + propagate - node_mem;
        nodes[i].node_mem = node_mem;
        usedmem += node_mem;
    }
    nodes[i].node_mem = size - usedmem;
}

/* CPUs */

const QmemCpuArchIdList *qmem_numa_machine_possible_cpus(QmemMachine *machine)
{
    QmemNumaState *state = qmem_numa_machine_get_state(machine);
    const QmemCpuTopology *smp;

    if (!state) {
        return NULL;
    }
    if (!state->possible_cpus) {
        QmemNumaMachineInterface *iface =
            QMEM_NUMA_MACHINE_GET_IFACE(machine);

        smp = qmem_machine_get_smp(machine);
        state->possible_cpus = qmem_cpu_arch_id_list_new(smp->max_cpus);
        iface->possible_cpu_arch_ids(QMEM_NUMA_MACHINE(machine), smp,
                                     state->possible_cpus->cpus);
    }
    return state->possible_cpus;
}

/* An id given for a topology level the board's slots do not have. */
static gboolean cpu_id_supported(gboolean given, gboolean slot_has,
                                 const char *message, GError **error)
{
    if (given && !slot_has) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC, message);
        return FALSE;
    }
    return TRUE;
}

/* A given id the board does not have cannot match anything. */
static gboolean cpu_ids_supported(const QmemCpuInstanceProperties *props,
                                  const QmemCpuInstanceProperties *slot,
                                  GError **error)
{
    return cpu_id_supported(props->has_thread_id, slot->has_thread_id,
                            "thread-id is not supported", error) &&
           cpu_id_supported(props->has_core_id, slot->has_core_id,
                            "core-id is not supported", error) &&
           cpu_id_supported(props->has_module_id, slot->has_module_id,
                            "module-id is not supported", error) &&
           cpu_id_supported(props->has_cluster_id, slot->has_cluster_id,
                            "cluster-id is not supported", error) &&
           cpu_id_supported(props->has_socket_id, slot->has_socket_id,
                            "socket-id is not supported", error) &&
           cpu_id_supported(props->has_die_id, slot->has_die_id,
                            "die-id is not supported", error);
}

/* Whether @slot has every id @props gives (partial ids match many). */
static gboolean cpu_slot_matches(const QmemCpuInstanceProperties *props,
                                 const QmemCpuInstanceProperties *slot)
{
    return !((props->has_thread_id && props->thread_id != slot->thread_id) ||
             (props->has_core_id && props->core_id != slot->core_id) ||
             (props->has_module_id && props->module_id != slot->module_id) ||
             (props->has_cluster_id &&
              props->cluster_id != slot->cluster_id) ||
             (props->has_die_id && props->die_id != slot->die_id) ||
             (props->has_socket_id && props->socket_id != slot->socket_id));
}

/* Puts a matching slot on @props's node; with HMAT, the node initiates. */
static gboolean cpu_slot_set_node(QmemNumaState *state,
                                  const QmemCpuInstanceProperties *props,
                                  QmemCpuInstanceProperties *slot,
                                  GError **error)
{
    QmemNumaNode *node;

    /*
     * QEMU tolerates a slot matched twice for the same node (a thread and
     * then its core), not for two nodes.
     */
    if (slot->has_node_id && slot->node_id != props->node_id) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "CPU is already assigned to node-id: %" G_GINT64_FORMAT,
                    slot->node_id);
        return FALSE;
    }
    slot->node_id = props->node_id;
    slot->has_node_id = TRUE;

    if (!state->hmat_enabled) {
        return TRUE;
    }
    node = &state->nodes[props->node_id];
    if (node->initiator < QMEM_MAX_NODES && props->node_id != node->initiator) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "The initiator of CPU NUMA node %" G_GINT64_FORMAT
                    " should be itself (got %u)", props->node_id,
                    node->initiator);
        return FALSE;
    }
    node->has_cpu = TRUE;
    node->initiator = props->node_id;
    return TRUE;
}

gboolean qmem_numa_set_cpu_node(QmemMachine *machine,
                                const QmemCpuInstanceProperties *props,
                                GError **error)
{
    QmemNumaState *state = qmem_numa_machine_get_state(machine);
    QmemCpuArchIdList *cpus;
    gboolean match = FALSE;

    g_assert(props->has_node_id);
    if (!qmem_numa_machine_possible_cpus(machine)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "mapping of CPUs to NUMA node is not supported");
        return FALSE;
    }
    cpus = state->possible_cpus;

    for (guint i = 0; i < cpus->len; i++) {
        QmemCpuInstanceProperties *slot = &cpus->cpus[i].props;

        if (!cpu_ids_supported(props, slot, error)) {
            return FALSE;
        }
        if (!cpu_slot_matches(props, slot)) {
            continue;
        }
        match = TRUE;
        if (!cpu_slot_set_node(state, props, slot, error)) {
            return FALSE;
        }
    }

    if (!match) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC, "no match found");
        return FALSE;
    }
    return TRUE;
}

gboolean qmem_numa_cpu_pre_plug(QmemMachine *machine, guint cpu_index,
                                gint64 *node_id, GError **error)
{
    const QmemCpuArchIdList *cpus = qmem_numa_machine_possible_cpus(machine);
    const QmemCpuInstanceProperties *slot;

    if (!cpus) {
        return TRUE;
    }
    g_return_val_if_fail(cpu_index < cpus->len, FALSE);
    slot = &cpus->cpus[cpu_index].props;
    if (*node_id == -1) {
        /* QEMU fills in the slot's node for libvirt's sake. */
        if (slot->has_node_id) {
            *node_id = slot->node_id;
        }
    } else if (*node_id != slot->node_id) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "invalid node-id, must be %" G_GINT64_FORMAT,
                    slot->node_id);
        return FALSE;
    }
    return TRUE;
}

/* Completion */

/*
 * If all node pair distances are symmetric, distances in one direction
 * are enough; one asymmetric pair makes every distance mandatory.
 */
static gboolean validate_numa_distance(QmemNumaState *state, GError **error)
{
    gboolean is_asymmetrical = FALSE;
    guint n = state->num_nodes;

    for (guint src = 0; src < n; src++) {
        for (guint dst = src; dst < n; dst++) {
            guint8 ab = state->nodes[src].distance[dst];
            guint8 ba = state->nodes[dst].distance[src];

            if (ab == 0 && ba == 0 && src != dst) {
                g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "The distance between node %d and %d is missing, "
                            "at least one distance value between each nodes "
                            "should be provided.", (int)src, (int)dst);
                return FALSE;
            }
            if (ab != 0 && ba != 0 && ab != ba) {
                is_asymmetrical = TRUE;
            }
        }
    }
    if (is_asymmetrical) {
        for (guint src = 0; src < n; src++) {
            for (guint dst = 0; dst < n; dst++) {
                if (src != dst && state->nodes[src].distance[dst] == 0) {
                    g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                                "At least one asymmetrical pair of distances "
                                "is given, please provide distances for both "
                                "directions of all node pairs.");
                    return FALSE;
                }
            }
        }
    }
    return TRUE;
}

static void complete_init_numa_distance(QmemNumaState *state)
{
    for (guint src = 0; src < state->num_nodes; src++) {
        for (guint dst = 0; dst < state->num_nodes; dst++) {
            guint8 *d = &state->nodes[src].distance[dst];

            if (*d == 0) {
                *d = src == dst ? QMEM_NUMA_DISTANCE_MIN
                                : state->nodes[dst].distance[src];
            }
        }
    }
}

void qmem_numa_release_memdevs(QmemMachine *machine)
{
    QmemNumaState *state = qmem_numa_machine_get_state(machine);

    for (guint i = 0; state && i < state->num_nodes; i++) {
        QmemHostMemoryBackend *backend = state->nodes[i].node_memdev;

        if (backend && g_object_get_data(G_OBJECT(backend),
                                         "qmem-numa-consumed")) {
            g_object_set_data(G_OBJECT(backend), "qmem-numa-consumed", NULL);
            qmem_host_memory_backend_set_mapped(backend, FALSE);
        }
    }
}

/*
 * QEMU's numa_init_memdev_container(): node after node, each backend
 * consumed (marked mapped) so that nothing else can use it.
 */
static QmemMemoryRegion *numa_memdev_container(QmemMachine *machine,
                                               QmemNumaState *state,
                                               const char *name,
                                               GError **error)
{
    g_autoptr(QmemMemoryRegion) ram = qmem_memory_region_new_container(
        name, qmem_machine_get_ram_size(machine));
    guint64 addr = 0;

    for (guint i = 0; i < state->num_nodes; i++) {
        QmemHostMemoryBackend *backend = state->nodes[i].node_memdev;
        g_autoptr(QmemMemoryRegion) seg = NULL;
        g_autofree char *block_name = NULL;

        if (!backend) {
            continue;
        }
        if (qmem_host_memory_backend_is_mapped(backend)) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "memory backend %s is used multiple times. Each "
                        "-numa option must use a different memdev value.",
                        qmem_host_memory_backend_get_id(backend) ?: "");
            qmem_numa_release_memdevs(machine);
            return NULL;
        }
        qmem_host_memory_backend_set_mapped(backend, TRUE);
        g_object_set_data(G_OBJECT(backend), "qmem-numa-consumed",
                          GINT_TO_POINTER(1));
        block_name = qmem_host_memory_backend_ram_block_name(backend);
        seg = qmem_memory_region_new_ram(
            block_name, qmem_host_memory_backend_get_ram_block(backend));
        qmem_memory_region_add_subregion(ram, addr, seg);
        addr += state->nodes[i].node_mem;
    }
    return g_steal_pointer(&ram);
}

/*
 * With HMAT, a node's initiator is a node with CPUs; a memory-only node
 * may have none (QEMU 7.2).
 */
static gboolean numa_validate_initiator(QmemNumaState *state, GError **error)
{
    for (guint i = 0; i < state->num_nodes; i++) {
        guint16 initiator = state->nodes[i].initiator;

        if (initiator == QMEM_MAX_NODES) {
            continue;
        }
        if (!state->nodes[initiator].present) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "NUMA node %u is missing, use '-numa node' option "
                        "to declare it first", initiator);
            return FALSE;
        }
        if (!state->nodes[initiator].has_cpu) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "The initiator of NUMA node %d is invalid", (int)i);
            return FALSE;
        }
    }
    return TRUE;
}

/* QEMU's machine_numa_finish_cpu_init(). */
static gboolean numa_finish_cpu_init(QmemMachine *machine,
                                     QmemNumaState *state, GError **error)
{
    QmemNumaMachineInterface *iface = QMEM_NUMA_MACHINE_GET_IFACE(machine);
    const QmemCpuArchIdList *cpus = qmem_numa_machine_possible_cpus(machine);
    g_autoptr(GString) s = g_string_new(NULL);
    gboolean default_mapping = TRUE;

    g_assert(state->num_nodes);
    for (guint i = 0; i < cpus->len; i++) {
        if (cpus->cpus[i].props.has_node_id) {
            default_mapping = FALSE;
            break;
        }
    }

    for (guint i = 0; i < cpus->len; i++) {
        const QmemCpuArchId *slot = &cpus->cpus[i];
        QmemCpuInstanceProperties props;

        if (slot->props.has_node_id) {
            continue;
        }
        props = slot->props;
        props.node_id = iface->get_default_cpu_node_id(
            QMEM_NUMA_MACHINE(machine), i);
        if (!default_mapping) {
            g_autofree char *cpu_str = qmem_cpu_props_to_string(&slot->props);

            g_string_append_printf(s, "%sCPU %u [%s]", s->len ? ", " : "",
                                   i, cpu_str);
            /* Unmapped CPUs fall back to node 0, as in QEMU. */
            props.node_id = 0;
        }
        props.has_node_id = TRUE;
        /*
         * The slot's own ids match only itself; with HMAT its node may
         * still name another initiator (QEMU exits there).
         */
        if (!qmem_numa_set_cpu_node(machine, &props, error)) {
            return FALSE;
        }
    }

    if (state->hmat_enabled && !numa_validate_initiator(state, error)) {
        return FALSE;
    }
    if (s->len && !qmem_qtest_enabled()) {
        qmem_warn_report("CPU(s) not present in any NUMA nodes: %s", s->str);
        qmem_warn_report("All CPU(s) up to maxcpus should be described in "
                         "NUMA config, ability to start up with partial NUMA "
                         "mappings is obsoleted and will be removed in "
                         "future");
    }
    return TRUE;
}

/*
 * Guests need an SRAT for memory hotplug (Windows) or for DMA with
 * hot-plugged memory (Linux), so QEMU makes node 0 on its own when the
 * machine type asks for it.
 */
static gboolean numa_auto_enable(QmemMachine *machine, QmemNumaState *state,
                                 GError **error)
{
    QmemNumaMachineInterface *iface = QMEM_NUMA_MACHINE_GET_IFACE(machine);
    guint64 ram_size = qmem_machine_get_ram_size(machine);

    if (state->num_nodes == 0 &&
        ((qmem_machine_get_ram_slots(machine) &&
          iface->auto_enable_numa_with_memhp) ||
         (qmem_machine_get_maxram_size(machine) > ram_size &&
          iface->auto_enable_numa_with_memdev) ||
         iface->auto_enable_numa)) {
        if (!qmem_numa_add_node(machine, state, error)) {
            return FALSE;
        }
        state->nodes[0].node_mem = ram_size;
    }
    return TRUE;
}

/* Sparse ids are not supported; the largest missing one is reported. */
static gboolean numa_check_dense(QmemNumaState *state, GError **error)
{
    g_assert(state->max_nodeid <= QMEM_MAX_NODES);
    for (int i = (int)state->max_nodeid - 1; i >= 0; i--) {
        if (!state->nodes[i].present) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "numa: Node ID missing: %d", i);
            return FALSE;
        }
    }
    g_assert(state->num_nodes == state->max_nodeid);
    return TRUE;
}

/*
 * Node memory: split by the machine type's hook when no node has any,
 * and in any case adding up to the RAM size.
 */
static gboolean numa_complete_node_mem(QmemMachine *machine,
                                       QmemNumaState *state, GError **error)
{
    QmemNumaMachineInterface *iface = QMEM_NUMA_MACHINE_GET_IFACE(machine);
    guint64 ram_size = qmem_machine_get_ram_size(machine);
    guint64 numa_total = 0;
    gboolean any_mem = FALSE;

    for (guint i = 0; i < state->num_nodes; i++) {
        any_mem = any_mem || state->nodes[i].node_mem != 0;
    }
    if (!any_mem && iface->numa_auto_assign_ram) {
        iface->numa_auto_assign_ram(iface, state->nodes, state->num_nodes,
                                    ram_size);
        if (!qmem_qtest_enabled()) {
            qmem_warn_report("Default splitting of RAM between nodes is "
                             "deprecated, Use '-numa node,memdev' to "
                             "explictly define RAM allocation per node");
        }
    }

    for (guint i = 0; i < state->num_nodes; i++) {
        numa_total += state->nodes[i].node_mem;
    }
    if (numa_total != ram_size) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "total memory for NUMA nodes (0x%" G_GINT64_MODIFIER "x)"
                    " should equal RAM size (0x%" G_GINT64_MODIFIER "x)",
                    numa_total, ram_size);
        return FALSE;
    }
    return TRUE;
}

/*
 * With memdev= nodes, the boot RAM is their backends in a container named
 * the machine type's default RAM id; %NULL without error when there is
 * none to make.
 */
static QmemMemoryRegion *numa_boot_ram(QmemMachine *machine,
                                       QmemNumaState *state, GError **error)
{
    const char *default_ram_id =
        QMEM_MACHINE_GET_CLASS(machine)->default_ram_id;

    if (!state->have_memdevs || !default_ram_id) {
        return NULL;
    }
    if (qmem_machine_get_memory_backend(machine)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'-machine memory-backend' and '-numa memdev' "
                    "properties are mutually exclusive");
        return NULL;
    }
    return numa_memdev_container(machine, state, default_ram_id, error);
}

gboolean qmem_numa_complete_configuration(QmemMachine *machine,
                                          QmemMemoryRegion **ram,
                                          GError **error)
{
    QmemNumaState *state = qmem_numa_machine_get_state(machine);
    g_autoptr(QmemMemoryRegion) container = NULL;
    g_autoptr(GError) local_error = NULL;

    if (ram) {
        *ram = NULL;
    }
    if (!state) {
        return TRUE;
    }
    if (!numa_auto_enable(machine, state, error) ||
        !numa_check_dense(state, error)) {
        return FALSE;
    }
    if (state->num_nodes == 0) {
        return TRUE;
    }
    if (!numa_complete_node_mem(machine, state, error)) {
        return FALSE;
    }
    container = numa_boot_ram(machine, state, &local_error);
    if (local_error) {
        g_propagate_error(error, g_steal_pointer(&local_error));
        return FALSE;
    }

    if (state->have_numa_distance) {
        if (!validate_numa_distance(state, error)) {
            qmem_numa_release_memdevs(machine);
            return FALSE;
        }
        complete_init_numa_distance(state);
    }

    if (!numa_finish_cpu_init(machine, state, error)) {
        qmem_numa_release_memdevs(machine);
        return FALSE;
    }
    if (ram) {
        *ram = g_steal_pointer(&container);
    }
    return TRUE;
}

/* Queries */

void qmem_numa_query_node_mem(QmemMachine *machine, const guint64 *device_mem,
                              QmemNumaNodeMem *node_mem)
{
    QmemNumaState *state = qmem_numa_machine_get_state(machine);

    for (guint i = 0; state && i < state->num_nodes; i++) {
        node_mem[i].node_mem = state->nodes[i].node_mem + device_mem[i];
        node_mem[i].node_plugged_mem = device_mem[i];
    }
}

JsonNode *qmem_numa_query_cpus_fast(QmemMachine *machine)
{
    JsonArray *list = json_array_new();
    g_autoptr(GPtrArray) cpus = qmem_cpu_list(machine);

    for (guint i = 0; i < cpus->len; i++) {
        QmemCpu *cpu = g_ptr_array_index(cpus, i);
        guint index = qmem_cpu_get_index(cpu);
        JsonObject *obj = json_object_new();
        g_autofree char *path =
            qmem_object_get_canonical_path(QMEM_OBJECT(cpu));
        QmemCpuInstanceProperties props =
            QMEM_NUMA_MACHINE_GET_IFACE(machine)->cpu_index_to_props(
                QMEM_NUMA_MACHINE(machine), index);

        json_object_set_int_member(obj, "cpu-index", index);
        json_object_set_string_member(obj, "qom-path", path);
        json_object_set_int_member(obj, "thread-id",
                                   qmem_accel_vcpu_thread_id(
                                       qmem_accel_get_current(), index));
        json_object_set_object_member(obj, "props",
                                      qmem_cpu_props_to_json(&props));
        json_object_set_string_member(obj, "target", "x86_64");
        json_array_add_object_element(list, obj);
    }
    return qmem_json_node_new_array(list);
}

/* " <cpu-index>" of each vCPU on @node, query-cpus-fast's order. */
static void numa_info_cpus(QmemMachine *machine, guint node, GString *out)
{
    QmemNumaMachineInterface *iface = QMEM_NUMA_MACHINE_GET_IFACE(machine);
    g_autoptr(GPtrArray) cpus = qmem_cpu_list(machine);

    for (guint i = 0; i < cpus->len; i++) {
        guint index = qmem_cpu_get_index(g_ptr_array_index(cpus, i));
        QmemCpuInstanceProperties props =
            iface->cpu_index_to_props(QMEM_NUMA_MACHINE(machine), index);

        if (props.has_node_id && props.node_id == node) {
            g_string_append_printf(out, " %u", index);
        }
    }
}

void qmem_numa_info(QmemMachine *machine, const guint64 *device_mem,
                    GString *out)
{
    guint nb_numa_nodes = qmem_numa_get_num_nodes(machine);
    g_autofree QmemNumaNodeMem *node_mem = NULL;

    g_string_append_printf(out, "%u nodes\n", nb_numa_nodes);
    if (!nb_numa_nodes) {
        return;
    }
    node_mem = g_new0(QmemNumaNodeMem, nb_numa_nodes);
    qmem_numa_query_node_mem(machine, device_mem, node_mem);
    for (guint i = 0; i < nb_numa_nodes; i++) {
        g_string_append_printf(out, "node %u cpus:", i);
        numa_info_cpus(machine, i, out);
        g_string_append(out, "\n");
        g_string_append_printf(out, "node %u size: %" G_GUINT64_FORMAT " MB\n",
                               i, node_mem[i].node_mem >> 20);
        g_string_append_printf(out, "node %u plugged: %" G_GUINT64_FORMAT
                               " MB\n", i, node_mem[i].node_plugged_mem >> 20);
    }
}
