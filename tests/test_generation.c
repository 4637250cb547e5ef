/* SPDX-License-Identifier: Apache-2.0 */
/* The matcher memoises predicate results, extracted fields, keyword and
 * top-level key walks and prefilter marks by an event generation counter
 * (uint32_t). When it wraps, every memo table is cleared and counting starts
 * again at 1; otherwise an entry left from the event that had generation g
 * before the wrap would pass for the current event's. A test hook
 * (grt_matcher_set_generation, runtime/vm/vm_hooks.h) moves the counter near
 * UINT32_MAX so the wrap comes after a few events.
 *
 * The shipped packs match the repository's corpus, each verdict compared
 * with a fresh matcher's, with the index and key hash on and off:
 *   - pairs: event e at generation 1, then the counter at UINT32_MAX so
 *     event e+1 wraps it and runs at generation 1 again: every memo entry of
 *     event e would pass for e+1's unless the wrap clears them;
 *   - a sweep: some events at generations 2.., then every event in reverse
 *     order across the wrap, counting on from 1. */
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
#include "gantry_cjson.h"
#include "support/events.h"
#include "vm_hooks.h"

typedef tsup_events events;

static gantry_pack *shipped_pack(gantry_optimize optimize) {
    gdiag_sink *diag = gdiag_new(NULL, 0, 0);
    const char *maps[] = {"rules/mappings/generic.yml", "rules/mappings/kubernetes_audit.yml",
                          "rules/mappings/linux_process_creation.yml"};
    gcomp_options opt;
    memset(&opt, 0, sizeof opt);
    opt.mapping_files = maps;
    opt.mapping_file_count = sizeof maps / sizeof maps[0];
    const char *paths[] = {"rules/lists", "rules/t1610", "rules/doki", "rules/kinsing"};
    gast_unit *unit = gcomp_parse_paths(paths, 4, diag, &opt);
    unsigned char *image = NULL;
    size_t len = 0;
    if (!unit || gdiag_error_count(diag) ||
        gcomp_compile_unit(unit, diag, &opt, &image, &len, NULL) != 0)
        fail_msg("shipped packs do not compile:\n%s", gdiag_text(diag));
    gast_unit_free(unit);
    gdiag_free(diag);
    gantry_pack *pack = NULL;
    gantry_options options;
    gantry_options_default(&options);
    options.optimize = optimize;
    assert_int_equal(gantry_pack_load_buffer_opts(image, len, &options, &pack, NULL, 0), GANTRY_OK);
    free(image);
    return pack;
}

typedef struct verdict {
    unsigned char *fired; /* one byte per rule */
} verdict;

static int note(const gantry_match *m, void *user) {
    ((verdict *)user)->fired[m->rule->index] = 1;
    return 0;
}

static void match_into(gantry_matcher *m, const cJSON *event, unsigned char *fired, size_t rules) {
    memset(fired, 0, rules);
    verdict v = {fired};
    assert_int_equal(gantry_match_cjson(m, event, note, &v), GANTRY_OK);
}

static void check_wrap(gantry_optimize mode, const char *optimize, const events *ev) {
    gantry_pack *pack = shipped_pack(mode);
    size_t rules = gantry_pack_rule_count(pack);
    gantry_matcher *fresh = NULL, *m = NULL;
    assert_int_equal(gantry_matcher_new(pack, &fresh), GANTRY_OK);
    assert_int_equal(gantry_matcher_new(pack, &m), GANTRY_OK);
    unsigned char *want = calloc(ev->count * rules, 1);
    unsigned char *got = calloc(rules, 1);
    assert_non_null(want);
    assert_non_null(got);
    size_t firing = 0;
    for (size_t e = 0; e < ev->count; e++) {
        match_into(fresh, ev->items[e], want + e * rules, rules);
        firing += memchr(want + e * rules, 1, rules) != NULL;
    }
    size_t wrong = 0, telling = 0;
    for (size_t e = 0; e + 1 < ev->count; e++) {
        grt_matcher_set_generation(m, 0);
        match_into(m, ev->items[e], got, rules);
        grt_matcher_set_generation(m, UINT32_MAX);
        match_into(m, ev->items[e + 1], got, rules);
        /* only a pair with different verdicts can show a stale memo */
        telling += memcmp(want + e * rules, want + (e + 1) * rules, rules) != 0;
        if (memcmp(got, want + (e + 1) * rules, rules) != 0 && wrong++ < 5)
            printf("  optimize %s: event %zu right after the wrap differs\n", optimize, e + 1);
    }
    printf("optimize %s: %zu pairs across the wrap (%zu with different verdicts), %zu "
           "differ\n",
           optimize, ev->count - 1, telling, wrong);
    assert_true(telling > 50);
    assert_int_equal(wrong, 0);
    /* generations 2..65 hold these events' memo entries */
    size_t before = ev->count < 64 ? ev->count : 64;
    for (size_t e = 0; e < before; e++)
        match_into(m, ev->items[e], got, rules);
    grt_matcher_set_generation(m, UINT32_MAX - 3);
    for (size_t i = 0; i < ev->count; i++) {
        size_t e = ev->count - 1 - i;
        match_into(m, ev->items[e], got, rules);
        if (memcmp(got, want + e * rules, rules) != 0 && wrong++ < 5)
            printf("  optimize %s: event %zu (%zu after the move) differs\n", optimize, e, i);
    }
    printf("optimize %s: %zu events (%zu fire) across the generation wrap, %zu differ\n", optimize,
           ev->count, firing, wrong);
    free(want);
    free(got);
    gantry_matcher_free(fresh);
    gantry_matcher_free(m);
    gantry_pack_free(pack);
    assert_true(firing > 10); /* not vacuous */
    assert_int_equal(wrong, 0);
}

static void test_generation_wrap(void **state) {
    (void)state;
    events ev = {0};
    tsup_events_load(&ev, "corpus");
    assert_true(ev.count > 200);
    check_wrap(GANTRY_OPTIMIZE_ALL, "all", &ev);
    check_wrap(GANTRY_OPTIMIZE_OFF, "off", &ev);
    tsup_events_free(&ev);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generation_wrap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
