/* SPDX-License-Identifier: Apache-2.0 */
/* `gantry test`: rule tests over the corpus.
 *
 * Each rule NAME has example files under the corpus directory named
 * NAME.pos.EXT (every event must fire the rule) and NAME.neg.EXT (no event
 * may). Files under a `benign/` directory must fire nothing at level medium
 * or above. Every line goes through the normalizer exactly as `gantry match`
 * sees it. When an event goes the wrong way, the report says which leaves
 * of the rule's condition held on it (test_explain.c).
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
#include "gantry_cjson.h"
#include "input.h"
#include "gantry_limits.h"
#include "rule_options.h"
#include "test_explain.h"

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
            trace_add(run, item->first_line, run->rules[i].name, gantry_event_cjson(item->event));
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
    print_event(gantry_event_cjson(item->event));
    gtest_explain(run->paths, run->path_count, run->comp, rule->name,
                  gantry_event_cjson(item->event));
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
            print_event(gantry_event_cjson(item->event));
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
            if (gantry_match_event(run->matcher, item.event, collect_hit, run) != GANTRY_OK) {
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

enum { OPT_CORPUS = GCLI_OPT_FIRST_FREE, OPT_GOLDEN };

static const gopt test_rows[] = {
    {OPT_CORPUS, "corpus", "DIR", "where the cases are (default: corpus)"},
    {OPT_GOLDEN, "golden", NULL, "print every match over the corpus instead (the golden\nfile)"},
    GCLI_RULE_OPTION_ROWS,
};
const gopt_table gcli_test_options = GOPT_TABLE_INIT(test_rows);

typedef struct test_args {
    gcli_rule_options *opts;
    const char *corpus;
    int golden;
} test_args;

static int on_option(void *ctx, int id, const char *value) {
    test_args *a = ctx;
    if (id == OPT_CORPUS)
        a->corpus = value;
    else if (id == OPT_GOLDEN)
        a->golden = 1;
    else if (gcli_rule_option(a->opts, id, value) < 0)
        return gopt_usage_error("test", "%s", a->opts->error);
    return 0;
}

int gcli_cmd_test(int argc, char **argv) {
    gcli_rule_options opts;
    if (gcli_rule_options_init(&opts, argc) != 0)
        return 2;
    test_args args = {&opts, "corpus", 0};
    int first = 1;
    int status = 2;
    if (gopt_parse("test", gcli_test_options, argc, argv, on_option, &args, &first) != 0)
        goto out;
    const char *const *paths = (const char *const *)argv + first;
    size_t path_count = (size_t)(argc - first);
    if (path_count == 0) {
        gopt_usage_error("test", "no rule files given");
        goto out;
    }
    const char *corpus = args.corpus;
    int golden = args.golden;
    if (gcli_rule_inputs_exist("test", &opts, paths, path_count) != 0 ||
        gcli_rule_inputs_exist("test", &opts, &corpus, 1) != 0)
        goto out;
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
    gcli_rule_options_free(&opts);
    return status;
}
