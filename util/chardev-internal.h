/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What util/chardev*.c share: building a chardev up from its parts. */

#ifndef QMEM_UTIL_CHARDEV_INTERNAL_H
#define QMEM_UTIL_CHARDEV_INTERNAL_H

#include "util/chardev.h"

/* A chardev without connection, listener or frontend yet. */
QmemChardev *qmem_chr_alloc(const char *label);

/* Gives @chr its connection (owning the fds if @owns_fds). */
void qmem_chr_attach(QmemChardev *chr, int in_fd, int out_fd,
                     gboolean owns_fds);

/* Gives @chr a listening socket, and the file to remove at the end. */
void qmem_chr_set_listener(QmemChardev *chr, int listen_fd,
                           const char *path);

/* Makes @chr findable by its label; the label must be free. */
void qmem_chr_register(QmemChardev *chr);

/* QEMU's qapi_bool_parse() words, with its "expects 'on' or 'off'". */
gboolean qmem_chr_parse_bool(const char *name, const char *value,
                             gboolean *out, GError **error);

/*
 * A socket chardev on the Unix socket @path, connecting (QEMU's
 * default) or, with @server, listening and, with @wait, blocking until
 * the first client is there.
 */
QmemChardev *qmem_chr_open_unix(const char *label, const char *path,
                                gboolean server, gboolean wait,
                                GError **error);

/*
 * A socket chardev on the inherited socket @fdstr (a number): connected,
 * or with @server one that listens (QEMU's fd= of socket chardevs).
 */
QmemChardev *qmem_chr_open_fd(const char *label, const char *fdstr,
                              gboolean server, gboolean wait,
                              GError **error);

#endif
