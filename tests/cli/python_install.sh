#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# gantry-test: plain-only
# `pip install ./bindings/python` works offline: into a venv of Debian's
# python3 (python3-venv; setuptools from python3-setuptools through
# --system-site-packages), with no index and no build isolation, against a
# libgantry installed by `make install PREFIX=...`. The installed package
# (not the source tree) then runs the Kubernetes audit example.
set -u
BUILD=${BUILD:-build}
PY=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "python_install.sh: FAIL: $*"; exit 1; }
"$PY" -c 'import ensurepip, setuptools' 2>/dev/null ||
    fail "$PY lacks venv or setuptools (Debian: python3-venv python3-setuptools)"
make --no-print-directory -s install BUILD="$BUILD" PREFIX="$tmp/prefix" > "$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log"; fail "make install"; }
"$PY" -m venv --system-site-packages "$tmp/venv" || fail "python3 -m venv"
# build from a copy, so the source tree gets no build/ or egg-info
cp -r bindings/python "$tmp/src"
PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 "$tmp/venv/bin/pip" install --quiet --no-index \
    --no-build-isolation --no-deps "$tmp/src" > "$tmp/pip.log" 2>&1 || { cat "$tmp/pip.log"; fail "pip install"; }
cd "$tmp" || exit 1
where=$(GANTRY_LIBRARY_DIR="$tmp/prefix/lib" LD_LIBRARY_PATH="$tmp/prefix/lib" \
    "$tmp/venv/bin/python" -c 'import gantry; print(gantry.__file__)') || fail "import gantry"
case "$where" in
"$tmp/venv/"*) ;;
*) fail "gantry imported from $where, not from the venv" ;;
esac
cd - > /dev/null || exit 1
log=corpus/t1610/anonymous_k8s_write_request.pos.jsonl
GANTRY_LIBRARY_DIR="$tmp/prefix/lib" LD_LIBRARY_PATH="$tmp/prefix/lib" \
    "$tmp/venv/bin/python" bindings/python/examples/k8s_audit.py "$log" rules > "$tmp/out" 2> "$tmp/err" ||
    { cat "$tmp/err"; fail "the example exited $?"; }
want=$("$BUILD/gantry" match -r rules --format jsonl --quiet "$log" | grep -c '"rule"')
got=$(grep -c "^$log:" "$tmp/out")
[ "$want" -gt 0 ] && [ "$want" = "$got" ] || fail "example found $got matches, gantry match $want"
grep -q 'user.name = system:anonymous' "$tmp/out" || fail "matched values missing"
echo "python_install.sh: ok"
