/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP command arguments: QEMU's strict QObject input visitor. */

#include "qapi/qmp-command.h"
#include "qobject/json.h"
#include "util/error.h"

static JsonNode *arg_lookup(JsonObject *args, const char *name, gboolean *has,
                            gboolean *ok, GError **error)
{
    JsonNode *node = json_object_get_member(args, name);

    *ok = TRUE;
    if (has) {
        *has = node != NULL;
    } else if (!node) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter '%s' is missing", name);
        *ok = FALSE;
    }
    return node;
}

gboolean qmem_json_node_holds(JsonNode *node, GType type)
{
    return JSON_NODE_HOLDS_VALUE(node)
           && json_node_get_value_type(node) == type;
}

gboolean qmem_qmp_arg_str(JsonObject *args, const char *name, gboolean *has,
                          const char **value, GError **error)
{
    gboolean ok;
    JsonNode *node = arg_lookup(args, name, has, &ok, error);

    if (!node) {
        return ok;
    }
    if (!qmem_json_node_holds(node, G_TYPE_STRING)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid parameter type for '%s', expected: %s", name,
                    "string");
        return FALSE;
    }
    *value = json_node_get_string(node);
    return TRUE;
}

gboolean qmem_qmp_arg_int(JsonObject *args, const char *name, gboolean *has,
                          gint64 *value, GError **error)
{
    gboolean ok;
    JsonNode *node = arg_lookup(args, name, has, &ok, error);

    if (!node) {
        return ok;
    }
    if (!qmem_json_node_holds(node, G_TYPE_INT64)
        || qmem_json_node_is_uint64(node)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid parameter type for '%s', expected: %s", name,
                    "integer");
        return FALSE;
    }
    *value = json_node_get_int(node);
    return TRUE;
}

gboolean qmem_qmp_arg_uint64(JsonObject *args, const char *name, gboolean *has,
                             guint64 *value, GError **error)
{
    gboolean ok;
    JsonNode *node = arg_lookup(args, name, has, &ok, error);

    if (!node) {
        return ok;
    }
    if (!qmem_json_node_holds(node, G_TYPE_INT64)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter '%s' expects %s", name, "uint64");
        return FALSE;
    }
    *value = (guint64)json_node_get_int(node);
    return TRUE;
}

gboolean qmem_qmp_arg_bool(JsonObject *args, const char *name, gboolean *has,
                           gboolean *value, GError **error)
{
    gboolean ok;
    JsonNode *node = arg_lookup(args, name, has, &ok, error);

    if (!node) {
        return ok;
    }
    if (!qmem_json_node_holds(node, G_TYPE_BOOLEAN)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid parameter type for '%s', expected: %s", name,
                    "boolean");
        return FALSE;
    }
    *value = json_node_get_boolean(node);
    return TRUE;
}

gboolean qmem_qmp_arg_object(JsonObject *args, const char *name, gboolean *has,
                             JsonObject **value, GError **error)
{
    gboolean ok;
    JsonNode *node = arg_lookup(args, name, has, &ok, error);

    if (!node) {
        return ok;
    }
    if (!JSON_NODE_HOLDS_OBJECT(node)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid parameter type for '%s', expected: %s", name,
                    "object");
        return FALSE;
    }
    *value = json_node_get_object(node);
    return TRUE;
}

gboolean qmem_qmp_arg_array(JsonObject *args, const char *name, gboolean *has,
                            JsonArray **value, GError **error)
{
    gboolean ok;
    JsonNode *node = arg_lookup(args, name, has, &ok, error);

    if (!node) {
        return ok;
    }
    if (!JSON_NODE_HOLDS_ARRAY(node)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid parameter type for '%s', expected: %s", name,
                    "array");
        return FALSE;
    }
    *value = json_node_get_array(node);
    return TRUE;
}

gboolean qmem_qmp_check_args(JsonObject *args, const char *const *allowed,
                             GError **error)
{
    g_autoptr(GHashTable) left = NULL;
    g_autoptr(GPtrArray) members = NULL;
    GHashTableIter iter;
    const char *name;
    guint i;

    if (json_object_get_size(args) == 0) {
        return TRUE;
    }
    /*
     * QEMU's visitor puts the members into a GHashTable in QDict order,
     * removes each one it visits and complains about the first one its
     * iterator still finds; doing the same picks the same name.
     */
    members = qmem_json_object_qdict_order(args);
    left = g_hash_table_new(g_str_hash, g_str_equal);
    for (i = 0; i < members->len; i++) {
        g_hash_table_add(left, g_ptr_array_index(members, i));
    }
    for (i = 0; allowed && allowed[i]; i++) {
        g_hash_table_remove(left, allowed[i]);
    }
    g_hash_table_iter_init(&iter, left);
    if (g_hash_table_iter_next(&iter, (gpointer *)&name, NULL)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter '%s' is unexpected", name);
        return FALSE;
    }
    return TRUE;
}
