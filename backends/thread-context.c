/* SPDX-License-Identifier: GPL-2.0-or-later */
/* thread-context: a placed helper thread that creates threads for others. */

#include "qapi/visitor.h"
#include "qmem-config.h"
#include "qom/property.h"
#include "qom/user-creatable.h"
#include "system/thread-context.h"
#include "util/error.h"

struct _QmemThreadContext {
    QmemObject parent_instance;

    /* The helper, once complete. */
    QmemContextThread *thread;
    /* Affinity given before complete, which applies it (init_cpu_bitmap). */
    GArray *init_cpus;
};

enum {
    PROP_0,
    PROP_CPU_AFFINITY,
    PROP_NODE_AFFINITY,
    PROP_THREAD_ID,
    N_PROPS
};

static GParamSpec *props[N_PROPS];

static void qmem_thread_context_uc_init(QmemUserCreatableInterface *iface);

G_DEFINE_TYPE_WITH_CODE(QmemThreadContext, qmem_thread_context,
                        QMEM_TYPE_OBJECT,
    G_IMPLEMENT_INTERFACE(QMEM_TYPE_USER_CREATABLE,
                          qmem_thread_context_uc_init)
    qmem_type_register_name(QMEM_TYPE_NAME_THREAD_CONTEXT,
                            g_define_type_id))

/*
 * Places the helper on @cpus, or before complete keeps them for it.  QEMU
 * only moves the helper: threads it created before stay where they are.
 */
static gboolean thread_context_set_cpus(QmemThreadContext *tc, GArray *cpus,
                                        GError **error)
{
    int err;

    if (!tc->thread) {
        tc->init_cpus = g_array_ref(cpus);
        return TRUE;
    }
    err = qmem_context_thread_set_affinity(tc->thread, cpus);
    if (err) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Setting CPU affinity failed: %s", g_strerror(err));
        return FALSE;
    }
    return TRUE;
}

static gboolean set_cpu_affinity(QmemThreadContext *tc, GArray *cpus,
                                 GError **error)
{
    if (tc->init_cpus) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "Mixing CPU and node affinity not supported");
        return FALSE;
    }
    if (!cpus || !cpus->len) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "CPU list is empty");
        return FALSE;
    }
    return thread_context_set_cpus(tc, cpus, error);
}

static gboolean set_node_affinity(QmemThreadContext *tc, GArray *nodes,
                                  GError **error)
{
#if CONFIG_NUMA
    g_autoptr(GArray) cpus = NULL;

    if (tc->init_cpus) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "Mixing CPU and node affinity not supported");
        return FALSE;
    }
    if (!nodes || !nodes->len) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "Node list is empty");
        return FALSE;
    }
    cpus = qmem_cpu_list_from_nodes(nodes);
    if (!cpus->len) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "The nodes select no CPUs");
        return FALSE;
    }
    return thread_context_set_cpus(tc, cpus, error);
#else
    g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "NUMA node affinity is not supported by this QEMU");
    return FALSE;
#endif
}

/* Both setters can fail, so outside values and code take the same path. */
static gboolean set_affinity(QmemThreadContext *tc, guint prop_id,
                             const GValue *value, GError **error)
{
    GArray *list = g_value_get_boxed(value);

    if (prop_id == PROP_CPU_AFFINITY) {
        return set_cpu_affinity(tc, list, error);
    }
    return set_node_affinity(tc, list, error);
}

static gboolean qmem_thread_context_set_property_checked(QmemObject *obj,
                                                         GParamSpec *pspec,
                                                         const GValue *value,
                                                         GError **error)
{
    return set_affinity(QMEM_THREAD_CONTEXT(obj), pspec->param_id, value,
                        error);
}

static void qmem_thread_context_set_property(GObject *gobj, guint prop_id,
                                             const GValue *value,
                                             GParamSpec *pspec)
{
    g_autoptr(GError) error = NULL;

    if (prop_id != PROP_CPU_AFFINITY && prop_id != PROP_NODE_AFFINITY) {
        G_OBJECT_WARN_INVALID_PROPERTY_ID(gobj, prop_id, pspec);
        return;
    }
    if (!set_affinity(QMEM_THREAD_CONTEXT(gobj), prop_id, value, &error)) {
        g_warning("%s: %s", pspec->name, error->message);
    }
}

static void qmem_thread_context_get_property(GObject *gobj, guint prop_id,
                                             GValue *value, GParamSpec *pspec)
{
    QmemThreadContext *tc = QMEM_THREAD_CONTEXT(gobj);
    GArray *cpus = NULL;

    switch (prop_id) {
    case PROP_CPU_AFFINITY:
        /*
         * QEMU fails before complete ("Object not initialized yet"), which
         * a user never sees: a GObject getter cannot, so it gives what
         * complete will apply.
         */
        if (!tc->thread ||
            qmem_context_thread_get_affinity(tc->thread, &cpus)) {
            cpus = tc->init_cpus ? g_array_ref(tc->init_cpus)
                                 : qmem_uint_list_new();
        }
        g_value_take_boxed(value, cpus);
        break;
    case PROP_THREAD_ID:
        /* QEMU's unsigned -1 until the thread exists. */
        g_value_set_uint64(value, tc->thread ?
                           (guint)qmem_context_thread_get_tid(tc->thread) :
                           G_MAXUINT32);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(gobj, prop_id, pspec);
    }
}

static gboolean qmem_thread_context_complete(QmemUserCreatable *uc,
                                             GError **error)
{
    QmemThreadContext *tc = QMEM_THREAD_CONTEXT(uc);
    const char *id = qmem_object_get_name(QMEM_OBJECT(uc));
    g_autofree char *name = g_strdup_printf("TC %s", id ? id : "");
    g_autoptr(GArray) cpus = g_steal_pointer(&tc->init_cpus);

    g_return_val_if_fail(tc->thread == NULL, FALSE);
    tc->thread = qmem_context_thread_new(name, error);
    if (!tc->thread) {
        return FALSE;
    }
    if (cpus && !thread_context_set_cpus(tc, cpus, error)) {
        /* Nothing stays behind of a context that failed. */
        g_clear_pointer(&tc->thread, qmem_context_thread_free);
        return FALSE;
    }
    return TRUE;
}

static void qmem_thread_context_uc_init(QmemUserCreatableInterface *iface)
{
    iface->complete = qmem_thread_context_complete;
}

static void qmem_thread_context_finalize(GObject *gobj)
{
    QmemThreadContext *tc = QMEM_THREAD_CONTEXT(gobj);

    g_clear_pointer(&tc->thread, qmem_context_thread_free);
    g_clear_pointer(&tc->init_cpus, g_array_unref);
    G_OBJECT_CLASS(qmem_thread_context_parent_class)->finalize(gobj);
}

static void qmem_thread_context_class_init(QmemThreadContextClass *klass)
{
    GObjectClass *gobject_class = G_OBJECT_CLASS(klass);
    const GParamFlags flags = G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

    gobject_class->set_property = qmem_thread_context_set_property;
    gobject_class->get_property = qmem_thread_context_get_property;
    gobject_class->finalize = qmem_thread_context_finalize;
    QMEM_OBJECT_CLASS(klass)->set_property_checked =
        qmem_thread_context_set_property_checked;

    /*
     * No blurbs: QEMU gives these properties no description, and help
     * prints what QEMU prints.  node-affinity cannot be read, thread-id
     * cannot be written (QEMU's).
     */
    props[PROP_CPU_AFFINITY] = qmem_param_spec_set_qom_type(
        qmem_param_spec_uint_list(QMEM_THREAD_CONTEXT_PROP_CPU_AFFINITY, NULL,
                                  G_MAXUINT16, G_PARAM_READWRITE | flags),
        "int");
    props[PROP_NODE_AFFINITY] = qmem_param_spec_set_qom_type(
        qmem_param_spec_uint_list(QMEM_THREAD_CONTEXT_PROP_NODE_AFFINITY,
                                  NULL, G_MAXUINT16, G_PARAM_WRITABLE | flags),
        "int");
    props[PROP_THREAD_ID] = qmem_param_spec_set_qom_type(
        g_param_spec_uint64(QMEM_THREAD_CONTEXT_PROP_THREAD_ID, NULL, NULL, 0,
                            G_MAXUINT64, G_MAXUINT32, G_PARAM_READABLE | flags),
        "int");
    g_object_class_install_properties(gobject_class, N_PROPS, props);
}

static void qmem_thread_context_init(QmemThreadContext *tc)
{
}

QmemContextThread *qmem_thread_context_get_thread(QmemThreadContext *tc)
{
    g_return_val_if_fail(QMEM_IS_THREAD_CONTEXT(tc), NULL);
    return tc->thread;
}
