#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The README's main job: compile the shipped packs and match the shipped
# corpus. Each attack corpus is shown on its own so a reader sees at a glance
# which detections are T1610, which Doki and which Kinsing; the benign corpus
# shows that ordinary activity stays quiet at medium and above.
set -eu
BUILD=${1:-build}
GANTRY="$BUILD/gantry"
PACK="$BUILD/shipped.gpk"
echo "== compiling rules/ into $PACK"
"$GANTRY" compile -o "$PACK" rules
for pack in t1610 doki kinsing; do
    echo
    echo "== corpus/$pack: detections at level low and above"
    "$GANTRY" match -p "$PACK" --format text --min-level low "corpus/$pack"
done
echo
echo "== corpus/correlations: attack chains, each example file on its own"
for f in corpus/correlations/*.pos.jsonl corpus/correlations/*.pos.log; do
    [ -f "$f" ] || continue
    "$GANTRY" match -p "$PACK" --format text --quiet "$f" |
        awk '/^CORRELATION/ { show = 1; print; next } /^    / && show { print; next } { show = 0 }'
done
echo
echo "== corpus/benign: ordinary cluster and Docker activity (nothing should fire at medium or above)"
"$GANTRY" match -p "$PACK" --format text --min-level medium "corpus/benign"
echo
echo "== the whole corpus, counts per rule (all levels), statistics in $BUILD/demo-stats.json"
"$GANTRY" match -p "$PACK" --format text --count --stats "$BUILD/demo-stats.json" corpus 2>&1 |
    grep -v ': malformed line: '
