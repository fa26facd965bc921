/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --preconfig: NUMA described over QMP before machine initialization,
 * x-exit-preconfig, the queries and vCPU hot-plug, against QEMU 7.2.
 */

#include "libqtest.h"
#include "qemu-ref.h"

/* Without -S, x-exit-preconfig runs the machine: RESUME, "running". */
static void test_exit_preconfig_runs(void)
{
    QTestState *s = qtest_init("-machine pc --preconfig -m 256M");
    g_autoptr(JsonObject) rsp = NULL;
    g_autoptr(JsonObject) status = NULL;

    rsp = qtest_qmp(s, "{'execute': 'query-status'}");
    g_assert_cmpstr(json_object_get_string_member(
        json_object_get_object_member(rsp, "return"), "status"), ==,
        "prelaunch");
    json_object_unref(qtest_qmp(s, "{'execute': 'x-exit-preconfig'}"));
    qtest_qmp_eventwait(s, "RESUME");
    status = qtest_qmp(s, "{'execute': 'query-status'}");
    g_assert_true(json_object_get_boolean_member(
        json_object_get_object_member(status, "return"), "running"));
    qtest_quit(s);
}

/*
 * The options --preconfig cannot go with, -cpu's and -machine smp.*'s
 * errors, as QEMU (10.2's topology text, which names modules).
 */
typedef struct {
    const char *name;
    const char *args;
    const char *err;
} CmdlineError;

static const CmdlineError cmdline_errors[] = {
    { "loadvm", "--preconfig -loadvm snap",
      "qmem-run: 'preconfig' and 'loadvm' options are mutually exclusive\n" },
    { "incoming", "-incoming tcp:0:4444 --preconfig",
      "qmem-run: 'preconfig' supports '-incoming defer' only\n" },
    { "incoming-loadvm", "-incoming defer -loadvm snap",
      "qmem-run: 'incoming' and 'loadvm' options are mutually exclusive\n" },
    { "cpu-model", "-cpu foo",
      "qmem-run: unable to find CPU model 'foo'\n" },
    { "smp-key", "-machine pc,smp.foo=2",
      "qmem-run: Parameter 'smp.foo' is unexpected\n" },
    { "smp-product", "-machine pc,smp.cpus=4,smp.sockets=3",
      "qmem-run: Invalid CPU topology: product of the hierarchy must match "
      "maxcpus: sockets (3) * dies (1) * modules (1) * cores (1) * "
      "threads (1) != maxcpus (4)\n" },
};

static void test_cmdline_error(gconstpointer data)
{
    const CmdlineError *c = data;
    g_autofree char *args = g_strdup_printf("-accel qtest -display none %s",
                                            c->args);
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status;

    qtest_run_cmdline(args, &out, &err, &status);
    g_assert_cmpstr(err, ==, c->err);
    g_assert_cmpstr(out, ==, "");
    g_assert_cmpint(status, ==, 1);
}

/* -cpu help: QEMU 7.2's "Available CPUs:" list, one line per model. */
static void test_cpu_help(void)
{
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_auto(GStrv) lines = NULL;
    int status;

    qtest_run_cmdline("-cpu help", &out, &err, &status);
    g_assert_cmpint(status, ==, 0);
    g_assert_cmpstr(err, ==, "");
    lines = g_strsplit(out, "\n", -1);
    /* The title, 132 models, and the empty string after the last \n. */
    g_assert_cmpuint(g_strv_length(lines), ==, 134);
    g_assert_cmpstr(lines[0], ==, "Available CPUs:");
    g_assert_cmpstr(lines[1], ==,
                    "x86 486                   (alias configured by machine "
                    "type)");
    g_assert_true(g_strv_contains((const char *const *)lines,
                                  "x86 Skylake-Server-v4     Intel Xeon "
                                  "Processor (Skylake, IBRS, no TSX) "
                                  "[IBRS, EPT switching, no TSX]"));
    g_assert_true(g_strv_contains((const char *const *)lines,
                                  "x86 qemu64-v1             QEMU Virtual "
                                  "CPU version 2.5+"));
}

/* The number of entries of a query's list, and the first one's type. */
static guint query_len(QTestState *s, const char *cmd, const char **type)
{
    g_autoptr(JsonObject) rsp = qtest_qmp(s, "{'execute': '%s'}", cmd);
    JsonArray *list = json_object_get_array_member(rsp, "return");
    static char buf[64];
    JsonObject *first = json_array_get_object_element(list, 0);

    if (type) {
        g_strlcpy(buf, json_object_get_string_member(first, "type"),
                  sizeof(buf));
        *type = buf;
    }
    return json_array_get_length(list);
}

/*
 * -machine smp.* is -smp: both merge, the later key winning; -cpu MODEL
 * names the vCPUs' type (QEMU 7.2 answers the same).
 */
static void test_machine_smp_and_cpu(void)
{
    QTestState *s;
    const char *type;

    s = qtest_init("-machine pc,smp.cpus=1 -smp 3");
    g_assert_cmpuint(query_len(s, "query-cpus-fast", NULL), ==, 3);
    qtest_quit(s);
    s = qtest_init("-smp 3 -machine pc,smp.cpus=1");
    g_assert_cmpuint(query_len(s, "query-cpus-fast", NULL), ==, 1);
    qtest_quit(s);
    s = qtest_init("-machine pc,smp.cpus=2,smp.maxcpus=4 "
                   "-cpu Skylake-Server");
    g_assert_cmpuint(query_len(s, "query-cpus-fast", NULL), ==, 2);
    g_assert_cmpuint(query_len(s, "query-hotpluggable-cpus", &type), ==, 4);
    g_assert_cmpstr(type, ==, "Skylake-Server-x86_64-cpu");
    qtest_quit(s);
}

/* A failing x-exit-preconfig ends qmem-run with its error, as QEMU. */
static void test_exit_preconfig_fails(void)
{
    QTestState *s = qtest_init("-machine pc --preconfig -m 1G");
    g_autoptr(JsonObject) rsp = NULL;

    json_object_unref(qtest_qmp(s, "{'execute': 'set-numa-node', "
                                "'arguments': {'type': 'node'}}"));
    rsp = qtest_qmp(s, "{'execute': 'x-exit-preconfig'}");
    g_assert_cmpstr(json_object_get_string_member(
        json_object_get_object_member(rsp, "error"), "desc"), ==,
        "total memory for NUMA nodes (0x0) should equal RAM size "
        "(0x40000000)");
    /* qtest_quit() checks the status qmem-run exits with. */
    qtest_set_expected_status(s, 1);
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_data_func("/preconfig/qemu-7.2/numa", "preconfig-numa",
                         qemu_ref_replay_script);
    g_test_add_func("/preconfig/exit/runs", test_exit_preconfig_runs);
    g_test_add_func("/preconfig/exit/fails", test_exit_preconfig_fails);
    g_test_add_func("/preconfig/cpu/help", test_cpu_help);
    g_test_add_func("/preconfig/cpu/machine-smp", test_machine_smp_and_cpu);
    for (gsize i = 0; i < G_N_ELEMENTS(cmdline_errors); i++) {
        g_autofree char *path = g_strdup_printf("/preconfig/cmdline/%s",
                                                cmdline_errors[i].name);

        g_test_add_data_func(path, &cmdline_errors[i], test_cmdline_error);
    }
    return g_test_run();
}
