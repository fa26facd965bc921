/* SPDX-License-Identifier: GPL-2.0-or-later */
/* An in-process QMP client over socketpair() for the unit tests. */

#ifndef QMEM_TESTS_UNIT_QMP_TEST_H
#define QMEM_TESTS_UNIT_QMP_TEST_H

#include <glib.h>

#include "monitor/qmp.h"

/* One QMP connection to a server of its own, in this process. */
typedef struct {
    QmemQmpServer *server;
    int fd;             /* the client's end, non-blocking */
    GString *rx;        /* received, not yet split into lines */
    GQueue events;      /* char *, event lines qmp_test_command() passed */
} QmpTestClient;

/* A human-monitor-command request for the literal HMP @line. */
#define QMP_TEST_HMP(line) \
    "{\"execute\": \"human-monitor-command\", \"arguments\": " \
    "{\"command-line\": \"" line "\"}}"

/**
 * qmp_test_open:
 * @q: the client to set up
 *
 * Starts a QMP server, connects @q to it, asserts the greeting and
 * negotiates capabilities.
 */
void qmp_test_open(QmpTestClient *q);

/**
 * qmp_test_close:
 * @q: the client
 *
 * Hangs up, frees the server and lets the main context settle.
 */
void qmp_test_close(QmpTestClient *q);

/**
 * qmp_test_recv_line:
 * @q: the client
 * @timeout_ms: how long to wait, running the default main context
 *
 * Returns: the next line the server sent, without its "\r\n" (which is
 * asserted), or %NULL if none came within @timeout_ms.
 */
char *qmp_test_recv_line(QmpTestClient *q, int timeout_ms);

/**
 * qmp_test_recv:
 * @q: the client
 *
 * Returns: the next line, which must come within 10 seconds.
 */
char *qmp_test_recv(QmpTestClient *q);

/**
 * qmp_test_send:
 * @q: the client
 * @request: text to send as it is
 */
void qmp_test_send(QmpTestClient *q, const char *request);

/**
 * qmp_test_call:
 * @q: the client
 * @request: a command
 *
 * Returns: the line that follows @request, whatever it is.
 */
char *qmp_test_call(QmpTestClient *q, const char *request);

/**
 * qmp_test_expect:
 * @q: the client
 * @expected: the exact next line
 */
void qmp_test_expect(QmpTestClient *q, const char *expected);

/**
 * qmp_test_cmd:
 * @q: the client
 * @request: a command
 * @expected: the exact line that must follow it
 */
void qmp_test_cmd(QmpTestClient *q, const char *request,
                  const char *expected);

/**
 * qmp_test_expect_event:
 * @q: the client
 * @expected: the next line, which must be an event, from "event" on
 *            (after its timestamp)
 */
void qmp_test_expect_event(QmpTestClient *q, const char *expected);

/**
 * qmp_test_command:
 * @q: the client
 * @request: a command
 *
 * Returns: the reply to @request; events that come before it are queued
 * for qmp_test_event().
 */
char *qmp_test_command(QmpTestClient *q, const char *request);

/**
 * qmp_test_event:
 * @q: the client
 * @timeout_ms: how long to wait if none is queued
 *
 * Returns: the next event line, queued or arriving within @timeout_ms,
 * or %NULL.
 */
char *qmp_test_event(QmpTestClient *q, int timeout_ms);

#endif
