/* SPDX-License-Identifier: Apache-2.0 */
/* Compiling the paths a pack reads into states and key transitions. */
#include <stdlib.h>
#include <string.h>

#include "read_int.h"

#define GRD_FNV_BASIS 1469598103934665603ull
#define GRD_FNV_PRIME 1099511628211ull

uint64_t grd_hash(const char *p, size_t n) {
    uint64_t h = GRD_FNV_BASIS;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * GRD_FNV_PRIME;
    h ^= (uint64_t)n * 0x9E3779B97F4A7C15ull;
    h ^= h >> 31;
    return h | 1; /* 0 marks an empty slot */
}

/* The slot of key text[off..off+len) (found or empty). */
static grd_seg *seg_slot(const grd_plan *pl, const char *k, size_t n, uint64_t h) {
    for (uint32_t i = (uint32_t)h & pl->seg_mask;; i = (i + 1) & pl->seg_mask) {
        grd_seg *s = &pl->segs[i];
        if (s->hash == 0)
            return s;
        if (s->hash == h && s->len == n && memcmp(pl->text + s->off, k, n) == 0)
            return s;
    }
}

const grd_trans *grd_plan_lookup(const grd_plan *pl, const char *k, size_t n, uint32_t *count) {
    *count = 0;
    if (n == 0 ? !pl->empty_key : !((pl->len_bits[(unsigned char)k[0]] >> (n < 63 ? n : 63)) & 1))
        return NULL;
    const grd_seg *s = seg_slot(pl, k, n, grd_hash(k, n));
    if (s->hash == 0)
        return NULL;
    *count = s->count;
    return pl->trans + s->first;
}

void grd_plan_free(grd_plan *pl) {
    if (!pl)
        return;
    free(pl->text);
    free(pl->path_off);
    free(pl->path_len);
    free(pl->root);
    free(pl->whole);
    free(pl->first);
    free(pl->state_path);
    free(pl->state_term);
    free(pl->state_first);
    free(pl->segs);
    free(pl->trans);
    free(pl->watch);
    free(pl->watch_off);
    free(pl->watch_text);
    free(pl);
}

void grd_plan_whole(grd_plan *pl, uint32_t p) {
    pl->whole[p] = 1;
}

void grd_plan_first_only(grd_plan *pl, uint32_t p) {
    pl->whole[p] = 1;
    pl->first[p] = 1;
}

uint32_t grd_plan_paths(const grd_plan *pl) {
    return pl->npaths;
}

/* Components of a path: n == 0 has none (the path names the event). */
static uint32_t components(const char *p, uint32_t n) {
    if (n == 0)
        return 0;
    uint32_t c = 1;
    for (uint32_t i = 0; i < n; i++)
        c += p[i] == '.';
    return c;
}

/* Calls add for every transition of path p: consuming components i..j. */
static void each_trans(grd_plan *pl, uint32_t p,
                       void (*add)(grd_plan *, const grd_trans *, uint32_t off, uint32_t len)) {
    const char *s = pl->text + pl->path_off[p];
    uint32_t n = pl->path_len[p];
    uint32_t base = pl->root[p];
    uint32_t start = 0;
    for (uint32_t i = 0; start <= n && n > 0; i++) {
        uint32_t end = start;
        for (uint32_t j = i;; j++) {
            while (end < n && s[end] != '.')
                end++;
            grd_trans t = {base + i, base + j + 1, p, end - start};
            /* path.c never matches an empty key (it compares first
             * bytes): an empty component is only reached inside a
             * longer key */
            if (end > start)
                add(pl, &t, pl->path_off[p] + start, end - start);
            if (end >= n)
                break;
            end++; /* over the dot: the key may hold it */
        }
        while (start < n && s[start] != '.')
            start++;
        if (start >= n)
            break;
        start++;
    }
}

static void count_trans(grd_plan *pl, const grd_trans *t, uint32_t off, uint32_t len) {
    (void)t;
    grd_seg *s = seg_slot(pl, pl->text + off, len, grd_hash(pl->text + off, len));
    if (s->hash == 0) {
        s->hash = grd_hash(pl->text + off, len);
        s->off = off;
        s->len = len;
    }
    s->count++;
    pl->ntrans++;
    if (len == 0)
        pl->empty_key = 1;
    else
        pl->len_bits[(unsigned char)pl->text[off]] |= 1ull << (len < 63 ? len : 63);
}

static void place_trans(grd_plan *pl, const grd_trans *t, uint32_t off, uint32_t len) {
    grd_seg *s = seg_slot(pl, pl->text + off, len, grd_hash(pl->text + off, len));
    pl->trans[s->first + s->count++] = *t;
}

gantry_status grd_plan_new(const char *const *paths, const uint32_t *lens, uint32_t npaths,
                           int keywords, grd_plan **out) {
    *out = NULL;
    grd_plan *pl = calloc(1, sizeof *pl);
    if (!pl)
        return GANTRY_E_NOMEM;
    pl->npaths = npaths;
    pl->keywords = keywords;
    size_t total = 0, ntrans = 0;
    for (uint32_t p = 0; p < npaths; p++) {
        total += lens[p];
        uint32_t c = components(paths[p], lens[p]);
        pl->nstates += c + 1;
        ntrans += (size_t)c * (c + 1) / 2;
    }
    size_t cap = 16;
    while (cap < 2 * ntrans + 2)
        cap *= 2;
    pl->text = malloc(total + 1);
    pl->path_off = calloc(npaths + 1, sizeof *pl->path_off);
    pl->path_len = calloc(npaths + 1, sizeof *pl->path_len);
    pl->root = calloc(npaths + 1, sizeof *pl->root);
    pl->whole = calloc(npaths + 1, 1);
    pl->first = calloc(npaths + 1, 1);
    pl->state_path = calloc(pl->nstates + 1, sizeof *pl->state_path);
    pl->state_term = calloc(pl->nstates + 1, 1);
    pl->state_first = calloc(pl->nstates + 1, 1);
    pl->segs = calloc(cap, sizeof *pl->segs);
    pl->trans = calloc(ntrans + 1, sizeof *pl->trans);
    if (!pl->text || !pl->path_off || !pl->path_len || !pl->root || !pl->whole || !pl->first ||
        !pl->state_path || !pl->state_term || !pl->state_first || !pl->segs || !pl->trans) {
        grd_plan_free(pl);
        return GANTRY_E_NOMEM;
    }
    pl->seg_mask = (uint32_t)cap - 1;
    size_t off = 0;
    uint32_t st = 0;
    for (uint32_t p = 0; p < npaths; p++) {
        memcpy(pl->text + off, paths[p], lens[p]);
        pl->path_off[p] = (uint32_t)off;
        pl->path_len[p] = lens[p];
        off += lens[p];
        uint32_t c = components(paths[p], lens[p]);
        pl->root[p] = st;
        pl->state_first[st] = 1;
        /* state k starts at component k; a trailing dot leaves nothing
         * to read after it, so that state is already the value's */
        uint32_t pos = 0;
        for (uint32_t k = 0; k <= c; k++, st++) {
            pl->state_path[st] = p;
            pl->state_term[st] = k == c || pos == lens[p];
            while (pos < lens[p] && paths[p][pos] != '.')
                pos++;
            pos++;
        }
    }
    pl->text[off] = '\0';
    for (uint32_t p = 0; p < npaths; p++)
        each_trans(pl, p, count_trans);
    uint32_t first = 0;
    for (uint32_t i = 0; i <= pl->seg_mask; i++) {
        pl->segs[i].first = first;
        first += pl->segs[i].count;
        pl->segs[i].count = 0;
    }
    for (uint32_t p = 0; p < npaths; p++)
        each_trans(pl, p, place_trans);
    *out = pl;
    return GANTRY_OK;
}

gantry_status grd_plan_watch_root_keys(grd_plan *pl, const char *const *keys, uint32_t n) {
    size_t total = 0, cap = 8;
    for (uint32_t i = 0; i < n; i++)
        total += strlen(keys[i]) + 1;
    while (cap < 2 * (size_t)n + 2)
        cap *= 2;
    uint64_t *w = calloc(cap, sizeof *w);
    uint32_t *off = calloc(cap, sizeof *off);
    char *text = malloc(total + 1);
    if (!w || !off || !text) {
        free(w);
        free(off);
        free(text);
        return GANTRY_E_NOMEM;
    }
    size_t at = 0;
    for (uint32_t i = 0; i < n; i++) {
        size_t len = strlen(keys[i]);
        uint64_t h = grd_hash(keys[i], len);
        size_t slot = h & (cap - 1);
        while (w[slot] && !(w[slot] == h && strcmp(text + off[slot], keys[i]) == 0))
            slot = (slot + 1) & (cap - 1);
        if (w[slot])
            continue;
        memcpy(text + at, keys[i], len + 1);
        if (len)
            pl->watch_bits[(unsigned char)keys[i][0]] |= 1ull << (len < 63 ? len : 63);
        w[slot] = h;
        off[slot] = (uint32_t)at;
        at += len + 1;
    }
    free(pl->watch);
    free(pl->watch_off);
    free(pl->watch_text);
    pl->watch = w;
    pl->watch_off = off;
    pl->watch_text = text;
    pl->watch_mask = (uint32_t)cap - 1;
    pl->nwatch = n;
    return GANTRY_OK;
}

int grd_plan_watched(const grd_plan *pl, const char *k, size_t n) {
    /* few keys of an event share a first byte and a length with one */
    if (n == 0 || !((pl->watch_bits[(unsigned char)k[0]] >> (n < 63 ? n : 63)) & 1))
        return 0;
    uint64_t h = grd_hash(k, n);
    for (uint32_t i = (uint32_t)h & pl->watch_mask; pl->watch[i]; i = (i + 1) & pl->watch_mask) {
        const char *w = pl->watch_text + pl->watch_off[i];
        if (pl->watch[i] == h && strlen(w) == n && memcmp(w, k, n) == 0)
            return 1;
    }
    return 0;
}
