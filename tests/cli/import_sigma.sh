#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# End-to-end tests of `gantry import-sigma` and of Sigma files in `gantry
# compile` / `gantry match -r`: conversion output, --explain, --mapping,
# errors and exit statuses.
set -u
BUILD=${BUILD:-build}
GANTRY="$BUILD/gantry"
T=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
fails=0
check() { # check NAME CONDITION-EXIT-STATUS
    if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi
}
FIX=tests/sigma/fixtures

"$GANTRY" import-sigma -o "$T/out" "$FIX" 2>"$T/err"
check "import-sigma converts the fixtures" $?
n=$(ls "$T/out"/*.gantry 2>/dev/null | wc -l)
[ "$n" -eq 4 ]; check "one file per rule (4)" $?
grep -q '^# Sigma rule by Gantry tests. Detection Rule License (DRL) 1.1: https://github.com/SigmaHQ/Detection-Rule-License$' "$T/out/k8s_exec.gantry"
check "DRL attribution line" $?
grep -q 'author: "Gantry tests"' "$T/out/k8s_exec.gantry" && grep -q 'license: "DRL-1.1"' "$T/out/k8s_exec.gantry"
check "author and license kept in metadata" $?
grep -q 'container.mounts.source|startswith' "$T/out/k8s_exec.gantry"
check "hostPath mapped to the schema" $?
grep -q '_filt1_admins' "$T/out/filter_and_global.gantry"
check "filter applied before conversion" $?

"$GANTRY" compile --values tests/sigma/placeholders.yml -o "$T/a.gpk" "$FIX" >/dev/null 2>&1
check "the YAML compiles" $?
"$GANTRY" compile --values tests/sigma/placeholders.yml -o "$T/b.gpk" "$T/out" >/dev/null 2>&1
check "the converted text compiles" $?
# The first line counts pack strings, which include the source file names
# (three YAML files against four converted ones).
"$GANTRY" disasm "$T/a.gpk" 2>&1 | tail -n +2 >"$T/a.txt" &&
    "$GANTRY" disasm "$T/b.gpk" 2>&1 | tail -n +2 >"$T/b.txt" && cmp -s "$T/a.txt" "$T/b.txt"
check "same code from YAML and from converted text" $?

"$GANTRY" import-sigma --explain "$FIX/k8s_exec.yml" >"$T/explain" 2>&1
check "--explain succeeds" $?
grep -q 'hostPath -> container.mounts.source  \[kubernetes_audit\]' "$T/explain"
check "--explain names field, target and mapping" $?

cat >"$T/map.yml" <<'EOF2'
name: my_k8s
logsource: {product: kubernetes}
fields:
    hostPath: volumes.host
EOF2
"$GANTRY" import-sigma --mapping "$T/map.yml" --explain "$FIX/k8s_exec.yml" >"$T/explain2" 2>&1
grep -q 'hostPath -> volumes.host  \[my_k8s\]' "$T/explain2"
check "--mapping FILE beats the shipped mapping" $?

cat >"$T/pipe.yml" <<'EOF2'
title: Old aggregation
logsource: {product: linux}
detection:
    sel: {A: 1}
    condition: sel | count() by B > 5
EOF2
"$GANTRY" import-sigma "$T/pipe.yml" >/dev/null 2>"$T/pipe.err"
[ $? -eq 1 ]; check "pipe aggregation: exit status 1" $?
grep -q 'pipe.yml:5:20: error\[E110\]: .*correlation rules' "$T/pipe.err"
check "pipe aggregation: E110 with position, names correlations" $?
"$GANTRY" import-sigma --bogus "$T/pipe.yml" >/dev/null 2>&1
[ $? -eq 2 ]; check "unknown option: exit status 2" $?

printf '%s\n' '{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"create","objectRef":{"resource":"pods","subresource":"exec","namespace":"default"},"user":{"username":"alice"}}' >"$T/ev.jsonl"
"$GANTRY" match -r "$FIX/k8s_exec.yml" "$T/ev.jsonl" >"$T/match.out" 2>&1
grep -q 'Exec into a pod (fixture)' "$T/match.out"
check "match -r takes a Sigma file" $?

"$GANTRY" import-sigma --explain tests/diagnostics/check/sigma_unknown_field.yml >/dev/null 2>"$T/explain.err"
grep -q "warning\[W030\]: .*fills field .verbb.; did you mean .verb.?" "$T/explain.err"
check "--explain warns on a field no source of the logsource fills (W030)" $?

[ "$fails" -eq 0 ]
