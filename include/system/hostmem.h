/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The abstract memory-backend: host memory for the guest, one per -object. */

#ifndef QMEM_SYSTEM_HOSTMEM_H
#define QMEM_SYSTEM_HOSTMEM_H

#include <json-glib/json-glib.h>
#include "qom/object.h"
#include "system/numa.h"
#include "system/ram-block.h"

G_BEGIN_DECLS

#define QMEM_TYPE_HOST_MEMORY_BACKEND (qmem_host_memory_backend_get_type())
G_DECLARE_DERIVABLE_TYPE(QmemHostMemoryBackend, qmem_host_memory_backend,
                         QMEM, HOST_MEMORY_BACKEND, QmemObject)

/* User-facing names (QEMU's spelling). */
#define QMEM_TYPE_NAME_MEMORY_BACKEND "memory-backend"
#define QMEM_TYPE_NAME_MEMORY_BACKEND_RAM "memory-backend-ram"
#define QMEM_TYPE_NAME_MEMORY_BACKEND_FILE "memory-backend-file"
#define QMEM_TYPE_NAME_MEMORY_BACKEND_MEMFD "memory-backend-memfd"
#define QMEM_TYPE_NAME_MEMORY_BACKEND_SHM "memory-backend-shm"
#define QMEM_TYPE_NAME_MEMORY_BACKEND_EPC "memory-backend-epc"

/* Property names. */
#define QMEM_HOSTMEM_PROP_SIZE "size"
#define QMEM_HOSTMEM_PROP_MERGE "merge"
#define QMEM_HOSTMEM_PROP_DUMP "dump"
#define QMEM_HOSTMEM_PROP_PREALLOC "prealloc"
#define QMEM_HOSTMEM_PROP_PREALLOC_THREADS "prealloc-threads"
#define QMEM_HOSTMEM_PROP_PREALLOC_CONTEXT "prealloc-context"
#define QMEM_HOSTMEM_PROP_HOST_NODES "host-nodes"
#define QMEM_HOSTMEM_PROP_POLICY "policy"
#define QMEM_HOSTMEM_PROP_SHARE "share"
#define QMEM_HOSTMEM_PROP_RESERVE "reserve"
#define QMEM_HOSTMEM_PROP_CANONICAL_PATH "x-use-canonical-path-for-ramblock-id"

/**
 * QmemHostMemPolicy:
 * @QMEM_HOST_MEM_POLICY_DEFAULT: no binding ("default")
 * @QMEM_HOST_MEM_POLICY_PREFERRED: MPOL_PREFERRED (upgraded to
 *   MPOL_PREFERRED_MANY where the host has it)
 * @QMEM_HOST_MEM_POLICY_BIND: MPOL_BIND
 * @QMEM_HOST_MEM_POLICY_INTERLEAVE: MPOL_INTERLEAVE
 *
 * QEMU's HostMemPolicy; the values equal the MPOL_* numbers.
 */
typedef enum {
    QMEM_HOST_MEM_POLICY_DEFAULT,
    QMEM_HOST_MEM_POLICY_PREFERRED,
    QMEM_HOST_MEM_POLICY_BIND,
    QMEM_HOST_MEM_POLICY_INTERLEAVE,
} QmemHostMemPolicy;

GType qmem_host_mem_policy_get_type(void);
#define QMEM_TYPE_HOST_MEM_POLICY (qmem_host_mem_policy_get_type())

/**
 * QmemHostMemoryBackendClass:
 * @alloc: allocates the backend's memory and returns it (transfer full),
 *   or %NULL with @error set.  Called by complete once every property is
 *   set; called again only if that complete failed (complete then freed
 *   the block).  Reads the properties it needs through the getters below.
 *   On failure it leaves no mapping and no open file descriptor behind.  It
 *   may resolve properties of its own type (rom=auto of
 *   memory-backend-file) but may not set those of the abstract backend,
 *   and does not apply merge, dump, NUMA policy or prealloc: complete does.
 *   Required of every instantiable backend (without it complete does
 *   nothing).
 * @aligned: whether complete refuses a size that is not a multiple of the
 *   page size of the block @alloc returns ("backend '%s' memory size must
 *   be multiple of %s").  QEMU's `aligned`: %TRUE for file and memfd
 *   memory, %FALSE (the default) for anonymous RAM, which takes any size.
 */
struct _QmemHostMemoryBackendClass {
    QmemObjectClass parent_class;

    QmemRamBlock *(*alloc)(QmemHostMemoryBackend *backend, GError **error);
    gboolean aligned;

    gpointer padding[7];
};

/**
 * qmem_host_memory_backend_get_ram_block:
 * Returns: (transfer none) (nullable): the RAM block, %NULL until complete
 *   succeeded (the block that the class's alloc returned).
 */
QmemRamBlock *qmem_host_memory_backend_get_ram_block(
    QmemHostMemoryBackend *backend);

/*
 * Typed getters: what other code reads of a backend, without going through
 * its properties by name.  Each returns the property of the same name.
 */

/**
 * qmem_host_memory_backend_get_size:
 * Returns: "size" in bytes (0 until set).
 */
guint64 qmem_host_memory_backend_get_size(QmemHostMemoryBackend *backend);

/**
 * qmem_host_memory_backend_get_merge:
 * Returns: "merge": whether the memory is marked mergeable (KSM).
 */
gboolean qmem_host_memory_backend_get_merge(QmemHostMemoryBackend *backend);

/**
 * qmem_host_memory_backend_get_dump:
 * Returns: "dump": whether the memory goes into core dumps.
 */
gboolean qmem_host_memory_backend_get_dump(QmemHostMemoryBackend *backend);

/**
 * qmem_host_memory_backend_get_prealloc:
 * Returns: "prealloc": whether the memory is (to be) preallocated.  Once
 *   the memory exists and is preallocated this stays %TRUE.
 */
gboolean qmem_host_memory_backend_get_prealloc(QmemHostMemoryBackend *backend);

/**
 * qmem_host_memory_backend_get_prealloc_threads:
 * Returns: "prealloc-threads": how many threads preallocation may use (> 0).
 */
guint qmem_host_memory_backend_get_prealloc_threads(
    QmemHostMemoryBackend *backend);

/**
 * qmem_host_memory_backend_get_host_nodes:
 * Returns: (transfer full) (element-type guint64): "host-nodes": the host
 *   NUMA nodes the memory is bound to, ascending, each below
 *   %QMEM_MAX_NODES; empty when none was given.
 */
GArray *qmem_host_memory_backend_get_host_nodes(QmemHostMemoryBackend *backend);

/**
 * qmem_host_memory_backend_get_policy:
 * Returns: "policy": the NUMA policy the memory is bound with.
 */
QmemHostMemPolicy qmem_host_memory_backend_get_policy(
    QmemHostMemoryBackend *backend);

/**
 * qmem_host_memory_backend_get_share:
 * Returns: "share": whether the memory is mapped shared (MAP_SHARED).
 */
gboolean qmem_host_memory_backend_get_share(QmemHostMemoryBackend *backend);

/**
 * qmem_host_memory_backend_get_reserve:
 * Returns: "reserve": whether swap space (or huge pages) is reserved; %FALSE
 *   maps the memory MAP_NORESERVE.
 */
gboolean qmem_host_memory_backend_get_reserve(QmemHostMemoryBackend *backend);

/**
 * qmem_host_memory_backend_get_id:
 * Returns: (nullable): the id (the name under /objects), %NULL when the
 *   backend is not in the tree.
 */
const char *qmem_host_memory_backend_get_id(QmemHostMemoryBackend *backend);

/**
 * qmem_host_memory_backend_ram_block_name:
 * Returns: (transfer full): the name the RAM block gets: the id, or the
 *   canonical path when x-use-canonical-path-for-ramblock-id is on.
 */
char *qmem_host_memory_backend_ram_block_name(QmemHostMemoryBackend *backend);

/**
 * qmem_host_memory_backend_is_mapped:
 * Returns: whether a consumer (DIMM, virtio-mem, NUMA node, machine RAM)
 *   uses the backend; a mapped backend can't be deleted or used again.
 */
gboolean qmem_host_memory_backend_is_mapped(QmemHostMemoryBackend *backend);

/**
 * qmem_host_memory_backend_set_mapped:
 * Marks or unmarks the backend as used by a consumer.
 */
void qmem_host_memory_backend_set_mapped(QmemHostMemoryBackend *backend,
                                         gboolean mapped);

/**
 * qmem_host_memory_backend_set_defaults:
 * @merge: default of "merge" for backends created from now on
 * @dump: default of "dump"
 * @prealloc_threads: default of "prealloc-threads" (the boot vCPU count)
 * @prealloc: whether -mem-prealloc turns prealloc on for every backend
 *
 * Machine-provided instance defaults (QEMU takes them from the machine at
 * instance init; -mem-prealloc is a global property).
 */
void qmem_host_memory_backend_set_defaults(gboolean merge, gboolean dump,
                                           guint prealloc_threads,
                                           gboolean prealloc);

/**
 * qmem_host_memory_backend_set_async_prealloc:
 * @async: %TRUE while the backends of the command line are created
 *
 * QEMU 9.0's start-up rule (async until PHASE_LATE_BACKENDS_CREATED):
 * while @async is on, a backend completed with prealloc=on and a
 * prealloc-context leaves its preallocation waiting, and the caller runs
 * every waiting one at once with qmem_prealloc_finish_async() once all are
 * created.  Off (the default, and for every backend created later, by
 * object-add or a hot-plug) preallocation is done before complete returns.
 */
void qmem_host_memory_backend_set_async_prealloc(gboolean async);

/**
 * qmem_host_memory_backend_query:
 * Returns: (transfer full): the query-memdev list: a #JsonNode array with
 *   one Memdev object per memory backend directly under /objects.
 */
JsonNode *qmem_host_memory_backend_query(void);

/**
 * qmem_host_memory_backend_info:
 * @out: where HMP `info memdev` text goes
 */
void qmem_host_memory_backend_info(GString *out);

G_END_DECLS

#endif
