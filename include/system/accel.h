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
 * @QMEM_ACCEL_MEMTEST_VERIFY_ZERO: only read every word and compare it
 *   with 0 ("verify-zero"): what freshly plugged memory must hold.  It
 *   writes nothing, so memory that was never written stays unpopulated
 *   on the host (reads map the shared zero page)
 */
typedef enum {
    QMEM_ACCEL_MEMTEST_WRITE_VERIFY,
    QMEM_ACCEL_MEMTEST_VERIFY,
    QMEM_ACCEL_MEMTEST_VERIFY_ZERO,
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
 * QmemAccelGuestIoSpace:
 * @QMEM_ACCEL_GUEST_IO_PORT: port I/O (IN/OUT, the machine's I/O address
 *   space where the hypervisor does not answer itself)
 * @QMEM_ACCEL_GUEST_IO_MEMORY: memory accesses (MOV) to guest-physical
 *   addresses: RAM, or MMIO where no memslot maps RAM
 */
typedef enum {
    QMEM_ACCEL_GUEST_IO_PORT,
    QMEM_ACCEL_GUEST_IO_MEMORY,
} QmemAccelGuestIoSpace;

/* The most bytes one qmem_accel_guest_io() moves. */
#define QMEM_ACCEL_GUEST_IO_MAX 1024

/**
 * QmemAccelClass:
 * @init_machine: called once, after the machine has built its memory map
 *   and before any device is hot-plugged.  Opens the hypervisor, registers
 *   a memory listener on @system_memory that maps every RAM section (and
 *   keeps doing so for later changes), and creates @n_cpus vCPUs, whose
 *   port I/O goes to @system_io and whose MMIO goes to @system_memory.
 *   @system_io may be %NULL (a machine without ports: every port reads
 *   all-ones).  Required.  On failure nothing may stay mapped or open.
 * @get_memslots: the memslot limit and how many are free now, for the
 *   memory-device core's accounting (QEMU's kvm_get_max_memslots /
 *   kvm_get_free_memslots).  Required.
 * @start: lets the vCPUs run (not called with -S until "cont"); again
 *   after @stop.  Optional.
 * @stop: stops the vCPUs and returns once none runs guest code any more
 *   (QEMU's pause_all_vcpus()); @start resumes them where they were.
 *   Called with the BQL held, which it releases while it waits.
 *   Optional.
 * @shutdown: stops the vCPUs and unregisters the listener; called before
 *   the machine's memory goes away.  Optional.  May not fail.
 * @phys_bits: the guest's physical address width (host CPUID for KVM, as
 *   QEMU with -cpu host; 52 where nothing limits it).  Optional; default 52.
 * @guest_memtest: has vCPU @cpu_index of the guest (0, or one that
 *   @hotplug_vcpu made) walk guest-physical memory and
 *   report what it found (qmem_accel_guest_memtest(), which has checked
 *   @result and zeroed it).  Called on the main thread, which it blocks
 *   for the walk; it bounds the walk's time itself.  Optional: an
 *   accelerator without vCPUs (qtest) leaves it %NULL.  Nothing the guest
 *   does may make it crash or exit the runner: a guest that fails fails
 *   the test with @error set.
 * @guest_io: has a vCPU of the guest make @count accesses of @size bytes
 *   in @space at @addr, as a driver would (qmem_accel_guest_io(), which
 *   has checked the arguments' shape); the accesses reach the machine's
 *   devices the way the guest's own do.  Optional, as @guest_memtest.
 * @set_irq: sets the level of the interrupt controller's input @gsi
 *   (QEMU's kvm_set_irq()).  Returns what the interrupt controllers made
 *   of it: > 0 delivered, 0 coalesced with one already pending, < 0
 *   masked or not routed.  Called with the BQL held, from any thread.
 *   Optional: without it interrupts go nowhere (0).
 * @send_msi: delivers the message-signalled interrupt a device wrote,
 *   @data to @addr (QEMU's kvm_irqchip_send_msi()).  Returns > 0
 *   delivered, 0 when no local APIC took it (none addressed, or it is
 *   software-disabled), a negative errno when the hypervisor refused it.
 *   As @set_irq.
 * @ioeventfds_enabled: whether the accelerator itself signals the
 *   ioeventfds of guest writes (QEMU's kvm_eventfds_enabled()); then the
 *   memory API leaves them to it and calls the region's ops for the
 *   writes that reach it.  Optional: %FALSE.
 * @kind: what the accelerator is (qmem_accel_get_kind()); each class sets
 *   it in its class_init.  Default %QMEM_ACCEL_KIND_OTHER.
 * @hotplug_vcpu: a vCPU was hot-plugged at @index (its slot among the
 *   possible CPUs, which no vCPU had): make it run (on KVM its vCPU and
 *   thread, which serve memory tests with @guest_memtest's @cpu_index).
 *   Called on the main thread with the BQL held, after the machine is
 *   ready.  Optional: without it the vCPU exists only as a device.  On
 *   failure nothing may be left of the vCPU.
 * @vcpu_thread_id: the host thread id of vCPU @index's thread (QEMU's
 *   CPUState.thread_id, what query-cpus-fast reports), or -1 when the
 *   vCPU has no thread of its own.  Called on the main thread with the
 *   BQL held.  Optional: without it every vCPU reports the process id.
 */
struct _QmemAccelClass {
    QmemObjectClass parent_class;

    gboolean (*init_machine)(QmemAccel *accel, QmemAddressSpace *system_memory,
                             QmemAddressSpace *system_io, guint n_cpus,
                             GError **error);
    void (*get_memslots)(QmemAccel *accel, guint *max, guint *free);
    void (*start)(QmemAccel *accel);
    void (*stop)(QmemAccel *accel);
    void (*shutdown)(QmemAccel *accel);
    guint (*phys_bits)(QmemAccel *accel);
    gboolean (*guest_memtest)(QmemAccel *accel, guint cpu_index,
                              guint64 addr, guint64 size,
                              guint64 seed, QmemAccelMemtestMode mode,
                              QmemAccelMemtestResult *result, GError **error);
    gboolean (*guest_io)(QmemAccel *accel, QmemAccelGuestIoSpace space,
                         guint64 addr, guint size, guint count,
                         gboolean is_write, guint8 *buf, GError **error);
    int (*set_irq)(QmemAccel *accel, guint gsi, int level);
    int (*send_msi)(QmemAccel *accel, guint64 addr, guint32 data);
    gboolean (*ioeventfds_enabled)(QmemAccel *accel);
    QmemAccelKind kind;
    gint64 (*vcpu_thread_id)(QmemAccel *accel, guint index);
    gboolean (*hotplug_vcpu)(QmemAccel *accel, guint index, GError **error);

    gpointer padding[2];
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

/**
 * qmem_accel_init_machine:
 * @system_memory: the machine's memory address space
 *   (qmem_machine_get_address_space())
 * @system_io: (nullable): its I/O port space
 *   (qmem_machine_get_io_address_space())
 * @n_cpus: vCPUs to create
 *
 * QmemAccelClass.init_machine.
 */
gboolean qmem_accel_init_machine(QmemAccel *accel,
                                 QmemAddressSpace *system_memory,
                                 QmemAddressSpace *system_io,
                                 guint n_cpus, GError **error);
void qmem_accel_get_memslots(QmemAccel *accel, guint *max, guint *free);
void qmem_accel_start(QmemAccel *accel);

/**
 * qmem_accel_stop:
 *
 * Stops the vCPUs (QmemAccelClass.stop); qmem_accel_start() resumes them.
 * The caller holds the BQL, or the function takes it.
 */
void qmem_accel_stop(QmemAccel *accel);
void qmem_accel_shutdown(QmemAccel *accel);
guint qmem_accel_phys_bits(QmemAccel *accel);

/**
 * qmem_accel_set_irq:
 * @gsi: the global system interrupt: on pc and q35 an ISA IRQ (0-15, to
 *   the PICs and the IOAPIC as QEMU routes them) or an IOAPIC pin (0-23)
 * @level: 1 raised, 0 lowered
 *
 * What boards and devices call to raise an interrupt line that ends in
 * the interrupt controller (QmemAccelClass.set_irq; QEMU's kvm_set_irq()).
 *
 * Returns: > 0 delivered, 0 coalesced, < 0 masked or not routed; 0 when
 *   the accelerator takes no interrupts (qtest).
 */
int qmem_accel_set_irq(QmemAccel *accel, guint gsi, int level);

/**
 * qmem_accel_send_msi:
 * @addr: the address the device wrote, as the guest programmed it
 *   (0xfeeXXXXX: destination APIC ID in bits 12-19)
 * @data: the data it wrote (vector, delivery mode)
 *
 * A device's message-signalled interrupt, for the APIC's MSI window
 * (QmemAccelClass.send_msi; QEMU's kvm_irqchip_send_msi()).
 *
 * Returns: > 0 delivered, 0 no local APIC took it, -errno refused; 0 when
 *   the accelerator takes no interrupts (qtest).
 */
int qmem_accel_send_msi(QmemAccel *accel, guint64 addr, guint32 data);

/**
 * qmem_accel_ioeventfds_enabled:
 * @accel: (nullable): an accelerator, %NULL for none
 *
 * Returns: whether @accel signals ioeventfds itself for the guest's
 *   writes (QEMU's kvm_eventfds_enabled()); %FALSE for %NULL.
 */
gboolean qmem_accel_ioeventfds_enabled(QmemAccel *accel);

/**
 * qmem_accel_get_kind:
 *
 * Returns: what @accel is, from its class.
 */
QmemAccelKind qmem_accel_get_kind(QmemAccel *accel);

/**
 * qmem_accel_hotplug_vcpu:
 * @accel: (nullable): the accelerator
 * @index: the vCPU's index
 * @error: return location for a #GError
 *
 * A hot-plugged vCPU starts to exist for the accelerator (the
 * @hotplug_vcpu vfunc); nothing to do without one.
 */
gboolean qmem_accel_hotplug_vcpu(QmemAccel *accel, guint index,
                                 GError **error);

/**
 * qmem_accel_guest_memtest_on_cpu:
 * @cpu_index: the vCPU that walks: 0, or one hot-plugged on KVM
 *
 * qmem_accel_guest_memtest() (which is this with vCPU 0) on vCPU
 * @cpu_index: a hot-plugged vCPU onto node 1 proves it runs guest code
 * there.  KVM refuses a vCPU that runs no guest code ("CPU %u cannot run a
 * memory test: only vCPU 0 and hot-plugged vCPUs run guest code").
 */
gboolean qmem_accel_guest_memtest_on_cpu(QmemAccel *accel, guint cpu_index,
                                         guint64 addr, guint64 size,
                                         guint64 seed,
                                         QmemAccelMemtestMode mode,
                                         QmemAccelMemtestResult *result,
                                         GError **error);

/**
 * qmem_accel_vcpu_thread_id:
 * @accel: (nullable): the accelerator
 * @index: a vCPU index
 *
 * Returns: the host thread that runs vCPU @index (query-cpus-fast's
 *   "thread-id"); the process id for a vCPU without a thread of its own
 *   (the qtest accelerator's, or no accelerator).
 */
gint64 qmem_accel_vcpu_thread_id(QmemAccel *accel, guint index);

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

/**
 * qmem_accel_guest_io:
 * @accel: the accelerator the guest runs on
 * @space: ports or memory
 * @addr: the port (up to 0xffff) or guest-physical address
 * @size: bytes per access: 1, 2 or 4 (and 8 for memory)
 * @count: accesses; ports: all at @addr (REP INS/OUTS when above 1),
 *   memory: at @addr, @addr + @size, ...
 * @is_write: direction
 * @buf: (array): @size * @count bytes, at most QMEM_ACCEL_GUEST_IO_MAX:
 *   what is written, or where what is read goes, little-endian
 * @error: return location for a #GError
 *
 * Makes the guest itself (vCPU 0 on KVM) access a device as a driver
 * would: the accesses leave the guest as the hypervisor's exits and reach
 * the machine's I/O regions through the accelerator's exit handling (or
 * its ioeventfds), which is what tests of that path need.  Blocks the
 * calling (main) thread until the guest is done.
 *
 * Returns: %FALSE with @error set when @accel cannot (qtest: "accelerator
 *   '%s' cannot run guest I/O"), the arguments are invalid, the vCPUs are
 *   not running or the guest failed.
 */
gboolean qmem_accel_guest_io(QmemAccel *accel, QmemAccelGuestIoSpace space,
                             guint64 addr, guint size, guint count,
                             gboolean is_write, guint8 *buf, GError **error);

G_END_DECLS

#endif
