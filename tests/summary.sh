#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Adds up the counts each build's runner left in BUILD/test-summary and prints
# the closing line of `make check`. A build that left no summary (it failed to
# build) counts as one failure.
passed=0 failed=0 skipped=0
for b in "$@"; do
    if [ -f "$b/test-summary" ]; then
        read -r p f s < "$b/test-summary"
    else
        echo "[$b] no test summary: the build or the runner failed"
        p=0 f=1 s=0
    fi
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
done
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
