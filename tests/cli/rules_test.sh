#!/bin/sh
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
if ! diff -u tests/golden/corpus-matches.txt "$tmp/golden" > "$tmp/golden.diff"; then
    head -n 60 "$tmp/golden.diff"
    echo "rules_test: detections differ from tests/golden/corpus-matches.txt"
    status=1
fi

[ "$status" -eq 0 ] && echo "rules_test: ok"
exit "$status"
