/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Option-string parsers: QemuOpts (util/qemu-option.c), keyval, JSON. */

#include <errno.h>
#include <string.h>

#include "qapi/opts.h"
#include "qobject/json.h"
#include "util/cutils.h"
#include "util/error-report.h"
#include "util/error.h"

/* ------------------------------------------------------------------ */
/* QemuOpts: "type,key=val,flag,noflag" */

/*
 * One element's value: up to the next single ',' with ",," standing for
 * a literal comma.  Returns the position of that ',' or of the NUL.
 */
static const char *opts_get_value(const char *p, char **value)
{
    GString *val = g_string_new(NULL);

    for (;;) {
        const char *comma = strchr(p, ',');

        if (!comma) {
            g_string_append(val, p);
            p += strlen(p);
            break;
        }
        g_string_append_len(val, p, comma - p);
        if (comma[1] != ',') {
            p = comma;
            break;
        }
        g_string_append_c(val, ',');
        p = comma + 2;
    }
    *value = g_string_free(val, FALSE);
    return p;
}

static gboolean is_help_option(const char *s)
{
    return g_str_equal(s, "help") || g_str_equal(s, "?");
}

/*
 * QEMU's get_opt_name_value(): split off one element of @params.
 * @firstname, when set, names an element without '=' (*@implied says
 * so); otherwise such an element is a flag ("key" = on, "nokey" = off),
 * deprecated and warned about when @warn is set, except for a help
 * request.  A flag ends at the first ',' even when a second one follows.
 * Returns the start of the next element.
 */
static const char *opts_get_name_value(const char *params,
                                       const char *firstname, gboolean warn,
                                       gboolean *implied, gboolean *is_help,
                                       char **name, char **value)
{
    const char *p;
    size_t len;

    *implied = FALSE;
    *is_help = FALSE;
    len = strcspn(params, "=,");
    if (params[len] != '=') {
        if (firstname) {
            *implied = TRUE;
            *name = g_strdup(firstname);
            p = opts_get_value(params, value);
        } else {
            const char *prefix = "";

            *name = g_strndup(params, len);
            p = params + len;
            if (g_str_has_prefix(*name, "no")) {
                memmove(*name, *name + 2, strlen(*name + 2) + 1);
                *value = g_strdup("off");
                prefix = "no";
            } else {
                *value = g_strdup("on");
                *is_help = is_help_option(*name);
            }
            if (!*is_help && warn) {
                qmem_warn_report("short-form boolean option '%s%s' "
                                 "deprecated", prefix, *name);
                if (g_str_equal(*name, "delay")) {
                    qmem_error_printf("Please use nodelay=%s instead\n",
                                      prefix[0] ? "on" : "off");
                } else {
                    qmem_error_printf("Please use %s=%s instead\n", *name,
                                      *value);
                }
            }
        }
    } else {
        *name = g_strndup(params, len);
        p = opts_get_value(params + len + 1, value);
    }

    g_assert(!*p || *p == ',');
    if (*p == ',') {
        p++;
    }
    return p;
}

/*
 * QEMU's opts_parse_id(): the first "id" wins, and it is found as if
 * there were no implied key (so "id" alone would mean id=on).
 */
static char *opts_find_id(const char *params)
{
    const char *p;

    for (p = params; *p;) {
        g_autofree char *name = NULL;
        char *value;
        gboolean implied, is_help;

        p = opts_get_name_value(p, NULL, FALSE, &implied, &is_help, &name,
                                &value);
        if (g_str_equal(name, "id")) {
            return value;
        }
        g_free(value);
    }
    return NULL;
}

static void opts_append(JsonObject *obj, const char *name, const char *value)
{
    JsonArray *values;

    if (!json_object_has_member(obj, name)) {
        json_object_set_array_member(obj, name, json_array_new());
    }
    values = json_object_get_array_member(obj, name);
    json_array_add_string_element(values, value);
}

/*
 * The "id" element, as QemuOpts treats it, is checked here because
 * qemu_opts_create() checks it before anything else is parsed: a
 * malformed id fails the whole string before any warning is printed.
 * It appears in the result once, at its first position, with the value
 * of its first occurrence.  A help flag is reported through @help instead
 * of being stored (and an implied value "help" or "?" sets @help too, as
 * "-object help" asks for the list of types); without @help it stays an
 * ordinary flag, as in QemuOpts without a help_wanted pointer.
 * The deprecation warning for short-form booleans is QEMU's two lines,
 * qmem_warn_report()'s "short-form boolean option '%s%s' deprecated"
 * and "Please use %s=%s instead".
 */
JsonObject *qmem_opts_parse(const char *str, const char *implied_key,
                            gboolean *help, GError **error)
{
    g_autoptr(JsonObject) obj = NULL;
    g_autofree char *id = NULL;
    const char *firstname = implied_key;
    const char *p;

    g_return_val_if_fail(str != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (help) {
        *help = FALSE;
    }

    id = opts_find_id(str);
    if (id && !qmem_id_wellformed(id)) {
        GError *err = g_error_new(QMEM_ERROR, QMEM_ERROR_GENERIC,
                                  "Parameter 'id' expects an identifier");

        qmem_error_set_hint(err, "Identifiers consist of letters, digits, "
                                 "'-', '.', '_', starting with a letter.\n");
        g_propagate_error(error, err);
        return NULL;
    }

    obj = json_object_new();
    for (p = str; *p;) {
        g_autofree char *name = NULL;
        g_autofree char *value = NULL;
        gboolean implied, is_help;

        p = opts_get_name_value(p, firstname, TRUE, &implied, &is_help, &name,
                                &value);
        firstname = NULL;

        /* "-object help" lists the types: the implied value asks too */
        if (implied && help && is_help_option(value)) {
            *help = TRUE;
        }

        if (is_help && help) {
            *help = TRUE;
            continue;
        }
        if (g_str_equal(name, "id")) {
            if (!json_object_has_member(obj, "id")) {
                opts_append(obj, "id", id);
            }
            continue;
        }
        opts_append(obj, name, value);
    }

    return g_steal_pointer(&obj);
}

const char *qmem_opts_get_last(JsonObject *opts, const char *key)
{
    JsonArray *values;

    g_return_val_if_fail(opts != NULL, NULL);

    if (!json_object_has_member(opts, key)) {
        return NULL;
    }
    values = json_object_get_array_member(opts, key);
    return json_array_get_string_element(values,
                                         json_array_get_length(values) - 1);
}

gboolean qmem_opts_check_keys(JsonObject *opts, const char *const *keys,
                              GError **error)
{
    g_autoptr(GList) members = json_object_get_members(opts);

    for (GList *m = members; m; m = m->next) {
        if (!g_strv_contains(keys, m->data)) {
            return qmem_error_fail(error, "Invalid parameter '%s'",
                                   (const char *)m->data);
        }
    }
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* keyval: "a.b=x,list.0=y" (util/keyval.c) */

/* Longest key fragment, plus one: QEMU's key_in_cur[128] */
#define KEYVAL_FRAGMENT_MAX 128

/*
 * A list index: leading decimal digits, capped at G_MAXINT.  With @end,
 * where the digits stop; without, nothing may follow.  Negative when
 * @key is not an index.
 */
static int key_to_index(const char *key, const char **end)
{
    const char *ep;
    guint64 index;
    int ret;

    if (*key < '0' || *key > '9') {
        return -EINVAL;
    }
    errno = 0;
    index = g_ascii_strtoull(key, (char **)&ep, 10);
    if (errno == ERANGE) {
        ret = G_MAXINT;
    } else {
        ret = index <= G_MAXINT ? (int)index : G_MAXINT;
    }
    if (end) {
        *end = ep;
    } else if (*ep) {
        return -EINVAL;
    }
    return ret;
}

/*
 * QEMU's parse_qapi_name() with complete=false: the length of the QAPI
 * name (optionally __RFQDN_-prefixed) at the start of @str, or -1.
 */
static int parse_qapi_name(const char *str)
{
    const char *p = str;

    if (*p == '_') {
        p++;
        if (*p != '_') {
            return -1;
        }
        while (*++p) {
            if (!g_ascii_isalnum(*p) && *p != '-' && *p != '.') {
                break;
            }
        }
        if (*p != '_') {
            return -1;
        }
        p++;
    }

    if (!g_ascii_isalpha(*p)) {
        return -1;
    }
    while (*++p) {
        if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_') {
            break;
        }
    }
    return p - str;
}

static size_t starts_with_help_option(const char *s)
{
    if (*s == '?') {
        return 1;
    }
    if (g_str_has_prefix(s, "help")) {
        return 4;
    }
    return 0;
}

/*
 * Make @key_in_cur of @cur an object (@value NULL) or the string @value.
 * An existing object is reused and an existing string replaced; anything
 * else conflicts.  @key up to @key_cursor names the key in the error.
 * Returns the member's node.
 */
static JsonNode *keyval_put(JsonObject *cur, const char *key_in_cur,
                            const char *value, const char *key,
                            const char *key_cursor, GError **error)
{
    JsonNode *old = json_object_get_member(cur, key_in_cur);

    if (old) {
        gboolean is_object = JSON_NODE_HOLDS_OBJECT(old);

        if (value ? is_object : !is_object) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Parameters '%.*s.*' used inconsistently",
                        (int)(key_cursor - key), key);
            return NULL;
        }
        if (!value) {
            return old;
        }
    }
    if (value) {
        json_object_set_string_member(cur, key_in_cur, value);
    } else {
        json_object_set_object_member(cur, key_in_cur, json_object_new());
    }
    return json_object_get_member(cur, key_in_cur);
}

/*
 * Parse one KEY=VALUE (or help request, or implied-key value) at
 * @params into @root.  Returns the start of the next one, or NULL with
 * @error set.
 */
/*
 * Walks the dotted fragments of the key [@key, @key_end), making the
 * objects they name under @root.  On return *@cur is the innermost object
 * and @last its member's name.  Returns where the key stops, or NULL.
 */
static const char *keyval_walk_key(JsonObject *root, const char *key,
                                   const char *key_end,
                                   char last[KEYVAL_FRAGMENT_MAX],
                                   JsonObject **cur, GError **error)
{
    const char *s = key, *end;
    size_t len;

    *cur = root;
    for (;;) {
        int ret;

        if (s != key && key_to_index(s, &end) >= 0) {
            len = end - s;
        } else {
            ret = parse_qapi_name(s);
            len = ret < 0 ? 0 : ret;
        }
        if (!len || (s + len < key_end && s[len] != '.')) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Invalid parameter '%.*s'", (int)(key_end - key), key);
            return NULL;
        }
        if (len >= KEYVAL_FRAGMENT_MAX) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Parameter%s '%.*s' is too long",
                        s != key || s + len != key_end ? " fragment" : "",
                        (int)len, s);
            return NULL;
        }
        /* @last still holds the previous fragment: an object of @cur. */
        if (s != key) {
            JsonNode *next = keyval_put(*cur, last, NULL, key, s - 1, error);

            if (!next) {
                return NULL;
            }
            *cur = json_node_get_object(next);
        }
        memcpy(last, s, len);
        last[len] = '\0';
        s += len;
        if (*s != '.') {
            return s;
        }
        s++;
    }
}

/* A value up to an unescaped ',' (",," is one comma); returns after it. */
static const char *keyval_read_value(const char *s, char **value)
{
    GString *val = g_string_new(NULL);

    for (;;) {
        if (!*s) {
            break;
        } else if (*s == ',') {
            s++;
            if (*s != ',') {
                break;
            }
        }
        g_string_append_c(val, *s++);
    }
    *value = g_string_free(val, FALSE);
    return s;
}

static const char *keyval_parse_one(JsonObject *root, const char *params,
                                    const char *implied_key, gboolean *help,
                                    GError **error)
{
    const char *key, *key_end, *val_end, *s;
    char key_in_cur[KEYVAL_FRAGMENT_MAX];
    JsonObject *cur;
    g_autofree char *value = NULL;
    size_t len;

    key = params;
    val_end = NULL;
    len = strcspn(params, "=,");
    if (len && key[len] != '=') {
        if (starts_with_help_option(key) == len) {
            *help = TRUE;
            s = key + len;
            if (*s == ',') {
                s++;
            }
            return s;
        }
        if (implied_key) {
            key = implied_key;
            val_end = params + len;
            len = strlen(implied_key);
        }
    }
    key_end = key + len;

    s = keyval_walk_key(root, key, key_end, key_in_cur, &cur, error);
    if (!s) {
        return NULL;
    }
    if (key == implied_key) {
        value = g_strndup(params, val_end - params);
        s = val_end;
        if (*s == ',') {
            s++;
        }
    } else {
        if (*s != '=') {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Expected '=' after parameter '%.*s'", (int)(s - key),
                        key);
            return NULL;
        }
        s = keyval_read_value(s + 1, &value);
    }

    if (!keyval_put(cur, key_in_cur, value, key, key_end, error)) {
        return NULL;
    }
    return s;
}

/* "a.b." for the path [b, a] (innermost first) */
static char *reassemble_key(GSList *key)
{
    GString *s = g_string_new("");
    GSList *p;

    for (p = key; p; p = p->next) {
        g_string_prepend_c(s, '.');
        g_string_prepend(s, p->data);
    }
    return g_string_free(s, FALSE);
}

/*
 * QEMU's keyval_listify(): turn every object below @cur whose keys are
 * all indexes into an array.  When @cur itself is one, *@list receives
 * its replacement (the caller swaps it in), else NULL.  Fails on mixed
 * keys or a missing index.
 */
/*
 * @cur's members are all list indexes: the array they make, elements in
 * index order, or NULL with QEMU's "Parameter '%s%zu' missing" for a gap.
 */
static JsonArray *keyval_members_to_list(JsonObject *cur, GSList *key_of_cur,
                                         GError **error)
{
    g_autoptr(GList) members = json_object_get_members(cur);
    g_autofree JsonNode **elt = NULL;
    size_t nelt, n, i;
    int max_index = -1;
    JsonArray *list;

    /*
     * Indexes beyond the member count cannot all be present; dropping
     * them makes the gap check below report the first missing one.
     */
    nelt = json_object_get_size(cur) + 1;
    elt = g_new0(JsonNode *, nelt);
    for (GList *l = members; l; l = l->next) {
        int index = key_to_index(l->data, NULL);

        g_assert(index >= 0);
        max_index = MAX(max_index, index);
        if ((size_t)index >= nelt - 1) {
            continue;
        }
        /* "1" and "01" are the same index; the later one wins */
        elt[index] = json_object_get_member(cur, l->data);
    }

    /* The sentinel stops the scan when an index was dropped */
    g_assert(!elt[nelt - 1]);
    n = MIN(nelt, (size_t)max_index + 1);
    for (i = 0; i < n; i++) {
        if (!elt[i]) {
            g_autofree char *key = reassemble_key(key_of_cur);

            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Parameter '%s%zu' missing", key, i);
            return NULL;
        }
    }
    list = json_array_sized_new(n);
    for (i = 0; i < n; i++) {
        json_array_add_element(list, json_node_copy(elt[i]));
    }
    return list;
}

static gboolean keyval_listify(JsonObject *cur, GSList *key_of_cur,
                               JsonArray **list, GError **error)
{
    GSList key_node;
    gboolean has_index = FALSE;
    gboolean has_member = FALSE;
    g_autoptr(GList) members = json_object_get_members(cur);

    *list = NULL;
    key_node.next = key_of_cur;

    for (GList *l = members; l; l = l->next) {
        const char *name = l->data;
        JsonNode *node = json_object_get_member(cur, name);
        JsonArray *sublist;

        if (key_to_index(name, NULL) >= 0) {
            has_index = TRUE;
        } else {
            has_member = TRUE;
        }

        if (!JSON_NODE_HOLDS_OBJECT(node)) {
            continue;
        }
        key_node.data = (gpointer)name;
        if (!keyval_listify(json_node_get_object(node), &key_node, &sublist,
                            error)) {
            return FALSE;
        }
        if (sublist) {
            /* Keeps the member's position; frees @name */
            json_object_set_array_member(cur, name, sublist);
        }
    }

    if (has_index && has_member) {
        g_autofree char *key = reassemble_key(key_of_cur);

        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameters '%s*' used inconsistently", key);
        return FALSE;
    }
    if (!has_index) {
        return TRUE;
    }
    *list = keyval_members_to_list(cur, key_of_cur, error);
    return *list != NULL;
}

JsonObject *qmem_keyval_parse(const char *str, const char *implied_key,
                              gboolean *help, GError **error)
{
    g_autoptr(JsonObject) root = NULL;
    gboolean help_wanted = FALSE;
    JsonArray *list;
    const char *s;

    g_return_val_if_fail(str != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    root = json_object_new();
    for (s = str; *s;) {
        s = keyval_parse_one(root, s, implied_key, &help_wanted, error);
        if (!s) {
            return NULL;
        }
        implied_key = NULL;
    }

    if (help) {
        *help = help_wanted;
    } else if (help_wanted) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Help is not available for this option");
        return NULL;
    }

    if (!keyval_listify(root, NULL, &list, error)) {
        return NULL;
    }
    /* The root's keys are QAPI names, never indexes */
    g_assert(!list);
    return g_steal_pointer(&root);
}

/* ------------------------------------------------------------------ */
/* JSON */

/* QEMU's own JSON parser (qobject/), so that errors read as QEMU's. */
JsonObject *qmem_json_parse_object(const char *str, GError **error)
{
    g_autoptr(JsonNode) root = NULL;

    g_return_val_if_fail(str != NULL, NULL);

    root = qmem_json_parse(str, error);
    if (!root) {
        return NULL;
    }
    if (!JSON_NODE_HOLDS_OBJECT(root)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "expected a JSON object");
        return NULL;
    }
    return json_object_ref(json_node_get_object(root));
}
