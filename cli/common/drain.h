/* SPDX-License-Identifier: Apache-2.0 */
/* The item loop every event-reading command runs: take each ready item of a
 * normalizer, account for its lines in gmo_stats, hand events to the caller
 * and report what went wrong with a line. Used by `gantry match` (alone and
 * per -j chunk), `gantry consume` and `gantry normalize`. Module prefix: gdr_. */
#ifndef GANTRY_CLI_DRAIN_H
#define GANTRY_CLI_DRAIN_H

#include <stdint.h>
#include <stdio.h>

#include "gantry.h"
#include "match_output.h"

/* What a note is about; the letters lead each note a -j worker keeps. */
enum { GDR_MALFORMED = 'M', GDR_REGEX_LIMIT = 'R', GDR_ERROR = 'E' };

typedef struct gdr_hooks {
    /* One event (item->event): returns the matcher's status; a regex-limit
     * or other error is counted and noted here. */
    gantry_status (*event)(void *user, const gantry_item *item);
    /* A message about input line `line`: `kind` names the counter it
     * advanced and `count` is that counter's new value. */
    void (*note)(void *user, int kind, uint64_t count, uint64_t line, const char *text);
    void *user;
} gdr_hooks;

/* Drains every ready item of `norm`. Returns the last input line the items
 * accounted for (at least `covered`). */
uint64_t gdr_drain(gantry_normalizer *norm, gmo_stats *stats, const gdr_hooks *hooks,
                   uint64_t covered);
/* Counts lines first..last as one malformed item and notes it. */
void gdr_malformed(gmo_stats *stats, const gdr_hooks *hooks, uint64_t first, uint64_t last,
                   const char *reason);
/* A note as gantry prints it: "gantry: FILE:LINE: ..." and a newline. */
void gdr_print_note(FILE *out, int kind, const char *file, uint64_t line, const char *text);

#endif
