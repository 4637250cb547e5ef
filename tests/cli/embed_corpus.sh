#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# gantry-test: plain-only
# The embedding paths find exactly what `gantry match` finds: the C examples
# (examples/embed, examples/filter), the Python bindings and the Go bindings
# report the same (file, line, rule id) set as `gantry match` over the
# shipped corpus (corpus/) and, when present, ../shared/corpus-real.
set -u
BUILD=${BUILD:-build}
GANTRY=$BUILD/gantry
for bin in "$GANTRY" "$BUILD/examples/embed" "$BUILD/examples/filter"; do
    [ -x "$bin" ] || { echo "embed_corpus.sh: $bin is not built"; exit 1; }
done
command -v go >/dev/null 2>&1 || { echo "embed_corpus.sh: go missing (Debian: golang-go)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "embed_corpus.sh: FAIL: $*"; exit 1; }
"$GANTRY" compile -o "$tmp/pack.gpk" rules > /dev/null || fail "gantry compile rules"

# libraries under both their plain and versioned names (the SONAME)
mkdir -p "$tmp/lib"
for so in libgantry libgantry-compiler; do
    ln -s "$PWD/$BUILD/$so.so" "$tmp/lib/$so.so"
    ln -s "$PWD/$BUILD/$so.so" "$tmp/lib/$so.so.1"
done
export GANTRY_LIBRARY_DIR="$tmp/lib" LD_LIBRARY_PATH="$tmp/lib" PYTHONPATH=bindings/python
export PYTHONDONTWRITEBYTECODE=1
export CGO_LDFLAGS="-L$tmp/lib" GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local
export GOPATH="$tmp/gopath"
(cd bindings/go && go build -o "$tmp/gantry-scan" ./cmd/gantry-scan) || fail "building the Go scanner"

compare() { # NAME DIR
    name=$1 dir=$2
    find "$dir" -type f ! -name '*.md' ! -name '.*' | sort > "$tmp/files"
    [ -s "$tmp/files" ] || fail "$dir has no files"
    "$GANTRY" match -p "$tmp/pack.gpk" --format jsonl --quiet "$dir" 2> /dev/null |
        jq -r 'select(.rule) | "\(.file)\t\(.line)\t\(.rule.id)"' | sort > "$tmp/want"
    [ "$(wc -l < "$tmp/want")" -ge 20 ] || fail "$name: gantry match found too little to compare"
    # the C examples read plain bytes: gzip files go through zcat
    : > "$tmp/embed" && : > "$tmp/filter"
    while read -r f; do
        zcat -f "$f" > "$tmp/plain"
        "$BUILD/examples/embed" "$tmp/pack.gpk" "$tmp/plain" 2> /dev/null | grep -v '^	' |
            grep -v '^CORRELATION' | awk -F'\t' -v f="$f" '{ sub(/.*:/, "", $1); print f "\t" $1 "\t" $2 }' \
            >> "$tmp/embed"
        "$BUILD/examples/filter" "$tmp/pack.gpk" < "$tmp/plain" |
            jq -r --arg f "$f" 'select(.rule) | "\($f)\t\(.line)\t\(.rule.id)"' >> "$tmp/filter"
    done < "$tmp/files"
    # shellcheck disable=SC2046
    /usr/bin/python3 bindings/python/tests/match_files.py "$tmp/pack.gpk" $(cat "$tmp/files") \
        > "$tmp/python" || fail "$name: python exited $?"
    # shellcheck disable=SC2046
    "$tmp/gantry-scan" "$tmp/pack.gpk" $(cat "$tmp/files") > "$tmp/go" || fail "$name: go exited $?"
    for who in embed filter python go; do
        sort -o "$tmp/$who" "$tmp/$who"
        cmp -s "$tmp/want" "$tmp/$who" ||
            { diff "$tmp/want" "$tmp/$who" | head -20; fail "$name: $who differs from gantry match"; }
    done
    echo "embed_corpus.sh: $name: $(wc -l < "$tmp/want") matches in $(wc -l < "$tmp/files") files, same from C, Python and Go"
}

compare corpus corpus
if [ -d ../shared/corpus-real ]; then
    compare corpus-real ../shared/corpus-real
else
    echo "embed_corpus.sh: ../shared/corpus-real absent: only the shipped corpus compared"
fi
echo "embed_corpus.sh: ok"
