#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# examples/embed: loads a pack, reads raw lines through a session and
# prints SOURCE:LINE<TAB>RULE_ID<TAB>LEVEL<TAB>TITLE for every match, then
# the values of the fields the rule read. The pack is compiled here from a
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

# each match, then the values of the fields its rule read
"$EMBED" "$tmp/pack.gpk" < "$tmp/events.jsonl" > "$tmp/out" 2> "$tmp/err" || fail "embed exited $?"
cmp -s "$tmp/out" "$tmp/expected" || { diff "$tmp/expected" "$tmp/out"; fail "unexpected matches"; }
grep -q '5 lines, 4 events, 1 malformed, 4 matches' "$tmp/err" || fail "counts: $(cat "$tmp/err")"

# a raw dockerd create call and its form-data line are one event: the
# session joins them as `gantry match` does (same matches, same lines)
ls corpus/t1610/*.log >/dev/null 2>&1 || fail "corpus/t1610 has no .log files"
"$GANTRY" compile -o "$tmp/shipped.gpk" rules >/dev/null || fail "gantry compile rules"
: > "$tmp/all"
for f in corpus/t1610/*.pos.log; do
    "$GANTRY" match -p "$tmp/shipped.gpk" --format jsonl --quiet "$f" |
        jq -r 'select(.rule) | "\(.line)\t\(.rule.id)"' | sort > "$tmp/want"
    "$EMBED" "$tmp/shipped.gpk" < "$f" 2>/dev/null | grep -v '^	' | grep -v '^CORRELATION' |
        sed 's/^<stdin>://' | cut -f1,2 | sort > "$tmp/got"
    cat "$tmp/want" >> "$tmp/all"
    cmp -s "$tmp/want" "$tmp/got" || { diff "$tmp/want" "$tmp/got"; fail "$f: matches differ"; }
done
[ "$(wc -l < "$tmp/all")" -ge 10 ] || fail "gantry match found too little to compare"

# an unloadable pack is refused with status 2 and a message
printf 'GANTRYPK' > "$tmp/bad.gpk"
"$EMBED" "$tmp/bad.gpk" < /dev/null 2> "$tmp/err2"
[ $? -eq 2 ] || fail "bad pack did not exit 2"
grep -q 'truncated' "$tmp/err2" || fail "bad pack message missing"
echo "embed.sh: ok"
