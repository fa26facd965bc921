#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""qmem-run's process options as QEMU's: -name, -uuid, -msg, -overcommit,
-pidfile, -daemonize, -no-user-config, -sandbox; SGX refused on a host
without it; and where a build tree's qmem-run finds its modules.

Exact texts are QEMU 7.2's (QEMU 10's for mem-lock=on-fault), checked
against qemu-system-x86_64 where the host has it.  Needs QMEM_RUN and
QMEM_MODULE_DIR, as meson test sets them.  Prints TAP.
"""

import fcntl
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import tap
from tap import Failure, Skip, check, check_eq

TIMEOUT = 60
BASE = ["-accel", "qtest", "-display", "none"]
SIZE_HINT = ("Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, "
             "tera-, peta-\nand exabytes, respectively.\n")
TMP = tempfile.mkdtemp(prefix="qmem-procopts-")


def run(args, env=None):
    """Runs qmem-run to its end: (status, stdout, stderr)."""
    p = subprocess.run([os.environ["QMEM_RUN"]] + args, env=env,
                       stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=TIMEOUT)
    return p.returncode, p.stdout, p.stderr


def run_fails(args, stderr, env=None):
    status, _, err = run(args, env)
    check_eq(err, stderr, "stderr of %s" % " ".join(args))
    check_eq(status, 1, "exit status")


# What QEMU 7.2 says for the same options (qemu-system-x86_64).
ERRORS = [
    (["-uuid", "xyz"],
     "qmem-run: -uuid xyz: failed to parse UUID string: wrong format\n"),
    (["-uuid", "12345678-1234-1234-1234-12345678901g"],
     "qmem-run: -uuid 12345678-1234-1234-1234-12345678901g: failed to parse "
     "UUID string: wrong format\n"),
    (["-uuid", "12345678-1234-1234-1234-1234567890123"],
     "qmem-run: -uuid 12345678-1234-1234-1234-1234567890123: failed to parse "
     "UUID string: wrong format\n"),
    (["-name", "foo,bar=1"],
     "qmem-run: -name foo,bar=1: Invalid parameter 'bar'\n"),
    (["-name", "guest=a,debug-threads=x"],
     "qmem-run: -name guest=a,debug-threads=x: Parameter 'debug-threads' "
     "expects 'on' or 'off'\n"),
    (["-overcommit", "mem-lock=x"],
     "qmem-run: -overcommit mem-lock=x: parameter 'mem-lock' expects one of "
     "'on', 'off', 'on-fault'\n"),
    (["-overcommit", "foo=on"],
     "qmem-run: -overcommit foo=on: Invalid parameter 'foo'\n"),
    (["-overcommit", "cpu-pm=x"],
     "qmem-run: -overcommit cpu-pm=x: Parameter 'cpu-pm' expects 'on' or "
     "'off'\n"),
    (["-msg", "timestamp=x"],
     "qmem-run: -msg timestamp=x: Parameter 'timestamp' expects 'on' or "
     "'off'\n"),
    (["-msg", "foo=on"],
     "qmem-run: -msg foo=on: Invalid parameter 'foo'\n"),
    (["-pidfile", "/nonexistent/dir/pid"],
     "qmem-run: cannot create PID file: Could not create "
     "'/nonexistent/dir/pid': No such file or directory\n"),
    (["-daemonize", "-qmp", "stdio"],
     "qmem-run: -qmp stdio: cannot use stdio with -daemonize\n"),
    (["-daemonize", "-chardev", "stdio,id=c0", "-mon", "c0"],
     "qmem-run: -chardev stdio,id=c0: cannot use stdio with -daemonize\n"),
    (["-daemonize", "-qtest", "stdio"],
     "qmem-run: -qtest stdio: cannot use stdio with -daemonize\n"),
    (["-nographic"], "qmem-run: -nographic: invalid option\n"),
]


def test_errors():
    for args, stderr in ERRORS:
        run_fails(BASE + args, stderr)


def build_config(name):
    """A #define of the build's qmem-config.h, as a string, or None."""
    build = os.path.dirname(os.path.realpath(os.environ["QMEM_RUN"]))
    with open(os.path.join(build, "qmem-config.h")) as f:
        for line in f:
            m = re.match(r'#define %s (.*)' % name, line)
            if m:
                return m.group(1).strip('"')
    return None


# QEMU 7.2's -sandbox texts.
SANDBOX_ERRORS = [
    ("on,spawn=x", "invalid argument for spawn"),
    ("on,obsolete=x", "invalid argument for obsolete"),
    ("on,elevateprivileges=x", "invalid argument for elevateprivileges"),
    ("on,resourcecontrol=x", "invalid argument for resourcecontrol"),
    ("x", "Parameter 'enable' expects 'on' or 'off'"),
    ("on,foo=1", "Invalid parameter 'foo'"),
]


def seccomp_status(pid):
    with open("/proc/%d/status" % pid) as f:
        return {k: v.strip() for k, v in
                (line.split(":", 1) for line in f)
                if k.startswith("Seccomp")}


def test_sandbox():
    if build_config("CONFIG_SECCOMP") != "1":
        run_fails(BASE + ["-sandbox", "on"],
                  "qmem-run: -sandbox on: -sandbox support is not enabled "
                  "in this qmem-run binary\n")
        raise Skip("built without libseccomp")
    for arg, text in SANDBOX_ERRORS:
        run_fails(BASE + ["-sandbox", arg],
                  "qmem-run: -sandbox %s: %s\n" % (arg, text))
    # Off, the values are not looked at and nothing is loaded.
    p, qmp = start(BASE + ["-sandbox", "off,spawn=x"])
    check_eq(seccomp_status(p.pid)["Seccomp"], "0", "-sandbox off")
    stop(p, qmp)
    # Each -sandbox on loads a filter for every thread; threads still start
    # (clone with a thread's flags; clone3 answers ENOSYS), here the
    # preallocation threads of an object-add.
    env = dict(os.environ)
    # LeakSanitizer's exit-time tracer clones a process: spawn=deny kills it.
    env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":detect_leaks=0"
    path = os.path.join(TMP, "sandbox.sock")
    p = subprocess.Popen([os.environ["QMEM_RUN"]] + BASE +
                         ["-sandbox", "on,obsolete=deny,elevateprivileges="
                          "deny,spawn=deny,resourcecontrol=deny",
                          "-sandbox", "on",
                          "-qmp", "unix:%s,server=on,wait=off" % path],
                         env=env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    qmp = Qmp(path)
    status = seccomp_status(p.pid)
    check_eq((status["Seccomp"], status.get("Seccomp_filters")), ("2", "2"),
             "filters")
    for tid in os.listdir("/proc/%d/task" % p.pid):
        check_eq(seccomp_status(int(tid))["Seccomp"], "2", "thread %s" % tid)
    check_eq(qmp.cmd("object-add", **{"qom-type": "memory-backend-ram",
                                      "id": "m0", "size": 64 << 20,
                                      "prealloc": True,
                                      "prealloc-threads": 4}),
             {"return": {}}, "object-add with prealloc threads")
    check_eq(stop(p, qmp), "", "stderr")
    # The filter is real: the kernel kills QEMU's fork for -daemonize under
    # spawn=deny, and its setsid() under elevateprivileges=deny.
    status, _, err = run(BASE + ["-sandbox", "on,spawn=deny", "-daemonize"])
    check_eq((status, err), (-31, ""), "fork under spawn=deny (SIGSYS)")
    status, _, err = run(BASE + ["-sandbox", "on,elevateprivileges=deny",
                                 "-daemonize"])
    check_eq((status, err), (1, ""), "setsid under elevateprivileges=deny")


class Qmp:
    """A QMP client on a Unix socket qmem-run listens on."""

    def __init__(self, path):
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise Failure("no QMP socket at %s" % path)
                time.sleep(0.05)
        self.f = self.sock.makefile("rw")
        json.loads(self.f.readline())
        check_eq(self.cmd("qmp_capabilities"), {"return": {}},
                 "qmp_capabilities")

    def cmd(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.f.write(json.dumps(msg) + "\n")
        self.f.flush()
        while True:
            reply = json.loads(self.f.readline())
            if "event" not in reply:
                return reply

    def quit(self):
        self.cmd("quit")
        self.sock.close()


def start(args):
    """qmem-run with QMP on a socket: (process, Qmp)."""
    path = os.path.join(TMP, "qmp.sock")
    if os.path.exists(path):
        os.unlink(path)
    p = subprocess.Popen([os.environ["QMEM_RUN"]] + args +
                         ["-qmp", "unix:%s,server=on,wait=off" % path],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    return p, Qmp(path)


def stop(p, qmp):
    qmp.quit()
    _, err = p.communicate(timeout=TIMEOUT)
    check_eq(p.returncode, 0, "exit status")
    return err


def query(args, *cmds):
    p, qmp = start(BASE + args)
    replies = [qmp.cmd(c)["return"] for c in cmds]
    check_eq(stop(p, qmp), "", "stderr")
    return replies


def test_query_name_uuid():
    zero = "00000000-0000-0000-0000-000000000000"
    check_eq(query([], "query-name", "query-uuid"),
             [{}, {"UUID": zero}], "without -name and -uuid")
    # QEMU's legacy form: a bare name is guest=; later -name options merge.
    check_eq(query(["-name", "vm1", "-name", "debug-threads=off",
                    "-uuid", "0123ABCD-4567-89ab-CDEF-0123456789AB",
                    "-no-user-config"],
                   "query-name", "query-uuid"),
             [{"name": "vm1"},
              {"UUID": "0123abcd-4567-89ab-cdef-0123456789ab"}],
             "-name NAME, -uuid")
    check_eq(query(["-name", "guest=a,,b,process=qmem-a"], "query-name"),
             [{"name": "a,b"}], "-name guest=")


def test_msg():
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z "
    tail = "qmem-run: -m foo: Parameter 'size' expects a non-negative " \
           "number below 2^64\n" + SIZE_HINT
    status, _, err = run(BASE + ["-msg", "timestamp=on", "-m", "foo"])
    check_eq(status, 1, "exit status")
    check(re.fullmatch(stamp + re.escape(tail), err), "timestamp: %r" % err)
    status, _, err = run(BASE + ["-msg", "timestamp=on,guest-name=on",
                                 "-name", "guest=vm1", "-m", "foo"])
    check(re.fullmatch(stamp + "vm1 " + re.escape(tail), err),
          "guest name: %r" % err)
    # guest-name=on without a name, and timestamp=off: nothing added.
    run_fails(BASE + ["-msg", "guest-name=on,timestamp=off", "-m", "foo"],
              tail)


# SGX on a host without it (no /dev/sgx_vepc): QEMU 7.2's texts.
SGX_ERRORS = [
    (["-object", "memory-backend-epc,id=e0,size=1M"],
     "qmem-run: -object memory-backend-epc,id=e0,size=1M: failed to open "
     "/dev/sgx_vepc to alloc SGX EPC: No such file or directory\n"),
    (["-device", "sgx-epc"],
     "qmem-run: -device sgx-epc: Parameter 'driver' expects a pluggable "
     "device type\n"),
    (["-object", "sgx-epc,id=x"],
     "qmem-run: -object sgx-epc,id=x: Parameter 'qom-type' does not accept "
     "value 'sgx-epc'\n"),
    (["-machine", "sgx-epc.0.memdev=m,sgx-epc.0.node=0"],
     "qmem-run: Invalid parameter type for 'memdev', expected: "
     "memory-backend-epc\n"),
    (["-machine", "sgx-epc.0.memdev=nope,sgx-epc.0.node=0"],
     "qmem-run: Device 'nope' not found\n"),
    (["-machine", "sgx-epc.0.node=0"],
     "qmem-run: Parameter 'sgx-epc.0.memdev' is missing\n"),
    (["-machine", "sgx-epc.0.memdev=m"],
     "qmem-run: Parameter 'sgx-epc.0.node' is missing\n"),
    (["-machine", "sgx-epc.0.memdev=m,sgx-epc.0.node=x"],
     "qmem-run: Parameter 'sgx-epc.0.node' expects integer\n"),
    (["-machine", "sgx-epc.0.memdev=m,sgx-epc.0.node=0,sgx-epc.0.foo=1"],
     "qmem-run: Parameter 'sgx-epc.0.foo' is unexpected\n"),
    (["-machine", "sgx-epc.1.memdev=m,sgx-epc.1.node=0"],
     "qmem-run: Parameter 'sgx-epc.0' missing\n"),
    (["-machine", "sgx-epc.0=x"],
     "qmem-run: Invalid parameter type for 'sgx-epc.0', expected: object\n"),
    (["-machine", "sgx-epc=x"],
     "qmem-run: Invalid parameter type for 'sgx-epc', expected: array\n"),
    (["-machine", "none,sgx-epc.0.memdev=m,sgx-epc.0.node=0"],
     "qmem-run: Property 'none-machine.sgx-epc' not found\n"),
]


def test_sgx():
    if os.path.exists("/dev/sgx_vepc"):
        raise Skip("the host has SGX")
    for args, stderr in SGX_ERRORS:
        run_fails(BASE + ["-object", "memory-backend-ram,id=m,size=1M"] +
                  args, stderr)
    # object-add leaves nothing behind.
    p, qmp = start(BASE)
    check_eq(qmp.cmd("object-add", **{"qom-type": "memory-backend-epc",
                                      "id": "e0", "size": 1 << 20}),
             {"error": {"class": "GenericError",
                        "desc": "failed to open /dev/sgx_vepc to alloc SGX "
                        "EPC: No such file or directory"}}, "object-add")
    check_eq([m["id"] for m in qmp.cmd("query-memdev")["return"]],
             ["pc.ram"], "query-memdev")
    stop(p, qmp)


def thread_names(pid):
    task = "/proc/%d/task" % pid
    names = []
    for tid in sorted(os.listdir(task), key=int):
        with open(os.path.join(task, tid, "comm")) as f:
            names.append(f.read().strip())
    return names


def kvm_works():
    try:
        os.close(os.open("/dev/kvm", os.O_RDWR))
        return True
    except OSError:
        return False


def test_debug_threads():
    if not kvm_works():
        raise Skip("no /dev/kvm")
    for value, want in (("on", ["qmem-run", "CPU 0/KVM", "CPU 1/KVM"]),
                        ("off", ["qmem-run"] * 3)):
        p, qmp = start(["-accel", "kvm", "-display", "none", "-smp", "2",
                        "-name", "guest=vm,debug-threads=" + value])
        names = [n for n in thread_names(p.pid)
                 if not n.startswith("kvm-")]   # the kernel's own threads
        check_eq(names, want, "threads with debug-threads=" + value)
        stop(p, qmp)
    # process= names the process itself (15 bytes kept).
    p, qmp = start(BASE + ["-name", "vm,process=qmem-process-name-long"])
    check_eq(thread_names(p.pid)[0], "qmem-process-na", "process name")
    stop(p, qmp)


def status_kib(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise Failure("no %s" % key)


def sanitized():
    """Whether qmem-run is built with AddressSanitizer."""
    with open(os.environ["QMEM_RUN"], "rb") as f:
        return b"__asan_init" in f.read()


def test_mem_lock():
    if sanitized():
        raise Skip("AddressSanitizer makes mlockall() do nothing")
    rss = {}
    for value in ("off", "on", "on-fault"):
        p, qmp = start(BASE + ["-m", "256M", "-overcommit",
                               "mem-lock=" + value])
        rss[value] = status_kib(p.pid, "VmRSS")
        locked = status_kib(p.pid, "VmLck")
        check((locked > 0) == (value != "off"),
              "VmLck %d KiB with mem-lock=%s" % (locked, value))
        stop(p, qmp)
    # on faults every page in (the 256 MiB of RAM); on-fault does not.
    check(rss["on"] > 256 * 1024, "mem-lock=on: RSS %d KiB" % rss["on"])
    check(rss["on-fault"] < 128 * 1024,
          "mem-lock=on-fault: RSS %d KiB" % rss["on-fault"])
    # A later -overcommit without mem-lock keeps it.
    p, qmp = start(BASE + ["-overcommit", "mem-lock=on",
                           "-overcommit", "cpu-pm=off"])
    check(status_kib(p.pid, "VmLck") > 0, "mem-lock kept")
    stop(p, qmp)


def test_mem_lock_fails():
    if sanitized():
        raise Skip("AddressSanitizer makes mlockall() do nothing")
    setpriv, prlimit = shutil.which("setpriv"), shutil.which("prlimit")
    if not setpriv or not prlimit:
        raise Skip("needs setpriv and prlimit")
    # Without CAP_IPC_LOCK, a 64 KiB RLIMIT_MEMLOCK is too little.
    cmd = [prlimit, "--memlock=65536:65536", setpriv, "--inh-caps=-ipc_lock",
           "--bounding-set=-ipc_lock", os.environ["QMEM_RUN"]] + BASE
    for value in ("on", "on-fault"):
        p = subprocess.run(cmd + ["-overcommit", "mem-lock=" + value],
                           capture_output=True, text=True, timeout=TIMEOUT)
        if "setpriv" in p.stderr:
            raise Skip("setpriv: %s" % p.stderr.strip())
        check_eq(p.stderr, "qmem-run: mlockall: Cannot allocate memory\n"
                 "qmem-run: locking memory failed\n", "stderr")
        check_eq(p.returncode, 1, "exit status")


def test_cpu_pm():
    if not kvm_works():
        raise Skip("no /dev/kvm")
    p, qmp = start(["-accel", "kvm", "-display", "none",
                    "-overcommit", "cpu-pm=on"])
    # The payload runs with the exits disabled.
    reply = qmp.cmd("x-guest-memtest", addr=0x100000, size=0x100000)
    check_eq(reply["return"]["mismatches"], 0, "memtest")
    check_eq(stop(p, qmp), "", "stderr")


def test_pidfile():
    pidfile = os.path.join(TMP, "qmem.pid")
    p, qmp = start(BASE + ["-pidfile", pidfile])
    with open(pidfile) as f:
        check_eq(f.read(), "%d\n" % p.pid, "PID file")
    # Locked: a second qmem-run with the same file refuses, leaves it be.
    run_fails(BASE + ["-pidfile", pidfile],
              "qmem-run: cannot create PID file: Cannot lock pid file: "
              "Resource temporarily unavailable\n")
    check(os.path.exists(pidfile), "PID file kept")
    stop(p, qmp)
    check(not os.path.exists(pidfile), "PID file left behind")


def check_daemon(pid, sock):
    check_eq(os.readlink("/proc/%d/cwd" % pid), "/", "daemon's directory")
    for fd in (0, 1, 2):
        check_eq(os.readlink("/proc/%d/fd/%d" % (pid, fd)), "/dev/null",
                 "daemon's fd %d" % fd)
    # A session of its own, of which it is not the leader (QEMU's two forks).
    check(os.getsid(pid) not in (os.getsid(0), pid), "daemon's session")
    qmp = Qmp(sock)
    check_eq(qmp.cmd("query-name")["return"], {"name": "d"}, "query-name")
    qmp.quit()


def test_daemonize():
    pidfile = os.path.join(TMP, "daemon.pid")
    sock = os.path.join(TMP, "daemon.sock")
    status, out, err = run(BASE + ["-daemonize", "-pidfile", pidfile,
                                   "-name", "guest=d",
                                   "-qmp", "unix:%s,server=on,wait=off" %
                                   sock])
    check_eq((status, out, err), (0, "", ""), "parent")
    # The parent exited once the daemon was set up: its QMP is there now.
    with open(pidfile) as f:
        pid = int(f.read())
    try:
        check_daemon(pid, sock)
    except Exception:
        os.kill(pid, signal.SIGKILL)
        raise
    deadline = time.monotonic() + TIMEOUT
    while os.path.exists(pidfile) and time.monotonic() < deadline:
        time.sleep(0.05)
    check(not os.path.exists(pidfile), "PID file left behind")
    # An error in the daemon before it is set up: the parent's status.
    run_fails(BASE + ["-daemonize", "-object",
                      "memory-backend-ram,id=m0,size=0"],
              "qmem-run: -object memory-backend-ram,id=m0,size=0: "
              "property 'size' of memory-backend-ram doesn't take "
              "value '0'\n")


def test_modules_build_tree():
    env = dict(os.environ)
    del env["QMEM_MODULE_DIR"]
    status, out, err = run(["-object", "memory-backend-ram,help"], env)
    check_eq((status, err), (0, ""), "build-tree run without QMEM_MODULE_DIR")
    check(out.startswith("memory-backend-ram options:\n"), out)
    # QMEM_MODULE_DIR still wins, and a missing one says so.
    env["QMEM_MODULE_DIR"] = "/nonexistent/qmem"
    run_fails(["-version"],
              "qmem-run: no module directory found (searched "
              "'/nonexistent/qmem' (from QMEM_MODULE_DIR)): set "
              "QMEM_MODULE_DIR to the directory of qmem's modules, e.g. "
              "BUILDDIR/modules\n", env)


def test_modules_missing():
    """A copy of qmem-run outside any build tree, nothing installed."""
    build = os.path.dirname(os.path.realpath(os.environ["QMEM_RUN"]))
    moduledir = build_config("QMEM_MODULE_DIR")
    check(moduledir, "QMEM_MODULE_DIR in qmem-config.h")
    if os.path.isdir(moduledir):
        raise Skip("qmem is installed in %s" % moduledir)
    copy = os.path.join(TMP, "bin")
    os.makedirs(copy, exist_ok=True)
    shutil.copy(os.environ["QMEM_RUN"], copy)
    env = dict(os.environ, LD_LIBRARY_PATH=build)
    del env["QMEM_MODULE_DIR"]
    p = subprocess.run([os.path.join(copy, "qmem-run"), "-version"],
                       env=env, capture_output=True, text=True,
                       timeout=TIMEOUT)
    check_eq(p.stderr, "qmem-run: no module directory found (searched "
             "'%s/qmem-bundle%s', '%s'): set QMEM_MODULE_DIR to the "
             "directory of qmem's modules, e.g. BUILDDIR/modules\n" %
             (copy, moduledir, moduledir), "stderr")
    check_eq(p.returncode, 1, "exit status")


TESTS = [
    ("errors", test_errors),
    ("sandbox", test_sandbox),
    ("sgx", test_sgx),
    ("query-name-uuid", test_query_name_uuid),
    ("msg", test_msg),
    ("debug-threads", test_debug_threads),
    ("mem-lock", test_mem_lock),
    ("mem-lock-fails", test_mem_lock_fails),
    ("cpu-pm", test_cpu_pm),
    ("pidfile", test_pidfile),
    ("daemonize", test_daemonize),
    ("modules/build-tree", test_modules_build_tree),
    ("modules/missing", test_modules_missing),
]

if __name__ == "__main__":
    try:
        status = tap.run("/qmem-run/process", TESTS)
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    sys.exit(status)
