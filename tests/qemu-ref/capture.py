#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Captures what QEMU's guest sees, for qmem's tests to compare against.

Starts a QEMU (Debian's qemu-system-x86_64 7.2 unless --qemu says
otherwise) for each case of CASES with `-machine ...,accel=tcg -S -qtest
unix:PATH`, and reads over the qtest protocol, as a guest would:

- the configuration space of PCI functions (0xcf8/0xcfc), and the size
  masks of their BARs (all-ones written, read back, then restored);
- fw_cfg items and files (selector 0x510, data 0x511), by key or by name
  from the file directory, and the directory itself;
- the ACPI files a firmware loads (read through fw_cfg DMA): the tables
  as QEMU wrote them into etc/acpi/tables, their order, the table-loader
  script with its offsets written as TABLE+N, and the RSDP (after
  setting up the PM registers, and on q35 MMCONFIG, as a firmware does);
- what the fw_cfg ports answer to a fixed series of accesses;
- the return values of QMP commands (query-pci, and HMP text through
  human-monitor-command), over a QMP socket of their own;
- a guest's and a management tool's dialogue with ACPI memory hotplug: a
  script of qtest port and memory accesses and QMP commands, each with
  what it answered, and the events in between;
- the interrupts a script makes: after `irq_intercept_in ioapic`, the
  "IRQ raise N" / "IRQ lower N" lines QEMU sent (N the GSI), as a step's
  result.

Writes one JSON document: {"qemu": VERSION, "cases": {NAME: {"args":
[...], "pci": {"BB:DD.F": {"config": [256 byte values], "bars": [...]}},
"fw_cfg": {"KEY-or-NAME": "hex", or null for a file QEMU does not
have}, "fw_cfg_dir": [[NAME, SIZE], ...], "acpi": {"order": [SIG, ...],
"tables": {SIG: "hex"}, "loader": ["COMMAND ...", ...], "rsdp": "hex"},
"io": [["inb 0x511", VALUE or null], ...], "qmp": {"COMMAND or HMP LINE":
RETURN}, "script": [[STEP, RESULT], ...]}}}, where a script's STEP is a
qtest command (RESULT: its value or null), a QMP command {"execute": ...,
"arguments": ...} (RESULT: the reply's "return" or "error" member) or
{"events": null} (RESULT: the events QEMU sent since the last such step,
without timestamps) or {"irqs": null} (RESULT: the qtest IRQ lines QEMU
sent since the last such step, in order).  The cases of CMDLINE_CASES are
{"cmdline": [[OPTIONS, STDERR, EXIT STATUS], ...]}: what QEMU printed for
command lines it refuses (each ending in "-device nope", so that one it
takes is refused once the machine is made).  The cases named libvirt-NAME
start the command line libvirt writes, from tests/qtest/libvirt-argv/
NAME.args (tests/qtest/libvirt_argv.py), with its QMP monitor on a
listening socket passed as @mon-fd@ and @tmpdir@ a temporary directory;
their "args" keep the placeholders.  The output of a run is checked in
beside this script (qemu-7.2.json); tests compare qmem with it, and with
the installed QEMU where there is one (same script, --compare).

The 'preconfig' cases start QEMU with --preconfig (Debian's 7.2 has it,
as has one built from Debian's source): their script runs before machine
initialization, x-exit-preconfig among its steps; query-cpus-fast's
host thread ids are written as 0.

Usage: tests/qemu-ref/capture.py [--qemu BINARY] [--qemu-arg ARG]
           [-o FILE] [--only CASE]
       tests/qemu-ref/capture.py --compare FILE [--qemu BINARY]
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'qtest'))
import libvirt_argv  # noqa: E402

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

# What a guest finds in fw_cfg: every well-known item qmem provides, the
# memory files, the file directory and the ACPI tables (tests/qtest/
# test-fw-cfg.c compares qmem with these cases).
FW_CFG_ALL = ['signature', 'id', 'uuid', 'ram-size', 'nographic', 'nb-cpus',
              'numa', 'boot-menu', 'max-cpus', 'acpi-tables', 'irq0-override',
              'etc/e820', 'etc/reserved-memory-end', 'etc/boot-fail-wait',
              'etc/system-states']
NUMA_2G = ['-object', 'memory-backend-ram,id=n0,size=2G',
           '-object', 'memory-backend-ram,id=n1,size=2G']
NUMA_1G = ['-object', 'memory-backend-ram,id=n0,size=1G',
           '-object', 'memory-backend-ram,id=n1,size=1G']
CASES.update({
    'fw-pc-1g': {
        'args': ['-machine', 'pc-i440fx-7.2', '-m', '1G'],
        'fw_cfg': FW_CFG_ALL, 'fw_cfg_dir': True, 'acpi': True, 'io': True,
    },
    'fw-q35-1g': {
        'args': ['-machine', 'pc-q35-7.2', '-m', '1G'],
        'fw_cfg': FW_CFG_ALL, 'fw_cfg_dir': True, 'acpi': True,
    },
    'fw-pc-hotplug': {
        'args': ['-machine', 'pc-i440fx-7.2', '-m', '4G,maxmem=8G,slots=4',
                 '-smp', '2'],
        'fw_cfg': FW_CFG_ALL, 'fw_cfg_dir': True, 'acpi': True,
    },
    'fw-q35-hotplug': {
        'args': ['-machine', 'pc-q35-7.2', '-m', '3G,maxmem=260G,slots=8'],
        'fw_cfg': FW_CFG_ALL, 'fw_cfg_dir': True, 'acpi': True,
    },
    # Sparse APIC ids (3 cores take 2 bits), more than 8 CPUs.
    'fw-pc-smp': {
        'args': ['-machine', 'pc-i440fx-7.2', '-m', '512M',
                 '-smp', '4,maxcpus=12,sockets=2,cores=3,threads=2'],
        'fw_cfg': FW_CFG_ALL, 'fw_cfg_dir': True, 'acpi': True,
    },
    # Node 1 spans the PCI hole; distances given.
    'fw-pc-numa-dist': {
        'args': ['-machine', 'pc-i440fx-7.2', '-m', '4G,maxmem=6G,slots=2',
                 '-smp', '4'] + NUMA_2G +
                ['-numa', 'node,nodeid=0,memdev=n0,cpus=0-1',
                 '-numa', 'node,nodeid=1,memdev=n1,cpus=2-3',
                 '-numa', 'dist,src=0,dst=1,val=21'],
        'fw_cfg': FW_CFG_ALL, 'fw_cfg_dir': True, 'acpi': True,
    },
    # Three nodes, one without memory, asymmetric distances, CPUs by socket.
    'fw-q35-numa-dist': {
        'args': ['-machine', 'pc-q35-7.2', '-m', '4G,maxmem=8G,slots=2',
                 '-smp', '6,sockets=3,cores=2'] + NUMA_2G +
                ['-numa', 'node,nodeid=0,memdev=n0',
                 '-numa', 'node,nodeid=1,memdev=n1',
                 '-numa', 'node,nodeid=2',
                 '-numa', 'cpu,node-id=2,socket-id=0',
                 '-numa', 'cpu,node-id=0,socket-id=1',
                 '-numa', 'cpu,node-id=1,socket-id=2',
                 '-numa', 'dist,src=0,dst=1,val=20',
                 '-numa', 'dist,src=1,dst=0,val=30',
                 '-numa', 'dist,src=0,dst=2,val=40',
                 '-numa', 'dist,src=2,dst=0,val=40',
                 '-numa', 'dist,src=1,dst=2,val=25',
                 '-numa', 'dist,src=2,dst=1,val=25'],
        'fw_cfg': FW_CFG_ALL, 'fw_cfg_dir': True, 'acpi': True,
    },
    # Versioned types: 7.0 has no AMD HyperTransport hole; 2.5 sorts the
    # directory the legacy way; 2.4 has no DMA and the old reserved end.
    'fw-pc-7.0': {
        'args': ['-machine', 'pc-i440fx-7.0', '-m', '1G'],
        'fw_cfg': ['id', 'etc/e820'], 'fw_cfg_dir': True,
    },
    'fw-q35-2.5': {
        'args': ['-machine', 'pc-q35-2.5', '-m', '1G,maxmem=2G,slots=1'],
        'fw_cfg': ['id', 'etc/e820', 'etc/reserved-memory-end'],
        'fw_cfg_dir': True,
    },
    'fw-pc-2.4': {
        'args': ['-machine', 'pc-i440fx-2.4', '-m', '1G,maxmem=2G,slots=1'],
        'fw_cfg': ['id', 'etc/e820', 'etc/reserved-memory-end'],
        'fw_cfg_dir': True,
    },
})

# NVDIMMs (issue 11): the NFIT, the NVDIMM SSDT and its loader commands,
# the SRAT's non-volatile ranges, "etc/acpi/nvdimm-mem" and how
# query-memory-devices reports them.
NV_QMP = ['query-memory-devices', 'info memory-devices']
NV_FW_CFG = FW_CFG_ALL + ['etc/acpi/nvdimm-mem']
CASES.update({
    'fw-pc-nvdimm': {
        'args': ['-machine', 'pc-i440fx-7.2,nvdimm=on',
                 '-m', '1G,slots=2,maxmem=4G',
                 '-object', 'memory-backend-ram,id=nv0,size=256M',
                 '-device', 'nvdimm,id=nvdimm0,memdev=nv0'],
        'fw_cfg': NV_FW_CFG, 'fw_cfg_dir': True, 'acpi': True,
        'qmp': NV_QMP,
    },
    # Two NVDIMMs, one with a label area, a uuid and unarmed, on NUMA
    # nodes (the SRAT's non-volatile entries), persistence in the NFIT.
    'fw-q35-nvdimm-2': {
        'args': ['-machine', 'pc-q35-7.2,nvdimm=on,nvdimm-persistence=cpu',
                 '-m', '2G,slots=4,maxmem=8G', '-smp', '2'] + NUMA_1G +
                ['-numa', 'node,nodeid=0,memdev=n0,cpus=0',
                 '-numa', 'node,nodeid=1,memdev=n1,cpus=1',
                 '-object', 'memory-backend-ram,id=nv0,size=512M',
                 '-object', 'memory-backend-ram,id=nv1,size=256M',
                 '-device', 'nvdimm,id=nvdimm0,memdev=nv0,node=1,'
                 'label-size=128K,uuid=4c1a6b3e-72f2-4e3b-9d0e-2a1b3c4d5e6f,'
                 'unarmed=on',
                 '-device', 'nvdimm,id=nvdimm1,memdev=nv1,slot=3'],
        'fw_cfg': NV_FW_CFG, 'fw_cfg_dir': True, 'acpi': True,
        'qmp': NV_QMP,
    },
    # mem-ctrl persistence; a pc-dimm beside the NVDIMM; no NUMA.
    'fw-pc-nvdimm-mem-ctrl': {
        'args': ['-machine', 'pc-i440fx-7.2,nvdimm=on,'
                 'nvdimm-persistence=mem-ctrl',
                 '-m', '1G,slots=3,maxmem=4G',
                 '-object', 'memory-backend-ram,id=nv0,size=130M',
                 '-object', 'memory-backend-ram,id=m0,size=128M',
                 '-device', 'pc-dimm,id=dimm0,memdev=m0',
                 '-device', 'nvdimm,id=nvdimm0,memdev=nv0,label-size=2M'],
        'fw_cfg': NV_FW_CFG, 'fw_cfg_dir': True, 'acpi': True,
        'qmp': NV_QMP,
    },
    # nvdimm=on without NVDIMMs: the SSDT, no NFIT; without slots neither.
    'fw-q35-nvdimm-none': {
        'args': ['-machine', 'pc-q35-7.2,nvdimm=on,nvdimm-persistence=cpu',
                 '-m', '1G,slots=2,maxmem=4G'],
        'fw_cfg': NV_FW_CFG, 'fw_cfg_dir': True, 'acpi': True,
    },
    'fw-pc-nvdimm-noslots': {
        'args': ['-machine', 'pc-i440fx-7.2,nvdimm=on', '-m', '1G'],
        'fw_cfg': NV_FW_CFG, 'fw_cfg_dir': True, 'acpi': True,
    },
})

def qmp_step(cmd, **args):
    step = {'execute': cmd}
    if args:
        step['arguments'] = args
    return step


def memhp_script(gpe, gpe_en):
    """What a guest's ACPI driver and a management tool do with ACPI
    memory hotplug (docs/acpi.md), for a machine with -m slots=3, DIMM d0
    (128 MiB) cold-plugged and backends m1 (256 MiB) and m2 (512 MiB):
    GPE0 status at @gpe, its enable byte at @gpe_en."""
    qmp = qmp_step
    events = {'events': None}
    slot_regs = ['inl 0xa00', 'inl 0xa04', 'inl 0xa08', 'inl 0xa0c',
                 'inl 0xa10', 'inl 0xa14']
    d1 = 0x108000000            # after d0 at 4 GiB
    return [
        # The PM blocks as firmware left them; GPE0 clear.
        'inw 0x600', 'inw 0x602', 'inw 0x604', 'inl 0x608',
        'inb 0x%x' % gpe, 'inb 0x%x' % gpe_en,
        # Slot 0 holds the cold-plugged d0: enabled, not inserting.
        'outl 0xa00 0x0', *slot_regs, 'inb 0xa14',
        # How the block decodes sizes and offsets.
        'inb 0xa00', 'inb 0xa01', 'inw 0xa00', 'inw 0xa02', 'inl 0xa02',
        'inb 0xa15', 'inw 0xa16', 'inl 0xa16', 'inb 0xa17', 'inl 0xa18',
        'outl 0xa00 0x1', *slot_regs,
        # Selectors beyond the slots read 0; writes through them go nowhere.
        'outl 0xa00 0x3', *slot_regs, 'inb 0xa01', 'outb 0xa14 0x8',
        'outl 0xa04 0x1', 'outl 0xa08 0x2',
        'outl 0xa00 0xffffffff', *slot_regs,
        'outw 0xa00 0x1', 'inl 0xa14', 'inl 0xa00', events,
        # Hot-plug: slot 1, inserting, GPE0 bit 3.
        qmp('device_add', driver='pc-dimm', id='d1', memdev='m1', node=1),
        events, 'inb 0x%x' % gpe, qmp('query-memory-devices'),
        'outb 0xa00 0x1', *slot_regs,
        # The guest enables the GPE, acknowledges the insert and the GPE.
        'outb 0x%x 0x8' % gpe_en, 'inb 0x%x' % gpe_en,
        'outb 0xa14 0x2', 'inl 0xa14', 'outb 0x%x 0x8' % gpe,
        'inb 0x%x' % gpe,
        # _OST: an event code, then the status sends ACPI_DEVICE_OST.
        'outl 0xa04 0x1', 'outl 0xa08 0x0', events,
        qmp('query-acpi-ospm-status'),
        'writeq 0x%x 0x1122334455667788' % d1, 'readq 0x%x' % d1,
        # device_del is a request: removing, GPE0 bit 3, d1 still there.
        qmp('device_del', id='d1'), events, 'inl 0xa14', 'inb 0x%x' % gpe,
        qmp('query-memory-devices'), 'readq 0x%x' % d1,
        qmp('device_del', id='d1'), events, 'inb 0x%x' % gpe,
        qmp('object-del', id='m1'),
        # The guest clears the event, then ejects (_EJ0): d1 goes.
        'outb 0xa14 0x4', 'inl 0xa14', 'outb 0xa14 0x8', events,
        *slot_regs, 'readq 0x%x' % d1, 'writeq 0x%x 0x55' % d1,
        'readq 0x%x' % d1, qmp('query-memory-devices'),
        qmp('object-del', id='m1'), qmp('device_del', id='d1'),
        qmp('query-acpi-ospm-status'),
        # An eject of an empty slot does nothing.
        'outb 0xa14 0x8', events,
        # Several bits at once: only the first of insert, remove, eject.
        qmp('device_add', driver='pc-dimm', id='d2', memdev='m2'), events,
        qmp('device_del', id='d2'), 'outl 0xa00 0x1', 'inl 0xa14',
        'outl 0xa14 0x6', 'inl 0xa14', 'outl 0xa14 0xc', 'inl 0xa14',
        'outl 0xa14 0xe', 'inl 0xa14', events, qmp('query-memory-devices'),
        'outw 0xa14 0x8', events,
        # The guest may eject a DIMM nobody asked for, cold-plugged d0.
        'outl 0xa00 0x0', 'outb 0xa14 0x8', events, *slot_regs,
        qmp('query-memory-devices'),
        # ACPI mode: SCI_EN through SMI_CMD.
        'inb 0xb2', 'inw 0x604',
    ]


def dsm_call(page, handle, function, arg3=(), revision=1, words=4):
    """A guest's _DSM call as the NVDIMM SSDT's NCAL makes it: the request
    (QEMU's NvdimmDsmIn: handle, revision, function, Arg3's 32-bit words)
    into the page, its address to the port 0xa18, then the first @words
    32-bit words of the answer (NvdimmDsmOut: length, status, data)."""
    steps = ['writel 0x%x 0x%x' % (page + 4 * i, v) for i, v in
             enumerate([handle, revision, function] + list(arg3))]
    steps.append('outl 0xa18 0x%x' % page)
    return steps + ['readl 0x%x' % (page + 4 * i) for i in range(words)]


def nvdimm_script(gpe, gpe_en):
    """NVDIMMs on a running machine: hot-plug (GPE 4), the _DSM protocol
    (root, QEMU's Read FIT, label size and data, a device without label,
    an empty slot), what device_add refuses and that device_del refuses.
    nvdimm0 (slot 0, 256 KiB of label) is cold-plugged; nv1, nv2 (2 MiB)
    and nv3 are free backends."""
    qmp = qmp_step
    page = 0x100000
    nv = dict(driver='nvdimm')
    return [
        'inl 0xa18', 'inb 0x%x' % gpe,
        # The root device: function 0 only; an unknown revision.
        *dsm_call(page, 0, 0), *dsm_call(page, 0, 1),
        *dsm_call(page, 0, 0, revision=2),
        # QEMU's own functions: Read FIT from 0, past the end, unknown.
        *dsm_call(page, 0x10000, 0), *dsm_call(page, 0x10000, 1, [0], words=8),
        *dsm_call(page, 0x10000, 1, [184]),
        *dsm_call(page, 0x10000, 1, [185]), *dsm_call(page, 0x10000, 2),
        # nvdimm0 (handle 1): its functions, the label size, a write of
        # the label and a read of it back, out of range, too long.
        *dsm_call(page, 1, 0), *dsm_call(page, 1, 4),
        *dsm_call(page, 1, 6, [0x10, 8, 0x11223344, 0x55667788]),
        *dsm_call(page, 1, 5, [0x10, 8]),
        *dsm_call(page, 1, 5, [0x3fffc, 8]),
        *dsm_call(page, 1, 5, [0xffffffff, 2]),
        *dsm_call(page, 1, 5, [0, 4077]), *dsm_call(page, 1, 5, [0, 4076]),
        *dsm_call(page, 1, 7), *dsm_call(page, 1, 4, revision=0),
        # An empty slot (handle 2), then hot-plug there: GPE 4.
        *dsm_call(page, 2, 0), *dsm_call(page, 2, 4),
        'outb 0x%x 0x10' % gpe_en,
        qmp('device_add', id='nvdimm1', memdev='nv1', uuid='8F9C1D2E-0000-'
            '4000-8000-0123456789AB', unarmed='on', **nv),
        {'events': None}, 'inb 0x%x' % gpe, qmp('query-memory-devices'),
        'outb 0x%x 0x10' % gpe, 'inb 0x%x' % gpe,
        # The FIT changed: a read from the middle says so, from 0 not.
        *dsm_call(page, 0x10000, 1, [8]), *dsm_call(page, 0x10000, 1, [0]),
        *dsm_call(page, 0x10000, 1, [8]),
        # nvdimm1 has no label: function 0 offers nothing, 4 unsupported.
        *dsm_call(page, 2, 0), *dsm_call(page, 2, 4),
        qmp('qom-get', path='/machine/peripheral/nvdimm1', property='uuid'),
        qmp('qom-get', path='/machine/peripheral/nvdimm0', property='uuid'),
        qmp('qom-get', path='/machine/peripheral/nvdimm0',
            property='label-size'),
        qmp('qom-get', path='/machine/peripheral/nvdimm1',
            property='unarmed'),
        qmp('qom-get', path='/machine/peripheral/nvdimm0', property='size'),
        qmp('qom-set', path='/machine/peripheral/nvdimm0',
            property='label-size', value=262144),
        # What device_add refuses, and device_del.
        qmp('device_add', id='nvdimm2', memdev='nv2', **{'label-size':
                                                         '128K'}, **nv),
        qmp('device_add', id='nvdimm2', memdev='nv3', **{'label-size':
                                                         '1'}, **nv),
        qmp('device_add', id='nvdimm2', memdev='nv3', uuid='1234', **nv),
        qmp('device_add', id='nvdimm2', memdev='nv1', **nv),
        qmp('device_add', id='nvdimm2', **nv),
        qmp('device_add', id='nvdimm2', memdev='nv3', slot='7', **nv),
        qmp('device_del', id='nvdimm1'), qmp('device_del', id='nvdimm0'),
        qmp('query-memory-devices'),
    ]


NVDIMM_ARGS = ['-m', '1G,slots=3,maxmem=4G',
               '-object', 'memory-backend-ram,id=nv0,size=256M',
               '-device', 'nvdimm,id=nvdimm0,memdev=nv0,label-size=256K',
               '-object', 'memory-backend-ram,id=nv1,size=256M',
               '-object', 'memory-backend-ram,id=nv2,size=2M',
               '-object', 'memory-backend-ram,id=nv3,size=256M']
CASES.update({
    'nvdimm-pc': {
        'args': ['-machine', 'pc-i440fx-7.2,nvdimm=on'] + NVDIMM_ARGS,
        'script': nvdimm_script(0xafe0, 0xafe2),
    },
    'nvdimm-q35': {
        'args': ['-machine', 'pc-q35-7.2,nvdimm=on,nvdimm-persistence=cpu']
        + NVDIMM_ARGS,
        'script': nvdimm_script(0x620, 0x628),
    },
    # No NVDIMM yet: the FIT is empty, Read FIT answers nothing (the
    # fuzzer's undefined behaviour in qmem: a pointer into no data).
    'nvdimm-empty': {
        'args': ['-machine', 'pc-i440fx-7.2,nvdimm=on',
                 '-m', '1G,slots=2,maxmem=4G'],
        'script': [*dsm_call(0x100000, 0x10000, 1, [0]),
                   *dsm_call(0x100000, 0x10000, 1, [1]),
                   *dsm_call(0x100000, 1, 0), *dsm_call(0x100000, 1, 5)],
    },
    # Without nvdimm=on: refused, in QEMU's words.
    'nvdimm-off': {
        'args': ['-machine', 'pc-i440fx-7.2', '-m', '1G,slots=2,maxmem=4G',
                 '-object', 'memory-backend-ram,id=nv0,size=256M'],
        'script': [qmp_step('device_add', driver='nvdimm', id='nvdimm0',
                            memdev='nv0'),
                   qmp_step('query-memory-devices')],
    },
})


MEMHP_ARGS = ['-m', '1G,maxmem=4G,slots=3', '-smp', '2',
              '-object', 'memory-backend-ram,id=n0,size=512M',
              '-object', 'memory-backend-ram,id=n1,size=512M',
              '-numa', 'node,nodeid=0,memdev=n0',
              '-numa', 'node,nodeid=1,memdev=n1',
              '-object', 'memory-backend-ram,id=m0,size=128M',
              '-device', 'pc-dimm,id=d0,memdev=m0',
              '-object', 'memory-backend-ram,id=m1,size=256M',
              '-object', 'memory-backend-ram,id=m2,size=512M']
CASES.update({
    'memhp-pc': {
        'args': ['-machine', 'pc-i440fx-7.2'] + MEMHP_ARGS,
        'script': memhp_script(0xafe0, 0xafe2) + ['outb 0xb2 0xf1',
                                                  'inw 0x604'],
        'acpi': True,
    },
    'memhp-q35': {
        'args': ['-machine', 'pc-q35-7.2'] + MEMHP_ARGS,
        'script': memhp_script(0x620, 0x628) + ['outb 0xb2 0x2',
                                                'inw 0x604'],
        'acpi': True,
    },
})

def dimm_add(**props):
    return qmp_step('device_add', driver='pc-dimm', **props)


# How QMP takes numbers and other JSON values: device_add goes through
# QemuOpts as in QEMU 7.2's qmp_device_add(), so every value is text
# there; nothing out of range may wrap (issue 12: slot 2^64-1 took slot 0).
CASES.update({
    'qmp-device-add-values': {
        'args': ['-machine', 'pc-i440fx-7.2', '-m', '1G,slots=4,maxmem=4G',
                 '-object', 'memory-backend-ram,id=m1,size=128M',
                 '-object', 'memory-backend-ram,id=m2,size=128M',
                 '-object', 'memory-backend-ram,id=m3,size=128M'],
        'script': [
            dimm_add(id='d0', memdev='m1', slot=18446744073709551615),
            dimm_add(id='d0', memdev='m1', slot=9223372036854775808),
            dimm_add(id='d0', memdev='m1', slot=-9223372036854775808),
            dimm_add(id='d0', memdev='m1', slot=4294967296),
            dimm_add(id='d0', memdev='m1', slot=2147483648),
            dimm_add(id='d0', memdev='m1', slot=-2),
            dimm_add(id='d0', memdev='m1', slot=1.5),
            dimm_add(id='d0', memdev='m1', node=True),
            dimm_add(id='d0', memdev='m1', node=4294967296),
            dimm_add(id='d0', memdev='m1', node=-1),
            dimm_add(id='d0', memdev='m1', addr=18446744073709551615),
            dimm_add(id='d0', memdev='m1', addr=-1),
            dimm_add(id='d0', memdev=5),
            qmp_step('query-memory-devices'),
            # Texts where numbers are expected, as -device takes them.
            dimm_add(id='d0', memdev='m1', slot='3', node='0x0'),
            dimm_add(id='d1', memdev='m2', slot=2.0),
            # What is neither string, number nor boolean is dropped.
            dimm_add(id='d2', memdev='m3', foo={'a': 1}),
            qmp_step('query-memory-devices'),
        ],
    },
})


def irq_script(q35):
    """A PCI function's INTx and the SCI as the I/O APIC sees them (GSI
    numbers, qtest's irq_intercept_in ioapic): edu at 00:05.0 (its BAR0 at
    0xfe000000; 0x60 raises INTx, 0x64 acknowledges it), the PCI router's
    PIRQ routing registers changed under it, then a DIMM hot-plugged
    with GPE0 bit 3 enabled.  Slot 5's INTA is PIIX3's PIRQA (pc) or
    ICH9's PIRQF (q35, always GSI 21 as well)."""
    irqs = {'irqs': None}
    raise_ = 'writel 0xfe000060 0x1'
    ack = 'writel 0xfe000064 0x1'
    if q35:
        route = 'outl 0xcf8 0x8000f868'     # 1f.0 PIRQE..H_ROUT
        rout = 'outb 0xcfd 0x%x'            # PIRQF_ROUT (0x69)
        gpe, gpe_en = 0x620, 0x628
    else:
        route = 'outl 0xcf8 0x80000860'     # 01.0 PIRQA..D route
        rout = 'outb 0xcfc 0x%x'            # PIRQA (0x60)
        gpe, gpe_en = 0xafe0, 0xafe2
    script = [
        'irq_intercept_in ioapic', irqs,
        'outl 0xcf8 0x80002810', 'outl 0xcfc 0xfe000000',
        'outl 0xcf8 0x80002804', 'outw 0xcfc 0x2',
        # Reset's routing (0x80: disabled), then IRQ 11, 10, disabled.
        raise_, irqs, route, rout % 0xb, irqs, ack, irqs,
        raise_, irqs, route, rout % 0xa, irqs, route, rout % 0x80, irqs,
        ack, irqs, raise_, irqs, route, rout % 0xa, irqs,
        # INTX_DISABLE, then enabled again; acknowledged.
        'outl 0xcf8 0x80002804', 'outw 0xcfc 0x402', irqs,
        'outl 0xcf8 0x80002804', 'outw 0xcfc 0x2', irqs, ack, irqs,
        # A reserved route (16 and up) is none.
        route, rout % 0x10, raise_, irqs, ack, irqs,
        # The SCI: GSI 9.
        'outb 0x%x 0x8' % gpe_en,
        dimm_add(id='d1', memdev='m1'),
        irqs, 'outb 0x%x 0x8' % gpe, irqs,
    ]
    if q35:
        # ICH9's ACPI_CNTL moves the SCI: IRQ 9, 10, 11, 20, 21 or none.
        script += [
            qmp_step('device_del', id='d1'), irqs,
            'outl 0xcf8 0x8000f844', 'outb 0xcfc 0x84', irqs,
            'outl 0xcf8 0x8000f844', 'outb 0xcfc 0x83', irqs,
            'outl 0xcf8 0x8000f844', 'outb 0xcfc 0x81', irqs,
            'outb 0x%x 0x8' % gpe, irqs,
        ]
    return script


IRQ_ARGS = ['-m', '1G,maxmem=4G,slots=2',
            '-object', 'memory-backend-ram,id=m1,size=128M',
            '-device', 'edu,addr=5']
def ram_add(id, **props):
    return qmp_step('object-add', **{'qom-type': 'memory-backend-ram',
                                     'id': id, **props})


def hmp_step(line):
    return qmp_step('human-monitor-command', **{'command-line': line})


def pmem_add(**props):
    return qmp_step('device_add', driver='virtio-pmem-pci', **props)


# virtio-pmem-pci (tests/qtest/test-virtio-pmem.c): its function as the
# guest finds it, cold- and hot-plugged, what query-memory-devices and
# info memory-devices say of it, every realize and plug failure, and
# device_del, which QEMU 7.2 refuses for every virtio-based memory device.
PMEM_ARGS = ['-m', '1G,maxmem=4G,slots=1',
             '-object', 'memory-backend-ram,id=pm0,size=256M',
             '-object', 'memory-backend-ram,id=pm1,size=128M',
             '-object', 'memory-backend-ram,id=pm2,size=64M',
             '-object', 'memory-backend-ram,id=pm3,size=4G']
PMEM_DEV = ['-device', 'virtio-pmem-pci,id=vp0,memdev=pm0,addr=0x4']
CASES.update({
    'pmem-pc': {
        'args': ['-machine', 'pc-i440fx-7.2'] + PMEM_ARGS + PMEM_DEV,
        'pci': ['00:04.0'],
        'script': [
            qmp_step('query-memory-devices'),
            hmp_step('info memory-devices'),
            qmp_step('device_del', id='vp0'),
            pmem_add(id='vp1'),
            pmem_add(id='vp1', memdev='pm0'),
            pmem_add(id='vp1', memdev='pm3'),
            pmem_add(id='vp1', memdev='pm1', memaddr=0x100000001),
            pmem_add(id='vp1', memdev='pm1', memaddr=0x100000000),
            pmem_add(id='vp1', memdev='pm1', memaddr=0x200000000),
            pmem_add(id='vp1', memdev='pm1', addr='0x5'),
            {'events': None},
            pmem_add(id='vp2', memdev='pm2', memaddr=0x140000000),
            qmp_step('query-memory-devices'),
            hmp_step('info memory-devices'),
            qmp_step('device_del', id='vp1'),
            {'events': None},
            qmp_step('device_add', driver='pc-dimm', id='d0', memdev='pm1'),
            qmp_step('object-del', id='pm1'),
            qmp_step('qom-set', path='vp0', property='memaddr', value=0),
            qmp_step('qom-get', path='vp0', property='memaddr'),
            qmp_step('qom-get', path='vp0/virtio-backend',
                     property='memaddr'),
            qmp_step('query-memory-devices'),
        ],
    },
    # QEMU counts virtio-pmem's memory on node 0.
    'pmem-numa': {
        'args': ['-machine', 'pc-i440fx-7.2', '-m', '2G,maxmem=4G',
                 '-smp', '2',
                 '-object', 'memory-backend-ram,id=n0,size=1G',
                 '-object', 'memory-backend-ram,id=n1,size=1G',
                 '-numa', 'node,nodeid=0,memdev=n0,cpus=0',
                 '-numa', 'node,nodeid=1,memdev=n1,cpus=1',
                 '-object', 'memory-backend-ram,id=pm0,size=256M',
                 '-device', 'virtio-pmem-pci,id=vp0,memdev=pm0'],
        'script': [
            hmp_step('info numa'),
            qmp_step('query-memory-devices'),
            hmp_step('info memory-devices'),
        ],
    },
    'pmem-q35': {
        'args': ['-machine', 'pc-q35-7.2'] + PMEM_ARGS + PMEM_DEV,
        'pci': ['00:04.0'],
        'script': [
            pmem_add(id='vp1', memdev='pm1'),
            qmp_step('device_del', id='vp0'),
            qmp_step('query-memory-devices'),
        ],
    },
})


MiB128 = 128 << 20
CASES.update({
    # object-add, qom-set and HMP with numbers outside their types.
    'qmp-object-values': {
        'args': ['-machine', 'pc-i440fx-7.2', '-m', '1G'],
        'script': [
            ram_add('m1', size=MiB128, **{'prealloc-threads': 4294967296}),
            ram_add('m1', size=MiB128, **{'prealloc-threads': -1}),
            ram_add('m1', size=MiB128, **{'host-nodes': [65536]},
                    policy='bind'),
            ram_add('m1', size=MiB128, **{'host-nodes': [-1]},
                    policy='bind'),
            ram_add('m1', size=1.5),
            ram_add('m1', size=18446744073709551616),
            ram_add('m2', size=MiB128),
            qmp_step('qom-set', path='m2', property='prealloc-threads',
                     value=4294967296),
            qmp_step('qom-set', path='m2', property='prealloc-threads',
                     value=-5),
            qmp_step('qom-set', path='m2', property='prealloc-threads',
                     value=18446744073709551615),
            qmp_step('qom-get', path='m2', property='prealloc-threads'),
            hmp_step('qom-set m2 prealloc-threads 4294967296'),
            hmp_step('qom-set m2 prealloc-threads -1'),
            hmp_step('object_add memory-backend-ram,id=m3,size=1M,'
                     'prealloc-threads=4294967296'),
        ],
    },
})


CASES.update({
    'irq-pc': {
        'args': ['-machine', 'pc-i440fx-7.2'] + IRQ_ARGS,
        'script': irq_script(False),
    },
    'irq-q35': {
        'args': ['-machine', 'pc-q35-7.2'] + IRQ_ARGS,
        'script': irq_script(True),
    },
})

# HMAT: -machine hmat=on with -numa node,initiator=, hmat-lb and
# hmat-cache; the tables as above (tests/qtest/test-fw-cfg.c compares every
# one, the HMAT among them; tests/qtest/test-hmat.c disassembles it).
HMAT_MEM = ['-object', 'memory-backend-ram,id=n0,size=1G',
            '-object', 'memory-backend-ram,id=n1,size=512M',
            '-object', 'memory-backend-ram,id=n2,size=512M']


def hmat_lb(initiator, target, hierarchy, data_type, value):
    kind = 'latency' if data_type.endswith('latency') else 'bandwidth'
    return ['-numa', f'hmat-lb,initiator={initiator},target={target},'
            f'hierarchy={hierarchy},data-type={data_type},{kind}={value}']


def hmat_cache(node, size, level, assoc, policy, line):
    return ['-numa', f'hmat-cache,node-id={node},size={size},level={level},'
            f'associativity={assoc},policy={policy},line={line}']


CASES.update({
    # Two nodes with CPUs and memory; access latency and bandwidth between
    # every pair; a level-1 cache on each node.
    'fw-pc-hmat': {
        'args': ['-machine', 'pc-i440fx-7.2,hmat=on', '-m', '2G',
                 '-smp', '2', '-object', 'memory-backend-ram,id=n0,size=1G',
                 '-object', 'memory-backend-ram,id=n1,size=1G',
                 '-numa', 'node,nodeid=0,memdev=n0,cpus=0',
                 '-numa', 'node,nodeid=1,memdev=n1,cpus=1']
        + hmat_lb(0, 0, 'memory', 'access-latency', 5)
        + hmat_lb(0, 1, 'memory', 'access-latency', 10)
        + hmat_lb(1, 0, 'memory', 'access-latency', 10)
        + hmat_lb(1, 1, 'memory', 'access-latency', 5)
        + hmat_lb(0, 0, 'memory', 'access-bandwidth', '200M')
        + hmat_lb(0, 1, 'memory', 'access-bandwidth', '100M')
        + hmat_lb(1, 0, 'memory', 'access-bandwidth', '100M')
        + hmat_lb(1, 1, 'memory', 'access-bandwidth', '200M')
        + hmat_cache(0, '10K', 1, 'direct', 'write-back', 8)
        + hmat_cache(1, '10K', 1, 'direct', 'write-back', 8),
        'fw_cfg': ['numa', 'etc/e820'], 'acpi': True,
    },
    # Three nodes: two with CPUs, a memory-only one whose initiator is
    # node 0; distances; every data type, memory and first-level, with
    # bases that shrink as values come (latencies 10, 25, 0; bandwidths in
    # MiB and GiB); caches at levels 1 to 3 on node 2, one level on node 0.
    'fw-q35-hmat': {
        'args': ['-machine', 'pc-q35-7.2,hmat=on', '-m', '2G',
                 '-smp', '4,sockets=2,cores=2'] + HMAT_MEM +
                ['-numa', 'node,nodeid=0,memdev=n0,cpus=0-1',
                 '-numa', 'node,nodeid=1,memdev=n1,cpus=2-3',
                 '-numa', 'node,nodeid=2,memdev=n2,initiator=0',
                 '-numa', 'dist,src=0,dst=1,val=21',
                 '-numa', 'dist,src=0,dst=2,val=31',
                 '-numa', 'dist,src=1,dst=2,val=41']
        + hmat_lb(0, 0, 'memory', 'access-latency', 10)
        + hmat_lb(0, 2, 'memory', 'access-latency', 30)
        + hmat_lb(1, 1, 'memory', 'access-latency', 10)
        + hmat_lb(1, 2, 'memory', 'access-latency', 40)
        + hmat_lb(0, 0, 'memory', 'read-latency', 10)
        + hmat_lb(0, 1, 'memory', 'read-latency', 25)
        + hmat_lb(1, 0, 'memory', 'read-latency', 0)
        + hmat_lb(0, 2, 'memory', 'write-latency', 1000)
        + hmat_lb(1, 2, 'memory', 'write-latency', 2000)
        + hmat_lb(0, 0, 'memory', 'access-bandwidth', '2G')
        + hmat_lb(0, 2, 'memory', 'access-bandwidth', '512M')
        + hmat_lb(1, 2, 'memory', 'access-bandwidth', '256M')
        + hmat_lb(0, 1, 'memory', 'read-bandwidth', '3M')
        + hmat_lb(1, 1, 'memory', 'read-bandwidth', '96M')
        + hmat_lb(1, 0, 'memory', 'write-bandwidth', '1G')
        + hmat_lb(0, 2, 'first-level', 'access-latency', 3)
        + hmat_lb(1, 2, 'first-level', 'access-bandwidth', '4G')
        + hmat_lb(0, 2, 'third-level', 'read-bandwidth', '0')
        + hmat_cache(2, '8K', 1, 'none', 'none', 0)
        + hmat_cache(2, '64K', 2, 'direct', 'write-through', 64)
        + hmat_cache(2, '1M', 3, 'complex', 'write-back', 128)
        + hmat_cache(0, '32K', 1, 'complex', 'write-through', 32),
        'fw_cfg': ['numa', 'etc/e820'], 'acpi': True,
    },
    # hmat=on alone: a memory-only node without an initiator (allowed
    # since QEMU 7.1), no latencies, no caches.
    'fw-pc-hmat-bare': {
        'args': ['-machine', 'pc-i440fx-7.2,hmat=on', '-m', '1G',
                 '-smp', '2', '-object', 'memory-backend-ram,id=n0,size=512M',
                 '-object', 'memory-backend-ram,id=n1,size=512M',
                 '-numa', 'node,nodeid=0,memdev=n0,cpus=0-1',
                 '-numa', 'node,nodeid=1,memdev=n1'],
        'fw_cfg': ['numa', 'etc/e820'], 'acpi': True,
    },
    # The node QEMU makes for memory hotplug, its CPUs its initiator.
    'fw-q35-hmat-memhp': {
        'args': ['-machine', 'pc-q35-7.2,hmat=on',
                 '-m', '1G,slots=2,maxmem=2G', '-smp', '2'],
        'fw_cfg': ['numa', 'etc/e820'], 'acpi': True,
    },
})

# Command lines QEMU refuses: stderr and exit status of each, run with
# -accel qtest -S (tests/qtest/test-hmat.c runs qmem-run with the same).
HMAT_ON = ('-machine pc-i440fx-7.2,hmat=on -m 2G -smp 4,sockets=2,cores=2 '
           '-object memory-backend-ram,id=m0,size=1G '
           '-object memory-backend-ram,id=m1,size=1G ')
HMAT_N2 = HMAT_ON + ('-numa node,nodeid=0,memdev=m0,cpus=0-1 '
                     '-numa node,nodeid=1,memdev=m1,cpus=2-3 ')
HMAT_LB0 = '-numa hmat-lb,initiator=0,target=0,hierarchy=memory,'
HMAT_LAT = HMAT_LB0 + 'data-type=access-latency,'
HMAT_BW = HMAT_LB0 + 'data-type=access-bandwidth,'
HMAT_LB_OK = HMAT_N2 + HMAT_LAT + 'latency=5 ' + HMAT_BW + 'bandwidth=1G '
HMAT_C0 = '-numa hmat-cache,node-id=0,size=1K,associativity=none,'\
          'policy=none,line=8,'
CMDLINE_CASES = {
    'cmdline-hmat': [
        # -machine hmat
        '-machine pc-i440fx-7.2,hmat=x -m 1G',
        '-machine none,hmat=on',
        # -numa node,initiator=
        '-machine pc-i440fx-7.2 -numa node,initiator=0',
        HMAT_ON + '-numa node,memdev=m0,cpus=0-3,initiator=1 '
        '-numa node,memdev=m1',
        HMAT_ON + '-numa node,memdev=m0,initiator=128 '
        '-numa node,nodeid=1,memdev=m1',
        HMAT_ON + '-numa node,memdev=m0,initiator=65536',
        HMAT_ON + '-numa node,memdev=m0,initiator=x',
        HMAT_ON + '-numa node,memdev=m0,cpus=0-3 '
        '-numa node,memdev=m1,initiator=2',
        HMAT_ON + '-numa node,memdev=m0,cpus=0-3 -numa node,memdev=m1 '
        '-numa node,initiator=1',
        HMAT_ON + '-numa node,memdev=m0,initiator=1 -numa node,memdev=m1',
        HMAT_ON + '-numa node,memdev=m0,cpus=0-1,initiator=0 '
        '-numa node,memdev=m1,cpus=2-3,initiator=0',
        # -numa hmat-lb: nodes
        '-machine pc-i440fx-7.2 -numa node ' + HMAT_LAT + 'latency=5',
        HMAT_ON + HMAT_LAT + 'latency=5',
        HMAT_N2 + '-numa hmat-lb,initiator=3,target=0,hierarchy=memory,'
        'data-type=access-latency,latency=5',
        HMAT_N2 + '-numa hmat-lb,initiator=2,target=0,hierarchy=memory,'
        'data-type=access-latency,latency=5',
        HMAT_N2 + '-numa hmat-lb,initiator=0,target=3,hierarchy=memory,'
        'data-type=access-latency,latency=5',
        HMAT_N2 + '-numa hmat-lb,initiator=0,target=2,hierarchy=memory,'
        'data-type=access-latency,latency=5',
        HMAT_ON + '-numa node,memdev=m0,cpus=0-3 -numa node,memdev=m1 '
        '-numa hmat-lb,initiator=1,target=0,hierarchy=memory,'
        'data-type=access-latency,latency=5',
        # -numa hmat-lb: values
        HMAT_N2 + HMAT_LAT.rstrip(','),
        HMAT_N2 + HMAT_LAT + 'latency=5,bandwidth=1M',
        HMAT_N2 + HMAT_BW.rstrip(','),
        HMAT_N2 + HMAT_BW + 'bandwidth=1M,latency=5',
        HMAT_N2 + HMAT_BW + 'bandwidth=1000',
        HMAT_N2 + HMAT_BW + 'bandwidth=1.5M',
        HMAT_N2 + HMAT_LAT + 'latency=5 ' + HMAT_LAT + 'latency=6',
        HMAT_N2 + HMAT_BW + 'bandwidth=1M ' + HMAT_BW + 'bandwidth=2M',
        HMAT_N2 + HMAT_LAT + 'latency=0 ' + HMAT_LAT + 'latency=0',
        HMAT_N2 + HMAT_LAT + 'latency=1 -numa hmat-lb,initiator=0,target=1,'
        'hierarchy=memory,data-type=access-latency,latency=65535',
        HMAT_N2 + HMAT_LAT + 'latency=10 -numa hmat-lb,initiator=0,target=1,'
        'hierarchy=memory,data-type=access-latency,latency=655350',
        HMAT_N2 + HMAT_LAT + 'latency=10 -numa hmat-lb,initiator=0,target=1,'
        'hierarchy=memory,data-type=access-latency,latency=655340',
        HMAT_N2 + HMAT_BW + 'bandwidth=1M -numa hmat-lb,initiator=0,'
        'target=1,hierarchy=memory,data-type=access-bandwidth,'
        'bandwidth=131072M',
        HMAT_N2 + HMAT_BW + 'bandwidth=65535M',
        HMAT_N2 + HMAT_BW + 'bandwidth=65534M -numa hmat-lb,initiator=1,'
        'target=1,hierarchy=memory,data-type=access-bandwidth,'
        'bandwidth=1M',
        # -numa hmat-lb: what the visitor refuses
        HMAT_N2 + HMAT_LB0 + 'data-type=foo,latency=5',
        HMAT_N2 + '-numa hmat-lb,initiator=0,target=0,hierarchy=fourth,'
        'data-type=access-latency,latency=5',
        HMAT_N2 + '-numa hmat-lb,initiator=0,hierarchy=memory,'
        'data-type=access-latency,latency=5',
        HMAT_N2 + '-numa hmat-lb,target=0,hierarchy=memory,'
        'data-type=access-latency,latency=5',
        HMAT_N2 + '-numa hmat-lb,initiator=0,target=0,'
        'data-type=access-latency,latency=5',
        HMAT_N2 + HMAT_LB0 + 'latency=5',
        HMAT_N2 + HMAT_LAT + 'latency=x',
        HMAT_N2 + HMAT_LAT + 'latency=-1',
        HMAT_N2 + HMAT_BW + 'bandwidth=1Q',
        HMAT_N2 + HMAT_LAT + 'latency=5,foo=1',
        HMAT_N2 + '-numa hmat-lb,initiator=65536,target=0,hierarchy=memory,'
        'data-type=access-latency,latency=5',
        # -numa hmat-cache
        '-machine pc-i440fx-7.2 -numa node ' + HMAT_C0 + 'level=1',
        HMAT_LB_OK + HMAT_C0.replace('node-id=0', 'node-id=2') + 'level=1',
        HMAT_N2 + HMAT_C0 + 'level=1',
        HMAT_N2 + HMAT_LAT + 'latency=5 ' + HMAT_C0 + 'level=1',
        HMAT_N2 + HMAT_LAT + 'latency=0 ' + HMAT_BW + 'bandwidth=1G ' +
        HMAT_C0 + 'level=1',
        HMAT_LB_OK + HMAT_C0 + 'level=0',
        HMAT_LB_OK + HMAT_C0 + 'level=4',
        HMAT_LB_OK + HMAT_C0 + 'level=256',
        HMAT_LB_OK + HMAT_C0 + 'level=1 ' + HMAT_C0 + 'level=1',
        HMAT_LB_OK + HMAT_C0 + 'level=2',
        HMAT_LB_OK + HMAT_C0 + 'level=1 ' + HMAT_C0 + 'level=2',
        HMAT_LB_OK + HMAT_C0 + 'level=1 ' +
        HMAT_C0.replace('size=1K', 'size=512') + 'level=2',
        HMAT_LB_OK + HMAT_C0.replace('associativity=none',
                                     'associativity=full') + 'level=1',
        HMAT_LB_OK + HMAT_C0.replace('policy=none', 'policy=back') +
        'level=1',
        HMAT_LB_OK + HMAT_C0.replace('line=8,', '') + 'level=1',
        HMAT_LB_OK + HMAT_C0.replace('line=8', 'line=65536') + 'level=1',
        HMAT_LB_OK + HMAT_C0.replace('size=1K', 'size=1Q') + 'level=1',
        HMAT_LB_OK + HMAT_C0.replace('node-id=0', 'node-id=-1') + 'level=1',
        # Taken (refused at -device only)
        '-machine pc-i440fx-7.2,hmat=on -m 1G',
        HMAT_N2,
        HMAT_LB_OK + HMAT_C0 + 'level=1 ' +
        HMAT_C0.replace('size=1K', 'size=2K') + 'level=2 ' +
        HMAT_C0.replace('size=1K', 'size=3K') + 'level=3',
        HMAT_ON + '-numa node,memdev=m0,cpus=0-3,initiator=0 '
        '-numa node,memdev=m1,initiator=0 -numa node,initiator=0 '
        '-numa hmat-lb,initiator=0,target=2,hierarchy=memory,'
        'data-type=access-latency,latency=0',
    ],
}


# The command lines libvirt writes (tests/qtest/test-libvirt-argv.py): what
# QEMU 7.2 answers for the memory backends and devices they create.
CASES.update({
    'libvirt-' + name: {
        'args': libvirt_argv.for_qemu_7_2(name),
        'qmp': ['query-memdev', 'query-memory-devices'],
    } for name in libvirt_argv.names()
})


# After the case's options, so that a command line QEMU takes fails too,
# once the machine is made.
CMDLINE_END = ['-device', 'nope']


def run_cmdline(qemu, args):
    """[ARGS, STDERR, STATUS] of QEMU with @args and CMDLINE_END (TCG,
    stopped: Debian's QEMU has no qtest accelerator without -qtest)."""
    try:
        proc = subprocess.run([qemu] + QEMU_EXTRA_ARGS +
                              ['-accel', 'tcg', '-S', '-display',
                               'none', '-nodefaults'] + args.split() +
                              CMDLINE_END,
                              stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=30)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f'QEMU did not exit with {args!r}')
    return [args, proc.stderr, proc.returncode]


# fw_cfg items by key (hw/nvram/fw_cfg.h).
FW_CFG_KEYS = {
    'signature': 0x00, 'id': 0x01, 'uuid': 0x02, 'ram-size': 0x03,
    'nographic': 0x04, 'nb-cpus': 0x05, 'numa': 0x0d, 'boot-menu': 0x0e,
    'max-cpus': 0x0f, 'file-dir': 0x19,
    # x86's (hw/i386/fw_cfg.h): FW_CFG_ARCH_LOCAL + 0 and + 2.
    'acpi-tables': 0x8000, 'irq0-override': 0x8002,
}
FW_CFG_SIZES = {'signature': 4, 'id': 4, 'uuid': 16, 'ram-size': 8,
                'nographic': 2, 'nb-cpus': 2, 'boot-menu': 2, 'max-cpus': 2,
                'acpi-tables': 8, 'irq0-override': 4}


# --preconfig: NUMA described over QMP before machine initialization,
# then x-exit-preconfig, the queries, and vCPU hot-plug onto node 1.
# 'preconfig' cases start QEMU with --preconfig and run their script
# before anything else (no firmware set-up); -S keeps QEMU from running.
def numa_node(**args):
    return qmp_step('set-numa-node', **args)


def cpu_add(**props):
    return qmp_step('device_add', driver='qemu64-x86_64-cpu', **props)


PRECONFIG_ERRORS = [
    numa_node(type='node', nodeid='x'),
    numa_node(type='node', nodeid=70000),
    numa_node(type='node', cpus=[70000]),
    numa_node(type='node', cpus=['a']),
    numa_node(type='node', cpus=5),
    numa_node(type='node', mem='1'),
    numa_node(type='node', foo=1),
    numa_node(type='node', nodeid=0),
    numa_node(type='node', nodeid=2, memdev='nosuch'),
    numa_node(type='node', nodeid=2, cpus=[9]),
    numa_node(type='node', nodeid=2, mem=1 << 20),
    numa_node(type='node', nodeid=2, initiator=0),
    numa_node(type='dist', src=0),
    numa_node(type='dist', src=0, dst=5, val=20),
    numa_node(type='dist', src=0, dst=1, val=5),
    numa_node(type='dist', src=0, dst=0, val=20),
    numa_node(type='dist', src=300, dst=0, val=20),
    numa_node(type='cpu', socket_id=0),
    numa_node(type='cpu', **{'node-id': 'a'}),
    numa_node(type='cpu', **{'node-id': 7, 'socket-id': 0}),
    numa_node(type='cpu', **{'node-id': 1, 'socket-id': 0}),
    numa_node(type='cpu', **{'node-id': 0, 'socket-id': 9}),
    numa_node(type='cpu', **{'node-id': 0, 'die-id': 0}),
    numa_node(type='hmat-lb', initiator=0, target=0, hierarchy='foo',
              **{'data-type': 'access-latency'}),
    numa_node(type='hmat-lb', initiator=0, target=0, hierarchy='memory',
              **{'data-type': 'access-latency'}),
    numa_node(type='hmat-cache', size=1, level=1, associativity='none',
              policy='none', line=8, **{'node-id': 0}),
    numa_node(type='nodex'),
    numa_node(nodeid=0),
    numa_node(type=1),
]
# Commands QEMU refuses before machine initialization, and one it allows.
PRECONFIG_REFUSED = [qmp_step(c) for c in (
    'query-cpus-fast', 'query-memory-devices', 'query-pci', 'stop', 'cont',
    'query-acpi-ospm-status', 'query-memory-size-summary')] + [
    qmp_step('human-monitor-command', **{'command-line': 'info numa'}),
    qmp_step('device_add', driver='pc-dimm', memdev='m'),
    qmp_step('device_del', id='x'),
    qmp_step('query-status'),
]
PRECONFIG_QUERIES = [
    qmp_step('query-cpus-fast'), qmp_step('query-hotpluggable-cpus'),
    hmp_step('info numa'), hmp_step('info hotpluggable-cpus'),
]
CASES.update({
    'preconfig-numa': {
        'args': ['-machine', 'pc-i440fx-7.2', '-S', '--preconfig',
                 '-m', '1G', '-smp', '2,sockets=2,maxcpus=4',
                 '-object', 'memory-backend-ram,id=n0,size=512M',
                 '-object', 'memory-backend-ram,id=n1,size=512M'],
        'preconfig': True,
        'script': [qmp_step('query-hotpluggable-cpus')] + PRECONFIG_REFUSED
        + [
            numa_node(type='node', nodeid=0, memdev='n0'),
            numa_node(type='node', nodeid=1, memdev='n1'),
            numa_node(type='dist', src=0, dst=1, val=21),
            numa_node(type='cpu', **{'node-id': 1, 'socket-id': 1}),
            numa_node(type='cpu', **{'node-id': 0, 'socket-id': 0,
                                     'core-id': 0}),
            numa_node(type='node', nodeid=0),
        ] + PRECONFIG_ERRORS + [
            qmp_step('query-hotpluggable-cpus'),
            {'events': None},
            qmp_step('x-exit-preconfig'),
            {'events': None},
        ] + PRECONFIG_QUERIES + [
            qmp_step('x-exit-preconfig'),
            numa_node(type='node', nodeid=2),
            cpu_add(id='cpu2', **{'socket-id': 1, 'core-id': 0,
                                  'thread-id': 0}),
            cpu_add(**{'socket-id': 1, 'core-id': 0, 'thread-id': 0}),
            cpu_add(**{'socket-id': 5, 'core-id': 0, 'thread-id': 0}),
            cpu_add(**{'socket-id': 1, 'core-id': 1, 'thread-id': 0,
                       'node-id': 0}),
            cpu_add(**{'socket-id': 1, 'core-id': 1}),
            cpu_add(**{'socket-id': 1, 'thread-id': 0}),
            cpu_add(**{'socket-id': 1, 'core-id': 2, 'thread-id': 0}),
            cpu_add(**{'apic-id': 9}),
            qmp_step('device_add', driver='Skylake-Server-x86_64-cpu',
                     **{'socket-id': 1, 'core-id': 1, 'thread-id': 0}),
            cpu_add(id='cpu3', **{'socket-id': 1, 'core-id': 1,
                                  'thread-id': 0, 'node-id': 1}),
        ] + PRECONFIG_QUERIES,
    },
})


def lb(initiator, target, hierarchy, data_type, **value):
    return numa_node(type='hmat-lb', initiator=initiator, target=target,
                     hierarchy=hierarchy, **{'data-type': data_type}, **value)


def cache(node, size, level, line, **more):
    args = {'node-id': node, 'size': size, 'level': level, 'line': line,
            'associativity': 'direct', 'policy': 'write-back'}
    args.update(more)
    return numa_node(type='hmat-cache', **args)


# The HMAT's options over QMP, with hmat=on: accepted and refused alike.
CASES.update({
    'preconfig-hmat': {
        'args': ['-machine', 'pc-i440fx-7.2,hmat=on', '-S', '--preconfig',
                 '-m', '2G', '-smp', '2',
                 '-object', 'memory-backend-ram,id=n0,size=1G',
                 '-object', 'memory-backend-ram,id=n1,size=1G'],
        'preconfig': True,
        'script': [
            numa_node(type='node', nodeid=0, memdev='n0', cpus=[0, 1]),
            numa_node(type='node', nodeid=1, memdev='n1', initiator=0),
            lb(0, 0, 'memory', 'access-latency', latency=10),
            lb(0, 1, 'memory', 'access-latency', latency=20),
            lb(0, 1, 'memory', 'access-latency', latency=30),
            lb(1, 0, 'memory', 'access-latency', latency=10),
            lb(0, 2, 'memory', 'access-latency', latency=10),
            lb(0, 0, 'memory', 'access-bandwidth', latency=10),
            lb(0, 0, 'memory', 'access-bandwidth', bandwidth=1000),
            lb(0, 0, 'memory', 'access-bandwidth', bandwidth=1 << 30),
            lb(0, 1, 'memory', 'access-bandwidth', bandwidth=1 << 29),
            lb(0, 0, 'memory', 'read-latency'),
            lb(0, 0, 'sixth-level', 'read-latency', latency=1),
            cache(0, 10240, 2, 8),
            cache(0, 10240, 4, 8),
            cache(2, 10240, 1, 8),
            cache(0, 10240, 1, 8),
            cache(0, 10240, 1, 8),
            cache(0, 8192, 2, 8),
            cache(1, 20480, 1, 64, associativity='complex'),
            {'events': None},
            qmp_step('x-exit-preconfig'),
            numa_node(type='hmat-lb', initiator=0, target=0,
                      hierarchy='memory', **{'data-type': 'read-latency'},
                      latency=1),
        ] + PRECONFIG_QUERIES,
    },
})

# query-cpus-fast's thread-id is a host thread's: not compared.
NO_THREAD_ID = 0


# --qemu-arg: arguments every QEMU gets first (a QEMU built from source
# that is not installed finds its firmware with -L DIR).
QEMU_EXTRA_ARGS = []


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
        # libvirt's monitor, which nobody uses here: a listening socket.
        mon = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        mon.bind(os.path.join(self.dir, 'mon.sock'))
        mon.listen(1)
        args = libvirt_argv.expand(args, self.dir, mon.fileno())
        self.proc = subprocess.Popen(
            [qemu] + QEMU_EXTRA_ARGS + ['-S', '-display', 'none',
                                         '-nodefaults',
             '-qtest', 'unix:' + path, '-qtest-log', '/dev/null',
             '-qmp', 'unix:' + qmp_path] + args_with_accel(args),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            pass_fds=[mon.fileno()])
        mon.close()
        srv.settimeout(30)
        self.conn, _ = srv.accept()
        srv.close()
        self.file = self.conn.makefile('rw')
        qmp_srv.settimeout(30)
        self.qmp_conn, _ = qmp_srv.accept()
        qmp_srv.close()
        self.qmp_file = self.qmp_conn.makefile('rw')
        self.events = []
        self.irqs = []
        self.qmp_file.readline()
        self.qmp({'execute': 'qmp_capabilities'})

    def qmp_reply(self, command):
        """The whole reply; the events before it go to self.events."""
        self.qmp_file.write(json.dumps(command) + '\n')
        self.qmp_file.flush()
        while True:
            reply = json.loads(self.qmp_file.readline())
            if 'event' not in reply:
                return reply
            del reply['timestamp']
            self.events.append(reply)

    def qmp(self, command):
        reply = self.qmp_reply(command)
        if 'return' not in reply:
            raise RuntimeError(f'{command}: {reply}')
        return reply['return']

    def take_events(self):
        # A command's reply comes after every event sent before it.
        self.qmp({'execute': 'query-version'})
        events, self.events = self.events, []
        return events

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
            if reply.startswith('IRQ '):
                self.irqs.append(reply.strip())
            elif reply.startswith(('OK', 'FAIL', 'ERR')):
                break
        if not reply.startswith('OK'):
            raise RuntimeError(f'{line}: {reply.strip()}')
        words = reply.split()
        return int(words[1], 16) if len(words) > 1 else None

    def read(self, addr, size):
        self.file.write('read 0x%x 0x%x\n' % (addr, size))
        self.file.flush()
        reply = self.file.readline()
        if not reply.startswith('OK 0x'):
            raise RuntimeError(f'read 0x{addr:x}: {reply.strip()}')
        return bytes.fromhex(reply.split()[1][2:])

    def close(self):
        self.proc.kill()
        self.proc.wait()
        self.conn.close()
        self.qmp_conn.close()
        for name in os.listdir(self.dir):
            os.unlink(os.path.join(self.dir, name))
        os.rmdir(self.dir)


def run_script(q, script):
    """[[step, result]] for a case's script (see the module's doc)."""
    out = []
    for step in script:
        if isinstance(step, str):
            out.append([step, q.cmd(step)])
        elif 'events' in step:
            out.append([step, q.take_events()])
        elif 'irqs' in step:
            # qtest's reply comes after every IRQ line sent before it.
            q.cmd('inl 0xcf8')
            out.append([step, q.irqs])
            q.irqs = []
        else:
            reply = q.qmp_reply(step)
            out.append([step, {k: reply[k] for k in ('return', 'error')
                               if k in reply}])
    return out


def hide_thread_ids(script):
    """query-cpus-fast's thread-id names a host thread: it becomes 0."""
    for step, result in script:
        if (isinstance(step, dict) and
                step.get('execute') == 'query-cpus-fast' and
                'return' in result):
            for cpu in result['return']:
                cpu['thread-id'] = NO_THREAD_ID


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


def pci_config_write(q, bdf, off, size, value):
    q.cmd('outl 0xcf8 0x%x' % cfg_addr(bdf, off & ~3))
    port = 0xcfc + (off & 3)
    q.cmd('%s 0x%x 0x%x' % ({1: 'outb', 4: 'outl'}[size], port, value))


def firmware_setup(q, q35):
    """What a firmware (SeaBIOS) does before it loads the ACPI tables:
    it puts the ACPI PM registers at 0x600 (PIIX4 PM 00:01.3 or ICH9 LPC
    00:1f.0) and on q35 maps MMCONFIG at 0xb0000000 (256 buses).  QEMU
    builds the tables again when the guest first reads them, from these
    registers: its FADT then names the PM blocks, and q35 has an MCFG."""
    if q35:
        pci_config_write(q, '00:00.0', 0x64, 4, 0)
        pci_config_write(q, '00:00.0', 0x60, 4, 0xb0000001)
        pci_config_write(q, '00:1f.0', 0x40, 4, 0x601)     # PMBASE
        pci_config_write(q, '00:1f.0', 0x44, 1, 0x80)      # ACPI_EN
    else:
        pci_config_write(q, '00:01.3', 0x40, 4, 0x601)     # PMBA
        pci_config_write(q, '00:01.3', 0x80, 1, 0x01)      # PMIOSE


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


def fw_cfg_dir(q):
    """The file directory in its order: [name, size] per file."""
    count = int.from_bytes(fw_cfg_read(q, FW_CFG_KEYS['file-dir'], 4), 'big')
    raw = fw_cfg_read(q, FW_CFG_KEYS['file-dir'], 4 + 64 * count)[4:]
    return [[raw[64 * i + 8:64 * (i + 1)].split(b'\0')[0].decode(),
             int.from_bytes(raw[64 * i:64 * i + 4], 'big')]
            for i in range(count)]


# Where fw_cfg_dma_read() puts its descriptor and the data: low RAM that
# nothing uses while the machine is stopped.
DMA_DESC = 0x1000
DMA_BUF = 0x10000


def fw_cfg_dma_read(q, key, size):
    """An item read as a guest driver reads it: one SELECT|READ through
    the DMA interface (0x514, big-endian descriptor address)."""
    desc = ((key << 16 | 0x08 | 0x02).to_bytes(4, 'big') +
            size.to_bytes(4, 'big') + DMA_BUF.to_bytes(8, 'big'))
    q.cmd('write 0x%x 16 0x%s' % (DMA_DESC, desc.hex()))
    q.cmd('outl 0x514 0')
    q.cmd('outl 0x518 0x%x' % int.from_bytes(DMA_DESC.to_bytes(4, 'big'),
                                             'little'))
    control = q.read(DMA_DESC, 4)
    if control != bytes(4):
        raise RuntimeError(f'fw_cfg DMA failed: control {control.hex()}')
    return q.read(DMA_BUF, size)


# BIOSLinkerLoader commands (hw/acpi/bios-linker-loader.c), 128 bytes each.
LOADER_ALLOCATE, LOADER_ADD_POINTER, LOADER_ADD_CHECKSUM = 1, 2, 3
TABLES = 'etc/acpi/tables'


def acpi_tables_index(blob):
    """[(signature, offset, length)] of the tables laid end to end in
    etc/acpi/tables (FACS first), up to the zero padding."""
    out, off = [], 0
    while off + 8 <= len(blob) and blob[off:off + 4] != bytes(4):
        length = int.from_bytes(blob[off + 4:off + 8], 'little')
        out.append((blob[off:off + 4].decode(), off, length))
        off += length
    return out


def loader_where(index, file, off):
    """An offset in a loader file as TABLE+N (entries of the RSDT as
    RSDT+entry, so that a table left out does not shift the rest)."""
    if file != TABLES:
        return f'{file}+{off}'
    for sig, start, length in index:
        if start <= off < start + length:
            if sig in ('RSDT', 'XSDT') and off - start >= 36:
                return f'{sig}+entry'
            return f'{sig}+{off - start}'
    return f'{file}+{off}'


def loader_commands(loader, files):
    """The table-loader script, one line per command, its offsets as
    TABLE+N: what qmem's loader must say, whatever its tables' sizes."""
    index = acpi_tables_index(files[TABLES])
    out = []
    for i in range(0, len(loader), 128):
        e = loader[i:i + 128]
        cmd = int.from_bytes(e[0:4], 'little')
        name = lambda o: e[o:o + 56].split(b'\0')[0].decode()
        u32 = lambda o: int.from_bytes(e[o:o + 4], 'little')
        if cmd == 0:
            continue
        if cmd == LOADER_ALLOCATE:
            zone = {1: 'HIGH', 2: 'FSEG'}.get(e[64], str(e[64]))
            out.append(f'ALLOCATE {name(4)} align={u32(60)} zone={zone}')
        elif cmd == LOADER_ADD_POINTER:
            dst, src, off, size = name(4), name(60), u32(116), e[120]
            target = int.from_bytes(files[dst][off:off + size], 'little')
            out.append(f'ADD_POINTER {loader_where(index, dst, off)} '
                       f'size={size} -> {loader_where(index, src, target)}')
        elif cmd == LOADER_ADD_CHECKSUM:
            file, off, start, length = name(4), u32(60), u32(64), u32(68)
            whole = [sig for sig, s, n in index if file == TABLES and
                     s == start and n == length]
            span = (whole[0] if whole else
                    f'{loader_where(index, file, start)} len={length}')
            out.append(f'ADD_CHECKSUM {loader_where(index, file, off)} '
                       f'over {span}')
        else:
            out.append(f'COMMAND {cmd}')
    return out


def read_acpi(q):
    """The ACPI files a firmware loads: each table as QEMU wrote it (pointer
    fields hold offsets, checksums 0, the loader fills them in), the
    table order, the loader script, and the RSDP."""
    files = {n: s for n, s in fw_cfg_dir(q)}
    sel = fw_cfg_files(q)
    blobs = {n: fw_cfg_dma_read(q, sel[n][0], files[n])
             for n in ('etc/table-loader', TABLES, 'etc/acpi/rsdp')}
    index = acpi_tables_index(blobs[TABLES])
    return {
        'order': [sig for sig, _, _ in index],
        'tables': {sig: blobs[TABLES][s:s + n].hex() for sig, s, n in index},
        'loader': loader_commands(blobs['etc/table-loader'], blobs),
        'rsdp': blobs['etc/acpi/rsdp'].hex(),
    }


# Port accesses that show how the I/O interface decodes sizes and
# offsets (after selecting the signature): [command, value read or None].
IO_PROBES = [
    'outw 0x510 0x0', 'inb 0x511', 'inb 0x510', 'inw 0x510', 'inl 0x510',
    'inw 0x511', 'inb 0x511', 'inb 0x511', 'inb 0x511', 'inb 0x511',
    'outb 0x510 0x1', 'inb 0x511', 'outw 0x511 0x1', 'inb 0x511',
    'outl 0x510 0x1', 'inb 0x511', 'outw 0x510 0x1', 'inb 0x511',
    'outw 0x510 0xffff', 'inb 0x511', 'outw 0x510 0x4000', 'inb 0x511',
    'outw 0x510 0x8002', 'inb 0x511', 'outw 0x510 0x0',
    'inb 0x512', 'inw 0x512', 'inl 0x50c',
    'inb 0x514', 'inb 0x515', 'inb 0x516', 'inb 0x517',
    'inb 0x518', 'inb 0x519', 'inb 0x51a', 'inb 0x51b',
    'inw 0x514', 'inw 0x516', 'inl 0x514', 'inl 0x518', 'inl 0x516',
    'inb 0x51c',
]


def read_io(q):
    return [[c, q.cmd(c)] for c in IO_PROBES]


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
        if case.get('fw_cfg_dir'):
            out['fw_cfg_dir'] = fw_cfg_dir(q)
        if case.get('acpi'):
            firmware_setup(q, 'q35' in case['args'][1])
            out['acpi'] = read_acpi(q)
        if case.get('io'):
            out['io'] = read_io(q)
        if 'script' in case:
            if not case.get('acpi') and not case.get('preconfig'):
                firmware_setup(q, 'q35' in case['args'][1])
            q.events = []
            out['script'] = run_script(q, case['script'])
            if case.get('preconfig'):
                hide_thread_ids(out['script'])
        return out
    finally:
        q.close()


def capture(qemu):
    version = subprocess.run([qemu, '--version'], capture_output=True,
                             text=True, check=True).stdout.splitlines()[0]
    cases = {name: capture_case(qemu, c) for name, c in CASES.items()}
    for name, lines in CMDLINE_CASES.items():
        cases[name] = {'cmdline': [run_cmdline(qemu, a) for a in lines]}
    return {'qemu': version, 'cases': cases}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--qemu', default='qemu-system-x86_64')
    ap.add_argument('-o', '--output')
    ap.add_argument('--qemu-arg', metavar='ARG', action='append',
                    default=[], help='an argument for QEMU before the '
                    'others (repeatable): -L DIR for a QEMU built from '
                    'source')
    ap.add_argument('--only', metavar='CASE', action='append',
                    help='capture only CASE (repeatable) and merge it into '
                    'the -o FILE that exists')
    ap.add_argument('--compare', metavar='FILE',
                    help='capture again and compare with FILE')
    opts = ap.parse_args()
    QEMU_EXTRA_ARGS.extend(opts.qemu_arg)
    if opts.only:
        for cases in (CASES, CMDLINE_CASES):
            for name in list(cases):
                if name not in opts.only:
                    del cases[name]
    result = capture(opts.qemu)
    if opts.only and opts.output and os.path.exists(opts.output):
        with open(opts.output) as f:
            saved = json.load(f)
        saved['cases'].update(result['cases'])
        result['cases'] = saved['cases']
    if opts.compare:
        with open(opts.compare) as f:
            saved = json.load(f)
        if opts.only:
            saved['cases'] = {name: saved['cases'].get(name)
                              for name in result['cases']}
        if saved['cases'] != result['cases']:
            for name in result['cases']:
                if saved['cases'].get(name) != result['cases'][name]:
                    print(f'{name}: differs from {opts.compare}')
            return 1
        print(f'{len(result["cases"])} cases equal {opts.compare}')
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
