/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The KVM accelerator ("kvm-accel", module kvm) and its guest memory test. */

#ifndef QMEM_ACCEL_KVM_KVM_H
#define QMEM_ACCEL_KVM_KVM_H

#include "system/accel.h"

G_BEGIN_DECLS

/*
 * The accelerator lives in the loadable module "kvm".  The functions below
 * are defined there too: programs that link the module in (a static build,
 * or a test that registers it with qmem_module_register_static()) can call
 * them; everyone else uses the QMP command x-guest-memtest.
 */

#define QMEM_TYPE_NAME_KVM_ACCEL "kvm-accel"

/**
 * QMEM_KVM_ACCEL_PROP_MEMTEST_TIMEOUT:
 *
 * "x-memtest-timeout" (uint, milliseconds, default 0): how long a memory
 * test may take before it is cancelled; 0 allows 10 s plus 1 s per 64 MiB.
 */
#define QMEM_KVM_ACCEL_PROP_MEMTEST_TIMEOUT "x-memtest-timeout"

#define QMEM_TYPE_KVM_ACCEL (qmem_kvm_accel_get_type())
G_DECLARE_FINAL_TYPE(QmemKvmAccel, qmem_kvm_accel, QMEM, KVM_ACCEL, QmemAccel)

/**
 * QmemKvmMemtestMode:
 * @QMEM_KVM_MEMTEST_WRITE_VERIFY: write the pattern to every word of the
 *   range, then read every word back ("write-verify")
 * @QMEM_KVM_MEMTEST_VERIFY: only read every word and compare it with the
 *   pattern ("verify"), e.g. after a write-verify before an unplug
 */
typedef enum {
    QMEM_KVM_MEMTEST_WRITE_VERIFY,
    QMEM_KVM_MEMTEST_VERIFY,
} QmemKvmMemtestMode;

/**
 * QmemKvmMemtestResult:
 * @checked: bytes read back and compared (the range up to @fault_addr)
 * @mismatches: 8-byte words that did not hold the pattern
 * @has_fault_addr: whether the walk hit guest-physical memory that the
 *   vCPU could not access (no KVM memslot, or a write to a read-only one)
 * @fault_addr: the first such address; the walk stopped there
 */
typedef struct {
    guint64 checked;
    guint64 mismatches;
    gboolean has_fault_addr;
    guint64 fault_addr;
} QmemKvmMemtestResult;

/**
 * qmem_kvm_memtest_pattern:
 * @seed: the test's seed
 * @addr: the guest-physical address of an 8-byte word
 *
 * Returns: the value a memory test writes to the word at @addr (what the
 *   guest payload computes, so that the host side can check or prepare
 *   memory itself).
 */
static inline guint64 qmem_kvm_memtest_pattern(guint64 seed, guint64 addr)
{
    return (addr ^ seed) * G_GUINT64_CONSTANT(0x9e3779b97f4a7c15);
}

/**
 * qmem_kvm_memtest:
 * @accel: a started KVM accelerator with at least one vCPU
 * @addr: guest-physical start, a multiple of 8
 * @size: bytes, a multiple of 8 (0 checks nothing)
 * @seed: mixed into the pattern (qmem_kvm_memtest_pattern())
 * @mode: what to do with each word
 * @result: (out): what the guest found
 * @error: return location for a #GError
 *
 * Makes vCPU 0 walk [@addr, @addr + @size) in ring 3 and report back: the
 * guest, not the host, touches the memory, through the KVM memslots the
 * accelerator made from the flat view.  Blocks the calling (main) thread
 * for the walk; a walk that takes longer than
 * %QMEM_KVM_ACCEL_PROP_MEMTEST_TIMEOUT is cancelled.  A guest that fails
 * (triple fault, emulation error) fails the test and is restarted.
 *
 * Returns: %FALSE with @error set when the range is invalid or beyond what
 *   the guest can address, the vCPUs are not running, the test timed out
 *   or the guest failed.
 */
gboolean qmem_kvm_memtest(QmemKvmAccel *accel, guint64 addr, guint64 size,
                          guint64 seed, QmemKvmMemtestMode mode,
                          QmemKvmMemtestResult *result, GError **error);

/**
 * qmem_kvm_accel_get_vm_fd:
 *
 * Returns: the VM's file descriptor (owned by @accel), or -1 before
 *   init_machine and after shutdown.  For tests that ask the kernel.
 */
int qmem_kvm_accel_get_vm_fd(QmemKvmAccel *accel);

/**
 * qmem_kvm_accel_lookup_slot:
 * @gpa: a guest-physical address
 *
 * Returns: the id of the KVM memslot that maps @gpa, or -1.
 */
int qmem_kvm_accel_lookup_slot(QmemKvmAccel *accel, guint64 gpa);

/**
 * qmem_kvm_accel_get_memslot_errors:
 *
 * Returns: how many times mapping or unmapping a section failed (no free
 *   slot, or KVM refused it).  Each failure was also printed to stderr; the
 *   runner keeps going, as a memory listener cannot fail.
 */
guint qmem_kvm_accel_get_memslot_errors(QmemKvmAccel *accel);

G_END_DECLS

#endif
