/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Character device backends (QEMU's chardev): stdio and unix sockets. */

#ifndef QMEM_UTIL_CHARDEV_H
#define QMEM_UTIL_CHARDEV_H

#include <glib.h>

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
 * callbacks and answers with qmem_chardev_write().  Everything runs on
 * the default GMainContext, from the thread that iterates it, and is not
 * thread-safe.
 */

typedef struct QmemChardev QmemChardev;

/**
 * QmemChardevFrontend:
 * @connected: a peer is there (at once for stdio, a connecting chardev
 *   and qmem_chardev_new_fds(); once accepted for a listening one).
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
 *   written, the peer went away, or the chardev is being freed).  The
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

G_DEFINE_AUTOPTR_CLEANUP_FUNC(QmemChardev, qmem_chardev_free)

G_END_DECLS

#endif
