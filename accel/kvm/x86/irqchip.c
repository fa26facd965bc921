/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pc's default GSI routing for the in-kernel PICs and IOAPIC. */

#include <errno.h>
#include <sys/ioctl.h>

#include "accel/kvm/kvm-internal.h"
#include "util/error.h"

#define PIC_IRQS            16
#define IOAPIC_PINS         24

static void x86_add_route(struct kvm_irq_routing *routing, guint gsi,
                          guint chip, guint pin)
{
    struct kvm_irq_routing_entry *e = &routing->entries[routing->nr++];

    e->gsi = gsi;
    e->type = KVM_IRQ_ROUTING_IRQCHIP;
    e->u.irqchip.irqchip = chip;
    e->u.irqchip.pin = pin;
}

/*
 * QEMU's kvm_pc_setup_irq_routing() for a PCI machine: ISA IRQs 0-15 to
 * the two PICs (2 is the cascade), GSIs 0-23 to the IOAPIC, where ISA
 * IRQ 0 (the PIT) comes in at pin 2.
 */
gboolean qmem_kvm_arch_init_irq_routing(QmemKvmAccel *s, GError **error)
{
    g_autofree struct kvm_irq_routing *routing = g_malloc0(
        sizeof(*routing) +
        (PIC_IRQS + IOAPIC_PINS) * sizeof(struct kvm_irq_routing_entry));

    for (guint i = 0; i < 8; i++) {
        if (i != 2) {
            x86_add_route(routing, i, KVM_IRQCHIP_PIC_MASTER, i);
        }
    }
    for (guint i = 8; i < PIC_IRQS; i++) {
        x86_add_route(routing, i, KVM_IRQCHIP_PIC_SLAVE, i - 8);
    }
    for (guint i = 0; i < IOAPIC_PINS; i++) {
        if (i == 0) {
            x86_add_route(routing, i, KVM_IRQCHIP_IOAPIC, 2);
        } else if (i != 2) {
            x86_add_route(routing, i, KVM_IRQCHIP_IOAPIC, i);
        }
    }
    if (ioctl(s->vm_fd, KVM_SET_GSI_ROUTING, routing) < 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "KVM_SET_GSI_ROUTING failed: %s", g_strerror(errno));
        return FALSE;
    }
    return TRUE;
}
