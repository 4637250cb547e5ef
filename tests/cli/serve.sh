#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# gantry serve end to end (issue 15): over TLS with a client CA, the audit
# events of the corpus posted as the API server posts them (EventList, and
# also as an array, JSON lines, one pretty-printed event, gzip) give the
# alerts `gantry match` gives for the same events; clients without a
# certificate of that CA get 403, malformed bodies 400, bodies over
# --max-body 413 (by Content-Length and chunked), and /metrics adds up.
# SIGHUP with a broken pack keeps the running pack and a good one replaces
# it; a flood against a tiny --queue-bytes gets 503 with Retry-After, every
# accepted event is matched, and SIGTERM drains the queue and exits 0.
# Ports: the server binds port 0 and says which port it got.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
BUILD=${BUILD:-build}
GANTRY="$BUILD/gantry"
[ -x "$GANTRY" ] || { echo "serve.sh: $GANTRY is not built"; exit 1; }
for tool in curl openssl jq; do
    command -v $tool > /dev/null || { echo "SKIP: $tool is not installed (make deps installs it)"; exit 77; }
done
T=$(mktemp -d "${TMPDIR:-/tmp}/gantry-serve.XXXXXX")
pids=""
cleanup() {
    for p in $pids; do kill -KILL "$p" 2> /dev/null; done
    [ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
fails=0
check() { # check NAME EXIT-STATUS
    if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi
}

# ---- certificates: a CA, the server's, a client's, and a stranger's ------
openssl_ok=0
(
    cd "$T" &&
        openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 \
            -subj "/CN=gantry test CA" &&
        openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=127.0.0.1" &&
        printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' > server.ext &&
        openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt \
            -days 2 -extfile server.ext &&
        openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj "/CN=kube-apiserver" &&
        printf 'extendedKeyUsage=clientAuth\n' > client.ext &&
        openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out client.crt \
            -days 2 -extfile client.ext &&
        openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.crt -days 2 -subj "/CN=stranger"
) > "$T/openssl.log" 2>&1 || openssl_ok=1
check "test certificates made with openssl" $openssl_ok
[ $openssl_ok -eq 0 ] || { cat "$T/openssl.log"; exit 1; }

# ---- the pack and the events ------------------------------------------------
"$GANTRY" compile -o "$T/shipped.pack" rules > /dev/null 2>&1
check "shipped pack compiles" $?
# Kubernetes audit events of the corpus: a correlation's positive case, then
# the t1610 cases.
{
    cat corpus/correlations/k8s_forbidden_create_probing.pos.jsonl
    cat corpus/t1610/*.jsonl
} | grep '"apiVersion":"audit.k8s.io/v1"' > "$T/events.jsonl"
total=$(wc -l < "$T/events.jsonl")
[ "$total" -gt 150 ]
check "corpus audit events: $total" $?
"$GANTRY" match -p "$T/shipped.pack" "$T/events.jsonl" > "$T/match.out" 2> /dev/null
# rule matches (correlation records carry rule ids too)
rules_in() { jq -c 'select(.rule)' "$1" | wc -l; }
# compared without the source name and line (the files differ)
norm() { jq -c 'del(.file, .line) | if .events then .events |= map(del(.file, .line)) else . end' "$1" | sort; }
norm "$T/match.out" > "$T/match.norm"
[ "$(rules_in "$T/match.out")" -gt 100 ] && grep -q '"correlation"' "$T/match.out"
check "gantry match finds rule and correlation matches in them" $?

eventlist() { jq -s '{kind: "EventList", apiVersion: "audit.k8s.io/v1", metadata: {}, items: .}'; }
sed -n '1,100p' "$T/events.jsonl" | eventlist > "$T/part1.json"
sed -n '101,150p' "$T/events.jsonl" | jq -s . > "$T/part2.json"
sed -n '151,200p' "$T/events.jsonl" > "$T/part3.jsonl"
sed -n '201p' "$T/events.jsonl" | jq . > "$T/part4.json"
sed -n "202,${total}p" "$T/events.jsonl" | eventlist | gzip -c > "$T/part5.json.gz"

# ---- helpers -------------------------------------------------------------------
# start_server NAME ARGS...: runs gantry serve in the background, waits (60 s
# at most) for the port it bound and for /healthz; sets pid and port.
start_server() {
    name=$1
    shift
    "$GANTRY" serve --listen 127.0.0.1:0 "$@" 2> "$T/$name.err" &
    pid=$!
    pids="$pids $pid"
    port=""
    for _ in $(seq 1 600); do
        port=$(sed -n 's/^gantry serve: listening on https*:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/$name.err")
        [ -n "$port" ] && break
        kill -0 $pid 2> /dev/null || break
        sleep 0.1
    done
    [ -n "$port" ] || { cat "$T/$name.err"; return 1; }
}
# wait_healthy URL CURL-ARGS...: 60 s at most
wait_healthy() {
    url=$1
    shift
    for _ in $(seq 1 600); do
        [ "$(curl -sS --max-time 10 "$@" "$url/healthz" 2> /dev/null)" = ok ] && return 0
        sleep 0.1
    done
    return 1
}
# metric FILE NAME: the value of an unlabelled (or fully labelled) sample
metric() { awk -v n="$2" '$1 == n { print $2 }' "$1"; }
# wait_processed URL WANT CURL-ARGS...: until events processed = WANT (120 s)
wait_processed() {
    url=$1 want=$2
    shift 2
    for _ in $(seq 1 1200); do
        curl -sS --max-time 10 "$@" "$url/metrics" > "$T/metrics" 2> /dev/null
        [ "$(metric "$T/metrics" gantry_serve_events_processed_total)" = "$want" ] && return 0
        sleep 0.1
    done
    return 1
}
# stop PID: SIGTERM, then its exit status (KILL after 120 s)
stop() {
    kill -TERM "$1"
    for _ in $(seq 1 1200); do
        kill -0 "$1" 2> /dev/null || break
        sleep 0.1
    done
    kill -KILL "$1" 2> /dev/null
    wait "$1"
}

# ---- 0. what cannot start says why, exit 2 ----------------------------------------
timeout 60 "$GANTRY" serve -p "$T/shipped.pack" --listen 127.0.0.1:0 --tls-cert "$T/server.crt" \
    --tls-key "$T/client.key" > /dev/null 2> "$T/badkey.err"
[ $? -eq 2 ] && grep -q "do not match" "$T/badkey.err"
check "a key that does not fit the certificate: exit 2, saying so" $?
echo "not a pack" > "$T/bad.pack"
timeout 60 "$GANTRY" serve -p "$T/bad.pack" --listen 127.0.0.1:0 > /dev/null 2> "$T/badpack.err"
[ $? -eq 2 ] && grep -q "bad.pack" "$T/badpack.err"
check "a pack that does not load: exit 2, naming it" $?

# ---- 1. TLS, client certificates, the forms of a body, limits, metrics ---------
start_server tls -p "$T/shipped.pack" -o "$T/tls.out" --max-body 1048576 \
    --tls-cert "$T/server.crt" --tls-key "$T/server.key" --client-ca "$T/ca.crt"
check "serve starts with TLS and a client CA" $?
grep -q "client certificates signed by .*ca.crt required" "$T/tls.err"
check "... and says client certificates are required" $?
tls_pid=$pid
URL=https://127.0.0.1:$port
C=(--cacert "$T/ca.crt" --cert "$T/client.crt" --key "$T/client.key")
wait_healthy "$URL" "${C[@]}"
check "/healthz answers ok over TLS with the client certificate" $?

# (small requests: a refused client's body is not read, and curl may see
# the connection close while it still sends a large one)
code=$(curl -sS --max-time 60 -o "$T/r" -w '%{http_code}' --cacert "$T/ca.crt" \
    --data-binary '{}' "$URL/audit")
[ "$code" = 403 ]
check "a request without a client certificate is refused (403, got $code)" $?
code=$(curl -sS --max-time 60 -o "$T/r" -w '%{http_code}' --cacert "$T/ca.crt" \
    --cert "$T/other.crt" --key "$T/other.key" "$URL/healthz")
[ "$code" = 403 ]
check "a client certificate of another CA is refused (403, got $code)" $?

post() { # post WANT-CODE WANT-TEXT CURL-ARGS...
    want=$1 text=$2
    shift 2
    code=$(curl -sS --max-time 120 -o "$T/r" -w '%{http_code}' "${C[@]}" "$@")
    [ "$code" = "$want" ] && grep -q -- "$text" "$T/r"
}
post 200 "accepted 100 events" -H 'Content-Type: application/json' --data-binary @"$T/part1.json" "$URL/audit"
check "an EventList of 100 events is accepted (200)" $?
post 200 "accepted 50 events" --data-binary @"$T/part2.json" "$URL/"
check "a JSON array of 50 events is accepted" $?
post 200 "accepted 50 events" --data-binary @"$T/part3.jsonl" "$URL/"
check "50 events as JSON lines are accepted" $?
post 200 "accepted 1 events" --data-binary @"$T/part4.json" "$URL/audit"
check "one pretty-printed event is accepted" $?
post 200 "accepted $((total - 201)) events" -H 'Content-Encoding: gzip' \
    --data-binary @"$T/part5.json.gz" "$URL/audit"
check "a gzip-compressed EventList is accepted" $?

post 400 "EventList without an items array" --data-binary '{"kind":"EventList","items":{}}' "$URL/audit"
check "an EventList without items is refused (400) saying why" $?
post 400 "not a JSON object" --data-binary 'audit? no' "$URL/audit"
check "a body that is not JSON is refused (400)" $?
head -c 2000000 /dev/zero | tr '\0' ' ' > "$T/big"
post 413 "larger than 1048576 bytes" --data-binary @"$T/big" "$URL/audit"
check "a body over --max-body is refused (413) by its length, before it is sent" $?
post 413 "larger than 1048576 bytes" -H 'Expect:' --data-binary @"$T/big" "$URL/audit"
check "... and when sent at once (no Expect: 100-continue)" $?
post 413 "larger than 1048576 bytes" -H 'Transfer-Encoding: chunked' --data-binary @"$T/big" "$URL/audit"
check "a chunked body over --max-body is refused (413) as it comes" $?

wait_processed "$URL" "$total" "${C[@]}"
check "every accepted event is processed ($total)" $?
m=$T/metrics
[ "$(metric "$m" gantry_serve_events_received_total)" = "$total" ] &&
    [ "$(metric "$m" gantry_serve_events_dropped_total)" = 0 ] &&
    [ "$(metric "$m" gantry_serve_events_malformed_total)" = 0 ] &&
    [ "$(metric "$m" gantry_serve_bodies_accepted_total)" = 5 ]
check "metrics: $total received = processed, 0 malformed, 0 dropped, 5 bodies" $?
[ "$(metric "$m" gantry_serve_bodies_malformed_total)" = 2 ] &&
    [ "$(metric "$m" 'gantry_serve_requests_total{code="400"}')" = 2 ] &&
    [ "$(metric "$m" gantry_serve_bodies_too_large_total)" = 3 ] &&
    [ "$(metric "$m" 'gantry_serve_requests_total{code="413"}')" = 3 ] &&
    [ "$(metric "$m" 'gantry_serve_requests_total{code="403"}')" = 2 ]
check "metrics: 2 malformed bodies (400), 3 too large (413), 2 refused clients (403)" $?
rule_lines=$(rules_in "$T/tls.out")
per_rule=$(awk '/^gantry_serve_matches_total\{/ { s += $2 } END { print s + 0 }' "$m")
[ "$(metric "$m" gantry_serve_matches_all_total)" = "$rule_lines" ] && [ "$per_rule" = "$rule_lines" ]
check "metrics: matches per rule add up to the $rule_lines alerts written" $?
grep -q '^gantry_serve_matches_total{rule="[0-9a-f-]*",name="[a-z0-9_]*",level="[a-z]*"} [0-9]*$' "$m"
check "metrics: matches are labelled by rule, name and level" $?
# the one table behind /metrics and the list in docs/live.md agree
sed -n 's/^# TYPE \([a-z_]*\) .*/\1/p' "$m" | sort > "$T/names.metrics"
grep -o '`gantry_serve_[a-z_]*`' docs/live.md | tr -d '`' | sort -u > "$T/names.doc"
[ -s "$T/names.metrics" ] && cmp -s "$T/names.metrics" "$T/names.doc"
rc=$?
check "docs/live.md lists exactly the metrics /metrics has" $rc
[ $rc -eq 0 ] || diff "$T/names.metrics" "$T/names.doc"

stop $tls_pid
check "SIGTERM: exit 0" $?
grep -q "$total events received, $total processed, 0 malformed, .* 0 dropped" "$T/tls.err"
check "... and the summary accounts for every event" $?
norm "$T/tls.out" > "$T/tls.norm"
cmp -s "$T/match.norm" "$T/tls.norm"
rc=$? # (before the $(...) in the name, which would reset $?)
check "the alerts equal gantry match's on the same events ($(wc -l < "$T/tls.norm") lines)" $rc
grep -q '"correlation"' "$T/tls.out"
check "... correlations included" $?

# ---- 2. SIGHUP: a broken pack keeps the running one, a good one replaces it ----
cp "$T/shipped.pack" "$T/hup.pack"
cat > "$T/one.gantry" << 'RULES'
rule any_create {
    id: "33333333-3333-4333-8333-333333333333"
    title: "Any create"
    level: high
    condition: verb: "create"
}
RULES
"$GANTRY" compile -o "$T/one.pack" "$T/one.gantry" > /dev/null 2>&1
start_server hup -p "$T/hup.pack" -o "$T/hup.out"
check "serve starts in plain HTTP" $?
grep -q "plain HTTP, no TLS" "$T/hup.err"
check "... and says it is plain HTTP" $?
hup_pid=$pid
URL=http://127.0.0.1:$port
C=()
wait_healthy "$URL"
post 200 "accepted 100 events" --data-binary @"$T/part1.json" "$URL/"
check "plain HTTP: an EventList is accepted" $?
wait_processed "$URL" 100
echo "garbage, not a pack" > "$T/hup.pack"
kill -HUP $hup_pid
for _ in $(seq 1 600); do
    curl -sS --max-time 10 "$URL/metrics" > "$T/metrics" 2> /dev/null
    [ "$(metric "$T/metrics" 'gantry_serve_pack_reloads_total{result="failed"}')" = 1 ] && break
    sleep 0.1
done
[ "$(metric "$T/metrics" 'gantry_serve_pack_reloads_total{result="failed"}')" = 1 ] &&
    grep -q "reload failed (above); the running packs stay" "$T/hup.err"
check "SIGHUP with a broken pack: counted as failed, said why" $?
post 200 "accepted 100 events" --data-binary @"$T/part1.json" "$URL/" && wait_processed "$URL" 200
first=$(jq -c 'select(.file == "http:1" and .rule) | [.rule.id, .event]' "$T/hup.out" | sort)
second=$(jq -c 'select(.file == "http:2" and .rule) | [.rule.id, .event]' "$T/hup.out" | sort)
[ -n "$first" ] && [ "$first" = "$second" ]
rc=$?
check "... and the running pack goes on matching ($(echo "$first" | wc -l) alerts per body)" $rc
cp "$T/one.pack" "$T/hup.pack"
kill -HUP $hup_pid
for _ in $(seq 1 600); do
    curl -sS --max-time 10 "$URL/metrics" > "$T/metrics" 2> /dev/null
    [ "$(metric "$T/metrics" 'gantry_serve_pack_reloads_total{result="ok"}')" = 1 ] && break
    sleep 0.1
done
post 200 "accepted 100 events" --data-binary @"$T/part1.json" "$URL/" && wait_processed "$URL" 300
jq -r 'select(.file == "http:3") | .rule.id' "$T/hup.out" | sort -u > "$T/hup.rules"
[ "$(cat "$T/hup.rules")" = 33333333-3333-4333-8333-333333333333 ]
check "SIGHUP with a good pack: the next body is matched by the new pack only" $?
stop $hup_pid
check "SIGTERM after reloads: exit 0" $?

# ---- 3. a flood against a tiny queue: 503 + Retry-After, nothing lost ------------
per_body=$("$GANTRY" match -p "$T/shipped.pack" "$T/part3.jsonl" 2> /dev/null | jq -c 'select(.rule)' | wc -l)
GANTRY_SERVE_HOLD_MS=100 start_server flood -p "$T/shipped.pack" -o "$T/flood.out" \
    --queue-bytes 1024 --retry-after 2
check "serve starts with --queue-bytes 1024" $?
flood_pid=$pid
URL=http://127.0.0.1:$port
wait_healthy "$URL"
CLIENTS=6 BODIES=5
client() { # every body until it is accepted, as the API server retries
    for _ in $(seq 1 $BODIES); do
        for _ in $(seq 1 1200); do
            code=$(curl -sS --max-time 60 -D "$T/h$1" -o /dev/null -w '%{http_code}' \
                --data-binary @"$T/part3.jsonl" "$URL/")
            echo "$code" >> "$T/codes$1"
            [ "$code" = 200 ] && break
            if [ "$code" = 503 ]; then
                grep -qi '^Retry-After: 2' "$T/h$1" || echo missing >> "$T/codes$1"
            fi
            sleep 0.1
        done
    done
}
client_pids=""
for c in $(seq 1 $CLIENTS); do
    client "$c" &
    client_pids="$client_pids $!"
done
wait $client_pids
cat "$T"/codes* > "$T/codes"
ok=$(grep -c '^200$' "$T/codes")
busy=$(grep -c '^503$' "$T/codes")
others=$(grep -v -c '^200$\|^503$' "$T/codes")
echo "     flood: $ok accepted, $busy answered 503, $others other answers"
[ "$ok" = $((CLIENTS * BODIES)) ] && [ "$others" = 0 ]
check "flood: every body accepted in the end, only 200 and 503 answers" $?
[ "$busy" -gt 0 ]
check "flood: the full queue answered 503 with Retry-After" $?
curl -sS --max-time 10 "$URL/metrics" > "$T/metrics"
[ "$(metric "$T/metrics" gantry_serve_bodies_queue_full_total)" = "$busy" ] &&
    [ "$(metric "$T/metrics" 'gantry_serve_requests_total{code="503"}')" = "$busy" ] &&
    [ "$(metric "$T/metrics" gantry_serve_queue_capacity_bytes)" = 1024 ]
check "metrics: the $busy refusals counted, capacity 1024" $?
# one more body, then SIGTERM at once: still queued (the matcher pauses
# 100 ms per body), it must be matched before the exit
# The flood's last bodies may still be queued, so this one can meet a full
# queue too: retried on 503 as the API server would, then checked.
last_ok=1
for _ in $(seq 1 1200); do
    post 200 "accepted 50 events" --data-binary @"$T/part3.jsonl" "$URL/" && { last_ok=0; break; }
    [ "$code" = 503 ] || break
    sleep 0.1
done
check "the last body is accepted (200, after 503s while the queue was full)" $last_ok
stop $flood_pid
check "SIGTERM with bodies queued: exit 0" $?
n=$(((CLIENTS * BODIES + 1) * 50))
grep -q "$n events received, $n processed, 0 malformed, .* 0 dropped" "$T/flood.err"
rc=$?
check "flood: $n events received = processed, 0 dropped" $rc
[ $rc -eq 0 ] || sed 's/^/     flood.err: /' "$T/flood.err" | tail -n 8
[ "$(rules_in "$T/flood.out")" = $(((CLIENTS * BODIES + 1) * per_body)) ]
check "flood: every accepted body matched ($per_body alerts each), the last one too" $?

# ---- 4. alerts to NATS as gantry consume publishes them ---------------------------
if command -v nats-server > /dev/null && command -v python3 > /dev/null; then
    nats-server -a 127.0.0.1 -p -1 > "$T/nats.log" 2>&1 &
    nats_pid=$!
    pids="$pids $nats_pid"
    nport=""
    for _ in $(seq 1 600); do
        nport=$(sed -n 's/.*Listening for client connections on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/nats.log")
        [ -n "$nport" ] && break
        sleep 0.1
    done
    # a subscriber in the NATS text protocol: SUBJECT TAB PAYLOAD per message,
    # until nothing came for 5 s after the first, or 120 s
    cat > "$T/sub.py" << 'PY'
import select, socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b'CONNECT {"verbose":false}\r\nSUB gantry.alerts.> 1\r\nPING\r\n')
out = open(sys.argv[2], "w")
buf = b""
start = last = time.time()
got = 0
while time.time() - start < 120 and not (got and time.time() - last > 5):
    if select.select([s], [], [], 0.5)[0]:
        data = s.recv(65536)
        if not data:
            break
        buf += data
    while b"\r\n" in buf:
        line, rest = buf.split(b"\r\n", 1)
        if line.startswith(b"MSG"):
            size = int(line.split()[-1])
            if len(rest) < size + 2:
                break
            out.write(line.split()[1].decode() + "\t" + rest[:size].decode().rstrip("\n") + "\n")
            out.flush()
            got += 1
            last = time.time()
            rest = rest[size + 2:]
        elif line.startswith(b"PING"):
            s.sendall(b"PONG\r\n")
        elif line.startswith(b"PONG"):
            open(sys.argv[3], "w").close()
        buf = rest
PY
    python3 "$T/sub.py" "$nport" "$T/nats.msgs" "$T/nats.ready" &
    sub_pid=$!
    for _ in $(seq 1 300); do [ -e "$T/nats.ready" ] && break; sleep 0.1; done
    start_server nats -p "$T/shipped.pack" -o "$T/nats.out" --nats-url "nats://127.0.0.1:$nport" \
        --nats-subject gantry.alerts
    nats_serve=$pid
    URL=http://127.0.0.1:$port
    wait_healthy "$URL"
    post 200 "accepted 100 events" --data-binary @"$T/part1.json" "$URL/" && wait_processed "$URL" 100
    stop $nats_serve
    check "serve with --nats-url: exit 0" $?
    wait $sub_pid
    # each alert on PREFIX.<level>.<rule or correlation id>, its line as payload
    jq -r '(.rule // .correlation) as $r | "gantry.alerts.\($r.level).\($r.id)\t\(tojson)"' \
        "$T/nats.out" | sort > "$T/nats.want"
    awk -F '\t' '{ print $1 }' "$T/nats.msgs" > "$T/nats.subjects"
    cut -f2- "$T/nats.msgs" | jq -c . > "$T/nats.payloads"
    paste "$T/nats.subjects" "$T/nats.payloads" | sort > "$T/nats.got"
    [ -s "$T/nats.want" ] && cmp -s "$T/nats.want" "$T/nats.got"
    rc=$?
    check "NATS: every alert published on PREFIX.<level>.<id> ($(wc -l < "$T/nats.want") messages)" $rc
    [ $rc -eq 0 ] || diff "$T/nats.want" "$T/nats.got" | head -5
    kill $nats_pid 2> /dev/null
    wait $nats_pid 2> /dev/null
else
    echo "SKIP NATS part: nats-server or python3 missing (make deps installs them)"
fi

echo "serve: $fails failed"
[ $fails -eq 0 ]
