/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Memory devices at scale with -accel qtest (tests/kvm: with KVM). */

#include "libqtest.h"
#include "scale-cases.h"

static void test_dimms(void)
{
    scale_case_dimms("qtest");
}

static void test_vmem_32(void)
{
    scale_case_vmem_32("qtest");
}

/* The qtest accelerator reports 52 physical address bits, as TCG can. */
static void test_vmem_max(void)
{
    scale_case_vmem_max("qtest", 52);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/scale/dimms-256", test_dimms);
    g_test_add_func("/scale/virtio-mem-32x1T", test_vmem_32);
    g_test_add_func("/scale/virtio-mem-max", test_vmem_max);
    g_test_add_func("/scale/memslot-limits", scale_case_memslot_limits);
    return g_test_run();
}
