/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Character device backends (QEMU's chardev): stdio and unix sockets. */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib-unix.h>

#include "util/chardev-internal.h"
#include "util/error.h"

#define READ_CHUNK 65536
/* Compact the output queue once this much of it has been written. */
#define OUT_COMPACT (1024 * 1024)

struct QmemChardev {
    char *label;                /* the -chardev id, or NULL */
    const QmemChardevFrontend *fe;      /* NULL while none is attached */
    gpointer user_data;

    /* A listening chardev: the socket (else -1) and its file. */
    int listen_fd;
    char *path;
    guint listen_watch;

    /* The connection, while @attached. */
    gboolean attached;
    gpointer client;            /* what fe->connected() returned, or NULL */
    int in_fd;
    int out_fd;
    gboolean owns_fds;
    gboolean out_is_socket;
    guint in_watch;
    guint out_watch;
    guint destroy_idle;
    GByteArray *inbuf;
    GByteArray *outbuf;
    gsize out_pos;
    gboolean delivering;
    gboolean eof;               /* the peer sends no more */
    gboolean dead;              /* the peer is gone; close now */
};

/* The chardevs -chardev made, by label: QEMU's /chardevs container. */
static GHashTable *chardevs;

static void chr_update_watches(QmemChardev *chr);
static void chr_listen_resume(QmemChardev *chr);

static gsize chr_pending(QmemChardev *chr)
{
    return chr->outbuf->len - chr->out_pos;
}

/* The frontend forgets the connection; the connection may stay. */
static void chr_drop_client(QmemChardev *chr)
{
    gpointer client = chr->client;

    chr->client = NULL;
    if (client) {
        chr->fe->gone(client);
    }
}

static void chr_detach(QmemChardev *chr)
{

    if (chr->in_watch) {
        g_source_remove(chr->in_watch);
        chr->in_watch = 0;
    }
    if (chr->out_watch) {
        g_source_remove(chr->out_watch);
        chr->out_watch = 0;
    }
    if (chr->destroy_idle) {
        g_source_remove(chr->destroy_idle);
        chr->destroy_idle = 0;
    }
    if (chr->owns_fds) {
        close(chr->in_fd);
        if (chr->out_fd != chr->in_fd) {
            close(chr->out_fd);
        }
    }
    g_clear_pointer(&chr->inbuf, g_byte_array_unref);
    g_clear_pointer(&chr->outbuf, g_byte_array_unref);
    chr->attached = FALSE;
    chr_drop_client(chr);
    chr_listen_resume(chr);
}

static gboolean chr_detach_idle(gpointer opaque)
{
    QmemChardev *chr = opaque;

    chr->destroy_idle = 0;
    chr_detach(chr);
    return G_SOURCE_REMOVE;
}

/* Never detaches at once: callers may be deep inside the frontend. */
static void chr_schedule_detach(QmemChardev *chr)
{
    if (!chr->destroy_idle) {
        chr->destroy_idle = g_idle_add(chr_detach_idle, chr);
    }
}

static void chr_flush(QmemChardev *chr)
{
    while (!chr->dead && chr_pending(chr)) {
        const guint8 *buf = chr->outbuf->data + chr->out_pos;
        ssize_t n;

        /* A peer that went away must not kill us with SIGPIPE. */
        if (chr->out_is_socket) {
            n = send(chr->out_fd, buf, chr_pending(chr), MSG_NOSIGNAL);
        } else {
            n = write(chr->out_fd, buf, chr_pending(chr));
        }
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                chr->dead = TRUE;
            }
            break;
        }
        chr->out_pos += n;
    }
    if (chr->out_pos == chr->outbuf->len) {
        g_byte_array_set_size(chr->outbuf, 0);
        chr->out_pos = 0;
    } else if (chr->fe && chr->fe->max_output &&
               chr_pending(chr) > chr->fe->max_output) {
        chr->dead = TRUE;
    } else if (chr->out_pos > OUT_COMPACT &&
               chr->out_pos > chr->outbuf->len / 2) {
        g_byte_array_remove_range(chr->outbuf, 0, chr->out_pos);
        chr->out_pos = 0;
    }
    if (chr->dead || (chr->eof && !chr_pending(chr))) {
        chr_schedule_detach(chr);
    }
    chr_update_watches(chr);
}

/* Offers the buffered input to the frontend, then flushes. */
static void chr_deliver(QmemChardev *chr)
{
    gsize start = 0;

    if (chr->delivering) {
        return;
    }
    chr->delivering = TRUE;
    while (chr->client && !chr->dead && start < chr->inbuf->len &&
           chr_pending(chr) < chr->fe->pause_input) {
        gsize n = chr->fe->received(chr->client, chr->inbuf->data + start,
                                    chr->inbuf->len - start);

        g_assert(n <= chr->inbuf->len - start);
        if (!n) {
            break;
        }
        start += n;
    }
    chr->delivering = FALSE;
    g_byte_array_remove_range(chr->inbuf, 0, start);
    chr_flush(chr);
}

static gboolean chr_readable(int fd, GIOCondition cond, gpointer opaque)
{
    QmemChardev *chr = opaque;
    guint8 buf[READ_CHUNK];
    ssize_t n;

    do {
        n = read(chr->in_fd, buf, sizeof(buf));
    } while (n < 0 && errno == EINTR);

    if (n > 0) {
        g_byte_array_append(chr->inbuf, buf, n);
        chr_deliver(chr);
    } else if (n == 0) {
        /* Replies to what came before the end still go out. */
        chr->eof = TRUE;
        chr_flush(chr);
    } else if ((errno != EAGAIN && errno != EWOULDBLOCK) ||
               (cond & G_IO_ERR)) {
        chr->dead = TRUE;
        chr_flush(chr);
    }
    /* Flushing may have removed this watch. */
    return chr->in_watch ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean chr_writable(int fd, GIOCondition cond, gpointer opaque)
{
    QmemChardev *chr = opaque;

    if ((cond & (G_IO_HUP | G_IO_ERR)) && !(cond & G_IO_OUT)) {
        chr->dead = TRUE;
    }
    /* Flushes, then serves input that waited for the output to drain. */
    chr_deliver(chr);
    return chr->out_watch ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/*
 * Called after every state change.  May remove the watch whose callback
 * is running; the callbacks then return G_SOURCE_REMOVE.
 */
static void chr_update_watches(QmemChardev *chr)
{
    /* Without a frontend input stays in the socket, as in QEMU. */
    gboolean want_in = chr->client && !chr->dead && !chr->eof &&
                       chr_pending(chr) < chr->fe->pause_input;
    gboolean want_out = !chr->dead && chr_pending(chr) > 0;

    if (want_in && !chr->in_watch) {
        chr->in_watch = g_unix_fd_add(chr->in_fd,
                                      G_IO_IN | G_IO_HUP | G_IO_ERR,
                                      chr_readable, chr);
    } else if (!want_in && chr->in_watch) {
        g_source_remove(chr->in_watch);
        chr->in_watch = 0;
    }
    if (want_out && !chr->out_watch) {
        chr->out_watch = g_unix_fd_add(chr->out_fd,
                                       G_IO_OUT | G_IO_HUP | G_IO_ERR,
                                       chr_writable, chr);
    } else if (!want_out && chr->out_watch) {
        g_source_remove(chr->out_watch);
        chr->out_watch = 0;
    }
}

static void set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);

    if (flags >= 0 && !(flags & O_NONBLOCK)) {
        fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    }
}

static gboolean fd_is_socket(int fd)
{
    struct stat st;

    return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

void qmem_chr_attach(QmemChardev *chr, int in_fd, int out_fd,
                     gboolean owns_fds)
{
    g_assert(!chr->attached);

    chr->in_fd = in_fd;
    chr->out_fd = out_fd;
    chr->owns_fds = owns_fds;
    chr->out_is_socket = fd_is_socket(out_fd);
    chr->inbuf = g_byte_array_new();
    chr->outbuf = g_byte_array_new();
    chr->out_pos = 0;
    chr->eof = FALSE;
    chr->dead = FALSE;
    if (owns_fds || (chr->fe && chr->fe->stdio_nonblocking)) {
        set_nonblocking(in_fd);
        if (out_fd != in_fd) {
            set_nonblocking(out_fd);
        }
    }
    chr->attached = TRUE;
    if (chr->fe) {
        chr->client = chr->fe->connected(chr, chr->user_data);
    }
    chr_update_watches(chr);
}

static gboolean chr_accept(int fd, GIOCondition cond, gpointer opaque)
{
    QmemChardev *chr = opaque;
    int cfd;

    do {
        cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    } while (cfd < 0 && errno == EINTR);
    if (cfd < 0) {
        /* EAGAIN, or a client that went away before we got to it. */
        return G_SOURCE_CONTINUE;
    }
    /* One client at a time, as QEMU's socket chardev: the next one waits
     * in the backlog until this one is gone. */
    chr->listen_watch = 0;
    qmem_chr_attach(chr, cfd, cfd, TRUE);
    return G_SOURCE_REMOVE;
}

static void chr_listen_resume(QmemChardev *chr)
{
    /* Clients wait in the backlog while no frontend is there. */
    if (chr->listen_fd >= 0 && !chr->listen_watch && !chr->attached &&
        chr->fe) {
        chr->listen_watch = g_unix_fd_add(chr->listen_fd, G_IO_IN,
                                          chr_accept, chr);
    }
}

QmemChardev *qmem_chr_alloc(const char *label)
{
    QmemChardev *chr = g_new0(QmemChardev, 1);

    chr->label = g_strdup(label);
    chr->listen_fd = -1;
    return chr;
}

void qmem_chr_set_listener(QmemChardev *chr, int listen_fd, const char *path)
{
    g_assert(chr->listen_fd < 0);
    chr->listen_fd = listen_fd;
    chr->path = g_strdup(path);
    set_nonblocking(listen_fd);
    chr_listen_resume(chr);
}

QmemChardev *qmem_chardev_new_fds(int in_fd, int out_fd,
                                  const QmemChardevFrontend *fe,
                                  gpointer user_data)
{
    QmemChardev *chr;

    g_return_val_if_fail(in_fd >= 0 && out_fd >= 0 && fe != NULL, NULL);

    chr = qmem_chr_alloc(NULL);
    qmem_chr_attach(chr, in_fd, out_fd, TRUE);
    qmem_chardev_set_frontend(chr, fe, user_data, NULL);
    return chr;
}

gboolean qmem_chardev_set_frontend(QmemChardev *chr,
                                   const QmemChardevFrontend *fe,
                                   gpointer user_data, GError **error)
{
    g_return_val_if_fail(chr != NULL && fe != NULL, FALSE);

    if (chr->fe) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Device '%s' is in use", chr->label ? chr->label : "");
        return FALSE;
    }
    chr->fe = fe;
    chr->user_data = user_data;
    if (chr->attached && !chr->dead) {
        if (fe->stdio_nonblocking) {
            set_nonblocking(chr->in_fd);
            set_nonblocking(chr->out_fd);
        }
        chr->client = fe->connected(chr, user_data);
        /* Input that waited for a frontend is offered now. */
        chr_deliver(chr);
    }
    chr_listen_resume(chr);
    return TRUE;
}

void qmem_chardev_clear_frontend(QmemChardev *chr)
{
    g_return_if_fail(chr != NULL && !chr->delivering);

    if (!chr->fe) {
        return;
    }
    chr_drop_client(chr);
    chr->fe = NULL;
    chr->user_data = NULL;
    if (chr->listen_watch) {
        g_source_remove(chr->listen_watch);
        chr->listen_watch = 0;
    }
    if (chr->attached) {
        chr_update_watches(chr);
    }
}

const char *qmem_chardev_get_label(QmemChardev *chr)
{
    g_return_val_if_fail(chr != NULL, NULL);
    return chr->label;
}

gboolean qmem_chardev_is_connected(QmemChardev *chr)
{
    g_return_val_if_fail(chr != NULL, FALSE);
    return chr->attached && !chr->dead;
}

void qmem_chardev_write(QmemChardev *chr, const void *data, gsize len)
{
    g_return_if_fail(chr != NULL);

    if (!chr->attached || chr->dead) {
        return;
    }
    g_byte_array_append(chr->outbuf, data, len);
    chr_flush(chr);
}

void qmem_chardev_flush(QmemChardev *chr, gint64 deadline)
{
    g_return_if_fail(chr != NULL);

    if (!chr->attached) {
        return;
    }
    /* chr_flush() never detaches at once, so the connection stays. */
    chr_flush(chr);
    while (!chr->dead && chr_pending(chr)) {
        struct pollfd pfd = { .fd = chr->out_fd, .events = POLLOUT };
        gint64 left = deadline - g_get_monotonic_time();

        if (left <= 0) {
            break;
        }
        if (poll(&pfd, 1, (int)MIN(left / 1000 + 1, G_MAXINT)) < 0 &&
            errno != EINTR) {
            break;
        }
        chr_flush(chr);
    }
}

void qmem_chardev_free(QmemChardev *chr)
{
    if (!chr) {
        return;
    }
    g_return_if_fail(!chr->delivering);

    /* Closed first, so that detaching does not resume accepting. */
    if (chr->listen_watch) {
        g_source_remove(chr->listen_watch);
    }
    if (chr->listen_fd >= 0) {
        close(chr->listen_fd);
        chr->listen_fd = -1;
    }
    if (chr->path) {
        unlink(chr->path);
    }
    if (chr->attached) {
        chr_detach(chr);
    }
    if (chr->label && chardevs &&
        g_hash_table_lookup(chardevs, chr->label) == chr) {
        g_hash_table_remove(chardevs, chr->label);
        if (!g_hash_table_size(chardevs)) {
            g_clear_pointer(&chardevs, g_hash_table_unref);
        }
    }
    g_free(chr->path);
    g_free(chr->label);
    g_free(chr);
}

void qmem_chr_register(QmemChardev *chr)
{
    g_assert(chr->label && !qmem_chardev_find(chr->label));
    if (!chardevs) {
        chardevs = g_hash_table_new(g_str_hash, g_str_equal);
    }
    g_hash_table_insert(chardevs, chr->label, chr);
}

QmemChardev *qmem_chardev_find(const char *label)
{
    g_return_val_if_fail(label != NULL, NULL);
    return chardevs ? g_hash_table_lookup(chardevs, label) : NULL;
}

void qmem_chardev_free_all(void)
{
    while (chardevs) {
        GHashTableIter iter;
        gpointer chr;

        g_hash_table_iter_init(&iter, chardevs);
        g_hash_table_iter_next(&iter, NULL, &chr);
        qmem_chardev_free(chr);
    }
}
