/* SPDX-License-Identifier: Apache-2.0 */
/* Sigma 2.1 time-part predicates (TIME_MINUTE .. TIME_YEAR): the event value
 * read as a timestamp and reduced to one UTC calendar part. Module prefix:
 * gtp_. */
#ifndef GANTRY_RT_TIMEPART_H
#define GANTRY_RT_TIMEPART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pack.h"

/* Seconds since the epoch of an epoch number: seconds, or milliseconds above
 * 1e11, microseconds above 1e14, nanoseconds above 1e17 (in magnitude).
 * False for a number outside the years 0-9999 or not finite. */
bool gtp_parse_number(double d, int64_t *secs);

/* The UTC part `op` (GANTRY_OP_TIME_MINUTE .. GANTRY_OP_TIME_YEAR) of a time
 * in seconds since the epoch; the week is the ISO 8601 week (1-53). */
int64_t gtp_part(unsigned op, int64_t secs);

/* Evaluates a verified TIME_* predicate against the current event. */
int gtp_test(gantry_matcher *m, const struct gantry_insn *in);

#endif
