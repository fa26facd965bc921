/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The big qmem lock and the main loop that holds it, as QEMU's BQL. */

#ifndef QMEM_UTIL_MAIN_LOOP_H
#define QMEM_UTIL_MAIN_LOOP_H

#include <glib.h>

G_BEGIN_DECLS

/*
 * The BQL: the lock that device state, the memory map and the object
 * tree are under.  The main loop holds it but while it waits for events;
 * a vCPU thread takes it around the exits it hands to devices (port I/O,
 * MMIO), so that device callbacks always run one at a time with a stable
 * memory map.  It is not recursive.
 */

/* Takes the BQL; the calling thread must not hold it. */
void qmem_bql_lock(void);

/* Releases the BQL; the calling thread must hold it. */
void qmem_bql_unlock(void);

/**
 * qmem_bql_locked:
 * Returns: whether the calling thread holds the BQL.
 */
gboolean qmem_bql_locked(void);

/**
 * qmem_bql_cond_wait:
 * @cond: a condition another thread signals under the BQL
 *
 * Waits on @cond with the BQL released, as QEMU's qemu_cond_wait_bql():
 * how the main thread waits for a vCPU that may need the lock meanwhile.
 */
void qmem_bql_cond_wait(GCond *cond);

/**
 * qmem_bql_cond_wait_until:
 * @end_time: a g_get_monotonic_time() deadline
 *
 * Returns: %FALSE once @end_time passed, as g_cond_wait_until().
 */
gboolean qmem_bql_cond_wait_until(GCond *cond, gint64 end_time);

/**
 * qmem_main_loop_init:
 *
 * Makes the calling thread the main thread: it takes the BQL, and the
 * default GMainContext releases it while it polls (QEMU's
 * os_host_main_loop_wait()).  Everything the main loop dispatches (QMP,
 * qtest, timers) then runs under the BQL.  Once per process, before any
 * vCPU thread starts.
 */
void qmem_main_loop_init(void);

/*
 * Termination signals (SIGINT, SIGTERM, SIGHUP), as QEMU's
 * termsig_handler() and qemu_system_killed(): the handler only records
 * the signal and its sender and wakes whoever watches
 * qmem_termsig_fd(); the program ends in its own time.  Long host work
 * (preallocation) asks qmem_termsig_pending() and gives up early.
 */

/**
 * qmem_termsig_init:
 *
 * Installs the handler.  Once per process, early in main(), before any
 * other thread starts.
 */
void qmem_termsig_init(void);

/**
 * qmem_termsig_pending:
 *
 * Async-signal-safe and lock-free: any thread may ask at any time.
 *
 * Returns: whether a termination signal came.
 */
gboolean qmem_termsig_pending(void);

/**
 * qmem_termsig_get:
 * @pid: (out): who sent it; 0 when the kernel did (e.g. ^C at a terminal)
 *
 * Returns: the termination signal that came, or 0.
 */
int qmem_termsig_get(int *pid);

/**
 * qmem_termsig_fd:
 *
 * Returns: a file descriptor that becomes readable when a termination
 * signal comes (for g_unix_fd_add()), or -1 before qmem_termsig_init().
 */
int qmem_termsig_fd(void);

G_END_DECLS

#endif
