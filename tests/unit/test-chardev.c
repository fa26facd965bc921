/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for the chardev backends (util/chardev.c). */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "qapi/opts.h"
#include "tests/unit/test-machine.h"
#include "util/chardev.h"
#include "util/error.h"

#define TIMEOUT_US (30 * G_USEC_PER_SEC)

/* What the frontend callbacks saw; one connection at a time. */
typedef struct {
    QmemChardev *chr;           /* as given to connected() */
    guint n_connected;
    guint n_gone;
    GString *input;             /* everything consumed */
    gsize consume_max;          /* consume at most this much per call */
    gboolean want_newline;      /* consume only up to a newline */
    gsize reply_size;           /* write this much for every call */
    guint n_received;
} Frontend;

static gpointer fe_connected(QmemChardev *chr, gpointer user_data)
{
    Frontend *fe = user_data;

    fe->chr = chr;
    fe->n_connected++;
    qmem_chardev_write(chr, "hello\n", 6);
    return fe;
}

static gsize fe_received(gpointer client, const guint8 *data, gsize len)
{
    Frontend *fe = client;
    gsize n = MIN(len, fe->consume_max ? fe->consume_max : len);

    fe->n_received++;
    if (fe->want_newline) {
        const guint8 *nl = memchr(data, '\n', len);

        if (!nl) {
            return 0;
        }
        n = nl - data + 1;
    }
    g_string_append_len(fe->input, (const char *)data, n);
    if (fe->reply_size) {
        g_autofree char *reply = g_strnfill(fe->reply_size, 'r');

        qmem_chardev_write(fe->chr, reply, fe->reply_size);
    }
    return n;
}

static void fe_gone(gpointer client)
{
    Frontend *fe = client;

    fe->n_gone++;
}

static QmemChardevFrontend frontend = {
    .connected = fe_connected,
    .received = fe_received,
    .gone = fe_gone,
    .pause_input = 1024 * 1024,
    .max_output = 0,
    .stdio_nonblocking = TRUE,
};

typedef struct {
    Frontend fe;
    QmemChardev *chr;
    int fd;                     /* the peer's end */
    GString *rx;
} Fixture;

static void fx_setup(Fixture *f, gconstpointer data)
{
    int sv[2];

    f->fe.input = g_string_new(NULL);
    f->rx = g_string_new(NULL);
    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
                    ==, 0);
    f->fd = sv[1];
    g_assert_cmpint(fcntl(f->fd, F_SETFL, O_NONBLOCK), ==, 0);
    f->chr = qmem_chardev_new_fds(sv[0], sv[0], &frontend, &f->fe);
    g_assert_true(f->fe.chr == f->chr);
    g_assert_cmpuint(f->fe.n_connected, ==, 1);
    g_assert_true(qmem_chardev_is_connected(f->chr));
}

static void fx_teardown(Fixture *f, gconstpointer data)
{
    qmem_chardev_free(f->chr);
    g_assert_cmpuint(f->fe.n_gone, ==, 1);
    if (f->fd >= 0) {
        close(f->fd);
    }
    g_string_free(f->fe.input, TRUE);
    g_string_free(f->rx, TRUE);
    while (g_main_context_iteration(NULL, FALSE)) {
    }
}

static void pump(void)
{
    for (int i = 0; i < 20; i++) {
        g_main_context_iteration(NULL, FALSE);
    }
}

static void fx_read_some(Fixture *f)
{
    char buf[65536];
    ssize_t n;

    while ((n = read(f->fd, buf, sizeof(buf))) > 0) {
        g_string_append_len(f->rx, buf, n);
    }
}

/* Runs the main loop and reads until @done, at most TIMEOUT_US. */
static void fx_until(Fixture *f, gboolean (*done)(Fixture *f))
{
    gint64 deadline = g_get_monotonic_time() + TIMEOUT_US;

    while (!done(f)) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_main_context_iteration(NULL, FALSE);
        if (f->fd >= 0) {
            fx_read_some(f);
        }
        g_usleep(100);
    }
}

static void fx_send(Fixture *f, const char *data)
{
    g_assert_cmpint(write(f->fd, data, strlen(data)), ==, strlen(data));
}

static gboolean is_gone(Fixture *f)
{
    return f->fe.n_gone > 0;
}

static void test_input_split(Fixture *f, gconstpointer data)
{
    f->fe.want_newline = TRUE;
    fx_read_some(f);
    g_assert_cmpstr(f->rx->str, ==, "hello\n");

    /* What the frontend leaves is offered again, with what follows. */
    fx_send(f, "ab");
    pump();
    g_assert_cmpstr(f->fe.input->str, ==, "");
    g_assert_cmpuint(f->fe.n_received, >=, 1);
    fx_send(f, "c\nde\nf");
    pump();
    g_assert_cmpstr(f->fe.input->str, ==, "abc\nde\n");
    fx_send(f, "\n");
    pump();
    g_assert_cmpstr(f->fe.input->str, ==, "abc\nde\nf\n");

    /* Consuming less than offered: offered the rest at once. */
    f->fe.want_newline = FALSE;
    f->fe.consume_max = 1;
    fx_send(f, "xyz");
    pump();
    g_assert_cmpstr(f->fe.input->str, ==, "abc\nde\nf\nxyz");
}

static gboolean rx_has_all(Fixture *f)
{
    return f->rx->len >= 6 + 8 * 512 * 1024;
}

/* No input is read while pause_input bytes of output wait. */
static void test_pause_input(Fixture *f, gconstpointer data)
{
    f->fe.want_newline = TRUE;
    f->fe.reply_size = 512 * 1024;
    fx_send(f, "1\n2\n3\n4\n5\n6\n7\n8\n");
    pump();
    g_assert_cmpuint(f->fe.input->len, <, 16);
    g_assert_cmpuint(f->fe.input->len, >=, 4);
    g_assert_true(qmem_chardev_is_connected(f->chr));
    fx_until(f, rx_has_all);
    g_assert_cmpstr(f->fe.input->str, ==, "1\n2\n3\n4\n5\n6\n7\n8\n");
    g_assert_cmpuint(f->rx->len, ==, 6 + 8 * 512 * 1024);
}

/* A peer that lets more than max_output pile up is dropped. */
static void test_max_output(Fixture *f, gconstpointer data)
{
    g_autofree char *big = g_strnfill(1024 * 1024, 'e');

    frontend.max_output = 4 * 1024 * 1024;
    for (int i = 0; i < 3; i++) {
        qmem_chardev_write(f->chr, big, 1024 * 1024);
    }
    g_assert_true(qmem_chardev_is_connected(f->chr));
    for (int i = 0; i < 4; i++) {
        qmem_chardev_write(f->chr, big, 1024 * 1024);
    }
    frontend.max_output = 0;
    g_assert_false(qmem_chardev_is_connected(f->chr));
    fx_until(f, is_gone);
    /* Writes after the end are dropped. */
    qmem_chardev_write(f->chr, "x", 1);
    g_assert_false(qmem_chardev_is_connected(f->chr));
}

/* The peer's end of input: what it asked for still goes out. */
static void test_eof(Fixture *f, gconstpointer data)
{
    f->fe.reply_size = 3 * 1024 * 1024;
    fx_send(f, "x");
    shutdown(f->fd, SHUT_WR);
    fx_until(f, is_gone);
    fx_read_some(f);
    g_assert_cmpuint(f->rx->len, ==, 6 + 3 * 1024 * 1024);
    g_assert_false(qmem_chardev_is_connected(f->chr));
}

/* A peer that goes away with output pending: no SIGPIPE, just gone. */
static void test_hangup(Fixture *f, gconstpointer data)
{
    g_autofree char *big = g_strnfill(4 * 1024 * 1024, 'h');

    qmem_chardev_write(f->chr, big, 4 * 1024 * 1024);
    close(f->fd);
    f->fd = -1;
    fx_until(f, is_gone);
}

/* flush() waits for a slow reader, but not beyond the deadline. */
static void test_flush_deadline(Fixture *f, gconstpointer data)
{
    g_autofree char *big = g_strnfill(4 * 1024 * 1024, 'd');
    gint64 start;

    qmem_chardev_write(f->chr, big, 4 * 1024 * 1024);
    start = g_get_monotonic_time();
    qmem_chardev_flush(f->chr, start + 200 * 1000);
    g_assert_cmpint(g_get_monotonic_time() - start, >=, 190 * 1000);
    g_assert_true(qmem_chardev_is_connected(f->chr));
}

typedef struct {
    const char *name;
    const char *spec;
    const char *message;
    const char *hint;
} SpecCase;

#define LONG_PATH "/tmp/0123456789012345678901234567890123456789" \
    "0123456789012345678901234567890123456789" \
    "0123456789012345678901234567890123456789"

static const SpecCase spec_cases[] = {
    { "not-a-driver", "foo", "'foo' is not a valid char driver" },
    { "stdio-options", "stdio,foo=1",
      "'stdio,foo=1' is not a valid char driver" },
    { "tcp", "tcp:localhost:4444,server=on",
      "'tcp:localhost:4444,server=on' is not a valid char driver" },
    { "empty-path", "unix:", "Unable to parse FD number " },
    { "empty-path-options", "unix:,server=on",
      "Unable to parse FD number " },
    { "bad-server", "unix:/tmp/x.sock,server=maybe",
      "Parameter 'server' expects 'on' or 'off'" },
    { "bad-wait", "unix:/tmp/x.sock,server=on,wait=2",
      "Parameter 'wait' expects 'on' or 'off'" },
    { "bad-key", "unix:/tmp/x.sock,server=on,wait=off,bogus=1",
      "Invalid parameter 'bogus'" },
    { "bad-flag", "unix:/tmp/x.sock,bogus",
      "Invalid parameter 'bogus'" },
    { "bind-fails", "unix:/nonexistent/x.sock,server=on,wait=off",
      "Failed to bind socket to /nonexistent/x.sock: "
      "No such file or directory" },
    { "connect-fails", "unix:/nonexistent/x.sock",
      "Failed to connect to '/nonexistent/x.sock': "
      "No such file or directory" },
    { "path-too-long", "unix:" LONG_PATH ",server=on,nowait",
      "UNIX socket path '" LONG_PATH "' is too long",
      "Path must be less than 108 bytes\n" },
};

static void test_spec_error(gconstpointer data)
{
    const SpecCase *sc = data;
    g_autoptr(GError) error = NULL;
    Frontend fe = { 0 };
    gboolean stdio_in_use = FALSE;

    g_assert_null(qmem_chardev_new(sc->spec, &frontend, &fe, &stdio_in_use,
                                   &error));
    g_assert_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC);
    g_assert_cmpstr(error->message, ==, sc->message);
    g_assert_cmpstr(qmem_error_get_hint(error), ==, sc->hint);
    g_assert_cmpuint(fe.n_connected, ==, 0);
    g_assert_false(stdio_in_use);
}

static gboolean is_connected(Fixture *f)
{
    return f->fe.n_connected > f->fe.n_gone;
}

static gboolean has_hello(Fixture *f)
{
    return strstr(f->rx->str, "hello\n") != NULL;
}

static void test_listen(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("qmem-chardev-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "c.sock", NULL);
    g_autofree char *spec = g_strdup_printf("unix:%s,server=on,wait=off",
                                            path);
    Fixture f = { .fe.input = g_string_new(NULL), .rx = g_string_new(NULL) };
    gboolean stdio_in_use = FALSE;
    int second;

    /* A stale file is replaced. */
    g_assert_true(g_file_set_contents(path, "", 0, NULL));
    f.chr = qmem_chardev_new(spec, &frontend, &f.fe, &stdio_in_use, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(f.fe.n_connected, ==, 0);
    g_assert_false(qmem_chardev_is_connected(f.chr));

    f.fd = unix_connect(path);
    fx_until(&f, is_connected);
    g_assert_true(f.fe.chr == f.chr);
    fx_until(&f, has_hello);

    /* One client at a time; the next is served when the first leaves. */
    second = unix_connect(path);
    pump();
    g_assert_cmpuint(f.fe.n_connected, ==, 1);
    close(f.fd);
    f.fd = second;
    g_string_truncate(f.rx, 0);
    fx_until(&f, has_hello);
    g_assert_cmpuint(f.fe.n_connected, ==, 2);
    g_assert_cmpuint(f.fe.n_gone, ==, 1);

    /* The socket file goes with the chardev. */
    qmem_chardev_free(f.chr);
    g_assert_cmpuint(f.fe.n_gone, ==, 2);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    close(f.fd);
    g_string_free(f.fe.input, TRUE);
    g_string_free(f.rx, TRUE);
    g_assert_cmpint(rmdir(dir), ==, 0);
}

static gpointer connect_later(gpointer path)
{
    g_usleep(50 * 1000);
    return GINT_TO_POINTER(unix_connect(path));
}

/* wait=on (the default) blocks until the first client is there. */
static void test_listen_wait(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("qmem-chardev-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "c.sock", NULL);
    g_autofree char *spec = g_strdup_printf("unix:%s,server", path);
    Frontend fe = { .input = g_string_new(NULL) };
    gboolean stdio_in_use = FALSE;
    QmemChardev *chr;
    GThread *thread;
    int fd;

    thread = g_thread_new("connect", connect_later, path);
    chr = qmem_chardev_new(spec, &frontend, &fe, &stdio_in_use, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(fe.n_connected, ==, 1);
    fd = GPOINTER_TO_INT(g_thread_join(thread));
    qmem_chardev_free(chr);
    g_assert_cmpuint(fe.n_gone, ==, 1);
    close(fd);
    g_string_free(fe.input, TRUE);
    g_assert_cmpint(rmdir(dir), ==, 0);
}

static void test_connect(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("qmem-chardev-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "c.sock", NULL);
    g_autofree char *spec = g_strdup_printf("unix:%s", path);
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    Fixture f = { .fe.input = g_string_new(NULL), .rx = g_string_new(NULL) };
    gboolean stdio_in_use = FALSE;
    int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
    g_assert_cmpint(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)), ==, 0);
    g_assert_cmpint(listen(lfd, 1), ==, 0);
    f.chr = qmem_chardev_new(spec, &frontend, &f.fe, &stdio_in_use, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(f.fe.n_connected, ==, 1);
    f.fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    g_assert_cmpint(f.fd, >=, 0);
    fx_until(&f, has_hello);

    /* The peer going away ends the connection; the chardev stays. */
    close(f.fd);
    f.fd = -1;
    fx_until(&f, is_gone);
    g_assert_false(qmem_chardev_is_connected(f.chr));
    qmem_chardev_free(f.chr);
    g_assert_cmpuint(f.fe.n_gone, ==, 1);
    /* Not ours to remove. */
    g_assert_true(g_file_test(path, G_FILE_TEST_EXISTS));
    close(lfd);
    unlink(path);
    g_string_free(f.fe.input, TRUE);
    g_string_free(f.rx, TRUE);
    g_assert_cmpint(rmdir(dir), ==, 0);
}

static void stdio_run(gboolean nonblocking)
{
    g_autoptr(GError) error = NULL;
    Fixture f = { .fe.input = g_string_new(NULL), .rx = g_string_new(NULL) };
    QmemChardevFrontend fe = frontend;
    gboolean stdio_in_use = FALSE;
    int sv[2];

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
                    ==, 0);
    g_assert_cmpint(dup2(sv[0], STDIN_FILENO), ==, STDIN_FILENO);
    g_assert_cmpint(dup2(sv[0], STDOUT_FILENO), ==, STDOUT_FILENO);
    close(sv[0]);
    f.fd = sv[1];
    g_assert_cmpint(fcntl(f.fd, F_SETFL, O_NONBLOCK), ==, 0);

    fe.stdio_nonblocking = nonblocking;
    f.chr = qmem_chardev_new("stdio", &fe, &f.fe, &stdio_in_use, &error);
    g_assert_no_error(error);
    g_assert_true(stdio_in_use);
    g_assert_null(qmem_chardev_new("stdio", &fe, &f.fe, &stdio_in_use,
                                   &error));
    g_assert_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC);
    g_assert_cmpstr(error->message, ==,
                    "cannot use stdio by multiple character devices");
    g_assert_cmpint(!!(fcntl(STDIN_FILENO, F_GETFL) & O_NONBLOCK), ==,
                    nonblocking);
    g_assert_cmpint(!!(fcntl(STDOUT_FILENO, F_GETFL) & O_NONBLOCK), ==,
                    nonblocking);

    fx_until(&f, has_hello);
    fx_send(&f, "in");
    shutdown(f.fd, SHUT_WR);
    fx_until(&f, is_gone);
    g_assert_cmpstr(f.fe.input->str, ==, "in");
    /* fds 0 and 1 are the process's: never closed. */
    g_assert_cmpint(fcntl(STDIN_FILENO, F_GETFD), >=, 0);
    g_assert_cmpint(fcntl(STDOUT_FILENO, F_GETFD), >=, 0);
    qmem_chardev_free(f.chr);
    g_assert_cmpuint(f.fe.n_gone, ==, 1);
    close(f.fd);
    g_string_free(f.fe.input, TRUE);
    g_string_free(f.rx, TRUE);
}

static void test_stdio(gconstpointer data)
{
    if (!g_test_subprocess()) {
        g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
        g_test_trap_assert_passed();
        return;
    }
    stdio_run(GPOINTER_TO_INT(data));
}

/* -chardev options, as qmem-run hands them over. */
static QmemChardev *chardev_from(const char *arg, GError **error)
{
    g_autoptr(JsonObject) opts = qmem_opts_parse(arg, "backend", NULL,
                                                 error);

    return opts ? qmem_chardev_new_from_opts(opts, error) : NULL;
}

static gboolean has_input(Fixture *f)
{
    return f->fe.input->len > 0;
}

/*
 * QEMU's order: the chardev listens before a frontend exists, a client
 * may connect and send; the frontend attaching gets the connection and
 * what waited.
 */
static void test_opts_frontend_later(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("qmem-chardev-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "s", NULL);
    g_autofree char *arg = g_strdup_printf("socket,id=c0,path=%s,server=on,"
                                           "wait=off", path);
    Fixture f = { .fe.input = g_string_new(NULL), .rx = g_string_new(NULL) };
    struct sockaddr_un sun = { .sun_family = AF_UNIX };

    f.chr = chardev_from(arg, &error);
    g_assert_no_error(error);
    g_assert_true(qmem_chardev_find("c0") == f.chr);
    g_assert_cmpstr(qmem_chardev_get_label(f.chr), ==, "c0");
    g_assert_false(qmem_chardev_is_connected(f.chr));

    f.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    strcpy(sun.sun_path, path);
    g_assert_cmpint(connect(f.fd, (struct sockaddr *)&sun, sizeof(sun)), ==,
                    0);
    g_assert_cmpint(fcntl(f.fd, F_SETFL, O_NONBLOCK), ==, 0);
    fx_send(&f, "early");
    pump();
    g_assert_cmpuint(f.fe.n_connected, ==, 0);

    g_assert_true(qmem_chardev_set_frontend(f.chr, &frontend, &f.fe,
                                            &error));
    g_assert_no_error(error);
    fx_until(&f, has_hello);
    fx_until(&f, has_input);
    g_assert_cmpuint(f.fe.n_connected, ==, 1);
    g_assert_cmpstr(f.fe.input->str, ==, "early");

    g_assert_false(qmem_chardev_set_frontend(f.chr, &frontend, &f.fe,
                                             &error));
    g_assert_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC);
    g_assert_cmpstr(error->message, ==, "Device 'c0' is in use");

    /* Taking the frontend off ends its client; the connection stays. */
    qmem_chardev_clear_frontend(f.chr);
    g_assert_cmpuint(f.fe.n_gone, ==, 1);
    g_assert_true(qmem_chardev_is_connected(f.chr));
    fx_send(&f, "late");
    pump();
    g_assert_cmpstr(f.fe.input->str, ==, "early");

    qmem_chardev_free_all();
    g_assert_null(qmem_chardev_find("c0"));
    g_assert_cmpuint(f.fe.n_gone, ==, 1);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    close(f.fd);
    g_string_free(f.fe.input, TRUE);
    g_string_free(f.rx, TRUE);
    g_assert_cmpint(rmdir(dir), ==, 0);
}

/* fd=N: an inherited, connected socket, owned from then on. */
static void test_opts_fd(void)
{
    g_autoptr(GError) error = NULL;
    Fixture f = { .fe.input = g_string_new(NULL), .rx = g_string_new(NULL) };
    g_autofree char *arg = NULL;
    int sv[2];

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    f.fd = sv[1];
    g_assert_cmpint(fcntl(f.fd, F_SETFL, O_NONBLOCK), ==, 0);
    arg = g_strdup_printf("socket,id=c1,fd=%d", sv[0]);
    f.chr = chardev_from(arg, &error);
    g_assert_no_error(error);
    g_assert_true(qmem_chardev_is_connected(f.chr));
    g_assert_true(qmem_chardev_set_frontend(f.chr, &frontend, &f.fe,
                                            &error));
    fx_until(&f, has_hello);
    fx_send(&f, "x");
    fx_until(&f, has_input);
    g_assert_cmpstr(f.fe.input->str, ==, "x");
    qmem_chardev_free_all();
    g_assert_cmpuint(f.fe.n_gone, ==, 1);
    /* The chardev closed its end. */
    g_assert_cmpint(fcntl(sv[0], F_GETFD), ==, -1);
    close(f.fd);
    g_string_free(f.fe.input, TRUE);
    g_string_free(f.rx, TRUE);
}

/* null: there, never connected; writes go nowhere. */
static void test_opts_null(void)
{
    g_autoptr(GError) error = NULL;
    Fixture f = { .fe.input = g_string_new(NULL) };
    QmemChardev *chr = chardev_from("null,id=n0", &error);

    g_assert_no_error(error);
    g_assert_true(qmem_chardev_set_frontend(chr, &frontend, &f.fe, &error));
    g_assert_cmpuint(f.fe.n_connected, ==, 0);
    qmem_chardev_write(chr, "x", 1);
    g_assert_false(qmem_chardev_is_connected(chr));

    /* An id is taken once, as a child of QEMU's /chardevs is. */
    g_assert_null(chardev_from("null,id=n0", &error));
    g_assert_cmpstr(error->message, ==, "attempt to add duplicate property "
                    "'n0' to object (type 'container')");
    qmem_chardev_free_all();
    g_assert_cmpuint(f.fe.n_gone, ==, 0);
    g_string_free(f.fe.input, TRUE);
}

typedef struct {
    const char *name;
    const char *arg;
    const char *message;
} OptsCase;

static const OptsCase opts_cases[] = {
    { "no-id", "socket,path=/s", "chardev: no id specified" },
    { "no-backend", "id=c", "chardev: \"c\" missing backend" },
    { "bad-backend", "pty,id=c", "'pty' is not a valid char driver name" },
    { "invalid", "null,id=c,foo=1", "Invalid parameter 'foo'" },
    { "bool", "socket,id=c,path=/s,server=2",
      "Parameter 'server' expects 'on' or 'off'" },
    { "number", "socket,id=c,path=/s,reconnect=x",
      "Parameter 'reconnect' expects a number" },
    { "number-range", "socket,id=c,path=/s,reconnect=99999999999999999999",
      "Value '99999999999999999999' is too large for parameter "
      "'reconnect'" },
    { "size", "null,id=c,size=x",
      "Parameter 'size' expects a non-negative number below 2^64" },
    { "fd-and-host", "socket,id=c,fd=3,host=h",
      "None or one of 'path', 'fd' or 'host' option required." },
    { "tls-creds", "socket,id=c,path=/s,tls-creds=t",
      "No TLS credentials with id 't'" },
    { "websocket", "socket,id=c,path=/s,websocket=on",
      "Websocket client is not implemented" },
    { "telnet", "socket,id=c,path=/s,server=on,telnet=on",
      "chardev option 'telnet=on' is not supported" },
    { "logfile", "null,id=c,logfile=/l",
      "chardev option 'logfile' is not supported" },
    { "reconnect", "socket,id=c,path=/s,reconnect=1",
      "chardev option 'reconnect' is not supported" },
};

static void test_opts_error(gconstpointer data)
{
    const OptsCase *c = data;
    g_autoptr(GError) error = NULL;

    g_assert_null(chardev_from(c->arg, &error));
    g_assert_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC);
    g_assert_cmpstr(error->message, ==, c->message);
    g_assert_null(qmem_chardev_find("c"));
}

/* A connected socket cannot listen: QEMU's socket_listen() on an fd. */
static void test_opts_fd_listen_error(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *arg = NULL;
    int sv[2];

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    arg = g_strdup_printf("socket,id=c,fd=%d,server=on,wait=off", sv[0]);
    g_assert_null(chardev_from(arg, &error));
    g_assert_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC);
    g_assert_cmpstr(error->message, ==, "Failed to listen on fd socket: "
                    "Invalid argument");
    /* Closed, as QEMU closes it. */
    g_assert_cmpint(fcntl(sv[0], F_GETFD), ==, -1);
    close(sv[1]);
}

static void test_opts_help(void)
{
    g_autoptr(GString) out = g_string_new(NULL);

    qmem_chardev_print_help(FALSE, out);
    g_assert_cmpstr(out->str, ==, "Available chardev backend types: \n"
                    "  socket\n  stdio\n  null\n");
    g_string_truncate(out, 0);
    qmem_chardev_print_help(TRUE, out);
    g_assert_true(g_str_has_prefix(out->str, "chardev options:\n"
                                   "  abstract=<bool (on/off)>\n"));
    g_assert_true(g_str_has_suffix(out->str, "  width=<num>\n"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

#define ADD(path, fn) \
    g_test_add(path, Fixture, NULL, fx_setup, fn, fx_teardown)

    ADD("/util/chardev/input/split", test_input_split);
    ADD("/util/chardev/output/pause-input", test_pause_input);
    ADD("/util/chardev/output/max-output", test_max_output);
    ADD("/util/chardev/output/eof", test_eof);
    ADD("/util/chardev/output/hangup", test_hangup);
    ADD("/util/chardev/output/flush-deadline", test_flush_deadline);
    for (guint i = 0; i < G_N_ELEMENTS(spec_cases); i++) {
        g_autofree char *path = g_strdup_printf("/util/chardev/spec/%s",
                                                spec_cases[i].name);

        g_test_add_data_func(path, &spec_cases[i], test_spec_error);
    }
    g_test_add_func("/util/chardev/unix/listen", test_listen);
    g_test_add_func("/util/chardev/unix/listen-wait", test_listen_wait);
    g_test_add_func("/util/chardev/unix/connect", test_connect);
    g_test_add_data_func("/util/chardev/stdio/blocking", GINT_TO_POINTER(0),
                         test_stdio);
    g_test_add_data_func("/util/chardev/stdio/nonblocking",
                         GINT_TO_POINTER(1), test_stdio);
    g_test_add_func("/util/chardev/opts/frontend-later",
                    test_opts_frontend_later);
    g_test_add_func("/util/chardev/opts/fd", test_opts_fd);
    g_test_add_func("/util/chardev/opts/fd-listen-error",
                    test_opts_fd_listen_error);
    g_test_add_func("/util/chardev/opts/null", test_opts_null);
    g_test_add_func("/util/chardev/opts/help", test_opts_help);
    for (guint i = 0; i < G_N_ELEMENTS(opts_cases); i++) {
        g_autofree char *path = g_strdup_printf("/util/chardev/opts/error/%s",
                                                opts_cases[i].name);

        g_test_add_data_func(path, &opts_cases[i], test_opts_error);
    }
    return g_test_run();
}
