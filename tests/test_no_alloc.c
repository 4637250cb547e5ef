/* SPDX-License-Identifier: Apache-2.0 */
/* gantry-test: plain-only
 * The matcher allocates nothing per event once warmed up.
 *
 * This program defines malloc, calloc and realloc itself (forwarding to
 * glibc's __libc_* entry points), so every allocation of the process, cJSON's
 * and the runtime's included, passes through a counter. Events are parsed and
 * normalized outside the counted region (cJSON's tree is not the matcher's);
 * each pack then matches every event twice, and the second pass must not
 * allocate at all, with the optimisations on (candidate index, key hash) and
 * off. The packs: the ten benchmark rules, the shipped packs and, when
 * present, the Sigma corpus (keywords, regexes, hundreds of fields). The
 * pack-driven reader too: raw lines through gantry_match_json and through
 * the lines `gantry match` lets it settle (runtime/api/fast.h).
 *
 * Under AddressSanitizer the allocator belongs to ASan: the runner does not
 * run this test in sanitizer builds (the marker above), and run by hand there
 * it skips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cJSON.h>

#include "compiler.h"
#include "fast.h"
#include "gantry.h"
#include "gantry_cjson.h"
#include "support/events.h"
#include "support/lines.h"
#include "support/shared.h"

#if defined(__SANITIZE_ADDRESS__)
#define NOALLOC_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NOALLOC_SANITIZED 1
#endif
#endif

#ifndef NOALLOC_SANITIZED
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);

static volatile int counting;
static volatile unsigned long allocations;

void *malloc(size_t size) {
    if (counting)
        allocations++;
    return __libc_malloc(size);
}

void *calloc(size_t n, size_t size) {
    if (counting)
        allocations++;
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size) {
    if (counting)
        allocations++;
    return __libc_realloc(p, size);
}
#endif

typedef tsup_events events;

static gantry_pack *compile_pack(const char *const *paths, size_t count, int placeholders_empty,
                                 gantry_optimize optimize) {
    gdiag_sink *diag = gdiag_new(NULL, 0, 0);
    assert_non_null(diag);
    const char *maps[] = {"rules/mappings/generic.yml", "rules/mappings/kubernetes_audit.yml",
                          "rules/mappings/linux_process_creation.yml",
                          "rules/mappings/linux_file_event.yml",
                          "rules/mappings/linux_network_connection.yml"};
    gcomp_options opt;
    memset(&opt, 0, sizeof opt);
    opt.placeholders_empty = placeholders_empty;
    opt.mapping_files = maps;
    opt.mapping_file_count = sizeof maps / sizeof maps[0];
    gast_unit *unit = gcomp_parse_paths(paths, count, diag, &opt);
    unsigned char *image = NULL;
    size_t len = 0;
    gantry_pack *pack = NULL;
    if (unit && gdiag_error_count(diag) == 0 &&
        gcomp_compile_unit(unit, diag, &opt, &image, &len, NULL) == 0) {
        char err[256] = "";
        gantry_options lo;
        gantry_options_default(&lo);
        lo.optimize = optimize;
        assert_int_equal(gantry_pack_load_buffer_opts(image, len, &lo, &pack, err, sizeof err),
                         GANTRY_OK);
    }
    free(image);
    gast_unit_free(unit);
    gdiag_free(diag);
    return pack;
}

static int count_match(const gantry_match *match, void *user) {
    (void)match;
    (*(unsigned long *)user)++;
    return 0;
}

/* Matches every event twice; returns the allocations of the second pass and
 * checks both passes agree. */
static unsigned long second_pass_allocations(gantry_pack *pack, const events *ev,
                                             unsigned long *matches) {
    gantry_matcher *m = NULL;
    assert_int_equal(gantry_matcher_new(pack, &m), GANTRY_OK);
    unsigned long first = 0, second = 0, counted = 0;
    for (size_t i = 0; i < ev->count; i++)
        gantry_match_cjson(m, ev->items[i], count_match, &first);
#ifndef NOALLOC_SANITIZED
    allocations = 0;
    counting = 1;
#endif
    for (size_t i = 0; i < ev->count; i++)
        gantry_match_cjson(m, ev->items[i], count_match, &second);
#ifndef NOALLOC_SANITIZED
    counting = 0;
    counted = allocations;
#endif
    assert_int_equal(first, second);
    gantry_matcher_free(m);
    *matches = second;
    return counted;
}

static void check_pack(const char *name, const char *const *paths, size_t count,
                       int placeholders_empty, const events *ev) {
    static const gantry_optimize modes[] = {GANTRY_OPTIMIZE_ALL, GANTRY_OPTIMIZE_OFF};
    static const char *const mode_names[] = {"all", "off"};
    for (size_t k = 0; k < 2; k++) {
        gantry_pack *pack = compile_pack(paths, count, placeholders_empty, modes[k]);
        assert_non_null(pack);
        unsigned long matches = 0;
        unsigned long n = second_pass_allocations(pack, ev, &matches);
        printf("%s (optimize %s): %zu events, %lu matches, %lu allocations in the second "
               "pass\n",
               name, mode_names[k], ev->count, matches, n);
        assert_int_equal(n, 0);
        gantry_pack_free(pack);
    }
}

/* Raw lines through the reader, twice: gantry_match_json and the lines
 * `gantry match` would let it settle; the second pass must not allocate. */
static void check_reader(const char *name, const char *const *paths, size_t count,
                         int placeholders_empty, const tsup_lines *l) {
    gantry_pack *pack = compile_pack(paths, count, placeholders_empty, GANTRY_OPTIMIZE_ALL);
    assert_non_null(pack);
    /* packs with element scopes keep the cJSON path: not these */
    assert_true(grt_fast_json_ok(pack));
    gantry_matcher *m = NULL;
    assert_int_equal(gantry_matcher_new(pack, &m), GANTRY_OK);
    unsigned long matches[2] = {0, 0}, settled[2] = {0, 0}, counted = 0;
    for (int pass = 0; pass < 2; pass++) {
#ifndef NOALLOC_SANITIZED
        allocations = 0;
        counting = pass == 1;
#endif
        for (size_t i = 0; i < l->count; i++) {
            int done = 0;
            gantry_match_json(m, l->items[i], l->lens[i], count_match, &matches[pass]);
            grt_fast_match_line(m, l->items[i], l->lens[i], count_match, &matches[pass], &done);
            settled[pass] += (unsigned long)done;
        }
#ifndef NOALLOC_SANITIZED
        counting = 0;
        counted = allocations;
#endif
    }
    printf("%s through the reader: %zu lines, %lu matches, %lu settled as audit events, %lu "
           "allocations in the second pass\n",
           name, l->count, matches[1], settled[1], counted);
    assert_int_equal(matches[0], matches[1]);
    assert_int_equal(settled[0], settled[1]);
    assert_int_equal(counted, 0);
    gantry_matcher_free(m);
    gantry_pack_free(pack);
}

static void check_counter_works(void) {
#ifdef NOALLOC_SANITIZED
    skip();
#else
    /* the counter itself sees allocations made through the library too */
    allocations = 0;
    counting = 1;
    cJSON *probe_obj = cJSON_CreateObject();
    counting = 0;
    assert_true(allocations >= 1);
    cJSON_Delete(probe_obj);
#endif
}

/* The repository's own corpus and packs: always here. */
static void test_matcher_allocates_nothing_when_warm(void **state) {
    (void)state;
    check_counter_works();
    events ev = {0};
    tsup_events_load(&ev, "corpus");
    assert_true(ev.count > 100);

    const char *ten[] = {"bench/rules/ten"};
    check_pack("ten benchmark rules", ten, 1, 0, &ev);
    const char *shipped[] = {"rules/lists", "rules/t1610", "rules/doki", "rules/kinsing"};
    check_pack("shipped packs", shipped, 4, 0, &ev);
    tsup_events_free(&ev);

    tsup_lines l = {0};
    tsup_lines_load(&l, "corpus");
    check_reader("ten benchmark rules", ten, 1, 0, &l);
    const char *reader[] = {"tests/data/reader"};
    check_reader("reader test rules", reader, 1, 0, &l);
    tsup_lines_free(&l);
}

/* The real samples and the Sigma corpus from ../shared: skipped (and said
 * so) when absent. */
static void test_matcher_allocates_nothing_on_shared(void **state) {
    (void)state;
    check_counter_works();
    tsup_need("../shared/corpus-real");
    tsup_need("../shared/sigma/full/rules/linux/process_creation/"
              "proc_creation_lnx_base64_decode.yml");
    events ev = {0};
    tsup_events_load(&ev, "../shared/corpus-real");
    assert_true(ev.count > 100);
    const char *shipped[] = {"rules/lists", "rules/t1610", "rules/doki", "rules/kinsing"};
    check_pack("shipped packs on the real samples", shipped, 4, 0, &ev);
    tsup_events_load(&ev, "corpus");
    const char *sigma[] = {"rules/lists", "rules/t1610", "rules/doki", "rules/kinsing",
                           "../shared/sigma/full/rules"};
    check_pack("Sigma corpus + shipped packs", sigma, 5, 1, &ev);
    tsup_events_free(&ev);
    tsup_lines l = {0};
    tsup_lines_load(&l, "corpus");
    tsup_lines_load(&l, "../shared/corpus-real");
    check_reader("Sigma corpus (keywords, regexes, hundreds of fields)", sigma + 4, 1, 1, &l);
    tsup_lines_free(&l);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matcher_allocates_nothing_when_warm),
        cmocka_unit_test(test_matcher_allocates_nothing_on_shared),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
