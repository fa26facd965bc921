# SPDX-License-Identifier: GPL-2.0-or-later
# What the seed-corpus writers of the virtqueue fuzz targets share
# (corpus-virtio-mem-vq.py, corpus-virtio-pmem-vq.py): a driver's queue
# laid out in the guest's RAM image, the operations, the input's bytes
# (fuzz-virtio-vq.h describes the layout the targets read).

import os
import struct
import sys

DESC, AVAIL, USED = 0x1000, 0x1100, 0x1200
REQ, RESP, TABLE = 0x1300, 0x1400, 0x1500
NEXT, WRITE, INDIRECT = 1, 2, 4


class VqSeed:
    """One input: @config (the target's own bytes), then the driver's
    queue size (log2 @qlog), the features it accepts and its rings."""

    def __init__(self, config, qlog, accept, desc, avail, used):
        self.header = bytes(config) + bytes([qlog, accept])
        self.header += struct.pack('<QQQ', desc, avail, used)
        self.num = 1 << (qlog & 7)
        self.ram = bytearray(0x1600)
        self.ops = []
        self.next_desc = 0
        self.avail_idx = 0

    def desc(self, i, addr, length, flags=0, nxt=0, table=DESC):
        struct.pack_into('<QIHH', self.ram, table + 16 * i, addr, length,
                         flags, nxt)

    def available(self, head):
        struct.pack_into('<H', self.ram, AVAIL + 4 + 2 * (self.avail_idx %
                                                          self.num), head)
        self.avail_idx += 1
        struct.pack_into('<H', self.ram, AVAIL + 2, self.avail_idx)

    def chain(self, bufs):
        head = self.next_desc
        for k, (addr, length, write) in enumerate(bufs):
            i = (head + k) % self.num
            flags = (WRITE if write else 0) | (NEXT if k + 1 < len(bufs)
                                               else 0)
            self.desc(i, addr, length, flags, (i + 1) % self.num)
        self.next_desc = (head + len(bufs)) % self.num
        self.available(head)
        return head

    def op(self, kind, x=0, y=0, z=0):
        self.ops.append(bytes([kind, x, y, z]))

    def data(self):
        # The target clears the RAM: trailing zeros need not be given.
        return (self.header + bytes([len(self.ops)]) + b''.join(self.ops) +
                bytes(self.ram).rstrip(b'\0'))


def write_corpus(name, seeds):
    """Writes each (file name, seed) of @seeds into argv[1], or else
    tests/fuzz/corpus/@name."""
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), 'corpus', name)
    os.makedirs(out, exist_ok=True)
    for file_name, s in seeds:
        with open(os.path.join(out, file_name), 'wb') as f:
            f.write(s.data())
