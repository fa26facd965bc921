/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The KVM accelerator: a memslot per RAM section, vCPU threads, memtest. */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <gmodule.h>

#include "accel/kvm/kvm-internal.h"
#include "accel/kvm/x86/guest-abi.h"
#include "monitor/qmp.h"
#include "qapi/qmp-command.h"
#include "qobject/json.h"
#include "qom/module.h"
#include "qom/property.h"
#include "util/error.h"

#define KVM_DEVICE_DEFAULT          "/dev/kvm"
#define KVM_SLOTS_INITIAL           16
#define KVM_SLOTS_DEFAULT_MAX       32      /* kernels that report 0 */
#define KVM_VCPUS_DEFAULT_MAX       4       /* QEMU's soft default */
#define SIG_IPI                     SIGUSR1

/* Automatic memtest timeout: 10 s, plus 1 s per 64 MiB. */
#define MEMTEST_TIMEOUT_BASE_MS     10000
#define MEMTEST_TIMEOUT_BYTES_PER_S (64ULL << 20)
/* How long a kicked vCPU may take to come back. */
#define MEMTEST_KICK_GRACE_US       (5 * G_USEC_PER_SEC)

#define MEMTEST_COMMAND             "x-guest-memtest"

enum {
    PROP_0,
    PROP_DEVICE,
    PROP_MEMTEST_TIMEOUT,
    N_PROPS
};

static GParamSpec *props[N_PROPS];

G_DEFINE_DYNAMIC_TYPE_EXTENDED(QmemKvmAccel, qmem_kvm_accel, QMEM_TYPE_ACCEL,
                               G_TYPE_FLAG_FINAL, {})

/* The accelerator x-guest-memtest drives (QEMU's kvm_state). */
static QmemKvmAccel *memtest_accel;

/* ---- memslots ---------------------------------------------------------- */

/*
 * A listener cannot fail and nothing may exit the runner, so a memslot
 * that KVM refuses (QEMU aborts) is reported on stderr and counted.
 */
static void G_GNUC_PRINTF(2, 3) kvm_slot_error(QmemKvmAccel *s,
                                                const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    const char *prg = g_get_prgname();
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    s->memslot_errors++;
    g_printerr("%s: %s\n", prg ? prg : "qmem", msg);
}

static int kvm_alloc_slot(QmemKvmAccel *s)
{
    guint old = s->n_slots;

    for (guint i = 0; i < s->n_slots; i++) {
        if (!s->slots[i].memory_size) {
            return i;
        }
    }
    if (s->n_slots >= s->nr_slots_max) {
        return -1;
    }
    s->n_slots = MIN(MAX(s->n_slots * 2, KVM_SLOTS_INITIAL), s->nr_slots_max);
    s->slots = g_renew(QmemKvmSlot, s->slots, s->n_slots);
    memset(s->slots + old, 0, (s->n_slots - old) * sizeof(QmemKvmSlot));
    return old;
}

static int kvm_set_user_memory_region(QmemKvmAccel *s, int id,
                                      const QmemKvmSlot *slot)
{
    struct kvm_userspace_memory_region mem = {
        .slot = id,
        .flags = slot->flags,
        .guest_phys_addr = slot->start_addr,
        .memory_size = slot->memory_size,
        .userspace_addr = (guintptr)slot->host,
    };

    return ioctl(s->vm_fd, KVM_SET_USER_MEMORY_REGION, &mem) < 0 ? -errno : 0;
}

/* Returns the slot id, -ENOSPC when every slot is taken, or -errno. */
static int kvm_map(QmemKvmAccel *s, guint64 gpa, guint64 size, void *host,
                   guint32 flags)
{
    QmemKvmSlot slot = {
        .start_addr = gpa,
        .memory_size = size,
        .host = host,
        .flags = flags,
    };
    int id = kvm_alloc_slot(s);
    int ret;

    if (id < 0) {
        return -ENOSPC;
    }
    ret = kvm_set_user_memory_region(s, id, &slot);
    if (ret < 0) {
        return ret;
    }
    s->slots[id] = slot;
    s->used_slots++;
    return id;
}

static int kvm_unmap(QmemKvmAccel *s, int id)
{
    QmemKvmSlot slot = s->slots[id];
    int ret;

    slot.memory_size = 0;
    slot.flags = 0;
    ret = kvm_set_user_memory_region(s, id, &slot);
    if (ret < 0) {
        /* The kernel still has it: keep it taken so the ids stay in step. */
        return ret;
    }
    s->slots[id].memory_size = 0;
    s->used_slots--;
    return 0;
}

int qmem_kvm_set_private_slot(QmemKvmAccel *s, guint64 gpa, guint64 size,
                              void *host, GError **error)
{
    int id = kvm_map(s, gpa, size, host, 0);

    if (id < 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "kvm_set_phys_mem: error registering slot: %s",
                    g_strerror(-id));
    }
    return id;
}

/* QEMU's kvm_align_section(): KVM maps whole host pages only. */
static gboolean kvm_align_section(const QmemMemorySection *section,
                                  guint64 *start, guint64 *size, void **host)
{
    guint64 page = sysconf(_SC_PAGESIZE);
    guint64 gpa = section->offset_within_address_space;
    guint64 delta = (page - (gpa & (page - 1))) & (page - 1);

    if (delta >= section->size) {
        return FALSE;
    }
    *start = gpa + delta;
    *size = (section->size - delta) & ~(page - 1);
    *host = (guint8 *)section->host + delta;
    return *size != 0;
}

static QmemKvmAccel *kvm_from_listener(QmemMemoryListener *listener)
{
    return (QmemKvmAccel *)((char *)listener -
                            G_STRUCT_OFFSET(QmemKvmAccel, listener));
}

static void kvm_region_add(QmemMemoryListener *listener,
                           const QmemMemorySection *section)
{
    QmemKvmAccel *s = kvm_from_listener(listener);
    guint64 start, size;
    void *host;
    int id;

    if (!kvm_align_section(section, &start, &size, &host)) {
        return;
    }
    /* Without the capability QEMU maps ROM writable, and so do we. */
    id = kvm_map(s, start, size, host,
                 section->readonly && s->readonly_mem ? KVM_MEM_READONLY : 0);
    if (id == -ENOSPC) {
        kvm_slot_error(s, "kvm_alloc_slot: no free slot");
    } else if (id < 0) {
        kvm_slot_error(s, "kvm_set_phys_mem: error registering slot: %s",
                       g_strerror(-id));
    }
}

static void kvm_region_del(QmemMemoryListener *listener,
                           const QmemMemorySection *section)
{
    QmemKvmAccel *s = kvm_from_listener(listener);
    guint64 start, size;
    void *host;
    int ret;

    if (!kvm_align_section(section, &start, &size, &host)) {
        return;
    }
    for (guint i = 0; i < s->n_slots; i++) {
        QmemKvmSlot *slot = &s->slots[i];

        if (slot->memory_size == size && slot->start_addr == start &&
            slot->host == host) {
            ret = kvm_unmap(s, i);
            if (ret < 0) {
                kvm_slot_error(s, "kvm_set_phys_mem: error unregistering "
                               "slot: %s", g_strerror(-ret));
            }
            return;
        }
    }
    /* Not found: mapping it failed, and that was reported then. */
}

/* ---- vCPUs ------------------------------------------------------------- */

static void kvm_sig_ipi(int sig)
{
}

static void kvm_install_sig_ipi(void)
{
    static gsize installed;

    if (g_once_init_enter(&installed)) {
        struct sigaction sa = { 0 };

        /* No SA_RESTART: the point is to make KVM_RUN return EINTR. */
        sa.sa_handler = kvm_sig_ipi;
        sigemptyset(&sa.sa_mask);
        sigaction(SIG_IPI, &sa, NULL);
        g_once_init_leave(&installed, 1);
    }
}

/* Called with s->lock held. */
static void kvm_vcpu_kick(QmemKvmVcpu *cpu)
{
    /*
     * immediate_exit catches a vCPU that is about to enter KVM_RUN, the
     * signal one that is inside it.
     */
    __atomic_store_n(&cpu->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
    if (cpu->has_tid) {
        pthread_kill(cpu->tid, SIG_IPI);
    }
}

static gboolean kvm_vcpu_run(QmemKvmVcpu *cpu, GError **error)
{
    if (ioctl(cpu->fd, KVM_RUN, 0) < 0) {
        if (errno == EINTR || errno == EAGAIN) {
            cpu->run->exit_reason = KVM_EXIT_INTR;
            return TRUE;
        }
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "KVM_RUN failed: %s", g_strerror(errno));
        return FALSE;
    }
    return TRUE;
}

/* An exit the memtest loop has no use for, as an error. */
static void kvm_unexpected_exit(QmemKvmVcpu *cpu, GError **error)
{
    struct kvm_run *run = cpu->run;

    switch (run->exit_reason) {
    case KVM_EXIT_SHUTDOWN:
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "guest vCPU %u stopped with a triple fault", cpu->index);
        break;
    case KVM_EXIT_FAIL_ENTRY:
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "KVM: entry failed, hardware error 0x%llx",
                    (unsigned long long)
                        run->fail_entry.hardware_entry_failure_reason);
        break;
    case KVM_EXIT_INTERNAL_ERROR:
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "KVM internal error. Suberror: %u",
                    run->internal.suberror);
        break;
    case KVM_EXIT_IO:
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "guest vCPU %u accessed I/O port 0x%x", cpu->index,
                    run->io.port);
        break;
    default:
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "KVM: unknown exit reason %u", run->exit_reason);
        break;
    }
}

static gboolean kvm_request_cancelled(QmemKvmRequest *req, GError **error)
{
    if (g_atomic_int_get(&req->cancelled)) {
        /* The main thread words the error; this one is a placeholder. */
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "cancelled");
        return TRUE;
    }
    return FALSE;
}

/* Brings vCPU 0 from its entry point to the idle port. */
static gboolean kvm_memtest_boot(QmemKvmAccel *s, QmemKvmVcpu *cpu,
                                 QmemKvmRequest *req, GError **error)
{
    if (!qmem_kvm_arch_reset_vcpu(s, cpu, error)) {
        return FALSE;
    }
    for (;;) {
        if (kvm_request_cancelled(req, error) || !kvm_vcpu_run(cpu, error)) {
            return FALSE;
        }
        if (cpu->run->exit_reason == KVM_EXIT_INTR) {
            continue;
        }
        if (qmem_kvm_arch_exit_is_idle(cpu)) {
            return TRUE;
        }
        kvm_unexpected_exit(cpu, error);
        return FALSE;
    }
}

/*
 * An access to guest-physical memory without a memslot (or a write to a
 * read-only one) ends the walk there.  KVM completes the access only on
 * the next KVM_RUN, so that runs with immediate_exit set before the walk's
 * end is moved.
 */
static gboolean kvm_memtest_fault(QmemKvmVcpu *cpu, QmemKvmRequest *req,
                                  GError **error)
{
    struct kvm_run *run = cpu->run;
    guint64 addr = run->mmio.phys_addr;
    int ret;

    if (addr < req->start || addr >= req->end) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "guest vCPU %u accessed 0x%" G_GINT64_MODIFIER "x "
                    "outside the range under test", cpu->index, addr);
        return FALSE;
    }
    if (!req->has_fault || addr < req->fault) {
        req->has_fault = TRUE;
        req->fault = addr;
    }
    if (!run->mmio.is_write) {
        /* What the word should hold, so the read is no mismatch. */
        guint64 word = qmem_kvm_memtest_pattern(req->seed, addr & ~7ULL);
        guint len = MIN(run->mmio.len, (guint)sizeof(run->mmio.data));

        for (guint i = 0; i < len; i++) {
            run->mmio.data[i] = word >> (8 * ((addr + i) & 7));
        }
    }

    __atomic_store_n(&run->immediate_exit, 1, __ATOMIC_SEQ_CST);
    ret = ioctl(cpu->fd, KVM_RUN, 0);
    if (ret == 0 || errno != EINTR) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "KVM_RUN failed to complete an access: %s",
                    g_strerror(ret == 0 ? EPROTO : errno));
        return FALSE;
    }
    /*
     * A kick from the main thread may have set immediate_exit too: it set
     * cancelled first, which is checked before the next KVM_RUN.
     */
    __atomic_store_n(&run->immediate_exit, 0, __ATOMIC_SEQ_CST);
    return qmem_kvm_arch_memtest_clip(cpu, req->fault, error);
}

static gboolean kvm_memtest_walk(QmemKvmAccel *s, QmemKvmVcpu *cpu,
                                 QmemKvmRequest *req, GError **error)
{
    qmem_kvm_arch_memtest_prepare(s, req);
    for (;;) {
        if (kvm_request_cancelled(req, error) || !kvm_vcpu_run(cpu, error)) {
            return FALSE;
        }
        switch (cpu->run->exit_reason) {
        case KVM_EXIT_INTR:
            break;
        case KVM_EXIT_MMIO:
            if (!kvm_memtest_fault(cpu, req, error)) {
                return FALSE;
            }
            break;
        default:
            if (qmem_kvm_arch_exit_is_idle(cpu)) {
                qmem_kvm_arch_memtest_result(s, req);
                return TRUE;
            }
            kvm_unexpected_exit(cpu, error);
            return FALSE;
        }
    }
}

static void kvm_memtest_run(QmemKvmAccel *s, QmemKvmVcpu *cpu,
                            QmemKvmRequest *req)
{
    /* A new request is never cancelled yet: no kick can be pending. */
    __atomic_store_n(&cpu->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
    if (!cpu->ready && !kvm_memtest_boot(s, cpu, req, &req->error)) {
        return;
    }
    cpu->ready = kvm_memtest_walk(s, cpu, req, &req->error);
}

/* Secondary vCPUs run until their first HLT, then stay parked. */
static void kvm_vcpu_park(QmemKvmVcpu *cpu)
{
    g_autoptr(GError) error = NULL;

    for (;;) {
        if (__atomic_load_n(&cpu->run->immediate_exit, __ATOMIC_SEQ_CST) ||
            !kvm_vcpu_run(cpu, &error)) {
            return;
        }
        if (cpu->run->exit_reason != KVM_EXIT_INTR) {
            return;
        }
    }
}

static gpointer kvm_vcpu_thread(gpointer opaque)
{
    QmemKvmVcpu *cpu = opaque;
    QmemKvmAccel *s = cpu->s;
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIG_IPI);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);

    g_mutex_lock(&s->lock);
    cpu->tid = pthread_self();
    cpu->has_tid = TRUE;
    while (!s->quit) {
        QmemKvmRequest *req = s->request;

        if (s->started && cpu->index == 0 && req && !req->done) {
            g_mutex_unlock(&s->lock);
            kvm_memtest_run(s, cpu, req);
            g_mutex_lock(&s->lock);
            req->done = TRUE;
            g_cond_broadcast(&s->cond);
        } else if (s->started && cpu->index != 0 && !cpu->parked) {
            g_mutex_unlock(&s->lock);
            kvm_vcpu_park(cpu);
            g_mutex_lock(&s->lock);
            cpu->parked = TRUE;
            g_cond_broadcast(&s->cond);
        } else {
            g_cond_wait(&s->cond, &s->lock);
        }
    }
    cpu->has_tid = FALSE;
    g_mutex_unlock(&s->lock);
    return NULL;
}

/* ---- x-guest-memtest --------------------------------------------------- */

static void kvm_request_free(QmemKvmRequest *req)
{
    if (req) {
        g_clear_error(&req->error);
        g_free(req);
    }
}

gboolean qmem_kvm_memtest(QmemKvmAccel *s, guint64 addr, guint64 size,
                          guint64 seed, QmemKvmMemtestMode mode,
                          QmemKvmMemtestResult *result, GError **error)
{
    QmemKvmRequest *req;
    QmemKvmVcpu *cpu;
    guint64 limit, timeout_ms;
    gint64 deadline;
    gboolean timed_out = FALSE;

    g_return_val_if_fail(QMEM_IS_KVM_ACCEL(s), FALSE);
    g_return_val_if_fail(result != NULL, FALSE);

    memset(result, 0, sizeof(*result));
    if (s->vm_fd < 0 || !s->n_cpus) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "the guest has no vCPU to run a memory test");
        return FALSE;
    }
    if ((addr | size) & 7) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "memory test range 0x%" G_GINT64_MODIFIER "x+0x%"
                    G_GINT64_MODIFIER "x is not 8-byte aligned", addr, size);
        return FALSE;
    }
    limit = qmem_kvm_arch_memtest_limit(s);
    if (addr > limit || size > limit - addr) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "memory test range 0x%" G_GINT64_MODIFIER "x+0x%"
                    G_GINT64_MODIFIER "x is beyond what the guest can "
                    "address (0x%" G_GINT64_MODIFIER "x)", addr, size,
                    limit);
        return FALSE;
    }

    cpu = &s->cpus[0];
    g_mutex_lock(&s->lock);
    if (!s->started) {
        g_mutex_unlock(&s->lock);
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "the guest is not running");
        return FALSE;
    }
    if (s->request) {
        if (!s->request->done) {
            g_mutex_unlock(&s->lock);
            g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                                "guest vCPU 0 is not responding");
            return FALSE;
        }
        g_clear_pointer(&s->request, kvm_request_free);
    }
    if (!size) {
        g_mutex_unlock(&s->lock);
        return TRUE;
    }

    req = g_new0(QmemKvmRequest, 1);
    req->op = mode == QMEM_KVM_MEMTEST_VERIFY ? QMEM_KVM_X86_OP_VERIFY
                                              : QMEM_KVM_X86_OP_WRITE_VERIFY;
    req->start = addr;
    req->end = addr + size;
    req->seed = seed;
    s->request = req;
    g_cond_broadcast(&s->cond);

    timeout_ms = s->memtest_timeout_ms;
    if (!timeout_ms) {
        timeout_ms = MEMTEST_TIMEOUT_BASE_MS +
                     size / MEMTEST_TIMEOUT_BYTES_PER_S * 1000;
    }
    deadline = g_get_monotonic_time() + MIN(timeout_ms, G_MAXINT64 / 2000) *
                                        1000;
    while (!req->done) {
        if (g_cond_wait_until(&s->cond, &s->lock, deadline)) {
            continue;
        }
        if (timed_out) {
            /* The request stays with the vCPU until it comes back. */
            g_mutex_unlock(&s->lock);
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "guest memory test timed out after %"
                        G_GUINT64_FORMAT " ms", timeout_ms);
            return FALSE;
        }
        timed_out = TRUE;
        g_atomic_int_set(&req->cancelled, 1);
        kvm_vcpu_kick(cpu);
        deadline = g_get_monotonic_time() + MEMTEST_KICK_GRACE_US;
    }
    s->request = NULL;
    g_mutex_unlock(&s->lock);

    if (timed_out) {
        /* Stopped mid-walk: start from the entry point next time. */
        cpu->ready = FALSE;
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "guest memory test timed out after %" G_GUINT64_FORMAT
                    " ms", timeout_ms);
        kvm_request_free(req);
        return FALSE;
    }
    if (req->error) {
        g_propagate_error(error, g_steal_pointer(&req->error));
        kvm_request_free(req);
        return FALSE;
    }
    if (req->end_out != (req->has_fault ? req->fault : req->end)) {
        cpu->ready = FALSE;
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "guest vCPU 0 stopped at 0x%" G_GINT64_MODIFIER "x "
                    "instead of 0x%" G_GINT64_MODIFIER "x", req->end_out,
                    req->has_fault ? req->fault : req->end);
        kvm_request_free(req);
        return FALSE;
    }
    result->checked = req->end_out - req->start;
    result->mismatches = req->mismatches;
    result->has_fault_addr = req->has_fault;
    result->fault_addr = req->fault;
    kvm_request_free(req);
    return TRUE;
}

static JsonNode *qmp_x_guest_memtest(JsonObject *args, GError **error)
{
    static const char *const allowed[] = {
        "addr", "size", "seed", "mode", NULL
    };
    QmemKvmMemtestMode mode = QMEM_KVM_MEMTEST_WRITE_VERIFY;
    QmemKvmMemtestResult result;
    guint64 addr, size, seed = 0;
    const char *mode_str = NULL;
    gboolean has_seed, has_mode;
    JsonObject *ret;
    JsonNode *node;

    if (!qmem_qmp_arg_uint64(args, "addr", NULL, &addr, error) ||
        !qmem_qmp_arg_uint64(args, "size", NULL, &size, error) ||
        !qmem_qmp_arg_uint64(args, "seed", &has_seed, &seed, error) ||
        !qmem_qmp_arg_str(args, "mode", &has_mode, &mode_str, error)) {
        return NULL;
    }
    if (has_mode) {
        if (!strcmp(mode_str, "verify")) {
            mode = QMEM_KVM_MEMTEST_VERIFY;
        } else if (strcmp(mode_str, "write-verify")) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Parameter 'mode' does not accept value '%s'",
                        mode_str);
            return NULL;
        }
    }
    if (!qmem_qmp_check_args(args, allowed, error)) {
        return NULL;
    }
    if (!memtest_accel) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "the guest has no vCPU to run a memory test");
        return NULL;
    }
    if (!qmem_kvm_memtest(memtest_accel, addr, size, seed, mode, &result,
                          error)) {
        return NULL;
    }
    ret = json_object_new();
    json_object_set_member(ret, "checked",
                           qmem_json_node_new_uint64(result.checked));
    json_object_set_member(ret, "mismatches",
                           qmem_json_node_new_uint64(result.mismatches));
    if (result.has_fault_addr) {
        json_object_set_member(ret, "fault-addr",
                               qmem_json_node_new_uint64(result.fault_addr));
    }
    node = json_node_new(JSON_NODE_OBJECT);
    json_node_take_object(node, ret);
    return node;
}

/* ---- the accelerator --------------------------------------------------- */

static int kvm_check_extension(int fd, unsigned int cap)
{
    int ret = ioctl(fd, KVM_CHECK_EXTENSION, cap);

    return ret < 0 ? 0 : ret;
}

/* Undoes init_machine, from wherever it got to. */
static void kvm_teardown(QmemKvmAccel *s)
{
    g_mutex_lock(&s->lock);
    s->quit = TRUE;
    if (s->request) {
        g_atomic_int_set(&s->request->cancelled, 1);
    }
    for (guint i = 0; i < s->n_cpus; i++) {
        if (s->cpus[i].run) {
            kvm_vcpu_kick(&s->cpus[i]);
        }
    }
    g_cond_broadcast(&s->cond);
    g_mutex_unlock(&s->lock);
    for (guint i = 0; i < s->n_cpus; i++) {
        if (s->cpus[i].thread) {
            g_thread_join(s->cpus[i].thread);
            s->cpus[i].thread = NULL;
        }
    }
    g_clear_pointer(&s->request, kvm_request_free);

    if (memtest_accel == s) {
        memtest_accel = NULL;
        qmem_qmp_unregister_command(MEMTEST_COMMAND);
    }
    if (s->listening) {
        qmem_memory_listener_unregister(&s->listener);
        s->listening = FALSE;
    }
    for (guint i = 0; i < s->n_cpus; i++) {
        if (s->cpus[i].run) {
            munmap(s->cpus[i].run, s->run_size);
        }
        if (s->cpus[i].fd >= 0) {
            close(s->cpus[i].fd);
        }
    }
    g_clear_pointer(&s->cpus, g_free);
    s->n_cpus = 0;
    if (s->vm_fd >= 0) {
        close(s->vm_fd);
        s->vm_fd = -1;
    }
    /* The VM is gone, so its memslots are: now the memory may go too. */
    qmem_kvm_arch_destroy_vm(s);
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
    g_clear_pointer(&s->slots, g_free);
    s->n_slots = 0;
    s->used_slots = 0;
    s->as = NULL;
    s->started = FALSE;
    s->quit = FALSE;
}

static gboolean kvm_fail_init(QmemKvmAccel *s, GError **error, int err,
                              const char *fmt, ...) G_GNUC_PRINTF(4, 5);

/*
 * QEMU prints the reason, then "failed to initialize kvm: <errno text>":
 * the latter is the message here and the reason its hint.
 */
static gboolean kvm_fail_init(QmemKvmAccel *s, GError **error, int err,
                              const char *fmt, ...)
{
    g_autofree char *reason = NULL;
    GError *e;
    va_list ap;

    va_start(ap, fmt);
    reason = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    e = g_error_new(QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "failed to initialize kvm: %s", g_strerror(err));
    qmem_error_set_hint(e, "%s\n", reason);
    g_propagate_error(error, e);
    kvm_teardown(s);
    return FALSE;
}

static gboolean kvm_init_vcpus(QmemKvmAccel *s, guint n_cpus, GError **error)
{
    s->cpus = g_new0(QmemKvmVcpu, n_cpus);
    s->n_cpus = n_cpus;
    for (guint i = 0; i < n_cpus; i++) {
        s->cpus[i].fd = -1;
    }
    for (guint i = 0; i < n_cpus; i++) {
        QmemKvmVcpu *cpu = &s->cpus[i];
        void *run;

        cpu->s = s;
        cpu->index = i;
        cpu->fd = ioctl(s->vm_fd, KVM_CREATE_VCPU, (unsigned long)i);
        if (cpu->fd < 0) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "kvm_init_vcpu: kvm_get_vcpu failed (%u): %s", i,
                        g_strerror(errno));
            return FALSE;
        }
        run = mmap(NULL, s->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
                   cpu->fd, 0);
        if (run == MAP_FAILED) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "mmap'ing vcpu state failed: %s", g_strerror(errno));
            return FALSE;
        }
        cpu->run = run;
        if (!qmem_kvm_arch_init_vcpu(s, cpu, error)) {
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean kvm_init_machine(QmemAccel *accel,
                                 QmemAddressSpace *system_memory,
                                 guint n_cpus, GError **error)
{
    QmemKvmAccel *s = QMEM_KVM_ACCEL(accel);
    int ret, max_vcpus, mmap_size;

    g_return_val_if_fail(s->vm_fd < 0, FALSE);

    s->fd = open(s->device, O_RDWR | O_CLOEXEC);
    if (s->fd < 0) {
        int err = errno;

        return kvm_fail_init(s, error, err,
                             "Could not access KVM kernel module: %s",
                             g_strerror(err));
    }
    ret = ioctl(s->fd, KVM_GET_API_VERSION, 0);
    if (ret < KVM_API_VERSION) {
        return kvm_fail_init(s, error, ret < 0 ? errno : EINVAL,
                             "kvm version too old");
    }
    if (ret > KVM_API_VERSION) {
        return kvm_fail_init(s, error, EINVAL, "kvm version not supported");
    }
    do {
        s->vm_fd = ioctl(s->fd, KVM_CREATE_VM, 0);
    } while (s->vm_fd < 0 && errno == EINTR);
    if (s->vm_fd < 0) {
        int err = errno;

        return kvm_fail_init(s, error, err,
                             "ioctl(KVM_CREATE_VM) failed: %d %s", err,
                             g_strerror(err));
    }
    if (!kvm_check_extension(s->fd, KVM_CAP_IMMEDIATE_EXIT)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_KVM_MISSING_CAP,
                    "kvm does not support %s", "KVM_CAP_IMMEDIATE_EXIT");
        kvm_teardown(s);
        return FALSE;
    }

    s->nr_slots_max = kvm_check_extension(s->vm_fd, KVM_CAP_NR_MEMSLOTS);
    if (!s->nr_slots_max) {
        s->nr_slots_max = KVM_SLOTS_DEFAULT_MAX;
    }
    s->readonly_mem = kvm_check_extension(s->vm_fd,
                                          KVM_CAP_READONLY_MEM) > 0;
    max_vcpus = kvm_check_extension(s->vm_fd, KVM_CAP_MAX_VCPUS);
    if (!max_vcpus) {
        max_vcpus = kvm_check_extension(s->vm_fd, KVM_CAP_NR_VCPUS);
    }
    if (!max_vcpus) {
        max_vcpus = KVM_VCPUS_DEFAULT_MAX;
    }
    if (n_cpus > (guint)max_vcpus) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Number of SMP cpus requested (%u) exceeds the maximum "
                    "cpus supported by KVM (%d)", n_cpus, max_vcpus);
        kvm_teardown(s);
        return FALSE;
    }
    mmap_size = ioctl(s->fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (mmap_size < 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "KVM_GET_VCPU_MMAP_SIZE failed: %s", g_strerror(errno));
        kvm_teardown(s);
        return FALSE;
    }
    s->run_size = mmap_size;

    if (!qmem_kvm_arch_init_vm(s, error) ||
        !kvm_init_vcpus(s, n_cpus, error)) {
        kvm_teardown(s);
        return FALSE;
    }

    s->as = system_memory;
    s->listener.region_add = kvm_region_add;
    s->listener.region_del = kvm_region_del;
    s->listener.priority = 10;
    s->listener.name = "kvm-memory";
    qmem_memory_listener_register(&s->listener, system_memory);
    s->listening = TRUE;

    kvm_install_sig_ipi();
    for (guint i = 0; i < n_cpus; i++) {
        g_autofree char *name = g_strdup_printf("qmem-vcpu-%u", i);

        s->cpus[i].thread = g_thread_try_new(name, kvm_vcpu_thread,
                                             &s->cpus[i], error);
        if (!s->cpus[i].thread) {
            kvm_teardown(s);
            return FALSE;
        }
    }

    if (!memtest_accel) {
        if (!qmem_qmp_has_command(MEMTEST_COMMAND)) {
            qmem_qmp_register_command(MEMTEST_COMMAND, qmp_x_guest_memtest,
                                      QMEM_QMP_COMMAND_NONE);
        }
        memtest_accel = s;
    }
    return TRUE;
}

static void kvm_get_memslots(QmemAccel *accel, guint *max, guint *free)
{
    QmemKvmAccel *s = QMEM_KVM_ACCEL(accel);

    if (s->vm_fd < 0) {
        /*
         * Asked before init_machine (cold-plugged devices are checked
         * first): what a VM will offer, less the payload's slot.
         */
        if (!s->nr_slots_max) {
            int fd = open(s->device, O_RDWR | O_CLOEXEC);

            if (fd >= 0) {
                s->nr_slots_max = kvm_check_extension(fd,
                                                      KVM_CAP_NR_MEMSLOTS);
                if (!s->nr_slots_max) {
                    s->nr_slots_max = KVM_SLOTS_DEFAULT_MAX;
                }
                close(fd);
            }
        }
        *max = s->nr_slots_max;
        *free = s->nr_slots_max ? s->nr_slots_max - 1 : 0;
        return;
    }
    *max = s->nr_slots_max;
    *free = s->nr_slots_max - s->used_slots;
}

static void kvm_start(QmemAccel *accel)
{
    QmemKvmAccel *s = QMEM_KVM_ACCEL(accel);

    g_mutex_lock(&s->lock);
    s->started = TRUE;
    g_cond_broadcast(&s->cond);
    g_mutex_unlock(&s->lock);
}

static void kvm_shutdown(QmemAccel *accel)
{
    kvm_teardown(QMEM_KVM_ACCEL(accel));
}

static guint kvm_phys_bits(QmemAccel *accel)
{
    return qmem_kvm_arch_host_phys_bits();
}

int qmem_kvm_accel_get_vm_fd(QmemKvmAccel *s)
{
    g_return_val_if_fail(QMEM_IS_KVM_ACCEL(s), -1);

    return s->vm_fd;
}

int qmem_kvm_accel_lookup_slot(QmemKvmAccel *s, guint64 gpa)
{
    g_return_val_if_fail(QMEM_IS_KVM_ACCEL(s), -1);

    for (guint i = 0; i < s->n_slots; i++) {
        QmemKvmSlot *slot = &s->slots[i];

        if (slot->memory_size && gpa >= slot->start_addr &&
            gpa - slot->start_addr < slot->memory_size) {
            return i;
        }
    }
    return -1;
}

guint qmem_kvm_accel_get_memslot_errors(QmemKvmAccel *s)
{
    g_return_val_if_fail(QMEM_IS_KVM_ACCEL(s), 0);

    return s->memslot_errors;
}

static void qmem_kvm_accel_set_property(GObject *obj, guint prop_id,
                                        const GValue *value,
                                        GParamSpec *pspec)
{
    QmemKvmAccel *s = QMEM_KVM_ACCEL(obj);

    switch (prop_id) {
    case PROP_DEVICE:
        g_free(s->device);
        s->device = g_value_dup_string(value);
        break;
    case PROP_MEMTEST_TIMEOUT:
        s->memtest_timeout_ms = g_value_get_uint(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, prop_id, pspec);
    }
}

static void qmem_kvm_accel_get_property(GObject *obj, guint prop_id,
                                        GValue *value, GParamSpec *pspec)
{
    QmemKvmAccel *s = QMEM_KVM_ACCEL(obj);

    switch (prop_id) {
    case PROP_DEVICE:
        g_value_set_string(value, s->device);
        break;
    case PROP_MEMTEST_TIMEOUT:
        g_value_set_uint(value, s->memtest_timeout_ms);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, prop_id, pspec);
    }
}

static void qmem_kvm_accel_finalize(GObject *obj)
{
    QmemKvmAccel *s = QMEM_KVM_ACCEL(obj);

    kvm_teardown(s);
    g_free(s->device);
    g_mutex_clear(&s->lock);
    g_cond_clear(&s->cond);
    G_OBJECT_CLASS(qmem_kvm_accel_parent_class)->finalize(obj);
}

static void qmem_kvm_accel_class_init(QmemKvmAccelClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    QmemAccelClass *accel_class = QMEM_ACCEL_CLASS(klass);

    object_class->set_property = qmem_kvm_accel_set_property;
    object_class->get_property = qmem_kvm_accel_get_property;
    object_class->finalize = qmem_kvm_accel_finalize;
    accel_class->init_machine = kvm_init_machine;
    accel_class->get_memslots = kvm_get_memslots;
    accel_class->start = kvm_start;
    accel_class->shutdown = kvm_shutdown;
    accel_class->phys_bits = kvm_phys_bits;
    accel_class->kind = QMEM_ACCEL_KIND_KVM;

    props[PROP_DEVICE] =
        g_param_spec_string("device", NULL,
                            "Path to the KVM device node",
                            KVM_DEVICE_DEFAULT,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                            G_PARAM_EXPLICIT_NOTIFY);
    props[PROP_MEMTEST_TIMEOUT] =
        g_param_spec_uint(QMEM_KVM_ACCEL_PROP_MEMTEST_TIMEOUT, NULL,
                          "How long x-guest-memtest may take, in ms "
                          "(0: 10 s plus 1 s per 64 MiB)",
                          0, G_MAXUINT, 0,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                          G_PARAM_EXPLICIT_NOTIFY);
    g_object_class_install_properties(object_class, N_PROPS, props);
}

static void qmem_kvm_accel_class_finalize(QmemKvmAccelClass *klass)
{
}

static void qmem_kvm_accel_init(QmemKvmAccel *s)
{
    s->device = g_strdup(KVM_DEVICE_DEFAULT);
    s->fd = -1;
    s->vm_fd = -1;
    g_mutex_init(&s->lock);
    g_cond_init(&s->cond);
}

G_MODULE_EXPORT void qmem_module_kvm_register(GTypeModule *module);

G_MODULE_EXPORT void qmem_module_kvm_register(GTypeModule *module)
{
    qmem_kvm_accel_register_type(module);
    qmem_type_register_name(QMEM_TYPE_NAME_KVM_ACCEL,
                            qmem_kvm_accel_get_type());
}
