/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for the APIC MSI window: which writes become MSIs, and how. */

#include <errno.h>

#include "hw/intc/apic-msi.h"
#include "system/accel.h"

/* An accelerator that records the MSIs it is sent. */
typedef struct {
    QmemAccel parent_instance;
    GString *msis;
    int ret;
} TestAccel;

typedef struct {
    QmemAccelClass parent_class;
} TestAccelClass;

G_DEFINE_TYPE(TestAccel, test_accel, QMEM_TYPE_ACCEL)

static int test_accel_send_msi(QmemAccel *accel, guint64 addr, guint32 data)
{
    TestAccel *t = (TestAccel *)accel;

    g_string_append_printf(t->msis, "0x%" G_GINT64_MODIFIER "x=0x%x;", addr,
                           data);
    return t->ret;
}

static void test_accel_finalize(GObject *obj)
{
    g_string_free(((TestAccel *)obj)->msis, TRUE);
    G_OBJECT_CLASS(test_accel_parent_class)->finalize(obj);
}

static void test_accel_class_init(TestAccelClass *klass)
{
    G_OBJECT_CLASS(klass)->finalize = test_accel_finalize;
    QMEM_ACCEL_CLASS(klass)->send_msi = test_accel_send_msi;
}

static void test_accel_init(TestAccel *t)
{
    t->msis = g_string_new(NULL);
}

/* The same, as KVM: the region is QEMU's kvm-apic-msi. */
typedef TestAccel TestKvmAccel;
typedef TestAccelClass TestKvmAccelClass;

G_DEFINE_TYPE(TestKvmAccel, test_kvm_accel, test_accel_get_type())

static void test_kvm_accel_class_init(TestKvmAccelClass *klass)
{
    QMEM_ACCEL_CLASS(klass)->kind = QMEM_ACCEL_KIND_KVM;
}

static void test_kvm_accel_init(TestKvmAccel *t)
{
}

typedef struct {
    TestAccel *accel;
    QmemMemoryRegion *root;
    QmemAddressSpace *as;
} Fixture;

static void setup(Fixture *f, GType type)
{
    g_autoptr(QmemMemoryRegion) window = NULL;

    f->accel = g_object_new(type, NULL);
    qmem_accel_set_current(QMEM_ACCEL(f->accel));
    f->root = qmem_memory_region_new_container("system", G_MAXUINT64);
    window = qmem_apic_msi_region_new();
    qmem_memory_region_add_subregion(f->root, QMEM_APIC_DEFAULT_ADDRESS,
                                     window);
    f->as = qmem_address_space_new("memory", f->root);
}

static void teardown(Fixture *f)
{
    qmem_address_space_free(f->as);
    g_object_unref(f->root);
    qmem_accel_set_current(NULL);
    g_object_unref(f->accel);
}

static const char *window_name(Fixture *f)
{
    const QmemMemorySection *s =
        qmem_address_space_lookup(f->as, QMEM_APIC_DEFAULT_ADDRESS);

    g_assert_nonnull(s);
    g_assert_cmphex(s->size, ==, QMEM_APIC_SPACE_SIZE);
    return qmem_memory_region_get_name(s->mr);
}

static void write_n(Fixture *f, guint64 offset, guint32 value, guint size)
{
    g_assert_true(qmem_address_space_rw(f->as,
                                        QMEM_APIC_DEFAULT_ADDRESS + offset,
                                        &value, size, TRUE));
}

static guint32 read_n(Fixture *f, guint64 offset, guint size)
{
    guint32 value = 0;

    g_assert_true(qmem_address_space_rw(f->as,
                                        QMEM_APIC_DEFAULT_ADDRESS + offset,
                                        &value, size, FALSE));
    return value;
}

/*
 * QEMU's apic-msi without a current CPU (qtest): 4-byte writes at offset
 * 0 or above the registers are MSIs, register writes and smaller writes
 * go nowhere, reads are 0.
 */
static void test_apic_msi(void)
{
    Fixture f;

    setup(&f, test_accel_get_type());
    g_assert_cmpstr(window_name(&f), ==, "apic-msi");
    write_n(&f, 0x0, 0x4041, 4);
    write_n(&f, 0x10, 0x42, 4);
    write_n(&f, 0xff0, 0x43, 4);
    write_n(&f, 0x1000, 0x44, 4);
    write_n(&f, 0x2008, 0x45, 2);
    write_n(&f, 0xff00c, 0x46, 4);
    g_assert_cmpstr(f.accel->msis->str, ==,
                    "0xfee00000=0x4041;0xfee01000=0x44;0xfeeff00c=0x46;");
    g_assert_cmphex(read_n(&f, 0x20, 4), ==, 0);
    g_assert_cmphex(read_n(&f, 0x1000, 4), ==, 0);
    teardown(&f);
}

/*
 * QEMU's kvm-apic-msi: every write is an MSI, reads are all-ones; an MSI
 * the accelerator refuses is reported as QEMU does.
 */
static void test_kvm_apic_msi(void)
{
    Fixture f;

    setup(&f, test_kvm_accel_get_type());
    g_assert_cmpstr(window_name(&f), ==, "kvm-apic-msi");
    write_n(&f, 0x0, 0x4041, 4);
    write_n(&f, 0x10, 0x42, 4);
    write_n(&f, 0x3000, 0x43, 2);
    g_assert_cmpstr(f.accel->msis->str, ==, "0xfee00000=0x4041;"
                    "0xfee00010=0x42;0xfee03000=0x43;");
    g_assert_cmphex(read_n(&f, 0x0, 4), ==, 0xffffffff);
    g_assert_cmphex(read_n(&f, 0x1002, 2), ==, 0xffff);
    teardown(&f);
}

static void test_kvm_apic_msi_refused(void)
{
    Fixture f;

    if (!g_test_subprocess()) {
        g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
        g_test_trap_assert_passed();
        g_test_trap_assert_stderr("KVM: injection failed, MSI lost "
                                  "(Invalid argument)\n");
        return;
    }
    setup(&f, test_kvm_accel_get_type());
    f.accel->ret = -EINVAL;
    write_n(&f, 0x0, 0x41, 4);
    teardown(&f);
}

/* Without an accelerator an MSI goes nowhere. */
static void test_no_accel(void)
{
    g_autoptr(QmemMemoryRegion) window = NULL;
    g_autoptr(QmemMemoryRegion) root =
        qmem_memory_region_new_container("system", G_MAXUINT64);
    QmemAddressSpace *as;
    guint32 value = 0x41;

    window = qmem_apic_msi_region_new();
    g_assert_cmpstr(qmem_memory_region_get_name(window), ==, "apic-msi");
    qmem_memory_region_add_subregion(root, QMEM_APIC_DEFAULT_ADDRESS, window);
    as = qmem_address_space_new("memory", root);
    g_assert_true(qmem_address_space_rw(as, QMEM_APIC_DEFAULT_ADDRESS,
                                        &value, 4, TRUE));
    qmem_address_space_free(as);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hw/intc/apic-msi/apic-msi", test_apic_msi);
    g_test_add_func("/hw/intc/apic-msi/kvm-apic-msi", test_kvm_apic_msi);
    g_test_add_func("/hw/intc/apic-msi/kvm-apic-msi/refused",
                    test_kvm_apic_msi_refused);
    g_test_add_func("/hw/intc/apic-msi/no-accel", test_no_accel);
    return g_test_run();
}
