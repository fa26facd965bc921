#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Writes the seed corpus of fuzz-virtio-pmem-vq (tests/fuzz/corpus/
# virtio-pmem-vq): flushes a driver sends well, and each request QEMU
# refuses.  The input format is described in fuzz-virtio-pmem-vq.c.

import struct

from virtio_vq_seed import (AVAIL, DESC, INDIRECT, NEXT, REQ, RESP, TABLE,
                            USED, WRITE, VqSeed, write_corpus)

PMEM = 1 << 32
KICK, POKE, BUMP, RESET, READ, PMEM_WRITE = range(6)
V1 = 0x01


class Seed(VqSeed):
    def __init__(self, cfg=1, qlog=3, accept=V1, desc=DESC, avail=AVAIL,
                 used=USED):
        super().__init__([cfg], qlog, accept, desc, avail, used)

    def flush(self, slot, req_len=4, resp_len=4, resp=None, kind=0):
        struct.pack_into('<I', self.ram, REQ + 0x10 * slot, kind)
        self.chain([(REQ + 0x10 * slot, req_len, False),
                    (RESP + 0x10 * slot if resp is None else resp,
                     resp_len, True)])


def seeds():
    s = Seed()
    s.op(PMEM_WRITE, 0x10, 0, 0xaa)
    s.flush(0)
    s.flush(1, kind=7)
    s.flush(2, req_len=1, resp_len=2)
    for o in [(KICK,), (KICK,), (READ, 8, 2), (KICK,), (RESET,), (KICK,)]:
        s.op(*o)
    yield 'flushes', s

    s = Seed(cfg=0)
    s.flush(0)
    s.op(KICK)
    yield 'flush-ram', s

    # The answer into the pmem range itself.
    s = Seed()
    s.flush(0, resp=PMEM + 0x100)
    s.op(KICK)
    s.op(READ, 0, 2)
    yield 'answer-in-pmem', s

    s = Seed(accept=V1 | 0x02)
    struct.pack_into('<I', s.ram, REQ, 0)
    s.desc(0, TABLE, 32, INDIRECT)
    s.desc(0, REQ, 4, NEXT, 1, table=TABLE)
    s.desc(1, RESP, 4, WRITE, 0, table=TABLE)
    s.available(0)
    s.op(KICK)
    yield 'indirect', s

    s = Seed(accept=V1 | 0x04 | 0x08)
    struct.pack_into('<H', s.ram, AVAIL + 4 + 2 * 8, 1)    # used_event
    s.flush(0)
    s.flush(1)
    s.op(KICK)
    s.op(KICK)
    yield 'event-idx', s

    s = Seed(accept=V1 | 0x40)
    s.flush(0)
    s.op(KICK)
    yield 'no-driver-ok', s

    s = Seed(accept=0)
    s.flush(0)
    s.op(KICK)
    yield 'legacy-driver', s

    # A kick with nothing available; after the reset, the flush.
    s = Seed()
    s.flush(0)
    struct.pack_into('<H', s.ram, AVAIL + 2, 0)
    for o in [(KICK,), (RESET,), (BUMP, 1), (KICK,)]:
        s.op(*o)
    yield 'bad-no-element', s

    s = Seed()
    s.chain([(REQ, 4, False)])
    s.op(KICK)
    yield 'bad-no-answer', s

    s = Seed()
    s.chain([(RESP, 4, True)])
    s.op(KICK)
    yield 'bad-no-request', s

    s = Seed()
    s.flush(0)
    s.desc(0, 0x40000000, 4, NEXT, 1)
    s.op(KICK)
    yield 'bad-outside-ram', s

    s = Seed()
    s.flush(0, resp=0x10000)
    s.op(KICK)
    yield 'bad-answer-in-rom', s

    s = Seed()
    s.flush(0)
    struct.pack_into('<H', s.ram, AVAIL + 2, 9)
    s.op(KICK)
    yield 'bad-avail-index', s

    s = Seed(desc=0x11000)
    s.op(KICK)
    yield 'bad-desc-in-io', s


write_corpus('virtio-pmem-vq', seeds())
