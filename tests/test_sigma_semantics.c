/* SPDX-License-Identifier: Apache-2.0 */
/* Semantic conformance: one row per matcher-observable case of
 * ../shared/sigma/SEMANTICS.md. Each row is a Sigma detection (YAML), an
 * event, and the verdict pySigma's semantics give. Rules are compiled
 * through the Sigma importer and the compiler, then matched by the runtime.
 * Also: every Kubernetes audit rule of ../shared/sigma/rules fires on its
 * real samples in ../shared/corpus-real (normalized by gantry_normalizer_*)
 * where the corpus has one, and on a synthetic audit record otherwise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "compiler.h"
#include "support/file_list.h"
#include "support/shared.h"
#include "gantry.h"
#include "gantry_cjson.h"

typedef struct row {
    const char *what;      /* the SEMANTICS.md case */
    const char *detection; /* YAML under `detection:` (4-space indented) */
    const char *event;     /* JSON */
    bool fires;
} row;

static const row rows[] = {
    /* §3.3-3.4 wildcards and escapes */
    {"plain value is an exact, case-insensitive match", "    s: {F: 'FooBar'}\n",
     "{\"F\":\"foobar\"}", true},
    {"plain value does not match a substring", "    s: {F: 'foo'}\n", "{\"F\":\"foobar\"}", false},
    {"* and ? in the middle", "    s: {F: 'a*b?c'}\n", "{\"F\":\"aXXbYc\"}", true},
    {"? needs exactly one character", "    s: {F: 'a*b?c'}\n", "{\"F\":\"abc\"}", false},
    {"? matches a literal ?", "    s: {F: 'x?cmd='}\n", "{\"F\":\"x?cmd=\"}", true},
    {"escaped * is literal", "    s: {F: 'a\\*b'}\n", "{\"F\":\"a*b\"}", true},
    {"escaped * is not a wildcard", "    s: {F: 'a\\*b'}\n", "{\"F\":\"aXb\"}", false},
    {"backslash before a letter is kept", "    s: {F: 'C:\\Windows\\System32'}\n",
     "{\"F\":\"C:\\\\Windows\\\\System32\"}", true},
    {"C:\\Windows\\* eats the backslash (literal *)", "    s: {F: 'C:\\Windows\\*'}\n",
     "{\"F\":\"C:\\\\Windows*\"}", true},
    {"C:\\Windows\\* is not a prefix match", "    s: {F: 'C:\\Windows\\*'}\n",
     "{\"F\":\"C:\\\\Windows\\\\x\"}", false},
    {"C:\\Windows\\\\* is backslash then wildcard", "    s: {F: 'C:\\Windows\\\\*'}\n",
     "{\"F\":\"C:\\\\Windows\\\\x.exe\"}", true},
    {"two backslashes are one", "    s: {F: 'a\\\\b'}\n", "{\"F\":\"a\\\\b\"}", true},
    {"four backslashes are two", "    s: {F: 'a\\\\\\\\b'}\n", "{\"F\":\"a\\\\\\\\b\"}", true},
    {"trailing backslash kept", "    s: {F: 'trail\\'}\n", "{\"F\":\"trail\\\\\"}", true},
    {"%name% without expand is literal", "    s: {F: '%servers%'}\n", "{\"F\":\"%servers%\"}",
     true},
    /* §4 modifiers */
    {"contains on a value with * inside", "    s: {F|contains: 'a*b'}\n", "{\"F\":\"xxaYYbzz\"}",
     true},
    {"startswith", "    s: {F|startswith: 'ab'}\n", "{\"F\":\"abc\"}", true},
    {"endswith does not match a prefix", "    s: {F|endswith: 'ab'}\n", "{\"F\":\"abc\"}", false},
    {"contains '' matches any value", "    s: {F|contains: ''}\n", "{\"F\":\"x\"}", true},
    {"contains|all needs every value", "    s: {F|contains|all: [foo, bar]}\n",
     "{\"F\":\"foo only\"}", false},
    {"contains|all with every value", "    s: {F|contains|all: [foo, bar]}\n",
     "{\"F\":\"bar and foo\"}", true},
    {"all without contains on two values never matches a scalar", "    s: {F|all: [foo, bar]}\n",
     "{\"F\":\"foo\"}", false},
    {"all on a single value is plain equality", "    s: {F|all: foo}\n", "{\"F\":\"foo\"}", true},
    {"base64", "    s: {F|base64: foobar}\n", "{\"F\":\"Zm9vYmFy\"}", true},
    {"base64offset variant 0", "    s: {F|base64offset|contains: foobar}\n",
     "{\"F\":\"xxZm9vYmFyxx\"}", true},
    {"base64offset variant 1", "    s: {F|base64offset|contains: foobar}\n",
     "{\"F\":\"xxZvb2Jhcxx\"}", true},
    {"base64offset variant 2", "    s: {F|base64offset|contains: foobar}\n",
     "{\"F\":\"xxmb29iYXxx\"}", true},
    {"base64offset does not match plain text", "    s: {F|base64offset|contains: foobar}\n",
     "{\"F\":\"foobar\"}", false},
    {"wide|base64offset|contains", "    s: {F|wide|base64offset|contains: ping}\n",
     "{\"F\":\"..cABpAG4AZw..\"}", true},
    {"wide|base64 is UTF-16LE", "    s: {F|wide|base64: ping}\n", "{\"F\":\"cABpAG4AZwA=\"}", true},
    {"utf16le is wide (spec name)", "    s: {F|utf16le|base64: ping}\n", "{\"F\":\"cABpAG4AZwA=\"}",
     true},
    {"utf16be|base64", "    s: {F|utf16be|base64: ping}\n", "{\"F\":\"AHAAaQBuAGc=\"}", true},
    {"utf16|base64 has the BOM", "    s: {F|utf16|base64: ping}\n", "{\"F\":\"//5wAGkAbgBnAA==\"}",
     true},
    {"windash: slash variant", "    s: {F|windash|contains: ' -enc '}\n",
     "{\"F\":\"powershell /enc abc\"}", true},
    {"windash: en dash variant", "    s: {F|windash|contains: ' -enc '}\n",
     "{\"F\":\"powershell \\u2013enc abc\"}", true},
    {"windash: inner dash is not replaced", "    s: {F|windash|contains: 'param-1'}\n",
     "{\"F\":\"param/1\"}", false},
    {"windash expansions stay OR-ed under all", "    s: {F|windash|contains|all: [' -a', ' -b']}\n",
     "{\"F\":\"x /a /b\"}", true},
    {"cidr v4 inside", "    s: {F|cidr: 10.0.0.0/8}\n", "{\"F\":\"10.1.2.3\"}", true},
    {"cidr v4 outside", "    s: {F|cidr: 10.0.0.0/8}\n", "{\"F\":\"11.0.0.1\"}", false},
    {"cidr v6 inside", "    s: {F|cidr: 'fd00::/8'}\n", "{\"F\":\"fd12::1\"}", true},
    {"cidr v6 outside", "    s: {F|cidr: 'fd00::/8'}\n", "{\"F\":\"fe80::1\"}", false},
    {"re is case-sensitive", "    s: {F|re: 'ab+c'}\n", "{\"F\":\"ABBC\"}", false},
    {"re matches", "    s: {F|re: 'ab+c'}\n", "{\"F\":\"xabbcx\"}", true},
    {"re|i ignores case", "    s: {F|re|i: 'ab+c'}\n", "{\"F\":\"ABBC\"}", true},
    {"re|m multiline", "    s: {F|re|m: '^b$'}\n", "{\"F\":\"a\\nb\"}", true},
    {"re without m: ^ is the start only", "    s: {F|re: '^b$'}\n", "{\"F\":\"a\\nb\"}", false},
    {"re|s dotall", "    s: {F|re|s: 'a.b'}\n", "{\"F\":\"a\\nb\"}", true},
    {"re: wildcards are not special", "    s: {F|re: 'a*'}\n", "{\"F\":\"b\"}", true},
    {"cased is case-sensitive", "    s: {F|cased: FooBar}\n", "{\"F\":\"foobar\"}", false},
    {"cased matches exact case", "    s: {F|cased: FooBar}\n", "{\"F\":\"FooBar\"}", true},
    {"neq negates the whole list", "    s: {F|neq: [a, b]}\n", "{\"F\":\"a\"}", false},
    {"neq with another value", "    s: {F|neq: [a, b]}\n", "{\"F\":\"c\"}", true},
    {"exists true", "    s: {F|exists: true}\n", "{\"F\":\"\"}", true},
    {"exists true, absent", "    s: {F|exists: true}\n", "{\"G\":1}", false},
    {"exists false, absent", "    s: {F|exists: false}\n", "{\"G\":1}", true},
    {"exists false, null counts as present", "    s: {F|exists: false}\n", "{\"F\":null}", false},
    {"fieldref equal", "    s: {F|fieldref: G}\n", "{\"F\":\"x\",\"G\":\"X\"}", true},
    {"fieldref different", "    s: {F|fieldref: G}\n", "{\"F\":\"x\",\"G\":\"y\"}", false},
    {"fieldref|contains", "    s: {F|fieldref|contains: G}\n", "{\"F\":\"axb\",\"G\":\"x\"}", true},
    {"lt", "    s: {F|lt: 5}\n", "{\"F\":4}", true},
    {"lte", "    s: {F|lte: 5}\n", "{\"F\":5}", true},
    {"gt false", "    s: {F|gt: 5}\n", "{\"F\":5}", false},
    {"gte", "    s: {F|gte: 5}\n", "{\"F\":5.5}", true},
    {"gt on a numeric string", "    s: {F|gt: 5}\n", "{\"F\":\"6\"}", true},
    /* §4 time parts (Sigma 2.1): the UTC part of a timestamp; ISO 8601 weeks */
    {"minute", "    s: {T|minute: 19}\n", "{\"T\":\"2026-11-29T08:19:49.123Z\"}", true},
    {"minute differs", "    s: {T|minute: 20}\n", "{\"T\":\"2026-11-29T08:19:49Z\"}", false},
    {"hour is UTC under an offset", "    s: {T|hour: 8}\n", "{\"T\":\"2026-11-29T10:19:49+02:00\"}",
     true},
    {"hour is not the local hour", "    s: {T|hour: 10}\n", "{\"T\":\"2026-11-29T10:19:49+02:00\"}",
     false},
    {"day crosses midnight under an offset", "    s: {T|day: 30}\n",
     "{\"T\":\"2026-11-29T23:30:00-01:00\"}", true},
    {"month", "    s: {T|month: 11}\n", "{\"T\":\"2026-11-29T08:19:49Z\"}", true},
    {"year", "    s: {T|year: 2026}\n", "{\"T\":\"2026-11-29T08:19:49Z\"}", true},
    {"2026-01-01 is in ISO week 1", "    s: {T|week: 1}\n", "{\"T\":\"2026-01-01T00:00:00Z\"}",
     true},
    {"2027-01-01 is in ISO week 53 (of 2026)", "    s: {T|week: 53}\n",
     "{\"T\":\"2027-01-01T00:00:00Z\"}", true},
    {"2027-01-01 is not in week 1", "    s: {T|week: 1}\n", "{\"T\":\"2027-01-01T00:00:00Z\"}",
     false},
    {"epoch seconds", "    s: {T|hour: 8}\n", "{\"T\":1795940389}", true},
    {"epoch milliseconds", "    s: {T|minute: 19}\n", "{\"T\":1795940389123}", true},
    {"not a timestamp never matches", "    s: {T|hour: 8}\n", "{\"T\":\"08:19\"}", false},
    {"time-part list is OR", "    s: {T|hour: [7, 8, 9]}\n", "{\"T\":\"2026-11-29T08:00:00Z\"}",
     true},
    {"time part with neq", "    s: {T|hour|neq: [7, 8, 9]}\n", "{\"T\":\"2026-11-29T08:00:00Z\"}",
     false},
    {"time part with neq, other hour", "    s: {T|hour|neq: [7, 8, 9]}\n",
     "{\"T\":\"2026-11-29T18:00:00Z\"}", true},
    /* §3.5-3.6 null, empty, numbers */
    {"null matches a missing field", "    s: {F: null}\n", "{\"G\":1}", true},
    {"null matches JSON null", "    s: {F: null}\n", "{\"F\":null}", true},
    {"null does not match a value", "    s: {F: null}\n", "{\"F\":\"x\"}", false},
    {"empty list is null", "    s: {F: []}\n", "{\"G\":1}", true},
    {"null inside a list (pySigma accepts it)", "    s: {F: [a, null]}\n", "{\"G\":1}", true},
    {"empty string", "    s: {F: ''}\n", "{\"F\":\"\"}", true},
    {"empty string is not any value", "    s: {F: ''}\n", "{\"F\":\"x\"}", false},
    {"a value never matches a missing field", "    s: {F: x}\n", "{\"G\":\"x\"}", false},
    {"number matches number", "    s: {F: 403}\n", "{\"F\":403}", true},
    {"number matches numeric string", "    s: {F: 403}\n", "{\"F\":\"403\"}", true},
    {"quoted number matches number", "    s: {F: '403'}\n", "{\"F\":403}", true},
    {"hex number is 23", "    s: {F: 0x17}\n", "{\"F\":23}", true},
    {"yes is a boolean", "    s: {F: yes}\n", "{\"F\":true}", true},
    {"quoted yes is a string", "    s: {F: 'yes'}\n", "{\"F\":true}", false},
    {"bool false", "    s: {F: false}\n", "{\"F\":true}", false},
    /* §2 shapes */
    {"list of values is OR", "    s: {F: [a, b]}\n", "{\"F\":\"b\"}", true},
    {"map is AND", "    s: {F: a, G: b}\n", "{\"F\":\"a\",\"G\":\"c\"}", false},
    {"list of maps is OR", "    s:\n        - F: a\n        - G: b\n", "{\"G\":\"b\"}", true},
    {"keyword: substring of any string value", "    s: [evil]\n",
     "{\"a\":{\"b\":\"very evil thing\"}}", true},
    {"keyword: no match", "    s: [evil]\n", "{\"a\":\"good\"}", false},
    {"keyword with a wildcard", "    s: ['ev*ing']\n", "{\"a\":\"evil thing\"}", true},
    {"keyword |all needs both", "    s:\n        '|all': [foo, bar]\n",
     "{\"a\":\"foo\",\"b\":\"bar\"}", true},
    {"keyword |all with one missing", "    s:\n        '|all': [foo, bar]\n", "{\"a\":\"foo\"}",
     false},
    {"dotted field addresses nested JSON", "    s: {objectRef.resource: pods}\n",
     "{\"objectRef\":{\"resource\":\"pods\"}}", true},
    {"array element matches", "    s: {F: b}\n", "{\"F\":[\"a\",\"b\"]}", true},
    {"expand with a -D value", "    s: {F|expand: '%servers%'}\n", "{\"F\":\"srv2\"}", true},
    {"expand with a -D value, no match", "    s: {F|expand: '%servers%'}\n", "{\"F\":\"other\"}",
     false},
};

/* Conditions (§5) over fixed selections. */
static const struct {
    const char *condition;
    const char *event;
    bool fires;
} cond_rows[] = {
    {"1 of sel_*", "{\"B\":1}", true},
    {"all of sel_*", "{\"A\":1}", false},
    {"all of sel_*", "{\"A\":1,\"B\":1}", true},
    {"1 of them", "{\"C\":1}", true},
    {"1 of them", "{\"H\":1}", false}, /* _hidden is not in them */
    {"all of them", "{\"A\":1,\"B\":1,\"C\":1}", true},
    {"1 of _h*", "{\"H\":1}", true},
    {"any of sel_*", "{\"A\":1}", true},
    {"1 of sel_a", "{\"A\":1}", true},
    {"other and not sel_a", "{\"C\":1,\"A\":1}", false},
    {"sel_a and not sel_b or other", "{\"C\":1}", true},
    {"not not other", "{\"C\":1}", true},
    {"(sel_a or sel_b) and other", "{\"B\":1}", false},
};

static char tmpdir[64];

static int setup(void **state) {
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/gsigma_sem_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    rmdir(tmpdir);
    return 0;
}

static int count_match(const gantry_match *m, void *user) {
    (void)m;
    (*(int *)user)++;
    return 0;
}

/* Compile Sigma YAML text into a loaded pack; fails the test on error. */
static gantry_pack *compile_yaml(const char *yaml, const char *what) {
    char path[128];
    snprintf(path, sizeof path, "%s/rule.yml", tmpdir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(yaml, f);
    fclose(f);
    gdiag_sink *diag = gdiag_new(NULL, 0, 0);
    /* the rows that expand %servers% get it from -D (a -D naming nothing
     * of the rule is an error, E075) */
    const char *defines[] = {"servers=srv1,srv2"};
    gcomp_options opts = {.defines = defines,
                          .define_count = strstr(yaml, "|expand: '%servers%'") ? 1 : 0};
    const char *paths[] = {path};
    gast_unit *unit = gcomp_parse_paths(paths, 1, diag, &opts);
    unsigned char *image = NULL;
    size_t len = 0;
    if (!unit || gdiag_error_count(diag) ||
        gcomp_compile_unit(unit, diag, &opts, &image, &len, NULL) != 0)
        fail_msg("%s: does not compile:\n%s", what, gdiag_text(diag));
    gast_unit_free(unit);
    gdiag_free(diag);
    unlink(path);
    gantry_pack *pack = NULL;
    char err[256];
    if (gantry_pack_load_buffer(image, len, &pack, err, sizeof err) != GANTRY_OK)
        fail_msg("%s: pack does not load: %s", what, err);
    free(image);
    return pack;
}

/* The rows test detection, written on raw events of no recognised source;
 * logsource semantics are test_logsource's: every rule runs here. */
static int matches(gantry_pack *pack, const char *event) {
    gantry_matcher *m = NULL;
    assert_int_equal(gantry_matcher_new(pack, &m), GANTRY_OK);
    assert_int_equal(gantry_matcher_set_logsource_any(m, 1), GANTRY_OK);
    int n = 0;
    assert_int_equal(gantry_match_json(m, event, strlen(event), count_match, &n), GANTRY_OK);
    gantry_matcher_free(m);
    return n;
}

static void test_value_semantics(void **state) {
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char yaml[2048];
        snprintf(yaml, sizeof yaml,
                 "title: t\nlogsource: {product: test}\ndetection:\n%s"
                 "    condition: s\n",
                 rows[i].detection);
        gantry_pack *pack = compile_yaml(yaml, rows[i].what);
        int n = matches(pack, rows[i].event);
        gantry_pack_free(pack);
        if ((n > 0) != rows[i].fires) {
            printf("  FAIL %s: %s on %s should %s\n", rows[i].what, rows[i].detection,
                   rows[i].event, rows[i].fires ? "match" : "not match");
            failures++;
        }
    }
    printf("sigma semantics: %zu value cases, %d wrong\n", sizeof rows / sizeof rows[0], failures);
    assert_int_equal(failures, 0);
}

static void test_condition_semantics(void **state) {
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof cond_rows / sizeof cond_rows[0]; i++) {
        char yaml[1024];
        snprintf(yaml, sizeof yaml,
                 "title: t\nlogsource: {product: test}\ndetection:\n"
                 "    sel_a: {A: 1}\n    sel_b: {B: 1}\n    other: {C: 1}\n    _hidden: {H: 1}\n"
                 "    condition: %s\n",
                 cond_rows[i].condition);
        gantry_pack *pack = compile_yaml(yaml, cond_rows[i].condition);
        int n = matches(pack, cond_rows[i].event);
        gantry_pack_free(pack);
        if ((n > 0) != cond_rows[i].fires) {
            printf("  FAIL condition '%s' on %s should %s\n", cond_rows[i].condition,
                   cond_rows[i].event, cond_rows[i].fires ? "match" : "not match");
            failures++;
        }
    }
    assert_int_equal(failures, 0);
}

/* §8: the filter condition is AND-ed to the rule's (pySigma). */
static void test_filter_semantics(void **state) {
    (void)state;
    gantry_pack *pack = compile_yaml("title: Rar\nid: 6f3e2987-db24-4c78-a860-b4f4095a7095\n"
                                     "logsource: {product: windows, category: process_creation}\n"
                                     "detection:\n    s: {Image|endswith: '\\rar.exe'}\n"
                                     "    condition: s\n---\n"
                                     "title: Filter admins\n"
                                     "logsource: {product: windows, category: process_creation}\n"
                                     "filter:\n    rules: [6f3e2987-db24-4c78-a860-b4f4095a7095]\n"
                                     "    selection: {User|startswith: 'adm_'}\n"
                                     "    condition: not selection\n",
                                     "filter");
    assert_int_equal(matches(pack, "{\"Image\":\"C:\\\\rar.exe\",\"User\":\"bob\"}"), 1);
    assert_int_equal(matches(pack, "{\"Image\":\"C:\\\\rar.exe\",\"User\":\"adm_bob\"}"), 0);
    gantry_pack_free(pack);
}

/* ---- Kubernetes audit rules on real samples ---- */

#define K8S_RULES "../shared/sigma/rules/application/kubernetes/audit"
#define CORPUS "../shared/corpus-real"

#define SYNTHETIC "tests/sigma/k8s_synthetic.jsonl"
#define QUIET "tests/sigma/k8s_quiet.jsonl"

/* The rules for which ../shared/corpus-real holds a matching audit record.
 * It has no record of webhook or batch changes, event deletion, list verbs,
 * 401/403 responses, added capabilities, selfsubjectrulesreviews or patched
 * deployments; those rules are shown to fire on synthetic records instead.
 * No other rule may fire on the real samples. */
static const char *const with_real_samples[] = {
    "Deployment Deleted From Kubernetes Cluster",
    "Potential Remote Command Execution In Pod Container",
    "Container With A hostPath Mount Created",
    "Creation Of Pod In System Namespace",
    "Kubernetes Rolebinding Modification",
    "Kubernetes Secrets Modified or Deleted",
    "New Kubernetes Service Account Created",
};

/* Line n of SYNTHETIC fires exactly the rule synthetic_expect[n - 1] and no
 * other. Every line of QUIET is a near miss of some rule (same resource and
 * another verb, same verb and another API group or namespace, a status code
 * beside 401/403, a pod without hostPath or capabilities) and fires none. */
static const char *const synthetic_expect[] = {
    "Kubernetes Admission Controller Modification",
    "Kubernetes CronJob/Job Modification",
    "Kubernetes Events Deleted",
    "Kubernetes Potential Enumeration Activity",
    "Privileged Container Deployed",
    "RBAC Permission Enumeration Attempt",
    "Kubernetes Secrets Enumeration",
    "Potential Sidecar Injection Into Running Deployment",
    "Kubernetes Unauthorized or Unauthenticated Access",
};

typedef struct fired {
    bool *by_rule;
} fired;

static int note_rule(const gantry_match *m, void *user) {
    ((fired *)user)->by_rule[m->rule->index] = true;
    return 0;
}

static void drain(gantry_normalizer *norm, gantry_matcher *matcher, fired *f) {
    gantry_item item;
    while (gantry_normalizer_next(norm, &item))
        if (item.kind == GANTRY_ITEM_EVENT)
            gantry_match_event(matcher, item.event, note_rule, f);
}

static void feed_file(gantry_pack *pack, gantry_matcher *matcher, const char *path, fired *f) {
    FILE *in = fopen(path, "r");
    if (!in)
        fail_msg("cannot read %s", path);
    gantry_normalizer *norm = NULL;
    assert_int_equal(gantry_normalizer_new(pack, GANTRY_FORMAT_AUTO, &norm), GANTRY_OK);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    uint64_t line_no = 0;
    while ((len = getline(&line, &cap, in)) >= 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = 0;
        gantry_normalizer_feed(norm, line, (size_t)len, ++line_no);
        drain(norm, matcher, f);
    }
    gantry_normalizer_finish(norm);
    drain(norm, matcher, f);
    free(line);
    fclose(in);
    gantry_normalizer_free(norm);
}

static gantry_pack *compile_k8s_rules(void) {
    gdiag_sink *diag = gdiag_new(NULL, 0, 0);
    const char *rule_paths[] = {K8S_RULES};
    gast_unit *unit = gcomp_parse_paths(rule_paths, 1, diag, NULL);
    unsigned char *image = NULL;
    size_t len = 0;
    if (!unit || gdiag_error_count(diag) ||
        gcomp_compile_unit(unit, diag, NULL, &image, &len, NULL) != 0)
        fail_msg("kubernetes rules do not compile:\n%s", gdiag_text(diag));
    gast_unit_free(unit);
    gdiag_free(diag);
    gantry_pack *pack = NULL;
    assert_int_equal(gantry_pack_load_buffer(image, len, &pack, NULL, 0), GANTRY_OK);
    free(image);
    return pack;
}

static const char *rule_title(gantry_pack *pack, size_t i) {
    gantry_rule_info info;
    assert_int_equal(gantry_pack_rule_info(pack, i, &info), GANTRY_OK);
    return info.title;
}

static bool listed(const char *title, const char *const *list, size_t n) {
    for (size_t j = 0; j < n; j++)
        if (strcmp(title, list[j]) == 0)
            return true;
    return false;
}

static void test_k8s_rules_fire_on_real_samples(void **state) {
    (void)state;
    tsup_need(K8S_RULES);
    tsup_need(CORPUS);
    gantry_pack *pack = compile_k8s_rules();
    size_t rule_count = gantry_pack_rule_count(pack);
    fired f = {calloc(rule_count, sizeof(bool))};
    assert_non_null(f.by_rule);
    gantry_matcher *matcher = NULL;
    assert_int_equal(gantry_matcher_new(pack, &matcher), GANTRY_OK);
    tsup_files files = {0};
    tsup_collect(&files, CORPUS, NULL);
    tsup_sort(&files);
    assert_true(files.count > 0);
    for (size_t i = 0; i < files.count; i++)
        feed_file(pack, matcher, files.items[i], &f);
    tsup_files_free(&files);
    fired synthetic = {calloc(rule_count, sizeof(bool))};
    assert_non_null(synthetic.by_rule);
    feed_file(pack, matcher, SYNTHETIC, &synthetic);
    const size_t n_real = sizeof with_real_samples / sizeof *with_real_samples;
    size_t fired_real = 0, missing = 0, loud = 0;
    for (size_t i = 0; i < rule_count; i++) {
        const char *title = rule_title(pack, i);
        bool has_sample = listed(title, with_real_samples, n_real);
        printf("  %-5s %-5s %s\n", f.by_rule[i] ? "real" : "-",
               synthetic.by_rule[i] ? "synth" : "-", title);
        fired_real += f.by_rule[i];
        if (has_sample ? !f.by_rule[i] : !synthetic.by_rule[i])
            missing++;
        if (!has_sample && f.by_rule[i]) {
            printf("  fires on a real sample it has no business with: %s\n", title);
            loud++;
        }
    }
    printf("kubernetes audit rules: %zu of %zu fire on real samples (the corpus has samples for "
           "%zu); the others fire on " SYNTHETIC "\n",
           fired_real, rule_count, n_real);
    gantry_matcher_free(matcher);
    gantry_pack_free(pack);
    free(f.by_rule);
    free(synthetic.by_rule);
    assert_int_equal(rule_count, 16);
    assert_int_equal(missing, 0);
    assert_int_equal(loud, 0);
    assert_int_equal(fired_real, n_real);
}

/* Feeds one line alone and returns how many rules fired, with the titles
 * and whether `want` (NULL: none) was among them. */
static size_t fire_line(gantry_pack *pack, gantry_matcher *matcher, const char *line, size_t len,
                        size_t line_no, const char *file, const char *want, bool *saw_want) {
    size_t rule_count = gantry_pack_rule_count(pack);
    fired f = {calloc(rule_count, sizeof(bool))};
    assert_non_null(f.by_rule);
    gantry_normalizer *norm = NULL;
    assert_int_equal(gantry_normalizer_new(pack, GANTRY_FORMAT_AUTO, &norm), GANTRY_OK);
    gantry_normalizer_feed(norm, line, len, line_no);
    gantry_normalizer_finish(norm);
    drain(norm, matcher, &f);
    gantry_normalizer_free(norm);
    size_t n = 0;
    *saw_want = false;
    for (size_t i = 0; i < rule_count; i++) {
        if (!f.by_rule[i])
            continue;
        const char *title = rule_title(pack, i);
        n++;
        if (want && strcmp(title, want) == 0)
            *saw_want = true;
        else
            printf("  %s:%zu fires %s\n", file, line_no, title);
    }
    free(f.by_rule);
    return n;
}

/* Per event: the synthetic records fire their own rule and nothing else, and
 * the near misses fire nothing. A rule that fires on every pod creation (or
 * every audit record) would pass the test above; not this one. */
static void test_k8s_rules_stay_quiet(void **state) {
    (void)state;
    tsup_need(K8S_RULES);
    gantry_pack *pack = compile_k8s_rules();
    gantry_matcher *matcher = NULL;
    assert_int_equal(gantry_matcher_new(pack, &matcher), GANTRY_OK);
    const size_t n_expect = sizeof synthetic_expect / sizeof *synthetic_expect;
    const char *files[] = {SYNTHETIC, QUIET};
    size_t wrong = 0, lines[2] = {0, 0};
    for (size_t k = 0; k < 2; k++) {
        FILE *in = fopen(files[k], "r");
        if (!in)
            fail_msg("cannot read %s", files[k]);
        char *line = NULL;
        size_t cap = 0;
        ssize_t len;
        while ((len = getline(&line, &cap, in)) >= 0) {
            while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
                line[--len] = 0;
            size_t no = ++lines[k];
            const char *want = k == 0 && no <= n_expect ? synthetic_expect[no - 1] : NULL;
            bool saw = false;
            size_t n = fire_line(pack, matcher, line, (size_t)len, no, files[k], want, &saw);
            if (want ? n != 1 || !saw : n != 0) {
                printf("  %s:%zu: want %s\n", files[k], no, want ? want : "no rule");
                wrong++;
            }
        }
        free(line);
        fclose(in);
    }
    printf("kubernetes audit rules: %zu synthetic records each fire their one rule, %zu near "
           "misses fire none; %zu wrong\n",
           lines[0], lines[1], wrong);
    gantry_matcher_free(matcher);
    gantry_pack_free(pack);
    assert_int_equal(lines[0], n_expect);
    assert_true(lines[1] >= 20);
    assert_int_equal(wrong, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_value_semantics),
        cmocka_unit_test(test_condition_semantics),
        cmocka_unit_test(test_filter_semantics),
        cmocka_unit_test(test_k8s_rules_fire_on_real_samples),
        cmocka_unit_test(test_k8s_rules_stay_quiet),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
