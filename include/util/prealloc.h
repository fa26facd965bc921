/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Preallocation of guest memory (QEMU's qemu_prealloc_mem()). */

#ifndef QMEM_UTIL_PREALLOC_H
#define QMEM_UTIL_PREALLOC_H

#include <glib.h>
#include "util/context-thread.h"

G_BEGIN_DECLS

/*
 * QEMU's MAX_MEM_PREALLOC_THREAD_COUNT: never more preallocation threads
 * than this, whatever prealloc-threads says.
 */
#define QMEM_PREALLOC_MAX_THREADS 16

/*
 * Below this many bytes per thread another thread is not worth starting
 * (QEMU: 64 MiB).
 */
#define QMEM_PREALLOC_BYTES_PER_THREAD (64 * 1024 * 1024)

/**
 * qmem_prealloc_mem:
 * @fd: the file backing @area, or -1 for anonymous memory; only used to find
 *   the page size (a hugetlbfs file's huge page size)
 * @area: start of a readable and writable mapping, aligned to the page size
 * @size: bytes to preallocate; rounded up to whole pages
 * @max_threads: the backend's prealloc-threads, at least 1
 * @tc: (nullable): the prealloc-context: the threads are created by its
 *   helper thread and so run on its CPUs; %NULL creates them here
 * @async: whether the work may be left for qmem_prealloc_finish_async()
 *
 * QEMU's qemu_prealloc_mem(): faults in every page of
 * @area for writing, so that later guest accesses cannot fail for lack of
 * host memory.  Uses MADV_POPULATE_WRITE when the kernel accepts it for
 * @area (probed on the first page on every call), otherwise touches one
 * byte per page (read and written back, so existing contents survive)
 * under a SIGBUS guard (util/sigbus.h) that turns a failed fault into an
 * error.  The
 * work is split across qmem_prealloc_thread_count() threads.
 *
 * Blocks until done, except with @async, @tc and MADV_POPULATE_WRITE
 * (QEMU 9.0's rule): then the threads are created and wait, and
 * qmem_prealloc_finish_async() starts them with those of every other such
 * call, so that start-up backends are populated side by side; the area
 * must stay mapped until then (or qmem_prealloc_cancel_async()).  Safe to
 * call from several threads at once: the
 * touching fallback guards each worker's range with util/sigbus.h's
 * per-thread guard, whose handler stays installed.
 *
 * Returns: %TRUE on success.  On failure sets @error (%QMEM_ERROR,
 *   %QMEM_ERROR_GENERIC) to "qemu_prealloc_mem: preallocating memory
 *   failed: <strerror>" with the errno from madvise(), or EFAULT ("Bad
 *   address") when touching a page raised SIGBUS (e.g. a file shorter than
 *   the mapping, or no huge pages left); or to "qemu_prealloc_mem: failed to
 *   install signal handler: <strerror>".  Pages populated before the failure
 *   stay populated.
 */
gboolean qmem_prealloc_mem(int fd, void *area, size_t size, guint max_threads,
                           QmemContextThread *tc, gboolean async,
                           GError **error);

/**
 * qmem_prealloc_mem_readonly:
 * @area: start of a read-only mapping (a file backend with readonly=on
 *   and rom=on), aligned to the page size
 * @size: bytes to fault in
 * @error: return location for a #GError
 *
 * What preallocation means for memory nobody may write: faults in every
 * page of @area for reading (MADV_POPULATE_READ), so the file's pages
 * are in memory before the guest reads them.  Writing, as
 * qmem_prealloc_mem() does, would fault on the mapping.
 *
 * Returns: %TRUE on success; otherwise %FALSE with @error set to
 *   "qemu_prealloc_mem: preallocating memory failed: <strerror>".
 */
gboolean qmem_prealloc_mem_readonly(void *area, size_t size, GError **error);

/**
 * qmem_prealloc_finish_async:
 * @error: return location for a #GError
 *
 * QEMU's qemu_finish_async_prealloc_mem(): starts every preallocation
 * that qmem_prealloc_mem() left waiting, all at once, and waits for them.
 * Nothing waits afterwards, whatever the result.
 *
 * Returns: %TRUE when none was waiting or all succeeded; otherwise %FALSE
 *   with @error set to "qemu_prealloc_mem: preallocating memory failed:
 *   <strerror>" (the errno of one that failed).
 */
gboolean qmem_prealloc_finish_async(GError **error);

/**
 * qmem_prealloc_cancel_async:
 * @area: (nullable): the area given to qmem_prealloc_mem(), or %NULL for
 *   every waiting preallocation
 *
 * Calls off waiting preallocations without touching their memory and
 * waits for their threads to end: for memory about to be unmapped.
 *
 * Returns: whether one was waiting.
 */
gboolean qmem_prealloc_cancel_async(void *area);

/**
 * qmem_prealloc_async_pending:
 * Returns: whether a preallocation waits for qmem_prealloc_finish_async().
 */
gboolean qmem_prealloc_async_pending(void);

/**
 * qmem_prealloc_thread_count:
 * @online_cpus: online host CPUs as sysconf(_SC_NPROCESSORS_ONLN) reports
 *   them; 0 or negative (unknown) means a single thread, as in QEMU
 * @page_size: the page size of the area
 * @size: bytes to preallocate
 * @max_threads: the backend's prealloc-threads, at least 1
 *
 * The number of threads qmem_prealloc_mem() uses, QEMU's rule:
 * min(@online_cpus, %QMEM_PREALLOC_MAX_THREADS, @max_threads), then at most
 * the number of pages, then at most max(1, page-rounded @size / 64 MiB).
 * Exposed so that tests can check the arithmetic.
 *
 * Returns: the thread count, at least 1 unless @size is 0.
 */
guint qmem_prealloc_thread_count(long online_cpus, size_t page_size,
                                 size_t size, guint max_threads);

/**
 * qmem_prealloc_set_force_touch:
 * @force: %TRUE to skip the MADV_POPULATE_WRITE probe
 *
 * For tests only: makes qmem_prealloc_mem() behave as on a kernel without
 * MADV_POPULATE_WRITE, so that the touching fallback and its SIGBUS
 * handling can be exercised.  Process wide; never call it from a program.
 */
void qmem_prealloc_set_force_touch(gboolean force);

/**
 * qmem_prealloc_set_thread_hook:
 * @hook: (nullable): called by every preallocation thread once it may
 *   start, in that thread (so that a test can see where it runs); %NULL
 *   removes the hook
 * @data: @hook's argument
 *
 * For tests only, like qmem_prealloc_set_force_touch().
 */
void qmem_prealloc_set_thread_hook(void (*hook)(gpointer data), gpointer data);

G_END_DECLS

#endif
