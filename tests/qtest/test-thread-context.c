/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qmem-run with thread-context and prealloc-context, as libvirt writes it. */

#include <sched.h>
#include <string.h>

#include "libqtest.h"

/* The last CPU this process may use: the context's. */
static int target_cpu(void)
{
    cpu_set_t set;
    int last = -1;

    g_assert_cmpint(sched_getaffinity(0, sizeof(set), &set), ==, 0);
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (CPU_ISSET(cpu, &set)) {
            last = cpu;
        }
    }
    return last;
}

/* A line of /proc/TID/status, without its key. */
static char *task_status(gint64 tid, const char *key)
{
    g_autofree char *path = g_strdup_printf("/proc/%" G_GINT64_FORMAT
                                            "/status", tid);
    g_autofree char *text = NULL;
    g_autofree char *prefix = g_strdup_printf("%s:", key);
    g_auto(GStrv) lines = NULL;

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        if (g_str_has_prefix(lines[i], prefix)) {
            return g_strdup(g_strstrip(lines[i] + strlen(prefix)));
        }
    }
    g_assert_not_reached();
}

static JsonNode *qom_get(QTestState *qts, const char *path,
                         const char *property)
{
    return qtest_qmp_assert_success_ref(
        qts, "{'execute': 'qom-get', 'arguments': {'path': '%s', "
        "'property': '%s'}}", path, property);
}

/*
 * The context's helper thread runs on the CPUs asked for; with
 * debug-threads=on it is named after the context, else after the program.
 */
static void assert_context(QTestState *qts, const char *id, int cpu,
                           gboolean named)
{
    g_autofree char *path = g_strdup_printf("/objects/%s", id);
    g_autofree char *name = named ? g_strdup_printf("TC %s", id)
                                  : g_strdup("qmem-run");
    g_autofree char *cpus = g_strdup_printf("%d", cpu);
    g_autoptr(JsonNode) tid = qom_get(qts, path, "thread-id");
    g_autoptr(JsonNode) affinity = qom_get(qts, path, "cpu-affinity");
    g_autofree char *allowed = NULL;
    g_autofree char *comm = NULL;
    JsonArray *list = json_node_get_array(affinity);

    allowed = task_status(json_node_get_int(tid), "Cpus_allowed_list");
    comm = task_status(json_node_get_int(tid), "Name");
    g_assert_cmpstr(allowed, ==, cpus);
    g_assert_cmpstr(comm, ==, name);
    g_assert_cmpuint(json_array_get_length(list), ==, 1);
    g_assert_cmpint(json_array_get_int_element(list, 0), ==, cpu);
}

/* One Memdev of query-memdev, by id. */
static JsonObject *find_memdev(JsonNode *list, const char *id)
{
    JsonArray *a = json_node_get_array(list);

    for (guint i = 0; i < json_array_get_length(a); i++) {
        JsonObject *m = json_array_get_object_element(a, i);

        if (!strcmp(json_object_get_string_member(m, "id"), id)) {
            return m;
        }
    }
    g_assert_not_reached();
}

/*
 * libvirt 10's argv for memfd guest memory with prealloc and a
 * thread-context (qemuxmlconfdata's memfd-memory-numa, without huge pages
 * and host nodes this host may lack): JSON objects, the context first.
 */
static void test_libvirt_memfd(void)
{
    int cpu = target_cpu();
    QTestState *qts = qtest_initf(
        "-name guest=vm,debug-threads=on -machine pc -m 128M "
        "-object '{\"qom-type\":\"thread-context\",\"id\":\"tc-ram-node0\","
        "\"cpu-affinity\":[%d]}' "
        "-object '{\"qom-type\":\"memory-backend-memfd\",\"id\":\"ram-node0\","
        "\"share\":true,\"prealloc\":true,\"prealloc-threads\":8,"
        "\"size\":134217728,\"prealloc-context\":\"tc-ram-node0\"}' "
        "-numa node,nodeid=0,cpus=0,memdev=ram-node0", cpu);
    g_autoptr(JsonNode) memdevs = qtest_qmp_assert_success_ref(
        qts, "{'execute': 'query-memdev'}");
    g_autoptr(JsonNode) link = qom_get(qts, "/objects/ram-node0",
                                       "prealloc-context");
    JsonObject *m = find_memdev(memdevs, "ram-node0");

    g_assert_true(json_object_get_boolean_member(m, "prealloc"));
    g_assert_true(json_object_get_boolean_member(m, "share"));
    g_assert_cmpint(json_object_get_int_member(m, "size"), ==, 128 << 20);
    g_assert_cmpstr(json_node_get_string(link), ==, "/objects/tc-ram-node0");
    assert_context(qts, "tc-ram-node0", cpu, TRUE);
    qtest_quit(qts);
}

/*
 * Contexts are created before every other object (QEMU's pre-sandbox
 * objects), so a backend may name one that comes after it.  Several
 * backends preallocate side by side.
 */
static void test_order_and_several(void)
{
    int cpu = target_cpu();
    QTestState *qts = qtest_initf(
        "-machine none "
        "-object memory-backend-ram,id=m0,size=64M,prealloc=on,"
        "prealloc-context=tc0 "
        "-object memory-backend-shm,id=m1,size=64M,prealloc=on,"
        "prealloc-context=tc1 "
        "-object memory-backend-memfd,id=m2,size=64M,prealloc=on "
        "-object thread-context,id=tc0,cpu-affinity=%d "
        "-object thread-context,id=tc1,cpu-affinity=%d", cpu, cpu);
    g_autoptr(JsonNode) memdevs = qtest_qmp_assert_success_ref(
        qts, "{'execute': 'query-memdev'}");

    for (guint i = 0; i < 3; i++) {
        g_autofree char *id = g_strdup_printf("m%u", i);

        g_assert_true(json_object_get_boolean_member(
            find_memdev(memdevs, id), "prealloc"));
    }
    g_assert_true(json_object_get_boolean_member(find_memdev(memdevs, "m1"),
                                                 "share"));
    assert_context(qts, "tc0", cpu, FALSE);
    assert_context(qts, "tc1", cpu, FALSE);
    qtest_quit(qts);
}

/* object-add after start-up: a context and a backend that uses it. */
static void test_object_add(void)
{
    int cpu = target_cpu();
    QTestState *qts = qtest_init("-machine none");
    g_autoptr(JsonNode) memdevs = NULL;

    qtest_qmp_assert_success(
        qts, "{'execute': 'object-add', 'arguments': {'qom-type': "
        "'thread-context', 'id': 'tc', 'cpu-affinity': [%d]}}", cpu);
    qtest_qmp_assert_success(
        qts, "{'execute': 'object-add', 'arguments': {'qom-type': "
        "'memory-backend-ram', 'id': 'm', 'size': 67108864, "
        "'prealloc': true, 'prealloc-context': 'tc'}}");
    memdevs = qtest_qmp_assert_success_ref(qts,
                                           "{'execute': 'query-memdev'}");
    g_assert_true(json_object_get_boolean_member(find_memdev(memdevs, "m"),
                                                 "prealloc"));
    assert_context(qts, "tc", cpu, FALSE);
    qtest_qmp_expect_error(
        qts, "GenericError", "Mixing CPU and node affinity not supported",
        "{'execute': 'object-add', 'arguments': {'qom-type': "
        "'thread-context', 'id': 'tc2', 'cpu-affinity': [0], "
        "'node-affinity': [0]}}");
    qtest_qmp_expect_error(
        qts, "GenericError", "Property 'thread-context.node-affinity' is "
        "not readable",
        "{'execute': 'qom-get', 'arguments': {'path': '/objects/tc', "
        "'property': 'node-affinity'}}");
    /* The context that failed left nothing behind. */
    qtest_qmp_expect_error(
        qts, "GenericError", "object 'tc2' not found",
        "{'execute': 'object-del', 'arguments': {'id': 'tc2'}}");
    qtest_quit(qts);
}

typedef struct {
    const char *name;
    const char *args;
    const char *err;
} ErrorCase;

/*
 * QEMU's texts.  QEMU prints errors of -object creation without the
 * option's location; qmem-run names the option, as for every -object.
 */
static const ErrorCase error_cases[] = {
    { "no-such-cpu", "-object thread-context,id=tc,cpu-affinity=4095",
      "qmem-run: -object thread-context,id=tc,cpu-affinity=4095: Setting "
      "CPU affinity failed: Invalid argument\n" },
    { "no-such-context", "-object memory-backend-ram,id=m,size=1M,"
      "prealloc-context=tc",
      "qmem-run: -object memory-backend-ram,id=m,size=1M,"
      "prealloc-context=tc: Device 'tc' not found\n" },
    { "shm-share-off", "-object memory-backend-shm,id=m,size=1M,share=off",
      "qmem-run: -object memory-backend-shm,id=m,size=1M,share=off: can't "
      "create shm backend with `share=off`\n" },
    { "help", "-object thread-context,help",
      NULL },
};

static void test_error(gconstpointer data)
{
    const ErrorCase *c = data;
    g_autofree char *args = g_strdup_printf(
        "-machine none -display none -S -accel qtest %s", c->args);
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status;

    qtest_run_cmdline(args, &out, &err, &status);
    if (!c->err) {
        g_assert_cmpstr(out, ==, "thread-context options:\n"
                                 "  cpu-affinity=<int>\n"
                                 "  node-affinity=<int>\n");
        g_assert_cmpstr(err, ==, "");
        g_assert_cmpint(status, ==, 0);
        return;
    }
    g_assert_cmpstr(err, ==, c->err);
    g_assert_cmpstr(out, ==, "");
    g_assert_cmpint(status, ==, 1);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/thread-context/libvirt-memfd", test_libvirt_memfd);
    g_test_add_func("/thread-context/order-and-several",
                   test_order_and_several);
    g_test_add_func("/thread-context/object-add", test_object_add);
    for (guint i = 0; i < G_N_ELEMENTS(error_cases); i++) {
        g_autofree char *path = g_strdup_printf("/thread-context/error/%s",
                                                error_cases[i].name);

        g_test_add_data_func(path, &error_cases[i], test_error);
    }
    return g_test_run();
}
