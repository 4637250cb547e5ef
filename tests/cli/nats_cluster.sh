#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Integration test of `gantry consume` (docs/scale-out.md) on a 3-node
# JetStream cluster started here on loopback ports, with R3 streams.
#
# Phase 1: 20,000 events (every 10th a privileged pod create) are published
# while two members consume; one member is killed with SIGKILL and replaced,
# one server is restarted with SIGTERM. The alerts stream must then hold
# exactly the 2,000 expected alerts: none missing, none duplicated, each the
# object `gantry match` prints for that event.
# Phase 2: a member stopped with SIGTERM mid-stream and a successor together
# process every event exactly once: nothing lost, nothing redelivered.
# Phase 3: two of the three servers stop for 6 s (no stream leader): alert
# publishes fail, messages are naked with a delay, and the alerts stream still
# ends up with exactly the expected alerts.
#
# Sourced with NATS_CLUSTER_LIB=1 (bench/nats_bench.sh), it only defines the
# cluster helpers. Servers and members are stopped by pid.
set -u
BUILD=${BUILD:-build}
GANTRY="$BUILD/gantry"
CC=${CC:-cc}

nc_log() { echo "[nats] $*" >&2; }

# nc_setup: temp dir, ports and the nats_tool helper. Sets T, BASE, URLS, TOOL.
nc_setup() {
    T=$(mktemp -d)
    BASE=$((21000 + ($$ % 3000) * 10))
    URLS="nats://127.0.0.1:$BASE,nats://127.0.0.1:$((BASE + 1)),nats://127.0.0.1:$((BASE + 2))"
    TOOL="$T/nats_tool"
    # shellcheck disable=SC2046
    $CC -std=c11 -O2 -o "$TOOL" tools/nats_tool.c $(pkg-config --cflags --libs libnats) -lpthread ||
        return 1
}

nc_start_server() { # nc_start_server INDEX
    i=$1
    mkdir -p "$T/store$i"
    nats-server -a 127.0.0.1 -p $((BASE + i)) --server_name "n$i" -js -sd "$T/store$i" \
        --cluster_name gantry-test --cluster "nats://127.0.0.1:$((BASE + 5 + i))" \
        --routes "nats://127.0.0.1:$((BASE + 5)),nats://127.0.0.1:$((BASE + 6)),nats://127.0.0.1:$((BASE + 7))" \
        >>"$T/server$i.log" 2>&1 &
    echo $! >"$T/server$i.pid"
}

nc_stop_server() { # nc_stop_server INDEX: SIGTERM, wait for the exit
    pid=$(cat "$T/server$1.pid" 2>/dev/null) || return 0
    kill -TERM "$pid" 2>/dev/null
    n=0
    while kill -0 "$pid" 2>/dev/null && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
    rm -f "$T/server$1.pid"
}

nc_start_cluster() {
    for i in 0 1 2; do nc_start_server $i; done
}

# nc_wait_ready LOG: until the member logs that it is bound (30 s at most).
nc_wait_ready() {
    n=0
    while ! grep -q "consume: ready" "$1" 2>/dev/null; do
        n=$((n + 1))
        if [ $n -gt 300 ]; then
            echo "FAIL member never became ready: $1"
            cat "$1" >&2
            return 1
        fi
        sleep 0.1
    done
}

nc_cleanup() {
    for f in "$T"/*.mpid; do
        [ -f "$f" ] && kill -KILL "$(cat "$f")" 2>/dev/null
    done
    for i in 0 1 2; do nc_stop_server $i; done
    rm -rf "$T"
}

# nc_member NAME ARGS...: start a member in the background, pid in $T/NAME.mpid.
nc_member() {
    name=$1
    shift
    GANTRY_CONSUME_HOLD_MS=${HOLD:-0} "$GANTRY" consume -s "$URLS" --name "$name" "$@" \
        >"$T/$name.out" 2>"$T/$name.log" &
    echo $! >"$T/$name.mpid"
}

# nc_stop_member NAME: SIGTERM and wait; returns the member's exit status.
nc_stop_member() {
    pid=$(cat "$T/$1.mpid")
    kill -TERM "$pid" 2>/dev/null
    wait "$pid"
    rc=$?
    rm -f "$T/$1.mpid"
    return $rc
}

[ "${NATS_CLUSTER_LIB:-0}" = 1 ] && return 0

if ! command -v nats-server >/dev/null 2>&1; then
    echo "SKIP: nats-server is not installed (apt-get install nats-server); scale-out test not run"
    exit 77
fi
if ! pkg-config --exists libnats; then
    echo "SKIP: libnats-dev is not installed; scale-out test not run"
    exit 77
fi
if ! command -v jq >/dev/null 2>&1; then
    echo "SKIP: jq is not installed; scale-out test not run"
    exit 77
fi

fails=0
check() { # check NAME CONDITION-EXIT-STATUS
    if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi
}

nc_setup || { echo "FAIL cannot build tools/nats_tool.c"; exit 1; }
trap nc_cleanup EXIT
nc_start_cluster

cat >"$T/rules.gantry" <<'EOF'
rule privileged_pod_create {
    id: "5b0e1f1c-9c55-4f57-8a43-2f4e7d1c0a01"
    title: "Privileged pod created"
    level: high
    tags: [attack.t1610]
    selection s: {
        verb: "create"
        requestObject.spec.containers.securityContext.privileged: true
    }
    condition: s
}
EOF

# gen_events COUNT: every 10th event is a privileged pod create.
gen_events() {
    awk -v n="$1" 'BEGIN {
        for (i = 1; i <= n; i++) {
            if (i % 10 == 0)
                printf "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"ev-%05d\",\"verb\":\"create\",\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"default\"},\"requestObject\":{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"nginx\"},{\"name\":\"b\",\"image\":\"busybox\",\"securityContext\":{\"privileged\":true}}]}}}\n", i
            else if (i % 3 == 0)
                printf "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"ev-%05d\",\"verb\":\"create\",\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"default\"},\"requestObject\":{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"nginx\",\"securityContext\":{\"privileged\":false}}]}}}\n", i
            else
                printf "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"ev-%05d\",\"verb\":\"get\",\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"default\"}}\n", i
        }
    }'
}

# expected_ids COUNT: the auditIDs that must raise an alert, sorted.
expected_ids() {
    awk -v n="$1" 'BEGIN { for (i = 10; i <= n; i += 10) printf "ev-%05d\n", i }'
}

# ---- phase 1: SIGKILL of a member, SIGTERM restart of a server ----------
gen_events 20000 >"$T/events.jsonl"
expected_ids 20000 >"$T/expected1"
# Members hold each batch 0.7 s after its alerts are stored and before
# acking (GANTRY_CONSUME_HOLD_MS), so the faults land inside that window and
# in-progress keeps the held batch alive past the 2 s ack wait.
HOLD=700
COMMON="-r $T/rules.gantry --replicas 3 --ack-wait 2 --members 2 --batch 100 --publish-wait 4 --max-backoff 2"
# shellcheck disable=SC2086
nc_member m1 $COMMON
nc_wait_ready "$T/m1.log" || exit 1
# shellcheck disable=SC2086
nc_member m2 $COMMON --stats "$T/m2.json"
nc_wait_ready "$T/m2.log" || exit 1

"$TOOL" pub -s "$URLS" --subject events.k8s --lines 8 --id run1 \
    "$T/events.jsonl" >"$T/pub1.out" 2>"$T/pub1.log" &
PUB=$!
sleep 3
kill -KILL "$(cat "$T/m1.mpid")"
rm -f "$T/m1.mpid"
nc_log "member m1 killed with SIGKILL; starting m3"
# shellcheck disable=SC2086
nc_member m3 $COMMON --stats "$T/m3.json"
sleep 2
nc_log "restarting server n1 with SIGTERM"
nc_stop_server 1
sleep 1
nc_start_server 1
wait $PUB
check "publisher stored all 2500 messages" "$([ "$(cat "$T/pub1.out")" = 2500 ]; echo $?)"
"$TOOL" drained -s "$URLS" --stream EVENTS --durable gantry --timeout 90 >/dev/null
check "consumer drained (nothing pending, nothing unacked)" $?
nc_stop_member m2
check "member m2 exits 0 on SIGTERM" $?
nc_stop_member m3
check "member m3 exits 0 on SIGTERM" $?
sum() { jq -s "map($1) | add" "$T/m2.json" "$T/m3.json"; }
redelivered=$(sum .consume.redelivered)
dropped=$(sum .consume.alerts_duplicate)
kept=$(sum .consume.in_progress)
nc_log "phase 1: $redelivered messages redelivered, $dropped alert republishes dropped as duplicates, $kept in-progress sent"
check "the SIGKILL left messages that were redelivered" "$([ "$redelivered" -gt 0 ]; echo $?)"
check "held batches were kept alive with in-progress" "$([ "$kept" -gt 0 ]; echo $?)"

"$TOOL" dump -s "$URLS" --stream ALERTS >"$T/alerts1.jsonl"
jq -r '.event.auditID' "$T/alerts1.jsonl" | sort >"$T/got1"
total=$(wc -l <"$T/alerts1.jsonl")
missing=$(comm -23 "$T/expected1" "$T/got1" | wc -l)
dups=$(uniq -d "$T/got1" | wc -l)
extra=$(comm -13 "$T/expected1" "$(sort -u "$T/got1" >"$T/got1u"; echo "$T/got1u")" | wc -l)
nc_log "phase 1: $total alerts stored, $missing missing, $dups duplicated, $extra unexpected"
check "alerts stream holds exactly 2000 alerts" "$([ "$total" -eq 2000 ]; echo $?)"
check "no expected alert is missing" "$([ "$missing" -eq 0 ]; echo $?)"
check "no alert is duplicated" "$([ "$dups" -eq 0 ]; echo $?)"
check "no unexpected alert" "$([ "$extra" -eq 0 ]; echo $?)"
check "every alert names its source message (nats:EVENTS:SEQ)" \
    "$(jq -r '.file' "$T/alerts1.jsonl" | grep -vc '^nats:EVENTS:[0-9]*$' | grep -qx 0; echo $?)"
"$TOOL" dump -s "$URLS" --stream ALERTS --subjects >"$T/subjects1"
check "alerts are published on alerts.high.<rule id>" \
    "$(cut -f1 "$T/subjects1" | sort -u | grep -qx 'alerts.high.5b0e1f1c-9c55-4f57-8a43-2f4e7d1c0a01'; echo $?)"
check "alert Nats-Msg-Ids are distinct and name stream, sequence, line and rule" \
    "$([ "$(cut -f2 "$T/subjects1" | grep -c '^EVENTS:[0-9]*:[0-9]*:5b0e1f1c-9c55-4f57-8a43-2f4e7d1c0a01$')" -eq 2000 ] &&
        [ "$(cut -f2 "$T/subjects1" | sort -u | wc -l)" -eq 2000 ]; echo $?)"

# Each alert is the object `gantry match` prints, apart from file and line.
"$GANTRY" match -r "$T/rules.gantry" --format jsonl --quiet "$T/events.jsonl" >"$T/match.jsonl"
strip() { sed 's/^{"file":[^,]*,"line":[0-9]*,//' "$1" | sort; }
strip "$T/match.jsonl" >"$T/match.stripped"
strip "$T/alerts1.jsonl" >"$T/alerts.stripped"
cmp -s "$T/match.stripped" "$T/alerts.stripped"
check "alerts are byte-identical to gantry match output (file/line aside)" $?

# ---- phase 2: clean SIGTERM of a member ----------------------------------
gen_events 4000 >"$T/events2.jsonl"
expected_ids 4000 >"$T/expected2"
HOLD=300
P2="-r $T/rules.gantry --replicas 3 --stream EV2 --subjects ev2.> --durable g2 --alerts-prefix al2 --alerts-stream AL2 --ack-wait 5 --members 1 --batch 10"
# shellcheck disable=SC2086
nc_member s1 $P2 --stats "$T/s1.json"
nc_wait_ready "$T/s1.log" || exit 1
"$TOOL" pub -s "$URLS" --subject ev2.k8s --lines 8 --rate 120 --id run2 \
    "$T/events2.jsonl" >"$T/pub2.out" 2>"$T/pub2.log" &
PUB=$!
sleep 2
nc_stop_member s1
check "member s1 exits 0 on SIGTERM mid-stream" $?
# shellcheck disable=SC2086
nc_member s2 $P2 --stats "$T/s2.json"
nc_wait_ready "$T/s2.log" || exit 1
sleep 1
kill -USR1 "$(cat "$T/s2.mpid")"
n=0
while [ ! -s "$T/s2.json" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
check "SIGUSR1 writes a --stats snapshot" "$(jq -e '.consume.messages >= 0' "$T/s2.json" >/dev/null; echo $?)"
wait $PUB
"$TOOL" drained -s "$URLS" --stream EV2 --durable g2 --timeout 60 >/dev/null
check "phase 2 consumer drained" $?
nc_stop_member s2
check "member s2 exits 0 on SIGTERM" $?

e1=$(jq '.events' "$T/s1.json")
e2=$(jq '.events' "$T/s2.json")
r1=$(jq '.consume.redelivered' "$T/s1.json")
r2=$(jq '.consume.redelivered' "$T/s2.json")
nc_log "phase 2: s1 matched $e1 events, s2 $e2; redelivered $r1 + $r2"
check "s1 processed part of the stream before SIGTERM" "$([ "$e1" -gt 0 ] && [ "$e1" -lt 4000 ]; echo $?)"
check "every event processed exactly once across s1 and s2" "$([ $((e1 + e2)) -eq 4000 ]; echo $?)"
check "nothing redelivered after a clean SIGTERM" "$([ $((r1 + r2)) -eq 0 ]; echo $?)"
for s in s1 s2; do
    check "$s accounting: lines = events + blank + malformed + joined" \
        "$(jq -e '.lines == .events + .blank + .malformed + .joined' "$T/$s.json" >/dev/null; echo $?)"
done
"$TOOL" dump -s "$URLS" --stream AL2 >"$T/alerts2.jsonl"
jq -r '.event.auditID' "$T/alerts2.jsonl" | sort >"$T/got2"
cmp -s "$T/expected2" "$T/got2"
check "phase 2 alerts: exactly the 400 expected, no duplicates" $?

# ---- phase 3: the cluster loses quorum (no stream leader) for 6 s ---------
# Alert publishes fail meanwhile: their messages are naked with a growing
# delay and retried once the leaders are back.
gen_events 8000 >"$T/events3.jsonl"
expected_ids 8000 >"$T/expected3"
HOLD=100
P3="-r $T/rules.gantry --replicas 3 --stream EV3 --subjects ev3.> --durable g3 --alerts-prefix al3 --alerts-stream AL3 --ack-wait 3 --members 2 --batch 20 --publish-wait 2 --max-backoff 2"
# shellcheck disable=SC2086
nc_member q1 $P3 --stats "$T/q1.json"
nc_wait_ready "$T/q1.log" || exit 1
# shellcheck disable=SC2086
nc_member q2 $P3 --stats "$T/q2.json"
nc_wait_ready "$T/q2.log" || exit 1
"$TOOL" pub -s "$URLS" --subject ev3.k8s --lines 4 --rate 300 --id run3 \
    "$T/events3.jsonl" >"$T/pub3.out" 2>"$T/pub3.log" &
PUB=$!
sleep 2
nc_log "stopping servers n1 and n2 with SIGTERM (quorum lost)"
nc_stop_server 1
nc_stop_server 2
sleep 6
nc_start_server 1
nc_start_server 2
wait $PUB
"$TOOL" drained -s "$URLS" --stream EV3 --durable g3 --timeout 90 >/dev/null
check "phase 3 consumer drained after the quorum came back" $?
nc_stop_member q1
check "member q1 exits 0 on SIGTERM" $?
nc_stop_member q2
check "member q2 exits 0 on SIGTERM" $?
"$TOOL" dump -s "$URLS" --stream AL3 >"$T/alerts3.jsonl"
jq -r '.event.auditID' "$T/alerts3.jsonl" | sort >"$T/got3"
cmp -s "$T/expected3" "$T/got3"
check "phase 3 alerts: exactly the 800 expected, no duplicates" $?
nc_log "phase 3: $(wc -l <"$T/got3") alerts stored, $(comm -23 "$T/expected3" "$T/got3" | wc -l) missing, $(uniq -d "$T/got3" | wc -l) duplicated; $(jq -s 'map(.consume.naked) | add' "$T/q1.json" "$T/q2.json") messages naked with a delay, $(jq -s 'map(.consume.redelivered) | add' "$T/q1.json" "$T/q2.json") redelivered"

if [ $fails -ne 0 ]; then
    for f in "$T"/*.log; do echo "---- $f"; tail -20 "$f"; done
fi
echo "nats_cluster: $fails failures"
[ $fails -eq 0 ]
