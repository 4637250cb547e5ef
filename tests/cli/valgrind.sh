#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# gantry-test: plain-only
# Memory checking under valgrind (the plain build only: the sanitizer build
# already instruments everything and the two do not mix). A few unit test
# programs and one `gantry match` over the shipped corpus must report no
# error and no leak. pcre2's JIT code is suppressed (tests/valgrind.supp).
set -u
BUILD=${BUILD:-build}
if ! command -v valgrind >/dev/null 2>&1; then
    echo "SKIP: valgrind is not installed (make deps installs it)"
    exit 77
fi
VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --suppressions=tests/valgrind.supp"
fails=0
for t in test_vm test_loader test_compile_match test_normalize_sources test_normalize_channels \
    test_sigma_semantics; do
    if [ ! -x "$BUILD/tests/$t" ]; then
        echo "FAIL $BUILD/tests/$t is not built"
        fails=$((fails + 1))
    else
        if $VG "$BUILD/tests/$t" >/dev/null 2>"$BUILD/valgrind-$t.log"; then
            echo "ok   valgrind $t"
        else
            echo "FAIL valgrind $t (see $BUILD/valgrind-$t.log)"
            tail -30 "$BUILD/valgrind-$t.log"
            fails=$((fails + 1))
        fi
    fi
done
# cJSON on malloc (GANTRY_CJSON_ARENA=0): memcheck then sees every node; the
# arena itself is checked under AddressSanitizer, which it poisons for
if GANTRY_CJSON_ARENA=0 $VG "$BUILD/gantry" match -r rules --format jsonl -q corpus >/dev/null \
    2>"$BUILD/valgrind-match.log"; then
    echo "ok   valgrind gantry match over corpus/"
else
    echo "FAIL valgrind gantry match (see $BUILD/valgrind-match.log)"
    tail -30 "$BUILD/valgrind-match.log"
    fails=$((fails + 1))
fi
echo "valgrind: $fails failed"
[ "$fails" -eq 0 ]
