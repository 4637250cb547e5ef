#!/bin/sh
# examples/embed: loads a pack and prints LINE<TAB>RULE_ID<TAB>TITLE for
# every match of the JSON lines on stdin. The pack is compiled here from a
# two-rule file with the gantry built in the same tree.
set -u
BUILD=${BUILD:-build}
EMBED=$BUILD/examples/embed
GANTRY=$BUILD/gantry
for bin in "$EMBED" "$GANTRY"; do
    [ -x "$bin" ] || { echo "embed.sh: $bin is not built"; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "embed.sh: FAIL: $*"; exit 1; }

cat > "$tmp/rules.gantry" <<'RULES'
rule exec_into_pod {
    id: "11111111-1111-4111-8111-111111111111"
    title: "Exec into a pod"
    level: medium
    selection sel: {
        verb: "create"
        objectRef.subresource: "exec"
    }
    condition: sel
}
rule forbidden {
    id: "22222222-2222-4222-8222-222222222222"
    title: "Forbidden request"
    level: low
    selection sel: { responseStatus.code: 403 }
    condition: sel
}
RULES
"$GANTRY" compile -o "$tmp/pack.gpk" "$tmp/rules.gantry" >/dev/null || fail "gantry compile"

cat > "$tmp/events.jsonl" <<'EVENTS'
{"verb":"create","objectRef":{"resource":"pods","subresource":"exec"},"responseStatus":{"code":201}}
{"verb":"get","responseStatus":{"code":"403"}}
not json
{"verb":"CREATE","objectRef":{"subresource":"exec"},"responseStatus":{"code":403}}
{"verb":"list"}
EVENTS
"$EMBED" "$tmp/pack.gpk" < "$tmp/events.jsonl" > "$tmp/out" 2> "$tmp/err" || fail "embed exited $?"
printf '1\t11111111-1111-4111-8111-111111111111\tExec into a pod
2\t22222222-2222-4222-8222-222222222222\tForbidden request
4\t11111111-1111-4111-8111-111111111111\tExec into a pod
4\t22222222-2222-4222-8222-222222222222\tForbidden request
' > "$tmp/expected"
cmp -s "$tmp/out" "$tmp/expected" || { diff "$tmp/expected" "$tmp/out"; fail "unexpected matches"; }
grep -q '^line 3: ' "$tmp/err" || fail "malformed line 3 not reported"

# an unloadable pack is refused with status 2 and a message
printf 'GANTRYPK' > "$tmp/bad.gpk"
"$EMBED" "$tmp/bad.gpk" < /dev/null 2> "$tmp/err2"
[ $? -eq 2 ] || fail "bad pack did not exit 2"
grep -q 'truncated' "$tmp/err2" || fail "bad pack message missing"
echo "embed.sh: ok"
