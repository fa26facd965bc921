/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The KVM accelerator's state and the calls between its files. */

#ifndef QMEM_ACCEL_KVM_KVM_INTERNAL_H
#define QMEM_ACCEL_KVM_KVM_INTERNAL_H

#include <pthread.h>
#include <linux/kvm.h>
#include "accel/kvm/kvm.h"

G_BEGIN_DECLS

/* A KVM memslot as the kernel has it; memory_size 0 = free. */
typedef struct {
    guint64 start_addr;
    guint64 memory_size;
    void *host;
    guint32 flags;
} QmemKvmSlot;

/* One guest memory test for vCPU 0, owned by the accelerator. */
typedef struct {
    QmemAccelMemtestMode mode;
    guint64 start;
    guint64 end;
    guint64 seed;

    /* Set by the main thread; the vCPU thread polls it around KVM_RUN. */
    gint cancelled;

    /* Written by the vCPU thread until it sets done (under the lock). */
    gboolean done;
    guint64 mismatches;
    guint64 end_out;
    gboolean has_fault;
    guint64 fault;
    GError *error;
} QmemKvmRequest;

typedef struct {
    QmemKvmAccel *s;
    guint index;
    int fd;
    struct kvm_run *run;
    GThread *thread;
    pthread_t tid;              /* valid once has_tid, under s->lock */
    gboolean has_tid;
    gboolean ready;             /* vCPU 0 waits at the idle port */
    gboolean parked;            /* a secondary vCPU has halted */
} QmemKvmVcpu;

struct _QmemKvmAccel {
    QmemAccel parent_instance;

    char *device;               /* property "device" */
    guint memtest_timeout_ms;

    int fd;                     /* /dev/kvm */
    int vm_fd;
    gsize run_size;
    gboolean readonly_mem;

    /*
     * The slot table grows from 16 entries, doubling, up to the kernel's
     * limit (QEMU's per-address-space array).  used_slots includes the
     * private slot of the guest payload.
     */
    QmemKvmSlot *slots;
    guint n_slots;
    guint nr_slots_max;
    guint used_slots;

    QmemAddressSpace *as;
    QmemMemoryListener listener;
    gboolean listening;

    QmemKvmVcpu *cpus;
    guint n_cpus;

    /* Protects started, quit, request and the vCPUs' tid/parked. */
    GMutex lock;
    GCond cond;
    gboolean started;
    gboolean quit;
    QmemKvmRequest *request;

    gpointer arch;              /* QmemKvmX86State */
};

/* kvm-memslots.c: the slot table and the memory listener. */

/**
 * qmem_kvm_set_private_slot:
 *
 * Maps memory that belongs to the accelerator (the guest payload and its
 * page tables) into the guest: a memslot like any other, but unseen by
 * the machine's flat view.
 *
 * Returns: the slot id, or -1 with @error set.
 */
int qmem_kvm_set_private_slot(QmemKvmAccel *s, guint64 gpa, guint64 size,
                              void *host, GError **error);

/* Maps every RAM section of @as, now and as it changes. */
void qmem_kvm_memory_listener_register(QmemKvmAccel *s, QmemAddressSpace *as);

/* Unregisters the listener (if registered); the slots stay mapped. */
void qmem_kvm_memory_listener_unregister(QmemKvmAccel *s);

/* Forgets the slot table; called once the VM, and its slots, are gone. */
void qmem_kvm_memslots_reset(QmemKvmAccel *s);

/* kvm-vcpu.c: vCPU file descriptors, threads and KVM_RUN. */

/* Creates @n_cpus vCPUs and maps their kvm_run; then the arch's set-up. */
gboolean qmem_kvm_init_vcpus(QmemKvmAccel *s, guint n_cpus, GError **error);

/* Starts one thread per vCPU; they wait for start (s->started). */
gboolean qmem_kvm_start_vcpu_threads(QmemKvmAccel *s, GError **error);

/*
 * Cancels a request in flight, makes every vCPU leave KVM_RUN and joins
 * the threads.
 */
void qmem_kvm_stop_vcpus(QmemKvmAccel *s);

/* Unmaps and closes what qmem_kvm_init_vcpus() made. */
void qmem_kvm_destroy_vcpus(QmemKvmAccel *s);

/*
 * Makes @cpu leave KVM_RUN, or not enter it again; called with s->lock
 * held.
 */
void qmem_kvm_vcpu_kick(QmemKvmVcpu *cpu);

/* One KVM_RUN; an interrupted one is a KVM_EXIT_INTR. */
gboolean qmem_kvm_vcpu_run(QmemKvmVcpu *cpu, GError **error);

/* The vCPU's last exit, which its caller had no use for, as an error. */
void qmem_kvm_vcpu_exit_error(QmemKvmVcpu *cpu, GError **error);

/* memtest.c: the guest memory test (QmemAccelClass.guest_memtest). */

gboolean qmem_kvm_guest_memtest(QmemAccel *accel, guint64 addr, guint64 size,
                                guint64 seed, QmemAccelMemtestMode mode,
                                QmemAccelMemtestResult *result,
                                GError **error);

/*
 * Runs @req on vCPU 0, in its thread, without s->lock; the outcome goes
 * into @req.
 */
void qmem_kvm_memtest_run(QmemKvmAccel *s, QmemKvmVcpu *cpu,
                          QmemKvmRequest *req);

void qmem_kvm_request_free(QmemKvmRequest *req);

/* Provided by the architecture (accel/kvm/x86/cpu.c). */

/* The host's physical address width (CPUID 0x80000008). */
guint qmem_kvm_arch_host_phys_bits(void);

/* Reads the guest CPUID, builds the private area and maps it. */
gboolean qmem_kvm_arch_init_vm(QmemKvmAccel *s, GError **error);

/* Frees what qmem_kvm_arch_init_vm() made; called once the VM is closed. */
void qmem_kvm_arch_destroy_vm(QmemKvmAccel *s);

/* Sets the vCPU's CPUID; then qmem_kvm_arch_reset_vcpu(). */
gboolean qmem_kvm_arch_init_vcpu(QmemKvmAccel *s, QmemKvmVcpu *cpu,
                                 GError **error);

/*
 * Puts the vCPU at its entry point: vCPU 0 at the memtest loop in ring 3,
 * the others at the ring-0 halt loop.
 */
gboolean qmem_kvm_arch_reset_vcpu(QmemKvmAccel *s, QmemKvmVcpu *cpu,
                                  GError **error);

/* Whether the last exit is vCPU 0 reporting idle (results are ready). */
gboolean qmem_kvm_arch_exit_is_idle(QmemKvmVcpu *cpu);

/* The end of the guest-physical range the payload can reach. */
guint64 qmem_kvm_arch_memtest_limit(QmemKvmAccel *s);

/*
 * Makes [start, end) addressable and puts the request in the mailbox; the
 * vCPUs are not running guest code meanwhile.
 */
void qmem_kvm_arch_memtest_prepare(QmemKvmAccel *s,
                                   const QmemKvmRequest *req);

/* Reads mismatches and end_out from the mailbox. */
void qmem_kvm_arch_memtest_result(QmemKvmAccel *s, QmemKvmRequest *req);

/*
 * Ends the walk at @end (the first inaccessible address); called after
 * the faulting access was completed.
 */
gboolean qmem_kvm_arch_memtest_clip(QmemKvmVcpu *cpu, guint64 end,
                                    GError **error);

G_END_DECLS

#endif
