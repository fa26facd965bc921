/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --preconfig: NUMA described over QMP before machine initialization,
 * x-exit-preconfig, the queries and vCPU hot-plug, against QEMU 7.2.
 */

#include <string.h>
#include "fw-cfg-guest.h"
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

/* ------------------------------------------------------------------ */
/* The HMAT over QMP */

/* "200M", "10K", "2G", "0": a size as -numa takes it, in bytes. */
static guint64 parse_size(const char *text)
{
    char *end;
    guint64 value = g_ascii_strtoull(text, &end, 10);

    switch (*end) {
    case 'K':
        return value << 10;
    case 'M':
        return value << 20;
    case 'G':
        return value << 30;
    default:
        g_assert_cmpint(*end, ==, 0);
        return value;
    }
}

/* "0-1" or "2": the CPU indexes of -numa node,cpus=. */
static JsonArray *parse_cpus(const char *text)
{
    JsonArray *cpus = json_array_new();
    char *end;
    guint64 first = g_ascii_strtoull(text, &end, 10);
    guint64 last = *end == '-' ? g_ascii_strtoull(end + 1, NULL, 10) : first;

    for (guint64 i = first; i <= last; i++) {
        json_array_add_int_element(cpus, i);
    }
    return cpus;
}

/*
 * One -numa option as set-numa-node's arguments: QAPI's types instead of
 * the option's strings (integers, sizes in bytes, the CPU list).
 */
static char *numa_option_to_qmp(const char *option)
{
    static const char *const strings[] = {
        "memdev", "hierarchy", "data-type", "associativity", "policy", NULL
    };
    static const char *const sizes[] = { "bandwidth", "size", "mem", NULL };
    g_auto(GStrv) parts = g_strsplit(option, ",", -1);
    g_autoptr(JsonObject) args = json_object_new();
    g_autoptr(JsonNode) node = NULL;
    g_autofree char *text = NULL;

    json_object_set_string_member(args, "type", parts[0]);
    for (guint i = 1; parts[i]; i++) {
        g_auto(GStrv) kv = g_strsplit(parts[i], "=", 2);

        if (g_strv_contains(strings, kv[0])) {
            json_object_set_string_member(args, kv[0], kv[1]);
        } else if (g_strv_contains(sizes, kv[0])) {
            json_object_set_int_member(args, kv[0], parse_size(kv[1]));
        } else if (!strcmp(kv[0], "cpus")) {
            json_object_set_array_member(args, kv[0], parse_cpus(kv[1]));
        } else {
            json_object_set_int_member(args, kv[0],
                                       g_ascii_strtoll(kv[1], NULL, 10));
        }
    }
    node = json_node_init_object(json_node_alloc(), args);
    text = json_to_string(node, FALSE);
    return g_strdup_printf("{'execute': 'set-numa-node', 'arguments': %s}",
                           text);
}

/* The HMAT a firmware loads, after the command line or x-exit-preconfig. */
static GBytes *load_hmat(QTestState *s)
{
    guint64 rsdp;

    g_assert_cmpuint(qacpi_load(s, 16 << 20), >, 0);
    rsdp = qacpi_find_rsdp(s);
    g_assert_cmphex(rsdp, !=, 0);
    return qacpi_find_table(s, rsdp, "HMAT");
}

/*
 * A capture's HMAT case: its -numa options (HMAT's among them) given
 * over QMP with --preconfig instead of on the command line make the same
 * HMAT, byte for byte, as the command line does; and that is QEMU 7.2's
 * but for the checksum, which QEMU's firmware fills in.
 */
static void test_hmat_over_qmp(gconstpointer data)
{
    JsonObject *ref = qemu_ref_case(data);
    JsonArray *args = json_object_get_array_member(ref, "args");
    g_autofree char *cmdline = qemu_ref_case_args(ref);
    g_autoptr(GString) base = g_string_new("--preconfig ");
    g_autoptr(GPtrArray) numa = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GBytes) from_cmdline = NULL;
    g_autoptr(GBytes) from_qmp = NULL;
    g_autoptr(GBytes) theirs = NULL;
    g_autofree guint8 *copy = NULL;
    QTestState *s;
    gsize len;

    for (guint i = 0; i < json_array_get_length(args); i++) {
        const char *arg = json_array_get_string_element(args, i);

        if (!strcmp(arg, "-numa")) {
            g_ptr_array_add(numa, numa_option_to_qmp(
                json_array_get_string_element(args, ++i)));
        } else {
            g_string_append_printf(base, "%s ", arg);
        }
    }
    g_assert_cmpuint(numa->len, >, 0);

    s = qtest_init(cmdline);
    from_cmdline = load_hmat(s);
    qtest_quit(s);

    s = qtest_init(base->str);
    for (guint i = 0; i < numa->len; i++) {
        qtest_qmp_assert_success(s, "%s", (char *)numa->pdata[i]);
    }
    qtest_qmp_assert_success(s, "{'execute': 'x-exit-preconfig'}");
    from_qmp = load_hmat(s);
    qtest_quit(s);

    g_assert_nonnull(from_cmdline);
    g_assert_nonnull(from_qmp);
    g_assert_true(g_bytes_equal(from_qmp, from_cmdline));

    theirs = qemu_ref_unhex(json_object_get_string_member(
        json_object_get_object_member(
            json_object_get_object_member(ref, "acpi"), "tables"), "HMAT"));
    copy = g_bytes_unref_to_data(g_bytes_ref(from_qmp), &len);
    g_assert_cmpuint(len, ==, g_bytes_get_size(theirs));
    copy[9] = ((const guint8 *)g_bytes_get_data(theirs, NULL))[9];
    g_assert_cmpmem(copy, len, g_bytes_get_data(theirs, NULL), len);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_data_func("/preconfig/qemu-7.2/numa", "preconfig-numa",
                         qemu_ref_replay_script);
    g_test_add_data_func("/preconfig/qemu-7.2/hmat", "preconfig-hmat",
                         qemu_ref_replay_script);
    g_test_add_data_func("/preconfig/hmat/fw-pc-hmat", "fw-pc-hmat",
                         test_hmat_over_qmp);
    g_test_add_data_func("/preconfig/hmat/fw-q35-hmat", "fw-q35-hmat",
                         test_hmat_over_qmp);
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
