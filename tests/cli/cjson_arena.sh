#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# gantry-test: plain-only
# gantry match takes cJSON's nodes from per-thread blocks (cli/common/
# cjson_arena.c): after warm-up no node costs a malloc, whatever the input's
# size, on one thread and with -j 2, with correlations (whose feeds -j keeps
# across threads) and without. GANTRY_CJSON_ARENA=stats counts the blocks
# taken from malloc and the requests passed to it; ten times the events
# must not take more of either beyond the warm-up bound, while the arena's
# own allocations grow tenfold. The output equals that of cJSON on malloc
# (GANTRY_CJSON_ARENA=0). Plain build only: under AddressSanitizer blocks
# are never reused, by design, so that a use after free stays visible.
set -u
BUILD=${BUILD:-build}
G="$BUILD/gantry"
T=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
fails=0
check() { # check NAME STATUS
    if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi
}

MAPS=""
for f in rules/mappings/*.yml; do [ -f "$f" ] && MAPS="$MAPS --mapping $f"; done
# shellcheck disable=SC2086
"$G" compile -o "$T/base.gpk" $MAPS rules/lists rules/t1610 rules/doki rules/kinsing >/dev/null 2>&1
check "compile the shipped packs" $?
# shellcheck disable=SC2086
"$G" compile -o "$T/corr.gpk" $MAPS rules/lists rules/t1610 rules/doki rules/kinsing \
    rules/correlations >/dev/null 2>&1
check "compile the shipped packs with correlations" $?

# Kubernetes audit, Docker and Falco events of the corpus, repeated; the
# line's number makes every copy an event of its own
{ gzip -dc corpus/benign/k8s-audit.jsonl.gz corpus/benign/docker-events.jsonl.gz \
    corpus/benign/falco.jsonl.gz; cat corpus/correlations/*.jsonl; } | grep '^{' >"$T/one.jsonl"
: >"$T/small.jsonl"
: >"$T/large.jsonl"
i=0
while [ $i -lt 3 ]; do cat "$T/one.jsonl" >>"$T/small.jsonl"; i=$((i + 1)); done
i=0
while [ $i -lt 10 ]; do cat "$T/small.jsonl" >>"$T/large.jsonl"; i=$((i + 1)); done
echo "     $(wc -l <"$T/small.jsonl") and $(wc -l <"$T/large.jsonl") events"

# counters PACK JOBS INPUT: "allocations blocks large" of the arena
counters() {
    GANTRY_CJSON_ARENA=stats "$G" match -p "$1" -j "$2" --format jsonl --quiet "$3" \
        2>&1 >"$T/out" | sed -n 's/^gantry: cJSON arena: \([0-9]*\) allocations, \([0-9]*\) blocks, \([0-9]*\) large$/\1 \2 \3/p'
}

for pack in base corr; do
    for j in 1 2; do
        set -- $(counters "$T/$pack.gpk" $j "$T/small.jsonl") x x x
        sa=$1 sb=$2 sl=$3
        set -- $(counters "$T/$pack.gpk" $j "$T/large.jsonl") x x x
        la=$1 lb=$2 ll=$3
        echo "     $pack -j $j: $sa/$la allocations, $sb/$lb blocks, $sl/$ll large"
        # the warm-up bound: a thread's current blocks and cache, and the
        # feeds of the chunks in flight (a pool of 256 blocks)
        bound=$((sb + (j == 1 ? 4 : 300)))
        case "$sa$la$sb$lb" in *[!0-9]*) ok=1 ;;
        *) [ "$la" -ge $((sa * 9)) ] && [ "$lb" -le "$bound" ] && [ "$ll" -le "$sl" ]
           ok=$? ;;
        esac
        check "$pack -j $j: ten times the events, no more blocks nor large requests from malloc" $ok
    done
done

# the arena changes nothing in the output
for j in 1 2; do
    "$G" match -p "$T/corr.gpk" -j $j --format jsonl --quiet "$T/small.jsonl" >"$T/arena.out" 2>&1
    GANTRY_CJSON_ARENA=0 "$G" match -p "$T/corr.gpk" -j $j --format jsonl --quiet \
        "$T/small.jsonl" >"$T/malloc.out" 2>&1
    [ -s "$T/arena.out" ] && cmp -s "$T/arena.out" "$T/malloc.out"
    check "-j $j: the output with the arena equals cJSON on malloc ($(wc -l <"$T/arena.out") lines)" $?
done
[ "$fails" -eq 0 ]
