/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the memory-backend type and its properties share (backends/ only). */

#ifndef QMEM_BACKENDS_HOSTMEM_INTERNAL_H
#define QMEM_BACKENDS_HOSTMEM_INTERNAL_H

#include "system/hostmem.h"
#include "system/numa.h"
#include "system/thread-context.h"

#define HOST_NODES_BITS_PER_LONG (8 * sizeof(unsigned long))
/* One spare bit: mbind() gets maxnode + 1 (see complete). */
#define HOST_NODES_LONGS \
    ((QMEM_MAX_NODES + 1 + HOST_NODES_BITS_PER_LONG - 1) / \
     HOST_NODES_BITS_PER_LONG)

typedef struct {
    guint64 size;
    gboolean merge;
    gboolean dump;
    gboolean prealloc;
    guint prealloc_threads;
    QmemThreadContext *prealloc_context;    /* strong link, nullable */
    unsigned long host_nodes[HOST_NODES_LONGS];
    QmemHostMemPolicy policy;
    gboolean share;
    gboolean reserve;
    gboolean use_canonical_path;

    QmemRamBlock *block;        /* non-NULL once alloc succeeded */
    gboolean mapped;
} QmemHostMemoryBackendPrivate;

/* What the host can do with memory, probed once. */
typedef struct {
    gboolean has_ksm;           /* MADV_MERGEABLE */
    gboolean has_dontdump;      /* MADV_DONTDUMP */
    gboolean has_preferred_many;
} QmemHostMemCaps;

const QmemHostMemCaps *qmem_host_mem_caps(void);

QmemHostMemoryBackendPrivate *
qmem_host_memory_backend_get_private(QmemHostMemoryBackend *backend);

/*
 * Installs the properties of the abstract backend (hostmem-properties.c)
 * and the class hooks that read and write them.  Called from its
 * class_init.
 */
void qmem_host_memory_backend_class_add_properties(
    QmemHostMemoryBackendClass *klass);

/*
 * The helper thread of the prealloc-context, or %NULL: preallocation
 * threads are created by it.
 */
QmemContextThread *qmem_host_memory_backend_prealloc_thread(
    QmemHostMemoryBackend *backend);

static inline void host_nodes_set_bit(unsigned long *bits, guint node)
{
    bits[node / HOST_NODES_BITS_PER_LONG] |=
        1UL << (node % HOST_NODES_BITS_PER_LONG);
}

static inline gboolean host_nodes_test_bit(const unsigned long *bits,
                                           guint node)
{
    return (bits[node / HOST_NODES_BITS_PER_LONG] >>
            (node % HOST_NODES_BITS_PER_LONG)) & 1;
}

#endif
