#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The summary that ends `make check`.

Counts test cases, not test programs: the TAP lines of every program in
meson's testlog.json (or of a plain TAP log).  A program that failed
without a "not ok" line (an assertion's "Bail out!", a crash, a leak
report at exit) adds one failure; so does a stage that did not build or
run.  The per-stage lines are worded so that only the last line reads
"N passed, N failed".

Usage: scripts/check-summary.py "NAME:LOG"... -- STAGE:EXITCODE...
NAME's first word is the stage; LOG is meson's testlog.json or a TAP log.
Exits 1 when anything failed.
"""

import json
import os
import re
import sys

TAP = re.compile(r'^(not )?ok\b(.*)')
DIRECTIVE = re.compile(r'#\s*(SKIP|TODO)\b', re.I)
GOOD = ('OK', 'SKIP', 'EXPECTEDFAIL')


def tap_counts(text, label, failures):
    passed = failed = skipped = 0
    bail = None
    for line in text.splitlines():
        if line.startswith('Bail out!'):
            bail = line.strip()
            continue
        m = TAP.match(line)
        if not m:
            continue
        if DIRECTIVE.search(m.group(2)):
            skipped += 1
        elif m.group(1):
            failed += 1
            failures.append(label + ': ' + line.strip())
        else:
            passed += 1
    return passed, failed, skipped, bail


def count(path, stage, failures):
    if path.endswith('.json'):
        entries = [json.loads(l) for l in open(path) if l.strip()]
    else:
        entries = [{'name': os.path.basename(path), 'result': None,
                    'stdout': open(path, errors='replace').read()}]
    total = [0, 0, 0]
    for e in entries:
        label = stage + ': ' + e['name']
        p, f, s, bail = tap_counts(e.get('stdout') or '', label, failures)
        res = e['result']
        if res is None:
            broken = bail is not None
            why = bail
        elif p + f + s == 0 and res in GOOD:
            if res == 'SKIP':
                s = 1
            else:
                p = 1
            broken = False
        else:
            broken = res not in GOOD
            why = '%s (exit status %s)' % (res, e.get('returncode'))
            if bail:
                why += ': ' + bail
        if broken and f == 0:
            f = 1
            failures.append(label + ': ' + why)
        total = [total[0] + p, total[1] + f, total[2] + s]
    return total


args = sys.argv[1:]
sep = args.index('--')
stages = [a.split(':', 1) for a in args[:sep]]
rcs = dict(r.split(':') for r in args[sep + 1:])

failures = []
grand = [0, 0, 0]
lines = []
for name, path in stages:
    key = name.split()[0]
    if key not in rcs:
        continue
    rc = int(rcs[key])
    have_log = os.path.exists(path)
    p, f, s = count(path, key, failures) if have_log else (0, 0, 0)
    if rc != 0 and f == 0:
        f = 1
        failures.append('%s: make check-%s exited %d%s'
                        % (key, key, rc,
                           '' if have_log else ' before running any test'))
    grand = [grand[0] + p, grand[1] + f, grand[2] + s]
    lines.append('  %-30s passed %5d   failed %4d   skipped %4d'
                 % (name, p, f, s))

print()
print('==== qmem check summary')
for l in lines:
    print(l)
if failures:
    print('  failures:')
    for l in failures:
        print('    ' + l)
print('%d passed, %d failed, %d skipped' % tuple(grand))
sys.exit(1 if grand[1] else 0)
