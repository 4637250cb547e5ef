/* SPDX-License-Identifier: Apache-2.0 */
/* Logsource semantics (docs/sigma.md, "Logsource semantics"): a rule runs on
 * an event only when each of its logsource's product, service and category
 * is unset or one the event's source has (base/sources.h; Falco's category
 * per event, from event.category). Events of an unrecognised source (no
 * event.module, "json", anything else) have no logsource and run only rules
 * without one, unless the matcher gives them a logsource or runs every rule
 * on them. This is semantics, so each case runs with GANTRY_OPTIMIZE_OFF, by
 * default, and with the candidate index forced on (GANTRY_OPTIMIZE_ALL), and
 * must give the same answer. */
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

/* A rule "PRED p; RET" with the given logsource (NULL: unset). */
static void rule_ls(gpw *w, const char *id, const char *product, const char *service,
                    const char *category, uint32_t pred) {
    uint32_t first = gpw_code(w, INSN(PRED, 0, 0, pred));
    gpw_code(w, INSN(RET, 0, 0, 0));
    gpw_rule r = {.id = id,
                  .title = id,
                  .level = GANTRY_LEVEL_MEDIUM,
                  .product = product,
                  .service = service,
                  .category = category,
                  .code_first = first,
                  .code_length = 2};
    assert_int_not_equal(gpw_rule_add(w, &r), GPW_FAIL);
}

static void rule_on(gpw *w, const char *id, const char *product, uint32_t pred) {
    rule_ls(w, id, product, NULL, NULL, pred);
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
    rule_ls(w, "audit", "kubernetes", "audit", NULL, create);
    rule_ls(w, "app", "kubernetes", "audit", "application", create); /* as SigmaHQ writes it */
    rule_ls(w, "lproc", "linux", NULL, "process_creation", create);
    rule_ls(w, "lnet", "linux", NULL, "network_connection", create);
    rule_ls(w, "lfile", "linux", NULL, "file_event", create);
    rule_ls(w, "zeek", "zeek", "conn", NULL, create);
    rule_ls(w, "catonly", NULL, NULL, "process_creation", create);
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
        {"{" EVENT_BODY ",\"event.module\":\"k8s_audit\"}", "k8s,ctr,any,empty,audit,app,catonly"},
        {"{" EVENT_BODY ",\"event.module\":\"k8s_dashboard\"}", "k8s,ctr,any,empty"},
        {"{\"event\":{\"module\":\"k8s_audit\"}," EVENT_BODY "}",
         "k8s,ctr,any,empty,audit,app,catonly"},
        {"{" EVENT_BODY ",\"event.module\":\"docker_events\"}", "ctr,any,dkr,empty,catonly"},
        {"{" EVENT_BODY ",\"event.module\":\"dockerd\"}", "ctr,any,dkr,empty,catonly"},
        {"{" EVENT_BODY ",\"event.module\":\"containerd\"}", "ctr,any,empty,catonly"},
        {"{" EVENT_BODY ",\"event.module\":\"falco\"}", "k8s,ctr,lnx,any,empty"},
        /* Falco's category is per event */
        {"{" EVENT_BODY ",\"event.module\":\"falco\",\"event.category\":\"process_creation\"}",
         "k8s,ctr,lnx,any,empty,lproc,catonly"},
        {"{" EVENT_BODY ",\"event.module\":\"falco\",\"event.category\":\"network_connection\"}",
         "k8s,ctr,lnx,any,empty,lnet"},
        {"{" EVENT_BODY ",\"event.module\":\"falco\",\"event.category\":\"file_event\"}",
         "k8s,ctr,lnx,any,empty,lfile"},
        {"{" EVENT_BODY ",\"event.module\":\"falco\",\"event.category\":\"dns_query\"}",
         "k8s,ctr,lnx,any,empty"},
        /* a category the source does not decide per event is not taken */
        {"{" EVENT_BODY
         ",\"event.module\":\"k8s_audit\",\"event.category\":\"network_connection\"}",
         "k8s,ctr,any,empty,audit,app,catonly"},
        /* unrecognised sources have no logsource: only rules without one run */
        {"{" EVENT_BODY "}", "any,empty"},
        {"{" EVENT_BODY ",\"event.module\":\"json\"}", "any,empty"},
        {"{" EVENT_BODY ",\"event.module\":\"zeek\"}", "any,empty"},
        {"{" EVENT_BODY ",\"event.module\":\"K8S_AUDIT\"}", "any,empty"},
        {"{" EVENT_BODY ",\"event.module\":42}", "any,empty"},
        {"{" EVENT_BODY ",\"event\":\"k8s_audit\"}", "any,empty"},
        /* the dotted key wins over the nested object, as for field paths */
        {"{\"event\":{\"module\":\"json\"},\"event.module\":\"k8s_audit\"," EVENT_BODY "}",
         "k8s,ctr,any,empty,audit,app,catonly"},
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

static const char *falco_line(const char *evt_type) {
    static char line[512];
    snprintf(line, sizeof line,
             "{\"rule\":\"r\",\"priority\":\"Warning\",\"output\":\"o\"," EVENT_BODY ","
             "\"output_fields\":{\"evt.type\":\"%s\",\"proc.name\":\"sh\"}}",
             evt_type);
    return line;
}

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
                            "k8s,ctr,any,empty,audit,app,catonly");
        assert_true(has_module);
        /* a plain JSON object is of no known source */
        assert_string_equal(normalize_and_match(p, m, "{" EVENT_BODY "}", &has_module),
                            "any,empty");
        /* a Falco exec alert is a Linux process creation, a connect one a
         * network connection */
        assert_string_equal(normalize_and_match(p, m, falco_line("execve"), &has_module),
                            "k8s,ctr,lnx,any,empty,lproc,catonly");
        assert_string_equal(normalize_and_match(p, m, falco_line("connect"), &has_module),
                            "k8s,ctr,lnx,any,empty,lnet");
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

/* A logsource given for events of no recognised source; recognised sources
 * keep theirs. Running every rule on them overrides it. */
static void test_given_logsource(void **state) {
    (void)state;
    static const char plain[] = "{" EVENT_BODY "}";
    static const char audit[] = "{" EVENT_BODY ",\"event.module\":\"k8s_audit\"}";
    for (size_t k = 0; k < sizeof modes / sizeof modes[0]; k++) {
        load_mode = modes[k];
        gantry_pack *p = products_pack();
        gantry_matcher *m;
        assert_int_equal(gantry_matcher_new(p, &m), GANTRY_OK);
        assert_int_equal(gantry_matcher_set_logsource(m, "zeek", "conn", NULL), GANTRY_OK);
        assert_string_equal(run(m, plain), "any,empty,zeek");
        assert_string_equal(run(m, audit), "k8s,ctr,any,empty,audit,app,catonly");
        assert_int_equal(gantry_matcher_set_logsource(m, "Linux", "", "process_creation"),
                         GANTRY_OK);
        assert_string_equal(run(m, plain), "lnx,any,empty,lproc,catonly");
        assert_int_equal(gantry_matcher_set_logsource_any(m, 1), GANTRY_OK);
        assert_string_equal(run(m, plain),
                            "win,k8s,ctr,lnx,any,dkr,win_image,empty,audit,app,lproc,lnet,lfile,"
                            "zeek,catonly");
        assert_string_equal(run(m, audit), "k8s,ctr,any,empty,audit,app,catonly");
        assert_int_equal(gantry_matcher_set_logsource_any(m, 0), GANTRY_OK);
        assert_int_equal(gantry_matcher_set_logsource(m, NULL, NULL, NULL), GANTRY_OK);
        assert_string_equal(run(m, plain), "any,empty");
        assert_int_equal(gantry_matcher_set_logsource(NULL, "x", NULL, NULL), GANTRY_E_ARG);
        gantry_matcher_free(m);
        gantry_pack_free(p);
    }
    load_mode = GANTRY_OPTIMIZE_DEFAULT;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_products_by_source),
        cmocka_unit_test(test_normalized_events),
        cmocka_unit_test(test_no_products_no_module),
        cmocka_unit_test(test_given_logsource),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
