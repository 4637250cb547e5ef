/* SPDX-License-Identifier: Apache-2.0 */
/* The one pass: cJSON's grammar, exactly (cJSON 1.7.15 as Debian patches
 * it: any byte up to 0x20 is a blank, raw control bytes and invalid UTF-8
 * pass inside strings, \u escapes as its utf16_literal_to_utf8 reads them,
 * numbers as strtod reads the longest run of number characters), with the
 * path states of the plan carried down the values. */
#include <stdlib.h>
#include <string.h>

#include "read_int.h"

/* A state-list entry: a state id, or (with this bit) "record the value as
 * it is", which an array's elements get for a path ending at the array. */
#define GRD_ASIS 0x80000000u
/* cJSON's own nesting limit (CJSON_NESTING_LIMIT). */
#define GRD_CJSON_NESTING 1000u
/* path.c's bound on the nesting a walk reaches (GRT_PATH_MAX_DEPTH). */
#define GRD_PATH_DEPTH (GANTRY_DEFAULT_MAX_DEPTH + GANTRY_MAX_FIELD_DEPTH)
/* Past these, the line goes to the reference path rather than being
 * recorded without bound. */
#define GRD_FIELD_CAP (4u * GANTRY_MAX_VALUES_PER_FIELD)
#define GRD_KEYWORD_CAP (1u << 22)
/* path.c's bound on keys tried at one object level (GRT_PATH_MAX_CANDIDATES). */
#define GRD_MAX_CANDIDATES GANTRY_MAX_FIELD_DEPTH

typedef struct grd_cand {
    uint32_t path, from, klen, start, end;
} grd_cand;

typedef struct grd_frame {
    uint32_t ss_first, ss_count; /* object: its states; array: its elements' list */
    uint32_t cs_first, key_cs;   /* candidates of the object, of its current key */
    uint32_t serial;
    uint8_t is_obj, resolve;
} grd_frame;

void grd_reader_free(grd_reader *r) {
    if (!r)
        return;
    if (r->vecs)
        for (uint32_t p = 0; p <= r->plan->npaths; p++)
            free(r->vecs[p].s);
    free(r->vecs);
    free(r->ss);
    free(r->cs);
    free(r->fs);
    free(r->stamp);
    free(r->cnt);
    free(r->best_klen);
    free(r->best_start);
    free(r->best_end);
    free(r->region);
    free(r->rstamp);
    free(r->rcnt);
    free(r->keybuf);
    for (size_t b = 0; b < r->nblocks; b++)
        free(r->blocks[b].p);
    free(r->blocks);
    free(r);
}

gantry_status grd_reader_new(const grd_plan *plan, grd_reader **out) {
    *out = NULL;
    grd_reader *r = calloc(1, sizeof *r);
    if (!r)
        return GANTRY_E_NOMEM;
    r->plan = plan;
    size_t ns = (size_t)plan->nstates + 1;
    r->vecs = calloc((size_t)plan->npaths + 1, sizeof *r->vecs);
    r->fs = calloc(GRD_CJSON_NESTING + 1, sizeof *r->fs);
    r->stamp = calloc(ns, sizeof *r->stamp);
    r->cnt = calloc(ns, sizeof *r->cnt);
    r->best_klen = calloc(ns, sizeof *r->best_klen);
    r->best_start = calloc(ns, sizeof *r->best_start);
    r->best_end = calloc(ns, sizeof *r->best_end);
    r->region = calloc(ns, sizeof *r->region);
    r->rstamp = calloc(ns, sizeof *r->rstamp);
    r->rcnt = calloc(ns, sizeof *r->rcnt);
    if (!r->vecs || !r->fs || !r->stamp || !r->cnt || !r->best_klen || !r->best_start ||
        !r->best_end || !r->region || !r->rstamp || !r->rcnt) {
        grd_reader_free(r);
        return GANTRY_E_NOMEM;
    }
    *out = r;
    return GANTRY_OK;
}

static gantry_status grow(void **p, size_t *cap, size_t need, size_t size) {
    if (need <= *cap)
        return GANTRY_OK;
    size_t c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    void *n = realloc(*p, c * size);
    if (!n)
        return GANTRY_E_NOMEM;
    *p = n;
    *cap = c;
    return GANTRY_OK;
}

static gantry_status record(grd_reader *r, uint32_t p, uint8_t type, uint8_t flags, size_t off,
                            size_t len) {
    grd_vec *v = &r->vecs[p];
    if (v->n >= (p < r->plan->npaths ? GRD_FIELD_CAP : GRD_KEYWORD_CAP))
        return GANTRY_E_LIMIT;
    if (v->n == v->cap) {
        size_t cap = v->cap;
        if (grow((void **)&v->s, &cap, (size_t)v->n + 1, sizeof *v->s) != GANTRY_OK)
            return GANTRY_E_NOMEM;
        v->cap = (uint32_t)cap;
    }
    v->s[v->n++] = (grd_slot){(uint32_t)off, (uint32_t)len, type, flags};
    return GANTRY_OK;
}

/* Records a value at the entries of list [from, to) that end on it. */
static gantry_status record_list(grd_reader *r, size_t from, size_t to, uint8_t type, uint8_t flags,
                                 size_t off, size_t len) {
    if (from == to)
        return GANTRY_OK;
    for (size_t k = from; k < to; k++) {
        uint32_t e = r->ss[k];
        uint32_t id = e & ~GRD_ASIS;
        if ((e & GRD_ASIS) || r->plan->state_term[id]) {
            gantry_status st = record(r, r->plan->state_path[id], type, flags, off, len);
            if (st != GANTRY_OK)
                return st;
        }
    }
    return GANTRY_OK;
}

/* The object frame f closes: for a state more than one key led into, keep
 * the values of the key path.c would take (the longest that yields values,
 * the first of equal ones, among the first GRD_MAX_CANDIDATES keys). */
static void resolve(grd_reader *r, const grd_frame *f) {
    uint32_t rs = ++r->serial;
    grd_cand *cs = r->cs;
    for (size_t c = f->cs_first; c < r->cs_len; c++) {
        uint32_t s = cs[c].from;
        if (r->rstamp[s] != rs) {
            r->rstamp[s] = rs;
            r->rcnt[s] = 0;
            r->best_start[s] = r->best_end[s] = UINT32_MAX;
            r->best_klen[s] = 0;
            r->region[s] = cs[c].start;
        }
        if (r->rcnt[s]++ < GRD_MAX_CANDIDATES && cs[c].end > cs[c].start &&
            (r->best_start[s] == UINT32_MAX || cs[c].klen > r->best_klen[s])) {
            r->best_start[s] = cs[c].start;
            r->best_end[s] = cs[c].end;
            r->best_klen[s] = cs[c].klen;
        }
    }
    for (size_t c = f->cs_first; c < r->cs_len; c++) {
        uint32_t s = cs[c].from;
        if (r->rstamp[s] != rs)
            continue;
        r->rstamp[s] = 0; /* done: serials start at 1 */
        if (r->rcnt[s] < 2)
            continue;
        grd_vec *v = &r->vecs[cs[c].path];
        uint32_t reg = r->region[s];
        if (r->best_start[s] == UINT32_MAX) {
            v->n = reg;
        } else {
            uint32_t n = r->best_end[s] - r->best_start[s];
            memmove(v->s + reg, v->s + r->best_start[s], (size_t)n * sizeof *v->s);
            v->n = reg + n;
        }
    }
}

static gantry_status push_ss(grd_reader *r, uint32_t e) {
    if (__builtin_expect(r->ss_len == r->ss_cap, 0) &&
        grow((void **)&r->ss, &r->ss_cap, r->ss_len + 1, sizeof *r->ss) != GANTRY_OK)
        return GANTRY_E_NOMEM;
    r->ss[r->ss_len++] = e;
    return GANTRY_OK;
}

/* The key's text as cJSON keeps it (unescaped, cut at a NUL). */
static int key_text(grd_reader *r, const unsigned char *t, size_t i, size_t end, uint8_t flags,
                    const char **k, size_t *n) {
    const unsigned char *s = t + i + 1;
    size_t len = end - i - 1;
    if (!(flags & GRD_F_ESC)) {
        const unsigned char *z = (flags & GRD_F_NUL) ? memchr(s, 0, len) : NULL;
        *k = (const char *)s;
        *n = z ? (size_t)(z - s) : len;
        return 1;
    }
    if (grow((void **)&r->keybuf, &r->keybuf_cap, len + 1, 1) != GANTRY_OK)
        return 0;
    *n = grd_unescape(s, len, r->keybuf);
    *k = r->keybuf;
    return 1;
}

#define SKIP_WS()                                                                                  \
    while (i < len && t[i] <= 32)                                                                  \
    i++

/* Stops the parse: a status other than OK (the line is not accepted). */
#define CHECK(expr)                                                                                \
    do {                                                                                           \
        gantry_status st_ = (expr);                                                                \
        if (st_ != GANTRY_OK)                                                                      \
            return st_;                                                                            \
    } while (0)
#define REJECT() return GANTRY_E_JSON

static void reset(grd_reader *r, const char *text, size_t len) {
    const grd_plan *pl = r->plan;
    for (uint32_t p = 0; p <= pl->npaths; p++) {
        r->vecs[p].n = 0;
        r->vecs[p].limited = 0;
    }
    r->ss_len = r->cs_len = 0;
    r->cur = r->used = 0;
    r->root_key_seen = 0;
    r->root_crowded = 0;
    r->text = text;
    r->len = len;
    if (r->serial > 0xF0000000u) {
        size_t ns = (size_t)pl->nstates + 1;
        memset(r->stamp, 0, ns * sizeof *r->stamp);
        memset(r->rstamp, 0, ns * sizeof *r->rstamp);
        r->serial = 0;
    }
}

gantry_status grd_read(grd_reader *r, const char *text, size_t len, grd_mode mode) {
    const grd_plan *pl = r->plan;
    reset(r, text, len);
    if (!text || len == 0 || (mode == GRD_MODE_LINE && len > GANTRY_DEFAULT_MAX_LINE_BYTES))
        REJECT();
    const unsigned char *t = (const unsigned char *)text;
    const size_t max_depth = mode == GRD_MODE_LINE ? GANTRY_DEFAULT_MAX_DEPTH : GRD_CJSON_NESTING;
    const uint8_t *term = pl->state_term;
    const uint32_t *spath = pl->state_path;
    /* a normalized line's strings are not the raw line's: its keywords
     * are not read from the reader (runtime/api/fast.c) */
    const int kw = pl->keywords && mode == GRD_MODE_CJSON;
    size_t i = 0, depth = 0, vl = 0;
    if (len >= 5 && t[0] == 0xEF && t[1] == 0xBB && t[2] == 0xBF)
        i = 3;
    SKIP_WS();
    if (i >= len || t[i] != '{')
        REJECT();
    for (uint32_t p = 0; p < pl->npaths; p++)
        CHECK(push_ss(r, pl->root[p]));

value:
    /* a value at t[i] with the state list ss[vl .. ss_len) */
    if (i >= len)
        REJECT();
    if (depth > GRD_PATH_DEPTH) {
        /* path.c walks no deeper: only an array above may still take
         * this value as one of its elements */
        size_t kept = vl;
        for (size_t k = vl; k < r->ss_len; k++)
            if (r->ss[k] & GRD_ASIS)
                r->ss[kept++] = r->ss[k];
        r->ss_len = kept;
    }
    if (vl == r->ss_len && !kw && (t[i] == '{' || t[i] == '[')) {
        /* nothing to record below: validate only */
        size_t end;
        if (!grd_skip_value(t, len, i, depth, max_depth, &end))
            REJECT();
        i = end;
        goto after;
    }
    switch (t[i]) {
    case '{': {
        if (depth >= max_depth)
            REJECT();
        grd_frame *f = &r->fs[depth++];
        f->is_obj = 1;
        f->resolve = 0;
        f->serial = ++r->serial;
        f->cs_first = f->key_cs = (uint32_t)r->cs_len;
        size_t kept = vl;
        for (size_t k = vl; k < r->ss_len; k++) {
            uint32_t e = r->ss[k], id = e & ~GRD_ASIS;
            if ((e & GRD_ASIS) || term[id]) {
                CHECK(record(r, spath[id], GRD_T_OTHER, 0, i, 0));
            } else {
                r->ss[kept++] = id;
                r->stamp[id] = f->serial;
                r->cnt[id] = 0;
            }
        }
        r->ss_len = kept;
        f->ss_first = (uint32_t)vl;
        f->ss_count = (uint32_t)(kept - vl);
        i++;
        SKIP_WS();
        if (i < len && t[i] == '}') {
            i++;
            depth--;
            r->ss_len = vl;
            goto after;
        }
        goto key;
    }
    case '[': {
        if (depth >= max_depth)
            REJECT();
        grd_frame *f = &r->fs[depth++];
        f->is_obj = 0;
        size_t kept = vl;
        for (size_t k = vl; k < r->ss_len; k++) {
            uint32_t e = r->ss[k], id = e & ~GRD_ASIS;
            if ((e & GRD_ASIS) || (term[id] && pl->whole[spath[id]]))
                CHECK(record(r, spath[id], GRD_T_OTHER, 0, i, 0));
            else if (!pl->first[spath[id]])
                r->ss[kept++] = term[id] ? id | GRD_ASIS : id;
        }
        r->ss_len = kept;
        f->ss_first = (uint32_t)vl;
        f->ss_count = (uint32_t)(kept - vl);
        i++;
        SKIP_WS();
        if (i < len && t[i] == ']') {
            i++;
            depth--;
            r->ss_len = vl;
            goto after;
        }
        goto element;
    }
    case '"': {
        size_t end;
        uint8_t flags;
        if (!grd_scan_string(t, len, i, &end, &flags))
            REJECT();
        CHECK(record_list(r, vl, r->ss_len, GRD_T_STR, flags, i + 1, end - i - 1));
        if (kw)
            CHECK(record(r, pl->npaths, GRD_T_STR, flags, i + 1, end - i - 1));
        i = end + 1;
        break;
    }
    case 't':
        if (len - i < 4 || memcmp(t + i, "true", 4) != 0)
            REJECT();
        CHECK(record_list(r, vl, r->ss_len, GRD_T_TRUE, 0, i, 4));
        i += 4;
        break;
    case 'f':
        if (len - i < 5 || memcmp(t + i, "false", 5) != 0)
            REJECT();
        CHECK(record_list(r, vl, r->ss_len, GRD_T_FALSE, 0, i, 5));
        i += 5;
        break;
    case 'n':
        if (len - i < 4 || memcmp(t + i, "null", 4) != 0)
            REJECT();
        CHECK(record_list(r, vl, r->ss_len, GRD_T_NULL, 0, i, 4));
        i += 4;
        break;
    default: {
        size_t end;
        if (!(t[i] == '-' || (t[i] >= '0' && t[i] <= '9')) || !grd_scan_number(t, len, i, &end))
            REJECT();
        CHECK(record_list(r, vl, r->ss_len, GRD_T_NUM, 0, i, end - i));
        i = end;
        break;
    }
    }
    r->ss_len = vl;
    goto after;

element : {
    /* each element starts from the array's list */
    const grd_frame *f = &r->fs[depth - 1];
    vl = r->ss_len;
    for (uint32_t k = 0; k < f->ss_count; k++)
        CHECK(push_ss(r, r->ss[f->ss_first + k]));
    goto value;
}

key : {
    grd_frame *f = &r->fs[depth - 1];
    size_t end;
    uint8_t flags;
    if (i >= len || t[i] != '"' || !grd_scan_string(t, len, i, &end, &flags))
        REJECT();
    size_t kstart = i;
    i = end + 1;
    SKIP_WS();
    if (i >= len || t[i] != ':')
        REJECT();
    i++;
    SKIP_WS();
    vl = r->ss_len;
    f->key_cs = (uint32_t)r->cs_len;
    int watch = depth == 1 && pl->nwatch;
    if (f->ss_count == 0 && !watch)
        goto value;
    const char *k;
    size_t kn;
    uint32_t nt;
    if (!key_text(r, t, kstart, end, flags, &k, &kn))
        return GANTRY_E_NOMEM;
    if (watch && grd_plan_watched(pl, k, kn))
        r->root_key_seen = 1;
    const grd_trans *tr = grd_plan_lookup(pl, k, kn, &nt);
    for (uint32_t x = 0; x < nt; x++) {
        uint32_t from = tr[x].from;
        if (r->stamp[from] != f->serial)
            continue;
        /* first-only paths take one component at a time, and only the
         * first key of that name */
        if (pl->first[tr[x].path] && (tr[x].to != from + 1 || r->cnt[from] > 0))
            continue;
        if (++r->cnt[from] == 2)
            f->resolve = 1;
        if (depth == 1 && r->cnt[from] >= GRD_MAX_CANDIDATES)
            r->root_crowded = 1;
        if (r->cs_len == r->cs_cap &&
            grow((void **)&r->cs, &r->cs_cap, r->cs_len + 1, sizeof *r->cs) != GANTRY_OK)
            return GANTRY_E_NOMEM;
        uint32_t p = tr[x].path;
        r->cs[r->cs_len++] = (grd_cand){p, from, tr[x].klen, r->vecs[p].n, 0};
        CHECK(push_ss(r, tr[x].to));
    }
    goto value;
}

after:
    /* a value ended at t[i - 1] */
    if (depth == 0)
        goto done;
    {
        grd_frame *f = &r->fs[depth - 1];
        r->ss_len = (size_t)f->ss_first + f->ss_count;
        if (f->is_obj)
            for (size_t c = f->key_cs; c < r->cs_len; c++)
                r->cs[c].end = r->vecs[r->cs[c].path].n;
        SKIP_WS();
        if (i < len && t[i] == ',') {
            i++;
            SKIP_WS();
            if (f->is_obj)
                goto key;
            goto element;
        }
        if (i >= len || t[i] != (f->is_obj ? '}' : ']'))
            REJECT();
        i++;
        if (f->is_obj && f->resolve)
            resolve(r, f);
        r->cs_len = f->is_obj ? f->cs_first : r->cs_len;
        r->ss_len = f->ss_first;
        depth--;
        goto after;
    }

done:
    if (mode == GRD_MODE_LINE)
        for (; i < len; i++)
            if (t[i] != ' ' && t[i] != '\t' && t[i] != '\r' && t[i] != '\n' && t[i] != '\0')
                REJECT();
    for (uint32_t p = 0; p < pl->npaths; p++)
        if (r->vecs[p].n > GANTRY_MAX_VALUES_PER_FIELD) {
            r->vecs[p].n = GANTRY_MAX_VALUES_PER_FIELD;
            r->vecs[p].limited = 1;
        }
    return GANTRY_OK;
}

uint32_t grd_count(const grd_reader *r, uint32_t p) {
    return r->vecs[p].n;
}

int grd_root_key_seen(const grd_reader *r) {
    return r->root_key_seen;
}

int grd_root_crowded(const grd_reader *r) {
    return r->root_crowded;
}

uint32_t grd_keyword_path(const grd_reader *r) {
    return r->plan->npaths;
}

int grd_limited(const grd_reader *r, uint32_t p) {
    return r->vecs[p].limited;
}
