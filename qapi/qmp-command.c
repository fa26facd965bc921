/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP command arguments: QEMU's strict QObject input visitor. */

#include <string.h>

#include "qapi/qmp-command.h"
#include "qobject/json.h"
#include "util/error.h"

gboolean qmem_json_node_holds(JsonNode *node, GType type)
{
    return JSON_NODE_HOLDS_VALUE(node) &&
           json_node_get_value_type(node) == type;
}

static gboolean wrong_type(const QmemQmpArg *arg, const char *expected,
                           GError **error)
{
    g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                "Invalid parameter type for '%s', expected: %s", arg->name,
                expected);
    return FALSE;
}

/* The C type name QEMU's visit_type_uintN() puts in its message. */
static const char *uint_type_name(guint64 max)
{
    return max == G_MAXUINT8 ? "uint8_t" :
           max == G_MAXUINT16 ? "uint16_t" :
           max == G_MAXUINT32 ? "uint32_t" : "uint64";
}

static gboolean visit_uint(const QmemQmpArg *arg, JsonNode *node,
                           GError **error)
{
    guint64 max = arg->max ? arg->max : G_MAXUINT64;
    guint64 value;

    /* Strings and fractions get the number visitor's message. */
    if (!qmem_json_node_holds(node, G_TYPE_INT64)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter '%s' expects %s", arg->name, "uint64");
        return FALSE;
    }
    value = (guint64)json_node_get_int(node);
    if (value > max) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter '%s' expects %s", arg->name,
                    uint_type_name(max));
        return FALSE;
    }
    *(guint64 *)arg->value = value;
    return TRUE;
}

/* The index of @str in @values, or -1 with QEMU's message. */
static int enum_lookup(const char *const *values, const char *name,
                       const char *str, GError **error)
{
    for (int i = 0; values[i]; i++) {
        if (!strcmp(values[i], str)) {
            return i;
        }
    }
    g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                "Parameter '%s' does not accept value '%s'", name, str);
    return -1;
}

static gboolean visit_enum(const QmemQmpArg *arg, JsonNode *node,
                           GError **error)
{
    int value;

    if (!qmem_json_node_holds(node, G_TYPE_STRING)) {
        return wrong_type(arg, "string", error);
    }
    value = enum_lookup(arg->values, arg->name, json_node_get_string(node),
                        error);
    if (value < 0) {
        return FALSE;
    }
    *(int *)arg->value = value;
    return TRUE;
}

/* QEMU names a list element "NAME[i]" for its type, "null" for its value. */
static gboolean visit_enum_list(const QmemQmpArg *arg, JsonNode *node,
                                GError **error)
{
    JsonArray *list;

    if (!JSON_NODE_HOLDS_ARRAY(node)) {
        return wrong_type(arg, "array", error);
    }
    list = json_node_get_array(node);
    for (guint i = 0; i < json_array_get_length(list); i++) {
        JsonNode *elt = json_array_get_element(list, i);

        if (!qmem_json_node_holds(elt, G_TYPE_STRING)) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Invalid parameter type for '%s[%u]', expected: "
                        "string", arg->name, i);
            return FALSE;
        }
        if (enum_lookup(arg->values, "null", json_node_get_string(elt),
                        error) < 0) {
            return FALSE;
        }
    }
    *(JsonArray **)arg->value = list;
    return TRUE;
}

static gboolean visit_member(const QmemQmpArg *arg, JsonNode *node,
                             GError **error)
{
    switch (arg->type) {
    case QMEM_QMP_ARG_STR:
        if (!qmem_json_node_holds(node, G_TYPE_STRING)) {
            return wrong_type(arg, "string", error);
        }
        *(const char **)arg->value = json_node_get_string(node);
        return TRUE;
    case QMEM_QMP_ARG_INT:
        if (!qmem_json_node_holds(node, G_TYPE_INT64) ||
            qmem_json_node_is_uint64(node)) {
            return wrong_type(arg, "integer", error);
        }
        *(gint64 *)arg->value = json_node_get_int(node);
        return TRUE;
    case QMEM_QMP_ARG_UINT:
        return visit_uint(arg, node, error);
    case QMEM_QMP_ARG_BOOL:
        if (!qmem_json_node_holds(node, G_TYPE_BOOLEAN)) {
            return wrong_type(arg, "boolean", error);
        }
        *(gboolean *)arg->value = json_node_get_boolean(node);
        return TRUE;
    case QMEM_QMP_ARG_ENUM:
        return visit_enum(arg, node, error);
    case QMEM_QMP_ARG_ENUM_LIST:
        return visit_enum_list(arg, node, error);
    case QMEM_QMP_ARG_OBJECT:
        if (!JSON_NODE_HOLDS_OBJECT(node)) {
            return wrong_type(arg, "object", error);
        }
        *(JsonObject **)arg->value = json_node_get_object(node);
        return TRUE;
    case QMEM_QMP_ARG_ARRAY:
        if (!JSON_NODE_HOLDS_ARRAY(node)) {
            return wrong_type(arg, "array", error);
        }
        *(JsonArray **)arg->value = json_node_get_array(node);
        return TRUE;
    case QMEM_QMP_ARG_ANY:
        *(JsonNode **)arg->value = node;
        return TRUE;
    }
    g_assert_not_reached();
}

/*
 * QEMU's visitor puts the members into a GHashTable in QDict order, removes
 * each one it visits and complains about the first one its iterator still
 * finds; doing the same names the same member.
 */
static gboolean check_unexpected(JsonObject *args, const QmemQmpArg *members,
                                 GError **error)
{
    g_autoptr(GPtrArray) names = NULL;
    g_autoptr(GHashTable) left = NULL;
    GHashTableIter iter;
    const char *name;

    if (json_object_get_size(args) == 0) {
        return TRUE;
    }
    names = qmem_json_object_qdict_order(args);
    left = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < names->len; i++) {
        g_hash_table_add(left, g_ptr_array_index(names, i));
    }
    for (const QmemQmpArg *arg = members; arg && arg->name; arg++) {
        g_hash_table_remove(left, arg->name);
    }
    g_hash_table_iter_init(&iter, left);
    if (g_hash_table_iter_next(&iter, (gpointer *)&name, NULL)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter '%s' is unexpected", name);
        return FALSE;
    }
    return TRUE;
}

gboolean qmem_qmp_args_visit(JsonObject *args, const QmemQmpArg *members,
                             GError **error)
{
    g_return_val_if_fail(args != NULL, FALSE);

    for (const QmemQmpArg *arg = members; arg && arg->name; arg++) {
        JsonNode *node = json_object_get_member(args, arg->name);

        if (arg->has) {
            *arg->has = node != NULL;
        }
        if (!node) {
            if (!arg->has) {
                g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "Parameter '%s' is missing", arg->name);
                return FALSE;
            }
            continue;
        }
        if (!visit_member(arg, node, error)) {
            return FALSE;
        }
    }
    return check_unexpected(args, members, error);
}
