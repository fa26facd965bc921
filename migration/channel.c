/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Migration URIs: tcp:, unix:, fd:, exec:, file: (QEMU's *.c per protocol). */

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "migration/channel.h"
#include "util/cutils.h"
#include "util/error.h"

static const char *const protocols[] = {
    "tcp:", "unix:", "fd:", "exec:", "file:",
};

gboolean mig_channel_uri_valid(const char *uri)
{
    for (gsize i = 0; i < G_N_ELEMENTS(protocols); i++) {
        if (g_str_has_prefix(uri, protocols[i])) {
            return TRUE;
        }
    }
    return FALSE;
}

static gboolean split_host_port(const char *spec, char **host, char **port,
                                GError **error)
{
    const char *colon = strrchr(spec, ':');

    if (!colon) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "host and/or port not specified in '%s'", spec);
        return FALSE;
    }
    if (spec[0] == '[' && colon > spec && colon[-1] == ']') {
        *host = g_strndup(spec + 1, colon - spec - 2);
    } else {
        *host = g_strndup(spec, colon - spec);
    }
    *port = g_strdup(colon + 1);
    return TRUE;
}

static int tcp_socket(const char *spec, gboolean listening, GError **error)
{
    g_autofree char *host = NULL, *port = NULL;
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
    struct addrinfo *res, *ai;
    int fd = -1, err = 0, one = 1;

    if (!split_host_port(spec, &host, &port, error)) {
        return -1;
    }
    hints.ai_flags = listening ? AI_PASSIVE : 0;
    err = getaddrinfo(*host ? host : NULL, port, &hints, &res);
    if (err) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "address resolution failed for %s:%s: %s", host, port,
                    gai_strerror(err));
        return -1;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        if (listening) {
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
            if (!bind(fd, ai->ai_addr, ai->ai_addrlen) && !listen(fd, 1)) {
                break;
            }
        } else if (!connect(fd, ai->ai_addr, ai->ai_addrlen)) {
            break;
        }
        err = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    listening ? "Failed to bind socket: %s"
                              : "Failed to connect to '%s:%s': %s",
                    listening ? g_strerror(err) : host, port,
                    g_strerror(err));
    }
    return fd;
}

static int unix_socket(const char *path, gboolean listening, GError **error)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "UNIX socket path '%s' is too long", path);
        return -1;
    }
    strcpy(addr.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Failed to create Unix socket: %s", g_strerror(errno));
        return -1;
    }
    if (listening) {
        unlink(path);
        if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) ||
            listen(fd, 1)) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Failed to bind socket to %s: %s", path,
                        g_strerror(errno));
            close(fd);
            return -1;
        }
    } else if (connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Failed to connect to '%s': %s", path, g_strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* QEMU's monitor_fd_param() for a number: the fd is the caller's. */
static int fd_channel(const char *spec, gboolean *has_rp, GError **error)
{
    guint64 n;
    struct stat st;
    int fd;

    if (!g_ascii_isdigit(spec[0]) || qmem_strtou64(spec, 10, &n) ||
        n > G_MAXINT ||
        fcntl((int)n, F_GETFD) < 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid file descriptor number '%s'", spec);
        return -1;
    }
    fd = dup((int)n);
    if (fd < 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid file descriptor number '%s'", spec);
        return -1;
    }
    *has_rp = !fstat(fd, &st) && S_ISSOCK(st.st_mode);
    return fd;
}

static int exec_channel(const char *cmd, gboolean outgoing, GPid *child,
                        GError **error)
{
    const char *argv[] = { "/bin/sh", "-c", cmd, NULL };
    int in = -1, out = -1;

    if (!g_spawn_async_with_pipes(NULL, (char **)argv, NULL,
                                  G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                  child, outgoing ? &in : NULL,
                                  outgoing ? NULL : &out, NULL, error)) {
        return -1;
    }
    fcntl(outgoing ? in : out, F_SETFD, FD_CLOEXEC);
    return outgoing ? in : out;
}

static int file_channel(const char *path, gboolean outgoing, GError **error)
{
    int fd = outgoing ? open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                             0600)
                      : open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Could not open '%s': %s", path, g_strerror(errno));
    }
    return fd;
}

static int open_channel(const char *uri, gboolean outgoing,
                        gboolean *listening, gboolean *has_rp, GPid *child,
                        GError **error)
{
    const char *p;

#define qmem_strstart(s, prefix) \
    (g_str_has_prefix((s), (prefix)) ? (s) + strlen(prefix) : NULL)
    *child = -1;
    *has_rp = FALSE;
    *listening = FALSE;
    if ((p = qmem_strstart(uri, "tcp:"))) {
        *has_rp = TRUE;
        *listening = !outgoing;
        return tcp_socket(p, !outgoing, error);
    } else if ((p = qmem_strstart(uri, "unix:"))) {
        *has_rp = TRUE;
        *listening = !outgoing;
        return unix_socket(p, !outgoing, error);
    } else if ((p = qmem_strstart(uri, "fd:"))) {
        return fd_channel(p, has_rp, error);
    } else if ((p = qmem_strstart(uri, "exec:"))) {
        return exec_channel(p, outgoing, child, error);
    } else if ((p = qmem_strstart(uri, "file:"))) {
        return file_channel(p, outgoing, error);
    }
#undef qmem_strstart
    g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                "unknown migration protocol: %s", uri);
    return -1;
}

int mig_channel_connect(const char *uri, gboolean *has_rp, GPid *child,
                        GError **error)
{
    gboolean listening;

    return open_channel(uri, TRUE, &listening, has_rp, child, error);
}

int mig_channel_listen(const char *uri, gboolean *listening, gboolean *has_rp,
                       GPid *child, GError **error)
{
    return open_channel(uri, FALSE, listening, has_rp, child, error);
}
