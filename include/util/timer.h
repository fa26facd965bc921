/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Clocks and timers on the main loop, as QEMU's qemu-timer.h. */

#ifndef QMEM_UTIL_TIMER_H
#define QMEM_UTIL_TIMER_H

#include <glib.h>

G_BEGIN_DECLS

/**
 * QmemClockType:
 * @QMEM_CLOCK_REALTIME: host monotonic time
 * @QMEM_CLOCK_VIRTUAL: the guest's time.  It runs with the host's, but
 *   under the qtest accelerator it stands still until a test moves it
 *   (qmem_clock_warp(): qtest's clock_step and clock_set), as in QEMU.
 *
 * Both count nanoseconds from when the process first asked.
 */
typedef enum {
    QMEM_CLOCK_REALTIME,
    QMEM_CLOCK_VIRTUAL,
} QmemClockType;

/**
 * qmem_clock_get_ns:
 * Returns: @type's time now, in nanoseconds.
 */
gint64 qmem_clock_get_ns(QmemClockType type);

/**
 * qmem_clock_set_virtual_manual:
 * @manual: whether virtual time stands still but for qmem_clock_warp()
 *
 * The qtest accelerator turns this on when it starts, off when it goes.
 * Manual time starts at 0, as QEMU's qtest clock; when it ends, virtual
 * time runs on from where it stood.
 */
void qmem_clock_set_virtual_manual(gboolean manual);

/**
 * qmem_clock_warp:
 * @dest: a virtual time in nanoseconds
 *
 * QEMU's qtest_clock_warp(): moves virtual time forward to @dest, running
 * each timer that expires on the way at its own time, in order.  A @dest
 * in the past changes nothing.  Only while virtual time is manual.
 */
void qmem_clock_warp(gint64 dest);

/**
 * qmem_clock_deadline_ns:
 * Returns: nanoseconds until the first pending timer of @type expires (0
 *   if one is due), or -1 when none is pending.
 */
gint64 qmem_clock_deadline_ns(QmemClockType type);

/**
 * QmemTimer:
 *
 * A callback that runs once on the main loop when its clock reaches the
 * time it was set to (qmem_timer_mod()); it may set itself again.
 */
typedef struct QmemTimer QmemTimer;

typedef void (*QmemTimerFunc)(gpointer opaque);

/**
 * qmem_timer_new:
 * @type: the clock it follows
 * @cb: what runs when it expires, on the thread-default main context of
 *   the thread that made it
 * @opaque: @cb's argument
 *
 * Returns: (transfer full): a timer that is not pending.
 */
QmemTimer *qmem_timer_new(QmemClockType type, QmemTimerFunc cb,
                          gpointer opaque);

/**
 * qmem_timer_mod:
 * @expire_ns: when to run, on the timer's clock; a time already past runs
 *   it on the next main loop iteration
 *
 * Sets the timer, replacing an earlier setting.
 */
void qmem_timer_mod(QmemTimer *timer, gint64 expire_ns);

/**
 * qmem_timer_del:
 *
 * Makes the timer not pending; it may be set again.
 */
void qmem_timer_del(QmemTimer *timer);

gboolean qmem_timer_pending(QmemTimer *timer);

/**
 * qmem_timer_free:
 * @timer: (transfer full) (nullable): a timer, pending or not
 */
void qmem_timer_free(QmemTimer *timer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(QmemTimer, qmem_timer_free)

G_END_DECLS

#endif
