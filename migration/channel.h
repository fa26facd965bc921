/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Migration URIs: tcp:, unix:, fd:, exec:, file: (migration/ only). */

#ifndef QMEM_MIGRATION_CHANNEL_H
#define QMEM_MIGRATION_CHANNEL_H

#include <glib.h>

G_BEGIN_DECLS

/*
 * A channel is a file descriptor; a socket has a return path (the
 * destination answers on it), a pipe or a file has not.  exec: runs
 * "/bin/sh -c CMD" with the channel as its stdin (outgoing) or stdout
 * (incoming); *@child is its pid, -1 otherwise.
 */

/* Returns: whether @uri names a protocol qmem knows. */
gboolean mig_channel_uri_valid(const char *uri);

/* Outgoing: the connected channel, or -1 with @error set. */
int mig_channel_connect(const char *uri, gboolean *has_rp, GPid *child,
                        GError **error);

/*
 * Incoming: for tcp: and unix:, a listening socket (*@listening set);
 * otherwise the channel itself.  -1 with @error set on failure.
 */
int mig_channel_listen(const char *uri, gboolean *listening, gboolean *has_rp,
                       GPid *child, GError **error);

G_END_DECLS

#endif
