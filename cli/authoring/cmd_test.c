/* `gantry test`: rule tests over the corpus.
 *
 * Each rule NAME has example files under the corpus directory named
 * NAME.pos.EXT (every event must fire the rule) and NAME.neg.EXT (no event
 * may). Files under a `benign/` directory must fire nothing at level medium
 * or above. Every line goes through the normalizer exactly as `gantry match`
 * sees it. When an event goes the wrong way, each leaf of the rule's
 * condition (selection, macro, inline predicate) is compiled into a one-rule
 * pack of its own and matched against the event, so the report names the
 * leaves that held and those that did not.
 *
 * A correlation NAME has sequence files NAME.pos[.WHAT].EXT (the file, fed
 * in order to a fresh correlation stage, must fire it) and
 * NAME.neg[.WHAT].EXT (must not). Every file gets its own stage, so cases do
 * not leak into each other; benign files may not fire a correlation at
 * medium or above either.
 *
 * `--golden` prints instead every reported match over the whole corpus, one
 * line per (event, rule) or (correlation match, last event), for
 * tests/golden/corpus-matches.txt. Module prefix: gtest_. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "commands.h"
#include "gantry.h"
#include "input.h"
#include "gantry_limits.h"
#include "rule_options.h"

#define GTEST_MAX_EVENT_PRINT 1500

typedef enum gtest_kind { GTEST_OTHER, GTEST_POS, GTEST_NEG, GTEST_BENIGN } gtest_kind;

typedef struct gtest_rule {
    char *name; /* from the syntax tree: the pack itself keeps only ids */
    char *id;
    size_t pos_events, neg_events;
    size_t failures;
} gtest_rule;

typedef struct gtest_corr {
    char *name;
    size_t pos_files, neg_files;
    size_t failures;
} gtest_corr;

typedef struct gtest_run {
    const char *const *paths; /* rule paths, re-parsed to explain failures */
    size_t path_count;
    const gcomp_options *comp;
    gantry_pack *pack;
    gantry_matcher *matcher;
    gtest_rule *rules; /* indexed like the pack's rules */
    size_t rule_count;
    unsigned char *hits; /* per event: 1 when rule i matched */
    gtest_corr *corrs;   /* indexed like the pack's correlations */
    size_t corr_count;
    gantry_correlator *correlator; /* per file; NULL when the pack has none */
    unsigned char *corr_fired;     /* per file: 1 when correlation i fired */
    const char *path;              /* the file being run */
    long case_corr;                /* the correlation the file is a case of, or -1 */
    gtest_kind case_kind;
    char *trace; /* base-rule matches of a sequence file, for failures */
    size_t trace_len, trace_cap;
    int golden;
    size_t benign_events, benign_alerts;
    size_t events, malformed_failures, skipped_files;
    int error;
} gtest_run;

static char *dup_str(const char *s) {
    size_t n = strlen(s ? s : "") + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s ? s : "", n);
    return d;
}

static int collect_hit(const gantry_match *m, void *user) {
    gtest_run *run = user;
    if (m->rule->index < run->rule_count)
        run->hits[m->rule->index] = 1;
    return 0;
}

static const char *base_name(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* NAME.pos.EXT / NAME.neg.EXT; a `benign` directory anywhere in the path. */
static gtest_kind classify(const char *path, char *name, size_t name_size) {
    if (strstr(path, "/benign/") || strncmp(path, "benign/", 7) == 0)
        return GTEST_BENIGN;
    const char *base = base_name(path);
    const char *dot = strchr(base, '.');
    if (!dot || (size_t)(dot - base) >= name_size)
        return GTEST_OTHER;
    gtest_kind kind;
    if (strncmp(dot, ".pos.", 5) == 0)
        kind = GTEST_POS;
    else if (strncmp(dot, ".neg.", 5) == 0)
        kind = GTEST_NEG;
    else
        return GTEST_OTHER;
    memcpy(name, base, (size_t)(dot - base));
    name[dot - base] = '\0';
    return kind;
}

static long find_corr(const gtest_run *run, const char *name) {
    for (size_t i = 0; i < run->corr_count; i++)
        if (strcmp(run->corrs[i].name, name) == 0)
            return (long)i;
    return -1;
}

static long find_rule(const gtest_run *run, const char *name) {
    for (size_t i = 0; i < run->rule_count; i++)
        if (strcmp(run->rules[i].name, name) == 0)
            return (long)i;
    return -1;
}

static void print_event(const cJSON *event) {
    char *text = cJSON_PrintUnformatted(event);
    if (!text) {
        printf("      event: (could not print)\n");
        return;
    }
    size_t len = strlen(text);
    if (len > GTEST_MAX_EVENT_PRINT)
        printf("      event: %.*s ... (%zu bytes)\n", GTEST_MAX_EVENT_PRINT, text, len);
    else
        printf("      event: %s\n", text);
    free(text);
}

/* ---- explaining a failure ------------------------------------------------ */

/* Pre-order walk over the leaves of a condition. Calls visit(leaf, slot,
 * negated, ctx) for each; stops when visit returns non-zero. `slot` is the
 * pointer that holds the leaf, so the caller may detach it. */
typedef int (*gtest_leaf_fn)(gast_cond **slot, int negated, void *ctx);

static int walk_leaves(gast_cond **slot, int negated, gtest_leaf_fn visit, void *ctx) {
    gast_cond *c = *slot;
    if (!c)
        return 0;
    switch (c->kind) {
    case GAST_COND_AND:
    case GAST_COND_OR:
        if (walk_leaves(&c->left, negated, visit, ctx))
            return 1;
        return walk_leaves(&c->right, negated, visit, ctx);
    case GAST_COND_NOT:
        return walk_leaves(&c->left, !negated, visit, ctx);
    default:
        return visit(slot, negated, ctx);
    }
}

typedef struct gtest_leaf_pick {
    size_t want, seen;
    gast_cond **slot;
    int negated;
} gtest_leaf_pick;

static int pick_leaf(gast_cond **slot, int negated, void *ctx) {
    gtest_leaf_pick *p = ctx;
    if (p->seen++ == p->want) {
        p->slot = slot;
        p->negated = negated;
        return 1;
    }
    return 0;
}

static void describe_pred(const gast_pred *p, char *out, size_t size) {
    size_t n = 0;
    n += (size_t)snprintf(out + n, size - n, "%s", p->field ? p->field : "(keywords)");
    for (size_t i = 0; i < p->mod_count && n < size; i++)
        n += (size_t)snprintf(out + n, size - n, "|%s", gast_modifier_name(p->mods[i]));
    if (n >= size)
        return;
    if (p->list_ref) {
        snprintf(out + n, size - n, "%s in %s", p->negated ? " not" : "", p->list_ref);
        return;
    }
    n += (size_t)snprintf(out + n, size - n, ":");
    for (size_t i = 0; i < p->value_count && n < size; i++) {
        const gast_value *v = p->values[i];
        const char *text = v->kind == GAST_STRING || v->kind == GAST_NUMBER ? v->text
                           : v->kind == GAST_BOOL ? (v->boolean ? "true" : "false")
                                                  : "null";
        n += (size_t)snprintf(out + n, size - n, "%s \"%s\"", i ? "," : "", text ? text : "");
    }
}

static void describe_leaf(const gast_rule *rule, const gast_cond *leaf, char *out, size_t size) {
    switch (leaf->kind) {
    case GAST_COND_REF: {
        const char *what = "macro";
        for (size_t i = 0; i < rule->selection_count; i++)
            if (strcmp(rule->selections[i]->name, leaf->name) == 0)
                what = "selection";
        snprintf(out, size, "%s %s", what, leaf->name);
        break;
    }
    case GAST_COND_ONE_OF:
        snprintf(out, size, "1 of %s", leaf->name);
        break;
    case GAST_COND_ALL_OF:
        snprintf(out, size, "all of %s", leaf->name);
        break;
    case GAST_COND_PRED: {
        char pred[512];
        describe_pred(leaf->pred, pred, sizeof pred);
        snprintf(out, size, "predicate %s (line %d)", pred, leaf->loc.line);
        break;
    }
    case GAST_COND_TRUE:
        snprintf(out, size, "true");
        break;
    case GAST_COND_ANY:
        snprintf(out, size, "any %s { ... } (line %d)", leaf->name, leaf->loc.line);
        break;
    default:
        snprintf(out, size, "false");
        break;
    }
}

/* Parse the rule paths again and keep only rule `name`, its condition
 * replaced by leaf number `leaf_no` of the original (SIZE_MAX: keep the
 * whole condition, only count the leaves into *leaf_total). */
static gast_unit *isolate(const gtest_run *run, const char *name, size_t leaf_no,
                          size_t *leaf_total, char *desc, size_t desc_size, int *negated) {
    gdiag_sink *quiet = gdiag_new(NULL, 0, 0);
    if (!quiet)
        return NULL;
    gast_unit *unit = gcomp_parse_paths(run->paths, run->path_count, quiet, run->comp);
    gdiag_free(quiet);
    if (!unit)
        return NULL;
    gast_rule *target = NULL;
    for (size_t i = 0; i < unit->rule_count; i++) {
        if (!target && unit->rules[i]->name && strcmp(unit->rules[i]->name, name) == 0)
            target = unit->rules[i];
        else
            gast_rule_free(unit->rules[i]);
    }
    unit->rule_count = 0;
    if (!target) {
        gast_unit_free(unit);
        return NULL;
    }
    unit->rules[0] = target;
    unit->rule_count = 1;
    gtest_leaf_pick pick = {leaf_no, 0, NULL, 0};
    walk_leaves(&target->condition, 0, pick_leaf, &pick);
    if (leaf_total)
        *leaf_total = pick.seen;
    if (leaf_no == (size_t)-1)
        return unit;
    if (!pick.slot) {
        gast_unit_free(unit);
        return NULL;
    }
    gast_cond *leaf = *pick.slot;
    gast_cond *stand_in = gast_cond_new(GAST_COND_TRUE, leaf->loc);
    if (!stand_in) {
        gast_unit_free(unit);
        return NULL;
    }
    *pick.slot = stand_in;
    gast_cond_free(target->condition);
    target->condition = leaf;
    describe_leaf(target, leaf, desc, desc_size);
    *negated = pick.negated;
    return unit;
}

/* 1 / 0: the leaf holds on the event or not; -1: could not tell. */
static int leaf_holds(const gtest_run *run, gast_unit *unit, const cJSON *event) {
    gdiag_sink *quiet = gdiag_new(NULL, 0, 0);
    if (!quiet)
        return -1;
    unsigned char *image = NULL;
    size_t len = 0;
    int rc = gcomp_compile_unit(unit, quiet, run->comp, &image, &len, NULL);
    gdiag_free(quiet);
    if (rc != 0)
        return -1;
    gantry_pack *pack = NULL;
    gantry_matcher *matcher = NULL;
    int result = -1;
    if (gantry_pack_load_buffer(image, len, &pack, NULL, 0) == GANTRY_OK &&
        gantry_matcher_new(pack, &matcher) == GANTRY_OK) {
        unsigned char hit = 0;
        gtest_run one = {0};
        one.rule_count = 1;
        one.hits = &hit;
        if (gantry_match_cjson(matcher, event, collect_hit, &one) == GANTRY_OK)
            result = hit;
    }
    gantry_matcher_free(matcher);
    gantry_pack_free(pack);
    free(image);
    return result;
}

static void explain(const gtest_run *run, const char *name, const cJSON *event) {
    size_t total = 0;
    gast_unit *whole = isolate(run, name, (size_t)-1, &total, NULL, 0, NULL);
    int readable = whole != NULL;
    gast_unit_free(whole);
    if (!readable || total == 0) {
        printf("      why: (the rule's condition could not be re-read)\n");
        return;
    }
    printf("      condition leaves on this event:\n");
    for (size_t k = 0; k < total; k++) {
        char desc[640] = "";
        int negated = 0;
        gast_unit *unit = isolate(run, name, k, NULL, desc, sizeof desc, &negated);
        if (!unit) {
            printf("        ?      leaf %zu could not be isolated\n", k + 1);
            continue;
        }
        int holds = leaf_holds(run, unit, event);
        gast_unit_free(unit);
        printf("        %-6s %s%s\n",
               holds < 0 ? "?"
               : holds   ? "true"
                         : "false",
               desc, negated ? "  (negated by the condition)" : "");
    }
}

/* ---- correlations ---------------------------------------------------------- */

static void print_corr_match(const gantry_corr_match *m) {
    printf("      %s fired, value %g, group", m->correlation->name, m->value);
    for (size_t g = 0; g < m->group_count; g++)
        printf(" %s=%s", m->group_fields[g], m->group_values[g]);
    printf(", events");
    for (size_t e = 0; e < m->event_count; e++)
        printf(" %s:%llu", m->events[e].file, (unsigned long long)m->events[e].line);
    printf("\n");
}

static void on_corr_match(const gantry_corr_match *m, void *user) {
    gtest_run *run = user;
    uint32_t index = m->correlation->index;
    if (index >= run->corr_count)
        return;
    run->corr_fired[index] = 1;
    if (!run->golden && run->case_kind == GTEST_NEG && (long)index == run->case_corr)
        print_corr_match(m);
    uint64_t line = m->event_count ? m->events[m->event_count - 1].line : 0;
    if (run->golden) {
        printf("%s:%llu %s %s %s\n", run->path, (unsigned long long)line,
               m->correlation->id ? m->correlation->id : "-",
               gantry_level_name(m->correlation->level), run->corrs[index].name);
        return;
    }
    if (strstr(run->path, "/benign/") || strncmp(run->path, "benign/", 7) == 0) {
        if (m->correlation->level >= GANTRY_LEVEL_MEDIUM) {
            run->benign_alerts++;
            printf("FAIL  benign: %s fires correlation %s (level %s)\n", run->path,
                   run->corrs[index].name, gantry_level_name(m->correlation->level));
            print_corr_match(m);
        }
    }
}

/* A fresh stage per file: each sequence file is a case of its own. */
static int corr_begin(gtest_run *run) {
    if (!run->corr_count)
        return 0;
    memset(run->corr_fired, 0, run->corr_count);
    return gantry_correlator_new(run->pack, NULL, &run->correlator) == GANTRY_OK ? 0 : -1;
}

static void trace_add(gtest_run *run, uint64_t line, const char *rule, const cJSON *event) {
    const cJSON *ts = cJSON_GetObjectItemCaseSensitive(event, "@timestamp");
    char entry[512];
    int n = snprintf(entry, sizeof entry, "        line %llu %s  %s\n", (unsigned long long)line,
                     cJSON_IsString(ts) ? ts->valuestring : "(no @timestamp)", rule);
    if (n < 0)
        return;
    size_t len = (size_t)n < sizeof entry ? (size_t)n : sizeof entry - 1;
    if (run->trace_len + len + 1 > run->trace_cap) {
        size_t cap = (run->trace_cap ? run->trace_cap * 2 : 1024) + len;
        char *grown = realloc(run->trace, cap);
        if (!grown)
            return;
        run->trace = grown;
        run->trace_cap = cap;
    }
    memcpy(run->trace + run->trace_len, entry, len);
    run->trace_len += len;
    run->trace[run->trace_len] = '\0';
}

static void corr_feed(gtest_run *run, const gantry_item *item) {
    if (!run->correlator)
        return;
    for (size_t i = 0; i < run->rule_count; i++) {
        if (!run->hits[i])
            continue;
        if (run->case_corr >= 0 && !run->golden)
            trace_add(run, item->first_line, run->rules[i].name, item->event);
        gantry_correlator_feed(run->correlator, (uint32_t)i, item->event, GANTRY_TIME_FROM_EVENT,
                               run->path, item->first_line, on_corr_match, run);
    }
}

static void corr_end(gtest_run *run, gtest_kind kind, long corr_index) {
    if (!run->correlator)
        return;
    gantry_correlator_flush(run->correlator, on_corr_match, run);
    gantry_correlator_free(run->correlator);
    run->correlator = NULL;
    if (corr_index < 0 || run->golden)
        return;
    gtest_corr *corr = &run->corrs[corr_index];
    int fired = run->corr_fired[corr_index];
    if (kind == GTEST_POS) {
        corr->pos_files++;
        if (!fired) {
            corr->failures++;
            printf("FAIL  correlation %s: %s: expected it to fire, it did not\n", corr->name,
                   run->path);
            printf("      base-rule matches:\n%s", run->trace ? run->trace : "        (none)\n");
        }
    } else if (kind == GTEST_NEG) {
        corr->neg_files++;
        if (fired) {
            corr->failures++;
            printf("FAIL  correlation %s: %s: the near miss fired it\n", corr->name, run->path);
        }
    }
}

/* ---- running the corpus ------------------------------------------------- */

static void fail_event(gtest_run *run, gtest_rule *rule, const char *path, const gantry_item *item,
                       const char *what) {
    rule->failures++;
    printf("FAIL  %s: %s:%llu", rule->name, path, (unsigned long long)item->first_line);
    if (item->last_line > item->first_line)
        printf("-%llu", (unsigned long long)item->last_line);
    printf(": %s\n", what);
    print_event(item->event);
    explain(run, rule->name, item->event);
}

static void check_event(gtest_run *run, const char *path, gtest_kind kind, long rule_index,
                        const gantry_item *item) {
    if (run->golden) {
        for (size_t i = 0; i < run->rule_count; i++) {
            if (!run->hits[i] || !gantry_pack_rule_reported(run->pack, i))
                continue;
            gantry_rule_info info;
            if (gantry_pack_rule_info(run->pack, i, &info) != GANTRY_OK)
                continue;
            printf("%s:%llu %s %s %s\n", path, (unsigned long long)item->first_line,
                   run->rules[i].id, gantry_level_name(info.level), run->rules[i].name);
        }
        return;
    }
    if (kind == GTEST_BENIGN) {
        run->benign_events++;
        for (size_t i = 0; i < run->rule_count; i++) {
            gantry_rule_info info;
            if (!run->hits[i] || !gantry_pack_rule_reported(run->pack, i) ||
                gantry_pack_rule_info(run->pack, i, &info) != GANTRY_OK ||
                info.level < GANTRY_LEVEL_MEDIUM)
                continue;
            run->benign_alerts++;
            printf("FAIL  benign: %s:%llu fires %s (level %s)\n", path,
                   (unsigned long long)item->first_line, run->rules[i].name,
                   gantry_level_name(info.level));
            print_event(item->event);
        }
        return;
    }
    if (rule_index < 0)
        return;
    gtest_rule *rule = &run->rules[rule_index];
    int fired = run->hits[rule_index];
    if (kind == GTEST_POS) {
        rule->pos_events++;
        if (!fired)
            fail_event(run, rule, path, item, "expected a match, got none");
    } else if (kind == GTEST_NEG) {
        rule->neg_events++;
        if (fired)
            fail_event(run, rule, path, item, "near miss matched");
    }
}

static void run_file(gtest_run *run, const char *path) {
    char name[256];
    gtest_kind kind = classify(path, name, sizeof name);
    long rule_index = -1, corr_index = -1;
    if (kind == GTEST_POS || kind == GTEST_NEG) {
        rule_index = find_rule(run, name);
        if (rule_index < 0)
            corr_index = find_corr(run, name);
        if (rule_index < 0 && corr_index < 0 && !run->golden) {
            run->skipped_files++;
            return;
        }
    }
    if (kind == GTEST_OTHER && !run->golden)
        return;
    run->path = path;
    run->case_corr = corr_index;
    run->case_kind = kind;
    run->trace_len = 0;
    if (run->trace)
        run->trace[0] = '\0';
    const char *err = NULL;
    gin_reader *in = gin_open(path, GANTRY_DEFAULT_MAX_LINE_BYTES, &err);
    if (!in) {
        fprintf(stderr, "gantry test: %s: %s\n", path, err ? err : "cannot open");
        run->error = 1;
        return;
    }
    gantry_normalizer *norm = NULL;
    if (gantry_normalizer_new(run->pack, GANTRY_FORMAT_AUTO, &norm) != GANTRY_OK ||
        corr_begin(run) != 0) {
        gantry_normalizer_free(norm);
        gin_close(in);
        run->error = 1;
        return;
    }
    uint64_t line_no = 0;
    int done = 0;
    while (!done) {
        const char *line;
        size_t len;
        gin_result r = gin_next(in, &line, &len);
        if (r == GIN_LINE || r == GIN_TOO_LONG) {
            line_no++;
            if (r == GIN_LINE)
                gantry_normalizer_feed(norm, line, len, line_no);
        } else {
            if (r == GIN_ERROR) {
                fprintf(stderr, "gantry test: %s: %s\n", path, gin_error(in));
                run->error = 1;
            }
            gantry_normalizer_finish(norm);
            done = 1;
        }
        gantry_item item;
        while (gantry_normalizer_next(norm, &item)) {
            if (item.kind == GANTRY_ITEM_BLANK)
                continue;
            if (item.kind == GANTRY_ITEM_MALFORMED) {
                if (kind != GTEST_OTHER && !run->golden) {
                    run->malformed_failures++;
                    printf("FAIL  %s:%llu: not an event: %s\n", path,
                           (unsigned long long)item.first_line,
                           item.reason ? item.reason : "malformed");
                }
                continue;
            }
            run->events++;
            memset(run->hits, 0, run->rule_count);
            if (gantry_match_cjson(run->matcher, item.event, collect_hit, run) != GANTRY_OK) {
                printf("FAIL  %s:%llu: the matcher refused the event\n", path,
                       (unsigned long long)item.first_line);
                run->malformed_failures++;
                continue;
            }
            check_event(run, path, kind, rule_index, &item);
            corr_feed(run, &item);
        }
    }
    corr_end(run, kind, corr_index);
    gantry_normalizer_free(norm);
    gin_close(in);
}

/* ---- setup and report --------------------------------------------------- */

static int load_rules(gtest_run *run, const gcli_rule_options *opts) {
    gdiag_sink *diag = gdiag_new(stderr, opts->json_diagnostics, 0);
    if (!diag)
        return -1;
    gast_unit *unit = gcomp_parse_paths(run->paths, run->path_count, diag, &opts->comp);
    int rc = -1;
    unsigned char *image = NULL;
    size_t len = 0;
    char **names = NULL, **ids = NULL;
    size_t count = unit ? unit->rule_count : 0;
    if (unit && gdiag_error_count(diag) == 0) {
        names = calloc(count + 1, sizeof *names);
        ids = calloc(count + 1, sizeof *ids);
        for (size_t i = 0; names && ids && i < count; i++) {
            names[i] = dup_str(unit->rules[i]->name);
            ids[i] = dup_str(unit->rules[i]->id);
        }
        if (names && ids)
            rc = gcomp_compile_unit(unit, diag, &opts->comp, &image, &len, NULL);
    }
    gast_unit_free(unit);
    gdiag_free(diag);
    char err[256] = "";
    if (rc == 0 && gantry_pack_load_buffer(image, len, &run->pack, err, sizeof err) != GANTRY_OK) {
        fprintf(stderr, "gantry test: the compiled pack does not load: %s\n", err);
        rc = -1;
    }
    free(image);
    if (rc == 0 && gantry_matcher_new(run->pack, &run->matcher) != GANTRY_OK)
        rc = -1;
    if (rc == 0) {
        run->rule_count = gantry_pack_rule_count(run->pack);
        run->rules = calloc(run->rule_count + 1, sizeof *run->rules);
        run->hits = calloc(run->rule_count + 1, 1);
        if (!run->rules || !run->hits)
            rc = -1;
    }
    for (size_t i = 0; rc == 0 && i < run->rule_count; i++) {
        gantry_rule_info info;
        if (gantry_pack_rule_info(run->pack, i, &info) != GANTRY_OK) {
            rc = -1;
            break;
        }
        const char *name = NULL;
        for (size_t j = 0; j < count; j++)
            if (ids[j] && info.id && strcmp(ids[j], info.id) == 0)
                name = names[j];
        run->rules[i].id = dup_str(info.id);
        run->rules[i].name = dup_str(name ? name : info.id);
    }
    if (rc == 0) {
        run->corr_count = gantry_pack_correlation_count(run->pack);
        run->corrs = calloc(run->corr_count + 1, sizeof *run->corrs);
        run->corr_fired = calloc(run->corr_count + 1, 1);
        if (!run->corrs || !run->corr_fired)
            rc = -1;
    }
    for (size_t i = 0; rc == 0 && i < run->corr_count; i++) {
        gantry_correlation_info info;
        if (gantry_pack_correlation_info(run->pack, i, &info) != GANTRY_OK ||
            !(run->corrs[i].name = dup_str(info.name ? info.name : info.id))) {
            rc = -1;
            break;
        }
    }
    for (size_t i = 0; names && ids && i < count; i++) {
        free(names[i]);
        free(ids[i]);
    }
    free(names);
    free(ids);
    return rc;
}

static int report(const gtest_run *run) {
    size_t passed = 0, failed = 0;
    for (size_t i = 0; i < run->rule_count; i++) {
        const gtest_rule *r = &run->rules[i];
        const char *problem = r->failures      ? "wrong results"
                              : !r->pos_events ? "no positive cases"
                              : !r->neg_events ? "no negative cases"
                                               : NULL;
        if (problem) {
            failed++;
            printf("FAIL  %-40s pos %3zu  neg %3zu  (%s)\n", r->name, r->pos_events, r->neg_events,
                   problem);
        } else {
            passed++;
            printf("ok    %-40s pos %3zu  neg %3zu\n", r->name, r->pos_events, r->neg_events);
        }
    }
    size_t corr_passed = 0, corr_failed = 0;
    for (size_t i = 0; i < run->corr_count; i++) {
        const gtest_corr *c = &run->corrs[i];
        const char *problem = c->failures     ? "wrong results"
                              : !c->pos_files ? "no positive sequences"
                              : !c->neg_files ? "no negative sequences"
                                              : NULL;
        if (problem) {
            corr_failed++;
            printf("FAIL  %-40s pos %3zu  neg %3zu  sequences (%s)\n", c->name, c->pos_files,
                   c->neg_files, problem);
        } else {
            corr_passed++;
            printf("ok    %-40s pos %3zu  neg %3zu  sequences\n", c->name, c->pos_files,
                   c->neg_files);
        }
    }
    printf("benign: %zu events, %zu alerts at medium or above\n", run->benign_events,
           run->benign_alerts);
    if (run->skipped_files)
        printf("note: %zu case files name rules outside the given paths and were skipped\n",
               run->skipped_files);
    if (run->corr_count)
        printf("correlations: %zu passed, %zu failed\n", corr_passed, corr_failed);
    printf("rules: %zu passed, %zu failed; %zu events\n", passed, failed, run->events);
    return failed == 0 && corr_failed == 0 && run->benign_alerts == 0 &&
                   run->malformed_failures == 0 && !run->error
               ? 0
               : 1;
}

static void usage(void) {
    fprintf(stderr, "usage: gantry test [--corpus DIR] [--golden] [-D NAME=VALUE]... PATH...\n");
}

int gcli_cmd_test(int argc, char **argv) {
    gcli_rule_options opts;
    if (gcli_rule_options_init(&opts, argc) != 0)
        return 2;
    const char **paths = calloc((size_t)argc + 1, sizeof *paths);
    size_t path_count = 0;
    const char *corpus = "corpus";
    int golden = 0, status = 2;
    if (!paths)
        goto out;
    for (int i = 1; i < argc;) {
        int r = gcli_rule_option(&opts, argc, argv, &i);
        if (r < 0) {
            fprintf(stderr, "gantry test: %s\n", opts.error);
            goto out;
        }
        if (r > 0)
            continue;
        if (strcmp(argv[i], "--corpus") == 0 && i + 1 < argc) {
            corpus = argv[i + 1];
            i += 2;
        } else if (strcmp(argv[i], "--golden") == 0) {
            golden = 1;
            i++;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "gantry test: unknown option '%s'\n", argv[i]);
            usage();
            goto out;
        } else {
            paths[path_count++] = argv[i++];
        }
    }
    if (path_count == 0) {
        usage();
        goto out;
    }
    gtest_run run = {0};
    run.paths = paths;
    run.path_count = path_count;
    run.comp = &opts.comp;
    run.golden = golden;
    if (load_rules(&run, &opts) != 0) {
        fprintf(stderr, "gantry test: the rules do not compile\n");
        status = 1;
    } else {
        char **files = NULL;
        const char *bad = NULL;
        long n = gin_expand(&corpus, 1, &files, &bad);
        if (n < 0) {
            fprintf(stderr, "gantry test: cannot read %s\n", bad ? bad : corpus);
            run.error = 1;
        }
        for (long f = 0; f < n; f++)
            run_file(&run, files[f]);
        if (n >= 0)
            gin_free_list(files, n);
        status = golden ? (run.error ? 2 : 0) : report(&run);
    }
    for (size_t i = 0; i < run.rule_count && run.rules; i++) {
        free(run.rules[i].name);
        free(run.rules[i].id);
    }
    free(run.rules);
    free(run.hits);
    for (size_t i = 0; i < run.corr_count && run.corrs; i++)
        free(run.corrs[i].name);
    free(run.corrs);
    free(run.corr_fired);
    free(run.trace);
    gantry_matcher_free(run.matcher);
    gantry_pack_free(run.pack);
out:
    free(paths);
    gcli_rule_options_free(&opts);
    return status;
}
