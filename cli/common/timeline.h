/* SPDX-License-Identifier: Apache-2.0 */
/* gantry match --timeline: matches held, sorted by event time, written at
 * the end with a summary per level and per rule. Memory is bounded by a
 * number of held matches (--timeline-limit). Module prefix: gmo_. */
#ifndef GANTRY_CLI_TIMELINE_H
#define GANTRY_CLI_TIMELINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gantry.h"

#define GMO_TIMELINE_DEFAULT_LIMIT 1000000u

typedef struct gmo_timeline gmo_timeline;

gmo_timeline *gmo_timeline_new(size_t limit);
void gmo_timeline_free(gmo_timeline *tl);

/* Holds one printed record. Returns 0, or -1 when the limit is reached
 * (then gmo_timeline_over() is 1 and nothing more is held) or memory ran
 * out. */
int gmo_timeline_add(gmo_timeline *tl, int has_time, int64_t ns, size_t rule, int level,
                     const char *text, size_t len);
int gmo_timeline_over(const gmo_timeline *tl);
size_t gmo_timeline_limit(const gmo_timeline *tl);

/* Writes the held records, timed ones by time (ties in input order), then
 * those without a time in input order. Returns 0, or -1 when memory ran
 * out. */
int gmo_timeline_write(gmo_timeline *tl, FILE *out);

/* The rule a summary row names. */
typedef int (*gmo_rule_info_fn)(void *user, size_t rule, gantry_rule_info *info);

/* The results summary: per level (critical first) and per rule (highest
 * level first, then most matches), each with its count and the first and
 * last event time. Returns 0, or -1 when memory ran out. */
int gmo_timeline_summary(const gmo_timeline *tl, FILE *out, gmo_rule_info_fn info, void *user);

#endif
