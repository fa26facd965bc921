/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for -smp parsing, the NUMA mixin, the node address map and ACPI. */

#include <string.h>
#include <gmodule.h>
#include "hw/acpi/acpi.h"
#include "hw/core/boards.h"
#include "hw/core/cpu-topology.h"
#include "hw/core/numa.h"
#include "hw/core/qdev.h"
#include "hw/mem/memory-device.h"
#include "qapi/opts.h"
#include "qom/module.h"
#include "system/hostmem.h"
#include "tests/unit/test-machine.h"
#include "util/error.h"

#define G_MODULE_SUFFIX_DOT "." G_MODULE_SUFFIX

#define MiB (1024ULL * 1024)
#define GiB (1024 * MiB)

/* ------------------------------------------------------------------ */
/* -smp: QEMU 10.2's machine_parse_smp_config() */

/* The levels pc supports, and those of a machine with none extra. */
static const QmemSmpProps pc_props = {
    .dies_supported = TRUE, .modules_supported = TRUE,
};
static const QmemSmpProps pc61_props = {
    .prefer_sockets = TRUE, .dies_supported = TRUE,
    .modules_supported = TRUE,
};
static const QmemSmpProps plain_props = { 0 };
static const QmemSmpProps all_props = {
    .dies_supported = TRUE, .clusters_supported = TRUE,
    .modules_supported = TRUE, .books_supported = TRUE,
    .drawers_supported = TRUE,
};

typedef struct {
    const char *name;
    const char *smp;                /* -smp, keyval */
    const QmemSmpProps *props;
    /* cpus drawers books sockets dies clusters modules cores threads max */
    QmemCpuTopology topo;
    const char *err;
} SmpCase;

#define TOPO(c, s, d, m, co, t, max) \
    { c, 1, 1, s, d, 1, m, co, t, max }

static const SmpCase smp_cases[] = {
    { "cpus-only", "4", &pc_props, TOPO(4, 1, 1, 1, 4, 1, 4) },
    { "cpus-only/prefer-sockets", "4", &pc61_props,
      TOPO(4, 4, 1, 1, 1, 1, 4) },
    { "nothing", "", &pc_props, TOPO(1, 1, 1, 1, 1, 1, 1) },
    { "sockets", "4,sockets=2", &pc_props, TOPO(4, 2, 1, 1, 2, 1, 4) },
    { "cores", "4,cores=2", &pc_props, TOPO(4, 2, 1, 1, 2, 1, 4) },
    { "cores/prefer-sockets", "4,cores=2", &pc61_props,
      TOPO(4, 2, 1, 1, 2, 1, 4) },
    { "sockets/prefer-sockets", "8,sockets=2", &pc61_props,
      TOPO(8, 2, 1, 1, 4, 1, 8) },
    { "threads-last", "8,sockets=2,cores=2", &pc_props,
      TOPO(8, 2, 1, 1, 2, 2, 8) },
    { "maxcpus", "2,maxcpus=8", &pc_props, TOPO(2, 1, 1, 1, 8, 1, 8) },
    { "maxcpus-only", "maxcpus=6,sockets=3", &pc_props,
      TOPO(6, 3, 1, 1, 2, 1, 6) },
    { "topology-only", "sockets=2,dies=2,cores=3,threads=2", &pc_props,
      TOPO(24, 2, 2, 1, 3, 2, 24) },
    { "dies-modules", "16,sockets=2,dies=2,modules=2", &pc_props,
      TOPO(16, 2, 2, 2, 2, 1, 16) },
    { "unsupported-level-of-1", "4,clusters=1,drawers=1,books=1", &pc_props,
      TOPO(4, 1, 1, 1, 4, 1, 4) },
    { "all-levels", "64,drawers=2,books=2,sockets=2,dies=2,clusters=2,"
      "modules=2", &all_props, { 64, 2, 2, 2, 2, 2, 2, 1, 1, 64 } },
    { "zero/cpus", "0", &pc_props, { 0 },
      "Invalid CPU topology: CPU topology parameters must be greater than "
      "zero" },
    { "zero/threads", "4,threads=0", &pc_props, { 0 },
      "Invalid CPU topology: CPU topology parameters must be greater than "
      "zero" },
    { "zero/maxcpus", "4,maxcpus=0", &pc_props, { 0 },
      "Invalid CPU topology: CPU topology parameters must be greater than "
      "zero" },
    { "unsupported/modules", "4,modules=2", &plain_props, { 0 },
      "modules > 1 not supported by this machine's CPU topology" },
    { "unsupported/clusters", "4,clusters=2", &pc_props, { 0 },
      "clusters > 1 not supported by this machine's CPU topology" },
    { "unsupported/dies", "4,dies=2", &plain_props, { 0 },
      "dies > 1 not supported by this machine's CPU topology" },
    { "unsupported/books", "4,books=2", &pc_props, { 0 },
      "books > 1 not supported by this machine's CPU topology" },
    { "unsupported/drawers", "4,drawers=2", &pc_props, { 0 },
      "drawers > 1 not supported by this machine's CPU topology" },
    /* Modules are checked before clusters, as in QEMU. */
    { "unsupported/order", "4,clusters=2,modules=2", &plain_props, { 0 },
      "modules > 1 not supported by this machine's CPU topology" },
    { "product", "4,sockets=3", &pc_props, { 0 },
      "Invalid CPU topology: product of the hierarchy must match maxcpus: "
      "sockets (3) * dies (1) * modules (1) * cores (1) * threads (1) != "
      "maxcpus (4)" },
    { "product/plain", "4,sockets=3", &plain_props, { 0 },
      "Invalid CPU topology: product of the hierarchy must match maxcpus: "
      "sockets (3) * cores (1) * threads (1) != maxcpus (4)" },
    { "product/all", "4,sockets=3", &all_props, { 0 },
      "Invalid CPU topology: product of the hierarchy must match maxcpus: "
      "drawers (1) * books (1) * sockets (3) * dies (1) * clusters (1) * "
      "modules (1) * cores (1) * threads (1) != maxcpus (4)" },
    { "product/rounded-down", "2,cores=3", &pc_props, { 0 },
      "Invalid CPU topology: product of the hierarchy must match maxcpus: "
      "sockets (0) * dies (1) * modules (1) * cores (3) * threads (1) != "
      "maxcpus (2)" },
    { "maxcpus-below-cpus", "4,maxcpus=2", &pc_props, { 0 },
      "Invalid CPU topology: maxcpus must be equal to or greater than smp: "
      "sockets (1) * dies (1) * modules (1) * cores (2) * threads (1) == "
      "maxcpus (2) < smp_cpus (4)" },
    { "max-cpus", "300", &pc_props, { 0 },
      "Invalid SMP CPUs 300. The max CPUs supported by machine 'pc' is 288" },
    { "max-cpus/maxcpus", "4,maxcpus=289", &pc_props, { 0 },
      "Invalid SMP CPUs 289. The max CPUs supported by machine 'pc' is "
      "288" },
    /* QEMU wraps these into unsigned ints; qmem refuses them. */
    { "negative", "-1", &pc_props, { 0 },
      "Parameter 'smp.cpus' expects uint32_t" },
    { "negative/sockets", "2,sockets=-1", &pc_props, { 0 },
      "Parameter 'smp.sockets' expects uint32_t" },
    { "above-uint32", "4294967298", &pc_props, { 0 },
      "Parameter 'smp.cpus' expects uint32_t" },
    { "above-uint32/maxcpus", "2,maxcpus=4294967297", &pc_props, { 0 },
      "Parameter 'smp.maxcpus' expects uint32_t" },
    { "min-cpus", "2", &pc_props, { 0 },
      "Invalid SMP CPUs 2. The min CPUs supported by machine 'pc' is 3" },
};

static void test_smp_parse(gconstpointer data)
{
    const SmpCase *c = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) opts = qmem_keyval_parse(c->smp, "cpus", NULL,
                                                   &error);
    QmemCpuTopology topo = { 0 };
    QmemSmpConfig config;
    guint min_cpus = !strcmp(c->name, "min-cpus") ? 3 : 1;

    g_assert_no_error(error);
    /* Values that do not fit are refused while reading them. */
    if (!qmem_smp_config_from_keyval(opts, &config, &error)) {
        g_assert_nonnull(c->err);
        assert_error(error, c->err);
        return;
    }
    if (c->err) {
        g_assert_false(qmem_smp_parse(&config, c->props, "pc", min_cpus, 288,
                                      &topo, &error));
        assert_error(error, c->err);
        /* Nothing is written on failure. */
        g_assert_cmpuint(topo.cpus, ==, 0);
        return;
    }
    g_assert_true(qmem_smp_parse(&config, c->props, "pc", min_cpus, 288,
                                 &topo, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(topo.cpus, ==, c->topo.cpus);
    g_assert_cmpuint(topo.drawers, ==, c->topo.drawers);
    g_assert_cmpuint(topo.books, ==, c->topo.books);
    g_assert_cmpuint(topo.sockets, ==, c->topo.sockets);
    g_assert_cmpuint(topo.dies, ==, c->topo.dies);
    g_assert_cmpuint(topo.clusters, ==, c->topo.clusters);
    g_assert_cmpuint(topo.modules, ==, c->topo.modules);
    g_assert_cmpuint(topo.cores, ==, c->topo.cores);
    g_assert_cmpuint(topo.threads, ==, c->topo.threads);
    g_assert_cmpuint(topo.max_cpus, ==, c->topo.max_cpus);
}

typedef struct {
    const char *smp;
    const char *err;
} SmpKeyvalCase;

static const SmpKeyvalCase smp_keyval_cases[] = {
    { "x", "Parameter 'smp.cpus' expects integer" },
    { "4,sockets=x", "Parameter 'smp.sockets' expects integer" },
    { "4,maxcpus=1k", "Parameter 'smp.maxcpus' expects integer" },
    { "4,foo=1", "Parameter 'smp.foo' is unexpected" },
    /* Members are visited before unknown keys are looked at. */
    { "foo=1,cores=x", "Parameter 'smp.cores' expects integer" },
    { "4,cores.a=1", "Invalid parameter type for 'smp.cores', expected: "
      "integer" },
};

static void test_smp_keyval(gconstpointer data)
{
    const SmpKeyvalCase *c = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) opts = qmem_keyval_parse(c->smp, "cpus", NULL,
                                                   &error);
    QmemSmpConfig config;

    g_assert_no_error(error);
    g_assert_false(qmem_smp_config_from_keyval(opts, &config, &error));
    assert_error(error, c->err);
}

/* Hexadecimal and octal as QEMU's keyval visitor reads them. */
static void test_smp_keyval_values(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) opts = qmem_keyval_parse("0x10,cores=010,"
                                                   "threads=2", "cpus", NULL,
                                                   &error);
    QmemSmpConfig config;

    g_assert_true(qmem_smp_config_from_keyval(opts, &config, &error));
    g_assert_true(config.has_cpus && config.cpus == 16);
    g_assert_true(config.has_cores && config.cores == 8);
    g_assert_true(config.has_threads && config.threads == 2);
    g_assert_false(config.has_sockets || config.has_dies ||
                   config.has_maxcpus);
}

/* ------------------------------------------------------------------ */
/* x86 APIC ids and CPU slots */

static void test_x86_apic_ids(void)
{
    /* Threads take 1 bit, cores (3) 2 bits, dies (2) 1 bit. */
    QmemCpuTopology topo = { 24, 1, 1, 2, 2, 1, 1, 3, 2, 24 };
    static const guint32 expected[24] = {
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05,     /* socket 0, die 0 */
        0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d,     /* socket 0, die 1 */
        0x10, 0x11, 0x12, 0x13, 0x14, 0x15,     /* socket 1, die 0 */
        0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d,     /* socket 1, die 1 */
    };
    g_autofree QmemCpuArchIdList *cpus = qmem_x86_possible_cpu_arch_ids(&topo);

    g_assert_cmpuint(cpus->len, ==, 24);
    for (guint i = 0; i < 24; i++) {
        const QmemCpuInstanceProperties *p = &cpus->cpus[i].props;
        QmemX86TopoIds ids;

        g_assert_cmphex(qmem_x86_apicid_from_cpu_index(&topo, i), ==,
                        expected[i]);
        g_assert_cmphex(cpus->cpus[i].arch_id, ==, expected[i]);
        g_assert_cmpuint(cpus->cpus[i].vcpus_count, ==, 1);
        g_assert_true(p->has_socket_id && p->has_die_id && p->has_core_id &&
                      p->has_thread_id);
        g_assert_false(p->has_module_id || p->has_cluster_id ||
                       p->has_node_id);
        g_assert_cmpint(p->socket_id, ==, i / 12);
        g_assert_cmpint(p->die_id, ==, i / 6 % 2);
        g_assert_cmpint(p->core_id, ==, i / 2 % 3);
        g_assert_cmpint(p->thread_id, ==, i % 2);
        qmem_x86_topo_ids_from_apicid(&topo, expected[i], &ids);
        g_assert_cmpuint(ids.pkg_id, ==, i / 12);
        g_assert_cmpuint(ids.die_id, ==, i / 6 % 2);
        g_assert_cmpuint(ids.core_id, ==, i / 2 % 3);
        g_assert_cmpuint(ids.smt_id, ==, i % 2);
    }
}

/* One die and one module: no die-id or module-id, as QEMU. */
static void test_x86_props(void)
{
    QmemCpuTopology topo = { 4, 1, 1, 2, 1, 1, 2, 1, 1, 4 };
    g_autofree QmemCpuArchIdList *cpus = qmem_x86_possible_cpu_arch_ids(&topo);
    g_autofree char *text = NULL;
    g_autoptr(JsonObject) json = NULL;

    g_assert_false(cpus->cpus[3].props.has_die_id);
    g_assert_true(cpus->cpus[3].props.has_module_id);
    g_assert_cmpint(cpus->cpus[3].props.module_id, ==, 1);
    g_assert_cmphex(cpus->cpus[3].arch_id, ==, 3);
    text = qmem_cpu_props_to_string(&cpus->cpus[3].props);
    g_assert_cmpstr(text, ==, "socket-id: 1, module-id: 1, core-id: 0, "
                    "thread-id: 0");
    json = qmem_cpu_props_to_json(&cpus->cpus[3].props);
    g_assert_cmpuint(json_object_get_size(json), ==, 4);
    g_assert_cmpint(json_object_get_int_member(json, "module-id"), ==, 1);
    g_assert_false(json_object_has_member(json, "node-id"));
}

/* ------------------------------------------------------------------ */
/* The automatic RAM split: both strategies, with rounding remainders */

typedef struct {
    const char *name;
    guint shift;
    guint nodes;
    guint64 size;
    guint64 legacy[8];
    guint64 dflt[8];
} SplitCase;

static const SplitCase split_cases[] = {
    { "8M/3x1G", 23, 3, GiB,
      { 336 * MiB, 336 * MiB, 352 * MiB },
      { 336 * MiB, 344 * MiB, 344 * MiB } },
    { "8M/2x2G-aligned", 23, 2, 2 * GiB,
      { GiB, GiB }, { GiB, GiB } },
    { "8M/3x1000M", 23, 3, 1000 * MiB,
      { 328 * MiB, 328 * MiB, 344 * MiB },
      { 328 * MiB, 336 * MiB, 336 * MiB } },
    { "8M/5x1032M", 23, 5, 1032 * MiB,
      { 200 * MiB, 200 * MiB, 200 * MiB, 200 * MiB, 232 * MiB },
      { 200 * MiB, 208 * MiB, 208 * MiB, 208 * MiB, 208 * MiB } },
    /* The carry makes a middle node one unit larger, then resets. */
    { "8M/7x1G", 23, 7, GiB,
      { 144 * MiB, 144 * MiB, 144 * MiB, 144 * MiB, 144 * MiB, 144 * MiB,
        160 * MiB },
      { 144 * MiB, 144 * MiB, 144 * MiB, 152 * MiB, 144 * MiB, 144 * MiB,
        152 * MiB } },
    { "8M/3x1G+8K", 23, 3, GiB + 8192,
      { 0x15000000, 0x15000000, 0x16002000 },
      { 0x15000000, 0x15800000, 0x15802000 } },
    { "8M/one-node", 23, 1, GiB, { GiB }, { GiB } },
    { "2M/6x5G+12K", 21, 6, 5 * GiB + 3 * 4096,
      { 0x35400000, 0x35400000, 0x35400000, 0x35400000, 0x35400000,
        0x35c03000 },
      { 0x35400000, 0x35600000, 0x35600000, 0x35400000, 0x35600000,
        0x35603000 } },
    { "256M/3x1G", 28, 3, GiB,
      { 256 * MiB, 256 * MiB, 512 * MiB },
      { 256 * MiB, 256 * MiB, 512 * MiB } },
    { "256M/5x3G", 28, 5, 3 * GiB,
      { 512 * MiB, 512 * MiB, 512 * MiB, 512 * MiB, 1024 * MiB },
      { 512 * MiB, 512 * MiB, 768 * MiB, 512 * MiB, 768 * MiB } },
    { "256M/3x1000M", 28, 3, 1000 * MiB,
      { 256 * MiB, 256 * MiB, 488 * MiB },
      { 256 * MiB, 256 * MiB, 488 * MiB } },
};

static void test_split(gconstpointer data, gboolean legacy)
{
    const SplitCase *c = data;
    QmemNumaMachineInterface iface = { .numa_mem_align_shift = c->shift };
    QmemNumaNode nodes[8];
    const guint64 *expected = legacy ? c->legacy : c->dflt;
    guint64 total = 0;

    memset(nodes, 0xa5, sizeof(nodes));
    if (legacy) {
        qmem_numa_auto_assign_ram_legacy(&iface, nodes, c->nodes, c->size);
    } else {
        qmem_numa_auto_assign_ram_default(&iface, nodes, c->nodes, c->size);
    }
    for (guint i = 0; i < c->nodes; i++) {
        g_assert_cmphex(nodes[i].node_mem, ==, expected[i]);
        total += nodes[i].node_mem;
    }
    g_assert_cmphex(total, ==, c->size);
}

static void test_split_legacy(gconstpointer data)
{
    test_split(data, TRUE);
}

static void test_split_default(gconstpointer data)
{
    test_split(data, FALSE);
}

/* ------------------------------------------------------------------ */
/* Machines, built as qmem-run builds them */

/* One at a time, set up and torn down by each test. */
typedef MachineFixture Fixture;

static void assert_node(QmemMachine *machine, guint64 addr, int node)
{
    g_autoptr(GError) error = NULL;
    guint got = 99;

    if (node < 0) {
        g_autofree char *msg = g_strdup_printf(
            "Address 0x%" G_GINT64_MODIFIER "x doesn't belong to any NUMA "
            "node", addr);

        g_assert_false(qmem_numa_get_node(machine, addr, &got, &error));
        assert_error(error, msg);
        g_assert_cmpuint(got, ==, 99);
        return;
    }
    g_assert_true(qmem_numa_get_node(machine, addr, &got, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(got, ==, node);
}

static void assert_ranges(QmemMachine *machine, guint node,
                          const QmemNumaAddrRange *expected, guint n)
{
    QmemNumaState *state = qmem_numa_machine_get_state(machine);
    GArray *ranges = state->nodes[node].ranges;

    g_assert_cmpuint(ranges ? ranges->len : 0, ==, n);
    for (guint i = 0; i < n; i++) {
        QmemNumaAddrRange *r = &g_array_index(ranges, QmemNumaAddrRange, i);

        g_assert_cmphex(r->start, ==, expected[i].start);
        g_assert_cmphex(r->size, ==, expected[i].size);
    }
}

#define MEMDEVS_2x2G \
    "memory-backend-ram,id=m0,size=2G", "memory-backend-ram,id=m1,size=2G"

/*
 * Per-node backends on pc: the boot RAM is a container "pc.ram" holding
 * them in node order, mapped around the PCI hole, and the address map
 * follows.  DIMMs add and remove their ranges.
 */
static void test_address_map_pc(void)
{
    const MachineConfig config = {
        .machine = "pc",
        .m = "4G,slots=2,maxmem=8G",
        .smp = "4,sockets=2,cores=2",
        .objects = { MEMDEVS_2x2G, "memory-backend-ram,id=d0,size=512M" },
        .numa = { "node,memdev=m0", "node,memdev=m1" },
    };
    Fixture f;
    const QmemNumaAddrRange node0[] = { { 0, 2 * GiB } };
    const QmemNumaAddrRange node1[] = {
        { 2 * GiB, GiB }, { 4 * GiB, GiB },
    };
    const QmemNumaAddrRange node1_dimm[] = {
        { 2 * GiB, GiB }, { 4 * GiB, GiB }, { 5 * GiB, 512 * MiB },
    };
    QmemMemoryRegion *ram;
    QmemDevice *dimm;

    machine_fixture_setup(&f, &config);
    ram = qmem_machine_get_ram(f.machine);
    g_assert_cmpstr(qmem_memory_region_get_name(ram), ==, "pc.ram");
    g_assert_false(qmem_memory_region_is_ram(ram));
    g_assert_cmphex(qmem_memory_region_size(ram), ==, 4 * GiB);
    /* No default backend was made; the node backends are consumed. */
    g_assert_null(qmem_object_resolve_path("/objects/pc.ram", G_TYPE_NONE,
                                           NULL));
    g_assert_true(qmem_host_memory_backend_is_mapped(
        QMEM_HOST_MEMORY_BACKEND(qmem_object_resolve_path(
            "/objects/m1", G_TYPE_NONE, NULL))));

    assert_ranges(f.machine, 0, node0, G_N_ELEMENTS(node0));
    assert_ranges(f.machine, 1, node1, G_N_ELEMENTS(node1));
    assert_node(f.machine, 0, 0);
    assert_node(f.machine, 2 * GiB - 1, 0);
    assert_node(f.machine, 2 * GiB, 1);
    assert_node(f.machine, 3 * GiB - 1, 1);
    assert_node(f.machine, 3 * GiB, -1);          /* the PCI hole */
    assert_node(f.machine, 4 * GiB, 1);
    assert_node(f.machine, 5 * GiB - 1, 1);
    assert_node(f.machine, 5 * GiB, -1);          /* device memory, empty */

    /* Device memory starts at 5 GiB, right after RAM. */
    dimm = hotplug_device(&f, "pc-dimm,id=dimm0,memdev=d0,node=1");
    g_assert_nonnull(dimm);
    assert_ranges(f.machine, 1, node1_dimm, G_N_ELEMENTS(node1_dimm));
    assert_node(f.machine, 5 * GiB, 1);
    assert_node(f.machine, 5 * GiB + 512 * MiB - 1, 1);
    assert_node(f.machine, 5 * GiB + 512 * MiB, -1);
    del_device(&f, "dimm0");
    assert_ranges(f.machine, 1, node1, G_N_ELEMENTS(node1));
    assert_node(f.machine, 5 * GiB, -1);
    machine_fixture_teardown(&f, NULL);
}

/* Without nodes, node 0 owns every RAM address, plugged memory too. */
static void test_address_map_no_numa(void)
{
    const MachineConfig config = {
        .machine = "pc",
        .m = "1G",
    };
    Fixture f;

    machine_fixture_setup(&f, &config);
    g_assert_cmpuint(qmem_numa_get_num_nodes(f.machine), ==, 0);
    assert_node(f.machine, 0, 0);
    assert_node(f.machine, GiB - 1, 0);
    assert_node(f.machine, GiB, -1);
    assert_node(f.machine, G_MAXUINT64, -1);
    machine_fixture_teardown(&f, NULL);
}

/*
 * Legacy mem= (one default backend split by offsets), on a machine type
 * that allows it, with a memory-less node in the middle.
 */
static void test_address_map_legacy_mem(void)
{
    const MachineConfig config = {
        .machine = "pc-i440fx-5.0",
        .m = "4000M",
        .smp = "4",
        .numa = { "node,mem=1000", "node", "node,mem=3000M" },
    };
    Fixture f;
    const QmemNumaAddrRange node0[] = { { 0, 1000 * MiB } };
    const QmemNumaAddrRange node2[] = {
        { 1000 * MiB, 3 * GiB - 1000 * MiB }, { 4 * GiB, 928 * MiB },
    };

    machine_fixture_setup(&f, &config);
    g_assert_nonnull(qmem_object_resolve_path("/objects/pc.ram",
                                              G_TYPE_NONE, NULL));
    assert_ranges(f.machine, 0, node0, G_N_ELEMENTS(node0));
    assert_ranges(f.machine, 1, NULL, 0);
    assert_ranges(f.machine, 2, node2, G_N_ELEMENTS(node2));
    assert_node(f.machine, 1000 * MiB - 1, 0);
    assert_node(f.machine, 1000 * MiB, 2);
    assert_node(f.machine, 3 * GiB, -1);
    assert_node(f.machine, 4 * GiB + 928 * MiB - 1, 2);
    assert_node(f.machine, 4 * GiB + 928 * MiB, -1);
    machine_fixture_teardown(&f, NULL);
}

/* The test machine module: RAM in one piece, split at 256 MiB. */
static void test_address_map_custom_machine(void)
{
    const MachineConfig config = {
        .machine = "test-numa",
        .m = "1G",
        .smp = "6,sockets=3,cores=2",
        .numa = { "node", "node", "node" },
    };
    Fixture f;
    const QmemNumaAddrRange node0[] = { { 0, 256 * MiB } };
    const QmemNumaAddrRange node1[] = { { 256 * MiB, 256 * MiB } };
    const QmemNumaAddrRange node2[] = { { 512 * MiB, 512 * MiB } };

    machine_fixture_setup(&f, &config);
    assert_ranges(f.machine, 0, node0, G_N_ELEMENTS(node0));
    assert_ranges(f.machine, 1, node1, G_N_ELEMENTS(node1));
    assert_ranges(f.machine, 2, node2, G_N_ELEMENTS(node2));
    assert_node(f.machine, GiB - 1, 2);
    assert_node(f.machine, GiB, -1);
    machine_fixture_teardown(&f, NULL);
}

/* Ranges are removed only by exact match; size 0 records nothing. */
static void test_address_map_add_remove(void)
{
    const MachineConfig config = {
        .machine = "pc",
        .m = "4G",
        .objects = { MEMDEVS_2x2G },
        .numa = { "node,memdev=m0", "node,memdev=m1" },
    };
    Fixture f;
    const QmemNumaAddrRange node1[] = {
        { 2 * GiB, GiB }, { 4 * GiB, GiB }, { 0x1000000000, 0x1000 },
    };
    const QmemNumaAddrRange node1_boot[] = {
        { 2 * GiB, GiB }, { 4 * GiB, GiB },
    };

    machine_fixture_setup(&f, &config);
    qmem_numa_add_range(f.machine, 1, 0x1000000000, 0x1000);
    qmem_numa_add_range(f.machine, 1, 0x2000000000, 0);
    assert_ranges(f.machine, 1, node1, G_N_ELEMENTS(node1));
    assert_node(f.machine, 0x1000000fff, 1);
    qmem_numa_remove_range(f.machine, 1, 0x1000000000, 0x800);
    qmem_numa_remove_range(f.machine, 0, 0x1000000000, 0x1000);
    assert_ranges(f.machine, 1, node1, G_N_ELEMENTS(node1));
    qmem_numa_remove_range(f.machine, 1, 0x1000000000, 0x1000);
    assert_ranges(f.machine, 1, node1_boot, G_N_ELEMENTS(node1_boot));
    assert_node(f.machine, 0x1000000000, -1);
    machine_fixture_teardown(&f, NULL);
}

/* ------------------------------------------------------------------ */
/* Completion */

/* A backend given to two nodes: DESIGN's text, and nothing stays taken. */
static void test_memdev_twice(void)
{
    const MachineConfig config = {
        .machine = "pc",
        .m = "4G",
        .objects = { "memory-backend-ram,id=m0,size=2G" },
        .numa = { "node,memdev=m0", "node,memdev=m0" },
    };
    Fixture f;
    g_autoptr(GError) error = NULL;

    g_assert_false(machine_fixture_try_setup(&f, &config, &error));
    assert_error(error, "memory backend m0 is used multiple times. Each "
                 "-numa option must use a different memdev value.");
    g_assert_false(qmem_host_memory_backend_is_mapped(
        QMEM_HOST_MEMORY_BACKEND(qmem_object_resolve_path(
            "/objects/m0", G_TYPE_NONE, NULL))));
    g_assert_null(qmem_machine_get_ram(f.machine));
    machine_fixture_teardown(&f, NULL);
}

/* Distances: validation and symmetric completion. */
static void test_distances(void)
{
    const MachineConfig config = {
        .machine = "pc",
        .m = "4G",
        .objects = { MEMDEVS_2x2G },
        .numa = { "node,memdev=m0", "node,memdev=m1", "node",
                  "dist,src=0,dst=1,val=21", "dist,src=2,dst=0,val=31",
                  "dist,src=1,dst=2,val=41", "dist,src=1,dst=1,val=10" },
    };
    Fixture f;
    QmemNumaState *state;
    static const guint8 expected[3][3] = {
        { 10, 21, 31 }, { 21, 10, 41 }, { 31, 41, 10 },
    };

    machine_fixture_setup(&f, &config);
    state = qmem_numa_machine_get_state(f.machine);
    g_assert_true(state->have_numa_distance);
    for (guint i = 0; i < 3; i++) {
        for (guint j = 0; j < 3; j++) {
            g_assert_cmpuint(state->nodes[i].distance[j], ==,
                             expected[i][j]);
        }
    }
    machine_fixture_teardown(&f, NULL);
}

/* Warnings that QEMU prints unless qtest runs: here no accelerator. */
typedef struct {
    const char *name;
    MachineConfig config;
    const char *printed;
} WarningCase;

static const WarningCase warning_cases[] = {
    { "mem",
      { .machine = "pc-i440fx-5.0",
        .m = "2G",
        .numa = { "node,mem=1G", "node,mem=1G" } },
      "qmem-run: warning: Parameter -numa node,mem is deprecated, use -numa "
      "node,memdev instead\n"
      "qmem-run: warning: Parameter -numa node,mem is deprecated, use -numa "
      "node,memdev instead\n" },
    { "split/legacy",
      { .machine = "pc-i440fx-2.9",
        .m = "1G",
        .numa = { "node", "node", "node" } },
      "qmem-run: warning: Default splitting of RAM between nodes is "
      "deprecated, Use '-numa node,memdev' to explictly define RAM "
      "allocation per node\n" },
    { "split/custom-machine",
      { .machine = "test-numa", .m = "1G", .numa = { "node", "node" } },
      "qmem-run: warning: Default splitting of RAM between nodes is "
      "deprecated, Use '-numa node,memdev' to explictly define RAM "
      "allocation per node\n" },
    { "partial-cpus",
      { .machine = "pc-i440fx-2.9",
        .m = "1G",
        .smp = "4,sockets=2,cores=2",
        .numa = { "node,cpus=1", "node,cpus=2" } },
      "qmem-run: warning: Default splitting of RAM between nodes is "
      "deprecated, Use '-numa node,memdev' to explictly define RAM "
      "allocation per node\n"
      "qmem-run: warning: CPU(s) not present in any NUMA nodes: CPU 0 "
      "[socket-id: 0, core-id: 0, thread-id: 0], CPU 3 [socket-id: 1, "
      "core-id: 1, thread-id: 0]\n"
      "qmem-run: warning: All CPU(s) up to maxcpus should be described in "
      "NUMA config, ability to start up with partial NUMA mappings is "
      "obsoleted and will be removed in future\n" },
    { "partial-cpus/dies",
      { .machine = "q35",
        .m = "1G",
        .smp = "4,sockets=1,dies=2,cores=2",
        .objects = { "memory-backend-ram,id=m0,size=1G" },
        .numa = { "node,memdev=m0,cpus=0-2" } },
      "qmem-run: warning: CPU(s) not present in any NUMA nodes: CPU 3 "
      "[socket-id: 0, die-id: 1, core-id: 1, thread-id: 0]\n"
      "qmem-run: warning: All CPU(s) up to maxcpus should be described in "
      "NUMA config, ability to start up with partial NUMA mappings is "
      "obsoleted and will be removed in future\n" },
};

static void test_warning(gconstpointer data)
{
    const WarningCase *c = data;
    MachineConfig config = c->config;
    Fixture f;

    config.no_accel = TRUE;
    machine_fixture_setup(&f, &config);
    f.expect_printed = c->printed;
    machine_fixture_teardown(&f, NULL);
}

/* The same configurations under qtest print nothing. */
static void test_warning_qtest(gconstpointer data)
{
    const WarningCase *c = data;
    Fixture f;

    machine_fixture_setup(&f, &c->config);
    machine_fixture_teardown(&f, NULL);
}

/* Node sizes after a split, through a machine type's own hook. */
static void test_split_machine(void)
{
    const MachineConfig legacy = {
        .machine = "pc-i440fx-2.9",
        .m = "1G",
        .numa = { "node", "node", "node" },
    };
    const MachineConfig dflt = {
        .machine = "pc-q35-5.1",
        .m = "1G",
        .numa = { "node", "node", "node" },
    };
    Fixture f;
    QmemNumaState *state;

    machine_fixture_setup(&f, &legacy);
    state = qmem_numa_machine_get_state(f.machine);
    g_assert_cmphex(state->nodes[0].node_mem, ==, 336 * MiB);
    g_assert_cmphex(state->nodes[1].node_mem, ==, 336 * MiB);
    g_assert_cmphex(state->nodes[2].node_mem, ==, 352 * MiB);
    machine_fixture_teardown(&f, NULL);

    machine_fixture_setup(&f, &dflt);
    state = qmem_numa_machine_get_state(f.machine);
    g_assert_cmphex(state->nodes[0].node_mem, ==, 336 * MiB);
    g_assert_cmphex(state->nodes[1].node_mem, ==, 344 * MiB);
    g_assert_cmphex(state->nodes[2].node_mem, ==, 344 * MiB);
    machine_fixture_teardown(&f, NULL);
}

/* The knobs of pc's versioned machine types. */
typedef struct {
    const char *type;
    gboolean mem_supported;
    int split;              /* 0 none, 1 legacy, 2 default */
    gboolean memhp;
    gboolean memdev;
    gboolean prefer_sockets;
} KnobCase;

static const KnobCase knob_cases[] = {
    { "pc-i440fx-2.0", TRUE, 1, FALSE, FALSE, TRUE },
    { "pc-i440fx-2.9", TRUE, 1, FALSE, FALSE, TRUE },
    { "pc-i440fx-2.10", TRUE, 2, FALSE, FALSE, TRUE },
    { "pc-q35-2.11", TRUE, 2, TRUE, FALSE, TRUE },
    { "pc-i440fx-5.0", TRUE, 2, TRUE, FALSE, TRUE },
    { "pc-q35-5.1", FALSE, 2, TRUE, TRUE, TRUE },
    { "pc-i440fx-5.2", FALSE, 0, TRUE, TRUE, TRUE },
    { "pc-q35-6.1", FALSE, 0, TRUE, TRUE, TRUE },
    { "pc-q35-6.2", FALSE, 0, TRUE, TRUE, FALSE },
    { "pc-i440fx-10.2", FALSE, 0, TRUE, TRUE, FALSE },
    { "pc", FALSE, 0, TRUE, TRUE, FALSE },
    { "q35", FALSE, 0, TRUE, TRUE, FALSE },
    { "pc-q35-99.9", FALSE, 0, TRUE, TRUE, FALSE },
};

static void test_knobs(gconstpointer data)
{
    const KnobCase *c = data;
    GType type = qmem_machine_type_lookup(c->type);
    g_autoptr(GTypeClass) klass = NULL;
    QmemNumaMachineInterface *iface;
    void (*split)(QmemNumaMachineInterface *, QmemNumaNode *, guint,
                  guint64) = NULL;

    g_assert_true(type != G_TYPE_INVALID);
    klass = g_type_class_ref(type);
    iface = g_type_interface_peek(klass, QMEM_TYPE_NUMA_MACHINE);
    g_assert_nonnull(iface);
    g_assert_true(iface->numa_supported);
    g_assert_cmpuint(iface->numa_mem_align_shift, ==, 23);
    g_assert_cmpint(iface->numa_mem_supported, ==, c->mem_supported);
    split = c->split == 1 ? qmem_numa_auto_assign_ram_legacy :
            c->split == 2 ? qmem_numa_auto_assign_ram_default : NULL;
    g_assert_true(iface->numa_auto_assign_ram == split);
    g_assert_cmpint(iface->auto_enable_numa_with_memhp, ==, c->memhp);
    g_assert_cmpint(iface->auto_enable_numa_with_memdev, ==, c->memdev);
    g_assert_false(iface->auto_enable_numa);
    g_assert_cmpint(QMEM_MACHINE_CLASS(klass)->smp_props.prefer_sockets, ==,
                    c->prefer_sockets);
    g_assert_true(QMEM_MACHINE_CLASS(klass)->smp_props.dies_supported);
    g_assert_false(QMEM_MACHINE_CLASS(klass)->smp_props.clusters_supported);
}

/* Auto-enabled node 0: with slots, with maxmem only (5.1+), never (2.10). */
static void test_auto_enable(void)
{
    const MachineConfig slots = {
        .machine = "pc",
        .m = "1G,slots=1,maxmem=2G",
    };
    const MachineConfig maxmem = { .machine = "pc", .m = "1G,maxmem=2G" };
    const MachineConfig maxmem_5_0 = {
        .machine = "pc-i440fx-5.0",
        .m = "1G,maxmem=2G",
    };
    const MachineConfig slots_2_10 = {
        .machine = "pc-i440fx-2.10",
        .m = "1G,slots=1,maxmem=2G",
    };
    const MachineConfig test_numa = { .machine = "test-numa", .m = "1G" };
    Fixture f;

    machine_fixture_setup(&f, &slots);
    g_assert_cmpuint(qmem_numa_get_num_nodes(f.machine), ==, 1);
    g_assert_cmphex(qmem_numa_machine_get_state(f.machine)->nodes[0].node_mem,
                    ==, GiB);
    machine_fixture_teardown(&f, NULL);

    machine_fixture_setup(&f, &maxmem);
    g_assert_cmpuint(qmem_numa_get_num_nodes(f.machine), ==, 1);
    machine_fixture_teardown(&f, NULL);

    machine_fixture_setup(&f, &maxmem_5_0);
    g_assert_cmpuint(qmem_numa_get_num_nodes(f.machine), ==, 0);
    machine_fixture_teardown(&f, NULL);

    machine_fixture_setup(&f, &slots_2_10);
    g_assert_cmpuint(qmem_numa_get_num_nodes(f.machine), ==, 0);
    machine_fixture_teardown(&f, NULL);

    /* The test machine always has a node. */
    machine_fixture_setup(&f, &test_numa);
    g_assert_cmpuint(qmem_numa_get_num_nodes(f.machine), ==, 1);
    machine_fixture_teardown(&f, NULL);
}

/* x-test-plain: a machine type without the mixin, RAM at 0. */
#define TEST_TYPE_PLAIN_MACHINE (test_plain_machine_get_type())
G_DECLARE_FINAL_TYPE(TestPlainMachine, test_plain_machine, TEST,
                     PLAIN_MACHINE, QmemMachine)

struct _TestPlainMachine {
    QmemMachine parent_instance;
};

G_DEFINE_TYPE(TestPlainMachine, test_plain_machine, QMEM_TYPE_MACHINE)

static gboolean test_plain_machine_init_board(QmemMachine *machine,
                                              GError **error)
{
    qmem_memory_region_add_subregion(qmem_machine_get_system_memory(machine),
                                      0, qmem_machine_get_ram(machine));
    return TRUE;
}

static void test_plain_machine_class_init(TestPlainMachineClass *klass)
{
    QmemMachineClass *mc = QMEM_MACHINE_CLASS(klass);

    mc->default_ram_id = "plain.ram";
    mc->max_cpus = 8;
    mc->init = test_plain_machine_init_board;
}

static void test_plain_machine_init(TestPlainMachine *self)
{
}

/* Machines without the mixin have no NUMA at all. */
static void test_no_numa_machine(void)
{
    const MachineConfig numa = {
        .machine = "x-test-plain",
        .m = "128M",
        .numa = { "node" },
    };
    const MachineConfig plain = { .machine = "x-test-plain", .m = "128M" };
    Fixture f;
    g_autoptr(GError) error = NULL;

    g_assert_false(machine_fixture_try_setup(&f, &numa, &error));
    assert_error(error, "NUMA is not supported by this machine-type");
    g_assert_null(qmem_numa_machine_get_state(f.machine));
    g_assert_null(qmem_numa_machine_possible_cpus(f.machine));
    g_assert_cmpuint(qmem_numa_get_num_nodes(f.machine), ==, 0);
    g_assert_cmpuint(qmem_numa_get_num_nodes(NULL), ==, 0);
    machine_fixture_teardown(&f, NULL);

    /* Node 0 still owns all RAM for address lookups. */
    machine_fixture_setup(&f, &plain);
    assert_node(f.machine, 128 * MiB - 1, 0);
    assert_node(f.machine, 128 * MiB, -1);
    machine_fixture_teardown(&f, NULL);
}

/* vCPU plug: the node must be the slot's; unset is filled in. */
static void test_cpu_pre_plug(void)
{
    const MachineConfig config = {
        .machine = "pc",
        .m = "4G",
        .smp = "4,sockets=2,cores=2",
        .objects = { MEMDEVS_2x2G },
        .numa = { "node,memdev=m0", "node,memdev=m1" },
    };
    Fixture f;
    g_autoptr(GError) error = NULL;
    gint64 node = -1;

    machine_fixture_setup(&f, &config);
    g_assert_true(qmem_numa_cpu_pre_plug(f.machine, 2, &node, &error));
    g_assert_cmpint(node, ==, 1);
    node = 1;
    g_assert_true(qmem_numa_cpu_pre_plug(f.machine, 3, &node, &error));
    node = 1;
    g_assert_false(qmem_numa_cpu_pre_plug(f.machine, 0, &node, &error));
    assert_error(error, "invalid node-id, must be 0");
    machine_fixture_teardown(&f, NULL);
}

/*
 * query_numa_node_mem with DIMMs on several nodes, cold and hot: what the
 * memory devices plug per node, added to each node's boot RAM.  A
 * virtio-mem device counts what its guest plugged (nothing yet), not its
 * size.
 */
static void test_node_mem(void)
{
    const MachineConfig config = {
        .machine = "pc",
        .m = "4G,slots=4,maxmem=16G",
        .objects = { MEMDEVS_2x2G, "memory-backend-ram,id=d0,size=512M",
                     "memory-backend-ram,id=d1,size=256M",
                     "memory-backend-ram,id=v0,size=1G" },
        .numa = { "node,memdev=m0", "node,memdev=m1", "node" },
    };
    Fixture f;
    QmemNumaNodeMem mem[3] = { { 0 } };
    guint64 device_mem[3] = { 0 };

    machine_fixture_setup(&f, &config);
    add_device(&f, "pc-dimm,id=dimm0,memdev=d0,node=2");
    hotplug_device(&f, "pc-dimm,id=dimm1,memdev=d1,node=0");
    add_device(&f, "virtio-mem-pci,id=vmem0,memdev=v0,node=1,"
                   "requested-size=512M");
    qmem_memory_devices_get_node_plugged_size(device_mem, 3);
    qmem_numa_query_node_mem(f.machine, device_mem, mem);
    g_assert_cmphex(mem[0].node_mem, ==, 2 * GiB + 256 * MiB);
    g_assert_cmphex(mem[0].node_plugged_mem, ==, 256 * MiB);
    g_assert_cmphex(mem[1].node_mem, ==, 2 * GiB);
    g_assert_cmphex(mem[1].node_plugged_mem, ==, 0);
    g_assert_cmphex(mem[2].node_mem, ==, 512 * MiB);
    g_assert_cmphex(mem[2].node_plugged_mem, ==, 512 * MiB);
    machine_fixture_teardown(&f, NULL);
}

/* ------------------------------------------------------------------ */
/* SRAT and SLIT bytes (the guest-side check with iasl is in the qtest) */

static void test_acpi_checksum(void)
{
    const guint8 data[] = { 1, 2, 3, 0xfa };
    guint8 sum = 0;

    g_assert_cmphex(qmem_acpi_checksum(data, 4), ==, 0);
    g_assert_cmphex(qmem_acpi_checksum(data, 3), ==, 0xfa);
    g_assert_cmphex(qmem_acpi_checksum(NULL, 0), ==, 0);
    for (guint i = 0; i < 3; i++) {
        sum += data[i];
    }
    g_assert_cmphex((guint8)(sum + qmem_acpi_checksum(data, 3)), ==, 0);
}

static guint64 le(const guint8 *p, guint size)
{
    guint64 v = 0;

    for (guint i = 0; i < size; i++) {
        v |= (guint64)p[i] << (8 * i);
    }
    return v;
}

static void test_acpi_srat_bytes(void)
{
    const QmemAcpiSratCpu cpus[] = { { 0, 0 }, { 300, 0x123 } };
    const QmemAcpiSratMem mem[] = {
        { 0x123456789, 0xabcdef000, 7, QMEM_ACPI_MEM_AFFINITY_ENABLED |
          QMEM_ACPI_MEM_AFFINITY_HOTPLUGGABLE },
    };
    g_autoptr(GByteArray) t = g_byte_array_new();
    const guint8 *p;

    /* Without a loader script, the builder sums the table itself. */
    qmem_acpi_build_srat(t, NULL, cpus, 2, mem, 1);
    p = t->data;

    g_assert_cmpuint(t->len, ==, 36 + 12 + 16 + 24 + 40);
    g_assert_cmpmem(p, 4, "SRAT", 4);
    g_assert_cmpuint(le(p + 4, 4), ==, t->len);
    g_assert_cmpuint(p[8], ==, 1);
    g_assert_cmpuint(qmem_acpi_checksum(p, t->len), ==, 0);
    g_assert_cmpmem(p + 10, 6, "BOCHS ", 6);
    g_assert_cmpmem(p + 16, 8, "BXPC    ", 8);
    g_assert_cmpmem(p + 28, 4, "BXPC", 4);
    g_assert_cmpuint(le(p + 36, 4), ==, 1);
    /* Local APIC entry */
    p += 48;
    g_assert_cmpuint(p[0], ==, 0);
    g_assert_cmpuint(p[1], ==, 16);
    g_assert_cmpuint(le(p + 4, 4), ==, 1);
    /* x2APIC entry for APIC id 300, 32-bit domain */
    p += 16;
    g_assert_cmpuint(p[0], ==, 2);
    g_assert_cmpuint(p[1], ==, 24);
    g_assert_cmphex(le(p + 4, 4), ==, 0x123);
    g_assert_cmpuint(le(p + 8, 4), ==, 300);
    g_assert_cmpuint(le(p + 12, 4), ==, 1);
    /* Memory affinity */
    p += 24;
    g_assert_cmpuint(p[0], ==, 1);
    g_assert_cmpuint(p[1], ==, 40);
    g_assert_cmpuint(le(p + 2, 4), ==, 7);
    g_assert_cmphex(le(p + 8, 8), ==, 0x123456789);
    g_assert_cmphex(le(p + 16, 8), ==, 0xabcdef000);
    g_assert_cmphex(le(p + 28, 4), ==, 3);
}

static void test_acpi_slit_bytes(void)
{
    const guint8 d[] = { 10, 20, 30, 10 };
    g_autoptr(GByteArray) t = g_byte_array_new();

    qmem_acpi_build_slit(t, NULL, d, 2);
    g_assert_cmpuint(t->len, ==, 36 + 8 + 4);
    g_assert_cmpmem(t->data, 4, "SLIT", 4);
    g_assert_cmpuint(qmem_acpi_checksum(t->data, t->len), ==, 0);
    g_assert_cmpuint(le(t->data + 36, 8), ==, 2);
    g_assert_cmpmem(t->data + 44, 4, d, 4);
}

int main(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;

    test_init(&argc, &argv);
    qmem_type_register_name("x-test-plain-machine", TEST_TYPE_PLAIN_MACHINE);
    /*
     * A static build loads no module from disk by itself: the test
     * machine type still comes from tests/modules, like a third party's.
     */
    if (!qmem_machine_type_lookup("test-numa")) {
        g_auto(GStrv) dirs = g_strsplit(qmem_module_get_dir(), ":", -1);

        for (char **dir = dirs; *dir; dir++) {
            g_autofree char *path = g_build_filename(
                *dir, "test-numa-machine" G_MODULE_SUFFIX_DOT, NULL);

            if (g_file_test(path, G_FILE_TEST_EXISTS) &&
                !qmem_module_load_file(path, &error)) {
                g_printerr("cannot load %s: %s\n", path, error->message);
                return 1;
            }
        }
    }

    for (gsize i = 0; i < G_N_ELEMENTS(smp_cases); i++) {
        g_autofree char *path = g_strdup_printf(
            "/hw/core/cpu-topology/smp-parse/%s", smp_cases[i].name);

        g_test_add_data_func(path, &smp_cases[i], test_smp_parse);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(smp_keyval_cases); i++) {
        g_autofree char *path = g_strdup_printf(
            "/hw/core/cpu-topology/keyval/%zu", i);

        g_test_add_data_func(path, &smp_keyval_cases[i], test_smp_keyval);
    }
    g_test_add_func("/hw/core/cpu-topology/keyval/values",
                    test_smp_keyval_values);
    g_test_add_func("/hw/core/cpu-topology/x86/apic-ids", test_x86_apic_ids);
    g_test_add_func("/hw/core/cpu-topology/x86/props", test_x86_props);

    for (gsize i = 0; i < G_N_ELEMENTS(split_cases); i++) {
        g_autofree char *legacy = g_strdup_printf(
            "/hw/core/numa/auto-split/legacy/%s", split_cases[i].name);
        g_autofree char *dflt = g_strdup_printf(
            "/hw/core/numa/auto-split/default/%s", split_cases[i].name);

        g_test_add_data_func(legacy, &split_cases[i], test_split_legacy);
        g_test_add_data_func(dflt, &split_cases[i], test_split_default);
    }
    g_test_add_func("/hw/core/numa/auto-split/machine", test_split_machine);
    for (gsize i = 0; i < G_N_ELEMENTS(knob_cases); i++) {
        g_autofree char *path = g_strdup_printf("/hw/core/numa/knobs/%s",
                                                knob_cases[i].type);

        g_test_add_data_func(path, &knob_cases[i], test_knobs);
    }
    g_test_add_func("/hw/core/numa/auto-enable", test_auto_enable);
    g_test_add_func("/hw/core/numa/not-supported", test_no_numa_machine);
    g_test_add_func("/hw/core/numa/memdev/used-twice", test_memdev_twice);
    g_test_add_func("/hw/core/numa/distances", test_distances);
    for (gsize i = 0; i < G_N_ELEMENTS(warning_cases); i++) {
        g_autofree char *path = g_strdup_printf("/hw/core/numa/warning/%s",
                                                warning_cases[i].name);
        g_autofree char *quiet = g_strdup_printf(
            "/hw/core/numa/warning/qtest/%s", warning_cases[i].name);

        g_test_add_data_func(path, &warning_cases[i], test_warning);
        g_test_add_data_func(quiet, &warning_cases[i], test_warning_qtest);
    }
    g_test_add_func("/hw/core/numa/cpu-pre-plug", test_cpu_pre_plug);
    g_test_add_func("/hw/core/numa/node-mem", test_node_mem);
    g_test_add_func("/hw/core/numa/address-map/pc", test_address_map_pc);
    g_test_add_func("/hw/core/numa/address-map/no-numa",
                    test_address_map_no_numa);
    g_test_add_func("/hw/core/numa/address-map/legacy-mem",
                    test_address_map_legacy_mem);
    g_test_add_func("/hw/core/numa/address-map/custom-machine",
                    test_address_map_custom_machine);
    g_test_add_func("/hw/core/numa/address-map/add-remove",
                    test_address_map_add_remove);
    g_test_add_func("/hw/acpi/checksum", test_acpi_checksum);
    g_test_add_func("/hw/acpi/srat", test_acpi_srat_bytes);
    g_test_add_func("/hw/acpi/slit", test_acpi_slit_bytes);
    return g_test_run();
}
