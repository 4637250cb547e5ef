#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# gantry-test: plain-only
# `make bench` must never rot: run its quick mode (about a minute) and check
# that it completes and prints the ratio lines and issue 19's target rows. A
# benchmark prints figures; nothing here asserts a speed. Skipped in the
# sanitizer build, whose timings mean nothing.
set -u
BUILD=${BUILD:-build}
SAN=${SAN:-0}
for b in gen_events gen_rules parse_floor session_bench; do
    if [ ! -x "$BUILD/bench/$b" ]; then
        make --no-print-directory BUILD="$BUILD" "$BUILD/bench/$b" >/dev/null || {
            echo "FAIL cannot build $BUILD/bench/$b"
            exit 1
        }
    fi
done
out=$(sh bench/run.sh "$BUILD" quick 2>&1)
rc=$?
echo "$out"
fails=0
if [ "$rc" -eq 0 ]; then echo "ok   bench/run.sh quick exits 0"; else echo "FAIL bench/run.sh quick exited $rc"; fails=1; fi
for line in "gantry/floor (ten rules):" "10,000 vs 1,000 synthetic rules:" "-j 2 / -j 1 (ten rules):" \
    "cpu/wall" "machine load while running:" "ns/event       x-C" "issue 19 targets met:" \
    "-j 2 / -j 1 (four inputs merged):" \
    "x cJSON floor" "-j 2 / -j 1" "peak RSS -j 1" "keyword literals, SigmaHQ"; do
    if echo "$out" | grep -qF -- "$line"; then
        echo "ok   prints \"$line\""
    else
        echo "FAIL missing \"$line\""
        fails=1
    fi
done
[ "$fails" -eq 0 ]
