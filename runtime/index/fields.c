/* SPDX-License-Identifier: Apache-2.0 */
#include "fields.h"

#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numtext.h"
#include "path.h"
#include "read.h"
#include "strmatch.h"

/* A cleared value at the end of m->vals, which grows but is reused (no
 * allocation once warm); NULL with m->oom set when memory ran out. */
static grt_value *new_value(gantry_matcher *m) {
    if (m->nvals == m->vals_cap) {
        size_t cap = m->vals_cap ? m->vals_cap * 2 : 64;
        grt_value *p = realloc(m->vals, cap * sizeof *p);
        if (!p) {
            m->oom = 1;
            return NULL;
        }
        m->vals = p;
        m->vals_cap = cap;
    }
    grt_value *v = &m->vals[m->nvals++];
    memset(v, 0, sizeof *v);
    v->raw_off = GRT_NO_OFFSET;
    v->lower_off = GRT_NO_OFFSET;
    return v;
}

static gantry_status push_value(gantry_matcher *m, const cJSON *node, size_t *budget) {
    if (*budget == 0) {
        m->value_limit_hit = 1;
        return GANTRY_E_LIMIT;
    }
    grt_value *v = new_value(m);
    if (!v)
        return GANTRY_E_NOMEM;
    (*budget)--;
    if (cJSON_IsString(node)) {
        v->type = GRT_V_STRING;
        v->raw = node->valuestring ? node->valuestring : "";
        size_t len = strlen(v->raw);
        v->len = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
    } else if (cJSON_IsNumber(node)) {
        v->type = GRT_V_NUMBER;
        v->num = node->valuedouble;
        v->num_state = 1;
    } else if (cJSON_IsBool(node)) {
        v->type = GRT_V_BOOL;
        v->boolean = cJSON_IsTrue(node) ? 1 : 0;
        v->raw = v->boolean ? "true" : "false";
        v->len = v->boolean ? 4 : 5;
        v->num_state = 2;
    } else if (cJSON_IsNull(node)) {
        v->type = GRT_V_NULL;
        v->num_state = 2;
    } else {
        v->type = GRT_V_OTHER;
        v->num_state = 2;
    }
    return GANTRY_OK;
}

/* The values the reader recorded for path p of its last line. */
static void reader_push(gantry_matcher *m, uint32_t p) {
    uint32_t n = grd_count(m->rd, p);
    if (m->nvals + n > m->vals_cap) {
        size_t cap = m->vals_cap ? m->vals_cap : 64;
        while (cap < m->nvals + n)
            cap *= 2;
        grt_value *v = realloc(m->vals, cap * sizeof *v);
        if (!v) {
            m->oom = 1;
            return;
        }
        m->vals = v;
        m->vals_cap = cap;
    }
    for (uint32_t k = 0; k < n; k++) {
        if (grd_value(m->rd, p, k, &m->vals[m->nvals]) != GANTRY_OK) {
            m->oom = 1;
            return;
        }
        m->nvals++;
    }
    if (grd_limited(m->rd, p))
        m->value_limit_hit = 1;
}

/* A field the normalizer writes only from a workload, on a line without
 * one: the normalized event holds only what the line has at its path. */
static int unwritten_here(const gantry_matcher *m, const grt_view_field *v) {
    return v->derived && v->workload && m->rd_no_workload;
}

/* The reader path holding field's values in the normalized view, or
 * UINT32_MAX when there is none to push: a constant (pushed here), or a
 * derived field, which marks the event for the cJSON way. */
static uint32_t view_path(gantry_matcher *m, uint32_t field) {
    const grt_view_field *v = &m->rd_view[field];
    const char *constant = v->constant;
    if (v->derive) {
        char buf[GRT_VIEW_INPUTS][GRT_VIEW_TEXT + 1];
        const char *in[GRT_VIEW_INPUTS] = {NULL};
        for (uint32_t k = 0; k < v->count && k < GRT_VIEW_INPUTS; k++) {
            uint32_t p = v->first + k;
            grt_value x;
            if (grd_count(m->rd, p) == 0)
                continue;
            if (grd_value(m->rd, p, 0, &x) != GANTRY_OK) {
                m->oom = 1;
                return UINT32_MAX;
            }
            if (x.type != GRT_V_STRING)
                continue;
            size_t n = x.len <= GRT_VIEW_TEXT ? x.len : 0;
            memcpy(buf[k], x.raw, n);
            buf[k][n] = '\0';
            in[k] = buf[k];
        }
        constant = v->derive(in);
        if (!constant)
            return field;
    }
    if (constant) {
        grt_value *x = new_value(m);
        if (!x)
            return UINT32_MAX;
        x->type = GRT_V_STRING;
        x->raw = constant;
        x->len = (uint32_t)strlen(constant);
        return UINT32_MAX;
    }
    if (unwritten_here(m, v))
        return field; /* the normalizer writes none of it */
    if (v->derived) {
        m->rd_derived = 1;
        return UINT32_MAX;
    }
    for (uint32_t k = 0; k < v->count; k++) {
        uint32_t p = v->first + k;
        grt_value x;
        if (grd_count(m->rd, p) == 0)
            continue;
        if (grd_value(m->rd, p, 0, &x) != GANTRY_OK) {
            m->oom = 1;
            return UINT32_MAX;
        }
        if (x.type == GRT_V_STRING)
            return p;
    }
    return field;
}

typedef struct push_ctx {
    gantry_matcher *m;
    size_t budget;
} push_ctx;

/* grt_path_walk visitor: stops the walk at the value limit or out of memory. */
static int push_visit(const cJSON *value, void *user) {
    push_ctx *c = user;
    return push_value(c->m, value, &c->budget) != GANTRY_OK;
}

/* Top-level key presence. Large packs ask for hundreds of fields an event
 * does not have; one hash probe per dotted prefix of the path answers "no key
 * here can start this path" without scanning the event's keys. Only hashes
 * are kept: a collision merely falls back to the full scan. */
/* Below this many fields, scanning the keys costs less than hashing them. */
#define GRT_TOP_KEYS_MIN_FIELDS 48u
#define GRT_FNV_BASIS 1469598103934665603ull
#define GRT_FNV_PRIME 1099511628211ull

static uint64_t key_hash_final(uint64_t h, size_t len) {
    h ^= (uint64_t)len * 0x9E3779B97F4A7C15ull;
    h ^= h >> 31;
    return h | 1; /* 0 marks an empty slot */
}

static gantry_status top_keys_build(gantry_matcher *m) {
    const cJSON *root = m->event;
    size_t count = 0;
    for (const cJSON *ch = root->child; ch; ch = ch->next)
        count++;
    if (m->top_cap < 2 * count + 8) {
        size_t cap = m->top_cap ? m->top_cap : 64;
        while (cap < 2 * count + 8)
            cap *= 2;
        uint64_t *t = realloc(m->top_keys, cap * sizeof *t);
        if (!t)
            return GANTRY_E_NOMEM;
        m->top_keys = t;
        m->top_cap = cap;
    }
    memset(m->top_keys, 0, m->top_cap * sizeof *m->top_keys);
    size_t mask = m->top_cap - 1;
    for (const cJSON *ch = root->child; ch; ch = ch->next) {
        if (!ch->string)
            continue;
        uint64_t h = GRT_FNV_BASIS;
        size_t n = 0;
        for (const char *k = ch->string; *k; k++, n++)
            h = (h ^ (unsigned char)*k) * GRT_FNV_PRIME;
        h = key_hash_final(h, n);
        size_t i = h & mask;
        while (m->top_keys[i] && m->top_keys[i] != h)
            i = (i + 1) & mask;
        m->top_keys[i] = h;
    }
    m->top_gen = m->gen;
    return GANTRY_OK;
}

static int top_key_known(const gantry_matcher *m, uint64_t h) {
    size_t mask = m->top_cap - 1;
    for (size_t i = h & mask; m->top_keys[i]; i = (i + 1) & mask)
        if (m->top_keys[i] == h)
            return 1;
    return 0;
}

gantry_status grt_fields_prepare(gantry_pack *pk) {
    size_t total = 0;
    for (uint32_t f = 0; f < pk->nfields; f++) {
        const char *path = pk->strs[pk->fields[f]];
        size_t len = pk->str_lens[pk->fields[f]];
        total++;
        for (size_t i = 0; i < len; i++)
            total += path[i] == '.';
    }
    pk->path_hashes = calloc(pk->nfields ? pk->nfields : 1, sizeof *pk->path_hashes);
    pk->path_hash_items = malloc((total ? total : 1) * sizeof *pk->path_hash_items);
    if (!pk->path_hashes || !pk->path_hash_items)
        return GANTRY_E_NOMEM;
    uint32_t n = 0;
    for (uint32_t f = 0; f < pk->nfields; f++) {
        const char *path = pk->strs[pk->fields[f]];
        size_t len = pk->str_lens[pk->fields[f]];
        pk->path_hashes[f].first = n;
        uint64_t h = GRT_FNV_BASIS;
        for (size_t i = 0; i < len; i++) {
            if (path[i] == '.')
                pk->path_hash_items[n++] = key_hash_final(h, i);
            h = (h ^ (unsigned char)path[i]) * GRT_FNV_PRIME;
        }
        pk->path_hash_items[n++] = key_hash_final(h, len);
        pk->path_hashes[f].count = n - pk->path_hashes[f].first;
    }
    return GANTRY_OK;
}

/* 0 when no top-level key equals a dotted prefix of the path (or the path),
 * so the path yields nothing; 1 when it may yield values. */
static int path_may_exist(gantry_matcher *m, uint32_t field) {
    if (m->top_gen != m->gen && top_keys_build(m) != GANTRY_OK)
        return 1;
    const grt_slice *s = &m->pack->path_hashes[field];
    const uint64_t *h = m->pack->path_hash_items + s->first;
    for (uint32_t i = 0; i < s->count; i++)
        if (top_key_known(m, h[i]))
            return 1;
    return 0;
}

static int len_is_zero(uint32_t len) {
    return len == 0;
}

static const cJSON *next_object(const cJSON *el) {
    while (el && !cJSON_IsObject(el))
        el = el->next;
    return el;
}

const void *grt_scope_first(gantry_matcher *m, uint32_t field) {
    if (m->rd_on) {
        /* An audit Event without a workload gets no list from the
         * normalizer (and a raw key of that name is stripped), so its one
         * element is the event, read as any field of it is. Otherwise
         * the reader, which keeps no elements, sends the line the cJSON
         * way (gantry_match_json leaves packs with scopes to cJSON, so
         * only a line's view reaches here). */
        if (m->rd_view && unwritten_here(m, &m->rd_view[field]))
            return m;
        m->rd_derived = 1;
        return NULL;
    }
    const cJSON *root = m->event;
    const cJSON *list =
        cJSON_GetObjectItemCaseSensitive(root, m->pack->strs[m->pack->fields[field]]);
    if (!list)
        return root;
    return cJSON_IsArray(list) ? next_object(list->child) : NULL;
}

const void *grt_scope_next(const void *elem) {
    return next_object(((const cJSON *)elem)->next);
}

/* A field of the current scope element: read afresh, since the element
 * changes within one event (the caller drops the values afterwards). */
static grt_slice scoped_values(gantry_matcher *m, uint32_t field) {
    const gantry_pack *pk = m->pack;
    uint32_t s = pk->fields[field];
    size_t before = m->nvals;
    push_ctx ctx = {m, GANTRY_MAX_VALUES_PER_FIELD};
    if (!m->oom)
        grt_path_walk((const cJSON *)m->scope_elem, pk->strs[s], pk->str_lens[s], push_visit, &ctx);
    return (grt_slice){(uint32_t)before, (uint32_t)(m->nvals - before)};
}

/* A field that reads raw paths only (no constant, no computed value, not
 * derived: a derived read must still send the line away) is empty when
 * the reader recorded nothing at any of them. */
int grt_field_surely_empty(const gantry_matcher *m, uint32_t field) {
    if (!m->rd_on || m->scope_read)
        return 0;
    if (m->field_gen[field] == m->gen)
        return m->field_vals[field].count == 0;
    const grt_view_field *v = m->rd_view ? &m->rd_view[field] : NULL;
    if (v && (v->derive || v->constant || (v->derived && !unwritten_here(m, v))))
        return 0;
    if (grd_count(m->rd, field) != 0 || grd_limited(m->rd, field))
        return 0;
    for (uint32_t k = 0; v && !v->derived && k < v->count; k++)
        if (grd_count(m->rd, v->first + k) != 0)
            return 0;
    return 1;
}

grt_slice grt_field_values(gantry_matcher *m, uint32_t field) {
    if (m->scope_read)
        return scoped_values(m, field);
    if (m->field_gen[field] == m->gen)
        return m->field_vals[field];
    const gantry_pack *pk = m->pack;
    uint32_t s = pk->fields[field];
    size_t before = m->nvals;
    push_ctx ctx = {m, GANTRY_MAX_VALUES_PER_FIELD};
    if (m->rd_on) {
        uint32_t p = m->oom ? UINT32_MAX : m->rd_view ? view_path(m, field) : field;
        if (p != UINT32_MAX)
            reader_push(m, p);
    } else if (!m->oom && (!m->fast_paths || pk->nfields < GRT_TOP_KEYS_MIN_FIELDS ||
                           len_is_zero(pk->str_lens[s]) || path_may_exist(m, field)))
        grt_path_walk((const cJSON *)m->event, pk->strs[s], pk->str_lens[s], push_visit, &ctx);
    grt_slice out = {(uint32_t)before, (uint32_t)(m->nvals - before)};
    m->field_vals[field] = out;
    m->field_gen[field] = m->gen;
    return out;
}

grt_slice grt_keyword_values(gantry_matcher *m) {
    if (m->keyword_gen == m->gen)
        return m->keyword_vals;
    size_t before = m->nvals;
    size_t budget = SIZE_MAX;
    size_t top = 0;
    const cJSON *root = m->event;
    if (m->rd_on && m->rd_view)
        m->rd_derived = 1; /* a normalized event has strings the line has not */
    else if (m->rd_on && !m->oom)
        reader_push(m, grd_keyword_path(m->rd));
    if (root && root->child) {
        if (m->walk_cap == 0) {
            m->walk = malloc(64 * sizeof *m->walk);
            if (!m->walk)
                m->oom = 1;
            else
                m->walk_cap = 64;
        }
        if (m->walk)
            m->walk[top++] = root->child;
    }
    /* each stack entry is the next sibling still to visit at one level */
    while (top > 0 && !m->oom) {
        const cJSON *n = m->walk[top - 1];
        if (n->next)
            m->walk[top - 1] = n->next;
        else
            top--;
        if (cJSON_IsString(n)) {
            push_value(m, n, &budget);
        } else if ((cJSON_IsObject(n) || cJSON_IsArray(n)) && n->child) {
            if (top == m->walk_cap) {
                const void **p = realloc(m->walk, m->walk_cap * 2 * sizeof *p);
                if (!p) {
                    m->oom = 1;
                    break;
                }
                m->walk = p;
                m->walk_cap *= 2;
            }
            m->walk[top++] = n->child;
        }
    }
    m->keyword_vals = (grt_slice){(uint32_t)before, (uint32_t)(m->nvals - before)};
    m->keyword_gen = m->gen;
    return m->keyword_vals;
}

static gantry_status text_reserve(gantry_matcher *m, size_t extra) {
    if (m->text_cap - m->text_len >= extra)
        return GANTRY_OK;
    size_t cap = m->text_cap ? m->text_cap : 1024;
    while (cap - m->text_len < extra) {
        if (cap > SIZE_MAX / 2)
            return GANTRY_E_NOMEM;
        cap *= 2;
    }
    char *p = realloc(m->text, cap);
    if (!p) {
        m->oom = 1;
        return GANTRY_E_NOMEM;
    }
    m->text = p;
    m->text_cap = cap;
    return GANTRY_OK;
}

gantry_status grt_values_prepare(gantry_matcher *m, grt_slice s, int lower) {
    for (uint32_t i = 0; i < s.count; i++) {
        grt_value *v = &m->vals[s.first + i];
        if (v->type == GRT_V_NUMBER && v->raw_off == GRT_NO_OFFSET) {
            char buf[GRT_NUMBER_TEXT_MAX];
            size_t n = grt_number_text(v->num, buf, sizeof buf);
            if (text_reserve(m, n) != GANTRY_OK)
                return GANTRY_E_NOMEM;
            memcpy(m->text + m->text_len, buf, (size_t)n);
            v->raw_off = m->text_len;
            v->len = (uint32_t)n;
            m->text_len += (size_t)n;
        } else if (lower && v->type == GRT_V_STRING && v->lower_off == GRT_NO_OFFSET) {
            if (text_reserve(m, v->len) != GANTRY_OK)
                return GANTRY_E_NOMEM;
            grt_ascii_lower(m->text + m->text_len, v->raw, v->len);
            v->lower_off = m->text_len;
            m->text_len += v->len;
        }
    }
    return GANTRY_OK;
}

const char *grt_value_text(const gantry_matcher *m, const grt_value *v, int lower, size_t *len) {
    *len = v->len;
    switch (v->type) {
    case GRT_V_STRING:
        return lower ? m->text + v->lower_off : v->raw;
    case GRT_V_NUMBER:
        return m->text + v->raw_off;
    case GRT_V_BOOL:
        return v->raw;
    default:
        *len = 0;
        return NULL;
    }
}

int grt_value_number(grt_value *v, double *out) {
    if (v->num_state == 0) {
        v->num_state = 2;
        if (v->type == GRT_V_STRING && v->len > 0 && (unsigned char)v->raw[0] > ' ') {
            char *end = NULL;
            double d = strtod(v->raw, &end);
            if (end == v->raw + v->len && d == d) {
                v->num = d;
                v->num_state = 1;
            }
        }
    }
    *out = v->num;
    return v->num_state == 1;
}

/* calloc that never asks for zero bytes (a pack may have no rules). */
static void *calloc_nz(size_t count, size_t size) {
    return calloc(count ? count : 1, size);
}

static int cmp_u32(const void *x, const void *y) {
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return (a > b) - (a < b);
}

/* Per rule, the sorted distinct fields its predicates read. */
gantry_status grt_rule_fields_prepare(gantry_pack *pk) {
    size_t total = 0;
    for (uint32_t r = 0; r < pk->nrules; r++)
        total += (size_t)pk->rules[r].code.count * 2;
    pk->rule_fields = calloc_nz(pk->nrules, sizeof *pk->rule_fields);
    pk->rule_field_items = calloc_nz(total, sizeof *pk->rule_field_items);
    if (!pk->rule_fields || !pk->rule_field_items)
        return GANTRY_E_NOMEM;
    size_t out = 0;
    for (uint32_t r = 0; r < pk->nrules; r++) {
        size_t start = out;
        const grt_slice *c = &pk->rules[r].code;
        for (uint32_t i = 0; i < c->count; i++) {
            const struct gantry_insn *in = &pk->code[c->first + i];
            if (in->op == GANTRY_OP_ANY)
                pk->rule_field_items[out++] = in->a; /* the scope's array */
            if (in->op != GANTRY_OP_PRED)
                continue;
            const struct gantry_insn *pred = &pk->preds[in->b];
            if (pred->op == GANTRY_OP_KEYWORD)
                continue;
            pk->rule_field_items[out++] = pred->a;
            if (pred->op == GANTRY_OP_FIELDREF)
                pk->rule_field_items[out++] = pred->b;
        }
        qsort(pk->rule_field_items + start, out - start, sizeof(uint32_t), cmp_u32);
        size_t uniq = start;
        for (size_t k = start; k < out; k++)
            if (uniq == start || pk->rule_field_items[uniq - 1] != pk->rule_field_items[k])
                pk->rule_field_items[uniq++] = pk->rule_field_items[k];
        out = uniq;
        pk->rule_fields[r] = (grt_slice){(uint32_t)start, (uint32_t)(out - start)};
    }
    return GANTRY_OK;
}
