/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The user-creatable interface and the object-add/object-del paths. */

#include <string.h>
#include "qom/user-creatable.h"
#include "util/cutils.h"
#include "util/error.h"

G_DEFINE_INTERFACE(QmemUserCreatable, qmem_user_creatable, QMEM_TYPE_OBJECT)

static void qmem_user_creatable_default_init(
    QmemUserCreatableInterface *iface)
{
}

gboolean qmem_user_creatable_complete(QmemUserCreatable *uc, GError **error)
{
    QmemUserCreatableInterface *iface = QMEM_USER_CREATABLE_GET_IFACE(uc);

    return iface->complete ? iface->complete(uc, error) : TRUE;
}

gboolean qmem_user_creatable_can_be_deleted(QmemUserCreatable *uc)
{
    QmemUserCreatableInterface *iface = QMEM_USER_CREATABLE_GET_IFACE(uc);

    return iface->can_be_deleted ? iface->can_be_deleted(uc) : TRUE;
}

static void set_id_error(GError **error)
{
    g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                "Parameter 'id' expects an identifier");
    qmem_error_set_hint(*error, "Identifiers consist of letters, digits, "
                        "'-', '.', '_', starting with a letter.\n");
}

QmemObject *qmem_user_creatable_add_type(const char *type, const char *id,
                                         JsonObject *props, QmemInputKind kind,
                                         GError **error)
{
    GType gtype;
    g_autoptr(QmemObject) obj = NULL;

    if (!qmem_id_wellformed(id)) {
        set_id_error(error);
        return NULL;
    }
    gtype = qmem_type_from_name(type);
    if (!gtype) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "invalid object type: %s", type);
        return NULL;
    }
    if (!g_type_is_a(gtype, QMEM_TYPE_USER_CREATABLE)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "object type '%s' isn't supported by object-add", type);
        return NULL;
    }
    if (G_TYPE_IS_ABSTRACT(gtype)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "object type '%s' is abstract", type);
        return NULL;
    }

    obj = g_object_new(gtype, NULL);
    if (!qmem_object_set_props(obj, props, kind, error)) {
        return NULL;
    }
    if (!qmem_object_add_child(qmem_object_get_objects_root(), id, obj,
                               error)) {
        return NULL;
    }
    if (!qmem_user_creatable_complete(QMEM_USER_CREATABLE(obj), error)) {
        qmem_object_unparent(obj);
        return NULL;
    }
    /* The tree holds the object now; our reference goes with obj. */
    return obj;
}

/* A member of -object/object-add options as a string, per the input kind. */
static const char *get_string_member(JsonObject *options, const char *name,
                                     QmemInputKind kind, GError **error)
{
    JsonNode *node = json_object_get_member(options, name);

    if (!node) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter '%s' is missing", name);
        return NULL;
    }
    if (kind == QMEM_INPUT_OPTS) {
        JsonArray *values = json_node_get_array(node);

        return json_array_get_string_element(values,
                                             json_array_get_length(values) - 1);
    }
    if (!JSON_NODE_HOLDS_VALUE(node) ||
        json_node_get_value_type(node) != G_TYPE_STRING) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid parameter type for '%s', expected: string", name);
        return NULL;
    }
    return json_node_get_string(node);
}

QmemObject *qmem_user_creatable_add(JsonObject *options, QmemInputKind kind,
                                    GError **error)
{
    const char *type, *id;
    GType gtype;
    g_autoptr(JsonObject) props = json_object_new();
    g_autoptr(GList) members = NULL;

    type = get_string_member(options, "qom-type", kind, error);
    if (!type) {
        return NULL;
    }
    /* The QAPI enum of object types holds only creatable, concrete ones. */
    gtype = qmem_type_from_name(type);
    if (!gtype || !g_type_is_a(gtype, QMEM_TYPE_USER_CREATABLE) ||
        G_TYPE_IS_ABSTRACT(gtype)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter 'qom-type' does not accept value '%s'", type);
        return NULL;
    }
    id = get_string_member(options, "id", kind, error);
    if (!id) {
        return NULL;
    }
    members = json_object_get_members(options);
    for (GList *m = members; m; m = m->next) {
        if (strcmp(m->data, "qom-type") && strcmp(m->data, "id")) {
            json_object_set_member(props, m->data,
                json_node_copy(json_object_get_member(options, m->data)));
        }
    }
    return qmem_user_creatable_add_type(type, id, props, kind, error);
}

gboolean qmem_user_creatable_del(const char *id, GError **error)
{
    QmemObject *obj = qmem_object_get_child(qmem_object_get_objects_root(),
                                            id);

    if (!obj) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "object '%s' not found", id);
        return FALSE;
    }
    if (QMEM_IS_USER_CREATABLE(obj) &&
        !qmem_user_creatable_can_be_deleted(QMEM_USER_CREATABLE(obj))) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "object '%s' is in use, can not be deleted", id);
        return FALSE;
    }
    qmem_object_unparent(obj);
    return TRUE;
}

gboolean qmem_user_creatable_print_help(const char *type, GString *out)
{
    GType gtype;

    if (!type) {
        g_autoptr(GPtrArray) names = qmem_type_list(QMEM_TYPE_USER_CREATABLE,
                                                    FALSE);

        g_string_append(out, "List of user creatable objects:\n");
        for (guint i = 0; i < names->len; i++) {
            g_string_append_printf(out, "  %s\n",
                                   (char *)g_ptr_array_index(names, i));
        }
        return TRUE;
    }
    gtype = qmem_type_from_name(type);
    if (!gtype || !g_type_is_a(gtype, QMEM_TYPE_USER_CREATABLE)) {
        return FALSE;
    }
    qmem_type_print_help(gtype, out);
    return TRUE;
}
