/* SPDX-License-Identifier: Apache-2.0 */
/* Round trip: rules -> pack bytes -> pack file -> load -> disassemble, and
 * proof that the loaded pack is what was compiled:
 *   - compiling the same sources twice gives identical bytes;
 *   - a pack written to a file and loaded from it lists (disassembles) as the
 *     bytes it was written from, and names every kind of instruction;
 *   - every rule's metadata in the loaded pack equals the parsed source's
 *     (id, title, level, status, author, date, description, logsource, tags,
 *     references, false positives);
 *   - every rule's verdict on every corpus event, in the pack of all the
 *     shipped rules, equals its verdict in a pack compiled from that rule
 *     alone: predicate sharing, interning and rule numbering across a whole
 *     pack change no rule's meaning. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compiler.h"
#include "disasm.h"
#include "gantry.h"
#include "gantry_cjson.h"
#include "pack_format.h"
#include "support/events.h"
#include "support/file_list.h"
#include "support/shared.h"

static const char *const shipped[] = {"rules/lists", "rules/t1610", "rules/doki", "rules/kinsing",
                                      "tests/data/compile/roundtrip.gantry"};
#define SHIPPED (sizeof shipped / sizeof shipped[0])

static gast_unit *parse(const char *const *paths, size_t count) {
    gdiag_sink *diag = gdiag_new(NULL, 0, 0);
    assert_non_null(diag);
    gast_unit *unit = gcomp_parse_paths(paths, count, diag, NULL);
    if (!unit || gdiag_error_count(diag))
        fail_msg("parse failed:\n%s", gdiag_text(diag));
    gdiag_free(diag);
    return unit;
}

static unsigned char *compile_unit(gast_unit *unit, size_t *len, gcomp_stats *stats) {
    gdiag_sink *diag = gdiag_new(NULL, 0, 0);
    assert_non_null(diag);
    unsigned char *pack = NULL;
    if (gcomp_compile_unit(unit, diag, NULL, &pack, len, stats) != 0)
        fail_msg("compile failed:\n%s", gdiag_text(diag));
    assert_non_null(pack);
    gdiag_free(diag);
    return pack;
}

static unsigned char *compile_paths(const char *const *paths, size_t count, size_t *len,
                                    gcomp_stats *stats) {
    gast_unit *unit = parse(paths, count);
    unsigned char *pack = compile_unit(unit, len, stats);
    gast_unit_free(unit);
    return pack;
}

static gantry_pack *load(const unsigned char *image, size_t len) {
    gantry_pack *pk = NULL;
    char err[256] = "";
    if (gantry_pack_load_buffer(image, len, &pk, err, sizeof err) != GANTRY_OK)
        fail_msg("load: %s", err);
    return pk;
}

static char *listing(const gantry_pack *pk) {
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    assert_non_null(f);
    assert_int_equal(grt_disasm(pk, f), 0);
    fclose(f);
    return text;
}

static void test_compile_is_deterministic(void **state) {
    (void)state;
    const char *paths[1] = {"tests/data/compile"};
    size_t len1 = 0, len2 = 0;
    gcomp_stats stats;
    unsigned char *a = compile_paths(paths, 1, &len1, &stats);
    unsigned char *b = compile_paths(paths, 1, &len2, NULL);
    assert_int_equal(len1, len2);
    assert_memory_equal(a, b, len1);
    assert_memory_equal(a, GANTRY_PACK_MAGIC, GANTRY_PACK_MAGIC_LEN);
    assert_int_equal(stats.rules, 3);
    assert_int_equal(stats.bytes, len1);
    assert_true(stats.instructions > stats.rules);
    assert_true(stats.predicates <= stats.predicate_uses);
    free(a);
    free(b);
}

/* rules -> bytes -> file -> load -> listing, against the bytes in memory */
static void test_pack_file_round_trip(void **state) {
    (void)state;
    const char *paths[1] = {"tests/data/compile/roundtrip.gantry"};
    size_t len = 0;
    unsigned char *image = compile_paths(paths, 1, &len, NULL);
    char path[] = "/tmp/gantry-test-roundtrip-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, image, len), (ssize_t)len);
    close(fd);
    gantry_pack *from_file = NULL;
    char err[256] = "";
    if (gantry_pack_load_file(path, &from_file, err, sizeof err) != GANTRY_OK)
        fail_msg("load %s: %s", path, err);
    unlink(path);
    gantry_pack *from_memory = load(image, len);
    char *a = listing(from_file), *b = listing(from_memory);
    assert_string_equal(a, b);
    /* the listing names opcodes, rules and constants */
    static const char *const expect[] = {"CONTAINS", "REGEX",          "CIDR",  "KEYWORD",
                                         "RET",      "Privileged pod", "shells"};
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++)
        if (!strstr(a, expect[i]))
            fail_msg("listing lacks %s:\n%s", expect[i], a);
    assert_int_equal(gantry_pack_rule_count(from_file), 3);
    free(a);
    free(b);
    gantry_pack_free(from_file);
    gantry_pack_free(from_memory);
    free(image);
}

static void same_text(const char *what, const char *id, const char *source, const char *packed) {
    const char *want = source ? source : "";
    const char *got = packed ? packed : "";
    if (strcmp(want, got) != 0)
        fail_msg("rule %s: %s is \"%s\" in the pack, \"%s\" in the source", id, what, got, want);
}

static size_t rule_by_id(const gantry_pack *pk, const char *id) {
    for (size_t r = 0; r < gantry_pack_rule_count(pk); r++) {
        gantry_rule_info info;
        assert_int_equal(gantry_pack_rule_info(pk, r, &info), GANTRY_OK);
        if (strcmp(info.id, id) == 0)
            return r;
    }
    fail_msg("rule %s is not in the pack", id);
    return 0;
}

static void test_metadata_equals_source(void **state) {
    (void)state;
    gast_unit *unit = parse(shipped, SHIPPED);
    size_t len = 0;
    unsigned char *image = compile_unit(unit, &len, NULL);
    gantry_pack *pk = load(image, len);
    assert_int_equal(gantry_pack_rule_count(pk), unit->rule_count);
    assert_true(unit->rule_count > 30);
    size_t strings = 0;
    for (size_t i = 0; i < unit->rule_count; i++) {
        const gast_rule *src = unit->rules[i];
        size_t r = rule_by_id(pk, src->id);
        gantry_rule_info info;
        assert_int_equal(gantry_pack_rule_info(pk, r, &info), GANTRY_OK);
        same_text("title", src->id, src->title, info.title);
        same_text("description", src->id, src->description, info.description);
        same_text("author", src->id, src->author, info.author);
        same_text("date", src->id, src->date, info.date);
        same_text("status", src->id, src->status, info.status);
        same_text("logsource product", src->id, src->logsource_product, info.logsource_product);
        same_text("logsource category", src->id, src->logsource_category, info.logsource_category);
        same_text("logsource service", src->id, src->logsource_service, info.logsource_service);
        if (src->level != GAST_LEVEL_UNSET)
            assert_int_equal((int)info.level, (int)src->level);
        assert_int_equal(info.tag_count, src->tags.count);
        assert_int_equal(info.reference_count, src->references.count);
        assert_int_equal(info.falsepositive_count, src->falsepositives.count);
        for (size_t k = 0; k < src->tags.count; k++)
            same_text("tag", src->id, src->tags.items[k], gantry_pack_rule_tag(pk, r, k));
        for (size_t k = 0; k < src->references.count; k++)
            same_text("reference", src->id, src->references.items[k],
                      gantry_pack_rule_reference(pk, r, k));
        for (size_t k = 0; k < src->falsepositives.count; k++)
            same_text("false positive", src->id, src->falsepositives.items[k],
                      gantry_pack_rule_falsepositive(pk, r, k));
        strings += 8 + src->tags.count + src->references.count + src->falsepositives.count;
    }
    printf("%zu rules, %zu metadata strings equal to the source\n", unit->rule_count, strings);
    gantry_pack_free(pk);
    free(image);
    gast_unit_free(unit);
}

/* ---- verdicts: the whole pack against one pack per rule ---- */

typedef tsup_events events;

typedef struct fired {
    unsigned char *by_rule;
} fired;

static int note(const gantry_match *m, void *user) {
    ((fired *)user)->by_rule[m->rule->index] = 1;
    return 0;
}

static void test_verdicts_equal_single_rule_packs(void **state) {
    (void)state;
    events ev = {0};
    tsup_events_load(&ev, "corpus");
    assert_true(ev.count > 200);
    gast_unit *unit = parse(shipped, SHIPPED);
    size_t len = 0;
    unsigned char *image = compile_unit(unit, &len, NULL);
    gantry_pack *whole = load(image, len);
    free(image);
    size_t nrules = gantry_pack_rule_count(whole);
    /* verdicts of the whole pack, event by event */
    unsigned char *want = calloc(ev.count * nrules, 1);
    assert_non_null(want);
    gantry_matcher *m = NULL;
    assert_int_equal(gantry_matcher_new(whole, &m), GANTRY_OK);
    for (size_t e = 0; e < ev.count; e++) {
        fired f = {want + e * nrules};
        assert_int_equal(gantry_match_cjson(m, ev.items[e], note, &f), GANTRY_OK);
    }
    gantry_matcher_free(m);
    /* each rule alone: the unit shown one rule at a time, correlations aside */
    gast_rule **all = unit->rules;
    size_t all_count = unit->rule_count, corr_count = unit->correlation_count;
    unit->correlation_count = 0;
    size_t fires = 0, rules_firing = 0, wrong = 0;
    unsigned char one[1];
    for (size_t i = 0; i < all_count; i++) {
        unit->rules = &all[i];
        unit->rule_count = 1;
        image = compile_unit(unit, &len, NULL);
        gantry_pack *alone = load(image, len);
        free(image);
        size_t r = rule_by_id(whole, all[i]->id);
        assert_int_equal(gantry_matcher_new(alone, &m), GANTRY_OK);
        size_t n = 0;
        for (size_t e = 0; e < ev.count; e++) {
            one[0] = 0;
            fired f = {one};
            assert_int_equal(gantry_match_cjson(m, ev.items[e], note, &f), GANTRY_OK);
            n += one[0];
            if (one[0] != want[e * nrules + r] && wrong++ < 5)
                printf("  rule %s, event %zu: %d alone, %d in the whole pack\n", all[i]->id, e,
                       one[0], want[e * nrules + r]);
        }
        fires += n;
        rules_firing += n > 0;
        gantry_matcher_free(m);
        gantry_pack_free(alone);
    }
    unit->rules = all;
    unit->rule_count = all_count;
    unit->correlation_count = corr_count;
    printf("%zu rules x %zu events: %zu verdicts fire, %zu rules fire somewhere, %zu differ\n",
           all_count, ev.count, fires, rules_firing, wrong);
    assert_int_equal(wrong, 0);
    assert_true(rules_firing > all_count / 2); /* not vacuous */
    free(want);
    gantry_pack_free(whole);
    gast_unit_free(unit);
    tsup_events_free(&ev);
}

/* An element scope survives compile -> bytes -> load -> listing: the
 * listing shows the scope's opcodes, its array, its jumps and the scoped
 * predicates, and two compiles give the same bytes. */
static void test_scope_round_trip(void **state) {
    (void)state;
    const char *paths[1] = {"tests/data/scope/scope.gantry"};
    size_t len = 0, len2 = 0;
    unsigned char *pack = compile_paths(paths, 1, &len, NULL);
    unsigned char *again = compile_paths(paths, 1, &len2, NULL);
    assert_int_equal(len, len2);
    assert_memory_equal(pack, again, len);
    gantry_pack *pk = load(pack, len);
    char *text = listing(pk);
    gantry_pack_free(pk);
    assert_non_null(strstr(text, "ANY        container.list ->"));
    assert_non_null(strstr(text, "ANY_END    <-"));
    assert_non_null(strstr(text, "EQ         |scoped container.security_context.privileged"));
    assert_non_null(strstr(text, "STARTSWITH |scoped container.image.name"));
    /* the flat test of the same selection stays unscoped */
    assert_non_null(strstr(text, "EQ         verb"));
    free(text);
    free(pack);
    free(again);
}

/* The pack's CRC covers every byte: a flipped bit is refused. */
static void test_corruption_is_refused(void **state) {
    (void)state;
    const char *paths[1] = {"tests/data/compile/roundtrip.gantry"};
    size_t len = 0;
    unsigned char *pack = compile_paths(paths, 1, &len, NULL);
    pack[len / 2] ^= 0x10;
    gantry_pack *pk = NULL;
    assert_int_not_equal(gantry_pack_load_buffer(pack, len, &pk, NULL, 0), GANTRY_OK);
    assert_null(pk);
    free(pack);
}

/* The real Sigma rules shipped in ../shared compile without errors, twice to
 * the same bytes, and load. */
static void test_shared_sigma_rules(void **state) {
    (void)state;
    const char *dir = "../shared/sigma/rules";
    tsup_need(dir);
    const char *paths[1] = {dir};
    size_t len1 = 0, len2 = 0;
    gcomp_stats stats;
    unsigned char *a = compile_paths(paths, 1, &len1, &stats);
    unsigned char *b = compile_paths(paths, 1, &len2, NULL);
    assert_true(stats.rules > 50);
    assert_int_equal(len1, len2);
    assert_memory_equal(a, b, len1);
    gantry_pack *pk = load(a, len1);
    assert_int_equal(gantry_pack_rule_count(pk), stats.rules);
    char *text = listing(pk);
    assert_non_null(strstr(text, "rule 0 "));
    free(text);
    gantry_pack_free(pk);
    free(a);
    free(b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compile_is_deterministic),
        cmocka_unit_test(test_pack_file_round_trip),
        cmocka_unit_test(test_metadata_equals_source),
        cmocka_unit_test(test_verdicts_equal_single_rule_packs),
        cmocka_unit_test(test_scope_round_trip),
        cmocka_unit_test(test_corruption_is_refused),
        cmocka_unit_test(test_shared_sigma_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
