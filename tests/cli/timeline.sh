#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# gantry match --timeline (issue 17 point 4): the same matches, sorted by
# event time (ties and untimed matches in input order, untimed last), the
# results summary per level and per rule, and the bound on held matches.
# GOLDEN_UPDATE=1 rewrites the golden file.
set -u
BUILD=${BUILD:-build}
GANTRY="$BUILD/gantry"
GOLDEN=tests/golden/output
T=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
fails=0
check() { # check NAME CONDITION-EXIT-STATUS
    if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi
}
unset COLUMNS NO_COLOR
"$GANTRY" compile -o "$T/rules.gpk" rules >/dev/null 2>&1
check "compile the shipped rules" $?
IN="corpus/formats corpus/t1610/anonymous_k8s_write_request.pos.jsonl corpus/t1610/base64_decoded_shell_command.pos.jsonl"

# shellcheck disable=SC2086
"$GANTRY" match -p "$T/rules.gpk" --format jsonl -q $IN >"$T/plain.jsonl"
# shellcheck disable=SC2086
"$GANTRY" match -p "$T/rules.gpk" --format jsonl --timeline $IN >"$T/tl.jsonl" 2>"$T/tl.err"
check "--timeline exits 0" $?
# (the records' events carry every schema field with --timeline: compare
# the matches by file, line and rule)
keys() { jq -r '"\(.file):\(.line) \(.rule.id)"' "$1"; }
[ "$(keys "$T/plain.jsonl" | sort)" = "$(keys "$T/tl.jsonl" | sort)" ] && [ "$(keys "$T/plain.jsonl")" != "$(keys "$T/tl.jsonl")" ]
check "the same matches in another order" $?
jq -s -e '[.[] | .event["@timestamp"] | if . == null then null else (sub("\\.[0-9]+Z$"; "Z") | fromdate) end] as $t
          | ($t | map(select(. != null))) as $timed
          | ($timed == ($timed | sort)) and ($t | index(null)) as $first_null
          | ($first_null == null or ($t[$first_null:] | all(. == null)))' "$T/tl.jsonl" >/dev/null
check "sorted by event time, untimed last" $?
# Ties keep input order: within one time, lines follow the plain output's order.
jq -r '"\(.event["@timestamp"])|\(.file):\(.line)|\(.rule.id)"' "$T/plain.jsonl" | awk '{print NR "|" $0}' >"$T/plain.idx"
jq -r '"\(.event["@timestamp"])|\(.file):\(.line)|\(.rule.id)"' "$T/tl.jsonl" >"$T/tl.keys"
python3 - "$T/plain.idx" "$T/tl.keys" <<'PY'
import sys
order = {}
for l in open(sys.argv[1]):
    n, key = l.rstrip("\n").split("|", 1)
    order.setdefault(key, int(n))
seen = {}
prev = None
for l in open(sys.argv[2]):
    key = l.rstrip("\n")
    t = key.split("|", 1)[0]
    if prev and prev[0] == t:
        assert order[key] > prev[1], key
    prev = (t, order[key])
PY
check "ties in input order" $?
# The summary goes to stderr with jsonl; its counts add up per level.
grep -q "^Results summary: $(wc -l <"$T/plain.jsonl") matches" "$T/tl.err"
check "summary on stderr with the number of matches" $?
for level in critical high medium low informational; do
    want=$(jq -r --arg l "$level" 'select(.rule.level == $l)' "$T/plain.jsonl" | jq -s length)
    grep -q "^$level  *$want  " "$T/tl.err" || { echo "  $level: want $want"; false; } || break
done
check "summary counts per level" $?
want=$(jq -r 'select(.rule.id == "5da5bf5e-fb2f-4d36-8de5-66b19d8961db")' "$T/plain.jsonl" | jq -s length)
grep -q "^low  *$want  .*\[5da5bf5e-fb2f-4d36-8de5-66b19d8961db\]$" "$T/tl.err"
check "summary counts per rule" $?

# Text: the timeline and its summary on stdout (golden at a fixed width).
# shellcheck disable=SC2086
"$GANTRY" match -p "$T/rules.gpk" --format text --width 120 --timeline -q $IN >"$T/tl.txt"
if [ -n "${GOLDEN_UPDATE:-}" ]; then cp "$T/tl.txt" "$GOLDEN/match-timeline-w120.txt"; fi
cmp -s "$T/tl.txt" "$GOLDEN/match-timeline-w120.txt"
rc=$?
[ $rc -eq 0 ] || diff -u "$GOLDEN/match-timeline-w120.txt" "$T/tl.txt" | head -20
check "golden text timeline" $rc
# -j is ignored with --timeline: the same output.
# shellcheck disable=SC2086
"$GANTRY" match -p "$T/rules.gpk" --format text --width 120 --timeline -q -j2 $IN | cmp -s - "$T/tl.txt"
check "-j2 --timeline equals -j1" $?

# The bound: more matches than --timeline-limit is an error, nothing printed.
# shellcheck disable=SC2086
"$GANTRY" match -p "$T/rules.gpk" --format jsonl --timeline --timeline-limit 5 -q $IN >"$T/over.out" 2>"$T/over.err"
[ $? -eq 2 ] && [ ! -s "$T/over.out" ] && grep -q "more than 5 matches for --timeline" "$T/over.err"
check "past --timeline-limit: exit 2 and nothing printed" $?
"$GANTRY" match -p "$T/rules.gpk" --timeline-limit 0 /nonexistent >/dev/null 2>&1
[ $? -eq 2 ]
check "--timeline-limit 0 is refused" $?

echo "timeline.sh: $fails failed"
[ "$fails" -eq 0 ]
