/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP server: QEMU's wire protocol, command and HMP registries, events. */

#ifndef QMEM_QAPI_QMP_H
#define QMEM_QAPI_QMP_H

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * Setting up a server (what qmem-run does):
 *
 *     qmem_qmp_set_quit_handler(on_quit, loop);  // registers "quit"
 *     qmem_hmp_register("info memdev", hmp_info_memdev);
 *     qmem_qmp_register_command("query-memdev", qmp_query_memdev, 0);
 *
 *     QmemQmpServer *server = qmem_qmp_server_new();
 *     if (!qmem_qmp_server_listen(server,
 *                                 "unix:/tmp/qmp.sock,server=on,wait=off",
 *                                 &err)) {
 *         ... print err->message as "-qmp <spec>: <message>", exit 1 ...
 *     }
 *     g_main_loop_run(loop);       // commands run here, on this thread
 *     qmem_qmp_server_free(server);  // flushes pending replies, closes
 *
 * on_quit() must not exit: it emits QEMU's SHUTDOWN event
 * ({"guest": false, "reason": "host-qmp-quit"}) with
 * qmem_qmp_emit_event() if it wants QEMU's exact stream, and makes the main
 * loop return (g_main_loop_quit()); the "quit" reply is queued right after
 * the callback returns and qmem_qmp_server_free() writes it out.
 *
 * Everything here runs in the thread-default main context of the thread
 * that created the server (normally the default GMainContext of the main
 * thread) and is not thread-safe.  The registries are process-wide; a
 * program may run several servers (several -qmp options), every
 * negotiated client of every server gets the events.
 */

/**
 * QmemQmpCommandFunc:
 * @args: the "arguments" member (an empty object when absent); borrowed
 * @error: return location for an error
 *
 * A QMP command.  It checks its own arguments, with the
 * qmem_qmp_arg_*() helpers (QEMU's strict-visitor messages) or with the
 * property layer, in the order of its QAPI schema, and calls
 * qmem_qmp_check_args() last (QEMU reports unexpected members after the
 * known ones).  The error's code picks the QMP class
 * (qmem_error_class_name()); its message becomes "desc".
 *
 * Returns: (transfer full) (nullable): the "return" value; NULL with
 * @error set on failure.  NULL without an error means {}, as a QAPI
 * command without a return type.
 */
typedef JsonNode *(*QmemQmpCommandFunc)(JsonObject *args, GError **error);

/**
 * QmemQmpCommandFlags:
 * @QMEM_QMP_COMMAND_NONE: an ordinary command
 * @QMEM_QMP_COMMAND_NO_SUCCESS_RESPONSE: send nothing when the command
 *   succeeds (QEMU's QCO_NO_SUCCESS_RESP); errors are still sent
 */
typedef enum {
    QMEM_QMP_COMMAND_NONE = 0,
    QMEM_QMP_COMMAND_NO_SUCCESS_RESPONSE = 1 << 0,
} QmemQmpCommandFlags;

/**
 * qmem_qmp_register_command:
 * @name: the command name, as QEMU spells it ("query-memdev")
 * @handler: the command
 * @flags: #QmemQmpCommandFlags
 *
 * Adds @name to the process-wide command table.  Registering a name twice
 * is a programmer error.  The built-ins qmp_capabilities, query-commands,
 * query-version and human-monitor-command are always there; "quit" comes
 * with qmem_qmp_set_quit_handler().
 */
void qmem_qmp_register_command(const char *name, QmemQmpCommandFunc handler,
                               QmemQmpCommandFlags flags);

/**
 * qmem_qmp_unregister_command:
 * @name: a registered command
 *
 * Removes @name from the table (for modules that go away and for tests).
 */
void qmem_qmp_unregister_command(const char *name);

/**
 * qmem_qmp_has_command:
 *
 * Returns: whether @name is in the command table (built-ins included).
 */
gboolean qmem_qmp_has_command(const char *name);

/**
 * QmemQmpQuitFunc:
 * @user_data: what was given to qmem_qmp_set_quit_handler()
 *
 * Called by the "quit" command, before its {"return": {}} is queued.
 */
typedef void (*QmemQmpQuitFunc)(gpointer user_data);

/**
 * qmem_qmp_set_quit_handler:
 * @func: (nullable): the program's reaction to "quit"; NULL removes the
 *   command again
 * @user_data: passed to @func
 *
 * Registers the "quit" command.
 */
void qmem_qmp_set_quit_handler(QmemQmpQuitFunc func, gpointer user_data);

/**
 * qmem_qmp_emit_event:
 * @name: the event name ("MEMORY_DEVICE_SIZE_CHANGE")
 * @data: (nullable): the "data" member, borrowed; NULL for an event
 *   without data (the member is then left out, as QEMU does)
 *
 * Sends {"timestamp": {"seconds": S, "microseconds": U}, "event": NAME,
 * "data": {...}} (wall-clock time) to every client that has completed
 * capabilities negotiation.  Clients still negotiating get nothing, as
 * in QEMU.  May be called from a command handler: the event then goes
 * out before that command's reply.
 */
void qmem_qmp_emit_event(const char *name, JsonObject *data);

/**
 * QmemHmpFunc:
 * @args: the rest of the command line after the command name, leading
 *   blanks removed ("" when there is nothing)
 * @out: where the command appends its text; lines end in "\n", which the
 *   server turns into "\r\n" like QEMU's monitor
 * @error: return location for an error
 *
 * An HMP command run through human-monitor-command.  A failure is not a
 * QMP error: QEMU's HMP prints "Error: <message>\n" into the text and the
 * QMP command still succeeds, and so does qmem.  The handler parses
 * @args itself (e.g. "extraneous characters at the end of line").
 *
 * Returns: %FALSE with @error set on failure.
 */
typedef gboolean (*QmemHmpFunc)(const char *args, GString *out,
                                GError **error);

/**
 * qmem_hmp_register:
 * @name: "info memdev" for an info sub-command, "object_del" for a
 *   top-level one
 * @handler: the command
 *
 * Adds an HMP command.  The command line is split as QEMU's monitor does:
 * blanks, then a name ending at a blank or '/', then for "info" a second
 * name.  An unknown name prints "unknown command: '<line up to and
 * including the bad name>'\n".
 */
void qmem_hmp_register(const char *name, QmemHmpFunc handler);

/**
 * qmem_hmp_set_help:
 * @name: a registered HMP command
 * @params: (nullable): the argument synopsis ("[path]") or NULL
 * @help: the one-line description ("show memory backends")
 *
 * Gives @name the line QEMU's "info" (without a sub-command) lists:
 * "info memdev  -- show memory backends".
 */
void qmem_hmp_set_help(const char *name, const char *params,
                       const char *help);

/**
 * qmem_hmp_run:
 * @command_line: an HMP command line ("info memdev")
 *
 * Runs @command_line as human-monitor-command does.
 *
 * Returns: (transfer full): the text, with "\r\n" line endings.
 */
char *qmem_hmp_run(const char *command_line);

/*
 * Argument helpers: QEMU's strict QObject input visitor, member by member.
 *
 * @has: (out) (optional): for an optional member, where to say whether it
 *   was given; NULL makes the member mandatory ("Parameter '%s' is
 *   missing").  A member given as JSON null is present and has the wrong
 *   type, as in QEMU.
 * On success *value is set (left alone when an optional member is absent)
 * and %TRUE returned; strings and containers are borrowed from @args.
 */

/** qmem_qmp_arg_str: "Invalid parameter type for '%s', expected: string" */
gboolean qmem_qmp_arg_str(JsonObject *args, const char *name, gboolean *has,
                          const char **value, GError **error);

/**
 * qmem_qmp_arg_int:
 *
 * A QAPI "int": a JSON integer in the int64 range, else "Invalid parameter
 * type for '%s', expected: integer".
 */
gboolean qmem_qmp_arg_int(JsonObject *args, const char *name, gboolean *has,
                          gint64 *value, GError **error);

/**
 * qmem_qmp_arg_uint64:
 *
 * A QAPI "uint64" or "size": any JSON integer from -2^63 to 2^64-1
 * (negative numbers wrap, for QEMU's backward compatibility), else
 * "Parameter '%s' expects uint64" (strings and fractions included).
 */
gboolean qmem_qmp_arg_uint64(JsonObject *args, const char *name,
                             gboolean *has, guint64 *value, GError **error);

/** qmem_qmp_arg_bool: "Invalid parameter type for '%s', expected: boolean" */
gboolean qmem_qmp_arg_bool(JsonObject *args, const char *name, gboolean *has,
                           gboolean *value, GError **error);

/** qmem_qmp_arg_object: "Invalid parameter type for '%s', expected: object" */
gboolean qmem_qmp_arg_object(JsonObject *args, const char *name,
                             gboolean *has, JsonObject **value,
                             GError **error);

/** qmem_qmp_arg_array: "Invalid parameter type for '%s', expected: array" */
gboolean qmem_qmp_arg_array(JsonObject *args, const char *name,
                            gboolean *has, JsonArray **value,
                            GError **error);

/**
 * qmem_qmp_check_args:
 * @args: a command's arguments
 * @allowed: (array zero-terminated=1): the members the command knows, in
 *   schema order
 * @error: return location for an error
 *
 * Fails with "Parameter '%s' is unexpected" for a member not in @allowed;
 * when there are several, it names the one QEMU would.
 *
 * Returns: %TRUE when every member is allowed.
 */
gboolean qmem_qmp_check_args(JsonObject *args, const char *const *allowed,
                             GError **error);

/*
 * JSON as QEMU reads and writes it.  JSON-GLib has no unsigned 64-bit
 * integers: a number from 2^63 to 2^64-1 is stored as the gint64 with the
 * same bits, so (guint64)json_node_get_int() gives it back.  Until control
 * returns to the main loop such a node is also remembered as unsigned, so
 * qmem_qmp_arg_int() refuses it and qmem_qmp_json_to_string() writes it
 * unsigned, as QEMU does.
 */

/**
 * qmem_qmp_json_parse:
 * @text: one JSON value in QEMU's dialect (single-quoted strings allowed)
 * @error: return location for an error
 *
 * Parses @text with QEMU's lexer and parser, with its messages ("JSON
 * parse error, expecting value", "JSON parse error, stray '@'", ...).
 * Anything but exactly one value (blanks aside) is an error.
 *
 * Returns: (transfer full) (nullable): the value, or NULL with @error set.
 */
JsonNode *qmem_qmp_json_parse(const char *text, GError **error);

/**
 * qmem_qmp_json_to_string:
 * @node: a value
 *
 * Formats @node as QEMU's QMP output does: {"a": 1, "b": [1, 2]}, non-ASCII
 * as \uXXXX, object members in the order of QEMU's QDict hash table (which
 * is the order QEMU puts on the wire), numbers as %lld or %.17g.
 *
 * Returns: (transfer full): the text, without a line ending.
 */
char *qmem_qmp_json_to_string(JsonNode *node);

/**
 * qmem_json_node_new_object:
 * @obj: (transfer full): an object
 *
 * Wraps @obj in a node that takes over its reference (json_node_init_object
 * would take one more and leak the caller's).
 *
 * Returns: (transfer full): the node.
 */
static inline JsonNode *qmem_json_node_new_object(JsonObject *obj)
{
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);

    json_node_take_object(node, obj);
    return node;
}

/**
 * qmem_json_node_new_array:
 * @array: (transfer full): an array
 *
 * Returns: (transfer full): a node that took over @array's reference.
 */
static inline JsonNode *qmem_json_node_new_array(JsonArray *array)
{
    JsonNode *node = json_node_new(JSON_NODE_ARRAY);

    json_node_take_array(node, array);
    return node;
}

/**
 * qmem_qmp_node_new_uint64:
 * @value: an unsigned value (a QAPI uint64 or size)
 *
 * A number node that the server writes unsigned.  Values above G_MAXINT64
 * are only remembered as unsigned until control returns to the main loop,
 * so build them in the handler that returns them.
 *
 * Returns: (transfer full): the node.
 */
JsonNode *qmem_qmp_node_new_uint64(guint64 value);

/**
 * QmemQmpServer:
 *
 * A set of QMP transports: listening sockets, connected clients, stdio.
 */
typedef struct QmemQmpServer QmemQmpServer;

/**
 * qmem_qmp_server_new:
 *
 * Returns: (transfer full): a server with no transport yet.
 */
QmemQmpServer *qmem_qmp_server_new(void);

/**
 * qmem_qmp_server_listen:
 * @server: a server
 * @spec: the -qmp argument: "stdio", "unix:PATH,server=on,wait=off"
 *   (listen; one client at a time, as QEMU; a client that goes away makes
 *   room for the next, which gets a fresh greeting), "unix:PATH,server=on"
 *   or ",wait=on" (listen, then block until the first client connects, as
 *   QEMU does), or "unix:PATH" (connect to a peer that listens there)
 * @error: return location for an error
 *
 * Adds a transport.  Errors have QEMU's texts: "'%s' is not a valid char
 * driver", "Invalid parameter '%s'", "Parameter 'server' expects 'on' or
 * 'off'", "Failed to bind socket to %s: %s", "Failed to connect to '%s':
 * %s", "UNIX socket path '%s' is too long".  A stale socket file at PATH is
 * replaced; the file is removed again by qmem_qmp_server_free().
 *
 * Returns: %TRUE on success.
 */
gboolean qmem_qmp_server_listen(QmemQmpServer *server, const char *spec,
                                GError **error);

/**
 * qmem_qmp_server_add_client:
 * @server: a server
 * @in_fd: a connected socket or readable fd; owned by the server from now
 * @out_fd: where replies go; the same fd as @in_fd for a socket, which is
 *   then closed once
 *
 * Adds one client: it is sent the greeting at once and must negotiate.
 * The fds are switched to non-blocking mode.  When the peer closes, the
 * client goes away and the server stays.
 */
void qmem_qmp_server_add_client(QmemQmpServer *server, int in_fd,
                                int out_fd);

/**
 * qmem_qmp_server_get_n_clients:
 *
 * Returns: the number of clients connected now.
 */
guint qmem_qmp_server_get_n_clients(QmemQmpServer *server);

/**
 * qmem_qmp_server_flush:
 * @server: a server
 * @timeout_ms: how long to wait at most for slow readers
 *
 * Writes out everything queued for every client, blocking.
 */
void qmem_qmp_server_flush(QmemQmpServer *server, int timeout_ms);

/**
 * qmem_qmp_server_free:
 * @server: (transfer full) (nullable): a server
 *
 * Flushes pending output (for at most a second), closes every client and
 * listening socket and removes the socket files it created.
 */
void qmem_qmp_server_free(QmemQmpServer *server);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(QmemQmpServer, qmem_qmp_server_free)

G_END_DECLS

#endif
