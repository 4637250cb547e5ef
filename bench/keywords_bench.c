/* SPDX-License-Identifier: Apache-2.0 */
/* Keyword literals: gantry's automaton against vectorscan (issue 19).
 *
 * Keyword selections (values without a field) are indexed by one automaton
 * per index class over every string of the event (runtime/index/prefilter.c).
 * This program takes the events of the input files, normalized as gantry
 * match normalizes them, and the string values the matcher would scan
 * (grt_keyword_values), and times, over exactly those strings and the same
 * literals (the class's keyword substring literals: lower-cased, cut to 16
 * bytes):
 *   automaton        gantry's automaton over each string (gpf_keyword_scan),
 *                    the DFA, or when too large for one, the node search
 *                    over a lower-cased copy (the copy is timed)
 *   hs per string    vectorscan block mode (hs_compile_lit_multi, caseless,
 *                    single match), one hs_scan per string
 *   hs joined        one hs_scan per event over its strings copied into one
 *                    buffer with a NUL between them (the copy is timed)
 * and checks that all three find the same set of literals in every event.
 * Only the literal search is timed: extraction is the same for all three.
 *
 * usage: keywords_bench [-r RUNS] [-a] PACK FILE...
 *   -a  scan every event with the keyword literals of every rule (logsource
 *       class "any", as gantry match --logsource-any gives events of no
 *       known source): the largest literal set, on any events
 * Prints the rates and "literal sets: identical in N of N events"; exits 1
 * when a set differs, 2 on bad usage or input. */
#include <cJSON.h>
#include <hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fields.h"
#include "gantry.h"
#include "gantry_cjson.h"
#include "logsource.h"
#include "pack.h"
#include "prefilter.h"
#include "strmatch.h"

/* One event: its logsource class and its strings, stored back to back in
 * `text` with a NUL after each (so the joined buffer is also there). */
typedef struct ev {
    unsigned cls;
    size_t first, count; /* into offs/lens */
} ev;

/* Per logsource class: the automaton and the vectorscan database of its
 * keyword literals (have == 0: the class has none, nothing to scan). */
typedef struct kwclass {
    int tried, have;
    gpf_keywords k;
    uint32_t nlits;
    hs_database_t *db;
    hs_scratch_t *scratch;
} kwclass;

static struct {
    int all_rules;    /* -a */
    double compile_s; /* vectorscan databases and scratch, all classes */
    char *text;
    size_t text_len, text_cap;
    size_t *offs, *lens;
    size_t nstr, str_cap;
    ev *evs;
    size_t nev, ev_cap;
    kwclass cls[GLS_MAX_CLASSES];
    /* literal sets: per literal id the event generation that saw it */
    uint32_t *seen;
    uint32_t nseen, gen;
    uint32_t *found;
    size_t nfound;
} B;

static void *grow(void *p, size_t *cap, size_t need, size_t size) {
    if (need <= *cap)
        return p;
    size_t c = *cap ? *cap : 1024;
    while (c < need)
        c *= 2;
    void *q = realloc(p, c * size);
    if (!q) {
        fprintf(stderr, "keywords_bench: out of memory\n");
        exit(2);
    }
    *cap = c;
    return q;
}

static void add_string(const char *s, size_t n) {
    B.text = grow(B.text, &B.text_cap, B.text_len + n + 1, 1);
    size_t cap = B.str_cap;
    B.offs = grow(B.offs, &B.str_cap, B.nstr + 1, sizeof *B.offs);
    if (B.str_cap != cap) {
        B.lens = realloc(B.lens, B.str_cap * sizeof *B.lens);
        if (!B.lens)
            exit(2);
    }
    memcpy(B.text + B.text_len, s, n);
    B.offs[B.nstr] = B.text_len;
    B.lens[B.nstr++] = n;
    B.text_len += n;
    B.text[B.text_len++] = '\0';
}

/* The strings the matcher's keyword index scans in this event. */
static void add_event(gantry_matcher *m, const cJSON *tree) {
    const gantry_pack *pk = m->pack;
    B.evs = grow(B.evs, &B.ev_cap, B.nev + 1, sizeof *B.evs);
    ev *e = &B.evs[B.nev++];
    e->cls = pk->dispatch && !B.all_rules ? gls_event_class(tree) : GLS_CLASS_ANY;
    e->first = B.nstr;
    /* a new event for the matcher's memo, as grt_match_event starts one */
    m->gen++;
    m->nvals = 0;
    m->text_len = 0;
    m->event = tree;
    grt_slice vals = grt_keyword_values(m);
    for (uint32_t i = 0; i < vals.count; i++) {
        const grt_value *v = &m->vals[vals.first + i];
        if (v->type == GRT_V_STRING)
            add_string(v->raw, v->len);
    }
    m->event = NULL;
    e->count = B.nstr - e->first;
}

static void read_file(gantry_matcher *m, const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    gantry_normalizer *nz;
    if (gantry_normalizer_new(m->pack, GANTRY_FORMAT_AUTO, &nz) != GANTRY_OK)
        exit(2);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    uint64_t no = 0;
    gantry_item it;
    for (int done = 0; !done;) {
        if ((n = getline(&line, &cap, f)) > 0) {
            while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
                n--;
            gantry_normalizer_feed(nz, line, (size_t)n, ++no);
        } else {
            gantry_normalizer_finish(nz);
            done = 1;
        }
        while (gantry_normalizer_next(nz, &it))
            if (it.kind == GANTRY_ITEM_EVENT)
                add_event(m, gantry_event_cjson(it.event));
    }
    free(line);
    gantry_normalizer_free(nz);
    fclose(f);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct lits {
    const char **text;
    size_t *len;
    unsigned *ids, *flags;
    unsigned n;
    int has_nul;
} lits;

static void collect(uint32_t id, const char *text, size_t len, void *user) {
    lits *l = user;
    l->text[l->n] = text;
    l->len[l->n] = len;
    l->ids[l->n] = id;
    l->flags[l->n++] = HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH;
    if (memchr(text, '\0', len))
        l->has_nul = 1;
    if (id >= B.nseen)
        B.nseen = id + 1;
}

static void count_lit(uint32_t id, const char *text, size_t len, void *user) {
    (void)id, (void)text, (void)len, (void)user;
}

static kwclass *class_for(const gantry_pack *pk, unsigned c) {
    kwclass *k = &B.cls[c];
    if (k->tried)
        return k->have ? k : NULL;
    k->tried = 1;
    if (gpf_keywords_get(pk, c, &k->k) != 0)
        return NULL;
    uint32_t n = gpf_keyword_literals(&k->k, count_lit, NULL);
    lits l = {malloc(n * sizeof *l.text),
              malloc(n * sizeof *l.len),
              malloc(n * sizeof *l.ids),
              malloc(n * sizeof *l.flags),
              0,
              0};
    if (!l.text || !l.len || !l.ids || !l.flags)
        exit(2);
    gpf_keyword_literals(&k->k, collect, &l);
    if (l.has_nul) {
        fprintf(stderr, "keywords_bench: a literal holds a NUL, the joined scan would be wrong\n");
        exit(2);
    }
    hs_compile_error_t *err = NULL;
    double t0 = now();
    if (hs_compile_lit_multi(l.text, l.flags, l.ids, l.len, l.n, HS_MODE_BLOCK, NULL, &k->db,
                             &err) != HS_SUCCESS) {
        fprintf(stderr, "keywords_bench: hs_compile_lit_multi: %s\n", err ? err->message : "?");
        exit(2);
    }
    if (hs_alloc_scratch(k->db, &k->scratch) != HS_SUCCESS)
        exit(2);
    B.compile_s += now() - t0;
    k->nlits = l.n;
    k->have = 1;
    free(l.text);
    free(l.len);
    free(l.ids);
    free(l.flags);
    return k;
}

/* Hits of every method land here: the event's set of literal ids. */
static inline void saw(uint32_t id) {
    if (B.seen[id] != B.gen) {
        B.seen[id] = B.gen;
        B.found[B.nfound++] = id;
    }
}

static void ac_hit(void *user, uint32_t id) {
    (void)user;
    saw(id);
}

static int hs_hit(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                  void *user) {
    (void)from, (void)to, (void)flags, (void)user;
    saw(id);
    return 0;
}

enum { M_AC, M_HS_EACH, M_HS_JOINED, M_COUNT };
static const char *const method_name[M_COUNT] = {
    "gantry automaton, per string",
    "vectorscan, hs_scan per string",
    "vectorscan, hs_scan joined with NUL",
};

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Scans event e with method `how`; leaves its sorted literal set in
 * B.found[0 .. B.nfound). */
static void scan_event(const kwclass *k, const ev *e, int how, char **join, size_t *join_cap) {
    B.nfound = 0;
    if (++B.gen == 0) {
        memset(B.seen, 0, B.nseen * sizeof *B.seen);
        B.gen = 1;
    }
    if (how == M_AC) {
        for (size_t i = e->first; i < e->first + e->count; i++) {
            const char *s = B.text + B.offs[i];
            if (k->k.lower) {
                /* the matcher's lower-cased copy (grt_values_prepare) */
                *join = grow(*join, join_cap, B.lens[i] ? B.lens[i] : 1, 1);
                grt_ascii_lower(*join, s, B.lens[i]);
                s = *join;
            }
            gpf_keyword_scan(&k->k, s, B.lens[i], ac_hit, NULL);
        }
    } else if (how == M_HS_EACH) {
        for (size_t i = e->first; i < e->first + e->count; i++)
            hs_scan(k->db, B.text + B.offs[i], (unsigned)B.lens[i], 0, k->scratch, hs_hit, NULL);
    } else {
        /* what a runtime would do over values scattered in a tree: copy them
         * into one buffer, NUL between values so no literal spans two */
        size_t need = 0;
        for (size_t i = e->first; i < e->first + e->count; i++)
            need += B.lens[i] + 1;
        *join = grow(*join, join_cap, need ? need : 1, 1);
        size_t at = 0;
        for (size_t i = e->first; i < e->first + e->count; i++) {
            memcpy(*join + at, B.text + B.offs[i], B.lens[i]);
            at += B.lens[i];
            (*join)[at++] = '\0';
        }
        hs_scan(k->db, *join, (unsigned)at, 0, k->scratch, hs_hit, NULL);
    }
}

int main(int argc, char **argv) {
    int runs = 5, a = 1;
    for (; a < argc && argv[a][0] == '-'; a++) {
        if (strcmp(argv[a], "-r") == 0 && a + 1 < argc)
            runs = atoi(argv[++a]);
        else if (strcmp(argv[a], "-a") == 0)
            B.all_rules = 1;
        else
            break;
    }
    if (argc - a < 2 || runs < 1) {
        fprintf(stderr, "usage: keywords_bench [-r RUNS] [-a] PACK FILE...\n");
        return 2;
    }
    char err[256];
    gantry_pack *pack;
    if (gantry_pack_load_file(argv[a], &pack, err, sizeof err) != GANTRY_OK) {
        fprintf(stderr, "keywords_bench: %s\n", err);
        return 2;
    }
    gantry_matcher *m;
    if (gantry_matcher_new(pack, &m) != GANTRY_OK)
        return 2;
    for (int i = a + 1; i < argc; i++)
        read_file(m, argv[i]);

    /* the classes the events use, and their databases (not timed) */
    size_t scanned = 0, bytes = 0, strings = 0;
    uint32_t nlits = 0;
    for (size_t i = 0; i < B.nev; i++) {
        kwclass *k = class_for(pack, B.evs[i].cls);
        if (!k)
            continue;
        scanned++;
        strings += B.evs[i].count;
        nlits = k->nlits > nlits ? k->nlits : nlits;
        for (size_t s = B.evs[i].first; s < B.evs[i].first + B.evs[i].count; s++)
            bytes += B.lens[s];
    }
    B.seen = calloc(B.nseen ? B.nseen : 1, sizeof *B.seen);
    B.found = malloc((B.nseen ? B.nseen : 1) * sizeof *B.found);
    uint32_t *ref = malloc((B.nseen ? B.nseen : 1) * sizeof *ref);
    if (!B.seen || !B.found || !ref)
        return 2;
    char *join = NULL;
    size_t join_cap = 0;

    /* timing: best of `runs`, methods interleaved so they share the noise */
    double best[M_COUNT];
    unsigned long long hits[M_COUNT] = {0};
    for (int h = 0; h < M_COUNT; h++)
        best[h] = -1;
    for (int r = 0; r < runs; r++)
        for (int h = 0; h < M_COUNT; h++) {
            unsigned long long total = 0;
            double t0 = now();
            for (size_t i = 0; i < B.nev; i++) {
                const kwclass *k = B.cls[B.evs[i].cls].have ? &B.cls[B.evs[i].cls] : NULL;
                if (!k)
                    continue;
                scan_event(k, &B.evs[i], h, &join, &join_cap);
                total += B.nfound;
            }
            double t = now() - t0;
            if (best[h] < 0 || t < best[h])
                best[h] = t;
            hits[h] = total;
        }

    /* the differential: the same literal set from every method, per event */
    size_t same = 0;
    for (size_t i = 0; i < B.nev; i++) {
        const kwclass *k = B.cls[B.evs[i].cls].have ? &B.cls[B.evs[i].cls] : NULL;
        if (!k) {
            same++;
            continue;
        }
        int ok = 1;
        size_t nref = 0;
        for (int h = 0; h < M_COUNT; h++) {
            scan_event(k, &B.evs[i], h, &join, &join_cap);
            qsort(B.found, B.nfound, sizeof *B.found, cmp_u32);
            if (h == M_AC) {
                memcpy(ref, B.found, B.nfound * sizeof *ref);
                nref = B.nfound;
            } else if (B.nfound != nref || memcmp(ref, B.found, nref * sizeof *ref) != 0) {
                if (ok)
                    fprintf(stderr,
                            "keywords_bench: event %zu: %s finds %zu literals, the automaton %zu\n",
                            i + 1, method_name[h], B.nfound, nref);
                ok = 0;
            }
        }
        same += ok;
    }

    int dfa = 1;
    for (unsigned c = 0; c < GLS_MAX_CLASSES; c++)
        if (B.cls[c].have && B.cls[c].k.lower)
            dfa = 0;
    if (scanned == 0) {
        /* the events' logsource classes run no rule with keyword substrings */
        printf("keyword literals: %zu events, none with keyword literals to scan: nothing to "
               "compare\n",
               B.nev);
    } else {
        printf("keyword literals: %zu events, %zu with keyword literals to scan (up to %u "
               "literals a class, automaton %s), %zu strings, %.0f bytes an event\n",
               B.nev, scanned, nlits, dfa ? "a DFA" : "too large for a DFA", strings,
               (double)bytes / (double)scanned);
        printf("  %-38s %12s %9s %10s %12s\n", "method (best of runs)", "events/s", "MB/s",
               "ns/event", "literal hits");
        for (int h = 0; h < M_COUNT; h++)
            printf("  %-38s %12.0f %9.1f %10.0f %12llu\n", method_name[h],
                   (double)scanned / best[h], (double)bytes / best[h] / 1e6,
                   best[h] * 1e9 / (double)scanned, hits[h]);
        printf("  vectorscan / automaton: %.2f per string, %.2f joined (above 1: vectorscan "
               "faster)\n",
               best[M_AC] / best[M_HS_EACH], best[M_AC] / best[M_HS_JOINED]);
        printf("  vectorscan databases: %.1f ms to compile and allocate scratch (load time, if "
               "adopted)\n",
               B.compile_s * 1e3);
    }
    printf("literal sets: identical in %zu of %zu events\n", same, B.nev);

    for (unsigned c = 0; c < GLS_MAX_CLASSES; c++) {
        hs_free_scratch(B.cls[c].scratch);
        hs_free_database(B.cls[c].db);
    }
    free(join);
    free(ref);
    free(B.seen);
    free(B.found);
    free(B.text);
    free(B.offs);
    free(B.lens);
    free(B.evs);
    gantry_matcher_free(m);
    gantry_pack_free(pack);
    return same == B.nev ? 0 : 1;
}
