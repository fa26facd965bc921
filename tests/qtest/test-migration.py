#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Live migration between two qmem-run processes on qtest.

The VM has boot RAM, a DIMM and a partly plugged virtio-mem device; the
test writes patterns through the qtest protocol (before and while the
migration runs: the dirty log must catch them), migrates over unix:, fd:,
exec: and file:, and compares x-query-ram-checksum and
query-memory-devices on both sides.  Every configuration mismatch must be
refused by the destination with its message (it exits 1, as QEMU's), while
the source keeps running with query-migrate "failed".  Needs QMEM_RUN and
QMEM_MODULE_DIR, as meson test sets them.  Prints TAP.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

import qmemvm
import tap
from tap import Failure, check, check_eq

TIMEOUT = 60
MiB = 1 << 20
LOAD_FAILED = "qmem-run: load of migration failed: Invalid argument\n"

DIMM = ["-object", "memory-backend-ram,id=mem0,size=64M",
        "-device", "pc-dimm,id=dimm0,memdev=mem0"]


def vmem(extra=""):
    return ["-object", "memory-backend-ram,id=vmem0,size=256M",
            "-device", "virtio-mem-pci,id=vm0,memdev=vmem0,"
            "requested-size=64M" + extra]


BASE = ["-M", "pc", "-accel", "qtest", "-m", "64M,slots=2,maxmem=4G"]
CONFIG = BASE + DIMM + vmem()


class Vm(qmemvm.Vm):
    """A migration's source or destination."""

    def wait_migration(self, states=("completed", "failed", "cancelled")):
        deadline = time.monotonic() + TIMEOUT
        while True:
            info = self.ok("query-migrate")
            if info.get("status") in states:
                return info
            if time.monotonic() > deadline:
                raise Failure("migration did not end: %r" % info)
            time.sleep(0.02)

    def wait_exit(self):
        """A destination that ends by itself: its status and stderr."""
        try:
            self.p.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            pass
        return self.finish()


def vmem_addr(vm):
    for dev in vm.ok("query-memory-devices"):
        if dev["type"] == "virtio-mem":
            return dev["data"]["memaddr"]
    raise Failure("no virtio-mem device")


def populate(vm):
    """Patterns in boot RAM and the DIMM; 3 of 128 virtio-mem blocks in."""
    addr = vmem_addr(vm)
    for first, n in ((0, 2), (5, 1)):
        check_eq(vm.ok("x-virtio-mem-request", **{
            "qom-path": "vm0", "type": "plug", "addr": addr + first * 2 * MiB,
            "nb-blocks": n}), {"response": "ack"}, "plug")
    for cmd in ("memset 0x1000 0x200000 0x5a",
                "write 0x3ff0000 8 0x0123456789abcdef",
                "memset 0x100000000 0x100000 0xa5",
                "memset 0x103fff000 0x1000 0x3c",
                "memset %#x 0x400000 0x11" % addr,
                "memset %#x 0x1000 0x22" % (addr + 10 * MiB + 4096)):
        check_eq(vm.qtest_cmd(cmd), "OK", cmd)
    return addr


def check_same(src, dst):
    sums = src.ok("x-query-ram-checksum")
    check_eq([b["id"] for b in sums], ["mem0", "pc.ram", "vmem0"], "blocks")
    check_eq(dst.ok("x-query-ram-checksum"), sums, "RAM checksums")
    check_eq(dst.ok("query-memory-devices"), src.ok("query-memory-devices"),
             "query-memory-devices")


def migrate(src, uri, dst):
    src.ok("migrate-set-parameters", **{"max-bandwidth": 1 << 40})
    src.ok("migrate", uri=uri)
    info = src.wait_migration()
    check_eq(info["status"], "completed", "source: %r" % info)
    check_eq(dst.wait_migration()["status"], "completed", "destination")
    return info


def migrate_case(tmp, uri_fn, src_extra="", dst_extra=""):
    src = Vm(tmp, BASE + DIMM + vmem(src_extra))
    sock = os.path.join(tmp, "mig.sock")
    try:
        addr = populate(src)
        src.ok("migrate-set-capabilities",
               capabilities=[{"capability": "events", "state": True}])
        uri_out, uri_in, fds = uri_fn(sock)
        dst = Vm(tmp, BASE + DIMM + vmem(dst_extra) + ["-incoming", uri_in],
                 pass_fds=fds)
        try:
            check_eq(dst.ok("query-status")["status"], "inmigrate",
                     "destination waits")
            info = migrate(src, uri_out, dst)
            check(info["ram"]["normal"] > 0, "pages sent")
            # The unplugged blocks are not sent: 3 of 32 blocks go.
            sent = info["ram"]["normal"] + info["ram"]["duplicate"]
            check(sent < (128 * MiB + 6 * MiB) // 4096 + 1024,
                  "only plugged virtio-mem blocks: %d pages" % sent)
            check_same(src, dst)
            check_eq(dst.qtest_cmd("readq %#x" % (addr + 10 * MiB + 4096)),
                     "OK 0x2222222222222222", "virtio-mem block 5")
            check_eq(dst.ok("query-status")["status"], "running", "dst runs")
            check_eq(src.ok("query-status")["status"], "postmigrate",
                     "source stays stopped")
            mig = [e["data"]["status"] for e in src.events
                   if e["event"] == "MIGRATION"]
            check_eq(mig, ["setup", "active", "completed"], "MIGRATION")
            check("STOP" in [e["event"] for e in src.events], "STOP")
            # virtio-mem works on the destination after the switch.
            check_eq(dst.ok("x-virtio-mem-request", **{
                "qom-path": "vm0", "type": "state", "addr": addr,
                "nb-blocks": 3}), {"response": "ack", "state": "mixed"},
                "state after migration")
        finally:
            status, err = dst.finish()
        check_eq(err, "", "destination stderr")
    finally:
        status, err = src.finish()
    check_eq(err, "", "source stderr")


def unix_uri(sock):
    return "unix:" + sock, "unix:" + sock, ()


def fd_case(tmp):
    """fd: on both sides, a socketpair the two processes inherit."""
    a, b = socket.socketpair()
    src = Vm(tmp, CONFIG, pass_fds=(a.fileno(),))
    dst = Vm(tmp, CONFIG + ["-incoming", "fd:%d" % b.fileno()],
             pass_fds=(b.fileno(),))
    fd = a.fileno()
    a.close()
    b.close()
    try:
        populate(src)
        migrate(src, "fd:%d" % fd, dst)
        check_same(src, dst)
    finally:
        d = dst.finish()
        s = src.finish()
    check_eq(d, (0, ""), "destination")
    check_eq(s, (0, ""), "source")


@contextlib.contextmanager
def source(tmp):
    """A source with CONFIG and populate()'s patterns, and the address
    populate() returns; it must end cleanly."""
    src = Vm(tmp, CONFIG)
    try:
        yield src, populate(src)
    finally:
        check_eq(src.finish(), (0, ""), "source")


def file_case(tmp):
    """A snapshot: migrate to a file, start a new VM from it (-S)."""
    path = os.path.join(tmp, "snapshot")
    with source(tmp) as (src, _):
        src.ok("migrate", uri="file:" + path)
        check_eq(src.wait_migration()["status"], "completed", "save")
        dst = Vm(tmp, CONFIG + ["-S", "-incoming", "file:" + path])
        try:
            check_eq(dst.wait_migration()["status"], "completed", "load")
            check_eq(dst.ok("query-status")["status"], "paused", "-S")
            check_same(src, dst)
        finally:
            check_eq(dst.finish(), (0, ""), "destination")


def exec_case(tmp):
    """exec: both ways, through a file, and -incoming defer."""
    path = os.path.join(tmp, "stream")
    with source(tmp) as (src, _):
        src.ok("migrate", uri="exec:cat > " + path)
        check_eq(src.wait_migration()["status"], "completed", "save")
        dst = Vm(tmp, CONFIG + ["-incoming", "defer"])
        try:
            check_eq(dst.ok("query-migrate"), {}, "nothing yet")
            dst.ok("migrate-incoming", uri="exec:cat " + path)
            check_eq(dst.wait_migration()["status"], "completed", "load")
            check_same(src, dst)
            check_eq(dst.qmp("migrate-incoming", uri="exec:true"),
                     {"error": {"class": "GenericError", "desc":
                                "The incoming migration has already been "
                                "started"}}, "twice")
        finally:
            check_eq(dst.finish(), (0, ""), "destination")


def ignore_shared_case(tmp):
    """x-ignore-shared: the DIMM's shared file sends no page."""
    path = os.path.join(tmp, "shared-mem0")
    cfg = BASE + ["-object", "memory-backend-file,id=mem0,size=64M,"
                  "share=on,mem-path=" + path,
                  "-device", "pc-dimm,id=dimm0,memdev=mem0"] + vmem()
    sock = os.path.join(tmp, "mig.sock")
    src = Vm(tmp, cfg)
    try:
        populate(src)
        src.ok("migrate-set-capabilities", capabilities=[
            {"capability": "x-ignore-shared", "state": True}])
        dst = Vm(tmp, cfg + ["-incoming", "unix:" + sock])
        try:
            info = migrate(src, "unix:" + sock, dst)
            # Boot RAM's 513 pages and virtio-mem's 1025; none of mem0's.
            check_eq(info["ram"]["normal"], 1538, "data pages")
            check_eq(info["ram"]["total"], (64 + 256) * MiB, "total")
            check_same(src, dst)
        finally:
            d = dst.finish()
    finally:
        s = src.finish()
        os.unlink(path)
    check_eq(d, (0, ""), "destination")
    check_eq(s, (0, ""), "source")


def dynamic_case(src_on, dst_on):
    def run(tmp):
        migrate_case(tmp, unix_uri,
                     ",dynamic-memslots=" + ("on" if src_on else "off"),
                     ",dynamic-memslots=" + ("on" if dst_on else "off"))
    return run


def mismatch(tmp, dst_args, message, src_args=CONFIG):
    """The destination refuses with @message; the source runs on."""
    sock = os.path.join(tmp, "mig.sock")
    src = Vm(tmp, src_args)
    try:
        populate(src)
        sums = src.ok("x-query-ram-checksum")
        dst = Vm(tmp, dst_args + ["-incoming", "unix:" + sock])
        src.ok("migrate", uri="unix:" + sock)
        info = src.wait_migration()
        status, err = dst.wait_exit()
        check_eq((status, err), (1, "qmem-run: " + message + "\n" +
                                 LOAD_FAILED), "destination")
        check_eq(info, {"status": "failed", "error-desc": message},
                 "query-migrate")
        check_eq(src.ok("query-status")["status"], "running", "source runs")
        # Nothing lost: the source's memory is as it was.
        check_eq(src.ok("x-query-ram-checksum"), sums, "source RAM")
    finally:
        check_eq(src.finish(), (0, ""), "source")


MISMATCHES = [
    ("ram-block-missing", BASE + vmem(),
     'Unknown ramblock "mem0", cannot accept migration'),
    ("ram-block-size",
     BASE + ["-object", "memory-backend-ram,id=mem0,size=128M",
             "-device", "pc-dimm,id=dimm0,memdev=mem0"] + vmem(),
     "Size mismatch: mem0: 0x4000000 != 0x8000000: Invalid argument"),
    ("device-missing",
     BASE + ["-object", "memory-backend-ram,id=mem0,size=64M",
             "-device", "pc-dimm,id=dimm1,memdev=mem0"] + vmem(),
     "Unknown savevm section or instance '/machine/peripheral/dimm0' 0. "
     "Make sure that your current VM setup matches your saved VM setup, "
     "including any hotplugged devices"),
    ("dimm-addr",
     BASE + ["-object", "memory-backend-ram,id=mem0,size=64M",
             "-device", "pc-dimm,id=dimm0,memdev=mem0,addr=0x140000000"] +
     vmem(),
     "memory device '/machine/peripheral/dimm0' is at 0x100000000 on the "
     "source, at 0x140000000 here"),
    ("dimm-slot",
     BASE + ["-object", "memory-backend-ram,id=mem0,size=64M",
             "-device", "pc-dimm,id=dimm0,memdev=mem0,slot=1"] + vmem(),
     "memory device '/machine/peripheral/dimm0' is in slot 0 on the "
     "source, in slot 1 here"),
    ("block-size", BASE + DIMM + vmem(",block-size=4M"),
     "Property 'block-size' changed from 0x200000 to 0x400000"),
]


def numa(first, second):
    """Two nodes whose boot RAM comes from backends n0 and n1."""
    return ["-object", "memory-backend-ram,id=n0,size=%dM" % first,
            "-object", "memory-backend-ram,id=n1,size=%dM" % second]


def numa_case(tmp):
    """Same RAM blocks, another NUMA layout: the nodes swapped."""
    src = BASE + numa(16, 48) + ["-numa", "node,memdev=n0",
                                 "-numa", "node,memdev=n1"] + DIMM + vmem()
    dst = BASE + numa(16, 48) + ["-numa", "node,memdev=n1",
                                 "-numa", "node,memdev=n0"] + DIMM + vmem()
    mismatch(tmp, dst, "NUMA layout differs: node 0 has 0x1000000 bytes of "
             "RAM on the source, 0x3000000 here", src_args=src)


def mismatch_case(dst_args, message):
    return lambda tmp: mismatch(tmp, dst_args, message)


def dimm_node_case(tmp):
    nodes = BASE + numa(32, 32) + ["-numa", "node,memdev=n0",
                                   "-numa", "node,memdev=n1"]
    mismatch(tmp, nodes + ["-object", "memory-backend-ram,id=mem0,size=64M",
                           "-device", "pc-dimm,id=dimm0,memdev=mem0,node=1"] +
             vmem(), "memory device '/machine/peripheral/dimm0' is on node 0 "
             "on the source, on node 1 here", src_args=nodes + DIMM + vmem())


def killed_case(tmp):
    """The destination dies mid-stream: the source fails and runs on."""
    sock = os.path.join(tmp, "mig.sock")
    with source(tmp) as (src, addr):
        for i in range(16):
            src.qtest_cmd("memset %#x 0x100000 %#x" % (0x1000000 + i * MiB,
                                                      i + 1))
        dst = Vm(tmp, CONFIG + ["-incoming", "unix:" + sock])
        src.ok("migrate-set-parameters", **{"max-bandwidth": 4 * MiB})
        src.ok("migrate", uri="unix:" + sock)
        src.wait_migration(("active",))
        # Guest requests and hotplug wait while a migration runs.
        check_eq(src.ok("x-virtio-mem-request", **{
            "qom-path": "vm0", "type": "plug", "addr": addr + 20 * MiB,
            "nb-blocks": 1}), {"response": "busy"}, "plug while migrating")
        check_eq(src.qmp("device_add", driver="pc-dimm", id="dimm9",
                         memdev="mem0"),
                 {"error": {"class": "GenericError",
                            "desc": "device_add not allowed while "
                                    "migrating"}}, "device_add")
        check_eq(src.qmp("migrate", uri="unix:" + sock),
                 {"error": {"class": "GenericError",
                            "desc": "There's a migration process in "
                                    "progress"}}, "migrate twice")
        dst.p.send_signal(signal.SIGKILL)
        dst.finish()
        info = src.wait_migration()
        check_eq(info["status"], "failed", "query-migrate: %r" % info)
        check_eq(src.ok("query-status")["status"], "running", "source runs")
        check_eq(src.ok("x-virtio-mem-request", **{
            "qom-path": "vm0", "type": "plug", "addr": addr + 20 * MiB,
            "nb-blocks": 1}), {"response": "ack"}, "plug afterwards")


def cancel_case(tmp):
    sock = os.path.join(tmp, "mig.sock")
    with source(tmp) as (src, _):
        src.ok("migrate-set-capabilities",
               capabilities=[{"capability": "events", "state": True}])
        dst = Vm(tmp, CONFIG + ["-incoming", "unix:" + sock])
        src.ok("migrate-set-parameters", **{"max-bandwidth": 2 * MiB})
        src.ok("migrate", uri="unix:" + sock)
        src.wait_migration(("active",))
        src.ok("migrate_cancel")
        check_eq(src.wait_migration()["status"], "cancelled", "cancelled")
        check_eq(src.ok("query-status")["status"], "running", "source runs")
        mig = [e["data"]["status"] for e in src.events
               if e["event"] == "MIGRATION"]
        check_eq(mig, ["setup", "active", "cancelling", "cancelled"],
                 "events")
        status, err = dst.wait_exit()
        check_eq(status, 1, "destination exits")


def save(tmp, path):
    src = Vm(tmp, CONFIG)
    try:
        populate(src)
        src.ok("migrate", uri="file:" + path)
        check_eq(src.wait_migration()["status"], "completed", "save")
    finally:
        src.finish()
    with open(path, "rb") as f:
        return f.read()


def load_fails(tmp, data, message):
    path = os.path.join(tmp, "bad")
    with open(path, "wb") as f:
        f.write(data)
    p = subprocess.run([os.environ["QMEM_RUN"], "-display", "none"] +
                       CONFIG + ["-incoming", "file:" + path],
                       capture_output=True, text=True, timeout=TIMEOUT)
    check_eq((p.returncode, p.stderr), (1, message), "destination")


def stream_case(tmp):
    """Truncated and corrupt streams fail cleanly."""
    data = save(tmp, os.path.join(tmp, "good"))
    load_fails(tmp, data[:len(data) // 2],
               "qmem-run: load of migration failed: Input/output error\n")
    load_fails(tmp, data[:-1],
               "qmem-run: load of migration failed: Input/output error\n")
    load_fails(tmp, b"QEMU" + data[4:],
               "qmem-run: Not a migration stream\n" + LOAD_FAILED)
    load_fails(tmp, data[:8] + b"\0\0\0\x09" + data[12:],
               "qmem-run: Unsupported migration stream version 9\n" +
               LOAD_FAILED)
    load_fails(tmp, data[:12] + b"\x42" + data[13:],
               "qmem-run: Unknown savevm section type 66\n" + LOAD_FAILED)


def errors_case(tmp):
    vm = Vm(tmp, CONFIG)
    try:
        check_eq(vm.qmp("migrate", uri="foo:bar"),
                 {"error": {"class": "GenericError", "desc":
                            "Parameter 'uri' expects a valid migration "
                            "protocol"}}, "bad uri")
        check_eq(vm.ok("query-migrate"), {"status": "failed"}, "failed")
        check_eq(vm.qmp("migrate-incoming", uri="unix:/x"),
                 {"error": {"class": "GenericError", "desc":
                            "'-incoming' was not specified on the command "
                            "line"}}, "migrate-incoming")
        vm.ok("migrate", uri="unix:" + os.path.join(tmp, "nobody"))
        info = vm.wait_migration()
        check_eq(info["status"], "failed", "nobody listens")
        check(info["error-desc"].startswith("Failed to connect to "),
              info["error-desc"])
        check_eq(vm.ok("query-status")["status"], "running", "runs")
        check_eq(vm.qmp("migrate-set-parameters",
                        **{"downtime-limit": 2000001}),
                 {"error": {"class": "GenericError", "desc":
                            "Parameter 'downtime_limit' expects an integer "
                            "in the range of 0 to 2000000 ms"}}, "downtime")
        vm.ok("migrate-set-parameters", **{"downtime-limit": 500})
        check_eq(vm.ok("query-migrate-parameters"),
                 {"max-bandwidth": 32 * MiB, "downtime-limit": 500},
                 "parameters")
        caps = vm.ok("query-migrate-capabilities")
        check_eq(len(caps), 21, "capabilities")
        check_eq(caps[5], {"capability": "events", "state": False}, "events")
        check_eq(vm.qmp("migrate-set-capabilities", capabilities=[
            {"capability": "bogus", "state": True}]),
            {"error": {"class": "GenericError", "desc":
                       "Parameter 'capabilities[0].capability' does not "
                       "accept value 'bogus'"}}, "bad capability")
    finally:
        check_eq(vm.finish(), (0, ""), "vm")
    # -incoming with a protocol nobody knows fails at start-up.
    p = subprocess.run([os.environ["QMEM_RUN"], "-display", "none", "-M",
                        "none", "-accel", "qtest", "-incoming", "foo:x"],
                       capture_output=True, text=True, timeout=TIMEOUT)
    check_eq((p.returncode, p.stderr),
             (1, "qmem-run: -incoming foo:x: unknown migration protocol: "
              "foo:x\n"), "-incoming foo:x")


def dirty_case(tmp):
    """Writes while the migration runs reach the destination."""
    sock = os.path.join(tmp, "mig.sock")
    with source(tmp) as (src, addr):
        dst = Vm(tmp, CONFIG + ["-incoming", "unix:" + sock])
        src.ok("migrate-set-parameters", **{"max-bandwidth": 64 * MiB,
                                            "downtime-limit": 1})
        src.ok("migrate", uri="unix:" + sock)
        src.wait_migration(("active",))
        # Written after the first pass began: only the dirty log has them.
        for i in range(64):
            src.qtest_cmd("writeq %#x %#x" % (0x1000 + i * 4096, i + 7))
            src.qtest_cmd("writeq %#x %#x" % (addr + i * 4096, i + 9))
        src.ok("migrate-set-parameters", **{"max-bandwidth": 1 << 40,
                                            "downtime-limit": 300})
        info = src.wait_migration()
        check_eq(info["status"], "completed", "completed")
        check(info["ram"]["dirty-sync-count"] >= 2, "passes")
        dst.wait_migration()
        check_same(src, dst)
        check_eq(dst.qtest_cmd("readq %#x" % (addr + 63 * 4096)),
                 "OK 0x%016x" % (63 + 9), "last write")
        check_eq(dst.finish(), (0, ""), "destination")


def memtest(vm, addr, size, mode, seed=7):
    reply = vm.qmp("x-guest-memtest", addr=addr, size=size, mode=mode,
                   seed=seed)
    check_eq(reply, {"return": {"checked": size, "mismatches": 0}},
             "memtest %s %#x+%#x" % (mode, addr, size))


def kvm_case(src_dynamic, dst_dynamic):
    """The guest writes while the migration runs: KVM's dirty log."""
    def run(tmp):
        if not os.access("/dev/kvm", os.R_OK | os.W_OK):
            raise tap.Skip("no /dev/kvm")
        # The payload's drivers would reset virtio-mem on the destination
        # (a fresh guest probes it): this guest only walks memory.
        base = ["-M", "pc", "-accel", "kvm,x-guest-drivers=off", "-m",
                "64M,slots=2,maxmem=4G"]
        sock = os.path.join(tmp, "mig.sock")
        src = Vm(tmp, base + DIMM + vmem(",dynamic-memslots=" + src_dynamic))
        try:
            addr = populate(src)
            # Data, so that the first pass takes its time.
            check_eq(src.qtest_cmd("memset 0x1000000 0x2000000 0x5a"), "OK",
                     "fill")
            # [2M, 8M) goes early in the first pass (zero pages are quick),
            # so the guest's writes there reach the destination only
            # through KVM's dirty log; the rest is sent after them.
            ranges = [(0x200000, 0x600000), (0x100000000, 64 * MiB),
                      (addr, 4 * MiB), (addr + 10 * MiB, 2 * MiB)]
            dst = Vm(tmp, base + DIMM +
                     vmem(",dynamic-memslots=" + dst_dynamic) +
                     ["-S", "-incoming", "unix:" + sock])
            try:
                src.ok("migrate-set-parameters", **{"max-bandwidth": 8 * MiB})
                src.ok("migrate", uri="unix:" + sock)
                src.wait_migration(("active",))
                deadline = time.monotonic() + TIMEOUT
                while src.ok("query-migrate")["ram"]["remaining"] > 116 * MiB:
                    check(time.monotonic() < deadline, "first pass stuck")
                    time.sleep(0.01)
                for a, n in ranges:
                    memtest(src, a, n, "write-verify")
                check_eq(src.ok("query-migrate")["status"], "active",
                         "the guest wrote while the migration ran")
                src.ok("migrate-set-parameters",
                       **{"max-bandwidth": 1 << 40})
                info = src.wait_migration()
                check_eq(info["status"], "completed", "completed")
                check(info["ram"]["dirty-sync-count"] >= 2, "passes")
                check_eq(dst.wait_migration()["status"], "completed", "dst")
                check_same(src, dst)
                dst.ok("cont")
                # The guest on the destination finds every byte.
                for a, n in ranges:
                    memtest(dst, a, n, "verify")
            finally:
                d = dst.finish()
        finally:
            s = src.finish()
        check_eq(d, (0, ""), "destination")
        check_eq(s, (0, ""), "source")
    return run


def main():
    kvm = "--kvm" in sys.argv[1:]
    sys.argv = [a for a in sys.argv if a != "--kvm"]
    tests = [
        ("kvm/dynamic-memslots/on-off", kvm_case("on", "off")),
        ("kvm/dynamic-memslots/off-on", kvm_case("off", "on")),
    ] if kvm else [
        ("unix", lambda tmp: migrate_case(tmp, unix_uri)),
        ("fd", fd_case),
        ("file", file_case),
        ("exec-defer", exec_case),
        ("dirty", dirty_case),
        ("x-ignore-shared", ignore_shared_case),
        ("dynamic-memslots/on-off", dynamic_case(True, False)),
        ("dynamic-memslots/off-on", dynamic_case(False, True)),
        # virtio-mem's state after the RAM, into a destination whose
        # device would have sent it first.
        ("x-early-migration-off", lambda tmp: migrate_case(
            tmp, unix_uri, ",x-early-migration=off", "")),
        ("killed", killed_case),
        ("cancel", cancel_case),
        ("stream", stream_case),
        ("errors", errors_case),
        ("mismatch/dimm-node", dimm_node_case),
        ("mismatch/numa-layout", numa_case),
    ] + [("mismatch/" + name, mismatch_case(args, msg))
         for name, args, msg in MISMATCHES]
    only = sys.argv[1:]
    if only:
        tests = [t for t in tests if t[0] in only]
    with tempfile.TemporaryDirectory(prefix="qmem-migration-") as tmp:
        return tap.run("/qmem-run/migration",
                       [(name, (lambda fn: lambda: fn(tmp))(fn))
                        for name, fn in tests])


if __name__ == "__main__":
    sys.exit(main())
