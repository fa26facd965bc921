/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pc's and q35's GSIs as the I/O APIC sees them, against QEMU 7.2. */

/*
 * After `irq_intercept_in ioapic` qtest reports each I/O APIC pin that
 * changes as "IRQ raise N" / "IRQ lower N", N the GSI.  The reference is
 * tests/qemu-ref/qemu-7.2.json's "irq-pc" and "irq-q35" (capture.py's
 * irq_script()): QEMU's edu at 00:05.0 raising INTx under the chipset's
 * PIRQ routing registers, then the SCI.  qmem replays the script with
 * x-test-pci, which raises INTx at edu's registers, and must show the
 * same pins up at every "irqs" step.
 */

#include <string.h>
#include <json-glib/json-glib.h>

#include "libqtest.h"
#include "qemu-ref.h"

#define GSI_NUM_PINS 24

static char *case_args(JsonObject *c)
{
    JsonArray *args = json_object_get_array_member(c, "args");
    GString *s = g_string_new(NULL);

    for (guint i = 0; i < json_array_get_length(args); i++) {
        const char *arg = json_array_get_string_element(args, i);

        /* QEMU's edu and x-test-pci raise INTx at the same registers. */
        if (g_str_has_prefix(arg, "edu,")) {
            g_string_append_printf(s, "x-test-pci,%s ", arg + 4);
        } else {
            g_string_append_printf(s, "%s ", arg);
        }
    }
    g_string_append(s, "-qtest");
    return g_string_free(s, FALSE);
}

/* A QMP command that succeeded on QEMU. */
static void replay_qmp(QTestState *s, JsonObject *cmd, JsonNode *theirs)
{
    g_autoptr(JsonNode) node = json_node_init_object(json_node_alloc(), cmd);
    g_autofree char *text = json_to_string(node, FALSE);
    g_autoptr(JsonObject) reply = qtest_qmp(s, "%s", text);

    g_assert_true(json_object_has_member(json_node_get_object(theirs),
                                         "return"));
    g_assert_true(json_object_has_member(reply, "return"));
}

/* QEMU's IRQ lines since the last step, applied to @levels; then compare. */
static void replay_irqs(QTestState *s, JsonNode *theirs, gboolean *levels)
{
    JsonArray *lines = json_node_get_array(theirs);

    for (guint i = 0; i < json_array_get_length(lines); i++) {
        g_auto(GStrv) w = g_strsplit(json_array_get_string_element(lines, i),
                                     " ", 0);
        gint64 n = g_ascii_strtoll(w[2], NULL, 10);

        g_assert_cmpint(n, >=, 0);
        g_assert_cmpint(n, <, GSI_NUM_PINS);
        levels[n] = !strcmp(w[1], "raise");
    }
    for (int n = 0; n < GSI_NUM_PINS; n++) {
        if (qtest_get_irq(s, n) != levels[n]) {
            g_error("GSI %d is %s, QEMU's is %s", n,
                    levels[n] ? "low" : "high", levels[n] ? "high" : "low");
        }
    }
}

static void test_reference(gconstpointer data)
{
    JsonObject *c = qemu_ref_case(data);
    JsonArray *script = json_object_get_array_member(c, "script");
    g_autofree char *args = case_args(c);
    QTestState *s = qtest_init(args);
    gboolean levels[GSI_NUM_PINS] = { FALSE };

    for (guint i = 0; i < json_array_get_length(script); i++) {
        JsonArray *step = json_array_get_array_element(script, i);
        JsonNode *what = json_array_get_element(step, 0);
        JsonNode *theirs = json_array_get_element(step, 1);

        if (JSON_NODE_HOLDS_VALUE(what)) {
            g_test_message("%s", json_node_get_string(what));
            qemu_ref_replay_qtest(s, json_node_get_string(what), theirs);
        } else if (json_object_has_member(json_node_get_object(what),
                                          "irqs")) {
            replay_irqs(s, theirs, levels);
        } else {
            replay_qmp(s, json_node_get_object(what), theirs);
        }
    }
    qtest_quit(s);
}

/*
 * The names QEMU's qtests use: the I/O APIC by its partial path, and the
 * host bridge's child "ioapic" by its full one; one device per server.
 */
static void test_intercept_paths(void)
{
    QTestState *s = qtest_init("-M pc -m 128M -qtest");
    g_autofree char *reply = NULL;
    JsonNode *type;

    qtest_irq_intercept_in(s, "/machine/i440fx/ioapic");
    qtest_irq_intercept_in(s, "ioapic");
    reply = qtest_raw_command(s, "irq_intercept_in /machine/i440fx");
    g_assert_cmpstr(reply, ==, "FAIL IRQ intercept already enabled");
    qtest_quit(s);

    s = qtest_init("-M q35 -m 128M -qtest");
    qtest_irq_intercept_in(s, "/machine/q35/ioapic");
    type = qtest_qmp_assert_success_ref(
        s, "{'execute': 'qom-get', 'arguments': {'path': "
        "'/machine/q35/ioapic', 'property': 'type'}}");
    g_assert_cmpstr(json_node_get_string(type), ==, "ioapic");
    json_node_unref(type);
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    static const char *const cases[] = { "irq-pc", "irq-q35" };
    g_test_init(&argc, &argv, NULL);
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = g_strdup_printf("/hw/intc/ioapic/qemu-7.2/%s",
                                                cases[i]);

        g_test_add_data_func(path, cases[i], test_reference);
    }
    g_test_add_func("/hw/intc/ioapic/intercept-paths", test_intercept_paths);
    return g_test_run();
}
