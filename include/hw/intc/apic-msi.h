/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The local APICs' MSI window: where a device's MSI write turns into one. */

#ifndef QMEM_HW_INTC_APIC_MSI_H
#define QMEM_HW_INTC_APIC_MSI_H

#include "system/memory.h"

G_BEGIN_DECLS

/* QEMU's APIC_DEFAULT_ADDRESS and APIC_SPACE_SIZE. */
#define QMEM_APIC_DEFAULT_ADDRESS   0xfee00000ULL
#define QMEM_APIC_SPACE_SIZE        0x100000ULL

/**
 * qmem_apic_msi_region_new:
 *
 * QEMU's APIC MMIO region, which an x86 board maps into system memory at
 * QMEM_APIC_DEFAULT_ADDRESS (x86_cpu_apic_realize()).  A vCPU's own
 * accesses to its local APIC never get here: the hypervisor handles that
 * page itself.  What does is a device's MSI, a DMA write of the data
 * the guest programmed to the address it programmed: the region hands it
 * to the current accelerator, qmem_accel_send_msi(), which delivers it to
 * the local APICs.
 *
 * Under KVM it is QEMU's "kvm-apic-msi" (kvm_apic_io_ops): every write is
 * an MSI, reads are all-ones.  Otherwise it is QEMU's "apic-msi"
 * (apic_io_ops) as a qtest machine has it, without a current CPU: 4-byte
 * writes outside the APIC registers (above 0xfff, or at offset 0) are
 * MSIs, the rest is dropped, reads are 0.  The name and the behaviour
 * follow the accelerator current when the region is made.
 *
 * Returns: (transfer full): the region, QMEM_APIC_SPACE_SIZE bytes.
 */
QmemMemoryRegion *qmem_apic_msi_region_new(void);

G_END_DECLS

#endif
