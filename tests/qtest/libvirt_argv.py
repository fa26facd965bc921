# SPDX-License-Identifier: GPL-2.0-or-later
"""The libvirt command lines of tests/qtest/libvirt-argv/*.args.

Each file holds one command line as libvirt writes it in its own tests
(tests/qemuxmlconfdata/*.args: one option a line, shell quoting, a
backslash at each line's end), after the edits its comments list.  Lines
starting with '#' are comments; '#@ KEY: VALUE' lines are read:

- source, commit: the libvirt file and commit the command line comes from;
- qemu-7.2: 'OLD => NEW', a text replaced in the command line for QEMU
  7.2 (NEW may be empty), where 7.2 lacks a feature or refuses what qmem
  takes (may repeat).

Two placeholders stand for what each run supplies: @tmpdir@, a temporary
directory for file backends, and @mon-fd@, the listening socket of the
QMP monitor, passed to the process as libvirt passes it.
"""

import os
import shlex

DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                   'libvirt-argv')


def names():
    """The cases, by file name without .args, sorted."""
    return sorted(f[:-len('.args')] for f in os.listdir(DIR)
                  if f.endswith('.args'))


def load(name):
    """(meta, args): the '#@' keys of case @name, each a list of values,
    and its command line with the placeholders in."""
    meta = {}
    body = []
    with open(os.path.join(DIR, name + '.args')) as f:
        for line in f:
            if line.startswith('#@ '):
                key, _, value = line[3:].partition(':')
                meta.setdefault(key.strip(), []).append(value.strip())
            elif not line.startswith('#'):
                body.append(line)
    # A backslash at a line's end continues the line, as in a shell.
    return meta, shlex.split(''.join(body).replace('\\\n', ''))


def for_qemu_7_2(name):
    """Case @name's command line for QEMU 7.2: its qemu-7.2 replacements
    made, and without -accel (capture.py picks TCG)."""
    meta, args = load(name)
    out = []
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg == '-accel':
            skip = True
            continue
        for edit in meta.get('qemu-7.2', []):
            old, new = edit.split('=>')
            arg = arg.replace(old.strip(), new.strip())
        out.append(arg)
    return out


def expand(args, tmpdir, mon_fd):
    """@args with the placeholders filled in."""
    return [a.replace('@tmpdir@', tmpdir).replace('@mon-fd@', str(mon_fd))
            for a in args]
