#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# docs/pack-format.md's opcode and section tables are generated from
# runtime/pack/opcodes.h and runtime/pack/pack_format.h (`make docs`); this
# fails when the committed document differs from what the headers give, so a
# table edit that forgets `make docs` cannot land.
set -u
BUILD=${BUILD:-build}
GEN=$BUILD/tools/gen_pack_doc
[ -x "$GEN" ] || { echo "pack_doc.sh: $GEN is not built"; exit 1; }
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
"$GEN" < docs/pack-format.md > "$tmp" || { echo "pack_doc.sh: FAIL: generator failed"; exit 1; }
# three tables, each with at least its header and one row
n=$(grep -c '^<!-- BEGIN GENERATED: ' "$tmp")
[ "$n" -eq 3 ] || { echo "pack_doc.sh: FAIL: expected 3 generated tables, found $n"; exit 1; }
grep -q '^| EQ | field | list |' "$tmp" || { echo "pack_doc.sh: FAIL: no EQ row"; exit 1; }
grep -q '^| 9 | RULES | 88 | required |' "$tmp" || { echo "pack_doc.sh: FAIL: no RULES row"; exit 1; }
if ! cmp -s "$tmp" docs/pack-format.md; then
    echo "pack_doc.sh: FAIL: docs/pack-format.md differs from the headers; run \`make docs\`:"
    diff -u docs/pack-format.md "$tmp" | head -40
    exit 1
fi
echo "pack_doc.sh: docs/pack-format.md tables match the headers"
