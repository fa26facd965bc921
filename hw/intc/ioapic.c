/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The I/O APIC's inputs: QEMU's "ioapic" and "kvm-ioapic" pins as GSIs. */

#include "hw/intc/ioapic.h"
#include "system/accel.h"

/*
 * qmem has no I/O APIC of its own: under KVM the kernel's is the one the
 * guest programs, and this device only carries the board's GSIs to it,
 * as QEMU's kvm-ioapic does (kvm_ioapic_set_irq(): kvm_set_irq() with
 * the pin as GSI, kvm_gsi_base 0).  Without KVM the accelerator takes
 * the levels nowhere (qtest); the pins are there to be intercepted.
 */
typedef struct {
    QmemDevice parent_instance;
} QmemIoapic;

typedef struct {
    QmemDeviceClass parent_class;
} QmemIoapicClass;

typedef struct {
    QmemIoapic parent_instance;
} QmemKvmIoapic;

typedef struct {
    QmemIoapicClass parent_class;
} QmemKvmIoapicClass;

G_DEFINE_DYNAMIC_TYPE(QmemIoapic, qmem_ioapic, QMEM_TYPE_DEVICE)
G_DEFINE_DYNAMIC_TYPE(QmemKvmIoapic, qmem_kvm_ioapic, qmem_ioapic_get_type())

static void ioapic_set_irq(gpointer opaque, int n, int level)
{
    QmemAccel *accel = qmem_accel_get_current();

    if (accel) {
        /* QEMU's apic_report_irq_delivered() feeds only the RTC's
         * lost-tick compensation, which qmem does not have. */
        qmem_accel_set_irq(accel, n, level);
    }
}

static void qmem_ioapic_class_init(QmemIoapicClass *klass)
{
    QmemDeviceClass *dc = QMEM_DEVICE_CLASS(klass);

    dc->user_creatable = FALSE;
    dc->hotpluggable = FALSE;
}

static void qmem_ioapic_class_finalize(QmemIoapicClass *klass)
{
}

static void qmem_ioapic_init(QmemIoapic *s)
{
    qmem_device_init_gpio_in_named(QMEM_DEVICE(s), ioapic_set_irq, NULL,
                                   QMEM_IOAPIC_NUM_PINS);
}

static void qmem_kvm_ioapic_class_init(QmemKvmIoapicClass *klass)
{
}

static void qmem_kvm_ioapic_class_finalize(QmemKvmIoapicClass *klass)
{
}

static void qmem_kvm_ioapic_init(QmemKvmIoapic *s)
{
}

QmemDevice *qmem_ioapic_new(void)
{
    QmemAccel *accel = qmem_accel_get_current();
    gboolean kvm = accel && qmem_accel_get_kind(accel) == QMEM_ACCEL_KIND_KVM;

    return g_object_new(kvm ? qmem_kvm_ioapic_get_type()
                            : qmem_ioapic_get_type(), NULL);
}

void qmem_ioapic_register_types(GTypeModule *module)
{
    qmem_ioapic_register_type(module);
    qmem_type_register_name(QMEM_TYPE_IOAPIC_NAME, qmem_ioapic_type_id);
    qmem_kvm_ioapic_register_type(module);
    qmem_type_register_name(QMEM_TYPE_KVM_IOAPIC_NAME,
                            qmem_kvm_ioapic_type_id);
}
