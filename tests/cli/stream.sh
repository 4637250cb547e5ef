#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Streaming input (issue 15): on a pipe each complete line is matched as soon
# as it arrives and its match is written at once. The latency of one line is
# measured through fifos: the median of 5 lines must be within 50 ms (500 ms
# under sanitizers; the median rides out a busy machine's scheduling), where
# a reader waiting for a block to fill never answers at all. bash's
# EPOCHREALTIME reads the clock without starting a process.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
BUILD=${BUILD:-build}
SAN=${SAN:-0}
GANTRY="$BUILD/gantry"
T=$(mktemp -d)
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    [ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
fails=0
check() { # check NAME CONDITION-EXIT-STATUS
    if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi
}
LIMIT_MS=50
[ "$SAN" != 0 ] && LIMIT_MS=500

cat >"$T/rules.gantry" <<'RULES'
rule any_delete {
    id: "22222222-2222-4222-8222-222222222222"
    title: "Delete"
    level: low
    selection sel: { verb: "delete" }
    condition: sel
}
RULES
"$GANTRY" compile -o "$T/rules.gpk" "$T/rules.gantry" >/dev/null 2>&1
check "compile" $?
DEL='{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"delete","objectRef":{"resource":"pods"}}'
GET='{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"get","objectRef":{"resource":"pods"}}'


# Standard output into a fifo (not a regular file): flushed per match.
mkfifo "$T/in" "$T/out"
"$GANTRY" match -p "$T/rules.gpk" --format jsonl "$T/in" >"$T/out" 2>"$T/err" &
gantry_pid=$!
pids="$gantry_pid"
# A watchdog: a gantry that never answers is killed, so the reads below end.
(sleep 10; kill "$gantry_pid" 2>/dev/null) &
pids="$pids $!"
exec 4<"$T/out"
exec 3>"$T/in"
# The first line also waits for the pack to load: not measured.
printf '%s\n%s\n' "$GET" "$DEL" >&3
IFS= read -r first <&4
[ "$(printf '%s' "$first" | jq -r .line)" = 2 ]
check "first match read while the input stays open" $?
delays="" lines_ok=0
for n in 3 4 5 6 7; do
    t0=${EPOCHREALTIME/./}
    printf '%s\n' "$DEL" >&3
    IFS= read -r reply <&4
    t1=${EPOCHREALTIME/./}
    delays="$delays $(((t1 - t0) / 1000))"
    [ "$(printf '%s' "$reply" | jq -r .line)" = "$n" ] || lines_ok=1
done
check "each line's match comes back, in order, while the input stays open" $lines_ok
median=$(printf '%s\n' $delays | sort -n | sed -n 3p)
echo "     delays (ms):$delays; median $median ms (bound $LIMIT_MS ms)"
[ -n "$median" ] && [ "$median" -le "$LIMIT_MS" ]
check "a line is matched and printed within $LIMIT_MS ms" $?
exec 3>&-
wait "$gantry_pid"
check "gantry ends 0 at the end of the input" $?
exec 4<&-

# A regular file as output is block-buffered, unless --line-buffered.
rm -f "$T/in"
mkfifo "$T/in"
"$GANTRY" match -p "$T/rules.gpk" --format jsonl --line-buffered "$T/in" >"$T/file.jsonl" 2>/dev/null &
gantry_pid=$!
pids="$pids $gantry_pid"
exec 3>"$T/in"
printf '%s\n' "$DEL" >&3
seen=1 i=0
while [ $i -lt 100 ]; do
    if [ -s "$T/file.jsonl" ]; then seen=0; break; fi
    sleep 0.05
    i=$((i + 1))
done
check "--line-buffered: the match is in the file before the input ends" $seen
exec 3>&-
wait "$gantry_pid"
check "--line-buffered run ends 0" $?

[ $fails -eq 0 ]
