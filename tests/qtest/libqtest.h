/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qtest client library: runs qmem-run and drives it over QMP and qtest. */

#ifndef QMEM_TESTS_QTEST_LIBQTEST_H
#define QMEM_TESTS_QTEST_LIBQTEST_H

#include <stdint.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * Modelled on QEMU's tests/qtest/libqtest.h, with JSON-GLib objects for
 * QDicts.  Every wait is bounded (60 s, or $QTEST_TIMEOUT seconds): a
 * runner that hangs or dies fails the test instead of stalling it.  The
 * runner is killed when the test process dies, and its stdout goes to the
 * test's stderr so that it cannot disturb TAP output.
 *
 * QMP commands are printf-style text, sent as they come out: the server
 * takes QEMU's JSON dialect, so single-quoted strings work as in QEMU's
 * tests ("{'execute': 'query-memdev'}"); quote strings from elsewhere with
 * qtest_json_quote().
 */

typedef struct QTestState QTestState;

/**
 * qtest_init:
 * @extra_args: further options, split as a shell would
 *
 * Starts $QMEM_RUN with "-accel qtest -nodefaults -display none -S -qmp
 * unix:<tmpdir>/qmp.sock,server=on,wait=off" and @extra_args, connects to
 * QMP, reads the greeting and negotiates capabilities.
 *
 * When @extra_args contain "-qtest", the qtest line protocol is connected
 * too: "-qtest" alone (followed by nothing or by another option) becomes
 * "-qtest unix:<tmpdir>/qtest.sock", on which the library listens and the
 * runner connects, as QEMU does; an explicit "-qtest unix:PATH" is used as
 * given, the library listening on PATH, or connecting to it when the spec
 * says server=on.
 *
 * Returns: (transfer full): the running instance; free it with
 * qtest_quit().
 */
QTestState *qtest_init(const char *extra_args);

/** qtest_initf: qtest_init() with printf-style arguments. */
QTestState *qtest_initf(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/**
 * qtest_set_expected_status:
 * @s: an instance
 * @status: the exit status qtest_quit() asserts (0 unless set)
 */
void qtest_set_expected_status(QTestState *s, int status);

/**
 * qtest_quit:
 * @s: (transfer full): an instance
 *
 * Sends "quit" (unless the runner is gone already), waits for the runner to
 * exit, asserts that it exited normally with the expected status and
 * frees @s, its sockets and its temporary directory.
 */
void qtest_quit(QTestState *s);

/**
 * qtest_qmp:
 * @s: an instance
 * @fmt: printf-style QMP command
 *
 * Sends a command and waits for its reply; events that arrive meanwhile
 * are queued for qtest_qmp_eventwait() and qtest_qmp_event_ref().
 *
 * Returns: (transfer full): the reply ({"return": ...} or {"error": ...}).
 */
JsonObject *qtest_qmp(QTestState *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/** qtest_vqmp: qtest_qmp() with a va_list. */
JsonObject *qtest_vqmp(QTestState *s, const char *fmt, va_list ap)
    G_GNUC_PRINTF(2, 0);

/**
 * qtest_qmp_send:
 * @s: an instance
 * @fmt: printf-style text, sent as it is (it need not be valid JSON)
 *
 * Sends without waiting; read the reply with qtest_qmp_receive().
 */
void qtest_qmp_send(QTestState *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/**
 * qtest_qmp_send_raw:
 * @s: an instance
 * @data: bytes to send
 * @len: how many
 *
 * Sends bytes as they are, e.g. half a command or invalid UTF-8.
 */
void qtest_qmp_send_raw(QTestState *s, const void *data, gsize len);

/**
 * qtest_qmp_receive:
 * @s: an instance
 *
 * Returns: (transfer full): the next message that is not an event (events
 * are queued).
 */
JsonObject *qtest_qmp_receive(QTestState *s);

/**
 * qtest_qmp_receive_dict:
 * @s: an instance
 *
 * Returns: (transfer full): the next message, event or not, ignoring the
 * queue.
 */
JsonObject *qtest_qmp_receive_dict(QTestState *s);

/**
 * qtest_qmp_receive_line:
 * @s: an instance
 *
 * Returns: (transfer full): the next line the server sent, without its
 * "\r\n", for tests of the exact wire format.
 */
char *qtest_qmp_receive_line(QTestState *s);

/**
 * qtest_qmp_assert_success:
 *
 * Sends a command and asserts that it succeeds.
 */
void qtest_qmp_assert_success(QTestState *s, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

/**
 * qtest_qmp_assert_success_ref:
 *
 * Sends a command and asserts that it succeeds.
 *
 * Returns: (transfer full): its "return" value.
 */
JsonNode *qtest_qmp_assert_success_ref(QTestState *s, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

/**
 * qtest_qmp_expect_error:
 * @s: an instance
 * @error_class: the expected "class" ("GenericError")
 * @desc: the expected "desc", exactly
 * @fmt: printf-style QMP command
 *
 * Sends a command and asserts that it fails with this class and text.
 */
void qtest_qmp_expect_error(QTestState *s, const char *error_class,
                            const char *desc, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);

/**
 * qtest_qmp_eventwait_ref:
 * @s: an instance
 * @event: an event name
 *
 * Waits for @event, taking it from the queue if it came already; events of
 * other names stay queued.
 *
 * Returns: (transfer full): the whole event message.
 */
JsonObject *qtest_qmp_eventwait_ref(QTestState *s, const char *event);

/** qtest_qmp_eventwait: qtest_qmp_eventwait_ref(), dropping the event. */
void qtest_qmp_eventwait(QTestState *s, const char *event);

/**
 * qtest_qmp_event_ref:
 * @s: an instance
 * @event: an event name
 *
 * Reads what the server has sent so far without waiting and takes the
 * first queued @event.
 *
 * Returns: (transfer full) (nullable): the event, or NULL if none came.
 */
JsonObject *qtest_qmp_event_ref(QTestState *s, const char *event);

/**
 * qtest_qmp_event_pop:
 * @s: an instance
 *
 * Takes the oldest queued event, whatever its name: one that came while
 * qtest_qmp() waited for a reply (send a command first to be sure that
 * the events sent before it are there).
 *
 * Returns: (transfer full) (nullable): the event, or NULL if none is
 *   queued.
 */
JsonObject *qtest_qmp_event_pop(QTestState *s);

/**
 * qtest_hmp:
 * @s: an instance
 * @fmt: printf-style HMP command line
 *
 * Runs an HMP command through human-monitor-command.
 *
 * Returns: (transfer full): its text ("\r\n" line endings, as QEMU).
 */
char *qtest_hmp(QTestState *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/**
 * qtest_json_quote:
 * @str: a string
 *
 * Returns: (transfer full): @str as a JSON string literal, with its quotes.
 */
char *qtest_json_quote(const char *str);

/**
 * qtest_run_cmdline:
 * @args: options for $QMEM_RUN, split as a shell would
 * @out: (out) (optional): what it printed on stdout
 * @err: (out) (optional): what it printed on stderr
 * @status: (out): its exit status, or 128 + the signal that killed it
 *
 * Runs qmem-run to completion (60 s at most, else the test fails), for tests
 * of command-line handling.
 */
void qtest_run_cmdline(const char *args, char **out, char **err,
                       int *status);

/*
 * The qtest line protocol (QEMU's tests/qtest/libqtest.c): one command per
 * line, "OK ..." or "FAIL ..." back.  Only for an instance started with
 * -qtest; a FAIL fails the test (see qtest_raw_command() for testing
 * failures).
 */
uint8_t qtest_readb(QTestState *s, uint64_t addr);
uint16_t qtest_readw(QTestState *s, uint64_t addr);
uint32_t qtest_readl(QTestState *s, uint64_t addr);
uint64_t qtest_readq(QTestState *s, uint64_t addr);
void qtest_writeb(QTestState *s, uint64_t addr, uint8_t value);
void qtest_writew(QTestState *s, uint64_t addr, uint16_t value);
void qtest_writel(QTestState *s, uint64_t addr, uint32_t value);
void qtest_writeq(QTestState *s, uint64_t addr, uint64_t value);

/* Port I/O: "inb PORT" (reply "OK 0x%04x"), "outb PORT VALUE". */
uint8_t qtest_inb(QTestState *s, uint16_t addr);
uint16_t qtest_inw(QTestState *s, uint16_t addr);
uint32_t qtest_inl(QTestState *s, uint16_t addr);
void qtest_outb(QTestState *s, uint16_t addr, uint8_t value);
void qtest_outw(QTestState *s, uint16_t addr, uint16_t value);
void qtest_outl(QTestState *s, uint16_t addr, uint32_t value);

/** qtest_memread: "read ADDR SIZE", reply "OK 0x<hex bytes>" */
void qtest_memread(QTestState *s, uint64_t addr, void *data, size_t size);

/** qtest_memwrite: "write ADDR SIZE 0x<hex bytes>" */
void qtest_memwrite(QTestState *s, uint64_t addr, const void *data,
                    size_t size);

/** qtest_memset: "memset ADDR SIZE VALUE" */
void qtest_memset(QTestState *s, uint64_t addr, uint8_t pattern, size_t size);

/**
 * qtest_raw_command:
 * @s: an instance started with -qtest
 * @fmt: printf-style command line, without its newline
 *
 * Returns: (transfer full): the reply line without its newline, OK or not
 * (asynchronous "IRQ" lines are skipped).
 */
char *qtest_raw_command(QTestState *s, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

G_END_DECLS

#endif
