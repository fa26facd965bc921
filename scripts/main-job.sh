#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The main job behind "make run": qmem-run's memory backends, driven over QMP.
#
# QMEM_BUILD names the build directory (default: build).  Prints each QMP
# command and what its reply says; exits non-zero if qmem-run or any
# command fails.

set -eu

cd "$(dirname "$0")/.."
build=$(cd "${QMEM_BUILD:-build}" && pwd)
# This build's modules, never installed ones.
QMEM_MODULE_DIR=$build
export QMEM_MODULE_DIR

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkfifo "$tmp/to-qmem" "$tmp/from-qmem"

set -- "$build/hw/kvm/qmem-run" -S -qmp stdio \
    -object memory-backend-memfd,id=mem0,size=1G,prealloc=on \
    -object memory-backend-ram,id=mem1,size=512M,host-nodes=0,policy=bind
echo "\$ $*"
"$@" <"$tmp/to-qmem" >"$tmp/from-qmem" &
runner_pid=$!
exec 3>"$tmp/to-qmem" 4<"$tmp/from-qmem"

fail() {
    echo "main-job: $*" >&2
    kill "$runner_pid" 2>/dev/null || true
    exit 1
}

# After EOF from qmem-run: says how it ended.
gone() {
    status=0
    wait "$runner_pid" || status=$?
    fail "qmem-run exited with status $status"
}

# The value of "key" in a one-line JSON object (strings lose their quotes).
field() {
    printf '%s\n' "$2" |
        sed -n 's/.*"'"$1"'": \("[^"]*"\|\[[^]]*\]\|[^,}]*\).*/\1/p' |
        tr -d '"'
}

# Next line from qmem-run that is not an event; events are shown as they come.
cr=$(printf '\r')
receive() {
    while :; do
        IFS= read -r reply <&4 || gone
        reply=${reply%"$cr"}
        case $reply in
        *'"event": '*) echo "   event $(field event "$reply")" ;;
        *) return ;;
        esac
    done
}

# qmp COMMAND-JSON: sends it on one line, prints it, leaves the reply in
# $reply.
qmp() {
    cmd=$(printf '%s' "$1" | tr -s '\n ' '  ')
    echo
    echo "-> $cmd"
    printf '%s\n' "$cmd" >&3
    receive
    case $reply in
    '{"error": '*) fail "$(field desc "$reply")" ;;
    esac
}

receive
echo "QMP greeting from $(field package "$reply")"

qmp '{"execute": "qmp_capabilities"}'
echo "   command mode"

qmp '{"execute": "object-add", "arguments": {"qom-type": "memory-backend-file",
      "id": "mem2", "size": 268435456, "mem-path": "/dev/shm"}}'
echo "   created mem2: 256 MiB in an unlinked temporary file in /dev/shm"

qmp '{"execute": "query-memdev"}'
printf '%s\n' "$reply" | sed 's/}, {/}\n{/g' | while IFS= read -r memdev; do
    size=$(field size "$memdev")
    [ -n "$size" ] || continue
    printf '   %-6s %5d MiB  prealloc=%-5s share=%-5s policy=%-7s nodes=%s\n' \
        "$(field id "$memdev")" "$((size >> 20))" \
        "$(field prealloc "$memdev")" "$(field share "$memdev")" \
        "$(field policy "$memdev")" "$(field host-nodes "$memdev")"
done

qmp '{"execute": "human-monitor-command",
      "arguments": {"command-line": "info memdev"}}'
text=${reply#'{"return": "'}
printf '%s\n' "${text%'"}'}" | sed 's/\\r\\n/\n/g' | sed '/^$/d; s/^/   | /'

qmp '{"execute": "qom-set", "arguments": {"path": "/objects/mem2",
      "property": "prealloc", "value": true}}'
echo "   mem2's 256 MiB faulted in now, as prealloc=on does at creation"
qmp '{"execute": "qom-get", "arguments": {"path": "/objects/mem2",
      "property": "prealloc"}}'
echo "   mem2 reads back prealloc=$(field return "$reply")"

qmp '{"execute": "object-del", "arguments": {"id": "mem2"}}'
echo "   deleted mem2, its memory is unmapped"

qmp '{"execute": "quit"}'
echo "   qmem-run is shutting down"

exec 3>&-
status=0
wait "$runner_pid" || status=$?
[ "$status" -eq 0 ] || fail "qmem-run exited with status $status"
echo
echo "main job done"
