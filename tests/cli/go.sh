#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# gantry-test: plain-only
# The Go bindings' tests (bindings/go), offline: Debian's go, the standard
# library only (GOPROXY=off, a go.mod without requirements), cgo linking this
# build's libgantry and libgantry-compiler.
set -u
BUILD=${BUILD:-build}
command -v go >/dev/null 2>&1 || { echo "go.sh: go missing (Debian: golang-go)"; exit 1; }
for so in libgantry.so libgantry-compiler.so; do
    [ -f "$BUILD/$so" ] || { echo "go.sh: $BUILD/$so is not built"; exit 1; }
done
grep -q '^require' bindings/go/go.mod && { echo "go.sh: FAIL: go.mod has requirements"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# libraries under both their plain and versioned names (the SONAME)
mkdir -p "$tmp/lib"
for so in libgantry libgantry-compiler; do
    ln -s "$PWD/$BUILD/$so.so" "$tmp/lib/$so.so"
    ln -s "$PWD/$BUILD/$so.so" "$tmp/lib/$so.so.1"
done
export CGO_LDFLAGS="-L$tmp/lib" LD_LIBRARY_PATH="$tmp/lib" GANTRY_BIN="$PWD/$BUILD/gantry"
export GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local GOPATH="$tmp/gopath"
cd bindings/go || exit 1
go vet ./... || { echo "go.sh: FAIL: go vet"; exit 1; }
go test -count=1 -v ./... > "$tmp/log" 2>&1
rc=$?
grep -E '^(--- |ok|FAIL|PASS)' "$tmp/log"
[ $rc -eq 0 ] || { cat "$tmp/log"; echo "go.sh: FAIL"; exit 1; }
# every test ran (none skipped for want of the gantry binary)
grep -q -- '--- SKIP' "$tmp/log" && { echo "go.sh: FAIL: tests skipped"; exit 1; }
echo "go.sh: ok"
