#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The main job behind "make run": a default qmem machine, driven over QMP.

Starts qmem-run with a pc machine, boot RAM, memory backends and a
cold-plugged DIMM, on KVM where /dev/kvm works (else the qtest
accelerator), then hot-plugs and unplugs memory over QMP, has the guest
check it (on KVM), and prints what it did, the memory map as a table and
the path of the memory-map picture.

Usage: scripts/main-job.py [BUILD_DIR]   (default: $QMEM_BUILD or build)
Exits non-zero if qmem-run or any QMP command fails.
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


class Qmp:
    """A QMP client on a unix socket: commands, replies, events."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        deadline = time.monotonic() + 30
        while True:
            try:
                self.sock.connect(path)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
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
                self.events.append(reply)
                print(f"   event {reply['event']}: {json.dumps(reply.get('data', {}))}")
                continue
            if "error" in reply:
                raise RuntimeError(f"{execute}: {reply['error']['desc']}")
            return reply["return"]

    def hmp(self, line):
        return self.cmd("human-monitor-command", **{"command-line": line})


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


def main():
    build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1
                            else os.environ.get("QMEM_BUILD", "build"))
    runner = os.path.join(build, "hw", "kvm", "qmem-run")
    env = dict(os.environ, QMEM_MODULE_DIR=build)
    accel = "kvm" if kvm_usable() else "qtest"
    tmp = tempfile.mkdtemp(prefix="qmem-main-job-")
    qmp_path = os.path.join(tmp, "qmp.sock")
    picture = os.path.join(build, "memory-map.png")

    args = [runner, "-accel", accel, "-S", "-display", "none",
            "-M", "pc", "-m", "2G,slots=8,maxmem=32G", "-smp", "2",
            "-object", "memory-backend-ram,id=dimm0-mem,size=1G,prealloc=on",
            "-object", "memory-backend-memfd,id=dimm1-mem,size=1G",
            "-device", "pc-dimm,id=dimm0,memdev=dimm0-mem",
            "-qmp", f"unix:{qmp_path},server=on,wait=off"]
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

        print("\nThe machine as started:")
        summary = qmp.cmd("query-memory-size-summary")
        print(f"   boot RAM {size(summary['base-memory'])}, plugged "
              f"{size(summary['plugged-memory'])}")
        for memdev in qmp.cmd("query-memdev"):
            print(f"   backend {memdev['id']:10} {size(memdev['size']):>7} "
                  f"prealloc={str(memdev['prealloc']).lower()} "
                  f"share={str(memdev['share']).lower()}")

        print("\nHot-plug a second DIMM over QMP:")
        qmp.cmd("device_add", driver="pc-dimm", id="dimm1", memdev="dimm1-mem")
        devices = qmp.cmd("query-memory-devices")
        for dev in devices:
            d = dev["data"]
            print(f"   {dev['type']} {d['id']}: {size(d['size'])} at "
                  f"{d['addr']:#x}, slot {d['slot']}, "
                  f"hotplugged={str(d['hotplugged']).lower()}")

        if accel == "kvm":
            print("\nvCPU 0 writes and verifies every byte of both DIMMs:")
            for dev in devices:
                d = dev["data"]
                r = qmp.cmd("x-guest-memtest", addr=d["addr"], size=d["size"],
                            seed=1, mode="write-verify")
                print(f"   {d['id']}: {r['checked']} bytes checked, "
                      f"{r['mismatches']} mismatches")
                if r["checked"] != d["size"] or r["mismatches"]:
                    raise RuntimeError(f"memtest of {d['id']} failed: {r}")

        print("\nUnplug dimm1:")
        dimm1 = next(d["data"] for d in devices if d["data"]["id"] == "dimm1")
        qmp.cmd("device_del", id="dimm1")
        if accel == "kvm":
            r = qmp.cmd("x-guest-memtest", addr=dimm1["addr"],
                        size=dimm1["size"], mode="verify")
            print(f"   the guest now faults at {r['fault-addr']:#x}, where "
                  f"dimm1 was")
        slots = qmp.cmd("x-query-memslots")
        print(f"   memslots: {slots['used']} used of {slots['max']}")

        print("\nThe memory map:")
        show(qmp.hmp("info memory-map"))
        qmp.cmd("x-memory-map-png", filename=picture)
        print(f"   picture written to {picture}")

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
