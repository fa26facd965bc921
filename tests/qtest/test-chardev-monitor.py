#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""qmem-run's -chardev and -mon as libvirt and QEMU's tests use them.

Inherited sockets (fd=N, connected or listening, as libvirt passes them),
a listening -chardev that waits for its client, QMP with pretty=on (bytes
as QEMU 7.2 sends them), -qtest chardev:ID and two monitors.  Needs
QMEM_RUN and QMEM_MODULE_DIR, as meson test sets them.  Prints TAP.
"""

import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import tap
from tap import Failure, check_eq

TIMEOUT = 30
BASE = ["-M", "none", "-display", "none", "-accel", "qtest"]




class Peer:
    """One end of a connection to qmem-run, line by line."""

    def __init__(self, sock):
        self.sock = sock
        self.rx = b""

    def read_until(self, end):
        deadline = time.monotonic() + TIMEOUT
        while end not in self.rx:
            ready, _, _ = select.select([self.sock], [], [], 0.1)
            if ready:
                data = self.sock.recv(65536)
                if not data:
                    raise Failure("connection closed; got %r" % self.rx)
                self.rx += data
            elif time.monotonic() > deadline:
                raise Failure("timed out; got %r" % self.rx)
        out, self.rx = self.rx.split(end, 1)
        return (out + end).decode()

    def line(self):
        return self.read_until(b"\n")

    def send(self, text):
        self.sock.sendall(text.encode())


def connect(path):
    deadline = time.monotonic() + TIMEOUT
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return Peer(s)
        except OSError:
            s.close()
            if time.monotonic() > deadline:
                raise Failure("cannot connect to %s" % path)
            time.sleep(0.01)


class Run:
    def __init__(self, args, pass_fds=()):
        self.qtest = "-qtest" in args
        self.dir = tempfile.mkdtemp(prefix="qmem-chardev-")
        self.proc = subprocess.Popen([os.environ["QMEM_RUN"]] + BASE + args,
                                     stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE,
                                     pass_fds=pass_fds)

    def path(self, name):
        return os.path.join(self.dir, name)

    def stop(self, terminate=True):
        """Ends the runner with SIGTERM if it still runs (or, without
        @terminate, waits for it to exit by itself); returns its exit
        status and stderr, without the line that says so (QEMU's
        "terminating on signal 15 from pid P (CMD)", test-signals.py;
        none under a qtest driver)."""
        killed = ""
        if terminate and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            if not self.qtest:
                killed = ("qmem-run: terminating on signal 15 from pid %d "
                          "(%s)\n" % (os.getpid(), sys.executable))
        try:
            out, err = self.proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
        shutil.rmtree(self.dir, ignore_errors=True)
        err = err.decode()
        if killed and err.endswith(killed):
            err = err[:-len(killed)]
        elif killed:
            raise Failure("no %r on stderr: %r" % (killed, err))
        return self.proc.returncode, err


def negotiate(peer):
    greeting = json.loads(peer.line())
    if "QMP" not in greeting:
        raise Failure("no greeting: %r" % greeting)
    peer.send('{"execute": "qmp_capabilities"}')
    check_eq(peer.line(), '{"return": {}}\r\n', "qmp_capabilities")


def finish(run):
    status, err = run.stop()
    check_eq((status, err), (0, ""), "exit status and stderr")


def test_fd_connected():
    """libvirt's way: a connected socket, inherited as fd N."""
    ours, theirs = socket.socketpair()
    fd = theirs.fileno()
    run = Run(["-chardev", "socket,id=mon0,fd=%d" % fd,
               "-mon", "chardev=mon0,mode=control"], pass_fds=[fd])
    theirs.close()
    try:
        peer = Peer(ours)
        negotiate(peer)
        peer.send('{"execute": "quit"}')
        # QEMU sends SHUTDOWN before the reply.
        check_eq(json.loads(peer.line())["event"], "SHUTDOWN", "event")
        check_eq(peer.line(), '{"return": {}}\r\n', "quit")
        status, err = run.stop(terminate=False)
        check_eq((status, err), (0, ""), "after quit")
    finally:
        run.stop()


def test_fd_listening(wait):
    """A listening socket, inherited as fd N, with server=on."""
    tmp = tempfile.mkdtemp(prefix="qmem-chardev-")
    path = os.path.join(tmp, "mon.sock")
    lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    lsock.bind(path)
    lsock.listen(1)
    opts = "socket,id=mon0,fd=%d,server=on" % lsock.fileno()
    if not wait:
        opts += ",wait=off"
    run = Run(["-chardev", opts, "-mon", "chardev=mon0,mode=control"],
              pass_fds=[lsock.fileno()])
    lsock.close()
    try:
        peer = connect(path)
        negotiate(peer)
        peer.sock.close()
        # One client at a time; the next one gets a fresh greeting.
        negotiate(connect(path))
        finish(run)
    finally:
        run.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def test_server_wait():
    """server=on without wait=off: qmem-run waits for its client."""
    tmp = tempfile.mkdtemp(prefix="qmem-chardev-")
    path = os.path.join(tmp, "mon.sock")
    run = Run(["-chardev", "socket,id=c0,path=%s,server=on" % path,
               "-mon", "chardev=c0,mode=control"])
    try:
        negotiate(connect(path))
        finish(run)
        check_eq(os.path.exists(path), False, "socket file removed")
    finally:
        run.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def test_pretty():
    """QEMU 7.2's bytes for pretty=on (version numbers aside)."""
    tmp = tempfile.mkdtemp(prefix="qmem-chardev-")
    path = os.path.join(tmp, "mon.sock")
    run = Run(["-chardev", "socket,id=c0,path=%s,server=on,wait=off" % path,
               "-mon", "chardev=c0,mode=control,pretty=on"])
    try:
        peer = connect(path)
        greeting = peer.read_until(b"\r\n}\r\n")
        check_eq(greeting.startswith('{\r\n    "QMP": {\r\n        '
                                     '"version": {\r\n            '
                                     '"qemu": {\r\n                '
                                     '"micro": '), True,
                 "greeting %r" % greeting)
        check_eq(greeting.endswith('\r\n        },\r\n        '
                                   '"capabilities": [\r\n        ]\r\n'
                                   '    }\r\n}\r\n'), True,
                 "greeting %r" % greeting)
        peer.send('{"execute": "qmp_capabilities"}')
        check_eq(peer.read_until(b"\r\n}\r\n"),
                 '{\r\n    "return": {\r\n    }\r\n}\r\n', "return")
        peer.send('{"execute": "nosuch"}')
        check_eq(peer.read_until(b"\r\n}\r\n"),
                 '{\r\n    "error": {\r\n        "class": '
                 '"CommandNotFound",\r\n        "desc": "The command nosuch '
                 'has not been found"\r\n    }\r\n}\r\n', "error")
        finish(run)
    finally:
        run.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def test_qtest_chardev():
    """-qtest chardev:ID (QEMU 10; 7.2 aborts) beside a -mon."""
    tmp = tempfile.mkdtemp(prefix="qmem-chardev-")
    qt = os.path.join(tmp, "qtest.sock")
    m1 = os.path.join(tmp, "m1.sock")
    m2 = os.path.join(tmp, "m2.sock")
    run = Run(["-chardev", "socket,id=qt,path=%s,server=on,wait=off" % qt,
               "-chardev", "socket,id=m1,path=%s,server=on,wait=off" % m1,
               "-chardev", "socket,id=m2,path=%s,server=on,wait=off" % m2,
               "-qtest", "chardev:qt", "-qtest-log", "none",
               "-mon", "chardev=m1,mode=control",
               "-mon", "m2,mode=control"])
    try:
        peer = connect(qt)
        peer.send("endianness\n")
        check_eq(peer.line(), "OK little\n", "endianness")
        negotiate(connect(m1))
        negotiate(connect(m2))
        finish(run)
    finally:
        run.stop()
        shutil.rmtree(tmp, ignore_errors=True)


# What QEMU 7.2's readline monitor sends for each input (Debian's
# qemu-system-x86_64 with the same options), after its banner line.
HMP_SESSION = [
    (b"foo\n", b"f\x1b[K\x1b[Dfo\x1b[K\x1b[D\x1b[Dfoo\x1b[K\r\n"
     b"unknown command: 'foo'\r\n(qemu) "),
    (b"fx\x7fo\r", b"f\x1b[K\x1b[Dfx\x1b[K\x1b[D\x1b[Df\x1b[K\x1b[Dfo"
     b"\x1b[K\r\nunknown command: 'fo'\r\n(qemu) "),
    (b"ab\x1b[Dc\n", b"a\x1b[K\x1b[Dab\x1b[K\x1b[D\x1b[Dacb\x1b[K\x1b[D"
     b"\r\nunknown command: 'acb'\r\n(qemu) "),
    (b"xyz\x01w\x05q\n", b"x\x1b[K\x1b[Dxy\x1b[K\x1b[D\x1b[Dxyz\x1b[K"
     b"\x1b[D\x1b[D\x1b[Dwxyz\x1b[K\x1b[D\x1b[D\x1b[D\x1b[C\x1b[C\x1b[C"
     b"\x1b[D\x1b[D\x1b[D\x1b[Dwxyzq\x1b[K\r\nunknown command: 'wxyzq'"
     b"\r\n(qemu) "),
    (b"ab\x1bOHc\x1b[4~d\x1b[1~\x1b[3~\n",
     b"a\x1b[K\x1b[Dab\x1b[K\x1b[D\x1b[Dcab\x1b[K\x1b[D\x1b[D\x1b[C\x1b[C"
     b"\x1b[D\x1b[D\x1b[Dcabd\x1b[K\x1b[D\x1b[D\x1b[D\x1b[Dabd\x1b[K"
     b"\x1b[D\x1b[D\x1b[D\r\nunknown command: 'abd'\r\n(qemu) "),
    (b"\r\n", b"\r\n(qemu) \r\n(qemu) "),
]


def test_hmp():
    """-mon chardev=ID: QEMU's default readline monitor, byte for byte."""
    tmp = tempfile.mkdtemp(prefix="qmem-chardev-")
    path = os.path.join(tmp, "hmp.sock")
    run = Run(["-m", "128M",
               "-chardev", "socket,id=h,path=%s,server=on,wait=off" % path,
               "-mon", "chardev=h"])
    try:
        peer = connect(path)
        check_eq(peer.read_until(b"(qemu) ").endswith(
                 " monitor - type 'help' for more information\r\n(qemu) "),
                 True, "banner")
        for data, want in HMP_SESSION:
            peer.sock.sendall(data)
            got = peer.read_until(b"(qemu) ")
            if data == b"\r\n":
                got += peer.read_until(b"(qemu) ")
            check_eq(got.encode(), want, "reply to %r" % data)
        peer.sock.sendall(b"info memdev\n")
        got = peer.read_until(b"(qemu) ")
        check_eq(got.endswith(
                 "\r\nmemory backend: ram\r\n  size:  134217728\r\n"
                 "  merge: true\r\n  dump: true\r\n  prealloc: false\r\n"
                 "  share: false\r\n  reserve: true\r\n  policy: default\r\n"
                 "  host nodes: \r\n\r\n(qemu) "), True,
                 "info memdev: %r" % got)
        finish(run)
    finally:
        run.stop()
        shutil.rmtree(tmp, ignore_errors=True)


TESTS = [
    ("fd/connected", test_fd_connected),
    ("fd/listening", lambda: test_fd_listening(False)),
    ("fd/listening-wait", lambda: test_fd_listening(True)),
    ("socket/server-wait", test_server_wait),
    ("mon/pretty", test_pretty),
    ("qtest/chardev", test_qtest_chardev),
    ("mon/hmp", test_hmp),
]


def main():
    return tap.run("/qmem-run/chardev", TESTS)


if __name__ == "__main__":
    sys.exit(main())
