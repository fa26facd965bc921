# SPDX-License-Identifier: GPL-2.0-or-later
"""What qmem's Python qtest tests share: qmem-run with QMP on stdio and
qtest on a socket, and a private tmpfs."""

import ctypes
import json
import os
import socket
import subprocess

import tap
from tap import Failure, Skip, check, check_eq

TIMEOUT = 60
CLONE_NEWNS = 0x00020000
MS_REC = 16384
MS_PRIVATE = 1 << 18


def private_tmpfs(path, size):
    """A tmpfs at @path in a mount namespace of this process's own."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNS):
        raise Skip("unshare(CLONE_NEWNS): %s"
                   % os.strerror(ctypes.get_errno()))
    if libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None):
        raise Skip("mount --make-rprivate /: %s"
                   % os.strerror(ctypes.get_errno()))
    if libc.mount(b"tmpfs", path.encode(), b"tmpfs", 0,
                  ("size=%d" % size).encode()):
        raise Skip("mount tmpfs: %s" % os.strerror(ctypes.get_errno()))


def run_on_tmpfs(prefix, tests, mnt, size):
    """tap.run() of @tests with a private tmpfs of @size at @mnt, emptied
    after each test and unmounted at the end; every test skips when it
    cannot be mounted."""
    try:
        private_tmpfs(mnt, size)
    except Skip as e:
        return tap.skip_all(prefix, tests, e)

    def empty_mount():
        for f in os.listdir(mnt):
            os.unlink(os.path.join(mnt, f))

    try:
        return tap.run(prefix, tests, empty_mount)
    finally:
        ctypes.CDLL(None).umount2(mnt.encode(), 0)


class Vm:
    """qmem-run with QMP on stdio and qtest on a socket in @tmp; QMP
    capabilities are negotiated, events are kept in self.events."""

    count = 0

    def __init__(self, tmp, args, pass_fds=()):
        Vm.count += 1
        path = os.path.join(tmp, "qtest%d.sock" % Vm.count)
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(path)
        server.listen(1)
        self.p = subprocess.Popen(
            [os.environ["QMEM_RUN"], "-display", "none", "-qmp", "stdio",
             "-qtest", "unix:" + path, "-qtest-log", "/dev/null"] + args,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, pass_fds=pass_fds)
        server.settimeout(TIMEOUT)
        try:
            self.qtest, _ = server.accept()
        except socket.timeout:
            self.p.kill()
            raise Failure("no qtest connection: %r" % (self.p.communicate(),))
        server.close()
        self.qtest_in = self.qtest.makefile("r")
        self.events = []
        greeting = json.loads(self.p.stdout.readline())
        check_eq(list(greeting), ["QMP"], "greeting")
        check_eq(self.qmp("qmp_capabilities"), {"return": {}},
                 "qmp_capabilities")

    def qmp(self, cmd, **args):
        """Sends @cmd; returns its reply, keeping the events before it."""
        msg = {"execute": cmd}
        if args:
            msg["arguments"] = args
        self.p.stdin.write(json.dumps(msg) + "\n")
        self.p.stdin.flush()
        while True:
            line = self.p.stdout.readline()
            if not line:
                raise Failure("qmem-run went away: %r" % (self.finish(),))
            reply = json.loads(line)
            if "event" in reply:
                reply.pop("timestamp")
                self.events.append(reply)
            else:
                return reply

    def ok(self, cmd, **args):
        """@cmd's "return", which it must have."""
        reply = self.qmp(cmd, **args)
        check("return" in reply, "%s: %r" % (cmd, reply))
        return reply["return"]

    def qtest_cmd(self, line):
        self.qtest.sendall((line + "\n").encode())
        return self.qtest_in.readline().rstrip("\n")

    def finish(self):
        """SIGTERM, as QEMU's qtest_quit(); the status and stderr."""
        self.qtest.close()
        if self.p.poll() is None:
            self.p.terminate()
        try:
            self.p.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        self.p.stdin.close()
        err = self.p.stderr.read()
        self.p.stdout.close()
        self.p.stderr.close()
        return self.p.returncode, err
