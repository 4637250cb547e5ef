/* SPDX-License-Identifier: Apache-2.0 */
/* Sigma correlation documents import into the same tree the native
 * `correlation` block builds: every example of the specification in
 * ../shared/sigma/spec-examples/correlation/ against its native spelling,
 * then aliases, chains, generate, ranges and Sigma's extra units inline, the
 * diagnostics for bad input, and a pack compiled from imported YAML. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cJSON.h>

#include "gantry.h"
#include "gantry_cjson.h"
#include "parse.h"
#include "sigma_internal.h"

#define SPEC_DIR "../shared/sigma/spec-examples/correlation"

typedef struct loaded {
    gast_unit *unit;
    gdiag_sink *diag;
    gsigma_ctx *ctx;
    FILE *messages; /* the diagnostics as printed */
    int errors;
} loaded;

static char tmpdir[64];

static int setup_dir(void **state) {
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/gsigcorr_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_dir(void **state) {
    (void)state;
    rmdir(tmpdir);
    return 0;
}

static loaded load_path(const char *path) {
    loaded l;
    memset(&l, 0, sizeof l);
    l.messages = tmpfile();
    assert_non_null(l.messages);
    l.unit = gast_unit_new();
    l.diag = gdiag_new(l.messages, 0, 0);
    assert_non_null(l.unit);
    assert_non_null(l.diag);
    l.ctx = gsigma_new(NULL, l.diag);
    assert_non_null(l.ctx);
    int n = gsigma_load_file(l.ctx, l.unit, path);
    assert_true(n >= 0);
    int m = gsigma_finish(l.ctx, l.unit);
    assert_true(m >= 0);
    l.errors = n + m;
    return l;
}

/* Load `text` as a Sigma file named `name`. */
static loaded load_text(const char *name, const char *text) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    loaded l = load_path(path);
    unlink(path);
    return l;
}

static void unload(loaded *l) {
    gsigma_free(l->ctx);
    gdiag_free(l->diag);
    gast_unit_free(l->unit);
    fclose(l->messages);
}

/* 1 when the printed diagnostics contain `needle`. */
static int said(loaded *l, const char *needle) {
    char buf[8192];
    fflush(l->messages);
    rewind(l->messages);
    size_t n = fread(buf, 1, sizeof buf - 1, l->messages);
    buf[n] = 0;
    return strstr(buf, needle) != NULL;
}

static gast_unit *parse_native(const char *text) {
    gast_unit *unit = gast_unit_new();
    gdiag_sink *diag = gdiag_new(NULL, 0, 0);
    assert_non_null(unit);
    assert_non_null(diag);
    gparse_text(unit, "native.gantry", text, strlen(text), diag);
    assert_int_equal(gdiag_error_count(diag), 0);
    gdiag_free(diag);
    return unit;
}

static void assert_same_string(const char *what, const char *a, const char *b) {
    if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
        fail_msg("%s differs: '%s' vs '%s'", what, a ? a : "(null)", b ? b : "(null)");
}

static void assert_same_strings(const char *what, const gast_strings *a, const gast_strings *b) {
    if (a->count != b->count)
        fail_msg("%s: %zu items vs %zu", what, a->count, b->count);
    for (size_t i = 0; i < a->count; i++)
        assert_same_string(what, a->items[i], b->items[i]);
}

/* Every field the compiler reads, compared between the two front ends. */
static void assert_same_correlation(const gast_correlation *a, const gast_correlation *b) {
    assert_same_string("name", a->name, b->name);
    assert_same_string("id", a->id, b->id);
    assert_same_string("title", a->title, b->title);
    assert_same_string("description", a->description, b->description);
    assert_same_string("field", a->field, b->field);
    assert_int_equal(a->level, b->level);
    assert_int_equal(a->type, b->type);
    assert_same_strings("rules", &a->rules, &b->rules);
    assert_same_strings("group_by", &a->group_by, &b->group_by);
    assert_same_strings("tags", &a->tags, &b->tags);
    assert_true(a->timespan_ns == b->timespan_ns);
    assert_int_equal(a->cond_flags, b->cond_flags);
    if (a->cond_flags & GAST_CORR_HAS_LO)
        assert_true(a->cond_lo == b->cond_lo);
    if (a->cond_flags & GAST_CORR_HAS_HI)
        assert_true(a->cond_hi == b->cond_hi);
    assert_true(a->percentile == b->percentile);
    assert_int_equal(a->generate, b->generate);
    assert_int_equal(a->alias_count, b->alias_count);
    for (size_t i = 0; i < a->alias_count; i++) {
        assert_same_string("alias", a->aliases[i]->name, b->aliases[i]->name);
        assert_same_strings("alias rules", &a->aliases[i]->rules, &b->aliases[i]->rules);
        assert_same_strings("alias fields", &a->aliases[i]->fields, &b->aliases[i]->fields);
    }
}

static void assert_imports_as(loaded *l, const char *native) {
    assert_int_equal(l->errors, 0);
    assert_int_equal(l->unit->correlation_count, 1);
    gast_unit *want = parse_native(native);
    assert_int_equal(want->correlation_count, 1);
    assert_same_correlation(l->unit->correlations[0], want->correlations[0]);
    gast_unit_free(want);
}

/* ---- the specification's examples ---------------------------------------- */

static const struct {
    const char *file;
    const char *native;
} spec_examples[] = {
    {"event_count.yml",
     "correlation event_count { title: \"Many failed logins\"\n"
     "  id: \"0e95725d-7320-415d-80f7-004da920fc11\" type: event_count\n"
     "  rules: [\"5638f7c0-ac70-491d-8465-2a65075e0d86\"] group_by: [ComputerName]\n"
     "  timespan: 1h condition: gte 100 }"},
    {"event_count_ecs.yml",
     "correlation event_count_ecs { title: \"Many failed logins\"\n"
     "  id: \"0e95725d-7320-415d-80f7-004da920fc11\" type: event_count\n"
     "  rules: [\"5638f7c0-ac70-491d-8465-2a65075e0d86\"] group_by: [dns.question.name]\n"
     "  timespan: 1h condition: { gte: 100 } }"},
    {"temporal.yml", "correlation temporal { title: \"Recon\" type: temporal\n"
                     "  rules: [recon_cmd_a, recon_cmd_b, recon_cmd_c]\n"
                     "  group_by: [ComputerName, User] timespan: 5m }"},
    {"temporal_ordered.yml", "sequence temporal_ordered { title: \"Recon ordered\"\n"
                             "  steps: [recon_cmd_a, recon_cmd_b, recon_cmd_c]\n"
                             "  by: [ComputerName, User] within: 5m }"},
    {"value_avg.yml", "correlation value_avg { title: \"Suspicious average network traffic\"\n"
                      "  type: value_avg rules: [rule_a_id] group_by: [SourceIP, User]\n"
                      "  timespan: 24h field: BytesOut condition: gt 500 }"},
    {"value_count.yml", "correlation value_count { title: \"Failed login\"\n"
                        "  id: \"0e95725d-7320-415d-80f7-004da920fc12\" type: value_count\n"
                        "  rules: [\"5638f7c0-ac70-491d-8465-2a65075e0d86\"]\n"
                        "  group_by: [ComputerName, WorkstationName] timespan: 1d\n"
                        "  field: User condition: gte 100 }"},
    {"value_percentile.yml",
     "correlation value_percentile {\n"
     "  title: \"A computer spawned a processes name in the last 24h than 1% of all the "
     "processes.\"\n"
     "  type: value_percentile rules: [process_creation] group_by: [ComputerName]\n"
     "  timespan: 24h field: Image condition: lte 1 }"},
    {"value_sum.yml", "correlation value_sum { title: \"Possible Exfiltration to Website\"\n"
                      "  type: value_sum rules: [website_access] group_by: [SourceIP, User]\n"
                      "  timespan: 1h condition: { field: bytes_sent, gt: 1000000 } }"},
};

static void test_spec_examples(void **state) {
    (void)state;
    struct stat st;
    if (stat(SPEC_DIR, &st) != 0) {
        printf("skipped: %s is absent (the shared material is not mounted)\n", SPEC_DIR);
        skip();
    }
    size_t n = sizeof spec_examples / sizeof spec_examples[0];
    for (size_t i = 0; i < n; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", SPEC_DIR, spec_examples[i].file);
        loaded l = load_path(path);
        assert_int_equal(l.unit->rule_count, 0);
        assert_imports_as(&l, spec_examples[i].native);
        unload(&l);
    }
}

/* Every file of the directory is covered by the table above, so a new
 * example in the shared material cannot go untested. */
static void test_spec_examples_all_listed(void **state) {
    (void)state;
    DIR *dir = opendir(SPEC_DIR);
    if (!dir) {
        printf("skipped: %s is absent (the shared material is not mounted)\n", SPEC_DIR);
        skip();
    }
    size_t seen = 0;
    const struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        size_t len = strlen(entry->d_name);
        if (len < 5 || strcmp(entry->d_name + len - 4, ".yml") != 0)
            continue;
        int listed = 0;
        for (size_t k = 0; k < sizeof spec_examples / sizeof spec_examples[0]; k++)
            listed |= strcmp(spec_examples[k].file, entry->d_name) == 0;
        if (!listed)
            fail_msg("%s/%s has no native counterpart in this test", SPEC_DIR, entry->d_name);
        seen++;
    }
    closedir(dir);
    assert_int_equal(seen, sizeof spec_examples / sizeof spec_examples[0]);
}

/* ---- inline documents ------------------------------------------------------ */

static void test_aliases_and_generate(void **state) {
    (void)state;
    loaded l = load_text("alias.yml", "title: Internal error then connection\n"
                                      "name: error_then_connection\n"
                                      "level: high\n"
                                      "tags: [attack.t1610]\n"
                                      "correlation:\n"
                                      "    type: temporal\n"
                                      "    rules: [internal_error, new_network_connection]\n"
                                      "    group-by: [internal_ip, remote_ip]\n"
                                      "    timespan: 10s\n"
                                      "    aliases:\n"
                                      "        internal_ip:\n"
                                      "            internal_error: destination.ip\n"
                                      "            new_network_connection: source.ip\n"
                                      "        remote_ip:\n"
                                      "            internal_error: source.ip\n"
                                      "            new_network_connection: destination.ip\n"
                                      "    generate: true\n");
    assert_imports_as(&l, "correlation error_then_connection {\n"
                          "  title: \"Internal error then connection\" level: high\n"
                          "  tags: [attack.t1610] type: temporal\n"
                          "  rules: [internal_error, new_network_connection]\n"
                          "  group_by: [internal_ip, remote_ip] timespan: 10s generate: true\n"
                          "  alias internal_ip: { internal_error: destination.ip,\n"
                          "                       new_network_connection: source.ip }\n"
                          "  alias remote_ip: { internal_error: source.ip,\n"
                          "                     new_network_connection: destination.ip } }");
    unload(&l);
}

static void test_ranges_and_units(void **state) {
    (void)state;
    loaded l = load_text("range.yml", "title: Some\nname: some\ncorrelation:\n"
                                      "    type: event_count\n    rules: base\n"
                                      "    group-by: user\n    timespan: 2w\n"
                                      "    condition: {gt: 10, lte: 20}\n");
    assert_imports_as(&l, "correlation some { title: \"Some\" type: event_count rules: [base]\n"
                          "  group_by: [user] timespan: 2w condition: gt 10 and lte 20 }");
    unload(&l);

    l = load_text("eq.yml",
                  "title: Exact\nname: exact\ncorrelation:\n"
                  "    type: value_percentile\n    rules: [base]\n"
                  "    timespan: 90s\n    condition: {field: n, percentile: 95, eq: 3}\n");
    assert_imports_as(&l, "correlation exact { title: \"Exact\" type: value_percentile\n"
                          "  rules: [base] timespan: 90s field: n percentile: 95\n"
                          "  condition: eq 3 }");
    unload(&l);

    /* month and year, as pySigma counts them */
    l = load_text("month.yml", "title: M\nname: m\ncorrelation:\n    type: event_count\n"
                               "    rules: [base]\n    timespan: 1M\n    condition: {gte: 1}\n"
                               "---\n"
                               "title: Y\nname: y\ncorrelation:\n    type: event_count\n"
                               "    rules: [base]\n    timespan: 2y\n    condition: {gte: 1}\n");
    assert_int_equal(l.errors, 0);
    assert_int_equal(l.unit->correlation_count, 2);
    assert_true(l.unit->correlations[0]->timespan_ns == 2629746ll * 1000000000);
    assert_true(l.unit->correlations[1]->timespan_ns == 2 * 31556952ll * 1000000000);
    unload(&l);
}

static const char chain_yaml[] =
    "title: Failed login\nname: failed_login\nid: 7b6f2a1e-1c64-4d8e-9a55-3f0a6c2b9d10\n"
    "level: low\n"
    "logsource: {product: test}\n"
    "detection:\n    sel: {outcome: failure}\n    condition: sel\n"
    "---\n"
    "title: Successful login\nname: ok_login\nlevel: low\n"
    "logsource: {product: test}\n"
    "detection:\n    sel: {outcome: success}\n    condition: sel\n"
    "---\n"
    "title: Many failures\nname: many_failures\nlevel: medium\n"
    "correlation:\n    type: event_count\n"
    "    rules: [7b6f2a1e-1c64-4d8e-9a55-3f0a6c2b9d10]\n"
    "    group-by: [user]\n    timespan: 10m\n    condition: {gte: 3}\n"
    "---\n"
    "title: Brute force then success\nname: brute_then_success\nlevel: high\n"
    "correlation:\n    type: temporal_ordered\n    rules: [many_failures, ok_login]\n"
    "    group-by: [user]\n    timespan: 1h\n    generate: true\n";

typedef struct fired {
    int count;
    char name[64];
} fired;

static void on_match(const gantry_corr_match *m, void *user) {
    fired *f = user;
    f->count++;
    snprintf(f->name, sizeof f->name, "%s", m->correlation->name);
}

/* Imported rules and a chain of imported correlations compile into a pack
 * whose stage fires the outer correlation; `generate: true` on the outer
 * one keeps the inner correlation and the success rule reported. */
static void test_chain_compiles_and_fires(void **state) {
    (void)state;
    loaded l = load_text("chain.yml", chain_yaml);
    assert_int_equal(l.errors, 0);
    assert_int_equal(l.unit->rule_count, 2);
    assert_int_equal(l.unit->correlation_count, 2);
    gcomp_options opt = {0};
    unsigned char *image = NULL;
    size_t len = 0;
    assert_int_equal(gcomp_compile_unit(l.unit, l.diag, &opt, &image, &len, NULL), 0);
    gantry_pack *pack = NULL;
    char err[256];
    assert_int_equal(gantry_pack_load_buffer(image, len, &pack, err, sizeof err), GANTRY_OK);
    free(image);
    assert_int_equal(gantry_pack_correlation_count(pack), 2);
    /* failed_login is referenced only by many_failures (generate false): silent */
    size_t failed_rule = 0, ok_rule = 1;
    gantry_rule_info info;
    assert_int_equal(gantry_pack_rule_info(pack, 0, &info), GANTRY_OK);
    if (strcmp(info.id ? info.id : "", "7b6f2a1e-1c64-4d8e-9a55-3f0a6c2b9d10") != 0) {
        failed_rule = 1;
        ok_rule = 0;
    }
    assert_int_equal(gantry_pack_rule_reported(pack, failed_rule), 0);
    assert_int_equal(gantry_pack_rule_reported(pack, ok_rule), 1);

    gantry_correlator *c = NULL;
    assert_int_equal(gantry_correlator_new(pack, NULL, &c), GANTRY_OK);
    cJSON *event = cJSON_Parse("{\"user\":\"bob\"}");
    fired f = {0};
    const int64_t sec = 1000000000;
    for (int i = 0; i < 3; i++)
        gantry_correlator_feed(c, (uint32_t)failed_rule, gantry_event_from_cjson(event),
                               (int64_t)i * sec, "f", 1 + i, on_match, &f);
    assert_int_equal(f.count, 1); /* many_failures, reported through generate */
    assert_string_equal(f.name, "many_failures");
    gantry_correlator_feed(c, (uint32_t)ok_rule, gantry_event_from_cjson(event), 10 * sec, "f", 4,
                           on_match, &f);
    gantry_correlator_flush(c, on_match, &f);
    assert_int_equal(f.count, 2);
    assert_string_equal(f.name, "brute_then_success");
    cJSON_Delete(event);
    gantry_correlator_free(c);
    gantry_pack_free(pack);
    unload(&l);
}

static void test_errors(void **state) {
    (void)state;
    static const struct {
        const char *yaml;
        const char *code;
    } cases[] = {
        {"correlation:\n    type: event_sum\n    rules: [a]\n    timespan: 1h\n", "error[E150]"},
        {"correlation:\n    type: event_count\n    rules: [a]\n    timespan: 1 hour\n",
         "error[E151]"},
        {"correlation:\n    type: event_count\n    rules: [a]\n    timespan: 0s\n", "error[E151]"},
        {"correlation:\n    type: event_count\n    rules: [a]\n    timespan: 1h\n"
         "    condition: {gte: many}\n",
         "error[E152]"},
        {"correlation:\n    type: event_count\n    rules: [a]\n    timespan: 1h\n"
         "    generate: maybe\n",
         "error[E152]"},
        {"correlation:\n    type: temporal\n    rules: [a, b]\n    timespan: 1h\n"
         "    aliases: {ip: source.ip}\n",
         "error[E153]"},
        {"correlation:\n    type: event_count\n    rules: [a]\n    timespan: 1h\n"
         "    condition: {ge: 3}\n",
         "error[E154]"},
        {"correlation:\n    type: event_count\n    rules: [a]\n    timespan: 1h\n"
         "    condition: {gt: 3, gte: 4}\n",
         "error[E154]"},
        {"correlation: [event_count]\n", "error[E119]"},
        {"correlation:\n    type: event_count\n    rules: [a]\n    timespan: 1h\n"
         "    condition: 5\n",
         "error[E119]"},
        {"correlation:\n    type: event_count\n    rules: [a]\n    timespan: 1h\n"
         "    group_by: [user]\n    condition: {gte: 2}\n",
         "error[E120]"},
        {"correlation:\n    type: event_count\n    rules: {a: 1}\n    timespan: 1h\n",
         "error[E112]"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        loaded l = load_text("bad.yml", cases[i].yaml);
        if (l.errors == 0 || !said(&l, cases[i].code))
            fail_msg("case %zu: expected %s", i, cases[i].code);
        assert_int_equal(l.unit->correlation_count, 0);
        assert_true(said(&l, "bad.yml:"));
        unload(&l);
    }
}

/* What only the compiler can tell (missing items, unknown references) is
 * reported with the native codes for imported documents too. */
static void test_compiler_checks_apply(void **state) {
    (void)state;
    loaded l = load_text("refs.yml", "title: Lonely\nname: lonely\ncorrelation:\n"
                                     "    type: event_count\n    rules: [nowhere]\n"
                                     "    timespan: 1h\n    condition: {gte: 2}\n");
    assert_int_equal(l.errors, 0);
    gcomp_options opt = {0};
    unsigned char *image = NULL;
    size_t len = 0;
    assert_true(gcomp_compile_unit(l.unit, l.diag, &opt, &image, &len, NULL) != 0);
    assert_null(image);
    assert_true(said(&l, "error[E159]"));
    unload(&l);
}

/* `gantry import-sigma` prints correlations natively; the text reads back
 * into the tree the import built. */
static void test_emit_round_trip(void **state) {
    (void)state;
    loaded l = load_text("emit.yml",
                         "title: Emitted\nname: emitted\nid: 11111111-2222-4333-8444-555555555555\n"
                         "level: medium\ntags: [attack.t1610]\nstatus: test\n"
                         "correlation:\n    type: value_percentile\n"
                         "    rules: [a_rule, 5638f7c0-ac70-491d-8465-2a65075e0d86]\n"
                         "    group-by: [ip, user.name]\n    timespan: 90s\n"
                         "    condition: {field: bytes, percentile: 99, gt: 1.5, lte: 2000000}\n"
                         "    aliases:\n        ip:\n            a_rule: source.ip\n"
                         "            5638f7c0-ac70-491d-8465-2a65075e0d86: client.address\n"
                         "    generate: false\n");
    assert_int_equal(l.errors, 0);
    assert_int_equal(l.unit->correlation_count, 1);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    const char *why = NULL;
    assert_true(gsigma_emit_correlation(out, l.unit->correlations[0], &why));
    fclose(out);
    gast_unit *back = parse_native(text);
    assert_int_equal(back->correlation_count, 1);
    assert_same_correlation(l.unit->correlations[0], back->correlations[0]);
    gast_unit_free(back);
    free(text);
    unload(&l);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_examples),
        cmocka_unit_test(test_spec_examples_all_listed),
        cmocka_unit_test(test_aliases_and_generate),
        cmocka_unit_test(test_ranges_and_units),
        cmocka_unit_test(test_chain_compiles_and_fires),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_compiler_checks_apply),
        cmocka_unit_test(test_emit_round_trip),
    };
    return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
