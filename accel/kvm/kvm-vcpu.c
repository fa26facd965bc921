/* SPDX-License-Identifier: GPL-2.0-or-later */
/* KVM vCPUs: one thread each, vCPU 0's (and hot-plugged vCPUs') turns. */

#include <sys/syscall.h>
#include <errno.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "accel/kvm/kvm-internal.h"
#include "util/error.h"
#include "util/main-loop.h"
#include "util/thread.h"

#define SIG_IPI                     SIGUSR1

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

void qmem_kvm_vcpu_kick(QmemKvmVcpu *cpu)
{
    /*
     * immediate_exit catches a vCPU that is about to enter KVM_RUN, the
     * signal one that is inside it.  The vCPU clears immediate_exit under
     * the BQL before it looks at why it was kicked.
     */
    __atomic_store_n(&cpu->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
    if (cpu->has_tid) {
        pthread_kill(cpu->tid, SIG_IPI);
    }
}

void qmem_kvm_vcpu_wake(QmemKvmAccel *s)
{
    if (s->n_cpus) {
        s->cpus[0].wake = TRUE;
        g_cond_broadcast(&s->cond);
    }
}

gboolean qmem_kvm_vcpu_run(QmemKvmVcpu *cpu, GError **error)
{
    int ret = ioctl(cpu->fd, KVM_RUN, 0);
    int err = errno;

    cpu->io_pending = FALSE;
    cpu->run_errno = ret < 0 ? err : 0;
    if (ret < 0) {
        if (err == EINTR || err == EAGAIN) {
            cpu->run->exit_reason = KVM_EXIT_INTR;
            return TRUE;
        }
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "KVM_RUN failed: %s", g_strerror(err));
        return FALSE;
    }
    return TRUE;
}

void qmem_kvm_vcpu_exit_error(QmemKvmVcpu *cpu, GError **error)
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
    default:
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "KVM: unknown exit reason %u", run->exit_reason);
        break;
    }
}

/*
 * KVM finishes an exit (the data of an IN or an MMIO read, the skipped
 * instruction) at the next KVM_RUN; before the vCPU's registers are
 * reset, that run happens with immediate_exit set, so that it changes
 * nothing after the reset.
 */
static gboolean kvm_vcpu_flush_exit(QmemKvmVcpu *cpu, GError **error)
{
    int ret;

    if (!cpu->io_pending) {
        return TRUE;
    }
    __atomic_store_n(&cpu->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
    ret = ioctl(cpu->fd, KVM_RUN, 0);
    cpu->io_pending = FALSE;
    if (ret == 0 || errno != EINTR) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "KVM_RUN failed to complete an access: %s",
                    g_strerror(ret == 0 ? EPROTO : errno));
        return FALSE;
    }
    __atomic_store_n(&cpu->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
    return TRUE;
}

/* Whether the vCPU has a reason to leave its idle wait.  Under the BQL. */
static gboolean kvm_vcpu0_has_work(QmemKvmAccel *s, QmemKvmVcpu *cpu)
{
    return s->quit || !s->started || cpu->wake ||
           qmem_kvm_request_pending(s, cpu);
}

/*
 * Between turns, under the BQL: waits for work (a request, a wake, stop
 * or quit) or QMEM_KVM_IDLE_TIMEOUT_MS, then sets up the next turn: a
 * boot from the entry point when the guest must (re)start, a request, or
 * a turn in which the guest polls its devices.
 *
 * Returns: %FALSE when there is no turn to run (stop, quit, or a request
 *   answered without the guest).
 */
static gboolean kvm_vcpu0_begin_turn(QmemKvmAccel *s, QmemKvmVcpu *cpu)
{
    gint64 deadline = g_get_monotonic_time() +
                      QMEM_KVM_IDLE_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
    QmemKvmRequest *req;
    GError *error = NULL;

    /*
     * The first boot is at once; after a crash the wait paces restarts.
     * A hot-plugged vCPU polls no device: it waits for its requests.
     */
    while (cpu->booted && !kvm_vcpu0_has_work(s, cpu)) {
        if (cpu->worker) {
            qmem_bql_cond_wait(&s->cond);
        } else if (!qmem_bql_cond_wait_until(&s->cond, deadline)) {
            break;
        }
    }
    if (s->quit || !s->started) {
        return FALSE;
    }
    cpu->wake = FALSE;
    req = cpu->ready ? qmem_kvm_request_pending(s, cpu) : NULL;
    if (cpu->worker && cpu->ready && !req) {
        return FALSE;
    }
    if (req) {
        req->taken = TRUE;
        if (g_atomic_int_get(&req->cancelled)) {
            qmem_kvm_request_complete(s, req, g_error_new_literal(
                QMEM_ERROR, QMEM_ERROR_GENERIC, "cancelled"));
            return FALSE;
        }
        if (s->guest_error) {
            qmem_kvm_request_complete(s, req,
                                      g_steal_pointer(&s->guest_error));
            return FALSE;
        }
    }
    if (!cpu->ready) {
        cpu->booted = TRUE;
        if (!kvm_vcpu_flush_exit(cpu, &error) ||
            !qmem_kvm_arch_reset_vcpu(s, cpu, &error)) {
            g_clear_error(&s->guest_error);
            s->guest_error = error;
            return FALSE;
        }
    }
    qmem_kvm_arch_request_prepare(s, cpu, req);
    cpu->turn_req = req;
    cpu->in_turn = TRUE;
    return TRUE;
}

/* After a turn that ended, under the BQL. */
static void kvm_vcpu0_end_turn(QmemKvmAccel *s, QmemKvmVcpu *cpu,
                               QmemKvmTurnResult result, GError *error)
{
    QmemKvmRequest *req = g_steal_pointer(&cpu->turn_req);

    cpu->in_turn = FALSE;
    cpu->ready = result == QMEM_KVM_TURN_IDLE;
    if (req) {
        if (!error && cpu->ready &&
            !qmem_kvm_request_read_result(s, cpu, req, &error)) {
            /* The guest did not do what it was asked: start it over. */
            cpu->ready = FALSE;
        }
        qmem_kvm_request_complete(s, req, error);
    } else if (error) {
        /* A crash between requests: the next request reports it. */
        g_clear_error(&s->guest_error);
        s->guest_error = error;
    }
}

/*
 * vCPU 0 runs the payload for as long as the machine runs: turns from
 * the idle port back to it, each serving a request or polling devices,
 * with an idle wait between them.  Under the BQL.
 */
static void kvm_vcpu0_loop(QmemKvmAccel *s, QmemKvmVcpu *cpu)
{
    while (!s->quit) {
        QmemKvmTurnResult result;
        GError *error = NULL;

        if (!s->started) {
            if (cpu->turn_req && g_atomic_int_get(&cpu->turn_req->cancelled)) {
                /* Stopped mid-request and then cancelled: give it back. */
                kvm_vcpu0_end_turn(s, cpu, QMEM_KVM_TURN_INTERRUPTED,
                                   g_error_new_literal(QMEM_ERROR,
                                                       QMEM_ERROR_GENERIC,
                                                       "cancelled"));
            }
            cpu->stopped = TRUE;
            g_cond_broadcast(&s->cond);
            qmem_bql_cond_wait(&s->cond);
            continue;
        }
        cpu->stopped = FALSE;
        if (!cpu->in_turn && !kvm_vcpu0_begin_turn(s, cpu)) {
            continue;
        }
        result = qmem_kvm_exec_turn(s, cpu, &error);
        if (result == QMEM_KVM_TURN_INTERRUPTED) {
            QmemKvmRequest *req = cpu->turn_req;

            if (!req || !g_atomic_int_get(&req->cancelled)) {
                /* Stop or quit: resume this turn after start. */
                continue;
            }
            /* Cancelled mid-walk: the main thread words the error. */
            error = g_error_new_literal(QMEM_ERROR, QMEM_ERROR_GENERIC,
                                        "cancelled");
        }
        kvm_vcpu0_end_turn(s, cpu, result, error);
    }
}

/*
 * The other vCPUs stay parked in their threads and never enter the
 * guest: with the in-kernel irqchip a HLT no longer exits to the VMM, so
 * a halted vCPU would sit inside KVM_RUN, and nothing in the payload uses
 * them yet.  Their KVM vCPUs (and local APICs) exist all the same.
 */
static gpointer kvm_vcpu_thread(gpointer opaque)
{
    QmemKvmVcpu *cpu = opaque;
    QmemKvmAccel *s = cpu->s;
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIG_IPI);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);

    qmem_bql_lock();
    cpu->tid = pthread_self();
    cpu->thread_id = syscall(SYS_gettid);
    cpu->has_tid = TRUE;
    /* Whoever created the thread waits for this (kvm_wait_vcpu_thread()). */
    g_cond_broadcast(&s->cond);
    if (cpu->index == 0 || cpu->worker) {
        kvm_vcpu0_loop(s, cpu);
    } else {
        cpu->stopped = TRUE;
        g_cond_broadcast(&s->cond);
        while (!s->quit) {
            qmem_bql_cond_wait(&s->cond);
        }
    }
    cpu->has_tid = FALSE;
    cpu->stopped = TRUE;
    g_cond_broadcast(&s->cond);
    qmem_bql_unlock();
    return NULL;
}

/*
 * QEMU's qemu_init_vcpu() waits for the vCPU's thread to exist, so that
 * query-cpus-fast names it at once.  Under the BQL.
 */
static void kvm_wait_vcpu_thread(QmemKvmAccel *s, QmemKvmVcpu *cpu)
{
    while (cpu->thread && !cpu->has_tid) {
        qmem_bql_cond_wait(&s->cond);
    }
}

/* KVM's vCPU @i with its kvm_run and CPUID; on failure the caller frees. */
static gboolean kvm_create_vcpu(QmemKvmAccel *s, guint i, GError **error)
{
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
    cpu->log_line = g_string_new(NULL);
    return qmem_kvm_arch_init_vcpu(s, cpu, error);
}

gboolean qmem_kvm_init_vcpus(QmemKvmAccel *s, guint n_cpus, GError **error)
{
    g_return_val_if_fail(n_cpus <= QMEM_KVM_MAX_VCPUS, FALSE);

    /* Room for every vCPU, hot-plugged ones too: the threads hold them. */
    s->cpus = g_new0(QmemKvmVcpu, QMEM_KVM_MAX_VCPUS);
    s->n_cpus = n_cpus;
    for (guint i = 0; i < QMEM_KVM_MAX_VCPUS; i++) {
        s->cpus[i].fd = -1;
    }
    for (guint i = 0; i < n_cpus; i++) {
        if (!kvm_create_vcpu(s, i, error)) {
            return FALSE;
        }
    }
    return TRUE;
}

/* Undoes kvm_create_vcpu() of a vCPU without a thread. */
static void kvm_free_vcpu(QmemKvmAccel *s, QmemKvmVcpu *cpu)
{
    if (cpu->run) {
        munmap(cpu->run, s->run_size);
    }
    if (cpu->fd >= 0) {
        close(cpu->fd);
    }
    if (cpu->log_line) {
        g_string_free(cpu->log_line, TRUE);
    }
    memset(cpu, 0, sizeof(*cpu));
    cpu->fd = -1;
}

gboolean qmem_kvm_hotplug_vcpu(QmemAccel *accel, guint index, GError **error)
{
    QmemKvmAccel *s = QMEM_KVM_ACCEL(accel);
    g_autofree char *name = g_strdup_printf("qmem-vcpu-%u", index);
    QmemKvmVcpu *cpu;

    if (s->vm_fd < 0 || !s->cpus) {
        return TRUE;
    }
    if (index >= QMEM_KVM_MAX_VCPUS || s->cpus[index].fd >= 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "kvm_init_vcpu: vCPU %u cannot be created", index);
        return FALSE;
    }
    cpu = &s->cpus[index];
    cpu->worker = TRUE;
    if (!kvm_create_vcpu(s, index, error)) {
        kvm_free_vcpu(s, cpu);
        return FALSE;
    }
    cpu->thread = g_thread_try_new(name, kvm_vcpu_thread, cpu, error);
    if (!cpu->thread) {
        kvm_free_vcpu(s, cpu);
        return FALSE;
    }
    s->n_cpus = MAX(s->n_cpus, index + 1);
    kvm_wait_vcpu_thread(s, cpu);
    return TRUE;
}

gboolean qmem_kvm_start_vcpu_threads(QmemKvmAccel *s, GError **error)
{
    kvm_install_sig_ipi();
    for (guint i = 0; i < s->n_cpus; i++) {
        /* QEMU's name for a KVM vCPU thread. */
        g_autofree char *name = g_strdup_printf("CPU %u/KVM", i);

        s->cpus[i].thread = qmem_thread_try_new(name, kvm_vcpu_thread,
                                                &s->cpus[i], error);
        if (!s->cpus[i].thread) {
            return FALSE;
        }
    }
    if (qmem_bql_locked()) {
        for (guint i = 0; i < s->n_cpus; i++) {
            kvm_wait_vcpu_thread(s, &s->cpus[i]);
        }
    }
    return TRUE;
}

void qmem_kvm_vcpus_start(QmemKvmAccel *s)
{
    s->started = TRUE;
    g_cond_broadcast(&s->cond);
}

void qmem_kvm_vcpus_stop(QmemKvmAccel *s)
{
    s->started = FALSE;
    if (!s->n_cpus) {
        return;
    }
    /* Hot-plugged vCPUs leave the guest too, and say so. */
    for (guint i = 1; i < s->n_cpus; i++) {
        if (s->cpus[i].worker) {
            qmem_kvm_vcpu_kick(&s->cpus[i]);
        }
    }
    g_cond_broadcast(&s->cond);
    for (guint i = 1; i < s->n_cpus; i++) {
        while (s->cpus[i].worker && s->cpus[i].thread &&
               !s->cpus[i].stopped &&
               !(s->cpus[i].has_tid &&
                 pthread_equal(s->cpus[i].tid, pthread_self()))) {
            qmem_bql_cond_wait(&s->cond);
        }
    }
    qmem_kvm_vcpu_kick(&s->cpus[0]);
    if (s->cpus[0].has_tid && pthread_equal(s->cpus[0].tid, pthread_self())) {
        /* A device stops the machine from vCPU 0: it stops after the exit. */
        return;
    }
    g_cond_broadcast(&s->cond);
    /* vCPU 0 may need the BQL to get out: wait without it. */
    while (s->cpus[0].thread && !s->cpus[0].stopped) {
        qmem_bql_cond_wait(&s->cond);
    }
}

void qmem_kvm_stop_vcpus(QmemKvmAccel *s)
{
    gboolean locked = qmem_bql_locked();

    if (!locked) {
        qmem_bql_lock();
    }
    s->quit = TRUE;
    /* vCPU 0 leaves a walk only when its request is cancelled. */
    if (s->request) {
        g_atomic_int_set(&s->request->cancelled, 1);
    }
    for (guint i = 0; i < s->n_cpus; i++) {
        if (s->cpus[i].run) {
            qmem_kvm_vcpu_kick(&s->cpus[i]);
        }
    }
    g_cond_broadcast(&s->cond);
    /* The threads take the BQL on their way out (QEMU's cpu_remove_sync). */
    qmem_bql_unlock();
    for (guint i = 0; i < s->n_cpus; i++) {
        if (s->cpus[i].thread) {
            g_thread_join(s->cpus[i].thread);
            s->cpus[i].thread = NULL;
        }
    }
    if (locked) {
        qmem_bql_lock();
    }
}

void qmem_kvm_destroy_vcpus(QmemKvmAccel *s)
{
    for (guint i = 0; i < s->n_cpus; i++) {
        if (s->cpus[i].run) {
            munmap(s->cpus[i].run, s->run_size);
        }
        if (s->cpus[i].fd >= 0) {
            close(s->cpus[i].fd);
        }
        if (s->cpus[i].log_line) {
            g_string_free(s->cpus[i].log_line, TRUE);
        }
    }
    g_clear_pointer(&s->cpus, g_free);
    s->n_cpus = 0;
}
