/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Clocks and timers on the main loop, as QEMU's qemu-timer.c. */

#include "util/timer.h"

struct QmemTimer {
    QmemClockType type;
    QmemTimerFunc cb;
    gpointer opaque;
    gint64 expire;              /* on the timer's clock, ns */
    gboolean pending;
    GSource *source;            /* wakes the main loop at expire */
};

/* Pending timers of each clock, by expiry (main thread only). */
static GList *pending[2];

static gint64 start_us = -1;
static gboolean virtual_manual;
static gint64 virtual_frozen;   /* virtual time while manual */
static gint64 virtual_offset;   /* realtime - virtual while running */

static gint64 realtime_ns(void)
{
    gint64 now = g_get_monotonic_time();

    if (start_us < 0) {
        start_us = now;
    }
    return (now - start_us) * 1000;
}

gint64 qmem_clock_get_ns(QmemClockType type)
{
    if (type == QMEM_CLOCK_REALTIME) {
        return realtime_ns();
    }
    return virtual_manual ? virtual_frozen : realtime_ns() - virtual_offset;
}

/* The monotonic time, in microseconds, at which @timer is due. */
static gint64 ready_time(QmemTimer *timer)
{
    gint64 left;

    if (!timer->pending ||
        (timer->type == QMEM_CLOCK_VIRTUAL && virtual_manual)) {
        return -1;
    }
    left = MAX(timer->expire - qmem_clock_get_ns(timer->type), 0);
    return g_get_monotonic_time() + (left + 999) / 1000;
}

static gint timer_cmp(gconstpointer a, gconstpointer b)
{
    const QmemTimer *ta = a, *tb = b;

    return ta->expire < tb->expire ? -1 : ta->expire > tb->expire;
}

static void timer_unlink(QmemTimer *timer)
{
    if (timer->pending) {
        pending[timer->type] = g_list_remove(pending[timer->type], timer);
        timer->pending = FALSE;
    }
    g_source_set_ready_time(timer->source, -1);
}

static void timer_fire(QmemTimer *timer)
{
    timer_unlink(timer);
    timer->cb(timer->opaque);
}

static gboolean timer_dispatch(GSource *source, GSourceFunc callback,
                               gpointer user_data)
{
    QmemTimer *timer = user_data;

    /* The clock may have been warped or made manual meanwhile. */
    if (timer->pending &&
        qmem_clock_get_ns(timer->type) >= timer->expire) {
        timer_fire(timer);
    } else {
        g_source_set_ready_time(source, ready_time(timer));
    }
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs timer_source_funcs = {
    .dispatch = timer_dispatch,
};

QmemTimer *qmem_timer_new(QmemClockType type, QmemTimerFunc cb,
                          gpointer opaque)
{
    QmemTimer *timer = g_new0(QmemTimer, 1);

    timer->type = type;
    timer->cb = cb;
    timer->opaque = opaque;
    timer->source = g_source_new(&timer_source_funcs, sizeof(GSource));
    g_source_set_callback(timer->source, NULL, timer, NULL);
    g_source_set_ready_time(timer->source, -1);
    g_source_attach(timer->source, g_main_context_get_thread_default());
    return timer;
}

void qmem_timer_mod(QmemTimer *timer, gint64 expire_ns)
{
    g_return_if_fail(timer != NULL);

    timer_unlink(timer);
    timer->expire = expire_ns;
    timer->pending = TRUE;
    pending[timer->type] = g_list_insert_sorted(pending[timer->type], timer,
                                                timer_cmp);
    g_source_set_ready_time(timer->source, ready_time(timer));
}

void qmem_timer_del(QmemTimer *timer)
{
    g_return_if_fail(timer != NULL);
    timer_unlink(timer);
}

gboolean qmem_timer_pending(QmemTimer *timer)
{
    return timer->pending;
}

void qmem_timer_free(QmemTimer *timer)
{
    if (!timer) {
        return;
    }
    timer_unlink(timer);
    g_source_destroy(timer->source);
    g_source_unref(timer->source);
    g_free(timer);
}

gint64 qmem_clock_deadline_ns(QmemClockType type)
{
    QmemTimer *first = pending[type] ? pending[type]->data : NULL;

    if (!first) {
        return -1;
    }
    return MAX(first->expire - qmem_clock_get_ns(type), 0);
}

void qmem_clock_set_virtual_manual(gboolean manual)
{
    if (manual == virtual_manual) {
        return;
    }
    if (manual) {
        virtual_frozen = 0;
    } else {
        virtual_offset = realtime_ns() - virtual_frozen;
    }
    virtual_manual = manual;
    for (GList *l = pending[QMEM_CLOCK_VIRTUAL]; l; l = l->next) {
        QmemTimer *timer = l->data;

        g_source_set_ready_time(timer->source, ready_time(timer));
    }
}

void qmem_clock_warp(gint64 dest)
{
    g_return_if_fail(virtual_manual);

    while (pending[QMEM_CLOCK_VIRTUAL]) {
        QmemTimer *first = pending[QMEM_CLOCK_VIRTUAL]->data;

        if (first->expire > dest) {
            break;
        }
        virtual_frozen = MAX(virtual_frozen, first->expire);
        timer_fire(first);
    }
    virtual_frozen = MAX(virtual_frozen, dest);
}
