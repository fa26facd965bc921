/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The big qmem lock, and the main loop that releases it to poll. */

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
