/* SPDX-License-Identifier: GPL-2.0-or-later */
/* -smp: CPU topology parsing, possible CPU slots and x86 APIC ids. */

#ifndef QMEM_HW_CORE_CPU_TOPOLOGY_H
#define QMEM_HW_CORE_CPU_TOPOLOGY_H

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * QmemSmpConfig:
 * @has_cpus: whether @cpus was given; likewise for every member
 * @cpus: boot CPUs
 * @drawers: drawers (s390x in QEMU)
 * @books: books per drawer (s390x in QEMU)
 * @sockets: sockets per book
 * @dies: dies per socket
 * @clusters: clusters per die
 * @modules: modules per cluster
 * @cores: cores per module
 * @threads: threads per core
 * @maxcpus: the most CPUs the machine can have
 *
 * QEMU's SMPConfiguration: what `-smp` (or the machine's "smp" property)
 * said, as QAPI 'int' values.  Members not given are 0 with has_* FALSE.
 */
typedef struct {
    gboolean has_cpus;
    gint64 cpus;
    gboolean has_drawers;
    gint64 drawers;
    gboolean has_books;
    gint64 books;
    gboolean has_sockets;
    gint64 sockets;
    gboolean has_dies;
    gint64 dies;
    gboolean has_clusters;
    gint64 clusters;
    gboolean has_modules;
    gint64 modules;
    gboolean has_cores;
    gint64 cores;
    gboolean has_threads;
    gint64 threads;
    gboolean has_maxcpus;
    gint64 maxcpus;
} QmemSmpConfig;

/**
 * QmemSmpProps:
 * @prefer_sockets: compute omitted sockets before cores (machine types
 *   before 6.2)
 * @dies_supported: the board has dies (-smp dies= above 1 is refused
 *   otherwise); likewise for the other members
 *
 * QEMU's SMPCompatProps: which topology levels a machine type supports.
 */
typedef struct {
    gboolean prefer_sockets;
    gboolean dies_supported;
    gboolean clusters_supported;
    gboolean modules_supported;
    gboolean books_supported;
    gboolean drawers_supported;
} QmemSmpProps;

/**
 * QmemCpuTopology:
 *
 * QEMU's CpuTopology: the machine's CPU topology after parsing, every
 * level at least 1.  @max_cpus is the product of the levels.
 */
typedef struct {
    guint cpus;
    guint drawers;
    guint books;
    guint sockets;
    guint dies;
    guint clusters;
    guint modules;
    guint cores;
    guint threads;
    guint max_cpus;
} QmemCpuTopology;

/**
 * QMEM_CPU_TOPOLOGY_INIT:
 *
 * One CPU, every level 1: the topology of a machine without -smp.
 */
#define QMEM_CPU_TOPOLOGY_INIT \
    ((QmemCpuTopology){ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 })

/**
 * qmem_smp_config_from_keyval:
 * @opts: -smp as qmem_keyval_parse() gives it (implied key "cpus"), the
 *   options of several -smp merged, later keys winning
 * @config: (out): the values
 * @error: return location for a #GError
 *
 * Visits @opts as QEMU's keyval visitor visits the machine's "smp"
 * property: "Parameter 'smp.foo' is unexpected", "Parameter 'smp.cores'
 * expects integer".
 */
gboolean qmem_smp_config_from_keyval(JsonObject *opts, QmemSmpConfig *config,
                                     GError **error);

/**
 * qmem_smp_parse:
 * @config: what was asked for
 * @props: what the machine type supports
 * @machine_name: the machine type's name for messages ("pc-i440fx-10.2")
 * @min_cpus: the fewest CPUs the machine type takes (QEMU's min_cpus)
 * @max_cpus: the most CPUs it takes
 * @topo: (out): the result; written only on success
 * @error: return location for a #GError
 *
 * QEMU's machine_parse_smp_config(): rejects zero values and levels the
 * machine lacks, computes the omitted ones (cores before sockets, or
 * sockets first with @props->prefer_sockets; threads last) and checks
 * the product and the limits, with QEMU's messages ("Invalid CPU
 * topology: product of the hierarchy must match maxcpus: sockets (3) *
 * dies (1) * cores (1) * threads (1) != maxcpus (4)").
 *
 * Returns: %TRUE when @topo is valid.
 */
gboolean qmem_smp_parse(const QmemSmpConfig *config,
                        const QmemSmpProps *props, const char *machine_name,
                        guint min_cpus, guint max_cpus, QmemCpuTopology *topo,
                        GError **error);

/**
 * QmemCpuInstanceProperties:
 *
 * QEMU's CpuInstanceProperties: where a CPU slot sits in the topology and
 * which NUMA node it belongs to.  Each id is meaningful only with its
 * has_* flag.
 */
typedef struct {
    gboolean has_node_id;
    gint64 node_id;
    gboolean has_drawer_id;
    gint64 drawer_id;
    gboolean has_book_id;
    gint64 book_id;
    gboolean has_socket_id;
    gint64 socket_id;
    gboolean has_die_id;
    gint64 die_id;
    gboolean has_cluster_id;
    gint64 cluster_id;
    gboolean has_module_id;
    gint64 module_id;
    gboolean has_core_id;
    gint64 core_id;
    gboolean has_thread_id;
    gint64 thread_id;
} QmemCpuInstanceProperties;

/**
 * QmemCpuArchId:
 * @arch_id: the architecture's id of the CPU (the x86 APIC id)
 * @vcpus_count: vCPUs in the slot (1 on x86)
 * @props: its place in the topology and its node
 * @cpu: (nullable): the vCPU device in the slot (a #QmemCpu, not a
 *   reference), %NULL while the slot is free
 *
 * One possible CPU slot (QEMU's CPUArchId).
 */
typedef struct {
    guint64 arch_id;
    guint vcpus_count;
    QmemCpuInstanceProperties props;
    gpointer cpu;
} QmemCpuArchId;

/**
 * QmemCpuArchIdList:
 * @len: the number of slots (the machine's max_cpus)
 * @cpus: (array length=len): the slots, by CPU index
 */
typedef struct {
    guint len;
    QmemCpuArchId cpus[];
} QmemCpuArchIdList;

/**
 * qmem_cpu_arch_id_list_new:
 * @len: slots
 *
 * Returns: (transfer full): a zeroed list, freed with g_free().
 */
QmemCpuArchIdList *qmem_cpu_arch_id_list_new(guint len);

/**
 * qmem_cpu_props_to_string:
 * @props: a slot's properties
 *
 * Returns: (transfer full): "socket-id: 0, core-id: 1, thread-id: 0", the
 *   given ids from the largest level down, as QEMU's warnings list them.
 */
char *qmem_cpu_props_to_string(const QmemCpuInstanceProperties *props);

/**
 * qmem_cpu_props_to_json:
 * @props: a slot's properties
 *
 * Returns: (transfer full): the CpuInstanceProperties object QMP shows
 *   (query-cpus-fast "props"), with only the given members.
 */
JsonObject *qmem_cpu_props_to_json(const QmemCpuInstanceProperties *props);

/**
 * QmemX86TopoIds:
 *
 * The ids of one x86 CPU (QEMU's X86CPUTopoIDs).
 */
typedef struct {
    guint pkg_id;
    guint die_id;
    guint module_id;
    guint core_id;
    guint smt_id;
} QmemX86TopoIds;

/**
 * qmem_x86_topo_ids_from_idx:
 * @topo: the machine's topology (dies, modules, cores, threads are used)
 * @cpu_index: a CPU index below @topo->max_cpus
 * @ids: (out): where the CPU sits
 */
void qmem_x86_topo_ids_from_idx(const QmemCpuTopology *topo, guint cpu_index,
                                QmemX86TopoIds *ids);

/**
 * qmem_x86_apicid_from_topo_ids:
 *
 * Returns: the APIC id QEMU gives the CPU at @ids: each level takes the
 *   bits its count needs (thread, core, module, die), the package the rest.
 */
guint32 qmem_x86_apicid_from_topo_ids(const QmemCpuTopology *topo,
                                      const QmemX86TopoIds *ids);

/**
 * qmem_x86_topo_ids_from_apicid:
 *
 * The inverse of qmem_x86_apicid_from_topo_ids().
 */
void qmem_x86_topo_ids_from_apicid(const QmemCpuTopology *topo,
                                   guint32 apicid, QmemX86TopoIds *ids);

/**
 * qmem_x86_apicid_from_cpu_index:
 *
 * Returns: the APIC id of CPU @cpu_index (QEMU's
 *   x86_cpu_apic_id_from_index()).
 */
guint32 qmem_x86_apicid_from_cpu_index(const QmemCpuTopology *topo,
                                       guint cpu_index);

/**
 * qmem_x86_possible_cpu_arch_ids:
 * @topo: the machine's topology
 *
 * QEMU's x86_possible_cpu_arch_ids(): one slot per CPU index up to
 * @topo->max_cpus with its APIC id and socket-id, die-id (only with more
 * than one die), module-id (only with more than one module), core-id and
 * thread-id; no node yet.
 *
 * Returns: (transfer full): the slots, freed with g_free().
 */
QmemCpuArchIdList *qmem_x86_possible_cpu_arch_ids(const QmemCpuTopology *topo);

G_END_DECLS

#endif
