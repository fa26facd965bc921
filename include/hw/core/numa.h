/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The NUMA machine mixin: -numa, node memory, CPU mapping, address map. */

#ifndef QMEM_HW_CORE_NUMA_H
#define QMEM_HW_CORE_NUMA_H

#include <json-glib/json-glib.h>
#include "hw/core/boards.h"
#include "hw/core/cpu-topology.h"
#include "system/hostmem.h"
#include "system/numa.h"

G_BEGIN_DECLS

/*
 * A machine type gets QEMU's NUMA support by implementing
 * QmemNumaMachine: the interface holds the class-level knobs QEMU keeps
 * in MachineClass (may -numa node,mem= be used, how RAM is split when no
 * node was given any, how CPUs map to nodes by default) and reaches the
 * per-machine state (QmemNumaState) through get_numa_state.  The rest is
 * done here, in QEMU's order:
 *
 *   qmem_machine_new()               the machine allocates its state
 *   -smp                             qmem_machine_set_smp_config()
 *   -numa, in order                  qmem_numa_set_options()
 *   qmem_machine_init_board()        qmem_numa_complete_configuration()
 *                                    (which also maps CPUs without a
 *                                    node, QEMU's machine_numa_finish_
 *                                    cpu_init()), the per-node RAM
 *                                    container, then after the board's
 *                                    init the address map of boot RAM
 *                                    (qmem_numa_map_boot_ram())
 *   memory-device plug/unplug        qmem_numa_add_range() / _remove_range()
 *
 *     static void my_numa_init(QmemNumaMachineInterface *iface)
 *     {
 *         iface->numa_mem_align_shift = 28;
 *         iface->numa_auto_assign_ram = qmem_numa_auto_assign_ram_default;
 *         iface->possible_cpu_arch_ids = my_possible_cpus;
 *         iface->get_default_cpu_node_id = my_default_node;
 *     }
 *     G_DEFINE_DYNAMIC_TYPE_EXTENDED(MyMachine, my_machine,
 *         QMEM_TYPE_MACHINE, 0,
 *         G_IMPLEMENT_INTERFACE_DYNAMIC(QMEM_TYPE_NUMA_MACHINE,
 *                                       my_numa_init))
 */

/* QEMU's NUMA distances (include/system/numa.h, beside MAX_NODES). */
#define QMEM_NUMA_DISTANCE_MIN 10
#define QMEM_NUMA_DISTANCE_DEFAULT 20
#define QMEM_NUMA_DISTANCE_MAX 254
#define QMEM_NUMA_DISTANCE_UNREACHABLE 255

/**
 * QmemNumaAddrRange:
 * @start: first guest-physical address
 * @size: bytes (> 0)
 */
typedef struct {
    guint64 start;
    guint64 size;
} QmemNumaAddrRange;

/**
 * QmemNumaNode:
 * @present: declared by -numa node (or made implicitly)
 * @node_mem: boot RAM of the node in bytes
 * @node_memdev: (nullable): its backend with memdev=, a reference
 * @has_cpu: some CPU maps to it (tracked with HMAT only, as QEMU)
 * @lb_info_provided: with HMAT, bit 0: some -numa hmat-lb gave a non-zero
 *   latency with this node as target, bit 1: a non-zero bandwidth
 * @initiator: the HMAT initiator node, %QMEM_MAX_NODES for none
 * @distance: distances to every node; 0 = not given (until completion)
 * @ranges: (element-type QmemNumaAddrRange): the guest-physical ranges the
 *   node owns (boot RAM and plugged memory devices), in the order added
 *
 * QEMU's NodeInfo.
 */
typedef struct {
    gboolean present;
    guint64 node_mem;
    QmemHostMemoryBackend *node_memdev;
    gboolean has_cpu;
    guint8 lb_info_provided;
    guint16 initiator;
    guint8 distance[QMEM_MAX_NODES];
    GArray *ranges;
} QmemNumaNode;

/* HMAT (ACPI 6.3, 5.2.27): QEMU's HmatLBMemoryHierarchy. */
typedef enum {
    QMEM_HMAT_LB_MEM_MEMORY,
    QMEM_HMAT_LB_MEM_CACHE_1ST_LEVEL,
    QMEM_HMAT_LB_MEM_CACHE_2ND_LEVEL,
    QMEM_HMAT_LB_MEM_CACHE_3RD_LEVEL,
    QMEM_HMAT_LB_LEVELS
} QmemHmatLbHierarchy;

/* QEMU's HmatLBDataType: latencies (ns), then bandwidths (B/s). */
typedef enum {
    QMEM_HMAT_LB_DATA_ACCESS_LATENCY,
    QMEM_HMAT_LB_DATA_READ_LATENCY,
    QMEM_HMAT_LB_DATA_WRITE_LATENCY,
    QMEM_HMAT_LB_DATA_ACCESS_BANDWIDTH,
    QMEM_HMAT_LB_DATA_READ_BANDWIDTH,
    QMEM_HMAT_LB_DATA_WRITE_BANDWIDTH,
    QMEM_HMAT_LB_TYPES
} QmemHmatLbDataType;

/* QEMU's HmatCacheAssociativity. */
typedef enum {
    QMEM_HMAT_CACHE_ASSOCIATIVITY_NONE,
    QMEM_HMAT_CACHE_ASSOCIATIVITY_DIRECT,
    QMEM_HMAT_CACHE_ASSOCIATIVITY_COMPLEX,
} QmemHmatCacheAssociativity;

/* QEMU's HmatCacheWritePolicy. */
typedef enum {
    QMEM_HMAT_CACHE_WRITE_POLICY_NONE,
    QMEM_HMAT_CACHE_WRITE_POLICY_WRITE_BACK,
    QMEM_HMAT_CACHE_WRITE_POLICY_WRITE_THROUGH,
} QmemHmatCacheWritePolicy;

/**
 * QmemNumaHmatLbOptions:
 *
 * QEMU's NumaHmatLBOptions: one -numa hmat-lb as visited.  @latency is in
 * nanoseconds, @bandwidth in bytes per second.
 */
typedef struct {
    guint16 initiator;
    guint16 target;
    QmemHmatLbHierarchy hierarchy;
    QmemHmatLbDataType data_type;
    gboolean has_latency;
    guint64 latency;
    gboolean has_bandwidth;
    guint64 bandwidth;
} QmemNumaHmatLbOptions;

/**
 * QmemNumaHmatCacheOptions:
 *
 * QEMU's NumaHmatCacheOptions: one -numa hmat-cache as visited.
 */
typedef struct {
    guint32 node_id;
    guint64 size;
    guint8 level;
    QmemHmatCacheAssociativity associativity;
    QmemHmatCacheWritePolicy policy;
    guint16 line;
} QmemNumaHmatCacheOptions;

/**
 * QmemHmatLbData:
 *
 * One latency or bandwidth between two nodes (QEMU's HMAT_LB_Data, whose
 * node numbers are 8-bit).
 */
typedef struct {
    guint8 initiator;
    guint8 target;
    guint64 data;
} QmemHmatLbData;

/**
 * QmemHmatLbInfo:
 * @hierarchy: memory or a cache level
 * @data_type: which latency or bandwidth
 * @range_bitmap: latencies: the largest entry in units of @base so far;
 *   bandwidths: the OR of every bandwidth given
 * @base: the common unit: ns for latencies, B/s for bandwidths
 * @list: (element-type QmemHmatLbData): the values in the order given
 *
 * QEMU's HMAT_LB_Info.
 */
typedef struct {
    guint8 hierarchy;
    guint8 data_type;
    guint64 range_bitmap;
    guint64 base;
    GArray *list;
} QmemHmatLbInfo;

/**
 * QmemNumaState:
 * @num_nodes: nodes declared; ids are dense once the configuration is
 *   complete
 * @max_nodeid: the highest node id given, plus one
 * @have_numa_distance: some -numa dist was given
 * @have_memdevs: some node used memdev=
 * @have_mem: some node used mem=
 * @hmat_enabled: -machine hmat=on
 * @nodes: the nodes by id
 * @hmat_lb: (nullable): per hierarchy and data type, what -numa hmat-lb
 *   gave (QEMU's HMAT_LB_Info), made by the first such option
 * @hmat_cache: (nullable): per node and cache level (1 to 3; 0 unused),
 *   the -numa hmat-cache given
 * @possible_cpus: (nullable): the CPU slots of the machine with their
 *   nodes, built on first use from the machine's topology
 *
 * QEMU's NumaState, plus the machine's possible CPU list.  Owned by the
 * machine; a machine type reaches it with get_numa_state.
 */
struct QmemNumaState {
    guint num_nodes;
    guint max_nodeid;
    gboolean have_numa_distance;
    gboolean have_memdevs;
    gboolean have_mem;
    gboolean hmat_enabled;
    QmemNumaNode nodes[QMEM_MAX_NODES];
    QmemHmatLbInfo *hmat_lb[QMEM_HMAT_LB_LEVELS][QMEM_HMAT_LB_TYPES];
    QmemNumaHmatCacheOptions *hmat_cache[QMEM_MAX_NODES][QMEM_HMAT_LB_LEVELS];
    QmemCpuArchIdList *possible_cpus;
};

/**
 * qmem_numa_state_new:
 * Returns: (transfer full): an empty state, for a machine's instance init.
 */
QmemNumaState *qmem_numa_state_new(void);

/**
 * qmem_numa_state_free:
 *
 * Drops the node backends' references and the ranges.  The backends'
 * "mapped" marks are the machine's business.
 */
void qmem_numa_state_free(QmemNumaState *state);

#define QMEM_TYPE_NUMA_MACHINE (qmem_numa_machine_get_type())
G_DECLARE_INTERFACE(QmemNumaMachine, qmem_numa_machine, QMEM, NUMA_MACHINE,
                    QmemMachine)

/**
 * QmemNumaMachineInterface:
 * @numa_supported: whether machines of the type take -numa at all; a
 *   machine type may implement the interface and still say no (then
 *   "NUMA is not supported by this machine-type").  Default %TRUE.
 * @numa_mem_supported: whether -numa node,mem= is allowed (QEMU: machine
 *   types up to 5.0).  Default %FALSE.
 * @numa_mem_align_shift: node memory split by @numa_auto_assign_ram is
 *   aligned to 1 << this (23 = 8 MiB, QEMU's default; spapr 28).
 * @auto_enable_numa_with_memhp: make node 0 when memory slots were given
 *   and no -numa was.  Default %FALSE.
 * @auto_enable_numa_with_memdev: make node 0 when maxmem exceeds RAM and
 *   no -numa was.  Default %FALSE.
 * @auto_enable_numa: always make node 0 when no -numa was.  Default
 *   %FALSE.
 * @numa_auto_assign_ram: splits @size bytes of RAM over @nb_nodes nodes
 *   when no node was given any (the removed QEMU behaviour: legacy or
 *   default strategy, qmem_numa_auto_assign_ram_legacy() /
 *   qmem_numa_auto_assign_ram_default()).  Called once during completion
 *   with the interface of the machine's class; sets node_mem of every
 *   node.  Optional: %NULL (the default) means no split, so the total
 *   memory check fails as in current QEMU.
 * @get_numa_state: returns the machine's state.  Called whenever NUMA code
 *   needs it, before and after board init.  Optional: the default returns
 *   the state the base machine keeps (qmem_machine_get_numa_state()).
 *   May not fail; returns %NULL only when @numa_supported is %FALSE.
 * @possible_cpu_arch_ids: fills @cpus (@smp->max_cpus slots, zeroed) with
 *   each slot's architecture id and topology properties, never the node.
 *   Called once, the first time the machine's CPU list is needed (after
 *   -smp).  Required.
 * @cpu_index_to_props: the topology properties of CPU @cpu_index (which is
 *   below max_cpus), as -numa node,cpus= sees it.  Optional: the default
 *   returns the slot's properties.
 * @get_default_cpu_node_id: the node of CPU slot @idx when no -numa gave
 *   any CPU a node (pc: socket id modulo the node count).  Called during
 *   completion with at least one node.  Required.
 */
struct _QmemNumaMachineInterface {
    GTypeInterface parent_iface;

    gboolean numa_supported;
    gboolean numa_mem_supported;
    guint numa_mem_align_shift;
    gboolean auto_enable_numa_with_memhp;
    gboolean auto_enable_numa_with_memdev;
    gboolean auto_enable_numa;

    void (*numa_auto_assign_ram)(QmemNumaMachineInterface *iface,
                                 QmemNumaNode *nodes, guint nb_nodes,
                                 guint64 size);
    QmemNumaState *(*get_numa_state)(QmemNumaMachine *self);
    void (*possible_cpu_arch_ids)(QmemNumaMachine *self,
                                  const QmemCpuTopology *smp,
                                  QmemCpuArchId *cpus);
    QmemCpuInstanceProperties (*cpu_index_to_props)(QmemNumaMachine *self,
                                                    guint cpu_index);
    gint64 (*get_default_cpu_node_id)(QmemNumaMachine *self, guint idx);

    gpointer padding[8];
};

/**
 * qmem_numa_auto_assign_ram_legacy:
 *
 * QEMU's legacy split (pc machine types up to 2.9): every node but the
 * last gets @size / @nb_nodes rounded down to the interface's alignment,
 * the last node the rest.
 */
void qmem_numa_auto_assign_ram_legacy(QmemNumaMachineInterface *iface,
                                      QmemNumaNode *nodes, guint nb_nodes,
                                      guint64 size);

/**
 * qmem_numa_auto_assign_ram_default:
 *
 * QEMU's default split: granularity g = @size / @nb_nodes; each node but
 * the last gets g plus what the previous ones lost to rounding, rounded
 * down to the alignment; the last node the rest.
 */
void qmem_numa_auto_assign_ram_default(QmemNumaMachineInterface *iface,
                                       QmemNumaNode *nodes, guint nb_nodes,
                                       guint64 size);

/**
 * qmem_numa_machine_get_state:
 * @machine: any machine
 *
 * Returns: (nullable): the NUMA state of @machine, %NULL when its type
 *   does not support NUMA.
 */
QmemNumaState *qmem_numa_machine_get_state(QmemMachine *machine);

/**
 * qmem_numa_get_num_nodes:
 * @machine: (nullable): any machine
 *
 * Returns: the number of NUMA nodes, 0 without NUMA (what memory devices
 *   check their "node" property against).
 */
guint qmem_numa_get_num_nodes(QmemMachine *machine);

/**
 * qmem_numa_set_options:
 * @machine: the machine, before qmem_machine_init_board() and after its
 *   -smp and the -object backends
 * @opts: one -numa as qmem_opts_parse() gives it with implied key "type"
 * @error: return location for a #GError
 *
 * QEMU's parse_numa() and set_numa_options(): visits @opts as the opts
 * visitor visits NumaOptions (node, dist, cpu, hmat-lb, hmat-cache, every
 * member checked in schema order with its message, unknown keys last) and
 * applies it with QEMU's checks and messages (hmat-lb and hmat-cache
 * through qmem_numa_parse_hmat_lb() and qmem_numa_parse_hmat_cache(),
 * once -machine hmat=on).  The mem= deprecation warning goes to stderr
 * unless the qtest accelerator runs, and so does QEMU's quirk for
 * node,initiator= of 128 and more: "The initiator id %u expects an
 * integer between 0 and 127" is reported, the node is not made, and
 * there is no error.
 *
 * Returns: %TRUE on success; on failure the state may hold the node half
 *   declared, as QEMU's would (the caller exits).
 */
gboolean qmem_numa_set_options(QmemMachine *machine, JsonObject *opts,
                               GError **error);

/**
 * qmem_numa_set_options_qmp:
 * @machine: the machine, before qmem_machine_init_board()
 * @args: set-numa-node's arguments, a NumaOptions object
 * @error: return location for a #GError
 *
 * QEMU's qmp_set_numa_node() without its phase check: visits @args as
 * QEMU's strict QMP visitor visits NumaOptions ("Parameter 'type' is
 * missing", "Invalid parameter type for 'nodeid', expected: integer",
 * "Parameter 'cpus[0]' expects uint16_t", "Parameter 'foo' is
 * unexpected") and applies it with the code, checks and messages of
 * qmem_numa_set_options().
 *
 * Returns: %TRUE on success.
 */
gboolean qmem_numa_set_options_qmp(QmemMachine *machine, JsonObject *args,
                                   GError **error);

/**
 * qmem_numa_parse_hmat_lb:
 * @state: the machine's NUMA state, with hmat_enabled
 * @lb: a visited -numa hmat-lb
 * @error: return location for a #GError
 *
 * QEMU's parse_numa_hmat_lb(): checks @lb against the nodes declared so
 * far (the initiator must have CPUs, the target must exist, latency for a
 * latency type and bandwidth, 1 MiB aligned, for a bandwidth type, no
 * pair twice, every value within 65534 units of a common base) and adds it
 * to @state->hmat_lb, with QEMU's messages.
 *
 * Returns: %TRUE on success; on failure @state may hold the table made
 *   for the hierarchy and data type and an adjusted base, as QEMU's would.
 */
gboolean qmem_numa_parse_hmat_lb(QmemNumaState *state,
                                 const QmemNumaHmatLbOptions *lb,
                                 GError **error);

/**
 * qmem_numa_parse_hmat_cache:
 * @state: the machine's NUMA state, with hmat_enabled
 * @cache: a visited -numa hmat-cache
 * @error: return location for a #GError
 *
 * QEMU's parse_numa_hmat_cache(): the node must exist and have its
 * latency and bandwidth given, the level be 1 to 3, not given twice, the
 * level below given first, and the sizes grow with the level; then a copy
 * of @cache goes to @state->hmat_cache.
 *
 * Returns: %TRUE on success, else @state is unchanged.
 */
gboolean qmem_numa_parse_hmat_cache(QmemNumaState *state,
                                    const QmemNumaHmatCacheOptions *cache,
                                    GError **error);

/**
 * qmem_numa_set_hmat_enabled:
 * @machine: a machine with NUMA support
 *
 * The machine property "hmat" (QEMU's machine_set_hmat()): whether the
 * HMAT options are taken and the ACPI tables have an HMAT.
 */
void qmem_numa_set_hmat_enabled(QmemMachine *machine, gboolean enabled);

/**
 * qmem_numa_hmat_enabled:
 * @machine: (nullable): any machine
 *
 * Returns: whether -machine hmat=on was given; %FALSE without NUMA.
 */
gboolean qmem_numa_hmat_enabled(QmemMachine *machine);

/**
 * qmem_numa_uses_memdevs:
 * Returns: whether some -numa node used memdev= (then the machine has no
 *   default RAM backend: its RAM is the nodes' backends).
 */
gboolean qmem_numa_uses_memdevs(QmemMachine *machine);

/**
 * qmem_numa_complete_configuration:
 * @machine: the machine during qmem_machine_init_board()
 * @ram: (out) (optional) (transfer full): with memdev= nodes and a
 *   machine type that has a default RAM id, the boot RAM: a container of
 *   that name holding each node's backend region, node after node; else
 *   %NULL
 * @error: return location for a #GError
 *
 * QEMU's numa_complete_configuration() plus the (removed) automatic RAM
 * split: makes node 0 when the machine type asks for it, checks that node
 * ids are dense ("numa: Node ID missing: %d"), splits RAM with the
 * interface's hook when no node has memory (warning "Default splitting of
 * RAM between nodes is deprecated, Use '-numa node,memdev' to explictly
 * define RAM allocation per node" unless under qtest), checks the total
 * ("total memory for NUMA nodes (0x%lx) should equal RAM size (0x%lx)"),
 * consumes the node backends ("memory backend %s is used multiple times.
 * Each -numa option must use a different memdev value.") and validates
 * and completes the distances.  Then, with nodes, QEMU's
 * machine_numa_finish_cpu_init(): CPUs without a node get the board's
 * default when no CPU was mapped, else node 0; with HMAT each node's
 * initiator must be a node ("NUMA node %u is missing, use '-numa node'
 * option to declare it first") with CPUs ("The initiator of NUMA node %d
 * is invalid"); then QEMU's two warnings about unmapped CPUs.
 *
 * Returns: %TRUE on success; on failure no backend stays consumed.
 */
gboolean qmem_numa_complete_configuration(QmemMachine *machine,
                                          QmemMemoryRegion **ram,
                                          GError **error);

/**
 * qmem_numa_release_memdevs:
 *
 * Clears the "mapped" mark of the node backends that
 * qmem_numa_complete_configuration() consumed (machine teardown).
 */
void qmem_numa_release_memdevs(QmemMachine *machine);

/**
 * qmem_numa_machine_possible_cpus:
 * @machine: a machine whose type implements the interface
 *
 * Returns: (transfer none) (nullable): the CPU slots with their nodes
 *   (built from the topology on first use), %NULL without NUMA support.
 */
const QmemCpuArchIdList *qmem_numa_machine_possible_cpus(QmemMachine *machine);

/**
 * qmem_numa_cpu_pre_plug:
 * @machine: the machine
 * @cpu_index: the slot of a vCPU about to be created
 * @node_id: (inout): the vCPU's node-id property, -1 when unset (then the
 *   slot's node is filled in)
 * @error: return location for a #GError
 *
 * QEMU's numa_cpu_pre_plug(): a vCPU's node must be its slot's: "invalid
 * node-id, must be %ld".  Without NUMA support nothing is checked.
 */
gboolean qmem_numa_cpu_pre_plug(QmemMachine *machine, guint cpu_index,
                                gint64 *node_id, GError **error);

/**
 * qmem_numa_map_boot_ram:
 * @machine: the machine after its board init
 *
 * Records which guest-physical ranges of boot RAM belong to which node:
 * node i owns the RAM bytes [sum of node_mem of nodes < i, + node_mem),
 * wherever the board mapped them (below and above the PCI hole, say).
 */
void qmem_numa_map_boot_ram(QmemMachine *machine);

/**
 * qmem_numa_add_range:
 * @machine: the machine
 * @node: a node id; ignored without nodes
 * @addr: guest-physical start
 * @size: bytes; 0 (a memory-less node) records nothing
 *
 * Records that @node owns [@addr, @addr + @size) (QEMU 2.x's
 * numa_set_mem_node_id()), e.g. when a memory device is plugged.
 */
void qmem_numa_add_range(QmemMachine *machine, guint node, guint64 addr,
                         guint64 size);

/**
 * qmem_numa_remove_range:
 *
 * Forgets a range added with exactly these values (QEMU 2.x's
 * numa_unset_mem_node_id()); anything else is ignored.
 */
void qmem_numa_remove_range(QmemMachine *machine, guint node, guint64 addr,
                            guint64 size);

/**
 * qmem_numa_get_node:
 * @machine: the machine
 * @addr: a guest-physical address
 * @node: (out): the node owning @addr
 * @error: return location for a #GError
 *
 * Without nodes, node 0 owns every RAM address of the machine.
 *
 * Returns: %FALSE with "Address 0x%lx doesn't belong to any NUMA node"
 *   when no node owns @addr.
 */
gboolean qmem_numa_get_node(QmemMachine *machine, guint64 addr, guint *node,
                            GError **error);

/**
 * QmemNumaNodeMem:
 * @node_mem: boot RAM plus memory-device memory of the node
 * @node_plugged_mem: the memory-device part
 */
typedef struct {
    guint64 node_mem;
    guint64 node_plugged_mem;
} QmemNumaNodeMem;

/**
 * qmem_numa_query_node_mem:
 * @machine: the machine
 * @device_mem: (array): per node, the bytes memory devices plug there
 *   (qmem_memory_devices_get_node_plugged_size(), "hw/mem/memory-device.h")
 * @node_mem: (out caller-allocates) (array): one entry per node
 *
 * QEMU's query_numa_node_mem(): each node's boot RAM plus @device_mem.
 * NUMA sits below the memory devices, so whoever asks brings their part.
 */
void qmem_numa_query_node_mem(QmemMachine *machine, const guint64 *device_mem,
                              QmemNumaNodeMem *node_mem);

/**
 * qmem_numa_query_cpus_fast:
 * @machine: (nullable): the machine
 *
 * Returns: (transfer full): QMP query-cpus-fast's list: per present CPU
 *   "cpu-index", "qom-path", "thread-id", "props" (machines with NUMA
 *   support) and "target".
 */
JsonNode *qmem_numa_query_cpus_fast(QmemMachine *machine);

/**
 * qmem_numa_info:
 * @machine: (nullable): the machine
 * @device_mem: (array): per node, the bytes memory devices plug there, as
 *   for qmem_numa_query_node_mem()
 * @out: where the text goes
 *
 * HMP `info numa` (x-query-numa): "<N> nodes", then per node its CPUs,
 * size and plugged memory in MB, exactly as QEMU prints them.
 */
void qmem_numa_info(QmemMachine *machine, const guint64 *device_mem,
                    GString *out);

G_END_DECLS

#endif
