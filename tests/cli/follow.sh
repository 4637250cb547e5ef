#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# gantry match --follow (issue 15): lines appended to followed files are
# matched; rotation by rename and by copy-truncate, a file that appears
# later and a directory of rotated files lose and repeat nothing; a restart
# with --state goes on exactly where SIGTERM stopped the last run; a corrupt
# or foreign state file is refused (exit 2); SIGHUP swaps the pack, and a
# broken new pack keeps the old one. Every check waits for content with a
# generous deadline (a loaded machine is slow, never wrong), then compares
# the multiset of matched event ids with the one expected.
set -u
BUILD=${BUILD:-build}
GANTRY="$BUILD/gantry"
T=$(mktemp -d "${TMPDIR:-/tmp}/gantry-follow.XXXXXX")
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    [ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
fails=0
check() { # check NAME CONDITION-EXIT-STATUS
    if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi
}
command -v jq >/dev/null 2>&1 || { echo "skip: jq is not installed"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "skip: python3 is not installed"; exit 77; }
DEADLINE=${FOLLOW_DEADLINE:-30} # seconds any one expected output may take

cat >"$T/delete.gantry" <<'RULES'
rule any_delete {
    id: "22222222-2222-4222-8222-222222222222"
    title: "Delete"
    level: low
    selection sel: { verb: "delete" }
    condition: sel
}
RULES
cat >"$T/get.gantry" <<'RULES'
rule any_get {
    id: "33333333-3333-4333-8333-333333333333"
    title: "Get"
    level: low
    selection sel: { verb: "get" }
    condition: sel
}
RULES
"$GANTRY" compile -o "$T/delete.gpk" "$T/delete.gantry" >/dev/null 2>&1 &&
    "$GANTRY" compile -o "$T/get.gpk" "$T/get.gantry" >/dev/null 2>&1
check "packs compile" $?

# ev ID [VERB]: one audit event line
ev() {
    printf '{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"%s","verb":"%s","objectRef":{"resource":"pods"}}\n' \
        "$1" "${2:-delete}"
}
# ids FILE: the matched event ids, sorted, one a line
ids() { jq -r '.event.auditID' "$1" 2>/dev/null | LC_ALL=C sort; }
# expect LIST...: the ids, sorted, one a line
expect() { printf '%s\n' "$@" | LC_ALL=C sort; }
# wait_ids FILE LIST...: until every id of LIST was matched (or the deadline)
wait_ids() {
    f=$1
    shift
    end=$(($(date +%s) + DEADLINE))
    while [ "$(date +%s)" -le "$end" ]; do
        missing=0
        jq -r '.event.auditID' "$f" >"$T/seen" 2>/dev/null
        for id in "$@"; do
            grep -qx "$id" "$T/seen" || { missing=1; break; }
        done
        [ $missing -eq 0 ] && return 0
        sleep 0.1
    done
    echo "     gave up waiting for: $*"
    return 1
}
# wait_text FILE TEXT: until FILE holds TEXT
wait_text() {
    end=$(($(date +%s) + DEADLINE))
    while [ "$(date +%s)" -le "$end" ]; do
        grep -qF "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "     gave up waiting for '$2' in $1"
    return 1
}
# start NAME ARGS...: gantry match --follow in the background, output in
# $T/NAME.out and $T/NAME.err, its pid in $pid
start() {
    name=$1
    shift
    "$GANTRY" match --format jsonl --line-buffered --follow "$@" >"$T/$name.out" 2>"$T/$name.err" &
    pid=$!
    pids="$pids $pid"
}
# stop: SIGTERM, and the exit status of gantry in $rc
stop() {
    kill -TERM "$pid"
    wait "$pid"
    rc=$?
}
# same NAME FILE LIST...: FILE's matched ids are exactly LIST (a multiset)
same() {
    name=$1
    f=$2
    shift 2
    ids "$f" >"$T/got"
    expect "$@" >"$T/want"
    cmp -s "$T/got" "$T/want" || {
        echo "     want: $(tr '\n' ' ' <"$T/want")"
        echo "     got:  $(tr '\n' ' ' <"$T/got")"
        false
    }
    check "$name" $?
}

# ---- usage ----
"$GANTRY" match -p "$T/delete.gpk" --follow -j 2 "$T/x.log" >/dev/null 2>"$T/usage.err"
[ $? -eq 2 ] && grep -q 'without -j' "$T/usage.err"
check "--follow with -j: usage error, exit 2" $?
"$GANTRY" match -p "$T/delete.gpk" --follow - </dev/null >/dev/null 2>"$T/usage.err"
[ $? -eq 2 ] && grep -q 'standard input' "$T/usage.err"
check "--follow of standard input: usage error, exit 2" $?
"$GANTRY" match -p "$T/delete.gpk" --state "$T/s" "$T/x.log" >/dev/null 2>"$T/usage.err"
[ $? -eq 2 ] && grep -q 'goes with --follow' "$T/usage.err"
check "--state without --follow: usage error, exit 2" $?

# ---- (a) appended lines ----
ev a1 >"$T/a.log"
ev a2 get >>"$T/a.log"
start a -p "$T/delete.gpk" "$T/a.log"
wait_ids "$T/a.out" a1
check "(a) what the file holds at the start is matched" $?
# a3 and the start of a4 in one write: a4 has no newline yet, not a line
printf '%s\n%s' "$(ev a3)" "$(ev a4)" >>"$T/a.log"
wait_ids "$T/a.out" a3
check "(a) an appended line is matched while gantry runs" $?
! grep -q '"a4"' "$T/a.out"
check "(a) a partial last line is not matched before its newline" $?
printf '\n' >>"$T/a.log"
wait_ids "$T/a.out" a4
check "(a) a partial last line is matched once its newline comes" $?
stop
[ $rc -eq 0 ]
check "(a) SIGTERM: exit 0" $?
same "(a) each line matched once" "$T/a.out" a1 a3 a4

# ---- (b) rotation by rename ----
ev b1 >"$T/b.log"
start b -p "$T/delete.gpk" "$T/b.log"
wait_ids "$T/b.out" b1
ev b2 >>"$T/b.log"
mv "$T/b.log" "$T/b.log.1"
ev b3 >>"$T/b.log.1" # the writer still holds the old file
ev b4 >"$T/b.log"
ev b5 >>"$T/b.log"
wait_ids "$T/b.out" b2 b4 b5
check "(b) lines before and after a rename rotation are matched" $?
mv "$T/b.log" "$T/b.log.2"
ev b6 >"$T/b.log"
wait_ids "$T/b.out" b6
stop
same "(b) rename rotation: each line matched exactly once" "$T/b.out" b1 b2 b3 b4 b5 b6
grep -q 'replaced by a new file' "$T/b.err"
check "(b) the rotation is told on stderr" $?

# ---- (c) copy-truncate ----
ev c1 >"$T/c.log"
ev c2 >>"$T/c.log"
start c -p "$T/delete.gpk" "$T/c.log"
wait_ids "$T/c.out" c1 c2
cp "$T/c.log" "$T/c.log.1"
: >"$T/c.log"
ev c3 >>"$T/c.log"
wait_ids "$T/c.out" c3
check "(c) after copy-truncate the file is read from its start" $?
# truncated and longer again before gantry looks: the changed first bytes tell
ev c4 >>"$T/c.log"
wait_ids "$T/c.out" c4
cp "$T/c.log" "$T/c.log.2"
ev c5 >"$T/c.log"
ev c6 >>"$T/c.log"
ev c7 >>"$T/c.log"
wait_ids "$T/c.out" c5 c6 c7
stop
same "(c) copy-truncate: each line matched exactly once" "$T/c.out" c1 c2 c3 c4 c5 c6 c7
grep -q 'truncated; reading it again from the start' "$T/c.err"
check "(c) the truncation is told on stderr" $?

# ---- (d) a file that appears later ----
start d -p "$T/delete.gpk" "$T/d/later.log"
wait_text "$T/d.err" "does not exist yet; waiting for it"
check "(d) a missing file is waited for, and said so" $?
mkdir "$T/d"
ev d1 >"$T/d/later.log"
wait_ids "$T/d.out" d1
check "(d) a file that appears later is picked up" $?
rm "$T/d/later.log"
wait_text "$T/d.err" "gone (renamed or deleted); waiting for it to appear again"
check "(d) a file that disappears is waited for, and said so" $?
ev d2 >"$T/d/later.log"
wait_ids "$T/d.out" d2
stop
same "(d) each line matched once" "$T/d.out" d1 d2
[ "$(grep -c 'does not exist yet' "$T/d.err")" -eq 1 ]
check "(d) the wait is said once" $?

# ---- (e) SIGTERM mid-stream, restart with --state ----
# A long file is being read when SIGTERM comes, and a writer goes on
# appending while gantry is stopped.
N=50000
mkdir "$T/e"
seq 1 $N | awk '{ printf "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"e%d\",\"verb\":\"delete\",\"objectRef\":{\"resource\":\"pods\"}}\n", $1 }' \
    >"$T/e/app.log"
start e1 -p "$T/delete.gpk" --state "$T/e.state" "$T/e/app.log"
wait_text "$T/e1.out" '"auditID":"e60"'
(
    i=$((N + 1))
    while [ $i -le $((N + 200)) ]; do
        ev "e$i" >>"$T/e/app.log"
        i=$((i + 1))
    done
) &
writer=$!
kill -TERM "$pid" # mid-stream: the writer goes on
wait "$pid"
rc=$?
wait "$writer"
[ $rc -eq 0 ]
check "(e) SIGTERM mid-stream: exit 0" $?
ev "e$((N + 201))" >>"$T/e/app.log"
start e2 -p "$T/delete.gpk" --state "$T/e.state" "$T/e/app.log"
wait_text "$T/e2.out" "\"auditID\":\"e$((N + 201))\""
stop
cat "$T/e1.out" "$T/e2.out" >"$T/e.all"
# how far the first run got depends on the machine's speed: told, not checked
echo "     first run: $(wc -l <"$T/e1.out") of $((N + 201)) lines"
seq 1 $((N + 201)) | sed 's/^/e/' | LC_ALL=C sort >"$T/want"
ids "$T/e.all" >"$T/got"
cmp -s "$T/got" "$T/want" || {
    echo "     $(LC_ALL=C comm -13 "$T/want" "$T/got" | wc -l) extra, $(LC_ALL=C comm -23 "$T/want" "$T/got" | wc -l) missing"
    false
}
check "(e) restart with --state: every line matched exactly once over both runs" $?

# the same with a directory operand: rotated files are found again by inode
mkdir "$T/e3"
: >"$T/e3/app.log"
start e3 -p "$T/delete.gpk" --state "$T/e3.state" "$T/e3"
wait_text "$T/e3.state" "gantry-follow-state"
(
    i=1
    while [ $i -le 400 ]; do
        ev "f$i" >>"$T/e3/app.log"
        [ $((i % 50)) -eq 0 ] && { mv "$T/e3/app.log" "$T/e3/app.log.$i"; : >"$T/e3/app.log"; }
        i=$((i + 1))
    done
) &
writer=$!
wait_ids "$T/e3.out" f60
kill -TERM "$pid"
wait "$pid"
rc=$?
wait "$writer"
[ $rc -eq 0 ]
check "(e) directory: SIGTERM mid-stream: exit 0" $?
ev f401 >>"$T/e3/app.log"
start e4 -p "$T/delete.gpk" --state "$T/e3.state" "$T/e3"
wait_ids "$T/e4.out" f401
stop
cat "$T/e3.out" "$T/e4.out" >"$T/e3.all"
# shellcheck disable=SC2046
same "(e) directory: every line matched exactly once over both runs" "$T/e3.all" \
    $(i=1; while [ $i -le 401 ]; do echo "f$i"; i=$((i + 1)); done)
echo "     first run: $(ids "$T/e3.out" | wc -l) of 401"

# a file operand rotated by rename while gantry is stopped: the state's
# file is found beside it by its inode and its rest read first
mkdir "$T/r"
ev r1 >"$T/r/app.log"
start r1 -p "$T/delete.gpk" --state "$T/r.state" "$T/r/app.log"
wait_ids "$T/r1.out" r1
stop
ev r2 >>"$T/r/app.log"
mv "$T/r/app.log" "$T/r/app.log.1"
ev r3 >>"$T/r/app.log.1"
ev r4 >"$T/r/app.log"
start r2 -p "$T/delete.gpk" --state "$T/r.state" "$T/r/app.log"
wait_ids "$T/r2.out" r2 r3 r4
stop
cat "$T/r1.out" "$T/r2.out" >"$T/r.all"
same "(e) a file rotated while gantry was stopped: its rest, then the new file, once each" \
    "$T/r.all" r1 r2 r3 r4
grep -q "rotated while gantry was stopped" "$T/r2.err"
check "(e) ... and stderr says so" $?

# ---- (f) state files that are refused ----
refused() { # refused NAME STATE-FILE TEXT
    # a state taken by mistake would follow forever: the watchdog ends it
    timeout 20 "$GANTRY" match -p "$T/delete.gpk" --follow --state "$2" "$T/e3" >"$T/f.out" \
        2>"$T/f.err"
    r=$?
    if [ $r -eq 2 ] && [ ! -s "$T/f.out" ] && grep -q -- "$3" "$T/f.err"; then
        check "(f) $1: refused, exit 2" 0
    else
        echo "     exit $r: $(cat "$T/f.err")"
        check "(f) $1: refused, exit 2" 1
    fi
}
good="$T/e3.state"
printf 'garbage\n' >"$T/f1"
refused "not a state file" "$T/f1" "not a gantry follow state file"
head -c 150 "$good" >"$T/f2"
refused "truncated" "$T/f2" "corrupt or truncated"
: >"$T/f3"
refused "empty" "$T/f3" "truncated: it is empty"
sed 's/"operands"/"operandz"/' "$good" >"$T/f4"
refused "edited (checksum)" "$T/f4" "checksum does not match"
sed '1s/ 1 crc32/ 7 crc32/' "$good" >"$T/f5"
refused "another version" "$T/f5" "version 7 of the format"
refused "written for other paths" "$T/e.state" "written for other paths"
head -c 3000 /dev/urandom >"$T/f6"
refused "random bytes" "$T/f6" "not a gantry follow state file"
# a correct checksum over contents that are not a state: the parser itself
# must refuse them
mkstate() { # mkstate FILE BODY
    python3 -c 'import sys, zlib
body = sys.argv[2].encode() + b"\n"
open(sys.argv[1], "wb").write(b"gantry-follow-state 1 crc32=%08x\n" % zlib.crc32(body) + body)' "$1" "$2"
}
ops="[\"$T/e3\"]"
mkstate "$T/f7" '[1, 2, 3]'
refused "valid checksum, not an object" "$T/f7" "not the expected JSON object"
mkstate "$T/f8" "{\"operands\": $ops, \"files\": [{\"path\": \"x\"}]}"
refused "valid checksum, an entry missing fields" "$T/f8" "lacks a field"
mkstate "$T/f9" "{\"operands\": $ops, \"files\": [{\"path\": \"x\", \"operand\": 5, \"dev\": \"1\", \"ino\": \"2\", \"offset\": 0, \"line\": 0, \"head_bytes\": 0, \"head_crc32\": \"00000000\", \"parked\": false}]}"
refused "valid checksum, operand out of range" "$T/f9" "out of range"
mkstate "$T/f10" "{\"operands\": $ops, \"files\": [{\"path\": \"x\", \"operand\": 0, \"dev\": \"1\", \"ino\": \"2\", \"offset\": -4, \"line\": 1.5, \"head_bytes\": 99999, \"head_crc32\": \"zz\", \"parked\": 1}]}"
refused "valid checksum, values of the wrong kind" "$T/f10" "out of range"
mkstate "$T/f11" "{\"operands\": $ops, \"files\": [{}], \"x\": $(python3 -c 'print("[" * 5000 + "]" * 5000)')}"
refused "valid checksum, deeply nested garbage" "$T/f11" "corrupt"
# every cut of a real state's contents, its checksum made right: refused
# for what it is, never a crash nor a fresh start (the ASan pass runs it too)
python3 - "$good" "$T/cut" <<'PY'
import sys, zlib
text = open(sys.argv[1], "rb").read()
body = text[text.index(b"\n") + 1:]
step = max(1, len(body) // 40)
for n, k in enumerate(range(0, len(body) - 3, step)):
    cut = body[:k]
    open("%s.%03d" % (sys.argv[2], n), "wb").write(
        b"gantry-follow-state 1 crc32=%08x\n" % zlib.crc32(cut) + cut)
PY
cuts_ok=0
cuts=0
for f in "$T"/cut.*; do
    cuts=$((cuts + 1))
    timeout 20 "$GANTRY" match -p "$T/delete.gpk" --follow --state "$f" "$T/e3" >/dev/null \
        2>"$T/cut.err"
    r=$?
    if [ $r -ne 2 ] || ! grep -q 'corrupt' "$T/cut.err"; then
        echo "     $f: exit $r: $(cat "$T/cut.err")"
        cuts_ok=1
    fi
done
[ $cuts -ge 20 ] && [ $cuts_ok -eq 0 ]
check "(f) $cuts cuts of a state with a right checksum: each refused as corrupt, exit 2" $?
mkstate "$T/f12" "{\"operands\": $ops, \"files\": []}"
"$GANTRY" match -p "$T/delete.gpk" --follow --state "$T/f12" "$T/e3" >/dev/null 2>&1 &
pid=$!
pids="$pids $pid"
wait_text "$T/f12" '"files":	[{'
stop
[ $rc -eq 0 ]
check "(f) a hand-made valid state is taken (the checks above refuse for their reason)" $?
# one state file, one follower: a second one given it while the first runs
# is refused (they would overwrite each other's positions); once the first
# has ended, the file is free again
start lock1 -p "$T/delete.gpk" --state "$T/f12" "$T/e3"
for _ in $(seq 100); do [ -e "$T/f12.lock" ] && break || sleep 0.1; done
sleep 0.3
refused "held by a running follower" "$T/f12" "in use by another gantry"
stop
[ $rc -eq 0 ]
check "(f) the first follower was not disturbed by the refused one" $?
start lock2 -p "$T/delete.gpk" --state "$T/f12" "$T/e3"
sleep 0.5
kill -0 "$pid" 2>/dev/null
check "(f) after the first ended, the state file is taken again" $?
stop

# ---- (g) SIGHUP reload ----
cp "$T/delete.gpk" "$T/live.gpk"
start g -p "$T/live.gpk" --stats "$T/g.stats" "$T/g.log"
ev g1 get >"$T/g.log"
ev g2 delete >>"$T/g.log"
wait_ids "$T/g.out" g2
cp "$T/get.gpk" "$T/live.gpk.new" && mv "$T/live.gpk.new" "$T/live.gpk"
kill -HUP "$pid"
wait_text "$T/g.err" "reloaded"
check "(g) SIGHUP with a good pack: reloaded" $?
# shellcheck disable=SC2129 # one write per line, as a logger does
ev g3 get >>"$T/g.log"
ev g4 delete >>"$T/g.log"
ev g5 get >>"$T/g.log"
wait_ids "$T/g.out" g5
check "(g) a rule only in the new pack matches after SIGHUP" $?
printf 'not a pack' >"$T/live.gpk"
kill -HUP "$pid"
wait_text "$T/g.err" "reload failed; still matching with the packs loaded before"
check "(g) SIGHUP with a broken pack: the old pack stays, and stderr says so" $?
grep -q "live.gpk: not a Gantry pack" "$T/g.err"
check "(g) ... and why" $?
ev g6 get >>"$T/g.log"
wait_ids "$T/g.out" g6
check "(g) the old pack still matches after a failed reload" $?
stop
[ $rc -eq 0 ]
check "(g) exit 0" $?
same "(g) matches: the delete rule before, the get rule after" "$T/g.out" g2 g3 g5 g6
jq -e '.lines == 6 and .events == 6' "$T/g.stats" >/dev/null
check "(g) --stats counts the lines of the whole run across reloads" $?

# ---- (h) a directory of rotated files ----
mkdir "$T/h"
ev h1 >"$T/h/audit.log.2"
ev h2 >"$T/h/audit.log.1"
ev h3 >"$T/h/audit.log"
ev h0 | gzip >"$T/h/audit.log.3.gz" # packed after it was read: skipped
ev hx >"$T/h/.hidden"
# names that sort against their age: the oldest file must come first
mv "$T/h/audit.log.2" "$T/h/a-oldest.log"
touch -d '3 hours ago' "$T/h/a-oldest.log"
touch -d '2 hours ago' "$T/h/audit.log.1"
start h -p "$T/delete.gpk" --state "$T/h.state" "$T/h/"
wait_ids "$T/h.out" h1 h2 h3
check "(h) the files of a directory are read" $?
[ "$(jq -r .event.auditID "$T/h.out" | head -n 3 | tr '\n' ' ')" = "h1 h2 h3 " ]
check "(h) ... oldest first" $?
mv "$T/h/a-oldest.log" "$T/h/audit.log.2"
ev h4 >>"$T/h/audit.log"
mv "$T/h/audit.log.2" "$T/h/audit.log.3"
mv "$T/h/audit.log.1" "$T/h/audit.log.2"
mv "$T/h/audit.log" "$T/h/audit.log.1"
ev h5 >>"$T/h/audit.log.1" # written to the old file after the rename
ev h6 >"$T/h/audit.log"
wait_ids "$T/h.out" h4 h5 h6
check "(h) rename rotation in the directory" $?
ev h7 >>"$T/h/audit.log"
wait_ids "$T/h.out" h7
cp "$T/h/audit.log" "$T/h/audit.log.c" # copy-truncate within the directory
: >"$T/h/audit.log"
ev h8 >>"$T/h/audit.log"
rm "$T/h/audit.log.3"
ev h9 >"$T/h/new.log"
wait_ids "$T/h.out" h8 h9
stop
same "(h) directory: each line matched exactly once, compressed and hidden files skipped" \
    "$T/h.out" h1 h2 h3 h4 h5 h6 h7 h8 h9
ev h10 >>"$T/h/audit.log.1"
ev h11 >>"$T/h/audit.log"
start h2 -p "$T/delete.gpk" --state "$T/h.state" "$T/h/"
wait_ids "$T/h2.out" h10 h11
stop
same "(h) directory restart: only the new lines" "$T/h2.out" h10 h11

# ---- correlations across followed files, lines fed as they arrive ----
"$GANTRY" compile -o "$T/shipped.gpk" rules/lists rules/t1610 rules/doki rules/kinsing \
    rules/correlations >/dev/null 2>&1
: >"$T/k1.jsonl"
: >"$T/k2.jsonl"
start k -p "$T/shipped.gpk" "$T/k1.jsonl" "$T/k2.jsonl"
sed -n 1p corpus/correlations/exec_then_download.pos.jsonl >>"$T/k1.jsonl"
wait_text "$T/k.out" '"container_exec"'
sed -n 2p corpus/correlations/exec_then_download.pos.jsonl >>"$T/k2.jsonl"
wait_text "$T/k.out" '"exec_then_download"'
check "a correlation fires over events appended to two followed files" $?
stop

# output that cannot be written ends the run (exit 2) without recording
# the lines whose matches were lost: a run with a working output has them
if [ -w /dev/full ]; then
    ev w1 >"$T/w.log"
    timeout 20 "$GANTRY" match -p "$T/delete.gpk" --format jsonl --follow --state "$T/w.state" \
        "$T/w.log" >/dev/full 2>"$T/w.err"
    [ $? -eq 2 ] && grep -q 'cannot write output' "$T/w.err"
    check "standard output that cannot be written: exit 2, and said" $?
    start w -p "$T/delete.gpk" --state "$T/w.state" "$T/w.log"
    wait_ids "$T/w.out" w1
    stop
    same "... and the next run matches the lines whose matches were lost" "$T/w.out" w1
fi

# gantry's own output and state file in a followed directory are not input
mkdir "$T/o"
"$GANTRY" match -p "$T/delete.gpk" --format jsonl --line-buffered --follow --state "$T/o/st" \
    --stats "$T/o.stats" "$T/o" >"$T/o/alerts.jsonl" 2>"$T/o.err" &
pid=$!
pids="$pids $pid"
ev o1 >"$T/o/app.log"
wait_ids "$T/o/alerts.jsonl" o1
ev o2 >>"$T/o/app.log"
wait_ids "$T/o/alerts.jsonl" o2
stop
jq -e '.lines == 2' "$T/o.stats" >/dev/null
check "a followed directory holding gantry's output and state: only the log is read" $?

[ $fails -eq 0 ]
