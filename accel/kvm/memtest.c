/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The KVM side of the guest memory test: requests to vCPU 0 and back. */

#include <errno.h>
#include <sys/ioctl.h>

#include "accel/kvm/kvm-internal.h"
#include "util/error.h"

/* Automatic memtest timeout: 10 s, plus 1 s per 64 MiB. */
#define MEMTEST_TIMEOUT_BASE_MS     10000
#define MEMTEST_TIMEOUT_BYTES_PER_S (64ULL << 20)
/* How long a kicked vCPU may take to come back. */
#define MEMTEST_KICK_GRACE_US       (5 * G_USEC_PER_SEC)

void qmem_kvm_request_free(QmemKvmRequest *req)
{
    if (req) {
        g_clear_error(&req->error);
        g_free(req);
    }
}

/* ---- vCPU 0's side, in its thread -------------------------------------- */

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
        if (kvm_request_cancelled(req, error) ||
            !qmem_kvm_vcpu_run(cpu, error)) {
            return FALSE;
        }
        if (cpu->run->exit_reason == KVM_EXIT_INTR) {
            continue;
        }
        if (qmem_kvm_arch_exit_is_idle(cpu)) {
            return TRUE;
        }
        qmem_kvm_vcpu_exit_error(cpu, error);
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
        guint64 word = qmem_accel_memtest_pattern(req->seed, addr & ~7ULL);
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
        if (kvm_request_cancelled(req, error) ||
            !qmem_kvm_vcpu_run(cpu, error)) {
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
            qmem_kvm_vcpu_exit_error(cpu, error);
            return FALSE;
        }
    }
}

void qmem_kvm_memtest_run(QmemKvmAccel *s, QmemKvmVcpu *cpu,
                          QmemKvmRequest *req)
{
    /* A new request is never cancelled yet: no kick can be pending. */
    __atomic_store_n(&cpu->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
    if (!cpu->ready && !kvm_memtest_boot(s, cpu, req, &req->error)) {
        return;
    }
    cpu->ready = kvm_memtest_walk(s, cpu, req, &req->error);
}

/* ---- the main thread's side -------------------------------------------- */

static gboolean kvm_memtest_check_range(QmemKvmAccel *s, guint64 addr,
                                        guint64 size, GError **error)
{
    guint64 limit;

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
    return TRUE;
}

/*
 * Whether vCPU 0 can take a request: the guest runs and the last request
 * (one that timed out, perhaps) came back.  Called with s->lock held.
 */
static gboolean kvm_memtest_vcpu_idle(QmemKvmAccel *s, GError **error)
{
    if (!s->started) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "the guest is not running");
        return FALSE;
    }
    if (s->request) {
        if (!s->request->done) {
            g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                                "guest vCPU 0 is not responding");
            return FALSE;
        }
        g_clear_pointer(&s->request, qmem_kvm_request_free);
    }
    return TRUE;
}

static guint64 kvm_memtest_timeout_ms(QmemKvmAccel *s, guint64 size)
{
    if (s->memtest_timeout_ms) {
        return s->memtest_timeout_ms;
    }
    return MEMTEST_TIMEOUT_BASE_MS + size / MEMTEST_TIMEOUT_BYTES_PER_S * 1000;
}

static void kvm_memtest_timeout_error(guint64 timeout_ms, GError **error)
{
    g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                "guest memory test timed out after %" G_GUINT64_FORMAT " ms",
                timeout_ms);
}

/*
 * Waits, with s->lock held, until vCPU 0 is done with @req; when it takes
 * longer than @timeout_ms the request is cancelled and @timed_out set.
 *
 * Returns: %FALSE when vCPU 0 did not come back from a cancelled request
 *   either; the request then stays with it.
 */
static gboolean kvm_memtest_wait(QmemKvmAccel *s, QmemKvmRequest *req,
                                 guint64 timeout_ms, gboolean *timed_out)
{
    gint64 deadline = g_get_monotonic_time()
                      + MIN(timeout_ms, G_MAXINT64 / 2000) * 1000;

    *timed_out = FALSE;
    while (!req->done) {
        if (g_cond_wait_until(&s->cond, &s->lock, deadline)) {
            continue;
        }
        if (*timed_out) {
            return FALSE;
        }
        *timed_out = TRUE;
        g_atomic_int_set(&req->cancelled, 1);
        qmem_kvm_vcpu_kick(&s->cpus[0]);
        deadline = g_get_monotonic_time() + MEMTEST_KICK_GRACE_US;
    }
    return TRUE;
}

/* What vCPU 0 reported for @req, which is done. */
static gboolean kvm_memtest_finish(QmemKvmAccel *s, QmemKvmRequest *req,
                                   QmemAccelMemtestResult *result,
                                   GError **error)
{
    guint64 end = req->has_fault ? req->fault : req->end;

    if (req->error) {
        g_propagate_error(error, g_steal_pointer(&req->error));
        return FALSE;
    }
    if (req->end_out != end) {
        s->cpus[0].ready = FALSE;
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "guest vCPU 0 stopped at 0x%" G_GINT64_MODIFIER "x "
                    "instead of 0x%" G_GINT64_MODIFIER "x",
                    req->end_out, end);
        return FALSE;
    }
    result->checked = req->end_out - req->start;
    result->mismatches = req->mismatches;
    result->has_fault_addr = req->has_fault;
    result->fault_addr = req->fault;
    return TRUE;
}

gboolean qmem_kvm_guest_memtest(QmemAccel *accel, guint64 addr, guint64 size,
                                guint64 seed, QmemAccelMemtestMode mode,
                                QmemAccelMemtestResult *result, GError **error)
{
    QmemKvmAccel *s = QMEM_KVM_ACCEL(accel);
    guint64 timeout_ms = kvm_memtest_timeout_ms(s, size);
    QmemKvmRequest *req;
    gboolean timed_out, ok;

    if (!kvm_memtest_check_range(s, addr, size, error)) {
        return FALSE;
    }
    g_mutex_lock(&s->lock);
    if (!kvm_memtest_vcpu_idle(s, error)) {
        g_mutex_unlock(&s->lock);
        return FALSE;
    }
    if (!size) {
        g_mutex_unlock(&s->lock);
        return TRUE;
    }
    req = g_new0(QmemKvmRequest, 1);
    req->mode = mode;
    req->start = addr;
    req->end = addr + size;
    req->seed = seed;
    s->request = req;
    g_cond_broadcast(&s->cond);
    if (!kvm_memtest_wait(s, req, timeout_ms, &timed_out)) {
        g_mutex_unlock(&s->lock);
        kvm_memtest_timeout_error(timeout_ms, error);
        return FALSE;
    }
    s->request = NULL;
    g_mutex_unlock(&s->lock);

    if (timed_out) {
        /* Stopped mid-walk: start from the entry point next time. */
        s->cpus[0].ready = FALSE;
        kvm_memtest_timeout_error(timeout_ms, error);
        ok = FALSE;
    } else {
        ok = kvm_memtest_finish(s, req, result, error);
    }
    qmem_kvm_request_free(req);
    return ok;
}
