/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The abstract memory-backend: the type, complete, NUMA binding, queries. */

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hostmem-internal.h"
#include "qmem-config.h"
#include "qobject/json.h"
#include "qom/user-creatable.h"
#include "util/cutils.h"
#include "util/error.h"
#include "util/osdep.h"
#include "util/prealloc.h"

#if CONFIG_NUMA
#include <numa.h>
#include <numaif.h>
G_STATIC_ASSERT(QMEM_HOST_MEM_POLICY_DEFAULT == MPOL_DEFAULT);
G_STATIC_ASSERT(QMEM_HOST_MEM_POLICY_PREFERRED == MPOL_PREFERRED);
G_STATIC_ASSERT(QMEM_HOST_MEM_POLICY_BIND == MPOL_BIND);
G_STATIC_ASSERT(QMEM_HOST_MEM_POLICY_INTERLEAVE == MPOL_INTERLEAVE);
#endif

static void qmem_host_memory_backend_uc_init(QmemUserCreatableInterface *iface);

G_DEFINE_ENUM_TYPE(QmemHostMemPolicy, qmem_host_mem_policy,
    G_DEFINE_ENUM_VALUE(QMEM_HOST_MEM_POLICY_DEFAULT, "default"),
    G_DEFINE_ENUM_VALUE(QMEM_HOST_MEM_POLICY_PREFERRED, "preferred"),
    G_DEFINE_ENUM_VALUE(QMEM_HOST_MEM_POLICY_BIND, "bind"),
    G_DEFINE_ENUM_VALUE(QMEM_HOST_MEM_POLICY_INTERLEAVE, "interleave"))

/*
 * The user-facing name is registered with the GType itself, so that it
 * exists before any module registers a subclass or anyone looks it up.
 */
G_DEFINE_ABSTRACT_TYPE_WITH_CODE(QmemHostMemoryBackend,
                                 qmem_host_memory_backend, QMEM_TYPE_OBJECT,
    G_ADD_PRIVATE(QmemHostMemoryBackend)
    G_IMPLEMENT_INTERFACE(QMEM_TYPE_USER_CREATABLE,
                          qmem_host_memory_backend_uc_init)
    qmem_type_register_name(QMEM_TYPE_NAME_MEMORY_BACKEND,
                            g_define_type_id))

#define GET_PRIV(b) \
    ((QmemHostMemoryBackendPrivate *) \
     qmem_host_memory_backend_get_instance_private(b))

QmemHostMemoryBackendPrivate *
qmem_host_memory_backend_get_private(QmemHostMemoryBackend *backend)
{
    return GET_PRIV(backend);
}

const QmemHostMemCaps *qmem_host_mem_caps(void)
{
    static QmemHostMemCaps caps;
    static gsize done;

    if (g_once_init_enter(&done)) {
        gsize page = qmem_host_page_size();
        void *p = mmap(NULL, page, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

        /* madvise() refuses advice the kernel was built without. */
        if (p != MAP_FAILED) {
            caps.has_ksm = madvise(p, page, MADV_MERGEABLE) == 0;
            caps.has_dontdump = madvise(p, page, MADV_DONTDUMP) == 0;
            munmap(p, page);
        }
#if CONFIG_NUMA && defined(MPOL_PREFERRED_MANY)
        caps.has_preferred_many = numa_has_preferred_many() > 0;
#endif
        g_once_init_leave(&done, 1);
    }
    return &caps;
}

/* Machine-provided instance defaults. */

G_LOCK_DEFINE_STATIC(defaults);
static gboolean defaults_set;
static gboolean default_merge;
static gboolean default_dump = TRUE;
static guint default_prealloc_threads = 1;
static gboolean default_prealloc;

void qmem_host_memory_backend_set_defaults(gboolean merge, gboolean dump,
                                           guint prealloc_threads,
                                           gboolean prealloc)
{
    g_return_if_fail(prealloc_threads > 0);

    G_LOCK(defaults);
    defaults_set = TRUE;
    default_merge = merge;
    default_dump = dump;
    default_prealloc_threads = prealloc_threads;
    default_prealloc = prealloc;
    G_UNLOCK(defaults);
}

static const char *policy_nick(QmemHostMemPolicy policy)
{
    g_autoptr(GEnumClass) klass = g_type_class_ref(QMEM_TYPE_HOST_MEM_POLICY);
    GEnumValue *ev = g_enum_get_value(klass, policy);

    /* The nick is a static string owned by the (static) enum type. */
    return ev ? ev->value_nick : "";
}

static gint async_prealloc;

void qmem_host_memory_backend_set_async_prealloc(gboolean async)
{
    g_atomic_int_set(&async_prealloc, async);
}

static void qmem_host_memory_backend_free_block(QmemHostMemoryBackend *backend)
{
    QmemRamBlock *block = GET_PRIV(backend)->block;

    /* Threads may still wait to populate it (start-up failed meanwhile). */
    if (block) {
        qmem_prealloc_cancel_async(block->host);
    }
    g_clear_pointer(&GET_PRIV(backend)->block, qmem_ram_block_free);
}

#if CONFIG_NUMA
/* Index of the highest node set, or -1. */
static int host_nodes_last(const unsigned long *bits)
{
    for (int n = QMEM_MAX_NODES - 1; n >= 0; n--) {
        if (host_nodes_test_bit(bits, n)) {
            return n;
        }
    }
    return -1;
}

static gboolean host_memory_backend_bind(QmemHostMemoryBackend *backend,
                                         GError **error)
{
    QmemHostMemoryBackendPrivate *priv = GET_PRIV(backend);
    /* maxnode counts nodes up to the highest given one; 0 = none given. */
    unsigned long maxnode = host_nodes_last(priv->host_nodes) + 1;
    int mode = priv->policy;

    if (maxnode && priv->policy == QMEM_HOST_MEM_POLICY_DEFAULT) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "host-nodes must be empty for policy default, "
                            "or you should explicitly specify a policy other "
                            "than default");
        return FALSE;
    } else if (!maxnode && priv->policy != QMEM_HOST_MEM_POLICY_DEFAULT) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "host-nodes must be set for policy %s",
                    policy_nick(priv->policy));
        return FALSE;
    }

#ifdef MPOL_PREFERRED_MANY
    /* Plain MPOL_PREFERRED silently honours only the first node. */
    if (mode == MPOL_PREFERRED && qmem_host_mem_caps()->has_preferred_many) {
        mode = MPOL_PREFERRED_MANY;
    }
#endif

    /*
     * The kernel drops the last of maxnode bits, hence maxnode + 1 and the
     * spare bit in host_nodes.  STRICT|MOVE also moves pages already
     * faulted in elsewhere (hugetlbfs ignores STRICT).
     */
    if (maxnode &&
        mbind(priv->block->host, priv->block->size, mode, priv->host_nodes,
              maxnode + 1, MPOL_MF_STRICT | MPOL_MF_MOVE)) {
        if (priv->policy != QMEM_HOST_MEM_POLICY_DEFAULT || errno != ENOSYS) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "cannot bind memory to host NUMA nodes: %s",
                        g_strerror(errno));
            return FALSE;
        }
    }
    return TRUE;
}
#endif

/* Nobody may write a read-only mapping: its pages are faulted in for reading. */
static gboolean backend_prealloc(QmemHostMemoryBackend *backend,
                                 QmemRamBlock *block, GError **error)
{
    QmemHostMemoryBackendPrivate *priv = GET_PRIV(backend);

    if (block->flags & QMEM_RAM_READONLY) {
        return qmem_prealloc_mem_readonly(block->host, block->size, error);
    }
    return qmem_prealloc_mem(block->fd, block->host, block->size,
                             priv->prealloc_threads,
                             qmem_host_memory_backend_prealloc_thread(backend),
                             g_atomic_int_get(&async_prealloc), error);
}

static gboolean qmem_host_memory_backend_complete(QmemUserCreatable *uc,
                                                  GError **error)
{
    QmemHostMemoryBackend *backend = QMEM_HOST_MEMORY_BACKEND(uc);
    QmemHostMemoryBackendClass *klass =
        QMEM_HOST_MEMORY_BACKEND_GET_CLASS(backend);
    QmemHostMemoryBackendPrivate *priv = GET_PRIV(backend);
    QmemRamBlock *block;

    if (!klass->alloc) {
        return TRUE;
    }
    g_return_val_if_fail(priv->block == NULL, FALSE);
    block = klass->alloc(backend, error);
    if (!block) {
        return FALSE;
    }
    priv->block = block;
    block->owner = QMEM_OBJECT(backend);

    if (klass->aligned && block->size % block->page_size) {
        g_autofree char *page_str = qmem_size_to_str(block->page_size);

        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "backend '%s' memory size must be multiple of %s",
                    qmem_object_get_typename(QMEM_OBJECT(backend)), page_str);
        goto fail;
    }

    if (priv->merge) {
        madvise(block->host, block->size, MADV_MERGEABLE);
    }
    if (!priv->dump) {
        madvise(block->host, block->size, MADV_DONTDUMP);
    }
#if CONFIG_NUMA
    if (!host_memory_backend_bind(backend, error)) {
        goto fail;
    }
#endif
    /* Last, so that the pages are faulted in under the NUMA policy. */
    if (priv->prealloc && !backend_prealloc(backend, block, error)) {
        goto fail;
    }
    return TRUE;

fail:
    qmem_host_memory_backend_free_block(backend);
    return FALSE;
}

static gboolean qmem_host_memory_backend_can_be_deleted(QmemUserCreatable *uc)
{
    return !GET_PRIV(QMEM_HOST_MEMORY_BACKEND(uc))->mapped;
}

static void qmem_host_memory_backend_uc_init(QmemUserCreatableInterface *iface)
{
    iface->complete = qmem_host_memory_backend_complete;
    iface->can_be_deleted = qmem_host_memory_backend_can_be_deleted;
}

static void qmem_host_memory_backend_finalize(GObject *gobj)
{
    QmemHostMemoryBackend *backend = QMEM_HOST_MEMORY_BACKEND(gobj);

    qmem_host_memory_backend_free_block(backend);
    g_clear_object(&GET_PRIV(backend)->prealloc_context);
    G_OBJECT_CLASS(qmem_host_memory_backend_parent_class)->finalize(gobj);
}

static void
qmem_host_memory_backend_class_init(QmemHostMemoryBackendClass *klass)
{
    G_OBJECT_CLASS(klass)->finalize = qmem_host_memory_backend_finalize;
    qmem_host_memory_backend_class_add_properties(klass);
}

static void qmem_host_memory_backend_init(QmemHostMemoryBackend *backend)
{
    QmemHostMemoryBackendPrivate *priv = GET_PRIV(backend);

    G_LOCK(defaults);
    priv->merge = (defaults_set ? default_merge : TRUE) &&
                  qmem_host_mem_caps()->has_ksm;
    priv->dump = default_dump || !qmem_host_mem_caps()->has_dontdump;
    priv->prealloc_threads = default_prealloc_threads;
    priv->prealloc = default_prealloc;
    G_UNLOCK(defaults);
    priv->reserve = TRUE;
    priv->policy = QMEM_HOST_MEM_POLICY_DEFAULT;
}

/* Public API */

QmemRamBlock *qmem_host_memory_backend_get_ram_block(
    QmemHostMemoryBackend *backend)
{
    g_return_val_if_fail(QMEM_IS_HOST_MEMORY_BACKEND(backend), NULL);
    return GET_PRIV(backend)->block;
}

const char *qmem_host_memory_backend_get_id(QmemHostMemoryBackend *backend)
{
    g_return_val_if_fail(QMEM_IS_HOST_MEMORY_BACKEND(backend), NULL);
    return qmem_object_get_name(QMEM_OBJECT(backend));
}

char *qmem_host_memory_backend_ram_block_name(QmemHostMemoryBackend *backend)
{
    const char *id;

    g_return_val_if_fail(QMEM_IS_HOST_MEMORY_BACKEND(backend), NULL);
    if (GET_PRIV(backend)->use_canonical_path) {
        char *path = qmem_object_get_canonical_path(QMEM_OBJECT(backend));

        if (path) {
            return path;
        }
    }
    /* A backend outside the tree (only tests make those) has no id. */
    id = qmem_object_get_name(QMEM_OBJECT(backend));
    return g_strdup(id ? id : "");
}

gboolean qmem_host_memory_backend_is_mapped(QmemHostMemoryBackend *backend)
{
    g_return_val_if_fail(QMEM_IS_HOST_MEMORY_BACKEND(backend), FALSE);
    return GET_PRIV(backend)->mapped;
}

void qmem_host_memory_backend_set_mapped(QmemHostMemoryBackend *backend,
                                         gboolean mapped)
{
    g_return_if_fail(QMEM_IS_HOST_MEMORY_BACKEND(backend));
    GET_PRIV(backend)->mapped = mapped;
}

/* query-memdev and `info memdev` */

static gint compare_ids(gconstpointer a, gconstpointer b)
{
    QmemObject *oa = *(QmemObject *const *)a;
    QmemObject *ob = *(QmemObject *const *)b;

    return g_strcmp0(qmem_object_get_name(oa), qmem_object_get_name(ob));
}

/* The memory backends directly under /objects, sorted by id. */
static GPtrArray *list_backends(void)
{
    g_autoptr(GPtrArray) children =
        qmem_object_get_children(qmem_object_get_objects_root());
    GPtrArray *backends = g_ptr_array_new();

    for (guint i = 0; i < children->len; i++) {
        if (QMEM_IS_HOST_MEMORY_BACKEND(g_ptr_array_index(children, i))) {
            g_ptr_array_add(backends, g_ptr_array_index(children, i));
        }
    }
    g_ptr_array_sort(backends, compare_ids);
    return backends;
}

JsonNode *qmem_host_memory_backend_query(void)
{
    g_autoptr(GPtrArray) backends = list_backends();
    JsonArray *list = json_array_new();

    for (guint i = 0; i < backends->len; i++) {
        QmemHostMemoryBackend *backend = g_ptr_array_index(backends, i);
        g_autoptr(GArray) nodes =
            qmem_host_memory_backend_get_host_nodes(backend);
        JsonObject *m = json_object_new();
        JsonArray *node_list = json_array_new();

        for (guint n = 0; n < nodes->len; n++) {
            json_array_add_int_element(node_list,
                                       g_array_index(nodes, guint64, n));
        }
        /* Members in the order of QEMU's Memdev schema. */
        json_object_set_string_member(
            m, "id", qmem_host_memory_backend_get_id(backend));
        json_object_set_int_member(
            m, "size", (gint64)qmem_host_memory_backend_get_size(backend));
        json_object_set_boolean_member(
            m, "merge", qmem_host_memory_backend_get_merge(backend));
        json_object_set_boolean_member(
            m, "dump", qmem_host_memory_backend_get_dump(backend));
        json_object_set_boolean_member(
            m, "prealloc", qmem_host_memory_backend_get_prealloc(backend));
        json_object_set_boolean_member(
            m, "share", qmem_host_memory_backend_get_share(backend));
        json_object_set_boolean_member(
            m, "reserve", qmem_host_memory_backend_get_reserve(backend));
        json_object_set_array_member(m, "host-nodes", node_list);
        json_object_set_string_member(
            m, "policy",
            policy_nick(qmem_host_memory_backend_get_policy(backend)));
        json_array_add_object_element(list, m);
    }
    return qmem_json_node_new_array(list);
}

static const char *bool_str(gboolean b)
{
    return b ? "true" : "false";
}

void qmem_host_memory_backend_info(GString *out)
{
    g_autoptr(GPtrArray) backends = list_backends();

    for (guint i = 0; i < backends->len; i++) {
        QmemHostMemoryBackend *backend = g_ptr_array_index(backends, i);
        g_autoptr(GArray) nodes =
            qmem_host_memory_backend_get_host_nodes(backend);
        g_autofree char *node_list = qmem_uint_list_to_string(nodes);

        g_string_append_printf(out, "memory backend: %s\n",
                               qmem_host_memory_backend_get_id(backend));
        /* QEMU prints the size as a signed number. */
        g_string_append_printf(
            out, "  size:  %" G_GINT64_FORMAT "\n",
            (gint64)qmem_host_memory_backend_get_size(backend));
        g_string_append_printf(
            out, "  merge: %s\n",
            bool_str(qmem_host_memory_backend_get_merge(backend)));
        g_string_append_printf(
            out, "  dump: %s\n",
            bool_str(qmem_host_memory_backend_get_dump(backend)));
        g_string_append_printf(
            out, "  prealloc: %s\n",
            bool_str(qmem_host_memory_backend_get_prealloc(backend)));
        g_string_append_printf(
            out, "  share: %s\n",
            bool_str(qmem_host_memory_backend_get_share(backend)));
        g_string_append_printf(
            out, "  reserve: %s\n",
            bool_str(qmem_host_memory_backend_get_reserve(backend)));
        g_string_append_printf(
            out, "  policy: %s\n",
            policy_nick(qmem_host_memory_backend_get_policy(backend)));
        g_string_append_printf(out, "  host nodes: %s\n", node_list);
    }
    g_string_append(out, "\n");
}
