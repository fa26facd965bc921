/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Accelerators: what runs the guest (KVM) or stands in for it (qtest). */

#ifndef QMEM_SYSTEM_ACCEL_H
#define QMEM_SYSTEM_ACCEL_H

#include <json-glib/json-glib.h>
#include "qom/object.h"
#include "system/memory.h"

G_BEGIN_DECLS

#define QMEM_TYPE_ACCEL (qmem_accel_get_type())
G_DECLARE_DERIVABLE_TYPE(QmemAccel, qmem_accel, QMEM, ACCEL, QmemObject)

/**
 * QmemAccelKind:
 * @QMEM_ACCEL_KIND_OTHER: none of the kinds below (the base's default)
 * @QMEM_ACCEL_KIND_QTEST: the qtest accelerator: no vCPUs, a test drives
 *   the machine (QEMU's qtest_enabled())
 * @QMEM_ACCEL_KIND_KVM: Linux KVM (QEMU's kvm_enabled())
 *
 * What an accelerator is, for the few places that behave differently
 * under one (deprecation warnings stay quiet under qtest, as in QEMU).
 */
typedef enum {
    QMEM_ACCEL_KIND_OTHER,
    QMEM_ACCEL_KIND_QTEST,
    QMEM_ACCEL_KIND_KVM,
} QmemAccelKind;

/**
 * QmemAccelMemtestMode:
 * @QMEM_ACCEL_MEMTEST_WRITE_VERIFY: write the pattern to every word of the
 *   range, then read every word back ("write-verify")
 * @QMEM_ACCEL_MEMTEST_VERIFY: only read every word and compare it with the
 *   pattern ("verify"), e.g. after a write-verify before an unplug
 */
typedef enum {
    QMEM_ACCEL_MEMTEST_WRITE_VERIFY,
    QMEM_ACCEL_MEMTEST_VERIFY,
} QmemAccelMemtestMode;

/**
 * QmemAccelMemtestResult:
 * @checked: bytes read back and compared (the range up to @fault_addr)
 * @mismatches: 8-byte words that did not hold the pattern
 * @has_fault_addr: whether the walk hit guest-physical memory that the
 *   vCPU could not access (no memslot, or a write to a read-only one)
 * @fault_addr: the first such address; the walk stopped there
 */
typedef struct {
    guint64 checked;
    guint64 mismatches;
    gboolean has_fault_addr;
    guint64 fault_addr;
} QmemAccelMemtestResult;

/* The multiplier of qmem_accel_memtest_pattern(). */
#define QMEM_ACCEL_MEMTEST_MULTIPLIER G_GUINT64_CONSTANT(0x9e3779b97f4a7c15)

/**
 * qmem_accel_memtest_pattern:
 * @seed: the test's seed
 * @addr: the guest-physical address of an 8-byte word
 *
 * Returns: the value a guest memory test writes to the word at @addr (what
 *   the guest computes, so that the host side can check or prepare memory
 *   itself).
 */
static inline guint64 qmem_accel_memtest_pattern(guint64 seed, guint64 addr)
{
    return (addr ^ seed) * QMEM_ACCEL_MEMTEST_MULTIPLIER;
}

/**
 * QmemAccelClass:
 * @init_machine: called once, after the machine has built its memory map
 *   and before any device is hot-plugged.  Opens the hypervisor, registers
 *   a memory listener on @system_memory that maps every RAM section (and
 *   keeps doing so for later changes), and creates @n_cpus vCPUs.  Required.
 *   On failure nothing may stay mapped or open.
 * @get_memslots: the memslot limit and how many are free now, for the
 *   memory-device core's accounting (QEMU's kvm_get_max_memslots /
 *   kvm_get_free_memslots).  Required.
 * @start: lets the vCPUs run (not called with -S until "cont").  Optional.
 * @shutdown: stops the vCPUs and unregisters the listener; called before
 *   the machine's memory goes away.  Optional.  May not fail.
 * @phys_bits: the guest's physical address width (host CPUID for KVM, as
 *   QEMU with -cpu host; 52 where nothing limits it).  Optional; default 52.
 * @guest_memtest: has a vCPU of the guest walk guest-physical memory and
 *   report what it found (qmem_accel_guest_memtest(), which has checked
 *   @result and zeroed it).  Called on the main thread, which it blocks
 *   for the walk; it bounds the walk's time itself.  Optional: an
 *   accelerator without vCPUs (qtest) leaves it %NULL.  Nothing the guest
 *   does may make it crash or exit the runner: a guest that fails fails
 *   the test with @error set.
 * @kind: what the accelerator is (qmem_accel_get_kind()); each class sets
 *   it in its class_init.  Default %QMEM_ACCEL_KIND_OTHER.
 */
struct _QmemAccelClass {
    QmemObjectClass parent_class;

    gboolean (*init_machine)(QmemAccel *accel, QmemAddressSpace *system_memory,
                             guint n_cpus, GError **error);
    void (*get_memslots)(QmemAccel *accel, guint *max, guint *free);
    void (*start)(QmemAccel *accel);
    void (*shutdown)(QmemAccel *accel);
    guint (*phys_bits)(QmemAccel *accel);
    gboolean (*guest_memtest)(QmemAccel *accel, guint64 addr, guint64 size,
                              guint64 seed, QmemAccelMemtestMode mode,
                              QmemAccelMemtestResult *result, GError **error);
    QmemAccelKind kind;

    gpointer padding[6];
};

/**
 * qmem_accel_new:
 * @name: "kvm" or "qtest" (the user-facing type names are "kvm-accel" and
 *   "qtest-accel", as QEMU's)
 * @props: (nullable): -accel properties beyond the name, OPTS form
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the accelerator, or %NULL with
 *   "invalid accelerator %s" or the property's error.
 */
QmemAccel *qmem_accel_new(const char *name, JsonObject *props, GError **error);

/**
 * qmem_accel_get_current:
 * Returns: (transfer none) (nullable): the accelerator the machine runs on.
 */
QmemAccel *qmem_accel_get_current(void);
void qmem_accel_set_current(QmemAccel *accel);

gboolean qmem_accel_init_machine(QmemAccel *accel,
                                 QmemAddressSpace *system_memory,
                                 guint n_cpus, GError **error);
void qmem_accel_get_memslots(QmemAccel *accel, guint *max, guint *free);
void qmem_accel_start(QmemAccel *accel);
void qmem_accel_shutdown(QmemAccel *accel);
guint qmem_accel_phys_bits(QmemAccel *accel);

/**
 * qmem_accel_get_kind:
 *
 * Returns: what @accel is, from its class.
 */
QmemAccelKind qmem_accel_get_kind(QmemAccel *accel);

/**
 * qmem_qtest_enabled:
 *
 * Returns: whether the machine runs on the qtest accelerator (QEMU's
 *   qtest_enabled()); %FALSE while there is no current accelerator.
 */
gboolean qmem_qtest_enabled(void);

/**
 * qmem_accel_guest_memtest:
 * @accel: the accelerator the guest runs on
 * @addr: guest-physical start, a multiple of 8
 * @size: bytes, a multiple of 8 (0 checks nothing)
 * @seed: mixed into the pattern (qmem_accel_memtest_pattern())
 * @mode: what to do with each word
 * @result: (out): what the guest found
 * @error: return location for a #GError
 *
 * Makes the guest itself (vCPU 0 on KVM) walk [@addr, @addr + @size) and
 * report back: the guest, not the host, touches the memory, through the
 * memslots the accelerator made from the flat view.  Blocks the calling
 * (main) thread for the walk.  KVM cancels a walk that takes longer than
 * its "x-memtest-timeout"; a guest that fails (triple fault, emulation
 * error) fails the test and is restarted for the next one.
 *
 * Returns: %FALSE with @error set when @accel cannot run a guest memory
 *   test ("accelerator '%s' cannot run a guest memory test", e.g. qtest),
 *   the range is invalid or beyond what the guest can address, the vCPUs
 *   are not running, the test timed out or the guest failed.
 */
gboolean qmem_accel_guest_memtest(QmemAccel *accel, guint64 addr,
                                  guint64 size, guint64 seed,
                                  QmemAccelMemtestMode mode,
                                  QmemAccelMemtestResult *result,
                                  GError **error);


G_END_DECLS

#endif
