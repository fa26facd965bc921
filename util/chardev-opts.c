/* SPDX-License-Identifier: GPL-2.0-or-later */
/* -chardev: QEMU's chardev options, checked and opened (QEMU's char.c). */

#include <string.h>
#include <unistd.h>

#include "util/chardev-internal.h"
#include "util/cutils.h"
#include "util/error.h"

typedef enum {
    OPT_STR,
    OPT_BOOL,
    OPT_NUM,
    OPT_SIZE,
} OptType;

/* QEMU's qemu_chardev_opts: every key any backend takes. */
static const struct {
    const char *name;
    OptType type;
} chardev_opts[] = {
    { "abstract", OPT_BOOL }, { "append", OPT_BOOL },
    { "backend", OPT_STR }, { "chardev", OPT_STR },
    { "clipboard", OPT_BOOL }, { "cols", OPT_NUM }, { "debug", OPT_NUM },
    { "delay", OPT_BOOL }, { "fd", OPT_STR }, { "height", OPT_NUM },
    { "host", OPT_STR }, { "ipv4", OPT_BOOL }, { "ipv6", OPT_BOOL },
    { "localaddr", OPT_STR }, { "localport", OPT_STR },
    { "logappend", OPT_BOOL }, { "logfile", OPT_STR }, { "mouse", OPT_BOOL },
    { "mux", OPT_BOOL }, { "name", OPT_STR }, { "nodelay", OPT_BOOL },
    { "path", OPT_STR }, { "port", OPT_STR }, { "reconnect", OPT_NUM },
    { "rows", OPT_NUM }, { "server", OPT_BOOL }, { "signal", OPT_BOOL },
    { "size", OPT_SIZE }, { "telnet", OPT_BOOL }, { "tight", OPT_BOOL },
    { "tls-authz", OPT_STR }, { "tls-creds", OPT_STR }, { "tn3270", OPT_BOOL },
    { "to", OPT_NUM }, { "wait", OPT_BOOL }, { "websocket", OPT_BOOL },
    { "width", OPT_NUM },
};

static const char *const type_names[] = {
    [OPT_STR] = "str",
    [OPT_BOOL] = "bool (on/off)",
    [OPT_NUM] = "num",
    [OPT_SIZE] = "size",
};

/* The backends qmem has, in the order `-chardev help` lists them. */
static const char *const backends[] = { "socket", "stdio", "null", NULL };

static gboolean stdio_taken;

/* The last value given for @key, or NULL. */
static const char *opt_get(JsonObject *opts, const char *key)
{
    JsonArray *values;

    if (!json_object_has_member(opts, key)) {
        return NULL;
    }
    values = json_object_get_array_member(opts, key);
    return json_array_get_string_element(values,
                                         json_array_get_length(values) - 1);
}

static gboolean opt_get_bool(JsonObject *opts, const char *key,
                             gboolean def)
{
    const char *value = opt_get(opts, key);
    gboolean b = def;

    /* Checked by qmem_chardev_check_opts(). */
    if (value) {
        qmem_chr_parse_bool(key, value, &b, NULL);
    }
    return b;
}

static gboolean check_value(const char *key, OptType type, const char *value,
                            GError **error)
{
    guint64 n;
    gboolean b;
    int ret;

    switch (type) {
    case OPT_BOOL:
        return qmem_chr_parse_bool(key, value, &b, error);
    case OPT_NUM:
        ret = qmem_strtou64(value, 0, &n);
        if (ret == -ERANGE) {
            return qmem_error_fail(error,
                                   "Value '%s' is too large for parameter '%s'",
                                   value, key);
        }
        return !ret ||
               qmem_error_fail(error, "Parameter '%s' expects a number", key);
    case OPT_SIZE:
        if (qmem_strtosz(value, NULL, &n) < 0) {
            qmem_error_fail(error,
                            "Parameter '%s' expects a non-negative number "
                            "below 2^64",
                            key);
            if (error) {
                qmem_error_set_hint(*error,
                                    "Optional suffix k, M, G, T, P or E "
                                    "means kilo-, mega-, giga-, tera-, peta-\n"
                                    "and exabytes, respectively.\n");
            }
            return FALSE;
        }
        return TRUE;
    default:
        return TRUE;
    }
}

gboolean qmem_chardev_check_opts(JsonObject *opts, GError **error)
{
    g_autoptr(GList) keys = NULL;

    g_return_val_if_fail(opts != NULL, FALSE);

    keys = json_object_get_members(opts);
    for (GList *k = keys; k; k = k->next) {
        const char *key = k->data;
        JsonArray *values;
        gsize i;

        if (!strcmp(key, "id")) {
            continue;
        }
        for (i = 0; i < G_N_ELEMENTS(chardev_opts); i++) {
            if (!strcmp(chardev_opts[i].name, key)) {
                break;
            }
        }
        if (i == G_N_ELEMENTS(chardev_opts)) {
            return qmem_error_fail(error, "Invalid parameter '%s'", key);
        }
        values = json_object_get_array_member(opts, key);
        for (guint v = 0; v < json_array_get_length(values); v++) {
            if (!check_value(key, chardev_opts[i].type,
                             json_array_get_string_element(values, v),
                             error)) {
                return FALSE;
            }
        }
    }
    return TRUE;
}

void qmem_chardev_print_help(gboolean options, GString *out)
{
    g_return_if_fail(out != NULL);

    if (!options) {
        g_string_append(out, "Available chardev backend types: ");
        for (guint i = 0; backends[i]; i++) {
            g_string_append_printf(out, "\n  %s", backends[i]);
        }
        g_string_append_c(out, '\n');
        return;
    }
    /* QEMU's qemu_opts_print_help(): the whole list, sorted. */
    g_string_append(out, "chardev options:\n");
    for (gsize i = 0; i < G_N_ELEMENTS(chardev_opts); i++) {
        g_string_append_printf(out, "  %s=<%s>\n", chardev_opts[i].name,
                               type_names[chardev_opts[i].type]);
    }
}

/* Keys QEMU has that qmem's backends do not implement, set to mean it. */
static gboolean check_unsupported(JsonObject *opts, GError **error)
{
    static const char *const bools[] = {
        "mux", "telnet", "tn3270", "websocket", "abstract", NULL
    };
    const char *reconnect = opt_get(opts, "reconnect");
    guint64 n = 0;

    for (guint i = 0; bools[i]; i++) {
        if (opt_get_bool(opts, bools[i], FALSE)) {
            return qmem_error_fail(error,
                                   "chardev option '%s=on' is not supported",
                                   bools[i]);
        }
    }
    if (reconnect && (qmem_strtou64(reconnect, 0, &n) || n)) {
        return qmem_error_fail(error,
                               "chardev option 'reconnect' is not supported");
    }
    if (opt_get(opts, "logfile")) {
        return qmem_error_fail(error,
                               "chardev option 'logfile' is not supported");
    }
    return TRUE;
}

/* QEMU's qemu_chr_parse_socket() and qmp_chardev_validate_socket(). */
static gboolean check_socket(JsonObject *opts, GError **error)
{
    const char *path = opt_get(opts, "path");
    const char *fd = opt_get(opts, "fd");
    const char *host = opt_get(opts, "host");
    gboolean server = opt_get_bool(opts, "server", FALSE);

    if (!!path + !!fd + !!host > 1) {
        return qmem_error_fail(error,
                               "None or one of 'path', 'fd' or 'host' option "
                               "required.");
    }
    if (host && !opt_get(opts, "port")) {
        return qmem_error_fail(error, "chardev: socket: no port given");
    }
    if (opt_get(opts, "delay") && opt_get(opts, "nodelay")) {
        return qmem_error_fail(error,
                               "'delay' and 'nodelay' are mutually exclusive");
    }
    if (opt_get(opts, "tls-creds")) {
        /* qmem has no TLS credentials objects. */
        return qmem_error_fail(error, "No TLS credentials with id '%s'",
                               opt_get(opts, "tls-creds"));
    }
    if (fd && opt_get(opts, "reconnect")) {
        return qmem_error_fail(error,
                               "'reconnect' option is incompatible with 'fd' "
                               "address type");
    }
    if (opt_get(opts, "tls-authz")) {
        return qmem_error_fail(
            error, "'tls_authz' option requires 'tls_creds' option");
    }
    if (server && opt_get(opts, "reconnect")) {
        return qmem_error_fail(error,
                               "'reconnect' option is incompatible with socket "
                               "in server listen mode");
    }
    if (!server && opt_get_bool(opts, "websocket", FALSE)) {
        return qmem_error_fail(error, "Websocket client is not implemented");
    }
    if (!server && opt_get(opts, "wait")) {
        return qmem_error_fail(error,
                               "'wait' option is incompatible with socket in "
                               "client connect mode");
    }
    if (host) {
        return qmem_error_fail(error, "chardev: socket: TCP is not supported");
    }
    return check_unsupported(opts, error);
}

static QmemChardev *open_socket(const char *id, JsonObject *opts,
                                GError **error)
{
    const char *path = opt_get(opts, "path");
    gboolean server = opt_get_bool(opts, "server", FALSE);
    gboolean wait = opt_get_bool(opts, "wait", TRUE);

    if (path) {
        return qmem_chr_open_unix(id, path, server, wait, error);
    }
    /* Without path or host QEMU takes an fd, given or not. */
    return qmem_chr_open_fd(id, opt_get(opts, "fd"), server, wait, error);
}

static QmemChardev *open_stdio(const char *id, GError **error)
{
    QmemChardev *chr;

    if (stdio_taken) {
        qmem_error_fail(error,
                        "cannot use stdio by multiple character devices");
        return NULL;
    }
    stdio_taken = TRUE;
    chr = qmem_chr_alloc(id);
    qmem_chr_attach(chr, STDIN_FILENO, STDOUT_FILENO, FALSE);
    return chr;
}

QmemChardev *qmem_chardev_new_from_opts(JsonObject *opts, GError **error)
{
    const char *id, *backend;
    QmemChardev *chr;
    gboolean ok;

    g_return_val_if_fail(opts != NULL, NULL);

    if (!qmem_chardev_check_opts(opts, error)) {
        return NULL;
    }
    id = opt_get(opts, "id");
    if (!id) {
        qmem_error_fail(error, "chardev: no id specified");
        return NULL;
    }
    backend = opt_get(opts, "backend");
    if (!backend) {
        qmem_error_fail(error, "chardev: \"%s\" missing backend", id);
        return NULL;
    }
    if (!strcmp(backend, "socket")) {
        ok = check_socket(opts, error);
    } else if (!strcmp(backend, "stdio") || !strcmp(backend, "null")) {
        ok = check_unsupported(opts, error);
    } else {
        qmem_error_fail(error, "'%s' is not a valid char driver name", backend);
        return NULL;
    }
    if (!ok) {
        return NULL;
    }
    /* QEMU's chardevs are children of /chardevs, one per name. */
    if (qmem_chardev_find(id)) {
        qmem_error_fail(error,
                        "attempt to add duplicate property '%s' to object "
                        "(type 'container')",
                        id);
        return NULL;
    }
    if (!strcmp(backend, "socket")) {
        chr = open_socket(id, opts, error);
    } else if (!strcmp(backend, "stdio")) {
        chr = open_stdio(id, error);
    } else {
        chr = qmem_chr_alloc(id);
    }
    if (chr) {
        qmem_chr_register(chr);
    }
    return chr;
}
