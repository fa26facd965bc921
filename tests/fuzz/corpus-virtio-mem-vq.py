#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Writes the seed corpus of fuzz-virtio-mem-vq (tests/fuzz/corpus/
# virtio-mem-vq): rings a driver lays out well, and each way to get them
# wrong.  The input format is described in fuzz-virtio-mem-vq.c.

import struct

from virtio_vq_seed import (AVAIL, DESC, INDIRECT, NEXT, REQ, RESP, TABLE,
                            USED, WRITE, VqSeed, write_corpus)

ADDR = 4 << 30
PLUG, UNPLUG, UNPLUG_ALL, STATE = 0, 1, 2, 3
KICK, POKE, BUMP, RESET, REQUESTED, SYSRESET, BUSY, READ = range(8)
# accept: VERSION_1 | UNPLUGGED_INACCESSIBLE
V1_UI = 0x03


class Seed(VqSeed):
    def __init__(self, cfg=0, requested=16, limit=4, qlog=3, accept=V1_UI,
                 desc=DESC, avail=AVAIL, used=USED):
        super().__init__([cfg, requested, limit], qlog, accept, desc, avail,
                         used)

    def request(self, slot, kind, addr=ADDR, nb=1):
        struct.pack_into('<HHHHQHHHH', self.ram, REQ + 0x40 * slot, kind,
                         0, 0, 0, addr, nb, 0, 0, 0)
        return REQ + 0x40 * slot

    def simple(self, slot, kind, addr=ADDR, nb=1, resp=None):
        req = self.request(slot, kind, addr, nb)
        self.chain([(req, 24, False),
                    (RESP + 0x10 * slot if resp is None else resp, 10,
                     True)])


def seeds():
    s = Seed()
    s.simple(0, PLUG, nb=2)
    s.simple(1, STATE, nb=4)
    s.simple(2, UNPLUG)
    s.simple(3, UNPLUG_ALL)
    for o in [(KICK,), (READ, 40, 2), (REQUESTED, 32), (RESET,), (KICK,),
              (BUSY,), (BUMP, 1), (KICK,), (SYSRESET,)]:
        s.op(*o)
    yield 'requests', s

    s = Seed(accept=V1_UI | 0x08)
    req = s.request(0, PLUG, nb=3)
    s.desc(0, TABLE, 32, INDIRECT)
    s.desc(0, req, 24, NEXT, 1, table=TABLE)
    s.desc(1, RESP, 10, WRITE, 0, table=TABLE)
    s.available(0)
    s.op(KICK)
    yield 'indirect', s

    s = Seed(accept=V1_UI | 0x10 | 0x20)
    struct.pack_into('<H', s.ram, AVAIL, 1)        # NO_INTERRUPT
    struct.pack_into('<H', s.ram, AVAIL + 4 + 2 * 8, 1)    # used_event
    s.simple(0, PLUG)
    s.simple(1, STATE)
    s.simple(2, UNPLUG)
    s.op(KICK)
    s.op(BUMP, 1)
    s.op(KICK)
    yield 'event-idx', s

    # Dynamic memslots: a response in plugged device memory works until
    # the block is unplugged and its memslot goes.
    s = Seed(cfg=0x04, limit=7)
    s.simple(0, PLUG)
    s.simple(1, STATE, resp=ADDR)
    s.simple(2, UNPLUG)
    s.simple(3, STATE, resp=ADDR)
    s.op(KICK)
    s.op(RESET)
    s.op(KICK)
    yield 'dynamic-memslots', s

    s = Seed(cfg=0x08 | 0x10, accept=0x01 | 0x04)
    s.simple(0, PLUG, nb=1)
    s.op(KICK)
    s.op(READ, 8, 1)
    yield 'acpi-pxm-legacy-off', s

    s = Seed(accept=0x01)
    s.simple(0, PLUG)
    s.op(KICK)
    yield 'features-refused', s

    s = Seed(accept=V1_UI | 0x40)
    s.simple(0, PLUG)
    s.op(REQUESTED, 64)
    s.op(READ, 48, 2)
    s.op(KICK)
    yield 'no-driver-ok', s

    s = Seed()
    s.desc(0, s.request(0, PLUG), 24, NEXT, 1)
    s.desc(1, RESP, 10, NEXT, 0)
    s.available(0)
    s.op(KICK)
    yield 'bad-loop', s

    s = Seed()
    s.desc(0, s.request(0, PLUG), 24, NEXT, 8)
    s.available(0)
    s.op(KICK)
    yield 'bad-next', s

    s = Seed()
    s.simple(0, PLUG)
    s.desc(0, 0x40000000, 24, NEXT, 1)
    s.op(KICK)
    yield 'bad-outside-ram', s

    s = Seed()
    s.simple(0, PLUG)
    struct.pack_into('<H', s.ram, AVAIL + 2, 9)
    s.op(KICK)
    yield 'bad-avail-index', s

    s = Seed()
    s.simple(0, PLUG)
    s.desc(1, RESP, 0, WRITE)
    s.op(KICK)
    yield 'bad-zero-length', s

    s = Seed()
    s.chain([(RESP, 10, True), (s.request(0, PLUG), 24, False)])
    s.op(KICK)
    yield 'bad-order', s

    s = Seed()
    s.available(8)
    s.op(KICK)
    yield 'bad-head', s

    s = Seed(used=0x10000)
    s.simple(0, PLUG)
    s.op(KICK)
    yield 'bad-used-in-rom', s

    s = Seed(desc=0x11000)
    s.op(KICK)
    yield 'bad-desc-in-io', s

    s = Seed()
    s.chain([(s.request(0, PLUG), 20, False), (RESP, 10, True)])
    s.op(KICK)
    s.op(RESET)
    s.op(KICK)
    yield 'bad-short-request', s

    s = Seed()
    s.simple(0, 7)
    s.op(KICK)
    yield 'bad-unknown-type', s

    s = Seed(accept=V1_UI | 0x08)
    s.desc(0, TABLE, 17, INDIRECT)
    s.available(0)
    s.op(KICK)
    yield 'bad-indirect-size', s


write_corpus('virtio-mem-vq', seeds())
