/* SPDX-License-Identifier: GPL-2.0-or-later */
/* KVM vCPUs: one thread each, KVM_RUN, kicks with SIG_IPI, exits. */

#include <errno.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "accel/kvm/kvm-internal.h"
#include "util/error.h"

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
     * signal one that is inside it.
     */
    __atomic_store_n(&cpu->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
    if (cpu->has_tid) {
        pthread_kill(cpu->tid, SIG_IPI);
    }
}

gboolean qmem_kvm_vcpu_run(QmemKvmVcpu *cpu, GError **error)
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

/* Secondary vCPUs run until their first HLT, then stay parked. */
static void kvm_vcpu_park(QmemKvmVcpu *cpu)
{
    g_autoptr(GError) error = NULL;

    for (;;) {
        if (__atomic_load_n(&cpu->run->immediate_exit, __ATOMIC_SEQ_CST) ||
            !qmem_kvm_vcpu_run(cpu, &error)) {
            return;
        }
        if (cpu->run->exit_reason != KVM_EXIT_INTR) {
            return;
        }
    }
}

/* vCPU 0 runs the memory test requests; the others park once started. */
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
            qmem_kvm_memtest_run(s, cpu, req);
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

gboolean qmem_kvm_init_vcpus(QmemKvmAccel *s, guint n_cpus, GError **error)
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

gboolean qmem_kvm_start_vcpu_threads(QmemKvmAccel *s, GError **error)
{
    kvm_install_sig_ipi();
    for (guint i = 0; i < s->n_cpus; i++) {
        g_autofree char *name = g_strdup_printf("qmem-vcpu-%u", i);

        s->cpus[i].thread = g_thread_try_new(name, kvm_vcpu_thread,
                                             &s->cpus[i], error);
        if (!s->cpus[i].thread) {
            return FALSE;
        }
    }
    return TRUE;
}

void qmem_kvm_stop_vcpus(QmemKvmAccel *s)
{
    g_mutex_lock(&s->lock);
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
    g_mutex_unlock(&s->lock);
    for (guint i = 0; i < s->n_cpus; i++) {
        if (s->cpus[i].thread) {
            g_thread_join(s->cpus[i].thread);
            s->cpus[i].thread = NULL;
        }
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
    }
    g_clear_pointer(&s->cpus, g_free);
    s->n_cpus = 0;
}
