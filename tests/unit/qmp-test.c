/* SPDX-License-Identifier: GPL-2.0-or-later */
/* An in-process QMP client over socketpair() for the unit tests. */

#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "monitor/qmp.h"
#include "tests/unit/qmp-test.h"

/* The server is a GSource on the default context: it runs only from here. */
static void pump(void)
{
    while (g_main_context_iteration(NULL, FALSE)) {
    }
}

void qmp_test_open(QmpTestClient *q)
{
    int sv[2];
    g_autofree char *greeting = NULL;

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
                    ==, 0);
    q->server = qmem_qmp_server_new();
    q->fd = sv[1];
    q->rx = g_string_new(NULL);
    g_queue_init(&q->events);
    g_assert_cmpint(fcntl(q->fd, F_SETFL, O_NONBLOCK), ==, 0);
    qmem_qmp_server_add_client(q->server, sv[0], sv[0]);
    greeting = qmp_test_recv(q);
    g_assert_true(g_str_has_prefix(greeting, "{\"QMP\": "));
    qmp_test_cmd(q, "{\"execute\": \"qmp_capabilities\"}", "{\"return\": {}}");
}

void qmp_test_close(QmpTestClient *q)
{
    close(q->fd);
    g_string_free(q->rx, TRUE);
    g_queue_clear_full(&q->events, g_free);
    qmem_qmp_server_free(q->server);
    pump();
}

char *qmp_test_recv_line(QmpTestClient *q, int timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;

    for (;;) {
        char *nl = memchr(q->rx->str, '\n', q->rx->len);
        char buf[65536];
        ssize_t n;

        if (nl) {
            gsize len = nl - q->rx->str;
            char *line;

            /* QMP ends every line with "\r\n". */
            g_assert_cmpuint(len, >, 0);
            g_assert_cmpint(nl[-1], ==, '\r');
            line = g_strndup(q->rx->str, len - 1);
            g_string_erase(q->rx, 0, len + 1);
            return line;
        }
        pump();
        n = read(q->fd, buf, sizeof(buf));
        if (n > 0) {
            g_string_append_len(q->rx, buf, n);
        } else {
            struct pollfd pfd = { .fd = q->fd, .events = POLLIN };

            if (g_get_monotonic_time() >= deadline) {
                return NULL;
            }
            poll(&pfd, 1, 1);
        }
    }
}

char *qmp_test_recv(QmpTestClient *q)
{
    char *line = qmp_test_recv_line(q, 10000);

    g_assert_nonnull(line);
    return line;
}

void qmp_test_send(QmpTestClient *q, const char *request)
{
    g_assert_cmpint(write(q->fd, request, strlen(request)), ==,
                    (ssize_t)strlen(request));
}

char *qmp_test_call(QmpTestClient *q, const char *request)
{
    qmp_test_send(q, request);
    return qmp_test_recv(q);
}

void qmp_test_expect(QmpTestClient *q, const char *expected)
{
    g_autofree char *reply = qmp_test_recv(q);

    g_assert_cmpstr(reply, ==, expected);
}

void qmp_test_cmd(QmpTestClient *q, const char *request, const char *expected)
{
    qmp_test_send(q, request);
    qmp_test_expect(q, expected);
}

void qmp_test_expect_event(QmpTestClient *q, const char *expected)
{
    g_autofree char *line = qmp_test_recv(q);
    const char *rest = strstr(line, "}, \"event\": ");

    g_assert_true(g_str_has_prefix(line, "{\"timestamp\": {\"seconds\": "));
    g_assert_nonnull(rest);
    g_assert_cmpstr(rest + 3, ==, expected);
}

char *qmp_test_command(QmpTestClient *q, const char *request)
{
    qmp_test_send(q, request);
    for (;;) {
        char *line = qmp_test_recv(q);

        if (!strstr(line, "\"event\": ")) {
            return line;
        }
        g_queue_push_tail(&q->events, line);
    }
}

char *qmp_test_event(QmpTestClient *q, int timeout_ms)
{
    char *line;

    if (!g_queue_is_empty(&q->events)) {
        return g_queue_pop_head(&q->events);
    }
    line = qmp_test_recv_line(q, timeout_ms);
    g_assert_true(!line || strstr(line, "\"event\": "));
    return line;
}
