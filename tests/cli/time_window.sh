#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Event times (issue 17 point 3): @timestamp normalised to RFC 3339 UTC with
# the source's text kept in @timestamp_original, and the --from/--to window
# of gantry match (RFC 3339 or a duration before now; refused before any
# input is read when malformed).
set -u
BUILD=${BUILD:-build}
GANTRY="$BUILD/gantry"
T=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
fails=0
check() { # check NAME CONDITION-EXIT-STATUS
    if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi
}
ts() { # ts FORMAT LINE: "@timestamp|@timestamp_original" of the normalized line
    printf '%s\n' "$2" | "$GANTRY" normalize --input-format "$1" - 2>/dev/null |
        jq -r '"\(.["@timestamp"])|\(.["@timestamp_original"])"'
}

[ "$(ts containerd 'I0201 10:40:06.000000   1234 events.go:61] Received container event timestamp - 2024-02-01 04:40:06.5 -0600 MDT, namespace - "moby", topic - "/containers/delete"')" = \
    "2024-02-01T10:40:06.5Z|2024-02-01 04:40:06.5 -0600 MDT" ]
check "containerd -06:00 to UTC, original kept" $?
[ "$(ts docker_events '2024-02-01T18:40:05.000000000+08:00 container kill 77aa (image=nginx, name=web, signal=9)')" = \
    "2024-02-01T10:40:05.000000000Z|2024-02-01T18:40:05.000000000+08:00" ]
check "Docker text +08:00 to UTC, original kept" $?
[ "$(ts dockerd 'time="2024-02-01T18:20:00.25+08:00" level=debug msg="Calling HEAD /_ping"')" = \
    "2024-02-01T10:20:00.25Z|2024-02-01T18:20:00.25+08:00" ]
check "dockerd +08:00 to UTC" $?
[ "$(ts k8s_audit '{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"get","requestReceivedTimestamp":"2024-02-01T10:00:00.000001Z","objectRef":{"resource":"pods"}}')" = \
    "2024-02-01T10:00:00.000001Z|null" ]
check "a UTC time is left as it was, no original" $?
# Over the whole corpus every time that reads as one ends in Z.
"$GANTRY" normalize corpus 2>/dev/null | jq -r 'select(.["@timestamp"] != null and .["@timestamp_original"] != null) | .["@timestamp"]' >"$T/changed"
"$GANTRY" normalize corpus 2>/dev/null | jq -r '.["@timestamp"] // empty' | grep -v 'Z$' | grep -c '^[0-9]\{4\}-[0-9][0-9]-[0-9][0-9][T ]' >"$T/nonz"
[ "$(cat "$T/nonz")" -eq 0 ] && ! grep -qv 'Z$' "$T/changed"
check "every ISO time in the corpus is UTC with Z" $?

# ---- --from / --to ----
"$GANTRY" compile -o "$T/rules.gpk" rules >/dev/null 2>&1
check "compile the shipped rules" $?
"$GANTRY" match -p "$T/rules.gpk" --format jsonl -q corpus/formats >"$T/all.jsonl"
FROM=2024-02-01T10:20:00Z TO=2024-02-01T10:30:00Z
jq -c --arg f "$FROM" --arg t "$TO" 'select(.event["@timestamp"] != null) | select((.event["@timestamp"] | sub("\\.[0-9]+Z$"; "Z") | fromdate) as $s | $s >= ($f | fromdate) and $s <= ($t | fromdate))' \
    "$T/all.jsonl" >"$T/expect.jsonl"
"$GANTRY" match -p "$T/rules.gpk" --format jsonl -q --from "$FROM" --to "$TO" --stats "$T/stats.json" corpus/formats >"$T/window.jsonl"
keys() { jq -r '"\(.file):\(.line) \(.rule.id)"' "$1"; }
[ -s "$T/window.jsonl" ] && [ "$(keys "$T/expect.jsonl")" = "$(keys "$T/window.jsonl")" ] && [ "$(wc -l <"$T/window.jsonl")" -lt "$(wc -l <"$T/all.jsonl")" ]
check "--from/--to keep exactly the matches inside the window" $?
jq -e '.outside_window > 0 and .lines == .events + .blank + .malformed + .joined' "$T/stats.json" >/dev/null
check "events outside the window are counted" $?
"$GANTRY" match -p "$T/rules.gpk" --format jsonl -q --from 2024-02-01T12:20:00+02:00 --to "$TO" corpus/formats | cmp -s - "$T/window.jsonl"
check "--from with an offset" $?
"$GANTRY" match -p "$T/rules.gpk" --format jsonl -q --from 3650d corpus/formats >"$T/rel.jsonl"
[ "$(wc -l <"$T/rel.jsonl")" -eq "$(jq -c 'select(.event["@timestamp"] != null)' "$T/all.jsonl" | wc -l)" ]
check "relative --from 3650d keeps every timed event" $?
"$GANTRY" match -p "$T/rules.gpk" --format jsonl -q --from 1h corpus/formats | [ "$(wc -l)" -eq 0 ]
check "relative --from 1h keeps none of the old corpus" $?
for bad in yesterday 2024-02-01 24x 2024-02-30T00:00:00Z ""; do
    "$GANTRY" match -p "$T/rules.gpk" --from "$bad" /nonexistent >/dev/null 2>"$T/err"
    [ $? -eq 2 ] && grep -q -- "--from takes" "$T/err" && ! grep -q nonexistent "$T/err" || {
        echo "  --from '$bad' not refused"
        false
    }
done
check "a malformed --from is refused with exit 2 before input" $?
"$GANTRY" match -p "$T/rules.gpk" --from "$TO" --to "$FROM" /nonexistent >/dev/null 2>"$T/err"
[ $? -eq 2 ] && grep -q "later than" "$T/err"
check "--from after --to is refused" $?

# A pack whose rules read no time still gets the time for the window.
cat >"$T/verb.gantry" <<'R'
rule any_create {
    title: "Create"
    level: low
    selection sel: { verb: "create" }
    condition: sel
}
R
for t in 2024-02-01T09:00:00Z 2024-02-01T11:00:00+01:00 2024-02-01T12:00:00Z; do
    printf '{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"create","requestReceivedTimestamp":"%s","objectRef":{"resource":"pods"}}\n' "$t"
done >"$T/times.jsonl"
[ "$("$GANTRY" match -r "$T/verb.gantry" --format jsonl -q --from 2024-02-01T09:30:00Z --to 2024-02-01T11:00:00Z "$T/times.jsonl" | jq -r .line | tr '\n' ' ')" = "2 " ]
check "the window with rules that read no time (offset converted)" $?

echo "time_window.sh: $fails failed"
[ "$fails" -eq 0 ]
