/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Character device backends (QEMU's chardev): stdio and unix sockets. */

#ifndef QMEM_UTIL_CHARDEV_H
#define QMEM_UTIL_CHARDEV_H

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * A chardev is the transport under a protocol server, as QEMU's monitor
 * and qtest sit on a Chardev: it opens what a spec names ("stdio",
 * "unix:PATH[,server=on|off][,wait=on|off]"), accepts or makes the
 * connection, reads into an input buffer and queues output without ever
 * blocking on a slow peer (unless the frontend asks for blocking stdio).
 * Like a QEMU socket chardev it carries one connection at a time: a
 * listening chardev accepts the next client only once the current one
 * is gone.
 *
 * The protocol server (the frontend) sees a connection through three
 * callbacks and answers with qmem_chardev_write().  A chardev made from
 * -chardev options (qmem_chardev_new_from_opts()) exists before and
 * without a frontend, as in QEMU: it connects or listens at once, and a
 * frontend (-mon, -qtest chardev:ID) attaches to it later
 * (qmem_chardev_set_frontend()); until then its input waits in the
 * socket and clients of a listening one wait in the backlog.  Everything runs on
 * the default GMainContext, from the thread that iterates it, and is not
 * thread-safe.
 */

typedef struct QmemChardev QmemChardev;

/**
 * QmemChardevFrontend:
 * @connected: a peer is there (at once for stdio, a connecting chardev
 *   and qmem_chardev_new_fds(); once accepted for a listening one; when
 *   the frontend attaches, for a chardev connected already).
 *   Returns the frontend's state for this connection, handed to the other
 *   two callbacks.  May write (a greeting).  Called during
 *   qmem_chardev_new() for a connection that exists at once.
 * @received: input arrived.  @data holds everything received and not yet
 *   consumed, @len > 0 bytes of it; the callback returns how many bytes it
 *   has consumed from the start.  It is called again, with the rest, as
 *   long as it consumed something, input is left, the connection is alive
 *   and less than @pause_input bytes of output wait; input it leaves is
 *   offered again, with more after it, when more arrives or output has
 *   drained.  It may write, but must not iterate the main context.
 * @gone: the connection is over (the peer closed and its output was
 *   written, the peer went away, or the chardev is being freed), or the
 *   frontend was taken off (qmem_chardev_clear_frontend()).  The
 *   callback frees its state; writes from now on are dropped.  Input not
 *   consumed by then is lost, as in QEMU.
 * @pause_input: read no input (and offer none) while this many bytes of
 *   output wait for the peer, so that a client that never reads cannot
 *   make the server buffer without bound (QEMU suspends a monitor so)
 * @max_output: drop a connection that lets more than this many bytes of
 *   output pile up (output the frontend writes without being asked, like
 *   QMP events); 0 for no limit
 * @stdio_nonblocking: whether "stdio" switches fds 0 and 1 to
 *   non-blocking mode too; when %FALSE, writes to a slow stdout block, and
 *   the process shares no O_NONBLOCK surprise with whoever else holds
 *   its stdin and stdout.  Sockets are always non-blocking.
 *
 * What a protocol server tells its chardevs; a server keeps one, static.
 */
typedef struct {
    gpointer (*connected)(QmemChardev *chr, gpointer user_data);
    gsize (*received)(gpointer client, const guint8 *data, gsize len);
    void (*gone)(gpointer client);
    gsize pause_input;
    gsize max_output;
    gboolean stdio_nonblocking;
} QmemChardevFrontend;

/**
 * qmem_chardev_new:
 * @spec: a QEMU character device as -qmp and -qtest take it: "stdio"
 *   (fds 0 and 1, which are never closed); "unix:PATH" (connect to a peer
 *   listening on PATH); "unix:PATH,server=on" (listen on PATH, blocking
 *   until the first client connects unless "wait=off"; "nowait" is QEMU's
 *   old spelling of wait=off).  "server" and "wait" take QEMU's boolean
 *   words (on/off, yes/no, true/false, y/n).
 * @fe: the frontend's callbacks and limits; must outlive the chardev
 * @user_data: passed to @fe->connected
 * @stdio_in_use: (inout): whether "stdio" is taken already; set when this
 *   chardev takes it.  QEMU keeps one such flag per process; each qmem
 *   server keeps its own.
 * @error: return location for an error
 *
 * Opens @spec.  A stale file at PATH is replaced when listening; the
 * socket file is removed again by qmem_chardev_free().  Errors
 * (%QMEM_ERROR_GENERIC) have QEMU's texts: "'%s' is not a valid char
 * driver", "cannot use stdio by multiple character devices", "Invalid
 * parameter '%s'", "Parameter '%s' expects 'on' or 'off'", "Unable to
 * parse FD number " (an empty PATH), "UNIX socket path '%s' is too long"
 * (with QEMU's hint "Path must be less than %zu bytes"), "Failed to
 * create Unix socket: %s", "Failed to unlink socket %s: %s", "Failed to
 * bind socket to %s: %s", "Failed to listen on socket: %s", "Failed to
 * connect to '%s': %s".
 *
 * Returns: (transfer full) (nullable): the chardev, or %NULL with @error
 *   set.
 */
QmemChardev *qmem_chardev_new(const char *spec,
                              const QmemChardevFrontend *fe,
                              gpointer user_data, gboolean *stdio_in_use,
                              GError **error);

/**
 * qmem_chardev_new_fds:
 * @in_fd: where input comes from; owned by the chardev from now on
 * @out_fd: where output goes; the same fd as @in_fd for a socket, which
 *   is then closed once
 * @fe: the frontend's callbacks and limits; must outlive the chardev
 * @user_data: passed to @fe->connected
 *
 * A chardev on a connection that exists already (QEMU's fd backend).
 * The fds are made non-blocking; @fe->connected is called before this
 * returns.  Once the connection is gone the chardev stays, unconnected,
 * until it is freed.
 *
 * Returns: (transfer full): the chardev.
 */
QmemChardev *qmem_chardev_new_fds(int in_fd, int out_fd,
                                  const QmemChardevFrontend *fe,
                                  gpointer user_data);

/**
 * qmem_chardev_check_opts:
 * @opts: -chardev options as qmem_opts_parse() returns them (implied key
 *   "backend")
 * @error: return location for an error
 *
 * What QEMU's QemuOpts check when -chardev is parsed, before anything is
 * created: every key is one of QEMU's chardev options ("Invalid parameter
 * '%s'"), booleans are on/off ("Parameter '%s' expects 'on' or 'off'"),
 * numbers are numbers ("Parameter '%s' expects a number", "Value '%s' is
 * too large for parameter '%s'").
 *
 * Returns: %TRUE if @opts pass.
 */
gboolean qmem_chardev_check_opts(JsonObject *opts, GError **error);

/**
 * qmem_chardev_new_from_opts:
 * @opts: -chardev options as qmem_opts_parse() returns them
 * @error: return location for an error
 *
 * QEMU's qemu_chr_new_from_opts() for the backends qmem has: "socket"
 * with "path=PATH" (a Unix socket) or "fd=N" (an inherited socket, as
 * libvirt passes it: connected, or with server=on one that listens or is
 * made to), connecting unless "server=on", then listening and blocking
 * until the first client unless "wait=off"; "stdio"; "null" (never
 * connected).  The chardev has no frontend yet and is registered under its
 * id for qmem_chardev_find().
 *
 * Errors have QEMU's texts, in QEMU's order: those of
 * qmem_chardev_check_opts(), "chardev: no id specified", "chardev: \"%s\"
 * missing backend", "'%s' is not a valid char driver name", "None or one
 * of 'path', 'fd' or 'host' option required.", "'wait' option is
 * incompatible with socket in client connect mode", "'reconnect' option
 * is incompatible with ...", "Unable to parse FD number %s", "File
 * descriptor '%s' is not a socket", "Failed to listen on fd socket: %s",
 * those of qmem_chardev_new() for paths, and "attempt to add duplicate
 * property '%s' to object (type 'container')" for an id in use.  What QEMU
 * has and qmem does not (TCP, telnet, websocket, TLS, mux, reconnect,
 * logfile) fails with "chardev: socket: TCP is not supported" or
 * "chardev option '%s' is not supported".
 *
 * Returns: (transfer none) (nullable): the chardev, owned by the registry
 *   (qmem_chardev_free_all()), or %NULL with @error set.
 */
QmemChardev *qmem_chardev_new_from_opts(JsonObject *opts, GError **error);

/**
 * qmem_chardev_print_help:
 * @options: %FALSE for `-chardev help` (the backends), %TRUE for
 *   `-chardev BACKEND,help` (QEMU's list of chardev options)
 * @out: where the text goes
 */
void qmem_chardev_print_help(gboolean options, GString *out);

/**
 * qmem_chardev_find:
 * Returns: (transfer none) (nullable): the chardev -chardev made with id
 *   @label.
 */
QmemChardev *qmem_chardev_find(const char *label);

/**
 * qmem_chardev_get_label:
 * Returns: (nullable): the id of a chardev made from options.
 */
const char *qmem_chardev_get_label(QmemChardev *chr);

/**
 * qmem_chardev_set_frontend:
 * @chr: a chardev without frontend
 * @fe: the frontend's callbacks and limits; must outlive the attachment
 * @user_data: passed to @fe->connected
 * @error: return location for an error
 *
 * Attaches a protocol server to @chr (QEMU's qemu_chr_fe_init() and
 * qemu_chr_fe_set_handlers()): @fe->connected runs now if a peer is
 * there, and input that waited is offered.  A chardev has one frontend:
 * a second fails with QEMU's "Device '%s' is in use".
 *
 * Returns: %TRUE on success.
 */
gboolean qmem_chardev_set_frontend(QmemChardev *chr,
                                   const QmemChardevFrontend *fe,
                                   gpointer user_data, GError **error);

/**
 * qmem_chardev_clear_frontend:
 * @chr: a chardev
 *
 * Takes the frontend off again (calling @gone if a peer is connected);
 * the connection stays, unread.  Not from within @chr's callbacks.
 */
void qmem_chardev_clear_frontend(QmemChardev *chr);

/**
 * qmem_chardev_is_connected:
 * @chr: a chardev
 *
 * Returns: whether a peer is connected and output can still reach it
 *   (also after the peer has stopped sending, while its replies go out).
 */
gboolean qmem_chardev_is_connected(QmemChardev *chr);

/**
 * qmem_chardev_write:
 * @chr: a chardev
 * @data: the bytes
 * @len: how many
 *
 * Queues @data for the connected peer and writes out what the peer takes
 * now, without blocking (but see @stdio_nonblocking); the rest goes out
 * from the main loop.  A write to a socket whose peer has gone raises no
 * SIGPIPE.  Without a live connection the data is dropped.
 */
void qmem_chardev_write(QmemChardev *chr, const void *data, gsize len);

/**
 * qmem_chardev_flush:
 * @chr: a chardev
 * @deadline: a g_get_monotonic_time() value
 *
 * Writes out what is queued, waiting for a slow peer until @deadline at
 * most (callers flushing several chardevs share one deadline).
 */
void qmem_chardev_flush(QmemChardev *chr, gint64 deadline);

/**
 * qmem_chardev_free:
 * @chr: (transfer full) (nullable): a chardev
 *
 * Closes the connection (calling @gone, without flushing: call
 * qmem_chardev_flush() first) and the listening socket, and removes the
 * socket file the chardev created.  Not from within @chr's callbacks.
 */
void qmem_chardev_free(QmemChardev *chr);

/**
 * qmem_chardev_free_all:
 *
 * Frees every chardev qmem_chardev_new_from_opts() made (program
 * teardown, after the frontends are gone).
 */
void qmem_chardev_free_all(void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(QmemChardev, qmem_chardev_free)

G_END_DECLS

#endif
