/* SPDX-License-Identifier: Apache-2.0 */
/* Decoding and checking the optional correlation sections of a pack
 * (pack_format.h): every index in range, types and flags known, no cycle
 * through correlation references; then the consumer index (which
 * correlations read the matches of each rule) and the reported flags. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "correlate.h"

static const char *const type_names[] = {"event_count",      "value_count", "temporal",
                                         "temporal_ordered", "value_sum",   "value_avg",
                                         "value_percentile"};
#define NTYPES (sizeof type_names / sizeof type_names[0])

static uint32_t rd32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const unsigned char *p) {
    return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static double rdf64(const unsigned char *p) {
    uint64_t bits = rd64(p);
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

void grt_corr_table_free(grt_corr_table *t) {
    if (!t)
        return;
    free(t->corrs);
    free(t->refs);
    free(t->fields);
    free(t->rule_uses);
    free(t->corr_uses);
    free(t->uses);
    free(t->rule_reported);
    free(t->group_name_store);
    free(t);
}

static const char *str_or_empty(const gantry_pack *pk, uint32_t s) {
    return s == GANTRY_NO_STRING ? "" : pk->strs[s];
}

static int bad_str(const gantry_pack *pk, uint32_t s, int optional) {
    return s == GANTRY_NO_STRING ? !optional : s >= pk->nstrings;
}

static int cyclic(const grt_corr_table *t, uint32_t at, unsigned char *state) {
    if (state[at] == 1)
        return 1;
    if (state[at] == 2)
        return 0;
    state[at] = 1;
    const grt_corr *c = &t->corrs[at];
    for (uint32_t i = 0; i < c->refs.count; i++) {
        uint32_t r = t->refs[c->refs.first + i];
        if ((r & GANTRY_CORR_REF_CORRELATION) && cyclic(t, r & ~GANTRY_CORR_REF_CORRELATION, state))
            return 1;
    }
    state[at] = 2;
    return 0;
}

/* Fills the consumer index and the reported flags. */
static gantry_status index_uses(gantry_pack *pk, grt_corr_table *t) {
    size_t nrules = pk->nrules;
    t->rule_uses = calloc(nrules + 1, sizeof *t->rule_uses);
    t->corr_uses = calloc(t->ncorrs + 1, sizeof *t->corr_uses);
    t->uses = calloc(t->nrefs + 1, sizeof *t->uses);
    t->rule_reported = malloc(nrules + 1);
    if (!t->rule_uses || !t->corr_uses || !t->uses || !t->rule_reported)
        return GANTRY_E_NOMEM;
    memset(t->rule_reported, 1, nrules + 1);
    for (uint32_t c = 0; c < t->ncorrs; c++)
        t->corrs[c].reported = 1;
    /* counting pass, then prefix sums, then placement */
    for (uint32_t i = 0; i < t->nrefs; i++) {
        uint32_t r = t->refs[i];
        if (r & GANTRY_CORR_REF_CORRELATION)
            t->corr_uses[r & ~GANTRY_CORR_REF_CORRELATION].count++;
        else
            t->rule_uses[r].count++;
    }
    uint32_t at = 0;
    for (size_t r = 0; r < nrules; r++) {
        t->rule_uses[r].first = at;
        at += t->rule_uses[r].count;
        t->rule_uses[r].count = 0;
    }
    for (uint32_t c = 0; c < t->ncorrs; c++) {
        t->corr_uses[c].first = at;
        at += t->corr_uses[c].count;
        t->corr_uses[c].count = 0;
    }
    /* a rule or correlation that feeds others is a result of its own only
     * when one of its consumers says `generate: true` */
    uint8_t *gen_rule = calloc(nrules + 1, 1), *gen_corr = calloc(t->ncorrs + 1, 1);
    if (!gen_rule || !gen_corr) {
        free(gen_rule);
        free(gen_corr);
        return GANTRY_E_NOMEM;
    }
    for (uint32_t c = 0; c < t->ncorrs; c++) {
        const grt_corr *corr = &t->corrs[c];
        int generate = (corr->flags & GANTRY_CORR_FLAG_GENERATE) != 0;
        for (uint32_t k = 0; k < corr->refs.count; k++) {
            uint32_t r = t->refs[corr->refs.first + k];
            grt_slice *s;
            if (r & GANTRY_CORR_REF_CORRELATION) {
                uint32_t target = r & ~GANTRY_CORR_REF_CORRELATION;
                s = &t->corr_uses[target];
                t->corrs[target].reported = 0;
                gen_corr[target] |= (uint8_t)generate;
            } else {
                s = &t->rule_uses[r];
                t->rule_reported[r] = 0;
                gen_rule[r] |= (uint8_t)generate;
            }
            t->uses[s->first + s->count++] = (grt_corr_use){c, k};
        }
    }
    for (size_t r = 0; r < nrules; r++)
        t->rule_reported[r] |= gen_rule[r];
    for (uint32_t c = 0; c < t->ncorrs; c++)
        t->corrs[c].reported |= gen_corr[c];
    free(gen_rule);
    free(gen_corr);
    return GANTRY_OK;
}

gantry_status grt_corr_decode(gantry_pack *pk, const unsigned char *data, grt_corr_sections cs,
                              char *err, size_t err_size) {
    int present = cs.present[0] + cs.present[1] + cs.present[2];
    if (present == 0)
        return GANTRY_OK;
    if (present != 3)
        return grt_fail(err, err_size, GANTRY_E_SECTION,
                        "correlation sections: CORRELATIONS, CORR_REFS and CORR_FIELDS must "
                        "appear together");
    grt_corr_table *t = calloc(1, sizeof *t);
    if (!t)
        return GANTRY_E_NOMEM;
    pk->corr = t;
    t->ncorrs = cs.count[0];
    t->nrefs = cs.count[1];
    t->nfields = cs.count[2];
    if (t->ncorrs >= GANTRY_CORR_REF_CORRELATION)
        return grt_fail(err, err_size, GANTRY_E_LIMIT, "too many correlations");
    t->corrs = calloc(t->ncorrs + 1, sizeof *t->corrs);
    t->refs = calloc(t->nrefs + 1, sizeof *t->refs);
    t->fields = calloc(t->nfields + 1, sizeof *t->fields);
    if (!t->corrs || !t->refs || !t->fields)
        return GANTRY_E_NOMEM;
    for (uint32_t i = 0; i < t->nrefs; i++) {
        uint32_t r = rd32(data + cs.offset[1] + (size_t)i * 4);
        uint32_t target = r & ~GANTRY_CORR_REF_CORRELATION;
        if ((r & GANTRY_CORR_REF_CORRELATION) ? target >= t->ncorrs : r >= pk->nrules)
            return grt_fail(err, err_size, GANTRY_E_SECTION,
                            "CORR_REFS entry %u: %s %u out of range", (unsigned)i,
                            (r & GANTRY_CORR_REF_CORRELATION) ? "correlation" : "rule",
                            (unsigned)target);
        t->refs[i] = r;
    }
    for (uint32_t i = 0; i < t->nfields; i++) {
        t->fields[i] = rd32(data + cs.offset[2] + (size_t)i * 4);
        if (bad_str(pk, t->fields[i], 0))
            return grt_fail(err, err_size, GANTRY_E_SECTION,
                            "CORR_FIELDS entry %u: string index out of range", (unsigned)i);
    }
    size_t total_groups = 0;
    for (uint32_t i = 0; i < t->ncorrs; i++) {
        const unsigned char *r = data + cs.offset[0] + (size_t)i * GANTRY_CORR_RECORD_SIZE;
        grt_corr *c = &t->corrs[i];
        for (int k = 0; k < 6; k++)
            if (bad_str(pk, rd32(r + k * 4), 1))
                return grt_fail(err, err_size, GANTRY_E_SECTION,
                                "correlation %u: string at byte %d out of range", (unsigned)i,
                                k * 4);
        uint32_t level = rd32(r + 24);
        c->type = rd32(r + 28);
        c->tags = (grt_slice){rd32(r + 32), rd32(r + 36)};
        c->refs = (grt_slice){rd32(r + 40), rd32(r + 44)};
        c->flags = rd32(r + 48);
        c->cond_flags = rd32(r + 52);
        uint64_t span = rd64(r + 56);
        c->lo = rdf64(r + 64);
        c->hi = rdf64(r + 72);
        c->percentile = rdf64(r + 80);
        c->ngroup = rd32(r + 88);
        c->fields_first = rd32(r + 92);
        if (level > GANTRY_LEVEL_CRITICAL || c->type >= NTYPES ||
            (c->flags & ~GANTRY_CORR_FLAG_GENERATE) || c->cond_flags > 15 || c->cond_flags == 0 ||
            span == 0 || span > (uint64_t)INT64_MAX / 4 || !isfinite(c->lo) || !isfinite(c->hi) ||
            !(c->percentile >= 0 && c->percentile <= 100))
            return grt_fail(err, err_size, GANTRY_E_SECTION,
                            "correlation %u: unknown level, type, flags, condition or timespan",
                            (unsigned)i);
        if (c->tags.first > pk->nstrlists || c->tags.count > pk->nstrlists - c->tags.first ||
            c->refs.count == 0 || c->refs.first > t->nrefs ||
            c->refs.count > t->nrefs - c->refs.first || c->refs.count > 65535 || c->ngroup > 64)
            return grt_fail(err, err_size, GANTRY_E_SECTION,
                            "correlation %u: tag, reference or group slice out of range",
                            (unsigned)i);
        c->has_value = c->type == GANTRY_CORR_VALUE_COUNT || c->type >= GANTRY_CORR_VALUE_SUM;
        uint64_t nf =
            (uint64_t)(c->refs.count + 1) * c->ngroup + (c->has_value ? c->refs.count : 0);
        if (c->fields_first > t->nfields || nf > t->nfields - c->fields_first)
            return grt_fail(err, err_size, GANTRY_E_SECTION,
                            "correlation %u: field slice outside CORR_FIELDS", (unsigned)i);
        c->span_ns = (int64_t)span;
        c->info =
            (gantry_correlation_info){.index = i,
                                      .name = str_or_empty(pk, rd32(r)),
                                      .id = str_or_empty(pk, rd32(r + 4)),
                                      .title = str_or_empty(pk, rd32(r + 8)),
                                      .description = str_or_empty(pk, rd32(r + 12)),
                                      .author = str_or_empty(pk, rd32(r + 16)),
                                      .date = str_or_empty(pk, rd32(r + 20)),
                                      .level = (gantry_level)level,
                                      .type = type_names[c->type],
                                      .tag_count = c->tags.count,
                                      .rule_count = c->refs.count,
                                      .timespan_ns = span,
                                      .generate = (c->flags & GANTRY_CORR_FLAG_GENERATE) != 0};
        total_groups += c->ngroup;
        if (c->refs.count > t->max_refs)
            t->max_refs = c->refs.count;
        if (c->ngroup > t->max_group)
            t->max_group = c->ngroup;
    }
    t->group_name_store = calloc(total_groups + 1, sizeof *t->group_name_store);
    unsigned char *state = calloc(t->ncorrs + 1, 1);
    if (!t->group_name_store || !state) {
        free(state);
        return GANTRY_E_NOMEM;
    }
    size_t at = 0;
    for (uint32_t i = 0; i < t->ncorrs; i++) {
        grt_corr *c = &t->corrs[i];
        c->group_names = t->group_name_store + at;
        for (uint32_t g = 0; g < c->ngroup; g++)
            t->group_name_store[at++] = pk->strs[t->fields[c->fields_first + g]];
        memset(state, 0, t->ncorrs);
        if (cyclic(t, i, state)) {
            free(state);
            return grt_fail(err, err_size, GANTRY_E_VERIFY,
                            "correlation %u is part of a reference cycle", (unsigned)i);
        }
    }
    free(state);
    return index_uses(pk, t);
}

/* ---- metadata (gantry.h) ---- */

size_t gantry_pack_correlation_count(const gantry_pack *pack) {
    return pack && pack->corr ? pack->corr->ncorrs : 0;
}

gantry_status gantry_pack_correlation_info(const gantry_pack *pack, size_t index,
                                           gantry_correlation_info *info) {
    if (!info || index >= gantry_pack_correlation_count(pack))
        return GANTRY_E_ARG;
    *info = pack->corr->corrs[index].info;
    return GANTRY_OK;
}

const char *gantry_pack_correlation_tag(const gantry_pack *pack, size_t corr, size_t tag) {
    if (corr >= gantry_pack_correlation_count(pack))
        return NULL;
    const grt_corr *c = &pack->corr->corrs[corr];
    if (tag >= c->tags.count)
        return NULL;
    return pack->strs[pack->strlists[c->tags.first + tag]];
}

int gantry_pack_rule_reported(const gantry_pack *pack, size_t rule) {
    if (!pack || rule >= pack->nrules)
        return 0;
    return pack->corr ? pack->corr->rule_reported[rule] : 1;
}
