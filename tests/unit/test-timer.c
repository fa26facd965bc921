/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of util/timer.c: clocks, timers, qtest's manual virtual time. */

#include "util/timer.h"

typedef struct {
    GString *log;
    QmemTimer *timer;
    gint64 again;               /* > 0: set the timer again, this far on */
} Fire;

static void fire(gpointer opaque)
{
    Fire *f = opaque;

    g_string_append_printf(f->log, "%" G_GINT64_FORMAT ";",
                           qmem_clock_get_ns(QMEM_CLOCK_VIRTUAL));
    if (f->again) {
        qmem_timer_mod(f->timer, qmem_clock_get_ns(QMEM_CLOCK_VIRTUAL) +
                       f->again);
        f->again = 0;
    }
}

/* Manual virtual time: timers run at their own time, in order. */
static void test_warp(void)
{
    g_autoptr(GString) log = g_string_new(NULL);
    Fire a = { .log = log }, b = { .log = log, .again = 50 };
    gint64 t0;

    qmem_clock_set_virtual_manual(TRUE);
    t0 = qmem_clock_get_ns(QMEM_CLOCK_VIRTUAL);
    g_assert_cmpint(t0, ==, 0);
    a.timer = qmem_timer_new(QMEM_CLOCK_VIRTUAL, fire, &a);
    b.timer = qmem_timer_new(QMEM_CLOCK_VIRTUAL, fire, &b);
    g_assert_cmpint(qmem_clock_deadline_ns(QMEM_CLOCK_VIRTUAL), ==, -1);
    qmem_timer_mod(a.timer, t0 + 300);
    qmem_timer_mod(b.timer, t0 + 100);
    g_assert_cmpint(qmem_clock_deadline_ns(QMEM_CLOCK_VIRTUAL), ==, 100);
    g_assert_true(qmem_timer_pending(a.timer));

    /* The main loop does not move it. */
    g_usleep(2000);
    while (g_main_context_iteration(NULL, FALSE)) {
    }
    g_assert_cmpint(qmem_clock_get_ns(QMEM_CLOCK_VIRTUAL), ==, t0);
    g_assert_cmpstr(log->str, ==, "");

    /* b at 100 sets itself for 150, then a at 300; the clock ends at 1000. */
    qmem_clock_warp(t0 + 1000);
    g_assert_cmpint(qmem_clock_get_ns(QMEM_CLOCK_VIRTUAL), ==, t0 + 1000);
    {
        g_autofree char *expected = g_strdup_printf(
            "%" G_GINT64_FORMAT ";%" G_GINT64_FORMAT ";%" G_GINT64_FORMAT ";",
            t0 + 100, t0 + 150, t0 + 300);

        g_assert_cmpstr(log->str, ==, expected);
    }
    g_assert_false(qmem_timer_pending(a.timer));
    g_assert_cmpint(qmem_clock_deadline_ns(QMEM_CLOCK_VIRTUAL), ==, -1);

    /* Backwards is no move; a deleted timer does not run. */
    qmem_clock_warp(t0);
    g_assert_cmpint(qmem_clock_get_ns(QMEM_CLOCK_VIRTUAL), ==, t0 + 1000);
    qmem_timer_mod(a.timer, t0 + 1100);
    qmem_timer_del(a.timer);
    g_string_truncate(log, 0);
    qmem_clock_warp(t0 + 2000);
    g_assert_cmpstr(log->str, ==, "");

    qmem_timer_free(a.timer);
    qmem_timer_free(b.timer);
    qmem_clock_set_virtual_manual(FALSE);
}

static void quit(gpointer opaque)
{
    g_main_loop_quit(opaque);
}

/* Realtime timers, and running virtual time, fire from the main loop. */
static void test_main_loop(void)
{
    g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
    g_autoptr(QmemTimer) rt = qmem_timer_new(QMEM_CLOCK_REALTIME, quit, loop);
    g_autoptr(QmemTimer) vt = qmem_timer_new(QMEM_CLOCK_VIRTUAL, quit, loop);
    gint64 start = qmem_clock_get_ns(QMEM_CLOCK_REALTIME);

    qmem_timer_mod(rt, start + 5 * 1000 * 1000);
    g_main_loop_run(loop);
    g_assert_cmpint(qmem_clock_get_ns(QMEM_CLOCK_REALTIME) - start, >=,
                    5 * 1000 * 1000);
    g_assert_false(qmem_timer_pending(rt));

    start = qmem_clock_get_ns(QMEM_CLOCK_VIRTUAL);
    qmem_timer_mod(vt, start + 2 * 1000 * 1000);
    g_main_loop_run(loop);
    g_assert_cmpint(qmem_clock_get_ns(QMEM_CLOCK_VIRTUAL) - start, >=,
                    2 * 1000 * 1000);
}

/* Leaving manual time, virtual time goes on from where it stood. */
static void test_manual_switch(void)
{
    gint64 v;

    qmem_clock_set_virtual_manual(TRUE);
    v = qmem_clock_get_ns(QMEM_CLOCK_VIRTUAL);
    qmem_clock_warp(v + G_GINT64_CONSTANT(3600000000000));
    qmem_clock_set_virtual_manual(FALSE);
    g_assert_cmpint(qmem_clock_get_ns(QMEM_CLOCK_VIRTUAL), >=,
                    v + G_GINT64_CONSTANT(3600000000000));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/util/timer/warp", test_warp);
    g_test_add_func("/util/timer/main-loop", test_main_loop);
    g_test_add_func("/util/timer/manual-switch", test_manual_switch);
    return g_test_run();
}
