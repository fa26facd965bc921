/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * On KVM, a vCPU hot-plugged onto node 1 runs guest code: NUMA set up
 * over QMP with --preconfig, device_add of a vCPU, and that vCPU walks
 * node 1's memory (x-guest-memtest cpu-index).
 */

#include <string.h>
#include "kvm-qtest.h"

#define NODE1_START (512ULL << 20)

static JsonObject *memtest_on(QTestState *s, guint cpu, guint64 addr,
                              guint64 size, const char *mode)
{
    return qtest_qmp(s, "{'execute': 'x-guest-memtest', 'arguments': "
                     "{'addr': %" G_GUINT64_FORMAT ", 'size': %"
                     G_GUINT64_FORMAT ", 'mode': '%s', 'cpu-index': %u}}",
                     addr, size, mode, cpu);
}

static void assert_memtest_ok(QTestState *s, guint cpu, guint64 addr,
                              guint64 size, const char *mode)
{
    g_autoptr(JsonObject) rsp = memtest_on(s, cpu, addr, size, mode);
    JsonObject *ret;

    g_assert_true(json_object_has_member(rsp, "return"));
    ret = json_object_get_object_member(rsp, "return");
    g_assert_cmpint(json_object_get_int_member(ret, "checked"), ==, size);
    g_assert_cmpint(json_object_get_int_member(ret, "mismatches"), ==, 0);
    g_assert_false(json_object_has_member(ret, "fault-addr"));
}

static void assert_error(JsonObject *rsp, const char *desc)
{
    g_assert_true(json_object_has_member(rsp, "error"));
    g_assert_cmpstr(json_object_get_string_member(
        json_object_get_object_member(rsp, "error"), "desc"), ==, desc);
    json_object_unref(rsp);
}

/* NUMA over QMP, then x-exit-preconfig: the machine runs (RESUME). */
static QTestState *start_preconfigured(void)
{
    QTestState *s = qtest_init(
        "-accel kvm -M pc --preconfig -m 1G -smp 2,sockets=2,maxcpus=4 "
        "-object memory-backend-ram,id=n0,size=512M "
        "-object memory-backend-ram,id=n1,size=512M");

    qtest_qmp_assert_success(s, "{'execute': 'set-numa-node', 'arguments': "
                             "{'type': 'node', 'nodeid': 0, 'memdev': 'n0'}}");
    qtest_qmp_assert_success(s, "{'execute': 'set-numa-node', 'arguments': "
                             "{'type': 'node', 'nodeid': 1, 'memdev': 'n1'}}");
    qtest_qmp_assert_success(s, "{'execute': 'set-numa-node', 'arguments': "
                             "{'type': 'cpu', 'node-id': 0, "
                             "'socket-id': 0}}");
    qtest_qmp_assert_success(s, "{'execute': 'set-numa-node', 'arguments': "
                             "{'type': 'cpu', 'node-id': 1, "
                             "'socket-id': 1}}");
    qtest_qmp_assert_success(s, "{'execute': 'x-exit-preconfig'}");
    qtest_qmp_eventwait(s, "RESUME");
    return s;
}

/* query-cpus-fast: vCPU @index's thread, distinct from the others'. */
static void assert_cpu_threads(QTestState *s, guint n)
{
    JsonNode *ret = qtest_qmp_assert_success_ref(
        s, "{'execute': 'query-cpus-fast'}");
    JsonArray *cpus = json_node_get_array(ret);
    g_autoptr(GHashTable) tids = g_hash_table_new(g_int64_hash,
                                                  g_int64_equal);
    g_autofree gint64 *ids = g_new0(gint64, n);

    g_assert_cmpuint(json_array_get_length(cpus), ==, n);
    for (guint i = 0; i < n; i++) {
        JsonObject *cpu = json_array_get_object_element(cpus, i);

        g_assert_cmpint(json_object_get_int_member(cpu, "cpu-index"), ==, i);
        ids[i] = json_object_get_int_member(cpu, "thread-id");
        g_assert_false(g_hash_table_contains(tids, &ids[i]));
        g_hash_table_add(tids, &ids[i]);
    }
    json_node_unref(ret);
}

static void test_hotplug_runs_on_node1(void)
{
    g_autofree char *numa = NULL;
    g_autofree char *hotpluggable = NULL;
    QTestState *s;

    if (!kvm_qtest_usable()) {
        return;
    }
    s = start_preconfigured();
    qtest_qmp_assert_success(s, "{'execute': 'device_add', 'arguments': "
                             "{'driver': 'qemu64-x86_64-cpu', 'id': 'cpu2', "
                             "'socket-id': 1, 'core-id': 0, "
                             "'thread-id': 0}}");
    assert_cpu_threads(s, 3);
    numa = qtest_hmp(s, "info numa");
    g_assert_cmpstr(numa, ==, "2 nodes\r\nnode 0 cpus: 0 1\r\n"
                    "node 0 size: 512 MB\r\nnode 0 plugged: 0 MB\r\n"
                    "node 1 cpus: 2\r\nnode 1 size: 512 MB\r\n"
                    "node 1 plugged: 0 MB\r\n");
    hotpluggable = qtest_hmp(s, "info hotpluggable-cpus");
    g_assert_nonnull(strstr(hotpluggable, "  qom_path: "
                            "\"/machine/peripheral/cpu2\"\r\n"
                            "  CPUInstance Properties:\r\n"
                            "    node-id: \"1\"\r\n"));

    /* vCPU 2 writes node 1, and reads it back; vCPU 0 sees the same. */
    assert_memtest_ok(s, 2, NODE1_START, 64 << 20, "write-verify");
    assert_memtest_ok(s, 2, NODE1_START, 64 << 20, "verify");
    assert_memtest_ok(s, 0, NODE1_START, 64 << 20, "verify");
    /* Across stop and cont it still serves. */
    qtest_qmp_assert_success(s, "{'execute': 'stop'}");
    qtest_qmp_assert_success(s, "{'execute': 'cont'}");
    assert_memtest_ok(s, 2, NODE1_START + (64 << 20), 1 << 20,
                      "write-verify");

    assert_error(memtest_on(s, 1, 0, 4096, "verify"),
                 "CPU 1 cannot run a memory test: only vCPU 0 and "
                 "hot-plugged vCPUs run guest code");
    assert_error(memtest_on(s, 3, 0, 4096, "verify"),
                 "CPU 3 cannot run a memory test: only vCPU 0 and "
                 "hot-plugged vCPUs run guest code");
    assert_error(qtest_qmp(s, "{'execute': 'device_del', 'arguments': "
                           "{'id': 'cpu2'}}"),
                 "acpi: device unplug request for not supported device "
                 "type: qemu64-x86_64-cpu");
    /* A second one, on node 1 too, runs beside it. */
    qtest_qmp_assert_success(s, "{'execute': 'device_add', 'arguments': "
                             "{'driver': 'qemu64-x86_64-cpu', "
                             "'socket-id': 1, 'core-id': 1, "
                             "'thread-id': 0, 'node-id': 1}}");
    assert_cpu_threads(s, 4);
    assert_memtest_ok(s, 3, NODE1_START, 64 << 20, "verify");
    qtest_quit(s);
}

/* Hot-plugged with -S: its thread waits, and quit ends it. */
static void test_hotplug_stopped(void)
{
    QTestState *s;

    if (!kvm_qtest_usable()) {
        return;
    }
    s = qtest_init("-accel kvm -M pc -m 256M -smp 1,maxcpus=2 -S");
    qtest_qmp_assert_success(s, "{'execute': 'device_add', 'arguments': "
                             "{'driver': 'qemu64-x86_64-cpu', "
                             "'socket-id': 0, 'core-id': 1, "
                             "'thread-id': 0}}");
    assert_error(memtest_on(s, 1, 0, 4096, "verify"),
                 "the guest is not running");
    qtest_qmp_assert_success(s, "{'execute': 'cont'}");
    assert_memtest_ok(s, 1, 0, 1 << 20, "write-verify");
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/accel/kvm/cpu-hotplug/node1", test_hotplug_runs_on_node1);
    g_test_add_func("/accel/kvm/cpu-hotplug/stopped", test_hotplug_stopped);
    return g_test_run();
}
