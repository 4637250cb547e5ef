#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Every command's help and its section of docs/gantry.1 list the same
# options: each option in `gantry help CMD` is an item (.TP) of the man
# page's `.SS "gantry CMD"` section and each item there is in the help.
# The commands are those `gantry help` lists; each must have a section.
set -u
BUILD=${BUILD:-build}
G=$BUILD/gantry
MAN=docs/gantry.1
[ -x "$G" ] || { echo "help_man.sh: $G is not built"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() { echo "help_man.sh: FAIL: $*"; failed=1; }

# Options of a help text: the lines of its "options:" block, as -X and --name.
help_options() {
    "$G" help "$1" | awk '/^options:$/ {on = 1; next} /^$/ {on = 0} on && /^  -/' |
        grep -o -- '^  -[A-Za-z0-9], --[a-z0-9-]*\|^  --[a-z0-9-]*' |
        tr -d ' ' | tr ',' '\n' | sort -u
}

# Options of a man section: the first line after each .TP, unescaped.
man_options() {
    awk -v want=".SS \"gantry $1\"" '
        /^\.S[SH] / { on = ($0 == want); next }
        on && /^\.TP/ { grab = 1; next }
        on && grab { print; grab = 0 }' "$MAN" |
        sed 's/\\-/-/g; s/\\f[BIR]//g' |
        grep -o -- '^-[A-Za-z0-9], --[a-z0-9-]*\|^--[a-z0-9-]*' |
        tr -d ' ' | tr ',' '\n' | sort -u
}

commands=$("$G" help | sed -n 's/^  gantry \([a-z-]*\).*/\1/p')
[ -n "$commands" ] || fail "gantry help lists no commands"
n=0
for c in $commands; do
    man_name=$(printf '%s' "$c" | sed 's/-/\\\\-/g')
    grep -q "^\.SS \"gantry $man_name\"\$" "$MAN" || { fail "no section for $c in $MAN"; continue; }
    help_options "$c" > "$tmp/help"
    man_options "$man_name" > "$tmp/man"
    if ! cmp -s "$tmp/help" "$tmp/man"; then
        fail "$c: options differ (< help, > man page)"
        diff "$tmp/help" "$tmp/man"
    fi
    n=$((n + $(wc -l < "$tmp/help")))
done
# the comparison saw the options that exist (a parser that found none would
# pass vacuously)
[ "$n" -ge 60 ] || fail "only $n options found over all commands"
[ $failed -eq 0 ] && echo "help_man.sh: ok ($n options over $(echo $commands | wc -w) commands)"
exit $failed
