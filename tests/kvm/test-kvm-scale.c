/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory devices at scale with KVM (tests/qtest/test-scale.c: the same
 * with -accel qtest): every mapped section a real KVM memslot.
 */

#include <cpuid.h>

#include "kvm-qtest.h"
#include "../qtest/scale-cases.h"

/* What qmem-run's KVM accelerator reports: the host's CPUID. */
static guint host_phys_bits(void)
{
    unsigned int eax, ebx, ecx, edx;

    if (__get_cpuid(0x80000008, &eax, &ebx, &ecx, &edx)) {
        return eax & 0xff;
    }
    return 36;
}

/* KVM on x86 offers 32764 memslots to user space (KVM_CAP_NR_MEMSLOTS). */
static void test_kvm_limit(void)
{
    QTestState *s;
    JsonNode *ret;
    JsonObject *r;

    if (!kvm_qtest_usable()) {
        return;
    }
    s = qtest_init("-accel kvm -M pc -nodefaults -display none -S "
                   "-m 1G,slots=1,maxmem=2G");
    ret = qtest_qmp_assert_success_ref(s, "{'execute': 'x-query-memslots'}");
    r = json_node_get_object(ret);
    g_assert_cmpint(json_object_get_int_member(r, "max"), ==, 32764);
    g_assert_cmpint(json_object_get_int_member(r, "used") +
                    json_object_get_int_member(r, "free"), ==, 32764);
    json_node_unref(ret);
    qtest_quit(s);
}

static void test_dimms(void)
{
    if (kvm_qtest_usable()) {
        scale_case_dimms("kvm");
    }
}

static void test_vmem_32(void)
{
    if (kvm_qtest_usable()) {
        scale_case_vmem_32("kvm");
    }
}

static void test_vmem_max(void)
{
    if (kvm_qtest_usable()) {
        scale_case_vmem_max("kvm", host_phys_bits());
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/kvm/scale/memslot-limit", test_kvm_limit);
    g_test_add_func("/kvm/scale/dimms-256", test_dimms);
    g_test_add_func("/kvm/scale/virtio-mem-32x1T", test_vmem_32);
    g_test_add_func("/kvm/scale/virtio-mem-max", test_vmem_max);
    return g_test_run();
}
