/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The user-creatable interface: objects made by -object and object-add. */

#ifndef QMEM_QOM_USER_CREATABLE_H
#define QMEM_QOM_USER_CREATABLE_H

#include <json-glib/json-glib.h>
#include "qom/object.h"
#include "qom/property.h"

G_BEGIN_DECLS

#define QMEM_TYPE_USER_CREATABLE (qmem_user_creatable_get_type())
G_DECLARE_INTERFACE(QmemUserCreatable, qmem_user_creatable, QMEM,
                    USER_CREATABLE, QmemObject)

/**
 * QmemUserCreatableInterface:
 * @complete: called once, after every property given by the user is set
 *   and before the object becomes visible under /objects.  Checks that span
 *   properties and does the work (a backend allocates here).  Optional.  On
 *   failure the object must hold no resources that finalize would not free;
 *   it is then dropped.
 * @can_be_deleted: called by object-del; returning %FALSE refuses the
 *   deletion with "object '%s' is in use, can not be deleted".  Optional
 *   (default: deletable).  May not change the object.
 */
struct _QmemUserCreatableInterface {
    GTypeInterface parent_iface;

    gboolean (*complete)(QmemUserCreatable *uc, GError **error);
    gboolean (*can_be_deleted)(QmemUserCreatable *uc);
};

/**
 * qmem_user_creatable_complete:
 * Returns: %TRUE when @uc has no complete hook or it succeeded.
 */
gboolean qmem_user_creatable_complete(QmemUserCreatable *uc, GError **error);

gboolean qmem_user_creatable_can_be_deleted(QmemUserCreatable *uc);

/**
 * qmem_user_creatable_add_type:
 * @type: the user-facing type name ("memory-backend-ram")
 * @id: the id; becomes the name under /objects
 * @props: (nullable): property values (without "qom-type" and "id")
 * @kind: where @props came from
 * @error: return location for a #GError
 *
 * QEMU's user_creatable_add_type(): checks the id and type, creates the
 * object, sets @props (qmem_object_set_props()), adds it as
 * /objects/<id> and completes it.  On any failure nothing is left behind.
 *
 * Returns: (transfer none) (nullable): the new object, owned by the tree.
 */
QmemObject *qmem_user_creatable_add_type(const char *type, const char *id,
                                         JsonObject *props, QmemInputKind kind,
                                         GError **error);

/**
 * qmem_user_creatable_add:
 * @options: "qom-type", "id" and the properties, as -object or object-add
 *   give them (an OPTS object holds arrays of strings, see qmem_opts_parse())
 * @kind: where @options came from
 *
 * Checks "qom-type" and "id" as QAPI does, then qmem_user_creatable_add_type().
 */
QmemObject *qmem_user_creatable_add(JsonObject *options, QmemInputKind kind,
                                    GError **error);

/**
 * qmem_user_creatable_del:
 * @id: the id under /objects
 *
 * QEMU's user_creatable_del(): "object '%s' not found", "object '%s' is in
 * use, can not be deleted", else unparents and drops the object.
 */
gboolean qmem_user_creatable_del(const char *id, GError **error);

/**
 * qmem_user_creatable_print_help:
 * @type: (nullable): a type name, or %NULL for the list of creatable types
 * @out: where the text goes
 *
 * Returns: %FALSE when @type is not a user-creatable type.
 */
gboolean qmem_user_creatable_print_help(const char *type, GString *out);

G_END_DECLS

#endif
