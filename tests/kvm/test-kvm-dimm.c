/* SPDX-License-Identifier: GPL-2.0-or-later */
/* DIMM hot(un)plug seen by a real vCPU through qmem-run on KVM. */

#include <fcntl.h>
#include <unistd.h>
#include "../qtest/libqtest.h"

#define GiB (1ULL << 30)

static gboolean kvm_usable(void)
{
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

    if (fd < 0) {
        return FALSE;
    }
    close(fd);
    return TRUE;
}

static gint64 memslots_used(QTestState *s)
{
    JsonNode *ret = qtest_qmp_assert_success_ref(
        s, "{'execute': 'x-query-memslots'}");
    gint64 used = json_object_get_int_member(json_node_get_object(ret),
                                             "used");

    json_node_unref(ret);
    return used;
}

/* Runs x-guest-memtest and returns its result object. */
static JsonObject *memtest(QTestState *s, guint64 addr, guint64 size,
                           const char *mode)
{
    JsonNode *ret = qtest_qmp_assert_success_ref(
        s, "{'execute': 'x-guest-memtest', 'arguments': {'addr': %"
        G_GUINT64_FORMAT ", 'size': %" G_GUINT64_FORMAT ", 'seed': 7, "
        "'mode': '%s'}}", addr, size, mode);
    JsonObject *result = json_object_ref(json_node_get_object(ret));

    json_node_unref(ret);
    return result;
}

/*
 * The acceptance test: a hot-plugged 1 GiB DIMM is memory the
 * guest can use, all of it; once device_del's request is completed by the
 * eject, the guest faults at its first address, and KVM holds exactly the
 * memslots it held before.
 */
static void test_dimm_hotplug(void)
{
    QTestState *s;
    JsonObject *r;
    JsonObject *event;
    gint64 before;

    if (!kvm_usable()) {
        g_test_skip("/dev/kvm is not usable here");
        return;
    }
    /* qtest stands in for the guest's ACPI driver, which ejects it. */
    s = qtest_init("-accel kvm -M pc -m 256M,slots=4,maxmem=8G -qtest "
                   "-object memory-backend-ram,id=m0,size=1G,prealloc=on");
    qtest_qmp_assert_success(s, "{'execute': 'cont'}");
    before = memslots_used(s);

    qtest_qmp_assert_success(s, "{'execute': 'device_add', 'arguments': "
                             "{'driver': 'pc-dimm', 'id': 'd0', "
                             "'memdev': 'm0'}}");
    g_assert_cmpint(memslots_used(s), ==, before + 1);

    r = memtest(s, 4 * GiB, GiB, "write-verify");
    g_assert_cmpint(json_object_get_int_member(r, "checked"), ==, GiB);
    g_assert_cmpint(json_object_get_int_member(r, "mismatches"), ==, 0);
    g_assert_false(json_object_has_member(r, "fault-addr"));
    json_object_unref(r);

    qtest_qmp_assert_success(s, "{'execute': 'device_del', 'arguments': "
                             "{'id': 'd0'}}");
    /* _EJ0 of slot 0: select it, write the eject bit. */
    qtest_outl(s, 0x0a00, 0);
    qtest_outb(s, 0x0a14, 8);
    event = qtest_qmp_eventwait_ref(s, "DEVICE_DELETED");
    json_object_unref(event);

    r = memtest(s, 4 * GiB, GiB, "verify");
    g_assert_cmpint(json_object_get_int_member(r, "fault-addr"), ==, 4 * GiB);
    g_assert_cmpint(json_object_get_int_member(r, "checked"), ==, 0);
    json_object_unref(r);
    g_assert_cmpint(memslots_used(s), ==, before);

    /* Boot RAM stays usable throughout. */
    r = memtest(s, 0, 64 << 20, "write-verify");
    g_assert_cmpint(json_object_get_int_member(r, "checked"), ==, 64 << 20);
    g_assert_false(json_object_has_member(r, "fault-addr"));
    json_object_unref(r);
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/accel/kvm/pc-dimm/hotplug", test_dimm_hotplug);
    return g_test_run();
}
