/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Input visitors: a value from -object, -device, HMP or QMP, as a GValue. */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "qapi/visitor.h"
#include "qobject/json.h"
#include "util/cutils.h"
#include "util/error.h"

#define SIZE_HINT "Optional suffix k, M, G, T, P or E means kilo-, mega-, " \
    "giga-, tera-, peta-\nand exabytes, respectively.\n"

static GQuark size_quark;
static GQuark list_quark;

static void init_quarks(void)
{
    static gsize done;

    if (g_once_init_enter(&done)) {
        size_quark = g_quark_from_static_string("qmem-size");
        list_quark = g_quark_from_static_string("qmem-uint-list");
        g_once_init_leave(&done, 1);
    }
}

GParamSpec *qmem_param_spec_size(const char *name, const char *blurb,
                                 guint64 minimum, guint64 maximum,
                                 guint64 default_value, GParamFlags flags)
{
    GParamSpec *pspec = g_param_spec_uint64(name, NULL, blurb, minimum,
                                            maximum, default_value, flags);

    init_quarks();
    g_param_spec_set_qdata(pspec, size_quark, GINT_TO_POINTER(1));
    return pspec;
}

GParamSpec *qmem_param_spec_uint_list(const char *name, const char *blurb,
                                      guint64 element_max, GParamFlags flags)
{
    GParamSpec *pspec = g_param_spec_boxed(name, NULL, blurb, G_TYPE_ARRAY,
                                           flags);
    guint64 *max = g_new(guint64, 1);

    init_quarks();
    *max = element_max;
    g_param_spec_set_qdata_full(pspec, list_quark, max, g_free);
    return pspec;
}

gboolean qmem_param_spec_is_size(GParamSpec *pspec)
{
    init_quarks();
    return g_param_spec_get_qdata(pspec, size_quark) != NULL;
}

gboolean qmem_param_spec_is_uint_list(GParamSpec *pspec)
{
    init_quarks();
    return g_param_spec_get_qdata(pspec, list_quark) != NULL;
}

static guint64 uint_list_element_max(GParamSpec *pspec)
{
    return *(guint64 *)g_param_spec_get_qdata(pspec, list_quark);
}

GArray *qmem_uint_list_new(void)
{
    return g_array_new(FALSE, FALSE, sizeof(guint64));
}

char *qmem_uint_list_to_string(GArray *list)
{
    GString *out = g_string_new(NULL);

    for (guint i = 0; list && i < list->len;) {
        guint64 first = g_array_index(list, guint64, i);
        guint j = i;

        while (j + 1 < list->len &&
               g_array_index(list, guint64, j + 1) ==
                   g_array_index(list, guint64, j) + 1) {
            j++;
        }
        g_string_append_printf(out, "%s%" G_GUINT64_FORMAT, i ? "," : "",
                               first);
        if (j > i) {
            g_string_append_printf(out, "-%" G_GUINT64_FORMAT,
                                   g_array_index(list, guint64, j));
        }
        i = j + 1;
    }
    return g_string_free(out, FALSE);
}

/* The C type name QEMU's visit_type_uintN/intN put in messages. */
static const char *uint_type_name(guint64 max)
{
    return max == G_MAXUINT8 ? "uint8_t" :
           max == G_MAXUINT16 ? "uint16_t" :
           max == G_MAXUINT32 ? "uint32_t" : "uint64_t";
}

guint64 qmem_param_spec_get_uint_max(GParamSpec *pspec)
{
    if (G_IS_PARAM_SPEC_UINT(pspec)) {
        return G_PARAM_SPEC_UINT(pspec)->maximum;
    }
    return G_MAXUINT64;
}

/*
 * Scalar conversions.  Each takes the text (or JSON node) of one value and
 * produces a 64-bit number with the messages of the visitor QEMU would use.
 */

static gboolean json_scalar_string(JsonNode *node, const char **str)
{
    if (JSON_NODE_HOLDS_VALUE(node) &&
        json_node_get_value_type(node) == G_TYPE_STRING) {
        *str = json_node_get_string(node);
        return TRUE;
    }
    return FALSE;
}

static gboolean json_scalar_int(JsonNode *node, gint64 *v)
{
    if (JSON_NODE_HOLDS_VALUE(node) &&
        json_node_get_value_type(node) == G_TYPE_INT64) {
        *v = json_node_get_int(node);
        return TRUE;
    }
    return FALSE;
}

static gboolean parse_bool_input(const char *name, JsonNode *in,
                                 QmemInputKind kind, const char *str,
                                 gboolean *out, GError **error)
{
    if (kind == QMEM_INPUT_JSON) {
        if (JSON_NODE_HOLDS_VALUE(in) &&
            json_node_get_value_type(in) == G_TYPE_BOOLEAN) {
            *out = json_node_get_boolean(in);
            return TRUE;
        }
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid parameter type for '%s', expected: boolean",
                    name);
        return FALSE;
    }
    if (!qmem_parse_bool(str, out)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter '%s' expects 'on' or 'off'", name);
        return FALSE;
    }
    return TRUE;
}

static gboolean parse_size_input(const char *name, JsonNode *in,
                                 QmemInputKind kind, const char *str,
                                 guint64 *out, GError **error)
{
    int ret;

    if (kind == QMEM_INPUT_JSON) {
        gint64 v;

        if (!json_scalar_int(in, &v)) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Parameter '%s' expects uint64", name);
            return FALSE;
        }
        /* QEMU accepts negative numbers here and wraps them. */
        *out = (guint64)v;
        return TRUE;
    }
    ret = qmem_strtosz(str, NULL, out);
    if (ret == 0) {
        return TRUE;
    }
    switch (kind) {
    case QMEM_INPUT_OPTS:
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter '%s' expects a size value", name);
        break;
    case QMEM_INPUT_KEYVAL:
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter '%s' expects size", name);
        break;
    default:
        if (ret == -ERANGE) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Value '%s' is out of range for parameter '%s'",
                        str, name);
        } else {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Parameter '%s' expects a non-negative number "
                        "below 2^64", name);
            qmem_error_set_hint(*error, SIZE_HINT);
        }
        break;
    }
    return FALSE;
}

static gboolean parse_uint_input(const char *name, JsonNode *in,
                                 QmemInputKind kind, const char *str,
                                 guint64 *out, GError **error)
{
    gint64 v;

    switch (kind) {
    case QMEM_INPUT_JSON:
        if (json_scalar_int(in, &v)) {
            *out = (guint64)v;
            return TRUE;
        }
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter '%s' expects uint64", name);
        return FALSE;
    case QMEM_INPUT_OPTS:
        if (qmem_parse_uint(str, NULL, 0, out) == 0) {
            return TRUE;
        }
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter '%s' expects a uint64 value", name);
        return FALSE;
    case QMEM_INPUT_KEYVAL:
        if (qmem_strtou64(str, 0, out) == 0) {
            return TRUE;
        }
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter '%s' expects integer", name);
        return FALSE;
    default:
        if (qmem_strtou64(str, 0, out) == 0) {
            return TRUE;
        }
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter '%s' expects uint64", name);
        return FALSE;
    }
}

static gboolean parse_int_input(const char *name, JsonNode *in,
                                QmemInputKind kind, const char *str,
                                gint64 *out, GError **error)
{
    const char *fmt;

    if (kind == QMEM_INPUT_JSON) {
        /* A number above INT64_MAX is no int64: it must not wrap. */
        if (json_scalar_int(in, out) && !qmem_json_node_is_uint64(in)) {
            return TRUE;
        }
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid parameter type for '%s', expected: integer",
                    name);
        return FALSE;
    }
    if (qmem_strtoi64(str, 0, out) == 0) {
        return TRUE;
    }
    fmt = kind == QMEM_INPUT_OPTS ? "Parameter '%s' expects an int64 value" :
          kind == QMEM_INPUT_KEYVAL ? "Parameter '%s' expects integer" :
          "Parameter '%s' expects int64";
    g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC, fmt, name);
    return FALSE;
}

/* One "a" or "a-b" item of an integer list in OPTS or STRING syntax. */
static gboolean parse_uint_range(const char *item, guint64 *lo, guint64 *hi)
{
    const char *end;

    if (qmem_parse_uint(item, &end, 0, lo) != 0) {
        return FALSE;
    }
    if (*end == '\0') {
        *hi = *lo;
        return TRUE;
    }
    if (*end != '-' || qmem_parse_uint(end + 1, NULL, 0, hi) != 0) {
        return FALSE;
    }
    return *lo <= *hi && *hi - *lo < 65536;
}

static gboolean append_range(GArray *list, const char *name, guint64 lo,
                             guint64 hi, guint64 max, GError **error)
{
    if (hi > max) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter '%s' expects %s", name, uint_type_name(max));
        return FALSE;
    }
    for (guint64 v = lo; v <= hi; v++) {
        g_array_append_val(list, v);
    }
    return TRUE;
}

/*
 * One "N" or "N-M" of a string-typed list. @expects is what QEMU says the
 * parameter takes; it names list elements 'null' when they are too big.
 */
static gboolean append_range_string(GArray *list, const char *name,
                                    const char *item, const char *expects,
                                    guint64 max, GError **error)
{
    guint64 lo, hi;

    if (!parse_uint_range(item, &lo, &hi)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter '%s' expects %s", name, expects);
        return FALSE;
    }
    return append_range(list, "null", lo, hi, max, error);
}

/* A JSON array (QMP, or keyval's string leaves) of plain integers. */
static gboolean append_array(GArray *list, const char *name, JsonNode *in,
                             QmemInputKind kind, guint64 max, GError **error)
{
    JsonArray *items;

    if (!JSON_NODE_HOLDS_ARRAY(in)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid parameter type for '%s', expected: array", name);
        return FALSE;
    }
    items = json_node_get_array(in);
    for (guint i = 0; i < json_array_get_length(items); i++) {
        JsonNode *item = json_array_get_element(items, i);
        const char *str = NULL;
        guint64 v;

        if (kind == QMEM_INPUT_KEYVAL && !json_scalar_string(item, &str)) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Invalid parameter type for '%s', expected: integer",
                        name);
            return FALSE;
        }
        /*
         * QEMU names the element in type errors ("host-nodes[0]") but
         * not in range errors ('null').
         */
        g_autofree char *element = g_strdup_printf("%s[%u]", name, i);

        if (!parse_uint_input(element, item, kind, str, &v, error) ||
            !append_range(list, "null", v, v, max, error)) {
            return FALSE;
        }
    }
    return TRUE;
}

static GArray *parse_uint_list(GParamSpec *pspec, const char *name,
                               JsonNode *in, QmemInputKind kind,
                               GError **error)
{
    g_autoptr(GArray) list = qmem_uint_list_new();
    guint64 max = uint_list_element_max(pspec);

    if (kind == QMEM_INPUT_OPTS) {
        /* QemuOpts: the option repeated, each value one number or range. */
        JsonArray *items = json_node_get_array(in);

        for (guint i = 0; i < json_array_get_length(items); i++) {
            if (!append_range_string(list, name,
                                     json_array_get_string_element(items, i),
                                     "a uint64 value or range", max, error)) {
                return NULL;
            }
        }
    } else if (kind == QMEM_INPUT_STRING) {
        /* The string input visitor: one comma-separated string. */
        const char *str;
        g_auto(GStrv) items = NULL;

        if (!json_scalar_string(in, &str)) {
            g_assert_not_reached();
        }
        items = *str ? g_strsplit(str, ",", -1) : g_new0(char *, 1);
        for (char **item = items; *item; item++) {
            if (!append_range_string(list, name, *item,
                                     "list of uint64 values or ranges", max,
                                     error)) {
                return NULL;
            }
        }
    } else if (!append_array(list, name, in, kind, max, error)) {
        return NULL;
    }
    return g_steal_pointer(&list);
}

/* Unsigned integers and sizes, checked against the property's range. */
static gboolean visit_uint(GParamSpec *pspec, const char *name,
                           JsonNode *input, QmemInputKind kind,
                           const char *str, GValue *value, GError **error)
{
    guint64 max = qmem_param_spec_get_uint_max(pspec);
    guint64 u;

    if (qmem_param_spec_is_size(pspec)) {
        if (!parse_size_input(name, input, kind, str, &u, error)) {
            return FALSE;
        }
    } else if (!parse_uint_input(name, input, kind, str, &u, error)) {
        return FALSE;
    }
    if (u > max) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter '%s' expects %s", name, uint_type_name(max));
        return FALSE;
    }
    if (G_VALUE_HOLDS_UINT64(value)) {
        g_value_set_uint64(value, u);
    } else {
        g_value_set_uint(value, u);
    }
    return TRUE;
}

static gboolean visit_int(const char *name, JsonNode *input,
                          QmemInputKind kind, const char *str, GValue *value,
                          GError **error)
{
    gint64 i;

    if (!parse_int_input(name, input, kind, str, &i, error)) {
        return FALSE;
    }
    if (G_VALUE_HOLDS_INT64(value)) {
        g_value_set_int64(value, i);
    } else if (i < G_MININT32 || i > G_MAXINT32) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter '%s' expects int32_t", name);
        return FALSE;
    } else {
        g_value_set_int(value, i);
    }
    return TRUE;
}

/* Strings, enums by their nicks, and the text naming a link's target. */
static gboolean visit_string(GType type, const char *name, JsonNode *input,
                             QmemInputKind kind, const char *str,
                             GValue *value, GError **error)
{
    g_autoptr(GEnumClass) klass = NULL;
    GEnumValue *ev;

    if (kind == QMEM_INPUT_JSON && !json_scalar_string(input, &str)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid parameter type for '%s', expected: string",
                    name);
        return FALSE;
    }
    if (G_TYPE_FUNDAMENTAL(type) != G_TYPE_ENUM) {
        g_value_set_string(value, str);
        return TRUE;
    }
    klass = g_type_class_ref(type);
    ev = g_enum_get_value_by_nick(klass, str);
    if (!ev) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter '%s' does not accept value '%s'", name, str);
        return FALSE;
    }
    g_value_set_enum(value, ev->value);
    return TRUE;
}

gboolean qmem_visit_input(GParamSpec *pspec, const char *name,
                          JsonNode *input, QmemInputKind kind, GValue *value,
                          GError **error)
{
    GType type = G_PARAM_SPEC_VALUE_TYPE(pspec);
    const char *str = NULL;
    gboolean b;

    g_value_init(value, G_TYPE_FUNDAMENTAL(type) == G_TYPE_OBJECT ?
                        G_TYPE_STRING : type);

    if (qmem_param_spec_is_uint_list(pspec)) {
        GArray *list = parse_uint_list(pspec, name, input, kind, error);

        if (!list) {
            return FALSE;
        }
        g_value_take_boxed(value, list);
        return TRUE;
    }

    /* The text of a scalar: OPTS repeats keys (the last one counts). */
    if (kind == QMEM_INPUT_OPTS) {
        JsonArray *items = json_node_get_array(input);

        str = json_array_get_string_element(items,
                                            json_array_get_length(items) - 1);
    } else if (kind != QMEM_INPUT_JSON && !json_scalar_string(input, &str)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid parameter type for '%s', expected: scalar",
                    name);
        return FALSE;
    }

    switch (G_TYPE_FUNDAMENTAL(type)) {
    case G_TYPE_BOOLEAN:
        if (!parse_bool_input(name, input, kind, str, &b, error)) {
            return FALSE;
        }
        g_value_set_boolean(value, b);
        return TRUE;
    case G_TYPE_UINT64:
    case G_TYPE_UINT:
        return visit_uint(pspec, name, input, kind, str, value, error);
    case G_TYPE_INT64:
    case G_TYPE_INT:
        return visit_int(name, input, kind, str, value, error);
    case G_TYPE_STRING:
    case G_TYPE_ENUM:
    case G_TYPE_OBJECT:
        return visit_string(type, name, input, kind, str, value, error);
    default:
        g_assert_not_reached();
    }
}

