/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Threads, named as QEMU names them with -name debug-threads=on. */

#ifndef QMEM_UTIL_THREAD_H
#define QMEM_UTIL_THREAD_H

#include <glib.h>

G_BEGIN_DECLS

/**
 * qmem_thread_naming:
 * @enable: whether threads created from now on get their names
 *
 * QEMU's qemu_thread_naming(), which -name debug-threads=on turns on:
 * without it threads keep the process's name in /proc/PID/task/TID/comm.
 * Off by default.
 */
void qmem_thread_naming(gboolean enable);

/**
 * qmem_thread_naming_enabled:
 * Returns: what qmem_thread_naming() last set.
 */
gboolean qmem_thread_naming_enabled(void);

/**
 * qmem_thread_try_new:
 * @name: QEMU's name for the thread ("CPU 0/KVM", "touch_pages"), given to
 *   it only while thread naming is on (the kernel keeps 15 bytes)
 * @func: what the thread runs
 * @data: its argument
 * @error: return location for a #GError (GLib's %G_THREAD_ERROR)
 *
 * g_thread_try_new(), naming the thread only as QEMU would.
 *
 * Returns: (transfer full) (nullable): the thread, or %NULL with @error set.
 */
GThread *qmem_thread_try_new(const char *name, GThreadFunc func,
                             gpointer data, GError **error);

G_END_DECLS

#endif
