#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# gantry consume without a reachable NATS server (issue 15): it gives up
# after --setup-wait with the reason (exit 2), and SIGTERM ends it at once
# while it is still connecting (a second, with slack for sanitizers: 3 s).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
BUILD=${BUILD:-build}
GANTRY="$BUILD/gantry"
T=$(mktemp -d "${TMPDIR:-/tmp}/gantry-connect.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
fails=0
check() { # check NAME CONDITION-EXIT-STATUS
    if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi
}
cat >"$T/rules.gantry" <<'RULES'
rule any_delete {
    id: "22222222-2222-4222-8222-222222222222"
    title: "Delete"
    level: low
    selection sel: { verb: "delete" }
    condition: sel
}
RULES
# Port 1 on the loopback: nothing listens there.
SERVER=nats://127.0.0.1:1
ms() { echo $((${EPOCHREALTIME/./} / 1000)); }

t0=$(ms)
timeout -s KILL 30 "$GANTRY" consume -r "$T/rules.gantry" --server "$SERVER" --setup-wait=1 \
    >"$T/wait.out" 2>"$T/wait.err"
rc=$?
t1=$(ms)
echo "     ended after $((t1 - t0)) ms with status $rc"
[ $rc -eq 2 ] && grep -q "giving up after 1000 ms: cannot connect to $SERVER" "$T/wait.err"
check "no server: exit 2 after --setup-wait=1s, saying why" $?
[ $((t1 - t0)) -ge 1000 ]
check "... not before the wait is over" $?

"$GANTRY" consume -r "$T/rules.gantry" --server "$SERVER" --setup-wait=60 \
    >"$T/term.out" 2>"$T/term.err" &
pid=$!
sleep 1
t0=$(ms)
kill -TERM $pid
ended=1
for _ in $(seq 1 60); do
    if ! kill -0 $pid 2>/dev/null; then ended=0; break; fi
    sleep 0.05
done
t1=$(ms)
[ $ended -eq 0 ] || kill -KILL $pid 2>/dev/null
wait $pid
rc=$?
echo "     SIGTERM while connecting: ended after $((t1 - t0)) ms with status $rc"
[ $ended -eq 0 ] && [ $rc -eq 0 ]
check "SIGTERM while connecting ends it within 3 s (exit 0)" $?

echo "consume_connect: $fails failed"
[ $fails -eq 0 ]
