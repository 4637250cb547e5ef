#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The Python bindings' tests (bindings/python/tests), run with Debian's
# /usr/bin/python3 against this build's libgantry.so and
# libgantry-compiler.so. In the sanitizer pass (SAN=1) the libraries are the
# ASan+UBSan ones, with gcc's runtimes preloaded into the uninstrumented
# interpreter; leaks are not checked (the interpreter keeps its own).
set -u
BUILD=${BUILD:-build}
SAN=${SAN:-0}
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "python.sh: $PY missing (Debian package python3)"; exit 1; }
for so in libgantry.so libgantry-compiler.so; do
    [ -f "$BUILD/$so" ] || { echo "python.sh: $BUILD/$so is not built"; exit 1; }
done
# The package's version is the one of include/gantry.h (the one source):
# pyproject.toml cannot read a C header, so this check keeps it honest.
want=$(sed -n 's/^#define GANTRY_VERSION_STRING "\(.*\)"/\1/p' include/gantry.h)
have=$(sed -n 's/^version = "\(.*\)"/\1/p' bindings/python/pyproject.toml)
[ "$want" = "$have" ] || { echo "python.sh: pyproject.toml says $have, include/gantry.h $want"; exit 1; }
export GANTRY_LIBRARY_DIR="$BUILD"
export LD_LIBRARY_PATH="$BUILD${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export PYTHONPATH=bindings/python
export PYTHONDONTWRITEBYTECODE=1
if [ "$SAN" = 1 ]; then
    asan=$(gcc -print-file-name=libasan.so) ubsan=$(gcc -print-file-name=libubsan.so)
    [ -f "$asan" ] && [ -f "$ubsan" ] || { echo "python.sh: gcc's libasan/libubsan not found"; exit 1; }
    export LD_PRELOAD="$asan $ubsan"
    export ASAN_OPTIONS=detect_leaks=0
fi
"$PY" -m unittest discover -s bindings/python/tests 2>&1
rc=$?
[ $rc -eq 0 ] && echo "python.sh: ok" || echo "python.sh: FAIL"
exit $rc
