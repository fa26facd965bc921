/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qtest client library: runs qmem-run and drives it over QMP and qtest. */

#ifndef QMEM_TESTS_QTEST_LIBQTEST_H
#define QMEM_TESTS_QTEST_LIBQTEST_H

#include <stdbool.h>
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
 * QTEST_MAX_IRQ:
 *
 * QEMU's MAX_IRQ: the line numbers libqtest keeps levels for; an "IRQ"
 * line with a number at or above it fails the test, as in QEMU.
 */
#define QTEST_MAX_IRQ 256

/**
 * qtest_init_without_qmp_handshake:
 * @extra_args: further options, split as a shell would
 *
 * Starts $QMEM_RUN as QEMU's libqtest starts QEMU: the library listens
 * on two Unix sockets in a temporary directory and runs
 *
 *     qmem-run -qtest unix:<qtest.sock> -qtest-log /dev/null
 *         -chardev socket,path=<qmp.sock>,id=char0
 *         -mon chardev=char0,mode=control -display none
 *         @extra_args -accel qtest
 *
 * (-qtest-log /dev/fd/2 when $QTEST_LOG is set), accepts the runner's
 * two connections, removes the socket files and asks "endianness".  A
 * bare "-qtest" in @extra_args, from the days the protocol was optional,
 * is dropped; "-qtest SPEC" is refused.  "-accel kvm" in @extra_args wins
 * over the final "-accel qtest", as in QEMU (the first accelerator that
 * exists is used).
 *
 * Returns: (transfer full): the running instance, its QMP greeting
 *   unread; free it with qtest_quit().
 */
QTestState *qtest_init_without_qmp_handshake(const char *extra_args);

/**
 * qtest_init:
 * @extra_args: further options, split as a shell would
 *
 * qtest_init_without_qmp_handshake(), then reads the QMP greeting and
 * negotiates capabilities, as QEMU's qtest_init().
 *
 * Returns: (transfer full): the running instance; free it with
 * qtest_quit().
 */
QTestState *qtest_init(const char *extra_args);

/** qtest_initf: qtest_init() with printf-style arguments. */
QTestState *qtest_initf(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/**
 * qtest_timeout_us:
 *
 * Returns: how long any wait of the library may last: $QTEST_TIMEOUT
 *   seconds, else 60 s (for tests that poll the guest's memory too).
 */
int64_t qtest_timeout_us(void);

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

/**
 * qtest_expect_log:
 * @log: a file the runner writes to (its -D log)
 * @seen: how many bytes of @log were looked at before; updated
 * @text: what the runner must have written since, exactly
 *
 * Asserts what was appended to @log since the last call.
 */
void qtest_expect_log(const char *log, gsize *seen, const char *text);

/*
 * The qtest line protocol (QEMU's tests/qtest/libqtest.c): one command per
 * line, "OK ..." or "FAIL ..." back; a FAIL fails the test (see
 * qtest_raw_command() for testing failures).  The asynchronous "IRQ raise
 * N" and "IRQ lower N" lines that come before a reply are consumed while
 * it is read and set the level qtest_get_irq() returns, as in QEMU.
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
 * qtest_big_endian:
 * Returns: whether the target is big-endian (the "endianness" reply
 *   qtest_init() asked for; qmem's is little-endian).
 */
bool qtest_big_endian(QTestState *s);

/**
 * qtest_clock_step_next:
 *
 * "clock_step": advances the virtual clock to the next timer deadline.
 *
 * Returns: the virtual clock now, in nanoseconds.
 */
int64_t qtest_clock_step_next(QTestState *s);

/** qtest_clock_step: "clock_step NS"; returns the clock now. */
int64_t qtest_clock_step(QTestState *s, int64_t step);

/** qtest_clock_set: "clock_set NS"; returns the clock now. */
int64_t qtest_clock_set(QTestState *s, int64_t val);

/**
 * qtest_irq_intercept_in:
 * @qom_path: the device whose input lines are to report
 *
 * "irq_intercept_in": from now on each level change of an input line of
 * the device comes as an "IRQ" line (qtest_get_irq()).
 */
void qtest_irq_intercept_in(QTestState *s, const char *qom_path);

/** qtest_irq_intercept_out: "irq_intercept_out", for the unnamed pins. */
void qtest_irq_intercept_out(QTestState *s, const char *qom_path);

/** qtest_irq_intercept_out_named: "irq_intercept_out PATH NAME" (QEMU 8.1) */
void qtest_irq_intercept_out_named(QTestState *s, const char *qom_path,
                                   const char *name);

/**
 * qtest_get_irq:
 * @num: a line number below %QTEST_MAX_IRQ
 *
 * Sends "inb 0" first, as QEMU's does, so that every IRQ line sent so far
 * has been read.
 *
 * Returns: the last level reported for @num (false until one is).
 */
bool qtest_get_irq(QTestState *s, int num);

/**
 * qtest_set_irq_in:
 * @name: (nullable): the input list, %NULL for the unnamed one
 *
 * "set_irq_in PATH NAME NUM LEVEL": sets an input line of a device.
 */
void qtest_set_irq_in(QTestState *s, const char *qom_path, const char *name,
                      int num, int level);

/** qtest_module_load: "module_load PREFIX NAME", which must answer OK. */
void qtest_module_load(QTestState *s, const char *prefix,
                       const char *libname);

/**
 * qtest_raw_command:
 * @s: an instance
 * @fmt: printf-style command line, without its newline
 *
 * Returns: (transfer full): the reply line without its newline, OK or not
 * (asynchronous "IRQ" lines are consumed as for every command).
 */
char *qtest_raw_command(QTestState *s, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

G_END_DECLS

#endif
