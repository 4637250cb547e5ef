#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# examples/filter: raw lines in on stdin, one JSON alert per line out, with
# rule masks from the command line (--disable/--enable KIND:VALUE) and
# --min-level. Every output line must be valid JSON carrying the rule's
# metadata, the values its fields took and the event.
set -u
BUILD=${BUILD:-build}
FILTER=$BUILD/examples/filter
GANTRY=$BUILD/gantry
for bin in "$FILTER" "$GANTRY"; do
    [ -x "$bin" ] || { echo "filter.sh: $bin is not built"; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "filter.sh: FAIL: $*"; exit 1; }
"$GANTRY" compile -o "$tmp/pack.gpk" rules > /dev/null || fail "gantry compile rules"
input=corpus/t1610/privileged_container_deployed.pos.log

"$FILTER" "$tmp/pack.gpk" < "$input" > "$tmp/all" || fail "filter exited $?"
jq -e -s 'length > 0 and all(.[]; .rule.id != null and .rule.name != "" and .event != null)' \
    "$tmp/all" > /dev/null || fail "alerts are not JSON with rule and event: $(head -c 300 "$tmp/all")"
"$GANTRY" match -p "$tmp/pack.gpk" --format jsonl --quiet "$input" |
    jq -r 'select(.rule) | "\(.line) \(.rule.id)"' | sort > "$tmp/want"
jq -r '"\(.line) \(.rule.id)"' "$tmp/all" | sort > "$tmp/got"
cmp -s "$tmp/want" "$tmp/got" || { diff "$tmp/want" "$tmp/got"; fail "alerts differ from gantry match"; }
jq -e -s 'any(.[]; .rule.name == "privileged_container_deployed"
                   and .fields["container.security_context.privileged"] == [true])' \
    "$tmp/all" > /dev/null || fail "the privileged rule's matched value is missing"

# masks: a disabled tag silences its rules, --enable brings one back by name
"$FILTER" "$tmp/pack.gpk" --disable tag:attack.t1610 < "$input" > "$tmp/masked" || fail "masked run"
jq -e -s 'all(.[]; (.rule.tags | index("attack.t1610")) == null)' "$tmp/masked" > /dev/null ||
    fail "a disabled tag still reported"
"$FILTER" "$tmp/pack.gpk" --disable tag:attack.t1610 --enable name:privileged_container_deployed \
    < "$input" > "$tmp/one" || fail "enable run"
[ "$(jq -r '.rule.name' "$tmp/one" | sort -u)" = privileged_container_deployed ] ||
    fail "--enable name: $(jq -r '.rule.name' "$tmp/one" | sort -u | tr '\n' ' ')"
"$FILTER" "$tmp/pack.gpk" --min-level high < "$input" > "$tmp/high" || fail "min-level run"
jq -e -s 'length > 0 and all(.[]; .rule.level == "high" or .rule.level == "critical")' \
    "$tmp/high" > /dev/null || fail "--min-level high let lower levels through"

# misuse: bad options and packs end with status 2 and a message
"$FILTER" "$tmp/pack.gpk" --disable colour:red < /dev/null 2> "$tmp/err"
[ $? -eq 2 ] || fail "unknown selector kind accepted"
"$FILTER" "$tmp/pack.gpk" --min-level severe < /dev/null 2> /dev/null
[ $? -eq 2 ] || fail "unknown level accepted"
printf 'GANTRYPK' > "$tmp/bad.gpk"
"$FILTER" "$tmp/bad.gpk" < /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q truncated "$tmp/err" || fail "bad pack not refused"
echo "filter.sh: ok"
