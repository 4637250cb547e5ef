# SPDX-License-Identifier: Apache-2.0
# Sourced by the differential tests (tests/cli/optimize_diff.sh,
# tests/cli/reader_diff.sh): `gantry match` run two ways over the same packs
# and inputs must give the same matches, messages, accounting and exit
# status, and so must -j 2. The sourcing script sets G (the gantry binary),
# T (its scratch directory) and INPUTS, compiles its packs into $T/*.gpk
# with `compile`, then calls `diff_packs` and `diff_end`.

fails=0
checks=0
# what could not run for want of ../shared: the rest runs, then exit 77
missing=""
check() { # check NAME STATUS
    checks=$((checks + 1))
    if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi
}

compile() { # compile NAME ARGS...
    name=$1
    shift
    "$G" compile -o "$T/$name.gpk" "$@" >"$T/$name.compile" 2>&1
    check "compile $name" $?
}

# add_real_corpus: ../shared/corpus-real joins INPUTS when present
add_real_corpus() {
    if [ -d ../shared/corpus-real ]; then
        INPUTS="$INPUTS ../shared/corpus-real"
    else
        echo "skip ../shared/corpus-real: absent"
        missing="$missing ../shared/corpus-real"
    fi
}

# diff_run MODE OUT PACK ARGS...: one `gantry match --optimize=MODE`; the
# messages kept with the summary's timing taken out, the --stats without
# the figures that differ from run to run
diff_run() {
    mode=$1
    out=$2
    pack=$3
    shift 3
    GANTRY_MATCH_CHUNK_LINES=${GANTRY_MATCH_CHUNK_LINES:-} "$G" match --optimize="$mode" -p "$pack" \
        --format jsonl --stats "$out.stats" "$@" $INPUTS >"$out.jsonl" 2>"$out.err"
    echo $? >"$out.rc"
    sed 's/; [0-9.]* s, [0-9]* events\/s$//' "$out.err" >"$out.msg"
    jq -S 'del(.seconds, .events_per_second, .pack_load_seconds, .max_rss_kb)' "$out.stats" \
        >"$out.acct"
}

# diff_packs MODE WHAT: every $T/*.gpk with --optimize=0 and with MODE
# (WHAT names MODE in the checks), and both with -j 2 in chunks of 5 lines
# (chunk boundaries fall inside joined dockerd and Dashboard events).
# Results: $T/NAME-plain.jsonl and $T/NAME-MODE.jsonl.
diff_packs() {
    with=$1
    what=$2
    for p in "$T"/*.gpk; do
        name=$(basename "$p" .gpk)
        diff_run 0 "$T/$name-plain" "$p"
        diff_run "$with" "$T/$name-$with" "$p"
        GANTRY_MATCH_CHUNK_LINES=5 diff_run "$with" "$T/$name-j2" "$p" -j 2
        # -j 2 has messages of its own (correlations keep one thread)
        GANTRY_MATCH_CHUNK_LINES=5 diff_run 0 "$T/$name-plain-j2" "$p" -j 2
        n=$(wc -l <"$T/$name-plain.jsonl")
        cmp -s "$T/$name-plain.jsonl" "$T/$name-$with.jsonl"
        check "$name: matches identical with and without $what ($n matches)" $?
        cmp -s "$T/$name-plain.msg" "$T/$name-$with.msg"
        check "$name: messages identical" $?
        cmp -s "$T/$name-plain.acct" "$T/$name-$with.acct" && cmp -s "$T/$name-plain.rc" "$T/$name-$with.rc"
        check "$name: accounting and exit status identical" $?
        cmp -s "$T/$name-plain.jsonl" "$T/$name-j2.jsonl" && cmp -s "$T/$name-plain-j2.msg" "$T/$name-j2.msg" &&
            cmp -s "$T/$name-plain.acct" "$T/$name-j2.acct"
        check "$name: -j 2 output, messages and accounting identical to -j 1" $?
    done
}

# diff_end NAME: the summary; exit 1 on a failure, 77 when ../shared was
# missing (the checks that could run passed)
diff_end() {
    echo "$1: $checks checks, $fails failed"
    [ "$fails" -eq 0 ] || exit 1
    if [ -n "$missing" ]; then
        echo "SKIP (in part): absent:$missing; the checks above ran without it"
        exit 77
    fi
    exit 0
}
