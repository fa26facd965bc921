/* SPDX-License-Identifier: GPL-2.0-or-later */
/* JSON output as QEMU's qobject/json-writer.c, members in QDict order. */

#include <math.h>
#include <string.h>
#include "qobject/json.h"
#include "util/unicode.h"

/* QEMU's QDict has this many hash buckets; its wire order follows them. */
#define QDICT_BUCKET_MAX 512

static unsigned int qdict_bucket(const char *name)
{
    unsigned value = 0x238F13AF * (unsigned)strlen(name);
    unsigned i;

    for (i = 0; name[i]; i++) {
        value += ((const unsigned char *)name)[i] << (i * 5 % 24);
    }
    return (1103515243 * value + 12345) % QDICT_BUCKET_MAX;
}

typedef struct {
    const char *name;
    JsonNode *node;
    unsigned bucket;
    guint index;
} OrderedMember;

static int ordered_member_cmp(gconstpointer a, gconstpointer b)
{
    const OrderedMember *ma = a, *mb = b;

    if (ma->bucket != mb->bucket) {
        return ma->bucket < mb->bucket ? -1 : 1;
    }
    /* A bucket is a list with the newest entry first. */
    return ma->index > mb->index ? -1 : ma->index < mb->index;
}

/* The members of @obj in the order a QDict built in the same order
 * iterates them. */
static GArray *qdict_order(JsonObject *obj)
{
    GArray *members = g_array_new(FALSE, FALSE, sizeof(OrderedMember));
    JsonObjectIter iter;
    OrderedMember m;

    json_object_iter_init_ordered(&iter, obj);
    while (json_object_iter_next_ordered(&iter, &m.name, &m.node)) {
        m.bucket = qdict_bucket(m.name);
        m.index = members->len;
        g_array_append_val(members, m);
    }
    g_array_sort(members, ordered_member_cmp);
    return members;
}

static void quoted_str(GString *out, const char *str)
{
    const char *ptr, *end;
    int cp;

    g_string_append_c(out, '"');
    for (ptr = str; *ptr; ptr = end) {
        cp = qmem_mod_utf8_codepoint(ptr, 6, &end);
        switch (cp) {
        case '"':
            g_string_append(out, "\\\"");
            break;
        case '\\':
            g_string_append(out, "\\\\");
            break;
        case '\b':
            g_string_append(out, "\\b");
            break;
        case '\f':
            g_string_append(out, "\\f");
            break;
        case '\n':
            g_string_append(out, "\\n");
            break;
        case '\r':
            g_string_append(out, "\\r");
            break;
        case '\t':
            g_string_append(out, "\\t");
            break;
        default:
            if (cp < 0) {
                cp = 0xFFFD;
            }
            if (cp > 0xFFFF) {
                g_string_append_printf(out, "\\u%04X\\u%04X",
                                       0xD800 + ((cp - 0x10000) >> 10),
                                       0xDC00 + ((cp - 0x10000) & 0x3FF));
            } else if (cp < 0x20 || cp >= 0x7F) {
                g_string_append_printf(out, "\\u%04X", cp);
            } else {
                g_string_append_c(out, cp);
            }
        }
    }
    g_string_append_c(out, '"');
}

/* QEMU's pretty_newline(): a line break, indented by four per level. */
static void newline(GString *out, guint depth, gboolean pretty)
{
    if (pretty) {
        g_string_append_printf(out, "\n%*s", (int)depth * 4, "");
    }
}

static void json_write(GString *out, JsonNode *node, guint depth,
                       gboolean pretty)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    GArray *members;
    JsonArray *arr;
    guint i, n;

    switch (json_node_get_node_type(node)) {
    case JSON_NODE_OBJECT:
        members = qdict_order(json_node_get_object(node));
        g_string_append_c(out, '{');
        for (i = 0; i < members->len; i++) {
            OrderedMember *m = &g_array_index(members, OrderedMember, i);

            if (i) {
                g_string_append(out, pretty ? "," : ", ");
            }
            newline(out, depth + 1, pretty);
            quoted_str(out, m->name);
            g_string_append(out, ": ");
            json_write(out, m->node, depth + 1, pretty);
        }
        newline(out, depth, pretty);
        g_string_append_c(out, '}');
        g_array_free(members, TRUE);
        break;
    case JSON_NODE_ARRAY:
        arr = json_node_get_array(node);
        n = json_array_get_length(arr);
        g_string_append_c(out, '[');
        for (i = 0; i < n; i++) {
            if (i) {
                g_string_append(out, pretty ? "," : ", ");
            }
            newline(out, depth + 1, pretty);
            json_write(out, json_array_get_element(arr, i), depth + 1,
                       pretty);
        }
        newline(out, depth, pretty);
        g_string_append_c(out, ']');
        break;
    case JSON_NODE_NULL:
        g_string_append(out, "null");
        break;
    case JSON_NODE_VALUE:
        switch (json_node_get_value_type(node)) {
        case G_TYPE_INT64:
            if (qmem_json_node_is_uint64(node)) {
                g_string_append_printf(out, "%" G_GUINT64_FORMAT,
                                       (guint64)json_node_get_int(node));
            } else {
                g_string_append_printf(out, "%" G_GINT64_FORMAT,
                                       json_node_get_int(node));
            }
            break;
        case G_TYPE_DOUBLE:
            /*
             * JSON has no infinity or NaN (the parser takes none): should
             * a computed value be one, null keeps the output JSON.
             */
            if (!isfinite(json_node_get_double(node))) {
                g_string_append(out, "null");
                break;
            }
            g_string_append(out, g_ascii_formatd(buf, sizeof(buf), "%.17g",
                                                 json_node_get_double(node)));
            break;
        case G_TYPE_BOOLEAN:
            g_string_append(out, json_node_get_boolean(node) ? "true"
                                                             : "false");
            break;
        case G_TYPE_STRING:
            quoted_str(out, json_node_get_string(node));
            break;
        default:
            g_assert_not_reached();
        }
        break;
    }
}

char *qmem_json_to_string(JsonNode *node)
{
    return qmem_json_to_string_pretty(node, FALSE);
}

char *qmem_json_to_string_pretty(JsonNode *node, gboolean pretty)
{
    GString *out;

    g_return_val_if_fail(node != NULL, NULL);
    out = g_string_new(NULL);
    json_write(out, node, 0, pretty);
    return g_string_free(out, FALSE);
}

GPtrArray *qmem_json_object_qdict_order(JsonObject *obj)
{
    g_autoptr(GArray) members = qdict_order(obj);
    GPtrArray *names = g_ptr_array_sized_new(members->len);

    for (guint i = 0; i < members->len; i++) {
        g_ptr_array_add(names, (gpointer)g_array_index(members, OrderedMember,
                                                       i).name);
    }
    return names;
}
