/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest's virtio-mem driver on KVM, through qmem-run: qom-set of
 * requested-size alone grows and shrinks the guest's memory.
 */

#include "kvm-qtest.h"

#define MiB ((guint64)1 << 20)
#define GiB ((guint64)1 << 30)
#define BLOCK (2 * MiB)
#define SAMPLE (4 * MiB)

/* The device's place: the first address of the device memory region. */
#define VMEM_BASE (4 * GiB)

/* The whole range is checked, no word differs, nothing faults. */
static void memtest_ok(QTestState *s, guint64 addr, guint64 size,
                       const char *mode)
{
    JsonObject *r = kvm_qtest_memtest(s, addr, size, mode);

    g_assert_cmpuint(json_object_get_int_member(r, "checked"), ==, size);
    g_assert_cmpint(json_object_get_int_member(r, "mismatches"), ==, 0);
    g_assert_false(json_object_has_member(r, "fault-addr"));
    json_object_unref(r);
}

/* The guest cannot reach @addr: no memslot there. */
static void memtest_faults(QTestState *s, guint64 addr, guint64 size)
{
    JsonObject *r = kvm_qtest_memtest(s, addr, size, "verify-zero");

    g_assert_cmpuint(json_object_get_int_member(r, "fault-addr"), ==, addr);
    g_assert_cmpint(json_object_get_int_member(r, "checked"), ==, 0);
    json_object_unref(r);
}

static void set_requested(QTestState *s, guint64 size)
{
    qtest_qmp_assert_success(s, "{'execute': 'qom-set', 'arguments': "
                             "{'path': 'vm', 'property': 'requested-size', "
                             "'value': %" G_GUINT64_FORMAT "}}", size);
}

/*
 * Waits until MEMORY_DEVICE_SIZE_CHANGE reports @size: the guest has
 * done it.  Earlier sizes on the way may come first (the event is rate
 * limited: the latest of a second is sent).
 */
static void wait_size(QTestState *s, guint64 size)
{
    for (;;) {
        JsonObject *ev = qtest_qmp_eventwait_ref(s,
                                                 "MEMORY_DEVICE_SIZE_CHANGE");
        JsonObject *data = json_object_get_object_member(ev, "data");
        guint64 got = json_object_get_int_member(data, "size");

        g_assert_cmpstr(json_object_get_string_member(data, "id"), ==, "vm");
        g_assert_cmpstr(json_object_get_string_member(data, "qom-path"), ==,
                        "/machine/peripheral/vm");
        json_object_unref(ev);
        if (got == size) {
            return;
        }
    }
}

/* query-memory-devices' entry of the device: size and requested-size. */
static void check_device(QTestState *s, guint64 size, guint64 requested)
{
    JsonNode *ret = qtest_qmp_assert_success_ref(
        s, "{'execute': 'query-memory-devices'}");
    JsonArray *list = json_node_get_array(ret);
    JsonObject *data;

    g_assert_cmpuint(json_array_get_length(list), ==, 1);
    data = json_object_get_object_member(
        json_array_get_object_element(list, 0), "data");
    g_assert_cmpuint(json_object_get_int_member(data, "memaddr"), ==,
                     VMEM_BASE);
    g_assert_cmpuint(json_object_get_int_member(data, "size"), ==, size);
    g_assert_cmpuint(json_object_get_int_member(data, "requested-size"), ==,
                     requested);
    json_node_unref(ret);
}

/* A virtio-mem request on the host's side (the test's view of state). */
static char *state_of(QTestState *s, guint64 addr, guint64 size)
{
    JsonNode *ret = qtest_qmp_assert_success_ref(
        s, "{'execute': 'x-virtio-mem-request', 'arguments': "
        "{'qom-path': 'vm', 'type': 'state', 'addr': %" G_GUINT64_FORMAT
        ", 'nb-blocks': %" G_GUINT64_FORMAT "}}", addr, size / BLOCK);
    JsonObject *r = json_node_get_object(ret);
    char *state;

    g_assert_cmpstr(json_object_get_string_member(r, "response"), ==, "ack");
    state = g_strdup(json_object_get_string_member(r, "state"));
    json_node_unref(ret);
    return state;
}

static void assert_state(QTestState *s, guint64 addr, guint64 size,
                         const char *want)
{
    g_autofree char *got = state_of(s, addr, size);

    g_assert_cmpstr(got, ==, want);
}

static QTestState *start_vm(const char *machine)
{
    /*
     * 64 GiB the host must never populate: reserve=off, no prealloc; the
     * guest only reads what it plugged (verify-zero maps the zero page)
     * and writes a few MiB per step.
     */
    QTestState *s = qtest_initf(
        "-accel kvm -M %s -m 512M,maxmem=80G -S "
        "-object memory-backend-ram,id=vm0,size=64G,reserve=off "
        "-device virtio-mem-pci,id=vm,memdev=vm0,dynamic-memslots=on",
        machine);

    return s;
}

/*
 * Grows to @size from @old: the guest plugs [old, size), which reads
 * zero, all of it, and takes writes (a sample at both ends).
 */
static void grow(QTestState *s, gint64 base_slots, guint64 old, guint64 size)
{
    JsonObject *r;

    set_requested(s, size);
    wait_size(s, size);
    check_device(s, size, size);
    g_assert_cmpint(kvm_qtest_memslots_used(s), ==, base_slots + size / GiB);
    assert_state(s, VMEM_BASE, size, "plugged");
    memtest_ok(s, VMEM_BASE + old, size - old, "verify-zero");
    memtest_ok(s, VMEM_BASE + old, SAMPLE, "write-verify");
    memtest_ok(s, VMEM_BASE + size - SAMPLE, SAMPLE, "write-verify");
    /* verify-zero sees what was written: every word of the sample. */
    r = kvm_qtest_memtest(s, VMEM_BASE + old, SAMPLE, "verify-zero");
    g_assert_cmpuint(json_object_get_int_member(r, "checked"), ==, SAMPLE);
    g_assert_cmpint(json_object_get_int_member(r, "mismatches"), ==,
                    SAMPLE / 8);
    json_object_unref(r);
}

/* Shrinks to @size from @old: the top [size, old) goes. */
static void shrink(QTestState *s, gint64 base_slots, guint64 old,
                   guint64 size)
{
    set_requested(s, size);
    wait_size(s, size);
    check_device(s, size, size);
    g_assert_cmpint(kvm_qtest_memslots_used(s), ==, base_slots + size / GiB);
    assert_state(s, VMEM_BASE + size, old - size, "unplugged");
    memtest_faults(s, VMEM_BASE + size, old - size);
    if (size) {
        /* What stays keeps what the guest wrote. */
        memtest_ok(s, VMEM_BASE, SAMPLE, "verify");
    }
}

/*
 * The acceptance test: +1 GiB, +16 GiB, up to 64 GiB, back to
 * 16 GiB and to 0, then 1 GiB again, each step a qom-set and nothing
 * else; the guest's plugged memory is all zero when plugged and all
 * reachable, unplugged memory is gone (its memslots too), and memory
 * plugged again after an unplug is zero again.
 */
static void test_follow_requested_size(void)
{
    QTestState *s;
    gint64 base;

    if (!kvm_qtest_usable()) {
        return;
    }
    s = start_vm("pc");
    base = kvm_qtest_memslots_used(s);
    qtest_qmp_assert_success(s, "{'execute': 'cont'}");

    grow(s, base, 0, GiB);
    grow(s, base, GiB, 17 * GiB);
    grow(s, base, 17 * GiB, 64 * GiB);
    shrink(s, base, 64 * GiB, 16 * GiB);
    shrink(s, base, 16 * GiB, 0);
    /* Unplugged memory was discarded: the samples written read 0. */
    grow(s, base, 0, GiB);
    qtest_quit(s);
}

/* The same on q35: the function at 01.0, ICH9's GPE0, MMCONFIG's hole. */
static void test_follow_q35(void)
{
    QTestState *s;
    gint64 base;

    if (!kvm_qtest_usable()) {
        return;
    }
    s = start_vm("q35");
    base = kvm_qtest_memslots_used(s);
    qtest_qmp_assert_success(s, "{'execute': 'cont'}");
    grow(s, base, 0, GiB);
    grow(s, base, GiB, 3 * GiB);
    shrink(s, base, 3 * GiB, 0);
    qtest_quit(s);
}

/*
 * Memory still plugged when the driver starts (here by the host before
 * the guest ran): the guest sends UNPLUG_ALL first, as Linux, then plugs
 * what is requested from the device's start.
 */
static void test_unplug_all_at_start(void)
{
    QTestState *s;
    JsonNode *ret;

    if (!kvm_qtest_usable()) {
        return;
    }
    s = start_vm("pc");
    set_requested(s, 2 * GiB);
    qtest_qmp_assert_success(s, "{'execute': 'x-virtio-mem-request', "
                             "'arguments': {'qom-path': 'vm', 'type': "
                             "'plug', 'addr': %" G_GUINT64_FORMAT ", "
                             "'nb-blocks': 512}}", VMEM_BASE + GiB);
    wait_size(s, GiB);
    set_requested(s, GiB);
    qtest_qmp_assert_success(s, "{'execute': 'cont'}");

    /* Without UNPLUG_ALL its first PLUG would get ERROR and stop. */
    wait_size(s, GiB);
    check_device(s, GiB, GiB);
    assert_state(s, VMEM_BASE, GiB, "plugged");
    assert_state(s, VMEM_BASE + GiB, 256 * MiB, "unplugged");
    /*
     * Only UNPLUG_ALL shrinks the usable region, to requested-size +
     * 256 MiB: the host's block at 1 GiB + 512 MiB is beyond it now.
     */
    ret = qtest_qmp_assert_success_ref(
        s, "{'execute': 'x-virtio-mem-request', 'arguments': {'qom-path': "
        "'vm', 'type': 'state', 'addr': %" G_GUINT64_FORMAT ", "
        "'nb-blocks': 1}}", VMEM_BASE + GiB + 512 * MiB);
    g_assert_cmpstr(json_object_get_string_member(json_node_get_object(ret),
                                                  "response"), ==, "error");
    json_node_unref(ret);
    memtest_ok(s, VMEM_BASE, GiB, "verify-zero");
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/accel/kvm/guest/virtio-mem/follow-requested-size",
                    test_follow_requested_size);
    g_test_add_func("/accel/kvm/guest/virtio-mem/q35", test_follow_q35);
    g_test_add_func("/accel/kvm/guest/virtio-mem/unplug-all-at-start",
                    test_unplug_all_at_start);
    return g_test_run();
}
