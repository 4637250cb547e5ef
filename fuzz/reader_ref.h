/* SPDX-License-Identifier: Apache-2.0 */
/* The reader against its reference, shared by tests/test_reader.c and
 * fuzz/fuzz_reader.c: a line parsed by cJSON as the normalizer
 * (gnorm_parse_json) or gantry_match_json (cJSON_ParseWithLength) parses
 * it, and every path read by the matcher's own extraction
 * (grt_field_values, grt_keyword_values), against runtime/read. Module
 * prefix: rref_. */
#ifndef GANTRY_READER_REF_H
#define GANTRY_READER_REF_H

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "normalize.h"
#include "pack.h"
#include "read.h"

typedef struct rref {
    gantry_pack pk; /* only the field dictionary is filled */
    gantry_matcher m;
    grd_plan *plan;
    grd_reader *rd;
    uint32_t n;
    int keywords;
    unsigned long undecided; /* lines the reader handed back (GANTRY_E_LIMIT) */
} rref;

static void rref_free(rref *x) {
    free(x->pk.strs);
    free(x->pk.str_lens);
    free(x->pk.fields);
    free(x->pk.path_hashes);
    free(x->pk.path_hash_items);
    free(x->m.field_gen);
    free(x->m.field_vals);
    free(x->m.vals);
    free(x->m.text);
    free(x->m.top_keys);
    free(x->m.walk);
    grd_reader_free(x->rd);
    grd_plan_free(x->plan);
    memset(x, 0, sizeof *x);
}

/* The paths are borrowed (they must outlive x). 0 when out of memory. */
static int rref_init(rref *x, const char *const *paths, const uint32_t *lens, uint32_t n,
                     int keywords) {
    memset(x, 0, sizeof *x);
    x->n = n;
    x->keywords = keywords;
    x->pk.strs = calloc(n + 1, sizeof *x->pk.strs);
    x->pk.str_lens = calloc(n + 1, sizeof *x->pk.str_lens);
    x->pk.fields = calloc(n + 1, sizeof *x->pk.fields);
    x->m.field_gen = calloc(n + 1, sizeof *x->m.field_gen);
    x->m.field_vals = calloc(n + 1, sizeof *x->m.field_vals);
    if (!x->pk.strs || !x->pk.str_lens || !x->pk.fields || !x->m.field_gen || !x->m.field_vals)
        goto fail;
    for (uint32_t i = 0; i < n; i++) {
        x->pk.strs[i] = paths[i];
        x->pk.str_lens[i] = lens[i];
        x->pk.fields[i] = i;
    }
    x->pk.nfields = n;
    x->pk.nstrings = n;
    if (grt_fields_prepare(&x->pk) != GANTRY_OK)
        goto fail;
    x->m.pack = &x->pk;
    x->m.fast_paths = 1;
    if (grd_plan_new(paths, lens, n, keywords, &x->plan) != GANTRY_OK ||
        grd_reader_new(x->plan, &x->rd) != GANTRY_OK)
        goto fail;
    return 1;
fail:
    rref_free(x);
    return 0;
}

static const char *rref_same_value(grd_reader *rd, uint32_t p, uint32_t k, const grt_value *a) {
    grt_value b;
    if (grd_value(rd, p, k, &b) != GANTRY_OK)
        return "out of memory";
    if (a->type != b.type)
        return "value type differs";
    if (a->num_state != b.num_state)
        return "numeric state differs";
    switch (a->type) {
    case GRT_V_STRING:
        if (a->len != b.len || memcmp(a->raw, b.raw, a->len) != 0)
            return "string differs";
        break;
    case GRT_V_NUMBER:
        if (memcmp(&a->num, &b.num, sizeof a->num) != 0)
            return "number differs";
        break;
    case GRT_V_BOOL:
        if (a->boolean != b.boolean || a->len != b.len || strcmp(a->raw, b.raw) != 0)
            return "boolean differs";
        break;
    default:
        break;
    }
    return NULL;
}

/* NULL when the reader and the reference agree on the line (accepted or
 * not, and every path's values); else what differs. *path_out gets the
 * differing path (n for keywords) when there is one. */
static const char *rref_compare(rref *x, const char *line, size_t len, grd_mode mode,
                                uint32_t *path_out) {
    cJSON *root;
    if (mode == GRD_MODE_LINE) {
        const char *why = NULL;
        root = gnorm_parse_json(line, len, &why);
    } else {
        root = cJSON_ParseWithLength(line, len);
    }
    if (root && !cJSON_IsObject(root)) {
        cJSON_Delete(root);
        root = NULL;
    }
    gantry_status st = grd_read(x->rd, line, len, mode);
    if (st == GANTRY_E_LIMIT) {
        x->undecided++;
        cJSON_Delete(root);
        return NULL;
    }
    if (st == GANTRY_E_NOMEM) {
        cJSON_Delete(root);
        return "reader out of memory";
    }
    if ((st == GANTRY_OK) != (root != NULL)) {
        cJSON_Delete(root);
        return st == GANTRY_OK ? "reader accepts a line cJSON rejects"
                               : "reader rejects a line cJSON accepts";
    }
    if (!root)
        return NULL;
    const char *diff = NULL;
    x->m.gen++;
    x->m.nvals = 0;
    x->m.text_len = 0;
    x->m.event = root;
    for (uint32_t p = 0; p <= x->n && !diff; p++) {
        if (p == x->n && !x->keywords)
            break;
        if (p == x->n && mode == GRD_MODE_LINE) {
            /* a line's keywords are its normalized event's: none recorded */
            *path_out = p;
            if (grd_count(x->rd, p) != 0)
                diff = "keywords recorded in a line";
            break;
        }
        x->m.value_limit_hit = 0;
        grt_slice s = p < x->n ? grt_field_values(&x->m, p) : grt_keyword_values(&x->m);
        *path_out = p;
        if (x->m.oom)
            diff = "reference out of memory";
        else if (s.count != grd_count(x->rd, p))
            diff = "value count differs";
        else if (p < x->n && x->m.value_limit_hit != grd_limited(x->rd, p))
            diff = "value limit differs";
        for (uint32_t k = 0; k < s.count && !diff; k++)
            diff = rref_same_value(x->rd, p, k, &x->m.vals[s.first + k]);
    }
    x->m.event = NULL;
    cJSON_Delete(root);
    return diff;
}

#endif
