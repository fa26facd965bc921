/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Preallocation of guest memory (QEMU's qemu_prealloc_mem()). */

#ifndef QMEM_UTIL_PREALLOC_H
#define QMEM_UTIL_PREALLOC_H

#include <glib.h>

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
 *
 * QEMU's qemu_prealloc_mem() in synchronous mode: faults in every page of
 * @area for writing, so that later guest accesses cannot fail for lack of
 * host memory.  Uses MADV_POPULATE_WRITE when the kernel accepts it for
 * @area (probed on the first page on every call), otherwise touches one
 * byte per page (read and written back, so existing contents survive)
 * under a SIGBUS guard (util/sigbus.h) that turns a failed fault into an
 * error.  The
 * work is split across qmem_prealloc_thread_count() threads.
 *
 * Blocks until done.  Safe to call from several threads at once: the
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
                           GError **error);

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

G_END_DECLS

#endif
