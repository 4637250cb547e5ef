/* SPDX-License-Identifier: Apache-2.0 */
/* Library API: two threads sharing one pack get the same results as one
 * thread; metadata accessors; argument checks; an error string for every
 * status code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gantry.h"
#include "gantry_cjson.h"
#include "pack_writer.h"

#define INSN(op_, flags_, a_, b_) ((struct gantry_insn){GANTRY_OP_##op_, (flags_), 0, (a_), (b_)})
#define EVENTS 1000
#define RULES 6

static gantry_pack *shared_pack;
static char *events[EVENTS];

static uint32_t str_list(gpw *w, const char *a, const char *b) {
    uint32_t c[2] = {gpw_const_string(w, a, strlen(a)), gpw_const_string(w, b, strlen(b))};
    return gpw_list(w, c, b[0] ? 2 : 1);
}

static void add_rule(gpw *w, const char *id, const char *title, gantry_level level, uint32_t p,
                     int negate) {
    uint32_t first = gpw_code(w, INSN(PRED, 0, 0, p));
    if (negate)
        gpw_code(w, INSN(NOT, 0, 0, 0));
    gpw_code(w, INSN(RET, 0, 0, 0));
    const char *tags[] = {"attack.t1610", "malware.kinsing"};
    const char *fps[] = {"admins"};
    gpw_rule r = {.id = id,
                  .title = title,
                  .level = level,
                  .tags = tags,
                  .tag_count = 2,
                  .falsepositives = fps,
                  .falsepositive_count = 1,
                  .product = "kubernetes",
                  .code_first = first,
                  .code_length = negate ? 3 : 2};
    assert_int_not_equal(gpw_rule_add(w, &r), GPW_FAIL);
}

static int setup(void **state) {
    (void)state;
    gpw *w = gpw_new();
    uint32_t verb = gpw_field(w, "verb"), user = gpw_field(w, "user.name");
    uint32_t img = gpw_field(w, "spec.containers.image"), code = gpw_field(w, "code");
    uint32_t p_exec = gpw_pred(w, INSN(EQ, 0, verb, str_list(w, "create", "")));
    uint32_t p_user = gpw_pred(w, INSN(STARTSWITH, 0, user, str_list(w, "system:", "")));
    uint32_t p_img = gpw_pred(w, INSN(REGEX, 0, img, gpw_regex(w, "(xmrig|kinsing)", GANTRY_RE_I)));
    uint32_t p_code = gpw_pred(w, INSN(GTE, 0, code, gpw_const_number(w, 400, "400")));
    uint32_t p_kw = gpw_pred(w, INSN(KEYWORD, 0, GANTRY_OP_CONTAINS, str_list(w, "evil", "")));
    uint32_t p_glob = gpw_pred(w, INSN(GLOB, 0, img, str_list(w, "*:latest", "docker.io/*")));
    add_rule(w, "r-exec", "Create", GANTRY_LEVEL_LOW, p_exec, 0);
    add_rule(w, "r-user", "Not a system user", GANTRY_LEVEL_MEDIUM, p_user, 1);
    add_rule(w, "r-img", "Miner image", GANTRY_LEVEL_CRITICAL, p_img, 0);
    add_rule(w, "r-code", "Error status", GANTRY_LEVEL_INFORMATIONAL, p_code, 0);
    add_rule(w, "r-kw", "Evil keyword", GANTRY_LEVEL_HIGH, p_kw, 0);
    add_rule(w, "r-glob", "Latest or hub", GANTRY_LEVEL_HIGH, p_glob, 0);
    unsigned char *image;
    size_t len;
    assert_int_equal(gpw_finish(w, &image, &len), 0);
    gpw_free(w);
    assert_int_equal(gantry_pack_load_buffer(image, len, &shared_pack, NULL, 0), GANTRY_OK);
    free(image);

    static const char *const verbs[] = {"create", "get", "delete"};
    static const char *const users[] = {"system:node", "alice", "bob"};
    static const char *const images[] = {"nginx:latest", "docker.io/xmrig/xmrig:1",
                                         "quay.io/app:1.2", "Kinsing:2"};
    for (int i = 0; i < EVENTS; i++) {
        char buf[512];
        snprintf(buf, sizeof buf,
                 "{\"event.module\":\"k8s_audit\",\"verb\":\"%s\",\"user\":{\"name\":\"%s\"},"
                 "\"code\":%d,\"spec\":{"
                 "\"containers\":[{\"image\":\"%s\"},{\"image\":\"busybox\"}]},\"note\":\"%s\"}",
                 verbs[i % 3], users[(i / 3) % 3], 200 + (i % 7) * 50, images[(i / 9) % 4],
                 i % 11 == 0 ? "an EVIL thing" : "fine");
        events[i] = strdup(buf);
    }
    return 0;
}

static int teardown(void **state) {
    (void)state;
    for (int i = 0; i < EVENTS; i++)
        free(events[i]);
    gantry_pack_free(shared_pack);
    return 0;
}

static int record(const gantry_match *m, void *user) {
    *(uint32_t *)user |= 1u << m->rule->index;
    return 0;
}

typedef struct job {
    uint32_t result[EVENTS];
    int failures;
} job;

static void *match_all(void *arg) {
    job *j = arg;
    gantry_matcher *m = NULL;
    if (gantry_matcher_new(shared_pack, &m) != GANTRY_OK) {
        j->failures++;
        return NULL;
    }
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < EVENTS; i++) {
            uint32_t bits = 0;
            if (gantry_match_json(m, events[i], strlen(events[i]), record, &bits) != GANTRY_OK)
                j->failures++;
            if (round > 0 && bits != j->result[i])
                j->failures++;
            j->result[i] = bits;
        }
    }
    gantry_matcher_free(m);
    return NULL;
}

static void test_threads_share_pack(void **state) {
    (void)state;
    static job single, t1, t2;
    match_all(&single);
    assert_int_equal(single.failures, 0);
    pthread_t a, b;
    assert_int_equal(pthread_create(&a, NULL, match_all, &t1), 0);
    assert_int_equal(pthread_create(&b, NULL, match_all, &t2), 0);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    assert_int_equal(t1.failures, 0);
    assert_int_equal(t2.failures, 0);
    assert_memory_equal(t1.result, single.result, sizeof single.result);
    assert_memory_equal(t2.result, single.result, sizeof single.result);
    /* the events exercise every rule, and not every rule on every event */
    uint32_t any = 0, all = ~0u;
    for (int i = 0; i < EVENTS; i++) {
        any |= single.result[i];
        all &= single.result[i];
    }
    assert_int_equal(any, (1u << RULES) - 1);
    assert_int_equal(all, 0);
    /* spot checks of the semantics behind those bits */
    assert_int_equal(single.result[0] & 1u, 1u);             /* create */
    assert_int_equal(single.result[0] & 2u, 0u);             /* system:node */
    assert_int_equal(single.result[0] & (1u << 4), 1u << 4); /* i % 11 == 0 */
}

static void test_match_cjson(void **state) {
    (void)state;
    gantry_matcher *m;
    assert_int_equal(gantry_matcher_new(shared_pack, &m), GANTRY_OK);
    cJSON *ev = cJSON_Parse(events[9]);
    uint32_t a = 0, b = 0;
    assert_int_equal(gantry_match_cjson(m, ev, record, &a), GANTRY_OK);
    assert_int_equal(gantry_match_json(m, events[9], strlen(events[9]), record, &b), GANTRY_OK);
    assert_int_equal(a, b);
    cJSON *arr = cJSON_CreateArray();
    assert_int_equal(gantry_match_cjson(m, arr, record, &a), GANTRY_E_JSON);
    assert_int_equal(gantry_match_cjson(m, NULL, record, &a), GANTRY_E_ARG);
    assert_int_equal(gantry_match_json(NULL, "{}", 2, record, &a), GANTRY_E_ARG);
    assert_int_equal(gantry_match_json(m, "{\"verb\":", 8, record, &a), GANTRY_E_JSON);
    assert_int_equal(gantry_match_json(m, "", 0, record, &a), GANTRY_E_JSON);
    cJSON_Delete(arr);
    cJSON_Delete(ev);
    gantry_matcher_free(m);
}

static void test_metadata(void **state) {
    (void)state;
    assert_int_equal(gantry_pack_rule_count(shared_pack), RULES);
    gantry_rule_info info;
    assert_int_equal(gantry_pack_rule_info(shared_pack, 2, &info), GANTRY_OK);
    assert_int_equal(info.index, 2);
    assert_string_equal(info.id, "r-img");
    assert_string_equal(info.title, "Miner image");
    assert_int_equal(info.level, GANTRY_LEVEL_CRITICAL);
    assert_string_equal(info.description, "");
    assert_string_equal(info.logsource_product, "kubernetes");
    assert_int_equal(info.tag_count, 2);
    assert_int_equal(info.falsepositive_count, 1);
    assert_int_equal(info.reference_count, 0);
    assert_string_equal(gantry_pack_rule_tag(shared_pack, 2, 1), "malware.kinsing");
    assert_null(gantry_pack_rule_tag(shared_pack, 2, 2));
    assert_string_equal(gantry_pack_rule_falsepositive(shared_pack, 2, 0), "admins");
    assert_null(gantry_pack_rule_reference(shared_pack, 2, 0));
    assert_int_equal(gantry_pack_rule_info(shared_pack, RULES, &info), GANTRY_E_ARG);
    assert_int_equal(gantry_pack_rule_info(NULL, 0, &info), GANTRY_E_ARG);

    assert_int_equal(gantry_pack_field_count(shared_pack), 4);
    assert_string_equal(gantry_pack_field_name(shared_pack, 2), "spec.containers.image");
    assert_null(gantry_pack_field_name(shared_pack, 4));
    /* r-img reads only the image; r-kw reads no field; r-glob the image */
    assert_true(gantry_rule_reads_field(shared_pack, 2, 2));
    assert_false(gantry_rule_reads_field(shared_pack, 2, 0));
    for (size_t f = 0; f < 4; f++)
        assert_false(gantry_rule_reads_field(shared_pack, 4, f));
    assert_true(gantry_rule_reads_field(shared_pack, 5, 2));
    assert_false(gantry_rule_reads_field(shared_pack, 99, 0));
}

static void test_strings(void **state) {
    (void)state;
    for (int s = 0; s < GANTRY_STATUS__COUNT; s++) {
        const char *msg = gantry_strerror((gantry_status)s);
        assert_non_null(msg);
        assert_string_not_equal(msg, "unknown status");
        for (int t = 0; t < s; t++)
            assert_string_not_equal(msg, gantry_strerror((gantry_status)t));
    }
    assert_string_equal(gantry_strerror(GANTRY_STATUS__COUNT), "unknown status");
    assert_string_equal(gantry_version(), GANTRY_VERSION_STRING);
    assert_string_equal(gantry_level_name(GANTRY_LEVEL_INFORMATIONAL), "informational");
    assert_string_equal(gantry_level_name(GANTRY_LEVEL_CRITICAL), "critical");
    assert_string_equal(gantry_level_name((gantry_level)9), "unknown");
}

static void test_arguments(void **state) {
    (void)state;
    gantry_pack *p = (gantry_pack *)0x1;
    char err[64];
    assert_int_equal(gantry_pack_load_buffer(NULL, 10, &p, err, sizeof err), GANTRY_E_ARG);
    assert_null(p);
    assert_int_equal(gantry_pack_load_file(NULL, &p, NULL, 0), GANTRY_E_ARG);
    assert_int_equal(gantry_pack_load_file("/nonexistent/x.gpk", &p, err, sizeof err), GANTRY_E_IO);
    /* options: NULL means the defaults; an unknown mode is refused */
    gantry_options opt;
    gantry_options_default(&opt);
    assert_int_equal(opt.optimize, GANTRY_OPTIMIZE_DEFAULT);
    opt.optimize = GANTRY_OPTIMIZE__COUNT;
    p = (gantry_pack *)0x1;
    assert_int_equal(gantry_pack_load_buffer_opts("", 0, &opt, &p, err, sizeof err), GANTRY_E_ARG);
    assert_null(p);
    assert_int_equal(gantry_pack_load_file_opts("/nonexistent/x.gpk", &opt, &p, NULL, 0),
                     GANTRY_E_ARG);
    assert_int_equal(gantry_pack_load_file_opts("/nonexistent/x.gpk", NULL, &p, NULL, 0),
                     GANTRY_E_IO);
    gantry_matcher *m = (gantry_matcher *)0x1;
    assert_int_equal(gantry_matcher_new(NULL, &m), GANTRY_E_ARG);
    assert_null(m);
    gantry_pack_free(NULL);
    gantry_matcher_free(NULL);
    assert_int_equal(gantry_pack_rule_count(NULL), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_share_pack), cmocka_unit_test(test_match_cjson),
        cmocka_unit_test(test_metadata),           cmocka_unit_test(test_strings),
        cmocka_unit_test(test_arguments),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
