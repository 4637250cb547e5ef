/* SPDX-License-Identifier: Apache-2.0 */
/* VM and matcher: every opcode, on small packs built with the pack writer
 * and small JSON events. Each rule is named after what it tests; a case
 * lists the rules an event must match. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gantry.h"
#include "pack_writer.h"

#define INSN(op_, flags_, a_, b_) ((struct gantry_insn){GANTRY_OP_##op_, (flags_), 0, (a_), (b_)})

/* Adds a rule whose code is PRED p; RET. */
static void rule_pred(gpw *w, const char *id, uint32_t pred) {
    uint32_t first = gpw_code(w, INSN(PRED, 0, 0, pred));
    gpw_code(w, INSN(RET, 0, 0, 0));
    gpw_rule r = {
        .id = id, .title = id, .level = GANTRY_LEVEL_MEDIUM, .code_first = first, .code_length = 2};
    assert_int_not_equal(gpw_rule_add(w, &r), GPW_FAIL);
}

static uint32_t list_of(gpw *w, const char *const *items, size_t n) {
    uint32_t c[16];
    assert_true(n <= 16);
    for (size_t i = 0; i < n; i++)
        c[i] = gpw_const_string(w, items[i], strlen(items[i]));
    return gpw_list(w, c, n);
}

/* A string-test predicate on a field with one or more string items. */
static uint32_t pred_str(gpw *w, unsigned op, unsigned flags, const char *field,
                         const char *const *items, size_t n) {
    struct gantry_insn in = {(uint8_t)op, (uint8_t)flags, 0, gpw_field(w, field),
                             list_of(w, items, n)};
    return gpw_pred(w, in);
}

static uint32_t pred_list(gpw *w, unsigned op, unsigned flags, const char *field, uint32_t c) {
    struct gantry_insn in = {(uint8_t)op, (uint8_t)flags, 0, gpw_field(w, field),
                             gpw_list(w, &c, 1)};
    return gpw_pred(w, in);
}

static gantry_pack *finish(gpw *w) {
    unsigned char *img = NULL;
    size_t len = 0;
    assert_int_equal(gpw_finish(w, &img, &len), 0);
    gpw_free(w);
    gantry_pack *pack = NULL;
    char err[256] = "";
    gantry_status st = gantry_pack_load_buffer(img, len, &pack, err, sizeof err);
    if (st != GANTRY_OK)
        fail_msg("load failed: %s", err);
    free(img);
    return pack;
}

typedef struct hits {
    char ids[1024];
} hits;

static int collect(const gantry_match *m, void *user) {
    hits *h = user;
    if (h->ids[0])
        strncat(h->ids, ",", sizeof h->ids - strlen(h->ids) - 1);
    strncat(h->ids, m->rule->id, sizeof h->ids - strlen(h->ids) - 1);
    return 0;
}

/* Matches one event; returns the comma-joined ids of the rules it matched. */
static const char *run(gantry_matcher *m, const char *json, gantry_status expect) {
    static hits h;
    h.ids[0] = 0;
    assert_int_equal(gantry_match_json(m, json, strlen(json), collect, &h), expect);
    return h.ids;
}

#define EXPECT(m, json, ids) assert_string_equal(run((m), (json), GANTRY_OK), (ids))

static void test_eq_strings_and_case(void **state) {
    (void)state;
    gpw *w = gpw_new();
    rule_pred(w, "eq", pred_str(w, GANTRY_OP_EQ, 0, "a.b", (const char *[]){"foo"}, 1));
    rule_pred(w, "cased",
              pred_str(w, GANTRY_OP_EQ, GANTRY_PF_CASED, "a.b", (const char *[]){"Foo"}, 1));
    rule_pred(w, "any", pred_str(w, GANTRY_OP_EQ, 0, "a.b", (const char *[]){"x", "bar"}, 2));
    gantry_pack *p = finish(w);
    gantry_matcher *m;
    assert_int_equal(gantry_matcher_new(p, &m), GANTRY_OK);
    EXPECT(m, "{\"a\":{\"b\":\"FOO\"}}", "eq");
    EXPECT(m, "{\"a\":{\"b\":\"Foo\"}}", "eq,cased");
    EXPECT(m, "{\"a\":{\"b\":\"BAR\"}}", "any");
    EXPECT(m, "{\"a\":{\"b\":\"foox\"}}", "");
    EXPECT(m, "{\"a\":\"foo\"}", "");
    gantry_matcher_free(m);
    gantry_pack_free(p);
}

static void test_paths(void **state) {
    (void)state;
    gpw *w = gpw_new();
    rule_pred(w, "array_mid", pred_str(w, GANTRY_OP_EQ, 0, "items.name", (const char *[]){"x"}, 1));
    rule_pred(w, "array_end", pred_str(w, GANTRY_OP_EQ, 0, "tags", (const char *[]){"b"}, 1));
    rule_pred(w, "flat",
              pred_str(w, GANTRY_OP_EQ, 0, "container.image.name", (const char *[]){"nginx"}, 1));
    rule_pred(w, "mixed",
              pred_str(w, GANTRY_OP_EQ, 0, "annotations.authorization.k8s.io/decision",
                       (const char *[]){"allow"}, 1));
    rule_pred(w, "nested_arrays",
              pred_str(w, GANTRY_OP_EQ, 0, "m.n.o", (const char *[]){"deep"}, 1));
    gantry_pack *p = finish(w);
    gantry_matcher *m;
    assert_int_equal(gantry_matcher_new(p, &m), GANTRY_OK);
    EXPECT(m, "{\"items\":[{\"name\":\"y\"},{\"name\":\"x\"}]}", "array_mid");
    EXPECT(m, "{\"items\":[{\"name\":\"y\"}]}", "");
    EXPECT(m, "{\"tags\":[\"a\",\"b\"]}", "array_end");
    EXPECT(m, "{\"container.image.name\":\"nginx\"}", "flat");
    EXPECT(m, "{\"container\":{\"image\":{\"name\":\"nginx\"}}}", "flat");
    EXPECT(m, "{\"container\":{\"image.name\":\"nginx\"}}", "flat");
    EXPECT(m, "{\"annotations\":{\"authorization.k8s.io/decision\":\"allow\"}}", "mixed");
    EXPECT(m, "{\"m\":[[{\"n\":[{\"o\":\"no\"},{\"o\":\"deep\"}]}]]}", "nested_arrays");
    /* the longer key wins only when it yields values */
    EXPECT(m, "{\"container.image\":{},\"container\":{\"image\":{\"name\":\"nginx\"}}}", "flat");
    gantry_matcher_free(m);
    gantry_pack_free(p);
}

static void test_missing_and_types(void **state) {
    (void)state;
    gpw *w = gpw_new();
    uint32_t f = gpw_field(w, "f");
    rule_pred(w, "eq", pred_str(w, GANTRY_OP_EQ, 0, "f", (const char *[]){"x"}, 1));
    rule_pred(w, "exists", gpw_pred(w, INSN(EXISTS, 0, f, 1)));
    rule_pred(w, "absent", gpw_pred(w, INSN(EXISTS, 0, f, 0)));
    rule_pred(w, "isnull", gpw_pred(w, INSN(ISNULL, 0, f, 0)));
    rule_pred(w, "eqnull", pred_list(w, GANTRY_OP_EQ, 0, "f", gpw_const_null(w)));
    rule_pred(w, "eqtrue", pred_list(w, GANTRY_OP_EQ, 0, "f", gpw_const_bool(w, true)));
    rule_pred(w, "eqtruestr", pred_str(w, GANTRY_OP_EQ, 0, "f", (const char *[]){"true"}, 1));
    gantry_pack *p = finish(w);
    gantry_matcher *m;
    assert_int_equal(gantry_matcher_new(p, &m), GANTRY_OK);
    EXPECT(m, "{}", "absent,isnull");
    EXPECT(m, "{\"f\":null}", "exists,isnull,eqnull");
    EXPECT(m, "{\"f\":\"x\"}", "eq,exists");
    EXPECT(m, "{\"f\":{\"x\":1}}", "exists");
    EXPECT(m, "{\"f\":[]}", "absent,isnull");
    EXPECT(m, "{\"f\":true}", "exists,eqtrue,eqtruestr");
    EXPECT(m, "{\"f\":\"TRUE\"}", "exists,eqtrue,eqtruestr");
    EXPECT(m, "{\"f\":\"null\"}", "exists");
    EXPECT(m, "{\"f\":false}", "exists");
    assert_string_equal(run(m, "[1,2]", GANTRY_E_JSON), "");
    assert_string_equal(run(m, "{\"f\":", GANTRY_E_JSON), "");
    gantry_matcher_free(m);
    gantry_pack_free(p);
}

static void test_numbers_and_strings(void **state) {
    (void)state;
    gpw *w = gpw_new();
    rule_pred(w, "num", pred_list(w, GANTRY_OP_EQ, 0, "code", gpw_const_number(w, 403, "403")));
    rule_pred(w, "str", pred_str(w, GANTRY_OP_EQ, 0, "code", (const char *[]){"403"}, 1));
    rule_pred(w, "half", pred_str(w, GANTRY_OP_EQ, 0, "code", (const char *[]){"1.5"}, 1));
    uint32_t code = gpw_field(w, "code");
    uint32_t ten = gpw_const_number(w, 10, "10");
    rule_pred(w, "lt", gpw_pred(w, INSN(LT, 0, code, ten)));
    rule_pred(w, "lte", gpw_pred(w, INSN(LTE, 0, code, ten)));
    rule_pred(w, "gt", gpw_pred(w, INSN(GT, 0, code, ten)));
    rule_pred(w, "gte", gpw_pred(w, INSN(GTE, 0, code, ten)));
    gantry_pack *p = finish(w);
    gantry_matcher *m;
    assert_int_equal(gantry_matcher_new(p, &m), GANTRY_OK);
    EXPECT(m, "{\"code\":403}", "num,str,gt,gte");
    EXPECT(m, "{\"code\":\"403\"}", "num,str,gt,gte");
    EXPECT(m, "{\"code\":403.0}", "num,str,gt,gte");
    EXPECT(m, "{\"code\":\"403x\"}", "");
    EXPECT(m, "{\"code\":\" 403\"}", "");
    EXPECT(m, "{\"code\":1.5}", "half,lt,lte");
    EXPECT(m, "{\"code\":10}", "lte,gte");
    EXPECT(m, "{\"code\":\"9.5\"}", "lt,lte");
    EXPECT(m, "{\"code\":[1,403]}", "num,str,lt,lte,gt,gte");
    EXPECT(m, "{\"code\":true}", "");
    gantry_matcher_free(m);
    gantry_pack_free(p);
}

static void test_substrings_glob_all(void **state) {
    (void)state;
    gpw *w = gpw_new();
    rule_pred(w, "contains", pred_str(w, GANTRY_OP_CONTAINS, 0, "s", (const char *[]){"mid"}, 1));
    rule_pred(w, "starts", pred_str(w, GANTRY_OP_STARTSWITH, 0, "s", (const char *[]){"pre"}, 1));
    rule_pred(w, "ends", pred_str(w, GANTRY_OP_ENDSWITH, 0, "s", (const char *[]){"end"}, 1));
    rule_pred(w, "glob", pred_str(w, GANTRY_OP_GLOB, 0, "s", (const char *[]){"pre*e?d"}, 1));
    rule_pred(w, "escaped",
              pred_str(w, GANTRY_OP_GLOB, 0, "s", (const char *[]){"a\\*b\\?c\\\\"}, 1));
    rule_pred(w, "all",
              pred_str(w, GANTRY_OP_CONTAINS, GANTRY_PF_ALL, "s", (const char *[]){"x1", "x2"}, 2));
    gantry_pack *p = finish(w);
    gantry_matcher *m;
    assert_int_equal(gantry_matcher_new(p, &m), GANTRY_OK);
    EXPECT(m, "{\"s\":\"PRE-MID-END\"}", "contains,starts,ends,glob");
    EXPECT(m, "{\"s\":\"preXend\"}", "starts,ends,glob");
    EXPECT(m, "{\"s\":\"preXead\"}", "starts,glob");
    EXPECT(m, "{\"s\":\"a*b?c\\\\\"}", "escaped");
    EXPECT(m, "{\"s\":\"aXbYc\\\\\"}", "");
    EXPECT(m, "{\"s\":\"x2 and X1\"}", "all");
    EXPECT(m, "{\"s\":[\"x2\",\"x1\"]}", "all");
    EXPECT(m, "{\"s\":\"x2 only\"}", "");
    gantry_matcher_free(m);
    gantry_pack_free(p);
}

static void test_cidr(void **state) {
    (void)state;
    gpw *w = gpw_new();
    rule_pred(w, "v4", pred_str(w, GANTRY_OP_CIDR, 0, "ip", (const char *[]){"10.0.0.0/8"}, 1));
    rule_pred(w, "v6", pred_str(w, GANTRY_OP_CIDR, 0, "ip", (const char *[]){"fd00::/8"}, 1));
    rule_pred(w, "host",
              pred_str(w, GANTRY_OP_CIDR, 0, "ip", (const char *[]){"192.168.1.7/32"}, 1));
    gantry_pack *p = finish(w);
    gantry_matcher *m;
    assert_int_equal(gantry_matcher_new(p, &m), GANTRY_OK);
    EXPECT(m, "{\"ip\":\"10.1.2.3\"}", "v4");
    EXPECT(m, "{\"ip\":\"11.0.0.1\"}", "");
    EXPECT(m, "{\"ip\":\"fd12::1\"}", "v6");
    EXPECT(m, "{\"ip\":\"fe80::1\"}", "");
    EXPECT(m, "{\"ip\":\"192.168.1.7\"}", "host");
    EXPECT(m, "{\"ip\":\"192.168.1.8\"}", "");
    EXPECT(m, "{\"ip\":\"not an address\"}", "");
    EXPECT(m, "{\"ip\":[\"1.1.1.1\",\"10.9.9.9\"]}", "v4");
    gantry_matcher_free(m);
    gantry_pack_free(p);

    /* a list item that is not a network refuses the pack at load */
    w = gpw_new();
    rule_pred(w, "bad", pred_str(w, GANTRY_OP_CIDR, 0, "ip", (const char *[]){"10.0.0.0/33"}, 1));
    unsigned char *img;
    size_t len;
    assert_int_equal(gpw_finish(w, &img, &len), 0);
    gpw_free(w);
    assert_int_equal(gantry_pack_load_buffer(img, len, &p, NULL, 0), GANTRY_E_VERIFY);
    free(img);
}

static void test_regex(void **state) {
    (void)state;
    gpw *w = gpw_new();
    uint32_t s = gpw_field(w, "s");
    rule_pred(w, "plain", gpw_pred(w, INSN(REGEX, 0, s, gpw_regex(w, "^ab.c$", 0))));
    rule_pred(w, "i", gpw_pred(w, INSN(REGEX, 0, s, gpw_regex(w, "^ab.c$", GANTRY_RE_I))));
    rule_pred(w, "m", gpw_pred(w, INSN(REGEX, 0, s, gpw_regex(w, "^b$", GANTRY_RE_M))));
    rule_pred(w, "s", gpw_pred(w, INSN(REGEX, 0, s, gpw_regex(w, "^a.b$", GANTRY_RE_S))));
    rule_pred(w, "num", gpw_pred(w, INSN(REGEX, 0, s, gpw_regex(w, "^4\\d\\d$", 0))));
    rule_pred(w, "evil", gpw_pred(w, INSN(REGEX, 0, s, gpw_regex(w, "^(a+)+$", 0))));
    rule_pred(w, "other", pred_str(w, GANTRY_OP_STARTSWITH, 0, "s", (const char *[]){"aaa"}, 1));
    gantry_pack *p = finish(w);
    gantry_matcher *m;
    assert_int_equal(gantry_matcher_new(p, &m), GANTRY_OK);
    EXPECT(m, "{\"s\":\"abxc\"}", "plain,i");
    EXPECT(m, "{\"s\":\"ABXC\"}", "i");
    EXPECT(m, "{\"s\":\"a\\nb\"}", "m,s");
    EXPECT(m, "{\"s\":403}", "num");
    /* catastrophic backtracking: the limit ends it, the other rules still run */
    char ev[128] = "{\"s\":\"";
    memset(ev + strlen(ev), 'a', 40);
    strcat(ev, "!\"}");
    assert_string_equal(run(m, ev, GANTRY_E_REGEX_LIMIT), "other");
    /* the next event starts clean */
    EXPECT(m, "{\"s\":\"aaaa\"}", "evil,other");
    gantry_matcher_free(m);
    gantry_pack_free(p);

    w = gpw_new();
    rule_pred(w, "bad", gpw_pred(w, INSN(REGEX, 0, gpw_field(w, "s"), gpw_regex(w, "(", 0))));
    unsigned char *img;
    size_t len;
    assert_int_equal(gpw_finish(w, &img, &len), 0);
    gpw_free(w);
    char err[200];
    assert_int_equal(gantry_pack_load_buffer(img, len, &p, err, sizeof err), GANTRY_E_REGEX);
    assert_non_null(strstr(err, "regex 0"));
    free(img);
}

static void test_keyword_and_fieldref(void **state) {
    (void)state;
    gpw *w = gpw_new();
    rule_pred(
        w, "kw",
        gpw_pred(w, INSN(KEYWORD, 0, GANTRY_OP_CONTAINS, list_of(w, (const char *[]){"evil"}, 1))));
    rule_pred(w, "kw_all",
              gpw_pred(w, INSN(KEYWORD, GANTRY_PF_ALL, GANTRY_OP_EQ,
                               list_of(w, (const char *[]){"x", "y"}, 2))));
    uint32_t a = gpw_field(w, "a"), b = gpw_field(w, "b");
    rule_pred(w, "fr_eq", gpw_pred(w, INSN(FIELDREF, 0, a, b)));
    rule_pred(w, "fr_contains", gpw_pred(w, INSN(FIELDREF, GANTRY_PF_FR_CONTAINS, a, b)));
    rule_pred(w, "fr_starts", gpw_pred(w, INSN(FIELDREF, GANTRY_PF_FR_STARTS, a, b)));
    rule_pred(w, "fr_ends", gpw_pred(w, INSN(FIELDREF, GANTRY_PF_FR_ENDS, a, b)));
    rule_pred(w, "fr_cased", gpw_pred(w, INSN(FIELDREF, GANTRY_PF_CASED, a, b)));
    gantry_pack *p = finish(w);
    gantry_matcher *m;
    assert_int_equal(gantry_matcher_new(p, &m), GANTRY_OK);
    EXPECT(m, "{\"q\":{\"r\":[1,{\"t\":\"so EVIL\"}]}}", "kw");
    EXPECT(m, "{\"evil\":1}", "");
    EXPECT(m, "{\"p\":\"X\",\"q\":[\"y\"]}", "kw_all");
    EXPECT(m, "{\"a\":\"Root\",\"b\":\"root\"}", "fr_eq,fr_contains,fr_starts,fr_ends");
    EXPECT(m, "{\"a\":\"root\",\"b\":\"root\"}", "fr_eq,fr_contains,fr_starts,fr_ends,fr_cased");
    EXPECT(m, "{\"a\":\"xrooty\",\"b\":\"ROOT\"}", "fr_contains");
    EXPECT(m, "{\"a\":\"rooty\",\"b\":\"root\"}", "fr_contains,fr_starts");
    EXPECT(m, "{\"a\":[\"q\",\"xroot\"],\"b\":\"root\"}", "fr_contains,fr_ends");
    EXPECT(m, "{\"a\":7,\"b\":\"7\"}", "fr_eq,fr_contains,fr_starts,fr_ends,fr_cased");
    EXPECT(m, "{\"a\":\"x\"}", "");
    gantry_matcher_free(m);
    gantry_pack_free(p);
}

/* Rule code: every control opcode, with short-circuit jumps. */
static void test_control(void **state) {
    (void)state;
    gpw *w = gpw_new();
    uint32_t pa = pred_str(w, GANTRY_OP_EQ, 0, "a", (const char *[]){"1"}, 1);
    uint32_t pb = pred_str(w, GANTRY_OP_EQ, 0, "b", (const char *[]){"1"}, 1);
    struct {
        const char *id;
        struct gantry_insn code[8];
        uint32_t n;
    } rules[] = {
        {"and",
         {INSN(PRED, 0, 0, pa), INSN(JFALSE, 0, 0, 4), INSN(PRED, 0, 0, pb), INSN(AND, 0, 0, 0),
          INSN(RET, 0, 0, 0)},
         5},
        {"or",
         {INSN(PRED, 0, 0, pa), INSN(JTRUE, 0, 0, 4), INSN(PRED, 0, 0, pb), INSN(OR, 0, 0, 0),
          INSN(RET, 0, 0, 0)},
         5},
        {"not_a", {INSN(PRED, 0, 0, pa), INSN(NOT, 0, 0, 0), INSN(RET, 0, 0, 0)}, 3},
        {"true", {INSN(TRUE, 0, 0, 0), INSN(RET, 0, 0, 0)}, 2},
        {"false", {INSN(FALSE, 0, 0, 0), INSN(RET, 0, 0, 0)}, 2},
        {"a_and_not_b",
         {INSN(PRED, 0, 0, pa), INSN(PRED, 0, 0, pb), INSN(NOT, 0, 0, 0), INSN(AND, 0, 0, 0),
          INSN(RET, 0, 0, 0)},
         5},
    };
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        uint32_t first = gpw_code_length(w);
        for (uint32_t k = 0; k < rules[i].n; k++) {
            /* jump targets index the rule's own slice */
            gpw_code(w, rules[i].code[k]);
        }
        gpw_rule r = {.id = rules[i].id,
                      .title = rules[i].id,
                      .code_first = first,
                      .code_length = rules[i].n};
        gpw_rule_add(w, &r);
    }
    gantry_pack *p = finish(w);
    gantry_matcher *m;
    assert_int_equal(gantry_matcher_new(p, &m), GANTRY_OK);
    EXPECT(m, "{\"a\":\"1\",\"b\":\"1\"}", "and,or,true");
    EXPECT(m, "{\"a\":\"1\"}", "or,true,a_and_not_b");
    EXPECT(m, "{\"b\":\"1\"}", "or,not_a,true");
    EXPECT(m, "{}", "not_a,true");
    gantry_matcher_free(m);
    gantry_pack_free(p);
}

static int stop_first(const gantry_match *mt, void *user) {
    (void)mt;
    (*(int *)user)++;
    return 1;
}

static void test_callback_stop_and_reuse(void **state) {
    (void)state;
    gpw *w = gpw_new();
    uint32_t pr = pred_str(w, GANTRY_OP_CONTAINS, 0, "s", (const char *[]){"a"}, 1);
    rule_pred(w, "r1", pr);
    rule_pred(w, "r2", pr);
    gantry_pack *p = finish(w);
    gantry_matcher *m;
    assert_int_equal(gantry_matcher_new(p, &m), GANTRY_OK);
    int calls = 0;
    assert_int_equal(gantry_match_json(m, "{\"s\":\"a\"}", 9, stop_first, &calls), GANTRY_OK);
    assert_int_equal(calls, 1);
    /* memoised results never leak from one event into the next */
    for (int i = 0; i < 200; i++) {
        EXPECT(m, "{\"s\":\"abc\"}", "r1,r2");
        EXPECT(m, "{\"s\":\"xyz\"}", "");
    }
    gantry_matcher_free(m);
    gantry_pack_free(p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eq_strings_and_case),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_missing_and_types),
        cmocka_unit_test(test_numbers_and_strings),
        cmocka_unit_test(test_substrings_glob_all),
        cmocka_unit_test(test_cidr),
        cmocka_unit_test(test_regex),
        cmocka_unit_test(test_keyword_and_fieldref),
        cmocka_unit_test(test_control),
        cmocka_unit_test(test_callback_stop_and_reuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
