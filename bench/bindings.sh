#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Cost per event of each embedding path (docs/performance.md): the C API
# through a session, the Python bindings and the Go bindings, each feeding
# the same file to a session over the same pack, pack loading excluded. Part
# of `make bench`; never a pass/fail test.
#
# usage: bench/bindings.sh BUILD PACK FILE
set -eu
BUILD=$1 PACK=$2 INPUT=$3
case $PACK in /*) ;; *) PACK=$PWD/$PACK ;; esac
case $INPUT in /*) ;; *) INPUT=$PWD/$INPUT ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/lib"
for so in libgantry libgantry-compiler; do
    ln -s "$PWD/$BUILD/$so.so" "$tmp/lib/$so.so"
    ln -s "$PWD/$BUILD/$so.so" "$tmp/lib/$so.so.1"
done
export GANTRY_LIBRARY_DIR="$tmp/lib" LD_LIBRARY_PATH="$tmp/lib"

# each line: NAME SECONDS EVENTS MATCHES
"$BUILD/bench/session_bench" "$PACK" "$INPUT" | sed 's/^/C-session /' > "$tmp/results"
PYTHONPATH=bindings/python PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 - "$PACK" "$INPUT" <<'PY' >> "$tmp/results"
import sys, time
import gantry
pack = gantry.Pack.load(sys.argv[1])
data = open(sys.argv[2], "rb").read()
best = None
for _ in range(3):
    with gantry.Session(pack) as s:
        t0 = time.perf_counter()
        n = 0
        for i in range(0, len(data), 65536):
            n += len(s.feed(data[i:i + 65536]))
        n += len(s.flush())
        t = time.perf_counter() - t0
        events = s.stats["events"]
    best = t if best is None or t < best else best
print("python %.6f %d %d" % (best, events, n))
PY
if command -v go >/dev/null 2>&1; then
    (cd bindings/go && CGO_LDFLAGS="-L$tmp/lib" GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local \
        GANTRY_BENCH_PACK="$PACK" GANTRY_BENCH_INPUT="$INPUT" \
        go test -run '^$' -bench BenchmarkSession -benchtime 3x -count 1 . 2>&1) |
        awk '/^BenchmarkSession/ { for (i = 1; i <= NF; i++) { if ($(i+1) == "ns/op") ns = $i;
             if ($(i+1) == "events") ev = $i; if ($(i+1) == "matches") m = $i }
             printf "go %.6f %d %d\n", ns / 1e9, ev, m }' >> "$tmp/results"
else
    echo "  (go not installed: the Go case is skipped)"
fi
C_NS=$(awk '$1 == "C-session" { printf "%.0f", $2 * 1e9 / $3 }' "$tmp/results")
printf '  %-12s %12s %10s %9s %9s\n' binding events/s ns/event x-C matches
awk -v c="$C_NS" '{ ns = $2 * 1e9 / $3; printf "  %-12s %12.0f %10.0f %9.2f %9d\n", $1, $3 / $2, ns, ns / c, $4 }' \
    "$tmp/results"
