/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Host accesses to guest memory that survive a SIGBUS (no page to give). */

#ifndef QMEM_UTIL_SIGBUS_H
#define QMEM_UTIL_SIGBUS_H

#include <glib.h>
#include <setjmp.h>

G_BEGIN_DECLS

/*
 * A file or memfd mapping whose file system runs out of space (a full
 * tmpfs, no huge page left, a file shorter than its mapping) answers a
 * page fault with SIGBUS, which kills the process.  Host code that touches
 * guest memory does so inside a guard: a SIGBUS raised by the faulting
 * access of the guarding thread, for an address inside the guarded range,
 * jumps back to where the guard was entered instead.  Every other SIGBUS
 * (another thread's, another address, one sent with kill()) goes to the
 * handler that was installed before, or kills the process as it would
 * have without qmem.
 *
 * One process-wide handler serves every guard; it is installed on the
 * first use and stays (and goes back on top, chaining to the newcomer,
 * when someone else installed one since).  Guards are per thread and do
 * not nest.
 */

/**
 * QmemSigbusGuard:
 * @env: where a fault jumps to (qmem_sigbus_guard_enter())
 * @start: the guarded range's start
 * @len: its length in bytes
 * @fault_addr: after a fault, the address the kernel reported (si_addr)
 *
 * On the guarding thread's stack; read @fault_addr after a fault.
 */
typedef struct {
    sigjmp_buf env;
    const char *start;
    size_t len;
    void *fault_addr;
} QmemSigbusGuard;

/**
 * qmem_sigbus_install:
 *
 * Installs the process-wide handler unless it is in place (one
 * sigaction() call to look).  qmem_sigbus_guard_arm() calls it.
 *
 * Returns: %FALSE (errno set) when sigaction() failed.
 */
gboolean qmem_sigbus_install(void);

/**
 * qmem_sigbus_guard_arm:
 * @guard: a #QmemSigbusGuard on the caller's stack
 * @start: the first byte the guarded code may touch
 * @len: how many bytes
 *
 * Makes @guard this thread's guard, installing the handler on the first
 * call.  The caller then calls sigsetjmp(@guard->env, 0) as the whole
 * controlling expression of an if, in the frame that stays active while
 * it touches the memory:
 *
 * |[
 *   QmemSigbusGuard g;
 *
 *   if (!qmem_sigbus_guard_arm(&g, host, len)) {
 *       ... no handler: do not touch ...
 *   } else if (sigsetjmp(g.env, 0)) {
 *       qmem_sigbus_guard_faulted(&g);
 *       ... g.fault_addr is the page the host could not supply ...
 *   } else {
 *       memcpy(host, buf, len);
 *       qmem_sigbus_guard_leave(&g);
 *   }
 * ]|
 *
 * Code between sigsetjmp() and leave may not leave the frame by other
 * means, take locks or allocate: after a fault it is abandoned where it
 * faulted.
 *
 * Returns: %FALSE (errno set) when the handler could not be installed.
 */
gboolean qmem_sigbus_guard_arm(QmemSigbusGuard *guard, const void *start,
                               size_t len);

/**
 * qmem_sigbus_guard_leave:
 * @guard: the guard armed on this thread
 *
 * Ends the guard after accesses that did not fault.
 */
void qmem_sigbus_guard_leave(QmemSigbusGuard *guard);

/**
 * qmem_sigbus_guard_faulted:
 * @guard: the guard armed on this thread
 *
 * After the jump back: ends the guard and unblocks SIGBUS, which the
 * handler's frame had blocked (sigsetjmp() with 0 saves no mask, so that
 * the access path makes no system call).
 */
void qmem_sigbus_guard_faulted(QmemSigbusGuard *guard);

/**
 * qmem_sigbus_memcpy:
 * @dest: where to copy to
 * @src: what to copy
 * @n: how many bytes
 * @fault_addr: (out) (optional): on failure, the address that faulted
 *
 * memcpy() with both @dest and @src guarded.  Bytes before the faulting
 * page may have been copied.
 *
 * Returns: %FALSE when a page of @dest or @src could not be supplied.
 */
gboolean qmem_sigbus_memcpy(void *dest, const void *src, size_t n,
                            void **fault_addr);

/**
 * qmem_sigbus_memset:
 * As qmem_sigbus_memcpy(), for memset(@dest, @c, @n).
 */
gboolean qmem_sigbus_memset(void *dest, int c, size_t n, void **fault_addr);

G_END_DECLS

#endif
