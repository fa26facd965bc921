/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The APIC MSI window: device writes to 0xfee00000 become MSIs. */


#include "hw/intc/apic-msi.h"
#include "system/accel.h"
#include "util/error-report.h"

/* Offsets 0x000-0xfff are the APIC's registers, 16 bytes apart. */
#define APIC_REGS_END       0xfff
#define APIC_REG_INDEX(addr) (((addr) >> 4) & 0xff)

static void apic_msi_send(guint64 addr, guint32 data)
{
    QmemAccel *accel = qmem_accel_get_current();
    int ret;

    if (!accel) {
        return;
    }
    /* KVM reads destination and mode from bits 2-19: QEMU's offset. */
    ret = qmem_accel_send_msi(accel, QMEM_APIC_DEFAULT_ADDRESS + addr, data);
    if (ret < 0) {
        qmem_error_printf("KVM: injection failed, MSI lost (%s)\n",
                          g_strerror(-ret));
    }
}

/* QEMU's kvm_apic_mem_read() and kvm_apic_mem_write(). */
static guint64 kvm_apic_msi_read(gpointer opaque, guint64 addr, guint size)
{
    return ~(guint64)0;
}

static void kvm_apic_msi_write(gpointer opaque, guint64 addr, guint64 value,
                               guint size)
{
    apic_msi_send(addr, value);
}

static const QmemMemoryRegionOps kvm_apic_msi_ops = {
    .read = kvm_apic_msi_read,
    .write = kvm_apic_msi_write,
};

/*
 * QEMU's apic_mem_read() and apic_mem_write() where no CPU is current
 * (qtest): registers read 0 and ignore writes, MSIs go out.
 */
static guint64 apic_msi_read(gpointer opaque, guint64 addr, guint size)
{
    return 0;
}

static void apic_msi_write(gpointer opaque, guint64 addr, guint64 value,
                           guint size)
{
    if (size < 4) {
        return;
    }
    if (addr > APIC_REGS_END || !APIC_REG_INDEX(addr)) {
        apic_msi_send(addr, value);
    }
}

static const QmemMemoryRegionOps apic_msi_ops = {
    .read = apic_msi_read,
    .write = apic_msi_write,
    .valid = {
        .min_access_size = 1,
        .max_access_size = 4,
    },
};

QmemMemoryRegion *qmem_apic_msi_region_new(void)
{
    QmemAccel *accel = qmem_accel_get_current();
    gboolean kvm = accel && qmem_accel_get_kind(accel) == QMEM_ACCEL_KIND_KVM;

    return qmem_memory_region_new_io(kvm ? "kvm-apic-msi" : "apic-msi",
                                     QMEM_APIC_SPACE_SIZE,
                                     kvm ? &kvm_apic_msi_ops : &apic_msi_ops,
                                     NULL);
}
