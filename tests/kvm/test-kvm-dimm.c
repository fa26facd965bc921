/* SPDX-License-Identifier: GPL-2.0-or-later */
/* DIMM hot(un)plug handled by the guest's ACPI driver, through qmem-run. */

#include "kvm-qtest.h"

#define GiB (1ULL << 30)

/* The next ACPI_DEVICE_OST: the guest's _OST of @device, @source, 0. */
static void wait_ost(QTestState *s, const char *device, gint64 source)
{
    JsonObject *ev = qtest_qmp_eventwait_ref(s, "ACPI_DEVICE_OST");
    JsonObject *info = json_object_get_object_member(
        json_object_get_object_member(ev, "data"), "info");

    if (device) {
        g_assert_cmpstr(json_object_get_string_member(info, "device"), ==,
                        device);
    }
    g_assert_cmpstr(json_object_get_string_member(info, "slot-type"), ==,
                    "DIMM");
    g_assert_cmpint(json_object_get_int_member(info, "source"), ==, source);
    g_assert_cmpint(json_object_get_int_member(info, "status"), ==, 0);
    json_object_unref(ev);
}

/*
 * The acceptance test, with the guest's own ACPI driver: a
 * hot-plugged 1 GiB DIMM is seen by the guest (its _OST reports it
 * onlined) and is memory it can use, all of it; device_del is completed
 * by the guest's eject, after which its backend can go, the guest faults
 * at its first address, and KVM holds exactly the memslots it held
 * before.
 */
static void test_dimm_hotplug(void)
{
    QTestState *s;
    JsonObject *r;
    JsonObject *event;
    gint64 before;

    if (!kvm_qtest_usable()) {
        return;
    }
    s = qtest_init("-accel kvm -M pc -m 256M,slots=4,maxmem=8G "
                   "-object memory-backend-ram,id=m0,size=1G,prealloc=on");
    qtest_qmp_assert_success(s, "{'execute': 'cont'}");
    before = kvm_qtest_memslots_used(s);

    qtest_qmp_assert_success(s, "{'execute': 'device_add', 'arguments': "
                             "{'driver': 'pc-dimm', 'id': 'd0', "
                             "'memdev': 'm0'}}");
    g_assert_cmpint(kvm_qtest_memslots_used(s), ==, before + 1);
    /* _OST (device check, success) once the guest onlined it. */
    wait_ost(s, "d0", 1);

    r = kvm_qtest_memtest(s, 4 * GiB, GiB, "write-verify");
    g_assert_cmpint(json_object_get_int_member(r, "checked"), ==, GiB);
    g_assert_cmpint(json_object_get_int_member(r, "mismatches"), ==, 0);
    g_assert_false(json_object_has_member(r, "fault-addr"));
    json_object_unref(r);

    /* The guest sees the removal, ejects the DIMM and reports it. */
    qtest_qmp_assert_success(s, "{'execute': 'device_del', 'arguments': "
                             "{'id': 'd0'}}");
    event = qtest_qmp_eventwait_ref(s, "DEVICE_DELETED");
    g_assert_cmpstr(json_object_get_string_member(
                        json_object_get_object_member(event, "data"),
                        "device"), ==, "d0");
    json_object_unref(event);
    wait_ost(s, NULL, 3);
    qtest_qmp_assert_success(s, "{'execute': 'object-del', 'arguments': "
                             "{'id': 'm0'}}");

    r = kvm_qtest_memtest(s, 4 * GiB, GiB, "verify");
    g_assert_cmpint(json_object_get_int_member(r, "fault-addr"), ==, 4 * GiB);
    g_assert_cmpint(json_object_get_int_member(r, "checked"), ==, 0);
    json_object_unref(r);
    g_assert_cmpint(kvm_qtest_memslots_used(s), ==, before);

    /* Boot RAM stays usable throughout. */
    r = kvm_qtest_memtest(s, 0, 64 << 20, "write-verify");
    g_assert_cmpint(json_object_get_int_member(r, "checked"), ==, 64 << 20);
    g_assert_false(json_object_has_member(r, "fault-addr"));
    json_object_unref(r);
    qtest_quit(s);
}

/*
 * device_del waits for the guest: before the guest runs (-S) the DIMM
 * stays, listed and in use; once it runs, it finds the slot removing at
 * boot and ejects it.
 */
static void test_dimm_unplug_waits_for_guest(void)
{
    QTestState *s;
    JsonNode *ret;

    if (!kvm_qtest_usable()) {
        return;
    }
    s = qtest_init("-accel kvm -M pc -m 256M,slots=4,maxmem=8G -S "
                   "-object memory-backend-ram,id=m0,size=1G "
                   "-device pc-dimm,id=d0,memdev=m0");
    qtest_qmp_assert_success(s, "{'execute': 'device_del', 'arguments': "
                             "{'id': 'd0'}}");
    g_assert_null(qtest_qmp_event_ref(s, "DEVICE_DELETED"));
    ret = qtest_qmp_assert_success_ref(s, "{'execute': "
                                       "'query-memory-devices'}");
    g_assert_cmpuint(json_array_get_length(json_node_get_array(ret)), ==, 1);
    json_node_unref(ret);
    qtest_qmp_expect_error(s, "GenericError",
                           "object 'm0' is in use, can not be deleted",
                           "{'execute': 'object-del', 'arguments': "
                           "{'id': 'm0'}}");

    qtest_qmp_assert_success(s, "{'execute': 'cont'}");
    qtest_qmp_eventwait(s, "DEVICE_DELETED");
    wait_ost(s, NULL, 3);
    ret = qtest_qmp_assert_success_ref(s, "{'execute': "
                                       "'query-memory-devices'}");
    g_assert_cmpuint(json_array_get_length(json_node_get_array(ret)), ==, 0);
    json_node_unref(ret);
    qtest_qmp_assert_success(s, "{'execute': 'object-del', 'arguments': "
                             "{'id': 'm0'}}");
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/accel/kvm/pc-dimm/hotplug", test_dimm_hotplug);
    g_test_add_func("/accel/kvm/pc-dimm/unplug-waits-for-guest",
                    test_dimm_unplug_waits_for_guest);
    return g_test_run();
}
