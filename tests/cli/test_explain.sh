#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `gantry test` explains a case that goes the wrong way: for each leaf of the
# rule's condition, whether it held on the event.
set -u
BUILD=${BUILD:-build}
G="$BUILD/gantry"
[ -x "$G" ] || { echo "test_explain.sh: $G is not built"; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "test_explain.sh: FAIL: $*"; exit 1; }
mkdir -p "$T/corpus"
cat > "$T/r.gantry" <<'RULES'
rule exec_as_admin {
    id: "cccccccc-0000-4000-8000-000000000001"
    title: "Exec as admin"
    level: high
    selection verb_create: { verb: "create" }
    selection admin: { user.username: "admin" }
    condition: verb_create and not admin
}
RULES
# fires nothing: verb holds, "not admin" does not
echo '{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"create","user":{"username":"admin"}}' \
    > "$T/corpus/exec_as_admin.pos.jsonl"
echo '{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"get","user":{"username":"bob"}}' \
    > "$T/corpus/exec_as_admin.neg.jsonl"
"$G" test --corpus "$T/corpus" "$T/r.gantry" > "$T/out" 2>&1
[ $? -eq 1 ] || { cat "$T/out"; fail "a failing case does not exit 1"; }
grep -q 'condition leaves on this event:' "$T/out" || { cat "$T/out"; fail "no explanation"; }
grep -q '^ *true *selection verb_create$' "$T/out" || { cat "$T/out"; fail "verb_create should hold"; }
grep -q '^ *true *selection admin  (negated by the condition)$' "$T/out" ||
    { cat "$T/out"; fail "admin should hold, negated"; }
echo "test_explain.sh: ok"
