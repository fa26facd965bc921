/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Properties from outside values: parse, print, links, aliases, help. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>
#include "qobject/json.h"
#include "qom/property.h"
#include "qom/user-creatable.h"
#include "util/cutils.h"
#include "util/error.h"

static GQuark qom_type_quark;
static GQuark mandatory_quark;
static GQuark show_default_quark;
static GQuark alias_quark;
static GQuark parser_quark;

static void init_quarks(void)
{
    static gsize done;

    if (g_once_init_enter(&done)) {
        qom_type_quark = g_quark_from_static_string("qmem-qom-type");
        mandatory_quark = g_quark_from_static_string("qmem-mandatory");
        show_default_quark = g_quark_from_static_string("qmem-show-default");
        alias_quark = g_quark_from_static_string("qmem-alias");
        parser_quark = g_quark_from_static_string("qmem-parser");
        g_once_init_leave(&done, 1);
    }
}

GParamSpec *qmem_param_spec_set_qom_type(GParamSpec *pspec,
                                         const char *qom_type)
{
    init_quarks();
    g_param_spec_set_qdata_full(pspec, qom_type_quark, g_strdup(qom_type),
                                g_free);
    return pspec;
}

void qmem_param_spec_set_mandatory(GParamSpec *pspec)
{
    init_quarks();
    g_param_spec_set_qdata(pspec, mandatory_quark, GINT_TO_POINTER(1));
}

void qmem_param_spec_set_show_default(GParamSpec *pspec, gboolean show)
{
    init_quarks();
    g_param_spec_set_qdata(pspec, show_default_quark, GINT_TO_POINTER(show));
}

void qmem_param_spec_set_parser(GParamSpec *pspec, QmemPropertyParser parser)
{
    init_quarks();
    g_param_spec_set_qdata(pspec, parser_quark, parser);
}

gboolean qmem_param_spec_is_mandatory(GParamSpec *pspec)
{
    init_quarks();
    return g_param_spec_get_qdata(pspec, mandatory_quark) != NULL;
}

/* Aliases */

/* What an alias stands for: the property @target of the child @child. */
typedef struct {
    char *child;
    GParamSpec *target;
} PropertyAlias;

static void property_alias_free(gpointer data)
{
    PropertyAlias *alias = data;

    g_param_spec_unref(alias->target);
    g_free(alias->child);
    g_free(alias);
}

static PropertyAlias *get_alias(GParamSpec *pspec)
{
    init_quarks();
    return g_param_spec_get_qdata(pspec, alias_quark);
}

/*
 * The property an alias stands for, through aliases of aliases: what its
 * values are parsed, printed and described by.  Any other property is
 * its own.
 */
static GParamSpec *property_target(GParamSpec *pspec)
{
    PropertyAlias *alias;

    while ((alias = get_alias(pspec))) {
        pspec = alias->target;
    }
    return pspec;
}

/* A #GParamSpec of @target's kind, value type, range and default. */
static GParamSpec *param_spec_like(GParamSpec *target, const char *name)
{
    const GParamFlags flags = target->flags &
                              (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY);
    const char *blurb = g_param_spec_get_blurb(target);
    GType ptype = G_PARAM_SPEC_TYPE(target);

    if (ptype == G_TYPE_PARAM_BOOLEAN) {
        return g_param_spec_boolean(name, NULL, blurb,
                                    G_PARAM_SPEC_BOOLEAN(target)->default_value,
                                    flags);
    } else if (ptype == G_TYPE_PARAM_UINT) {
        GParamSpecUInt *u = G_PARAM_SPEC_UINT(target);

        return g_param_spec_uint(name, NULL, blurb, u->minimum, u->maximum,
                                 u->default_value, flags);
    } else if (ptype == G_TYPE_PARAM_UINT64) {
        GParamSpecUInt64 *u = G_PARAM_SPEC_UINT64(target);

        return g_param_spec_uint64(name, NULL, blurb, u->minimum, u->maximum,
                                   u->default_value, flags);
    } else if (ptype == G_TYPE_PARAM_INT) {
        GParamSpecInt *i = G_PARAM_SPEC_INT(target);

        return g_param_spec_int(name, NULL, blurb, i->minimum, i->maximum,
                                i->default_value, flags);
    } else if (ptype == G_TYPE_PARAM_INT64) {
        GParamSpecInt64 *i = G_PARAM_SPEC_INT64(target);

        return g_param_spec_int64(name, NULL, blurb, i->minimum, i->maximum,
                                  i->default_value, flags);
    } else if (ptype == G_TYPE_PARAM_ENUM) {
        return g_param_spec_enum(name, NULL, blurb, target->value_type,
                                 G_PARAM_SPEC_ENUM(target)->default_value,
                                 flags);
    } else if (ptype == G_TYPE_PARAM_STRING) {
        return g_param_spec_string(name, NULL, blurb,
                                   G_PARAM_SPEC_STRING(target)->default_value,
                                   flags);
    } else if (ptype == G_TYPE_PARAM_OBJECT) {
        return g_param_spec_object(name, NULL, blurb, target->value_type,
                                   flags);
    } else if (ptype == G_TYPE_PARAM_BOXED) {
        return g_param_spec_boxed(name, NULL, blurb, target->value_type, flags);
    }
    g_return_val_if_reached(NULL);
}

GParamSpec *qmem_object_class_install_alias(GObjectClass *oclass,
                                            guint property_id, const char *name,
                                            const char *child, GType child_type,
                                            const char *target)
{
    g_autoptr(GTypeClass) child_class = NULL;
    GParamSpec *target_pspec, *pspec;
    PropertyAlias *alias;

    g_return_val_if_fail(g_type_is_a(child_type, QMEM_TYPE_OBJECT), NULL);

    child_class = g_type_class_ref(child_type);
    target_pspec = g_object_class_find_property(G_OBJECT_CLASS(child_class),
                                                target);
    g_return_val_if_fail(target_pspec != NULL, NULL);
    pspec = param_spec_like(target_pspec, name);
    g_return_val_if_fail(pspec != NULL, NULL);

    alias = g_new0(PropertyAlias, 1);
    alias->child = g_strdup(child);
    alias->target = g_param_spec_ref(target_pspec);
    init_quarks();
    g_param_spec_set_qdata_full(pspec, alias_quark, alias, property_alias_free);
    g_object_class_install_property(oclass, property_id, pspec);
    return pspec;
}

/*
 * Moves *@obj and *@pspec from an alias to what it stands for, through
 * aliases of aliases; anything else stays as it is.
 */
static gboolean resolve_alias(QmemObject **obj, GParamSpec **pspec,
                              GError **error)
{
    PropertyAlias *alias;

    while ((alias = get_alias(*pspec))) {
        QmemObject *child = qmem_object_get_child(*obj, alias->child);

        if (!child) {
            /* The class promised this child to every instance. */
            g_critical("alias '%s' of %s has no child '%s'", (*pspec)->name,
                       qmem_object_get_typename(*obj), alias->child);
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Property '%s.%s' not found",
                        qmem_object_get_typename(*obj), (*pspec)->name);
            return FALSE;
        }
        *obj = child;
        *pspec = alias->target;
    }
    return TRUE;
}

void qmem_object_alias_get_property(GObject *obj, guint property_id,
                                    GValue *value, GParamSpec *pspec)
{
    QmemObject *target = QMEM_OBJECT(obj);

    if (!get_alias(pspec)) {
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, property_id, pspec);
        return;
    }
    if (resolve_alias(&target, &pspec, NULL)) {
        g_object_get_property(G_OBJECT(target), pspec->name, value);
    }
}

void qmem_object_alias_set_property(GObject *obj, guint property_id,
                                    const GValue *value, GParamSpec *pspec)
{
    QmemObject *target = QMEM_OBJECT(obj);

    if (!get_alias(pspec)) {
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, property_id, pspec);
        return;
    }
    if (resolve_alias(&target, &pspec, NULL)) {
        g_object_set_property(G_OBJECT(target), pspec->name, value);
    }
}

const char *qmem_param_spec_get_qom_type(GParamSpec *pspec)
{
    const char *name;
    GType type;

    init_quarks();
    pspec = property_target(pspec);
    type = G_PARAM_SPEC_VALUE_TYPE(pspec);
    name = g_param_spec_get_qdata(pspec, qom_type_quark);
    if (name) {
        return name;
    }
    if (qmem_param_spec_is_size(pspec)) {
        return "size";
    }
    if (qmem_param_spec_is_uint_list(pspec)) {
        return "int";
    }
    switch (G_TYPE_FUNDAMENTAL(type)) {
    case G_TYPE_BOOLEAN:
        return "bool";
    case G_TYPE_STRING:
        return "string";
    case G_TYPE_UINT64:
        return "uint64";
    case G_TYPE_INT64:
        return "int64";
    case G_TYPE_INT:
        return "int32";
    case G_TYPE_UINT: {
        guint64 max = qmem_param_spec_get_uint_max(pspec);

        return max == G_MAXUINT8 ? "uint8" :
               max == G_MAXUINT16 ? "uint16" : "uint32";
    }
    case G_TYPE_ENUM:
        name = g_type_name(type);
        return g_str_has_prefix(name, "Qmem") ? name + 4 : name;
    case G_TYPE_OBJECT: {
        /* Interned so that the returned string lives as long as the type. */
        g_autofree char *link = g_strdup_printf("link<%s>",
                                                qmem_type_get_name(type));

        return g_intern_string(link);
    }
    default:
        return g_type_name(type);
    }
}

static gboolean resolve_link(GParamSpec *pspec, const char *name,
                             const char *path, QmemObject **out,
                             GError **error)
{
    GType type = G_PARAM_SPEC_VALUE_TYPE(pspec);
    gboolean ambiguous;
    QmemObject *obj;

    if (!*path) {
        *out = NULL;
        return TRUE;
    }
    obj = qmem_object_resolve_path(path, type, &ambiguous);
    if (obj) {
        *out = obj;
        return TRUE;
    }
    if (ambiguous) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Path '%s' does not uniquely identify an object", path);
    } else if (qmem_object_resolve_path(path, G_TYPE_NONE, NULL)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid parameter type for '%s', expected: %s", name,
                    qmem_type_get_name(type));
    } else {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_DEVICE_NOT_FOUND,
                    "Device '%s' not found", path);
    }
    return FALSE;
}

gboolean qmem_property_parse_usual(GParamSpec *pspec, const char *name,
                                   JsonNode *input, QmemInputKind kind,
                                   GValue *value, GError **error)
{
    g_auto(GValue) tmp = G_VALUE_INIT;
    g_autoptr(JsonNode) items = NULL;

    if (kind == QMEM_INPUT_OPTS) {
        /* What the parser got is OPTS's last value: OPTS's form again. */
        JsonArray *array = json_array_new();

        json_array_add_element(array, json_node_copy(input));
        items = json_node_init_array(json_node_alloc(), array);
        json_array_unref(array);
        input = items;
    }
    if (!qmem_visit_input(pspec, name, input, kind, &tmp, error)) {
        return FALSE;
    }
    g_value_copy(&tmp, value);
    return TRUE;
}

/*
 * A property with a syntax of its own converts with its parser; it sees
 * one scalar (the last of OPTS's repeated keys) or JSON's node.
 */
static gboolean parse_own_syntax(QmemObject *obj, GParamSpec *pspec,
                                 QmemPropertyParser parser, const char *name,
                                 JsonNode *input, QmemInputKind kind,
                                 GValue *value, GError **error)
{
    g_autoptr(JsonNode) last = NULL;

    if (kind == QMEM_INPUT_OPTS) {
        JsonArray *items = json_node_get_array(input);

        last = json_node_new(JSON_NODE_VALUE);
        json_node_set_string(last, json_array_get_string_element(
                                       items, json_array_get_length(items) -
                                       1));
        input = last;
    }
    g_value_init(value, G_PARAM_SPEC_VALUE_TYPE(pspec));
    return parser(obj, pspec, name, input, kind, value, error);
}

static gboolean value_from_input(QmemObject *obj, GParamSpec *pspec,
                                 const char *name, JsonNode *input,
                                 QmemInputKind kind, GValue *value,
                                 GError **error)
{
    g_auto(GValue) path = G_VALUE_INIT;
    QmemPropertyParser parser;
    QmemObject *target;

    init_quarks();
    pspec = property_target(pspec);
    parser = g_param_spec_get_qdata(pspec, parser_quark);
    if (parser) {
        return parse_own_syntax(obj, pspec, parser, name, input, kind, value,
                                error);
    }
    if (!qmem_visit_input(pspec, name, input, kind, value, error)) {
        return FALSE;
    }
    if (G_TYPE_FUNDAMENTAL(G_PARAM_SPEC_VALUE_TYPE(pspec)) != G_TYPE_OBJECT) {
        return TRUE;
    }
    /* The visitor read the link's text: a path or an id. */
    g_value_init(&path, G_TYPE_STRING);
    g_value_copy(value, &path);
    g_value_unset(value);
    g_value_init(value, G_PARAM_SPEC_VALUE_TYPE(pspec));
    if (!resolve_link(pspec, name, g_value_get_string(&path), &target,
                      error)) {
        return FALSE;
    }
    g_value_set_object(value, target);
    return TRUE;
}

gboolean qmem_value_from_input(GParamSpec *pspec, const char *name,
                               JsonNode *input, QmemInputKind kind,
                               GValue *value, GError **error)
{
    return value_from_input(NULL, pspec, name, input, kind, value, error);
}

GParamSpec *qmem_property_find(QmemObject *obj, const char *name,
                               GError **error)
{
    GParamSpec *pspec =
        g_object_class_find_property(G_OBJECT_GET_CLASS(obj), name);

    if (!pspec) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Property '%s.%s' not found",
                    qmem_object_get_typename(obj), name);
    }
    return pspec;
}

/* A value outside the GParamSpec's own range, in QEMU's generic words. */
static gboolean check_pspec_range(QmemObject *obj, GParamSpec *pspec,
                                  const GValue *value, GError **error)
{
    g_auto(GValue) copy = G_VALUE_INIT;
    g_autofree char *text = NULL;

    g_value_init(&copy, G_VALUE_TYPE(value));
    g_value_copy(value, &copy);
    if (!g_param_value_validate(pspec, &copy)) {
        return TRUE;
    }
    text = g_strdup_value_contents(value);
    g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                "property '%s' of %s doesn't take value '%s'", pspec->name,
                qmem_object_get_typename(obj), text);
    return FALSE;
}

gboolean qmem_property_set_value(QmemObject *obj, const char *name,
                                 const GValue *value, GError **error)
{
    GParamSpec *pspec = qmem_property_find(obj, name, error);

    if (!pspec) {
        return FALSE;
    }
    /* QEMU's alias setter: the target refuses or takes it, in its words. */
    if (get_alias(pspec)) {
        return resolve_alias(&obj, &pspec, error) &&
               qmem_property_set_value(obj, pspec->name, value, error);
    }
    if (!(pspec->flags & G_PARAM_WRITABLE) ||
        (pspec->flags & G_PARAM_CONSTRUCT_ONLY)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Property '%s.%s' is not writable",
                    qmem_object_get_typename(obj), name);
        return FALSE;
    }
    if (!check_pspec_range(obj, pspec, value, error)) {
        return FALSE;
    }
    return QMEM_OBJECT_GET_CLASS(obj)->set_property_checked(obj, pspec, value,
                                                            error);
}

gboolean qmem_property_set_input(QmemObject *obj, const char *name,
                                 JsonNode *input, QmemInputKind kind,
                                 GError **error)
{
    g_auto(GValue) value = G_VALUE_INIT;
    GParamSpec *pspec = qmem_property_find(obj, name, error);

    if (!pspec || !value_from_input(obj, pspec, name, input, kind, &value,
                                    error)) {
        return FALSE;
    }
    return qmem_property_set_value(obj, name, &value, error);
}

gboolean qmem_property_parse(QmemObject *obj, const char *name,
                             const char *str, GError **error)
{
    g_autoptr(JsonNode) node = json_node_new(JSON_NODE_VALUE);

    json_node_set_string(node, str);
    return qmem_property_set_input(obj, name, node, QMEM_INPUT_STRING, error);
}

/* The string form of a value: what qmem_value_from_input(STRING) reads. */
static char *value_to_string(GParamSpec *pspec, const GValue *value)
{
    GType type = G_PARAM_SPEC_VALUE_TYPE(pspec);

    if (qmem_param_spec_is_uint_list(pspec)) {
        return qmem_uint_list_to_string(g_value_get_boxed(value));
    }
    switch (G_TYPE_FUNDAMENTAL(type)) {
    case G_TYPE_BOOLEAN:
        return g_strdup(g_value_get_boolean(value) ? "true" : "false");
    case G_TYPE_UINT64:
        return g_strdup_printf("%" G_GUINT64_FORMAT,
                               g_value_get_uint64(value));
    case G_TYPE_UINT:
        return g_strdup_printf("%u", g_value_get_uint(value));
    case G_TYPE_INT64:
        return g_strdup_printf("%" G_GINT64_FORMAT, g_value_get_int64(value));
    case G_TYPE_INT:
        return g_strdup_printf("%d", g_value_get_int(value));
    case G_TYPE_STRING:
        return g_strdup(g_value_get_string(value) ?: "");
    case G_TYPE_ENUM: {
        g_autoptr(GEnumClass) klass = g_type_class_ref(type);
        GEnumValue *ev = g_enum_get_value(klass, g_value_get_enum(value));

        return g_strdup(ev ? ev->value_nick : "");
    }
    case G_TYPE_OBJECT: {
        GObject *target = g_value_get_object(value);

        return target ? qmem_object_get_canonical_path(QMEM_OBJECT(target))
                      : g_strdup("");
    }
    default:
        g_assert_not_reached();
    }
}

static GParamSpec *find_readable(QmemObject *obj, const char *name,
                                 GValue *value, GError **error)
{
    GParamSpec *pspec = qmem_property_find(obj, name, error);

    if (!pspec || !resolve_alias(&obj, &pspec, error)) {
        return NULL;
    }
    if (!(pspec->flags & G_PARAM_READABLE)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Property '%s.%s' is not readable",
                    qmem_object_get_typename(obj), pspec->name);
        return NULL;
    }
    g_value_init(value, G_PARAM_SPEC_VALUE_TYPE(pspec));
    g_object_get_property(G_OBJECT(obj), pspec->name, value);
    return pspec;
}

char *qmem_property_print(QmemObject *obj, const char *name, GError **error)
{
    g_auto(GValue) value = G_VALUE_INIT;
    GParamSpec *pspec = find_readable(obj, name, &value, error);

    return pspec ? value_to_string(pspec, &value) : NULL;
}

JsonNode *qmem_property_get_json(QmemObject *obj, const char *name,
                                 GError **error)
{
    g_auto(GValue) value = G_VALUE_INIT;
    GParamSpec *pspec = find_readable(obj, name, &value, error);
    GType type;

    if (!pspec) {
        return NULL;
    }
    type = G_PARAM_SPEC_VALUE_TYPE(pspec);
    if (qmem_param_spec_is_uint_list(pspec)) {
        GArray *list = g_value_get_boxed(&value);
        JsonArray *array = json_array_new();

        for (guint i = 0; list && i < list->len; i++) {
            json_array_add_int_element(array,
                                       g_array_index(list, guint64, i));
        }
        return qmem_json_node_new_array(array);
    }
    switch (G_TYPE_FUNDAMENTAL(type)) {
    case G_TYPE_BOOLEAN:
        return json_node_init_boolean(json_node_alloc(),
                                      g_value_get_boolean(&value));
    case G_TYPE_UINT64:
        return json_node_init_int(json_node_alloc(),
                                  (gint64)g_value_get_uint64(&value));
    case G_TYPE_UINT:
        return json_node_init_int(json_node_alloc(), g_value_get_uint(&value));
    case G_TYPE_INT64:
        return json_node_init_int(json_node_alloc(),
                                  g_value_get_int64(&value));
    case G_TYPE_INT:
        return json_node_init_int(json_node_alloc(), g_value_get_int(&value));
    default: {
        g_autofree char *str = value_to_string(pspec, &value);

        return json_node_init_string(json_node_alloc(), str);
    }
    }
}

static gint compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static gint compare_pspec_names(gconstpointer a, gconstpointer b)
{
    const GParamSpec *pa = *(GParamSpec *const *)a;
    const GParamSpec *pb = *(GParamSpec *const *)b;

    return strcmp(pa->name, pb->name);
}

/* The class's properties sorted by name: QEMU's help and visit order. */
static GParamSpec **sorted_properties(GObjectClass *klass, guint *n)
{
    GParamSpec **pspecs = g_object_class_list_properties(klass, n);

    qsort(pspecs, *n, sizeof(*pspecs), compare_pspec_names);
    return pspecs;
}

typedef struct {
    GParamSpec *pspec;
    GValue value;
} PendingValue;

static void pending_value_clear(PendingValue *p)
{
    if (G_IS_VALUE(&p->value)) {
        g_value_unset(&p->value);
    }
}

gboolean qmem_object_set_props(QmemObject *obj, JsonObject *props,
                               QmemInputKind kind, GError **error)
{
    guint n;
    g_autofree GParamSpec **pspecs =
        sorted_properties(G_OBJECT_GET_CLASS(obj), &n);
    g_autoptr(GArray) pending = g_array_new(FALSE, TRUE,
                                            sizeof(PendingValue));
    g_autoptr(GList) members = NULL;

    g_array_set_clear_func(pending, (GDestroyNotify)pending_value_clear);

    /* Convert everything first, as QEMU's QAPI visit does, in name order. */
    for (guint i = 0; i < n; i++) {
        JsonNode *node = props ? json_object_get_member(props, pspecs[i]->name)
                               : NULL;
        PendingValue *p;

        if (!node) {
            if (qmem_param_spec_is_mandatory(pspecs[i])) {
                g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "Parameter '%s' is missing", pspecs[i]->name);
                return FALSE;
            }
            continue;
        }
        if (!(pspecs[i]->flags & G_PARAM_WRITABLE)) {
            continue;   /* reported below, as an unexpected parameter */
        }
        g_array_set_size(pending, pending->len + 1);
        p = &g_array_index(pending, PendingValue, pending->len - 1);
        p->pspec = pspecs[i];
        if (!value_from_input(obj, p->pspec, p->pspec->name, node, kind,
                              &p->value, error)) {
            return FALSE;
        }
    }

    members = props ? json_object_get_members(props) : NULL;
    for (GList *m = members; m; m = m->next) {
        GParamSpec *pspec =
            g_object_class_find_property(G_OBJECT_GET_CLASS(obj), m->data);

        if (!pspec || !(pspec->flags & G_PARAM_WRITABLE)) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        kind == QMEM_INPUT_OPTS
                            ? "Invalid parameter '%s'"
                            : "Parameter '%s' is unexpected",
                        (const char *)m->data);
            return FALSE;
        }
    }

    for (guint i = 0; i < pending->len; i++) {
        PendingValue *p = &g_array_index(pending, PendingValue, i);

        if (!qmem_property_set_value(obj, p->pspec->name, &p->value, error)) {
            return FALSE;
        }
    }
    return TRUE;
}

void qmem_type_print_help(GType type, GString *out)
{
    g_autoptr(GTypeClass) klass = g_type_class_ref(type);
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
    guint n;
    g_autofree GParamSpec **pspecs =
        g_object_class_list_properties(G_OBJECT_CLASS(klass), &n);

    init_quarks();
    for (guint i = 0; i < n; i++) {
        /* An alias is described by what it stands for. */
        GParamSpec *pspec = property_target(pspecs[i]);
        const char *blurb = g_param_spec_get_blurb(pspec);
        GString *line;
        gboolean show_default = GPOINTER_TO_INT(
            g_param_spec_get_qdata(pspec, show_default_quark));

        /*
         * QEMU's object help lists what can be set (thread-context's
         * thread-id is not), device help everything.
         */
        if (!(pspecs[i]->flags & G_PARAM_WRITABLE) &&
            g_type_is_a(type, QMEM_TYPE_USER_CREATABLE)) {
            continue;
        }
        line = g_string_new(NULL);

        g_string_append_printf(line, "  %s=<%s>", pspecs[i]->name,
                               qmem_param_spec_get_qom_type(pspec));
        if (blurb || show_default) {
            if (line->len < 24) {
                g_string_append_printf(line, "%*s", (int)(24 - line->len), "");
            }
            g_string_append_printf(line, " - %s", blurb ? blurb : "");
        }
        if (show_default) {
            g_autofree char *text =
                value_to_string(pspec, g_param_spec_get_default_value(pspec));

            g_string_append_printf(line, " (default: %s)", text);
        }
        g_ptr_array_add(lines, g_string_free(line, FALSE));
    }
    /* QEMU sorts the formatted lines, so "prealloc-threads" < "prealloc=". */
    g_ptr_array_sort(lines, compare_strings);
    g_string_append_printf(out, "%s options:\n", qmem_type_get_name(type));
    for (guint i = 0; i < lines->len; i++) {
        g_string_append_printf(out, "%s\n",
                               (char *)g_ptr_array_index(lines, i));
    }
}
