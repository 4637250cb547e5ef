/* Round trip: compile -> pack bytes -> load -> disassemble is stable.
 * Compiling the same sources twice gives identical bytes, and the listing of
 * a loaded pack is the same every time it is produced. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compiler.h"
#include "disasm.h"
#include "gantry.h"
#include "pack_format.h"

static unsigned char *compile_paths(const char *const *paths, size_t count, size_t *len,
                                    gcomp_stats *stats) {
    gdiag_sink *diag = gdiag_new(NULL, 0, 0);
    assert_non_null(diag);
    gast_unit *unit = gcomp_parse_paths(paths, count, diag, NULL);
    assert_non_null(unit);
    unsigned char *pack = NULL;
    int rc = gcomp_compile_unit(unit, diag, NULL, &pack, len, stats);
    if (rc != 0)
        fprintf(stderr, "%s", gdiag_text(diag));
    assert_int_equal(rc, 0);
    assert_non_null(pack);
    gast_unit_free(unit);
    gdiag_free(diag);
    return pack;
}

static char *disassemble(const unsigned char *pack, size_t len) {
    gantry_pack *pk = NULL;
    char err[256] = "";
    gantry_status st = gantry_pack_load_buffer(pack, len, &pk, err, sizeof err);
    if (st != GANTRY_OK)
        fprintf(stderr, "load: %s\n", err);
    assert_int_equal(st, GANTRY_OK);
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    assert_non_null(f);
    assert_int_equal(grt_disasm(pk, f), 0);
    fclose(f);
    gantry_pack_free(pk);
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

static void test_disasm_is_stable(void **state) {
    (void)state;
    const char *paths[1] = {"tests/data/compile/roundtrip.gantry"};
    size_t len = 0;
    unsigned char *pack = compile_paths(paths, 1, &len, NULL);
    char *first = disassemble(pack, len);
    char *second = disassemble(pack, len);
    assert_string_equal(first, second);
    /* the listing names opcodes, rules and constants */
    assert_non_null(strstr(first, "CONTAINS"));
    assert_non_null(strstr(first, "REGEX"));
    assert_non_null(strstr(first, "CIDR"));
    assert_non_null(strstr(first, "KEYWORD"));
    assert_non_null(strstr(first, "RET"));
    assert_non_null(strstr(first, "Privileged pod"));
    assert_non_null(strstr(first, "shells"));
    /* the bytes a loaded pack was built from reproduce the same listing */
    size_t len2 = 0;
    unsigned char *again = compile_paths(paths, 1, &len2, NULL);
    char *third = disassemble(again, len2);
    assert_string_equal(first, third);
    free(first);
    free(second);
    free(third);
    free(pack);
    free(again);
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
    char *text = disassemble(pack, len);
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

/* The real Sigma rules shipped in ../shared compile without errors, and
 * twice to the same bytes. */
static void test_shared_sigma_rules(void **state) {
    (void)state;
    const char *dir = "../shared/sigma/rules";
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        printf("skipped: %s is absent\n", dir);
        skip();
    }
    const char *paths[1] = {dir};
    size_t len1 = 0, len2 = 0;
    gcomp_stats stats;
    unsigned char *a = compile_paths(paths, 1, &len1, &stats);
    unsigned char *b = compile_paths(paths, 1, &len2, NULL);
    assert_true(stats.rules > 50);
    assert_int_equal(len1, len2);
    assert_memory_equal(a, b, len1);
    char *text = disassemble(a, len1);
    assert_non_null(strstr(text, "rule 0 "));
    free(text);
    free(a);
    free(b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compile_is_deterministic),
        cmocka_unit_test(test_disasm_is_stable),
        cmocka_unit_test(test_scope_round_trip),
        cmocka_unit_test(test_corruption_is_refused),
        cmocka_unit_test(test_shared_sigma_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
