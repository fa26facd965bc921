/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qmem-run's -chardev, -mon, -qtest, -accel, -trace: QEMU's error texts. */

#include <string.h>

#include "libqtest.h"

/*
 * Every message marked QEMU below is what QEMU 7.2 (Debian's
 * qemu-system-x86_64 -machine none -display none -S ARGS) prints, with
 * "qemu-system-x86_64" for "qmem-run".  The others are qmem's own, for
 * what QEMU has and qmem does not, or where QEMU asserts.
 */

#define NONEXISTENT "/nonexistent-qmem-test-dir"

typedef struct {
    const char *name;
    const char *args;           /* after -machine none -display none -S */
    const char *err;            /* all of stderr */
    int status;
} ErrorCase;

static const ErrorCase error_cases[] = {
    /* -chardev (QEMU) */
    { "chardev/no-id", "-chardev socket,path=" NONEXISTENT "/s",
      "qmem-run: -chardev socket,path=" NONEXISTENT "/s: chardev: no id "
      "specified\n", 1 },
    { "chardev/no-backend", "-chardev id=c0",
      "qmem-run: -chardev id=c0: chardev: \"c0\" missing backend\n", 1 },
    { "chardev/bad-backend", "-chardev foo,id=c0",
      "qmem-run: -chardev foo,id=c0: 'foo' is not a valid char driver "
      "name\n", 1 },
    { "chardev/bad-id", "-chardev socket,id=0c,path=/s",
      "qmem-run: -chardev socket,id=0c,path=/s: Parameter 'id' expects an "
      "identifier\nIdentifiers consist of letters, digits, '-', '.', '_', "
      "starting with a letter.\n", 1 },
    { "chardev/duplicate-id",
      "-chardev null,id=c0 -chardev socket,id=c0,path=" NONEXISTENT "/s",
      "qmem-run: -chardev socket,id=c0,path=" NONEXISTENT "/s: Duplicate ID "
      "'c0' for chardev\n", 1 },
    { "chardev/invalid-parameter", "-chardev socket,id=c0,path=/s,bogus=1",
      "qmem-run: -chardev socket,id=c0,path=/s,bogus=1: Invalid parameter "
      "'bogus'\n", 1 },
    { "chardev/bad-bool", "-chardev socket,id=c0,path=/s,server=maybe",
      "qmem-run: -chardev socket,id=c0,path=/s,server=maybe: Parameter "
      "'server' expects 'on' or 'off'\n", 1 },
    { "chardev/no-address", "-chardev socket,id=c0",
      "qmem-run: -chardev socket,id=c0: Unable to parse FD number \n", 1 },
    { "chardev/connect", "-chardev socket,id=c0,path=" NONEXISTENT "/s",
      "qmem-run: -chardev socket,id=c0,path=" NONEXISTENT "/s: Failed to "
      "connect to '" NONEXISTENT "/s': No such file or directory\n", 1 },
    { "chardev/path-and-fd", "-chardev socket,id=c0,path=/s,fd=3",
      "qmem-run: -chardev socket,id=c0,path=/s,fd=3: None or one of 'path', "
      "'fd' or 'host' option required.\n", 1 },
    { "chardev/fd-not-a-number", "-chardev socket,id=c0,fd=abc",
      "qmem-run: -chardev socket,id=c0,fd=abc: Unable to parse FD number "
      "abc\n", 1 },
    { "chardev/fd-range", "-chardev socket,id=c0,fd=99999999999",
      "qmem-run: -chardev socket,id=c0,fd=99999999999: Unable to parse FD "
      "number 99999999999: Numerical result out of range\n", 1 },
    { "chardev/fd-not-open", "-chardev socket,id=c0,fd=999",
      "qmem-run: -chardev socket,id=c0,fd=999: File descriptor '999' is "
      "not a socket\n", 1 },
    { "chardev/fd-negative", "-chardev socket,id=c0,fd=-1",
      "qmem-run: -chardev socket,id=c0,fd=-1: File descriptor '-1' is not "
      "a socket\n", 1 },
    { "chardev/client-wait", "-chardev socket,id=c0,path=/s,wait=off",
      "qmem-run: -chardev socket,id=c0,path=/s,wait=off: 'wait' option is "
      "incompatible with socket in client connect mode\n", 1 },
    { "chardev/server-reconnect",
      "-chardev socket,id=c0,path=/s,server=on,reconnect=1",
      "qmem-run: -chardev socket,id=c0,path=/s,server=on,reconnect=1: "
      "'reconnect' option is incompatible with socket in server listen "
      "mode\n", 1 },
    { "chardev/fd-reconnect", "-chardev socket,id=c0,fd=5,reconnect=1",
      "qmem-run: -chardev socket,id=c0,fd=5,reconnect=1: 'reconnect' option "
      "is incompatible with 'fd' address type\n", 1 },
    { "chardev/tls-authz", "-chardev socket,id=c0,path=/s,tls-authz=a",
      "qmem-run: -chardev socket,id=c0,path=/s,tls-authz=a: 'tls_authz' "
      "option requires 'tls_creds' option\n", 1 },
    { "chardev/no-port", "-chardev socket,id=c0,host=localhost",
      "qmem-run: -chardev socket,id=c0,host=localhost: chardev: socket: no "
      "port given\n", 1 },
    { "chardev/delay", "-chardev socket,id=c0,path=/s,delay=on,nodelay=on",
      "qmem-run: -chardev socket,id=c0,path=/s,delay=on,nodelay=on: 'delay' "
      "and 'nodelay' are mutually exclusive\n", 1 },
    /* -chardev (qmem) */
    { "chardev/tcp", "-chardev socket,id=c0,host=localhost,port=1",
      "qmem-run: -chardev socket,id=c0,host=localhost,port=1: chardev: "
      "socket: TCP is not supported\n", 1 },
    { "chardev/mux", "-chardev null,id=c0,mux=on",
      "qmem-run: -chardev null,id=c0,mux=on: chardev option 'mux=on' is not "
      "supported\n", 1 },
    /* -mon (QEMU) */
    { "mon/no-chardev", "-mon chardev=c1,mode=control",
      "qmem-run: -mon chardev=c1,mode=control: chardev \"c1\" not found\n",
      1 },
    { "mon/missing-chardev", "-mon mode=control",
      "qmem-run: -mon mode=control: Parameter 'chardev' is missing\n", 1 },
    { "mon/bad-mode", "-chardev null,id=c0 -mon chardev=c0,mode=bogus",
      "qmem-run: -mon chardev=c0,mode=bogus: Parameter 'mode' does not "
      "accept value 'bogus'\n", 1 },
    { "mon/invalid-parameter", "-mon chardev=c0,bogus=1",
      "qmem-run: -mon chardev=c0,bogus=1: Invalid parameter 'bogus'\n", 1 },
    { "mon/bad-pretty", "-mon chardev=c0,mode=control,pretty=maybe",
      "qmem-run: -mon chardev=c0,mode=control,pretty=maybe: Parameter "
      "'pretty' expects 'on' or 'off'\n", 1 },
    { "mon/duplicate-id",
      "-mon chardev=c0,mode=control,id=m0 -mon chardev=c0,mode=control,id=m0",
      "qmem-run: -mon chardev=c0,mode=control,id=m0: Duplicate ID 'm0' for "
      "mon\n", 1 },
    { "mon/in-use", "-chardev null,id=c0 -mon c0,mode=control "
      "-mon chardev=c0,mode=control",
      "qmem-run: -mon chardev=c0,mode=control: Device 'c0' is in use\n", 1 },
    { "mon/pretty-hmp", "-chardev null,id=c0 -mon c0,mode=readline,pretty=on",
      "qmem-run: -mon c0,mode=readline,pretty=on: 'pretty' is not "
      "compatible with HMP monitors\n", 1 },
    { "mon/help", "-mon help",
      "qmem-run: -mon help: chardev \"help\" not found\n", 1 },
    { "mon/hmp-in-use", "-chardev null,id=c0 -mon c0 -mon c0,mode=control",
      "qmem-run: -mon c0,mode=control: Device 'c0' is in use\n", 1 },
    /* -qtest (QEMU) */
    { "qtest/connect", "-qtest unix:" NONEXISTENT "/q",
      "qmem-run: Failed to connect to '" NONEXISTENT "/q': No such file or "
      "directory\nqmem-run: Failed to initialize device for qtest: \"unix:"
      NONEXISTENT "/q\"\n", 1 },
    { "qtest/no-chardev", "-qtest chardev:c9",
      "qmem-run: Failed to initialize device for qtest: \"chardev:c9\"\n",
      1 },
    /* QEMU 10 (7.2 aborts with "Cannot find character device 'qtest'") */
    { "qtest/chardev-in-use",
      "-chardev null,id=c0 -qtest chardev:c0 -mon chardev=c0,mode=control",
      "qmem-run: -mon chardev=c0,mode=control: Device 'c0' is in use\n", 1 },
    /* -accel and -machine accel= (QEMU) */
    { "accel/invalid", "-accel foo",
      "qmem-run: -accel foo: invalid accelerator foo\n", 1 },
    { "accel/invalid-two", "-accel foo -accel bar",
      "qmem-run: -accel foo: invalid accelerator foo\n"
      "qmem-run: -accel bar: invalid accelerator bar\n", 1 },
    /* Properties are parsed as QEMU's object_property_parse() does. */
    { "accel/property", "-accel qtest,bogus=1",
      "qmem-run: -accel qtest,bogus=1: Property 'qtest-accel.bogus' not "
      "found\n", 1 },
    { "accel/machine-invalid", "-machine accel=foo:bar",
      "qmem-run: invalid accelerator foo\n"
      "qmem-run: invalid accelerator bar\n", 1 },
    { "accel/incompatible", "-machine accel=qtest -accel qtest",
      "qmem-run: The -accel and \"-machine accel=\" options are "
      "incompatible\n", 1 },
    /* The first that exists wins: foo is reported, qtest runs. */
    { "accel/first-that-exists",
      "-accel foo -accel qtest -qtest unix:" NONEXISTENT "/q",
      "qmem-run: -accel foo: invalid accelerator foo\n"
      "qmem-run: Failed to connect to '" NONEXISTENT "/q': No such file or "
      "directory\nqmem-run: Failed to initialize device for qtest: \"unix:"
      NONEXISTENT "/q\"\n", 1 },
    { "accel/falling-back",
      "-accel foo -accel qtest -device bogus",
      "qmem-run: -accel foo: invalid accelerator foo\n"
      "qmem-run: falling back to qtest\n"
      "qmem-run: -device bogus: 'bogus' is not a valid device model name\n",
      1 },
    /* -trace (QEMU; qmem has no trace events) */
    { "trace/no-such-event", "-trace foo -chardev id=c0",
      "qmem-run: -trace foo: warning: trace event 'foo' does not exist\n"
      "qmem-run: -chardev id=c0: chardev: \"c0\" missing backend\n", 1 },
    { "trace/pattern", "-trace 'enable=foo*' -chardev id=c0",
      "qmem-run: -chardev id=c0: chardev: \"c0\" missing backend\n", 1 },
    { "trace/invalid-parameter", "-trace foo,bogus=1",
      "qmem-run: -trace foo,bogus=1: Invalid parameter 'bogus'\n", 1 },
    /* -audio (QEMU 8.2's meaning) and -run-with (QEMU 10's) */
    { "audio/driver", "-audio pa",
      "qmem-run: -audio pa: Parameter 'driver' does not accept value "
      "'pa'\n", 1 },
    { "audio/model", "-audio none,model=ac97",
      "qmem-run: -audio none,model=ac97: sound card 'ac97' is not "
      "supported\n", 1 },
    { "run-with/chroot", "-run-with chroot=/",
      "qmem-run: -run-with chroot=/: 'chroot' is not supported by "
      "qmem-run\n", 1 },
    { "run-with/bad-bool", "-run-with exit-with-parent=maybe",
      "qmem-run: -run-with exit-with-parent=maybe: Parameter "
      "'exit-with-parent' expects 'on' or 'off'\n", 1 },
};

static void test_error(gconstpointer data)
{
    const ErrorCase *c = data;
    g_autofree char *args = g_strdup_printf("-machine none -display none -S "
                                            "%s", c->args);
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status;

    /* Cases that name no accelerator run under qtest, never KVM. */
    if (!strstr(c->args, "accel")) {
        g_autofree char *with_accel = g_strdup_printf("%s -accel qtest",
                                                      args);

        g_free(args);
        args = g_steal_pointer(&with_accel);
    }
    g_test_message("qmem-run %s", args);
    qtest_run_cmdline(args, &out, &err, &status);
    g_assert_cmpstr(err, ==, c->err);
    g_assert_cmpstr(out, ==, "");
    g_assert_cmpint(status, ==, c->status);
}

typedef struct {
    const char *name;
    const char *args;
    const char *out;
} HelpCase;

static const HelpCase help_cases[] = {
    { "chardev", "-chardev help",
      "Available chardev backend types: \n  socket\n  stdio\n  null\n" },
    { "chardev-options", "-chardev socket,help",
      "chardev options:\n"
      "  abstract=<bool (on/off)>\n  append=<bool (on/off)>\n"
      "  backend=<str>\n  chardev=<str>\n  clipboard=<bool (on/off)>\n"
      "  cols=<num>\n  debug=<num>\n  delay=<bool (on/off)>\n  fd=<str>\n"
      "  height=<num>\n  host=<str>\n  ipv4=<bool (on/off)>\n"
      "  ipv6=<bool (on/off)>\n  localaddr=<str>\n  localport=<str>\n"
      "  logappend=<bool (on/off)>\n  logfile=<str>\n"
      "  mouse=<bool (on/off)>\n  mux=<bool (on/off)>\n  name=<str>\n"
      "  nodelay=<bool (on/off)>\n  path=<str>\n  port=<str>\n"
      "  reconnect=<num>\n  rows=<num>\n  server=<bool (on/off)>\n"
      "  signal=<bool (on/off)>\n  size=<size>\n  telnet=<bool (on/off)>\n"
      "  tight=<bool (on/off)>\n  tls-authz=<str>\n  tls-creds=<str>\n"
      "  tn3270=<bool (on/off)>\n  to=<num>\n  wait=<bool (on/off)>\n"
      "  websocket=<bool (on/off)>\n  width=<num>\n" },
    { "trace", "-trace help", "" },
};

static void test_help(gconstpointer data)
{
    const HelpCase *c = data;
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status;

    qtest_run_cmdline(c->args, &out, &err, &status);
    g_assert_cmpstr(out, ==, c->out);
    g_assert_cmpstr(err, ==, "");
    g_assert_cmpint(status, ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    for (gsize i = 0; i < G_N_ELEMENTS(error_cases); i++) {
        g_autofree char *path = g_strdup_printf("/qmem-run/cmdline/%s",
                                                error_cases[i].name);

        g_test_add_data_func(path, &error_cases[i], test_error);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(help_cases); i++) {
        g_autofree char *path = g_strdup_printf("/qmem-run/cmdline/help/%s",
                                                help_cases[i].name);

        g_test_add_data_func(path, &help_cases[i], test_help);
    }
    return g_test_run();
}
