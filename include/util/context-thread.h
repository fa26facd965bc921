/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A thread that creates threads on request, so that they inherit its CPUs. */

#ifndef QMEM_UTIL_CONTEXT_THREAD_H
#define QMEM_UTIL_CONTEXT_THREAD_H

#include <glib.h>

G_BEGIN_DECLS

/*
 * The mechanism of QEMU's thread-context object (util/thread-context.c):
 * Linux gives a new thread the CPU affinity of the thread that creates
 * it, so threads created by a long-lived helper thread run where the
 * helper may run.  Management software may also set the helper's affinity
 * itself (its thread id is known) and every thread created afterwards
 * follows.  The thread-context object (include/system/thread-context.h)
 * is the user-facing side.
 */
typedef struct QmemContextThread QmemContextThread;

/**
 * qmem_context_thread_new:
 * @name: the helper's thread name (as QEMU: "TC <id>"; the kernel keeps
 *   15 bytes of it), given only while thread naming is on
 *   (qmem_thread_naming(), -name debug-threads=on)
 * @error: return location for a #GError
 *
 * Starts the helper thread and waits until it runs.
 *
 * Returns: (transfer full): the helper, or %NULL with @error set when the
 *   thread could not be created.
 */
QmemContextThread *qmem_context_thread_new(const char *name, GError **error);

/**
 * qmem_context_thread_free:
 *
 * Stops the helper thread and waits for it.  Threads it created are not
 * affected: they belong to whoever asked for them.  %NULL is ignored.
 */
void qmem_context_thread_free(QmemContextThread *ct);

/**
 * qmem_context_thread_get_tid:
 * Returns: the helper's kernel thread id (gettid()).
 */
int qmem_context_thread_get_tid(QmemContextThread *ct);

/**
 * qmem_context_thread_set_affinity:
 * @cpus: (element-type guint64): host CPU numbers, not empty
 *
 * QEMU's qemu_thread_set_affinity() on the helper: threads created from
 * now on run on @cpus.  Threads created before keep their affinity.
 *
 * Returns: 0, or the positive errno of pthread_setaffinity_np() (EINVAL
 *   when @cpus holds no CPU the process may run on).
 */
int qmem_context_thread_set_affinity(QmemContextThread *ct, GArray *cpus);

/**
 * qmem_context_thread_get_affinity:
 * @cpus: (out) (transfer full) (element-type guint64): the CPUs the helper
 *   may run on, ascending
 *
 * Returns: 0, or the positive errno of pthread_getaffinity_np().
 */
int qmem_context_thread_get_affinity(QmemContextThread *ct, GArray **cpus);

/**
 * qmem_context_thread_create:
 * @name: the new thread's name (while thread naming is on)
 * @func: what it runs
 * @data: @func's argument
 *
 * QEMU's thread_context_create_thread(): the helper creates a joinable
 * thread (qmem_thread_try_new()) and hands it back, so that it inherits the
 * helper's affinity.  Blocks until the thread exists.  Callable from any
 * thread; requests from several threads are served one after the other.
 *
 * Returns: (transfer full): the thread, to be joined by the caller, or
 *   %NULL when it could not be created.
 */
GThread *qmem_context_thread_create(QmemContextThread *ct, const char *name,
                                    GThreadFunc func, gpointer data);

/**
 * qmem_cpu_list_from_nodes:
 * @nodes: (element-type guint64): host NUMA node numbers
 *
 * The host CPUs of @nodes, through libnuma's numa_node_to_cpus().  Nodes
 * libnuma does not know are skipped, as QEMU skips them.
 *
 * Returns: (transfer full) (element-type guint64): the CPUs, ascending,
 *   empty when the nodes select none (or qmem was built without libnuma).
 */
GArray *qmem_cpu_list_from_nodes(GArray *nodes);

G_END_DECLS

#endif
