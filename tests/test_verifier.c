/* SPDX-License-Identifier: Apache-2.0 */
/* Verifier: hand-made bad bytecode in packs with a valid CRC (the pack
 * writer does not judge instructions, so it can write hostile ones) must be
 * refused with GANTRY_E_VERIFY and a message naming the place. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gantry.h"
#include "gantry_limits.h"
#include "pack_writer.h"

#define INSN(op_, flags_, a_, b_) ((struct gantry_insn){GANTRY_OP_##op_, (flags_), 0, (a_), (b_)})
#define RAW(op_, flags_, a_, b_) ((struct gantry_insn){(op_), (flags_), 0, (a_), (b_)})

/* A pack with one good predicate (P0: EQ on field "f") and one rule made of
 * `code`; `extra_pred` (when op != 0xFF) is added to the predicate table. */
static gantry_status load_rule(const struct gantry_insn *code, size_t n,
                               struct gantry_insn extra_pred, char *err, size_t err_size) {
    gpw *w = gpw_new();
    uint32_t c = gpw_const_string(w, "x", 1);
    uint32_t p0 = gpw_pred(w, INSN(EQ, 0, gpw_field(w, "f"), gpw_list(w, &c, 1)));
    assert_int_equal(p0, 0);
    if (extra_pred.op != 0xFF)
        gpw_pred(w, extra_pred);
    uint32_t first = gpw_code_length(w);
    for (size_t i = 0; i < n; i++)
        gpw_code(w, code[i]);
    gpw_rule r = {.id = "r", .title = "r", .code_first = first, .code_length = (uint32_t)n};
    gpw_rule_add(w, &r);
    unsigned char *img;
    size_t len;
    assert_int_equal(gpw_finish(w, &img, &len), 0);
    gpw_free(w);
    gantry_pack *pack = NULL;
    err[0] = 0;
    gantry_status st = gantry_pack_load_buffer(img, len, &pack, err, err_size);
    gantry_pack_free(pack);
    free(img);
    return st;
}

static const struct gantry_insn NO_PRED = {0xFF, 0, 0, 0, 0};

static void expect_refused(const struct gantry_insn *code, size_t n, struct gantry_insn pred,
                           const char *message_part) {
    char err[256];
    gantry_status st = load_rule(code, n, pred, err, sizeof err);
    if (st != GANTRY_E_VERIFY)
        fail_msg("expected GANTRY_E_VERIFY, got %d (%s)", (int)st, err);
    if (!strstr(err, message_part))
        fail_msg("message \"%s\" lacks \"%s\"", err, message_part);
}

#define CODE(...) ((const struct gantry_insn[]){__VA_ARGS__})
#define N(...) (sizeof((const struct gantry_insn[]){__VA_ARGS__}) / sizeof(struct gantry_insn))
#define REFUSED(part, ...) expect_refused(CODE(__VA_ARGS__), N(__VA_ARGS__), NO_PRED, part)

static void test_good_rule_passes(void **state) {
    (void)state;
    char err[256];
    assert_int_equal(load_rule(CODE(INSN(PRED, 0, 0, 0), INSN(JFALSE, 0, 0, 4), INSN(PRED, 0, 0, 0),
                                    INSN(AND, 0, 0, 0), INSN(RET, 0, 0, 0)),
                               5, NO_PRED, err, sizeof err),
                     GANTRY_OK);
}

static void test_unknown_opcode(void **state) {
    (void)state;
    REFUSED("rule 0 instruction 0: unknown opcode 200", RAW(200, 0, 0, 0), INSN(RET, 0, 0, 0));
    expect_refused(CODE(INSN(TRUE, 0, 0, 0), INSN(RET, 0, 0, 0)), 2, RAW(GANTRY_OP__COUNT, 0, 0, 0),
                   "predicate table instruction 1: unknown opcode");
}

static void test_operand_out_of_range(void **state) {
    (void)state;
    REFUSED("operand b=7 is not a valid predicate", INSN(PRED, 0, 0, 7), INSN(RET, 0, 0, 0));
    REFUSED("operand a=1 is not a valid none", INSN(TRUE, 0, 1, 0), INSN(RET, 0, 0, 0));
    struct gantry_insn t = INSN(TRUE, 0, 0, 0), r = INSN(RET, 0, 0, 0);
    const struct gantry_insn code[] = {t, r};
    expect_refused(code, 2, INSN(EQ, 0, 5, 0), "a=5 is not a valid field");
    expect_refused(code, 2, INSN(EQ, 0, 0, 9), "b=9 is not a valid list");
    expect_refused(code, 2, INSN(REGEX, 0, 0, 0), "b=0 is not a valid regex");
    expect_refused(code, 2, INSN(LT, 0, 0, 40), "b=40 is not a valid constant");
    expect_refused(code, 2, INSN(EXISTS, 0, 0, 2), "b=2 is not a valid bool");
    expect_refused(code, 2, INSN(KEYWORD, 0, GANTRY_OP_REGEX, 0), "not a valid string test");
    expect_refused(code, 2, INSN(ISNULL, 0, 0, 1), "b=1 is not a valid none");
}

static void test_jumps(void **state) {
    (void)state;
    REFUSED("jump to 9 is not forward", INSN(TRUE, 0, 0, 0), INSN(JFALSE, 0, 0, 9),
            INSN(RET, 0, 0, 0));
    REFUSED("jump to 0 is not forward", INSN(TRUE, 0, 0, 0), INSN(JTRUE, 0, 0, 0),
            INSN(RET, 0, 0, 0));
    REFUSED("jump to 1 is not forward", INSN(TRUE, 0, 0, 0), INSN(JTRUE, 0, 0, 1),
            INSN(RET, 0, 0, 0));
    /* the jump lands where the fall-through path has another depth */
    REFUSED("instruction 3: stack depth", INSN(PRED, 0, 0, 0), INSN(JFALSE, 0, 0, 3),
            INSN(PRED, 0, 0, 0), INSN(AND, 0, 0, 0), INSN(RET, 0, 0, 0));
}

static void test_stack_depth(void **state) {
    (void)state;
    REFUSED("instruction 0 (AND): stack underflow", INSN(AND, 0, 0, 0), INSN(RET, 0, 0, 0));
    REFUSED("instruction 0 (RET): stack underflow", INSN(RET, 0, 0, 0));
    REFUSED("RET leaves 1 values", INSN(TRUE, 0, 0, 0), INSN(TRUE, 0, 0, 0), INSN(RET, 0, 0, 0));

    size_t n = GANTRY_MAX_STACK + 2;
    struct gantry_insn *code = calloc(n, sizeof *code);
    for (size_t i = 0; i < n - 1; i++)
        code[i] = INSN(TRUE, 0, 0, 0);
    code[n - 1] = INSN(RET, 0, 0, 0);
    expect_refused(code, n, NO_PRED, "stack deeper than 256");
    free(code);
}

static void test_missing_ret(void **state) {
    (void)state;
    REFUSED("does not end in RET", INSN(TRUE, 0, 0, 0));
    REFUSED("RET before the end", INSN(TRUE, 0, 0, 0), INSN(RET, 0, 0, 0), INSN(TRUE, 0, 0, 0));
    expect_refused(NULL, 0, NO_PRED, "code slice");
}

static void test_wrong_table(void **state) {
    (void)state;
    REFUSED("rule 0 instruction 0: opcode EQ does not belong", INSN(EQ, 0, 0, 0),
            INSN(RET, 0, 0, 0));
    const struct gantry_insn code[] = {INSN(TRUE, 0, 0, 0), INSN(RET, 0, 0, 0)};
    expect_refused(code, 2, INSN(TRUE, 0, 0, 0),
                   "predicate table instruction 1: opcode TRUE does not belong");
}

/* Element scopes: ANY field ->after, body, ANY_END <-body start. P1 is the
 * scoped twin of P0. */
#define SCOPED_P1 INSN(EQ, GANTRY_PF_SCOPED, 0, 0)
#define REFUSED_SCOPE(part, ...) expect_refused(CODE(__VA_ARGS__), N(__VA_ARGS__), SCOPED_P1, part)

static void test_scopes(void **state) {
    (void)state;
    char err[256];
    /* good: one scope; a scope beside a flat test with a short circuit */
    assert_int_equal(load_rule(CODE(INSN(ANY, 0, 0, 3), INSN(PRED, 0, 0, 1), INSN(ANY_END, 0, 0, 1),
                                    INSN(RET, 0, 0, 0)),
                               4, SCOPED_P1, err, sizeof err),
                     GANTRY_OK);
    assert_int_equal(load_rule(CODE(INSN(PRED, 0, 0, 0), INSN(JFALSE, 0, 0, 8), INSN(ANY, 0, 0, 7),
                                    INSN(PRED, 0, 0, 1), INSN(JFALSE, 0, 0, 6), INSN(PRED, 0, 0, 0),
                                    INSN(ANY_END, 0, 0, 3), INSN(AND, 0, 0, 0), INSN(RET, 0, 0, 0)),
                               9, SCOPED_P1, err, sizeof err),
                     GANTRY_E_VERIFY); /* JFALSE at 4 lands on 6 with depth 1, AND at 5 missing */
    assert_int_equal(load_rule(CODE(INSN(PRED, 0, 0, 0), INSN(JFALSE, 0, 0, 9), INSN(ANY, 0, 0, 8),
                                    INSN(PRED, 0, 0, 1), INSN(JFALSE, 0, 0, 7), INSN(PRED, 0, 0, 0),
                                    INSN(AND, 0, 0, 0), INSN(ANY_END, 0, 0, 3), INSN(AND, 0, 0, 0),
                                    INSN(RET, 0, 0, 0)),
                               10, SCOPED_P1, err, sizeof err),
                     GANTRY_OK);

    REFUSED_SCOPE("scopes do not nest", INSN(ANY, 0, 0, 5), INSN(ANY, 0, 0, 4), INSN(PRED, 0, 0, 1),
                  INSN(ANY_END, 0, 0, 2), INSN(ANY_END, 0, 0, 1), INSN(RET, 0, 0, 0));
    REFUSED_SCOPE("(ANY_END): no scope is open", INSN(TRUE, 0, 0, 0), INSN(ANY_END, 0, 0, 1),
                  INSN(RET, 0, 0, 0));
    REFUSED_SCOPE("not just after this ANY_END", INSN(ANY, 0, 0, 4), INSN(PRED, 0, 0, 1),
                  INSN(ANY_END, 0, 0, 1), INSN(NOT, 0, 0, 0), INSN(RET, 0, 0, 0));
    REFUSED_SCOPE("loops back to 0", INSN(ANY, 0, 0, 3), INSN(PRED, 0, 0, 1),
                  INSN(ANY_END, 0, 0, 0), INSN(RET, 0, 0, 0));
    REFUSED_SCOPE("the body leaves 2 values", INSN(ANY, 0, 0, 4), INSN(PRED, 0, 0, 1),
                  INSN(PRED, 0, 0, 1), INSN(ANY_END, 0, 0, 1), INSN(AND, 0, 0, 0),
                  INSN(RET, 0, 0, 0));
    REFUSED_SCOPE("jump to 6 leaves the scope", INSN(TRUE, 0, 0, 0), INSN(ANY, 0, 0, 5),
                  INSN(PRED, 0, 0, 1), INSN(JTRUE, 0, 0, 6), INSN(ANY_END, 0, 0, 2),
                  INSN(AND, 0, 0, 0), INSN(RET, 0, 0, 0));
    REFUSED_SCOPE("an earlier jump lands inside its body", INSN(TRUE, 0, 0, 0),
                  INSN(JFALSE, 0, 0, 3), INSN(ANY, 0, 0, 5), INSN(PRED, 0, 0, 1),
                  INSN(ANY_END, 0, 0, 3), INSN(AND, 0, 0, 0), INSN(RET, 0, 0, 0));
    REFUSED_SCOPE("scoped predicate 1 outside a scope", INSN(PRED, 0, 0, 1), INSN(RET, 0, 0, 0));
    REFUSED_SCOPE("RET inside the scope", INSN(ANY, 0, 0, 3), INSN(TRUE, 0, 0, 0),
                  INSN(RET, 0, 0, 0), INSN(RET, 0, 0, 0));
    REFUSED_SCOPE("leaves no body", INSN(ANY, 0, 0, 1), INSN(RET, 0, 0, 0));
    REFUSED_SCOPE("a=9 is not a valid field", INSN(ANY, 0, 9, 3), INSN(PRED, 0, 0, 1),
                  INSN(ANY_END, 0, 0, 1), INSN(RET, 0, 0, 0));
    /* the scoped flag needs a field to read from the element */
    const struct gantry_insn code[] = {INSN(TRUE, 0, 0, 0), INSN(RET, 0, 0, 0)};
    expect_refused(code, 2, INSN(KEYWORD, GANTRY_PF_SCOPED, GANTRY_OP_EQ, 0), "flag bits 0x20");
    /* CTRL instructions take no flags, ANY included */
    REFUSED_SCOPE("flag bits 0x20", INSN(ANY, GANTRY_PF_SCOPED, 0, 3), INSN(PRED, 0, 0, 1),
                  INSN(ANY_END, 0, 0, 1), INSN(RET, 0, 0, 0));
}

static void test_flags_and_reserved(void **state) {
    (void)state;
    const struct gantry_insn code[] = {INSN(TRUE, 0, 0, 0), INSN(RET, 0, 0, 0)};
    expect_refused(code, 2, INSN(EQ, 0x80, 0, 0), "flag bits 0x80");
    expect_refused(code, 2, INSN(EQ, GANTRY_PF_FR_CONTAINS, 0, 0), "flag bits");
    expect_refused(code, 2, INSN(FIELDREF, GANTRY_PF_FR_STARTS | GANTRY_PF_FR_ENDS, 0, 0),
                   "flag bits");
    REFUSED("flag bits 0x1", INSN(TRUE, GANTRY_PF_CASED, 0, 0), INSN(RET, 0, 0, 0));
    struct gantry_insn reserved = INSN(TRUE, 0, 0, 0);
    reserved.reserved = 1;
    REFUSED("reserved bits", reserved, INSN(RET, 0, 0, 0));
    char err[256];
    assert_int_equal(load_rule(code, 2, INSN(FIELDREF, GANTRY_PF_FR_ENDS | GANTRY_PF_CASED, 0, 0),
                               err, sizeof err),
                     GANTRY_OK);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_rule_passes),
        cmocka_unit_test(test_unknown_opcode),
        cmocka_unit_test(test_operand_out_of_range),
        cmocka_unit_test(test_jumps),
        cmocka_unit_test(test_stack_depth),
        cmocka_unit_test(test_missing_ret),
        cmocka_unit_test(test_wrong_table),
        cmocka_unit_test(test_flags_and_reserved),
        cmocka_unit_test(test_scopes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
