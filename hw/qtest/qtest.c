/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The qtest line protocol server: guest memory access for tests. */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <glib-unix.h>

#include "hw/qtest/qtest.h"
#include "qapi/cutils.h"
#include "qapi/error.h"

/* Read no further input while this much output waits for the client. */
#define OUTPUT_HIGH_WATER (64 * 1024 * 1024)
#define READ_CHUNK 65536

typedef struct QtestListener QtestListener;

typedef struct {
    QmemQtestServer *server;
    QtestListener *listener;    /* the socket it was accepted on, if any */
    int in_fd;
    int out_fd;
    guint in_watch;
    guint out_watch;
    guint destroy_idle;
    gboolean out_is_socket;
    GByteArray *inbuf;
    gsize scanned;
    gboolean skipping;          /* inside a line that was too long */
    GString *outbuf;
    gsize out_pos;
    gboolean eof;               /* the peer sends no more */
    gboolean dead;              /* the connection is broken */
} QtestClient;

struct QtestListener {
    QmemQtestServer *server;
    int fd;
    char *path;
    guint watch;
    QtestClient *client;        /* one at a time, as a QEMU chardev */
};

struct QmemQtestServer {
    QmemAddressSpace *as;
    GList *clients;
    GList *listeners;
    gboolean has_stdio;
};

static GHashTable *extra_commands;

/* Built-in commands */

static const char *const builtin_names[] = {
    "readb", "readw", "readl", "readq",
    "writeb", "writew", "writel", "writeq",
    "read", "write", "b64read", "b64write", "memset", "endianness",
};

static gboolean is_builtin(const char *name)
{
    for (gsize i = 0; i < G_N_ELEMENTS(builtin_names); i++) {
        if (!strcmp(builtin_names[i], name)) {
            return TRUE;
        }
    }
    return FALSE;
}

/*
 * Fetches argument @i as a number; on failure the reply says which
 * argument was wrong.
 */
static gboolean get_u64(char **argv, guint i, const char *what,
                        guint64 *value, GString *reply)
{
    if (qmem_strtou64(argv[i], 0, value) < 0) {
        g_string_append_printf(reply, "FAIL invalid %s '%s'", what, argv[i]);
        return FALSE;
    }
    return TRUE;
}

static gboolean get_transfer_size(char **argv, guint i, guint64 *len,
                                  GString *reply)
{
    if (!get_u64(argv, i, "size", len, reply)) {
        return FALSE;
    }
    if (*len > QMEM_QTEST_MAX_TRANSFER) {
        g_string_append_printf(reply, "FAIL size '%s' is larger than 0x%x",
                               argv[i], QMEM_QTEST_MAX_TRANSFER);
        return FALSE;
    }
    return TRUE;
}

static int hex2nib(char ch)
{
    return g_ascii_xdigit_value(ch);
}

static void qtest_readx(QmemQtestServer *s, char **argv, gsize width,
                        GString *reply)
{
    guint64 addr, value = 0;
    guint8 data[8];

    if (!get_u64(argv, 1, "address", &addr, reply)) {
        return;
    }
    qmem_address_space_rw(s->as, addr, data, width, FALSE);
    for (gsize i = width; i-- > 0;) {
        value = (value << 8) | data[i];
    }
    g_string_append_printf(reply, "OK 0x%016" PRIx64, value);
}

static void qtest_writex(QmemQtestServer *s, char **argv, gsize width,
                         GString *reply)
{
    guint64 addr, value;
    guint8 data[8];

    if (!get_u64(argv, 1, "address", &addr, reply) ||
        !get_u64(argv, 2, "value", &value, reply)) {
        return;
    }
    for (gsize i = 0; i < width; i++) {
        data[i] = value >> (8 * i);
    }
    qmem_address_space_rw(s->as, addr, data, width, TRUE);
    g_string_append(reply, "OK");
}

static void qtest_read(QmemQtestServer *s, char **argv, gboolean b64,
                       GString *reply)
{
    g_autofree guint8 *data = NULL;
    guint64 addr, len;

    if (!get_u64(argv, 1, "address", &addr, reply) ||
        !get_transfer_size(argv, 2, &len, reply)) {
        return;
    }
    /* QEMU asserts here: "OK 0x" alone would not parse on the client. */
    if (!len && !b64) {
        g_string_append_printf(reply, "FAIL invalid size '%s'", argv[2]);
        return;
    }
    data = g_malloc(len ? len : 1);
    qmem_address_space_rw(s->as, addr, data, len, FALSE);
    if (b64) {
        g_autofree char *enc = g_base64_encode(data, len);

        g_string_append_printf(reply, "OK %s", enc);
    } else {
        static const char hex[] = "0123456789abcdef";

        g_string_append(reply, "OK 0x");
        for (guint64 i = 0; i < len; i++) {
            g_string_append_c(reply, hex[data[i] >> 4]);
            g_string_append_c(reply, hex[data[i] & 0xf]);
        }
    }
}

static void qtest_write(QmemQtestServer *s, char **argv, GString *reply)
{
    g_autofree guint8 *data = NULL;
    const char *hex = argv[3];
    guint64 addr, len;
    gsize hex_len = strlen(hex);

    if (!get_u64(argv, 1, "address", &addr, reply) ||
        !get_transfer_size(argv, 2, &len, reply)) {
        return;
    }
    if (hex_len < 3) {
        g_string_append(reply, "ERR invalid argument size");
        return;
    }
    if (hex[0] != '0' || (hex[1] != 'x' && hex[1] != 'X')) {
        g_string_append(reply, "FAIL invalid hex data");
        return;
    }
    for (gsize i = 2; i < hex_len; i++) {
        if (hex2nib(hex[i]) < 0) {
            g_string_append(reply, "FAIL invalid hex data");
            return;
        }
    }
    /* As QEMU: missing bytes are zero, digits beyond SIZE are ignored. */
    data = g_malloc0(len ? len : 1);
    for (guint64 i = 0; i < len && i * 2 + 4 <= hex_len; i++) {
        data[i] = hex2nib(hex[i * 2 + 2]) << 4 | hex2nib(hex[i * 2 + 3]);
    }
    qmem_address_space_rw(s->as, addr, data, len, TRUE);
    g_string_append(reply, "OK");
}

static void qtest_b64write(QmemQtestServer *s, char **argv, GString *reply)
{
    guint64 addr, len;
    guint8 *data;
    gsize out_len;

    if (!get_u64(argv, 1, "address", &addr, reply) ||
        !get_transfer_size(argv, 2, &len, reply)) {
        return;
    }
    if (strlen(argv[3]) < 3) {
        g_string_append(reply, "ERR invalid argument size");
        return;
    }
    /* Invalid characters are skipped by the decoder, as in QEMU. */
    data = g_base64_decode_inplace(argv[3], &out_len);
    qmem_address_space_rw(s->as, addr, data, MIN(out_len, len), TRUE);
    g_string_append(reply, "OK");
}

/* Fills guest RAM in [lo, hi] (inclusive, no wrap) with @pattern. */
static void memset_range(QmemAddressSpace *as, guint64 lo, guint64 hi,
                         guint8 pattern)
{
    const QmemMemorySection *sections;
    guint n;

    sections = qmem_address_space_get_sections(as, &n);
    for (guint i = 0; i < n; i++) {
        const QmemMemorySection *sec = &sections[i];
        guint64 start = sec->offset_within_address_space;
        guint64 last = start + (sec->size - 1);

        if (last < lo || start > hi || sec->readonly) {
            continue;
        }
        memset((guint8 *)sec->host + (MAX(start, lo) - start), pattern,
               MIN(last, hi) - MAX(start, lo) + 1);
    }
}

/*
 * memset walks the flat view instead of filling a buffer, so any SIZE
 * works without allocating it; holes and read-only sections are skipped,
 * as qmem_address_space_rw() would drop those bytes.
 */
static void qtest_memset(QmemQtestServer *s, char **argv, GString *reply)
{
    guint64 addr, len, pattern, last;

    if (!get_u64(argv, 1, "address", &addr, reply) ||
        !get_u64(argv, 2, "size", &len, reply) ||
        !get_u64(argv, 3, "value", &pattern, reply)) {
        return;
    }
    if (len) {
        last = addr + (len - 1);
        if (last >= addr) {
            memset_range(s->as, addr, last, pattern);
        } else {
            /* The range wraps around the end of the address space. */
            memset_range(s->as, addr, G_MAXUINT64, pattern);
            memset_range(s->as, 0, last, pattern);
        }
    }
    g_string_append(reply, "OK");
}

typedef struct {
    const char *name;
    guint n_args;
} CommandShape;

static const CommandShape shapes[] = {
    { "readb", 1 }, { "readw", 1 }, { "readl", 1 }, { "readq", 1 },
    { "writeb", 2 }, { "writew", 2 }, { "writel", 2 }, { "writeq", 2 },
    { "read", 2 }, { "b64read", 2 },
    { "write", 3 }, { "b64write", 3 }, { "memset", 3 },
    { "endianness", 0 },
};

static gsize width_of(char suffix)
{
    switch (suffix) {
    case 'b':
        return 1;
    case 'w':
        return 2;
    case 'l':
        return 4;
    default:
        return 8;
    }
}

static void process_command(QmemQtestServer *s, char **argv, GString *reply)
{
    const char *cmd = argv[0] ? argv[0] : "";
    QmemQtestCommandFunc handler;
    guint argc = g_strv_length(argv);

    for (gsize i = 0; i < G_N_ELEMENTS(shapes); i++) {
        if (!strcmp(shapes[i].name, cmd) && argc < shapes[i].n_args + 1) {
            g_string_append(reply, "FAIL missing argument");
            return;
        }
    }

    if (g_str_has_prefix(cmd, "read") && strlen(cmd) == 5 &&
        strchr("bwlq", cmd[4])) {
        qtest_readx(s, argv, width_of(cmd[4]), reply);
    } else if (g_str_has_prefix(cmd, "write") && strlen(cmd) == 6 &&
               strchr("bwlq", cmd[5])) {
        qtest_writex(s, argv, width_of(cmd[5]), reply);
    } else if (!strcmp(cmd, "read")) {
        qtest_read(s, argv, FALSE, reply);
    } else if (!strcmp(cmd, "b64read")) {
        qtest_read(s, argv, TRUE, reply);
    } else if (!strcmp(cmd, "write")) {
        qtest_write(s, argv, reply);
    } else if (!strcmp(cmd, "b64write")) {
        qtest_b64write(s, argv, reply);
    } else if (!strcmp(cmd, "memset")) {
        qtest_memset(s, argv, reply);
    } else if (!strcmp(cmd, "endianness")) {
        g_string_append(reply, G_BYTE_ORDER == G_LITTLE_ENDIAN ?
                        "OK little" : "OK big");
    } else if (extra_commands &&
               (handler = g_hash_table_lookup(extra_commands, cmd))) {
        gsize before = reply->len;

        handler(s, argv, reply);
        if (reply->len == before) {
            g_string_append(reply, "FAIL");
        }
    } else {
        g_string_append_printf(reply, "FAIL Unknown command '%s'", cmd);
    }
}

void qmem_qtest_server_process_line(QmemQtestServer *server, const char *line,
                                    GString *reply)
{
    g_autofree char *copy = NULL;
    g_auto(GStrv) argv = NULL;
    gsize len;

    g_return_if_fail(server != NULL && line != NULL && reply != NULL);

    len = strlen(line);
    if (len > QMEM_QTEST_MAX_LINE) {
        g_string_append(reply, "FAIL line too long");
        return;
    }
    copy = g_strndup(line, len && line[len - 1] == '\r' ? len - 1 : len);
    /*
     * QEMU splits at every single blank: "a  b" has an empty word.  The
     * word count is bounded so that a line of blanks cannot make us
     * allocate a pointer per byte.
     */
    argv = g_strsplit(copy, " ", QMEM_QTEST_MAX_WORDS);
    process_command(server, argv, reply);
}

void qmem_qtest_register_command(const char *name,
                                 QmemQtestCommandFunc handler)
{
    g_return_if_fail(name != NULL && handler != NULL);
    g_return_if_fail(!is_builtin(name));

    if (!extra_commands) {
        extra_commands = g_hash_table_new_full(g_str_hash, g_str_equal,
                                               g_free, NULL);
    }
    g_return_if_fail(!g_hash_table_contains(extra_commands, name));
    g_hash_table_insert(extra_commands, g_strdup(name), handler);
}

void qmem_qtest_unregister_command(const char *name)
{
    gboolean removed;

    g_return_if_fail(name != NULL);

    removed = extra_commands && g_hash_table_remove(extra_commands, name);
    g_return_if_fail(removed);
    if (!g_hash_table_size(extra_commands)) {
        g_clear_pointer(&extra_commands, g_hash_table_unref);
    }
}

/* Transport */

static void client_update_watches(QtestClient *c);
static void client_destroy(QtestClient *c);
static void listener_resume(QtestListener *l);

static gsize client_pending(QtestClient *c)
{
    return c->outbuf->len - c->out_pos;
}

static gboolean client_destroy_idle(gpointer opaque)
{
    QtestClient *c = opaque;

    c->destroy_idle = 0;
    client_destroy(c);
    return G_SOURCE_REMOVE;
}

/* Never frees @c at once: callers may be deep inside its own callbacks. */
static void client_schedule_destroy(QtestClient *c)
{
    if (!c->destroy_idle) {
        c->destroy_idle = g_idle_add(client_destroy_idle, c);
    }
}

static void client_flush(QtestClient *c)
{
    while (!c->dead && client_pending(c)) {
        const char *buf = c->outbuf->str + c->out_pos;
        ssize_t n;

        /* A peer that went away must not kill us with SIGPIPE. */
        if (c->out_is_socket) {
            n = send(c->out_fd, buf, client_pending(c), MSG_NOSIGNAL);
        } else {
            n = write(c->out_fd, buf, client_pending(c));
        }
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                c->dead = TRUE;
            }
            break;
        }
        c->out_pos += n;
    }
    if (c->out_pos == c->outbuf->len) {
        g_string_truncate(c->outbuf, 0);
        c->out_pos = 0;
    } else if (c->out_pos > 1024 * 1024 && c->out_pos > c->outbuf->len / 2) {
        g_string_erase(c->outbuf, 0, c->out_pos);
        c->out_pos = 0;
    }
    if (c->dead || (c->eof && !client_pending(c))) {
        client_schedule_destroy(c);
    }
    client_update_watches(c);
}

/*
 * Handles the complete lines in inbuf.  c->scanned bytes of the current
 * line are known to hold no newline, so a long line is scanned once.
 */
static void client_process_input(QtestClient *c)
{
    gsize start = 0;

    while (!c->dead && client_pending(c) < OUTPUT_HIGH_WATER) {
        guint8 *base = c->inbuf->data + start;
        gsize avail = c->inbuf->len - start;
        guint8 *nl = memchr(base + c->scanned, '\n', avail - c->scanned);

        if (!nl) {
            c->scanned = avail;
            if (!c->skipping && avail > QMEM_QTEST_MAX_LINE) {
                g_string_append(c->outbuf, "FAIL line too long\n");
                c->skipping = TRUE;
            }
            if (c->skipping) {
                start = c->inbuf->len;
                c->scanned = 0;
            }
            break;
        }
        c->scanned = 0;
        if (c->skipping) {
            c->skipping = FALSE;
        } else if ((gsize)(nl - base) > QMEM_QTEST_MAX_LINE) {
            g_string_append(c->outbuf, "FAIL line too long\n");
        } else {
            /* A NUL inside the line ends it early; nothing worse. */
            g_autofree char *line = g_strndup((char *)base, nl - base);

            qmem_qtest_server_process_line(c->server, line, c->outbuf);
            g_string_append_c(c->outbuf, '\n');
        }
        start += nl - base + 1;
    }
    g_byte_array_remove_range(c->inbuf, 0, start);
    client_flush(c);
}

static gboolean client_readable(int fd, GIOCondition cond, gpointer opaque)
{
    QtestClient *c = opaque;
    guint8 buf[READ_CHUNK];
    ssize_t n;

    do {
        n = read(c->in_fd, buf, sizeof(buf));
    } while (n < 0 && errno == EINTR);

    if (n > 0) {
        g_byte_array_append(c->inbuf, buf, n);
        client_process_input(c);
    } else if (n == 0) {
        /* Replies to what came before the end still go out. */
        c->eof = TRUE;
        client_flush(c);
    } else if ((errno != EAGAIN && errno != EWOULDBLOCK) ||
               (cond & G_IO_ERR)) {
        c->dead = TRUE;
        client_flush(c);
    }
    return c->in_watch ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean client_writable(int fd, GIOCondition cond, gpointer opaque)
{
    QtestClient *c = opaque;

    if ((cond & (G_IO_HUP | G_IO_ERR)) && !(cond & G_IO_OUT)) {
        c->dead = TRUE;
    }
    /* Flushes, then handles input that waited for the output to drain. */
    client_process_input(c);
    return c->out_watch ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/*
 * Called after every state change.  May remove the watch whose callback
 * is running; the callbacks then return G_SOURCE_REMOVE.
 */
static void client_update_watches(QtestClient *c)
{
    gboolean want_in = !c->dead && !c->eof &&
                       client_pending(c) < OUTPUT_HIGH_WATER;
    gboolean want_out = !c->dead && client_pending(c) > 0;

    if (want_in && !c->in_watch) {
        c->in_watch = g_unix_fd_add(c->in_fd, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                    client_readable, c);
    } else if (!want_in && c->in_watch) {
        g_source_remove(c->in_watch);
        c->in_watch = 0;
    }
    if (want_out && !c->out_watch) {
        c->out_watch = g_unix_fd_add(c->out_fd,
                                     G_IO_OUT | G_IO_HUP | G_IO_ERR,
                                     client_writable, c);
    } else if (!want_out && c->out_watch) {
        g_source_remove(c->out_watch);
        c->out_watch = 0;
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

static QtestClient *client_new(QmemQtestServer *server, int in_fd, int out_fd)
{
    QtestClient *c = g_new0(QtestClient, 1);

    c->server = server;
    c->in_fd = in_fd;
    c->out_fd = out_fd;
    c->out_is_socket = fd_is_socket(out_fd);
    c->inbuf = g_byte_array_new();
    c->outbuf = g_string_new(NULL);
    set_nonblocking(in_fd);
    if (out_fd != in_fd) {
        set_nonblocking(out_fd);
    }
    server->clients = g_list_append(server->clients, c);
    client_update_watches(c);
    return c;
}

static void client_destroy(QtestClient *c)
{
    QmemQtestServer *server = c->server;

    if (c->destroy_idle) {
        g_source_remove(c->destroy_idle);
    }
    if (c->in_watch) {
        g_source_remove(c->in_watch);
    }
    if (c->out_watch) {
        g_source_remove(c->out_watch);
    }
    if (c->in_fd != STDIN_FILENO) {
        close(c->in_fd);
    }
    if (c->out_fd != c->in_fd && c->out_fd != STDOUT_FILENO) {
        close(c->out_fd);
    }
    server->clients = g_list_remove(server->clients, c);
    if (c->listener) {
        c->listener->client = NULL;
        listener_resume(c->listener);
    }
    g_byte_array_unref(c->inbuf);
    g_string_free(c->outbuf, TRUE);
    g_free(c);
}

void qmem_qtest_server_add_client(QmemQtestServer *server, int in_fd,
                                  int out_fd)
{
    g_return_if_fail(server != NULL && in_fd >= 0 && out_fd >= 0);
    client_new(server, in_fd, out_fd);
}

guint qmem_qtest_server_get_n_clients(QmemQtestServer *server)
{
    g_return_val_if_fail(server != NULL, 0);
    return g_list_length(server->clients);
}

static gboolean listener_accept(int fd, GIOCondition cond, gpointer opaque)
{
    QtestListener *l = opaque;
    int cfd;

    do {
        cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
    } while (cfd < 0 && errno == EINTR);
    if (cfd < 0) {
        return G_SOURCE_CONTINUE;
    }
    l->client = client_new(l->server, cfd, cfd);
    l->client->listener = l;
    l->watch = 0;
    return G_SOURCE_REMOVE;
}

static void listener_resume(QtestListener *l)
{
    if (!l->client && !l->watch) {
        l->watch = g_unix_fd_add(l->fd, G_IO_IN, listener_accept, l);
    }
}

static void listener_free(QtestListener *l)
{
    if (l->watch) {
        g_source_remove(l->watch);
    }
    close(l->fd);
    unlink(l->path);
    g_free(l->path);
    g_free(l);
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

static gboolean unix_address(const char *path, struct sockaddr_un *sun,
                             GError **error)
{
    memset(sun, 0, sizeof(*sun));
    sun->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sun->sun_path)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "UNIX socket path '%s' is too long", path);
        return FALSE;
    }
    strcpy(sun->sun_path, path);
    return TRUE;
}

static gboolean open_unix_server(QmemQtestServer *server, const char *path,
                                 gboolean wait, GError **error)
{
    struct sockaddr_un sun;
    QtestListener *l;
    int fd, cfd;

    if (!unix_address(path, &sun, error)) {
        return FALSE;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Failed to create Unix socket: %s", g_strerror(errno));
        return FALSE;
    }
    if (unlink(path) < 0 && errno != ENOENT) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Failed to unlink socket %s: %s", path,
                    g_strerror(errno));
        close(fd);
        return FALSE;
    }
    if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Failed to bind socket to %s: %s", path,
                    g_strerror(errno));
        close(fd);
        return FALSE;
    }
    if (listen(fd, 1) < 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Failed to listen on socket: %s", g_strerror(errno));
        close(fd);
        unlink(path);
        return FALSE;
    }

    l = g_new0(QtestListener, 1);
    l->server = server;
    l->fd = fd;
    l->path = g_strdup(path);
    server->listeners = g_list_append(server->listeners, l);
    if (wait) {
        /* QEMU blocks at startup until the first client is there. */
        do {
            cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
        } while (cfd < 0 && errno == EINTR);
        if (cfd >= 0) {
            l->client = client_new(server, cfd, cfd);
            l->client->listener = l;
        }
    }
    set_nonblocking(fd);
    listener_resume(l);
    return TRUE;
}

static gboolean open_unix_client(QmemQtestServer *server, const char *path,
                                 GError **error)
{
    struct sockaddr_un sun;
    int fd;

    if (!unix_address(path, &sun, error)) {
        return FALSE;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Failed to create Unix socket: %s", g_strerror(errno));
        return FALSE;
    }
    if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Failed to connect to '%s': %s", path,
                    g_strerror(errno));
        close(fd);
        return FALSE;
    }
    client_new(server, fd, fd);
    return TRUE;
}

static gboolean open_chardev(QmemQtestServer *server, const char *spec,
                             GError **error)
{
    g_auto(GStrv) opts = NULL;
    const char *path;
    gboolean is_server = FALSE, wait = TRUE;

    if (!strcmp(spec, "stdio")) {
        if (server->has_stdio) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "cannot use stdio by multiple character devices");
            return FALSE;
        }
        server->has_stdio = TRUE;
        client_new(server, STDIN_FILENO, STDOUT_FILENO);
        return TRUE;
    }
    if (!g_str_has_prefix(spec, "unix:")) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' is not a valid char driver", spec);
        return FALSE;
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
            key = "wait";
            value = "off";
        }
        if (!strcmp(key, "server")) {
            if (!parse_on_off("server", value, &is_server, error)) {
                return FALSE;
            }
        } else if (!strcmp(key, "wait")) {
            if (!parse_on_off("wait", value, &wait, error)) {
                return FALSE;
            }
        } else {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Invalid parameter '%s'", key);
            return FALSE;
        }
    }
    if (!*path) {
        /* What QEMU says for "unix:" with nothing after it. */
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Unable to parse FD number ");
        return FALSE;
    }
    if (is_server) {
        return open_unix_server(server, path, wait, error);
    }
    return open_unix_client(server, path, error);
}

gboolean qmem_qtest_server_open(QmemQtestServer *server, const char *spec,
                                GError **error)
{
    g_return_val_if_fail(server != NULL && spec != NULL, FALSE);

    if (!open_chardev(server, spec, error)) {
        if (error) {
            qmem_error_set_hint(*error, "Failed to initialize device for "
                                "qtest: \"%s\"\n", spec);
        }
        return FALSE;
    }
    return TRUE;
}

QmemQtestServer *qmem_qtest_server_new(QmemAddressSpace *as)
{
    QmemQtestServer *server;

    g_return_val_if_fail(as != NULL, NULL);

    server = g_new0(QmemQtestServer, 1);
    server->as = as;
    return server;
}

QmemAddressSpace *qmem_qtest_server_get_address_space(QmemQtestServer *server)
{
    g_return_val_if_fail(server != NULL, NULL);
    return server->as;
}

static void server_flush(QmemQtestServer *server, int timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + timeout_ms * (gint64)1000;

    for (GList *l = server->clients; l; l = l->next) {
        QtestClient *c = l->data;

        client_flush(c);
        while (!c->dead && client_pending(c)) {
            struct pollfd pfd = { .fd = c->out_fd, .events = POLLOUT };
            gint64 left = deadline - g_get_monotonic_time();

            if (left <= 0) {
                break;
            }
            if (poll(&pfd, 1, (int)MIN(left / 1000 + 1, G_MAXINT)) < 0 &&
                errno != EINTR) {
                break;
            }
            client_flush(c);
        }
    }
}

void qmem_qtest_server_free(QmemQtestServer *server)
{
    if (!server) {
        return;
    }
    server_flush(server, 1000);
    while (server->clients) {
        QtestClient *c = server->clients->data;

        /* Its listener is about to go too: do not resume accepting. */
        c->listener = NULL;
        client_destroy(c);
    }
    while (server->listeners) {
        QtestListener *l = server->listeners->data;

        server->listeners = g_list_delete_link(server->listeners,
                                               server->listeners);
        listener_free(l);
    }
    g_free(server);
}
