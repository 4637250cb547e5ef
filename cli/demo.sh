#!/bin/sh
# The README's main job: compile the shipped packs and match the shipped
# corpus, printing every detection at level low and above.
set -eu
BUILD=${1:-build}
GANTRY="$BUILD/gantry"
PACK="$BUILD/shipped.gpk"
echo "== compiling rules/ into $PACK"
"$GANTRY" compile -o "$PACK" rules
echo "== matching corpus/ (detections at level low and above)"
"$GANTRY" match -p "$PACK" --format text --min-level low --stats "$BUILD/demo-stats.json" corpus
echo "== statistics written to $BUILD/demo-stats.json"
