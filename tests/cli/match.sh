#!/bin/sh
# End-to-end tests of `gantry match`: output contract, accounting, .gz input,
# directories, stdin, filters and exit statuses.
set -u
BUILD=${BUILD:-build}
GANTRY="$BUILD/gantry"
T=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
fails=0
check() { # check NAME CONDITION-EXIT-STATUS
    if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi
}

cat >"$T/rules.gantry" <<'EOF'
rule priv_pod {
    id: "11111111-1111-4111-8111-111111111111"
    title: "Privileged pod"
    level: high
    tags: [attack.t1610]
    logsource: { product: kubernetes, service: audit }
    selection sel: {
        verb: "create"
        objectRef.resource: "pods"
        requestObject.spec.containers.securityContext.privileged: true
    }
    condition: sel
}
rule any_delete {
    id: "22222222-2222-4222-8222-222222222222"
    title: "Delete"
    level: low
    selection sel: { verb: "delete" }
    condition: sel
}
EOF

POD='{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"create","objectRef":{"resource":"pods","namespace":"default"},"requestObject":{"spec":{"containers":[{"name":"a","image":"nginx"},{"name":"b","image":"busybox","securityContext":{"privileged":true}}]}}}'
SAFE='{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"create","objectRef":{"resource":"pods"},"requestObject":{"spec":{"containers":[{"name":"a","image":"nginx"}]}}}'
DEL='{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"delete","objectRef":{"resource":"pods"}}'
{
    echo "$POD"
    echo ""
    echo "$SAFE"
    echo '{"kind": "Event", "verb": "crea'
    echo "   "
    echo "$DEL"
    echo 'this is not json at all'
    printf '%s' "$POD" # last line without a newline
} >"$T/events.jsonl"

"$GANTRY" compile -o "$T/rules.gpk" "$T/rules.gantry" >"$T/compile.out" 2>&1
check "compile exits 0" $?
grep -q "2 rules" "$T/compile.out"
check "compile summary counts rules" $?

"$GANTRY" match -p "$T/rules.gpk" --format jsonl --stats "$T/stats.json" "$T/events.jsonl" \
    >"$T/out.jsonl" 2>"$T/err.txt"
check "match exits 0 with malformed lines" $?
[ "$(wc -l <"$T/out.jsonl")" -eq 3 ]
check "three matches printed" $?
[ "$(jq -r '.line' "$T/out.jsonl" | tr '\n' ' ')" = "1 6 8 " ]
check "match lines are 1 6 8" $?
[ "$(jq -r 'select(.line==1) | .rule.id' "$T/out.jsonl")" = "11111111-1111-4111-8111-111111111111" ]
check "rule id in output" $?
jq -e -s 'map(select(.line==1))[0] | .rule.level == "high" and .rule.tags == ["attack.t1610"] and .file != null and .event.verb == "create"' "$T/out.jsonl" >/dev/null
check "output contract keys" $?
jq -e '.lines == 8 and .events == 4 and .blank == 2 and .malformed == 2 and .matches == 3 and .matched_events == 3' "$T/stats.json" >/dev/null
check "stats accounting" $?
jq -e '.lines == .events + .blank + .malformed + .joined' "$T/stats.json" >/dev/null
check "lines add up" $?
jq -e '.per_rule["11111111-1111-4111-8111-111111111111"] == 2 and (.seconds | type) == "number"' "$T/stats.json" >/dev/null
check "per_rule and seconds" $?
grep -q "events.jsonl:4: malformed" "$T/err.txt" && grep -q "events.jsonl:7: malformed" "$T/err.txt"
check "malformed lines reported with line numbers" $?
grep -q "^gantry: 8 lines" "$T/err.txt"
check "summary line" $?

gzip -c "$T/events.jsonl" >"$T/events.jsonl.gz"
"$GANTRY" match -p "$T/rules.gpk" --format jsonl --stats "$T/stats-gz.json" "$T/events.jsonl.gz" \
    >"$T/out-gz.jsonl" 2>/dev/null
check "gz exits 0" $?
[ "$(jq -c 'del(.file)' "$T/out-gz.jsonl")" = "$(jq -c 'del(.file)' "$T/out.jsonl")" ]
check "gz gives the same matches" $?
jq -e '.lines == 8 and .malformed == 2' "$T/stats-gz.json" >/dev/null
check "gz accounting" $?

head -c 100 "$T/events.jsonl.gz" >"$T/truncated.jsonl.gz"
"$GANTRY" match -p "$T/rules.gpk" -q "$T/truncated.jsonl.gz" >/dev/null 2>&1
[ $? -eq 2 ]
check "truncated gzip is an I/O error (exit 2)" $?

mkdir -p "$T/dir/sub"
cp "$T/events.jsonl" "$T/dir/a.jsonl"
cp "$T/events.jsonl.gz" "$T/dir/sub/b.jsonl.gz"
"$GANTRY" match -p "$T/rules.gpk" --format jsonl -q "$T/dir" >"$T/out-dir.jsonl" 2>/dev/null
[ "$(wc -l <"$T/out-dir.jsonl")" -eq 6 ]
check "directory read recursively" $?

"$GANTRY" match -r "$T/rules.gantry" --format jsonl -q - <"$T/events.jsonl" >"$T/out-stdin.jsonl" 2>/dev/null
[ "$(jq -r '.file' "$T/out-stdin.jsonl" | sort -u)" = "<stdin>" ] && [ "$(wc -l <"$T/out-stdin.jsonl")" -eq 3 ]
check "stdin with -r rules" $?

"$GANTRY" match -p "$T/rules.gpk" --format jsonl --min-level medium -q "$T/events.jsonl" >"$T/out-min.jsonl" 2>/dev/null
[ "$(wc -l <"$T/out-min.jsonl")" -eq 2 ]
check "--min-level filters" $?

"$GANTRY" match -p "$T/rules.gpk" --format jsonl --count -q "$T/events.jsonl" >"$T/out-count.jsonl" 2>/dev/null
jq -e -s 'length == 2 and .[0].count == 2 and .[1].count == 1' "$T/out-count.jsonl" >/dev/null
check "--count" $?

"$GANTRY" match -p "$T/rules.gpk" --format jsonl --fields rule -q "$T/events.jsonl" >"$T/out-fields.jsonl" 2>/dev/null
jq -e -s '.[0].event | has("verb") and has("objectRef.resource") and (has("requestObject") | not)' "$T/out-fields.jsonl" >/dev/null
check "--fields prints only what the rule read" $?

"$GANTRY" match -p "$T/rules.gpk" --format text -q "$T/events.jsonl" >"$T/out.txt" 2>/dev/null
grep -q "^-                    high          Privileged pod  .*events.jsonl:1$" "$T/out.txt"
check "text format" $?

"$GANTRY" match -p "$T/rules.gpk" --fail-on-match -q "$T/events.jsonl" >/dev/null 2>&1
[ $? -eq 1 ]
check "--fail-on-match with a match exits 1" $?
echo "$SAFE" | "$GANTRY" match -p "$T/rules.gpk" --fail-on-match -q >/dev/null 2>&1
check "--fail-on-match without a match exits 0" $?
"$GANTRY" match -p "$T/rules.gpk" -q "$T/missing.jsonl" >/dev/null 2>&1
[ $? -eq 2 ]
check "missing input exits 2" $?
printf 'not a pack' >"$T/bad.gpk"
"$GANTRY" match -p "$T/bad.gpk" "$T/events.jsonl" >/dev/null 2>"$T/bad.err"
[ $? -eq 2 ] && grep -q "bad.gpk" "$T/bad.err"
check "unloadable pack exits 2 with a message" $?
"$GANTRY" match --bogus >/dev/null 2>&1
[ $? -eq 2 ]
check "usage error exits 2" $?
"$GANTRY" match -p "$T/rules.gpk" --max-line-bytes 100 --stats "$T/stats-long.json" -q "$T/events.jsonl" >/dev/null 2>&1
jq -e '.malformed == 5 and .events == 1 and .lines == 8' "$T/stats-long.json" >/dev/null
check "--max-line-bytes counts long lines as malformed" $?

"$GANTRY" version | grep -q "^gantry "
check "version" $?
"$GANTRY" help match | grep -q -- "--fail-on-match"
check "help match" $?

echo "match.sh: $fails failed"
[ "$fails" -eq 0 ]
