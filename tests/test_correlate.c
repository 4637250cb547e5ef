/* SPDX-License-Identifier: Apache-2.0 */
/* The correlation stage: window boundaries (exactly at the timespan, one
 * nanosecond past it), once-per-window firing, each correlation type against
 * hand-computed figures, out-of-order tolerance, chains, suppression of base
 * rules, compile errors, and the memory bound on a stream of many keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cJSON.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "gantry.h"
#include "gantry_cjson.h"
#include "parse.h"

#define SEC 1000000000ll
#define MIN (60 * SEC)

/* Rules a..d match on `r`; every correlation below reads them. */
static const char *const base_rules =
    "rule a { id: \"id-a\" selection s: { r: \"a\" } condition: s }\n"
    "rule b { selection s: { r: \"b\" } condition: s }\n"
    "rule c { selection s: { r: \"c\" } condition: s }\n"
    "rule d { selection s: { r: \"d\" } condition: s }\n";

static gantry_pack *compile_text(const char *corr, size_t *errors) {
    size_t len = strlen(base_rules) + strlen(corr) + 1;
    char *text = malloc(len);
    snprintf(text, len, "%s%s", base_rules, corr);
    FILE *devnull = fopen("/dev/null", "w");
    gdiag_sink *diag = gdiag_new(devnull, 0, 0);
    gast_unit *unit = gast_unit_new();
    gcomp_options opt = {0};
    unsigned char *image = NULL;
    size_t image_len = 0;
    gantry_pack *pack = NULL;
    gparse_text(unit, "t.gantry", text, strlen(text), diag);
    if (gdiag_error_count(diag) == 0 &&
        gcomp_compile_unit(unit, diag, &opt, &image, &image_len, NULL) == 0) {
        char err[256];
        assert_int_equal(gantry_pack_load_buffer(image, image_len, &pack, err, sizeof err),
                         GANTRY_OK);
    }
    if (errors)
        *errors = gdiag_error_count(diag);
    free(image);
    gast_unit_free(unit);
    gdiag_free(diag);
    fclose(devnull);
    free(text);
    return pack;
}

typedef struct record {
    int fired;
    double value;
    size_t events;
    char group[64];
    char name[64];
    int64_t first_ns, last_ns;
} record;

static void on_corr(const gantry_corr_match *m, void *user) {
    record *r = user;
    r->fired++;
    r->value = m->value;
    r->events = m->event_count;
    r->first_ns = m->first_ns;
    r->last_ns = m->last_ns;
    snprintf(r->name, sizeof r->name, "%s", m->correlation->name);
    snprintf(r->group, sizeof r->group, "%s", m->group_count ? m->group_values[0] : "");
}

/* Feeds rule `rule` with an event {"k": key, "n": num} at time t. */
static void feed(gantry_correlator *c, uint32_t rule, const char *key, double num, int64_t t,
                 record *r) {
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "k", key);
    cJSON_AddNumberToObject(e, "n", num);
    assert_int_equal(
        gantry_correlator_feed(c, rule, gantry_event_from_cjson(e), t, "f", 1, on_corr, r),
        GANTRY_OK);
    cJSON_Delete(e);
}

static gantry_correlator *stage(gantry_pack *pack, uint64_t tolerance) {
    gantry_correlator_limits lim;
    gantry_correlator_limits_default(&lim);
    lim.out_of_order_ns = tolerance;
    gantry_correlator *c = NULL;
    assert_int_equal(gantry_correlator_new(pack, &lim, &c), GANTRY_OK);
    return c;
}

static void test_boundary_exactly_at_timespan(void **state) {
    (void)state;
    gantry_pack *pack = compile_text("sequence s { steps: [a, b] within: 5m by: [k] }", NULL);
    assert_non_null(pack);
    gantry_correlator *c = stage(pack, 0);
    record r = {0};
    feed(c, 0, "x", 0, 0, &r);
    feed(c, 1, "x", 0, 5 * MIN, &r); /* exactly the timespan later: inside */
    assert_int_equal(r.fired, 1);
    assert_int_equal(r.events, 2);
    assert_string_equal(r.group, "x");
    /* one nanosecond past the timespan: outside */
    feed(c, 0, "y", 0, 10 * MIN, &r);
    feed(c, 1, "y", 0, 15 * MIN + 1, &r);
    assert_int_equal(r.fired, 1);
    gantry_correlator_free(c);
    gantry_pack_free(pack);
}

static void test_once_per_window(void **state) {
    (void)state;
    gantry_pack *pack =
        compile_text("correlation n { type: event_count rules: [a] group_by: [k] timespan: 10m "
                     "condition: gte 3 }",
                     NULL);
    gantry_correlator *c = stage(pack, 0);
    record r = {0};
    for (int i = 0; i < 5; i++)
        feed(c, 0, "x", 0, i * SEC, &r);
    assert_int_equal(r.fired, 1); /* the 4th and 5th do not fire again */
    assert_int_equal(r.events, 3);
    feed(c, 0, "x", 0, 6 * SEC, &r); /* 3 new events since the match */
    assert_int_equal(r.fired, 2);
    /* another group counts on its own */
    feed(c, 0, "y", 0, 7 * SEC, &r);
    feed(c, 0, "y", 0, 8 * SEC, &r);
    assert_int_equal(r.fired, 2);
    gantry_correlator_free(c);
    gantry_pack_free(pack);
}

static void test_types(void **state) {
    (void)state;
    struct {
        const char *text;
        double expect;
    } cases[] = {
        {"correlation v { type: value_count rules: [a] group_by: [k] timespan: 1h field: n "
         "condition: gte 3 }",
         3},
        {"correlation v { type: value_sum rules: [a] group_by: [k] timespan: 1h field: n "
         "condition: gt 10 }",
         13},
        {"correlation v { type: value_avg rules: [a] group_by: [k] timespan: 1h field: n "
         "condition: gte 3 }",
         13.0 / 3},
        {"correlation v { type: value_percentile rules: [a] group_by: [k] timespan: 1h "
         "field: n percentile: 50 condition: gte 4 }",
         4},
    };
    /* values 1, 4, 8 (value_count sees 1, 4, 8 distinct) */
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gantry_pack *pack = compile_text(cases[i].text, NULL);
        assert_non_null(pack);
        gantry_correlator *c = stage(pack, 0);
        record r = {0};
        feed(c, 0, "x", 1, 1 * SEC, &r);
        feed(c, 0, "x", 4, 2 * SEC, &r);
        feed(c, 0, "x", 8, 3 * SEC, &r);
        gantry_correlator_flush(c, on_corr, &r);
        assert_int_equal(r.fired, 1);
        assert_true(r.value > cases[i].expect - 1e-9 && r.value < cases[i].expect + 1e-9);
        gantry_correlator_free(c);
        gantry_pack_free(pack);
    }
}

static void test_temporal_any_order_and_ordered(void **state) {
    (void)state;
    gantry_pack *pack =
        compile_text("correlation t { type: temporal rules: [a, b, c] group_by: [k] "
                     "timespan: 1m }\n"
                     "correlation o { type: temporal_ordered rules: [a, b, c] group_by: [k] "
                     "timespan: 1m }",
                     NULL);
    gantry_correlator *c = stage(pack, 0);
    record r = {0};
    feed(c, 2, "x", 0, 1 * SEC, &r);
    feed(c, 1, "x", 0, 2 * SEC, &r);
    feed(c, 0, "x", 0, 3 * SEC, &r);
    assert_int_equal(r.fired, 1); /* temporal only: c, b, a is out of order */
    assert_string_equal(r.name, "t");
    feed(c, 0, "y", 0, 10 * SEC, &r);
    feed(c, 1, "y", 0, 11 * SEC, &r);
    feed(c, 2, "y", 0, 12 * SEC, &r);
    assert_int_equal(r.fired, 3); /* both */
    gantry_correlator_free(c);
    gantry_pack_free(pack);
}

/* A temporal_ordered match names only the events of its steps: the noise
 * before, between and after them in the window is left out. */
static void test_ordered_lists_only_steps(void **state) {
    (void)state;
    gantry_pack *pack = compile_text("sequence s { steps: [a, b, c] within: 1m by: [k] }", NULL);
    gantry_correlator *c = stage(pack, 0);
    record r = {0};
    feed(c, 1, "x", 0, 1 * SEC, &r); /* b before any a: not a step */
    feed(c, 0, "x", 0, 2 * SEC, &r); /* a: step 1 */
    feed(c, 0, "x", 0, 3 * SEC, &r); /* a again: not a step */
    feed(c, 1, "x", 0, 4 * SEC, &r); /* b: step 2 */
    feed(c, 2, "x", 0, 5 * SEC, &r); /* c: step 3, fires */
    assert_int_equal(r.fired, 1);
    assert_int_equal(r.events, 3);
    assert_true(r.first_ns == 2 * SEC && r.last_ns == 5 * SEC);
    gantry_correlator_free(c);
    gantry_pack_free(pack);
}

static void test_out_of_order_tolerance(void **state) {
    (void)state;
    gantry_pack *pack = compile_text("sequence s { steps: [a, b] within: 1m by: [k] }", NULL);
    gantry_correlator *c = stage(pack, 10 * SEC);
    record r = {0};
    /* b arrives first but happened later; a arrives 5 s "late": accepted */
    feed(c, 1, "x", 0, 20 * SEC, &r);
    feed(c, 0, "x", 0, 15 * SEC, &r);
    assert_int_equal(r.fired, 1);
    /* later than the tolerance: dropped and counted */
    feed(c, 1, "z", 0, 100 * SEC, &r);
    feed(c, 0, "z", 0, 80 * SEC, &r);
    assert_int_equal(r.fired, 1);
    gantry_correlator_stats st;
    gantry_correlator_get_stats(c, &st);
    assert_int_equal(st.late, 1);
    gantry_correlator_free(c);
    gantry_pack_free(pack);
}

static void test_upper_bound_decided_at_close(void **state) {
    (void)state;
    gantry_pack *pack =
        compile_text("correlation few { type: event_count rules: [a] group_by: [k] timespan: 1m "
                     "condition: lt 3 }",
                     NULL);
    gantry_correlator *c = stage(pack, 0);
    record r = {0};
    feed(c, 0, "x", 0, 0, &r);
    feed(c, 0, "x", 0, 10 * SEC, &r);
    assert_int_equal(r.fired, 0);     /* the window is still open */
    feed(c, 0, "y", 0, 71 * SEC, &r); /* x left every window: decided */
    assert_int_equal(r.fired, 1);
    assert_true(r.value == 2);
    gantry_correlator_free(c);
    gantry_pack_free(pack);
}

static void test_chain_and_generate(void **state) {
    (void)state;
    gantry_pack *pack = compile_text(
        "correlation pair { type: temporal_ordered rules: [a, b] group_by: [k] timespan: 1m }\n"
        "correlation twice { type: event_count rules: [pair] group_by: [k] timespan: 1h "
        "condition: gte 2 generate: true }",
        NULL);
    assert_non_null(pack);
    assert_int_equal(gantry_pack_rule_reported(pack, 0), 0); /* feeds `pair` only */
    assert_int_equal(gantry_pack_rule_reported(pack, 2), 1); /* used by none */
    gantry_correlator *c = stage(pack, 0);
    record r = {0};
    feed(c, 0, "x", 0, 1 * SEC, &r);
    feed(c, 1, "x", 0, 2 * SEC, &r);
    assert_int_equal(r.fired, 1); /* `pair`, reported because `twice` generates */
    feed(c, 0, "x", 0, 3 * SEC, &r);
    feed(c, 1, "x", 0, 4 * SEC, &r);
    assert_int_equal(r.fired, 3); /* second `pair`, then `twice` */
    assert_string_equal(r.name, "twice");
    gantry_correlator_free(c);
    gantry_pack_free(pack);

    pack = compile_text("sequence s { steps: [a, b] within: 1m by: [k] }", NULL);
    assert_int_equal(gantry_pack_rule_reported(pack, 0), 0); /* generate: false default */
    assert_int_equal(gantry_pack_rule_reported(pack, 2), 1);
    gantry_pack_free(pack);
}

static void test_aliases(void **state) {
    (void)state;
    gantry_pack *pack = compile_text("sequence s { steps: [a, b] within: 1m by: [who]\n"
                                     "  alias who: { a: k, b: n } }",
                                     NULL);
    assert_non_null(pack);
    gantry_correlator *c = stage(pack, 0);
    record r = {0};
    feed(c, 0, "7", 0, 1 * SEC, &r); /* a: who = k = "7" */
    feed(c, 1, "q", 7, 2 * SEC, &r); /* b: who = n = 7 */
    assert_int_equal(r.fired, 1);
    assert_string_equal(r.group, "7");
    gantry_correlator_free(c);
    gantry_pack_free(pack);
}

/* A correlation reads group_by fields by the rules a rule's predicates use
 * (runtime/index/path.h): each event below makes the rule on user.name fire,
 * and the correlation must group it under that same value. */
static int saw_rule_u(const gantry_match *m, void *user) {
    if (strcmp(m->rule->title, "u") == 0 || strcmp(m->rule->id, "u") == 0)
        *(int *)user = 1;
    return 0;
}

static void test_group_by_reads_paths_as_rules_do(void **state) {
    (void)state;
    gantry_pack *pack = compile_text(
        "rule u { selection s: { user.name: \"alice\" } condition: s }\n"
        "correlation v { type: event_count rules: [u] group_by: [user.name] timespan: 1h "
        "condition: gte 1 }",
        NULL);
    assert_non_null(pack);
    uint32_t u = (uint32_t)gantry_pack_rule_count(pack) - 1;
    static const char *const events[] = {
        /* arrays are crossed: not only their first element */
        "{\"user\":[{\"id\":1},{\"name\":\"alice\"}]}",
        "{\"user\":{\"name\":[null,\"alice\"]}}",
        /* a flat dotted key comes before the nested object ... */
        "{\"user\":{\"name\":\"bob\"},\"user.name\":\"alice\"}",
        /* ... but one that yields nothing gives way to it */
        "{\"user.name\":[],\"user\":{\"name\":\"alice\"}}",
        /* the first of duplicate keys */
        "{\"user\":{\"name\":\"alice\"},\"user\":{\"name\":\"bob\"}}",
        /* several values: the first in document order forms the key */
        "{\"user\":[{\"name\":\"alice\"},{\"name\":\"bob\"}]}",
    };
    gantry_matcher *m = NULL;
    assert_int_equal(gantry_matcher_new(pack, &m), GANTRY_OK);
    for (size_t i = 0; i < sizeof events / sizeof events[0]; i++) {
        int fired = 0;
        assert_int_equal(gantry_match_json(m, events[i], strlen(events[i]), saw_rule_u, &fired),
                         GANTRY_OK);
        if (!fired)
            fail_msg("rule u does not fire on %s", events[i]);
        cJSON *e = cJSON_Parse(events[i]);
        assert_non_null(e);
        gantry_correlator *c = stage(pack, 0);
        record r = {0};
        assert_int_equal(
            gantry_correlator_feed(c, u, gantry_event_from_cjson(e), 1 * SEC, "f", 1, on_corr, &r),
            GANTRY_OK);
        gantry_correlator_flush(c, on_corr, &r);
        if (r.fired != 1 || strcmp(r.group, "alice") != 0)
            fail_msg("event %s: correlation fired %d time(s), group \"%s\"; rule saw alice",
                     events[i], r.fired, r.group);
        /* the reduced copy -j N keeps for a later feed groups alike */
        gantry_event *copy = NULL;
        assert_int_equal(gantry_correlator_copy_event(c, gantry_event_from_cjson(e), &copy),
                         GANTRY_OK);
        record rc = {0};
        assert_int_equal(gantry_correlator_feed(c, u, copy, 2 * SEC, "f", 1, on_corr, &rc),
                         GANTRY_OK);
        gantry_correlator_flush(c, on_corr, &rc);
        if (rc.fired != 1 || strcmp(rc.group, "alice") != 0)
            fail_msg("copy of %s: correlation fired %d time(s), group \"%s\"", events[i], rc.fired,
                     rc.group);
        gantry_event_free(copy);
        gantry_correlator_free(c);
        cJSON_Delete(e);
    }
    gantry_matcher_free(m);
    gantry_pack_free(pack);
}

/* gantry_correlator_copy_event keeps what the stage reads (group-by and
 * value fields through aliases, `@timestamp` as text or number) and nothing
 * else: fed at the event's own time, copies and events give the same
 * matches with the same values and windows. */
static void test_copy_event_feeds_alike(void **state) {
    (void)state;
    gantry_pack *pack = compile_text(
        "correlation v { type: value_sum rules: [a, b] group_by: [who] timespan: 1h field: n "
        "condition: gte 5 alias who: { a: k, b: p.q } }",
        NULL);
    assert_non_null(pack);
    static const char *const events[] = {
        "{\"r\":\"a\",\"k\":\"x\",\"n\":2,\"@timestamp\":\"2026-01-01T00:00:01Z\","
        "\"big\":\"unread\"}",
        "{\"r\":\"b\",\"p\":{\"q\":[null,\"x\"]},\"n\":\"3\",\"@timestamp\":1767225602}",
        "{\"r\":\"b\",\"p.q\":\"y\",\"n\":9,\"@timestamp\":\"2026-01-01T00:00:03Z\"}",
        /* no time: both fall back to the watermark alike */
        "{\"r\":\"a\",\"k\":\"y\",\"n\":1}",
    };
    static const uint32_t rules[] = {0, 1, 1, 0};
    gantry_correlator *whole = stage(pack, 0), *slim = stage(pack, 0);
    record rw = {0}, rs = {0};
    for (size_t i = 0; i < sizeof events / sizeof events[0]; i++) {
        cJSON *e = cJSON_Parse(events[i]);
        assert_non_null(e);
        gantry_event *copy = NULL;
        assert_int_equal(gantry_correlator_copy_event(slim, gantry_event_from_cjson(e), &copy),
                         GANTRY_OK);
        assert_null(cJSON_GetObjectItem(gantry_event_cjson(copy), "big"));
        assert_null(cJSON_GetObjectItem(gantry_event_cjson(copy), "r"));
        assert_int_equal(gantry_correlator_feed(whole, rules[i], gantry_event_from_cjson(e),
                                                GANTRY_TIME_FROM_EVENT, "f", i + 1, on_corr, &rw),
                         GANTRY_OK);
        assert_int_equal(gantry_correlator_feed(slim, rules[i], copy, GANTRY_TIME_FROM_EVENT, "f",
                                                i + 1, on_corr, &rs),
                         GANTRY_OK);
        gantry_event_free(copy);
        cJSON_Delete(e);
    }
    gantry_correlator_flush(whole, on_corr, &rw);
    gantry_correlator_flush(slim, on_corr, &rs);
    assert_int_equal(rw.fired, 2); /* x: 2 + 3; y: 9 + 1 */
    assert_int_equal(rs.fired, rw.fired);
    assert_string_equal(rs.group, rw.group);
    assert_true(rs.value == rw.value);
    assert_int_equal(rs.first_ns, rw.first_ns);
    assert_int_equal(rs.last_ns, rw.last_ns);
    gantry_correlator_stats sw, ss;
    gantry_correlator_get_stats(whole, &sw);
    gantry_correlator_get_stats(slim, &ss);
    assert_int_equal(ss.time_fallbacks, 1);
    assert_int_equal(ss.time_fallbacks, sw.time_fallbacks);
    assert_int_equal(ss.ungrouped, sw.ungrouped);
    gantry_correlator_free(whole);
    gantry_correlator_free(slim);
    gantry_pack_free(pack);
}

static void test_compile_errors(void **state) {
    (void)state;
    const char *bad[] = {
        "correlation x { type: event_count rules: [a] timespan: 1m }", /* no condition */
        "correlation x { type: event_count rules: [nope] timespan: 1m condition: gt 1 }",
        "correlation x { type: value_sum rules: [a] timespan: 1m condition: gt 1 }", /* field */
        "correlation x { type: temporal rules: [y] timespan: 1m }\n"
        "correlation y { type: temporal rules: [x] timespan: 1m }", /* cycle */
        "correlation x { type: sometimes rules: [a] timespan: 1m }",
        "correlation x { type: temporal rules: [a] timespan: 5min }",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t errors = 0;
        gantry_pack *pack = compile_text(bad[i], &errors);
        assert_null(pack);
        assert_true(errors > 0);
    }
}

static void test_memory_bound_many_keys(void **state) {
    (void)state;
    gantry_pack *pack =
        compile_text("correlation n { type: event_count rules: [a] group_by: [k] timespan: 1h "
                     "condition: gte 1000 }",
                     NULL);
    gantry_correlator_limits lim;
    gantry_correlator_limits_default(&lim);
    lim.memory_bytes = 2u << 20;
    gantry_correlator *c = NULL;
    assert_int_equal(gantry_correlator_new(pack, &lim, &c), GANTRY_OK);
    record r = {0};
    char key[32];
    uint64_t peak_at_10k = 0;
    for (int i = 0; i < 200000; i++) {
        snprintf(key, sizeof key, "key-%d", i);
        feed(c, 0, key, 0, i * 1000ll, &r);
        if (i == 10000) {
            gantry_correlator_stats st;
            gantry_correlator_get_stats(c, &st);
            peak_at_10k = st.bytes_peak;
        }
    }
    gantry_correlator_stats st;
    gantry_correlator_get_stats(c, &st);
    assert_true(st.bytes_peak <= lim.memory_bytes);
    assert_true(st.groups_evicted > 0);
    assert_true(st.bytes_peak >= peak_at_10k);
    assert_int_equal(r.fired, 0);
    gantry_correlator_free(c);
    gantry_pack_free(pack);
}

static void test_parse_time(void **state) {
    (void)state;
    int64_t ns;
    const char *t = "2024-01-01T00:00:01.5Z";
    assert_int_equal(gantry_parse_time(t, strlen(t), &ns), 0);
    assert_true(ns == 1704067201500000000ll);
    t = "2024-01-01T02:00:01+02:00";
    assert_int_equal(gantry_parse_time(t, strlen(t), &ns), 0);
    assert_true(ns == 1704067201000000000ll);
    t = "2024-01-01 garbage";
    assert_int_equal(gantry_parse_time(t, strlen(t), &ns), GANTRY_E_ARG);
    /* days are checked against their month, leap years included */
    static const char *const bad[] = {"2023-02-29T00:00:00Z", "2024-02-30T00:00:00Z",
                                      "2024-04-31T00:00:00Z", "1900-02-29T00:00:00Z",
                                      "2024-01-01T00:00Z",    "2024-01-01T00:00:00"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (gantry_parse_time(bad[i], strlen(bad[i]), &ns) != GANTRY_E_ARG)
            fail_msg("%s accepted", bad[i]);
    t = "2024-02-29T00:00:00Z";
    assert_int_equal(gantry_parse_time(t, strlen(t), &ns), GANTRY_OK);
    assert_true(ns == 1709164800000000000ll);
    t = "2000-02-29T00:00:00.123456789123-0130";
    assert_int_equal(gantry_parse_time(t, strlen(t), &ns), GANTRY_OK);
    assert_true(ns == 951782400123456789ll + 5400000000000ll);
}

/* Several matcher threads feed one stage: the result is the same as from one
 * thread (each of 2 x 500 keys reaches its count exactly once). */
typedef struct feeder {
    gantry_correlator *stage;
    int first_key;
    atomic_int *fired;
} feeder;

static void on_corr_count(const gantry_corr_match *m, void *user) {
    (void)m;
    atomic_fetch_add((atomic_int *)user, 1);
}

static void *feed_keys(void *arg) {
    feeder *f = arg;
    for (int round = 0; round < 3; round++) {
        for (int k = f->first_key; k < f->first_key + 500; k++) {
            char key[32];
            snprintf(key, sizeof key, "key-%d", k);
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "k", key);
            gantry_status st = gantry_correlator_feed(f->stage, 0, gantry_event_from_cjson(e),
                                                      round * SEC, "f", 1, on_corr_count, f->fired);
            cJSON_Delete(e);
            if (st != GANTRY_OK)
                return (void *)1;
        }
    }
    return NULL;
}

static void test_threads_share_one_stage(void **state) {
    (void)state;
    gantry_pack *pack =
        compile_text("correlation n { type: event_count rules: [a] group_by: [k] timespan: 10m "
                     "condition: gte 3 }",
                     NULL);
    assert_non_null(pack);
    gantry_correlator *c = stage(pack, 60 * SEC);
    atomic_int fired = 0;
    feeder feeders[2] = {{c, 0, &fired}, {c, 500, &fired}};
    pthread_t threads[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, feed_keys, &feeders[i]), 0);
    for (int i = 0; i < 2; i++) {
        void *ret = NULL;
        assert_int_equal(pthread_join(threads[i], &ret), 0);
        assert_null(ret);
    }
    assert_int_equal(atomic_load(&fired), 1000);
    gantry_correlator_stats stats;
    gantry_correlator_get_stats(c, &stats);
    assert_int_equal(stats.fed, 3000);
    gantry_correlator_free(c);
    gantry_pack_free(pack);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_boundary_exactly_at_timespan),
        cmocka_unit_test(test_once_per_window),
        cmocka_unit_test(test_types),
        cmocka_unit_test(test_temporal_any_order_and_ordered),
        cmocka_unit_test(test_ordered_lists_only_steps),
        cmocka_unit_test(test_out_of_order_tolerance),
        cmocka_unit_test(test_upper_bound_decided_at_close),
        cmocka_unit_test(test_chain_and_generate),
        cmocka_unit_test(test_aliases),
        cmocka_unit_test(test_group_by_reads_paths_as_rules_do),
        cmocka_unit_test(test_copy_event_feeds_alike),
        cmocka_unit_test(test_compile_errors),
        cmocka_unit_test(test_memory_bound_many_keys),
        cmocka_unit_test(test_parse_time),
        cmocka_unit_test(test_threads_share_one_stage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
