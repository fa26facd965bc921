/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The object tree: QOM-style named children, canonical paths, type names. */

#ifndef QMEM_QOM_OBJECT_H
#define QMEM_QOM_OBJECT_H

#include <glib-object.h>

G_BEGIN_DECLS

#define QMEM_TYPE_OBJECT (qmem_object_get_type())
G_DECLARE_DERIVABLE_TYPE(QmemObject, qmem_object, QMEM, OBJECT, GObject)

/**
 * QmemObjectClass:
 * @set_property_checked: sets one property from a value that the property
 *   layer has already converted and range-checked.  Called only through
 *   qmem_property_set_value(), never by g_object_set().  This is where a
 *   type refuses a value that is valid for the type but not for the object
 *   now ("cannot change property size of memory-backend-ram ") and applies
 *   changes that may fail (preallocating a live backend).  Optional; the
 *   default calls g_object_set_property().  Implementations chain up for
 *   the properties they do not handle and must not leave the object half
 *   changed on failure.
 * @unparent: called when the object leaves the tree (object-del, device_del
 *   or exit), before the tree drops its reference.  Optional.  May not fail.
 */
struct _QmemObjectClass {
    GObjectClass parent_class;

    gboolean (*set_property_checked)(QmemObject *obj, GParamSpec *pspec,
                                     const GValue *value, GError **error);
    void (*unparent)(QmemObject *obj);

    gpointer padding[8];
};

#define QMEM_TYPE_CONTAINER (qmem_container_get_type())
G_DECLARE_FINAL_TYPE(QmemContainer, qmem_container, QMEM, CONTAINER,
                     QmemObject)

/**
 * qmem_type_register_name:
 * @name: the user-facing type name, QEMU's spelling ("memory-backend-ram")
 * @type: the #GType it stands for
 *
 * Enters @type in the registry that maps user-facing names to GTypes.  A
 * name registered twice must name the same type (a module reloaded after
 * g_type_module_unuse() registers again).
 */
void qmem_type_register_name(const char *name, GType type);

/**
 * qmem_type_unregister_name:
 * @name: a registered name
 *
 * Removes @name (used by tests that load modules in a subprocess).
 */
void qmem_type_unregister_name(const char *name);

/**
 * qmem_type_from_name:
 * Returns: the type registered as @name, or %G_TYPE_INVALID.
 */
GType qmem_type_from_name(const char *name);

/**
 * qmem_type_get_name:
 * Returns: the user-facing name of @type or of its nearest registered
 *   ancestor, else g_type_name(@type).
 */
const char *qmem_type_get_name(GType type);

/**
 * qmem_type_list:
 * @parent: a class or interface type
 * @include_abstract: whether abstract types are listed
 *
 * Returns: (transfer container): registered names of the types that are
 *   @parent or derive from or implement it, sorted.
 */
GPtrArray *qmem_type_list(GType parent, gboolean include_abstract);

/**
 * qmem_object_get_typename:
 * Returns: the user-facing type name of @obj (QEMU's object_get_typename).
 */
const char *qmem_object_get_typename(QmemObject *obj);

/**
 * qmem_object_get_root:
 * Returns: (transfer none): the root container "/", created on first use.
 */
QmemObject *qmem_object_get_root(void);

/**
 * qmem_object_get_objects_root:
 * Returns: (transfer none): the "/objects" container of user-created objects.
 */
QmemObject *qmem_object_get_objects_root(void);

/**
 * qmem_object_reset_root:
 *
 * Unparents every object below "/" and drops the root, so that a test can
 * check that nothing survives.  The next qmem_object_get_root() creates a
 * fresh tree.
 */
void qmem_object_reset_root(void);

/**
 * qmem_container_get:
 * @root: where @path starts
 * @path: a relative path such as "machine/peripheral"
 *
 * Returns: (transfer none): the container at @path, created (with every
 *   missing container on the way) if absent.
 */
QmemObject *qmem_container_get(QmemObject *root, const char *path);

/**
 * qmem_object_add_child:
 * @parent: the parent
 * @name: the child's name (a property of @parent in QEMU's terms)
 * @child: the child; the tree takes a reference
 * @error: return location for a #GError
 *
 * Returns: %FALSE with "attempt to add duplicate property '%s' to object
 *   (type '%s')" when @parent already has a child called @name.
 */
gboolean qmem_object_add_child(QmemObject *parent, const char *name,
                               QmemObject *child, GError **error);

/**
 * qmem_object_unparent:
 * @obj: an object in the tree, or not (then nothing happens)
 *
 * Calls the unparent hook of @obj and, depth first, of its children, then
 * removes @obj from its parent and drops the tree's reference.
 */
void qmem_object_unparent(QmemObject *obj);

/**
 * qmem_object_get_parent:
 * Returns: (transfer none) (nullable): the parent of @obj in the tree.
 */
QmemObject *qmem_object_get_parent(QmemObject *obj);

/**
 * qmem_object_get_name:
 * Returns: (nullable): the name of @obj under its parent (its id for
 *   user-created objects and devices).
 */
const char *qmem_object_get_name(QmemObject *obj);

/**
 * qmem_object_get_child:
 * Returns: (transfer none) (nullable): the child of @obj called @name.
 */
QmemObject *qmem_object_get_child(QmemObject *obj, const char *name);

/**
 * qmem_object_get_children:
 * Returns: (transfer container): the children of @obj, in the order they
 *   were added.
 */
GPtrArray *qmem_object_get_children(QmemObject *obj);

/**
 * qmem_object_get_canonical_path:
 * Returns: (transfer full) (nullable): "/objects/m0", "/machine", ..., or
 *   %NULL when @obj is not attached to the root.
 */
char *qmem_object_get_canonical_path(QmemObject *obj);

/**
 * qmem_object_resolve_path:
 * @path: an absolute path ("/objects/m0") or a partial one ("m0",
 *   "peripheral/dimm0") matched against every path suffix in the tree
 * @type: the type the result must have, or %G_TYPE_NONE for any
 * @ambiguous: (out) (optional): set when a partial path matches more than
 *   one object of @type
 *
 * QEMU's object_resolve_path_type().
 *
 * Returns: (transfer none) (nullable): the object, or %NULL when none or
 *   more than one matches.
 */
QmemObject *qmem_object_resolve_path(const char *path, GType type,
                                     gboolean *ambiguous);

/**
 * qmem_object_foreach_recursive:
 * @obj: where to start (not visited itself)
 * @fn: called for every descendant, parents before children; return
 *   %FALSE to stop
 * @opaque: passed to @fn
 *
 * Returns: %FALSE when @fn stopped the walk.
 */
gboolean qmem_object_foreach_recursive(QmemObject *obj,
                                       gboolean (*fn)(QmemObject *child,
                                                      gpointer opaque),
                                       gpointer opaque);

G_END_DECLS

#endif
