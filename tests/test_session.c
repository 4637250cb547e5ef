/* SPDX-License-Identifier: Apache-2.0 */
/* The embedding API: event accessors, sessions over raw input (chunks split
 * anywhere, multi-line events, correlations), rule masks, the compiler
 * library from memory, and argument checks on every entry point. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gantry.h"
#include "gantry_compiler.h"

static const char RULES[] =
    "rule privileged_create {\n"
    "    id: \"aaaaaaaa-0000-4000-8000-000000000001\"\n"
    "    title: \"Privileged container created\"\n"
    "    level: high\n"
    "    tags: [attack.t1610, test.priv]\n"
    "    condition: event.action: \"create\" and container.security_context.privileged: true\n"
    "}\n"
    "rule exec_into_pod {\n"
    "    id: \"aaaaaaaa-0000-4000-8000-000000000002\"\n"
    "    title: \"Exec into a pod\"\n"
    "    level: low\n"
    "    tags: [attack.t1609]\n"
    "    condition: verb: \"create\" and objectRef.subresource: \"exec\"\n"
    "}\n";

/* A dockerd create call and its form data (two lines, one event), then a
 * Kubernetes exec, then a line that is no event. */
static const char INPUT[] =
    "time=\"2024-02-01T10:20:00.100000000Z\" level=debug msg=\"Calling POST "
    "/v1.43/containers/create?name=pwn\"\n"
    "time=\"2024-02-01T10:20:00.100500000Z\" level=debug msg=\"form data: "
    "{\\\"Image\\\":\\\"alpine\\\",\\\"HostConfig\\\":{\\\"Privileged\\\":true}}\"\n"
    "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"x\",\"stage\":"
    "\"ResponseComplete\",\"verb\":\"create\",\"objectRef\":{\"resource\":\"pods\","
    "\"subresource\":\"exec\",\"namespace\":\"shop\"},\"user\":{\"username\":\"alice\"},"
    "\"requestReceivedTimestamp\":\"2024-02-01T10:21:00Z\"}\n"
    "not an event\n";

static gantry_pack *compile(const char *text) {
    gantry_compiler *c = NULL;
    gantry_pack *pack = NULL;
    assert_int_equal(gantry_compiler_new(&c), GANTRY_OK);
    assert_int_equal(gantry_compiler_add_rules(c, "mem.gantry", text, strlen(text)), GANTRY_OK);
    gantry_status st = gantry_compiler_compile_pack(c, &pack);
    if (st != GANTRY_OK)
        fprintf(stderr, "%s", gantry_compiler_diagnostics_text(c));
    assert_int_equal(st, GANTRY_OK);
    gantry_compiler_free(c);
    return pack;
}

typedef struct seen {
    char ids[16][64];
    uint64_t lines[16][2];
    char values[16][256];
    const char *tags[16]; /* the last tag of each match */
    size_t count;
    int stop_after_first;
} seen;

static int record(const gantry_rule_match *m, void *user) {
    seen *s = user;
    assert_true(s->count < 16);
    size_t i = s->count++;
    snprintf(s->ids[i], sizeof s->ids[i], "%s", m->name);
    s->lines[i][0] = m->first_line;
    s->lines[i][1] = m->last_line;
    /* render the matched values as path=value;... */
    size_t at = 0;
    for (size_t f = 0; f < m->field_count; f++)
        for (size_t v = 0; v < m->fields[f].count; v++) {
            const gantry_value *val = &m->fields[f].values[v];
            at += (size_t)snprintf(
                s->values[i] + at, sizeof s->values[i] - at, "%s=%s;", m->fields[f].path,
                val->type == GANTRY_VALUE_STRING || val->type == GANTRY_VALUE_BOOL ? val->text
                                                                                   : "?");
        }
    assert_non_null(gantry_session_event_json(m->session));
    s->tags[i] = m->tag_count ? m->tags[m->tag_count - 1] : "";
    return s->stop_after_first;
}

/* Feeds INPUT in chunks of `step` bytes. */
static void run(gantry_session *s, size_t step) {
    size_t len = strlen(INPUT);
    for (size_t at = 0; at < len; at += step) {
        size_t n = len - at < step ? len - at : step;
        gantry_status st = gantry_session_feed(s, INPUT + at, n);
        assert_true(st == GANTRY_OK || st == GANTRY_E_EVENT);
    }
    assert_int_equal(gantry_session_flush(s), GANTRY_OK);
}

static void session_chunks(void **state) {
    (void)state;
    gantry_pack *pack = compile(RULES);
    assert_string_equal(gantry_pack_rule_name(pack, 0), "privileged_create");
    /* the same matches whatever the chunk size, even one byte at a time */
    static const size_t steps[] = {1, 7, 64, 100000};
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
        seen got = {0};
        gantry_session *s = NULL;
        assert_int_equal(gantry_session_new(pack, GANTRY_FORMAT_AUTO, record, NULL, &got, &s),
                         GANTRY_OK);
        run(s, steps[k]);
        assert_int_equal(got.count, 2);
        assert_string_equal(got.ids[0], "privileged_create");
        assert_int_equal(got.lines[0][0], 1);
        assert_int_equal(got.lines[0][1], 2); /* the form-data line was joined */
        assert_non_null(strstr(got.values[0], "event.action=create;"));
        assert_non_null(strstr(got.values[0], "container.security_context.privileged=true;"));
        assert_string_equal(got.tags[0], "test.priv");
        assert_string_equal(got.ids[1], "exec_into_pod");
        assert_int_equal(got.lines[1][0], 3);
        assert_string_equal(got.values[1], "verb=create;objectRef.subresource=exec;");
        gantry_session_stats st;
        assert_int_equal(gantry_session_get_stats(s, &st), GANTRY_OK);
        assert_int_equal(st.lines, 4);
        assert_int_equal(st.events, 2);
        assert_int_equal(st.malformed, 1);
        assert_int_equal(st.matches, 2);
        assert_string_not_equal(gantry_session_last_error(s), "");
        gantry_session_free(s);
    }
    gantry_pack_free(pack);
}

static void session_masks(void **state) {
    (void)state;
    gantry_pack *pack = compile(RULES);
    seen got = {0};
    gantry_session *s = NULL;
    assert_int_equal(gantry_session_new(pack, GANTRY_FORMAT_AUTO, record, NULL, &got, &s),
                     GANTRY_OK);
    gantry_matcher *m = gantry_session_matcher(s);
    size_t n = 0;
    assert_int_equal(gantry_matcher_select(m, GANTRY_SELECT_TAG, "test.priv", 0, &n), GANTRY_OK);
    assert_int_equal(n, 1);
    assert_int_equal(gantry_matcher_rule_enabled(m, 0), 0);
    assert_int_equal(gantry_matcher_rule_enabled(m, 1), 1);
    run(s, 4096);
    assert_int_equal(got.count, 1);
    assert_string_equal(got.ids[0], "exec_into_pod");
    /* everything off, then one rule back on by name, then by id */
    assert_int_equal(gantry_matcher_select(m, GANTRY_SELECT_ALL, NULL, 0, &n), GANTRY_OK);
    assert_int_equal(n, 2);
    assert_int_equal(gantry_matcher_select(m, GANTRY_SELECT_NAME, "privileged_create", 1, &n),
                     GANTRY_OK);
    assert_int_equal(n, 1);
    assert_int_equal(gantry_session_set_source(s, "second"), GANTRY_OK);
    got.count = 0;
    run(s, 4096);
    assert_int_equal(got.count, 1);
    assert_string_equal(got.ids[0], "privileged_create");
    assert_int_equal(gantry_matcher_select(m, GANTRY_SELECT_MIN_LEVEL, "high", 0, &n), GANTRY_OK);
    assert_int_equal(n, 1);
    assert_int_equal(
        gantry_matcher_select(m, GANTRY_SELECT_ID, "aaaaaaaa-0000-4000-8000-000000000002", 1, &n),
        GANTRY_OK);
    assert_int_equal(n, 1);
    assert_int_equal(gantry_matcher_rule_enabled(m, 0), 0);
    assert_int_equal(gantry_matcher_rule_enabled(m, 1), 1);
    assert_int_equal(gantry_matcher_select(m, GANTRY_SELECT_LEVEL, "severe", 0, &n), GANTRY_E_ARG);
    assert_int_equal(gantry_matcher_select(m, GANTRY_SELECT_TAG, NULL, 0, &n), GANTRY_E_ARG);
    assert_int_equal(gantry_matcher_enable_rule(m, 2, 1), GANTRY_E_ARG);
    /* the callback's stop request skips the event's later reports */
    got.count = 0;
    got.stop_after_first = 1;
    assert_int_equal(gantry_matcher_select(m, GANTRY_SELECT_ALL, NULL, 1, NULL), GANTRY_OK);
    run(s, 4096);
    assert_int_equal(got.count, 2); /* one per event */
    gantry_session_free(s);
    gantry_pack_free(pack);
}

static void event_paths(void **state) {
    (void)state;
    static const char json[] =
        "{\"a\":{\"b\":[{\"c\":\"x\"},{\"c\":\"y\"},{\"d\":1}]},\"a.b.c\":\"flat\","
        "\"n\":403,\"t\":true,\"z\":null,\"o\":{\"k\":1},\"arr\":[[1],2]}";
    gantry_event *ev = NULL;
    assert_int_equal(gantry_event_parse(json, strlen(json), &ev), GANTRY_OK);
    gantry_value v[4];
    /* the longest dotted key that yields values wins */
    assert_int_equal(gantry_event_get(ev, "a.b.c", v, 4), 1);
    assert_string_equal(v[0].text, "flat");
    assert_int_equal(gantry_event_get(ev, "a.b", v, 4), 3);
    assert_int_equal(v[0].type, GANTRY_VALUE_OBJECT);
    assert_int_equal(gantry_event_get(ev, "n", v, 4), 1);
    assert_int_equal(v[0].type, GANTRY_VALUE_NUMBER);
    assert_true(v[0].number == 403);
    assert_null(v[0].text);
    assert_int_equal(gantry_event_get(ev, "t", v, 4), 1);
    assert_int_equal(v[0].type, GANTRY_VALUE_BOOL);
    assert_string_equal(v[0].text, "true");
    assert_int_equal(gantry_event_get(ev, "z", v, 4), 1);
    assert_int_equal(v[0].type, GANTRY_VALUE_NULL);
    assert_int_equal(gantry_event_get(ev, "arr", v, 4), 2);
    assert_int_equal(v[0].type, GANTRY_VALUE_ARRAY);
    assert_int_equal(gantry_event_get(ev, "missing", v, 4), 0);
    /* counting without room, and a count above max */
    assert_int_equal(gantry_event_get(ev, "a.b", NULL, 0), 3);
    assert_int_equal(gantry_event_get(ev, "a.b", v, 1), 3);
    assert_string_equal(gantry_event_string(ev, "o.k") ? "str" : "none", "none");
    char buf[8];
    size_t len = gantry_event_to_json(ev, buf, sizeof buf);
    assert_true(len > sizeof buf);
    assert_int_equal(strlen(buf), sizeof buf - 1);
    char *full = malloc(len + 1);
    assert_int_equal(gantry_event_to_json(ev, full, len + 1), len);
    assert_int_equal(strlen(full), len);
    free(full);
    gantry_event_free(ev);
    assert_int_equal(gantry_event_parse("[1]", 3, &ev), GANTRY_E_JSON);
    assert_null(ev);
    assert_int_equal(gantry_event_parse("{", 1, &ev), GANTRY_E_JSON);
    assert_int_equal(gantry_event_parse(NULL, 3, &ev), GANTRY_E_ARG);
}

static void compiler_diagnostics(void **state) {
    (void)state;
    gantry_compiler *c = NULL;
    assert_int_equal(gantry_compiler_new(&c), GANTRY_OK);
    static const char bad[] = "rule broken {\n    condition: verb ==\n}\n";
    assert_int_equal(gantry_compiler_add_rules(c, "bad.gantry", bad, strlen(bad)), GANTRY_OK);
    void *image = (void *)1;
    size_t len = 1;
    assert_int_equal(gantry_compiler_compile(c, &image, &len), GANTRY_E_VERIFY);
    assert_null(image);
    assert_true(gantry_compiler_error_count(c) >= 1);
    assert_true(gantry_compiler_diagnostic_count(c) >= 1);
    const gantry_diagnostic *d = gantry_compiler_diagnostic(c, 0);
    assert_non_null(d);
    assert_string_equal(d->file, "bad.gantry");
    assert_int_equal(d->line, 2);
    assert_true(d->column > 0);
    assert_int_equal(d->severity, GANTRY_DIAG_ERROR);
    assert_int_equal(d->code[0], 'E');
    assert_true(strlen(d->message) > 0);
    assert_null(gantry_compiler_diagnostic(c, 1000));
    assert_non_null(strstr(gantry_compiler_diagnostics_text(c), "bad.gantry:2:"));
    /* a compiler compiles once */
    assert_int_equal(gantry_compiler_compile(c, &image, &len), GANTRY_E_ARG);
    gantry_compiler_free(c);
}

static void compiler_sigma(void **state) {
    (void)state;
    static const char yaml[] = "title: Exec into pod\n"
                               "id: bbbbbbbb-0000-4000-8000-000000000001\n"
                               "status: test\n"
                               "level: medium\n"
                               "logsource:\n  product: kubernetes\n  service: audit\n"
                               "detection:\n  sel:\n    verb: create\n"
                               "    objectRef.subresource: exec\n"
                               "  condition: sel\n";
    gantry_compiler *c = NULL;
    gantry_pack *pack = NULL;
    assert_int_equal(gantry_compiler_new(&c), GANTRY_OK);
    assert_int_equal(gantry_compiler_add_sigma(c, "exec.yml", yaml, strlen(yaml)), GANTRY_OK);
    assert_int_equal(gantry_compiler_compile_pack(c, &pack), GANTRY_OK);
    gantry_compiler_free(c);
    assert_int_equal(gantry_pack_rule_count(pack), 1);
    assert_string_not_equal(gantry_pack_rule_name(pack, 0), "");
    seen got = {0};
    gantry_session *s = NULL;
    assert_int_equal(gantry_session_new(pack, GANTRY_FORMAT_AUTO, record, NULL, &got, &s),
                     GANTRY_OK);
    run(s, 4096);
    assert_int_equal(got.count, 1);
    assert_int_equal(got.lines[0][0], 3);
    gantry_session_free(s);
    gantry_pack_free(pack);
}

static int ignore(const gantry_rule_match *m, void *user) {
    (void)m;
    (void)user;
    return 0;
}

/* Every entry point refuses what it cannot use, with a status. */
static void misuse(void **state) {
    (void)state;
    gantry_pack *pack = compile(RULES);
    gantry_session *s = (gantry_session *)1;
    assert_int_equal(gantry_session_new(NULL, GANTRY_FORMAT_AUTO, ignore, NULL, NULL, &s),
                     GANTRY_E_ARG);
    assert_null(s);
    assert_int_equal(gantry_session_new(pack, GANTRY_FORMAT_AUTO, NULL, NULL, NULL, &s),
                     GANTRY_E_ARG);
    assert_int_equal(gantry_session_new(pack, (gantry_input_format)99, ignore, NULL, NULL, &s),
                     GANTRY_E_ARG);
    assert_int_equal(gantry_session_new(pack, GANTRY_FORMAT_AUTO, ignore, NULL, NULL, NULL),
                     GANTRY_E_ARG);
    assert_int_equal(gantry_session_feed(NULL, "x", 1), GANTRY_E_ARG);
    assert_int_equal(gantry_session_feed_line(NULL, "x", 1), GANTRY_E_ARG);
    assert_int_equal(gantry_session_finish(NULL), GANTRY_E_ARG);
    assert_int_equal(gantry_session_flush(NULL), GANTRY_E_ARG);
    assert_int_equal(gantry_session_set_source(NULL, "x"), GANTRY_E_ARG);
    assert_int_equal(gantry_session_set_min_level(NULL, GANTRY_LEVEL_HIGH), GANTRY_E_ARG);
    assert_null(gantry_session_matcher(NULL));
    assert_null(gantry_session_event_json(NULL));
    assert_int_equal(gantry_session_get_stats(NULL, NULL), GANTRY_E_ARG);
    assert_int_equal(gantry_session_new(pack, GANTRY_FORMAT_AUTO, ignore, NULL, NULL, &s),
                     GANTRY_OK);
    assert_int_equal(gantry_session_feed(s, NULL, 3), GANTRY_E_ARG);
    assert_int_equal(gantry_session_feed(s, NULL, 0), GANTRY_OK); /* an empty chunk */
    assert_int_equal(gantry_session_set_min_level(s, (gantry_level)9), GANTRY_E_ARG);
    assert_int_equal(gantry_session_set_source(s, NULL), GANTRY_E_ARG);
    assert_null(gantry_session_event_json(s)); /* outside a callback */
    gantry_session_free(s);
    gantry_session_free(NULL);
    assert_int_equal(gantry_matcher_select(NULL, GANTRY_SELECT_ALL, NULL, 1, NULL), GANTRY_E_ARG);
    assert_int_equal(gantry_matcher_rule_enabled(NULL, 0), 0);
    assert_null(gantry_pack_rule_name(NULL, 0));
    assert_null(gantry_pack_rule_name(pack, 99));
    assert_int_equal(gantry_match_event(NULL, NULL, NULL, NULL), GANTRY_E_ARG);
    assert_int_equal(gantry_event_get(NULL, "a", NULL, 0), 0);
    assert_int_equal(gantry_event_to_json(NULL, NULL, 0), 0);
    gantry_pack *p2 = (gantry_pack *)1;
    assert_int_equal(gantry_pack_load_buffer(NULL, 5, &p2, NULL, 0), GANTRY_E_ARG);
    assert_null(p2);
    /* a pack of another format version */
    gantry_compiler *c = NULL;
    assert_int_equal(gantry_compiler_new(&c), GANTRY_OK);
    assert_int_equal(gantry_compiler_add_rules(c, "r.gantry", RULES, strlen(RULES)), GANTRY_OK);
    void *image = NULL;
    size_t len = 0;
    assert_int_equal(gantry_compiler_compile(c, &image, &len), GANTRY_OK);
    unsigned char *bytes = image;
    bytes[8] = 99; /* the format version field */
    assert_int_equal(gantry_pack_load_buffer(image, len, &p2, NULL, 0), GANTRY_E_VERSION);
    gantry_compiler_buffer_free(image);
    gantry_compiler_free(c);
    assert_int_equal(gantry_compiler_new(NULL), GANTRY_E_ARG);
    assert_int_equal(gantry_compiler_add_rules(NULL, "x", "", 0), GANTRY_E_ARG);
    assert_int_equal(gantry_compiler_add_sigma(NULL, "x", "", 0), GANTRY_E_ARG);
    assert_int_equal(gantry_compiler_compile(NULL, &image, &len), GANTRY_E_ARG);
    assert_int_equal(gantry_compiler_define(NULL, "a=b"), GANTRY_E_ARG);
    assert_int_equal(gantry_compiler_diagnostic_count(NULL), 0);
    gantry_compiler_free(NULL);
    gantry_pack_free(pack);
}

/* The loader decodes into its own arrays: the image may be overwritten and
 * freed as soon as gantry_pack_load_buffer returns (ASan checks the rest). */
static void buffer_not_kept(void **state) {
    (void)state;
    gantry_compiler *c = NULL;
    assert_int_equal(gantry_compiler_new(&c), GANTRY_OK);
    assert_int_equal(gantry_compiler_add_rules(c, "r.gantry", RULES, strlen(RULES)), GANTRY_OK);
    void *image = NULL;
    size_t len = 0;
    assert_int_equal(gantry_compiler_compile(c, &image, &len), GANTRY_OK);
    gantry_compiler_free(c);
    gantry_pack *pack = NULL;
    assert_int_equal(gantry_pack_load_buffer(image, len, &pack, NULL, 0), GANTRY_OK);
    memset(image, 0xA5, len);
    gantry_compiler_buffer_free(image);
    assert_string_equal(gantry_pack_rule_name(pack, 1), "exec_into_pod");
    seen got = {0};
    gantry_session *s = NULL;
    assert_int_equal(gantry_session_new(pack, GANTRY_FORMAT_AUTO, record, NULL, &got, &s),
                     GANTRY_OK);
    run(s, 4096);
    assert_int_equal(got.count, 2);
    gantry_session_free(s);
    gantry_pack_free(pack);
}

static int ignore_base(const gantry_match *m, void *user) {
    (void)m;
    (void)user;
    return 0;
}

/* The lower-level functions refuse NULL objects, NULL callbacks and empty
 * buffers with a status (or an empty answer), never a crash. */
static void misuse_lower_level(void **state) {
    (void)state;
    gantry_pack *pack = compile(RULES);
    gantry_matcher *m = NULL;
    assert_int_equal(gantry_matcher_new(NULL, &m), GANTRY_E_ARG);
    assert_int_equal(gantry_matcher_new(pack, NULL), GANTRY_E_ARG);
    assert_int_equal(gantry_matcher_new(pack, &m), GANTRY_OK);
    assert_int_equal(gantry_match_json(NULL, "{}", 2, ignore_base, NULL), GANTRY_E_ARG);
    assert_int_equal(gantry_match_json(m, "{}", 2, NULL, NULL), GANTRY_E_ARG);
    assert_int_equal(gantry_match_json(m, "", 0, ignore_base, NULL), GANTRY_E_JSON);
    assert_int_equal(gantry_match_json(m, NULL, 0, ignore_base, NULL), GANTRY_E_JSON);
    assert_int_equal(gantry_match_json(m, NULL, 4, ignore_base, NULL), GANTRY_E_ARG);
    gantry_event *ev = NULL;
    assert_int_equal(gantry_event_parse("{}", 2, &ev), GANTRY_OK);
    assert_int_equal(gantry_match_event(m, ev, NULL, NULL), GANTRY_E_ARG);
    assert_int_equal(gantry_match_event(m, ev, ignore_base, NULL), GANTRY_OK);
    gantry_event_free(ev);
    gantry_matcher_free(m);
    gantry_matcher_free(NULL);

    gantry_pack *p = (gantry_pack *)1;
    assert_int_equal(gantry_pack_load_buffer("", 0, &p, NULL, 0), GANTRY_E_TRUNCATED);
    assert_null(p);
    assert_int_equal(gantry_pack_load_buffer("x", 1, NULL, NULL, 0), GANTRY_E_ARG);
    assert_int_equal(gantry_pack_load_file(NULL, &p, NULL, 0), GANTRY_E_ARG);
    gantry_pack_free(NULL);
    assert_int_equal(gantry_pack_rule_count(NULL), 0);
    gantry_rule_info info;
    assert_int_equal(gantry_pack_rule_info(NULL, 0, &info), GANTRY_E_ARG);
    assert_int_equal(gantry_pack_rule_info(pack, 0, NULL), GANTRY_E_ARG);
    assert_int_equal(gantry_pack_rule_info(pack, 99, &info), GANTRY_E_ARG);
    assert_null(gantry_pack_rule_tag(NULL, 0, 0));
    assert_null(gantry_pack_rule_tag(pack, 0, 99));
    assert_null(gantry_pack_rule_reference(pack, 99, 0));
    assert_null(gantry_pack_rule_falsepositive(NULL, 0, 0));
    assert_int_equal(gantry_pack_field_count(NULL), 0);
    assert_null(gantry_pack_field_name(pack, 9999));
    assert_int_equal(gantry_rule_reads_field(NULL, 0, 0), 0);
    assert_int_equal(gantry_pack_correlation_count(NULL), 0);
    gantry_correlation_info ci;
    assert_int_equal(gantry_pack_correlation_info(pack, 0, &ci), GANTRY_E_ARG);
    assert_int_equal(gantry_pack_correlation_info(NULL, 0, &ci), GANTRY_E_ARG);
    assert_null(gantry_pack_correlation_tag(NULL, 0, 0));
    assert_int_equal(gantry_pack_rule_reported(NULL, 0), 0);
    assert_non_null(gantry_strerror((gantry_status)1000));
    assert_string_equal(gantry_level_name((gantry_level)77), "unknown");

    gantry_normalizer *n = NULL;
    assert_int_equal(gantry_normalizer_new(pack, GANTRY_FORMAT_AUTO, NULL), GANTRY_E_ARG);
    assert_int_equal(gantry_normalizer_new(pack, (gantry_input_format)42, &n), GANTRY_E_ARG);
    assert_int_equal(gantry_normalizer_feed(NULL, "x", 1, 1), GANTRY_E_ARG);
    assert_int_equal(gantry_normalizer_finish(NULL), GANTRY_E_ARG);
    assert_int_equal(gantry_normalizer_set_max_depth(NULL, 3), GANTRY_E_ARG);
    gantry_item item;
    assert_int_equal(gantry_normalizer_next(NULL, &item), 0);
    gantry_normalizer_free(NULL);
    assert_int_equal(gantry_input_format_parse(NULL), -1);

    gantry_correlator *c = NULL;
    assert_int_equal(gantry_correlator_new(NULL, NULL, &c), GANTRY_E_ARG);
    assert_int_equal(gantry_correlator_new(pack, NULL, NULL), GANTRY_E_ARG);
    assert_int_equal(gantry_correlator_feed(NULL, 0, NULL, 0, "f", 1, NULL, NULL), GANTRY_E_ARG);
    assert_int_equal(gantry_correlator_flush(NULL, NULL, NULL), GANTRY_E_ARG);
    gantry_correlator_get_stats(NULL, NULL);
    gantry_correlator_limits_default(NULL);
    gantry_correlator_free(NULL);
    int64_t ns;
    assert_int_equal(gantry_parse_time(NULL, 0, &ns), GANTRY_E_ARG);
    gantry_pack_free(pack);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(session_chunks),  cmocka_unit_test(session_masks),
        cmocka_unit_test(event_paths),     cmocka_unit_test(compiler_diagnostics),
        cmocka_unit_test(compiler_sigma),  cmocka_unit_test(misuse),
        cmocka_unit_test(buffer_not_kept), cmocka_unit_test(misuse_lower_level),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
