/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Host accesses to guest memory that survive a SIGBUS (no page to give). */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>

#include "util/sigbus.h"

/* What was installed before ours: what is not ours goes there. */
static struct sigaction sigbus_oldact;

static void sigbus_handler(int signal, siginfo_t *info, void *ctx);

/*
 * The guard of the current thread, while it touches memory.  initial-exec,
 * because the signal handler reads it and general-dynamic TLS access may
 * allocate, which is not async-signal-safe.
 */
static __thread QmemSigbusGuard *current_guard
    __attribute__((tls_model("initial-exec")));

static void sigbus_chain(int signal, siginfo_t *info, void *ctx)
{
    struct sigaction dfl;

    if (sigbus_oldact.sa_flags & SA_SIGINFO) {
        sigbus_oldact.sa_sigaction(signal, info, ctx);
        return;
    }
    if (sigbus_oldact.sa_handler != SIG_DFL
        && sigbus_oldact.sa_handler != SIG_IGN) {
        sigbus_oldact.sa_handler(signal);
        return;
    }
    if (sigbus_oldact.sa_handler == SIG_IGN && info->si_code <= 0) {
        return;
    }

    /*
     * The process would have died without us (a fault cannot be ignored:
     * returning would only repeat it).  Die the same way: with the default
     * action, a fault recurs on return, a sent signal is re-raised and
     * delivered once the handler returns.
     */
    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(SIGBUS, &dfl, NULL);
    if (info->si_code <= 0) {
        raise(SIGBUS);
    }
}

static void sigbus_handler(int signal, siginfo_t *info, void *ctx)
{
    QmemSigbusGuard *g = current_guard;

    /*
     * Only a fault on the guarded range means "no memory for this page";
     * a SIGBUS sent by kill() or raised elsewhere is not ours.
     */
    if (g && info->si_code > 0 && (char *)info->si_addr >= g->start
        && (size_t)((char *)info->si_addr - g->start) < g->len) {
        g->fault_addr = info->si_addr;
        siglongjmp(g->env, 1);
    }
    sigbus_chain(signal, info, ctx);
}

static gboolean sigbus_is_ours(void)
{
    struct sigaction cur;

    return !sigaction(SIGBUS, NULL, &cur) && (cur.sa_flags & SA_SIGINFO) &&
           cur.sa_sigaction == sigbus_handler;
}

gboolean qmem_sigbus_install(void)
{
    static GMutex lock;
    struct sigaction act;
    gboolean ok = TRUE;
    int err = 0;

    /*
     * Someone may have installed a handler of their own after ours (a
     * library, a test): ours goes back on top and passes theirs what is
     * not ours.
     */
    if (sigbus_is_ours()) {
        return TRUE;
    }
    g_mutex_lock(&lock);
    if (!sigbus_is_ours()) {
        memset(&act, 0, sizeof(act));
        act.sa_sigaction = sigbus_handler;
        act.sa_flags = SA_SIGINFO;
        sigemptyset(&act.sa_mask);
        ok = !sigaction(SIGBUS, &act, &sigbus_oldact);
        err = errno;
    }
    g_mutex_unlock(&lock);
    errno = err;
    return ok;
}

gboolean qmem_sigbus_guard_arm(QmemSigbusGuard *guard, const void *start,
                               size_t len)
{
    g_assert(current_guard == NULL);
    if (!qmem_sigbus_install()) {
        return FALSE;
    }
    guard->start = start;
    guard->len = len;
    guard->fault_addr = NULL;
    current_guard = guard;
    return TRUE;
}

void qmem_sigbus_guard_leave(QmemSigbusGuard *guard)
{
    g_assert(current_guard == guard);
    current_guard = NULL;
}

void qmem_sigbus_guard_faulted(QmemSigbusGuard *guard)
{
    sigset_t set;

    current_guard = NULL;
    sigemptyset(&set);
    sigaddset(&set, SIGBUS);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

/*
 * The guarded range covers both buffers: whichever of them the kernel
 * cannot supply, the copy ends there.
 */
static void guard_span(const void *a, const void *b, size_t n,
                       const char **start, size_t *len)
{
    const char *lo = MIN((const char *)a, (const char *)b);
    const char *hi = MAX((const char *)a, (const char *)b);

    *start = lo;
    *len = (size_t)(hi - lo) + n;
}

gboolean qmem_sigbus_memcpy(void *dest, const void *src, size_t n,
                            void **fault_addr)
{
    QmemSigbusGuard g;
    const char *start;
    size_t len;

    guard_span(dest, src, n, &start, &len);
    if (!qmem_sigbus_guard_arm(&g, start, len)) {
        /* Without a handler, a fault would kill: do not touch. */
        if (fault_addr) {
            *fault_addr = dest;
        }
        return FALSE;
    }
    if (sigsetjmp(g.env, 0)) {
        qmem_sigbus_guard_faulted(&g);
        if (fault_addr) {
            *fault_addr = g.fault_addr;
        }
        return FALSE;
    }
    memcpy(dest, src, n);
    qmem_sigbus_guard_leave(&g);
    return TRUE;
}

gboolean qmem_sigbus_memset(void *dest, int c, size_t n, void **fault_addr)
{
    QmemSigbusGuard g;

    if (!qmem_sigbus_guard_arm(&g, dest, n)) {
        if (fault_addr) {
            *fault_addr = dest;
        }
        return FALSE;
    }
    if (sigsetjmp(g.env, 0)) {
        qmem_sigbus_guard_faulted(&g);
        if (fault_addr) {
            *fault_addr = g.fault_addr;
        }
        return FALSE;
    }
    memset(dest, c, n);
    qmem_sigbus_guard_leave(&g);
    return TRUE;
}
