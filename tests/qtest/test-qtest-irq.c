/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libqtest's IRQ, clock and endianness API against qmem-run's qtest. */

#include <string.h>
#include <unistd.h>

#include "libqtest.h"

/*
 * The device is tests/modules/test-gpio.c: unnamed input lines 0-3 and
 * "test-in" 0-1 pass their level on to the output pins of the same number
 * (unnamed, "test-out"); "test-gpio-set PATH LIST NUM LEVEL" sets a pin.
 */
#define ARGS "-M pc -device test-gpio,id=gpio0 -device test-gpio,id=gpio1"
#define GPIO "/machine/peripheral/gpio0"

static void test_endianness(void)
{
    QTestState *s = qtest_init(ARGS);

    g_assert_false(qtest_big_endian(s));
    qtest_quit(s);
}

static void test_intercept_in(void)
{
    QTestState *s = qtest_init(ARGS);

    qtest_irq_intercept_in(s, GPIO);
    g_assert_false(qtest_get_irq(s, 1));
    qtest_set_irq_in(s, GPIO, NULL, 1, 1);
    g_assert_true(qtest_get_irq(s, 1));
    g_assert_false(qtest_get_irq(s, 0));
    qtest_set_irq_in(s, GPIO, NULL, 1, 0);
    g_assert_false(qtest_get_irq(s, 1));

    /* Named input lists report too, numbered within their list. */
    qtest_set_irq_in(s, GPIO, "test-in", 0, 1);
    g_assert_true(qtest_get_irq(s, 0));

    /* A partial path names the same device: asking again is fine. */
    qtest_irq_intercept_in(s, "gpio0");
    qtest_quit(s);
}

static void test_intercept_out(void)
{
    QTestState *s = qtest_init(ARGS);
    g_autofree char *reply = NULL;

    qtest_irq_intercept_out(s, GPIO);
    reply = qtest_raw_command(s, "test-gpio-set %s unnamed-gpio-out 2 1",
                              GPIO);
    g_assert_cmpstr(reply, ==, "OK");
    g_assert_true(qtest_get_irq(s, 2));
    /* Through the device: input line 3 drives pin 3. */
    qtest_set_irq_in(s, GPIO, NULL, 3, 1);
    g_assert_true(qtest_get_irq(s, 3));
    qtest_set_irq_in(s, GPIO, NULL, 3, 0);
    g_assert_false(qtest_get_irq(s, 3));
    qtest_quit(s);
}

static void test_intercept_out_named(void)
{
    QTestState *s = qtest_init(ARGS);

    qtest_irq_intercept_out_named(s, GPIO, "test-out");
    qtest_set_irq_in(s, GPIO, "test-in", 1, 1);
    g_assert_true(qtest_get_irq(s, 1));
    /* The unnamed pins are not intercepted. */
    qtest_set_irq_in(s, GPIO, NULL, 0, 1);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_quit(s);
}

typedef struct {
    const char *name;
    const char *commands[4];    /* run in order; the last one's reply... */
    const char *reply;          /* ...is this */
    const char *extra;          /* further options */
} FailCase;

#define DIMM "-m 1G,slots=1,maxmem=2G -object memory-backend-ram,id=m0," \
    "size=1G -device pc-dimm,id=d0,memdev=m0"

static const FailCase fail_cases[] = {
    { "unknown-device", { "irq_intercept_in /machine/nosuch" },
      "FAIL Unknown device" },
    { "not-a-device", { "irq_intercept_in /machine" },
      "FAIL Unknown device" },
    { "container", { "irq_intercept_in peripheral" },
      "FAIL Unknown device" },
    { "named-in", { "irq_intercept_in " GPIO " test-in" },
      "FAIL Interception of named in-GPIOs not yet supported" },
    { "no-list", { "irq_intercept_out " GPIO " nosuch" },
      "FAIL No intercepts installed" },
    { "no-gpio", { "irq_intercept_in d0" }, "FAIL No intercepts installed",
      DIMM },
    { "other-device", { "irq_intercept_out " GPIO,
                        "irq_intercept_in /machine/peripheral/gpio1" },
      "FAIL IRQ intercept already enabled" },
    { "set-unknown", { "set_irq_in /machine/nosuch unnamed-gpio-in 0 1" },
      "FAIL Unknown device" },
    { "set-no-line", { "set_irq_in " GPIO " unnamed-gpio-in 4 1" },
      "FAIL no input line 4 in 'unnamed-gpio-in'" },
    { "set-no-list", { "set_irq_in " GPIO " nosuch 0 1" },
      "FAIL no input line 0 in 'nosuch'" },
    { "set-bad-number", { "set_irq_in " GPIO " unnamed-gpio-in x 1" },
      "FAIL invalid number 'x'" },
    { "set-bad-level", { "set_irq_in " GPIO " unnamed-gpio-in 0 9999999999" },
      "FAIL invalid level '9999999999'" },
    { "set-missing", { "set_irq_in " GPIO " unnamed-gpio-in 0" },
      "FAIL missing argument" },
    { "intercept-missing", { "irq_intercept_out" },
      "FAIL missing argument" },
    { "module-missing", { "module_load foo" }, "FAIL missing argument" },
    { "module-none", { "module_load qmem- no-such-module" }, "FAIL" },
    { "module-path", { "module_load ../ test-gpio" }, "FAIL" },
};

static void test_fail(gconstpointer data)
{
    const FailCase *c = data;
    QTestState *s = qtest_initf(ARGS " %s", c->extra ? c->extra : "");
    g_autofree char *reply = NULL;

    for (guint i = 0; i < G_N_ELEMENTS(c->commands) && c->commands[i]; i++) {
        g_free(reply);
        reply = qtest_raw_command(s, "%s", c->commands[i]);
    }
    g_assert_cmpstr(reply, ==, c->reply);
    qtest_quit(s);
}

/* Modules are loaded at start; module_load answers OK for one of them. */
static void test_module_load(void)
{
    QTestState *s = qtest_init(ARGS);

    qtest_module_load(s, "test-", "gpio");
    qtest_module_load(s, "", "hostmem-ram");
    qtest_quit(s);
}

static void test_clock(void)
{
    QTestState *s = qtest_init(ARGS);

    g_assert_cmpint(qtest_clock_step(s, 1000), ==, 1000);
    /* No timer is pending: QEMU 7.2 steps by -1 ns, which does nothing. */
    g_assert_cmpint(qtest_clock_step_next(s), ==, 1000);
    g_assert_cmpint(qtest_clock_set(s, 5000), ==, 5000);
    g_assert_cmpint(qtest_clock_set(s, 10), ==, 5000);
    qtest_quit(s);
}

/* -qtest-log FILE, as QTEST_LOG would ask for (with /dev/fd/2). */
static void test_log(void)
{
    g_autofree char *dir = g_dir_make_tmp("qmem-qtest-log-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "log", NULL);
    g_autofree char *text = NULL;
    g_autoptr(GRegex) re = NULL;
    QTestState *s = qtest_initf(ARGS " -qtest-log %s", path);

    qtest_irq_intercept_in(s, GPIO);
    qtest_set_irq_in(s, GPIO, NULL, 2, 1);
    qtest_quit(s);

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    re = g_regex_new("^\\[I \\d+\\.\\d{6}\\] OPENED\n"
                     "\\[R \\+\\d+\\.\\d{6}\\] endianness\n"
                     "\\[S \\+\\d+\\.\\d{6}\\] OK little\n"
                     "\\[R \\+\\d+\\.\\d{6}\\] irq_intercept_in " GPIO "\n"
                     "\\[S \\+\\d+\\.\\d{6}\\] OK\n"
                     "\\[R \\+\\d+\\.\\d{6}\\] set_irq_in " GPIO
                     " unnamed-gpio-in 2 1\n"
                     "\\[S \\+\\d+\\.\\d{6}\\] IRQ raise 2\n"
                     "\\[S \\+\\d+\\.\\d{6}\\] OK\n"
                     "\\[I \\+\\d+\\.\\d{6}\\] CLOSED\n$", 0, 0, NULL);
    if (!g_regex_match(re, text, 0, NULL)) {
        g_error("unexpected qtest log:\n%s", text);
    }
    unlink(path);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/qtest/endianness", test_endianness);
    g_test_add_func("/qtest/irq/intercept-in", test_intercept_in);
    g_test_add_func("/qtest/irq/intercept-out", test_intercept_out);
    g_test_add_func("/qtest/irq/intercept-out-named",
                    test_intercept_out_named);
    for (gsize i = 0; i < G_N_ELEMENTS(fail_cases); i++) {
        g_autofree char *path = g_strdup_printf("/qtest/irq/fail/%s",
                                                fail_cases[i].name);

        g_test_add_data_func(path, &fail_cases[i], test_fail);
    }
    g_test_add_func("/qtest/module-load", test_module_load);
    g_test_add_func("/qtest/clock", test_clock);
    g_test_add_func("/qtest/log", test_log);
    return g_test_run();
}
