/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The thread-context object: where threads created for others may run. */

#ifndef QMEM_SYSTEM_THREAD_CONTEXT_H
#define QMEM_SYSTEM_THREAD_CONTEXT_H

#include "qom/object.h"
#include "util/context-thread.h"

G_BEGIN_DECLS

/*
 * QEMU 7.2's thread-context (util/thread-context.c there): a helper
 * thread, placed by cpu-affinity or node-affinity (or by management
 * software through its thread-id), that creates threads on request so that
 * they inherit its affinity.  Memory backends name one as their
 * prealloc-context.  A core type, not a module, because the backends'
 * link property names its GType.
 */
#define QMEM_TYPE_THREAD_CONTEXT (qmem_thread_context_get_type())
G_DECLARE_FINAL_TYPE(QmemThreadContext, qmem_thread_context, QMEM,
                     THREAD_CONTEXT, QmemObject)

#define QMEM_TYPE_NAME_THREAD_CONTEXT "thread-context"

#define QMEM_THREAD_CONTEXT_PROP_CPU_AFFINITY "cpu-affinity"
#define QMEM_THREAD_CONTEXT_PROP_NODE_AFFINITY "node-affinity"
#define QMEM_THREAD_CONTEXT_PROP_THREAD_ID "thread-id"

/**
 * qmem_thread_context_get_thread:
 * Returns: (transfer none) (nullable): the helper thread, %NULL until the
 *   object is complete.  qmem_context_thread_create() on it makes threads
 *   that run on the context's CPUs.
 */
QmemContextThread *qmem_thread_context_get_thread(QmemThreadContext *tc);

G_END_DECLS

#endif
