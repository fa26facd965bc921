#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""qmem-run ends on SIGINT, SIGTERM and SIGHUP as QEMU does, even busy.

A signal makes QMP send SHUTDOWN with reason "host-signal" and the runner
exit 0, with QEMU's "terminating on signal N from pid P (CMD)" on stderr
(not under a qtest driver, as in QEMU).  Unlike QEMU, preallocation in
progress gives up at once, in QMP object-add and at start-up (issue 12:
SIGTERM was not honoured while the main thread was busy).  Needs QMEM_RUN
and QMEM_MODULE_DIR, as meson test sets them.  Prints TAP.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

import tap
from tap import Failure, check_eq

TIMEOUT = 60
GiB = 1 << 30
PREALLOC_ERROR = ("qemu_prealloc_mem: preallocating memory failed: "
                  "Interrupted system call")




def start(args):
    return subprocess.Popen([os.environ["QMEM_RUN"], "-display", "none",
                             "-qmp", "stdio"] + args,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def negotiate(p):
    greeting = json.loads(p.stdout.readline())
    check_eq(list(greeting), ["QMP"], "greeting")
    send(p, {"execute": "qmp_capabilities"})
    check_eq(json.loads(p.stdout.readline()), {"return": {}},
             "qmp_capabilities")


def send(p, cmd):
    p.stdin.write(json.dumps(cmd) + "\n")
    p.stdin.flush()


def wait_rss(p, kib):
    """Until the runner has touched @kib of memory: preallocating."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        with open("/proc/%d/status" % p.pid) as f:
            rss = [int(line.split()[1]) for line in f
                   if line.startswith("VmRSS:")][0]
        if rss >= kib:
            return
        if p.poll() is not None or time.monotonic() > deadline:
            raise Failure("never reached %d KiB (RSS %d KiB)" % (kib, rss))
        time.sleep(0.01)


def finish(p):
    """Closes stdin, waits; the messages after the greeting, stderr, status."""
    try:
        out, err = p.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        raise Failure("did not exit")
    msgs = [json.loads(line) for line in out.splitlines()]
    for m in msgs:
        m.pop("timestamp", None)
    return msgs, err, p.returncode


def killed(signo):
    return ("qmem-run: terminating on signal %d from pid %d (%s)\n"
            % (signo, os.getpid(), sys.executable))


SHUTDOWN = {"event": "SHUTDOWN",
            "data": {"guest": False, "reason": "host-signal"}}


def idle(signo):
    def test():
        p = start(["-M", "none"])
        negotiate(p)
        os.kill(p.pid, signo)
        msgs, err, status = finish(p)
        check_eq(msgs, [SHUTDOWN], "QMP")
        check_eq(err, killed(signo), "stderr")
        check_eq(status, 0, "exit status")
    return test


def qtest_driver():
    """Under -qtest, as QEMU under a qtest driver: no line on stderr."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "qtest")
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(path)
        server.listen(1)
        p = start(["-M", "none", "-accel", "qtest", "-qtest",
                   "unix:" + path, "-qtest-log", "/dev/null"])
        negotiate(p)
        server.close()
    os.kill(p.pid, signal.SIGTERM)
    msgs, err, status = finish(p)
    check_eq(msgs, [SHUTDOWN], "QMP")
    check_eq(err, "", "stderr")
    check_eq(status, 0, "exit status")


def object_add_prealloc():
    """A signal during object-add's preallocation cancels it."""
    p = start(["-M", "none"])
    negotiate(p)
    send(p, {"execute": "object-add",
             "arguments": {"qom-type": "memory-backend-ram", "id": "big",
                           "size": 16 * GiB, "prealloc": True}})
    wait_rss(p, 64 * 1024)
    os.kill(p.pid, signal.SIGTERM)
    msgs, err, status = finish(p)
    check_eq(msgs, [{"error": {"class": "GenericError",
                               "desc": PREALLOC_ERROR}}, SHUTDOWN], "QMP")
    check_eq(err, killed(signal.SIGTERM), "stderr")
    check_eq(status, 0, "exit status")


def startup_prealloc():
    """A signal during start-up's preallocation: the runner gives up."""
    obj = "memory-backend-ram,id=big,size=16G,prealloc=on,prealloc-threads=2"
    p = start(["-M", "none", "-object", obj])
    wait_rss(p, 64 * 1024)
    os.kill(p.pid, signal.SIGTERM)
    msgs, err, status = finish(p)
    check_eq(msgs, [], "stdout")
    check_eq(err, "qmem-run: -object %s: %s\n" % (obj, PREALLOC_ERROR)
             + killed(signal.SIGTERM), "stderr")
    check_eq(status, 1, "exit status")


TESTS = [
    ("sigterm", idle(signal.SIGTERM)),
    ("sigint", idle(signal.SIGINT)),
    ("sighup", idle(signal.SIGHUP)),
    ("qtest-driver", qtest_driver),
    ("object-add-prealloc", object_add_prealloc),
    ("startup-prealloc", startup_prealloc),
]


def main():
    return tap.run("/qmem-run/signals", TESTS)


if __name__ == "__main__":
    sys.exit(main())
