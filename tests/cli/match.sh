#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
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
grep -q "^-                    high          Privileged pod \[[a-z_]*\]  .*events.jsonl:1$" "$T/out.txt"
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

# Logsource semantics: JSON of no recognised source has no logsource, so
# only rules without one run on it, unless --logsource (for the inputs after
# it), --logsource-map or --logsource-any says otherwise.
cat >"$T/zeek.gantry" <<'EOF'
rule rdp_open {
    title: "RDP from outside"
    logsource: { product: zeek, service: rdp }
    selection sel: { id.resp_p: 3389 }
    condition: not sel
}
rule plain {
    title: "Any kind"
    selection sel: { kind: 0 }
    condition: sel
}
EOF
echo '{"kind": 0}' >"$T/kind.json"
cp "$T/kind.json" "$T/kind2.json"
"$GANTRY" match -r "$T/zeek.gantry" --format jsonl "$T/kind.json" >"$T/ls.out" 2>/dev/null
[ "$(jq -r .rule.title "$T/ls.out" | tr '\n' ,)" = "Any kind," ]
check "a rule with a logsource does not run on unrecognised JSON" $?
"$GANTRY" match -r "$T/zeek.gantry" --format jsonl "$T/kind.json" \
    --logsource product=zeek,service=rdp "$T/kind2.json" >"$T/ls.out" 2>/dev/null
[ "$(jq -r '.file + ":" + .rule.title' "$T/ls.out" | sed "s|$T/||" | tr '\n' ,)" = \
    "kind.json:Any kind,kind2.json:RDP from outside,kind2.json:Any kind," ]
check "--logsource applies to the inputs after it" $?
printf '# pattern logsource\n*/kind2.json product=zeek,service=rdp\n' >"$T/ls.map"
"$GANTRY" match -r "$T/zeek.gantry" --format jsonl --logsource-map "$T/ls.map" \
    "$T/kind.json" "$T/kind2.json" >"$T/ls.out" 2>/dev/null
[ "$(jq -r '.file + ":" + .rule.title' "$T/ls.out" | sed "s|$T/||" | tr '\n' ,)" = \
    "kind.json:Any kind,kind2.json:RDP from outside,kind2.json:Any kind," ]
check "--logsource-map gives files their logsource" $?
"$GANTRY" match -r "$T/zeek.gantry" --format jsonl --logsource-any -j 2 "$T/kind.json" \
    >"$T/ls.out" 2>/dev/null
[ "$(wc -l <"$T/ls.out")" -eq 2 ]
check "--logsource-any runs every rule (-j 2)" $?
"$GANTRY" match -r "$T/zeek.gantry" --logsource product=zeek,bogus=1 "$T/kind.json" \
    >/dev/null 2>&1
[ $? -eq 2 ]
check "a malformed --logsource is a usage error" $?
"$GANTRY" match -p "$T/rules.gpk" -D trusted=x "$T/kind.json" >/dev/null 2>"$T/d.err"
[ $? -eq 2 ] && grep -q "not to a compiled pack" "$T/d.err"
check "-D with -p is a usage error" $?
"$GANTRY" match -r "$T/zeek.gantry" -D nothing=x "$T/kind.json" >/dev/null 2>"$T/d.err"
[ $? -eq 2 ] && grep -q "E075" "$T/d.err"
check "-D naming nothing fails the compile" $?

# Directories of real rule repositories: YAML that is no rule is skipped with
# W059; --keep-going writes the rules that compile and exits 3.
mkdir -p "$T/repo"
cat >"$T/repo/good.yml" <<'EOF'
title: Pod exec
id: 0b6f2f0e-3c1a-4d2b-9e8f-1a2b3c4d5e6f
status: test
level: medium
logsource: { product: kubernetes, service: audit }
detection:
    selection: { verb: create, objectRef.subresource: exec }
    condition: selection
EOF
cat >"$T/repo/bad.yml" <<'EOF'
title: Bad
id: 1c7a3f1e-4d2b-4e3c-8f9a-2b3c4d5e6f70
level: hihg
logsource: { product: kubernetes, service: audit }
detection:
    selection: { verb|contans: create }
    condition: selectoin
EOF
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n' >"$T/repo/manifest.yaml"
"$GANTRY" compile -o "$T/repo.gpk" "$T/repo" >/dev/null 2>"$T/repo.err"
[ $? -eq 1 ] && [ "$(grep -c 'error\[' "$T/repo.err")" -eq 3 ]
check "strict compile fails with every error of the bad file" $?
grep -q "manifest.yaml:1:1: warning\[W059\]" "$T/repo.err"
check "a Kubernetes manifest is skipped with W059" $?
"$GANTRY" compile --keep-going -o "$T/repo.gpk" "$T/repo" >"$T/repo.out" 2>"$T/repo.err"
[ $? -eq 3 ] && grep -q "1 rules" "$T/repo.out"
check "--keep-going writes the rules that compile and exits 3" $?
"$GANTRY" match -r "$T/repo" --keep-going --format jsonl "$T/kind.json" >/dev/null 2>&1
[ $? -eq 0 ]
check "match -r --keep-going runs the rules that compile" $?

"$GANTRY" version | grep -q "^gantry "
check "version" $?
"$GANTRY" help match | grep -q -- "--fail-on-match"
check "help match" $?

echo "match.sh: $fails failed"
[ "$fails" -eq 0 ]
