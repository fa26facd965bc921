#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""qmem-run on the command lines libvirt 10.x writes for memory.

Each case is a file of tests/qtest/libvirt-argv/ (libvirt_argv.py reads
them): the memory, monitor and process options of one of libvirt's own
tests/qemuxmlconfdata/*.args, its comments naming the libvirt file and
commit and every edit.  The test starts qmem-run on that command line
(the qtest accelerator, file backends in a temporary directory, the QMP
monitor on a listening socket passed as libvirt passes it), talks QMP on
it and checks that query-memdev and query-memory-devices answer as QEMU
7.2 does for the same command line (tests/qemu-ref/qemu-7.2.json, cases
libvirt-NAME; query-memdev sorted by id, since QEMU's order is a hash
table's).  A case whose feature qmem does not have yet is skipped, with
what is missing.  Needs QMEM_RUN and QMEM_MODULE_DIR, as meson test sets
them.  Prints TAP.
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

import libvirt_argv
import tap
from tap import Failure, Skip, check_eq

TIMEOUT = 60
REF = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..',
                   'qemu-ref', 'qemu-7.2.json')


def probe_ok(args):
    proc = subprocess.run([os.environ['QMEM_RUN']] + args,
                          stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=TIMEOUT)
    return proc.returncode == 0, proc.stdout


_usage = None


def usage():
    global _usage
    if _usage is None:
        _usage = probe_ok(['-h'])[1]
    return _usage


def has_option(name):
    return ('\n  -%s ' % name) in usage()


def missing(args):
    """What qmem-run lacks of @args, the features each case's command line
    uses that land with issue 11 (empty once they all have)."""
    out = []
    for i, arg in enumerate(args[:-1]):
        value = args[i + 1]
        if arg.startswith('-') and arg[1:] in (
                'name', 'uuid', 'msg', 'overcommit', 'sandbox'):
            if not has_option(arg[1:]):
                out.append('option ' + arg)
        if arg == '-no-user-config' and not has_option('no-user-config'):
            out.append('option -no-user-config')
        if arg == '-device' and value.startswith('{'):
            driver = json.loads(value)['driver']
            if not probe_ok(['-device', driver + ',help'])[0]:
                out.append('-device ' + driver)
        if arg == '-object' and value.startswith('{'):
            qom_type = json.loads(value)['qom-type']
            if not probe_ok(['-object', qom_type + ',help'])[0]:
                out.append('-object ' + qom_type)
    return sorted(set(out))


def sandbox_env():
    """The environment for libvirt's -sandbox spawn=deny: LeakSanitizer's
    exit-time tracer clones a process, which the filter kills."""
    env = dict(os.environ)
    env['ASAN_OPTIONS'] = env.get('ASAN_OPTIONS', '') + ':detect_leaks=0'
    return env


def test_thread_context_sandbox():
    """libvirt's -sandbox denies setting a thread's affinity
    (resourcecontrol=deny) and puts its thread-contexts after it: as in
    QEMU, they are made before the filter is loaded, so their affinity
    holds; the -device after them is what fails."""
    if not has_option('sandbox') or not probe_ok(
            ['-object', 'thread-context,help'])[0]:
        raise Skip('qmem lacks -sandbox or thread-context (issue 11)')
    args = ['-accel', 'qtest', '-display', 'none', '-S', '-sandbox',
            'on,obsolete=deny,elevateprivileges=deny,spawn=deny,'
            'resourcecontrol=deny',
            '-object', '{"qom-type":"thread-context","id":"tc",'
            '"node-affinity":[0]}', '-device', 'nope']
    proc = subprocess.run([os.environ['QMEM_RUN']] + args,
                          stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=TIMEOUT, env=sandbox_env())
    if 'support is not enabled' in proc.stderr:
        raise Skip('built without libseccomp')
    check_eq((proc.returncode, proc.stderr),
             (1, "qmem-run: -device nope: 'nope' is not a valid device "
              "model name\n"), 'exit status and stderr')


class Qmp:
    def __init__(self, sock):
        self.sock = sock
        self.rx = b''

    def line(self):
        deadline = time.monotonic() + TIMEOUT
        while b'\n' not in self.rx:
            ready, _, _ = select.select([self.sock], [], [], 0.1)
            if ready:
                data = self.sock.recv(65536)
                if not data:
                    raise Failure('monitor closed; got %r' % self.rx)
                self.rx += data
            elif time.monotonic() > deadline:
                raise Failure('monitor timed out; got %r' % self.rx)
        out, self.rx = self.rx.split(b'\n', 1)
        return json.loads(out)

    def command(self, name):
        self.sock.sendall(json.dumps({'execute': name}).encode())
        while True:
            reply = self.line()
            if 'event' not in reply:
                return reply


def connect(path, proc):
    deadline = time.monotonic() + TIMEOUT
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return s
        except OSError:
            s.close()
            if proc.poll() is not None or time.monotonic() > deadline:
                return None
            time.sleep(0.01)


def by_id(memdevs):
    return sorted(memdevs, key=lambda m: m['id'])


class Run:
    """qmem-run on case @name's command line, its monitor connected."""

    def __init__(self, args):
        self.dir = tempfile.mkdtemp(prefix='qmem-libvirt-argv-')
        path = os.path.join(self.dir, 'mon.sock')
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(path)
        listener.listen(1)
        self.argv = libvirt_argv.expand(args, self.dir, listener.fileno())
        self.proc = subprocess.Popen([os.environ['QMEM_RUN']] + self.argv,
                                     stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE,
                                     pass_fds=[listener.fileno()],
                                     env=sandbox_env())
        listener.close()
        self.sock = connect(path, self.proc)
        self.result = None

    def stop(self):
        """Ends qmem-run (SIGTERM if still running); its status and
        stderr."""
        if self.result:
            return self.result
        if self.sock:
            self.sock.close()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            _, err = self.proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        shutil.rmtree(self.dir, ignore_errors=True)
        self.result = (self.proc.returncode, err.decode())
        return self.result


def run_case(name, ref):
    meta, args = libvirt_argv.load(name)
    lacking = missing(args)
    if lacking:
        raise Skip('qmem lacks %s (issue 11)' % ', '.join(lacking))
    want = ref['cases']['libvirt-' + name]['qmp']
    run = Run(args)
    try:
        if not run.sock:
            status, err = run.stop()
            raise Failure('qmem-run exited (%s) before its monitor '
                          'answered:\n%s' % (status, err))
        qmp = Qmp(run.sock)
        try:
            greeting = qmp.line()
        except OSError as e:
            status, err = run.stop()
            raise Failure('monitor: %s; qmem-run exited (%s):\n%s'
                          % (e, status, err))
        check_eq('QMP' in greeting, True, 'greeting')
        check_eq(qmp.command('qmp_capabilities'), {'return': {}},
                 'qmp_capabilities')
        got = qmp.command('query-memdev')
        check_eq(by_id(got.get('return', [])), by_id(want['query-memdev']),
                 '%s: query-memdev (%s)' % (name, got))
        check_eq(qmp.command('query-memory-devices'),
                 {'return': want['query-memory-devices']},
                 '%s: query-memory-devices' % name)
        qmp.sock.sendall(b'{"execute": "quit"}')
        status, err = run.stop()
        check_eq(status, 0, 'exit status after quit (stderr %r)' % err)
    finally:
        run.stop()


def main():
    with open(REF) as f:
        ref = json.load(f)
    tests = [(name, lambda n=name: run_case(n, ref))
             for name in libvirt_argv.names()]
    tests.append(('thread-context-before-sandbox',
                  test_thread_context_sandbox))
    return tap.run('libvirt-argv', tests)


if __name__ == '__main__':
    sys.exit(main())
