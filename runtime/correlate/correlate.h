/* SPDX-License-Identifier: Apache-2.0 */
/* Correlation tables decoded from a pack (correlate_pack.c) and read by the
 * correlation stage (correlate.c). Module prefix: grt_corr_. */
#ifndef GANTRY_RT_CORRELATE_H
#define GANTRY_RT_CORRELATE_H

#include "pack.h"

typedef struct grt_corr {
    uint32_t type, flags, cond_flags;
    grt_slice tags, refs;
    int64_t span_ns;
    double lo, hi, percentile;
    uint32_t ngroup;
    uint32_t fields_first; /* into grt_corr_table.fields; layout as pack_format.h */
    int has_value;
    int reported; /* its matches are results (not only input of another) */
    gantry_correlation_info info;
    const char **group_names; /* ngroup names, pointing into the pack strings */
} grt_corr;

/* Who consumes the matches of a rule or a correlation: (correlation, ref). */
typedef struct grt_corr_use {
    uint32_t corr, ref;
} grt_corr_use;

typedef struct grt_corr_table {
    grt_corr *corrs;
    uint32_t ncorrs;
    uint32_t *refs;
    uint32_t nrefs;
    uint32_t *fields; /* string indices */
    uint32_t nfields;
    grt_slice *rule_uses; /* per rule, a slice of uses */
    grt_slice *corr_uses; /* per correlation */
    grt_corr_use *uses;
    uint8_t *rule_reported;
    const char **group_name_store;
    uint32_t max_refs, max_group;
} grt_corr_table;

/* The path string index that reference `ref` of `c` reads for group field g. */
static inline uint32_t grt_corr_group_field(const grt_corr_table *t, const grt_corr *c,
                                            uint32_t ref, uint32_t g) {
    return t->fields[c->fields_first + (ref + 1) * c->ngroup + g];
}

static inline uint32_t grt_corr_value_field(const grt_corr_table *t, const grt_corr *c,
                                            uint32_t ref) {
    return t->fields[c->fields_first + (c->refs.count + 1) * c->ngroup + ref];
}

#endif
