/* SPDX-License-Identifier: Apache-2.0 */
/* Output of correlation matches and counters for `gantry match`
 * (docs/output.md, docs/correlations.md). Module prefix: gco_. */
#ifndef GANTRY_CLI_CORRELATE_OUTPUT_H
#define GANTRY_CLI_CORRELATE_OUTPUT_H

#include <stdio.h>

#include "gantry.h"

typedef struct gco_sink {
    const gantry_pack *pack;
    FILE *out;
    int text;       /* --format text */
    int count_only; /* --count: count, print nothing per match */
    int min_level;
    uint64_t printed;
} gco_sink;

/* A gantry_corr_fn; `user` is a gco_sink. */
void gco_on_match(const gantry_corr_match *match, void *user);
/* One JSON object for a correlation match, without the newline; malloc'd. */
char *gco_render(const gantry_pack *pack, const gantry_corr_match *match);
void gco_print_summary(const gantry_correlator_stats *stats, uint64_t printed, FILE *out);
/* Adds a "correlations" object to the JSON stats file written before. */
int gco_amend_stats_file(const char *path, const gantry_correlator_stats *stats, uint64_t printed);

#endif
