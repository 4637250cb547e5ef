/* SPDX-License-Identifier: Apache-2.0 */
#include "fast.h"

#include <stdlib.h>
#include <string.h>

#include "logsource.h"
#include "normalize.h"
#include "read.h"
#include "sources.h"

/* The paths the reader records after the pack's fields: what the
 * logsource dispatch reads, and what tells a Kubernetes audit event
 * (gnorm_is_k8s_audit's first form; one component each, so the path
 * walk's first key is the normalizer's first key). */
enum {
    X_MODULE,
    X_CATEGORY,
    X_KIND,
    X_API,
    X_AUDIT_ID,
    X_VERB,
    X_OBJECT_REF,
    /* gnorm_k8s_audit_no_workload()'s inputs, first-only */
    X_WL_VERB,
    X_WL_SUB,
    X_WL_REQ,
    X_WL_RESP,
    X_COUNT
};
static const char *const extra_paths[X_COUNT] = {
    "event.module",  "event.category", "kind",
    "apiVersion",    "auditID",        "verb",
    "objectRef",     "verb",           "objectRef.subresource",
    "requestObject", "responseObject",
};

_Static_assert(GRT_VIEW_INPUTS == GNORM_RENAME_PATHS && GRT_VIEW_TEXT == GNORM_RENAME_TEXT,
               "a view field computes from what a rename reads");

struct grt_fast {
    grd_plan *plan;
    uint32_t extra; /* path index of extra_paths[0] */
    int json_ok;    /* no element scopes: gantry_match_json may read */
    int line_ok;    /* lines may read (keywords and scopes: per event) */
    /* per pack field, its source in an audit Event's normalized view */
    grt_view_field *view;
    int workload; /* some field is derived from a workload only */
    int has_view; /* some field is not read as its own raw path */
};

void grt_fast_free(struct grt_fast *f) {
    if (!f)
        return;
    grd_plan_free(f->plan);
    free(f->view);
    free(f);
}

/* How many schema fields the normalizer may add to an audit Event as a key
 * that is `path` or a dotted prefix of it (so the path reads other values
 * in the normalized event than in the raw line); *exact whether one is
 * `path`, *workload whether an audit Event writes each only from its
 * workload. Fields no audit Event gets (Falco's rule.name, dockerd's
 * docker.request, ...) read their raw path. */
static int schema_reaches(const char *path, size_t len, int *exact, int *workload) {
    size_t n;
    const gnorm_field *f = gnorm_schema_fields(&n);
    int count = 0;
    *exact = 0;
    *workload = 1;
    for (size_t i = 0; i < n; i++) {
        size_t k = strlen(f[i].name);
        if (f[i].never_from & GNORM_FROM(K8S_AUDIT))
            continue;
        if (k <= len && memcmp(f[i].name, path, k) == 0 && (k == len || path[k] == '.')) {
            count++;
            *exact |= k == len;
            *workload &= gnorm_k8s_audit_workload_only(&f[i]);
        }
    }
    return count;
}

/* The audit rename whose field is `path`, or NULL. */
static const gnorm_rename *rename_of(const char *path, size_t len) {
    size_t n;
    const gnorm_rename *r = gnorm_k8s_audit_renames(&n);
    for (size_t i = 0; i < n; i++)
        if (strlen(r[i].field) == len && memcmp(r[i].field, path, len) == 0)
            return &r[i];
    return NULL;
}

static uint32_t rename_paths(const gnorm_rename *r) {
    uint32_t k = 0;
    while (k < GNORM_RENAME_PATHS && r->paths[k])
        k++;
    return k;
}

gantry_status grt_fast_prepare(gantry_pack *pk) {
    if (pk->optimize == GANTRY_OPTIMIZE_OFF)
        return GANTRY_OK;
    /* element scopes walk the tree: gantry_match_json leaves such a pack
     * to cJSON, and a line whose rules enter one goes the cJSON way */
    int scopes = 0;
    for (uint32_t i = 0; i < pk->ncode; i++)
        scopes |= pk->code[i].op == GANTRY_OP_ANY;
    struct grt_fast *f = calloc(1, sizeof *f);
    /* the view: a field no schema key reaches reads its own path; a plain
     * copy reads its sources (first-only paths after the extra ones) */
    uint32_t nsrc = 0;
    grt_view_field *view = calloc(pk->nfields + 1, sizeof *view);
    const gnorm_rename **ren = calloc(pk->nfields + 1, sizeof *ren);
    if (f && view && ren)
        for (uint32_t i = 0; i < pk->nfields; i++) {
            const char *path = pk->strs[pk->fields[i]];
            uint32_t len = pk->str_lens[pk->fields[i]];
            int exact, workload;
            int reach = schema_reaches(path, len, &exact, &workload);
            ren[i] = reach == 1 && exact ? rename_of(path, len) : NULL;
            view[i].derived = reach > 0 && !ren[i];
            view[i].workload = view[i].derived && workload;
            f->workload |= view[i].workload;
            view[i].first = nsrc; /* below: after the extra paths */
            view[i].count = ren[i] ? rename_paths(ren[i]) : 0;
            if (ren[i] && ren[i]->source_name)
                view[i].constant = grt_source_name(GRT_SRC_K8S_AUDIT);
            if (ren[i])
                view[i].derive = ren[i]->derive;
            nsrc += view[i].count;
            f->has_view |= reach > 0;
        }
    /* no workload field: no need for gnorm_k8s_audit_no_workload's paths */
    uint32_t nextra = f && f->workload ? X_COUNT : X_WL_VERB;
    for (uint32_t i = 0; f && view && ren && i < pk->nfields; i++)
        view[i].first += pk->nfields + nextra;
    uint32_t n = pk->nfields + nextra + nsrc;
    const char **paths = calloc(n, sizeof *paths);
    uint32_t *lens = calloc(n, sizeof *lens);
    size_t nschema;
    const gnorm_field *schema = gnorm_schema_fields(&nschema);
    const char **strip = calloc(nschema + 1, sizeof *strip);
    if (!f || !paths || !lens || !strip || !view || !ren) {
        free(f);
        free(paths);
        free(lens);
        free(strip);
        free(view);
        free(ren);
        return GANTRY_E_NOMEM;
    }
    f->view = view;
    int keywords = 0;
    for (uint32_t i = 0; i < pk->npreds; i++)
        keywords |= pk->preds[i].op == GANTRY_OP_KEYWORD;
    f->has_view |= keywords; /* the view sends a line's keyword reads away */
    for (uint32_t i = 0; i < pk->nfields; i++) {
        paths[i] = pk->strs[pk->fields[i]];
        lens[i] = pk->str_lens[pk->fields[i]];
        for (uint32_t k = 0; k < view[i].count; k++) {
            paths[view[i].first + k] = ren[i]->paths[k];
            lens[view[i].first + k] = (uint32_t)strlen(ren[i]->paths[k]);
        }
    }
    free(ren);
    f->extra = pk->nfields;
    for (uint32_t i = 0; i < nextra; i++) {
        paths[f->extra + i] = extra_paths[i];
        lens[f->extra + i] = (uint32_t)strlen(extra_paths[i]);
    }
    /* the keys gnorm_strip_schema_keys() takes out of a raw event */
    uint32_t nstrip = 0;
    for (size_t i = 0; i < nschema; i++)
        if (schema[i].name[0] == '@' || strchr(schema[i].name, '.'))
            strip[nstrip++] = schema[i].name;
    gantry_status st = grd_plan_new(paths, lens, n, keywords, &f->plan);
    for (uint32_t x = X_KIND; st == GANTRY_OK && x < X_WL_VERB; x++)
        grd_plan_whole(f->plan, f->extra + x);
    for (uint32_t x = X_WL_VERB; st == GANTRY_OK && x < nextra; x++)
        grd_plan_first_only(f->plan, f->extra + x);
    for (uint32_t p = pk->nfields + nextra; st == GANTRY_OK && p < n; p++)
        grd_plan_first_only(f->plan, p);
    if (st == GANTRY_OK)
        st = grd_plan_watch_root_keys(f->plan, strip, nstrip);
    free(paths);
    free(lens);
    free(strip);
    if (st != GANTRY_OK) {
        grt_fast_free(f);
        return st;
    }
    f->json_ok = !scopes;
    f->line_ok = 1;
    pk->fast = f;
    return GANTRY_OK;
}

gantry_status grt_fast_matcher_init(gantry_matcher *m) {
    if (!m->pack->fast)
        return GANTRY_OK;
    return grd_reader_new(m->pack->fast->plan, &m->rd);
}

void grt_fast_matcher_release(gantry_matcher *m) {
    grd_reader_free(m->rd);
    m->rd = NULL;
}

int grt_fast_json_ok(const gantry_pack *pk) {
    return pk->fast && pk->fast->json_ok;
}

int grt_fast_line_ok(const gantry_pack *pk) {
    return pk->fast && pk->fast->line_ok;
}

/* The first value of extra path x that has a text, as
 * grt_path_first_scalar() finds it; *str its C string when that value is a
 * string (copied into buf, cut to size: longer texts name no source or
 * category anyway), else NULL. 0 when there is no such value. */
static int first_scalar(gantry_matcher *m, uint32_t x, char *buf, size_t size, const char **str) {
    uint32_t p = m->pack->fast->extra + x;
    uint32_t n = grd_count(m->rd, p);
    *str = NULL;
    for (uint32_t k = 0; k < n; k++) {
        grt_value v;
        if (grd_value(m->rd, p, k, &v) != GANTRY_OK)
            return -1;
        if (v.type == GRT_V_NULL || v.type == GRT_V_OTHER)
            continue;
        if (v.type == GRT_V_STRING) {
            size_t len = v.len < size - 1 ? v.len : size - 1;
            memcpy(buf, v.raw, len);
            buf[len] = '\0';
            *str = buf;
        }
        return 1;
    }
    return 0;
}

static gantry_status run(gantry_matcher *m, const grt_view_field *view, unsigned cls,
                         gantry_match_fn on_match, void *user) {
    m->rd_on = 1;
    m->rd_view = view;
    m->rd_derived = 0;
    gantry_status st = grt_match_class(m, NULL, cls, on_match, user);
    m->rd_on = 0;
    m->rd_view = NULL;
    return st;
}

gantry_status grt_fast_match_json(gantry_matcher *m, const char *json, size_t len,
                                  gantry_match_fn on_match, void *user, int *done) {
    *done = 0;
    if (!m->rd || !m->pack->fast->json_ok)
        return GANTRY_OK;
    gantry_status st = grd_read(m->rd, json, len, GRD_MODE_CJSON);
    if (st == GANTRY_E_JSON) {
        *done = 1;
        return GANTRY_E_JSON;
    }
    if (st != GANTRY_OK)
        return GANTRY_OK; /* out of memory or a huge array: the cJSON way decides */
    unsigned cls = GLS_CLASS_ANY;
    if (m->pack->dispatch) {
        char mod[64], cat[64];
        const char *module, *category = NULL;
        if (first_scalar(m, X_MODULE, mod, sizeof mod, &module) < 0 ||
            (module && first_scalar(m, X_CATEGORY, cat, sizeof cat, &category) < 0))
            return GANTRY_OK;
        cls = gls_class_of(module, category);
    }
    *done = 1;
    return run(m, NULL, cls, on_match, user);
}

/* A string value of extra path x (the first value, when a string). */
static int str_is(gantry_matcher *m, uint32_t x, const char **s, char *buf, size_t size) {
    uint32_t p = m->pack->fast->extra + x;
    *s = NULL;
    if (grd_count(m->rd, p) == 0)
        return 0;
    grt_value v;
    if (grd_value(m->rd, p, 0, &v) != GANTRY_OK)
        return -1;
    if (v.type == GRT_V_STRING) {
        size_t len = v.len < size - 1 ? v.len : size - 1;
        memcpy(buf, v.raw, len);
        buf[len] = '\0';
        *s = buf;
    }
    return 1;
}

/* Whether extra path x holds an object or an array (first-only: one value). */
static int container_at(gantry_matcher *m, uint32_t x) {
    grt_value v;
    uint32_t p = m->pack->fast->extra + x;
    if (grd_count(m->rd, p) == 0)
        return 0;
    if (grd_value(m->rd, p, 0, &v) != GANTRY_OK)
        return -1;
    return v.type == GRT_V_OTHER;
}

/* gnorm_k8s_audit_no_workload() on the recorded paths; -1 out of memory.
 * Texts are cut as gnorm_rename's derive inputs are: a verb or subresource
 * longer than any word it is compared with reads as "". */
static int no_workload(gantry_matcher *m) {
    char vb[GNORM_RENAME_TEXT + 1], sb[GNORM_RENAME_TEXT + 1];
    const char *in[2] = {NULL, NULL};
    char *bufs[2] = {vb, sb};
    for (uint32_t k = 0; k < 2; k++) {
        grt_value v;
        uint32_t p = m->pack->fast->extra + X_WL_VERB + k;
        if (grd_count(m->rd, p) == 0)
            continue;
        if (grd_value(m->rd, p, 0, &v) != GANTRY_OK)
            return -1;
        if (v.type != GRT_V_STRING)
            continue;
        size_t n = v.len <= GNORM_RENAME_TEXT ? v.len : 0;
        memcpy(bufs[k], v.raw, n);
        bufs[k][n] = '\0';
        in[k] = bufs[k];
    }
    int req = container_at(m, X_WL_REQ), resp = container_at(m, X_WL_RESP);
    if (req < 0 || resp < 0)
        return -1;
    return gnorm_k8s_audit_no_workload(in[0], in[1], req, resp);
}

/* gnorm_is_k8s_audit() == 1 on the recorded paths; -1 out of memory. */
static int k8s_audit_form1(gantry_matcher *m) {
    char kb[16], ab[16], ib[4], vb[4];
    const char *kind, *api, *id, *verb;
    if (str_is(m, X_KIND, &kind, kb, sizeof kb) < 0 || str_is(m, X_API, &api, ab, sizeof ab) < 0 ||
        str_is(m, X_AUDIT_ID, &id, ib, sizeof ib) < 0 ||
        str_is(m, X_VERB, &verb, vb, sizeof vb) < 0)
        return -1;
    uint32_t x = m->pack->fast->extra;
    int has_id = grd_count(m->rd, x + X_AUDIT_ID) > 0;
    int has_verb = grd_count(m->rd, x + X_VERB) > 0;
    int has_ref = grd_count(m->rd, x + X_OBJECT_REF) > 0;
    if (kind && strcmp(kind, "Event") == 0 &&
        ((api && strncmp(api, "audit.k8s.io/", 13) == 0) || has_id || (has_verb && has_ref)))
        return 1;
    return !kind && id && verb;
}

gantry_status grt_fast_match_line(gantry_matcher *m, const char *line, size_t len,
                                  gantry_match_fn on_match, void *user, int *done) {
    *done = 0;
    if (!m->rd || !m->pack->fast->line_ok || len > GANTRY_DEFAULT_MAX_LINE_BYTES)
        return GANTRY_OK;
    /* what gantry_normalizer_feed trims before it parses */
    while (len && (line[len - 1] == '\r' || line[len - 1] == '\n'))
        len--;
    size_t lead = 0;
    while (lead < len && (line[lead] == ' ' || line[lead] == '\t'))
        lead++;
    if (lead == len || line[lead] != '{')
        return GANTRY_OK;
    if (grd_read(m->rd, line + lead, len - lead, GRD_MODE_LINE) != GANTRY_OK ||
        grd_root_key_seen(m->rd) || grd_root_crowded(m->rd) || k8s_audit_form1(m) != 1)
        return GANTRY_OK;
    unsigned cls = GLS_CLASS_ANY;
    if (m->pack->dispatch) {
        /* the normalizer's event.module wins over a raw event.module (a
         * longer key), while event.category, which it does not write for
         * audit events, reads from the raw event */
        char cat[64];
        const char *category;
        if (first_scalar(m, X_CATEGORY, cat, sizeof cat, &category) < 0)
            return GANTRY_OK;
        cls = gls_class_of(grt_source_name(GRT_SRC_K8S_AUDIT), category);
    }
    m->rd_no_workload = 0;
    if (m->pack->fast->workload) {
        int nw = no_workload(m);
        if (nw < 0)
            return GANTRY_OK;
        m->rd_no_workload = nw;
    }
    const struct grt_fast *f = m->pack->fast;
    gantry_status st = run(m, f->has_view ? f->view : NULL, cls, on_match, user);
    /* a candidate rule read a derived field: the normalizer decides */
    *done = !m->rd_derived;
    return st;
}
