#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs a qmem build into a staging directory, then builds and runs the
# out-of-tree module test against the installed files alone.
#
# Usage: tests/out-of-tree/run.sh [BUILDDIR]     (default: build)
# Prints the test's TAP on stdout; exits non-zero on any failure.

set -euo pipefail

srcdir=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-build}" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/qmem-oot.XXXXXX")
trap 'rm -rf "$work"' EXIT
stage=$work/stage

fail() {
    echo "out-of-tree: $*" >&2
    exit 1
}

meson introspect --buildoptions "$build" >"$work/options.json"
option() {
    python3 -c '
import json, sys
opts = json.load(open(sys.argv[1]))
print(next(o["value"] for o in opts if o["name"] == sys.argv[2]))
' "$work/options.json" "$1"
}
prefix=$(option prefix)
libdir=$(option libdir)
modules=$(option modules)
case "$libdir" in
/*) ;;
*) libdir=$prefix/$libdir ;;
esac

if ! meson install -C "$build" --no-rebuild --destdir "$stage" \
        >"$work/install.log" 2>&1; then
    cat "$work/install.log" >&2
    fail "meson install --destdir failed"
fi

pc=$stage$libdir/pkgconfig/qmem-core.pc
[ -f "$pc" ] || fail "qmem-core.pc not installed at $pc"

# The .pc names the final prefix, not the staging directory.  pkgconf
# applies --define-variable and PKG_CONFIG_SYSROOT_DIR to every package,
# glib's too, so relocate a copy of this one .pc instead.
mkdir "$work/pkgconfig"
sed "s|^\([A-Za-z_][A-Za-z0-9_]*\)=$prefix|\1=$stage$prefix|" "$pc" \
    >"$work/pkgconfig/qmem-core.pc"
export PKG_CONFIG_PATH=$work/pkgconfig

installed_moduledir=$(PKG_CONFIG_PATH=${pc%/*} pkg-config \
                      --variable=moduledir qmem-core)
includedir=$(pkg-config --variable=includedir qmem-core)
for f in "$includedir/qmem/qom/module.h" \
         "$includedir/qmem/qom/object.h" \
         "$includedir/qmem/qmem-config.h"; do
    case "$f" in
    "$stage"/*) [ -f "$f" ] || fail "$f not installed" ;;
    *) fail "relocated qmem-core.pc still points outside $stage: $f" ;;
    esac
done

mkdir "$work/obj"
make -s -C "$work/obj" -f "$srcdir/Makefile" SRCDIR="$srcdir" all

export OOT_INSTALLED_MODULEDIR=$installed_moduledir
if [ "$modules" = True ] || [ "$modules" = true ]; then
    export OOT_STAGED_MODULEDIR=$stage$installed_moduledir
fi
# Only what the installed files say may count, never this source tree.
unset QMEM_MODULE_DIR
"$work/obj/test-oot" --tap
