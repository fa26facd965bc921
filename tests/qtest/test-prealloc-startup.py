#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Start-up preallocation that fails, waiting (prealloc-context) or not.

A file backend on a 1 MiB tmpfs (mounted in a mount namespace this process
makes for itself) cannot be preallocated to 4 MiB.  With a
prealloc-context its preallocation waits for the others of the command
line and fails with them: qmem-run ends with QEMU's text and no location,
as QEMU 7.2 does (whose preallocation is not in the background, but whose
object errors have no location either), and writes no QMP greeting.
Without a context it fails while its -object is created.  Skips when
unshare or mount is not permitted.  Needs QMEM_RUN and QMEM_MODULE_DIR.
Prints TAP.
"""

import functools
import os
import shutil
import subprocess
import sys
import tempfile

import qmemvm
from tap import Skip, check_eq

MiB = 1 << 20
TEXT = "qemu_prealloc_mem: preallocating memory failed: Bad address"


def objects(mnt, context):
    tc = ",prealloc-context=tc" if context else ""
    return ["-object", "thread-context,id=tc",
            "-object", "memory-backend-ram,id=m0,size=64M,prealloc=on" + tc,
            "-object", "memory-backend-file,id=m1,size=4M,mem-path=%s/f,"
            "share=on,prealloc=on%s" % (mnt, tc),
            "-object", "memory-backend-memfd,id=m2,size=64M,prealloc=on" + tc]


def run(prog, args):
    p = subprocess.run([prog, "-machine", "none", "-display", "none", "-S",
                        "-qmp", "stdio"] + args, stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def waiting_case(mnt):
    args = objects(mnt, True)
    status, out, err = run(os.environ["QMEM_RUN"], ["-accel", "qtest"] + args)
    check_eq(err, "qmem-run: %s\n" % TEXT, "stderr")
    check_eq(out, "", "stdout (no QMP greeting)")
    check_eq(status, 1, "exit status")
    qemu = shutil.which("qemu-system-x86_64")
    if not qemu:
        raise Skip("no qemu-system-x86_64 to compare with")
    os.unlink(os.path.join(mnt, "f"))
    status, out, err = run(qemu, ["-accel", "tcg"] + args)
    check_eq(err, "qemu-system-x86_64: %s\n" % TEXT, "QEMU 7.2's stderr")
    check_eq(status, 1, "QEMU 7.2's exit status")


def synchronous_case(mnt):
    args = objects(mnt, False)
    status, out, err = run(os.environ["QMEM_RUN"], ["-accel", "qtest"] + args)
    check_eq(err, "qmem-run: -object memory-backend-file,id=m1,size=4M,"
             "mem-path=%s/f,share=on,prealloc=on: %s\n" % (mnt, TEXT),
             "stderr")
    check_eq(status, 1, "exit status")


def main():
    prefix = "/qmem-run/prealloc-startup"
    with tempfile.TemporaryDirectory(prefix="qmem-prealloc-") as tmp:
        mnt = os.path.join(tmp, "mnt")
        os.mkdir(mnt)
        tests = [("waiting", functools.partial(waiting_case, mnt)),
                 ("synchronous", functools.partial(synchronous_case, mnt))]
        return qmemvm.run_on_tmpfs(prefix, tests, mnt, MiB)


if __name__ == "__main__":
    sys.exit(main())
