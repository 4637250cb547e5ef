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

. tests/cli/embed_fixture.inc
embed_fixture "$tmp"
"$GANTRY" compile -o "$tmp/pack.gpk" "$tmp/rules.gantry" >/dev/null || fail "gantry compile"

"$EMBED" "$tmp/pack.gpk" < "$tmp/events.jsonl" > "$tmp/out" 2> "$tmp/err" || fail "embed exited $?"
cmp -s "$tmp/out" "$tmp/expected" || { diff "$tmp/expected" "$tmp/out"; fail "unexpected matches"; }
grep -q '^line 3: ' "$tmp/err" || fail "malformed line 3 not reported"

# an unloadable pack is refused with status 2 and a message
printf 'GANTRYPK' > "$tmp/bad.gpk"
"$EMBED" "$tmp/bad.gpk" < /dev/null 2> "$tmp/err2"
[ $? -eq 2 ] || fail "bad pack did not exit 2"
grep -q 'truncated' "$tmp/err2" || fail "bad pack message missing"
echo "embed.sh: ok"
