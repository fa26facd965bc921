/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The I/O APIC's 24 inputs, which a board's GSIs drive. */

#ifndef QMEM_HW_INTC_IOAPIC_H
#define QMEM_HW_INTC_IOAPIC_H

#include <gmodule.h>
#include "hw/core/qdev.h"

G_BEGIN_DECLS

/* QEMU's IOAPIC_NUM_PINS and IO_APIC_DEFAULT_ADDRESS. */
#define QMEM_IOAPIC_NUM_PINS 24
#define QMEM_IO_APIC_DEFAULT_ADDRESS 0xfec00000ULL

/* QEMU's TYPE_IOAPIC and TYPE_KVM_IOAPIC. */
#define QMEM_TYPE_IOAPIC_NAME "ioapic"
#define QMEM_TYPE_KVM_IOAPIC_NAME "kvm-ioapic"

/**
 * qmem_ioapic_register_types:
 *
 * Registers "ioapic" and its subclass "kvm-ioapic" with @module (the pc
 * module's).
 */
void qmem_ioapic_register_types(GTypeModule *module);

/**
 * qmem_ioapic_new:
 *
 * QEMU's ioapic_init_gsi() device: "kvm-ioapic" when the current
 * accelerator is KVM (its in-kernel irqchip), else "ioapic".  Its
 * unnamed GPIO inputs 0..23 are the I/O APIC's pins; a level set on pin
 * N is handed to the accelerator as GSI N (qmem_accel_set_irq(), QEMU's
 * kvm_ioapic_set_irq()), where KVM's routing takes it to the IOAPIC (and
 * for 0..15 to the PICs as well).  Under qtest, `irq_intercept_in ioapic`
 * shows each pin as "IRQ raise N" / "IRQ lower N".  The redirection
 * table at QMEM_IO_APIC_DEFAULT_ADDRESS is the kernel's under KVM and
 * not modelled otherwise.
 *
 * Returns: (transfer full): the device, not realized; the caller makes
 *   it a child ("ioapic") of the chipset's host bridge.
 */
QmemDevice *qmem_ioapic_new(void);

G_END_DECLS

#endif
