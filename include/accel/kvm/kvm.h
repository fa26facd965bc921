/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The KVM accelerator ("kvm-accel", module kvm). */

#ifndef QMEM_ACCEL_KVM_KVM_H
#define QMEM_ACCEL_KVM_KVM_H

#include "system/accel.h"

G_BEGIN_DECLS

/*
 * The accelerator lives in the loadable module "kvm" and is used through
 * the accelerator base (system/accel.h): its guest memory test is
 * qmem_accel_guest_memtest() or the QMP command x-guest-memtest.
 */

#define QMEM_TYPE_NAME_KVM_ACCEL "kvm-accel"

/**
 * QMEM_KVM_ACCEL_PROP_MEMTEST_TIMEOUT:
 *
 * "x-memtest-timeout" (uint, milliseconds, default 0): how long a memory
 * test may take before it is cancelled; 0 allows 10 s plus 1 s per 64 MiB.
 */
#define QMEM_KVM_ACCEL_PROP_MEMTEST_TIMEOUT "x-memtest-timeout"

/**
 * QMEM_KVM_ACCEL_PROP_GUEST_LOG:
 *
 * "x-guest-log" (string, read-only): the lines the guest payload wrote to
 * its log port, oldest first, each ending in "\n"; the newest 64 KiB.
 * Each line is also a g_debug() message ("guest: ...", shown with
 * G_MESSAGES_DEBUG=qmem).
 */
#define QMEM_KVM_ACCEL_PROP_GUEST_LOG "x-guest-log"

/**
 * QMEM_KVM_ACCEL_PROP_GUEST_DRIVERS:
 *
 * "x-guest-drivers" (bool, default on): whether the guest payload runs
 * its device drivers (fw_cfg, ACPI, PCI, virtio-mem, ACPI memory
 * hotplug).  Off, it only serves requests: for tests that play the
 * guest's drivers themselves (x-virtio-mem-request, qtest port I/O).
 * Read when the payload (re)starts.
 */
#define QMEM_KVM_ACCEL_PROP_GUEST_DRIVERS "x-guest-drivers"

#define QMEM_TYPE_KVM_ACCEL (qmem_kvm_accel_get_type())
G_DECLARE_FINAL_TYPE(QmemKvmAccel, qmem_kvm_accel, QMEM, KVM_ACCEL, QmemAccel)

G_END_DECLS

#endif
