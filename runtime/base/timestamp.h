/* SPDX-License-Identifier: Apache-2.0 */
/* ISO 8601 / RFC 3339 timestamps and the proleptic Gregorian calendar: one
 * parser for correlation event times (gantry_parse_time) and the time-part
 * predicates (vm/timepart.c), so both read the same texts the same way. */
#ifndef GANTRY_RT_TIMESTAMP_H
#define GANTRY_RT_TIMESTAMP_H

#include <stddef.h>
#include <stdint.h>

#include "gantry.h"

/* Require the full RFC 3339 form: a time with seconds, and a zone. */
#define GRT_TS_RFC3339 0x1u

/* Reads `YYYY-MM-DD`, then optionally `T` (or `t` or a space) and
 * `HH:MM[:SS[.fraction]]` (`,` also starts a fraction), then optionally `Z`,
 * `+HH:MM`, `+HHMM` or `+HH` (a missing zone is UTC), and nothing after.
 * The day must exist in its month (leap years included); a leap second
 * (`:60`) counts as `:59` of the minute it ends. *secs gets the seconds since
 * the epoch, *nanos (when not NULL) the fraction in nanoseconds (its first
 * nine digits). Returns GANTRY_OK, or GANTRY_E_ARG when the text is not such
 * a timestamp. */
gantry_status grt_parse_timestamp(const char *s, size_t n, unsigned flags, int64_t *secs,
                                  uint32_t *nanos);

/* Days from 1970-01-01 to y-m-d, and back (Hinnant's algorithms). */
int64_t grt_days_from_civil(int64_t y, int m, int d);
void grt_civil_from_days(int64_t days, int64_t *y, int *m, int *d);

#endif
