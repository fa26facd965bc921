#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes fuzz-migration's seeds: streams qmem-run writes, cut short.

Runs QMEM_RUN (with QMEM_MODULE_DIR) on the fuzz machine's configuration
(pc, -m 128M,slots=4,maxmem=2G, qtest), writes a few patterns, migrates
to a file and keeps of each RAM section its first records, so that a seed
stays a few KiB but still reaches every section type and the end marker;
one seed has a page of data.
Usage: corpus-migration.py OUTDIR
"""

import json
import os
import struct
import subprocess
import sys
import tempfile


def qmp(p, cmd, **args):
    p.stdin.write(json.dumps({"execute": cmd, "arguments": args}) + "\n")
    p.stdin.flush()
    while True:
        reply = json.loads(p.stdout.readline())
        if "event" not in reply:
            return reply


def save(path):
    p = subprocess.Popen([os.environ["QMEM_RUN"], "-display", "none", "-M",
                          "pc", "-accel", "qtest", "-m",
                          "128M,slots=4,maxmem=2G", "-qmp", "stdio"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         text=True)
    p.stdout.readline()
    qmp(p, "qmp_capabilities")
    qmp(p, "migrate", uri="file:" + path)
    while qmp(p, "query-migrate")["return"].get("status") != "completed":
        pass
    qmp(p, "quit")
    p.wait()


def trim(data, keep):
    """Keeps @keep records of each RAM section."""
    out = bytearray(data[:12])
    pos = 12
    while pos < len(data):
        kind = data[pos]
        if kind == 0x01:
            n = struct.unpack(">I", data[pos + 1:pos + 5])[0]
            end = pos + 5
            for _ in range(n):
                end += 1 + data[end] + 17
            out += data[pos:end]
        elif kind == 0x02:
            end = pos + 1
            end += 1 + data[end]
            end += 1 + data[end]
            length = struct.unpack(">I", data[end + 4:end + 8])[0]
            end += 8 + length
            out += data[pos:end]
        elif kind == 0x03:
            out += data[pos:pos + 5]
            end = pos + 5
            kept = 0
            while True:
                v = struct.unpack(">Q", data[end:end + 8])[0]
                size = 8 + (4096 if v & 0x2 else 0)
                if v == 0x4:
                    out += data[end:end + 8]
                    end += 8
                    break
                if kept < keep:
                    out += data[end:end + size]
                    kept += 1
                end += size
        else:
            out += data[pos:]
            break
        pos = end
    return bytes(out)


def main():
    outdir = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "stream")
        save(path)
        with open(path, "rb") as f:
            data = f.read()
    for keep in (0, 4):
        with open(os.path.join(outdir, "stream-%d" % keep), "wb") as f:
            f.write(trim(data, keep))
    # One page of data at 0x1000 instead of the first zero marker.
    one = trim(data, 1)
    marker = struct.pack(">Q", 0x1)
    page = struct.pack(">Q", 0x1002) + bytes(range(256)) * 16
    with open(os.path.join(outdir, "stream-data"), "wb") as f:
        f.write(one.replace(marker + struct.pack(">Q", 0x4), page +
                            struct.pack(">Q", 0x4)))


if __name__ == "__main__":
    main()
