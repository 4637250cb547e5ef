#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The shipped packs against their corpus: every rule's positive and negative
# cases pass, the benign corpus stays quiet at medium and above, and the
# matches over the whole corpus equal tests/golden/corpus-matches.txt (so any
# change in detection shows up in review). Regenerate the golden file with
#   $BUILD/gantry test --golden rules/lists rules/t1610 rules/doki rules/kinsing rules/correlations \
#       > tests/golden/corpus-matches.txt
set -u
BUILD=${BUILD:-build}
GANTRY="$BUILD/gantry"
status=0
# The packs by directory: rules/ may also hold other material (Sigma mappings).
PACKS="rules/lists rules/t1610 rules/doki rules/kinsing rules/correlations"

if [ ! -x "$GANTRY" ]; then
    echo "rules_test: $GANTRY not built"
    exit 1
fi

out=$("$GANTRY" test $PACKS 2>&1)
rc=$?
if [ "$rc" -ne 0 ]; then
    echo "$out"
    echo "rules_test: gantry test $PACKS exited $rc"
    status=1
else
    echo "$out" | tail -n 3
fi

# A rule path with no cases at all must fail: the runner may not pass vacuously.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/corpus"
cat > "$tmp/r.gantry" <<'RULE'
rule lonely_rule {
    id: "00000000-0000-4000-8000-000000000001"
    title: "A rule without cases"
    level: low
    condition: verb: "create"
}
RULE
if "$GANTRY" test --corpus "$tmp/corpus" "$tmp/r.gantry" > "$tmp/out" 2>&1; then
    echo "rules_test: a rule without cases passed"
    status=1
fi

# A positive case that does not match must fail and name the event.
printf '%s\n' '{"verb":"get"}' > "$tmp/corpus/lonely_rule.pos.jsonl"
printf '%s\n' '{"verb":"delete"}' > "$tmp/corpus/lonely_rule.neg.jsonl"
if "$GANTRY" test --corpus "$tmp/corpus" "$tmp/r.gantry" > "$tmp/out" 2>&1; then
    echo "rules_test: a failing positive case passed"
    status=1
elif ! grep -q 'lonely_rule.pos.jsonl:1' "$tmp/out"; then
    echo "rules_test: the failure report does not name the event"
    cat "$tmp/out"
    status=1
fi

# The golden file of the whole corpus.
"$GANTRY" test --golden $PACKS > "$tmp/golden" 2>"$tmp/golden.err" || {
    cat "$tmp/golden.err"
    echo "rules_test: gantry test --golden failed"
    status=1
}
# Compared as sets of lines: the order of rules within one event follows the
# order the rule files were read in, which is not a detection change.
sort tests/golden/corpus-matches.txt > "$tmp/golden.want"
sort "$tmp/golden" > "$tmp/golden.got"
if ! diff -u "$tmp/golden.want" "$tmp/golden.got" > "$tmp/golden.diff"; then
    head -n 60 "$tmp/golden.diff"
    echo "rules_test: detections differ from tests/golden/corpus-matches.txt"
    status=1
fi

# The benign corpus, the platform's own components included, at high or
# critical through `gantry match` (the path users run): not one line. `gantry
# test` above already holds it to nothing at medium; this pins the issue's
# figure on the other code path and makes sure the platform file is there and
# read (an absent or unparsed file would pass vacuously).
platform=corpus/benign/platform-components.jsonl
if [ ! -s "$platform" ]; then
    echo "rules_test: $platform is missing"
    status=1
fi
"$GANTRY" match -r rules --min-level high corpus/benign > "$tmp/benign.high" 2> "$tmp/benign.err"
rc=$?
if [ "$rc" -ne 0 ] || [ -s "$tmp/benign.high" ]; then
    head -c 4000 "$tmp/benign.high"
    cat "$tmp/benign.err"
    echo "rules_test: corpus/benign fires $(wc -l < "$tmp/benign.high") alerts at high or above (exit $rc)"
    status=1
fi
"$GANTRY" match -r rules --count "$platform" > "$tmp/platform.count" 2> "$tmp/platform.err"
events=$(sed -n 's/.*(\([0-9]*\) events, 0 blank, 0 malformed.*/\1/p' "$tmp/platform.err" | head -n 1)
if [ -z "$events" ] || [ "$events" -lt 50 ] || ! [ -s "$tmp/platform.count" ]; then
    cat "$tmp/platform.err"
    echo "rules_test: $platform was not read as at least 50 well-formed events with activity matches"
    status=1
fi

# The exemptions are scoped by principal and tunable: with an installer list
# that does not name the cluster admin, the Cilium agent the admin installed
# with helm (capabilities, host /proc) is reported again.
"$GANTRY" match -r rules -D platform_installers=ci-bot@example.com --min-level high \
    "$platform" > "$tmp/retuned" 2>/dev/null
if ! grep -q '"name":"cilium"' "$tmp/retuned"; then
    echo "rules_test: -D platform_installers did not take the admin-installed Cilium out of the exemption"
    status=1
fi

[ "$status" -eq 0 ] && echo "rules_test: ok"
exit "$status"
