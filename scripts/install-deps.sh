#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs the Debian packages qmem needs to build and test; fast no-op when
# they are all present.
#
# Usage: scripts/install-deps.sh [--check]
#   --check   only report missing packages (exit 1 if any), install nothing

set -eu

PACKAGES="
build-essential
meson
ninja-build
pkg-config
libglib2.0-dev
libjson-glib-dev
libnuma-dev
libpixman-1-dev
libpng-dev
libseccomp-dev
clang
libclang-rt-14-dev
qemu-system-x86
acpica-tools
numactl
"

check_only=false
case "${1:-}" in
--check) check_only=true ;;
"") ;;
-h|--help)
    sed -n '3,7s/^# \{0,1\}//p' "$0"
    exit 0
    ;;
*)
    echo "install-deps.sh: unknown option '$1'" >&2
    exit 2
    ;;
esac

# One dpkg-query for all packages; a package dpkg has never heard of prints
# nothing on stdout (and a complaint on stderr that we do not need).
# shellcheck disable=SC2086 # one word per package
installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' $PACKAGES \
                2>/dev/null | awk '$2 == "installed" { print $1 }') || true

missing=
for pkg in $PACKAGES; do
    if ! printf '%s\n' "$installed" | grep -qx -- "$pkg"; then
        missing="$missing $pkg"
    fi
done

if [ -z "$missing" ]; then
    exit 0
fi

if $check_only; then
    echo "missing packages:$missing" >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=
elif command -v sudo >/dev/null 2>&1; then
    as_root=sudo
else
    echo "install-deps.sh: missing packages:$missing" >&2
    echo "install-deps.sh: not root and sudo not found; install them as root" >&2
    exit 1
fi

echo "install-deps.sh: installing$missing"

log=$(mktemp "${TMPDIR:-/tmp}/qmem-deps.XXXXXX")
trap 'rm -f "$log"' EXIT

# apt and dpkg are chatty even with -qq; keep their output and show it only
# when something went wrong.
run_apt() {
    if ! $as_root env DEBIAN_FRONTEND=noninteractive "$@" >"$log" 2>&1; then
        cat "$log" >&2
        echo "install-deps.sh: failed: $*" >&2
        exit 1
    fi
}

run_apt apt-get -qq update
# shellcheck disable=SC2086 # one word per package
run_apt apt-get -qq -y --no-install-recommends -o Dpkg::Use-Pty=0 \
    install $missing

echo "install-deps.sh: done"
