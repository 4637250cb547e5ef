/* SPDX-License-Identifier: Apache-2.0 */
/* The native front end: parse snippets and check the shape of the tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse.h"

typedef struct parsed {
    gast_unit *unit;
    gdiag_sink *diag;
    int errors;
} parsed;

static parsed parse(const char *text) {
    parsed p = {gast_unit_new(), gdiag_new(NULL, 0, 0), 0};
    assert_non_null(p.unit);
    assert_non_null(p.diag);
    p.errors = gparse_text(p.unit, "snippet.gantry", text, strlen(text), p.diag);
    return p;
}

static void done(parsed *p) {
    gast_unit_free(p->unit);
    gdiag_free(p->diag);
}

static parsed parse_ok(const char *text) {
    parsed p = parse(text);
    if (p.errors != 0)
        fail_msg("unexpected diagnostics:\n%s", gdiag_text(p.diag));
    return p;
}

static const gast_selection *selection(const gast_rule *rule, const char *name) {
    for (size_t i = 0; i < rule->selection_count; i++) {
        if (strcmp(rule->selections[i]->name, name) == 0)
            return rule->selections[i];
    }
    fail_msg("no selection %s", name);
    return NULL;
}

static void test_rule_metadata(void **state) {
    (void)state;
    parsed p = parse_ok("rule privileged_pod {\n"
                        "  id: \"6a2f0c1e-7d0b-4b52-9e43-0d3c2b7f1a10\"\n"
                        "  title: 'Privileged pod'\n"
                        "  description: \"line\\nbreak\"\n"
                        "  status: experimental\n"
                        "  level: high\n"
                        "  author: Gantry\n"
                        "  date: \"2026-11-29\"\n"
                        "  modified: \"2026-12-01\"\n"
                        "  license: \"DRL-1.1\"\n"
                        "  references: [\"https://attack.mitre.org/techniques/T1610/\"]\n"
                        "  tags: [attack.t1610, attack.t1059.001, malware.kinsing]\n"
                        "  falsepositives: [\"CNI daemonsets\"]\n"
                        "  fields: [user.name]\n"
                        "  logsource: { product: kubernetes, service: audit, category: api }\n"
                        "  selection sel: { verb: \"create\" }\n"
                        "  condition: sel\n"
                        "}\n");
    assert_int_equal(p.unit->rule_count, 1);
    const gast_rule *r = p.unit->rules[0];
    assert_string_equal(r->name, "privileged_pod");
    assert_string_equal(r->id, "6a2f0c1e-7d0b-4b52-9e43-0d3c2b7f1a10");
    assert_string_equal(r->title, "Privileged pod");
    assert_string_equal(r->description, "line\nbreak");
    assert_string_equal(r->status, "experimental");
    assert_int_equal(r->level, GAST_LEVEL_HIGH);
    assert_string_equal(r->author, "Gantry");
    assert_string_equal(r->date, "2026-11-29");
    assert_string_equal(r->modified, "2026-12-01");
    assert_string_equal(r->license, "DRL-1.1");
    assert_int_equal(r->references.count, 1);
    assert_int_equal(r->tags.count, 3);
    assert_string_equal(r->tags.items[1], "attack.t1059.001");
    assert_string_equal(r->tags.items[2], "malware.kinsing");
    assert_string_equal(r->falsepositives.items[0], "CNI daemonsets");
    assert_string_equal(r->fields.items[0], "user.name");
    assert_string_equal(r->logsource_product, "kubernetes");
    assert_string_equal(r->logsource_service, "audit");
    assert_string_equal(r->logsource_category, "api");
    assert_int_equal(r->loc.line, 1);
    assert_int_equal(r->loc.col, 6);
    assert_string_equal(r->loc.file, "snippet.gantry");
    assert_non_null(r->condition);
    assert_int_equal(r->condition->kind, GAST_COND_REF);
    assert_string_equal(r->condition->name, "sel");
    assert_int_equal(r->condition_loc.line, 17);
    done(&p);
}

static void test_selection_shapes(void **state) {
    (void)state;
    parsed p = parse_ok("rule r {\n"
                        "  selection m: { a: 1, b.c: \"x\"\n d: [\"p\", \"q\"] }\n"
                        "  selection alts: [ { a: 1 }, { b: 2 c: 3 }, ]\n"
                        "  selection kw: [\"evil\", 'bad']\n"
                        "  selection kwall: { _|all: [\"foo\", \"bar\"] }\n"
                        "  selection one: \"single keyword\"\n"
                        "  selection empty: { f: [] g: null }\n"
                        "  selection listed: { image in trusted }\n"
                        "  condition: m\n"
                        "}\n");
    const gast_rule *r = p.unit->rules[0];
    assert_int_equal(r->selection_count, 7);

    const gast_selection *m = selection(r, "m");
    assert_false(m->is_list);
    assert_int_equal(m->alt_count, 1);
    assert_int_equal(m->alts[0]->pred_count, 3);
    assert_string_equal(m->alts[0]->preds[1]->field, "b.c");
    assert_int_equal(m->alts[0]->preds[2]->value_count, 2);
    assert_int_equal(m->alts[0]->preds[0]->values[0]->kind, GAST_NUMBER);
    assert_int_equal(m->alts[0]->preds[1]->field_loc.col, 24);

    const gast_selection *alts = selection(r, "alts");
    assert_true(alts->is_list);
    assert_int_equal(alts->alt_count, 2);
    assert_int_equal(alts->alts[1]->pred_count, 2);

    const gast_selection *kw = selection(r, "kw");
    assert_true(kw->is_list);
    assert_int_equal(kw->alt_count, 2);
    assert_null(kw->alts[0]->preds[0]->field);
    assert_string_equal(kw->alts[1]->preds[0]->values[0]->text, "bad");

    const gast_selection *kwall = selection(r, "kwall");
    assert_false(kwall->is_list);
    const gast_pred *all = kwall->alts[0]->preds[0];
    assert_null(all->field);
    assert_int_equal(all->mod_count, 1);
    assert_int_equal(all->mods[0], GAST_MOD_ALL);
    assert_int_equal(all->value_count, 2);

    const gast_selection *one = selection(r, "one");
    assert_true(one->is_list);
    assert_null(one->alts[0]->preds[0]->field);

    const gast_selection *empty = selection(r, "empty");
    assert_true(empty->alts[0]->preds[0]->empty_list);
    assert_int_equal(empty->alts[0]->preds[0]->value_count, 0);
    assert_false(empty->alts[0]->preds[1]->empty_list);
    assert_int_equal(empty->alts[0]->preds[1]->values[0]->kind, GAST_NULL);

    const gast_pred *listed = selection(r, "listed")->alts[0]->preds[0];
    assert_string_equal(listed->list_ref, "trusted");
    assert_false(listed->negated);
    done(&p);
}

static void test_modifiers(void **state) {
    (void)state;
    parsed p = parse_ok("rule r {\n"
                        "  selection s: {\n"
                        "    cmd|utf16le|base64offset|contains: \"x\"\n"
                        "    cmd|re|i|m|s: r\"^a.*b$\"\n"
                        "    cmd|re|ignorecase|multiline|dotall: r'x'\n"
                        "    n|gte: 5\n"
                        "    f|fieldref|neq: \"other.field\"\n"
                        "    g|exists: true\n"
                        "  }\n"
                        "  condition: s\n"
                        "}\n");
    (void)p;
    const gast_map *map = p.unit->rules[0]->selections[0]->alts[0];
    const gast_pred *a = map->preds[0];
    assert_int_equal(a->mod_count, 3);
    assert_int_equal(a->mods[0], GAST_MOD_WIDE);
    assert_int_equal(a->mods[1], GAST_MOD_BASE64OFFSET);
    assert_int_equal(a->mods[2], GAST_MOD_CONTAINS);
    const gast_pred *re = map->preds[1];
    assert_int_equal(re->mod_count, 4);
    assert_int_equal(re->mods[1], GAST_MOD_RE_I);
    assert_int_equal(re->mods[3], GAST_MOD_RE_S);
    assert_true(re->values[0]->raw);
    assert_string_equal(re->values[0]->text, "^a.*b$");
    const gast_pred *alias = map->preds[2];
    assert_int_equal(alias->mods[1], GAST_MOD_RE_I);
    assert_int_equal(alias->mods[2], GAST_MOD_RE_M);
    assert_int_equal(alias->mods[3], GAST_MOD_RE_S);
    assert_int_equal(map->preds[3]->mods[0], GAST_MOD_GTE);
    done(&p);

    /* A bare word is not a predicate value. */
    p = parse("rule r { selection s: { f|fieldref: other.field } condition: s }");
    assert_int_equal(p.errors, 1);
    done(&p);
}

static void test_modifier_table(void **state) {
    (void)state;
    for (int i = 0; i < GAST_MOD__COUNT; i++)
        assert_int_equal(gast_modifier_lookup(gast_modifier_name((gast_modifier)i)), i);
    assert_int_equal(gast_modifier_lookup("utf16le"), GAST_MOD_WIDE);
    assert_int_equal(gast_modifier_lookup("ignorecase"), GAST_MOD_RE_I);
    assert_int_equal(gast_modifier_lookup("multiline"), GAST_MOD_RE_M);
    assert_int_equal(gast_modifier_lookup("dotall"), GAST_MOD_RE_S);
    assert_int_equal(gast_modifier_lookup("contans"), -1);
    assert_string_equal(gast_modifier_name(GAST_MOD_BASE64OFFSET), "base64offset");
}

static void test_values(void **state) {
    (void)state;
    parsed p = parse_ok("list v: [\"a\\tb\", 'it\\'s', \"C:\\Windows\\*\", \"\\u00e9\\u0041\",\n"
                        "  \"\\uD83D\\uDE00\", r\"\\d+\\.\", 403, -1.5, 2e3, 0x17, true, false,\n"
                        "  null, \"\\\\*\"]\n");
    assert_int_equal(p.unit->list_count, 1);
    const gast_list *l = p.unit->lists[0];
    assert_string_equal(l->name, "v");
    assert_int_equal(l->value_count, 14);
    assert_string_equal(l->values[0]->text, "a\tb");
    assert_string_equal(l->values[1]->text, "it's");
    assert_string_equal(l->values[2]->text, "C:\\Windows\\*");
    assert_string_equal(l->values[3]->text, "\xc3\xa9"
                                            "A");
    assert_string_equal(l->values[4]->text, "\xf0\x9f\x98\x80");
    assert_true(l->values[5]->raw);
    assert_string_equal(l->values[5]->text, "\\d+\\.");
    assert_false(l->values[0]->raw);
    assert_int_equal(l->values[6]->kind, GAST_NUMBER);
    assert_true(l->values[6]->number == 403.0);
    assert_string_equal(l->values[6]->text, "403");
    assert_true(l->values[7]->number == -1.5);
    assert_true(l->values[8]->number == 2000.0);
    assert_true(l->values[9]->number == 23.0);
    assert_string_equal(l->values[9]->text, "23");
    assert_int_equal(l->values[10]->kind, GAST_BOOL);
    assert_true(l->values[10]->boolean);
    assert_false(l->values[11]->boolean);
    assert_int_equal(l->values[12]->kind, GAST_NULL);
    assert_string_equal(l->values[13]->text, "\\*");
    assert_int_equal(l->values[6]->loc.line, 2);
    assert_int_equal(l->values[6]->loc.col, 29);
    assert_int_equal(l->values[6]->loc.len, 3);
    done(&p);
}

static void test_paths(void **state) {
    (void)state;
    parsed p = parse_ok("rule r { selection s: {\n"
                        "  a.`b.c`.d: 1\n"
                        "  requestObject.metadata.annotations.`kubernetes.io/psp`: \"x\"\n"
                        "  `c-uri`: \"/x\"\n"
                        "  `rule`: \"Terminal shell in container\"\n"
                        "  items.0.name: \"n\"\n"
                        "} condition: s }");
    const gast_map *m = p.unit->rules[0]->selections[0]->alts[0];
    assert_string_equal(m->preds[0]->field, "a.b.c.d");
    assert_string_equal(m->preds[1]->field, "requestObject.metadata.annotations.kubernetes.io/psp");
    assert_string_equal(m->preds[2]->field, "c-uri");
    assert_string_equal(m->preds[3]->field, "rule");
    assert_string_equal(m->preds[4]->field, "items.0.name");
    done(&p);
}

static void test_condition_tree(void **state) {
    (void)state;
    parsed p = parse_ok("rule r { condition: a or b and not c }\n"
                        "rule q { condition: (a or b) and not not c }\n"
                        "rule o { condition: 1 of sel_* and any of them or all of filter* "
                        "and all of x and true or false }\n");
    const gast_cond *c = p.unit->rules[0]->condition;
    assert_int_equal(c->kind, GAST_COND_OR);
    assert_int_equal(c->left->kind, GAST_COND_REF);
    assert_string_equal(c->left->name, "a");
    assert_int_equal(c->right->kind, GAST_COND_AND);
    assert_int_equal(c->right->right->kind, GAST_COND_NOT);
    assert_string_equal(c->right->right->left->name, "c");

    c = p.unit->rules[1]->condition;
    assert_int_equal(c->kind, GAST_COND_AND);
    assert_int_equal(c->left->kind, GAST_COND_OR);
    assert_int_equal(c->right->kind, GAST_COND_NOT);
    assert_int_equal(c->right->left->kind, GAST_COND_NOT);

    c = p.unit->rules[2]->condition;
    /* ((1 of sel_* and any of them) or (all of filter* and all of x and true)) or false */
    assert_int_equal(c->kind, GAST_COND_OR);
    assert_int_equal(c->right->kind, GAST_COND_FALSE);
    const gast_cond *left = c->left->left;
    assert_int_equal(left->kind, GAST_COND_AND);
    assert_int_equal(left->left->kind, GAST_COND_ONE_OF);
    assert_string_equal(left->left->name, "sel_*");
    assert_int_equal(left->right->kind, GAST_COND_ONE_OF);
    assert_string_equal(left->right->name, "them");
    const gast_cond *right = c->left->right;
    assert_int_equal(right->kind, GAST_COND_AND);
    assert_int_equal(right->right->kind, GAST_COND_TRUE);
    assert_int_equal(right->left->left->kind, GAST_COND_ALL_OF);
    assert_string_equal(right->left->left->name, "filter*");
    assert_string_equal(right->left->right->name, "x");
    done(&p);
}

static void test_inline_predicates(void **state) {
    (void)state;
    parsed p = parse_ok("macro pod_write: verb in [\"create\", \"update\"] and "
                        "objectRef.resource: \"pods\"\n"
                        "rule r { condition: pod_write and image|startswith not in trusted "
                        "and not user.name|contains: [\"a\", \"b\"] and ns not in [\"x\"] }\n");
    assert_int_equal(p.unit->macro_count, 1);
    const gast_macro *m = p.unit->macros[0];
    assert_string_equal(m->name, "pod_write");
    assert_int_equal(m->body->kind, GAST_COND_AND);
    assert_int_equal(m->body->left->kind, GAST_COND_PRED);
    assert_string_equal(m->body->left->pred->field, "verb");
    assert_int_equal(m->body->left->pred->value_count, 2);
    assert_null(m->body->left->pred->list_ref);
    assert_string_equal(m->body->right->pred->field, "objectRef.resource");

    const gast_cond *c = p.unit->rules[0]->condition;
    /* (((pod_write and image...) and not user...) and ns not in [..]) */
    const gast_cond *ns = c->right;
    assert_int_equal(ns->kind, GAST_COND_PRED);
    assert_true(ns->pred->negated);
    assert_int_equal(ns->pred->value_count, 1);
    const gast_cond *user = c->left->right;
    assert_int_equal(user->kind, GAST_COND_NOT);
    assert_int_equal(user->left->pred->mods[0], GAST_MOD_CONTAINS);
    const gast_cond *image = c->left->left->right;
    assert_int_equal(image->kind, GAST_COND_PRED);
    assert_string_equal(image->pred->field, "image");
    assert_string_equal(image->pred->list_ref, "trusted");
    assert_true(image->pred->negated);
    assert_int_equal(image->pred->mods[0], GAST_MOD_STARTSWITH);
    assert_string_equal(c->left->left->left->name, "pod_write");
    done(&p);
}

static void test_comments_and_layout(void **state) {
    (void)state;
    parsed p = parse_ok("// line comment\n# hash comment\n/* block\n comment */\n"
                        "rule r { selection s: { a: 1 } condition: s } /* trailing */\n"
                        "list empty: []\n");
    assert_int_equal(p.unit->rule_count, 1);
    assert_int_equal(p.unit->lists[0]->value_count, 0);
    done(&p);
}

static void test_includes(void **state) {
    (void)state;
    gast_unit *unit = gast_unit_new();
    gdiag_sink *diag = gdiag_new(NULL, 0, 0);
    int errors = gparse_file(unit, "tests/data/parser/main.gantry", diag);
    assert_int_equal(errors, 0);
    assert_string_equal(gdiag_text(diag), "");
    assert_int_equal(unit->file_count, 3);
    assert_int_equal(unit->rule_count, 1);
    assert_int_equal(unit->list_count, 2);
    assert_int_equal(unit->macro_count, 1);
    assert_string_equal(unit->lists[0]->loc.file, "tests/data/parser/lists/common.gantry");
    assert_string_equal(unit->lists[1]->loc.file, "tests/data/parser/lists/more.gantry");
    assert_true(unit->lists[1]->values[1]->number == 23.0);
    /* A file already read (here by include) is not read twice. */
    assert_int_equal(gparse_file(unit, "./tests/data/parser/lists/../lists/common.gantry", diag),
                     0);
    assert_int_equal(unit->list_count, 2);
    assert_int_equal(gparse_file(unit, "tests/data/parser/missing.gantry", diag), 1);
    assert_non_null(strstr(gdiag_text(diag), "error[E009]"));
    gast_unit_free(unit);
    gdiag_free(diag);
}

static void test_include_depth(void **state) {
    (void)state;
    char dir[] = "/tmp/gantry-include-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[512];
    const int files = 40;
    for (int i = 0; i < files; i++) {
        snprintf(path, sizeof path, "%s/f%d.gantry", dir, i);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        if (i + 1 < files)
            fprintf(f, "include \"f%d.gantry\"\n", i + 1);
        fprintf(f, "list l%d: [%d]\n", i, i);
        fclose(f);
    }
    gast_unit *unit = gast_unit_new();
    gdiag_sink *diag = gdiag_new(NULL, 0, 0);
    snprintf(path, sizeof path, "%s/f0.gantry", dir);
    assert_int_equal(gparse_file(unit, path, diag), 1);
    assert_non_null(strstr(gdiag_text(diag), "error[E010]"));
    assert_int_equal(unit->list_count, 33); /* the top file and 32 levels below it */
    gast_unit_free(unit);
    gdiag_free(diag);
    for (int i = 0; i < files; i++) {
        snprintf(path, sizeof path, "%s/f%d.gantry", dir, i);
        unlink(path);
    }
    rmdir(dir);
}

static void test_recovery_reports_every_error(void **state) {
    (void)state;
    parsed p = parse("rule a { selection s: { x: } condition: s }\n"
                     "rule b { selection s: { y: 1 } condition: s }\n"
                     "list l: [1 2]\n"
                     "rule c { condition: s and }\n"
                     "macro m: x\n");
    assert_int_equal(p.errors, 3);
    assert_int_equal(gdiag_error_count(p.diag), 3);
    assert_int_equal(p.unit->rule_count, 1);
    assert_string_equal(p.unit->rules[0]->name, "b");
    assert_int_equal(p.unit->macro_count, 1);
    done(&p);
}

/* `any SCOPE { condition }`: an element scope is a primary, binds like
 * parentheses, and keeps `any of` working beside it. */
static void test_scopes(void **state) {
    (void)state;
    parsed p = parse_ok("rule r { condition: deploy and any container { priv and not "
                        "container.image.name in allow } or any of sel_* }\n"
                        "rule q { condition: not any container { x: 1 } }\n");
    const gast_cond *c = p.unit->rules[0]->condition;
    assert_int_equal(c->kind, GAST_COND_OR);
    assert_int_equal(c->right->kind, GAST_COND_ONE_OF);
    assert_string_equal(c->right->name, "sel_*");
    const gast_cond *scope = c->left->right;
    assert_int_equal(c->left->kind, GAST_COND_AND);
    assert_int_equal(scope->kind, GAST_COND_ANY);
    assert_string_equal(scope->name, "container");
    assert_int_equal(scope->name_loc.line, 1);
    assert_int_equal(scope->name_loc.col, 36);
    assert_int_equal(scope->left->kind, GAST_COND_AND);
    assert_string_equal(scope->left->left->name, "priv");
    assert_int_equal(scope->left->right->kind, GAST_COND_NOT);
    assert_int_equal(scope->left->right->left->kind, GAST_COND_PRED);
    assert_string_equal(scope->left->right->left->pred->list_ref, "allow");
    c = p.unit->rules[1]->condition;
    assert_int_equal(c->kind, GAST_COND_NOT);
    assert_int_equal(c->left->kind, GAST_COND_ANY);
    assert_int_equal(c->left->left->kind, GAST_COND_PRED);
    done(&p);

    /* a scope needs a name and a braced condition */
    p = parse("rule r { condition: any { x } }\nrule s { condition: any container x }\n");
    assert_int_equal(p.errors, 2);
    done(&p);
}

static void test_semantic_syntax_errors(void **state) {
    (void)state;
    parsed p = parse("rule a {\n"
                     "  level: severe\n"
                     "  titel: \"x\"\n"
                     "  title: \"y\"\n"
                     "  title: \"z\"\n"
                     "  logsource: { produkt: k }\n"
                     "  selection s: { f|startwith: \"x\" g not in l }\n"
                     "  condition: 2 of s\n"
                     "}\n");
    assert_int_equal(p.errors, 7);
    const char *text = gdiag_text(p.diag);
    assert_non_null(strstr(text, "error[E014]"));
    assert_non_null(strstr(text, "did you mean `title`?"));
    assert_non_null(strstr(text, "error[E013]"));
    assert_non_null(strstr(text, "did you mean `product`?"));
    assert_non_null(strstr(text, "did you mean `startswith`?"));
    assert_non_null(strstr(text, "error[E017]"));
    assert_non_null(strstr(text, "error[E018]"));
    assert_int_equal(p.unit->rule_count, 1);
    done(&p);
}

static void test_json_diagnostics(void **state) {
    (void)state;
    gast_unit *unit = gast_unit_new();
    gdiag_sink *diag = gdiag_new(NULL, 1, 0);
    const char *text = "rule r { condition: a or }";
    assert_int_equal(gparse_text(unit, "j.gantry", text, strlen(text), diag), 1);
    assert_string_equal(gdiag_text(diag),
                        "{\"file\":\"j.gantry\",\"line\":1,\"col\":26,\"len\":1,\"severity\":"
                        "\"error\",\"code\":\"E006\",\"message\":\"unexpected `}`\"}\n");
    gast_unit_free(unit);
    gdiag_free(diag);
}

static char *repeat(const char *prefix, const char *unit_text, size_t n, const char *suffix) {
    size_t len = strlen(prefix) + strlen(unit_text) * n + strlen(suffix) + 1;
    char *s = malloc(len);
    assert_non_null(s);
    strcpy(s, prefix);
    for (size_t i = 0; i < n; i++)
        strcat(s, unit_text);
    strcat(s, suffix);
    return s;
}

static void test_nesting_limits(void **state) {
    (void)state;
    /* Deep but allowed. */
    char *open = repeat("rule r { condition: ", "(", 150, "a");
    char *text = repeat(open, ")", 150, " }");
    parsed p = parse_ok(text);
    done(&p);
    free(open);
    free(text);

    /* Over the limit: one error, no crash. */
    open = repeat("rule r { condition: ", "not (", 300, "a");
    text = repeat(open, ")", 300, " }\nrule ok { condition: b }");
    p = parse(text);
    assert_int_equal(p.errors, 1);
    assert_non_null(strstr(gdiag_text(p.diag), "error[E011]"));
    assert_int_equal(p.unit->rule_count, 2);
    done(&p);
    free(open);
    free(text);

    /* Far beyond what the parser stack holds. */
    text = repeat("rule r { condition: ", "not ", 50000, "a }");
    p = parse(text);
    assert_true(p.errors >= 1);
    assert_non_null(strstr(gdiag_text(p.diag), "error[E011]"));
    done(&p);
    free(text);
}

static void test_binary_file(void **state) {
    (void)state;
    gast_unit *unit = gast_unit_new();
    gdiag_sink *diag = gdiag_new(NULL, 0, 0);
    const char text[] = "rule r {\n\0\x01\x02 }";
    assert_int_equal(gparse_text(unit, "bin.gantry", text, sizeof text - 1, diag), 1);
    assert_string_equal(gdiag_text(diag), "bin.gantry:2:1: error[E008]: this is not a text "
                                          "file (NUL byte at line 2, column 1)\n"
                                          "        }\n"
                                          "    ^\n");
    assert_int_equal(unit->rule_count, 0);
    gast_unit_free(unit);
    gdiag_free(diag);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule_metadata),
        cmocka_unit_test(test_selection_shapes),
        cmocka_unit_test(test_modifiers),
        cmocka_unit_test(test_modifier_table),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_condition_tree),
        cmocka_unit_test(test_scopes),
        cmocka_unit_test(test_inline_predicates),
        cmocka_unit_test(test_comments_and_layout),
        cmocka_unit_test(test_includes),
        cmocka_unit_test(test_include_depth),
        cmocka_unit_test(test_recovery_reports_every_error),
        cmocka_unit_test(test_semantic_syntax_errors),
        cmocka_unit_test(test_json_diagnostics),
        cmocka_unit_test(test_nesting_limits),
        cmocka_unit_test(test_binary_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
