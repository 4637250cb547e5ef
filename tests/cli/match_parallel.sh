#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `gantry match -j 2` gives the output, messages, accounting and exit status
# of -j 1, on the shipped packs over the corpus and on a pack above the
# lazy-path thresholds (48 rules, 48 regexes: lazy regex JIT and a lazily
# built prefilter class) over generated events of every source. Chunks of 5
# lines keep both workers busy. `make tsan-test` runs this in the
# ThreadSanitizer build, where a data race fails the run (exit 66).
set -u
BUILD=${BUILD:-build}
G="$BUILD/gantry"
command -v jq >/dev/null || { echo "SKIP: jq is not installed (make deps installs it)"; exit 77; }
T=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
fails=0
check() { # check NAME STATUS
    if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi
}

MAPS=""
for f in rules/mappings/*.yml; do [ -f "$f" ] && MAPS="$MAPS --mapping $f"; done
"$G" compile -o "$T/shipped.gpk" $MAPS rules/lists rules/t1610 rules/doki rules/kinsing >"$T/c1" 2>&1
check "compile the shipped packs" $?

# Rule i fires on "lit<i>-<digits>x"; a third each for Kubernetes, Docker
# and any source (the last make a class of their own for unknown events).
i=0
while [ $i -lt 48 ]; do
    case $((i % 3)) in 0) ls="logsource: { product: kubernetes }" ;;
    1) ls="logsource: { product: docker }" ;; *) ls="" ;; esac
    printf 'rule r%d {\n  id: "par-%d"\n  title: "parallel rule %d"\n  level: low\n  %s\n' \
        $i $i $i "$ls"
    printf '  selection lit: { msg|contains: "lit%d-" }\n' $i
    printf '  selection re: { msg|re: r"\\blit%d-[0-9]+x\\b" }\n  condition: lit and re\n}\n' $i
    i=$((i + 1))
done >"$T/lazy.gantry"
"$G" compile -o "$T/lazy.gpk" "$T/lazy.gantry" >"$T/c2" 2>&1
check "compile the 48-rule pack" $?
awk 'BEGIN { srand(7); split("k8s_audit docker_events falco -", mod, " ");
    for (e = 0; e < 2000; e++) {
        m = mod[e % 4 + 1]; msg = "";
        for (k = 0; k < 4; k++)
            msg = msg (k ? " " : "") "lit" int(rand() * 48) "-" int(rand() * 1000) (rand() < 0.6 ? "x" : "y");
        if (m == "-") printf "{\"msg\":\"%s\"}\n", msg;
        else printf "{\"event.module\":\"%s\",\"msg\":\"%s\"}\n", m, msg;
    } }' >"$T/events.jsonl"

# run NAME PACK INPUT JOBS
run() {
    GANTRY_MATCH_CHUNK_LINES=5 "$G" match -p "$2" --format jsonl --quiet --stats "$T/$1.stats" \
        -j "$4" "$3" >"$T/$1.out" 2>"$T/$1.err"
    echo $? >"$T/$1.rc"
    # times differ from run to run; everything else must not
    jq -S 'del(.seconds, .events_per_second, .pack_load_seconds, .max_rss_kb)' "$T/$1.stats" \
        >"$T/$1.acct" 2>/dev/null
}

for case in "shipped corpus" "lazy $T/events.jsonl"; do
    set -- $case
    name=$1 input=$2
    run "$name-j1" "$T/$name.gpk" "$input" 1
    run "$name-j2" "$T/$name.gpk" "$input" 2
    [ "$(cat "$T/$name-j2.rc")" = 0 ]
    check "$name: -j 2 exits 0 (no sanitizer report)" $?
    [ -s "$T/$name-j1.out" ]
    check "$name: -j 1 matches something ($(wc -l <"$T/$name-j1.out") matches)" $?
    cmp -s "$T/$name-j1.out" "$T/$name-j2.out" && cmp -s "$T/$name-j1.err" "$T/$name-j2.err" &&
        cmp -s "$T/$name-j1.acct" "$T/$name-j2.acct" && cmp -s "$T/$name-j1.rc" "$T/$name-j2.rc"
    check "$name: -j 2 output, messages, accounting and status equal -j 1" $?
done
# Through a pipe, plain and gzip: reads arrive in pieces, so the chunks'
# lines lie in reader blocks filled a read at a time (cli/common/input.c)
find corpus -type f -name '*.jsonl' | LC_ALL=C sort | xargs cat >"$T/piped.jsonl"
for form in plain gzip; do
    for j in 1 2; do
        if [ $form = plain ]; then
            cat "$T/piped.jsonl" | GANTRY_MATCH_CHUNK_LINES=5 "$G" match -p "$T/shipped.gpk" \
                --format jsonl --quiet -j $j - >"$T/pipe-$form-j$j.out" 2>&1
        else
            gzip -c "$T/piped.jsonl" | GANTRY_MATCH_CHUNK_LINES=5 "$G" match -p "$T/shipped.gpk" \
                --format jsonl --quiet -j $j - >"$T/pipe-$form-j$j.out" 2>&1
        fi
    done
    [ -s "$T/pipe-$form-j1.out" ] && cmp -s "$T/pipe-$form-j1.out" "$T/pipe-$form-j2.out"
    check "stdin through a pipe ($form): -j 2 output equals -j 1 ($(wc -l <"$T/pipe-$form-j1.out") lines)" $?
done
[ $fails -gt 0 ] && { echo "--- -j 2 messages:"; head -n 30 "$T"/*-j2.err; }
[ "$fails" -eq 0 ]
