#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# gantry-test: plain-only
# The README's embedding snippet, taken from README.md between its markers
# (so the README cannot drift from the API), compiled against this tree's
# shared library and run on a shipped corpus file: it must report what `gantry
# match` reports, with the values of the fields each rule read.
set -u
BUILD=${BUILD:-build}
GANTRY=$BUILD/gantry
[ -x "$GANTRY" ] && [ -f "$BUILD/libgantry.so" ] || { echo "readme_embed.sh: $BUILD is not built"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "readme_embed.sh: FAIL: $*"; exit 1; }

sed -n '/<!-- readme-embed:begin -->/,/<!-- readme-embed:end -->/p' README.md |
    sed '1,2d;$d' | sed '$d' > "$tmp/app.c"
grep -q 'gantry_session_new' "$tmp/app.c" || fail "no snippet between the README markers"
cc -std=c11 -Wall -Wextra -Werror -Iinclude -o "$tmp/app" "$tmp/app.c" -L"$BUILD" -lgantry \
    -Wl,-rpath,"$PWD/$BUILD" || fail "the snippet does not compile"

"$GANTRY" compile -o "$tmp/pack.gpk" rules > /dev/null || fail "gantry compile rules"
input=corpus/t1610/privileged_container_deployed.pos.log
"$tmp/app" "$tmp/pack.gpk" < "$input" > "$tmp/out" || fail "the snippet exited $?"
"$GANTRY" match -p "$tmp/pack.gpk" --format jsonl --quiet "$input" |
    jq -r 'select(.rule) | "line \(.line): \(.rule.title)"' > "$tmp/want"
[ -s "$tmp/want" ] || fail "gantry match found nothing in $input"
grep '^line ' "$tmp/out" | sed 's/ \[.*//' > "$tmp/got"
cmp -s "$tmp/want" "$tmp/got" || { diff "$tmp/want" "$tmp/got"; fail "matches differ"; }
grep -q '^    event.action = create$' "$tmp/out" || fail "matched values missing: $(head -5 "$tmp/out")"
grep -q '\[privileged_container_deployed\]' "$tmp/out" || fail "rule name missing"
echo "readme_embed.sh: ok"
