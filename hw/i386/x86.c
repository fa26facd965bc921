/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The x86 boards' GSIs: QEMU's GSIState and gsi_handler(). */

#include "hw/intc/ioapic.h"
#include "pc-internal.h"

/*
 * QEMU's GSIState without the PICs and the second I/O APIC: qmem has no
 * i8259 of its own (under KVM the kernel's routing gives ISA IRQs 0-15
 * to the PICs as well as to the IOAPIC, so the one set_irq QEMU's
 * kvm_pic_set_irq() would repeat is enough), nor an ioapic2.
 */
struct QmemGsiState {
    QmemIrq ioapic_irq[QMEM_IOAPIC_NUM_PINS];
    QmemDevice *ioapic;         /* a reference: its pins are ioapic_irq */
    QmemIrq *gsi;
};

/* QEMU's gsi_handler(): GSI n is pin n of the I/O APIC. */
static void gsi_handler(gpointer opaque, int n, int level)
{
    QmemGsiState *s = opaque;

    if (n < QMEM_IOAPIC_NUM_PINS && s->ioapic_irq[n]) {
        qmem_irq_set(s->ioapic_irq[n], level);
    }
}

QmemGsiState *qmem_pc_gsi_create(QmemIrq **irqs)
{
    QmemGsiState *s = g_new0(QmemGsiState, 1);

    s->gsi = qmem_irqs_new(gsi_handler, s, QMEM_GSI_NUM_PINS);
    *irqs = s->gsi;
    return s;
}

void qmem_pc_gsi_free(QmemGsiState *s)
{
    if (s) {
        qmem_irqs_free(s->gsi, QMEM_GSI_NUM_PINS);
        g_clear_object(&s->ioapic);
        g_free(s);
    }
}

gboolean qmem_ioapic_init_gsi(QmemGsiState *s, QmemObject *parent,
                              GError **error)
{
    QmemDevice *dev = qmem_ioapic_new();
    gboolean ok = qmem_object_add_child(parent, "ioapic", QMEM_OBJECT(dev),
                                        error);

    if (ok) {
        for (int i = 0; i < QMEM_IOAPIC_NUM_PINS; i++) {
            s->ioapic_irq[i] = qmem_device_get_gpio_in(dev, i);
        }
        s->ioapic = dev;
    } else {
        g_object_unref(dev);
    }
    return ok;
}
