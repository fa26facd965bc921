/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The abstract memory-backend's properties: each one's rules; the getters. */

#include <inttypes.h>
#include <sys/mman.h>

#include "hostmem-internal.h"
#include "qmem-config.h"
#include "qom/property.h"
#include "util/error.h"
#include "util/prealloc.h"

#define GET_PRIV(b) qmem_host_memory_backend_get_private(b)

enum {
    PROP_0,
    PROP_SIZE,
    PROP_MERGE,
    PROP_DUMP,
    PROP_PREALLOC,
    PROP_PREALLOC_THREADS,
    PROP_PREALLOC_CONTEXT,
    PROP_HOST_NODES,
    PROP_POLICY,
    PROP_SHARE,
    PROP_RESERVE,
    PROP_CANONICAL_PATH,
    N_PROPS
};

static GParamSpec *props[N_PROPS];
static QmemObjectClass *parent_class;

/*
 * QEMU keeps each property's rules in its own getter and setter.  Here
 * each property has one entry in the table below, and the functions it
 * names sit together above it, one group per property.
 */

#define PROP_FLAGS \
    (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY)

/*
 * A value from outside (qmem_property_set_value()) goes through
 * @set_checked, then g_object_set_property() and so @set; a value from
 * code (g_object_set()) goes through @set alone.
 */
typedef struct {
    /*
     * The GParamSpec: name, blurb (QEMU's description, which `-object
     * TYPE,help` prints), range and default.
     */
    GParamSpec *(*spec)(void);
    /*
     * QEMU's setter rules: refuses a value the backend cannot take now
     * (including whether the property may change once the memory exists)
     * and applies a change to memory that exists.  On failure the backend
     * is as it was.  %NULL: any valid value, any time.
     */
    gboolean (*set_checked)(QmemHostMemoryBackend *backend,
                            GParamSpec *pspec, const GValue *value,
                            GError **error);
    /* Stores @value; returns whether the property changed. */
    gboolean (*set)(QmemHostMemoryBackendPrivate *priv, const GValue *value);
    void (*get)(QmemHostMemoryBackendPrivate *priv, GValue *value);
} HostmemProperty;

/* QEMU's words when share or reserve change once the memory exists. */
static gboolean check_not_allocated(QmemHostMemoryBackend *backend,
                                    GError **error)
{
    if (GET_PRIV(backend)->block) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "cannot change property value");
        return FALSE;
    }
    return TRUE;
}

/* size: mandatory, never 0, fixed once the memory exists. */

static GParamSpec *size_spec(void)
{
    GParamSpec *pspec = qmem_param_spec_set_qom_type(qmem_param_spec_size(
        QMEM_HOSTMEM_PROP_SIZE, "Size of the memory region (ex: 500M)", 0,
        G_MAXUINT64, 0, PROP_FLAGS), "int");

    qmem_param_spec_set_mandatory(pspec);
    return pspec;
}

static gboolean size_set_checked(QmemHostMemoryBackend *backend,
                                 GParamSpec *pspec, const GValue *value,
                                 GError **error)
{
    const char *type = qmem_object_get_typename(QMEM_OBJECT(backend));

    if (GET_PRIV(backend)->block) {
        /* The trailing space is QEMU's. */
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "cannot change property %s of %s ", pspec->name, type);
        return FALSE;
    }
    if (!g_value_get_uint64(value)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "property '%s' of %s doesn't take value '%" PRIu64 "'",
                    pspec->name, type, g_value_get_uint64(value));
        return FALSE;
    }
    return TRUE;
}

static gboolean size_set(QmemHostMemoryBackendPrivate *priv,
                         const GValue *value)
{
    return qmem_value_store_uint64(&priv->size, value);
}

static void size_get(QmemHostMemoryBackendPrivate *priv, GValue *value)
{
    g_value_set_uint64(value, priv->size);
}

/* merge: any time, applied to memory that exists; on needs KSM. */

static GParamSpec *merge_spec(void)
{
    return g_param_spec_boolean(QMEM_HOSTMEM_PROP_MERGE, NULL,
                                "Mark memory as mergeable", FALSE,
                                PROP_FLAGS);
}

static gboolean merge_set_checked(QmemHostMemoryBackend *backend,
                                  GParamSpec *pspec, const GValue *value,
                                  GError **error)
{
    QmemHostMemoryBackendPrivate *priv = GET_PRIV(backend);
    gboolean merge = g_value_get_boolean(value);

    if (merge && !qmem_host_mem_caps()->has_ksm) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "Memory merging is not supported on this host");
        return FALSE;
    }
    if (priv->block && merge != priv->merge) {
        madvise(priv->block->host, priv->block->size,
                merge ? MADV_MERGEABLE : MADV_UNMERGEABLE);
    }
    return TRUE;
}

static gboolean merge_set(QmemHostMemoryBackendPrivate *priv,
                          const GValue *value)
{
    return qmem_value_store_boolean(&priv->merge, value);
}

static void merge_get(QmemHostMemoryBackendPrivate *priv, GValue *value)
{
    g_value_set_boolean(value, priv->merge);
}

/* dump: any time, applied to memory that exists; off needs DONTDUMP. */

static GParamSpec *dump_spec(void)
{
    return g_param_spec_boolean(QMEM_HOSTMEM_PROP_DUMP, NULL,
                                "Set to 'off' to exclude from core dump",
                                TRUE, PROP_FLAGS);
}

static gboolean dump_set_checked(QmemHostMemoryBackend *backend,
                                 GParamSpec *pspec, const GValue *value,
                                 GError **error)
{
    QmemHostMemoryBackendPrivate *priv = GET_PRIV(backend);
    gboolean dump = g_value_get_boolean(value);

    if (!dump && !qmem_host_mem_caps()->has_dontdump) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "Dumping guest memory cannot be disabled on "
                            "this host");
        return FALSE;
    }
    if (priv->block && dump != priv->dump) {
        madvise(priv->block->host, priv->block->size,
                dump ? MADV_DODUMP : MADV_DONTDUMP);
    }
    return TRUE;
}

static gboolean dump_set(QmemHostMemoryBackendPrivate *priv,
                         const GValue *value)
{
    return qmem_value_store_boolean(&priv->dump, value);
}

static void dump_get(QmemHostMemoryBackendPrivate *priv, GValue *value)
{
    g_value_set_boolean(value, priv->dump);
}

/*
 * prealloc: any time, never with reserve=off.  Turned on once the memory
 * exists, it preallocates at once; turned off then, it is ignored.
 */

static GParamSpec *prealloc_spec(void)
{
    return g_param_spec_boolean(QMEM_HOSTMEM_PROP_PREALLOC, NULL,
                                "Preallocate memory", FALSE, PROP_FLAGS);
}

static gboolean prealloc_set_checked(QmemHostMemoryBackend *backend,
                                     GParamSpec *pspec, const GValue *value,
                                     GError **error)
{
    QmemHostMemoryBackendPrivate *priv = GET_PRIV(backend);
    QmemRamBlock *block = priv->block;
    gboolean prealloc = g_value_get_boolean(value);

    if (prealloc && !priv->reserve) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "'prealloc=on' and 'reserve=off' are "
                            "incompatible");
        return FALSE;
    }
    /* Never in the background: the caller expects the memory ready. */
    if (block && prealloc && !priv->prealloc) {
        return qmem_prealloc_mem(block->fd, block->host, block->size,
                                 priv->prealloc_threads,
                                 qmem_host_memory_backend_prealloc_thread(
                                     backend), FALSE, error);
    }
    return TRUE;
}

static gboolean prealloc_set(QmemHostMemoryBackendPrivate *priv,
                             const GValue *value)
{
    /* Memory once preallocated stays so. */
    if (priv->block && priv->prealloc) {
        return FALSE;
    }
    return qmem_value_store_boolean(&priv->prealloc, value);
}

static void prealloc_get(QmemHostMemoryBackendPrivate *priv, GValue *value)
{
    g_value_set_boolean(value, priv->prealloc);
}

/* prealloc-threads: any time, never 0. */

static GParamSpec *prealloc_threads_spec(void)
{
    return qmem_param_spec_set_qom_type(g_param_spec_uint(
        QMEM_HOSTMEM_PROP_PREALLOC_THREADS, NULL,
        "Number of CPU threads to use for prealloc", 0, G_MAXUINT32, 1,
        PROP_FLAGS), "int");
}

static gboolean prealloc_threads_set_checked(QmemHostMemoryBackend *backend,
                                             GParamSpec *pspec,
                                             const GValue *value,
                                             GError **error)
{
    if (g_value_get_uint(value) == 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "property '%s' of %s doesn't take value '%u'",
                    pspec->name,
                    qmem_object_get_typename(QMEM_OBJECT(backend)),
                    g_value_get_uint(value));
        return FALSE;
    }
    return TRUE;
}

static gboolean prealloc_threads_set(QmemHostMemoryBackendPrivate *priv,
                                     const GValue *value)
{
    return qmem_value_store_uint(&priv->prealloc_threads, value);
}

static void prealloc_threads_get(QmemHostMemoryBackendPrivate *priv,
                                 GValue *value)
{
    g_value_set_uint(value, priv->prealloc_threads);
}

/* prealloc-context: any time (read when preallocating); a strong link. */

static GParamSpec *prealloc_context_spec(void)
{
    return g_param_spec_object(QMEM_HOSTMEM_PROP_PREALLOC_CONTEXT, NULL,
                               "Context to use for creating CPU threads for "
                               "preallocation", QMEM_TYPE_THREAD_CONTEXT,
                               PROP_FLAGS);
}

static gboolean prealloc_context_set(QmemHostMemoryBackendPrivate *priv,
                                     const GValue *value)
{
    QmemThreadContext *tc = g_value_get_object(value);

    if (priv->prealloc_context == tc) {
        return FALSE;
    }
    g_set_object(&priv->prealloc_context, tc);
    return TRUE;
}

static void prealloc_context_get(QmemHostMemoryBackendPrivate *priv,
                                 GValue *value)
{
    g_value_set_object(value, priv->prealloc_context);
}

/*
 * host-nodes: any time (read at complete), each below QMEM_MAX_NODES; only
 * with libnuma.  Setting adds nodes to the set and never removes any.
 */

static GParamSpec *host_nodes_spec(void)
{
    return qmem_param_spec_set_qom_type(qmem_param_spec_uint_list(
        QMEM_HOSTMEM_PROP_HOST_NODES,
        "Binds memory to the list of NUMA host nodes", G_MAXUINT16,
        PROP_FLAGS), "int");
}

static gboolean host_nodes_set_checked(QmemHostMemoryBackend *backend,
                                       GParamSpec *pspec, const GValue *value,
                                       GError **error)
{
#if CONFIG_NUMA
    GArray *list = g_value_get_boxed(value);

    for (guint i = 0; list && i < list->len; i++) {
        guint64 node = g_array_index(list, guint64, i);

        if (node >= QMEM_MAX_NODES) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Invalid host-nodes value: %d", (int)node);
            return FALSE;
        }
    }
    return TRUE;
#else
    g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "NUMA node binding are not supported by this QEMU");
    return FALSE;
#endif
}

static gboolean host_nodes_store(QmemHostMemoryBackendPrivate *priv,
                                 const GValue *value)
{
    GArray *list = g_value_get_boxed(value);
    gboolean changed = FALSE;

    for (guint i = 0; list && i < list->len; i++) {
        guint64 node = g_array_index(list, guint64, i);

        g_return_val_if_fail(node < QMEM_MAX_NODES, changed);
        if (!host_nodes_test_bit(priv->host_nodes, node)) {
            host_nodes_set_bit(priv->host_nodes, node);
            changed = TRUE;
        }
    }
    return changed;
}

static GArray *host_nodes_to_list(const unsigned long *bits)
{
    GArray *list = qmem_uint_list_new();

    for (guint n = 0; n < QMEM_MAX_NODES; n++) {
        if (host_nodes_test_bit(bits, n)) {
            guint64 v = n;

            g_array_append_val(list, v);
        }
    }
    return list;
}

static void host_nodes_get(QmemHostMemoryBackendPrivate *priv, GValue *value)
{
    g_value_take_boxed(value, host_nodes_to_list(priv->host_nodes));
}

/* policy: any time (read at complete); only "default" without libnuma. */

static GParamSpec *policy_spec(void)
{
    return g_param_spec_enum(QMEM_HOSTMEM_PROP_POLICY, NULL,
                             "Set the NUMA policy", QMEM_TYPE_HOST_MEM_POLICY,
                             QMEM_HOST_MEM_POLICY_DEFAULT, PROP_FLAGS);
}

static gboolean policy_set_checked(QmemHostMemoryBackend *backend,
                                   GParamSpec *pspec, const GValue *value,
                                   GError **error)
{
#if !CONFIG_NUMA
    if (g_value_get_enum(value) != QMEM_HOST_MEM_POLICY_DEFAULT) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "NUMA policies are not supported by this QEMU");
        return FALSE;
    }
#endif
    return TRUE;
}

static gboolean policy_set(QmemHostMemoryBackendPrivate *priv,
                           const GValue *value)
{
    QmemHostMemPolicy policy = g_value_get_enum(value);

    if (priv->policy == policy) {
        return FALSE;
    }
    priv->policy = policy;
    return TRUE;
}

static void policy_get(QmemHostMemoryBackendPrivate *priv, GValue *value)
{
    g_value_set_enum(value, priv->policy);
}

/* share: fixed once the memory exists.  memfd defaults it to on. */

static GParamSpec *share_spec(void)
{
    return g_param_spec_boolean(QMEM_HOSTMEM_PROP_SHARE, NULL,
                                "Mark the memory as private to QEMU or "
                                "shared", FALSE, PROP_FLAGS);
}

static gboolean share_set_checked(QmemHostMemoryBackend *backend,
                                  GParamSpec *pspec, const GValue *value,
                                  GError **error)
{
    return check_not_allocated(backend, error);
}

static gboolean share_set(QmemHostMemoryBackendPrivate *priv,
                          const GValue *value)
{
    return qmem_value_store_boolean(&priv->share, value);
}

static void share_get(QmemHostMemoryBackendPrivate *priv, GValue *value)
{
    g_value_set_boolean(value, priv->share);
}

/* reserve: fixed once the memory exists; never off while prealloc is on. */

static GParamSpec *reserve_spec(void)
{
    return g_param_spec_boolean(QMEM_HOSTMEM_PROP_RESERVE, NULL,
                                "Reserve swap space (or huge pages) if "
                                "applicable", TRUE, PROP_FLAGS);
}

static gboolean reserve_set_checked(QmemHostMemoryBackend *backend,
                                    GParamSpec *pspec, const GValue *value,
                                    GError **error)
{
    if (!check_not_allocated(backend, error)) {
        return FALSE;
    }
    if (GET_PRIV(backend)->prealloc && !g_value_get_boolean(value)) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "'prealloc=on' and 'reserve=off' are "
                            "incompatible");
        return FALSE;
    }
    return TRUE;
}

static gboolean reserve_set(QmemHostMemoryBackendPrivate *priv,
                            const GValue *value)
{
    return qmem_value_store_boolean(&priv->reserve, value);
}

static void reserve_get(QmemHostMemoryBackendPrivate *priv, GValue *value)
{
    g_value_set_boolean(value, priv->reserve);
}

/* x-use-canonical-path-for-ramblock-id: any time (read at alloc). */

static GParamSpec *canonical_path_spec(void)
{
    /* QEMU has no description for this one. */
    return g_param_spec_boolean(
        QMEM_HOSTMEM_PROP_CANONICAL_PATH, NULL,
        "Name the RAM block after the canonical path, not the id", FALSE,
        PROP_FLAGS);
}

static gboolean canonical_path_set(QmemHostMemoryBackendPrivate *priv,
                                   const GValue *value)
{
    return qmem_value_store_boolean(&priv->use_canonical_path, value);
}

static void canonical_path_get(QmemHostMemoryBackendPrivate *priv,
                               GValue *value)
{
    g_value_set_boolean(value, priv->use_canonical_path);
}

static const HostmemProperty properties[N_PROPS] = {
    [PROP_SIZE] = { size_spec, size_set_checked, size_set, size_get },
    [PROP_MERGE] = { merge_spec, merge_set_checked, merge_set, merge_get },
    [PROP_DUMP] = { dump_spec, dump_set_checked, dump_set, dump_get },
    [PROP_PREALLOC] = { prealloc_spec, prealloc_set_checked, prealloc_set,
                        prealloc_get },
    [PROP_PREALLOC_THREADS] = { prealloc_threads_spec,
                                prealloc_threads_set_checked,
                                prealloc_threads_set, prealloc_threads_get },
    [PROP_PREALLOC_CONTEXT] = { prealloc_context_spec, NULL,
                                prealloc_context_set, prealloc_context_get },
    [PROP_HOST_NODES] = { host_nodes_spec, host_nodes_set_checked,
                          host_nodes_store, host_nodes_get },
    [PROP_POLICY] = { policy_spec, policy_set_checked, policy_set,
                      policy_get },
    [PROP_SHARE] = { share_spec, share_set_checked, share_set, share_get },
    [PROP_RESERVE] = { reserve_spec, reserve_set_checked, reserve_set,
                       reserve_get },
    [PROP_CANONICAL_PATH] = { canonical_path_spec, NULL, canonical_path_set,
                              canonical_path_get },
};

static void qmem_host_memory_backend_set_property(GObject *gobj,
                                                  guint prop_id,
                                                  const GValue *value,
                                                  GParamSpec *pspec)
{
    QmemHostMemoryBackendPrivate *priv =
        GET_PRIV(QMEM_HOST_MEMORY_BACKEND(gobj));

    if (prop_id == PROP_0 || prop_id >= N_PROPS) {
        G_OBJECT_WARN_INVALID_PROPERTY_ID(gobj, prop_id, pspec);
        return;
    }
    if (properties[prop_id].set(priv, value)) {
        g_object_notify_by_pspec(gobj, pspec);
    }
}

static void qmem_host_memory_backend_get_property(GObject *gobj,
                                                  guint prop_id,
                                                  GValue *value,
                                                  GParamSpec *pspec)
{
    QmemHostMemoryBackendPrivate *priv =
        GET_PRIV(QMEM_HOST_MEMORY_BACKEND(gobj));

    if (prop_id == PROP_0 || prop_id >= N_PROPS) {
        G_OBJECT_WARN_INVALID_PROPERTY_ID(gobj, prop_id, pspec);
        return;
    }
    properties[prop_id].get(priv, value);
}

static gboolean
qmem_host_memory_backend_set_property_checked(QmemObject *obj,
                                              GParamSpec *pspec,
                                              const GValue *value,
                                              GError **error)
{
    if (pspec->owner_type == QMEM_TYPE_HOST_MEMORY_BACKEND) {
        const HostmemProperty *prop = &properties[pspec->param_id];

        if (prop->set_checked &&
            !prop->set_checked(QMEM_HOST_MEMORY_BACKEND(obj), pspec, value,
                               error)) {
            return FALSE;
        }
    }
    return parent_class->set_property_checked(obj, pspec, value, error);
}

void qmem_host_memory_backend_class_add_properties(
    QmemHostMemoryBackendClass *klass)
{
    GObjectClass *gobject_class = G_OBJECT_CLASS(klass);
    QmemObjectClass *object_class = QMEM_OBJECT_CLASS(klass);

    parent_class = g_type_class_peek_parent(klass);
    gobject_class->set_property = qmem_host_memory_backend_set_property;
    gobject_class->get_property = qmem_host_memory_backend_get_property;
    object_class->set_property_checked =
        qmem_host_memory_backend_set_property_checked;

    for (guint id = PROP_0 + 1; id < N_PROPS; id++) {
        props[id] = properties[id].spec();
    }
    g_object_class_install_properties(gobject_class, N_PROPS, props);
}

/* Typed getters */

guint64 qmem_host_memory_backend_get_size(QmemHostMemoryBackend *backend)
{
    g_return_val_if_fail(QMEM_IS_HOST_MEMORY_BACKEND(backend), 0);
    return GET_PRIV(backend)->size;
}

gboolean qmem_host_memory_backend_get_merge(QmemHostMemoryBackend *backend)
{
    g_return_val_if_fail(QMEM_IS_HOST_MEMORY_BACKEND(backend), FALSE);
    return GET_PRIV(backend)->merge;
}

gboolean qmem_host_memory_backend_get_dump(QmemHostMemoryBackend *backend)
{
    g_return_val_if_fail(QMEM_IS_HOST_MEMORY_BACKEND(backend), FALSE);
    return GET_PRIV(backend)->dump;
}

gboolean qmem_host_memory_backend_get_prealloc(QmemHostMemoryBackend *backend)
{
    g_return_val_if_fail(QMEM_IS_HOST_MEMORY_BACKEND(backend), FALSE);
    return GET_PRIV(backend)->prealloc;
}

guint qmem_host_memory_backend_get_prealloc_threads(
    QmemHostMemoryBackend *backend)
{
    g_return_val_if_fail(QMEM_IS_HOST_MEMORY_BACKEND(backend), 1);
    return GET_PRIV(backend)->prealloc_threads;
}

GArray *qmem_host_memory_backend_get_host_nodes(QmemHostMemoryBackend *backend)
{
    g_return_val_if_fail(QMEM_IS_HOST_MEMORY_BACKEND(backend), NULL);
    return host_nodes_to_list(GET_PRIV(backend)->host_nodes);
}

QmemHostMemPolicy qmem_host_memory_backend_get_policy(
    QmemHostMemoryBackend *backend)
{
    g_return_val_if_fail(QMEM_IS_HOST_MEMORY_BACKEND(backend),
                         QMEM_HOST_MEM_POLICY_DEFAULT);
    return GET_PRIV(backend)->policy;
}

gboolean qmem_host_memory_backend_get_share(QmemHostMemoryBackend *backend)
{
    g_return_val_if_fail(QMEM_IS_HOST_MEMORY_BACKEND(backend), FALSE);
    return GET_PRIV(backend)->share;
}

gboolean qmem_host_memory_backend_get_reserve(QmemHostMemoryBackend *backend)
{
    g_return_val_if_fail(QMEM_IS_HOST_MEMORY_BACKEND(backend), TRUE);
    return GET_PRIV(backend)->reserve;
}

QmemContextThread *qmem_host_memory_backend_prealloc_thread(
    QmemHostMemoryBackend *backend)
{
    QmemThreadContext *tc = GET_PRIV(backend)->prealloc_context;

    return tc ? qmem_thread_context_get_thread(tc) : NULL;
}
