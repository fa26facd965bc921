#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A memory backend whose file system is full stops the VM; cont resumes it.

Fault injection (issue 12): the backend's file lies on a 1 MiB tmpfs,
mounted in a mount namespace this process makes for itself (so that no
mount outlives it), half of which a filler file takes.  Writing past the
space left must not kill qmem-run with SIGBUS: the access fails (qtest
FAIL with the reason, a guest memory test's error on KVM), QMP sends
MEMORY_BACKEND_ERROR then STOP, query-status says io-error, the bytes
written before read back intact, cont with the space still missing stops
again, and once the filler is deleted cont resumes and the writes go
through.  With --kvm the writes are the guest's (x-guest-memtest), and the
test skips without /dev/kvm.  Skips when unshare or mount is not
permitted.  Needs QMEM_RUN and QMEM_MODULE_DIR.  Prints TAP.
"""

import functools
import os
import sys
import tempfile
import time

import qmemvm
from tap import Failure, Skip, check_eq

TIMEOUT = 60
KiB = 1 << 10
MiB = 1 << 20
PAGE = 4 * KiB
ENOSPC_TEXT = "No space left on device"
MULTIPLIER = 0x9e3779b97f4a7c15
DIMM_BASE = 4 << 30


class Vm(qmemvm.Vm):
    """With the events' and status' shorthands."""

    def wait_events(self, n):
        """Until @n events came; returns them and forgets them."""
        deadline = time.monotonic() + TIMEOUT
        while len(self.events) < n:
            if time.monotonic() > deadline:
                raise Failure("events: got %r, want %d" % (self.events, n))
            self.qmp("query-version")
        got, self.events = self.events[:n], self.events[n:]
        return got

    def status(self):
        return self.qmp("query-status")["return"]


def fill(path, size):
    with open(path, "wb") as f:
        f.write(b"\xee" * size)


def backend_error(addr, offset):
    return {"event": "MEMORY_BACKEND_ERROR",
            "data": {"id": "m0", "qom-path": "/objects/m0", "addr": addr,
                     "offset": offset, "nospace": True,
                     "reason": ENOSPC_TEXT}}


STOP = {"event": "STOP"}
RESUME = {"event": "RESUME"}
IO_ERROR = {"running": False, "singlestep": False, "status": "io-error"}
RUNNING = {"running": True, "singlestep": False, "status": "running"}


def qtest_case(tmp):
    """qtest writes past the space left; cont after the space is back."""
    mnt = os.path.join(tmp, "mnt")
    # 1 MiB, half of it filler: the backend gets 128 pages.
    fill(os.path.join(mnt, "filler"), 512 * KiB)
    vm = Vm(tmp, ["-M", "none", "-m", "4M", "-accel", "qtest",
                  "-object", "memory-backend-file,id=m0,size=4M,share=on,"
                  "mem-path=" + os.path.join(mnt, "m0"),
                  "-machine", "memory-backend=m0"])
    try:
        check_eq(vm.status(), RUNNING, "query-status at start")
        check_eq(vm.qtest_cmd("write 0x0 8 0x0011223344556677"), "OK",
                 "first write")
        # Pages 1..127 fit, page 128 does not.
        fail = ("FAIL cannot supply guest memory at 0x80000 from 'm0': "
                + ENOSPC_TEXT)
        check_eq(vm.qtest_cmd("memset 0x1000 0x100000 0x5a"), fail,
                 "memset past the space left")
        check_eq(vm.wait_events(2), [backend_error(0x80000, 0x80000), STOP],
                 "events")
        check_eq(vm.status(), IO_ERROR, "query-status")
        check_eq(vm.qmp("human-monitor-command",
                        **{"command-line": "info status"}),
                 {"return": "VM status: paused (io-error)\r\n"}, "info status")
        # What was written before the failure is there.
        check_eq(vm.qtest_cmd("read 0x0 8"), "OK 0x0011223344556677",
                 "bytes before")
        check_eq(vm.qtest_cmd("readq 0x7fff8"), "OK 0x5a5a5a5a5a5a5a5a",
                 "last page that fit")
        # A read of a page the file lacks fails the same way.
        check_eq(vm.qtest_cmd("readb 0x90000"),
                 "FAIL cannot supply guest memory at 0x90000 from 'm0': "
                 + ENOSPC_TEXT, "read of a missing page")
        check_eq(vm.wait_events(1), [backend_error(0x90000, 0x90000)],
                 "events while stopped (no second STOP)")
        # cont with the space still missing: it runs, and the next
        # access stops it again, cleanly.
        check_eq(vm.qmp("cont"), {"return": {}}, "cont while full")
        check_eq(vm.wait_events(1), [RESUME], "RESUME")
        check_eq(vm.qtest_cmd("writeq 0x80000 0x1"), fail,
                 "write while still full")
        check_eq(vm.wait_events(2), [backend_error(0x80000, 0x80000), STOP],
                 "events again")
        check_eq(vm.status(), IO_ERROR, "query-status again")
        # Space back: cont, and the writes go through.
        os.unlink(os.path.join(mnt, "filler"))
        check_eq(vm.qmp("cont"), {"return": {}}, "cont")
        check_eq(vm.wait_events(1), [RESUME], "RESUME after space")
        check_eq(vm.status(), RUNNING, "query-status after cont")
        check_eq(vm.qtest_cmd("memset 0x1000 0xf0000 0x5a"), "OK",
                 "memset after space")
        check_eq(vm.qtest_cmd("readq 0xf0ff8"), "OK 0x5a5a5a5a5a5a5a5a",
                 "last bytes of the memset")
        check_eq(vm.qtest_cmd("read 0x0 8"), "OK 0x0011223344556677",
                 "first write still there")
        check_eq(vm.events, [], "no more events")
    finally:
        status, err = vm.finish()
    check_eq(err, "", "stderr")
    check_eq(status, 0, "exit status")


def stop_cont_case(tmp):
    """stop and cont as QEMU's: STOP, paused, RESUME; -S is prelaunch."""
    vm = Vm(tmp, ["-M", "none", "-accel", "qtest", "-S"])
    try:
        prelaunch = {"running": False, "singlestep": False,
                     "status": "prelaunch"}
        check_eq(vm.status(), prelaunch, "-S")
        check_eq(vm.qmp("human-monitor-command",
                        **{"command-line": "info status"}),
                 {"return": "VM status: paused (prelaunch)\r\n"},
                 "info status, prelaunch")
        check_eq(vm.qmp("stop"), {"return": {}}, "stop in prelaunch")
        check_eq(vm.status(), prelaunch, "stop does nothing in prelaunch")
        check_eq(vm.qmp("cont"), {"return": {}}, "cont")
        check_eq(vm.status(), RUNNING, "running")
        check_eq(vm.qmp("cont"), {"return": {}}, "cont while running")
        check_eq(vm.qmp("stop"), {"return": {}}, "stop")
        check_eq(vm.status(), {"running": False, "singlestep": False,
                               "status": "paused"}, "paused")
        check_eq(vm.qmp("human-monitor-command",
                        **{"command-line": "info status"}),
                 {"return": "VM status: paused\r\n"}, "info status, paused")
        check_eq(vm.qmp("human-monitor-command", **{"command-line": "c"}),
                 {"return": ""}, "HMP c")
        check_eq(vm.qmp("human-monitor-command",
                        **{"command-line": "info status"}),
                 {"return": "VM status: running\r\n"}, "info status")
        check_eq(vm.qmp("stop", x=1)["error"]["desc"],
                 "Parameter 'x' is unexpected", "stop with an argument")
        check_eq(vm.wait_events(3), [RESUME, STOP, RESUME], "events")
    finally:
        status, err = vm.finish()
    check_eq(err, "", "stderr")
    check_eq(status, 0, "exit status")


def pattern_bytes(seed, addr, size):
    out = bytearray()
    for a in range(addr, addr + size, 8):
        out += (((a ^ seed) * MULTIPLIER) & (2**64 - 1)).to_bytes(8, "little")
    return bytes(out)


def memtest(vm, addr, size, mode, seed=1):
    return vm.qmp("x-guest-memtest", addr=addr, size=size, mode=mode,
                  seed=seed)


def kvm_case(tmp):
    """The guest writes past the space left: io-error, then cont."""
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        raise Skip("no /dev/kvm")
    mnt = os.path.join(tmp, "mnt")
    fill(os.path.join(mnt, "filler"), 512 * KiB)
    path = os.path.join(mnt, "m0")
    vm = Vm(tmp, ["-accel", "kvm", "-M", "pc", "-m", "64M,slots=1,maxmem=1G",
                  "-object", "memory-backend-file,id=m0,size=2M,share=on,"
                  "mem-path=" + path, "-device", "pc-dimm,id=d0,memdev=m0"])
    try:
        check_eq(vm.status(), RUNNING, "query-status at start")
        reply = memtest(vm, DIMM_BASE, MiB, "write-verify")
        check_eq(reply, {"error": {"class": "GenericError",
                                   "desc": "the VM stopped (io-error)"}},
                 "memory test past the space left")
        check_eq(vm.wait_events(2),
                 [backend_error(DIMM_BASE + 0x80000, 0x80000), STOP],
                 "events")
        check_eq(vm.status(), IO_ERROR, "query-status")
        # The 128 pages the guest wrote before are in the file.
        with open(path, "rb") as f:
            check_eq(f.read(0x80000) == pattern_bytes(1, DIMM_BASE, 0x80000),
                     True, "the guest's bytes before the failure")
        # cont while still full: the guest's access fails again.
        check_eq(vm.qmp("cont"), {"return": {}}, "cont while full")
        check_eq(vm.wait_events(3),
                 [RESUME, backend_error(DIMM_BASE + 0x80000, 0x80000),
                  STOP], "events again")
        check_eq(vm.status(), IO_ERROR, "query-status again")
        os.unlink(os.path.join(mnt, "filler"))
        check_eq(vm.qmp("cont"), {"return": {}}, "cont")
        check_eq(vm.wait_events(1), [RESUME], "RESUME")
        check_eq(vm.status(), RUNNING, "running")
        # The interrupted test finishes; then every byte verifies.
        deadline = time.monotonic() + TIMEOUT
        while True:
            reply = memtest(vm, DIMM_BASE, MiB, "verify")
            if "error" not in reply or time.monotonic() > deadline:
                break
            check_eq(reply["error"]["desc"], "guest vCPU 0 is not responding",
                     "while the first test finishes")
            time.sleep(0.05)
        check_eq(reply, {"return": {"checked": MiB, "mismatches": 0}},
                 "verify after cont")
        check_eq(vm.events, [], "no more events")
    finally:
        status, err = vm.finish()
    check_eq(err, "", "stderr")
    check_eq(status, 0, "exit status")


def main():
    prefix = "/qmem-run/enospc"
    kvm = "--kvm" in sys.argv[1:]
    tests = [("kvm", kvm_case)] if kvm else [
        ("qtest/stop-cont", stop_cont_case),
        ("qtest", qtest_case),
    ]
    with tempfile.TemporaryDirectory(prefix="qmem-enospc-") as tmp:
        mnt = os.path.join(tmp, "mnt")
        os.mkdir(mnt)
        return qmemvm.run_on_tmpfs(
            prefix, [(name, functools.partial(fn, tmp)) for name, fn in tests],
            mnt, MiB)


if __name__ == "__main__":
    sys.exit(main())
