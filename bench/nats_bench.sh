#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Throughput of `gantry consume` through a JetStream stream: events/s with 1
# and 2 members and fetch batches of 1, 100 and 1000, on a 3-node cluster
# on loopback with R3 streams (the setup of docs/scale-out.md). Each event is
# one message; every 10th event raises an alert, published and acknowledged
# before its event is acked. Timing runs from the members being ready with a
# full stream to the consumer having nothing pending and nothing unacked.
#
#   sh bench/nats_bench.sh [BUILD] [EVENTS]
#
# EVENTS (default 50,000) events per run; batch 1 runs a tenth of them, as
# it is about fifty times slower.
# Not a pass/fail test; prints one line per configuration.
set -u
BUILD=${1:-${BUILD:-build}}
EVENTS=${2:-50000}
GANTRY="$BUILD/gantry"
if ! command -v nats-server >/dev/null 2>&1 || ! pkg-config --exists libnats; then
    echo "nats bench: SKIP: nats-server or libnats-dev not installed"
    exit 0
fi
if [ ! -x "$GANTRY" ]; then
    echo "nats bench: $GANTRY not built" >&2
    exit 2
fi
# shellcheck disable=SC2034 # read by the sourced script
NATS_CLUSTER_LIB=1
# shellcheck source=tests/cli/nats_cluster.sh
. tests/cli/nats_cluster.sh
nc_setup || exit 2
trap nc_cleanup EXIT
nc_start_cluster

cat >"$T/rules.gantry" <<'EOF'
rule privileged_pod_create {
    id: "5b0e1f1c-9c55-4f57-8a43-2f4e7d1c0a01"
    title: "Privileged pod created"
    level: high
    selection s: {
        verb: "create"
        requestObject.spec.containers.securityContext.privileged: true
    }
    condition: s
}
EOF
awk -v n="$EVENTS" 'BEGIN {
    for (i = 1; i <= n; i++)
        if (i % 10 == 0)
            printf "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"ev-%07d\",\"verb\":\"create\",\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"default\"},\"requestObject\":{\"spec\":{\"containers\":[{\"name\":\"b\",\"image\":\"busybox\",\"securityContext\":{\"privileged\":true}}]}}}\n", i
        else
            printf "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"ev-%07d\",\"verb\":\"get\",\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"default\"},\"user\":{\"username\":\"system:serviceaccount:default:reader\"}}\n", i
}' >"$T/events.jsonl"
head -n $((EVENTS / 10)) "$T/events.jsonl" >"$T/events-small.jsonl"

echo "nats bench: one event per message, 3 servers, R3 streams, $(nproc) cores"
for members in 1 2; do
    for batch in 1 100 1000; do
        tag="m${members}b${batch}"
        input="$T/events.jsonl"
        [ "$batch" -eq 1 ] && input="$T/events-small.jsonl"
        count=$(wc -l <"$input")
        OPTS="-r $T/rules.gantry --replicas 3 --stream B$tag --subjects b$tag.> --durable d
              --alerts-prefix a$tag --alerts-stream A$tag --batch $batch --members $members --quiet"
        # A first member creates the streams and the consumer, then leaves.
        # shellcheck disable=SC2086
        "$GANTRY" consume -s "$URLS" $OPTS --exit-when-idle 0.2 2>"$T/setup.log" ||
            { cat "$T/setup.log" >&2; exit 2; }
        "$TOOL" pub -s "$URLS" --subject "b$tag.k8s" --id "$tag" "$input" \
            >/dev/null 2>&1 || { echo "nats bench: publishing failed" >&2; exit 2; }
        i=1
        while [ $i -le "$members" ]; do
            # shellcheck disable=SC2086
            nc_member "$tag-$i" $OPTS --stats "$T/$tag-$i.json"
            i=$((i + 1))
        done
        secs=$("$TOOL" drained -s "$URLS" --stream "B$tag" --durable d --timeout 300)
        i=1
        while [ $i -le "$members" ]; do
            nc_stop_member "$tag-$i"
            i=$((i + 1))
        done
        rate=$(awk -v n="$count" -v s="$secs" 'BEGIN { printf "%.0f", (s > 0) ? n / s : 0 }')
        printf "members=%d batch=%-5d %6d events %7.2f s %8s events/s\n" "$members" "$batch" \
            "$count" "$secs" "$rate"
    done
done
