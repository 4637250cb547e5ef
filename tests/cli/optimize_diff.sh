#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Results are identical with and without every matching optimisation.
#
# `gantry match --optimize=0` makes the runtime extract every field the plain way and
# run every rule on every event; --optimize=all turns on the top-level
# key hash and builds the candidate-rule index even for small packs. For each
# pack and input below, `gantry match` output (every match with its line and
# event) and its --stats accounting must be byte-identical between the two,
# and between -j 1 and -j 2. Inputs: the shipped corpus, ../shared/corpus-real
# when present, and generated mixed events; packs: the shipped packs, the ten
# benchmark rules, synthetic rules and, when present, the Sigma corpus.
set -u
BUILD=${BUILD:-build}
G="$BUILD/gantry"
T=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
. tests/support/differential.sh

# The generators are plain C; build them here when `make bench` has not.
for g in gen_rules gen_events; do
    if [ -x "$BUILD/bench/$g" ]; then
        cp "$BUILD/bench/$g" "$T/$g"
    else
        ${CC:-cc} -O2 -o "$T/$g" "bench/$g.c" || echo "cannot build bench/$g.c"
    fi
done

MAPS=""
for f in rules/mappings/*.yml; do [ -f "$f" ] && MAPS="$MAPS --mapping $f"; done
SHIPPED="rules/lists rules/t1610 rules/doki rules/kinsing"

# the same pack file serves both runs: the index is built at load, not at
# compile
compile shipped $MAPS $SHIPPED
compile ten bench/rules/ten
"$T/gen_rules" 300 7 >"$T/synthetic.gantry"
check "generate synthetic rules" $?
compile synthetic "$T/synthetic.gantry"
if [ -d ../shared/sigma/full/rules ]; then
    compile sigma --placeholders empty $MAPS $SHIPPED ../shared/sigma/full/rules
else
    echo "skip the Sigma corpus pack: ../shared/sigma/full absent"
    missing="$missing ../shared/sigma/full"
fi

"$T/gen_events" 3000 11 >"$T/mixed.log"
check "generate mixed events" $?
INPUTS="corpus $T/mixed.log"
add_real_corpus
diff_packs all "optimisations"
diff_end optimize_diff
