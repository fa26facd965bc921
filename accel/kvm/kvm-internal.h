/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The KVM accelerator's state and the calls between its files. */

#ifndef QMEM_ACCEL_KVM_KVM_INTERNAL_H
#define QMEM_ACCEL_KVM_KVM_INTERNAL_H

#include <pthread.h>
#include <linux/kvm.h>
#include "accel/kvm/kvm.h"

G_BEGIN_DECLS

/*
 * How long vCPU 0 sleeps at the idle port when nothing wakes it: the
 * payload's drivers poll their devices once per turn, so this bounds how
 * late the guest notices what no kick announces (a device that changed
 * shared memory, an interrupt KVM injected through an irqfd).  Each turn
 * costs an exit and a re-entry (~30 us here), so 10 ms keeps the idle
 * guest at about 100 exits/s, a fraction of a percent of a CPU, while a
 * guest driver that waits for a device still sees it within 10 ms.
 */
#define QMEM_KVM_IDLE_TIMEOUT_MS    10

/* The guest log kept for x-guest-log: the newest lines up to this size. */
#define QMEM_KVM_GUEST_LOG_MAX      (64 * 1024)

/* A KVM memslot as the kernel has it; memory_size 0 = free. */
typedef struct {
    guint64 start_addr;
    guint64 memory_size;
    void *host;
    guint32 flags;
    /* The RAM block behind it, for the dirty log; NULL: the payload's. */
    QmemRamBlock *rb;
    guint64 rb_offset;
} QmemKvmSlot;

typedef enum {
    QMEM_KVM_REQUEST_MEMTEST,
    QMEM_KVM_REQUEST_IO,
} QmemKvmRequestKind;

/*
 * One request for vCPU 0 (a memory test or guest I/O), owned by the
 * accelerator: the main thread posts it as s->request and waits; the vCPU
 * thread takes it at its next turn and marks it done.  Everything but
 * cancelled is under the BQL.
 */
typedef struct {
    QmemKvmRequestKind kind;

    /* QMEM_KVM_REQUEST_MEMTEST: [start, end) */
    QmemAccelMemtestMode mode;
    guint64 start;
    guint64 end;
    guint64 seed;

    /* QMEM_KVM_REQUEST_IO: count accesses of size at start */
    QmemAccelGuestIoSpace space;
    gboolean is_write;
    guint size;
    guint count;
    guint8 data[QMEM_ACCEL_GUEST_IO_MAX];

    /* The vCPU that serves it: 0, or a hot-plugged one (memory tests). */
    guint cpu_index;

    /* Set by the main thread (atomic); the vCPU leaves the guest for it. */
    gint cancelled;

    gboolean taken;
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
    gboolean worker;            /* hot-plugged: serves memory tests */

    /* Under the BQL. */
    pthread_t tid;              /* valid once has_tid */
    gint64 thread_id;           /* its host thread id, once has_tid */
    gboolean has_tid;
    gboolean stopped;           /* waits outside the guest for start */
    gboolean wake;              /* a device event: end the idle wait */

    /* Only the vCPU's thread touches these. */
    gboolean booted;            /* ran from its entry point once */
    gboolean ready;             /* the guest sits at the idle port */
    gboolean in_turn;           /* between leaving idle and coming back */
    gboolean io_pending;        /* KVM completes the last exit next run */
    QmemKvmRequest *turn_req;   /* the request this turn serves */
    GString *log_line;          /* guest log bytes before the newline */
    int run_errno;              /* why the last KVM_RUN failed */
    guint fault_retries;        /* EFAULTs in a row without a culprit */
} QmemKvmVcpu;

struct _QmemKvmAccel {
    QmemAccel parent_instance;

    char *device;               /* property "device" */
    guint memtest_timeout_ms;
    gboolean guest_drivers;     /* property "x-guest-drivers" */

    int fd;                     /* /dev/kvm */
    int vm_fd;
    gsize run_size;
    gboolean readonly_mem;
    gboolean ioeventfds;        /* KVM_CAP_IOEVENTFD */
    gboolean irq_status;        /* KVM_CAP_IRQ_INJECT_STATUS */
    gboolean manual_protect;    /* KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 on */

    /*
     * The slot table grows from 16 entries, doubling, up to the kernel's
     * limit (QEMU's per-address-space array).  used_slots includes the
     * private slot of the guest payload.
     */
    QmemKvmSlot *slots;
    guint n_slots;
    guint nr_slots_max;
    guint used_slots;

    QmemAddressSpace *as;       /* the machine's memory: MMIO exits */
    QmemAddressSpace *io_as;    /* its ports (nullable): port I/O exits */
    QmemMemoryListener listener;
    gboolean listening;
    QmemMemoryListener io_listener;     /* ioeventfds on ports */
    gboolean io_listening;

    QmemKvmVcpu *cpus;
    guint n_cpus;

    /*
     * Under the BQL, with cond (signalled under it too): whether the
     * vCPUs may run, the threads' end, the request posted to vCPU 0, and
     * the failure of a guest that crashed between requests (the next
     * request reports it).
     */
    GCond cond;
    gboolean started;
    gboolean quit;
    QmemKvmRequest *request;
    GError *guest_error;

    /* The guest's log lines (x-guest-log), under log_lock. */
    GMutex log_lock;
    GString *guest_log;

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

/* Sets a slot's flags (KVM_MEM_LOG_DIRTY_PAGES) in the kernel too. */
int qmem_kvm_slot_set_flags(QmemKvmAccel *s, int id, guint32 flags);

/* kvm-dirty-log.c: the listener's dirty-log hooks */
void qmem_kvm_dirty_log_init_memory_listener(QmemKvmAccel *s);
/* A slot that goes while logging: its dirty pages first. */
void qmem_kvm_slot_sync_dirty_log(QmemKvmAccel *s, QmemKvmSlot *slot);

/* Unregisters the listener (if registered); the slots stay mapped. */
void qmem_kvm_memory_listener_unregister(QmemKvmAccel *s);

/* Forgets the slot table; called once the VM, and its slots, are gone. */
void qmem_kvm_memslots_reset(QmemKvmAccel *s);

/* kvm-ioeventfd.c: KVM_IOEVENTFD for the memory API's ioeventfds. */

/* The memory listener's eventfd hooks, when KVM has KVM_CAP_IOEVENTFD. */
void qmem_kvm_ioeventfd_init_memory_listener(QmemKvmAccel *s);

/* Registers the listener of the I/O address space (port ioeventfds). */
void qmem_kvm_io_listener_register(QmemKvmAccel *s, QmemAddressSpace *as);
void qmem_kvm_io_listener_unregister(QmemKvmAccel *s);

/* kvm-irqchip.c: the in-kernel interrupt controllers. */

/* KVM_CREATE_IRQCHIP and the arch's default GSI routing; before vCPUs. */
gboolean qmem_kvm_irqchip_create(QmemKvmAccel *s, GError **error);

int qmem_kvm_set_irq(QmemAccel *accel, guint gsi, int level);
int qmem_kvm_send_msi(QmemAccel *accel, guint64 addr, guint32 data);

/* kvm-vcpu.c: vCPU file descriptors, threads, turns and waits. */

/* The most vCPUs a VM has, hot-plugged ones included (pc's max_cpus). */
#define QMEM_KVM_MAX_VCPUS 288

/*
 * A vCPU hot-plugged at @index (below QMEM_KVM_MAX_VCPUS, not taken): its
 * KVM vCPU and its thread, which boots the payload's worker entry and
 * serves memory tests posted for it.  Under the BQL.
 */
gboolean qmem_kvm_hotplug_vcpu(QmemAccel *accel, guint index,
                               GError **error);

/* Creates @n_cpus vCPUs and maps their kvm_run; then the arch's set-up. */
gboolean qmem_kvm_init_vcpus(QmemKvmAccel *s, guint n_cpus, GError **error);

/* Starts one thread per vCPU; they wait for start (s->started). */
gboolean qmem_kvm_start_vcpu_threads(QmemKvmAccel *s, GError **error);

/*
 * Lets vCPU 0 run (start) or stops it and waits until it is out of the
 * guest (stop, QEMU's pause_all_vcpus()).  Called with the BQL held.
 */
void qmem_kvm_vcpus_start(QmemKvmAccel *s);
void qmem_kvm_vcpus_stop(QmemKvmAccel *s);

/*
 * Cancels a request in flight, makes every vCPU leave the guest and joins
 * the threads; takes the BQL if the caller does not hold it, and releases
 * it while it joins.
 */
void qmem_kvm_stop_vcpus(QmemKvmAccel *s);

/* Unmaps and closes what qmem_kvm_init_vcpus() made. */
void qmem_kvm_destroy_vcpus(QmemKvmAccel *s);

/*
 * Makes @cpu leave KVM_RUN, or not enter it again; called with the BQL
 * held.
 */
void qmem_kvm_vcpu_kick(QmemKvmVcpu *cpu);

/* Ends vCPU 0's idle wait: a device has news for the guest's drivers. */
void qmem_kvm_vcpu_wake(QmemKvmAccel *s);

/* One KVM_RUN; an interrupted one is a KVM_EXIT_INTR. */
gboolean qmem_kvm_vcpu_run(QmemKvmVcpu *cpu, GError **error);

/* The vCPU's last exit, which its caller had no use for, as an error. */
void qmem_kvm_vcpu_exit_error(QmemKvmVcpu *cpu, GError **error);

/* kvm-memfault.c: KVM_RUN's EFAULT. */

typedef enum {
    QMEM_KVM_FAULT_STOPPED,     /* the VM stopped in io-error: wait */
    QMEM_KVM_FAULT_RETRY,       /* no page is missing now: run again */
    QMEM_KVM_FAULT_UNKNOWN,     /* not about guest memory: a crash */
} QmemKvmFaultAction;

/* How many EFAULTs in a row may find no missing page before it is fatal. */
#define QMEM_KVM_FAULT_RETRIES 3

/*
 * KVM_RUN failed with EFAULT: the host could not fault in a page of guest
 * memory (the backend's file system is full).  Finds the page and stops
 * the VM with MEMORY_BACKEND_ERROR (qmem_vm_stop_on_memory_error());
 * after cont, KVM_RUN makes the access again.  Under the BQL.
 */
QmemKvmFaultAction qmem_kvm_memory_fault(QmemKvmAccel *s, QmemKvmVcpu *cpu);

/* kvm-exec.c: one turn of vCPU 0 in the guest and the exits it makes. */

typedef enum {
    QMEM_KVM_TURN_IDLE,         /* the guest came back to the idle port */
    QMEM_KVM_TURN_INTERRUPTED,  /* stop, quit or the request's cancel */
    QMEM_KVM_TURN_FAILED,       /* the guest crashed; error set */
} QmemKvmTurnResult;

/*
 * Runs the guest (the BQL released around KVM_RUN, held for each exit it
 * hands to a device) until it is back at the idle port or must stop.
 */
QmemKvmTurnResult qmem_kvm_exec_turn(QmemKvmAccel *s, QmemKvmVcpu *cpu,
                                     GError **error);

/* Appends a line of the guest's log (x-guest-log). */
void qmem_kvm_guest_log_append(QmemKvmAccel *s, const char *line);

/* request.c: requests to vCPU 0 (QmemAccelClass.guest_memtest/guest_io). */

gboolean qmem_kvm_guest_memtest(QmemAccel *accel, guint cpu_index,
                                guint64 addr, guint64 size,
                                guint64 seed, QmemAccelMemtestMode mode,
                                QmemAccelMemtestResult *result,
                                GError **error);
gboolean qmem_kvm_guest_io(QmemAccel *accel, QmemAccelGuestIoSpace space,
                           guint64 addr, guint size, guint count,
                           gboolean is_write, guint8 *buf, GError **error);

/*
 * The vCPU thread's side, under the BQL: the request it may take now
 * (posted, not taken), and the end of one it took.
 */
QmemKvmRequest *qmem_kvm_request_pending(QmemKvmAccel *s, QmemKvmVcpu *cpu);
void qmem_kvm_request_complete(QmemKvmAccel *s, QmemKvmRequest *req,
                               GError *error);

/*
 * Reads what the guest reported for @req at the end of its turn;
 * %FALSE with @error set when the guest did not do what it was asked.
 */
gboolean qmem_kvm_request_read_result(QmemKvmAccel *s, QmemKvmVcpu *cpu,
                                      QmemKvmRequest *req, GError **error);

/*
 * A memory test's access to memory without a memslot at @addr, inside
 * its range: ends the walk there.  Completes reads with what the word
 * should hold.
 */
void qmem_kvm_request_memtest_fault(QmemKvmAccel *s, QmemKvmVcpu *cpu,
                                    QmemKvmRequest *req);

void qmem_kvm_request_free(QmemKvmRequest *req);

/* Provided by the architecture (accel/kvm/x86/). */

/* The host's physical address width (CPUID 0x80000008). */
guint qmem_kvm_arch_host_phys_bits(void);

/* Reads the guest CPUID, builds the private area and maps it. */
gboolean qmem_kvm_arch_init_vm(QmemKvmAccel *s, GError **error);

/* Frees what qmem_kvm_arch_init_vm() made; called once the VM is closed. */
void qmem_kvm_arch_destroy_vm(QmemKvmAccel *s);

/* After KVM_CREATE_IRQCHIP: the board's default GSI routing. */
gboolean qmem_kvm_arch_init_irq_routing(QmemKvmAccel *s, GError **error);

/* Sets the vCPU's CPUID; then qmem_kvm_arch_reset_vcpu(). */
gboolean qmem_kvm_arch_init_vcpu(QmemKvmAccel *s, QmemKvmVcpu *cpu,
                                 GError **error);

/*
 * Puts the vCPU at its entry point, as after power-on: vCPU 0 at the
 * payload's main in ring 3 (the payload image and mailbox restored), the
 * others at the ring-0 park loop.
 */
gboolean qmem_kvm_arch_reset_vcpu(QmemKvmAccel *s, QmemKvmVcpu *cpu,
                                  GError **error);

/*
 * Handles the last exit (port I/O) when it is one of the payload's
 * requests to the VMM itself (x86: mapping memory); %FALSE when not.
 */
gboolean qmem_kvm_arch_handle_port(QmemKvmAccel *s, QmemKvmVcpu *cpu);

/* Whether the last exit is the payload at its idle port, or its log. */
gboolean qmem_kvm_arch_exit_is_idle(QmemKvmVcpu *cpu);
gboolean qmem_kvm_arch_exit_is_log(QmemKvmVcpu *cpu);

/* The end of the guest-physical range the payload can reach. */
guint64 qmem_kvm_arch_memtest_limit(QmemKvmAccel *s);

/*
 * Puts @req (NULL: no request, poll the devices) in @cpu's mailbox (vCPU
 * 0's, or the one of hot-plugged vCPUs) and makes the range it touches
 * addressable; @cpu is not running guest code.
 */
void qmem_kvm_arch_request_prepare(QmemKvmAccel *s, QmemKvmVcpu *cpu,
                                   QmemKvmRequest *req);

/*
 * Reads @req's results from the mailbox; %FALSE with @error set when the
 * guest rejected the request.
 */
gboolean qmem_kvm_arch_request_result(QmemKvmAccel *s, QmemKvmVcpu *cpu,
                                      QmemKvmRequest *req, GError **error);

/* Ends the memory test's walk at @end (the first inaccessible address). */
void qmem_kvm_arch_memtest_clip(QmemKvmAccel *s, QmemKvmVcpu *cpu,
                                guint64 end);

G_END_DECLS

#endif
