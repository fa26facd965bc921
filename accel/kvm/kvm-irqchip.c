/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The in-kernel irqchip: interrupt lines and MSIs from boards and devices. */

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "accel/kvm/kvm-internal.h"
#include "util/error-report.h"
#include "util/error.h"

/*
 * QEMU 7.2's default for pc and q35 (kernel-irqchip=on, not split): the
 * PICs, the IOAPIC and a local APIC per vCPU all in KVM, which routes
 * GSIs to them and delivers MSIs itself.  Created before the vCPUs, so
 * that each gets its local APIC.
 */
gboolean qmem_kvm_irqchip_create(QmemKvmAccel *s, GError **error)
{
    int ret;

    if (ioctl(s->fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQCHIP) <= 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_KVM_MISSING_CAP,
                    "kvm does not support %s", "KVM_CAP_IRQCHIP");
        return FALSE;
    }
    do {
        ret = ioctl(s->vm_fd, KVM_CREATE_IRQCHIP);
    } while (ret < 0 && errno == EINTR);
    if (ret < 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Create kernel irqchip failed: %s", g_strerror(errno));
        return FALSE;
    }
    s->irq_status = ioctl(s->vm_fd, KVM_CHECK_EXTENSION,
                          KVM_CAP_IRQ_INJECT_STATUS) > 0;
    return qmem_kvm_arch_init_irq_routing(s, error);
}

/*
 * QEMU's kvm_set_irq(): KVM_IRQ_LINE_STATUS where the kernel has it, so
 * that the caller learns whether the interrupt was delivered.  QEMU
 * aborts when the ioctl fails; here that is reported and counts as not
 * delivered.
 */
int qmem_kvm_set_irq(QmemAccel *accel, guint gsi, int level)
{
    QmemKvmAccel *s = QMEM_KVM_ACCEL(accel);
    struct kvm_irq_level event = { .irq = gsi, .level = level };

    if (s->vm_fd < 0) {
        return -1;
    }
    if (ioctl(s->vm_fd, s->irq_status ? KVM_IRQ_LINE_STATUS : KVM_IRQ_LINE,
              &event) < 0) {
        /* QEMU's perror("kvm_set_irq"). */
        qmem_error_printf("kvm_set_irq: %s\n", g_strerror(errno));
        return -1;
    }
    /* A raised line is news for the guest's drivers, as for a HLT. */
    if (level) {
        qmem_kvm_vcpu_wake(s);
    }
    return s->irq_status ? event.status : 1;
}

/* QEMU's kvm_irqchip_send_msi() with direct MSI (KVM_CAP_SIGNAL_MSI). */
int qmem_kvm_send_msi(QmemAccel *accel, guint64 addr, guint32 data)
{
    QmemKvmAccel *s = QMEM_KVM_ACCEL(accel);
    struct kvm_msi msi = {
        .address_lo = (guint32)addr,
        .address_hi = addr >> 32,
        .data = GUINT32_FROM_LE(data),
    };
    int ret;

    if (s->vm_fd < 0) {
        return -ENODEV;
    }
    ret = ioctl(s->vm_fd, KVM_SIGNAL_MSI, &msi);
    if (ret < 0) {
        return -errno;
    }
    qmem_kvm_vcpu_wake(s);
    return ret;
}
