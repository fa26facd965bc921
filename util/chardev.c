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

#include "util/chardev.h"
#include "util/error.h"

#define READ_CHUNK 65536
/* Compact the output queue once this much of it has been written. */
#define OUT_COMPACT (1024 * 1024)

struct QmemChardev {
    const QmemChardevFrontend *fe;
    gpointer user_data;

    /* A listening chardev: the socket (else -1) and its file. */
    int listen_fd;
    char *path;
    guint listen_watch;

    /* The connection, while @attached. */
    gboolean attached;
    gpointer client;            /* what fe->connected() returned */
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

static void chr_update_watches(QmemChardev *chr);
static void chr_listen_resume(QmemChardev *chr);

static gsize chr_pending(QmemChardev *chr)
{
    return chr->outbuf->len - chr->out_pos;
}

static void chr_detach(QmemChardev *chr)
{
    gpointer client = chr->client;

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
    chr->client = NULL;
    chr->fe->gone(client);
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
    } else if (chr->fe->max_output && chr_pending(chr) > chr->fe->max_output) {
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
    while (!chr->dead && start < chr->inbuf->len &&
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
    gboolean want_in = !chr->dead && !chr->eof &&
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

static void chr_attach(QmemChardev *chr, int in_fd, int out_fd,
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
    if (owns_fds || chr->fe->stdio_nonblocking) {
        set_nonblocking(in_fd);
        if (out_fd != in_fd) {
            set_nonblocking(out_fd);
        }
    }
    chr->attached = TRUE;
    chr->client = chr->fe->connected(chr, chr->user_data);
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
    chr_attach(chr, cfd, cfd, TRUE);
    return G_SOURCE_REMOVE;
}

static void chr_listen_resume(QmemChardev *chr)
{
    if (chr->listen_fd >= 0 && !chr->listen_watch && !chr->attached) {
        chr->listen_watch = g_unix_fd_add(chr->listen_fd, G_IO_IN,
                                          chr_accept, chr);
    }
}

static QmemChardev *chr_alloc(const QmemChardevFrontend *fe,
                              gpointer user_data)
{
    QmemChardev *chr = g_new0(QmemChardev, 1);

    chr->fe = fe;
    chr->user_data = user_data;
    chr->listen_fd = -1;
    return chr;
}

/* QEMU's qapi_bool_parse() words. */
static gboolean parse_on_off(const char *name, const char *value,
                             gboolean *out, GError **error)
{
    if (!strcmp(value, "on") || !strcmp(value, "yes") ||
        !strcmp(value, "true") || !strcmp(value, "y")) {
        *out = TRUE;
        return TRUE;
    }
    if (!strcmp(value, "off") || !strcmp(value, "no") ||
        !strcmp(value, "false") || !strcmp(value, "n")) {
        *out = FALSE;
        return TRUE;
    }
    g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                "Parameter '%s' expects 'on' or 'off'", name);
    return FALSE;
}

/* A new socket and its address for @path; -1 with @error set. */
static int unix_socket(const char *path, struct sockaddr_un *sun,
                       GError **error)
{
    int fd;

    memset(sun, 0, sizeof(*sun));
    sun->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sun->sun_path)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "UNIX socket path '%s' is too long", path);
        if (error) {
            qmem_error_set_hint(*error, "Path must be less than %zu bytes\n",
                                sizeof(sun->sun_path));
        }
        return -1;
    }
    strcpy(sun->sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Failed to create Unix socket: %s", g_strerror(errno));
    }
    return fd;
}

/* Returns the listening socket, or -1 with @error set. */
static int unix_listen(const char *path, GError **error)
{
    struct sockaddr_un sun;
    int fd = unix_socket(path, &sun, error);

    if (fd < 0) {
        return -1;
    }
    if (unlink(path) < 0 && errno != ENOENT) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Failed to unlink socket %s: %s", path,
                    g_strerror(errno));
        close(fd);
        return -1;
    }
    if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Failed to bind socket to %s: %s", path,
                    g_strerror(errno));
        close(fd);
        return -1;
    }
    if (listen(fd, 1) < 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Failed to listen on socket: %s", g_strerror(errno));
        close(fd);
        unlink(path);
        return -1;
    }
    return fd;
}

/* Returns the connected socket, or -1 with @error set. */
static int unix_connect(const char *path, GError **error)
{
    struct sockaddr_un sun;
    int fd = unix_socket(path, &sun, error);

    if (fd < 0) {
        return -1;
    }
    if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Failed to connect to '%s': %s", path,
                    g_strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static QmemChardev *chr_new_unix_server(const char *path, gboolean wait,
                                        const QmemChardevFrontend *fe,
                                        gpointer user_data, GError **error)
{
    QmemChardev *chr;
    int fd, cfd;

    fd = unix_listen(path, error);
    if (fd < 0) {
        return NULL;
    }
    chr = chr_alloc(fe, user_data);
    chr->listen_fd = fd;
    chr->path = g_strdup(path);
    if (wait) {
        /* QEMU blocks at startup until the first client is there. */
        do {
            cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
        } while (cfd < 0 && errno == EINTR);
        if (cfd >= 0) {
            chr_attach(chr, cfd, cfd, TRUE);
        }
    }
    set_nonblocking(fd);
    chr_listen_resume(chr);
    return chr;
}

QmemChardev *qmem_chardev_new(const char *spec,
                              const QmemChardevFrontend *fe,
                              gpointer user_data, gboolean *stdio_in_use,
                              GError **error)
{
    g_auto(GStrv) opts = NULL;
    const char *path;
    gboolean is_server = FALSE, wait = TRUE;
    QmemChardev *chr;
    int fd;

    g_return_val_if_fail(spec != NULL && fe != NULL, NULL);
    g_return_val_if_fail(stdio_in_use != NULL, NULL);

    if (!strcmp(spec, "stdio")) {
        if (*stdio_in_use) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "cannot use stdio by multiple character devices");
            return NULL;
        }
        *stdio_in_use = TRUE;
        chr = chr_alloc(fe, user_data);
        chr_attach(chr, STDIN_FILENO, STDOUT_FILENO, FALSE);
        return chr;
    }
    if (!g_str_has_prefix(spec, "unix:")) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' is not a valid char driver", spec);
        return NULL;
    }

    opts = g_strsplit(spec + strlen("unix:"), ",", -1);
    path = opts[0] ? opts[0] : "";
    for (guint i = 1; path[0] && opts[i]; i++) {
        char *eq = strchr(opts[i], '=');
        const char *key = opts[i];
        const char *value = "on";

        if (eq) {
            *eq = '\0';
            value = eq + 1;
        } else if (!strcmp(key, "nowait")) {
            /* QEMU's deprecated short form for wait=off. */
            key = "wait";
            value = "off";
        }
        if (!strcmp(key, "server")) {
            if (!parse_on_off("server", value, &is_server, error)) {
                return NULL;
            }
        } else if (!strcmp(key, "wait")) {
            if (!parse_on_off("wait", value, &wait, error)) {
                return NULL;
            }
        } else {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Invalid parameter '%s'", key);
            return NULL;
        }
    }
    if (!*path) {
        /* What QEMU says for "unix:" with nothing after it. */
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Unable to parse FD number ");
        return NULL;
    }
    if (is_server) {
        return chr_new_unix_server(path, wait, fe, user_data, error);
    }
    fd = unix_connect(path, error);
    if (fd < 0) {
        return NULL;
    }
    chr = chr_alloc(fe, user_data);
    chr_attach(chr, fd, fd, TRUE);
    return chr;
}

QmemChardev *qmem_chardev_new_fds(int in_fd, int out_fd,
                                  const QmemChardevFrontend *fe,
                                  gpointer user_data)
{
    QmemChardev *chr;

    g_return_val_if_fail(in_fd >= 0 && out_fd >= 0 && fe != NULL, NULL);

    chr = chr_alloc(fe, user_data);
    chr_attach(chr, in_fd, out_fd, TRUE);
    return chr;
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
    g_free(chr->path);
    g_free(chr);
}
