#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs every fuzz target of a clang sanitizer build for a given time and
# prints runs and crashes per target (make fuzz; docs/developer.md,
# "Fuzzing").
#
# Usage: scripts/fuzz.sh BUILD SECONDS [TARGET...]
#   BUILD    a build configured with --enable-sanitizers --cc=clang, which
#            builds the libFuzzer programs tests/fuzz/fuzz-*
#   SECONDS  how long each target runs
#   TARGET   fuzz-qmp, fuzz-hmp, ... (default: all)
#
# libFuzzer runs in fork mode, so that a crash, leak, timeout (10 s) or
# out-of-memory (4 GiB) is counted, its input saved, and fuzzing goes on.
# New inputs go to BUILD/tests/fuzz/corpus-NAME (the checked-in seeds
# stay as they are); what failed goes to BUILD/fuzz-artifacts/NAME/.
# Exits 1 if any target found something.

set -u -o pipefail

build=${1:?usage: scripts/fuzz.sh BUILD SECONDS [TARGET...]}
seconds=${2:?usage: scripts/fuzz.sh BUILD SECONDS [TARGET...]}
shift 2
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd)

if [ $# -eq 0 ]; then
    for f in "$build"/tests/fuzz/fuzz-*; do
        case $f in *-replay|*.p) continue ;; esac
        [ -x "$f" ] && set -- "$@" "$(basename "$f")"
    done
fi
if [ $# -eq 0 ]; then
    echo "fuzz.sh: no fuzz targets in $build (configure it with" \
         "--enable-sanitizers --cc=clang)" >&2
    exit 1
fi

export QMEM_MODULE_DIR="$build/modules:$build/tests/modules"
export G_DEBUG=fatal-criticals G_SLICE=always-malloc MALLOC_PERTURB_=0
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

status=0
results=()
for name in "$@"; do
    prog=$build/tests/fuzz/$name
    seeds=$src/tests/fuzz/corpus/${name#fuzz-}
    work=$build/tests/fuzz/corpus-${name#fuzz-}
    artifacts=$build/fuzz-artifacts/$name
    log=$build/fuzz-artifacts/$name.log
    mkdir -p "$work" "$artifacts"
    before=$(ls "$artifacts" | wc -l)
    echo "==== $name: $seconds s (log: $log)"
    "$prog" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=10 \
        -max_len=4096 -artifact_prefix="$artifacts/" \
        "$work" "$seeds" > "$log" 2>&1
    # Fork mode's status lines: "#RUNS: cov: ... oom/timeout/crash: O/T/C".
    last=$(grep -E '^#[0-9]+: cov:' "$log" | tail -1)
    runs=$(sed -E 's/^#([0-9]+):.*/\1/' <<< "$last")
    fails=$(sed -nE 's|.*oom/timeout/crash: ([0-9]+)/([0-9]+)/([0-9]+).*|\1 \2 \3|p' \
            <<< "$last")
    read -r ooms timeouts crashes <<< "${fails:-0 0 0}"
    found=$(( $(ls "$artifacts" | wc -l) - before ))
    if [ -z "$runs" ]; then
        runs=0
        found=$(( found > 0 ? found : 1 ))
        echo "    $name did not run: see $log"
    fi
    if [ "$found" -gt 0 ] || [ $((ooms + timeouts + crashes)) -gt 0 ]; then
        status=1
    fi
    results+=("$(printf '%-22s runs %10s   crashes %3s   timeouts %3s   ooms %3s   new artifacts %3s' \
                 "$name" "$runs" "$crashes" "$timeouts" "$ooms" "$found")")
done

echo
echo "==== fuzz summary ($seconds s per target)"
printf '%s\n' "${results[@]}"
exit $status
