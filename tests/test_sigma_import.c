/* SPDX-License-Identifier: Apache-2.0 */
/* The Sigma importer builds the same tree the native front end builds:
 * YAML 1.1 typing, detection shapes, modifiers, conditions, collection
 * actions, filters, field mappings, and the diagnostics for bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sigma_internal.h"

typedef struct loaded {
    gast_unit *unit;
    gdiag_sink *diag;
    gsigma_ctx *ctx;
    int errors;
    char path[256];
} loaded;

static char tmpdir[64];

static int setup_dir(void **state) {
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/gsigma_test_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_dir(void **state) {
    (void)state;
    rmdir(tmpdir);
    return 0;
}

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Load `text` as a Sigma file named `name` (with extra options), then
 * finish the import. */
static loaded load_opts(const char *name, const char *text, const gcomp_options *options) {
    loaded l;
    memset(&l, 0, sizeof l);
    snprintf(l.path, sizeof l.path, "%s/%s", tmpdir, name);
    write_file(l.path, text);
    l.unit = gast_unit_new();
    l.diag = gdiag_new(NULL, 0, 0);
    assert_non_null(l.unit);
    assert_non_null(l.diag);
    l.ctx = gsigma_new(options, l.diag);
    assert_non_null(l.ctx);
    int n = gsigma_load_file(l.ctx, l.unit, l.path);
    assert_true(n >= 0);
    int m = gsigma_finish(l.ctx, l.unit);
    assert_true(m >= 0);
    l.errors = n + m;
    unlink(l.path);
    return l;
}

static loaded load(const char *name, const char *text) {
    return load_opts(name, text, NULL);
}

static void unload(loaded *l) {
    gsigma_free(l->ctx);
    gdiag_free(l->diag);
    gast_unit_free(l->unit);
}

static const gast_selection *selection(const gast_rule *rule, const char *name) {
    for (size_t i = 0; i < rule->selection_count; i++)
        if (strcmp(rule->selections[i]->name, name) == 0)
            return rule->selections[i];
    fail_msg("no selection %s", name);
    return NULL;
}

static const gast_pred *pred_of(const gast_rule *rule, const char *sel, size_t alt, size_t i) {
    const gast_selection *s = selection(rule, sel);
    assert_true(alt < s->alt_count);
    assert_true(i < s->alts[alt]->pred_count);
    return s->alts[alt]->preds[i];
}

static bool diag_has(const loaded *l, const char *needle) {
    const char *text = gdiag_text(l->diag);
    return text && strstr(text, needle) != NULL;
}

#define RULE_HEAD                                                                                  \
    "title: T\n"                                                                                   \
    "id: 11111111-1111-1111-1111-111111111111\n"                                                   \
    "logsource:\n"                                                                                 \
    "    product: linux\n"                                                                         \
    "    category: process_creation\n"

/* ---- YAML 1.1 scalar typing ---- */

static void test_yaml_typing(void **state) {
    (void)state;
    loaded l = load("typing.yml", RULE_HEAD "detection:\n"
                                            "    sel:\n"
                                            "        A: 0x17\n"
                                            "        B: 010\n"
                                            "        C: yes\n"
                                            "        D: 1_000\n"
                                            "        E: '0x17'\n"
                                            "        F: ~\n"
                                            "        G: null\n"
                                            "        H: off\n"
                                            "        I: 1.50\n"
                                            "        J: \"yes\"\n"
                                            "        K: 0b101\n"
                                            "        L: 1:30\n"
                                            "        M: 1e5\n"
                                            "        N: -7\n"
                                            "        O: 3.0\n"
                                            "        P: y\n"
                                            "        Q: 09\n"
                                            "        R: True\n"
                                            "    condition: sel\n");
    assert_int_equal(l.errors, 0);
    assert_int_equal(l.unit->rule_count, 1);
    const gast_rule *r = l.unit->rules[0];
    struct {
        const char *field;
        gast_value_kind kind;
        const char *text;
        double number;
        bool boolean;
    } want[] = {
        {"A", GAST_NUMBER, "23", 23, false},   {"B", GAST_NUMBER, "8", 8, false},
        {"C", GAST_BOOL, NULL, 0, true},       {"D", GAST_NUMBER, "1000", 1000, false},
        {"E", GAST_STRING, "0x17", 0, false},  {"F", GAST_NULL, NULL, 0, false},
        {"G", GAST_NULL, NULL, 0, false},      {"H", GAST_BOOL, NULL, 0, false},
        {"I", GAST_NUMBER, "1.5", 1.5, false}, {"J", GAST_STRING, "yes", 0, false},
        {"K", GAST_NUMBER, "5", 5, false},     {"L", GAST_NUMBER, "90", 90, false},
        {"M", GAST_STRING, "1e5", 0, false},   {"N", GAST_NUMBER, "-7", -7, false},
        {"O", GAST_NUMBER, "3", 3, false},     {"P", GAST_STRING, "y", 0, false},
        {"Q", GAST_STRING, "09", 0, false},    {"R", GAST_BOOL, NULL, 0, true},
    };
    const gast_selection *s = selection(r, "sel");
    assert_int_equal(s->alt_count, 1);
    assert_int_equal(s->alts[0]->pred_count, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const gast_pred *p = s->alts[0]->preds[i];
        assert_string_equal(p->field, want[i].field);
        assert_int_equal(p->value_count, 1);
        const gast_value *v = p->values[0];
        if (v->kind != want[i].kind)
            fail_msg("%s: kind %d, want %d", want[i].field, v->kind, want[i].kind);
        if (want[i].text)
            assert_string_equal(v->text, want[i].text);
        if (v->kind == GAST_NUMBER)
            assert_true(v->number == want[i].number);
        if (v->kind == GAST_BOOL)
            assert_int_equal(v->boolean, want[i].boolean);
    }
    unload(&l);
}

static void test_duplicate_key(void **state) {
    (void)state;
    loaded l = load("dup.yml", RULE_HEAD "detection:\n"
                                         "    sel:\n"
                                         "        A: 1\n"
                                         "        A: 2\n"
                                         "    condition: sel\n");
    assert_true(l.errors > 0);
    assert_true(diag_has(&l, "dup.yml:9:9: error[E102]: duplicate key 'A'"));
    unload(&l);
}

static void test_yaml_syntax_error(void **state) {
    (void)state;
    loaded l = load("bad.yml", "title: [unclosed\nid: x\n");
    assert_true(l.errors > 0);
    assert_true(diag_has(&l, "error[E101]"));
    assert_int_equal(l.unit->rule_count, 0);
    unload(&l);
}

/* Hostile input is an error, never a crash or an explosion. */
static void test_hostile_yaml(void **state) {
    (void)state;
    char bomb[2048] = "a: &a [x, x, x, x, x, x, x, x, x]\n";
    const char names[] = "abcdefghi";
    for (int i = 1; i < 9; i++) {
        char line[128];
        char p = names[i - 1];
        snprintf(line, sizeof line, "%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n",
                 names[i], names[i], p, p, p, p, p, p, p, p, p);
        strcat(bomb, line);
    }
    loaded l = load("bomb.yml", bomb);
    assert_true(diag_has(&l, "error[E101]: YAML aliases expand to too many nodes"));
    unload(&l);

    static char deep[20000];
    strcpy(deep, "a: ");
    for (int i = 0; i < 5000; i++)
        strcat(deep, "[");
    for (int i = 0; i < 5000; i++)
        strcat(deep, "]");
    l = load("deep.yml", deep);
    assert_true(diag_has(&l, "error[E101]: YAML nesting too deep"));
    unload(&l);

    static char cond[20000];
    strcpy(cond, "title: x\ndetection:\n    s: {A: 1}\n    condition: ");
    for (int i = 0; i < 3000; i++)
        strcat(cond, "(");
    strcat(cond, "s");
    for (int i = 0; i < 3000; i++)
        strcat(cond, ")");
    l = load("deepcond.yml", cond);
    assert_true(diag_has(&l, "error[E109]: Sigma condition: condition nested too deeply"));
    unload(&l);

    l = load("bin.yml", "a: \xc3\x28 garbage\n");
    assert_true(diag_has(&l, "error[E101]"));
    unload(&l);

    l = load("nan.yml", "title: x\ndetection:\n    s: {A: .nan}\n    condition: s\n");
    assert_true(diag_has(&l, "error[E117]: non-finite number"));
    unload(&l);

    l = load("seq.yml", "- a\n- b\n");
    assert_true(diag_has(&l, "seq.yml:1:1: warning[W059]"));
    unload(&l);

    l = load("empty.yml", "");
    assert_int_equal(l.errors, 0);
    assert_int_equal(l.unit->rule_count, 0);
    unload(&l);

    /* A file that does not exist. */
    gast_unit *unit = gast_unit_new();
    gdiag_sink *diag = gdiag_new(NULL, 0, 0);
    gsigma_ctx *ctx = gsigma_new(NULL, diag);
    assert_int_equal(gsigma_load_file(ctx, unit, "/nonexistent/x.yml"), 1);
    assert_non_null(strstr(gdiag_text(diag), "error[E100]"));
    gsigma_free(ctx);
    gdiag_free(diag);
    gast_unit_free(unit);
}

/* ---- metadata ---- */

static void test_metadata(void **state) {
    (void)state;
    loaded l = load("proc_creation_lnx_meta.yml",
                    "title: Meta Rule\n"
                    "id: 22222222-2222-2222-2222-222222222222\n"
                    "status: test\n"
                    "description: |\n    Two\n    lines\n"
                    "references:\n    - https://a.example/\n    - https://b.example/\n"
                    "author: Jane Doe, John Roe\n"
                    "date: 2023-01-02\n"
                    "modified: 2024/02/03\n"
                    "tags:\n    - attack.execution\n    - attack.t1059\n"
                    "logsource:\n    product: linux\n    category: process_creation\n"
                    "detection:\n    selection:\n        Image|endswith: /bash\n"
                    "    condition: selection\n"
                    "falsepositives:\n    - Unknown\n"
                    "fields:\n    - CommandLine\n"
                    "level: high\n");
    assert_int_equal(l.errors, 0);
    const gast_rule *r = l.unit->rules[0];
    assert_string_equal(r->name, "proc_creation_lnx_meta");
    assert_string_equal(r->title, "Meta Rule");
    assert_string_equal(r->id, "22222222-2222-2222-2222-222222222222");
    assert_string_equal(r->status, "test");
    assert_string_equal(r->description, "Two\nlines\n");
    assert_string_equal(r->author, "Jane Doe, John Roe");
    assert_string_equal(r->date, "2023-01-02");
    assert_string_equal(r->modified, "2024/02/03");
    assert_string_equal(r->license, "DRL-1.1");
    assert_int_equal(r->level, GAST_LEVEL_HIGH);
    assert_int_equal(r->references.count, 2);
    assert_string_equal(r->references.items[1], "https://b.example/");
    assert_int_equal(r->tags.count, 2);
    assert_string_equal(r->tags.items[0], "attack.execution");
    assert_int_equal(r->falsepositives.count, 1);
    assert_int_equal(r->fields.count, 1);
    assert_string_equal(r->fields.items[0], "CommandLine");
    assert_string_equal(r->logsource_product, "linux");
    assert_string_equal(r->logsource_category, "process_creation");
    assert_null(r->logsource_service);
    assert_int_equal(r->condition->kind, GAST_COND_REF);
    assert_string_equal(r->condition->name, "selection");
    /* The condition's position is the YAML scalar's. */
    assert_int_equal(r->condition_loc.line, 22);
    unload(&l);
}

static void test_name_key_and_bad_level(void **state) {
    (void)state;
    loaded l = load("x.yml", "title: T\nname: my_rule\nlevel: severe\n"
                             "detection:\n    sel: {A: 1}\n    condition: sel\n");
    assert_true(l.errors > 0);
    assert_true(diag_has(&l, "error[E112]: unknown level 'severe'"));
    unload(&l);
    l = load("x.yml", "title: T\nname: my-rule\ndetection:\n    sel: {A: 1}\n    condition: sel\n");
    assert_int_equal(l.errors, 0);
    assert_string_equal(l.unit->rules[0]->name, "my_rule");
    unload(&l);
}

/* ---- detection shapes ---- */

static void test_detection_shapes(void **state) {
    (void)state;
    loaded l = load("shapes.yml", RULE_HEAD
                    "detection:\n"
                    "    map:\n"
                    "        A: x\n"
                    "        B: [y, z]\n"
                    "    listmaps:\n"
                    "        - A: 1\n"
                    "        - B|contains: q\n"
                    "          C: r\n"
                    "    keywords:\n"
                    "        - foo\n"
                    "        - 'b*r'\n"
                    "    single: onlyword\n"
                    "    mixed:\n"
                    "        - kw\n"
                    "        - F: a\n"
                    "    allkw:\n"
                    "        '|all':\n"
                    "            - one\n"
                    "            - two\n"
                    "    nulls:\n"
                    "        N: null\n"
                    "        E: []\n"
                    "        S: ''\n"
                    "    condition: map or listmaps or keywords or single or mixed or allkw or "
                    "nulls\n");
    assert_int_equal(l.errors, 0);
    const gast_rule *r = l.unit->rules[0];
    assert_int_equal(r->selection_count, 7);

    const gast_selection *s = selection(r, "map");
    assert_false(s->is_list);
    assert_int_equal(s->alt_count, 1);
    assert_int_equal(s->alts[0]->pred_count, 2);
    assert_int_equal(s->alts[0]->preds[1]->value_count, 2);
    assert_string_equal(s->alts[0]->preds[1]->values[1]->text, "z");

    s = selection(r, "listmaps");
    assert_true(s->is_list);
    assert_int_equal(s->alt_count, 2);
    assert_int_equal(s->alts[1]->pred_count, 2);
    assert_int_equal(s->alts[1]->preds[0]->mod_count, 1);
    assert_int_equal(s->alts[1]->preds[0]->mods[0], GAST_MOD_CONTAINS);

    s = selection(r, "keywords");
    assert_true(s->is_list);
    assert_int_equal(s->alt_count, 2);
    assert_null(s->alts[0]->preds[0]->field);
    assert_string_equal(s->alts[1]->preds[0]->values[0]->text, "b*r");

    s = selection(r, "single");
    assert_int_equal(s->alt_count, 1);
    assert_null(s->alts[0]->preds[0]->field);
    assert_string_equal(s->alts[0]->preds[0]->values[0]->text, "onlyword");

    s = selection(r, "mixed");
    assert_int_equal(s->alt_count, 2);
    assert_null(s->alts[0]->preds[0]->field);
    assert_string_equal(s->alts[1]->preds[0]->field, "F");

    const gast_pred *p = pred_of(r, "allkw", 0, 0);
    assert_null(p->field);
    assert_int_equal(p->mod_count, 1);
    assert_int_equal(p->mods[0], GAST_MOD_ALL);
    assert_int_equal(p->value_count, 2);

    p = pred_of(r, "nulls", 0, 0);
    assert_int_equal(p->values[0]->kind, GAST_NULL);
    p = pred_of(r, "nulls", 0, 1);
    assert_true(p->empty_list);
    assert_int_equal(p->value_count, 0);
    p = pred_of(r, "nulls", 0, 2);
    assert_int_equal(p->values[0]->kind, GAST_STRING);
    assert_string_equal(p->values[0]->text, "");
    unload(&l);
}

static void test_modifiers_and_escapes(void **state) {
    (void)state;
    loaded l = load("mods.yml", RULE_HEAD "detection:\n"
                                          "    sel:\n"
                                          "        CommandLine|contains|all|windash: ['-a', '-b']\n"
                                          "        Payload|wide|base64offset|contains: ping\n"
                                          "        Path: 'C:\\Windows\\*'\n"
                                          "        Text|re|i: 'a\\d+*'\n"
                                          "        Other|utf16le|expand: '%servers%'\n"
                                          "        Ip|cidr: 10.0.0.0/8\n"
                                          "        Count|gte: 5\n"
                                          "        Exists|exists: true\n"
                                          "        Same|fieldref: CommandLine\n"
                                          "        Cased|cased: FooBar\n"
                                          "        NotThis|neq: [a, b]\n"
                                          "    condition: sel\n");
    assert_int_equal(l.errors, 0);
    const gast_rule *r = l.unit->rules[0];
    const gast_pred *p = pred_of(r, "sel", 0, 0);
    assert_string_equal(p->field, "process.command_line"); /* mapped */
    assert_int_equal(p->mod_count, 3);
    assert_int_equal(p->mods[0], GAST_MOD_CONTAINS);
    assert_int_equal(p->mods[1], GAST_MOD_ALL);
    assert_int_equal(p->mods[2], GAST_MOD_WINDASH);
    p = pred_of(r, "sel", 0, 1);
    assert_int_equal(p->mods[0], GAST_MOD_WIDE);
    assert_int_equal(p->mods[1], GAST_MOD_BASE64OFFSET);
    assert_int_equal(p->mods[2], GAST_MOD_CONTAINS);
    p = pred_of(r, "sel", 0, 2);
    assert_string_equal(p->values[0]->text, "C:\\Windows\\*"); /* the compiler unescapes */
    assert_false(p->values[0]->raw);
    p = pred_of(r, "sel", 0, 3);
    assert_int_equal(p->mods[0], GAST_MOD_RE);
    assert_int_equal(p->mods[1], GAST_MOD_RE_I);
    assert_true(p->values[0]->raw);
    assert_string_equal(p->values[0]->text, "a\\d+*");
    p = pred_of(r, "sel", 0, 4);
    assert_int_equal(p->mods[0], GAST_MOD_WIDE);
    assert_int_equal(p->mods[1], GAST_MOD_EXPAND);
    assert_string_equal(p->values[0]->text, "%servers%");
    p = pred_of(r, "sel", 0, 6);
    assert_int_equal(p->mods[0], GAST_MOD_GTE);
    assert_int_equal(p->values[0]->kind, GAST_NUMBER);
    p = pred_of(r, "sel", 0, 7);
    assert_int_equal(p->values[0]->kind, GAST_BOOL);
    p = pred_of(r, "sel", 0, 8);
    assert_int_equal(p->mods[0], GAST_MOD_FIELDREF);
    /* A fieldref value is a field name: the mapping renames it too. */
    assert_string_equal(p->values[0]->text, "process.command_line");
    p = pred_of(r, "sel", 0, 10);
    assert_int_equal(p->mods[0], GAST_MOD_NEQ);
    assert_int_equal(p->value_count, 2);
    unload(&l);
}

static void test_detection_errors(void **state) {
    (void)state;
    struct {
        const char *detection;
        const char *want;
    } cases[] = {
        {"    sel:\n        A|nosuch: x\n    condition: sel\n",
         "error[E108]: unknown modifier 'nosuch' in 'A|nosuch'"},
        {"    sel:\n        A|minutes: 5\n    condition: sel\n",
         "error[E108]: unknown modifier 'minutes'"},
        {"    sel: {}\n    condition: sel\n", "error[E107]: detection is empty"},
        {"    sel:\n        A:\n            b: c\n    condition: sel\n",
         "error[E117]: the value of 'A' is a map"},
        {"    sel:\n        - null\n    condition: sel\n", "error[E118]"},
        {"    sel:\n        '|contains': []\n    condition: sel\n", "error[E118]"},
        {"    sel:\n        A: x\n", "error[E106]: the detection has no `condition`"},
        {"    sel:\n        A: x\n    condition: sel | count() > 5\n",
         "error[E110]: legacy pipe aggregation"},
        {"    sel:\n        A: x\n    condition: sel AND sel\n",
         "error[E109]: Sigma condition: operators are lower case"},
        {"    sel:\n        A: x\n    condition: sel and (sel\n", "error[E109]"},
        {"    sel:\n        A: x\n    condition: 2 of sel\n", "error[E109]"},
        {"    sel:\n        A: x\n    condition: sel*\n", "error[E109]"},
        {"    sel:\n        A: [[1]]\n    condition: sel\n", "error[E117]"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[1024];
        snprintf(text, sizeof text, "%sdetection:\n%s", RULE_HEAD, cases[i].detection);
        loaded l = load("err.yml", text);
        if (l.errors == 0 || !diag_has(&l, cases[i].want))
            fail_msg("case %zu: want '%s', got:\n%s", i, cases[i].want, gdiag_text(l.diag));
        assert_int_equal(l.unit->rule_count, 0);
        unload(&l);
    }
    /* The pipe error points into the condition text and names correlations. */
    loaded l = load("pipe.yml", RULE_HEAD "detection:\n    sel:\n        A: x\n"
                                          "    condition: sel | count() by B > 5\n");
    assert_true(diag_has(&l, "pipe.yml:9:20: error[E110]"));
    assert_true(diag_has(&l, "correlation rules"));
    unload(&l);
}

/* ---- conditions ---- */

static void test_condition_precedence(void **state) {
    (void)state;
    loaded l = load("prec.yml", RULE_HEAD "detection:\n"
                                          "    d1: {A: 1}\n    d2: {A: 2}\n"
                                          "    d3: {A: 3}\n    d4: {A: 4}\n"
                                          "    condition: d1 and not d2 or not d3 and d4\n");
    assert_int_equal(l.errors, 0);
    const gast_cond *c = l.unit->rules[0]->condition;
    assert_int_equal(c->kind, GAST_COND_OR);
    assert_int_equal(c->left->kind, GAST_COND_AND);
    assert_string_equal(c->left->left->name, "d1");
    assert_int_equal(c->left->right->kind, GAST_COND_NOT);
    assert_string_equal(c->left->right->left->name, "d2");
    assert_int_equal(c->right->kind, GAST_COND_AND);
    assert_int_equal(c->right->left->kind, GAST_COND_NOT);
    assert_string_equal(c->right->right->name, "d4");
    unload(&l);
}

static void test_condition_quantifiers(void **state) {
    (void)state;
    loaded l = load("quant.yml", RULE_HEAD
                    "detection:\n"
                    "    selection_a: {A: 1}\n    selection_b: {A: 2}\n    _hidden: {A: 3}\n"
                    "    sel-x: {A: 4}\n"
                    "    condition: (1 of selection_* or any of them) and not all of them and "
                    "not not sel-x and all of _h*\n");
    assert_int_equal(l.errors, 0);
    const gast_cond *c = l.unit->rules[0]->condition;
    /* ((( (1 of ..) or (any of them) ) and not all of them) and not not sel-x) and all of _h* */
    assert_int_equal(c->kind, GAST_COND_AND);
    assert_int_equal(c->right->kind, GAST_COND_ALL_OF);
    assert_string_equal(c->right->name, "_h*");
    const gast_cond *inner = c->left->left->left;
    assert_int_equal(inner->kind, GAST_COND_OR);
    assert_int_equal(inner->left->kind, GAST_COND_ONE_OF);
    assert_string_equal(inner->left->name, "selection_*");
    assert_int_equal(inner->right->kind, GAST_COND_ONE_OF);
    assert_string_equal(inner->right->name, "them");
    assert_int_equal(c->left->left->right->kind, GAST_COND_NOT);
    assert_int_equal(c->left->left->right->left->kind, GAST_COND_ALL_OF);
    const gast_cond *nn = c->left->right;
    assert_int_equal(nn->kind, GAST_COND_NOT);
    assert_int_equal(nn->left->kind, GAST_COND_NOT);
    assert_string_equal(nn->left->left->name, "sel-x");
    unload(&l);
}

static void test_condition_list(void **state) {
    (void)state;
    loaded l = load("clist.yml", RULE_HEAD "detection:\n    a: {A: 1}\n    b: {A: 2}\n"
                                           "    condition:\n        - a\n        - b\n");
    assert_int_equal(l.errors, 0);
    const gast_cond *c = l.unit->rules[0]->condition;
    assert_int_equal(c->kind, GAST_COND_OR);
    assert_string_equal(c->left->name, "a");
    assert_string_equal(c->right->name, "b");
    unload(&l);
}

/* ---- documents ---- */

static void test_multi_document(void **state) {
    (void)state;
    loaded l = load("multi.yml", "title: One\ndetection:\n    s: {A: 1}\n    condition: s\n"
                                 "---\n"
                                 "title: Two\ndetection:\n    s: {A: 2}\n    condition: s\n"
                                 "---\n");
    assert_int_equal(l.errors, 0);
    assert_int_equal(l.unit->rule_count, 2);
    assert_string_equal(l.unit->rules[0]->name, "multi");
    assert_string_equal(l.unit->rules[1]->name, "multi_2");
    assert_string_equal(l.unit->rules[1]->title, "Two");
    unload(&l);
}

static void test_action_global_repeat_reset(void **state) {
    (void)state;
    loaded l = load("acts.yml", "action: global\n"
                                "title: Shared\n"
                                "logsource:\n    product: windows\n"
                                "detection:\n    base: {EventID: 1}\n    condition: base and sel\n"
                                "---\n"
                                "logsource:\n    service: sysmon\n"
                                "detection:\n    sel: {Image: a}\n"
                                "---\n"
                                "action: repeat\n"
                                "detection:\n    sel: {Image: b}\n"
                                "---\n"
                                "action: reset\n"
                                "---\n"
                                "title: Alone\n"
                                "detection:\n    x: {A: 1}\n    condition: x\n");
    assert_int_equal(l.errors, 0);
    assert_int_equal(l.unit->rule_count, 3);
    const gast_rule *r = l.unit->rules[0];
    assert_string_equal(r->title, "Shared");
    assert_string_equal(r->logsource_product, "windows");
    assert_string_equal(r->logsource_service, "sysmon");
    assert_int_equal(r->selection_count, 2);
    assert_string_equal(pred_of(r, "sel", 0, 0)->values[0]->text, "a");
    r = l.unit->rules[1];
    assert_string_equal(r->logsource_service, "sysmon");
    assert_string_equal(pred_of(r, "sel", 0, 0)->values[0]->text, "b");
    assert_int_equal(r->selection_count, 2);
    r = l.unit->rules[2];
    assert_string_equal(r->title, "Alone");
    assert_null(r->logsource_product);
    unload(&l);

    l = load("badact.yml", "action: nonsense\ntitle: x\n");
    assert_true(diag_has(&l, "error[E104]"));
    unload(&l);
}

/* Correlation documents are imported (tests/test_sigma_correlation.c has the
 * details); they no longer draw W050. */
static void test_correlation_imported(void **state) {
    (void)state;
    loaded l = load("corr.yml", "title: Base\nname: base\ndetection:\n    s: {A: 1}\n"
                                "    condition: s\n---\n"
                                "title: Many\ncorrelation:\n    type: event_count\n"
                                "    rules: [base]\n    timespan: 1h\n"
                                "    condition: {gte: 10}\n");
    assert_int_equal(l.errors, 0);
    assert_int_equal(l.unit->rule_count, 1);
    assert_int_equal(l.unit->correlation_count, 1);
    /* the base rule's missing id and level draw W054 and W056, nothing else */
    assert_false(diag_has(&l, "W050"));
    assert_int_equal(gdiag_warning_count(l.diag), 2);
    const gast_correlation *c = l.unit->correlations[0];
    assert_string_equal(c->name, "corr_2");
    assert_int_equal(c->type, GAST_CORR_EVENT_COUNT);
    assert_int_equal(c->rules.count, 1);
    assert_string_equal(c->rules.items[0], "base");
    assert_true(c->cond_flags == (GAST_CORR_HAS_LO | GAST_CORR_LO_INCL));
    assert_true(c->cond_lo == 10.0);
    unload(&l);
}

static void test_filter(void **state) {
    (void)state;
    loaded l =
        load("filt.yml", "title: Target\nid: 6f3e2987-db24-4c78-a860-b4f4095a7095\n"
                         "logsource:\n    category: process_creation\n    product: windows\n"
                         "detection:\n    selection: {Image: x}\n    condition: selection\n"
                         "---\n"
                         "title: Untouched\nid: 00000000-0000-0000-0000-000000000000\n"
                         "logsource:\n    category: process_creation\n    product: windows\n"
                         "detection:\n    selection: {Image: y}\n    condition: selection\n"
                         "---\n"
                         "title: Other logsource\nname: other\n"
                         "logsource:\n    category: file_event\n    product: windows\n"
                         "detection:\n    selection: {Image: z}\n    condition: selection\n"
                         "---\n"
                         "title: Filter Administrator account\n"
                         "logsource:\n    category: process_creation\n    product: windows\n"
                         "filter:\n    rules:\n        - 6f3e2987-db24-4c78-a860-b4f4095a7095\n"
                         "        - other\n"
                         "    selection:\n        User|startswith: 'adm_'\n"
                         "    condition: not selection\n");
    assert_int_equal(l.errors, 0);
    assert_int_equal(l.unit->rule_count, 3);
    const gast_rule *r = l.unit->rules[0];
    assert_int_equal(r->condition->kind, GAST_COND_AND);
    assert_string_equal(r->condition->left->name, "selection");
    assert_int_equal(r->condition->right->kind, GAST_COND_NOT);
    assert_string_equal(r->condition->right->left->name, "_filt1_selection");
    assert_int_equal(r->selection_count, 2);
    assert_string_equal(pred_of(r, "_filt1_selection", 0, 0)->field, "User");
    /* Not referenced, and referenced but of another logsource. */
    assert_int_equal(l.unit->rules[1]->condition->kind, GAST_COND_REF);
    assert_int_equal(l.unit->rules[2]->condition->kind, GAST_COND_REF);
    unload(&l);

    l = load("filtany.yml", "title: A\nlogsource: {product: linux}\n"
                            "detection:\n    s: {A: 1}\n    condition: s or 1 of x*\n---\n"
                            "title: F\nlogsource: {product: linux}\n"
                            "filter:\n    rules: any\n    sel: {B: 2}\n    sel2: {B: 3}\n"
                            "    condition: not 1 of them\n");
    assert_int_equal(l.errors, 0);
    const gast_cond *c = l.unit->rules[0]->condition;
    assert_int_equal(c->kind, GAST_COND_AND);
    assert_int_equal(c->right->left->kind, GAST_COND_ONE_OF);
    assert_string_equal(c->right->left->name, "_filt1_*");
    unload(&l);
}

/* ---- field mappings ---- */

static void test_mappings(void **state) {
    (void)state;
    loaded l = load("k8s.yml", "title: K\nlogsource:\n    product: kubernetes\n"
                               "    service: audit\n"
                               "detection:\n    sel:\n        hostPath: '*'\n"
                               "        objectRef.resource: pods\n"
                               "        capabilities: '*'\n    condition: sel\n");
    assert_int_equal(l.errors, 0);
    const gast_rule *r = l.unit->rules[0];
    assert_string_equal(pred_of(r, "sel", 0, 0)->field, "container.mounts.source");
    assert_string_equal(pred_of(r, "sel", 0, 1)->field, "objectRef.resource");
    assert_string_equal(pred_of(r, "sel", 0, 2)->field,
                        "container.security_context.capabilities.add");
    size_t n;
    const gsigma_explain *ex = gsigma_explains(l.ctx, &n);
    assert_int_equal(n, 1);
    assert_string_equal(ex[0].rule_name, "k8s");
    assert_int_equal(ex[0].rename_count, 2);
    assert_string_equal(ex[0].renames[0].from, "hostPath");
    assert_string_equal(ex[0].renames[0].mapping, "kubernetes_audit");
    assert_non_null(strstr(ex[0].mapping_names, "generic"));
    unload(&l);

    /* Without a covering logsource nothing is renamed. */
    l = load("win.yml", "title: W\nlogsource: {product: windows}\n"
                        "detection:\n    sel: {CommandLine: x}\n    condition: sel\n");
    assert_string_equal(pred_of(l.unit->rules[0], "sel", 0, 0)->field, "CommandLine");
    unload(&l);

    /* A user mapping beats the built-in ones. */
    char mapping[300];
    snprintf(mapping, sizeof mapping, "%s/mine.yml", tmpdir);
    write_file(mapping, "name: mine\nlogsource: {product: linux}\n"
                        "fields:\n    CommandLine: cmd\n    Extra: extra.field\n");
    const char *files[] = {mapping};
    gcomp_options opts = {.mapping_files = files, .mapping_file_count = 1};
    l = load_opts("lin.yml",
                  RULE_HEAD "detection:\n    sel: {CommandLine: x, Image: y}\n"
                            "    condition: sel\n",
                  &opts);
    assert_int_equal(l.errors, 0);
    assert_string_equal(pred_of(l.unit->rules[0], "sel", 0, 0)->field, "cmd");
    assert_string_equal(pred_of(l.unit->rules[0], "sel", 0, 1)->field, "process.executable");
    unload(&l);
    write_file(mapping, "name: broken\nfields: [a, b]\n");
    l = load_opts("lin.yml", RULE_HEAD "detection:\n    sel: {A: x}\n    condition: sel\n", &opts);
    assert_true(diag_has(&l, "error[E115]"));
    unload(&l);
    unlink(mapping);
}

/* The compiled-in mappings (generated at build time by
 * tools/gen_builtin_mappings.sh) are exactly the shipped files: every entry
 * equals its file byte for byte, and every file has an entry. */
static void test_builtin_mappings_match_files(void **state) {
    (void)state;
    size_t count = 0;
    for (const gsigma_builtin_mapping *b = gsigma_builtin_mappings; b->name; b++, count++) {
        char path[256];
        snprintf(path, sizeof path, "rules/mappings/%s", b->name);
        FILE *f = fopen(path, "rb");
        if (!f)
            fail_msg("cannot open %s (run the tests from the repository root)", path);
        static char buf[1 << 16];
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = 0;
        if (strlen(b->text) != n || memcmp(buf, b->text, n) != 0)
            fail_msg("%s differs from the built-in copy generated from it", path);
    }
    size_t files = 0;
    DIR *dir = opendir("rules/mappings");
    assert_non_null(dir);
    for (struct dirent *e; (e = readdir(dir)) != NULL;) {
        size_t len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".yml") == 0)
            files++;
    }
    closedir(dir);
    assert_true(files >= 5);
    assert_int_equal(count, files);
}

/* ---- native text ---- */

static void test_emit_text(void **state) {
    (void)state;
    loaded l = load("emit_me.yml", RULE_HEAD "author: A \"quoted\" author\nlevel: low\n"
                                             "detection:\n"
                                             "    selection:\n"
                                             "        CommandLine|contains: 'C:\\Windows\\*'\n"
                                             "        X|re: 'a\"b'\n"
                                             "        requestObject.a/b: [1, 2]\n"
                                             "    keywords: [foo, 3]\n"
                                             "    condition: selection and not (keywords or "
                                             "selection)\n");
    assert_int_equal(l.errors, 0);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    const char *why = NULL;
    assert_true(gsigma_emit_rule(out, l.unit->rules[0], &why));
    fclose(out);
    assert_non_null(strstr(buf, "rule emit_me {"));
    assert_non_null(strstr(buf, "author: \"A \\\"quoted\\\" author\""));
    assert_non_null(strstr(buf, "license: \"DRL-1.1\""));
    assert_non_null(strstr(buf, "level: low"));
    assert_non_null(strstr(buf, "process.command_line|contains: \"C:\\\\Windows\\\\*\""));
    assert_non_null(strstr(buf, "X|re: r'a\"b'"));
    assert_non_null(strstr(buf, "requestObject.`a/b`: [1, 2]"));
    assert_non_null(strstr(buf, "\"foo\",\n        3\n"));
    assert_non_null(strstr(buf, "condition: selection and not (keywords or selection)"));
    free(buf);
    unload(&l);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_yaml_typing),
        cmocka_unit_test(test_duplicate_key),
        cmocka_unit_test(test_yaml_syntax_error),
        cmocka_unit_test(test_hostile_yaml),
        cmocka_unit_test(test_metadata),
        cmocka_unit_test(test_name_key_and_bad_level),
        cmocka_unit_test(test_detection_shapes),
        cmocka_unit_test(test_modifiers_and_escapes),
        cmocka_unit_test(test_detection_errors),
        cmocka_unit_test(test_condition_precedence),
        cmocka_unit_test(test_condition_quantifiers),
        cmocka_unit_test(test_condition_list),
        cmocka_unit_test(test_multi_document),
        cmocka_unit_test(test_action_global_repeat_reset),
        cmocka_unit_test(test_correlation_imported),
        cmocka_unit_test(test_filter),
        cmocka_unit_test(test_mappings),
        cmocka_unit_test(test_builtin_mappings_match_files),
        cmocka_unit_test(test_emit_text),
    };
    return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
