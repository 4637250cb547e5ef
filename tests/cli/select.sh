#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Rule selection at match time (issue 17 point 5): --tags, --exclude-tags,
# --status, --max-level, --rule, --exclude-rule and --exclusions FILE over a
# compiled pack, without recompiling; bad values refused with "did you mean"
# and exit 2 before any input is read.
set -u
BUILD=${BUILD:-build}
GANTRY="$BUILD/gantry"
T=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
fails=0
check() { # check NAME CONDITION-EXIT-STATUS
    if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi
}

cat >"$T/rules.gantry" <<'R'
rule alpha {
    id: "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
    title: "Alpha"
    status: stable
    level: high
    tags: [attack.t1610, attack.execution]
    selection sel: { verb: "create" }
    condition: sel
}
rule beta {
    id: "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"
    title: "Beta"
    status: test
    level: low
    tags: [attack.t1611]
    selection sel: { verb: "create" }
    condition: sel
}
rule gamma {
    title: "Gamma"
    status: experimental
    level: informational
    tags: [attack.discovery]
    selection sel: { verb: "create" }
    condition: sel
}
R
ev() { printf '{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"create","user":{"username":"%s"},"objectRef":{"resource":"pods","namespace":"%s"}}\n' "$1" "$2"; }
{ ev alice default; ev bob kube-system; } >"$T/events.jsonl"
"$GANTRY" compile -o "$T/rules.gpk" "$T/rules.gantry" >/dev/null 2>&1
check "compile" $?

# titles LINE... of `gantry match` with these options, sorted
titles() { "$GANTRY" match -p "$T/rules.gpk" --format jsonl -q "$@" "$T/events.jsonl" | jq -r '"\(.line) \(.rule.title)"' | sort | tr '\n' ' '; }
[ "$(titles)" = "1 Alpha 1 Beta 1 Gamma 2 Alpha 2 Beta 2 Gamma " ]
check "no selection: every rule" $?
[ "$(titles --tags attack.t1610)" = "1 Alpha 2 Alpha " ]
check "--tags" $?
[ "$(titles --tags attack.t1611,attack.discovery)" = "1 Beta 1 Gamma 2 Beta 2 Gamma " ]
check "--tags with a comma list: any of them" $?
[ "$(titles --exclude-tags attack.t1611)" = "1 Alpha 1 Gamma 2 Alpha 2 Gamma " ]
check "--exclude-tags" $?
[ "$(titles --status stable --status test)" = "1 Alpha 1 Beta 2 Alpha 2 Beta " ]
check "--status, repeated" $?
[ "$(titles --max-level low)" = "1 Beta 1 Gamma 2 Beta 2 Gamma " ]
check "--max-level" $?
[ "$(titles --min-level low --max-level low)" = "1 Beta 2 Beta " ]
check "--min-level with --max-level" $?
[ "$(titles --rule Gamma)" = "1 Gamma 2 Gamma " ] && [ "$(titles --rule aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa,Beta)" = "1 Alpha 1 Beta 2 Alpha 2 Beta " ]
check "--rule by title and by id" $?
[ "$(titles --rule gamma)" = "1 Gamma 2 Gamma " ] && [ "$(titles --exclude-rule alpha,beta)" = "1 Gamma 2 Gamma " ]
check "--rule and --exclude-rule by rule name" $?
[ "$(titles --exclude-rule bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb)" = "1 Alpha 1 Gamma 2 Alpha 2 Gamma " ]
check "--exclude-rule" $?

# ---- exclusions ----
cat >"$T/ex.txt" <<'X'
# known-good: alice deploys in default
Alpha user.name=alice   # a comment after a condition
"Gamma" orchestrator.namespace="kube-system" user.name=bob
* raw:objectRef.namespace=nowhere
Beta
X
[ "$(titles --exclusions "$T/ex.txt" --stats "$T/stats.json")" = "1 Gamma 2 Alpha " ]
check "--exclusions: conditions, quotes, *, a whole rule" $?
jq -e '.excluded == 2 and .matches == 2' "$T/stats.json" >/dev/null
check "excluded matches are counted" $?
GANTRY_MATCH_CHUNK_LINES=1 "$GANTRY" match -p "$T/rules.gpk" --format jsonl -q -j2 --exclusions "$T/ex.txt" "$T/events.jsonl" >"$T/j2.jsonl"
"$GANTRY" match -p "$T/rules.gpk" --format jsonl -q --exclusions "$T/ex.txt" "$T/events.jsonl" | cmp -s - "$T/j2.jsonl"
check "-j2 selects as -j1" $?

# ---- refused before input, exit 2 ----
refused() { # refused NAME PATTERN OPTIONS...
    name=$1 pattern=$2
    shift 2
    "$GANTRY" match -p "$T/rules.gpk" "$@" /nonexistent >/dev/null 2>"$T/err"
    rc=$?
    [ $rc -eq 2 ] && grep -q -- "$pattern" "$T/err" && ! grep -q nonexistent "$T/err"
    r=$?
    [ $r -eq 0 ] || { echo "  rc=$rc"; cat "$T/err"; }
    check "$name" $r
}
refused "unknown tag: did you mean" "no rule has the tag 'attack.t161'; did you mean 'attack.t1610'" --tags attack.t161
refused "unknown excluded tag" "did you mean 'attack.discovery'" --exclude-tags attack.dicovery
refused "unknown status: did you mean" "did you mean 'experimental'" --status experimantal
refused "unknown rule: did you mean" "did you mean 'Alpha'" --rule Alpah
refused "bad --max-level" "--max-level takes" --max-level severe
refused "empty list item" "an empty item" --tags attack.t1610,
refused "a selection leaving no rule" "leaves no rule" --tags attack.t1610 --status test
refused "missing exclusions file" "nope.txt: No such file" --exclusions "$T/nope.txt"
printf 'Alpha user.nme=alice\n' >"$T/bad1.txt"
refused "exclusions: unknown field at its column" "bad1.txt:1:7: unknown field 'user.nme'; did you mean 'user.name'" --exclusions "$T/bad1.txt"
printf 'Alpha\n"Gamma user.name=bob\n' >"$T/bad2.txt"
refused "exclusions: unclosed quote at its column" "bad2.txt:2:1: the quote is not closed" --exclusions "$T/bad2.txt"
printf '# x\nAlpha user.name\n' >"$T/bad3.txt"
refused "exclusions: condition without =" "bad3.txt:2:16: expected FIELD=VALUE" --exclusions "$T/bad3.txt"
printf 'Alhpa user.name=x\n' >"$T/bad4.txt"
refused "exclusions: unknown rule with did you mean" "bad4.txt:1:1: no rule has the id, name or title 'Alhpa'; did you mean 'Alpha'" --exclusions "$T/bad4.txt"
# The caret stands under the column.
"$GANTRY" match -p "$T/rules.gpk" --exclusions "$T/bad1.txt" /nonexistent 2>&1 | tail -2 >"$T/caret"
[ "$(sed -n 2p "$T/caret")" = "$(printf '    %6s^' '')" ]
check "exclusions: a caret under the error" $?

echo "select.sh: $fails failed"
[ "$fails" -eq 0 ]
