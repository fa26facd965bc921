/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP and HMP commands over the object tree (qom-*, object-add/del). */

#include <string.h>
#include "qapi/opts.h"
#include "qapi/qmp-command.h"
#include "qobject/json.h"
#include "qom/qom-qmp-cmds.h"
#include "qom/user-creatable.h"
#include "util/error.h"

/* QEMU's qom-* path lookup: absolute or partial, with its two errors. */
static QmemObject *find_object(const char *path, GError **error)
{
    gboolean ambiguous;
    QmemObject *obj = qmem_object_resolve_path(path, G_TYPE_NONE, &ambiguous);

    if (!obj) {
        if (ambiguous) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Path '%s' is ambiguous", path);
        } else {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_DEVICE_NOT_FOUND,
                        "Device '%s' not found", path);
        }
    }
    return obj;
}

static JsonNode *property_info(const char *name, const char *type)
{
    JsonObject *info = json_object_new();

    json_object_set_string_member(info, "name", name);
    json_object_set_string_member(info, "type", type);
    return qmem_json_node_new_object(info);
}

JsonNode *qmem_qmp_qom_list(JsonObject *args, GError **error)
{
    const char *path;
    const QmemQmpArg members[] = {
        { "path", QMEM_QMP_ARG_STR, &path },
        { NULL }
    };
    QmemObject *obj;
    g_autofree GParamSpec **pspecs = NULL;
    g_autoptr(GPtrArray) children = NULL;
    JsonArray *list;
    guint n;

    if (!qmem_qmp_args_visit(args, members, error) ||
        !(obj = find_object(path, error))) {
        return NULL;
    }
    list = json_array_new();
    json_array_add_element(list, property_info("type", "string"));
    pspecs = g_object_class_list_properties(G_OBJECT_GET_CLASS(obj), &n);
    for (guint i = 0; i < n; i++) {
        json_array_add_element(list, property_info(pspecs[i]->name,
                                   qmem_param_spec_get_qom_type(pspecs[i])));
    }
    children = qmem_object_get_children(obj);
    for (guint i = 0; i < children->len; i++) {
        QmemObject *child = g_ptr_array_index(children, i);
        g_autofree char *type =
            g_strdup_printf("child<%s>", qmem_object_get_typename(child));

        json_array_add_element(list, property_info(qmem_object_get_name(child),
                                                   type));
    }
    return qmem_json_node_new_array(list);
}

/* qom-get: properties, plus QEMU's implicit "type" and child<> entries. */
static JsonNode *get_json(QmemObject *obj, const char *name, GError **error)
{
    QmemObject *child;

    if (!strcmp(name, "type")) {
        return json_node_init_string(json_node_alloc(),
                                     qmem_object_get_typename(obj));
    }
    child = qmem_object_get_child(obj, name);
    if (child) {
        g_autofree char *path = qmem_object_get_canonical_path(child);

        return json_node_init_string(json_node_alloc(), path);
    }
    return qmem_property_get_json(obj, name, error);
}

JsonNode *qmem_qmp_qom_get(JsonObject *args, GError **error)
{
    const char *path, *property;
    const QmemQmpArg members[] = {
        { "path", QMEM_QMP_ARG_STR, &path },
        { "property", QMEM_QMP_ARG_STR, &property },
        { NULL }
    };
    QmemObject *obj;

    if (!qmem_qmp_args_visit(args, members, error) ||
        !(obj = find_object(path, error))) {
        return NULL;
    }
    return get_json(obj, property, error);
}

JsonNode *qmem_qmp_qom_set(JsonObject *args, GError **error)
{
    const char *path, *property;
    JsonNode *value;
    const QmemQmpArg members[] = {
        { "path", QMEM_QMP_ARG_STR, &path },
        { "property", QMEM_QMP_ARG_STR, &property },
        { "value", QMEM_QMP_ARG_ANY, &value },
        { NULL }
    };
    QmemObject *obj;

    if (!qmem_qmp_args_visit(args, members, error) ||
        !(obj = find_object(path, error))) {
        return NULL;
    }
    if (!strcmp(property, "type")) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Property '%s.type' is not writable",
                    qmem_object_get_typename(obj));
        return NULL;
    }
    qmem_property_set_input(obj, property, value, QMEM_INPUT_JSON, error);
    return NULL;
}

JsonNode *qmem_qmp_object_add(JsonObject *args, GError **error)
{
    qmem_user_creatable_add(args, QMEM_INPUT_JSON, error);
    return NULL;
}

JsonNode *qmem_qmp_object_del(JsonObject *args, GError **error)
{
    const char *id;
    const QmemQmpArg members[] = {
        { "id", QMEM_QMP_ARG_STR, &id },
        { NULL }
    };

    if (qmem_qmp_args_visit(args, members, error)) {
        qmem_user_creatable_del(id, error);
    }
    return NULL;
}

/* "qom-set PATH PROPERTY VALUE": the value in the string visitor's syntax. */
gboolean qmem_hmp_qom_set(const char *args, GString *out, GError **error)
{
    g_auto(GStrv) words = g_strsplit_set(args, " \t", 3);
    QmemObject *obj;

    if (g_strv_length(words) < 3) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "missing argument: usage qom-set path property value");
        return FALSE;
    }
    obj = find_object(words[0], error);
    return obj && qmem_property_parse(obj, words[1], words[2], error);
}

gboolean qmem_hmp_object_add(const char *args, GString *out, GError **error)
{
    g_autoptr(JsonObject) options = qmem_keyval_parse(args, "qom-type", NULL,
                                                      error);

    return options &&
           qmem_user_creatable_add(options, QMEM_INPUT_KEYVAL, error);
}

gboolean qmem_hmp_object_del(const char *args, GString *out, GError **error)
{
    return qmem_user_creatable_del(args, error);
}
