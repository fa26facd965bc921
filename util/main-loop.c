/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The big qmem lock, and the main loop that releases it to poll. */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "util/main-loop.h"

static GMutex bql;
static __thread gboolean bql_held;

void qmem_bql_lock(void)
{
    g_assert(!bql_held);
    g_mutex_lock(&bql);
    bql_held = TRUE;
}

void qmem_bql_unlock(void)
{
    g_assert(bql_held);
    bql_held = FALSE;
    g_mutex_unlock(&bql);
}

gboolean qmem_bql_locked(void)
{
    return bql_held;
}

void qmem_bql_cond_wait(GCond *cond)
{
    g_assert(bql_held);
    bql_held = FALSE;
    g_cond_wait(cond, &bql);
    bql_held = TRUE;
}

gboolean qmem_bql_cond_wait_until(GCond *cond, gint64 end_time)
{
    gboolean signalled;

    g_assert(bql_held);
    bql_held = FALSE;
    signalled = g_cond_wait_until(cond, &bql, end_time);
    bql_held = TRUE;
    return signalled;
}

static gint poll_without_bql(GPollFD *fds, guint nfds, gint timeout)
{
    gint ret;

    qmem_bql_unlock();
    ret = g_poll(fds, nfds, timeout);
    qmem_bql_lock();
    return ret;
}

void qmem_main_loop_init(void)
{
    g_main_context_set_poll_func(g_main_context_default(), poll_without_bql);
    qmem_bql_lock();
}

static volatile sig_atomic_t termsig_signo;
static volatile sig_atomic_t termsig_pid;
static int termsig_fd = -1;

static void termsig_handler(int signo, siginfo_t *info, void *ctx)
{
    guint64 one = 1;
    int saved_errno = errno;

    termsig_pid = info->si_pid;
    termsig_signo = signo;
    /* Fails only when the counter is full: then it is readable anyway. */
    if (write(termsig_fd, &one, sizeof(one)) < 0) {
        /* nothing to do */
    }
    errno = saved_errno;
}

void qmem_termsig_init(void)
{
    static const int signals[] = { SIGINT, SIGHUP, SIGTERM };
    struct sigaction act;

    g_assert(termsig_fd < 0);
    termsig_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (termsig_fd < 0) {
        g_error("eventfd: %s", g_strerror(errno));
    }
    memset(&act, 0, sizeof(act));
    act.sa_sigaction = termsig_handler;
    act.sa_flags = SA_SIGINFO;
    sigemptyset(&act.sa_mask);
    for (gsize i = 0; i < G_N_ELEMENTS(signals); i++) {
        sigaction(signals[i], &act, NULL);
    }
}

gboolean qmem_termsig_pending(void)
{
    return termsig_signo != 0;
}

int qmem_termsig_get(int *pid)
{
    *pid = termsig_pid;
    return termsig_signo;
}

int qmem_termsig_fd(void)
{
    return termsig_fd;
}
