/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The abstract memory-backend: properties, allocation order, NUMA, queries. */

#include <errno.h>
#include <inttypes.h>
#include <sys/mman.h>
#include <unistd.h>

#include "qmem-config.h"
#include "qobject/json.h"
#include "qom/property.h"
#include "qom/user-creatable.h"
#include "system/hostmem.h"
#include "system/numa.h"
#include "util/cutils.h"
#include "util/error.h"
#include "util/prealloc.h"

#if CONFIG_NUMA
#include <numa.h>
#include <numaif.h>
G_STATIC_ASSERT(QMEM_HOST_MEM_POLICY_DEFAULT == MPOL_DEFAULT);
G_STATIC_ASSERT(QMEM_HOST_MEM_POLICY_PREFERRED == MPOL_PREFERRED);
G_STATIC_ASSERT(QMEM_HOST_MEM_POLICY_BIND == MPOL_BIND);
G_STATIC_ASSERT(QMEM_HOST_MEM_POLICY_INTERLEAVE == MPOL_INTERLEAVE);
#endif

#define BITS_PER_ULONG (8 * sizeof(unsigned long))
/* One spare bit: mbind() gets maxnode + 1 (see complete). */
#define HOST_NODES_LONGS \
    ((QMEM_MAX_NODES + 1 + BITS_PER_ULONG - 1) / BITS_PER_ULONG)

typedef struct {
    guint64 size;
    gboolean merge;
    gboolean dump;
    gboolean prealloc;
    guint prealloc_threads;
    unsigned long host_nodes[HOST_NODES_LONGS];
    QmemHostMemPolicy policy;
    gboolean share;
    gboolean reserve;
    gboolean use_canonical_path;

    QmemRamBlock *block;        /* non-NULL once complete succeeded */
    gboolean mapped;
} QmemHostMemoryBackendPrivate;

enum {
    PROP_0,
    PROP_SIZE,
    PROP_MERGE,
    PROP_DUMP,
    PROP_PREALLOC,
    PROP_PREALLOC_THREADS,
    PROP_HOST_NODES,
    PROP_POLICY,
    PROP_SHARE,
    PROP_RESERVE,
    PROP_CANONICAL_PATH,
    N_PROPS
};

static GParamSpec *props[N_PROPS];

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

/* Host capabilities, probed once. */

typedef struct {
    gboolean has_ksm;
    gboolean has_dontdump;
    gboolean has_preferred_many;
} HostCaps;

static const HostCaps *host_caps(void)
{
    static HostCaps caps;
    static gsize done;

    if (g_once_init_enter(&done)) {
        gsize page = sysconf(_SC_PAGESIZE);
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

/* Host-node bitmap helpers. */

static void host_nodes_set(unsigned long *bits, guint node)
{
    bits[node / BITS_PER_ULONG] |= 1UL << (node % BITS_PER_ULONG);
}

static gboolean host_nodes_test(const unsigned long *bits, guint node)
{
    return bits[node / BITS_PER_ULONG] & (1UL << (node % BITS_PER_ULONG));
}


static GArray *host_nodes_to_list(const unsigned long *bits)
{
    GArray *list = qmem_uint_list_new();

    for (guint n = 0; n < QMEM_MAX_NODES; n++) {
        if (host_nodes_test(bits, n)) {
            guint64 v = n;

            g_array_append_val(list, v);
        }
    }
    return list;
}

static const char *policy_nick(QmemHostMemPolicy policy)
{
    g_autoptr(GEnumClass) klass = g_type_class_ref(QMEM_TYPE_HOST_MEM_POLICY);
    GEnumValue *ev = g_enum_get_value(klass, policy);

    /* The nick is a static string owned by the (static) enum type. */
    return ev ? ev->value_nick : "";
}

/* GObject property plumbing: stores only; checks are in the hook below. */

static void qmem_host_memory_backend_set_property(GObject *gobj,
                                                  guint prop_id,
                                                  const GValue *value,
                                                  GParamSpec *pspec)
{
    QmemHostMemoryBackendPrivate *priv =
        GET_PRIV(QMEM_HOST_MEMORY_BACKEND(gobj));
    gboolean changed = TRUE;

    switch (prop_id) {
    case PROP_SIZE:
        changed = priv->size != g_value_get_uint64(value);
        priv->size = g_value_get_uint64(value);
        break;
    case PROP_MERGE:
        changed = priv->merge != g_value_get_boolean(value);
        priv->merge = g_value_get_boolean(value);
        break;
    case PROP_DUMP:
        changed = priv->dump != g_value_get_boolean(value);
        priv->dump = g_value_get_boolean(value);
        break;
    case PROP_PREALLOC:
        changed = priv->prealloc != g_value_get_boolean(value);
        priv->prealloc = g_value_get_boolean(value);
        break;
    case PROP_PREALLOC_THREADS:
        changed = priv->prealloc_threads != g_value_get_uint(value);
        priv->prealloc_threads = g_value_get_uint(value);
        break;
    case PROP_HOST_NODES: {
        /* QEMU's setter adds nodes to the set; it never removes any. */
        GArray *list = g_value_get_boxed(value);

        changed = FALSE;
        for (guint i = 0; list && i < list->len; i++) {
            guint64 node = g_array_index(list, guint64, i);

            g_return_if_fail(node < QMEM_MAX_NODES);
            if (!host_nodes_test(priv->host_nodes, node)) {
                host_nodes_set(priv->host_nodes, node);
                changed = TRUE;
            }
        }
        break;
    }
    case PROP_POLICY:
        changed = priv->policy != (QmemHostMemPolicy)g_value_get_enum(value);
        priv->policy = g_value_get_enum(value);
        break;
    case PROP_SHARE:
        changed = priv->share != g_value_get_boolean(value);
        priv->share = g_value_get_boolean(value);
        break;
    case PROP_RESERVE:
        changed = priv->reserve != g_value_get_boolean(value);
        priv->reserve = g_value_get_boolean(value);
        break;
    case PROP_CANONICAL_PATH:
        changed = priv->use_canonical_path != g_value_get_boolean(value);
        priv->use_canonical_path = g_value_get_boolean(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(gobj, prop_id, pspec);
        return;
    }
    if (changed) {
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

    switch (prop_id) {
    case PROP_SIZE:
        g_value_set_uint64(value, priv->size);
        break;
    case PROP_MERGE:
        g_value_set_boolean(value, priv->merge);
        break;
    case PROP_DUMP:
        g_value_set_boolean(value, priv->dump);
        break;
    case PROP_PREALLOC:
        g_value_set_boolean(value, priv->prealloc);
        break;
    case PROP_PREALLOC_THREADS:
        g_value_set_uint(value, priv->prealloc_threads);
        break;
    case PROP_HOST_NODES:
        g_value_take_boxed(value, host_nodes_to_list(priv->host_nodes));
        break;
    case PROP_POLICY:
        g_value_set_enum(value, priv->policy);
        break;
    case PROP_SHARE:
        g_value_set_boolean(value, priv->share);
        break;
    case PROP_RESERVE:
        g_value_set_boolean(value, priv->reserve);
        break;
    case PROP_CANONICAL_PATH:
        g_value_set_boolean(value, priv->use_canonical_path);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(gobj, prop_id, pspec);
        break;
    }
}

/*
 * Every value from outside: QEMU's per-property setter rules ("when
 * settable", live changes after allocation).  Refusals leave the object
 * as it was.
 */
static gboolean
qmem_host_memory_backend_set_property_checked(QmemObject *obj,
                                              GParamSpec *pspec,
                                              const GValue *value,
                                              GError **error)
{
    QmemHostMemoryBackend *backend = QMEM_HOST_MEMORY_BACKEND(obj);
    QmemHostMemoryBackendPrivate *priv = GET_PRIV(backend);
    const char *type = qmem_object_get_typename(obj);
    QmemRamBlock *block = priv->block;

    if (pspec->owner_type != QMEM_TYPE_HOST_MEMORY_BACKEND) {
        goto chain;
    }

    switch (pspec->param_id) {
    case PROP_SIZE:
        if (block) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "cannot change property %s of %s ", pspec->name,
                        type);
            return FALSE;
        }
        if (!g_value_get_uint64(value)) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "property '%s' of %s doesn't take value '%" PRIu64
                        "'", pspec->name, type, g_value_get_uint64(value));
            return FALSE;
        }
        break;
    case PROP_MERGE: {
        gboolean merge = g_value_get_boolean(value);

        if (merge && !host_caps()->has_ksm) {
            g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                                "Memory merging is not supported on this "
                                "host");
            return FALSE;
        }
        if (block && merge != priv->merge) {
            madvise(block->host, block->size,
                    merge ? MADV_MERGEABLE : MADV_UNMERGEABLE);
        }
        break;
    }
    case PROP_DUMP: {
        gboolean dump = g_value_get_boolean(value);

        if (!dump && !host_caps()->has_dontdump) {
            g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                                "Dumping guest memory cannot be disabled on "
                                "this host");
            return FALSE;
        }
        if (block && dump != priv->dump) {
            madvise(block->host, block->size,
                    dump ? MADV_DODUMP : MADV_DONTDUMP);
        }
        break;
    }
    case PROP_PREALLOC: {
        gboolean prealloc = g_value_get_boolean(value);

        if (prealloc && !priv->reserve) {
            g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                                "'prealloc=on' and 'reserve=off' are "
                                "incompatible");
            return FALSE;
        }
        if (block) {
            /* Memory once preallocated stays so: "off" is ignored. */
            if (!prealloc || priv->prealloc) {
                return TRUE;
            }
            if (!qmem_prealloc_mem(block->fd, block->host, block->size,
                                   priv->prealloc_threads, error)) {
                return FALSE;
            }
        }
        break;
    }
    case PROP_PREALLOC_THREADS:
        if (g_value_get_uint(value) == 0) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "property '%s' of %s doesn't take value '%u'",
                        pspec->name, type, g_value_get_uint(value));
            return FALSE;
        }
        break;
    case PROP_HOST_NODES: {
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
        break;
#else
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "NUMA node binding are not supported by this "
                            "QEMU");
        return FALSE;
#endif
    }
    case PROP_POLICY:
#if !CONFIG_NUMA
        if (g_value_get_enum(value) != QMEM_HOST_MEM_POLICY_DEFAULT) {
            g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                                "NUMA policies are not supported by this "
                                "QEMU");
            return FALSE;
        }
#endif
        break;
    case PROP_SHARE:
        if (block) {
            g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                                "cannot change property value");
            return FALSE;
        }
        break;
    case PROP_RESERVE:
        if (block) {
            g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                                "cannot change property value");
            return FALSE;
        }
        if (priv->prealloc && !g_value_get_boolean(value)) {
            g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                                "'prealloc=on' and 'reserve=off' are "
                                "incompatible");
            return FALSE;
        }
        break;
    default:
        break;
    }

chain:
    return QMEM_OBJECT_CLASS(qmem_host_memory_backend_parent_class)
        ->set_property_checked(obj, pspec, value, error);
}

static void qmem_host_memory_backend_free_block(QmemHostMemoryBackend *backend)
{
    g_clear_pointer(&GET_PRIV(backend)->block, qmem_ram_block_free);
}

#if CONFIG_NUMA
/* Index of the highest node set, or -1. */
static int host_nodes_last(const unsigned long *bits)
{
    for (int n = QMEM_MAX_NODES - 1; n >= 0; n--) {
        if (host_nodes_test(bits, n)) {
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
    if (mode == MPOL_PREFERRED && host_caps()->has_preferred_many) {
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
    if (priv->prealloc &&
        !qmem_prealloc_mem(block->fd, block->host, block->size,
                           priv->prealloc_threads, error)) {
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
    qmem_host_memory_backend_free_block(QMEM_HOST_MEMORY_BACKEND(gobj));
    G_OBJECT_CLASS(qmem_host_memory_backend_parent_class)->finalize(gobj);
}

static GParamSpec *int_typed(GParamSpec *pspec)
{
    qmem_param_spec_set_qom_type(pspec, "int");
    return pspec;
}

static void
qmem_host_memory_backend_class_init(QmemHostMemoryBackendClass *klass)
{
    GObjectClass *gobject_class = G_OBJECT_CLASS(klass);
    QmemObjectClass *object_class = QMEM_OBJECT_CLASS(klass);
    const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                              G_PARAM_EXPLICIT_NOTIFY;

    gobject_class->set_property = qmem_host_memory_backend_set_property;
    gobject_class->get_property = qmem_host_memory_backend_get_property;
    gobject_class->finalize = qmem_host_memory_backend_finalize;
    object_class->set_property_checked =
        qmem_host_memory_backend_set_property_checked;

    /* Blurbs are QEMU's descriptions, as `-object TYPE,help` shows them. */
    props[PROP_SIZE] = int_typed(qmem_param_spec_size(
        QMEM_HOSTMEM_PROP_SIZE, "Size of the memory region (ex: 500M)",
        0, G_MAXUINT64, 0, flags));
    qmem_param_spec_set_mandatory(props[PROP_SIZE]);
    props[PROP_MERGE] = g_param_spec_boolean(
        QMEM_HOSTMEM_PROP_MERGE, NULL, "Mark memory as mergeable", FALSE,
        flags);
    props[PROP_DUMP] = g_param_spec_boolean(
        QMEM_HOSTMEM_PROP_DUMP, NULL, "Set to 'off' to exclude from core dump",
        TRUE, flags);
    props[PROP_PREALLOC] = g_param_spec_boolean(
        QMEM_HOSTMEM_PROP_PREALLOC, NULL, "Preallocate memory", FALSE, flags);
    props[PROP_PREALLOC_THREADS] = int_typed(g_param_spec_uint(
        QMEM_HOSTMEM_PROP_PREALLOC_THREADS, NULL,
        "Number of CPU threads to use for prealloc", 0, G_MAXUINT32, 1,
        flags));
    props[PROP_HOST_NODES] = int_typed(qmem_param_spec_uint_list(
        QMEM_HOSTMEM_PROP_HOST_NODES,
        "Binds memory to the list of NUMA host nodes", G_MAXUINT16, flags));
    props[PROP_POLICY] = g_param_spec_enum(
        QMEM_HOSTMEM_PROP_POLICY, NULL, "Set the NUMA policy",
        QMEM_TYPE_HOST_MEM_POLICY, QMEM_HOST_MEM_POLICY_DEFAULT, flags);
    props[PROP_SHARE] = g_param_spec_boolean(
        QMEM_HOSTMEM_PROP_SHARE, NULL,
        "Mark the memory as private to QEMU or shared", FALSE, flags);
    props[PROP_RESERVE] = g_param_spec_boolean(
        QMEM_HOSTMEM_PROP_RESERVE, NULL,
        "Reserve swap space (or huge pages) if applicable", TRUE, flags);
    /* QEMU has no description for this one. */
    props[PROP_CANONICAL_PATH] = g_param_spec_boolean(
        QMEM_HOSTMEM_PROP_CANONICAL_PATH, NULL,
        "Name the RAM block after the canonical path, not the id", FALSE,
        flags);

    g_object_class_install_properties(gobject_class, N_PROPS, props);
}

static void qmem_host_memory_backend_init(QmemHostMemoryBackend *backend)
{
    QmemHostMemoryBackendPrivate *priv = GET_PRIV(backend);

    G_LOCK(defaults);
    priv->merge = (defaults_set ? default_merge : TRUE) &&
                  host_caps()->has_ksm;
    priv->dump = default_dump || !host_caps()->has_dontdump;
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

/* "0-2,5": the range-compressed list of QEMU's string output visitor. */
static void append_node_ranges(GString *out, GArray *nodes)
{
    for (guint i = 0; i < nodes->len;) {
        guint64 first = g_array_index(nodes, guint64, i);
        guint j = i;

        while (j + 1 < nodes->len &&
               g_array_index(nodes, guint64, j + 1) ==
                   g_array_index(nodes, guint64, j) + 1) {
            j++;
        }
        g_string_append_printf(out, "%s%" G_GUINT64_FORMAT, i ? "," : "",
                               first);
        if (j > i) {
            g_string_append_printf(out, "-%" G_GUINT64_FORMAT,
                                   g_array_index(nodes, guint64, j));
        }
        i = j + 1;
    }
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
        g_string_append(out, "  host nodes: ");
        append_node_ranges(out, nodes);
        g_string_append(out, "\n");
    }
    g_string_append(out, "\n");
}
