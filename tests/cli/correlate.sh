#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `gantry match` with correlations, end to end: the correlation object of
# docs/output.md, the `correlations` counters of --stats, rules that only feed
# correlations kept quiet, --state-memory (a budget that holds, and one too
# small to start), --out-of-order, events without @timestamp, --fail-on-match,
# and the shipped pack over corpus/correlations.
set -u
BUILD=${BUILD:-build}
GANTRY="$BUILD/gantry"
[ -x "$GANTRY" ] || { echo "correlate.sh: $GANTRY is not built"; exit 1; }
command -v jq > /dev/null || { echo "SKIP: jq is not installed (make deps installs it)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
checks=0
check() { # check DESCRIPTION COMMAND...
    desc=$1
    shift
    checks=$((checks + 1))
    if "$@" > /dev/null 2>&1; then
        echo "ok   $desc"
    else
        echo "FAIL $desc"
        failed=$((failed + 1))
    fi
}
jqt() { # jqt FILE FILTER: true when the filter yields true
    [ "$(jq -r "$2" "$1" 2>/dev/null)" = "true" ]
}

cat > "$tmp/r.gantry" <<'RULES'
rule create {
    id: "aaaaaaaa-0000-4000-8000-000000000001" title: "Create" level: low
    condition: act: "create"
}
rule start {
    id: "aaaaaaaa-0000-4000-8000-000000000002" title: "Start" level: low
    condition: act: "start"
}
rule denied {
    id: "aaaaaaaa-0000-4000-8000-000000000004" title: "Denied" level: low
    condition: act: "denied"
}
sequence create_then_start {
    id: "aaaaaaaa-0000-4000-8000-000000000003" title: "Create then start" level: high
    tags: [attack.t1610]
    steps: [create, start] within: 5m by: [cid]
}
correlation probing {
    id: "aaaaaaaa-0000-4000-8000-000000000005" title: "Probing" level: medium
    type: event_count rules: [denied] group_by: [user] timespan: 10m condition: gte 3
    generate: true
}
RULES
"$GANTRY" compile -o "$tmp/p.gpk" "$tmp/r.gantry" > /dev/null 2>&1 || {
    echo "correlate.sh: the test rules do not compile"
    exit 1
}

# A sequence and a count in one stream; c2 starts too late, bob is denied twice.
cat > "$tmp/ev.jsonl" <<'EV'
{"@timestamp":"2026-01-01T00:00:00Z","act":"create","cid":"c1"}
{"@timestamp":"2026-01-01T00:00:01Z","act":"denied","user":"eve"}
{"@timestamp":"2026-01-01T00:00:30Z","act":"create","cid":"c2"}
{"@timestamp":"2026-01-01T00:01:00Z","act":"denied","user":"eve"}
{"@timestamp":"2026-01-01T00:01:30Z","act":"denied","user":"bob"}
{"@timestamp":"2026-01-01T00:02:00Z","act":"start","cid":"c1"}
{"@timestamp":"2026-01-01T00:03:00Z","act":"denied","user":"eve"}
{"@timestamp":"2026-01-01T00:04:00Z","act":"denied","user":"bob"}
{"@timestamp":"2026-01-01T00:05:30.000000001Z","act":"start","cid":"c2"}
EV
"$GANTRY" match -p "$tmp/p.gpk" --stats "$tmp/st.json" "$tmp/ev.jsonl" > "$tmp/out" 2> "$tmp/err"
rc=$?
check "match exits 0 without --fail-on-match" [ "$rc" -eq 0 ]
jq -c 'select(.correlation)' "$tmp/out" > "$tmp/corr" 2>/dev/null
check "two correlation objects" [ "$(wc -l < "$tmp/corr")" -eq 2 ]
jq -c 'select(.correlation.name == "create_then_start")' "$tmp/corr" > "$tmp/seq"
check "the sequence fires once, for c1 only" [ "$(wc -l < "$tmp/seq")" -eq 1 ]
check "correlation names id, title, level, type and tags" jqt "$tmp/seq" \
    '.correlation.id == "aaaaaaaa-0000-4000-8000-000000000003" and .correlation.title == "Create then start" and .correlation.level == "high" and .correlation.type == "temporal_ordered" and .correlation.tags == ["attack.t1610"]'
check "group key" jqt "$tmp/seq" '.group == {"cid":"c1"}'
check "window first and last" jqt "$tmp/seq" \
    '.window.first == "2026-01-01T00:00:00.000000000Z" and .window.last == "2026-01-01T00:02:00.000000000Z"'
check "value and file/line/rule of each event" jqt "$tmp/seq" \
    '.value == 2 and ([.events[] | [(.file | endswith("ev.jsonl")), .line, .rule]] == [[true,1,"aaaaaaaa-0000-4000-8000-000000000001"],[true,6,"aaaaaaaa-0000-4000-8000-000000000002"]])'
check "the count fires for eve with her three events" jqt "$tmp/corr" \
    'select(.correlation.name == "probing") | .group == {"user":"eve"} and .value == 3 and ([.events[].line] == [2,4,7])'
check "rules that only feed correlations are not printed" \
    [ "$(jq -c 'select(.rule.id == "aaaaaaaa-0000-4000-8000-000000000001" or .rule.id == "aaaaaaaa-0000-4000-8000-000000000002")' "$tmp/out" | wc -l)" -eq 0 ]
check "generate: true keeps the counted rule printed" \
    [ "$(jq -c 'select(.rule.id == "aaaaaaaa-0000-4000-8000-000000000004")' "$tmp/out" | wc -l)" -eq 5 ]
check "stats: fed, matches, reported" jqt "$tmp/st.json" \
    '.correlations.fed == 9 and .correlations.matches == 2 and .correlations.reported == 2'
check "stats: nothing late, ungrouped or without time" jqt "$tmp/st.json" \
    '.correlations.late == 0 and .correlations.ungrouped == 0 and .correlations.time_fallbacks == 0'
check "stats: state accounted within the default budget" jqt "$tmp/st.json" \
    '.correlations.state_memory == 268435456 and .correlations.state_bytes_peak > 0 and .correlations.state_bytes_peak <= .correlations.state_memory'
check "summary line on stderr" grep -q "correlations: 2 matches (2 reported)" "$tmp/err"

# --fail-on-match counts correlation matches even when no rule is printed.
printf '%s\n' '{"@timestamp":"2026-01-01T00:00:00Z","act":"create","cid":"x"}' \
    '{"@timestamp":"2026-01-01T00:00:10Z","act":"start","cid":"x"}' > "$tmp/pair.jsonl"
"$GANTRY" match -q -p "$tmp/p.gpk" --fail-on-match "$tmp/pair.jsonl" > "$tmp/out" 2>&1
check "--fail-on-match: exit 1 on a correlation match alone" [ $? -eq 1 ]
printf '%s\n' '{"@timestamp":"2026-01-01T00:00:00Z","act":"create","cid":"x"}' > "$tmp/lone.jsonl"
"$GANTRY" match -q -p "$tmp/p.gpk" --fail-on-match "$tmp/lone.jsonl" > "$tmp/out" 2>&1
check "--fail-on-match: exit 0 when nothing fires" [ $? -eq 0 ]

# --out-of-order: the start arrives first, 10 s later in time than the create.
printf '%s\n' '{"@timestamp":"2026-01-01T00:00:20Z","act":"start","cid":"o"}' \
    '{"@timestamp":"2026-01-01T00:00:10Z","act":"create","cid":"o"}' > "$tmp/ooo.jsonl"
"$GANTRY" match -q -p "$tmp/p.gpk" --stats "$tmp/st.json" "$tmp/ooo.jsonl" > "$tmp/out" 2>&1
check "default tolerance (5 s): the create is late and nothing fires" \
    [ "$(grep -c '"correlation"' "$tmp/out")" -eq 0 ]
check "default tolerance: late counted" jqt "$tmp/st.json" '.correlations.late == 1'
"$GANTRY" match -q -p "$tmp/p.gpk" --out-of-order 30 --stats "$tmp/st.json" "$tmp/ooo.jsonl" \
    > "$tmp/out" 2>&1
check "--out-of-order 30: the swapped pair fires" [ "$(grep -c '"correlation"' "$tmp/out")" -eq 1 ]
check "--out-of-order 30: nothing late" jqt "$tmp/st.json" '.correlations.late == 0'
"$GANTRY" match -q -p "$tmp/p.gpk" --out-of-order x "$tmp/ooo.jsonl" > /dev/null 2>&1
check "--out-of-order refuses a non-number" [ $? -eq 2 ]

# Events without @timestamp take arrival order and are counted, with a warning.
printf '%s\n' '{"act":"create","cid":"n"}' '{"act":"start","cid":"n"}' > "$tmp/notime.jsonl"
"$GANTRY" match -p "$tmp/p.gpk" --stats "$tmp/st.json" "$tmp/notime.jsonl" > "$tmp/out" 2> "$tmp/err"
check "no @timestamp: still fires in arrival order" [ "$(grep -c '"correlation"' "$tmp/out")" -eq 1 ]
check "no @timestamp: counted" jqt "$tmp/st.json" '.correlations.time_fallbacks == 2'
check "no @timestamp: warned" grep -qi "timestamp" "$tmp/err"

# --state-memory: 30,000 distinct keys in a 1 MiB budget stay within it by
# evicting the least recently seen groups; a budget too small to start is refused.
awk 'BEGIN { for (i = 0; i < 30000; i++)
    printf "{\"@timestamp\":\"2026-01-01T00:00:%02d.%06dZ\",\"act\":\"create\",\"cid\":\"k%d\"}\n",
        int(i / 10000), i % 10000, i }' > "$tmp/many.jsonl"
"$GANTRY" match -q -p "$tmp/p.gpk" --state-memory 1048576 --stats "$tmp/st.json" \
    "$tmp/many.jsonl" > /dev/null 2>&1
check "--state-memory 1 MiB: runs" [ $? -eq 0 ]
check "--state-memory 1 MiB: budget recorded and never exceeded" jqt "$tmp/st.json" \
    '.correlations.state_memory == 1048576 and .correlations.state_bytes_peak <= 1048576'
check "--state-memory 1 MiB: least recently seen groups evicted" jqt "$tmp/st.json" \
    '.correlations.groups_evicted > 0 and .correlations.groups_peak < 30000'
"$GANTRY" match -q -p "$tmp/p.gpk" --state-memory 1000 "$tmp/pair.jsonl" > /dev/null 2>&1
check "--state-memory too small to start: refused" [ $? -eq 2 ]

# The shipped packs over their correlation corpus: every correlation fires.
if "$GANTRY" compile -o "$tmp/shipped.gpk" rules > /dev/null 2>&1; then
    for f in corpus/correlations/*.pos.*; do
        name=$(basename "$f" | sed 's/\..*//')
        "$GANTRY" match -q -p "$tmp/shipped.gpk" "$f" > "$tmp/out" 2>&1
        check "shipped: $(basename "$f") fires $name" \
            [ "$(jq -c "select(.correlation.name == \"$name\")" "$tmp/out" | wc -l)" -ge 1 ]
    done
else
    echo "FAIL the shipped rules do not compile"
    failed=$((failed + 1))
fi

echo "correlate.sh: $checks checks, $failed failed"
[ "$failed" -eq 0 ]
