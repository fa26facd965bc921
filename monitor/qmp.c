/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The QMP server: QEMU's wire protocol, command registry, dispatch, events. */

#include <stdio.h>
#include <string.h>

#include "hw/core/boards.h"
#include "monitor/monitor-internal.h"
#include "qmem-config.h"
#include "qobject/json.h"
#include "util/error.h"

/* Stop reading a client's requests while this much output waits for it. */
#define OUT_PAUSE_INPUT (1u << 20)
/* A client that lets this much output pile up (events) is dropped. */
#define OUT_MAX (64u << 20)

static GHashTable *qmp_commands;        /* name -> QmpCommand */
static GQueue qmp_command_order = G_QUEUE_INIT; /* newest first */

/* The client whose command runs now (qmp_capabilities negotiates it). */
static QmpClient *current_client;

static void qmp_command_free(gpointer p)
{
    QmpCommand *cmd = p;

    g_free(cmd->name);
    g_free(cmd);
}

static GHashTable *command_table(void)
{
    if (!qmp_commands) {
        qmp_commands = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                             qmp_command_free);
        qmem_monitor_register_qmp_commands();
    }
    return qmp_commands;
}

void qmem_qmp_register_command(const char *name, QmemQmpCommandFunc handler,
                               QmemQmpCommandFlags flags)
{
    GHashTable *table = command_table();
    QmpCommand *cmd;

    g_return_if_fail(name != NULL && handler != NULL);
    g_return_if_fail(!g_hash_table_contains(table, name));

    cmd = g_new0(QmpCommand, 1);
    cmd->name = g_strdup(name);
    cmd->fn = handler;
    cmd->flags = flags;
    g_hash_table_insert(table, cmd->name, cmd);
    g_queue_push_head(&qmp_command_order, cmd);
}

void qmem_qmp_unregister_command(const char *name)
{
    GHashTable *table = command_table();
    QmpCommand *cmd = g_hash_table_lookup(table, name);

    g_return_if_fail(cmd != NULL);
    g_queue_remove(&qmp_command_order, cmd);
    g_hash_table_remove(table, name);
}

gboolean qmem_qmp_has_command(const char *name)
{
    return g_hash_table_contains(command_table(), name);
}

GList *qmem_qmp_command_list(void)
{
    command_table();
    return qmp_command_order.head;
}

QmpClient *qmem_qmp_current_client(void)
{
    return current_client;
}

/* Server and clients */

/* One chardev the server talks on: QEMU's MonitorQMP. */
typedef struct {
    QmemQmpServer *server;
    QmemChardev *chr;
    gboolean owned;             /* made for -qmp; else a -mon chardev */
    gboolean pretty;
} QmpMonitor;

struct QmemQmpServer {
    GList *clients;
    GList *monitors;            /* QmpMonitor */
    gboolean has_stdio;
};

static GList *qmp_servers;

static void client_send(QmpClient *c, JsonNode *msg)
{
    g_autofree char *text = NULL;
    g_autofree char *line = NULL;

    if (!qmem_chardev_is_connected(c->chr)) {
        return;
    }
    text = qmem_json_to_string_pretty(msg, c->pretty);
    if (c->pretty) {
        /* QEMU's monitor_puts() turns every newline into CR LF. */
        g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

        g_free(text);
        text = g_strjoinv("\r\n", lines);
    }
    line = g_strconcat(text, "\r\n", NULL);
    qmem_chardev_write(c->chr, line, strlen(line));
}

static void client_send_object(QmpClient *c, JsonObject *obj)
{
    JsonNode *node = json_node_init_object(json_node_alloc(), obj);

    client_send(c, node);
    json_node_unref(node);
}

static void client_send_greeting(QmpClient *c)
{
    JsonObject *qemu = json_object_new();
    JsonObject *version = json_object_new();
    JsonObject *qmp = json_object_new();
    JsonObject *greeting = json_object_new();
    int major = 0, minor = 0, micro = 0;

    sscanf(QMEM_VERSION, "%d.%d.%d", &major, &minor, &micro);
    json_object_set_int_member(qemu, "major", major);
    json_object_set_int_member(qemu, "minor", minor);
    json_object_set_int_member(qemu, "micro", micro);
    json_object_set_object_member(version, "qemu", qemu);
    json_object_set_string_member(version, "package", "qmem-" QMEM_VERSION);
    json_object_set_object_member(qmp, "version", version);
    json_object_set_array_member(qmp, "capabilities", json_array_new());
    json_object_set_object_member(greeting, "QMP", qmp);
    client_send_object(c, greeting);
    json_object_unref(greeting);
}

static JsonObject *error_object(const GError *err)
{
    JsonObject *e = json_object_new();

    json_object_set_string_member(e, "class", qmem_error_class_name(err));
    json_object_set_string_member(e, "desc", err->message);
    return e;
}

/*
 * QEMU's qmp_dispatch() checks of the request object, in QDict order:
 * "execute" (a string, required), "arguments" (an object), "id".
 */
static gboolean parse_request(JsonObject *req, const char **name,
                              JsonObject **args, GError **error)
{
    g_autoptr(GPtrArray) members = qmem_json_object_qdict_order(req);

    *name = NULL;
    *args = NULL;
    for (guint i = 0; i < members->len; i++) {
        const char *member = g_ptr_array_index(members, i);
        JsonNode *node = json_object_get_member(req, member);

        if (!strcmp(member, "execute")) {
            if (!qmem_json_node_holds(node, G_TYPE_STRING)) {
                g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "QMP input member '%s' must be a string", member);
                return FALSE;
            }
            *name = json_node_get_string(node);
        } else if (!strcmp(member, "arguments")) {
            if (!JSON_NODE_HOLDS_OBJECT(node)) {
                g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "QMP input member 'arguments' must be an object");
                return FALSE;
            }
            *args = json_node_get_object(node);
        } else if (strcmp(member, "id") != 0) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "QMP input member '%s' is unexpected", member);
            return FALSE;
        }
    }
    if (!*name) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "QMP input lacks member 'execute'");
        return FALSE;
    }
    return TRUE;
}

/* Until negotiation, only qmp_capabilities exists for a client. */
static QmpCommand *find_command(QmpClient *c, const char *name,
                                GError **error)
{
    QmpCommand *cmd = g_hash_table_lookup(command_table(), name);

    if (!c->negotiated && cmd && strcmp(name, "qmp_capabilities") != 0) {
        cmd = NULL;
    }
    if (cmd) {
        return cmd;
    }
    if (!c->negotiated) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_COMMAND_NOT_FOUND,
                            "Expecting capabilities negotiation with "
                            "'qmp_capabilities'");
    } else {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_COMMAND_NOT_FOUND,
                    "The command %s has not been found", name);
    }
    return NULL;
}

/* Runs one request; returns the "return" value, or NULL with *error set,
 * or NULL without an error when nothing is to be sent. */
static JsonNode *client_dispatch(QmpClient *c, JsonObject *req,
                                 GError **error)
{
    const char *name;
    JsonObject *args;
    JsonNode *ret;
    QmpClient *outer;
    QmpCommand *cmd;
    GError *err = NULL;

    if (!parse_request(req, &name, &args, error) ||
        !(cmd = find_command(c, name, error))) {
        return NULL;
    }
    /*
     * QEMU's qmp_command_available().  A program without a machine (a
     * test of the monitor alone) has every command.
     */
    if (qmem_machine_get_current() &&
        !qmem_phase_check(QMEM_PHASE_MACHINE_READY) &&
        !(cmd->flags & QMEM_QMP_COMMAND_ALLOW_PRECONFIG)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "The command '%s' is permitted only after machine "
                    "initialization has completed", name);
        return NULL;
    }
    args = args ? json_object_ref(args) : json_object_new();
    outer = current_client;
    current_client = c;
    ret = cmd->fn(args, &err);
    current_client = outer;
    json_object_unref(args);

    if (err) {
        if (ret) {
            g_critical("QMP command %s returned a value and an error",
                       cmd->name);
            json_node_unref(ret);
        }
        g_propagate_error(error, err);
        return NULL;
    }
    if (cmd->flags & QMEM_QMP_COMMAND_NO_SUCCESS_RESPONSE) {
        if (ret) {
            json_node_unref(ret);
        }
        return NULL;
    }
    return ret ? ret : qmem_json_node_new_object(json_object_new());
}

static void client_handle_message(gpointer opaque, JsonNode *req,
                                  GError *perr)
{
    QmpClient *c = opaque;
    GError *err = perr;
    JsonNode *id = NULL;
    JsonNode *ret = NULL;
    JsonObject *rsp;

    if (!qmem_chardev_is_connected(c->chr)) {
        goto out;
    }
    if (!err) {
        if (!JSON_NODE_HOLDS_OBJECT(req)) {
            g_set_error(&err, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "QMP input must be a JSON object");
        } else {
            JsonObject *obj = json_node_get_object(req);

            id = json_object_get_member(obj, "id");
            ret = client_dispatch(c, obj, &err);
        }
    }
    if (!err && !ret) {
        goto out;
    }

    rsp = json_object_new();
    if (err) {
        json_object_set_object_member(rsp, "error", error_object(err));
    } else {
        json_object_set_member(rsp, "return", ret);
        ret = NULL;
    }
    if (id) {
        json_object_set_member(rsp, "id", json_node_ref(id));
    }
    client_send_object(c, rsp);
    json_object_unref(rsp);

out:
    if (err) {
        g_error_free(err);
    }
    if (ret) {
        json_node_unref(ret);
    }
    if (req) {
        json_node_unref(req);
    }
}

static gsize client_received(gpointer opaque, const guint8 *data, gsize len)
{
    QmpClient *c = opaque;

    qmem_json_streamer_feed(c->js, (const char *)data, len);
    return len;
}

static gpointer client_connected(QmemChardev *chr, gpointer opaque)
{
    QmpMonitor *mon = opaque;
    QmemQmpServer *server = mon->server;
    QmpClient *c = g_new0(QmpClient, 1);

    c->server = server;
    c->chr = chr;
    c->pretty = mon->pretty;
    c->js = qmem_json_streamer_new(client_handle_message, c);
    server->clients = g_list_append(server->clients, c);
    client_send_greeting(c);
    return c;
}

static void client_gone(gpointer opaque)
{
    QmpClient *c = opaque;

    if (current_client == c) {
        current_client = NULL;
    }
    c->server->clients = g_list_remove(c->server->clients, c);
    /* Whatever was left unfinished is dropped, as QEMU does. */
    qmem_json_streamer_free(c->js);
    g_free(c);
}

static const QmemChardevFrontend qmp_chardev_frontend = {
    .connected = client_connected,
    .received = client_received,
    .gone = client_gone,
    .pause_input = OUT_PAUSE_INPUT,
    .max_output = OUT_MAX,
    /* fds 0 and 1 stay as the process got them. */
    .stdio_nonblocking = FALSE,
};

static QmpMonitor *monitor_add(QmemQmpServer *server, gboolean owned,
                               gboolean pretty)
{
    QmpMonitor *mon = g_new0(QmpMonitor, 1);

    mon->server = server;
    mon->owned = owned;
    mon->pretty = pretty;
    server->monitors = g_list_append(server->monitors, mon);
    return mon;
}

static void monitor_remove(QmpMonitor *mon)
{
    mon->server->monitors = g_list_remove(mon->server->monitors, mon);
    g_free(mon);
}

void qmem_qmp_server_add_client(QmemQmpServer *server, int in_fd,
                                int out_fd)
{
    QmpMonitor *mon;

    g_return_if_fail(server != NULL && in_fd >= 0 && out_fd >= 0);
    mon = monitor_add(server, TRUE, FALSE);
    mon->chr = qmem_chardev_new_fds(in_fd, out_fd, &qmp_chardev_frontend,
                                    mon);
}

guint qmem_qmp_server_get_n_clients(QmemQmpServer *server)
{
    return g_list_length(server->clients);
}

gboolean qmem_qmp_server_listen(QmemQmpServer *server, const char *spec,
                                GError **error)
{
    QmpMonitor *mon;

    g_return_val_if_fail(server != NULL && spec != NULL, FALSE);

    mon = monitor_add(server, TRUE, FALSE);
    mon->chr = qmem_chardev_new(spec, &qmp_chardev_frontend, mon,
                                &server->has_stdio, error);
    if (!mon->chr) {
        monitor_remove(mon);
        return FALSE;
    }
    return TRUE;
}

gboolean qmem_qmp_server_add_chardev(QmemQmpServer *server,
                                     QmemChardev *chr, gboolean pretty,
                                     GError **error)
{
    QmpMonitor *mon;

    g_return_val_if_fail(server != NULL && chr != NULL, FALSE);

    mon = monitor_add(server, FALSE, pretty);
    mon->chr = chr;
    if (!qmem_chardev_set_frontend(chr, &qmp_chardev_frontend, mon, error)) {
        monitor_remove(mon);
        return FALSE;
    }
    return TRUE;
}

QmemQmpServer *qmem_qmp_server_new(void)
{
    QmemQmpServer *server = g_new0(QmemQmpServer, 1);

    qmp_servers = g_list_prepend(qmp_servers, server);
    return server;
}

void qmem_qmp_server_flush(QmemQmpServer *server, int timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + timeout_ms * (gint64)1000;

    for (GList *l = server->monitors; l; l = l->next) {
        QmpMonitor *mon = l->data;

        qmem_chardev_flush(mon->chr, deadline);
    }
}

void qmem_qmp_server_free(QmemQmpServer *server)
{
    if (!server) {
        return;
    }
    qmem_qmp_server_flush(server, 1000);
    while (server->monitors) {
        QmpMonitor *mon = server->monitors->data;

        if (mon->owned) {
            qmem_chardev_free(mon->chr);
        } else {
            qmem_chardev_clear_frontend(mon->chr);
        }
        monitor_remove(mon);
    }
    g_assert(!server->clients);
    qmp_servers = g_list_remove(qmp_servers, server);
    g_free(server);
}

/* Events */

void qmem_qmp_emit_event(const char *name, JsonObject *data)
{
    JsonObject *ev, *ts;
    gint64 now;
    GList *s, *l;

    g_return_if_fail(name != NULL);

    now = g_get_real_time();
    ev = json_object_new();
    ts = json_object_new();
    json_object_set_int_member(ts, "seconds", now / G_USEC_PER_SEC);
    json_object_set_int_member(ts, "microseconds", now % G_USEC_PER_SEC);
    json_object_set_object_member(ev, "timestamp", ts);
    json_object_set_string_member(ev, "event", name);
    if (data) {
        json_object_set_object_member(ev, "data", json_object_ref(data));
    }
    for (s = qmp_servers; s; s = s->next) {
        QmemQmpServer *server = s->data;

        for (l = server->clients; l; l = l->next) {
            QmpClient *c = l->data;

            if (c->negotiated) {
                client_send_object(c, ev);
            }
        }
    }
    json_object_unref(ev);
}
