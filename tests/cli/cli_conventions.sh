#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The conventions every gantry command shares (gantry(1), DESCRIPTION):
# getopt_long forms (--opt=value, -j2, --), colour (--color, --no-color,
# NO_COLOR), --quiet, messages naming a path once and never "dir//file",
# exit 2 on I/O errors and on bad arguments (before any input is read),
# --count order, several -p packs, and `gantry help version`.
set -u
BUILD=${BUILD:-build}
G="$BUILD/gantry"
[ -x "$G" ] || { echo "cli_conventions.sh: $G is not built"; exit 1; }
command -v script >/dev/null || { echo "cli_conventions.sh: script(1) (bsdutils) is missing"; exit 1; }
command -v jq >/dev/null || { echo "cli_conventions.sh: jq is missing (make deps)"; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
check() { # check NAME CONDITION-EXIT-STATUS
    if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi
}
ESC=$(printf '\033')

# Four rules in pack order low, medium, critical, high; the events below
# make high and medium match 3 times, critical and low once.
cat > "$T/a.gantry" <<'RULES'
rule r_low {
    id: "aaaaaaaa-0000-4000-8000-000000000001"
    title: "Low one"
    level: low
    selection s: { verb: "list" }
    condition: s
}
rule r_medium {
    id: "aaaaaaaa-0000-4000-8000-000000000002"
    title: "Medium three"
    level: medium
    selection s: { verb: "get" }
    condition: s
}
rule r_critical {
    id: "aaaaaaaa-0000-4000-8000-000000000003"
    title: "Critical one"
    level: critical
    selection s: { verb: "patch" }
    condition: s
}
rule r_high {
    id: "aaaaaaaa-0000-4000-8000-000000000004"
    title: "High three"
    level: high
    selection s: { verb: "delete" }
    condition: s
}
RULES
cat > "$T/b.gantry" <<'RULES'
rule r_other {
    id: "bbbbbbbb-0000-4000-8000-000000000001"
    title: "Other pack: get"
    level: low
    selection s: { verb: "get" }
    condition: s
}
RULES
"$G" compile -o "$T/a.gpk" "$T/a.gantry" > /dev/null && "$G" compile -o "$T/b.gpk" "$T/b.gantry" > /dev/null
check "packs compile" $?
mkdir -p "$T/in/sub"
for v in get delete get list delete get patch delete; do
    printf '{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"%s"}\n' "$v"
done > "$T/in/sub/events.jsonl"
EV="$T/in/sub/events.jsonl"

# ---- getopt_long forms ---------------------------------------------------
"$G" match -p "$T/a.gpk" --format jsonl "$EV" > "$T/ref.jsonl" 2>/dev/null
check "reference run" $?
"$G" match --pack="$T/a.gpk" --format=jsonl "$EV" > "$T/eq.jsonl" 2>/dev/null &&
    cmp -s "$T/ref.jsonl" "$T/eq.jsonl"
check "--opt=value is --opt value" $?
"$G" match -p"$T/a.gpk" -j2 --format=jsonl "$EV" > "$T/j2.jsonl" 2>/dev/null &&
    cmp -s "$T/ref.jsonl" "$T/j2.jsonl"
check "-pPACK and -j2" $?
"$G" match "$EV" -p "$T/a.gpk" --format jsonl > "$T/late.jsonl" 2>/dev/null &&
    cmp -s "$T/ref.jsonl" "$T/late.jsonl"
check "options after operands" $?
POSIXLY_CORRECT=1 "$G" match "$EV" -p "$T/a.gpk" --format jsonl > "$T/posix.jsonl" 2>/dev/null &&
    cmp -s "$T/ref.jsonl" "$T/posix.jsonl"
check "options after operands under POSIXLY_CORRECT" $?
"$G" match -p "$T/a.gpk" --format jsonl "$EV" -- "$EV" > "$T/twice.jsonl" 2>/dev/null &&
    [ "$(wc -l < "$T/twice.jsonl")" -eq 16 ] && cmp -s "$T/ref.jsonl" "$(head -8 "$T/twice.jsonl" > "$T/first8"; echo "$T/first8")"
check "operands before and after -- keep their order" $?
cp "$EV" "$T/-dash.jsonl"
(cd "$T" && "$OLDPWD/$G" match -p a.gpk --format jsonl -- -dash.jsonl > dash.jsonl 2>/dev/null) &&
    [ "$(wc -l < "$T/dash.jsonl")" -eq 8 ] && grep -q '"file":"-dash.jsonl"' "$T/dash.jsonl"
check "-- ends the options" $?
"$G" match -p "$T/a.gpk" --form=jsonl "$EV" > "$T/abbr.jsonl" 2>/dev/null &&
    cmp -s "$T/ref.jsonl" "$T/abbr.jsonl"
check "unambiguous prefix of a long option" $?
"$G" match -p "$T/a.gpk" --format=text --no-color "$EV" > "$T/text.txt" 2>/dev/null &&
    [ "$(wc -l < "$T/text.txt")" -eq 8 ] && grep -q '^[-0-9TZ:]*  *high ' "$T/text.txt"
check "--format=text" $?

# ---- bad arguments: exit 2, a message naming the option, nothing read ------
bad() { # bad NAME WORD-IN-MESSAGE ARGS...
    name=$1 word=$2
    shift 2
    rm -f "$T/bad.stats"
    "$G" "$@" > "$T/bad.out" 2> "$T/bad.err"
    rc=$?
    [ $rc -eq 2 ] && [ ! -s "$T/bad.out" ] && [ ! -e "$T/bad.stats" ] &&
        grep -q -- "$word" "$T/bad.err" && [ "$(wc -l < "$T/bad.err")" -eq 1 ]
    check "bad argument: $name" $?
}
bad "unknown option" "--bogus" match -p "$T/a.gpk" --stats "$T/bad.stats" --bogus "$EV"
bad "unknown short option" "'-x'" match -p "$T/a.gpk" --stats "$T/bad.stats" -x "$EV"
bad "missing value" "--stats" match -p "$T/a.gpk" "$EV" --stats
bad "flag given a value" "--count takes no value" match -p "$T/a.gpk" --stats "$T/bad.stats" --count=3 "$EV"
bad "-j0" "-j" match -p "$T/a.gpk" --stats "$T/bad.stats" -j0 "$EV"
bad "--format=xml" "xml" match -p "$T/a.gpk" --stats "$T/bad.stats" --format=xml "$EV"
bad "--min-level" "severe" match -p "$T/a.gpk" --stats "$T/bad.stats" --min-level severe "$EV"
bad "--input-format lists the formats" "k8s_audit" match -p "$T/a.gpk" --stats "$T/bad.stats" --input-format=syslog "$EV"
bad "--max-depth 0" "max-depth" match -p "$T/a.gpk" --stats "$T/bad.stats" --max-depth 0 "$EV"
bad "--placeholders" "placeholders" compile -o "$T/bad.stats" --placeholders=maybe "$T/a.gantry"
bad "no pack" "-p PACK" match --stats "$T/bad.stats" "$EV"
bad "consume --batch 0" "batch" consume -p "$T/a.gpk" --batch 0 --stats "$T/bad.stats"
bad "consume operand" "operands" consume -p "$T/a.gpk" extra
bad "disasm two packs" "one pack" disasm "$T/a.gpk" "$T/b.gpk"
bad "fields takes nothing" "no arguments" fields extra
bad "normalize option" "--bogus" normalize --bogus "$EV"
bad "import-sigma option" "--bogus" import-sigma --bogus "$EV"
bad "test option" "--bogus" test --bogus "$T/a.gantry"
bad "help for an unknown command" "unknown command" help nosuch

# ---- help ---------------------------------------------------------------
"$G" help version > "$T/hv" 2>&1 && grep -q '^usage: gantry version' "$T/hv"
check "gantry help version" $?
"$G" version --help > "$T/hv2" 2>&1 && cmp -s "$T/hv" "$T/hv2"
check "gantry version --help is its help" $?
"$G" match -p "$T/a.gpk" --help > "$T/hm" 2>&1 && grep -q -- '--no-color' "$T/hm" &&
    grep -q -- '--color' "$T/hm"
check "help match lists --color and --no-color" $?
"$G" match -p -h > /dev/null 2> "$T/hp"
[ $? -eq 2 ]
check "-h as an option's value is that value, not help" $?

# ---- colour -------------------------------------------------------------
tty_run() { script -qec "$1" /dev/null < /dev/null | tr -d '\r'; }
tty_run "'$G' match -p '$T/a.gpk' --format text '$EV'" > "$T/c.tty"
grep -q "$ESC\[" "$T/c.tty"
check "colour on a terminal" $?
tty_run "NO_COLOR=1 '$G' match -p '$T/a.gpk' --format text '$EV'" > "$T/c.nocolor"
[ "$(grep -c '^[-0-9]' "$T/c.nocolor")" -ge 8 ] && ! grep -q "$ESC\[" "$T/c.nocolor"
check "NO_COLOR turns colour off" $?
tty_run "'$G' match -p '$T/a.gpk' --format text --no-color '$EV'" > "$T/c.flag"
[ "$(grep -c '^[-0-9]' "$T/c.flag")" -ge 8 ] && ! grep -q "$ESC\[" "$T/c.flag"
check "--no-color turns colour off" $?
NO_COLOR=1 "$G" match -p "$T/a.gpk" --format text --color "$EV" 2>/dev/null | grep -q "$ESC\["
check "--color wins over NO_COLOR" $?
printf 'rule x {\n  title: "t"\n  selection s: { verb: \n}\n' > "$T/broken.gantry"
tty_run "'$G' check '$T/broken.gantry'" | grep -q "$ESC\["
check "diagnostics coloured on a terminal" $?
tty_run "NO_COLOR=1 '$G' check '$T/broken.gantry'" > "$T/d.nocolor"
grep -q 'error\[E' "$T/d.nocolor" && ! grep -q "$ESC\[" "$T/d.nocolor"
check "NO_COLOR turns diagnostics colour off" $?

# ---- --quiet --------------------------------------------------------------
{ cat "$EV"; echo 'not json'; echo '{"verb":'; } > "$T/mixed.jsonl"
"$G" match -p "$T/a.gpk" --format jsonl --quiet --stats "$T/q.json" "$T/mixed.jsonl" \
    > /dev/null 2> "$T/q.err"
[ $? -eq 0 ] && [ ! -s "$T/q.err" ] && jq -e '.malformed == 2 and .events == 8' "$T/q.json" > /dev/null
check "--quiet: nothing on stderr, malformed lines still counted" $?
"$G" match -p "$T/a.gpk" --format jsonl "$T/mixed.jsonl" > /dev/null 2> "$T/nq.err"
[ "$(grep -c 'malformed line' "$T/nq.err")" -eq 2 ]
check "without --quiet malformed lines are shown" $?
"$G" match -p "$T/a.gpk" -q "$T/nosuch.jsonl" > /dev/null 2> "$T/q2.err"
[ $? -eq 2 ] && grep -q 'nosuch.jsonl' "$T/q2.err"
check "--quiet still shows errors" $?

# ---- paths named once; no dir//file ------------------------------------
once() { # once NAME PATH ARGS...: exit 2, PATH said exactly once
    name=$1 path=$2
    shift 2
    "$G" "$@" > /dev/null 2> "$T/once.err"
    rc=$?
    [ $rc -eq 2 ] && [ "$(grep -o -F "$path" "$T/once.err" | wc -l)" -eq 1 ]
    check "$name exits 2 naming the path once" $?
}
once "match -p missing" "$T/x.gpk" match -p "$T/x.gpk" "$EV"
once "disasm missing" "$T/x.gpk" disasm "$T/x.gpk"
once "consume -p missing" "$T/x.gpk" consume -p "$T/x.gpk" --setup-wait 0
once "check missing" /nonexistent check /nonexistent
once "compile missing" /nonexistent compile -o "$T/o.gpk" /nonexistent
once "test missing rules" /nonexistent test /nonexistent
once "test missing corpus" "$T/nocorpus" test --corpus "$T/nocorpus" "$T/a.gantry"
once "normalize missing" /nonexistent normalize /nonexistent
once "import-sigma missing" /nonexistent import-sigma /nonexistent
once "match missing input" "$T/nosuch" match -p "$T/a.gpk" "$T/nosuch"
once "match -r missing" /nonexistent match -r /nonexistent "$EV"
once "compile unwritable output" "$T/no/dir/o.gpk" compile -o "$T/no/dir/o.gpk" "$T/a.gantry"
"$G" match -p "$T/a.gpk" --format jsonl "$T/in/" > "$T/dir.jsonl" 2>/dev/null &&
    [ "$(wc -l < "$T/dir.jsonl")" -eq 8 ] && ! grep -q '//' "$T/dir.jsonl" &&
    grep -q "\"file\":\"$T/in/sub/events.jsonl\"" "$T/dir.jsonl"
check "a directory given as dir/ gives dir/file, not dir//file" $?
mkdir -p "$T/in2" && echo 'not json' > "$T/in2/bad.jsonl"
"$G" normalize "$T/in2/" > /dev/null 2> "$T/norm.err"
[ $? -eq 1 ] && grep -q "^gantry: $T/in2/bad.jsonl:1: malformed line" "$T/norm.err"
check "normalize dir/: messages name dir/file" $?

# ---- --count: by count, then level ---------------------------------------
"$G" match -p "$T/a.gpk" --count --format jsonl "$EV" 2>/dev/null |
    jq -r '"\(.count) \(.rule.level)"' > "$T/count.txt"
printf '3 high\n3 medium\n1 critical\n1 low\n' > "$T/count.want"
cmp -s "$T/count.txt" "$T/count.want"
check "--count sorted by count, then level" $?
"$G" match -p "$T/a.gpk" --count --format text --no-color "$EV" 2>/dev/null |
    awk '{print $1, $2}' > "$T/count-text.txt"
cmp -s "$T/count-text.txt" "$T/count.want"
check "--count text in the same order" $?

# ---- several -p packs ----------------------------------------------------
"$G" match -p "$T/a.gpk" -p "$T/b.gpk" --format jsonl --stats "$T/two.json" "$EV" \
    > "$T/two.jsonl" 2>/dev/null
check "two packs run" $?
# every event of a, plus b's rule on the three get events, in input order
[ "$(wc -l < "$T/two.jsonl")" -eq 11 ] &&
    [ "$(jq -r .line "$T/two.jsonl" | tr '\n' ' ')" = "1 1 2 3 3 4 5 6 6 7 8 " ] &&
    [ "$(jq -r 'select(.line == 1) | .rule.id' "$T/two.jsonl" | tr '\n' ' ')" = \
        "aaaaaaaa-0000-4000-8000-000000000002 bbbbbbbb-0000-4000-8000-000000000001 " ]
check "two packs: every pack sees every event, output in input order" $?
jq -e '.matches == 11 and .per_rule["bbbbbbbb-0000-4000-8000-000000000001"] == 3 and
    .per_rule["aaaaaaaa-0000-4000-8000-000000000004"] == 3' "$T/two.json" > /dev/null
check "two packs: statistics cover both" $?
"$G" match -p "$T/a.gpk" -p "$T/b.gpk" -j2 --format jsonl "$EV" > "$T/two-j2.jsonl" 2>/dev/null &&
    cmp -s "$T/two.jsonl" "$T/two-j2.jsonl"
check "two packs: -j2 prints the same" $?
"$G" match -p "$T/a.gpk" -r "$T/b.gantry" --format jsonl "$EV" > "$T/pr.jsonl" 2>/dev/null &&
    cmp -s "$T/two.jsonl" "$T/pr.jsonl"
check "-p and -r together" $?
"$G" match -p "$T/a.gpk" -p "$T/b.gpk" --count --format jsonl "$EV" 2>/dev/null |
    jq -r '"\(.count) \(.rule.id)"' | cut -c1-10 | tr '\n' ' ' > "$T/two-count.txt"
[ "$(cat "$T/two-count.txt")" = "3 aaaaaaaa 3 aaaaaaaa 3 bbbbbbbb 1 aaaaaaaa 1 aaaaaaaa " ]
check "two packs: --count over both, sorted together" $?

[ $fails -eq 0 ] && echo "cli_conventions.sh: ok"
exit $fails
