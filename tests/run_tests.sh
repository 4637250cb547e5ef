#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs every cmocka binary in $BUILD/tests and every tests/cli/*.sh script,
# from the repository root, and counts each cmocka test case and each script
# as passed, failed or skipped. A script says it skipped by exiting 77 (the
# reason on its output); a script or a cmocka test (tests/NAME.c) whose first
# lines carry "gantry-test: plain-only" is not run in a sanitizer build (the
# two do not mix) and is not counted there. TESTS, when set, names the only tests to
# run (cmocka binaries and scripts by file name: "test_vm match.sh"). The
# counts go to $BUILD/test-summary.
BUILD=${BUILD:-build}
SAN=${SAN:-0}
passed=0 failed=0 skipped=0
failed_names="" skipped_names=""
log="$BUILD/test-current.log"
TESTS=${TESTS:-}
wanted() { # wanted NAME: in TESTS, or TESTS unset
    [ -z "$TESTS" ] && return 0
    case " $TESTS " in *" $1 "*) return 0 ;; esac
    return 1
}

for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    wanted "$(basename "$t")" || continue
    if [ "$SAN" != 0 ] && head -n 8 "tests/$(basename "$t").c" 2>/dev/null |
        grep -q 'gantry-test: plain-only'; then
        continue
    fi
    echo "== $t"
    "$t" > "$log" 2>&1
    rc=$?
    cat "$log"
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    p=${p:-0} f=${f:-0} s=${s:-0}
    # a crash or an exit before cmocka's summary is a failure of its own
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    if [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$s" -eq 0 ]; then f=1; fi
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
    [ "$f" -gt 0 ] && failed_names="$failed_names $t"
    [ "$s" -gt 0 ] && skipped_names="$skipped_names $t($s)"
done
for sc in tests/cli/*.sh; do
    [ -f "$sc" ] || continue
    wanted "$(basename "$sc")" || continue
    if [ "$SAN" != 0 ] && head -n 8 "$sc" | grep -q 'gantry-test: plain-only'; then
        continue
    fi
    echo "== $sc"
    BUILD="$BUILD" SAN="$SAN" sh "$sc"
    case $? in
    0) passed=$((passed + 1)) ;;
    77) skipped=$((skipped + 1)) skipped_names="$skipped_names $sc" ;;
    *) failed=$((failed + 1)) failed_names="$failed_names $sc" ;;
    esac
done
rm -f "$log"
echo "[$BUILD]"
[ -n "$skipped_names" ] && echo "skipped:$skipped_names"
[ -n "$failed_names" ] && echo "failed:$failed_names"
echo "$passed $failed $skipped" > "$BUILD/test-summary"
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
