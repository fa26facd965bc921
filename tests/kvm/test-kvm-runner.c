/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qmem-run on KVM with the guest running: MSI window, start, quit. */

#include <string.h>
#include "kvm-qtest.h"

static void memtest_ok(QTestState *s)
{
    JsonNode *ret = qtest_qmp_assert_success_ref(
        s, "{'execute': 'x-guest-memtest', 'arguments': "
        "{'addr': 0, 'size': 1048576}}");
    JsonObject *r = json_node_get_object(ret);

    g_assert_cmpint(json_object_get_int_member(r, "checked"), ==, 1048576);
    g_assert_cmpint(json_object_get_int_member(r, "mismatches"), ==, 0);
    json_node_unref(ret);
}

/*
 * The board maps QEMU's kvm-apic-msi; a device's MSI write there (a qtest
 * write stands in for the DMA) goes to KVM, reads are all-ones; and
 * "quit" ends a runner whose guest runs (no hang, no leak under ASan).
 */
static void test_running(gconstpointer data)
{
    const char *machine = data;
    g_autofree char *mtree = NULL;
    QTestState *s;

    if (!kvm_qtest_usable()) {
        return;
    }
    s = qtest_initf("-accel kvm -M %s -m 256M -qtest", machine);
    mtree = qtest_hmp(s, "info mtree");
    g_assert_nonnull(strstr(mtree, "    00000000fee00000-00000000feefffff "
                                   "(prio 4096, i/o): kvm-apic-msi\r\n"));
    qtest_qmp_assert_success(s, "{'execute': 'cont'}");
    memtest_ok(s);
    qtest_writel(s, 0xfee00000, 0x41);
    qtest_writel(s, 0xfee01000, 0x42);
    g_assert_cmphex(qtest_readl(s, 0xfee00000), ==, 0xffffffff);
    memtest_ok(s);
    qtest_quit(s);
}

/* Quit before the guest ever ran (-S), and after cont twice. */
static void test_quit_stopped(void)
{
    QTestState *s;

    if (!kvm_qtest_usable()) {
        return;
    }
    s = qtest_init("-accel kvm -M pc -m 128M -smp 2");
    qtest_quit(s);
    s = qtest_init("-accel kvm -M pc -m 128M -smp 2");
    qtest_qmp_assert_success(s, "{'execute': 'cont'}");
    qtest_qmp_assert_success(s, "{'execute': 'cont'}");
    memtest_ok(s);
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_data_func("/accel/kvm/runner/running/pc", "pc", test_running);
    g_test_add_data_func("/accel/kvm/runner/running/q35", "q35",
                         test_running);
    g_test_add_func("/accel/kvm/runner/quit-stopped", test_quit_stopped);
    return g_test_run();
}
