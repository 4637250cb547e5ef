/* SPDX-License-Identifier: Apache-2.0 */
/* Allocation failures. The test links with -Wl,--wrap=malloc,calloc,realloc,
 * strdup,strndup (see the Makefile's hardening section), so every allocation
 * made by the library's own code, and by cJSON through its hooks, passes
 * through the counting wrappers below. Each scenario (compile, load, match,
 * normalize) is first run to count its allocations, then run again failing
 * allocation 1, 2, ... N in turn. Every run must end in an error code or in
 * the exact result of the unfailed run, and (under ASan) LeakSanitizer must
 * find nothing unreachable. Allocations inside pcre2, libyaml and zlib are
 * not counted: those libraries call their own allocator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "gantry.h"
#include "parse.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define HAVE_LSAN 1
#else
#define HAVE_LSAN 0
#endif

/* ---- the allocator hook ---- */
void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

static unsigned long alloc_count; /* allocations seen while armed */
static unsigned long fail_at;     /* 1-based; 0 = never fail */
static int armed, failed_once;

static int should_fail(void) {
    if (!armed)
        return 0;
    alloc_count++;
    if (fail_at && alloc_count == fail_at) {
        failed_once = 1;
        return 1;
    }
    return 0;
}

void *__wrap_malloc(size_t size) {
    return should_fail() ? NULL : __real_malloc(size);
}
void *__wrap_calloc(size_t n, size_t size) {
    return should_fail() ? NULL : __real_calloc(n, size);
}
void *__wrap_realloc(void *p, size_t size) {
    return should_fail() ? NULL : __real_realloc(p, size);
}
char *__wrap_strdup(const char *s) {
    return should_fail() ? NULL : __real_strdup(s);
}
char *__wrap_strndup(const char *s, size_t n) {
    return should_fail() ? NULL : __real_strndup(s, n);
}

static void arm(unsigned long n) {
    alloc_count = 0;
    fail_at = n;
    failed_once = 0;
    armed = 1;
}
static void disarm(void) {
    armed = 0;
}

/* ---- fixtures ---- */
static const char rules_text[] =
    "list shells: [\"sh\", \"bash\", \"/bin/*sh\"]\n"
    "macro is_exec: (event.action: \"exec\")\n"
    "rule a {\n"
    "    id: \"11111111-1111-4111-8111-111111111111\"\n"
    "    title: \"A\"\n"
    "    level: high\n"
    "    tags: [attack.t1610, attack.execution]\n"
    "    references: [\"https://example.org\"]\n"
    "    selection s1: { process.executable|endswith in shells, user.name|startswith: \"adm\" }\n"
    "    selection s2: { process.command_line|re: r\"curl.*\\|\\s*sh\" }\n"
    "    selection s3: { source.ip|cidr: \"10.0.0.0/8\", http.response.status_code|gte: 400 }\n"
    "    condition: is_exec and (s1 or s2) or s3\n"
    "}\n"
    "rule b {\n"
    "    id: \"22222222-2222-4222-8222-222222222222\"\n"
    "    title: \"B\"\n"
    "    level: low\n"
    "    selection kw: [\"mimikatz\", \"xmrig\"]\n"
    "    selection nul: { orchestrator.namespace: null }\n"
    "    condition: kw or not nul\n"
    "}\n";

static const char *const events[] = {
    "{\"event.action\":\"exec\",\"process.executable\":\"/bin/bash\",\"user.name\":\"admin\"}",
    "{\"process.command_line\":\"curl x | sh\",\"event.action\":\"exec\",\"tags\":[\"xmrig\"]}",
    "{\"source.ip\":\"10.2.3.4\",\"http.response.status_code\":500,\"orchestrator.namespace\":"
    "\"a\"}",
};

static const char falco_line[] =
    "{\"output\":\"x\",\"priority\":\"Critical\",\"rule\":\"Terminal shell in container\","
    "\"source\":\"syscall\",\"time\":\"2026-11-21T10:08:36.000000000Z\",\"output_fields\":{"
    "\"container.id\":\"4f1d2c3b9a77\",\"container.image.repository\":\"docker.io/library/"
    "ubuntu\",\"proc.name\":\"bash\",\"proc.cmdline\":\"bash -c curl x | sh\",\"user.name\":"
    "\"root\"}}";

static unsigned char *ref_pack;
static size_t ref_len;
static size_t ref_hits;

/* Leaks accumulate, so checking every few runs still catches each one; the
 * message names the range of failure points. */
static void leak_check(unsigned long upto, const char *what) {
#if HAVE_LSAN
    if (__lsan_do_recoverable_leak_check() != 0)
        fail_msg("%s: leak with an allocation failure at or before #%lu", what, upto);
#else
    (void)upto;
    (void)what;
#endif
}

/* Runs `body` with each allocation failing in turn until a run completes
 * without reaching the failure point. Returns the number of points tried. */
typedef int (*scenario_fn)(void); /* 0 exact success, 1 refused with an error code */

static unsigned long each_failure(scenario_fn body, const char *what) {
    unsigned long n;
    for (n = 1;; n++) {
        arm(n);
        int r = body();
        int hit = failed_once;
        disarm();
        assert_true(r == 0 || r == 1);
        if (!hit) {
            assert_int_equal(r, 0);
            break;
        }
        if (n % 64 == 0)
            leak_check(n, what);
        assert_true(n < 200000);
    }
    leak_check(n, what);
    return n;
}

static int on_match(const gantry_match *m, void *user) {
    (void)m;
    (*(size_t *)user)++;
    return 0;
}

/* ---- compile ---- */
static int compile_once(unsigned char **image, size_t *len) {
    *image = NULL;
    gast_unit *unit = gast_unit_new();
    gdiag_sink *diag = gdiag_new(NULL, 0, 0);
    int rc = 1;
    if (unit && diag) {
        int errors = gparse_text(unit, "alloc.gantry", rules_text, strlen(rules_text), diag);
        gcomp_options opts = {0};
        if (errors == 0 && gcomp_compile_unit(unit, diag, &opts, image, len, NULL) == 0)
            rc = 0;
        else
            assert_true(errors != 0 || *image == NULL);
    }
    gdiag_free(diag);
    gast_unit_free(unit);
    return rc;
}

static int compile_scenario(void) {
    unsigned char *image;
    size_t len;
    int rc = compile_once(&image, &len);
    if (rc == 0) {
        /* Success despite a failed allocation must still be the same pack. */
        disarm();
        int same = len == ref_len && memcmp(image, ref_pack, len) == 0;
        free(image);
        if (!same)
            fail_msg("allocation #%lu failed, yet the compile succeeded with another pack",
                     fail_at);
        return 0;
    }
    free(image);
    return rc;
}

/* ---- Sigma import ---- */
static unsigned char *sigma_ref;
static size_t sigma_ref_len;

static int sigma_once(unsigned char **image, size_t *len) {
    *image = NULL;
    gdiag_sink *diag = gdiag_new(NULL, 0, 0);
    if (!diag)
        return 1;
    const char *paths[] = {"tests/sigma/fixtures/k8s_exec.yml"};
    gcomp_options opts = {0};
    gast_unit *unit = gcomp_parse_paths(paths, 1, diag, &opts);
    int rc = 1;
    if (unit && gdiag_error_count(diag) == 0 &&
        gcomp_compile_unit(unit, diag, &opts, image, len, NULL) == 0)
        rc = 0;
    gast_unit_free(unit);
    gdiag_free(diag);
    return rc;
}

static int sigma_scenario(void) {
    unsigned char *image;
    size_t len;
    int rc = sigma_once(&image, &len);
    if (rc == 0) {
        disarm();
        int same = len == sigma_ref_len && memcmp(image, sigma_ref, len) == 0;
        free(image);
        if (!same)
            fail_msg("allocation #%lu failed, yet the import succeeded with another pack", fail_at);
        return 0;
    }
    free(image);
    return rc;
}

/* ---- load and match ---- */
static size_t match_all(gantry_matcher *m) {
    size_t hits = 0;
    for (size_t i = 0; i < sizeof events / sizeof events[0]; i++) {
        gantry_status st = gantry_match_json(m, events[i], strlen(events[i]), on_match, &hits);
        if (st != GANTRY_OK)
            return (size_t)-1;
    }
    return hits;
}

static int load_scenario(void) {
    gantry_pack *pack = NULL;
    char err[256];
    gantry_status st = gantry_pack_load_buffer(ref_pack, ref_len, &pack, err, sizeof err);
    if (st != GANTRY_OK) {
        assert_null(pack);
        assert_int_equal(st, GANTRY_E_NOMEM);
        return 1;
    }
    disarm();
    gantry_matcher *m = NULL;
    assert_int_equal(gantry_matcher_new(pack, &m), GANTRY_OK);
    assert_int_equal(match_all(m), ref_hits);
    gantry_matcher_free(m);
    gantry_pack_free(pack);
    return 0;
}

static gantry_pack *shared_pack;

static int match_scenario(void) {
    gantry_matcher *m = NULL;
    gantry_status st = gantry_matcher_new(shared_pack, &m);
    if (st != GANTRY_OK) {
        assert_int_equal(st, GANTRY_E_NOMEM);
        assert_null(m);
        return 1;
    }
    int rc = 0;
    for (int round = 0; round < 2; round++) {
        size_t hits = 0;
        for (size_t i = 0; i < sizeof events / sizeof events[0]; i++) {
            st = gantry_match_json(m, events[i], strlen(events[i]), on_match, &hits);
            if (st != GANTRY_OK) {
                /* cJSON reports a failed allocation as a parse failure. */
                assert_true(st == GANTRY_E_NOMEM || st == GANTRY_E_JSON);
                rc = 1;
            }
        }
        if (rc == 0)
            assert_int_equal(hits, ref_hits);
    }
    gantry_matcher_free(m);
    return rc;
}

static int normalize_scenario(void) {
    gantry_normalizer *n = NULL;
    gantry_status st = gantry_normalizer_new(shared_pack, GANTRY_FORMAT_AUTO, &n);
    if (st != GANTRY_OK) {
        assert_int_equal(st, GANTRY_E_NOMEM);
        return 1;
    }
    int rc = 0;
    size_t events_seen = 0;
    for (uint64_t line = 1; line <= 3; line++) {
        st = gantry_normalizer_feed(n, falco_line, strlen(falco_line), line);
        if (st != GANTRY_OK) {
            assert_int_equal(st, GANTRY_E_NOMEM);
            rc = 1;
        }
        gantry_item item;
        while (gantry_normalizer_next(n, &item)) {
            if (item.kind == GANTRY_ITEM_EVENT)
                events_seen++;
            else
                rc = 1; /* a failed allocation may surface as a malformed item */
        }
    }
    if (gantry_normalizer_finish(n) != GANTRY_OK)
        rc = 1;
    gantry_item item;
    while (gantry_normalizer_next(n, &item))
        events_seen += item.kind == GANTRY_ITEM_EVENT;
    gantry_normalizer_free(n);
    if (rc == 0)
        assert_int_equal(events_seen, 3);
    return rc;
}

static void *cjson_malloc(size_t size) {
    return __wrap_malloc(size);
}

static int setup(void **state) {
    (void)state;
    cJSON_Hooks hooks = {cjson_malloc, free};
    cJSON_InitHooks(&hooks);
    if (compile_once(&ref_pack, &ref_len) != 0 || sigma_once(&sigma_ref, &sigma_ref_len) != 0)
        return -1;
    char err[256];
    if (gantry_pack_load_buffer(ref_pack, ref_len, &shared_pack, err, sizeof err) != GANTRY_OK)
        return -1;
    gantry_matcher *m = NULL;
    if (gantry_matcher_new(shared_pack, &m) != GANTRY_OK)
        return -1;
    ref_hits = match_all(m);
    gantry_matcher_free(m);
    return ref_hits > 0 && ref_hits != (size_t)-1 ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    gantry_pack_free(shared_pack);
    free(ref_pack);
    free(sigma_ref);
    cJSON_InitHooks(NULL);
    return 0;
}

static void test_hook_counts(void **state) {
    (void)state;
    /* Through a volatile pointer so the compiler cannot elide the pair. */
    void *(*volatile alloc)(size_t) = malloc;
    arm(0);
    void *p = alloc(8);
    disarm();
    assert_non_null(p);
    free(p);
    assert_int_equal(alloc_count, 1);
    arm(1);
    p = alloc(8);
    disarm();
    assert_null(p);
    char *(*volatile dup)(const char *) = strdup;
    arm(2);
    char *s = dup("x");
    disarm();
    assert_non_null(s);
    free(s);
    assert_int_equal(alloc_count, 1);
}

static void test_compile(void **state) {
    (void)state;
    unsigned long n = each_failure(compile_scenario, "compile");
    printf("compile: %lu allocation failure points\n", n - 1);
    assert_true(n > 10);
}

static void test_sigma(void **state) {
    (void)state;
    unsigned long n = each_failure(sigma_scenario, "sigma");
    printf("sigma: %lu allocation failure points\n", n - 1);
    assert_true(n > 10);
}

static void test_load(void **state) {
    (void)state;
    unsigned long n = each_failure(load_scenario, "load");
    printf("load: %lu allocation failure points\n", n - 1);
    assert_true(n > 5);
}

static void test_match(void **state) {
    (void)state;
    unsigned long n = each_failure(match_scenario, "match");
    printf("match: %lu allocation failure points\n", n - 1);
    assert_true(n > 1);
}

static void test_normalize(void **state) {
    (void)state;
    unsigned long n = each_failure(normalize_scenario, "normalize");
    printf("normalize: %lu allocation failure points\n", n - 1);
    assert_true(n > 5);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hook_counts), cmocka_unit_test(test_compile),
        cmocka_unit_test(test_sigma),       cmocka_unit_test(test_load),
        cmocka_unit_test(test_match),       cmocka_unit_test(test_normalize),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
