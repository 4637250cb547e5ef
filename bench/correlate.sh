#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Correlation state on the many-keys stream (bench/correlate_keys.c): 10^5
# and 10^6 distinct group keys through one stage under a budget; the bytes the
# stage accounts for and the process's maximum RSS stay flat once the budget
# is full. `make bench` runs it in full mode (bench/run.sh).
#
# usage: sh bench/correlate.sh [BUILD] [BUDGET_BYTES...]   (default 16 MiB and 64 MiB)
set -eu
BUILD=${1:-build}
[ $# -gt 0 ] && shift
BIN="$BUILD/bench/correlate_keys"
if [ ! -x "$BIN" ]; then
    echo "bench/correlate.sh: $BIN is not built (make BUILD=$BUILD $BIN)" >&2
    exit 1
fi
[ $# -gt 0 ] || set -- 16777216 67108864
echo "== correlation state, many distinct keys"
for budget in "$@"; do
    "$BIN" "$budget"
    echo
done
