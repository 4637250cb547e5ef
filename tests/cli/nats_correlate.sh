#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# gantry consume runs correlations with per-member state: a correlation match
# is published to the alerts stream like a rule match, step-only rules stay
# quiet, and the member's --stats counts it. Uses the cluster helpers of
# tests/cli/nats_cluster.sh; skips like it when nats-server is absent.
set -u
BUILD=${BUILD:-build}
if ! command -v nats-server >/dev/null 2>&1 || ! pkg-config --exists libnats ||
    ! command -v jq >/dev/null 2>&1; then
    echo "SKIP: nats-server, libnats-dev or jq is not installed; correlation over NATS not run"
    exit 77
fi
NATS_CLUSTER_LIB=1
. tests/cli/nats_cluster.sh
fails=0
check() {
    if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi
}
nc_setup || { echo "FAIL cannot build tools/nats_tool.c"; exit 1; }
BASE=$((BASE + 17)) # apart from a cluster test running at the same time
URLS="nats://127.0.0.1:$BASE,nats://127.0.0.1:$((BASE + 1)),nats://127.0.0.1:$((BASE + 2))"
trap nc_cleanup EXIT
nc_start_cluster

cat >"$T/rules.gantry" <<'RULES'
rule forbidden_create {
    id: "7c1d2e3f-0000-4000-8000-00000000c0de"
    title: "Forbidden create"
    level: low
    selection s: { verb: "create", responseStatus.code: 403 }
    condition: s
}
correlation probing {
    id: "7c1d2e3f-0000-4000-8000-00000000c0rr"
    title: "Repeated forbidden creates by one user"
    level: high
    type: event_count
    rules: [forbidden_create]
    group_by: [user.username]
    timespan: 10m
    condition: gte 3
}
RULES

# alice: 3 forbidden creates (fires), bob: 2 (does not)
{
    for i in 1 2 3; do
        printf '{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"create","user":{"username":"alice"},"responseStatus":{"code":403},"requestReceivedTimestamp":"2026-11-29T10:0%d:00Z"}\n' "$i"
    done
    for i in 1 2; do
        printf '{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"create","user":{"username":"bob"},"responseStatus":{"code":403},"requestReceivedTimestamp":"2026-11-29T10:0%d:30Z"}\n' "$i"
    done
} >"$T/events.jsonl"

ARGS="-r $T/rules.gantry --replicas 3 --members 1 --batch 10 --ack-wait 5"
# shellcheck disable=SC2086
nc_member c1 $ARGS --stats "$T/c1.json"
nc_wait_ready "$T/c1.log" || exit 1
"$TOOL" pub -s "$URLS" --subject events.k8s --lines 1 --id corr1 "$T/events.jsonl" \
    >"$T/pub.out" 2>"$T/pub.log"
check "events published" $?
"$TOOL" drained -s "$URLS" --stream EVENTS --durable gantry --timeout 60 >/dev/null
check "consumer drained" $?
nc_stop_member c1
check "member exits 0 on SIGTERM" $?
"$TOOL" dump -s "$URLS" --stream ALERTS >"$T/alerts.jsonl"
check "exactly one alert (the step rule stays quiet)" "$([ "$(wc -l <"$T/alerts.jsonl")" -eq 1 ]; echo $?)"
jq -e '.correlation.id == "7c1d2e3f-0000-4000-8000-00000000c0rr" and .group["user.username"] == "alice" and (.events | length) == 3' \
    "$T/alerts.jsonl" >/dev/null
check "the alert is the correlation match for alice with its three events" $?
jq -e '.consume.correlation_alerts == 1 and .events == 5' "$T/c1.json" >/dev/null
check "--stats counts the correlation alert" $?
echo "nats_correlate: $fails failed"
[ "$fails" -eq 0 ]
