#!/bin/sh
# Runs every cmocka binary in $BUILD/tests and every tests/cli/*.sh script,
# from the repository root. Prints "N passed, N failed" and exits non-zero
# when anything failed.
BUILD=${BUILD:-build}
passed=0
failed=0
failed_names=""
for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    echo "== $t"
    if "$t"; then passed=$((passed + 1)); else failed=$((failed + 1)); failed_names="$failed_names $t"; fi
done
for s in tests/cli/*.sh; do
    [ -f "$s" ] || continue
    echo "== $s"
    if BUILD="$BUILD" sh "$s"; then passed=$((passed + 1)); else failed=$((failed + 1)); failed_names="$failed_names $s"; fi
done
echo "[$BUILD]"; echo "tests: $passed passed, $failed failed"
[ -n "$failed_names" ] && echo "failed:$failed_names"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
