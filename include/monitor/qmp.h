/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The QMP server: QEMU's wire protocol, the command registry, events. */

#ifndef QMEM_MONITOR_QMP_H
#define QMEM_MONITOR_QMP_H

#include <json-glib/json-glib.h>
#include "qapi/qmp-command.h"
#include "util/chardev.h"

G_BEGIN_DECLS

/*
 * Every command of the tree is in the registry from its first use
 * (monitor/commands.c holds the one table); a program adds only its
 * reaction to "quit".  Setting up a server (what qmem-run does):
 *
 *     qmem_qmp_set_quit_handler(on_quit, loop);  // registers "quit"
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
 * on_quit() must not exit: it sends QEMU's SHUTDOWN event
 * (qmem_qapi_event_send_shutdown(FALSE, "host-qmp-quit")) if it wants
 * QEMU's exact stream, and makes the main
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
 * qmem_qmp_register_command:
 * @name: the command name, as QEMU spells it ("query-memdev")
 * @handler: the command
 * @flags: #QmemQmpCommandFlags
 *
 * Adds @name to the process-wide command table, which starts out with
 * every command of monitor/commands.c; "quit" comes with
 * qmem_qmp_set_quit_handler().  Registering a name twice is a programmer
 * error.  For commands a test or a program adds of its own.
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
 * capabilities negotiation, now and without rate limit (code outside the
 * monitor sends events through include/qapi/qmp-event.h, which applies
 * QEMU's limits).  Clients still negotiating get nothing, as in QEMU.  May
 * be called from a command handler: the event then goes out before that
 * command's reply.
 */
void qmem_qmp_emit_event(const char *name, JsonObject *data);

/**
 * qmem_monitor_set_event_rate:
 * @event: a rate-limited event ("MEMORY_DEVICE_SIZE_CHANGE")
 * @rate_ms: its interval (QEMU's: 1000 ms); 0 sends every one at once
 *
 * For tests.  Applies to intervals that start from now on.
 */
void qmem_monitor_set_event_rate(const char *event, guint rate_ms);

/**
 * qmem_monitor_reset_events:
 *
 * Drops held-back events and their timers (between tests, at exit).
 */
void qmem_monitor_reset_events(void);

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
 * qmem_qmp_server_add_chardev:
 * @server: a server
 * @chr: a chardev without frontend, made by -chardev; borrowed: it must
 *   outlive the server, which only takes its frontend off at the end
 * @pretty: write replies and events as QEMU's pretty=on does (indented
 *   by four, one member a line)
 * @error: return location for an error
 *
 * QEMU's monitor_init_qmp(): a QMP monitor on @chr (-mon
 * chardev=ID,mode=control).  A client connected already gets the greeting
 * now.  Fails with QEMU's "Device '%s' is in use" when @chr has a
 * frontend.
 *
 * Returns: %TRUE on success.
 */
gboolean qmem_qmp_server_add_chardev(QmemQmpServer *server,
                                     QmemChardev *chr, gboolean pretty,
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
