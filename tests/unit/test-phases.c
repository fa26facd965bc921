/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine's phases (QEMU's MachineInitPhase) and what QMP and HMP
 * allow in each.
 */

#include "hw/core/boards.h"
#include "hw/core/machine-init.h"
#include "monitor/hmp.h"
#include "tests/unit/qmp-test.h"
#include "tests/unit/test-machine.h"

static const MachineConfig pc_board = {
    .machine = "pc", .m = "256M", .board_only = TRUE,
};

/* No machine: nothing reached; board init: initialized; then ready. */
static void test_phase_progress(MachineFixture *f, gconstpointer data)
{
    g_assert_cmpint(qmem_machine_get_phase(f->machine), ==,
                    QMEM_PHASE_MACHINE_INITIALIZED);
    g_assert_true(qmem_phase_check(QMEM_PHASE_ACCEL_CREATED));
    g_assert_true(qmem_phase_check(QMEM_PHASE_MACHINE_INITIALIZED));
    g_assert_false(qmem_phase_check(QMEM_PHASE_MACHINE_READY));
    qmem_machine_creation_done(f->machine);
    g_assert_true(qmem_phase_check(QMEM_PHASE_MACHINE_READY));
}

static void test_phase_no_machine(void)
{
    g_assert_true(qmem_phase_check(QMEM_PHASE_NO_MACHINE));
    g_assert_false(qmem_phase_check(QMEM_PHASE_MACHINE_CREATED));
}

/* Before the machine is ready only allow-preconfig commands run. */
static void test_qmp_refused(MachineFixture *f, gconstpointer data)
{
    g_autofree char *reply = NULL;
    QmpTestClient q;

    qmp_test_open(&q);
    qmp_test_cmd(&q, "{\"execute\": \"query-cpus-fast\"}",
                 "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                 "\"The command 'query-cpus-fast' is permitted only after "
                 "machine initialization has completed\"}}");
    qmp_test_cmd(&q, "{\"execute\": \"device_add\", \"arguments\": "
                 "{\"driver\": \"pc-dimm\"}}",
                 "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                 "\"The command 'device_add' is permitted only after "
                 "machine initialization has completed\"}}");
    qmp_test_cmd(&q, "{\"execute\": \"query-status\"}",
                 "{\"return\": {\"status\": \"prelaunch\", \"singlestep\": "
                 "false, \"running\": false}}");
    /* The board is initialized: too late for set-numa-node. */
    qmp_test_cmd(&q, "{\"execute\": \"set-numa-node\", \"arguments\": "
                 "{\"type\": \"node\"}}",
                 "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                 "\"The command is permitted only before the machine has "
                 "been created\"}}");
    qmem_machine_creation_done(f->machine);
    reply = qmp_test_call(&q, "{\"execute\": \"query-cpus-fast\"}");
    g_assert_true(g_str_has_prefix(reply, "{\"return\": [{\"thread-id\": "));
    qmp_test_close(&q);
}

/* HMP's own text, and the commands QEMU flags "p". */
static void test_hmp_refused(MachineFixture *f, gconstpointer data)
{
    g_autofree char *numa = qmem_hmp_run("info numa");
    g_autofree char *numa_args = qmem_hmp_run("info  numa  x");
    g_autofree char *status = qmem_hmp_run("info status");
    g_autofree char *cpus = qmem_hmp_run("info hotpluggable-cpus");
    g_autofree char *after = NULL;

    g_assert_cmpstr(numa, ==, "Command 'info numa' not available until "
                    "machine initialization has completed.\r\n");
    g_assert_cmpstr(numa_args, ==, "Command 'info  numa' not available "
                    "until machine initialization has completed.\r\n");
    g_assert_cmpstr(status, ==, "VM status: paused (prelaunch)\r\n");
    /* The unattached device numbers are the process's. */
    g_assert_true(g_str_has_prefix(cpus, "Hotpluggable CPUs:\r\n"
                                   "  type: \"qemu64-x86_64-cpu\"\r\n"
                                   "  vcpus_count: \"1\"\r\n"
                                   "  qom_path: \"/machine/unattached/"
                                   "device["));
    g_assert_true(g_str_has_suffix(cpus, "]\"\r\n"
                                   "  CPUInstance Properties:\r\n"
                                   "    socket-id: \"0\"\r\n"
                                   "    core-id: \"0\"\r\n"
                                   "    thread-id: \"0\"\r\n"));
    qmem_machine_creation_done(f->machine);
    after = qmem_hmp_run("info numa");
    g_assert_cmpstr(after, ==, "0 nodes\r\n");
}

int main(int argc, char **argv)
{
    test_init(&argc, &argv);
    g_test_add_func("/hw/core/phases/no-machine", test_phase_no_machine);
    g_test_add("/hw/core/phases/progress", MachineFixture, &pc_board,
               machine_fixture_setup, test_phase_progress,
               machine_fixture_teardown);
    g_test_add("/hw/core/phases/qmp", MachineFixture, &pc_board,
               machine_fixture_setup, test_qmp_refused,
               machine_fixture_teardown);
    g_test_add("/hw/core/phases/hmp", MachineFixture, &pc_board,
               machine_fixture_setup, test_hmp_refused,
               machine_fixture_teardown);
    return g_test_run();
}
