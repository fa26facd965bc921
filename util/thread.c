/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Thread creation with QEMU's optional thread names (debug-threads). */

#include "util/thread.h"

static gboolean name_threads;

void qmem_thread_naming(gboolean enable)
{
    g_atomic_int_set(&name_threads, enable);
}

gboolean qmem_thread_naming_enabled(void)
{
    return g_atomic_int_get(&name_threads);
}

GThread *qmem_thread_try_new(const char *name, GThreadFunc func,
                             gpointer data, GError **error)
{
    /* GLib names a thread (prctl(PR_SET_NAME)) only when given a name. */
    return g_thread_try_new(qmem_thread_naming_enabled() ? name : NULL, func,
                            data, error);
}
