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

/* HMP's own refusal of a command before the machine is ready. */
static void test_hmp_refused(void)
{
    QTestState *s = qtest_init("-machine pc --preconfig -m 256M");
    g_autofree char *numa = NULL;
    g_autofree char *memdev = NULL;

    json_object_unref(qtest_qmp(s, "{'execute': 'x-exit-preconfig'}"));
    numa = qtest_hmp(s, "info numa");
    g_assert_cmpstr(numa, ==, "0 nodes\r\n");
    qtest_quit(s);
    (void)memdev;
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_data_func("/preconfig/qemu-7.2/numa", "preconfig-numa",
                         qemu_ref_replay_script);
    g_test_add_func("/preconfig/exit/runs", test_exit_preconfig_runs);
    g_test_add_func("/preconfig/exit/hmp", test_hmp_refused);
    return g_test_run();
}
