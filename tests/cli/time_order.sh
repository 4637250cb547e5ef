#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Time order over several inputs (issue 15): with a pack that has
# correlations, several inputs are merged by event time, so the shipped
# correlations fire on the corpus given as separate files in any order; and
# -j N matches in parallel and feeds the correlation stage in time order,
# output identical to -j 1 (on one input and on several).
set -u
BUILD=${BUILD:-build}
GANTRY="$BUILD/gantry"
T=$(mktemp -d "${TMPDIR:-/tmp}/gantry-order.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
fails=0
check() { # check NAME CONDITION-EXIT-STATUS
    if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi
}
command -v jq >/dev/null 2>&1 || { echo "skip: jq is not installed"; exit 77; }

"$GANTRY" compile -o "$T/shipped.gpk" rules/lists rules/t1610 rules/doki rules/kinsing \
    rules/correlations >/dev/null 2>&1
check "shipped pack compiles" $?

find corpus -type f ! -name '*.md' | LC_ALL=C sort >"$T/forward"
LC_ALL=C sort -r "$T/forward" >"$T/reversed"
# shellcheck disable=SC2046
"$GANTRY" match -p "$T/shipped.gpk" --format jsonl --stats "$T/fw.stats" $(cat "$T/forward") \
    >"$T/fw.out" 2>"$T/fw.err"
check "forward order: exit 0" $?
# shellcheck disable=SC2046
"$GANTRY" match -p "$T/shipped.gpk" --format jsonl --stats "$T/rv.stats" $(cat "$T/reversed") \
    >"$T/rv.out" 2>"$T/rv.err"
check "reversed order: exit 0" $?

# every correlation with a positive corpus case fires
ls corpus/correlations | sed -n 's/^\([a-z0-9_]*\)\.pos.*/\1/p' | sort -u >"$T/expected"
jq -r 'select(.correlation) | .correlation.name' "$T/fw.out" | sort -u >"$T/fired"
ok=0
[ "$(wc -l <"$T/expected")" -ge 5 ] || ok=1
[ -z "$(comm -23 "$T/expected" "$T/fired")" ] || ok=1
[ $ok -eq 0 ] || { echo "     expected: $(tr '\n' ' ' <"$T/expected")"; echo "     fired:    $(tr '\n' ' ' <"$T/fired")"; }
check "each of the $(wc -l <"$T/expected") shipped correlations fires over the corpus as separate files" $ok
jq -c 'select(.correlation)' "$T/fw.out" | sort >"$T/fw.corr"
jq -c 'select(.correlation)' "$T/rv.out" | sort >"$T/rv.corr"
[ -s "$T/fw.corr" ] && cmp -s "$T/fw.corr" "$T/rv.corr"
check "the same correlation matches whatever the order of the files" $?
jq -c 'select(.correlation | not) | [.file, .line, .rule.id]' "$T/fw.out" | sort >"$T/fw.base"
jq -c 'select(.correlation | not) | [.file, .line, .rule.id]' "$T/rv.out" | sort >"$T/rv.base"
cmp -s "$T/fw.base" "$T/rv.base"
check "the same base matches whatever the order of the files" $?
jq -e '.correlations.late == 0 and (.out_of_order | type) == "number" and
       .lines == .events + .blank + .malformed + .joined' "$T/fw.stats" >/dev/null
check "--stats: no late event, out_of_order counted, lines add up" $?

# out of order within one input is counted
DEL='{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"delete","objectRef":{"resource":"pods"},"stageTimestamp":"TS","requestReceivedTimestamp":"TS"}'
printf '%s\n' "$DEL" | sed 's/TS/2026-01-01T00:00:10Z/g' >"$T/a.jsonl"
printf '%s\n' "$DEL" | sed 's/TS/2026-01-01T00:00:05Z/g' >>"$T/a.jsonl"
printf '%s\n' "$DEL" | sed 's/TS/2026-01-01T00:00:07Z/g' >"$T/b.jsonl"
"$GANTRY" match -p "$T/shipped.gpk" --format jsonl --stats "$T/ooo.stats" "$T/a.jsonl" "$T/b.jsonl" \
    >/dev/null 2>&1
jq -e '.out_of_order == 1' "$T/ooo.stats" >/dev/null
check "an event earlier than one already matched is counted in out_of_order" $?

# -j 2 with correlations on one input: identical to -j 1, chunks cut small
cat corpus/correlations/*.jsonl >"$T/corr.jsonl"
for j in 1 2; do
    GANTRY_MATCH_CHUNK_LINES=3 "$GANTRY" match -p "$T/shipped.gpk" -j $j --out-of-order 100000 \
        --format jsonl --stats "$T/j$j.stats" "$T/corr.jsonl" >"$T/j$j.out" 2>"$T/j$j.err"
done
timing='del(.seconds, .events_per_second, .pack_load_seconds, .max_rss_kb)'
[ "$(grep -c '"correlation"' "$T/j1.out")" -gt 0 ] && cmp -s "$T/j1.out" "$T/j2.out" &&
    [ "$(grep -v ' events/s$' "$T/j1.err")" = "$(grep -v ' events/s$' "$T/j2.err")" ] &&
    [ "$(jq -c "$timing" "$T/j1.stats")" = "$(jq -c "$timing" "$T/j2.stats")" ]
check "-j 2 with correlations: output, messages and stats identical to -j 1" $?
# several inputs and -j N: merged by time with the matching on the workers,
# output, messages and statistics byte for byte those of -j 1, whatever the
# order of the files; chunks cut small so that inputs span several chunks
# and joined events and JSON documents meet chunk boundaries
awk 'BEGIN { srand(15) } { print rand() "\t" $0 }' "$T/forward" | LC_ALL=C sort | cut -f2- >"$T/shuffled"
for order in forward reversed shuffled; do
    for run in "1 4096" "2 4096" "2 3" "3 7"; do
        set -- $run
        # shellcheck disable=SC2046
        GANTRY_MATCH_CHUNK_LINES=$2 "$GANTRY" match -p "$T/shipped.gpk" -j "$1" --format jsonl \
            --stats "$T/m.stats" $(cat "$T/$order") >"$T/m-$order-$1-$2.out" 2>"$T/m.err"
        echo "rc $?" >>"$T/m.err"
        grep -v ' events/s$' "$T/m.err" >"$T/m-$order-$1-$2.err"
        jq -S "$timing" "$T/m.stats" >"$T/m-$order-$1-$2.acct"
    done
    same=0
    for run in 2-4096 2-3 3-7; do
        for part in out err acct; do
            cmp -s "$T/m-$order-1-4096.$part" "$T/m-$order-$run.$part" || {
                same=1
                echo "     $order -j ${run%-*} (chunks of ${run#*-} lines): $part differs"
            }
        done
    done
    [ "$(grep -c '"correlation"' "$T/m-$order-1-4096.out")" -ge 5 ] || same=1
    check "-j 2 and -j 3 over the corpus as separate files ($order): -j 1's output, messages and stats" $same
done
grep -q 'one thread' "$T"/m-*.err
check "-j N over several inputs no longer says it runs on one thread" $((!$?))

echo "time_order: $fails failed"
[ $fails -eq 0 ]
