/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qmem-run's NUMA: -numa/-smp errors, info numa, query-cpus-fast, SRAT/SLIT. */

/*
 * Expected texts marked "QEMU 7.2" were captured from qemu-system-x86_64
 * 7.2 with the same options (program name replaced); the SRAT and SLIT
 * bytes were read out of QEMU 7.2's fw_cfg "etc/acpi/tables" (whose
 * checksum bytes the firmware fills in).  Where QEMU 10.2, the reference,
 * differs from 7.2 (-smp modules and its messages), 10.2's text is used.
 */

#include <string.h>
#include <glib/gstdio.h>
#include "fw-cfg-guest.h"
#include "libqtest.h"

/* ------------------------------------------------------------------ */
/* Command-line errors */

typedef struct {
    const char *args;
    const char *err;        /* all of stderr */
} CmdlineCase;

#define PC "-M pc -m 2G -smp 4,sockets=2,cores=2 "
#define TN "-M test-numa -m 1G -smp 4,sockets=2,cores=2 "
#define M1G "-object memory-backend-ram,id=m0,size=1G "
#define M2x1G M1G "-object memory-backend-ram,id=m1,size=1G "

static const CmdlineCase cmdline_cases[] = {
    /* -numa node (QEMU 7.2) */
    { PC "-numa node,nodeid=128",
      "qmem-run: -numa node,nodeid=128: Max number of NUMA nodes reached: "
      "128\n" },
    { PC "-numa node,nodeid=0 -numa node,nodeid=0",
      "qmem-run: -numa node,nodeid=0: Duplicate NUMA nodeid: 0\n" },
    { PC "-numa node,initiator=1",
      "qmem-run: -numa node,initiator=1: ACPI Heterogeneous Memory Attribute "
      "Table (HMAT) is disabled, enable it with -machine hmat=on before "
      "using any of hmat specific options\n" },
    { PC "-numa node,cpus=4",
      "qmem-run: -numa node,cpus=4: CPU index (4) should be smaller than "
      "maxcpus (4)\n" },
    { PC "-numa node,cpus=0-4",
      "qmem-run: -numa node,cpus=0-4: CPU index (4) should be smaller than "
      "maxcpus (4)\n" },
    { PC "-numa node,cpus=65535",
      "qmem-run: -numa node,cpus=65535: CPU index (65535) should be smaller "
      "than maxcpus (4)\n" },
    { PC "-numa node,cpus=3-2",
      "qmem-run: -numa node,cpus=3-2: Parameter 'cpus' expects a uint64 "
      "value or range\n" },
    { PC "-numa node,cpus=x",
      "qmem-run: -numa node,cpus=x: Parameter 'cpus' expects a uint64 value "
      "or range\n" },
    { PC "-numa node,cpus=65536",
      "qmem-run: -numa node,cpus=65536: Parameter 'null' expects "
      "uint16_t\n" },
    { PC "-numa node,cpus=0-65536",
      "qmem-run: -numa node,cpus=0-65536: Parameter 'cpus' expects a uint64 "
      "value or range\n" },
    { PC "-numa node,cpus=0 -numa node,cpus=0",
      "qmem-run: -numa node,cpus=0: CPU is already assigned to node-id: "
      "0\n" },
    { PC "-numa node,nodeid=x",
      "qmem-run: -numa node,nodeid=x: Parameter 'nodeid' expects a uint64 "
      "value\n" },
    { PC "-numa node,nodeid=-1",
      "qmem-run: -numa node,nodeid=-1: Parameter 'nodeid' expects a uint64 "
      "value\n" },
    { PC "-numa node,nodeid=65536",
      "qmem-run: -numa node,nodeid=65536: Parameter 'nodeid' expects "
      "uint16_t\n" },
    { PC "-numa node,foo=1",
      "qmem-run: -numa node,foo=1: Invalid parameter 'foo'\n" },
    { PC "-numa foo",
      "qmem-run: -numa foo: Parameter 'type' does not accept value 'foo'\n" },
    { PC "-numa nodeid=0",
      "qmem-run: -numa nodeid=0: Parameter 'type' is missing\n" },
    { PC "-numa node,mem=1G",
      "qmem-run: -numa node,mem=1G: Parameter -numa node,mem is not "
      "supported by this machine type\n"
      "Use -numa node,memdev instead\n" },
    { "-M pc-q35-5.1 -m 2G -numa node,mem=1G",
      "qmem-run: -numa node,mem=1G: Parameter -numa node,mem is not "
      "supported by this machine type\n"
      "Use -numa node,memdev instead\n" },
    { "-M pc-i440fx-5.0 -m 2G " M1G "-numa node,mem=1G "
      "-numa node,memdev=m0",
      "qmem-run: -numa node,memdev=m0: numa configuration should use either "
      "mem= or memdev=,mixing both is not allowed\n" },
    { "-M pc-i440fx-5.0 -m 2G " M1G "-numa node,memdev=m0 "
      "-numa node,mem=1G",
      "qmem-run: -numa node,mem=1G: numa configuration should use either "
      "mem= or memdev=,mixing both is not allowed\n" },
    { "-M pc-i440fx-5.0 -m 2G -numa node,mem=1Q",
      "qmem-run: -numa node,mem=1Q: Parameter 'mem' expects a size "
      "value\n" },
    { "-M pc-i440fx-5.0 -m 2G -numa node,mem=-1",
      "qmem-run: -numa node,mem=-1: Parameter 'mem' expects a size value\n" },
    { PC "-numa node,memdev=nope",
      "qmem-run: -numa node,memdev=nope: memdev=nope is ambiguous\n" },
    /* -numa dist (QEMU 7.2) */
    { PC "-numa dist,src=0,dst=1,val=20",
      "qmem-run: -numa dist,src=0,dst=1,val=20: Source/Destination NUMA node "
      "is missing. Please use '-numa node' option to declare it first.\n" },
    { PC "-numa node -numa dist,src=128,dst=1,val=20",
      "qmem-run: -numa dist,src=128,dst=1,val=20: Parameter 'src' expects an "
      "integer between 0 and 127\n" },
    { PC "-numa node -numa dist,src=0,dst=128,val=20",
      "qmem-run: -numa dist,src=0,dst=128,val=20: Parameter 'dst' expects an "
      "integer between 0 and 127\n" },
    { PC "-numa node -numa node -numa dist,src=0,dst=1,val=9",
      "qmem-run: -numa dist,src=0,dst=1,val=9: NUMA distance (9) is invalid, "
      "it shouldn't be less than 10.\n" },
    { PC "-numa node -numa node -numa dist,src=0,dst=0,val=11",
      "qmem-run: -numa dist,src=0,dst=0,val=11: Local distance of node 0 "
      "should be 10.\n" },
    { PC "-numa node -numa node -numa dist,src=0,dst=1,val=256",
      "qmem-run: -numa dist,src=0,dst=1,val=256: Parameter 'val' expects "
      "uint8_t\n" },
    { PC "-numa node -numa node -numa dist,src=0,dst=1",
      "qmem-run: -numa dist,src=0,dst=1: Parameter 'val' is missing\n" },
    { PC "-numa node -numa node -numa dist,src=0,val=20",
      "qmem-run: -numa dist,src=0,val=20: Parameter 'dst' is missing\n" },
    { PC "-numa node -numa node -numa dist,foo=1",
      "qmem-run: -numa dist,foo=1: Parameter 'src' is missing\n" },
    { PC "-numa node -numa node -numa dist,src=x,foo=1",
      "qmem-run: -numa dist,src=x,foo=1: Parameter 'src' expects a uint64 "
      "value\n" },
    /* -numa cpu (QEMU 7.2) */
    { PC "-numa cpu,socket-id=0",
      "qmem-run: -numa cpu,socket-id=0: Missing mandatory node-id "
      "property\n" },
    { PC "-numa cpu,node-id=1,socket-id=0",
      "qmem-run: -numa cpu,node-id=1,socket-id=0: Invalid node-id=1, NUMA "
      "node must be defined with -numa node,nodeid=ID before it's used with "
      "-numa cpu,node-id=ID\n" },
    { PC "-numa node -numa cpu,node-id=-1",
      "qmem-run: -numa cpu,node-id=-1: Invalid node-id=-1, NUMA node must be "
      "defined with -numa node,nodeid=ID before it's used with -numa "
      "cpu,node-id=ID\n" },
    { PC "-numa node -numa cpu,node-id=0,cluster-id=0",
      "qmem-run: -numa cpu,node-id=0,cluster-id=0: cluster-id is not "
      "supported\n" },
    { PC "-numa node -numa cpu,node-id=0,die-id=0",
      "qmem-run: -numa cpu,node-id=0,die-id=0: die-id is not supported\n" },
    { PC "-numa node -numa cpu,node-id=0,module-id=0",
      "qmem-run: -numa cpu,node-id=0,module-id=0: module-id is not "
      "supported\n" },
    { PC "-numa node -numa cpu,node-id=0,socket-id=5",
      "qmem-run: -numa cpu,node-id=0,socket-id=5: no match found\n" },
    { PC "-numa node -numa node -numa cpu,node-id=0,socket-id=0 "
      "-numa cpu,node-id=1,socket-id=0,core-id=1",
      "qmem-run: -numa cpu,node-id=1,socket-id=0,core-id=1: CPU is already "
      "assigned to node-id: 0\n" },
    { PC "-numa cpu,node-id=x",
      "qmem-run: -numa cpu,node-id=x: Parameter 'node-id' expects an int64 "
      "value\n" },
    { PC "-numa cpu,node-id=0,socket-id=x",
      "qmem-run: -numa cpu,node-id=0,socket-id=x: Parameter 'socket-id' "
      "expects an int64 value\n" },
    /* HMAT without -machine hmat=on (QEMU 7.2); test-hmat has the rest */
    { PC "-numa node -numa hmat-lb,initiator=0,target=0,hierarchy=memory,"
      "data-type=access-latency,latency=5",
      "qmem-run: -numa hmat-lb,initiator=0,target=0,hierarchy=memory,"
      "data-type=access-latency,latency=5: ACPI Heterogeneous Memory "
      "Attribute Table (HMAT) is disabled, enable it with -machine hmat=on "
      "before using any of hmat specific options\n" },
    { PC "-numa node -numa hmat-lb,initiator=0,target=0,hierarchy=foo,"
      "data-type=access-latency",
      "qmem-run: -numa hmat-lb,initiator=0,target=0,hierarchy=foo,"
      "data-type=access-latency: Parameter 'hierarchy' does not accept "
      "value 'foo'\n" },
    { PC "-numa node -numa hmat-cache,node-id=0,size=1K,level=1",
      "qmem-run: -numa hmat-cache,node-id=0,size=1K,level=1: Parameter "
      "'associativity' is missing\n" },
    /* Completion (QEMU 7.2) */
    { PC "-numa node,nodeid=1",
      "qmem-run: numa: Node ID missing: 0\n" },
    { PC "-numa node,nodeid=2 -numa node,nodeid=0",
      "qmem-run: numa: Node ID missing: 1\n" },
    { PC "-numa node -numa node",
      "qmem-run: total memory for NUMA nodes (0x0) should equal RAM size "
      "(0x80000000)\n" },
    { PC M1G "-numa node,memdev=m0",
      "qmem-run: total memory for NUMA nodes (0x40000000) should equal RAM "
      "size (0x80000000)\n" },
    { PC "-object memory-backend-ram,id=m0,size=2G -M memory-backend=m0 "
      "-numa node,memdev=m0",
      "qmem-run: '-machine memory-backend' and '-numa memdev' properties are "
      "mutually exclusive\n" },
    { PC M2x1G "-numa node,memdev=m0 -numa node,memdev=m1 -numa node "
      "-numa dist,src=0,dst=1,val=20",
      "qmem-run: The distance between node 0 and 2 is missing, at least one "
      "distance value between each nodes should be provided.\n" },
    { PC M2x1G "-numa node,memdev=m0 -numa node,memdev=m1 -numa node "
      "-numa dist,src=0,dst=1,val=20 -numa dist,src=1,dst=0,val=30 "
      "-numa dist,src=0,dst=2,val=20 -numa dist,src=1,dst=2,val=20",
      "qmem-run: At least one asymmetrical pair of distances is given, "
      "please provide distances for both directions of all node pairs.\n" },
    /* qmem's (DESIGN.md): QEMU 7.2 says "can't be used multiple times." */
    { PC M1G "-numa node,memdev=m0 -numa node,memdev=m0",
      "qmem-run: memory backend m0 is used multiple times. Each -numa option "
      "must use a different memdev value.\n" },
    /* Memory devices check their node against the nodes there are. */
    { PC "-m 2G,slots=2,maxmem=4G " M2x1G
      "-object memory-backend-ram,id=d0,size=512M -numa node,memdev=m0 "
      "-numa node,memdev=m1 -device pc-dimm,id=dimm0,memdev=d0,node=2",
      "qmem-run: -device pc-dimm,id=dimm0,memdev=d0,node=2: 'DIMM property "
      "node has value 2' which exceeds the number of numa nodes: 2\n" },
    { "-M pc-i440fx-2.10 -m 1G,slots=2,maxmem=2G "
      "-object memory-backend-ram,id=d0,size=512M "
      "-device pc-dimm,id=dimm0,memdev=d0,node=1",
      "qmem-run: -device pc-dimm,id=dimm0,memdev=d0,node=1: 'DIMM property "
      "node has value 1' which exceeds the number of numa nodes: 1\n" },
    { "-M test -m 128M,slots=2,maxmem=1G "
      "-object memory-backend-ram,id=d0,size=512M "
      "-device pc-dimm,id=dimm0,memdev=d0,node=1",
      "qmem-run: -device pc-dimm,id=dimm0,memdev=d0,node=1: machine doesn't "
      "support NUMA\n" },
    { "-M test -m 128M -numa node",
      "qmem-run: -numa node: NUMA is not supported by this machine-type\n" },
    /* -smp, QEMU 10.2's texts (pc has dies and modules) */
    { "-M pc -smp 4,sockets=x",
      "qmem-run: Parameter 'smp.sockets' expects integer\n" },
    { "-M pc -smp 4,foo=1",
      "qmem-run: Parameter 'smp.foo' is unexpected\n" },
    { "-M pc -smp 0",
      "qmem-run: Invalid CPU topology: CPU topology parameters must be "
      "greater than zero\n" },
    { "-M pc -smp 4,clusters=2",
      "qmem-run: clusters > 1 not supported by this machine's CPU "
      "topology\n" },
    { "-M pc -smp 4,sockets=3",
      "qmem-run: Invalid CPU topology: product of the hierarchy must match "
      "maxcpus: sockets (3) * dies (1) * modules (1) * cores (1) * threads "
      "(1) != maxcpus (4)\n" },
    { "-M pc -smp 4,maxcpus=2",
      "qmem-run: Invalid CPU topology: maxcpus must be equal to or greater "
      "than smp: sockets (1) * dies (1) * modules (1) * cores (2) * threads "
      "(1) == maxcpus (2) < smp_cpus (4)\n" },
    { "-M pc -smp 3 -smp sockets=2",
      "qmem-run: Invalid CPU topology: product of the hierarchy must match "
      "maxcpus: sockets (2) * dies (1) * modules (1) * cores (1) * threads "
      "(1) != maxcpus (3)\n" },
    { "-M pc -smp 1000",
      "qmem-run: Invalid SMP CPUs 1000. The max CPUs supported by machine "
      "'pc' is 288\n" },
    /* The same checks on the test machine type, with its own limits */
    { TN "-numa node,mem=512M -numa node,mem=256M",
      "qmem-run: total memory for NUMA nodes (0x30000000) should equal RAM "
      "size (0x40000000)\n" },
    { TN "-numa node -numa cpu,node-id=0,die-id=0",
      "qmem-run: -numa cpu,node-id=0,die-id=0: die-id is not supported\n" },
    { TN "-numa node -numa cpu,node-id=0,cluster-id=1",
      "qmem-run: -numa cpu,node-id=0,cluster-id=1: no match found\n" },
    { TN "-numa node,cpus=8",
      "qmem-run: -numa node,cpus=8: CPU index (8) should be smaller than "
      "maxcpus (4)\n" },
    { TN "-numa node,cpus=1 -numa node,cpus=1",
      "qmem-run: -numa node,cpus=1: CPU is already assigned to node-id: "
      "0\n" },
    { TN "-numa node,nodeid=3",
      "qmem-run: numa: Node ID missing: 2\n" },
    { TN M1G "-numa node,memdev=m0 -numa node,mem=0",
      "qmem-run: -numa node,mem=0: numa configuration should use either "
      "mem= or memdev=,mixing both is not allowed\n" },
    { TN "-numa node -numa node -numa dist,src=1,dst=1,val=20",
      "qmem-run: -numa dist,src=1,dst=1,val=20: Local distance of node 1 "
      "should be 10.\n" },
    { "-M test-numa -smp 4,dies=2",
      "qmem-run: dies > 1 not supported by this machine's CPU topology\n" },
    { "-M test-numa -smp 4,sockets=2,clusters=3",
      "qmem-run: Invalid CPU topology: product of the hierarchy must match "
      "maxcpus: sockets (2) * clusters (3) * cores (0) * threads (1) != "
      "maxcpus (4)\n" },
    { "-M test-numa -smp 65",
      "qmem-run: Invalid SMP CPUs 65. The max CPUs supported by machine "
      "'test-numa' is 64\n" },
};

/*
 * Whether qmem-run knows machine type @name: a build that links its
 * modules in loads none from disk, so the test-only ones are missing.
 */
static gboolean runner_has_machine(const char *name)
{
    static GHashTable *known;
    g_autofree char *line = g_strdup_printf("\n%s ", name);

    if (!known) {
        g_autofree char *out = NULL;
        int status;

        known = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        qtest_run_cmdline("-machine help", &out, NULL, &status);
        g_assert_cmpint(status, ==, 0);
        g_hash_table_insert(known, g_strdup("help"), g_steal_pointer(&out));
    }
    return strstr(g_hash_table_lookup(known, "help"), line) != NULL;
}

/* Skips the test when @args use a test-only machine qmem-run lacks. */
static gboolean skip_missing_machine(const char *args)
{
    static const char *const test_machines[] = { "test-numa", "test" };

    for (gsize i = 0; i < G_N_ELEMENTS(test_machines); i++) {
        g_autofree char *opt = g_strdup_printf("-M %s ", test_machines[i]);

        if (strstr(args, opt) && !runner_has_machine(test_machines[i])) {
            g_test_skip("qmem-run does not load the test machine modules "
                        "(a build with modules linked in)");
            return TRUE;
        }
    }
    return FALSE;
}

static void test_cmdline_case(gconstpointer data)
{
    const CmdlineCase *c = data;
    g_autofree char *args = g_strdup_printf("-accel qtest -S %s", c->args);
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status;

    if (skip_missing_machine(c->args)) {
        return;
    }

    qtest_run_cmdline(args, &out, &err, &status);
    g_assert_cmpstr(err, ==, c->err);
    g_assert_cmpstr(out, ==, "");
    g_assert_cmpint(status, ==, 1);
}

/* ------------------------------------------------------------------ */
/* info numa */

typedef struct {
    const char *name;
    const char *args;
    const char *qmp[4];     /* run before "info numa" */
    const char *info;       /* with "\r\n", as human-monitor-command */
} InfoCase;

#define HOTPLUG(id, size, node) \
    "{'execute': 'object-add', 'arguments': {'qom-type': " \
    "'memory-backend-ram', 'id': 'h" id "', 'size': " size "}}", \
    "{'execute': 'device_add', 'arguments': {'driver': 'pc-dimm', " \
    "'id': 'hd" id "', 'memdev': 'h" id "', 'node': " node "}}"

static const InfoCase info_cases[] = {
    /* QEMU 7.2 */
    { "pc/default-mapping", PC M2x1G "-numa node,memdev=m0 "
      "-numa node,memdev=m1", { NULL },
      "2 nodes\r\nnode 0 cpus: 0 1\r\nnode 0 size: 1024 MB\r\n"
      "node 0 plugged: 0 MB\r\nnode 1 cpus: 2 3\r\nnode 1 size: 1024 MB\r\n"
      "node 1 plugged: 0 MB\r\n" },
    { "pc/explicit-mapping", PC M2x1G "-numa node,memdev=m0,cpus=0,cpus=2 "
      "-numa node,memdev=m1,cpus=1,cpus=3", { NULL },
      "2 nodes\r\nnode 0 cpus: 0 2\r\nnode 0 size: 1024 MB\r\n"
      "node 0 plugged: 0 MB\r\nnode 1 cpus: 1 3\r\nnode 1 size: 1024 MB\r\n"
      "node 1 plugged: 0 MB\r\n" },
    { "pc/partial-mapping-memoryless", PC M2x1G
      "-numa node,memdev=m0,cpus=1 -numa node,memdev=m1,cpus=3 -numa node",
      { NULL },
      "3 nodes\r\nnode 0 cpus: 0 1 2\r\nnode 0 size: 1024 MB\r\n"
      "node 0 plugged: 0 MB\r\nnode 1 cpus: 3\r\nnode 1 size: 1024 MB\r\n"
      "node 1 plugged: 0 MB\r\nnode 2 cpus:\r\nnode 2 size: 0 MB\r\n"
      "node 2 plugged: 0 MB\r\n" },
    { "pc/numa-cpu", "-M pc -m 2G -smp 8,sockets=2,cores=2,threads=2 " M2x1G
      "-numa node,memdev=m0 -numa node -numa node,memdev=m1 "
      "-numa cpu,node-id=2,socket-id=1 "
      "-numa cpu,node-id=1,socket-id=0,core-id=1 "
      "-numa cpu,node-id=0,socket-id=0,core-id=0,thread-id=0 "
      "-numa cpu,node-id=1,socket-id=0,core-id=0,thread-id=1", { NULL },
      "3 nodes\r\nnode 0 cpus: 0\r\nnode 0 size: 1024 MB\r\n"
      "node 0 plugged: 0 MB\r\nnode 1 cpus: 1 2 3\r\nnode 1 size: 0 MB\r\n"
      "node 1 plugged: 0 MB\r\nnode 2 cpus: 4 5 6 7\r\n"
      "node 2 size: 1024 MB\r\nnode 2 plugged: 0 MB\r\n" },
    { "pc/asymmetric-distances", "-M pc -m 2G -smp 6,sockets=3,cores=2 "
      M2x1G "-numa node,memdev=m0 -numa node,memdev=m1 -numa node "
      "-numa dist,src=0,dst=1,val=20 -numa dist,src=1,dst=0,val=30 "
      "-numa dist,src=0,dst=2,val=40 -numa dist,src=2,dst=0,val=50 "
      "-numa dist,src=1,dst=2,val=21 -numa dist,src=2,dst=1,val=22",
      { NULL },
      "3 nodes\r\nnode 0 cpus: 0 1\r\nnode 0 size: 1024 MB\r\n"
      "node 0 plugged: 0 MB\r\nnode 1 cpus: 2 3\r\nnode 1 size: 1024 MB\r\n"
      "node 1 plugged: 0 MB\r\nnode 2 cpus: 4 5\r\nnode 2 size: 0 MB\r\n"
      "node 2 plugged: 0 MB\r\n" },
    { "pc/dimms", "-M pc -m 2G,slots=4,maxmem=8G -smp 4,sockets=4 " M2x1G
      "-numa node,memdev=m0 -numa node,memdev=m1 -numa node "
      "-object memory-backend-ram,id=d0,size=512M "
      "-object memory-backend-ram,id=d1,size=256M "
      "-device pc-dimm,id=dimm0,memdev=d0,node=2 "
      "-device pc-dimm,id=dimm1,memdev=d1,node=1",
      { HOTPLUG("2", "1073741824", "0"), HOTPLUG("3", "134217728", "2") },
      "3 nodes\r\nnode 0 cpus: 0 3\r\nnode 0 size: 2048 MB\r\n"
      "node 0 plugged: 1024 MB\r\nnode 1 cpus: 1\r\nnode 1 size: 1280 MB\r\n"
      "node 1 plugged: 256 MB\r\nnode 2 cpus: 2\r\nnode 2 size: 640 MB\r\n"
      "node 2 plugged: 640 MB\r\n" },
    { "pc/implicit-node", "-M pc -m 1G,slots=2,maxmem=4G -smp 2", { NULL },
      "1 nodes\r\nnode 0 cpus: 0 1\r\nnode 0 size: 1024 MB\r\n"
      "node 0 plugged: 0 MB\r\n" },
    { "pc/no-numa", "-M pc -m 1G -smp 2", { NULL }, "0 nodes\r\n" },
    { "pc-i440fx-5.0/mem", "-M pc-i440fx-5.0 -m 2G -smp 4 "
      "-numa node,mem=1000 -numa node,mem=1048", { NULL },
      "2 nodes\r\nnode 0 cpus: 0 2\r\nnode 0 size: 1000 MB\r\n"
      "node 0 plugged: 0 MB\r\nnode 1 cpus: 1 3\r\nnode 1 size: 1048 MB\r\n"
      "node 1 plugged: 0 MB\r\n" },
    { "pc-q35-5.0/mem", "-M pc-q35-5.0 -m 2G -smp 4 "
      "-numa node,mem=1500M -numa node,mem=548M", { NULL },
      "2 nodes\r\nnode 0 cpus: 0 2\r\nnode 0 size: 1500 MB\r\n"
      "node 0 plugged: 0 MB\r\nnode 1 cpus: 1 3\r\nnode 1 size: 548 MB\r\n"
      "node 1 plugged: 0 MB\r\n" },
    { "q35/dies", "-M q35 -m 2G -smp 8,sockets=2,dies=2,cores=2 " M2x1G
      "-numa node,memdev=m0 -numa node,memdev=m1 "
      "-numa cpu,node-id=1,socket-id=0,die-id=1 "
      "-numa cpu,node-id=0,socket-id=0,die-id=0 "
      "-numa cpu,node-id=1,socket-id=1", { NULL },
      "2 nodes\r\nnode 0 cpus: 0 1\r\nnode 0 size: 1024 MB\r\n"
      "node 0 plugged: 0 MB\r\nnode 1 cpus: 2 3 4 5 6 7\r\n"
      "node 1 size: 1024 MB\r\nnode 1 plugged: 0 MB\r\n" },
    { "pc/maxcpus", "-M pc -m 2G -smp 2,maxcpus=6,sockets=3,cores=2 " M2x1G
      "-numa node,memdev=m0 -numa node,memdev=m1", { NULL },
      "2 nodes\r\nnode 0 cpus: 0 1\r\nnode 0 size: 1024 MB\r\n"
      "node 0 plugged: 0 MB\r\nnode 1 cpus:\r\nnode 1 size: 1024 MB\r\n"
      "node 1 plugged: 0 MB\r\n" },
    /*
     * qmem only: the split QEMU removed in 5.2, on the machine types that
     * had it (legacy for 2.9, default for 5.1), 8 MiB aligned.
     */
    { "pc-i440fx-2.9/split", "-M pc-i440fx-2.9 -m 1G -smp 3 "
      "-numa node -numa node -numa node", { NULL },
      "3 nodes\r\nnode 0 cpus: 0\r\nnode 0 size: 336 MB\r\n"
      "node 0 plugged: 0 MB\r\nnode 1 cpus: 1\r\nnode 1 size: 336 MB\r\n"
      "node 1 plugged: 0 MB\r\nnode 2 cpus: 2\r\nnode 2 size: 352 MB\r\n"
      "node 2 plugged: 0 MB\r\n" },
    { "pc-q35-5.1/split", "-M pc-q35-5.1 -m 1G -smp 3 "
      "-numa node -numa node -numa node", { NULL },
      "3 nodes\r\nnode 0 cpus: 0\r\nnode 0 size: 336 MB\r\n"
      "node 0 plugged: 0 MB\r\nnode 1 cpus: 1\r\nnode 1 size: 344 MB\r\n"
      "node 1 plugged: 0 MB\r\nnode 2 cpus: 2\r\nnode 2 size: 344 MB\r\n"
      "node 2 plugged: 0 MB\r\n" },
    /*
     * The test machine type: CPU i on node i % nodes by default, the
     * default split at 256 MiB, node 0 always.
     */
    { "test-numa/default-mapping", TN "-numa node -numa node", { NULL },
      "2 nodes\r\nnode 0 cpus: 0 2\r\nnode 0 size: 512 MB\r\n"
      "node 0 plugged: 0 MB\r\nnode 1 cpus: 1 3\r\nnode 1 size: 512 MB\r\n"
      "node 1 plugged: 0 MB\r\n" },
    { "test-numa/split", "-M test-numa -m 1G -smp 6 -numa node -numa node "
      "-numa node", { NULL },
      "3 nodes\r\nnode 0 cpus: 0 3\r\nnode 0 size: 256 MB\r\n"
      "node 0 plugged: 0 MB\r\nnode 1 cpus: 1 4\r\nnode 1 size: 256 MB\r\n"
      "node 1 plugged: 0 MB\r\nnode 2 cpus: 2 5\r\nnode 2 size: 512 MB\r\n"
      "node 2 plugged: 0 MB\r\n" },
    { "test-numa/partial-mapping-memoryless", TN "-numa node,mem=1G,cpus=3 "
      "-numa node -numa node,cpus=1", { NULL },
      "3 nodes\r\nnode 0 cpus: 0 2 3\r\nnode 0 size: 1024 MB\r\n"
      "node 0 plugged: 0 MB\r\nnode 1 cpus:\r\nnode 1 size: 0 MB\r\n"
      "node 1 plugged: 0 MB\r\nnode 2 cpus: 1\r\nnode 2 size: 0 MB\r\n"
      "node 2 plugged: 0 MB\r\n" },
    { "test-numa/numa-cpu", "-M test-numa -m 1G "
      "-smp 8,sockets=2,clusters=2,cores=2 -numa node -numa node "
      "-numa cpu,node-id=1,cluster-id=1 -numa cpu,node-id=0,cluster-id=0 "
      "-numa dist,src=0,dst=1,val=15 -numa dist,src=1,dst=0,val=16",
      { NULL },
      "2 nodes\r\nnode 0 cpus: 0 1 4 5\r\nnode 0 size: 512 MB\r\n"
      "node 0 plugged: 0 MB\r\nnode 1 cpus: 2 3 6 7\r\n"
      "node 1 size: 512 MB\r\nnode 1 plugged: 0 MB\r\n" },
    { "test-numa/dimms", "-M test-numa -m 1G,slots=2,maxmem=3G -smp 2 "
      "-numa node -numa node -object memory-backend-ram,id=d0,size=512M "
      "-device pc-dimm,id=dimm0,memdev=d0,node=1",
      { HOTPLUG("1", "268435456", "0") },
      "2 nodes\r\nnode 0 cpus: 0\r\nnode 0 size: 768 MB\r\n"
      "node 0 plugged: 256 MB\r\nnode 1 cpus: 1\r\nnode 1 size: 1024 MB\r\n"
      "node 1 plugged: 512 MB\r\n" },
    { "test-numa/implicit-node", "-M test-numa -m 256M -smp 2", { NULL },
      "1 nodes\r\nnode 0 cpus: 0 1\r\nnode 0 size: 256 MB\r\n"
      "node 0 plugged: 0 MB\r\n" },
};

static void test_info_numa(gconstpointer data)
{
    const InfoCase *c = data;
    QTestState *s;
    g_autofree char *info = NULL;
    JsonNode *ret;

    if (skip_missing_machine(c->args)) {
        return;
    }
    s = qtest_init(c->args);

    for (guint i = 0; i < G_N_ELEMENTS(c->qmp) && c->qmp[i]; i++) {
        qtest_qmp_assert_success(s, "%s", c->qmp[i]);
    }
    info = qtest_hmp(s, "info numa");
    g_assert_cmpstr(info, ==, c->info);

    /* x-query-numa is the same text, with "\n". */
    ret = qtest_qmp_assert_success_ref(s, "{'execute': 'x-query-numa'}");
    {
        g_autoptr(GString) text = g_string_new(c->info);

        g_string_replace(text, "\r\n", "\n", 0);
        g_assert_cmpstr(json_object_get_string_member(
                            json_node_get_object(ret),
                            "human-readable-text"), ==, text->str);
    }
    json_node_unref(ret);
    qtest_quit(s);
}

static void test_info_numa_args(void)
{
    QTestState *s = qtest_init("-M pc -m 1G");
    g_autofree char *info = qtest_hmp(s, "info numa foo");

    g_assert_cmpstr(info, ==, "numa: extraneous characters at the end of "
                    "line\r\nTry \"help info numa\" for more "
                    "information\r\n");
    qtest_qmp_expect_error(s, "GenericError",
                           "Parameter 'foo' is unexpected",
                           "{'execute': 'query-cpus-fast', "
                           "'arguments': {'foo': 1}}");
    qtest_quit(s);
}

/* ------------------------------------------------------------------ */
/* query-cpus-fast (QEMU 7.2's props for the same options) */

static void test_query_cpus_fast(void)
{
    static const gint64 expected[8][4] = {
        /* node-id, socket-id, core-id, thread-id */
        { 0, 0, 0, 0 }, { 1, 0, 0, 1 }, { 1, 0, 1, 0 }, { 1, 0, 1, 1 },
        { 2, 1, 0, 0 }, { 2, 1, 0, 1 }, { 2, 1, 1, 0 }, { 2, 1, 1, 1 },
    };
    QTestState *s = qtest_init(
        "-M pc -m 2G -smp 8,sockets=2,cores=2,threads=2 " M2x1G
        "-numa node,memdev=m0 -numa node -numa node,memdev=m1 "
        "-numa cpu,node-id=2,socket-id=1 "
        "-numa cpu,node-id=1,socket-id=0,core-id=1 "
        "-numa cpu,node-id=0,socket-id=0,core-id=0,thread-id=0 "
        "-numa cpu,node-id=1,socket-id=0,core-id=0,thread-id=1");
    JsonNode *ret = qtest_qmp_assert_success_ref(
        s, "{'execute': 'query-cpus-fast'}");
    JsonArray *list = json_node_get_array(ret);

    g_assert_cmpuint(json_array_get_length(list), ==, 8);
    for (guint i = 0; i < 8; i++) {
        JsonObject *cpu = json_array_get_object_element(list, i);
        JsonObject *props = json_object_get_object_member(cpu, "props");

        g_assert_cmpint(json_object_get_int_member(cpu, "cpu-index"), ==, i);
        g_assert_cmpstr(json_object_get_string_member(cpu, "target"), ==,
                        "x86_64");
        g_assert_true(json_object_has_member(cpu, "qom-path"));
        g_assert_true(json_object_has_member(cpu, "thread-id"));
        g_assert_cmpuint(json_object_get_size(cpu), ==, 5);
        g_assert_cmpuint(json_object_get_size(props), ==, 4);
        g_assert_cmpint(json_object_get_int_member(props, "node-id"), ==,
                        expected[i][0]);
        g_assert_cmpint(json_object_get_int_member(props, "socket-id"), ==,
                        expected[i][1]);
        g_assert_cmpint(json_object_get_int_member(props, "core-id"), ==,
                        expected[i][2]);
        g_assert_cmpint(json_object_get_int_member(props, "thread-id"), ==,
                        expected[i][3]);
    }
    json_node_unref(ret);
    qtest_quit(s);
}

/* Without nodes the props carry no node-id; boot CPUs only. */
static void test_query_cpus_fast_no_numa(void)
{
    QTestState *s = qtest_init("-M pc -m 1G -smp 2,maxcpus=4,dies=2");
    JsonNode *ret = qtest_qmp_assert_success_ref(
        s, "{'execute': 'query-cpus-fast'}");
    JsonArray *list = json_node_get_array(ret);
    JsonObject *props;

    g_assert_cmpuint(json_array_get_length(list), ==, 2);
    props = json_object_get_object_member(
        json_array_get_object_element(list, 1), "props");
    g_assert_false(json_object_has_member(props, "node-id"));
    g_assert_cmpint(json_object_get_int_member(props, "die-id"), ==, 0);
    g_assert_cmpint(json_object_get_int_member(props, "core-id"), ==, 1);
    json_node_unref(ret);
    qtest_quit(s);
}

/* ------------------------------------------------------------------ */
/* ACPI SRAT and SLIT, read back from guest memory */

/*
 * A table by signature, as a guest finds it: the firmware's part (run
 * fw_cfg's table loader, which puts the tables into guest memory and
 * fills in their pointers and checksums), then the OS's (the RSDP in the
 * BIOS area, the RSDT or XSDT, the table; every checksum checked).
 */
static GBytes *read_table(QTestState *s, const char *sig)
{
    guint64 rsdp;

    if (!qacpi_find_rsdp(s)) {
        qacpi_load(s, 16 << 20);
    }
    rsdp = qacpi_find_rsdp(s);
    g_assert_cmphex(rsdp, !=, 0);
    return qacpi_find_table(s, rsdp, sig);
}

/* The 4-node machine: memory-less node 3, asymmetric distances, DIMMs. */
#define ACPI_4NODE \
    "-M pc -m 4G,slots=4,maxmem=16G -smp 8,sockets=4,cores=2 " \
    "-object memory-backend-ram,id=m0,size=1G " \
    "-object memory-backend-ram,id=m1,size=2G " \
    "-object memory-backend-ram,id=m2,size=1G " \
    "-numa node,memdev=m0 -numa node,memdev=m1 -numa node,memdev=m2 " \
    "-numa node -numa cpu,node-id=3,socket-id=0 " \
    "-numa cpu,node-id=2,socket-id=1 -numa cpu,node-id=1,socket-id=2 " \
    "-numa cpu,node-id=0,socket-id=3 " \
    "-numa dist,src=0,dst=1,val=20 -numa dist,src=1,dst=0,val=21 " \
    "-numa dist,src=0,dst=2,val=30 -numa dist,src=2,dst=0,val=31 " \
    "-numa dist,src=0,dst=3,val=40 -numa dist,src=3,dst=0,val=41 " \
    "-numa dist,src=1,dst=2,val=22 -numa dist,src=2,dst=1,val=23 " \
    "-numa dist,src=1,dst=3,val=32 -numa dist,src=3,dst=1,val=33 " \
    "-numa dist,src=2,dst=3,val=24 -numa dist,src=3,dst=2,val=25 " \
    "-object memory-backend-ram,id=d0,size=1G " \
    "-device pc-dimm,id=dimm0,memdev=d0,node=1 " \
    "-object memory-backend-ram,id=d1,size=512M " \
    "-device pc-dimm,id=dimm1,memdev=d1,node=3"

/* QEMU 7.2's tables for ACPI_4NODE, checksum byte 0 (the firmware's). */
static const char qemu_srat_4node[] =
    "53524154c80100000100424f43485320425850432020202001000000425850430100"
    "00000100000000000000000000000010030001000000000000000000000000100301"
    "01000000000000000000000000100202010000000000000000000000001002030100"
    "00000000000000000000001001040100000000000000000000000010010501000000"
    "00000000000000000010000601000000000000000000000000100007010000000000"
    "0000000000000128000000000000000000000000000000000a000000000000000000"
    "010000000000000000000000012800000000000000001000000000000000f03f0000"
    "00000000000001000000000000000000000001280100000000000000004000000000"
    "00000080000000000000000001000000000000000000000001280200000000000000"
    "00000100000000000040000000000000000001000000000000000000000001280000"
    "00000000000000000000000000000000000000000000000000000000000000000000"
    "00000128000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000128030000000000000000400100000000000000040000000000"
    "0000030000000000000000000000";
static const char qemu_slit_4node[] =
    "534c49543c0000000100424f43485320425850432020202001000000425850430100"
    "000004000000000000000a141e28150a16201f170a182921190a";

/* One parsed "Field : Value" list per SRAT subtable (or the header). */
typedef GPtrArray Subtables;     /* of GHashTable name -> value */

/* Reads iasl's disassembly: "[030h 0048   1]   Subtable Type : 00 [...]". */
static Subtables *parse_dsl(const char *text)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    GPtrArray *subtables = g_ptr_array_new_with_free_func(
        (GDestroyNotify)g_hash_table_unref);
    GHashTable *cur = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                            g_free);

    g_ptr_array_add(subtables, cur);
    for (char **l = lines; *l; l++) {
        const char *sep = strstr(*l, " : ");
        const char *name_start = *l;
        g_autofree char *name = NULL;
        g_autofree char *value = NULL;
        char *sp;

        /* Comment lines ("* Format: ... FieldName : FieldValue"). */
        if (!sep || *(*l + strspn(*l, " ")) == '*' ||
            *(*l + strspn(*l, " ")) == '/') {
            continue;
        }
        if (**l == '[') {
            name_start = strchr(*l, ']') + 1;
        }
        name = g_strstrip(g_strndup(name_start, sep - name_start));
        value = g_strstrip(g_strdup(sep + 3));
        /* The value alone: "SRAT" with its quotes, a number's first word. */
        sp = value[0] == '"' ? strchr(value + 1, '"') : strpbrk(value, " [");
        if (sp) {
            sp[value[0] == '"'] = '\0';
        }
        if (!strcmp(name, "Subtable Type")) {
            cur = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                        g_free);
            g_ptr_array_add(subtables, cur);
        }
        g_hash_table_insert(cur, g_steal_pointer(&name),
                            g_steal_pointer(&value));
    }
    return subtables;
}

static guint64 field(GHashTable *t, const char *name)
{
    const char *v = g_hash_table_lookup(t, name);

    if (!v) {
        g_error("iasl output lacks field '%s'", name);
    }
    return g_ascii_strtoull(v, NULL, 16);
}

/* Disassembles @table with iasl in @dir; NULL when iasl is missing. */
static char *iasl_disassemble(const char *dir, const char *name,
                              GBytes *table)
{
    g_autofree char *iasl = g_find_program_in_path("iasl");
    g_autofree char *dat = g_strdup_printf("%s.dat", name);
    g_autofree char *dsl = g_strdup_printf("%s/%s.dsl", dir, name);
    g_autofree char *path = g_build_filename(dir, dat, NULL);
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autoptr(GError) error = NULL;
    char *text = NULL;
    int status;
    const char *argv[] = { iasl, "-d", dat, NULL };

    if (!iasl) {
        return NULL;
    }
    g_assert_true(g_file_set_contents(path, g_bytes_get_data(table, NULL),
                                      g_bytes_get_size(table), &error));
    g_assert_true(g_spawn_sync(dir, (char **)argv, NULL, G_SPAWN_DEFAULT,
                               NULL, NULL, &out, &err, &status, &error));
    g_assert_no_error(error);
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    g_assert_true(g_file_get_contents(dsl, &text, NULL, &error));
    g_unlink(path);
    g_unlink(dsl);
    /* iasl marks what it disagrees with in comments. */
    g_assert_null(strstr(text, "Incorrect"));
    g_assert_null(strstr(text, "Invalid"));
    return text;
}

typedef struct {
    guint apic_id;
    guint node;
} SratCpu;

typedef struct {
    guint node;
    guint64 base;
    guint64 length;
    guint flags;
} SratMem;

static void check_srat(Subtables *t, const SratCpu *cpus, guint n_cpus,
                       const SratMem *mem, guint n_mem)
{
    GHashTable *hdr = g_ptr_array_index(t, 0);

    g_assert_cmpstr(g_hash_table_lookup(hdr, "Signature"), ==, "\"SRAT\"");
    g_assert_cmpuint(field(hdr, "Revision"), ==, 1);
    g_assert_cmpstr(g_hash_table_lookup(hdr, "Oem ID"), ==, "\"BOCHS \"");
    g_assert_cmpuint(t->len, ==, 1 + n_cpus + n_mem);
    for (guint i = 0; i < n_cpus; i++) {
        GHashTable *e = g_ptr_array_index(t, 1 + i);

        g_assert_cmpuint(field(e, "Subtable Type"), ==, 0);
        g_assert_cmpuint(field(e, "Length"), ==, 0x10);
        g_assert_cmpuint(field(e, "Apic ID"), ==, cpus[i].apic_id);
        g_assert_cmpuint(field(e, "Proximity Domain Low(8)"), ==,
                         cpus[i].node);
        g_assert_cmpuint(field(e, "Proximity Domain High(24)"), ==, 0);
        g_assert_cmpuint(field(e, "Enabled"), ==, 1);
    }
    for (guint i = 0; i < n_mem; i++) {
        GHashTable *e = g_ptr_array_index(t, 1 + n_cpus + i);

        g_assert_cmpuint(field(e, "Subtable Type"), ==, 1);
        g_assert_cmpuint(field(e, "Length"), ==, 0x28);
        g_assert_cmpuint(field(e, "Proximity Domain"), ==, mem[i].node);
        g_assert_cmphex(field(e, "Base Address"), ==, mem[i].base);
        g_assert_cmphex(field(e, "Address Length"), ==, mem[i].length);
        g_assert_cmphex(field(e, "Flags (decoded below)"), ==, mem[i].flags);
        g_assert_cmpuint(field(e, "Enabled"), ==, mem[i].flags & 1);
        g_assert_cmpuint(field(e, "Hot Pluggable"), ==,
                         !!(mem[i].flags & 2));
        g_assert_cmpuint(field(e, "Non-Volatile"), ==, 0);
    }
}

static void check_slit(const char *text, guint n, const char *const *rows)
{
    g_autoptr(GPtrArray) t = parse_dsl(text);
    GHashTable *hdr = g_ptr_array_index(t, 0);

    g_assert_cmpstr(g_hash_table_lookup(hdr, "Signature"), ==, "\"SLIT\"");
    g_assert_cmpuint(field(hdr, "Localities"), ==, n);
    for (guint i = 0; i < n; i++) {
        g_autofree char *key = g_strdup_printf("Locality %3u", i);
        g_autofree char *line = g_strdup_printf("%s : %s", key, rows[i]);

        /* The whole row: parse_dsl() keeps only its first byte. */
        g_assert_nonnull(strstr(text, line));
    }
}

static void assert_same_as_qemu(GBytes *table, const char *qemu_hex)
{
    gsize len = strlen(qemu_hex) / 2;
    const guint8 *p = g_bytes_get_data(table, NULL);

    g_assert_cmpuint(g_bytes_get_size(table), ==, len);
    for (gsize i = 0; i < len; i++) {
        char hex[3] = { qemu_hex[2 * i], qemu_hex[2 * i + 1], 0 };

        if (i == 9) {
            continue;       /* the checksum, QEMU's firmware's business */
        }
        g_assert_cmphex(p[i], ==, g_ascii_strtoull(hex, NULL, 16));
    }
}

static void test_acpi_4node(void)
{
    static const SratCpu cpus[] = {
        { 0, 3 }, { 1, 3 }, { 2, 2 }, { 3, 2 },
        { 4, 1 }, { 5, 1 }, { 6, 0 }, { 7, 0 },
    };
    static const SratMem mem[] = {
        { 0, 0, 0xa0000, 1 },                   /* below the 640K hole */
        { 0, 0x100000, 0x3ff00000, 1 },
        { 1, 0x40000000, 0x80000000, 1 },
        { 2, 0x100000000, 0x40000000, 1 },      /* above the PCI hole */
        { 0, 0, 0, 0 },                          /* QEMU's spare entries */
        { 0, 0, 0, 0 },
        { 3, 0x140000000, 0x400000000, 3 },     /* device memory */
    };
    static const char *const rows[] = {
        "0A 14 1E 28", "15 0A 16 20", "1F 17 0A 18", "29 21 19 0A",
    };
    QTestState *s = qtest_init(ACPI_4NODE " -qtest");
    g_autoptr(GBytes) srat = read_table(s, "SRAT");
    g_autoptr(GBytes) slit = read_table(s, "SLIT");
    g_autofree char *dir = g_dir_make_tmp("test-numa-acpi-XXXXXX", NULL);
    g_autofree char *srat_text = NULL;
    g_autofree char *slit_text = NULL;
    g_autoptr(GPtrArray) parsed = NULL;

    g_assert_nonnull(srat);
    g_assert_nonnull(slit);
    assert_same_as_qemu(srat, qemu_srat_4node);
    assert_same_as_qemu(slit, qemu_slit_4node);
    qtest_quit(s);

    srat_text = iasl_disassemble(dir, "srat", srat);
    if (!srat_text) {
        g_rmdir(dir);
        g_test_skip("iasl (Debian acpica-tools) is not installed");
        return;
    }
    parsed = parse_dsl(srat_text);
    check_srat(parsed, cpus, G_N_ELEMENTS(cpus), mem, G_N_ELEMENTS(mem));
    slit_text = iasl_disassemble(dir, "slit", slit);
    check_slit(slit_text, 4, rows);
    g_assert_cmpint(g_rmdir(dir), ==, 0);
}

/*
 * The test machine type: APIC ids are CPU indexes, RAM in one piece,
 * device memory at 1 TiB without per-slot padding, symmetric distances.
 */
static void test_acpi_custom_machine(void)
{
    static const SratCpu cpus[] = { { 0, 0 }, { 1, 1 }, { 2, 0 }, { 3, 1 } };
    static const SratMem mem[] = {
        { 0, 0, 0xa0000, 1 },
        { 0, 0x100000, 0x1ff00000, 1 },
        { 1, 0x20000000, 0x20000000, 1 },
        { 0, 0, 0, 0 },
        { 1, 0x10000000000, 0x80000000, 3 },
    };
    static const char *const rows[] = { "0A 0F", "0F 0A" };
    const char *args = "-M test-numa -m 1G,slots=2,maxmem=3G "
                       "-smp 4,sockets=2,cores=2 -numa node -numa node "
                       "-numa dist,src=0,dst=1,val=15 -qtest";
    QTestState *s;
    g_autoptr(GBytes) srat = NULL;
    g_autoptr(GBytes) slit = NULL;
    g_autofree char *dir = NULL;
    g_autofree char *srat_text = NULL;
    g_autofree char *slit_text = NULL;
    g_autoptr(GPtrArray) parsed = NULL;

    if (skip_missing_machine(args)) {
        return;
    }
    s = qtest_init(args);
    srat = read_table(s, "SRAT");
    slit = read_table(s, "SLIT");
    dir = g_dir_make_tmp("test-numa-acpi-XXXXXX", NULL);
    g_assert_nonnull(srat);
    g_assert_nonnull(slit);
    qtest_quit(s);

    srat_text = iasl_disassemble(dir, "srat", srat);
    if (!srat_text) {
        g_rmdir(dir);
        g_test_skip("iasl (Debian acpica-tools) is not installed");
        return;
    }
    parsed = parse_dsl(srat_text);
    check_srat(parsed, cpus, G_N_ELEMENTS(cpus), mem, G_N_ELEMENTS(mem));
    slit_text = iasl_disassemble(dir, "slit", slit);
    check_slit(slit_text, 2, rows);
    g_assert_cmpint(g_rmdir(dir), ==, 0);
}

/*
 * No -numa dist: an SRAT but no SLIT; no nodes: neither.  Nothing is in
 * guest memory before the table loader runs.
 */
static void test_acpi_tables_present(void)
{
    QTestState *s = qtest_init("-M pc -m 1G,slots=1,maxmem=2G -qtest");
    g_autoptr(GBytes) srat = NULL;
    g_autoptr(GBytes) slit = NULL;
    g_autoptr(GBytes) no_srat = NULL;

    g_assert_cmphex(qacpi_find_rsdp(s), ==, 0);
    srat = read_table(s, "SRAT");
    slit = read_table(s, "SLIT");
    g_assert_nonnull(srat);
    g_assert_null(slit);
    qtest_quit(s);

    s = qtest_init("-M pc -m 1G -qtest");
    no_srat = read_table(s, "SRAT");
    g_assert_null(no_srat);
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    for (gsize i = 0; i < G_N_ELEMENTS(cmdline_cases); i++) {
        g_autofree char *path =
            g_strdup_printf("/hw/core/numa/cmdline/%zu", i);

        g_test_add_data_func(path, &cmdline_cases[i], test_cmdline_case);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(info_cases); i++) {
        g_autofree char *path = g_strdup_printf("/hw/core/numa/info-numa/%s",
                                                info_cases[i].name);

        g_test_add_data_func(path, &info_cases[i], test_info_numa);
    }
    g_test_add_func("/hw/core/numa/info-numa/args", test_info_numa_args);
    g_test_add_func("/hw/core/numa/query-cpus-fast/mapping",
                    test_query_cpus_fast);
    g_test_add_func("/hw/core/numa/query-cpus-fast/no-numa",
                    test_query_cpus_fast_no_numa);
    g_test_add_func("/hw/acpi/numa/4-nodes", test_acpi_4node);
    g_test_add_func("/hw/acpi/numa/custom-machine", test_acpi_custom_machine);
    g_test_add_func("/hw/acpi/numa/presence", test_acpi_tables_present);
    return g_test_run();
}
