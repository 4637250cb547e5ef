/* SPDX-License-Identifier: Apache-2.0 */
/* Logsource semantics over real rules and events (issue 16): SigmaHQ's
 * rules/ compiled into one pack, matched over the shipped corpus and
 * ../shared/corpus-real, fire no rule whose logsource does not fit the
 * event's source. The fit is checked here against the table of sources
 * (base/sources.h) independently of runtime/index/logsource.c. Skipped when
 * ../shared is absent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "compiler.h"
#include "gantry.h"
#include "gantry_cjson.h"
#include "sources.h"
#include "support/file_list.h"

#define SIGMA_RULES "../shared/sigma/full/rules"
#define CORPUS_REAL "../shared/corpus-real"

typedef struct source_row {
    const char *name;
    const char *products[GRT_LS_MAX + 1], *services[GRT_LS_MAX + 1], *categories[GRT_LS_MAX + 1],
        *event_categories[GRT_EVENT_CAT_MAX + 1];
} source_row;

#define ROW(id, name, p, s, c, e, raw)                                                             \
    {name, GRT_LS_INIT(p), GRT_LS_INIT(s), GRT_LS_INIT(c), GRT_LS_INIT(e)},
static const source_row rows[] = {GRT_SOURCES(ROW)};

static gantry_pack *pack;

static int group_setup(void **state) {
    (void)state;
    struct stat st;
    if (stat(SIGMA_RULES, &st) != 0)
        return 0;
    gdiag_sink *diag = gdiag_new(NULL, 0, 0);
    const char *paths[] = {SIGMA_RULES};
    gast_unit *unit = gcomp_parse_paths(paths, 1, diag, NULL);
    unsigned char *image = NULL;
    size_t len = 0;
    if (!unit || gdiag_error_count(diag) ||
        gcomp_compile_unit(unit, diag, NULL, &image, &len, NULL) != 0) {
        fprintf(stderr, "SigmaHQ rules/ do not compile:\n%s", gdiag_text(diag));
        return -1;
    }
    gast_unit_free(unit);
    gdiag_free(diag);
    int rc = gantry_pack_load_buffer(image, len, &pack, NULL, 0) == GANTRY_OK ? 0 : -1;
    free(image);
    return rc;
}

static int group_teardown(void **state) {
    (void)state;
    gantry_pack_free(pack);
    return 0;
}

static int in(const char *v, const char *const *list) {
    for (; *list; list++)
        if (strcasecmp(v, *list) == 0)
            return 1;
    return 0;
}

/* Does a rule of this logsource fit an event of this module and category? */
static int fits(const gantry_rule_info *r, const char *module, const char *category) {
    const source_row *row = NULL;
    for (size_t i = 0; module && i < sizeof rows / sizeof rows[0]; i++)
        if (strcmp(rows[i].name, module) == 0)
            row = &rows[i];
    if (!row)
        return !*r->logsource_product && !*r->logsource_service && !*r->logsource_category;
    int ev_cat = category && in(category, row->event_categories);
    return (!*r->logsource_product || in(r->logsource_product, row->products)) &&
           (!*r->logsource_service || in(r->logsource_service, row->services)) &&
           (!*r->logsource_category || in(r->logsource_category, row->categories) ||
            (ev_cat && strcasecmp(r->logsource_category, category) == 0));
}

typedef struct tally {
    const cJSON *event;
    const char *where;
    size_t matches, misfits;
    const char *fired_title; /* a title to look for */
    int fired;
    int given; /* the matcher was given the logsource: no fit to check */
} tally;

static const char *event_str(const cJSON *event, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(event, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int check_match(const gantry_match *m, void *user) {
    tally *t = user;
    t->matches++;
    if (t->fired_title && strcmp(m->rule->title, t->fired_title) == 0)
        t->fired = 1;
    const char *module = event_str(t->event, "event.module");
    const char *category = event_str(t->event, "event.category");
    if (!t->given && !fits(m->rule, module, category)) {
        if (t->misfits++ < 10)
            fprintf(stderr, "%s: \"%s\" (%s/%s/%s) fired on an event of %s/%s\n", t->where,
                    m->rule->title, m->rule->logsource_product, m->rule->logsource_service,
                    m->rule->logsource_category, module ? module : "-", category ? category : "-");
    }
    return 0;
}

static void match_lines(gantry_matcher *matcher, const char *where, const char *text, tally *t) {
    gantry_normalizer *norm = NULL;
    assert_int_equal(gantry_normalizer_new(pack, GANTRY_FORMAT_AUTO, &norm), GANTRY_OK);
    t->where = where;
    uint64_t line_no = 0;
    gantry_item item;
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, "\n");
        gantry_normalizer_feed(norm, p, n, ++line_no);
        p += n + (p[n] == '\n');
        while (gantry_normalizer_next(norm, &item))
            if (item.kind == GANTRY_ITEM_EVENT) {
                t->event = gantry_event_cjson(item.event);
                gantry_match_event(matcher, item.event, check_match, t);
            }
    }
    gantry_normalizer_finish(norm);
    while (gantry_normalizer_next(norm, &item))
        if (item.kind == GANTRY_ITEM_EVENT) {
            t->event = gantry_event_cjson(item.event);
            gantry_match_event(matcher, item.event, check_match, t);
        }
    gantry_normalizer_free(norm);
}

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)size + 1);
    assert_non_null(buf);
    size_t got = fread(buf, 1, (size_t)size, f);
    buf[got] = 0;
    fclose(f);
    return buf;
}

static void test_corpus_fits(void **state) {
    (void)state;
    if (!pack) {
        printf("SKIP: %s not found (run from the repository root with ../shared present)\n",
               SIGMA_RULES);
        skip();
        return;
    }
    gantry_matcher *m = NULL;
    assert_int_equal(gantry_matcher_new(pack, &m), GANTRY_OK);
    tsup_files files = {0};
    tsup_collect(&files, "corpus", NULL);
    tsup_collect(&files, CORPUS_REAL, NULL);
    tsup_sort(&files);
    tally t = {0};
    size_t read = 0;
    for (size_t i = 0; i < files.count; i++) {
        if (strstr(files.items[i], "README"))
            continue;
        char *text = slurp(files.items[i]);
        if (!text)
            continue;
        read++;
        match_lines(m, files.items[i], text, &t);
        free(text);
    }
    printf("%zu files, %zu matches, %zu by a rule whose logsource does not fit\n", read, t.matches,
           t.misfits);
    assert_true(read > 0);
    assert_int_equal(t.misfits, 0);
    tsup_files_free(&files);
    gantry_matcher_free(m);
}

/* The cases of the issue, one event each: a rule fires where its logsource
 * fits, and not elsewhere. */
static void test_named_rules(void **state) {
    (void)state;
    if (!pack) {
        skip();
        return;
    }
    static const struct {
        const char *title, *line;
        int fires;
    } cases[] = {
        {"Publicly Accessible RDP Service", "{\"kind\": 0}", 0},
        {"Linux Reverse Shell Indicator",
         "{\"rule\":\"r\",\"priority\":\"Notice\",\"output\":\"o\",\"output_fields\":{"
         "\"evt.type\":\"execve\",\"proc.exepath\":\"/bin/bash\",\"proc.name\":\"bash\"}}",
         0},
        {"Linux Reverse Shell Indicator",
         "{\"rule\":\"r\",\"priority\":\"Notice\",\"output\":\"o\",\"output_fields\":{"
         "\"evt.type\":\"connect\",\"fd.type\":\"ipv4\",\"fd.sip\":\"203.0.113.9\","
         "\"proc.exepath\":\"/bin/bash\",\"proc.name\":\"bash\"}}",
         1},
    };
    gantry_matcher *m = NULL;
    assert_int_equal(gantry_matcher_new(pack, &m), GANTRY_OK);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tally t = {.fired_title = cases[i].title};
        match_lines(m, "case", cases[i].line, &t);
        if (t.fired != cases[i].fires)
            fail_msg("\"%s\" %s on %s", cases[i].title, t.fired ? "fired" : "did not fire",
                     cases[i].line);
        assert_int_equal(t.misfits, 0);
    }
    /* the Zeek rule runs where the user says the events are Zeek's */
    assert_int_equal(gantry_matcher_set_logsource(m, "zeek", "rdp", NULL), GANTRY_OK);
    tally t = {.fired_title = "Publicly Accessible RDP Service", .given = 1};
    match_lines(m, "case", "{\"kind\": 0}", &t);
    assert_true(t.fired);
    gantry_matcher_free(m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus_fits),
        cmocka_unit_test(test_named_rules),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
