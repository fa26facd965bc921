/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Requests to vCPU 0: the guest memory test and guest I/O, there and back. */

#include <string.h>

#include "accel/kvm/kvm-internal.h"
#include "system/runstate.h"
#include "util/error.h"
#include "util/main-loop.h"

/* Automatic memtest timeout: 10 s, plus 1 s per 64 MiB. */
#define MEMTEST_TIMEOUT_BASE_MS     10000
#define MEMTEST_TIMEOUT_BYTES_PER_S (64ULL << 20)
/* Guest I/O: the same 10 s (a device answers each access at once). */
#define IO_TIMEOUT_MS               10000
/* How long a kicked vCPU may take to come back. */
#define REQUEST_KICK_GRACE_US       (5 * G_USEC_PER_SEC)

void qmem_kvm_request_free(QmemKvmRequest *req)
{
    if (req) {
        g_clear_error(&req->error);
        g_free(req);
    }
}

/* ---- vCPU 0's side, in its thread, under the BQL ----------------------- */

QmemKvmRequest *qmem_kvm_request_pending(QmemKvmAccel *s, QmemKvmVcpu *cpu)
{
    QmemKvmRequest *req = s->request;

    return req && !req->taken && req->cpu_index == cpu->index ? req : NULL;
}

void qmem_kvm_request_complete(QmemKvmAccel *s, QmemKvmRequest *req,
                               GError *error)
{
    if (error) {
        g_clear_error(&req->error);
        req->error = error;
    }
    req->done = TRUE;
    g_cond_broadcast(&s->cond);
}

gboolean qmem_kvm_request_read_result(QmemKvmAccel *s, QmemKvmVcpu *cpu,
                                      QmemKvmRequest *req, GError **error)
{
    guint64 end = req->has_fault ? req->fault : req->end;

    if (!qmem_kvm_arch_request_result(s, cpu, req, error)) {
        return FALSE;
    }
    if (req->kind == QMEM_KVM_REQUEST_MEMTEST && req->end_out != end) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "guest vCPU %u stopped at 0x%" G_GINT64_MODIFIER "x "
                    "instead of 0x%" G_GINT64_MODIFIER "x", cpu->index,
                    req->end_out, end);
        return FALSE;
    }
    return TRUE;
}

/*
 * The walk touched memory without a memslot (or wrote read-only memory)
 * inside its range: the first such address ends the walk, in both
 * passes.  KVM completes the access at the next KVM_RUN: a read gets what
 * the word should hold (the pattern, or 0), so that it is no mismatch.
 */
void qmem_kvm_request_memtest_fault(QmemKvmAccel *s, QmemKvmVcpu *cpu,
                                    QmemKvmRequest *req)
{
    struct kvm_run *run = cpu->run;
    guint64 addr = run->mmio.phys_addr;

    if (!req->has_fault || addr < req->fault) {
        req->has_fault = TRUE;
        req->fault = addr;
        qmem_kvm_arch_memtest_clip(s, cpu, addr);
    }
    if (!run->mmio.is_write) {
        guint64 word = req->mode == QMEM_ACCEL_MEMTEST_VERIFY_ZERO ? 0 :
                       qmem_accel_memtest_pattern(req->seed, addr & ~7ULL);
        guint len = MIN(run->mmio.len, (guint)sizeof(run->mmio.data));

        for (guint i = 0; i < len; i++) {
            run->mmio.data[i] = word >> (8 * ((addr + i) & 7));
        }
    }
}

/* ---- the main thread's side, under the BQL ----------------------------- */

static gboolean kvm_request_has_vcpu(QmemKvmAccel *s)
{
    return s->vm_fd >= 0 && s->n_cpus;
}

/*
 * Whether vCPU 0 can take a request: the guest runs and the last request
 * (one that timed out, perhaps) came back.
 */
static gboolean kvm_request_can_post(QmemKvmAccel *s, GError **error)
{
    if (!s->started) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "the guest is not running");
        return FALSE;
    }
    if (s->request) {
        if (!s->request->done) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "guest vCPU %u is not responding",
                        s->request->cpu_index);
            return FALSE;
        }
        g_clear_pointer(&s->request, qmem_kvm_request_free);
    }
    return TRUE;
}

/*
 * Hands @req to vCPU 0 and waits until it is done, with the BQL released
 * (the vCPU takes it for the exits it hands to devices); when that takes
 * longer than @timeout_ms the request is cancelled and @timed_out set.
 *
 * Returns: the request, done, for the caller to free; %NULL when it
 *   failed (@error set) or timed out (if vCPU 0 did not come back from
 *   the cancel either, the request stays with it: s->request).
 */
static QmemKvmRequest *kvm_request_run(QmemKvmAccel *s, QmemKvmRequest *req,
                                       guint64 timeout_ms,
                                       gboolean *timed_out, GError **error)
{
    gint64 deadline = g_get_monotonic_time()
                      + MIN(timeout_ms, G_MAXINT64 / 2000) * 1000;

    *timed_out = FALSE;
    s->request = req;
    g_cond_broadcast(&s->cond);
    while (!req->done) {
        if (!s->started && !*timed_out) {
            /*
             * The VM stopped under the request (a backend could not
             * supply a page): it stays with vCPU 0, which finishes it
             * after cont, and the next request takes its place then.
             */
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "the VM stopped (%s)",
                        qmem_run_state_str(qmem_runstate_get()));
            return NULL;
        }
        if (qmem_bql_cond_wait_until(&s->cond, deadline)) {
            continue;
        }
        if (*timed_out) {
            break;
        }
        *timed_out = TRUE;
        g_atomic_int_set(&req->cancelled, 1);
        qmem_kvm_vcpu_kick(&s->cpus[req->cpu_index]);
        g_cond_broadcast(&s->cond);
        deadline = g_get_monotonic_time() + REQUEST_KICK_GRACE_US;
    }
    if (*timed_out) {
        if (req->done) {
            g_clear_pointer(&s->request, qmem_kvm_request_free);
        }
        return NULL;
    }
    s->request = NULL;
    if (req->error) {
        g_propagate_error(error, g_steal_pointer(&req->error));
        qmem_kvm_request_free(req);
        return NULL;
    }
    return req;
}

static gboolean kvm_memtest_check_range(QmemKvmAccel *s, guint64 addr,
                                        guint64 size, GError **error)
{
    guint64 limit;

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

static guint64 kvm_memtest_timeout_ms(QmemKvmAccel *s, guint64 size)
{
    if (s->memtest_timeout_ms) {
        return s->memtest_timeout_ms;
    }
    return MEMTEST_TIMEOUT_BASE_MS + size / MEMTEST_TIMEOUT_BYTES_PER_S * 1000;
}

gboolean qmem_kvm_guest_memtest(QmemAccel *accel, guint cpu_index,
                                guint64 addr, guint64 size,
                                guint64 seed, QmemAccelMemtestMode mode,
                                QmemAccelMemtestResult *result, GError **error)
{
    QmemKvmAccel *s = QMEM_KVM_ACCEL(accel);
    guint64 timeout_ms = kvm_memtest_timeout_ms(s, size);
    QmemKvmRequest *req;
    gboolean timed_out;

    if (!kvm_request_has_vcpu(s)) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "the guest has no vCPU to run a memory test");
        return FALSE;
    }
    /* vCPU 0 or a hot-plugged one; boot vCPUs other than 0 are parked. */
    if (cpu_index && (cpu_index >= s->n_cpus ||
                      !s->cpus[cpu_index].worker)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "CPU %u cannot run a memory test: only vCPU 0 and "
                    "hot-plugged vCPUs run guest code", cpu_index);
        return FALSE;
    }
    if (!kvm_memtest_check_range(s, addr, size, error) ||
        !kvm_request_can_post(s, error)) {
        return FALSE;
    }
    if (!size) {
        return TRUE;
    }
    req = g_new0(QmemKvmRequest, 1);
    req->kind = QMEM_KVM_REQUEST_MEMTEST;
    req->cpu_index = cpu_index;
    req->mode = mode;
    req->start = addr;
    req->end = addr + size;
    req->seed = seed;
    req = kvm_request_run(s, req, timeout_ms, &timed_out, error);
    if (timed_out) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "guest memory test timed out after %" G_GUINT64_FORMAT
                    " ms", timeout_ms);
        return FALSE;
    }
    if (!req) {
        return FALSE;
    }
    result->checked = req->end_out - req->start;
    result->mismatches = req->mismatches;
    result->has_fault_addr = req->has_fault;
    result->fault_addr = req->fault;
    qmem_kvm_request_free(req);
    return TRUE;
}

gboolean qmem_kvm_guest_io(QmemAccel *accel, QmemAccelGuestIoSpace space,
                           guint64 addr, guint size, guint count,
                           gboolean is_write, guint8 *buf, GError **error)
{
    QmemKvmAccel *s = QMEM_KVM_ACCEL(accel);
    guint64 len = (guint64)size * count;
    guint64 timeout_ms = s->memtest_timeout_ms ?: IO_TIMEOUT_MS;
    QmemKvmRequest *req;
    gboolean timed_out;

    if (!kvm_request_has_vcpu(s)) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "the guest has no vCPU to run guest I/O");
        return FALSE;
    }
    if (!kvm_request_can_post(s, error)) {
        return FALSE;
    }
    if (space == QMEM_ACCEL_GUEST_IO_MEMORY &&
        (addr > qmem_kvm_arch_memtest_limit(s) ||
         len > qmem_kvm_arch_memtest_limit(s) - addr)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "guest I/O at 0x%" G_GINT64_MODIFIER "x+0x%"
                    G_GINT64_MODIFIER "x is beyond what the guest can "
                    "address (0x%" G_GINT64_MODIFIER "x)", addr, len,
                    qmem_kvm_arch_memtest_limit(s));
        return FALSE;
    }
    req = g_new0(QmemKvmRequest, 1);
    req->kind = QMEM_KVM_REQUEST_IO;
    req->space = space;
    req->start = addr;
    req->end = addr + len;
    req->size = size;
    req->count = count;
    req->is_write = is_write;
    memcpy(req->data, buf, len);
    req = kvm_request_run(s, req, timeout_ms, &timed_out, error);
    if (timed_out) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "guest I/O timed out after %" G_GUINT64_FORMAT " ms",
                    timeout_ms);
        return FALSE;
    }
    if (!req) {
        return FALSE;
    }
    if (!is_write) {
        memcpy(buf, req->data, len);
    }
    qmem_kvm_request_free(req);
    return TRUE;
}
