#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# gantry-test: plain-only
# `make install PREFIX=$tmp` as a user of the library sees it: the shared
# library is libgantry.so.1.0.0 with SONAME libgantry.so.1 and the two
# links, every header gantry.h includes is installed, and examples/embed.c
# builds against the installed files with pkg-config alone and runs.
# (Plain build only: a sanitizer-built library needs its runtime first.)
set -u
BUILD=${BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "install.sh: FAIL: $*"; exit 1; }
for tool in make readelf pkg-config "${CC:-cc}"; do
    command -v "$tool" >/dev/null || fail "$tool is missing (make deps installs it)"
done
prefix="$tmp/prefix"

# A make of its own: nothing of an enclosing `make test` leaks in.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s install PREFIX="$prefix" BUILD="$BUILD" \
    > "$tmp/make.log" 2>&1 || { cat "$tmp/make.log"; fail "make install"; }

lib="$prefix/lib"
[ -f "$lib/libgantry.so.1.0.0" ] && [ ! -L "$lib/libgantry.so.1.0.0" ] ||
    fail "libgantry.so.1.0.0 is not a regular file"
[ "$(readlink "$lib/libgantry.so.1")" = libgantry.so.1.0.0 ] || fail "libgantry.so.1 link"
[ "$(readlink "$lib/libgantry.so")" = libgantry.so.1 ] || fail "libgantry.so dev link"
readelf -d "$lib/libgantry.so.1.0.0" | grep -q 'SONAME.*\[libgantry\.so\.1\]' ||
    fail "no SONAME libgantry.so.1"
for f in lib/libgantry.a include/gantry.h bin/gantry share/man/man1/gantry.1 \
    share/doc/gantry/LICENSE lib/pkgconfig/gantry.pc; do
    [ -f "$prefix/$f" ] || fail "$f not installed"
done

# every header gantry.h names is installed or a system header
for h in $(grep -o '[A-Za-z0-9_]*\.h\b' "$prefix/include/gantry.h" | sort -u); do
    [ -f "$prefix/include/$h" ] ||
        printf '#include <%s>\n' "$h" | "${CC:-cc}" -E -x c - >/dev/null 2>&1 ||
        fail "gantry.h names $h, which is not installed"
done

export PKG_CONFIG_PATH="$lib/pkgconfig"
pkg-config --exists gantry || fail "pkg-config does not find gantry.pc"
[ "$(pkg-config --modversion gantry)" = "$("$prefix/bin/gantry" version | awk '{print $2}')" ] ||
    fail "gantry.pc version differs from gantry version"
# shellcheck disable=SC2046
"${CC:-cc}" -std=c11 -D_POSIX_C_SOURCE=200809L -o "$tmp/embed" examples/embed.c \
    $(pkg-config --cflags --libs gantry) 2> "$tmp/cc.log" ||
    { cat "$tmp/cc.log"; fail "embed.c does not build against the installed files"; }
readelf -d "$tmp/embed" | grep -q 'NEEDED.*\[libgantry\.so\.1\]' ||
    fail "embed is not linked to libgantry.so.1"

. tests/cli/embed_fixture.inc
embed_fixture "$tmp"
"$prefix/bin/gantry" compile -o "$tmp/pack.gpk" "$tmp/rules.gantry" >/dev/null ||
    fail "installed gantry compile"
LD_LIBRARY_PATH="$lib" "$tmp/embed" "$tmp/pack.gpk" < "$tmp/events.jsonl" > "$tmp/out" \
    2>/dev/null || fail "installed embed exited $?"
LD_LIBRARY_PATH="$lib" ldd "$tmp/embed" | grep -q "libgantry.so.1 => $lib/libgantry.so.1" ||
    fail "embed did not load the installed library"
cmp -s "$tmp/out" "$tmp/expected" || { diff "$tmp/expected" "$tmp/out"; fail "unexpected matches"; }

# the static library with `pkg-config --static`: no libgantry.so needed
# shellcheck disable=SC2046
"${CC:-cc}" -std=c11 -D_POSIX_C_SOURCE=200809L -o "$tmp/embed-static" examples/embed.c \
    $(pkg-config --cflags gantry) -Wl,-Bstatic -lgantry -Wl,-Bdynamic \
    $(pkg-config --static --libs gantry | sed 's/-lgantry//') 2> "$tmp/cc.log" ||
    { cat "$tmp/cc.log"; fail "embed.c does not link with libgantry.a and pkg-config --static"; }
readelf -d "$tmp/embed-static" | grep -q 'NEEDED.*libgantry' && fail "static embed needs libgantry.so"
"$tmp/embed-static" "$tmp/pack.gpk" < "$tmp/events.jsonl" > "$tmp/out-static" 2>/dev/null ||
    fail "static embed exited $?"
cmp -s "$tmp/out-static" "$tmp/expected" || fail "static embed: unexpected matches"
echo "install.sh: ok"
