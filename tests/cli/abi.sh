#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# gantry-test: plain-only
# The stable ABI: a program built against the installed libgantry (through
# pkg-config) keeps running when the library is rebuilt and reinstalled under
# it, and every exported symbol carries the version node GANTRY_1 (the
# program's references too). The same for libgantry-compiler.
set -u
BUILD=${BUILD:-build}
command -v readelf >/dev/null 2>&1 || { echo "abi.sh: skipped: readelf (binutils) missing"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "abi.sh: FAIL: $*"; exit 1; }
prefix="$tmp/prefix"
install_lib() {
    make --no-print-directory -s install BUILD="$BUILD" PREFIX="$prefix" > "$tmp/install.log" 2>&1 ||
        { cat "$tmp/install.log"; fail "make install PREFIX=$prefix"; }
}
install_lib
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
lib="$prefix/lib"

cat > "$tmp/prog.c" <<'PROG'
/* Built once against the installed headers; run against later libraries. */
#include <gantry.h>
#include <gantry_compiler.h>
#include <stdio.h>
#include <string.h>

static int on_match(const gantry_rule_match *m, void *user) {
    (void)user;
    printf("%llu %s %s %s\n", (unsigned long long)m->first_line, m->name, m->rule->id,
           gantry_level_name(m->rule->level));
    return 0;
}

int main(void) {
    static const char rules[] = "rule exec_into_pod {\n"
                                "  id: \"11111111-1111-4111-8111-111111111111\"\n"
                                "  level: medium\n"
                                "  condition: verb: \"create\" and objectRef.subresource: \"exec\"\n"
                                "}\n";
    static const char input[] =
        "{\"verb\":\"create\",\"objectRef\":{\"subresource\":\"exec\"}}\n{\"verb\":\"get\"}\n";
    gantry_compiler *c;
    gantry_pack *pack;
    gantry_session *s;
    if (gantry_compiler_new(&c) != GANTRY_OK ||
        gantry_compiler_add_rules(c, "abi.gantry", rules, strlen(rules)) != GANTRY_OK ||
        gantry_compiler_compile_pack(c, &pack) != GANTRY_OK)
        return 2;
    gantry_compiler_free(c);
    if (gantry_session_new(pack, GANTRY_FORMAT_AUTO, on_match, NULL, NULL, &s) != GANTRY_OK)
        return 2;
    gantry_session_feed(s, input, strlen(input));
    gantry_session_flush(s);
    gantry_session_free(s);
    gantry_pack_free(pack);
    printf("version %s\n", gantry_version());
    return 0;
}
PROG
# shellcheck disable=SC2046
cc -std=c11 -Wall -Werror -o "$tmp/prog" "$tmp/prog.c" \
    $(pkg-config --cflags gantry-compiler gantry) $(pkg-config --libs gantry-compiler gantry) \
    -Wl,-rpath,"$lib" || fail "building against the installed library"
printf '1 exec_into_pod 11111111-1111-4111-8111-111111111111 medium\nversion %s\n' \
    "$("$BUILD/gantry" version | awk '{print $2}')" > "$tmp/want"
"$tmp/prog" > "$tmp/got1" || fail "program exited $? against the first library"
cmp -s "$tmp/want" "$tmp/got1" || { diff "$tmp/want" "$tmp/got1"; fail "first run"; }
# it really uses the installed shared libraries
ldd "$tmp/prog" | grep -q "$lib/libgantry" || { ldd "$tmp/prog"; fail "program not linked to $lib"; }

# every exported function of both libraries carries its version node
for pair in libgantry.so:GANTRY_1 libgantry-compiler.so:GANTRY_COMPILER_1; do
    so="$lib/${pair%%:*}" node="${pair#*:}"
    readelf --dyn-syms -W "$so" | awk '$7 != "UND" && $8 ~ /^gantry_/' > "$tmp/syms"
    [ -s "$tmp/syms" ] || fail "$so exports no gantry_ symbol"
    if grep -v "@@$node\$" "$tmp/syms" | grep -q .; then
        grep -v "@@$node\$" "$tmp/syms"
        fail "$so: symbols without version $node"
    fi
    readelf --dyn-syms -W "$so" | awk '$7 != "UND" && $5 == "GLOBAL" && $4 == "FUNC"' |
        grep -v ' gantry_' > "$tmp/other"
    [ -s "$tmp/other" ] && { cat "$tmp/other"; fail "$so exports non-gantry functions"; }
done
# every symbol the libraries need resolves (none hidden in the other library)
for so in libgantry.so libgantry-compiler.so; do
    LD_LIBRARY_PATH="$lib" ldd -r "$lib/$so" > "$tmp/ldd" 2>&1
    grep -q 'undefined symbol' "$tmp/ldd" && { cat "$tmp/ldd"; fail "$so has undefined symbols"; }
done
# every function the installed headers declare is exported (none left hidden)
declared() { (cd "$prefix/include" && grep -ohE "\\b$1[a-z0-9_]*\\(" $2) | tr -d '(' | sort -u; }
exported() { readelf --dyn-syms -W "$lib/$1" | awk '$7 != "UND" {print $8}' | sed 's/@.*//' | sort -u; }
declared gantry_ "gantry.h gantry_cjson.h" > "$tmp/declared"
exported libgantry.so > "$tmp/exported"
missing=$(comm -23 "$tmp/declared" "$tmp/exported")
[ -z "$missing" ] || fail "libgantry.so does not export: $missing"
declared gantry_compiler_ gantry_compiler.h > "$tmp/declared"
exported libgantry-compiler.so > "$tmp/exported"
missing=$(comm -23 "$tmp/declared" "$tmp/exported")
[ -z "$missing" ] || fail "libgantry-compiler.so does not export: $missing"
[ "$(wc -l < "$tmp/declared")" -ge 10 ] || fail "too few compiler functions found in its header"
readelf --dyn-syms -W "$tmp/prog" | grep -q 'gantry_session_new@GANTRY_1' ||
    fail "the program's references are not versioned"
readelf --dyn-syms -W "$tmp/prog" | grep -q 'gantry_compiler_new@GANTRY_COMPILER_1' ||
    fail "the program's compiler references are not versioned"

# SONAME: the program must depend on the versioned file name once the
# library has one (libgantry.so.1); until then the plain name is accepted.
soname=$(readelf -d "$lib/libgantry.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
needed=$(readelf -d "$tmp/prog" | sed -n 's/.*(NEEDED).*\[\(libgantry\.so[^]]*\)\]/\1/p')
if [ -n "$soname" ]; then
    [ "$needed" = "$soname" ] || fail "program needs $needed, library is $soname"
else
    echo "abi.sh: note: libgantry.so has no SONAME yet (program needs $needed)"
fi
readelf -d "$tmp/prog" | grep -q 'NEEDED.*\[libgantry-compiler.so.1\]' ||
    fail "program does not need libgantry-compiler.so.1"

# rebuild and reinstall the library under the built program, then run it again
stamp() { stat -L -c '%y' "$BUILD/libgantry.so" "$lib/libgantry.so" "$lib/libgantry-compiler.so"; }
before=$(stamp)
sleep 1
touch runtime/api/api.c compiler/compiler_api.c
install_lib
after=$(stamp)
[ "$(echo "$before" | head -1)" != "$(echo "$after" | head -1)" ] || fail "libgantry.so was not rebuilt"
[ "$(echo "$before" | sed -n 2p)" != "$(echo "$after" | sed -n 2p)" ] || fail "libgantry.so was not reinstalled"
[ "$(echo "$before" | sed -n 3p)" != "$(echo "$after" | sed -n 3p)" ] ||
    fail "libgantry-compiler.so was not reinstalled"
"$tmp/prog" > "$tmp/got2" || fail "old program exited $? against the rebuilt library"
cmp -s "$tmp/want" "$tmp/got2" || { diff "$tmp/want" "$tmp/got2"; fail "old program, new library"; }
echo "abi.sh: ok"
