#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Input forms of `gantry match` (issue 15): Kubernetes EventList documents,
# JSON arrays, pretty-printed and concatenated JSON documents, .xz, .zst and
# .bz2 files, and a file where nothing can be read (exit 2). Every input line
# stays accounted for: lines = events + blank + malformed + joined, a
# document of several events counting once (the rest in `unpacked`).
set -u
BUILD=${BUILD:-build}
GANTRY="$BUILD/gantry"
T=$(mktemp -d "${TMPDIR:-/tmp}/gantry-input.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
fails=0
check() { # check NAME CONDITION-EXIT-STATUS
    if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi
}
for tool in jq xz zstd bzip2; do
    command -v $tool >/dev/null 2>&1 || { echo "skip: $tool is not installed"; exit 77; }
done

cat >"$T/rules.gantry" <<'RULES'
rule any_delete {
    id: "22222222-2222-4222-8222-222222222222"
    title: "Delete"
    level: low
    selection sel: { verb: "delete" }
    condition: sel
}
RULES
"$GANTRY" compile -o "$T/rules.gpk" "$T/rules.gantry" >/dev/null 2>&1
check "compile" $?
DEL='{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"delete","objectRef":{"resource":"pods","name":"a"}}'
GET='{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"get","objectRef":{"resource":"pods","name":"b"}}'
DEL2='{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"delete","objectRef":{"resource":"secrets","name":"c"}}'
LIST="{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"items\":[$DEL,$GET,$DEL2]}"

# match NAME FILE [options]: runs gantry, keeps output and stats
match() {
    name=$1 file=$2
    shift 2
    "$GANTRY" match -p "$T/rules.gpk" --format jsonl --stats "$T/$name.stats" "$@" "$file" \
        >"$T/$name.out" 2>"$T/$name.err"
}
# adds_up NAME LINES EVENTS UNPACKED MATCHES: the accounting of a run
adds_up() {
    jq -e --argjson l "$2" --argjson e "$3" --argjson u "$4" --argjson m "$5" \
        '.lines == $l and .events == $e and .unpacked == $u and .matches == $m and
         .lines == .events + .blank + .malformed + .joined' "$T/$1.stats" >/dev/null
    ok=$?
    [ $ok -eq 0 ] || { echo "     $1:"; jq -c '{lines,events,blank,malformed,joined,unpacked,unpacked_malformed,matches}' "$T/$1.stats"; }
    check "$1: lines $2, events $3, unpacked $4, matches $5, lines add up" $ok
}
names() { jq -r '.event.objectRef.name' "$T/$1.out" | tr '\n' ' '; }

printf '%s\n' "$LIST" >"$T/list.json"
match list "$T/list.json"
check "EventList on one line: exit 0" $?
[ "$(names list)" = "a c " ]
check "EventList on one line: its items are the events" $?
adds_up list 1 1 2 2

printf '%s\n' "$LIST" | jq . >"$T/pretty.json"
lines=$(wc -l <"$T/pretty.json")
match pretty "$T/pretty.json"
[ "$(names pretty)" = "a c " ] && [ "$(jq -r .line "$T/pretty.out" | sort -u)" = 1 ]
check "EventList pretty-printed: same events, at the document's first line" $?
adds_up pretty "$lines" 1 2 2

printf '[%s,%s,%s]\n' "$DEL" "$GET" "$DEL2" >"$T/array.json"
match array "$T/array.json"
[ "$(names array)" = "a c " ]
check "JSON array: each element an event" $?
adds_up array 1 1 2 2

{ printf '%s\n' "$DEL" | jq .; printf '%s\n' "$GET" | jq .; printf '%s%s\n' "$DEL2" "$GET"; } >"$T/concat.json"
lines=$(wc -l <"$T/concat.json")
match concat "$T/concat.json"
[ "$(names concat)" = "a c " ]
check "concatenated documents (pretty, and two on one line)" $?
# three units: two pretty documents and one line holding two documents
adds_up concat "$lines" 3 1 2

# Brackets and quotes inside strings are not structure: escaped quotes
# (an odd run of backslashes) stay in the string, an even run ends it. Two
# documents on one line, then a pretty one whose string holds "}{".
N1='{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"delete","objectRef":{"resource":"pods","name":"a","namespace":"q\\\"}{[\\\\"}}'
N2='{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"get","objectRef":{"resource":"pods","name":"b","namespace":"\\\\\\\"]}"}}'
N3='{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"delete","objectRef":{"resource":"secrets","name":"c","namespace":"}{\\\""}}'
{ printf '%s%s\n' "$N1" "$N2"; printf '%s\n' "$N3" | jq .; } >"$T/strings.json"
lines=$(wc -l <"$T/strings.json")
match strings "$T/strings.json"
# jq reads the same documents: the namespaces gantry saw are the ones it reads
[ "$(names strings)" = "a c " ] &&
    [ "$(jq -c '.event.objectRef.namespace' "$T/strings.out")" = \
        "$(printf '%s\n%s\n' "$N1" "$N3" | jq -c '.objectRef.namespace')" ]
check "quotes, backslashes and brackets inside strings are not structure" $?
adds_up strings "$lines" 2 1 2

# Strings holding brackets, escaped quotes and backslashes, at several
# offsets of the document scan's 16-byte blocks: they never end a document,
# so two documents on one line are still two events, read whole.
# shellcheck disable=SC1003 # a literal backslash ends the string
odd='x}]{["\\'
for pad in "" a ab abcdefghijklmno; do
    jq -cn --arg n "$pad$odd$odd\\\"]}" --arg u "/api/$pad{[\\\"}]" \
        '{kind:"Event",apiVersion:"audit.k8s.io/v1",verb:"delete",requestURI:$u,objectRef:{resource:"pods",name:$n}}'
done >"$T/odd.one"
while IFS= read -r doc; do printf '%s%s\n' "$doc" "$doc"; done <"$T/odd.one" >"$T/odd.json"
match odd "$T/odd.json"
[ "$(jq -r .event.objectRef.name "$T/odd.out")" = "$(jq -r .objectRef.name "$T/odd.one" | awk '{ print; print }')" ]
check "brackets, quotes and backslashes in strings: two documents a line, names intact" $?
adds_up odd 4 4 4 8

# A pretty document cut short, then a normal line: the cut one is one
# malformed unit over its lines, the next line still matches.
{ printf '%s\n' "$DEL" | jq . | head -n 4; printf '%s\n' "$DEL2"; } >"$T/cut.json"
match cut "$T/cut.json"
[ "$(names cut)" = "c " ]
check "a cut document does not swallow the next event" $?
jq -e '.malformed == 1 and .joined == 3 and .lines == 5 and .events == 1' "$T/cut.stats" >/dev/null
check "the cut document is one malformed unit over its 4 lines" $?

# JSON lines and a truncated line keep their old accounting
printf '%s\n{"kind":"Event","verb":"del\n%s\n' "$DEL" "$DEL2" >"$T/lines.jsonl"
match lines "$T/lines.jsonl"
[ "$(names lines)" = "a c " ] && grep -q "lines.jsonl:2: malformed" "$T/lines.err"
check "a truncated JSON line is one malformed line" $?
adds_up lines 3 2 0 2

# compressed forms give the matches of the plain file
printf '%s\n%s\n%s\n' "$DEL" "$GET" "$DEL2" >"$T/plain.jsonl"
match plain "$T/plain.jsonl"
for z in "xz:xz" "zstd:zst" "bzip2:bz2"; do
    tool=${z%%:*} ext=${z#*:}
    $tool -c "$T/plain.jsonl" >"$T/plain.jsonl.$ext" 2>/dev/null
    match "$ext" "$T/plain.jsonl.$ext"
    rc=$?
    [ $rc -eq 0 ] && [ "$(jq -c 'del(.file)' "$T/$ext.out")" = "$(jq -c 'del(.file)' "$T/plain.out")" ]
    check ".$ext: exit 0 and the same matches" $?
    # two streams one after the other read as one
    cat "$T/plain.jsonl.$ext" "$T/plain.jsonl.$ext" >"$T/twice.$ext"
    match "twice-$ext" "$T/twice.$ext"
    [ $? -eq 0 ] && [ "$(wc -l <"$T/twice-$ext.out")" -eq 4 ]
    check ".$ext: concatenated streams read whole" $?
    head -c $(($(wc -c <"$T/plain.jsonl.$ext") - 6)) "$T/plain.jsonl.$ext" >"$T/cut.$ext"
    match "cut-$ext" "$T/cut.$ext"
    [ $? -eq 2 ] && grep -q "cut.$ext" "$T/cut-$ext.err"
    check ".$ext: a truncated stream is an error naming the file (exit 2)" $?
done
# piped through standard input, compression is detected all the same
xz -c "$T/plain.jsonl" | "$GANTRY" match -p "$T/rules.gpk" --format jsonl - >"$T/stdin.out" 2>/dev/null
[ "$(wc -l <"$T/stdin.out")" -eq 2 ]
check "xz on standard input" $?

# nothing readable: an error with the reason
head -c 3000 /dev/urandom | od -An -tx1 >"$T/garbage.log"
match garbage "$T/garbage.log"
[ $? -eq 2 ] && grep -q "garbage.log: no event could be read" "$T/garbage.err"
check "a file with no readable event: exit 2 and the reason" $?
match garbage_more "$T/garbage.log" -q
[ $? -eq 2 ]
check "... also with --quiet" $?
: >"$T/empty.jsonl"
printf '\n\n' >"$T/blank.jsonl"
match empty "$T/empty.jsonl" && match blank "$T/blank.jsonl"
check "empty and blank-only files are fine (exit 0)" $?

# -j 2 with tiny chunks: output and accounting as -j 1. The reading thread
# leaves lines that open with an object to the workers to split (gjd_defer):
# documents sharing a line, an EventList on one line, text after a
# document, a second document left open, a line cut short.
printf '%s trailing text\n%s {\n%s {"kind":"Event",\n' "$DEL" "$DEL2" "$GET" >"$T/tails.json"
cat "$T/pretty.json" "$T/lines.jsonl" "$T/concat.json" "$T/array.json" "$T/cut.json" \
    "$T/list.json" "$T/strings.json" "$T/odd.json" "$T/tails.json" >"$T/mixed.json"
match mixed1 "$T/mixed.json"
GANTRY_MATCH_CHUNK_LINES=2 match mixed2 "$T/mixed.json" -j 2
timing='del(.seconds, .events_per_second, .pack_load_seconds, .max_rss_kb)'
cmp -s "$T/mixed1.out" "$T/mixed2.out" &&
    [ "$(grep -v ' events/s$' "$T/mixed1.err")" = "$(grep -v ' events/s$' "$T/mixed2.err")" ] &&
    [ "$(jq -c "$timing" "$T/mixed1.stats")" = "$(jq -c "$timing" "$T/mixed2.stats")" ]
check "-j 2 gives -j 1's output, messages and accounting" $?
jq -e '.lines == .events + .blank + .malformed + .joined' "$T/mixed1.stats" >/dev/null
check "mixed: lines add up" $?

echo "input_formats: $fails failed"
[ $fails -eq 0 ]
