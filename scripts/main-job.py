#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The main job behind "make run": a default qmem machine, driven over QMP.

Starts qmem-run with a pc machine of two NUMA nodes (boot RAM from one
backend per node), a cold-plugged DIMM and a 16 GiB virtio-mem device with
dynamic memslots, on KVM where /dev/kvm works (else the qtest
accelerator), then over QMP hot-plugs and unplugs a DIMM and grows and
shrinks the virtio-mem device with qom-set alone: on KVM the guest's own
drivers (ACPI memory hotplug, virtio-mem) online and eject the DIMM and
plug and unplug the device's blocks, and the guest checks the memory;
under qtest, with no guest, the script plays those drivers over the qtest
socket.  It prints what it did, the NUMA layout and the memory map as a
table.  Last it hands the map (x-query-memory-map) to the
picture tool, BUILD_DIR/tools/memory-map/qmem-memory-map, which writes
BUILD_DIR/memory-map.png.

Usage: scripts/main-job.py [BUILD_DIR]   (default: $QMEM_BUILD or build)
Exits non-zero if qmem-run, any QMP command or the picture tool fails.
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time

GiB = 1 << 30
MiB = 1 << 20


def connect(path):
    """A unix socket connected to @path, once qmem-run listens there."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    deadline = time.monotonic() + 30
    while True:
        try:
            sock.connect(path)
            return sock
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


class Qmp:
    """A QMP client on a unix socket: commands, replies, events."""

    def __init__(self, path):
        self.sock = connect(path)
        self.file = self.sock.makefile("rwb")
        self.events = []
        self.greeting = self._read()

    def _read(self):
        line = self.file.readline()
        if not line:
            raise RuntimeError("qmem-run closed the QMP connection")
        return json.loads(line)

    def cmd(self, execute, **arguments):
        msg = {"execute": execute}
        if arguments:
            msg["arguments"] = arguments
        text = json.dumps(msg)
        print(f"-> {text}")
        self.file.write(text.encode() + b"\n")
        self.file.flush()
        while True:
            reply = self._read()
            if "event" in reply:
                self._keep_event(reply)
                continue
            if "error" in reply:
                raise RuntimeError(f"{execute}: {reply['error']['desc']}")
            return reply["return"]

    def wait_event(self, name, match=lambda data: True):
        """The first event @name whose data @match accepts (queued ones
        first); the others stay queued."""
        while True:
            for i, ev in enumerate(self.events):
                if ev["event"] == name and match(ev.get("data", {})):
                    return self.events.pop(i)
            reply = self._read()
            if "event" in reply:
                self._keep_event(reply)

    def _keep_event(self, event):
        self.events.append(event)
        print(f"   event {event['event']}: "
              f"{json.dumps(event.get('data', {}))}")

    def hmp(self, line):
        return self.cmd("human-monitor-command", **{"command-line": line})


class Qtest:
    """qmem-run's qtest socket: here it plays the guest's ACPI driver,
    whose port accesses a vCPU would make (docs/acpi.md)."""

    def __init__(self, path):
        self.sock = connect(path)
        self.file = self.sock.makefile("rw")

    def cmd(self, line):
        self.file.write(line + "\n")
        self.file.flush()
        reply = self.file.readline().split()
        if not reply or reply[0] != "OK":
            raise RuntimeError(f"qtest {line}: {' '.join(reply)}")
        return int(reply[1], 16) if len(reply) > 1 else None

    def raw(self, line):
        self.file.write(line + "\n")
        self.file.flush()
        return self.file.readline().strip()


def kvm_usable():
    try:
        os.close(os.open("/dev/kvm", os.O_RDWR | os.O_CLOEXEC))
        return True
    except OSError:
        return False


def show(text, indent="   | "):
    for line in text.replace("\r\n", "\n").rstrip("\n").split("\n"):
        print(indent + line)


def size(n):
    return f"{n // GiB} GiB" if n % GiB == 0 else f"{n // MiB} MiB"


def memslots(qmp):
    slots = qmp.cmd("x-query-memslots")
    return f"{slots['used']} used of {slots['max']}"


def vmem_info(qmp):
    for dev in qmp.cmd("query-memory-devices"):
        if dev["type"] == "virtio-mem":
            return dev["data"]
    raise RuntimeError("no virtio-mem device")


def memtest(qmp, addr, length, what, mode="write-verify"):
    r = qmp.cmd("x-guest-memtest", addr=addr, size=length, seed=1,
                mode=mode)
    print(f"   {what}: {r['checked']} bytes checked, "
          f"{r['mismatches']} mismatches")
    if r["checked"] != length or r["mismatches"] or "fault-addr" in r:
        raise RuntimeError(f"memtest of {what} failed: {r}")


def eject_as_guest(guest, dimm):
    """No guest under qtest: play its ACPI driver's _EJ0 over qtest."""
    print(f"   GPE0 status {guest.cmd('inb 0xafe0'):#04x} (memory hotplug "
          f"is bit 3); the guest's ACPI driver, played over qtest, "
          f"reads slot {dimm['slot']}:")
    guest.cmd(f"outl 0xa00 {dimm['slot']}")
    print(f"   status {guest.cmd('inb 0xa14'):#x} (enabled, inserting, "
          f"removing), at {guest.cmd('inl 0xa04'):#x}"
          f"{guest.cmd('inl 0xa00'):08x}, and ejects it (_EJ0)")
    guest.cmd("outb 0xa14 0x8")


def resize(qmp, guest, accel, base, block, old, new):
    """qom-set requested-size; on KVM the guest's virtio-mem driver does
    the rest, and MEMORY_DEVICE_SIZE_CHANGE says when it is done."""
    qmp.cmd("qom-set", path="vmem0", property="requested-size", value=new)
    if accel == "kvm":
        start = time.monotonic()
        qmp.wait_event("MEMORY_DEVICE_SIZE_CHANGE",
                       lambda d: d["id"] == "vmem0" and d["size"] == new)
        print(f"   the guest's virtio-mem driver is done "
              f"({time.monotonic() - start:.2f} s after qom-set returned)")
        return
    # No guest: its driver's requests, over qtest (blocks from the top).
    lo, hi = min(old, new), max(old, new)
    kind = "plug" if new > old else "unplug"
    for addr in range(base + lo, base + hi, 1024 * block):
        n = min(1024, (base + hi - addr) // block)
        reply = guest.raw(f"virtio-mem-request vmem0 {kind} {addr:#x} {n}")
        if reply != "OK ack":
            raise RuntimeError(f"{kind} answered {reply}")


def draw_map(tool, bands, picture):
    """Has qmem-memory-map draw @bands (x-query-memory-map's reply)."""
    print(f"$ {tool} -o {picture}   (the map on stdin)")
    r = subprocess.run([tool, "-o", picture], input=json.dumps(bands),
                       text=True, check=False)
    if r.returncode != 0:
        raise RuntimeError(f"qmem-memory-map exited with status "
                           f"{r.returncode}")
    print(f"   picture written to {picture}")


def main():
    build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1
                            else os.environ.get("QMEM_BUILD", "build"))
    runner = os.path.join(build, "qmem-run")
    env = dict(os.environ, QMEM_MODULE_DIR=os.path.join(build, "modules"))
    accel = "kvm" if kvm_usable() else "qtest"
    tmp = tempfile.mkdtemp(prefix="qmem-main-job-")
    qmp_path = os.path.join(tmp, "qmp.sock")
    qtest_path = os.path.join(tmp, "qtest.sock")
    picture = os.path.join(build, "memory-map.png")
    tool = os.path.join(build, "tools", "memory-map", "qmem-memory-map")

    args = [runner, "-accel", accel, "-S", "-display", "none",
            "-M", "pc", "-m", "2G,slots=8,maxmem=64G",
            "-smp", "4,sockets=2,cores=2",
            "-object", "memory-backend-ram,id=ram-node0,size=1G",
            "-object", "memory-backend-ram,id=ram-node1,size=1G",
            "-numa", "node,nodeid=0,memdev=ram-node0,cpus=0-1",
            "-numa", "node,nodeid=1,memdev=ram-node1,cpus=2-3",
            "-numa", "dist,src=0,dst=1,val=21",
            "-object", "memory-backend-ram,id=dimm0-mem,size=1G,prealloc=on",
            "-object", "memory-backend-memfd,id=dimm1-mem,size=1G",
            "-device", "pc-dimm,id=dimm0,memdev=dimm0-mem,node=0",
            "-object", "memory-backend-ram,id=vmem0-mem,size=16G,reserve=off",
            "-device", "virtio-mem-pci,id=vmem0,memdev=vmem0-mem,node=1,"
                       "dynamic-memslots=on",
            "-qmp", f"unix:{qmp_path},server=on,wait=off",
            "-qtest", f"unix:{qtest_path},server=on,wait=off",
            "-qtest-log", "/dev/null"]
    print("$ " + " ".join(args))
    if accel == "qtest":
        print("   (/dev/kvm is not usable here: the qtest accelerator stands "
              "in, without vCPUs)")
    proc = subprocess.Popen(args, env=env)
    try:
        qmp = Qmp(qmp_path)
        version = qmp.greeting["QMP"]["version"]["package"]
        print(f"   QMP greeting from {version}")
        qmp.cmd("qmp_capabilities")
        qmp.cmd("cont")
        guest = Qtest(qtest_path)

        print("\nThe machine as started:")
        summary = qmp.cmd("query-memory-size-summary")
        print(f"   boot RAM {size(summary['base-memory'])}, plugged "
              f"{size(summary['plugged-memory'])}")
        for memdev in qmp.cmd("query-memdev"):
            print(f"   backend {memdev['id']:10} {size(memdev['size']):>7} "
                  f"prealloc={str(memdev['prealloc']).lower()} "
                  f"share={str(memdev['share']).lower()}")

        print("\nThe NUMA layout (info numa):")
        show(qmp.hmp("info numa"))

        print("\nHot-plug a second DIMM on node 1 over QMP:")
        qmp.cmd("device_add", driver="pc-dimm", id="dimm1", memdev="dimm1-mem",
                node=1)
        if accel == "kvm":
            qmp.wait_event("ACPI_DEVICE_OST",
                           lambda d: d["info"].get("device") == "dimm1")
            print("   the guest's ACPI driver onlined it (its _OST above)")
        devices = qmp.cmd("query-memory-devices")
        dimms = [d["data"] for d in devices if d["type"] == "dimm"]
        for d in dimms:
            print(f"   dimm {d['id']}: {size(d['size'])} at {d['addr']:#x}, "
                  f"node {d['node']}, slot {d['slot']}, "
                  f"hotplugged={str(d['hotplugged']).lower()}")

        if accel == "kvm":
            print("\nvCPU 0 writes and verifies every byte of both DIMMs:")
            for d in dimms:
                memtest(qmp, d["addr"], d["size"], d["id"])

        print("\nUnplug dimm1: device_del asks the guest, through ACPI:")
        dimm1 = next(d for d in dimms if d["id"] == "dimm1")
        qmp.cmd("device_del", id="dimm1")
        if accel == "kvm":
            qmp.wait_event("DEVICE_DELETED", lambda d: d["device"] == "dimm1")
            print("   the guest's ACPI driver saw slot "
                  f"{dimm1['slot']} removing and ejected it (_EJ0)")
        else:
            eject_as_guest(guest, dimm1)
        qmp.cmd("object-del", id="dimm1-mem")
        print("   backend dimm1-mem released")
        if accel == "kvm":
            r = qmp.cmd("x-guest-memtest", addr=dimm1["addr"],
                        size=dimm1["size"], mode="verify")
            print(f"   the guest now faults at {r['fault-addr']:#x}, where "
                  f"dimm1 was")

        print("\nGrow virtio-mem to 4 GiB: qom-set requested-size, and the "
              "guest plugs it:")
        vmem = vmem_info(qmp)
        block, base = vmem["block-size"], vmem["memaddr"]
        print(f"   vmem0: {size(vmem['max-size'])} device at {base:#x}, "
              f"blocks of {size(block)}, node {vmem['node']}")
        print(f"   memslots before: {memslots(qmp)}")
        resize(qmp, guest, accel, base, block, 0, 4 * GiB)
        vmem = vmem_info(qmp)
        print(f"   plugged {size(vmem['size'])}; memslots now: "
              f"{memslots(qmp)} (one per GiB plugged)")
        if accel == "kvm":
            print("   vCPU 0 reads every plugged byte (zero, and the host "
                  "populates nothing), then writes and verifies 64 MiB:")
            memtest(qmp, base, vmem["size"], "vmem0's plugged blocks",
                    "verify-zero")
            memtest(qmp, base, 64 * MiB, "vmem0's first 64 MiB")

        print("\nShrink it to 1 GiB: the guest unplugs 3 GiB from the top:")
        resize(qmp, guest, accel, base, block, 4 * GiB, GiB)
        vmem = vmem_info(qmp)
        print(f"   plugged {size(vmem['size'])}; memslots now: "
              f"{memslots(qmp)}")
        if accel == "kvm":
            r = qmp.cmd("x-guest-memtest", addr=base + GiB, size=GiB,
                        mode="verify")
            print(f"   the guest faults at {r['fault-addr']:#x}: that memslot "
                  f"is gone")

        print("\nNUMA after all this (info numa):")
        show(qmp.hmp("info numa"))

        print("\nThe memory map:")
        show(qmp.hmp("info memory-map"))
        bands = qmp.cmd("x-query-memory-map")
        print(f"   {len(bands)} bands")
        draw_map(tool, bands, picture)

        qmp.cmd("quit")
    finally:
        try:
            status = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            status = proc.wait()
        for name in os.listdir(tmp):
            os.unlink(os.path.join(tmp, name))
        os.rmdir(tmp)
    if status != 0:
        raise RuntimeError(f"qmem-run exited with status {status}")
    print("\nmain job done")


if __name__ == "__main__":
    try:
        main()
    except (RuntimeError, OSError) as e:
        print(f"main-job: {e}", file=sys.stderr)
        sys.exit(1)
