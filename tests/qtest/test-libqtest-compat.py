#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""QEMU's own libqtest can drive qmem-run: its command line and handshake.

QEMU's tests/qtest/libqtest.c (which may not be copied here) starts the
emulator with a fixed command line through /bin/sh and talks to it over two
Unix sockets it listens on.  This test runs qmem-run exactly that way, with
the command-line templates below copied as data from QEMU, and replays the
protocol sequence libqtest and libqos send (QMP greeting and
qmp_capabilities, qtest "endianness", clock_step/clock_set, IRQ
interception), asserting every reply byte for byte.

Needs QMEM_RUN (the qmem-run binary) and QMEM_MODULE_DIR including the
test modules (test-gpio), as meson test sets them.  Prints TAP.
"""

import functools
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import tap
from tap import Failure, check, check_eq

TIMEOUT = 30

# QEMU 7.2, tests/qtest/libqtest.c, qtest_init_without_qmp_handshake():
#   command = g_strdup_printf(CMD_EXEC "%s %s" "-qtest unix:%s "
#       "-qtest-log %s " "-chardev socket,path=%s,id=char0 "
#       "-mon chardev=char0,mode=control " "-display none " "%s"
#       " -accel qtest", qemu_binary, tracearg, socket_path,
#       getenv("QTEST_LOG") ? DEV_STDERR : DEV_NULL, qmp_socket_path,
#       extra_args ?: "");
# with CMD_EXEC "exec ", tracearg "" (or "-trace %s " with QTEST_TRACE),
# DEV_STDERR "/dev/fd/2", DEV_NULL "/dev/null", run as
# execlp("/bin/sh", "sh", "-c", command) with QEMU_AUDIO_DRV=none.
QEMU_7_2 = ("exec {binary} {trace}"
            "-qtest unix:{qtest} "
            "-qtest-log {log} "
            "-chardev socket,path={qmp},id=char0 "
            "-mon chardev=char0,mode=control "
            "-display none "
            "{extra}"
            " -accel qtest")

# QEMU 10.2, tests/qtest/libqtest.c, qtest_qemu_args() (after the
# cpr-exec rework) with qtest_spawn_qemu() putting "exec BINARY " in
# front; 8.2 added "-audio none " and dropped QEMU_AUDIO_DRV; late 2025
# added "-run-with exit-with-parent=on " where the host can.  Relied on:
# QEMU's patches as the search index holds them, not a 10.2 tree.
QEMU_10_2 = ("exec {binary} {trace}"
             "-qtest unix:{qtest} "
             "-qtest-log {log} "
             "-chardev socket,path={qmp},id=char0 "
             "-mon chardev=char0,mode=control "
             "-display none "
             "-audio none "
             "-run-with exit-with-parent=on "
             "{extra}"
             " -accel qtest")

GPIO = "/machine/peripheral/gpio0"
EXTRA = "-M pc -device test-gpio,id=gpio0 -device test-gpio,id=gpio1"





RUNNERS = []


class Runner:
    """One qmem-run started as libqtest starts QEMU."""

    def __init__(self, template, extra, qtest_log=False):
        RUNNERS.append(self)
        self.dir = tempfile.mkdtemp(prefix="qmem-compat-")
        pid = os.getpid()
        # libqtest's names, in a private directory.
        self.qtest_path = os.path.join(self.dir, "qtest-%d.sock" % pid)
        self.qmp_path = os.path.join(self.dir, "qtest-%d.qmp" % pid)
        self.stderr_path = os.path.join(self.dir, "stderr")
        qtest_sock = self._listen(self.qtest_path)
        qmp_sock = self._listen(self.qmp_path)
        self.command = template.format(
            binary=os.environ["QMEM_RUN"], trace="", qtest=self.qtest_path,
            log="/dev/fd/2" if qtest_log else "/dev/null",
            qmp=self.qmp_path, extra=extra)
        env = dict(os.environ, QEMU_AUDIO_DRV="none")
        self.stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(["/bin/sh", "-c", self.command],
                                     env=env, stdin=subprocess.DEVNULL,
                                     stdout=self.stderr, stderr=self.stderr)
        self.qtest = self._accept(qtest_sock)
        self.qmp = self._accept(qmp_sock)
        os.unlink(self.qtest_path)
        os.unlink(self.qmp_path)
        self.qtest_rx = b""
        self.qmp_rx = b""

    @staticmethod
    def _listen(path):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(path)
        sock.listen(1)
        return sock

    def _accept(self, sock):
        deadline = time.monotonic() + TIMEOUT
        while True:
            ready, _, _ = select.select([sock], [], [], 0.1)
            if ready:
                conn, _ = sock.accept()
                sock.close()
                return conn
            if self.proc.poll() is not None:
                raise Failure("qmem-run exited with %d before connecting: "
                              "%s" % (self.proc.returncode, self.errors()))
            if time.monotonic() > deadline:
                raise Failure("qmem-run did not connect")

    def _read_line(self, sock, attr):
        deadline = time.monotonic() + TIMEOUT
        while b"\n" not in getattr(self, attr):
            ready, _, _ = select.select([sock], [], [], 0.1)
            if ready:
                data = sock.recv(65536)
                if not data:
                    raise Failure("qmem-run closed the connection: %s" %
                                  self.errors())
                setattr(self, attr, getattr(self, attr) + data)
            elif time.monotonic() > deadline:
                raise Failure("no reply from qmem-run")
        buf = getattr(self, attr)
        line, rest = buf.split(b"\n", 1)
        setattr(self, attr, rest)
        return line + b"\n"

    def qtest_cmd(self, line):
        """Sends one qtest command; returns every line up to its reply."""
        self.qtest.sendall(line.encode() + b"\n")
        out = b""
        while True:
            reply = self._read_line(self.qtest, "qtest_rx")
            out += reply
            if not reply.startswith(b"IRQ "):
                return out.decode()

    def qmp_line(self):
        return self._read_line(self.qmp, "qmp_rx").decode()

    def qmp_cmd(self, text):
        self.qmp.sendall(text.encode())
        return self.qmp_line()

    def errors(self):
        if not self.stderr.closed:
            self.stderr.flush()
        with open(self.stderr_path, "rb") as f:
            return f.read().decode(errors="replace")

    def kill(self):
        """After a failure: nothing may be left behind."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def quit(self):
        """qtest_quit(): SIGTERM, and QEMU's exit status 0 expected."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            status = self.proc.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise Failure("qmem-run did not exit on SIGTERM")
        self.qtest.close()
        self.qmp.close()
        self.stderr.close()
        log = self.errors()
        shutil.rmtree(self.dir)
        check_eq(status, 0, "exit status after SIGTERM")
        return log


def handshake(r):
    """qtest_init(): endianness first, then the QMP greeting."""
    check_eq(r.qtest_cmd("endianness"), "OK little\n", "endianness")
    greeting = r.qmp_line()
    check(re.fullmatch(r'\{"QMP": \{"version": \{"qemu": \{"micro": \d+, '
                       r'"minor": \d+, "major": \d+\}, "package": "[^"]*"\}, '
                       r'"capabilities": \[\]\}\}\r\n', greeting),
          "greeting %r" % greeting)
    check_eq(r.qmp_cmd('{"execute": "qmp_capabilities"}'),
             '{"return": {}}\r\n', "qmp_capabilities")


def test_handshake(template):
    r = Runner(template, "-M pc")
    handshake(r)
    # The monitor is the QMP one, on the -chardev.
    check_eq(r.qmp_cmd('{"execute": "query-version"}')[:10], '{"return":',
             "query-version")
    r.quit()


def test_clock(template):
    r = Runner(template, "-M pc")
    handshake(r)
    check_eq(r.qtest_cmd("clock_step 1000"), "OK 1000\n", "clock_step NS")
    # No timer pending: QEMU 7.2 steps by -1, which moves nothing.
    check_eq(r.qtest_cmd("clock_step"), "OK 1000\n", "clock_step")
    check_eq(r.qtest_cmd("clock_set 5000"), "OK 5000\n", "clock_set")
    check_eq(r.qtest_cmd("clock_set 10"), "OK 5000\n", "clock_set back")
    r.quit()


def test_irq_in(template):
    r = Runner(template, EXTRA)
    handshake(r)
    cmd = r.qtest_cmd
    check_eq(cmd("irq_intercept_in /machine/nosuch"),
             "FAIL Unknown device\n", "unknown device")
    check_eq(cmd("irq_intercept_in %s test-in" % GPIO),
             "FAIL Interception of named in-GPIOs not yet supported\n",
             "named in")
    check_eq(cmd("irq_intercept_in %s" % GPIO), "OK\n", "intercept in")
    check_eq(cmd("irq_intercept_in %s" % GPIO), "OK\n", "again")
    check_eq(cmd("irq_intercept_out %s" % GPIO), "OK\n", "same device")
    check_eq(cmd("irq_intercept_in /machine/peripheral/gpio1"),
             "FAIL IRQ intercept already enabled\n", "other device")
    # The asynchronous line comes before the reply; only changes count.
    check_eq(cmd("set_irq_in %s unnamed-gpio-in 2 1" % GPIO),
             "IRQ raise 2\nOK\n", "raise")
    check_eq(cmd("set_irq_in %s unnamed-gpio-in 2 1" % GPIO), "OK\n",
             "raise again")
    check_eq(cmd("set_irq_in %s unnamed-gpio-in 2 0" % GPIO),
             "IRQ lower 2\nOK\n", "lower")
    # QEMU 8.1 and later intercept named input lists too (7.2 skipped them).
    check_eq(cmd("set_irq_in %s test-in 1 5" % GPIO), "IRQ raise 1\nOK\n",
             "named line")
    # qtest_get_irq()'s dummy command.
    check_eq(cmd("inb 0"), "OK 0x00ff\n", "inb 0")
    r.quit()


def test_irq_out(template):
    r = Runner(template, EXTRA)
    handshake(r)
    cmd = r.qtest_cmd
    check_eq(cmd("irq_intercept_out %s" % GPIO), "OK\n", "intercept out")
    check_eq(cmd("test-gpio-set %s unnamed-gpio-out 3 1" % GPIO),
             "IRQ raise 3\nOK\n", "pin raised")
    # An input line passes its level on to the pin of its number.
    check_eq(cmd("set_irq_in %s unnamed-gpio-in 0 1" % GPIO),
             "IRQ raise 0\nOK\n", "through the device")
    check_eq(cmd("test-gpio-set %s test-out 0 1" % GPIO), "OK\n",
             "named pin not intercepted")
    r.quit()

    r = Runner(template, EXTRA)
    handshake(r)
    cmd = r.qtest_cmd
    check_eq(cmd("irq_intercept_out %s nosuch" % GPIO),
             "FAIL No intercepts installed\n", "no such list")
    check_eq(cmd("irq_intercept_out %s test-out" % GPIO), "OK\n",
             "intercept named out")
    check_eq(cmd("set_irq_in %s test-in 1 1" % GPIO), "IRQ raise 1\nOK\n",
             "named pin raised")
    r.quit()


def test_qtest_log(template):
    """QTEST_LOG set: libqtest passes -qtest-log /dev/fd/2."""
    r = Runner(template, EXTRA, qtest_log=True)
    handshake(r)
    r.qtest_cmd("irq_intercept_in %s" % GPIO)
    r.qtest_cmd("set_irq_in %s unnamed-gpio-in 3 1" % GPIO)
    log = r.quit()
    t = r"\d+\.\d{6}"
    want = [r"\[I %s\] OPENED" % t,
            r"\[R \+%s\] endianness" % t,
            r"\[S \+%s\] OK little" % t,
            r"\[R \+%s\] irq_intercept_in %s" % (t, GPIO),
            r"\[S \+%s\] OK" % t,
            r"\[R \+%s\] set_irq_in %s unnamed-gpio-in 3 1" % (t, GPIO),
            r"\[S \+%s\] IRQ raise 3" % t,
            r"\[S \+%s\] OK" % t,
            r"\[I \+%s\] CLOSED" % t]
    lines = [l for l in log.splitlines() if l.startswith("[")]
    check_eq(len(lines), len(want), "log lines %r" % lines)
    for line, pattern in zip(lines, want):
        check(re.fullmatch(pattern, line), "log line %r" % line)


TESTS = [
    ("qemu-7.2/handshake", test_handshake, QEMU_7_2),
    ("qemu-7.2/clock", test_clock, QEMU_7_2),
    ("qemu-7.2/irq-in", test_irq_in, QEMU_7_2),
    ("qemu-7.2/irq-out", test_irq_out, QEMU_7_2),
    ("qemu-7.2/qtest-log", test_qtest_log, QEMU_7_2),
    ("qemu-10.2/handshake", test_handshake, QEMU_10_2),
    ("qemu-10.2/irq-in", test_irq_in, QEMU_10_2),
]


def kill_runners():
    while RUNNERS:
        RUNNERS.pop().kill()


def main():
    tests = [(name, functools.partial(fn, template))
             for name, fn, template in TESTS]
    return tap.run("/qmem-run/libqtest-compat", tests, kill_runners)


if __name__ == "__main__":
    sys.exit(main())
