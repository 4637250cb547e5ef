/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/read against the cJSON path: hand-picked lines for each rule of
 * cJSON's grammar and of path resolution, then every line of corpus/, of
 * ../shared/corpus-real and of bench/gen_events, with the paths those
 * events hold, in both parse modes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../fuzz/reader_ref.h"
#include "compiler.h"
#include "gantry_cjson.h"
#include "support/events.h"
#include "support/lines.h"
#include "support/shared.h"

/* ---- a growing set of paths ---- */
typedef struct pathset {
    char **items;
    uint32_t *lens;
    uint32_t n, cap;
} pathset;

static void ps_add(pathset *s, const char *p, size_t len) {
    for (uint32_t i = 0; i < s->n; i++)
        if (s->lens[i] == len && memcmp(s->items[i], p, len) == 0)
            return;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->items = realloc(s->items, s->cap * sizeof *s->items);
        s->lens = realloc(s->lens, s->cap * sizeof *s->lens);
        assert_non_null(s->items);
        assert_non_null(s->lens);
    }
    s->items[s->n] = malloc(len + 1);
    assert_non_null(s->items[s->n]);
    memcpy(s->items[s->n], p, len);
    s->items[s->n][len] = '\0';
    s->lens[s->n++] = (uint32_t)len;
}

static void ps_free(pathset *s) {
    for (uint32_t i = 0; i < s->n; i++)
        free(s->items[i]);
    free(s->items);
    free(s->lens);
    memset(s, 0, sizeof *s);
}

/* Every key chain of a tree, arrays crossed (bounded: the set is scanned
 * linearly, and a few thousand paths already cover every shape). */
static void ps_collect(pathset *s, const cJSON *node, char *buf, size_t len, unsigned depth) {
    if (depth > 8 || s->n >= 1500)
        return;
    for (const cJSON *c = node->child; c; c = c->next) {
        if (cJSON_IsArray(node)) {
            ps_collect(s, c, buf, len, depth + 1);
            continue;
        }
        if (!c->string)
            continue;
        size_t k = strlen(c->string);
        if (len + k + 2 > 512)
            continue;
        size_t at = len;
        if (len)
            buf[at++] = '.';
        memcpy(buf + at, c->string, k);
        ps_add(s, buf, at + k);
        if (cJSON_IsObject(c) || cJSON_IsArray(c))
            ps_collect(s, c, buf, at + k, depth + 1);
    }
}

static void check_line(rref *x, const char *line, size_t len, grd_mode mode) {
    uint32_t p = 0;
    const char *diff = rref_compare(x, line, len, mode, &p);
    if (diff) {
        print_error("%s (mode %d, path '%s'): %.*s\n", diff, (int)mode,
                    p < x->n ? x->pk.strs[p] : "<keywords>", (int)(len > 300 ? 300 : len), line);
        fail();
    }
}

/* ---- hand-picked lines ---- */

static const char *const unit_paths[] = {
    "a",   "a.b",  "a.b.c", "x",  "n",   "s", "k", "arr.v",
    "arr", "deep", "",      "t.", "d.e", "e", ".", "a..b",
};

static void with_unit_plan(rref *x, int keywords) {
    static uint32_t lens[sizeof unit_paths / sizeof *unit_paths];
    for (size_t i = 0; i < sizeof unit_paths / sizeof *unit_paths; i++)
        lens[i] = (uint32_t)strlen(unit_paths[i]);
    assert_true(rref_init(x, unit_paths, lens, sizeof unit_paths / sizeof *unit_paths, keywords));
}

static uint32_t unit_index(const char *path) {
    for (uint32_t i = 0; i < sizeof unit_paths / sizeof *unit_paths; i++)
        if (strcmp(unit_paths[i], path) == 0)
            return i;
    fail();
    return 0;
}

/* Both modes must agree with cJSON, and the reader's verdict is `accept`. */
static void expect(rref *x, const char *line, size_t len, int accept_line, int accept_cjson) {
    check_line(x, line, len, GRD_MODE_LINE);
    assert_int_equal(grd_read(x->rd, line, len, GRD_MODE_LINE) == GANTRY_OK, accept_line);
    check_line(x, line, len, GRD_MODE_CJSON);
    assert_int_equal(grd_read(x->rd, line, len, GRD_MODE_CJSON) == GANTRY_OK, accept_cjson);
}
#define EXPECT(x, lit, a, b) expect((x), (lit), sizeof(lit) - 1, (a), (b))

static void test_grammar(void **state) {
    (void)state;
    rref x;
    with_unit_plan(&x, 1);
    EXPECT(&x, "{}", 1, 1);
    EXPECT(&x, "  {\"a\":1}  \r\n", 1, 1);
    EXPECT(&x, "{\"a\":1} x", 0, 1);              /* text after the value */
    EXPECT(&x, "{\"a\":1}\v", 0, 1);              /* \v is no trailing blank */
    EXPECT(&x, "{\"a\":1}\0\0", 1, 1);            /* NUL is */
    EXPECT(&x, "[1]", 0, 0);                      /* not an object */
    EXPECT(&x, "\xEF\xBB\xBF{\"a\":1}", 1, 1);    /* a BOM */
    EXPECT(&x, "{\x01\"a\"\x1f:\x7f", 0, 0);      /* 0x7f is no blank */
    EXPECT(&x, "{\x01\"a\"\x1f:\x02true}", 1, 1); /* every byte up to 0x20 is */
    EXPECT(&x, "{\"a\":01}", 1, 1);               /* strtod reads leading zeros */
    EXPECT(&x, "{\"a\":1.}", 1, 1);
    EXPECT(&x, "{\"a\":-.5}", 1, 1);
    EXPECT(&x, "{\"a\":1.e5}", 1, 1);
    EXPECT(&x, "{\"a\":-}", 0, 0);
    EXPECT(&x, "{\"a\":1e}", 0, 0);
    EXPECT(&x, "{\"a\":1e+}", 0, 0);
    EXPECT(&x, "{\"a\":1-2}", 0, 0);
    EXPECT(&x, "{\"a\":+1}", 0, 0);
    EXPECT(&x, "{\"a\":0x10}", 0, 0);
    EXPECT(&x, "{\"a\":1e999}", 1, 1); /* inf */
    EXPECT(&x, "{\"a\":tru}", 0, 0);
    EXPECT(&x, "{\"a\":truex}", 0, 0);
    EXPECT(&x, "{\"a\":[1,]}", 0, 0);
    EXPECT(&x, "{\"a\":1,}", 0, 0);
    EXPECT(&x, "{\"a\" 1}", 0, 0);
    EXPECT(&x, "{\"a\":1", 0, 0);
    EXPECT(&x, "{\"a\":\"x", 0, 0);
    EXPECT(&x, "{\"a\":\"x\\", 0, 0);
    EXPECT(&x, "{\"s\":\"\\q\"}", 0, 0);                /* unknown escape */
    EXPECT(&x, "{\"s\":\"\\uZZZZ!\"}", 1, 1);           /* cJSON reads it as NUL */
    EXPECT(&x, "{\"s\":\"a\\u0000b\"}", 1, 1);          /* cut at the NUL */
    EXPECT(&x, "{\"s\":\"\\uDC00\"}", 0, 0);            /* lone low surrogate */
    EXPECT(&x, "{\"s\":\"\\uD800x\"}", 0, 0);           /* high without low */
    EXPECT(&x, "{\"s\":\"\\uD83D\\uDE00\"}", 1, 1);     /* a pair */
    EXPECT(&x, "{\"s\":\"\\u12\\\"4567\"}", 1, 1);      /* \u swallows \" */
    EXPECT(&x, "{\"s\":\"\\u123\\\\\"}", 1, 1);         /* ...and a \\ */
    EXPECT(&x, "{\"s\":\"\x01\xff\xc0\x80\t\"}", 1, 1); /* raw controls, bad UTF-8 */
    EXPECT(&x, "{\"s\":\"a\0b\"}", 1, 1);               /* raw NUL */
    EXPECT(&x, "{\"k\\u0000z\":\"v\",\"x\":\"\\/\\b\\f\\n\\r\\t\\u00e9\"}", 1, 1);
    EXPECT(&x, "{\"\\u0061\":{\"b\":7}}", 1, 1); /* an escaped key */
    rref_free(&x);
}

/* {"d":[[...[{"e":1}]...]]}: `depth` containers in all */
static void nest(char *buf, size_t depth, size_t *len) {
    size_t n = (size_t)sprintf(buf, "{\"d\":");
    for (size_t i = 2; i < depth; i++)
        buf[n++] = '[';
    n += (size_t)sprintf(buf + n, "{\"e\":1}");
    for (size_t i = 2; i < depth; i++)
        buf[n++] = ']';
    buf[n++] = '}';
    *len = n;
}

static void test_depth(void **state) {
    (void)state;
    rref x;
    with_unit_plan(&x, 0);
    static char buf[4096];
    size_t len;
    nest(buf, GANTRY_DEFAULT_MAX_DEPTH, &len);
    expect(&x, buf, len, 1, 1);
    assert_int_equal(grd_read(x.rd, buf, len, GRD_MODE_LINE), GANTRY_OK);
    assert_int_equal(grd_count(x.rd, unit_index("d.e")), 1); /* arrays crossed */
    nest(buf, GANTRY_DEFAULT_MAX_DEPTH + 1, &len);
    expect(&x, buf, len, 0, 1);
    /* beyond path.c's walk bound the value is not reached */
    nest(buf, 200, &len);
    expect(&x, buf, len, 0, 1);
    assert_int_equal(grd_read(x.rd, buf, len, GRD_MODE_CJSON), GANTRY_OK);
    assert_int_equal(grd_count(x.rd, unit_index("d.e")), 0);
    nest(buf, 1000, &len);
    expect(&x, buf, len, 0, 1);
    nest(buf, 1001, &len);
    expect(&x, buf, len, 0, 0);
    rref_free(&x);
}

static void test_paths(void **state) {
    (void)state;
    rref x;
    with_unit_plan(&x, 1);
    /* the flat key is longer: it wins while it yields values */
    EXPECT(&x, "{\"a\":{\"b\":1},\"a.b\":2}", 1, 1);
    assert_int_equal(grd_read(x.rd, "{\"a\":{\"b\":1},\"a.b\":2}", 21, GRD_MODE_LINE), GANTRY_OK);
    grt_value v;
    assert_int_equal(grd_count(x.rd, unit_index("a.b")), 1);
    assert_int_equal(grd_value(x.rd, unit_index("a.b"), 0, &v), GANTRY_OK);
    assert_true(v.type == GRT_V_NUMBER && v.num == 2);
    EXPECT(&x, "{\"a.b\":{\"z\":1},\"a\":{\"b\":{\"c\":3}}}", 1, 1); /* a.b yields no c */
    EXPECT(&x, "{\"a\":{\"x\":1},\"a\":{\"b\":5}}", 1, 1);           /* second duplicate */
    EXPECT(&x, "{\"a\":{\"b\":1},\"a\":{\"b\":5}}", 1, 1);           /* first duplicate */
    EXPECT(&x, "{\"a\":[{\"b\":1},{\"b\":[2,[3]]},5,{\"b\":{}}]}", 1, 1);
    EXPECT(&x, "{\"arr\":[[{\"v\":1}],{\"v\":null},true],\"t\":{\"\":1}}", 1, 1);
    EXPECT(&x, "{\"t\":4,\"t.\":5,\"d\":{\"e\":[1,2]},\"d.e\":[],\"e\":[[1],{}]}", 1, 1);
    EXPECT(&x, "{\"x\":{\"a\":1},\"a\":{\"b.c\":\"flat\",\"b\":{\"c\":\"nested\"}}}", 1, 1);
    /* an empty key (here cut at a NUL) never matches: path.c compares
     * first bytes */
    EXPECT(&x, "{\"a\":{\"b\":1},\"\0a]b\":2,\"\":{\"\":3},\"a\":{\"\":{\"b\":4}}}", 1, 1);
    EXPECT(&x, "{\".\":5,\"a.\":{\"b\":6},\"a\":{\".b\":7}}", 1, 1);
    assert_int_equal(grd_read(x.rd, "{\"a\":{\"b\":1},\"a.b\":2}", 21, GRD_MODE_LINE), GANTRY_OK);
    assert_int_equal(grd_count(x.rd, unit_index("")), 1); /* the event itself */
    rref_free(&x);
}

static void test_limits(void **state) {
    (void)state;
    rref x;
    with_unit_plan(&x, 1);
    /* more elements than a field may yield, and more candidate keys than
     * path.c tries at one level */
    size_t n = GANTRY_MAX_VALUES_PER_FIELD + 10;
    char *buf = malloc(n * 2 + 64);
    assert_non_null(buf);
    size_t len = (size_t)sprintf(buf, "{\"arr\":[");
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(buf + len, "%s1", i ? "," : "");
    len += (size_t)sprintf(buf + len, "]}");
    expect(&x, buf, len, 1, 1);
    assert_int_equal(grd_read(x.rd, buf, len, GRD_MODE_LINE), GANTRY_OK);
    assert_int_equal(grd_count(x.rd, unit_index("arr")), GANTRY_MAX_VALUES_PER_FIELD);
    assert_true(grd_limited(x.rd, unit_index("arr")));
    len = (size_t)sprintf(buf, "{");
    for (int i = 0; i < 70; i++)
        len += (size_t)sprintf(buf + len, "\"a\":%s,", i == 66 ? "{\"b\":1}" : "{}");
    len += (size_t)sprintf(buf + len, "\"a\":{\"b\":2}}");
    expect(&x, buf, len, 1, 1);
    assert_int_equal(grd_read(x.rd, buf, len, GRD_MODE_LINE), GANTRY_OK);
    assert_int_equal(grd_count(x.rd, unit_index("a.b")), 0);
    free(buf);
    rref_free(&x);
}

/* ---- the corpus ---- */

/* The first-only view of path p (grd_plan_first_only) against gnorm_path()
 * on the tree: NULL when they agree. */
static const char *first_only_same(grd_reader *rd, uint32_t p, const cJSON *node) {
    if (!node)
        return grd_count(rd, p) == 0 ? NULL : "first-only value where gnorm_path has none";
    if (grd_count(rd, p) != 1)
        return "first-only path without its one value";
    grt_value v;
    if (grd_value(rd, p, 0, &v) != GANTRY_OK)
        return "reader out of memory";
    if (cJSON_IsString(node))
        return v.type == GRT_V_STRING && v.len == strlen(node->valuestring) &&
                       memcmp(v.raw, node->valuestring, v.len) == 0
                   ? NULL
                   : "first-only string differs";
    if (cJSON_IsNumber(node))
        return v.type == GRT_V_NUMBER ? NULL : "first-only number differs";
    if (cJSON_IsBool(node))
        return v.type == GRT_V_BOOL && v.boolean == cJSON_IsTrue(node)
                   ? NULL
                   : "first-only boolean differs";
    if (cJSON_IsNull(node))
        return v.type == GRT_V_NULL ? NULL : "first-only null differs";
    return v.type == GRT_V_OTHER ? NULL : "first-only container differs";
}

/* Every path of the lines, and the normalizer's rename sources, as
 * first-only paths: the one value gnorm_path() finds, on each line. */
static void first_only_differential(tsup_lines *l, pathset *ps) {
    size_t nren;
    const gnorm_rename *ren = gnorm_k8s_audit_renames(&nren);
    for (size_t i = 0; i < nren; i++)
        for (size_t k = 0; k < GNORM_RENAME_PATHS && ren[i].paths[k]; k++)
            ps_add(ps, ren[i].paths[k], strlen(ren[i].paths[k]));
    grd_plan *plan = NULL;
    grd_reader *rd = NULL;
    assert_int_equal(grd_plan_new((const char *const *)ps->items, ps->lens, ps->n, 0, &plan),
                     GANTRY_OK);
    for (uint32_t p = 0; p < ps->n; p++)
        grd_plan_first_only(plan, p);
    assert_int_equal(grd_reader_new(plan, &rd), GANTRY_OK);
    size_t found = 0;
    for (size_t i = 0; i < l->count; i++) {
        const char *why;
        cJSON *root = gnorm_parse_json(l->items[i], l->lens[i], &why);
        if (!cJSON_IsObject(root)) {
            cJSON_Delete(root);
            continue;
        }
        assert_int_equal(grd_read(rd, l->items[i], l->lens[i], GRD_MODE_LINE), GANTRY_OK);
        for (uint32_t p = 0; p < ps->n; p++) {
            const cJSON *node = gnorm_path(root, ps->items[p]);
            const char *diff = first_only_same(rd, p, node);
            found += node != NULL;
            if (diff) {
                print_error("%s (path '%s'): %.*s\n", diff, ps->items[p],
                            (int)(l->lens[i] > 300 ? 300 : l->lens[i]), l->items[i]);
                fail();
            }
        }
        cJSON_Delete(root);
    }
    assert_true(found > 0);
    grd_reader_free(rd);
    grd_plan_free(plan);
}

static void differential(tsup_lines *l, const char *what) {
    pathset ps = {0};
    char buf[512];
    size_t nparsed = 0;
    for (size_t i = 0; i < l->count; i++) {
        const char *why;
        cJSON *root = gnorm_parse_json(l->items[i], l->lens[i], &why);
        if (root && cJSON_IsObject(root)) {
            ps_collect(&ps, root, buf, 0, 0);
            nparsed++;
        }
        cJSON_Delete(root);
    }
    size_t nschema;
    const gnorm_field *schema = gnorm_schema_fields(&nschema);
    for (size_t i = 0; i < nschema; i++)
        ps_add(&ps, schema[i].name, strlen(schema[i].name));
    rref x;
    assert_true(rref_init(&x, (const char *const *)ps.items, ps.lens, ps.n, 1));
    for (size_t i = 0; i < l->count; i++) {
        check_line(&x, l->items[i], l->lens[i], GRD_MODE_LINE);
        check_line(&x, l->items[i], l->lens[i], GRD_MODE_CJSON);
    }
    print_message("%s: %zu lines (%zu JSON objects), %u paths, %lu handed back\n", what, l->count,
                  nparsed, ps.n, x.undecided);
    assert_true(nparsed > 0);
    assert_int_equal(x.undecided, 0);
    rref_free(&x);
    first_only_differential(l, &ps);
    ps_free(&ps);
}

static void test_corpus(void **state) {
    (void)state;
    tsup_lines l = {0};
    tsup_lines_load(&l, "corpus");
    differential(&l, "corpus/");
    tsup_lines_free(&l);
}

static void test_real_samples(void **state) {
    (void)state;
    tsup_need("../shared/corpus-real");
    tsup_lines l = {0};
    tsup_lines_load(&l, "../shared/corpus-real");
    differential(&l, "../shared/corpus-real");
    tsup_lines_free(&l);
}

static void test_generated(void **state) {
    (void)state;
    const char *build = getenv("BUILD");
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s/bench/gen_events 3000 11", build ? build : "build");
    FILE *in = popen(cmd, "r");
    assert_non_null(in);
    tsup_lines l = {0};
    tsup_lines_read(&l, in);
    assert_int_equal(pclose(in), 0);
    assert_true(l.count >= 3000);
    differential(&l, "gen_events 3000 11");
    tsup_lines_free(&l);
}

/* First-only paths on the edges gnorm_path() decides, and the top-level
 * crowding past which a walk no longer tries the normalizer's key. */
static void test_first_only(void **state) {
    (void)state;
    static const char *const paths[] = {"a.b", "a.b", "a"};
    static const uint32_t lens[] = {3, 3, 1};
    grd_plan *plan = NULL;
    grd_reader *rd = NULL;
    assert_int_equal(grd_plan_new(paths, lens, 3, 0, &plan), GANTRY_OK);
    grd_plan_first_only(plan, 0);
    grd_plan_first_only(plan, 2);
    assert_int_equal(grd_reader_new(plan, &rd), GANTRY_OK);
    static const struct {
        const char *line;
        uint32_t first, walk;
    } cases[] = {
        {"{\"a\":{\"b\":1}}", 1, 1},
        {"{\"a\":{},\"a\":{\"b\":1}}", 0, 1},        /* the first key only */
        {"{\"a\":{\"b\":1},\"a\":{\"b\":2}}", 1, 1}, /* duplicates */
        {"{\"a\":{\"b\":1,\"b\":2}}", 1, 1},         /* inner duplicates */
        {"{\"a.b\":1}", 0, 1},                       /* no flat dotted key */
        {"{\"a\":[{\"b\":1}]}", 0, 1},               /* no array crossed */
        {"{\"a\":{\"b\":[1,2]}}", 1, 2},             /* the array whole */
        {"{\"a\":7}", 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *line = cases[i].line;
        assert_int_equal(grd_read(rd, line, strlen(line), GRD_MODE_LINE), GANTRY_OK);
        if (grd_count(rd, 0) != cases[i].first || grd_count(rd, 1) != cases[i].walk) {
            print_error("%s: first-only %u, walk %u\n", line, grd_count(rd, 0), grd_count(rd, 1));
            fail();
        }
        /* a one-component first-only path: the first key's value, whole */
        assert_int_equal(grd_count(rd, 2), strncmp(line, "{\"a\":", 5) == 0);
        assert_false(grd_root_crowded(rd));
    }
    /* 63 keys leading to a.b (and a first-only path's) are not crowded;
     * the walk's 64th is */
    char line[2048];
    for (int n = 63; n <= 64; n++) {
        size_t at = 0;
        line[at++] = '{';
        for (int k = 0; k < n; k++)
            at += (size_t)snprintf(line + at, sizeof line - at, "%s\"a\":{}", k ? "," : "");
        line[at++] = '}';
        assert_int_equal(grd_read(rd, line, at, GRD_MODE_LINE), GANTRY_OK);
        assert_int_equal(grd_root_crowded(rd), n == 64);
    }
    grd_reader_free(rd);
    grd_plan_free(plan);
}

/* ---- gantry_match_json through the reader against cJSON ---- */

static gantry_pack *compile_pack(const char *const *paths, size_t count, gantry_optimize optimize) {
    gdiag_sink *diag = gdiag_new(NULL, 0, 0);
    assert_non_null(diag);
    const char *maps[] = {"rules/mappings/generic.yml", "rules/mappings/kubernetes_audit.yml",
                          "rules/mappings/linux_process_creation.yml"};
    gcomp_options opt;
    memset(&opt, 0, sizeof opt);
    opt.placeholders_empty = 1;
    opt.mapping_files = maps;
    opt.mapping_file_count = sizeof maps / sizeof maps[0];
    gast_unit *unit = gcomp_parse_paths(paths, count, diag, &opt);
    unsigned char *image = NULL;
    size_t len = 0;
    gantry_pack *pack = NULL;
    assert_true(unit && gdiag_error_count(diag) == 0 &&
                gcomp_compile_unit(unit, diag, &opt, &image, &len, NULL) == 0);
    gantry_options lo;
    gantry_options_default(&lo);
    lo.optimize = optimize;
    char err[256] = "";
    assert_int_equal(gantry_pack_load_buffer_opts(image, len, &lo, &pack, err, sizeof err),
                     GANTRY_OK);
    free(image);
    gast_unit_free(unit);
    gdiag_free(diag);
    return pack;
}

typedef struct hits {
    uint32_t rules[64];
    size_t n;
} hits;

static int note_hit(const gantry_match *m, void *user) {
    hits *h = user;
    if (h->n < 64)
        h->rules[h->n] = (uint32_t)m->rule->index;
    h->n++;
    return 0;
}

/* Every line through gantry_match_json with the reader (DEFAULT) and
 * without (OFF): the same status and the same rules, in order. */
static void match_json_same(const char *const *paths, size_t count, const tsup_lines *l) {
    gantry_pack *ref = compile_pack(paths, count, GANTRY_OPTIMIZE_OFF);
    gantry_pack *fast = compile_pack(paths, count, GANTRY_OPTIMIZE_DEFAULT);
    gantry_matcher *mr = NULL, *mf = NULL;
    assert_int_equal(gantry_matcher_new(ref, &mr), GANTRY_OK);
    assert_int_equal(gantry_matcher_new(fast, &mf), GANTRY_OK);
    size_t matched = 0;
    for (size_t i = 0; i < l->count; i++) {
        hits a = {{0}, 0}, b = {{0}, 0};
        gantry_status sa = gantry_match_json(mr, l->items[i], l->lens[i], note_hit, &a);
        gantry_status sb = gantry_match_json(mf, l->items[i], l->lens[i], note_hit, &b);
        if (sa != sb || a.n != b.n ||
            memcmp(a.rules, b.rules, (a.n < 64 ? a.n : 64) * sizeof *a.rules) != 0) {
            print_error("gantry_match_json differs (status %d/%d, %zu/%zu matches): %.*s\n", sa, sb,
                        a.n, b.n, (int)(l->lens[i] > 300 ? 300 : l->lens[i]), l->items[i]);
            fail();
        }
        matched += a.n > 0;
    }
    print_message("%s: %zu lines, %zu with matches, same through the reader\n", paths[0], l->count,
                  matched);
    assert_true(matched > 0);
    gantry_matcher_free(mr);
    gantry_matcher_free(mf);
    gantry_pack_free(ref);
    gantry_pack_free(fast);
}

static void test_match_json(void **state) {
    (void)state;
    tsup_lines l = {0};
    tsup_lines_load(&l, "corpus");
    /* normalized events as lines: event.module and event.category set, so
     * the logsource dispatch reads them from the reader */
    tsup_events ev = {0};
    tsup_events_load(&ev, "corpus");
    for (size_t i = 0; i < ev.count; i++) {
        char *text = cJSON_PrintUnformatted(ev.items[i]);
        assert_non_null(text);
        tsup_lines_add(&l, text, strlen(text));
        free(text);
    }
    tsup_events_free(&ev);
    const char *ten[] = {"bench/rules/ten"};
    match_json_same(ten, 1, &l);
    const char *reader[] = {"tests/data/reader"};
    match_json_same(reader, 1, &l);
    if (access("../shared/sigma/full/rules", R_OK) == 0) {
        const char *sigma[] = {"../shared/sigma/full/rules"};
        match_json_same(sigma, 1, &l);
    } else {
        print_message("../shared/sigma/full/rules absent: the Sigma pack was not compared\n");
    }
    tsup_lines_free(&l);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grammar),    cmocka_unit_test(test_depth),
        cmocka_unit_test(test_paths),      cmocka_unit_test(test_limits),
        cmocka_unit_test(test_corpus),     cmocka_unit_test(test_real_samples),
        cmocka_unit_test(test_generated),  cmocka_unit_test(test_match_json),
        cmocka_unit_test(test_first_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
