# SPDX-License-Identifier: GPL-2.0-or-later
"""What qmem's Python tests share: their failures, checks and TAP output."""

import sys


class Failure(Exception):
    pass


class Skip(Exception):
    """Raised by a test that cannot run here, with the reason."""


def check(cond, what):
    if not cond:
        raise Failure(what)


def check_eq(got, want, what):
    if got != want:
        raise Failure("%s: got %r, want %r" % (what, got, want))


def run(prefix, tests, cleanup=None):
    """Runs the (name, function) pairs of @tests as TAP tests called
    PREFIX/NAME, with cleanup() after each; returns the exit status."""
    print("1..%d" % len(tests))
    failed = 0
    for i, (name, fn) in enumerate(tests, 1):
        try:
            fn()
            print("ok %d %s/%s" % (i, prefix, name))
        except Skip as e:
            print("ok %d %s/%s # SKIP %s" % (i, prefix, name, e))
        except Failure as e:
            failed += 1
            print("not ok %d %s/%s" % (i, prefix, name))
            for line in str(e).splitlines():
                print("# %s" % line)
        finally:
            if cleanup:
                cleanup()
        sys.stdout.flush()
    return 1 if failed else 0


def skip_all(prefix, tests, reason):
    """Reports every test of @tests skipped for @reason; exit status 0."""
    print("1..%d" % len(tests))
    for i, (name, _) in enumerate(tests, 1):
        print("ok %d %s/%s # SKIP %s" % (i, prefix, name, reason))
    return 0
