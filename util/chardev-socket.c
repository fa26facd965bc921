/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Socket chardevs (QEMU's char-socket.c): Unix paths and inherited fds. */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/chardev-internal.h"
#include "util/cutils.h"
#include "util/error.h"

gboolean qmem_chr_parse_bool(const char *name, const char *value,
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

/* QEMU blocks at start-up until the first client is there. */
static void accept_first(QmemChardev *chr, int listen_fd)
{
    int cfd;

    do {
        cfd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
    } while (cfd < 0 && errno == EINTR);
    if (cfd >= 0) {
        qmem_chr_attach(chr, cfd, cfd, TRUE);
    }
}

QmemChardev *qmem_chr_open_unix(const char *label, const char *path,
                                gboolean server, gboolean wait,
                                GError **error)
{
    QmemChardev *chr;
    int fd;

    fd = server ? unix_listen(path, error) : unix_connect(path, error);
    if (fd < 0) {
        return NULL;
    }
    chr = qmem_chr_alloc(label);
    if (!server) {
        qmem_chr_attach(chr, fd, fd, TRUE);
        return chr;
    }
    if (wait) {
        accept_first(chr, fd);
    }
    qmem_chr_set_listener(chr, fd, path);
    return chr;
}

static gboolean fd_is_socket(int fd)
{
    struct stat st;

    return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

/* QEMU's socket_get_fd(): the fd is ours from here, even on failure. */
static int socket_get_fd(const char *fdstr, GError **error)
{
    gint64 fd;
    int ret = qmem_strtoi64(fdstr, 10, &fd);

    if (!ret && (fd < G_MININT || fd > G_MAXINT)) {
        ret = -ERANGE;
    }
    if (ret == -ERANGE) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Unable to parse FD number %s: %s", fdstr,
                    g_strerror(ERANGE));
        return -1;
    }
    if (ret) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Unable to parse FD number %s", fdstr ? fdstr : "");
        return -1;
    }
    if (!fd_is_socket(fd)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "File descriptor '%s' is not a socket", fdstr);
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    return fd;
}

QmemChardev *qmem_chr_open_fd(const char *label, const char *fdstr,
                              gboolean server, gboolean wait,
                              GError **error)
{
    QmemChardev *chr;
    int fd = socket_get_fd(fdstr, error);

    if (fd < 0) {
        return NULL;
    }
    /* Inherited without close-on-exec; children need not inherit it. */
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    chr = qmem_chr_alloc(label);
    if (!server) {
        qmem_chr_attach(chr, fd, fd, TRUE);
        return chr;
    }
    /* Listening already, or made to: QEMU's socket_listen() for fds. */
    if (listen(fd, 1) < 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Failed to listen on fd socket: %s", g_strerror(errno));
        close(fd);
        qmem_chardev_free(chr);
        return NULL;
    }
    if (wait) {
        accept_first(chr, fd);
    }
    qmem_chr_set_listener(chr, fd, NULL);
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

    g_return_val_if_fail(spec != NULL && fe != NULL, NULL);
    g_return_val_if_fail(stdio_in_use != NULL, NULL);

    if (!strcmp(spec, "stdio")) {
        if (*stdio_in_use) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "cannot use stdio by multiple character devices");
            return NULL;
        }
        *stdio_in_use = TRUE;
        chr = qmem_chr_alloc(NULL);
        qmem_chr_attach(chr, STDIN_FILENO, STDOUT_FILENO, FALSE);
        qmem_chardev_set_frontend(chr, fe, user_data, NULL);
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
            if (!qmem_chr_parse_bool("server", value, &is_server, error)) {
                return NULL;
            }
        } else if (!strcmp(key, "wait")) {
            if (!qmem_chr_parse_bool("wait", value, &wait, error)) {
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
    chr = qmem_chr_open_unix(NULL, path, is_server, wait, error);
    if (chr) {
        qmem_chardev_set_frontend(chr, fe, user_data, NULL);
    }
    return chr;
}

