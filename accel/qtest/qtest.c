/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The qtest line protocol server: guest memory access for tests. */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "accel/qtest/qtest-internal.h"
#include "qom/module.h"
#include "util/chardev.h"
#include "util/error-report.h"
#include "util/cutils.h"
#include "util/error.h"
#include "util/timer.h"

/* Read no further input while this much output waits for the client. */
#define OUTPUT_HIGH_WATER (64 * 1024 * 1024)

typedef struct {
    QmemQtestServer *server;
    QmemChardev *chr;
    gsize scanned;
    gboolean skipping;          /* inside a line that was too long */
} QtestClient;

struct QmemQtestServer {
    QmemAddressSpace *as;
    QmemAddressSpace *io;       /* port I/O, or NULL */
    GList *clients;
    GList *chardevs;            /* owned */
    QmemChardev *borrowed;      /* "chardev:ID": the frontend only */
    gboolean has_stdio;

    FILE *log;                  /* -qtest-log, or NULL */
    gboolean log_owned;         /* to be closed (not stderr) */
    GTimer *timer;              /* since the last client connected */
    QtestIrqState irq;
};

#define FMT_TIMEVAL "%.06f"

static GHashTable *extra_commands;

/* Built-in commands */

static const char *const builtin_names[] = {
    "readb", "readw", "readl", "readq",
    "writeb", "writew", "writel", "writeq",
    "read", "write", "b64read", "b64write", "memset", "endianness",
    "inb", "inw", "inl", "outb", "outw", "outl", "clock_step", "clock_set",
    "irq_intercept_in", "irq_intercept_out", "set_irq_in", "module_load",
};

/* qmem's own commands, beyond QEMU's. */
static const struct {
    const char *name;
    QmemQtestCommandFunc fn;
} qmem_commands[] = {
    { "virtio-mem-request", qmem_qtest_virtio_mem_request },
};

static QmemQtestCommandFunc qmem_command(const char *name)
{
    for (gsize i = 0; i < G_N_ELEMENTS(qmem_commands); i++) {
        if (!strcmp(qmem_commands[i].name, name)) {
            return qmem_commands[i].fn;
        }
    }
    return NULL;
}

static gboolean is_builtin(const char *name)
{
    for (gsize i = 0; i < G_N_ELEMENTS(builtin_names); i++) {
        if (!strcmp(builtin_names[i], name)) {
            return TRUE;
        }
    }
    return qmem_command(name) != NULL;
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

static void reply_error(GString *reply, const GError *error)
{
    g_string_append_printf(reply, "FAIL %s", error->message);
}

/*
 * A memory access; when a backend cannot supply a page, "FAIL <reason>"
 * (the VM stopped).  Returns: whether it went through.
 */
static gboolean memory_rw(QmemQtestServer *s, guint64 addr, guint8 *data,
                          gsize len, gboolean is_write, GString *reply)
{
    g_autoptr(GError) error = NULL;

    if (!qmem_address_space_rw_err(s->as, addr, data, len, is_write,
                                   &error)) {
        reply_error(reply, error);
        return FALSE;
    }
    return TRUE;
}

static void qtest_readx(QmemQtestServer *s, char **argv, gsize width,
                        GString *reply)
{
    guint64 addr, value = 0;
    guint8 data[8];

    if (!get_u64(argv, 1, "address", &addr, reply)) {
        return;
    }
    if (!memory_rw(s, addr, data, width, FALSE, reply)) {
        return;
    }
    for (gsize i = width; i-- > 0;) {
        value = (value << 8) | data[i];
    }
    g_string_append_printf(reply, "OK 0x%016" PRIx64, value);
}

/* inb/inw/inl PORT: "OK 0x%04x", as QEMU's qtest. */
static void qtest_in(QmemQtestServer *s, char **argv, gsize width,
                     GString *reply)
{
    guint64 port;
    guint8 data[4];
    guint32 value = 0;

    if (!get_u64(argv, 1, "port", &port, reply)) {
        return;
    }
    if (!s->io) {
        g_string_append(reply, "FAIL no I/O address space");
        return;
    }
    qmem_address_space_rw(s->io, port, data, width, FALSE);
    for (gsize i = width; i-- > 0;) {
        value = (value << 8) | data[i];
    }
    g_string_append_printf(reply, "OK 0x%04x", value);
}

static void qtest_out(QmemQtestServer *s, char **argv, gsize width,
                      GString *reply)
{
    guint64 port, value;
    guint8 data[4];

    if (!get_u64(argv, 1, "port", &port, reply) ||
        !get_u64(argv, 2, "value", &value, reply)) {
        return;
    }
    if (!s->io) {
        g_string_append(reply, "FAIL no I/O address space");
        return;
    }
    for (gsize i = 0; i < width; i++) {
        data[i] = value >> (8 * i);
    }
    qmem_address_space_rw(s->io, port, data, width, TRUE);
    g_string_append(reply, "OK");
}

/*
 * clock_step [NS] and clock_set NS: QEMU's qtest_clock_warp() of the
 * virtual clock, which stands still under the qtest accelerator; without
 * NS, to the next timer.  Replies with the new time.
 */
static void qtest_clock(QmemQtestServer *s, char **argv, gboolean step,
                        GString *reply)
{
    gint64 now = qmem_clock_get_ns(QMEM_CLOCK_VIRTUAL);
    gint64 ns;

    if (argv[1] && qmem_strtoi64(argv[1], 0, &ns) < 0) {
        g_string_append_printf(reply, "FAIL invalid time '%s'", argv[1]);
        return;
    }
    if (!argv[1]) {
        ns = qmem_clock_deadline_ns(QMEM_CLOCK_VIRTUAL);
    }
    qmem_clock_warp(step ? now + ns : ns);
    g_string_append_printf(reply, "OK %" G_GINT64_FORMAT,
                           qmem_clock_get_ns(QMEM_CLOCK_VIRTUAL));
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
    if (memory_rw(s, addr, data, width, TRUE, reply)) {
        g_string_append(reply, "OK");
    }
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
    if (!memory_rw(s, addr, data, len, FALSE, reply)) {
        return;
    }
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
    if (memory_rw(s, addr, data, len, TRUE, reply)) {
        g_string_append(reply, "OK");
    }
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
    if (out_len != len) {
        g_autofree char *msg = g_strdup_printf(
            "b64write: data length mismatch (told %" PRIu64 ", found %"
            G_GSIZE_FORMAT ")\n", len, out_len);

        qmem_qtest_server_log_send(s, msg);
    }
    if (memory_rw(s, addr, data, MIN(out_len, len), TRUE, reply)) {
        g_string_append(reply, "OK");
    }
}

/*
 * memset walks the flat view instead of filling a buffer, so any SIZE
 * works without allocating it; holes, I/O and read-only sections are
 * skipped.
 */
static void qtest_memset(QmemQtestServer *s, char **argv, GString *reply)
{
    g_autoptr(GError) error = NULL;
    guint64 addr, len, pattern;

    if (!get_u64(argv, 1, "address", &addr, reply) ||
        !get_u64(argv, 2, "size", &len, reply) ||
        !get_u64(argv, 3, "value", &pattern, reply)) {
        return;
    }
    if (!qmem_address_space_memset(s->as, addr, len, pattern, &error)) {
        reply_error(reply, error);
        return;
    }
    g_string_append(reply, "OK");
}

/*
 * module_load PREFIX NAME: QEMU's module_load() of module PREFIX+NAME;
 * "OK" when it is there (qmem loads every module at start), "FAIL" when
 * there is none, and "FAIL" with the reason on stderr when it would not
 * load.
 */
static void qtest_module_load(char **argv, GString *reply)
{
    g_autofree char *name = g_strconcat(argv[1], argv[2], NULL);
    g_autoptr(GError) error = NULL;
    int rv = qmem_module_load_name(name, &error);

    if (rv < 0) {
        qmem_error_report_err(error);
    }
    g_string_append(reply, rv > 0 ? "OK" : "FAIL");
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
    { "inb", 1 }, { "inw", 1 }, { "inl", 1 },
    { "outb", 2 }, { "outw", 2 }, { "outl", 2 },
    { "clock_set", 1 },
    { "irq_intercept_in", 1 }, { "irq_intercept_out", 1 },
    { "set_irq_in", 4 }, { "module_load", 2 },
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
    } else if (g_str_has_prefix(cmd, "in") && strlen(cmd) == 3 &&
               strchr("bwl", cmd[2])) {
        qtest_in(s, argv, width_of(cmd[2]), reply);
    } else if (g_str_has_prefix(cmd, "out") && strlen(cmd) == 4 &&
               strchr("bwl", cmd[3])) {
        qtest_out(s, argv, width_of(cmd[3]), reply);
    } else if ((!strcmp(cmd, "clock_step") || !strcmp(cmd, "clock_set")) &&
               qmem_qtest_enabled()) {
        qtest_clock(s, argv, !strcmp(cmd, "clock_step"), reply);
    } else if (!strcmp(cmd, "irq_intercept_in") ||
               !strcmp(cmd, "irq_intercept_out")) {
        qmem_qtest_irq_intercept(s, argv, cmd[14] == 'o', reply);
    } else if (!strcmp(cmd, "set_irq_in")) {
        qmem_qtest_set_irq_in(s, argv, reply);
    } else if (!strcmp(cmd, "module_load")) {
        qtest_module_load(argv, reply);
    } else if ((handler = qmem_command(cmd)) ||
               (extra_commands &&
                (handler = g_hash_table_lookup(extra_commands, cmd)))) {
        gsize before = reply->len;

        handler(s, argv, reply);
        if (reply->len == before) {
            g_string_append(reply, "FAIL");
        }
    } else {
        g_string_append_printf(reply, "FAIL Unknown command '%s'", cmd);
    }
}

/* The log is QEMU's: "[R +T] COMMAND", "[S +T] REPLY", T from the open. */
static double elapsed(QmemQtestServer *s)
{
    return g_timer_elapsed(s->timer, NULL);
}

static void log_receive(QmemQtestServer *s, char **argv)
{
    if (!s->log) {
        return;
    }
    fprintf(s->log, "[R +" FMT_TIMEVAL "]", elapsed(s));
    for (guint i = 0; argv[i]; i++) {
        fprintf(s->log, " %s", argv[i]);
    }
    fputc('\n', s->log);
}

/* As QEMU, replies are logged only while a client is connected. */
void qmem_qtest_server_log_send(QmemQtestServer *s, const char *text)
{
    if (s->log && s->clients) {
        fprintf(s->log, "[S +" FMT_TIMEVAL "] %s", elapsed(s), text);
    }
}

static void log_reply(QmemQtestServer *s, GString *reply)
{
    if (s->log && s->clients) {
        fprintf(s->log, "[S +" FMT_TIMEVAL "] %s\n", elapsed(s), reply->str);
    }
}

QtestIrqState *qmem_qtest_server_get_irq_state(QmemQtestServer *server)
{
    return &server->irq;
}

void qmem_qtest_server_send_async(QmemQtestServer *server, const char *text)
{
    qmem_qtest_server_log_send(server, text);
    for (GList *l = server->clients; l; l = l->next) {
        QtestClient *c = l->data;

        qmem_chardev_write(c->chr, text, strlen(text));
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
    log_receive(server, argv);
    process_command(server, argv, reply);
    log_reply(server, reply);
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

/*
 * Handles the line at the start of @data once it is complete.  c->scanned
 * bytes of it are known to hold no newline, so a long line is scanned once.
 */
static gsize client_received(gpointer opaque, const guint8 *data, gsize len)
{
    static const char too_long[] = "FAIL line too long\n";
    QtestClient *c = opaque;
    const guint8 *nl = memchr(data + c->scanned, '\n', len - c->scanned);

    if (!nl) {
        c->scanned = len;
        if (!c->skipping && len > QMEM_QTEST_MAX_LINE) {
            qmem_qtest_server_log_send(c->server, too_long);
            qmem_chardev_write(c->chr, too_long, strlen(too_long));
            c->skipping = TRUE;
        }
        if (c->skipping) {
            c->scanned = 0;
            return len;
        }
        return 0;
    }
    c->scanned = 0;
    if (c->skipping) {
        c->skipping = FALSE;
    } else if ((gsize)(nl - data) > QMEM_QTEST_MAX_LINE) {
        qmem_qtest_server_log_send(c->server, too_long);
        qmem_chardev_write(c->chr, too_long, strlen(too_long));
    } else {
        /* A NUL inside the line ends it early; nothing worse. */
        g_autofree char *line = g_strndup((const char *)data, nl - data);
        g_autoptr(GString) reply = g_string_new(NULL);

        qmem_qtest_server_process_line(c->server, line, reply);
        g_string_append_c(reply, '\n');
        qmem_chardev_write(c->chr, reply->str, reply->len);
    }
    return nl - data + 1;
}

static gpointer client_connected(QmemChardev *chr, gpointer opaque)
{
    QmemQtestServer *server = opaque;
    QtestClient *c = g_new0(QtestClient, 1);

    c->server = server;
    c->chr = chr;
    server->clients = g_list_append(server->clients, c);
    /* QEMU's CHR_EVENT_OPENED: fresh levels and clock for the log. */
    qmem_qtest_irq_reset_levels(&server->irq);
    g_timer_start(server->timer);
    if (server->log) {
        fprintf(server->log, "[I " FMT_TIMEVAL "] OPENED\n",
                elapsed(server));
    }
    return c;
}

static void client_gone(gpointer opaque)
{
    QtestClient *c = opaque;
    QmemQtestServer *server = c->server;

    server->clients = g_list_remove(server->clients, c);
    if (server->log) {
        fprintf(server->log, "[I +" FMT_TIMEVAL "] CLOSED\n",
                elapsed(server));
    }
    g_free(c);
}

static const QmemChardevFrontend qtest_chardev_frontend = {
    .connected = client_connected,
    .received = client_received,
    .gone = client_gone,
    .pause_input = OUTPUT_HIGH_WATER,
    /* Only replies: pause_input bounds them. */
    .max_output = 0,
    .stdio_nonblocking = TRUE,
};

void qmem_qtest_server_add_client(QmemQtestServer *server, int in_fd,
                                  int out_fd)
{
    QmemChardev *chr;

    g_return_if_fail(server != NULL && in_fd >= 0 && out_fd >= 0);
    chr = qmem_chardev_new_fds(in_fd, out_fd, &qtest_chardev_frontend,
                               server);
    server->chardevs = g_list_append(server->chardevs, chr);
}

guint qmem_qtest_server_get_n_clients(QmemQtestServer *server)
{
    g_return_val_if_fail(server != NULL, 0);
    return g_list_length(server->clients);
}

gboolean qmem_qtest_server_open(QmemQtestServer *server, const char *spec,
                                GError **error)
{
    QmemChardev *chr;

    g_return_val_if_fail(server != NULL && spec != NULL, FALSE);

    /* QEMU's qemu_chr_new() takes a -chardev by its id. */
    if (g_str_has_prefix(spec, "chardev:")) {
        chr = qmem_chardev_find(spec + strlen("chardev:"));
        if (chr && !server->borrowed) {
            if (!qmem_chardev_set_frontend(chr, &qtest_chardev_frontend,
                                           server, error)) {
                return FALSE;
            }
            server->borrowed = chr;
            return TRUE;
        }
        chr = NULL;
    } else {
        chr = qmem_chardev_new(spec, &qtest_chardev_frontend, server,
                               &server->has_stdio, error);
    }
    if (!chr) {
        if (!error || !*error) {
            /* QEMU gives no reason for a chardev that is not there. */
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Failed to initialize device for qtest: \"%s\"",
                        spec);
            return FALSE;
        }
        if (error) {
            qmem_error_set_hint(*error, "Failed to initialize device for "
                                "qtest: \"%s\"\n", spec);
        }
        return FALSE;
    }
    server->chardevs = g_list_append(server->chardevs, chr);
    return TRUE;
}

QmemQtestServer *qmem_qtest_server_new(QmemAddressSpace *as)
{
    QmemQtestServer *server;

    g_return_val_if_fail(as != NULL, NULL);

    server = g_new0(QmemQtestServer, 1);
    server->as = as;
    server->timer = g_timer_new();
    server->irq.levels = g_array_new(FALSE, TRUE, sizeof(int));
    return server;
}

QmemAddressSpace *qmem_qtest_server_get_address_space(QmemQtestServer *server)
{
    g_return_val_if_fail(server != NULL, NULL);
    return server->as;
}

void qmem_qtest_server_set_io_address_space(QmemQtestServer *server,
                                            QmemAddressSpace *io)
{
    g_return_if_fail(server != NULL);
    server->io = io;
}

static void server_flush(QmemQtestServer *server, int timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + timeout_ms * (gint64)1000;

    for (GList *l = server->chardevs; l; l = l->next) {
        qmem_chardev_flush(l->data, deadline);
    }
    if (server->borrowed) {
        qmem_chardev_flush(server->borrowed, deadline);
    }
}

void qmem_qtest_server_set_log(QmemQtestServer *server, const char *path)
{
    g_return_if_fail(server != NULL);

    if (server->log_owned) {
        fclose(server->log);
    }
    server->log = NULL;
    server->log_owned = FALSE;
    if (!path) {
        server->log = stderr;
    } else if (strcmp(path, "none")) {
        /* QEMU's fopen(); a log that cannot be opened is no log. */
        server->log = fopen(path, "w+");
        server->log_owned = server->log != NULL;
        if (server->log) {
            setvbuf(server->log, NULL, _IOLBF, 0);
        }
    }
}

void qmem_qtest_server_free(QmemQtestServer *server)
{
    if (!server) {
        return;
    }
    server_flush(server, 1000);
    g_list_free_full(g_steal_pointer(&server->chardevs),
                     (GDestroyNotify)qmem_chardev_free);
    if (server->borrowed) {
        qmem_chardev_clear_frontend(server->borrowed);
    }
    g_assert(!server->clients);
    qmem_qtest_irq_cleanup(&server->irq);
    g_array_unref(server->irq.levels);
    qmem_qtest_server_set_log(server, "none");
    g_timer_destroy(server->timer);
    g_free(server);
}
