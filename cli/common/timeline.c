/* SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "output_fields.h"
#include "output_text.h"
#include "timeline.h"

typedef struct held {
    int64_t ns;
    uint64_t seq; /* input order */
    uint32_t rule;
    uint8_t has_time, level;
    char *text;
    size_t len;
} held;

struct gmo_timeline {
    held *items;
    size_t count, cap, limit;
    int over;
};

gmo_timeline *gmo_timeline_new(size_t limit) {
    gmo_timeline *tl = calloc(1, sizeof *tl);
    if (tl)
        tl->limit = limit;
    return tl;
}

void gmo_timeline_free(gmo_timeline *tl) {
    if (!tl)
        return;
    for (size_t i = 0; i < tl->count; i++)
        free(tl->items[i].text);
    free(tl->items);
    free(tl);
}

int gmo_timeline_over(const gmo_timeline *tl) {
    return tl->over;
}

size_t gmo_timeline_limit(const gmo_timeline *tl) {
    return tl->limit;
}

int gmo_timeline_add(gmo_timeline *tl, int has_time, int64_t ns, size_t rule, int level,
                     const char *text, size_t len) {
    if (tl->over || tl->count >= tl->limit) {
        tl->over = 1;
        return -1;
    }
    if (tl->count == tl->cap) {
        size_t cap = tl->cap ? tl->cap * 2 : 1024;
        held *grown = realloc(tl->items, cap * sizeof *grown);
        if (!grown)
            return -1;
        tl->items = grown;
        tl->cap = cap;
    }
    char *copy = malloc(len ? len : 1);
    if (!copy)
        return -1;
    memcpy(copy, text, len);
    tl->items[tl->count] =
        (held){ns, tl->count, (uint32_t)rule, (uint8_t)(has_time != 0), (uint8_t)level, copy, len};
    tl->count++;
    return 0;
}

static int by_time(const void *a, const void *b) {
    const held *x = a, *y = b;
    if (x->has_time != y->has_time)
        return x->has_time ? -1 : 1;
    if (x->has_time && x->ns != y->ns)
        return x->ns < y->ns ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int gmo_timeline_write(gmo_timeline *tl, FILE *out) {
    if (tl->count)
        qsort(tl->items, tl->count, sizeof *tl->items, by_time);
    for (size_t i = 0; i < tl->count; i++)
        fwrite(tl->items[i].text, 1, tl->items[i].len, out);
    return 0;
}

/* ---- summary ---- */

typedef struct tally {
    uint64_t count;
    int has_time;
    int64_t first, last;
    size_t rule;
    int level;
} tally;

static void count_in(tally *t, const held *h) {
    t->count++;
    if (!h->has_time)
        return;
    if (!t->has_time || h->ns < t->first)
        t->first = h->ns;
    if (!t->has_time || h->ns > t->last)
        t->last = h->ns;
    t->has_time = 1;
}

static void when(const tally *t, char *first, char *last) {
    strcpy(first, "-");
    strcpy(last, "-");
    if (t->has_time) {
        gmo_format_time(t->first, 0, first);
        gmo_format_time(t->last, 0, last);
    }
}

static int by_level_then_count(const void *a, const void *b) {
    const tally *x = a, *y = b;
    if (x->level != y->level)
        return x->level > y->level ? -1 : 1;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return x->rule < y->rule ? -1 : x->rule > y->rule;
}

int gmo_timeline_summary(const gmo_timeline *tl, FILE *out, gmo_rule_info_fn info, void *user) {
    size_t rules = 0;
    for (size_t i = 0; i < tl->count; i++)
        if (tl->items[i].rule + 1u > rules)
            rules = tl->items[i].rule + 1u;
    tally *per_rule = calloc(rules ? rules : 1, sizeof *per_rule);
    if (!per_rule)
        return -1;
    tally levels[GANTRY_LEVEL_CRITICAL + 1] = {{0}};
    tally all = {0};
    for (size_t i = 0; i < tl->count; i++) {
        const held *h = &tl->items[i];
        count_in(&per_rule[h->rule], h);
        per_rule[h->rule].rule = h->rule;
        per_rule[h->rule].level = h->level;
        if (h->level <= GANTRY_LEVEL_CRITICAL)
            count_in(&levels[h->level], h);
        count_in(&all, h);
    }
    char first[32], last[32];
    when(&all, first, last);
    fprintf(out, "\nResults summary: %llu matches, first %s, last %s\n\n",
            (unsigned long long)all.count, first, last);
    fprintf(out, "%-13s %10s  %-20s  %s\n", "level", "matches", "first seen", "last seen");
    for (int l = GANTRY_LEVEL_CRITICAL; l >= GANTRY_LEVEL_INFORMATIONAL; l--) {
        when(&levels[l], first, last);
        fprintf(out, "%-13s %10llu  %-20s  %s\n", gantry_level_name((gantry_level)l),
                (unsigned long long)levels[l].count, first, last);
    }
    size_t n = 0;
    for (size_t r = 0; r < rules; r++)
        if (per_rule[r].count)
            per_rule[n++] = per_rule[r];
    qsort(per_rule, n, sizeof *per_rule, by_level_then_count);
    fprintf(out, "\n%-13s %10s  %-20s  %-20s  %s\n", "level", "matches", "first seen", "last seen",
            "rule");
    gmo_buffer title = {0};
    for (size_t k = 0; k < n; k++) {
        gantry_rule_info ri;
        if (info(user, per_rule[k].rule, &ri) != 0)
            continue;
        when(&per_rule[k], first, last);
        title.len = 0;
        if (gmo_escape(&title, ri.title, strlen(ri.title), SIZE_MAX, NULL) != 0)
            break;
        fprintf(out, "%-13s %10llu  %-20s  %-20s  %s%s%s%s\n", gantry_level_name(ri.level),
                (unsigned long long)per_rule[k].count, first, last, title.data ? title.data : "",
                ri.id && *ri.id ? " [" : "", ri.id && *ri.id ? ri.id : "",
                ri.id && *ri.id ? "]" : "");
    }
    free(title.data);
    free(per_rule);
    return 0;
}
