/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: a QMP client's bytes, streamer to dispatch, live machine. */

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "monitor/qmp.h"
#include "qobject/json.h"
#include "tests/fuzz/fuzz-machine.h"

/*
 * Input: the bytes a client sends after connecting, as they are (it must
 * negotiate with qmp_capabilities itself).  They go over a socket to a
 * QMP server in this process, in front of a live pc machine
 * (fuzz-machine.h); the client then hangs up, and everything is torn
 * down.  Every line the server sends must be a JSON object: the greeting,
 * replies and events.
 *
 * Inputs the host guard refuses (fuzz_guard_json()) are not run; the
 * guard sees what the server will see, parsed by the same streamer.
 * FUZZ_VERBOSE=1 in the environment prints what the server sent.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    gboolean refused;
} Guard;

static void guard_message(gpointer opaque, JsonNode *value, GError *error)
{
    Guard *g = opaque;

    if (value) {
        g->refused |= !fuzz_guard_json(value);
        json_node_unref(value);
    }
    if (error) {
        g_error_free(error);
    }
}

static gboolean guard_input(const uint8_t *data, size_t size)
{
    Guard g = { FALSE };
    g_autoptr(QmemJsonStreamer) js = qmem_json_streamer_new(guard_message,
                                                           &g);

    qmem_json_streamer_feed(js, (const char *)data, size);
    qmem_json_streamer_flush(js);
    return !g.refused;
}

/* Every line the server sent is one JSON object. */
static void check_output(GString *out)
{
    g_auto(GStrv) lines = NULL;

    g_assert_true(out->len == 0 || g_str_has_suffix(out->str, "\r\n"));
    lines = g_strsplit(out->str, "\r\n", -1);
    for (guint i = 0; lines[i] && lines[i][0]; i++) {
        g_autoptr(JsonParser) parser = json_parser_new();
        g_autoptr(GError) error = NULL;

        if (!json_parser_load_from_data(parser, lines[i], -1, &error)) {
            g_error("QMP sent invalid JSON (%s): %s", error->message,
                    lines[i]);
        }
        g_assert_true(JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)));
    }
}

static void receive(int fd, GString *out)
{
    char buf[65536];
    ssize_t n;

    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        g_string_append_len(out, buf, n);
    }
}

/* The server's sources run from here, as qmem-run's main loop runs them. */
static void pump(int fd, GString *out)
{
    while (g_main_context_iteration(NULL, FALSE)) {
    }
    receive(fd, out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    MachineFixture f;
    QmemQmpServer *server;
    g_autoptr(GString) out = g_string_new(NULL);
    size_t sent = 0;
    int sv[2];

    if (!guard_input(data, size)) {
        return 0;
    }
    fuzz_machine_setup(&f);
    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
                    ==, 0);
    g_assert_cmpint(fcntl(sv[1], F_SETFL, O_NONBLOCK), ==, 0);
    server = qmem_qmp_server_new();
    qmem_qmp_server_add_client(server, sv[0], sv[0]);

    while (sent < size) {
        ssize_t n = write(sv[1], data + sent, size - sent);

        if (n > 0) {
            sent += n;
        }
        pump(sv[1], out);
    }
    /* The client hangs up; the server reads to the end, then lets go. */
    g_assert_cmpint(shutdown(sv[1], SHUT_WR), ==, 0);
    while (qmem_qmp_server_get_n_clients(server)) {
        struct pollfd pfd = { .fd = sv[1], .events = POLLIN };

        pump(sv[1], out);
        poll(&pfd, 1, 1);
    }
    qmem_qmp_server_free(server);
    pump(sv[1], out);
    close(sv[1]);
    if (g_getenv("FUZZ_VERBOSE")) {
        fputs(out->str, stdout);
    }
    check_output(out);

    fuzz_machine_teardown(&f);
    return 0;
}
