#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Captures what QEMU's guest sees, for qmem's tests to compare against.

Starts a QEMU (Debian's qemu-system-x86_64 7.2 unless --qemu says
otherwise) for each case of CASES with `-machine ...,accel=tcg -S -qtest
unix:PATH`, and reads over the qtest protocol, as a guest would:

- the configuration space of PCI functions (0xcf8/0xcfc), and the size
  masks of their BARs (all-ones written, read back, then restored);
- fw_cfg items and files (selector 0x510, data 0x511), by key or by name
  from the file directory;
- the return values of QMP commands (query-pci, and HMP text through
  human-monitor-command), over a QMP socket of their own.

Writes one JSON document: {"qemu": VERSION, "cases": {NAME: {"args":
[...], "pci": {"BB:DD.F": {"config": [256 byte values], "bars": [...]}},
"fw_cfg": {"KEY-or-NAME": "hex", or null for a file QEMU does not
have}, "qmp": {"COMMAND or HMP LINE": RETURN}}}}.  The output of a run is checked in
beside this script (qemu-7.2.json); tests compare qmem with it, and with
the installed QEMU where there is one (same script, --compare).

Usage: tests/qemu-ref/capture.py [--qemu BINARY] [-o FILE]
       tests/qemu-ref/capture.py --compare FILE [--qemu BINARY]
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile

# What each case starts; pc-i440fx-7.2 and pc-q35-7.2 keep QEMU 7.2's
# defaults (virtio-mem-pci without MSI-X vectors, for one).
VMEM = ['-object', 'memory-backend-ram,id=m1,size=1G']
CASES = {
    'pc-virtio-mem': {
        'args': ['-machine', 'pc-i440fx-7.2', '-m', '1G,maxmem=4G,slots=1']
        + VMEM + ['-device', 'virtio-mem-pci,id=vm0,memdev=m1,'
                  'bus=pci.0,addr=0x4'],
        'pci': ['00:00.0', '00:04.0'],
    },
    # QEMU 7.2's virtio-mem-pci has no MSI-X (10.0 added 'vectors'): the
    # layout of a modern-only virtio-pci function with two vectors.
    'pc-virtio-msix': {
        'args': ['-machine', 'pc-i440fx-7.2', '-m', '1G',
                 '-device', 'virtio-rng-pci,disable-legacy=on,vectors=2,'
                 'bus=pci.0,addr=0x5'],
        'pci': ['00:05.0'],
    },
    'q35-virtio-mem': {
        'args': ['-machine', 'pc-q35-7.2', '-m', '1G,maxmem=4G,slots=1']
        + VMEM + ['-device', 'virtio-mem-pci,id=vm0,memdev=m1,'
                  'bus=pcie.0,addr=0x4'],
        'pci': ['00:00.0', '00:04.0'],
    },
    # Every function QEMU has on the root bus, the ISA bridges' identity
    # among them, with virtio-mem-pci where it lands without 'addr', and
    # the queries that list them.
    'pc-pci': {
        'args': ['-machine', 'pc-i440fx-7.2', '-m', '1G,maxmem=4G,slots=1']
        + VMEM + ['-device', 'virtio-mem-pci,id=vm0,memdev=m1'],
        'pci': ['00:00.0', '00:01.0', '00:01.1', '00:01.3', '00:02.0'],
        'qmp': ['query-pci', 'info pci'],
    },
    'q35-pci': {
        'args': ['-machine', 'pc-q35-7.2', '-m', '1G,maxmem=4G,slots=1']
        + VMEM + ['-device', 'virtio-mem-pci,id=vm0,memdev=m1'],
        'pci': ['00:00.0', '00:01.0', '00:1f.0', '00:1f.2', '00:1f.3'],
        'qmp': ['query-pci', 'info pci'],
    },
    'pc-1g': {
        'args': ['-machine', 'pc-i440fx-7.2', '-m', '1G'],
        'fw_cfg': ['signature', 'id', 'ram-size', 'nb-cpus', 'max-cpus',
                   'numa', 'etc/e820', 'etc/reserved-memory-end'],
    },
    'pc-4g-hotplug': {
        'args': ['-machine', 'pc-i440fx-7.2', '-m', '4G,maxmem=8G,slots=4',
                 '-smp', '2'],
        'fw_cfg': ['ram-size', 'nb-cpus', 'max-cpus', 'numa', 'etc/e820',
                   'etc/reserved-memory-end'],
    },
    'pc-numa': {
        'args': ['-machine', 'pc-i440fx-7.2', '-m', '2G', '-smp', '4',
                 '-object', 'memory-backend-ram,id=n0,size=1G',
                 '-object', 'memory-backend-ram,id=n1,size=1G',
                 '-numa', 'node,nodeid=0,memdev=n0,cpus=0-1',
                 '-numa', 'node,nodeid=1,memdev=n1,cpus=2-3'],
        'fw_cfg': ['ram-size', 'nb-cpus', 'max-cpus', 'numa', 'etc/e820'],
    },
    'q35-4g-hotplug': {
        'args': ['-machine', 'pc-q35-7.2', '-m', '4G,maxmem=8G,slots=4'],
        'fw_cfg': ['ram-size', 'nb-cpus', 'max-cpus', 'numa', 'etc/e820',
                   'etc/reserved-memory-end'],
    },
}

# fw_cfg items by key (hw/nvram/fw_cfg.h).
FW_CFG_KEYS = {
    'signature': 0x00, 'id': 0x01, 'ram-size': 0x03, 'nb-cpus': 0x05,
    'numa': 0x0d, 'max-cpus': 0x0f, 'file-dir': 0x19,
}
FW_CFG_SIZES = {'signature': 4, 'id': 4, 'ram-size': 8, 'nb-cpus': 2,
                'max-cpus': 2}


class Qtest:
    def __init__(self, qemu, args):
        self.dir = tempfile.mkdtemp(prefix='qmem-qemu-ref-')
        path = os.path.join(self.dir, 'qtest.sock')
        qmp_path = os.path.join(self.dir, 'qmp.sock')
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        srv.bind(path)
        srv.listen(1)
        qmp_srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        qmp_srv.bind(qmp_path)
        qmp_srv.listen(1)
        self.proc = subprocess.Popen(
            [qemu, '-S', '-display', 'none', '-nodefaults',
             '-qtest', 'unix:' + path, '-qtest-log', '/dev/null',
             '-qmp', 'unix:' + qmp_path] + args_with_accel(args),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        srv.settimeout(30)
        self.conn, _ = srv.accept()
        srv.close()
        self.file = self.conn.makefile('rw')
        qmp_srv.settimeout(30)
        self.qmp_conn, _ = qmp_srv.accept()
        qmp_srv.close()
        self.qmp_file = self.qmp_conn.makefile('rw')
        self.qmp_file.readline()
        self.qmp({'execute': 'qmp_capabilities'})

    def qmp(self, command):
        self.qmp_file.write(json.dumps(command) + '\n')
        self.qmp_file.flush()
        while True:
            reply = json.loads(self.qmp_file.readline())
            if 'event' not in reply:
                break
        if 'return' not in reply:
            raise RuntimeError(f'{command}: {reply}')
        return reply['return']

    def query(self, line):
        """A QMP command's return, or an HMP line's text ('info pci')."""
        if ' ' in line:
            return self.qmp({'execute': 'human-monitor-command',
                             'arguments': {'command-line': line}})
        return self.qmp({'execute': line})

    def cmd(self, line):
        self.file.write(line + '\n')
        self.file.flush()
        while True:
            reply = self.file.readline()
            if not reply:
                raise RuntimeError('QEMU closed the qtest connection')
            if reply.startswith(('OK', 'FAIL', 'ERR')):
                break
        if not reply.startswith('OK'):
            raise RuntimeError(f'{line}: {reply.strip()}')
        words = reply.split()
        return int(words[1], 16) if len(words) > 1 else None

    def close(self):
        self.proc.kill()
        self.proc.wait()
        self.conn.close()
        self.qmp_conn.close()
        for name in os.listdir(self.dir):
            os.unlink(os.path.join(self.dir, name))
        os.rmdir(self.dir)


def args_with_accel(args):
    out = list(args)
    i = out.index('-machine')
    out[i + 1] += ',accel=tcg'
    return out


def cfg_addr(bdf, off):
    bus, rest = bdf.split(':')
    dev, fn = rest.split('.')
    return (0x80000000 | int(bus, 16) << 16 | int(dev, 16) << 11 |
            int(fn, 16) << 8 | off)


def read_pci(q, bdf):
    config = []
    for off in range(0, 256, 4):
        q.cmd('outl 0xcf8 0x%x' % cfg_addr(bdf, off))
        v = q.cmd('inl 0xcfc')
        config += [(v >> (8 * i)) & 0xff for i in range(4)]
    bars = []
    for bar in range(6):
        off = 0x10 + 4 * bar
        q.cmd('outl 0xcf8 0x%x' % cfg_addr(bdf, off))
        old = q.cmd('inl 0xcfc')
        q.cmd('outl 0xcfc 0xffffffff')
        bars.append(q.cmd('inl 0xcfc'))
        q.cmd('outl 0xcfc 0x%x' % old)
    return {'config': config, 'bars': bars}


def fw_cfg_read(q, key, size):
    q.cmd('outw 0x510 0x%x' % key)
    return bytes(q.cmd('inb 0x511') for _ in range(size))


def fw_cfg_files(q):
    count = int.from_bytes(fw_cfg_read(q, FW_CFG_KEYS['file-dir'], 4), 'big')
    raw = fw_cfg_read(q, FW_CFG_KEYS['file-dir'], 4 + 64 * count)[4:]
    files = {}
    for i in range(count):
        e = raw[64 * i:64 * (i + 1)]
        name = e[8:].split(b'\0')[0].decode()
        files[name] = (int.from_bytes(e[4:6], 'big'),
                       int.from_bytes(e[0:4], 'big'))
    return files


def read_fw_cfg(q, item):
    if item in FW_CFG_KEYS:
        key = FW_CFG_KEYS[item]
        if item == 'numa':
            # 64-bit node count, then one 64-bit word per CPU and per node.
            n = int.from_bytes(fw_cfg_read(q, key, 8), 'little')
            cpus = int.from_bytes(fw_cfg_read(q, 0x0f, 2), 'little')
            return fw_cfg_read(q, key, 8 * (1 + cpus + n)).hex()
        return fw_cfg_read(q, key, FW_CFG_SIZES[item]).hex()
    files = fw_cfg_files(q)
    if item not in files:
        return None
    select, size = files[item]
    return fw_cfg_read(q, select, size).hex()


def capture_case(qemu, case):
    q = Qtest(qemu, case['args'])
    try:
        out = {'args': case['args']}
        if 'pci' in case:
            out['pci'] = {bdf: read_pci(q, bdf) for bdf in case['pci']}
        if 'fw_cfg' in case:
            out['fw_cfg'] = {i: read_fw_cfg(q, i) for i in case['fw_cfg']}
        if 'qmp' in case:
            out['qmp'] = {c: q.query(c) for c in case['qmp']}
        return out
    finally:
        q.close()


def capture(qemu):
    version = subprocess.run([qemu, '--version'], capture_output=True,
                             text=True, check=True).stdout.splitlines()[0]
    return {'qemu': version,
            'cases': {name: capture_case(qemu, c)
                      for name, c in CASES.items()}}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--qemu', default='qemu-system-x86_64')
    ap.add_argument('-o', '--output')
    ap.add_argument('--compare', metavar='FILE',
                    help='capture again and compare with FILE')
    opts = ap.parse_args()
    result = capture(opts.qemu)
    if opts.compare:
        with open(opts.compare) as f:
            saved = json.load(f)
        if saved['cases'] != result['cases']:
            for name in CASES:
                if saved['cases'].get(name) != result['cases'][name]:
                    print(f'{name}: differs from {opts.compare}')
            return 1
        print(f'{len(CASES)} cases equal {opts.compare}')
        return 0
    text = json.dumps(result, indent=1, sort_keys=True) + '\n'
    if opts.output:
        with open(opts.output, 'w') as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
