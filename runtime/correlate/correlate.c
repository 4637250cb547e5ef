/* SPDX-License-Identifier: Apache-2.0 */
/* The correlation stage (gantry.h, docs/correlations.md).
 *
 * State is one hash table of groups (correlation, group-key values) with a
 * least-recently-seen list through all of them. Each group keeps its events
 * sorted by time. Every byte the stage holds is counted in `bytes` and kept
 * under the budget by evicting the least recently seen group; the count of
 * live groups is bounded the same way. A correlation match on a correlation
 * that others refer to is queued and fed to them after the current group is
 * done with, so no group is touched after it may have been evicted. */
#include <cJSON.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "correlate.h"
#include "correlate_stage.h"
#include "path.h"

#define KEY_MAX 4096u /* bytes of group-key text; longer keys are not grouped */

typedef struct cev {
    int64_t t;
    uint64_t line;
    uint64_t vhash; /* value_count: hash of the value text */
    double v;       /* value_sum / avg / percentile */
    uint32_t file;
    uint16_t ref;
    uint8_t has_text, has_num;
} cev;

typedef struct cgroup {
    struct cgroup *hnext, *prev, *next; /* hash chain; LRU (head: most recent) */
    uint64_t hash;
    uint32_t corr, key_len;
    int64_t newest;
    cev *ev;
    uint32_t n, cap;
    char key[]; /* ngroup NUL-terminated values */
} cgroup;

typedef struct pending {
    uint32_t corr, file;
    int64_t t;
    uint64_t line;
    double value;
    size_t key_off;
    uint32_t key_len;
} pending;

struct gantry_correlator {
    const gantry_pack *pack;
    const grt_corr_table *t;
    gantry_correlator_limits lim;
    pthread_mutex_t mu;
    cgroup **buckets;
    size_t nbuckets;
    cgroup *lru_head, *lru_tail;
    char **files;
    size_t nfiles, files_cap;
    int64_t watermark;
    int have_watermark;
    gantry_correlator_stats st;
    size_t fixed_bytes;
    /* scratch, sized once */
    char keybuf[KEY_MAX];
    uint64_t *hs;
    double *ds;
    gantry_corr_event *out;
    uint8_t *seen;
    const char **gvals;
    /* chained matches waiting to be fed */
    pending *pend;
    size_t npend, pend_cap;
    char *pkeys;
    size_t pkeys_len, pkeys_cap;
    gantry_corr_fn fn;
    void *user;
};

void gantry_correlator_limits_default(gantry_correlator_limits *l) {
    if (!l)
        return;
    l->max_groups = 1u << 20;
    l->max_events_per_group = 256;
    l->memory_bytes = 256u << 20;
    l->out_of_order_ns = 5ull * 1000000000ull;
}

static uint64_t fnv(uint64_t h, const void *data, size_t len) {
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    return h;
}

static size_t group_bytes(const cgroup *g) {
    return sizeof *g + g->key_len + (size_t)g->cap * sizeof(cev);
}

static void account(gantry_correlator *c, size_t add, size_t sub) {
    c->st.bytes = c->st.bytes + add - sub;
    if (c->st.bytes > c->st.bytes_peak)
        c->st.bytes_peak = c->st.bytes;
}

static void lru_unlink(gantry_correlator *c, cgroup *g) {
    if (g->prev)
        g->prev->next = g->next;
    else
        c->lru_head = g->next;
    if (g->next)
        g->next->prev = g->prev;
    else
        c->lru_tail = g->prev;
    g->prev = g->next = NULL;
}

static void lru_push_head(gantry_correlator *c, cgroup *g) {
    g->prev = NULL;
    g->next = c->lru_head;
    if (c->lru_head)
        c->lru_head->prev = g;
    c->lru_head = g;
    if (!c->lru_tail)
        c->lru_tail = g;
}

static void group_free(gantry_correlator *c, cgroup *g) {
    cgroup **pp = &c->buckets[g->hash & (c->nbuckets - 1)];
    while (*pp && *pp != g)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = g->hnext;
    lru_unlink(c, g);
    account(c, 0, group_bytes(g));
    c->st.groups_live--;
    free(g->ev);
    free(g);
}

/* Evicts least recently seen groups (never `keep`) until `need` more bytes
 * and, when `new_group`, one more group fit. Returns whether they fit. */
static bool make_room(gantry_correlator *c, size_t need, int new_group, const cgroup *keep) {
    while (c->st.bytes + need > c->lim.memory_bytes ||
           (new_group && c->st.groups_live >= c->lim.max_groups)) {
        cgroup *victim = c->lru_tail;
        if (victim == keep)
            victim = victim ? victim->prev : NULL;
        if (!victim)
            return false;
        group_free(c, victim);
        c->st.groups_evicted++;
    }
    return true;
}

/* ---- aggregates ---- */

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The figure the condition is compared with; false when there is none (no
 * numeric value for an average or percentile). */
static bool aggregate(gantry_correlator *c, const grt_corr *k, const cev *ev, uint32_t n,
                      double *out) {
    size_t m = 0;
    double sum = 0;
    switch (k->type) {
    case GANTRY_CORR_EVENT_COUNT:
        *out = n;
        return true;
    case GANTRY_CORR_VALUE_COUNT:
        for (uint32_t i = 0; i < n; i++)
            if (ev[i].has_text)
                c->hs[m++] = ev[i].vhash;
        qsort(c->hs, m, sizeof *c->hs, cmp_u64);
        *out = 0;
        for (size_t i = 0; i < m; i++)
            if (i == 0 || c->hs[i] != c->hs[i - 1])
                *out += 1;
        return true;
    case GANTRY_CORR_TEMPORAL:
        memset(c->seen, 0, k->refs.count);
        *out = 0;
        for (uint32_t i = 0; i < n; i++)
            if (!c->seen[ev[i].ref]) {
                c->seen[ev[i].ref] = 1;
                *out += 1;
            }
        return true;
    case GANTRY_CORR_TEMPORAL_ORDERED: {
        /* the longest prefix of `rules` seen in order: greedy on time order */
        uint32_t need = 0;
        for (uint32_t i = 0; i < n && need < k->refs.count; i++)
            if (ev[i].ref == need)
                need++;
        *out = need;
        return true;
    }
    default:
        break;
    }
    for (uint32_t i = 0; i < n; i++)
        if (ev[i].has_num) {
            c->ds[m++] = ev[i].v;
            sum += ev[i].v;
        }
    if (k->type == GANTRY_CORR_VALUE_SUM) {
        *out = sum;
        return true;
    }
    if (m == 0)
        return false;
    if (k->type == GANTRY_CORR_VALUE_AVG) {
        *out = sum / (double)m;
        return true;
    }
    /* nearest rank */
    qsort(c->ds, m, sizeof *c->ds, cmp_double);
    size_t rank = (size_t)ceil(k->percentile / 100.0 * (double)m);
    *out = c->ds[rank ? rank - 1 : 0];
    return true;
}

static int holds(const grt_corr *k, double v) {
    if (k->cond_flags & GANTRY_CORR_COND_LO) {
        if ((k->cond_flags & GANTRY_CORR_COND_LO_INCL) ? v < k->lo : v <= k->lo)
            return 0;
    }
    if (k->cond_flags & GANTRY_CORR_COND_HI) {
        if ((k->cond_flags & GANTRY_CORR_COND_HI_INCL) ? v > k->hi : v >= k->hi)
            return 0;
    }
    return 1;
}

static gantry_status push_pending(gantry_correlator *c, const cgroup *g, const cev *last,
                                  double value) {
    if (c->npend == c->pend_cap) {
        size_t cap = c->pend_cap ? c->pend_cap * 2 : 16;
        pending *p = realloc(c->pend, cap * sizeof *p);
        if (!p)
            return GANTRY_E_NOMEM;
        c->pend = p;
        c->pend_cap = cap;
    }
    if (c->pkeys_len + g->key_len > c->pkeys_cap) {
        size_t cap = (c->pkeys_cap + g->key_len) * 2;
        char *p = realloc(c->pkeys, cap);
        if (!p)
            return GANTRY_E_NOMEM;
        c->pkeys = p;
        c->pkeys_cap = cap;
    }
    memcpy(c->pkeys + c->pkeys_len, g->key, g->key_len);
    c->pend[c->npend++] =
        (pending){g->corr, last->file, last->t, last->line, value, c->pkeys_len, g->key_len};
    c->pkeys_len += g->key_len;
    return GANTRY_OK;
}

/* For temporal_ordered, the events that make up the matched steps (the same
 * greedy walk as aggregate()); for every other type, all of them. Returns
 * the count written to c->out and the last contributing event. */
static uint32_t contributing(gantry_correlator *c, const grt_corr *k, const cev *ev, uint32_t n,
                             const cev **last) {
    const grt_corr_table *t = c->t;
    int ordered = k->type == GANTRY_CORR_TEMPORAL_ORDERED;
    uint32_t m = 0, need = 0;
    for (uint32_t pass = 0; pass < 2 && m == 0; pass++, ordered = 0) {
        for (uint32_t i = 0; i < n; i++) {
            if (ordered) {
                if (need >= k->refs.count || ev[i].ref != need)
                    continue;
                need++;
            }
            uint32_t r = t->refs[k->refs.first + ev[i].ref];
            c->out[m++] = (gantry_corr_event){c->files[ev[i].file], ev[i].line, ev[i].t,
                                              r & ~GANTRY_CORR_REF_CORRELATION,
                                              (r & GANTRY_CORR_REF_CORRELATION) != 0};
            *last = &ev[i];
        }
    }
    return m;
}

static gantry_status fire(gantry_correlator *c, const cgroup *g, const cev *ev, uint32_t n,
                          double value) {
    const grt_corr_table *t = c->t;
    const grt_corr *k = &t->corrs[g->corr];
    c->st.matches++;
    const cev *last = &ev[n - 1];
    uint32_t m = contributing(c, k, ev, n, &last);
    if (k->reported && c->fn) {
        const char *v = g->key;
        for (uint32_t i = 0; i < k->ngroup; i++) {
            c->gvals[i] = v;
            v += strlen(v) + 1;
        }
        gantry_corr_match match = {
            &k->info, k->ngroup, k->group_names, c->gvals, c->out[0].time_ns, c->out[m - 1].time_ns,
            value,    m,         c->out};
        c->fn(&match, c->user);
    }
    if (t->corr_uses[g->corr].count)
        return push_pending(c, g, last, value);
    return GANTRY_OK;
}

static void drop_front(cgroup *g, uint32_t k) {
    memmove(g->ev, g->ev + k, (size_t)(g->n - k) * sizeof *g->ev);
    g->n -= k;
}

/* Upper-bounded conditions: decide every window (first event + timespan)
 * that has closed; with `all`, close them all (end of input, expiry). */
static gantry_status close_windows(gantry_correlator *c, cgroup *g, int all) {
    const grt_corr *k = &c->t->corrs[g->corr];
    if (!(k->cond_flags & GANTRY_CORR_COND_HI))
        return GANTRY_OK;
    while (g->n) {
        int64_t end = g->ev[0].t + k->span_ns;
        if (!all && !(c->watermark - (int64_t)c->lim.out_of_order_ns > end))
            break;
        uint32_t m = 0;
        while (m < g->n && g->ev[m].t <= end)
            m++;
        double v;
        if (aggregate(c, k, g->ev, m, &v) && holds(k, v) && fire(c, g, g->ev, m, v) != GANTRY_OK)
            return GANTRY_E_NOMEM;
        drop_front(g, m);
    }
    return GANTRY_OK;
}

/* Lower-bounded conditions: the sliding window ending at the newest event. */
static gantry_status evaluate(gantry_correlator *c, cgroup *g) {
    const grt_corr *k = &c->t->corrs[g->corr];
    if (k->cond_flags & GANTRY_CORR_COND_HI)
        return close_windows(c, g, 0);
    uint32_t first = 0;
    while (first < g->n && g->ev[first].t < g->newest - k->span_ns)
        first++;
    if (first)
        drop_front(g, first);
    double v;
    if (g->n == 0 || !aggregate(c, k, g->ev, g->n, &v) || !holds(k, v))
        return GANTRY_OK;
    gantry_status st = fire(c, g, g->ev, g->n, v);
    g->n = 0; /* once per group and window: the next match needs new events */
    return st;
}

/* Drops groups whose newest event left every window, oldest first. */
static gantry_status expire(gantry_correlator *c) {
    while (c->lru_tail) {
        cgroup *g = c->lru_tail;
        const grt_corr *k = &c->t->corrs[g->corr];
        if (g->newest >= c->watermark - k->span_ns - (int64_t)c->lim.out_of_order_ns)
            break;
        if (close_windows(c, g, 1) != GANTRY_OK)
            return GANTRY_E_NOMEM;
        group_free(c, g);
        c->st.groups_expired++;
    }
    return GANTRY_OK;
}

/* ---- feeding ---- */

/* Where an event's group and value come from: a JSON event, or the match of
 * a correlation that this one refers to (its group values and figure). */
typedef struct source {
    const cJSON *event;
    const grt_corr *from;
    const char *from_key;
    double from_value;
} source;

static const char *chained_value(const source *s, const char *name, size_t *len) {
    const char *v = s->from_key;
    for (uint32_t i = 0; i < s->from->ngroup; i++) {
        if (strcmp(s->from->group_names[i], name) == 0) {
            *len = strlen(v);
            return v;
        }
        v += strlen(v) + 1;
    }
    return NULL;
}

static const char *source_text(const source *s, const char *path, char *num, size_t *len) {
    if (s->from)
        return chained_value(s, path, len);
    const char *text;
    if (!gcs_value_text(grt_path_first_scalar(s->event, path), num, 32, &text, len))
        return NULL;
    return text;
}

static gantry_status add_event(gantry_correlator *c, uint32_t corr, uint32_t ref, const source *s,
                               int64_t t, uint32_t file, uint64_t line) {
    const grt_corr_table *tab = c->t;
    const grt_corr *k = &tab->corrs[corr];
    const char **strs = c->pack->strs;
    char num[32];
    size_t key_len = 0;
    for (uint32_t g = 0; g < k->ngroup; g++) {
        size_t len;
        const char *text = source_text(s, strs[grt_corr_group_field(tab, k, ref, g)], num, &len);
        if (!text || key_len + len + 1 > KEY_MAX || memchr(text, 0, len)) {
            c->st.ungrouped++;
            return GANTRY_OK;
        }
        memcpy(c->keybuf + key_len, text, len);
        key_len += len;
        c->keybuf[key_len++] = 0;
    }
    cev e = {.t = t, .line = line, .file = file, .ref = (uint16_t)ref};
    if (k->has_value) {
        const char *path = strs[grt_corr_value_field(tab, k, ref)];
        size_t len;
        const char *text = source_text(s, path, num, &len);
        if (text) {
            e.has_text = 1;
            e.vhash = fnv(14695981039346656037ull, text, len);
        }
        if (s->from && !text) {
            e.v = s->from_value;
            e.has_num = 1;
        } else if (!s->from) {
            e.has_num = gcs_value_number(grt_path_first_scalar(s->event, path), &e.v);
        } else {
            char *end = NULL;
            e.v = strtod(text, &end);
            e.has_num = end && *end == 0 && isfinite(e.v);
        }
    }
    uint64_t hash = fnv(fnv(14695981039346656037ull, &corr, sizeof corr), c->keybuf, key_len);
    cgroup *g = c->buckets[hash & (c->nbuckets - 1)];
    while (g && !(g->hash == hash && g->corr == corr && g->key_len == key_len &&
                  memcmp(g->key, c->keybuf, key_len) == 0))
        g = g->hnext;
    if (!g) {
        if (!make_room(c, sizeof *g + key_len, 1, NULL) || !(g = calloc(1, sizeof *g + key_len))) {
            c->st.events_dropped++;
            return GANTRY_OK;
        }
        g->hash = hash;
        g->corr = corr;
        g->key_len = (uint32_t)key_len;
        g->newest = t;
        memcpy(g->key, c->keybuf, key_len);
        cgroup **bucket = &c->buckets[hash & (c->nbuckets - 1)];
        g->hnext = *bucket;
        *bucket = g;
        lru_push_head(c, g);
        account(c, group_bytes(g), 0);
        if (++c->st.groups_live > c->st.groups_peak)
            c->st.groups_peak = c->st.groups_live;
    } else {
        lru_unlink(c, g);
        lru_push_head(c, g);
    }
    if (g->n == g->cap && g->cap < c->lim.max_events_per_group) {
        uint32_t cap = g->cap ? g->cap * 2 : 4;
        if (cap > c->lim.max_events_per_group)
            cap = (uint32_t)c->lim.max_events_per_group;
        size_t extra = (size_t)(cap - g->cap) * sizeof(cev);
        cev *grown = make_room(c, extra, 0, g) ? realloc(g->ev, cap * sizeof(cev)) : NULL;
        if (grown) {
            g->ev = grown;
            g->cap = cap;
            account(c, extra, 0);
        }
    }
    if (g->n == g->cap) {
        if (g->n == 0) {
            c->st.events_dropped++;
            return GANTRY_OK;
        }
        drop_front(g, 1); /* a full group forgets its oldest event */
        c->st.events_dropped++;
    }
    uint32_t at = g->n;
    while (at > 0 && g->ev[at - 1].t > t)
        at--;
    memmove(g->ev + at + 1, g->ev + at, (size_t)(g->n - at) * sizeof(cev));
    g->ev[at] = e;
    g->n++;
    if (t > g->newest)
        g->newest = t;
    return evaluate(c, g);
}

static gantry_status feed_uses(gantry_correlator *c, grt_slice uses, const source *s, int64_t t,
                               uint32_t file, uint64_t line) {
    for (uint32_t i = 0; i < uses.count; i++) {
        const grt_corr_use *u = &c->t->uses[uses.first + i];
        if (add_event(c, u->corr, u->ref, s, t, file, line) != GANTRY_OK)
            return GANTRY_E_NOMEM;
    }
    return GANTRY_OK;
}

static gantry_status drain_pending(gantry_correlator *c) {
    for (size_t i = 0; i < c->npend; i++) {
        pending p = c->pend[i];
        /* the key is copied out: feeding may grow (move) the key buffer */
        char key[KEY_MAX];
        memcpy(key, c->pkeys + p.key_off, p.key_len);
        source s = {NULL, &c->t->corrs[p.corr], key, p.value};
        if (feed_uses(c, c->t->corr_uses[p.corr], &s, p.t, p.file, p.line) != GANTRY_OK)
            return GANTRY_E_NOMEM;
    }
    c->npend = 0;
    c->pkeys_len = 0;
    return GANTRY_OK;
}

static gantry_status intern_file(gantry_correlator *c, const char *file, uint32_t *index) {
    if (!file)
        file = "";
    /* the common case: the same file as the previous event */
    for (size_t i = c->nfiles; i-- > 0;)
        if (strcmp(c->files[i], file) == 0) {
            *index = (uint32_t)i;
            return GANTRY_OK;
        }
    if (c->nfiles == c->files_cap) {
        size_t cap = c->files_cap * 2 + 8;
        char **p = realloc(c->files, cap * sizeof *p);
        if (!p)
            return GANTRY_E_NOMEM;
        account(c, (cap - c->files_cap) * sizeof *p, 0);
        c->files = p;
        c->files_cap = cap;
    }
    size_t len = strlen(file) + 1;
    if (!(c->files[c->nfiles] = malloc(len)))
        return GANTRY_E_NOMEM;
    memcpy(c->files[c->nfiles], file, len);
    account(c, len, 0);
    *index = (uint32_t)c->nfiles++;
    return GANTRY_OK;
}

gantry_status gantry_correlator_feed(gantry_correlator *c, uint32_t rule, const gantry_event *ev,
                                     int64_t time_ns, const char *file, uint64_t line,
                                     gantry_corr_fn on_match, void *user) {
    if (!c)
        return GANTRY_E_ARG;
    if (!c->t || rule >= c->pack->nrules || c->t->rule_uses[rule].count == 0)
        return GANTRY_OK;
    const cJSON *event = (const cJSON *)ev; /* an event is a cJSON object (api/event.c) */
    pthread_mutex_lock(&c->mu);
    c->fn = on_match;
    c->user = user;
    c->st.fed++;
    int64_t t = time_ns;
    if (t == GANTRY_TIME_FROM_EVENT && !gcs_event_time(event, &t)) {
        c->st.time_fallbacks++;
        t = c->have_watermark ? c->watermark : 0;
    }
    gantry_status st = GANTRY_OK;
    uint32_t file_index = 0;
    if (c->have_watermark && t < c->watermark - (int64_t)c->lim.out_of_order_ns) {
        c->st.late++;
    } else {
        if (!c->have_watermark || t > c->watermark)
            c->watermark = t;
        c->have_watermark = 1;
        source s = {event, NULL, NULL, 0};
        if (expire(c) != GANTRY_OK || intern_file(c, file, &file_index) != GANTRY_OK ||
            feed_uses(c, c->t->rule_uses[rule], &s, t, file_index, line) != GANTRY_OK ||
            drain_pending(c) != GANTRY_OK)
            st = GANTRY_E_NOMEM;
    }
    pthread_mutex_unlock(&c->mu);
    return st;
}

/* Reads only the pack's tables, never the stage's state: safe from any
 * thread without the lock. */
gantry_status gantry_correlator_copy_event(const gantry_correlator *c, const gantry_event *event,
                                           gantry_event **copy) {
    if (!copy)
        return GANTRY_E_ARG;
    *copy = NULL;
    if (!c || !event)
        return GANTRY_E_ARG;
    cJSON *slim = gcs_copy_event(c->pack, (const cJSON *)event);
    if (!slim)
        return GANTRY_E_NOMEM;
    *copy = (gantry_event *)slim;
    return GANTRY_OK;
}

gantry_status gantry_correlator_flush(gantry_correlator *c, gantry_corr_fn on_match, void *user) {
    if (!c)
        return GANTRY_E_ARG;
    pthread_mutex_lock(&c->mu);
    c->fn = on_match;
    c->user = user;
    gantry_status st = GANTRY_OK;
    while (c->lru_tail && st == GANTRY_OK) {
        while (c->lru_tail) {
            cgroup *g = c->lru_tail;
            if (close_windows(c, g, 1) != GANTRY_OK)
                st = GANTRY_E_NOMEM;
            group_free(c, g);
        }
        if (drain_pending(c) != GANTRY_OK)
            st = GANTRY_E_NOMEM;
    }
    pthread_mutex_unlock(&c->mu);
    return st;
}

void gantry_correlator_get_stats(gantry_correlator *c, gantry_correlator_stats *stats) {
    if (!c || !stats)
        return;
    pthread_mutex_lock(&c->mu);
    *stats = c->st;
    pthread_mutex_unlock(&c->mu);
}

void gantry_correlator_free(gantry_correlator *c) {
    if (!c)
        return;
    while (c->lru_tail)
        group_free(c, c->lru_tail);
    for (size_t i = 0; i < c->nfiles; i++)
        free(c->files[i]);
    free(c->files);
    free(c->buckets);
    free(c->hs);
    free(c->ds);
    free(c->out);
    free(c->seen);
    free(c->gvals);
    free(c->pend);
    free(c->pkeys);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

gantry_status gantry_correlator_new(const gantry_pack *pack, const gantry_correlator_limits *limits,
                                    gantry_correlator **out) {
    if (!out)
        return GANTRY_E_ARG;
    *out = NULL;
    if (!pack)
        return GANTRY_E_ARG;
    gantry_correlator_limits lim;
    gantry_correlator_limits_default(&lim);
    if (limits)
        lim = *limits;
    if (lim.max_groups == 0 || lim.max_events_per_group == 0 || lim.max_events_per_group > 1u << 20)
        return GANTRY_E_ARG;
    gantry_correlator *c = calloc(1, sizeof *c);
    if (!c)
        return GANTRY_E_NOMEM;
    if (pthread_mutex_init(&c->mu, NULL) != 0) {
        free(c);
        return GANTRY_E_NOMEM;
    }
    c->pack = pack;
    c->t = pack->corr;
    c->lim = lim;
    /* enough buckets for the groups the budget can hold, at most max_groups */
    size_t fit = lim.memory_bytes / (sizeof(cgroup) + sizeof(void *) + 16);
    size_t want = fit < lim.max_groups ? fit : lim.max_groups;
    c->nbuckets = 64;
    while (c->nbuckets < want / 2 && c->nbuckets < (1u << 24))
        c->nbuckets *= 2;
    size_t nev = lim.max_events_per_group;
    size_t nrefs = c->t ? c->t->max_refs : 1, ngroup = c->t ? c->t->max_group : 1;
    c->buckets = calloc(c->nbuckets, sizeof *c->buckets);
    c->hs = malloc(nev * sizeof *c->hs);
    c->ds = malloc(nev * sizeof *c->ds);
    c->out = malloc(nev * sizeof *c->out);
    c->seen = malloc(nrefs + 1);
    c->gvals = malloc((ngroup + 1) * sizeof *c->gvals);
    c->fixed_bytes = sizeof *c + c->nbuckets * sizeof *c->buckets +
                     nev * (sizeof *c->hs + sizeof *c->ds + sizeof *c->out) + nrefs + 1 +
                     (ngroup + 1) * sizeof *c->gvals;
    c->st.memory_budget = lim.memory_bytes;
    account(c, c->fixed_bytes, 0);
    if (!c->buckets || !c->hs || !c->ds || !c->out || !c->seen || !c->gvals) {
        gantry_correlator_free(c);
        return GANTRY_E_NOMEM;
    }
    if (c->fixed_bytes > lim.memory_bytes) {
        gantry_correlator_free(c);
        return GANTRY_E_LIMIT;
    }
    *out = c;
    return GANTRY_OK;
}
