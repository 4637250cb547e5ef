/* SPDX-License-Identifier: Apache-2.0 */
/* gantry_matcher_set_rule_mask (issue 17): a masked rule neither runs nor
 * reports, with and without the candidate index; NULL runs every rule
 * again; a wrong count is refused; matchers of one pack keep their own
 * masks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compiler.h"
#include "gantry.h"
#include "parse.h"

static const char rules[] = "rule a { title: \"A\" level: low selection s: { verb: \"create\" } "
                            "condition: s }\n"
                            "rule b { title: \"B\" level: high selection s: { verb: \"create\" } "
                            "condition: s }\n"
                            "rule c { title: \"C\" level: low selection s: { user.name|startswith: "
                            "\"al\" } condition: s }\n";
static const char event[] = "{\"verb\":\"create\",\"user\":{\"name\":\"alice\"}}";

static gantry_pack *compile(gantry_optimize optimize) {
    gdiag_sink *diag = gdiag_new(NULL, 0, 0);
    gast_unit *unit = gast_unit_new();
    assert_non_null(diag);
    assert_non_null(unit);
    gparse_text(unit, "tests/rule_mask.gantry", rules, strlen(rules), diag);
    assert_int_equal(gdiag_error_count(diag), 0);
    unsigned char *image = NULL;
    size_t len = 0;
    assert_int_equal(gcomp_compile_unit(unit, diag, NULL, &image, &len, NULL), 0);
    gantry_options options;
    gantry_options_default(&options);
    options.optimize = optimize;
    gantry_pack *pack = NULL;
    assert_int_equal(gantry_pack_load_buffer_opts(image, len, &options, &pack, NULL, 0), GANTRY_OK);
    free(image);
    gast_unit_free(unit);
    gdiag_free(diag);
    return pack;
}

static int record(const gantry_match *m, void *user) {
    *(unsigned *)user |= 1u << m->rule->index;
    return 0;
}

static unsigned run(gantry_matcher *m) {
    unsigned bits = 0;
    assert_int_equal(gantry_match_json(m, event, strlen(event), record, &bits), GANTRY_OK);
    return bits;
}

static void check_pack(gantry_optimize optimize) {
    gantry_pack *pack = compile(optimize);
    assert_int_equal(gantry_pack_rule_count(pack), 3);
    gantry_matcher *m = NULL, *other = NULL;
    assert_int_equal(gantry_matcher_new(pack, &m), GANTRY_OK);
    assert_int_equal(gantry_matcher_new(pack, &other), GANTRY_OK);
    assert_int_equal(run(m), 7u);
    static const uint8_t only_b[3] = {0, 1, 0}, not_b[3] = {1, 0, 1};
    assert_int_equal(gantry_matcher_set_rule_mask(m, only_b, 3), GANTRY_OK);
    assert_int_equal(run(m), 2u);
    assert_int_equal(run(other), 7u); /* masks are per matcher */
    assert_int_equal(gantry_matcher_set_rule_mask(m, not_b, 3), GANTRY_OK);
    assert_int_equal(run(m), 5u);
    assert_int_equal(gantry_matcher_set_rule_mask(m, not_b, 2), GANTRY_E_ARG);
    assert_int_equal(run(m), 5u); /* a refused mask leaves the last one */
    assert_int_equal(gantry_matcher_set_rule_mask(NULL, not_b, 3), GANTRY_E_ARG);
    assert_int_equal(gantry_matcher_set_rule_mask(m, NULL, 0), GANTRY_OK);
    assert_int_equal(run(m), 7u);
    gantry_matcher_free(m);
    gantry_matcher_free(other);
    gantry_pack_free(pack);
}

static void test_mask_indexed(void **state) {
    (void)state;
    check_pack(GANTRY_OPTIMIZE_ALL);
}

static void test_mask_plain(void **state) {
    (void)state;
    check_pack(GANTRY_OPTIMIZE_OFF);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mask_indexed),
        cmocka_unit_test(test_mask_plain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
