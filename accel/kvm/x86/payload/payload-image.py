#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks the linked guest payload and makes its flat image.

Usage: payload-image.py OBJDUMP OBJCOPY GUEST_ABI_H PAYLOAD.elf OUT.bin

The payload runs where KVM's instruction emulator may have to decode what
it executes (every ring-0 instruction here, every MMIO and string I/O
access), with CR4.OSFXSR clear (SSE faults) and without an IDT (any
exception is a triple fault).  So the build refuses an image that
contains:

- SSE/AVX/MMX registers (%xmm, %ymm, %zmm, %mm), x87 state saves (fxsave,
  xsave and their restores), cmpxchg16b, int3 and CET's endbr;
- sections other than .text, .rodata and .data (a GOT or PLT would need
  relocating; .bss must be inside .data so that the image restores it);
- entry points elsewhere than guest-abi.h says (park, _start);
- more than QMEM_KVM_X86_CODE_MAX bytes.

Then it writes the flat binary (objcopy -O binary).
"""

import re
import subprocess
import sys

FORBIDDEN = [
    (re.compile(r'%[xyz]mm\d+'), 'SSE/AVX register'),
    (re.compile(r'%mm\d\b'), 'MMX register'),
    (re.compile(r'\b(f?xsave\w*|f?xrstor\w*)\b'), 'FPU/extended state save'),
    (re.compile(r'\bcmpxchg16b\b'), 'cmpxchg16b'),
    (re.compile(r'\bint3\b'), 'int3'),
    (re.compile(r'\bendbr(32|64)\b'), 'endbr'),
]

ALLOWED_SECTIONS = {'.text', '.rodata', '.data'}


def fail(msg):
    sys.exit('payload-image.py: %s' % msg)


def abi_constants(path):
    consts = {}
    with open(path) as f:
        for m in re.finditer(r'^#define\s+(QMEM_KVM_X86_\w+)\s+(0x[0-9a-fA-F]+|\d+)',
                             f.read(), re.M):
            consts[m.group(1)] = int(m.group(2), 0)
    return consts


def run(*cmd):
    return subprocess.run(cmd, check=True, capture_output=True,
                          text=True).stdout


def check_instructions(objdump, elf):
    for line in run(objdump, '-d', '--no-show-raw-insn', elf).splitlines():
        insn = line.split('\t', 1)[-1] if '\t' in line else ''
        for pattern, what in FORBIDDEN:
            if pattern.search(insn):
                fail('%s: %s in "%s"' % (elf, what, line.strip()))


def check_sections(objdump, elf, consts):
    """Returns the image's size, from its first to its last byte."""
    base = consts['QMEM_KVM_X86_PRIV_VA'] + consts['QMEM_KVM_X86_CODE']
    end = base
    for line in run(objdump, '-h', elf).splitlines():
        m = re.match(r'\s*\d+\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)', line)
        if not m:
            continue
        name, size, vma = m.group(1), int(m.group(2), 16), int(m.group(3), 16)
        if name not in ALLOWED_SECTIONS:
            fail('%s: unexpected section %s' % (elf, name))
        if size and vma < base:
            fail('%s: section %s below the image' % (elf, name))
        end = max(end, vma + size)
    size = end - base
    if size > consts['QMEM_KVM_X86_CODE_MAX']:
        fail('%s: %d bytes, more than QMEM_KVM_X86_CODE_MAX' % (elf, size))
    return size


def check_entries(objdump, elf, consts):
    base = consts['QMEM_KVM_X86_PRIV_VA'] + consts['QMEM_KVM_X86_CODE']
    symbols = {}
    for line in run(objdump, '-t', elf).splitlines():
        fields = line.split()
        if len(fields) >= 2 and re.fullmatch(r'[0-9a-f]{16}', fields[0]):
            symbols[fields[-1]] = int(fields[0], 16)
    for name, key in (('park', 'QMEM_KVM_X86_ENTRY_PARK'),
                      ('_start', 'QMEM_KVM_X86_ENTRY_MAIN'),
                      ('_start_worker', 'QMEM_KVM_X86_ENTRY_WORKER')):
        if symbols.get(name) != base + consts[key]:
            fail('%s: %s is not at %s' % (elf, name, key))


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__.strip().splitlines()[2])
    objdump, objcopy, abi, elf, out = sys.argv[1:]
    consts = abi_constants(abi)
    check_instructions(objdump, elf)
    check_sections(objdump, elf, consts)
    check_entries(objdump, elf, consts)
    run(objcopy, '-O', 'binary', elf, out)


if __name__ == '__main__':
    main()
