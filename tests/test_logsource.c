/* Logsource dispatch (docs/language.md, "logsource"): a rule whose logsource
 * names a product only runs on events from sources carrying that product;
 * events of an unrecognised source (no event.module, "json", anything else)
 * run every rule, and so do rules without a product. Dispatch is semantics,
 * so each case runs with GANTRY_OPTIMIZE_OFF, by default, and with the
 * candidate index forced on (GANTRY_OPTIMIZE_ALL), and must give the same
 * answer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gantry.h"
#include "gantry_cjson.h"
#include "pack_writer.h"

#define INSN(op_, flags_, a_, b_) ((struct gantry_insn){GANTRY_OP_##op_, (flags_), 0, (a_), (b_)})

static const gantry_optimize modes[] = {GANTRY_OPTIMIZE_OFF, GANTRY_OPTIMIZE_DEFAULT,
                                        GANTRY_OPTIMIZE_ALL};
static const char *const mode_names[] = {"off", "default", "all"};
/* The option load() passes: each test loops over modes[]. */
static gantry_optimize load_mode = GANTRY_OPTIMIZE_DEFAULT;

static uint32_t pred_eq(gpw *w, unsigned op, const char *field, const char *value) {
    uint32_t c = gpw_const_string(w, value, strlen(value));
    struct gantry_insn in = {(uint8_t)op, 0, 0, gpw_field(w, field), gpw_list(w, &c, 1)};
    return gpw_pred(w, in);
}

/* A rule "PRED p; RET" with the given logsource product (NULL: none). */
static void rule_on(gpw *w, const char *id, const char *product, uint32_t pred) {
    uint32_t first = gpw_code(w, INSN(PRED, 0, 0, pred));
    gpw_code(w, INSN(RET, 0, 0, 0));
    gpw_rule r = {.id = id,
                  .title = id,
                  .level = GANTRY_LEVEL_MEDIUM,
                  .product = product,
                  .code_first = first,
                  .code_length = 2};
    assert_int_not_equal(gpw_rule_add(w, &r), GPW_FAIL);
}

static gantry_pack *load(gpw *w) {
    unsigned char *img = NULL;
    size_t len = 0;
    assert_int_equal(gpw_finish(w, &img, &len), 0);
    gpw_free(w);
    gantry_pack *pack = NULL;
    char err[256] = "";
    gantry_options opt;
    gantry_options_default(&opt);
    opt.optimize = load_mode;
    if (gantry_pack_load_buffer_opts(img, len, &opt, &pack, err, sizeof err) != GANTRY_OK)
        fail_msg("load failed: %s", err);
    free(img);
    return pack;
}

/* Every rule reads `verb`; one Windows rule and one rule without a product
 * read a Windows field through a substring predicate, so the candidate index
 * has an entry that only Windows rules use. */
static gantry_pack *products_pack(void) {
    gpw *w = gpw_new();
    uint32_t create = pred_eq(w, GANTRY_OP_EQ, "verb", "create");
    uint32_t cmd = pred_eq(w, GANTRY_OP_CONTAINS, "Image", "cmd.exe");
    rule_on(w, "win", "windows", create);
    rule_on(w, "k8s", "kubernetes", create);
    rule_on(w, "ctr", "containers", create);
    rule_on(w, "lnx", "linux", create);
    rule_on(w, "any", NULL, create);
    rule_on(w, "dkr", "Docker", create); /* products compare without case */
    rule_on(w, "win_image", "windows", cmd);
    rule_on(w, "empty", "", create); /* an empty product names none */
    return load(w);
}

typedef struct hits {
    char ids[512];
} hits;

static int collect(const gantry_match *m, void *user) {
    hits *h = user;
    if (h->ids[0])
        strncat(h->ids, ",", sizeof h->ids - strlen(h->ids) - 1);
    strncat(h->ids, m->rule->id, sizeof h->ids - strlen(h->ids) - 1);
    return 0;
}

static const char *run(gantry_matcher *m, const char *json) {
    static hits h;
    h.ids[0] = 0;
    assert_int_equal(gantry_match_json(m, json, strlen(json), collect, &h), GANTRY_OK);
    return h.ids;
}

#define EVENT_BODY "\"verb\":\"create\",\"Image\":\"C:\\\\Windows\\\\cmd.exe\""

static void test_products_by_source(void **state) {
    (void)state;
    static const struct {
        const char *event, *expect;
    } cases[] = {
        {"{" EVENT_BODY ",\"event.module\":\"k8s_audit\"}", "k8s,ctr,any,empty"},
        {"{" EVENT_BODY ",\"event.module\":\"k8s_dashboard\"}", "k8s,ctr,any,empty"},
        {"{\"event\":{\"module\":\"k8s_audit\"}," EVENT_BODY "}", "k8s,ctr,any,empty"},
        {"{" EVENT_BODY ",\"event.module\":\"docker_events\"}", "ctr,any,dkr,empty"},
        {"{" EVENT_BODY ",\"event.module\":\"dockerd\"}", "ctr,any,dkr,empty"},
        {"{" EVENT_BODY ",\"event.module\":\"containerd\"}", "ctr,any,empty"},
        {"{" EVENT_BODY ",\"event.module\":\"falco\"}", "k8s,ctr,lnx,any,empty"},
        /* unrecognised sources run every rule */
        {"{" EVENT_BODY "}", "win,k8s,ctr,lnx,any,dkr,win_image,empty"},
        {"{" EVENT_BODY ",\"event.module\":\"json\"}", "win,k8s,ctr,lnx,any,dkr,win_image,empty"},
        {"{" EVENT_BODY ",\"event.module\":\"K8S_AUDIT\"}",
         "win,k8s,ctr,lnx,any,dkr,win_image,empty"},
        {"{" EVENT_BODY ",\"event.module\":42}", "win,k8s,ctr,lnx,any,dkr,win_image,empty"},
        {"{" EVENT_BODY ",\"event\":\"k8s_audit\"}", "win,k8s,ctr,lnx,any,dkr,win_image,empty"},
        /* the dotted key wins over the nested object, as for field paths */
        {"{\"event\":{\"module\":\"json\"},\"event.module\":\"k8s_audit\"," EVENT_BODY "}",
         "k8s,ctr,any,empty"},
        /* nothing else changes: a rule still needs its predicates */
        {"{\"verb\":\"get\",\"event.module\":\"json\"}", ""},
    };
    for (size_t k = 0; k < sizeof modes / sizeof modes[0]; k++) {
        load_mode = modes[k];
        gantry_pack *p = products_pack();
        gantry_matcher *m;
        assert_int_equal(gantry_matcher_new(p, &m), GANTRY_OK);
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            const char *got = run(m, cases[i].event);
            if (strcmp(got, cases[i].expect) != 0)
                fail_msg("optimize %s, event %s: matched \"%s\", expected \"%s\"", mode_names[k],
                         cases[i].event, got, cases[i].expect);
        }
        gantry_matcher_free(m);
        gantry_pack_free(p);
    }
    load_mode = GANTRY_OPTIMIZE_DEFAULT;
}

/* Through the normalizer: a pack that reads no event.* field still has its
 * events dispatched, because the normalizer adds event.module for it. */
static const char audit_line[] =
    "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"a1\","
    "\"verb\":\"create\",\"objectRef\":{\"resource\":\"pods\"},"
    "\"Image\":\"C:\\\\Windows\\\\cmd.exe\"}";

static const char *normalize_and_match(gantry_pack *p, gantry_matcher *m, const char *line,
                                       int *has_module) {
    static hits h;
    h.ids[0] = 0;
    gantry_normalizer *n = NULL;
    assert_int_equal(gantry_normalizer_new(p, GANTRY_FORMAT_AUTO, &n), GANTRY_OK);
    assert_int_equal(gantry_normalizer_feed(n, line, strlen(line), 1), GANTRY_OK);
    assert_int_equal(gantry_normalizer_finish(n), GANTRY_OK);
    gantry_item item;
    assert_true(gantry_normalizer_next(n, &item));
    assert_int_equal(item.kind, GANTRY_ITEM_EVENT);
    *has_module =
        cJSON_GetObjectItemCaseSensitive(gantry_event_cjson(item.event), "event.module") != NULL;
    assert_int_equal(gantry_match_event(m, item.event, collect, &h), GANTRY_OK);
    gantry_normalizer_free(n);
    return h.ids;
}

static void test_normalized_events(void **state) {
    (void)state;
    for (size_t k = 0; k < sizeof modes / sizeof modes[0]; k++) {
        load_mode = modes[k];
        gantry_pack *p = products_pack();
        gantry_matcher *m;
        assert_int_equal(gantry_matcher_new(p, &m), GANTRY_OK);
        int has_module = 0;
        assert_string_equal(normalize_and_match(p, m, audit_line, &has_module),
                            "k8s,ctr,any,empty");
        assert_true(has_module);
        /* a plain JSON object is of no known source */
        assert_string_equal(normalize_and_match(p, m, "{" EVENT_BODY "}", &has_module),
                            "win,k8s,ctr,lnx,any,dkr,win_image,empty");
        gantry_matcher_free(m);
        gantry_pack_free(p);
    }
    load_mode = GANTRY_OPTIMIZE_DEFAULT;
}

/* A pack without products needs no event.module: its events stay as they
 * were (only the fields the pack reads are added). */
static void test_no_products_no_module(void **state) {
    (void)state;
    gpw *w = gpw_new();
    rule_on(w, "any", NULL, pred_eq(w, GANTRY_OP_EQ, "verb", "create"));
    gantry_pack *p = load(w);
    gantry_matcher *m;
    assert_int_equal(gantry_matcher_new(p, &m), GANTRY_OK);
    int has_module = 1;
    assert_string_equal(normalize_and_match(p, m, audit_line, &has_module), "any");
    assert_false(has_module);
    gantry_matcher_free(m);
    gantry_pack_free(p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_products_by_source),
        cmocka_unit_test(test_normalized_events),
        cmocka_unit_test(test_no_products_no_module),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
