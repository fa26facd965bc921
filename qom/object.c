/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The object tree: QOM-style named children, canonical paths, type names. */

#include <string.h>
#include "qom/object.h"
#include "util/error.h"

typedef struct {
    char *name;
    QmemObject *parent;          /* not a reference: the parent owns us */
    GHashTable *children;        /* name -> QmemObject, one reference each */
    GPtrArray *child_order;      /* the same children, in insertion order */
} QmemObjectPrivate;

G_DEFINE_TYPE_WITH_PRIVATE(QmemObject, qmem_object, G_TYPE_OBJECT)

struct _QmemContainer {
    QmemObject parent_instance;
};

G_DEFINE_TYPE_WITH_CODE(QmemContainer, qmem_container, QMEM_TYPE_OBJECT,
                        qmem_type_register_name("container",
                                                g_define_type_id))

static QmemObject *root;

/*
 * Name -> the objects in the tree with that name (a GPtrArray each), so
 * that partial paths ("m0", "peripheral/d0") resolve without walking the
 * whole tree: hot-plugging hundreds of devices resolves one per property.
 */
static GHashTable *objects_by_name;

static void name_index_add(QmemObject *obj, const char *name)
{
    GPtrArray *objs;

    if (!objects_by_name) {
        objects_by_name = g_hash_table_new_full(
            g_str_hash, g_str_equal, g_free,
            (GDestroyNotify)g_ptr_array_unref);
    }
    objs = g_hash_table_lookup(objects_by_name, name);
    if (!objs) {
        objs = g_ptr_array_new();
        g_hash_table_insert(objects_by_name, g_strdup(name), objs);
    }
    g_ptr_array_add(objs, obj);
}

static void name_index_remove(QmemObject *obj, const char *name)
{
    GPtrArray *objs = objects_by_name ?
                      g_hash_table_lookup(objects_by_name, name) : NULL;

    if (objs && g_ptr_array_remove_fast(objs, obj) && objs->len == 0) {
        g_hash_table_remove(objects_by_name, name);
    }
}

/* The registry: user-facing name <-> GType. */
static GHashTable *types_by_name;
static GHashTable *names_by_type;
G_LOCK_DEFINE_STATIC(registry);

static gboolean qmem_object_default_set_property_checked(QmemObject *obj,
                                                         GParamSpec *pspec,
                                                         const GValue *value,
                                                         GError **error)
{
    g_object_set_property(G_OBJECT(obj), pspec->name, value);
    return TRUE;
}

static void qmem_object_dispose(GObject *gobj)
{
    QmemObjectPrivate *priv =
        qmem_object_get_instance_private(QMEM_OBJECT(gobj));

    /* Children hold no pointer back once their parent is gone. */
    if (priv->child_order) {
        for (guint i = 0; i < priv->child_order->len; i++) {
            QmemObject *child = g_ptr_array_index(priv->child_order, i);
            QmemObjectPrivate *cpriv = qmem_object_get_instance_private(child);

            name_index_remove(child, cpriv->name);
            cpriv->parent = NULL;
        }
        g_ptr_array_set_size(priv->child_order, 0);
        g_hash_table_remove_all(priv->children);
    }
    G_OBJECT_CLASS(qmem_object_parent_class)->dispose(gobj);
}

static void qmem_object_finalize(GObject *gobj)
{
    QmemObjectPrivate *priv =
        qmem_object_get_instance_private(QMEM_OBJECT(gobj));

    g_free(priv->name);
    g_hash_table_unref(priv->children);
    g_ptr_array_unref(priv->child_order);
    G_OBJECT_CLASS(qmem_object_parent_class)->finalize(gobj);
}

static void qmem_object_class_init(QmemObjectClass *klass)
{
    GObjectClass *gobject_class = G_OBJECT_CLASS(klass);

    gobject_class->dispose = qmem_object_dispose;
    gobject_class->finalize = qmem_object_finalize;
    klass->set_property_checked = qmem_object_default_set_property_checked;
}

static void qmem_object_init(QmemObject *obj)
{
    QmemObjectPrivate *priv = qmem_object_get_instance_private(obj);

    priv->children = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                           g_object_unref);
    priv->child_order = g_ptr_array_new();
}

static void qmem_container_class_init(QmemContainerClass *klass)
{
}

static void qmem_container_init(QmemContainer *self)
{
}

void qmem_type_register_name(const char *name, GType type)
{
    GType old;
    char *key;

    G_LOCK(registry);
    if (!types_by_name) {
        types_by_name = g_hash_table_new_full(g_str_hash, g_str_equal,
                                              g_free, NULL);
        names_by_type = g_hash_table_new(g_direct_hash, g_direct_equal);
    }
    old = GPOINTER_TO_SIZE(g_hash_table_lookup(types_by_name, name));
    g_warn_if_fail(old == 0 || old == type);
    if (!old) {
        key = g_strdup(name);
        g_hash_table_insert(types_by_name, key, GSIZE_TO_POINTER(type));
        g_hash_table_insert(names_by_type, GSIZE_TO_POINTER(type), key);
    }
    G_UNLOCK(registry);
}

void qmem_type_unregister_name(const char *name)
{
    gpointer type;

    G_LOCK(registry);
    if (types_by_name &&
        g_hash_table_lookup_extended(types_by_name, name, NULL, &type)) {
        g_hash_table_remove(names_by_type, type);
        g_hash_table_remove(types_by_name, name);
    }
    G_UNLOCK(registry);
}

GType qmem_type_from_name(const char *name)
{
    GType type = G_TYPE_INVALID;

    G_LOCK(registry);
    if (types_by_name) {
        type = GPOINTER_TO_SIZE(g_hash_table_lookup(types_by_name, name));
    }
    G_UNLOCK(registry);
    return type;
}

const char *qmem_type_get_name(GType type)
{
    const char *name = NULL;

    G_LOCK(registry);
    for (GType t = type; t && names_by_type && !name; t = g_type_parent(t)) {
        name = g_hash_table_lookup(names_by_type, GSIZE_TO_POINTER(t));
    }
    G_UNLOCK(registry);
    return name ? name : g_type_name(type);
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

GPtrArray *qmem_type_list(GType parent, gboolean include_abstract)
{
    GPtrArray *list = g_ptr_array_new();
    GHashTableIter iter;
    gpointer name, type;

    G_LOCK(registry);
    if (types_by_name) {
        g_hash_table_iter_init(&iter, types_by_name);
        while (g_hash_table_iter_next(&iter, &name, &type)) {
            GType t = GPOINTER_TO_SIZE(type);

            /* An interface "is a" its prerequisite, yet no instance is. */
            if (g_type_is_a(t, parent) &&
                (!G_TYPE_IS_INTERFACE(t) || t == parent) &&
                (include_abstract || !G_TYPE_IS_ABSTRACT(t))) {
                g_ptr_array_add(list, name);
            }
        }
    }
    G_UNLOCK(registry);
    g_ptr_array_sort(list, compare_names);
    return list;
}

const char *qmem_object_get_typename(QmemObject *obj)
{
    return qmem_type_get_name(G_OBJECT_TYPE(obj));
}

QmemObject *qmem_object_get_root(void)
{
    if (!root) {
        root = g_object_new(QMEM_TYPE_CONTAINER, NULL);
    }
    return root;
}

QmemObject *qmem_object_get_objects_root(void)
{
    return qmem_container_get(qmem_object_get_root(), "objects");
}

void qmem_object_reset_root(void)
{
    g_autoptr(GPtrArray) children = NULL;

    if (!root) {
        return;
    }
    children = qmem_object_get_children(root);
    for (guint i = children->len; i-- > 0;) {
        qmem_object_unparent(g_ptr_array_index(children, i));
    }
    g_clear_object(&root);
}

QmemObject *qmem_container_get(QmemObject *from, const char *path)
{
    g_auto(GStrv) parts = g_strsplit(path, "/", -1);
    QmemObject *obj = from;

    for (char **p = parts; *p; p++) {
        QmemObject *child;

        if (!**p) {
            continue;
        }
        child = qmem_object_get_child(obj, *p);
        if (!child) {
            g_autoptr(QmemObject) c = g_object_new(QMEM_TYPE_CONTAINER, NULL);

            if (!qmem_object_add_child(obj, *p, c, NULL)) {
                g_assert_not_reached();
            }
            child = c;
        }
        obj = child;
    }
    return obj;
}

gboolean qmem_object_add_child(QmemObject *parent, const char *name,
                               QmemObject *child, GError **error)
{
    QmemObjectPrivate *ppriv = qmem_object_get_instance_private(parent);
    QmemObjectPrivate *cpriv = qmem_object_get_instance_private(child);

    g_return_val_if_fail(cpriv->parent == NULL, FALSE);

    if (g_hash_table_contains(ppriv->children, name)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "attempt to add duplicate property '%s' to object "
                    "(type '%s')", name, qmem_object_get_typename(parent));
        return FALSE;
    }
    g_free(cpriv->name);
    cpriv->name = g_strdup(name);
    cpriv->parent = parent;
    name_index_add(child, cpriv->name);
    g_hash_table_insert(ppriv->children, cpriv->name, g_object_ref(child));
    g_ptr_array_add(ppriv->child_order, child);
    return TRUE;
}

void qmem_object_unparent(QmemObject *obj)
{
    QmemObjectPrivate *priv = qmem_object_get_instance_private(obj);
    QmemObjectClass *klass = QMEM_OBJECT_GET_CLASS(obj);
    QmemObjectPrivate *ppriv;

    if (!priv->parent) {
        return;
    }
    /* Children leave first, newest first, as they were built on each other. */
    for (guint i = priv->child_order->len; i-- > 0;) {
        qmem_object_unparent(g_ptr_array_index(priv->child_order, i));
    }
    if (klass->unparent) {
        klass->unparent(obj);
    }
    ppriv = qmem_object_get_instance_private(priv->parent);
    name_index_remove(obj, priv->name);
    priv->parent = NULL;
    g_ptr_array_remove(ppriv->child_order, obj);
    /* Drops the tree's reference; obj may be finalized here. */
    g_hash_table_remove(ppriv->children, priv->name);
}

QmemObject *qmem_object_get_parent(QmemObject *obj)
{
    QmemObjectPrivate *priv = qmem_object_get_instance_private(obj);

    return priv->parent;
}

const char *qmem_object_get_name(QmemObject *obj)
{
    QmemObjectPrivate *priv = qmem_object_get_instance_private(obj);

    return priv->parent ? priv->name : NULL;
}

QmemObject *qmem_object_get_child(QmemObject *obj, const char *name)
{
    QmemObjectPrivate *priv = qmem_object_get_instance_private(obj);

    return g_hash_table_lookup(priv->children, name);
}

GPtrArray *qmem_object_get_children(QmemObject *obj)
{
    QmemObjectPrivate *priv = qmem_object_get_instance_private(obj);
    GPtrArray *children = g_ptr_array_sized_new(priv->child_order->len);

    for (guint i = 0; i < priv->child_order->len; i++) {
        g_ptr_array_add(children, g_ptr_array_index(priv->child_order, i));
    }
    return children;
}

char *qmem_object_get_canonical_path(QmemObject *obj)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    GString *path;

    while (obj != root) {
        QmemObjectPrivate *priv = qmem_object_get_instance_private(obj);

        if (!priv->parent) {
            return NULL;
        }
        g_ptr_array_add(names, priv->name);
        obj = priv->parent;
    }
    if (names->len == 0) {
        return g_strdup("/");
    }
    path = g_string_new(NULL);
    for (guint i = names->len; i-- > 0;) {
        g_string_append_c(path, '/');
        g_string_append(path, g_ptr_array_index(names, i));
    }
    return g_string_free(path, FALSE);
}

static gboolean type_matches(QmemObject *obj, GType type)
{
    return type == G_TYPE_NONE || g_type_is_a(G_OBJECT_TYPE(obj), type);
}

/* Does obj sit at the end of the path given by parts[0..n)? */
static gboolean path_suffix_matches(QmemObject *obj, char **parts, guint n)
{
    while (n > 0) {
        QmemObjectPrivate *priv = qmem_object_get_instance_private(obj);

        if (!priv->parent || strcmp(priv->name, parts[n - 1]) != 0) {
            return FALSE;
        }
        obj = priv->parent;
        n--;
    }
    return TRUE;
}

/* Is obj in the tree that hangs from the root? */
static gboolean attached_to_root(QmemObject *obj)
{
    while (obj != root) {
        QmemObjectPrivate *priv = qmem_object_get_instance_private(obj);

        if (!priv->parent) {
            return FALSE;
        }
        obj = priv->parent;
    }
    return TRUE;
}

QmemObject *qmem_object_resolve_path(const char *path, GType type,
                                     gboolean *ambiguous)
{
    g_auto(GStrv) parts = g_strsplit(path, "/", -1);
    QmemObject *obj;

    if (ambiguous) {
        *ambiguous = FALSE;
    }
    if (path[0] == '/') {
        obj = qmem_object_get_root();
        for (char **p = parts; *p && obj; p++) {
            if (**p) {
                obj = qmem_object_get_child(obj, *p);
            }
        }
        return obj && type_matches(obj, type) ? obj : NULL;
    } else {
        guint n = g_strv_length(parts);
        GPtrArray *candidates;
        QmemObject *found = NULL;
        guint matches = 0;

        if (n == 0 || !*parts[n - 1] || !objects_by_name) {
            return NULL;
        }
        candidates = g_hash_table_lookup(objects_by_name, parts[n - 1]);
        for (guint i = 0; candidates && i < candidates->len; i++) {
            QmemObject *c = g_ptr_array_index(candidates, i);

            if (type_matches(c, type) && path_suffix_matches(c, parts, n) &&
                attached_to_root(c)) {
                found = c;
                matches++;
            }
        }
        if (matches > 1) {
            if (ambiguous) {
                *ambiguous = TRUE;
            }
            return NULL;
        }
        return found;
    }
}

gboolean qmem_object_foreach_recursive(QmemObject *obj,
                                       gboolean (*fn)(QmemObject *child,
                                                      gpointer opaque),
                                       gpointer opaque)
{
    g_autoptr(GPtrArray) children = qmem_object_get_children(obj);

    for (guint i = 0; i < children->len; i++) {
        QmemObject *child = g_ptr_array_index(children, i);

        if (!fn(child, opaque) ||
            !qmem_object_foreach_recursive(child, fn, opaque)) {
            return FALSE;
        }
    }
    return TRUE;
}
