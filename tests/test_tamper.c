/* SPDX-License-Identifier: Apache-2.0 */
/* Pack tampering. A real pack compiled from rules/kinsing/miners.gantry has
 * every byte flipped and is cut at every length: each result is refused with
 * the error code its place calls for and a message, or (only possible once
 * the CRC is rewritten) loads and matches without a sanitizer report. Then
 * hand-built packs with a valid CRC but hostile tables and bytecode must be
 * refused. The sweeps over every byte and every length live here only;
 * test_loader.c has one case per container error and its message, and the
 * verifier's own message tests are in test_verifier.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "compiler.h"
#include "gantry.h"
#include "gantry_limits.h"
#include "pack_writer.h"

static const char *const events[] = {
    "{\"process.command_line\":\"pkill -9 xmrig "
    "kdevtmpfsi\",\"process.executable\":\"/tmp/xmrig\"}",
    "{\"process.command_line\":[\"sh\",\"stratum+tcp://pool.example.org:3333\"],"
    "\"process.name\":\"kdevtmpfsi\"}",
    "{\"process\":{\"command_line\":\"killall minerd\"},\"n\":1e308,\"b\":true,\"z\":null}",
};

static unsigned char *real_pack;
static size_t real_len;

static int on_match(const gantry_match *m, void *user) {
    (void)m;
    (*(int *)user)++;
    return 0;
}

/* Loads; when the pack is accepted, matches every event. Returns the
 * status; a refused pack must come with a message. */
static gantry_status load_and_run_err(const unsigned char *img, size_t len, char *err,
                                      size_t err_size) {
    gantry_pack *pack = NULL;
    err[0] = '\0';
    /* Exact-size copy so any read past the image is an ASan report. */
    unsigned char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    if (len)
        memcpy(copy, img, len);
    gantry_status st = gantry_pack_load_buffer(copy, len, &pack, err, err_size);
    free(copy);
    if (st != GANTRY_OK) {
        assert_null(pack);
        assert_true(err[0] != '\0');
        return st;
    }
    assert_non_null(pack);
    gantry_matcher *m = NULL;
    assert_int_equal(gantry_matcher_new(pack, &m), GANTRY_OK);
    for (size_t i = 0; i < sizeof events / sizeof events[0]; i++) {
        int hits = 0;
        gantry_status ms = gantry_match_json(m, events[i], strlen(events[i]), on_match, &hits);
        assert_true(ms == GANTRY_OK || ms == GANTRY_E_REGEX_LIMIT);
    }
    for (size_t r = 0; r < gantry_pack_rule_count(pack); r++) {
        gantry_rule_info info;
        assert_int_equal(gantry_pack_rule_info(pack, r, &info), GANTRY_OK);
        assert_non_null(info.id);
        for (size_t t = 0; t < info.tag_count; t++)
            assert_non_null(gantry_pack_rule_tag(pack, r, t));
    }
    gantry_matcher_free(m);
    gantry_pack_free(pack);
    return st;
}

static gantry_status load_and_run(const unsigned char *img, size_t len) {
    char err[256];
    return load_and_run_err(img, len, err, sizeof err);
}

static void put_u32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static uint32_t get_u32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void fix_crc(unsigned char *img, size_t len) {
    put_u32(img + len - 4, (uint32_t)crc32(0L, img, (uInt)(len - 4)));
}

static int setup(void **state) {
    (void)state;
    gdiag_sink *diag = gdiag_new(NULL, 0, 0);
    const char *paths[] = {"rules/kinsing/miners.gantry"};
    gcomp_options opts = {0};
    gast_unit *unit = gcomp_parse_paths(paths, 1, diag, &opts);
    int rc = unit && gdiag_error_count(diag) == 0
                 ? gcomp_compile_unit(unit, diag, &opts, &real_pack, &real_len, NULL)
                 : -1;
    if (rc != 0)
        fprintf(stderr, "cannot compile the tamper pack:\n%s\n", gdiag_text(diag));
    gast_unit_free(unit);
    gdiag_free(diag);
    return rc;
}

static int teardown(void **state) {
    (void)state;
    free(real_pack);
    return 0;
}

static void test_original_loads(void **state) {
    (void)state;
    assert_true(real_len > 64 && real_len < 16384);
    assert_int_equal(load_and_run(real_pack, real_len), GANTRY_OK);
}

/* Without a matching CRC nothing gets past the checksum: a flip in the
 * magic, version or length field is refused for that, any other for the
 * checksum. */
static void test_flip_every_byte(void **state) {
    (void)state;
    unsigned char *img = malloc(real_len);
    assert_non_null(img);
    char err[256];
    for (size_t i = 0; i < real_len; i++) {
        memcpy(img, real_pack, real_len);
        img[i] ^= 0xFF;
        gantry_status st = load_and_run_err(img, real_len, err, sizeof err);
        gantry_status want = i < 8 ? GANTRY_E_MAGIC : i < 12 ? GANTRY_E_VERSION : GANTRY_E_CRC;
        if (i >= 16 && i < 20) /* the length field: too long, or not the size given */
            want = st == GANTRY_E_TRUNCATED ? GANTRY_E_TRUNCATED : GANTRY_E_SECTION;
        if (st != want)
            fail_msg("byte %zu flipped: status %d, want %d (%s)", i, (int)st, (int)want, err);
        if (want == GANTRY_E_CRC)
            assert_non_null(strstr(err, "checksum"));
    }
    free(img);
}

/* With the CRC rewritten (what a deliberate attacker does) the section
 * parser and the verifier are the only defence: refused, or safe to run. */
static void test_flip_every_byte_valid_crc(void **state) {
    (void)state;
    unsigned char *img = malloc(real_len);
    assert_non_null(img);
    size_t accepted = 0;
    static const unsigned char masks[] = {0xFF, 0x01, 0x80};
    for (size_t k = 0; k < sizeof masks; k++)
        for (size_t i = 0; i + 4 < real_len; i++) {
            memcpy(img, real_pack, real_len);
            img[i] ^= masks[k];
            fix_crc(img, real_len);
            if (load_and_run(img, real_len) == GANTRY_OK)
                accepted++;
        }
    /* Flips inside metadata strings are legitimately accepted; flips in the
     * header and tables are not. Both kinds occur in this pack. */
    assert_true(accepted > 0);
    assert_true(accepted < 3 * real_len);
    free(img);
}

static void test_truncate_every_length(void **state) {
    (void)state;
    char err[256];
    for (size_t n = 0; n < real_len; n++) {
        gantry_status st = load_and_run_err(real_pack, n, err, sizeof err);
        if (st != GANTRY_E_TRUNCATED)
            fail_msg("pack cut to %zu of %zu bytes: status %d, not truncated", n, real_len,
                     (int)st);
        assert_non_null(strstr(err, "truncated"));
    }
    /* Also cut with the length field and CRC made consistent again. */
    unsigned char *img = malloc(real_len);
    assert_non_null(img);
    for (size_t n = 36; n < real_len; n += 4) {
        memcpy(img, real_pack, n);
        put_u32(img + 16, (uint32_t)n);
        fix_crc(img, n);
        assert_int_not_equal(load_and_run(img, n), GANTRY_OK);
    }
    /* And extended: trailing garbage after a consistent pack. */
    unsigned char *big = calloc(1, real_len + 64);
    assert_non_null(big);
    memcpy(big, real_pack, real_len);
    assert_int_not_equal(load_and_run(big, real_len + 64), GANTRY_OK);
    free(big);
    free(img);
}

/* ---- hand-built packs with a valid CRC ---------------------------------- */

#define INSN(op_, flags_, a_, b_) ((struct gantry_insn){GANTRY_OP_##op_, (flags_), 0, (a_), (b_)})

/* A well-formed one-rule pack: P0 = EQ f ["x"], code PRED 0; RET. */
static void good_pack(unsigned char **img, size_t *len) {
    gpw *w = gpw_new();
    assert_non_null(w);
    uint32_t c = gpw_const_string(w, "x", 1);
    uint32_t list = gpw_list(w, &c, 1);
    gpw_pred(w, INSN(EQ, 0, gpw_field(w, "f"), list));
    gpw_regex(w, "a+b", 0);
    gpw_named_list(w, "names", list);
    uint32_t first = gpw_code(w, INSN(PRED, 0, 0, 0));
    gpw_code(w, INSN(RET, 0, 0, 0));
    const char *tags[] = {"t1", "t2"};
    gpw_rule r = {.id = "r",
                  .title = "t",
                  .code_first = first,
                  .code_length = 2,
                  .tags = tags,
                  .tag_count = 2};
    gpw_rule_add(w, &r);
    assert_int_equal(gpw_finish(w, img, len), 0);
    gpw_free(w);
}

/* Offset of section `id`'s table entry. */
static size_t entry_of(const unsigned char *img, uint32_t id) {
    uint32_t n = get_u32(img + 12);
    for (uint32_t i = 0; i < n; i++) {
        size_t e = 32 + (size_t)i * 16;
        if (get_u32(img + e) == id)
            return e;
    }
    fail_msg("section %u not in the table", (unsigned)id);
    return 0;
}

static size_t payload_of(const unsigned char *img, uint32_t id) {
    return get_u32(img + entry_of(img, id) + 4);
}

/* Applies `patch` at byte `at` of a fresh good pack, fixes the CRC, and
 * expects a refusal. */
static void expect_refused_patch(size_t at, uint32_t value, const char *what) {
    unsigned char *img;
    size_t len;
    good_pack(&img, &len);
    assert_true(at + 4 <= len - 4);
    put_u32(img + at, value);
    fix_crc(img, len);
    gantry_status st = load_and_run(img, len);
    if (st == GANTRY_OK)
        fail_msg("%s: accepted", what);
    free(img);
}

static void test_good_pack_loads(void **state) {
    (void)state;
    unsigned char *img;
    size_t len;
    good_pack(&img, &len);
    assert_int_equal(load_and_run(img, len), GANTRY_OK);
    free(img);
}

static void test_huge_counts(void **state) {
    (void)state;
    unsigned char *img;
    size_t len;
    good_pack(&img, &len);
    for (uint32_t id = 1; id <= GANTRY_SEC__COUNT; id++) {
        if (gantry_section_info_of(id)->presence != GANTRY_SEC_REQUIRED)
            continue; /* the good pack has no correlations */
        size_t e = entry_of(img, id);
        static const uint32_t counts[] = {0xFFFFFFFFu, 0x80000000u, 0x40000001u, 0x15555556u};
        for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
            char what[64];
            snprintf(what, sizeof what, "section %u count %#x", (unsigned)id, (unsigned)counts[k]);
            expect_refused_patch(e + 12, counts[k], what);
            snprintf(what, sizeof what, "section %u size %#x", (unsigned)id, (unsigned)counts[k]);
            expect_refused_patch(e + 8, counts[k], what);
            snprintf(what, sizeof what, "section %u offset %#x", (unsigned)id, (unsigned)counts[k]);
            expect_refused_patch(e + 4, counts[k] & ~3u, what);
        }
    }
    expect_refused_patch(12, 0xFFFFFFFFu, "section count");
    expect_refused_patch(12, 0, "no sections");
    expect_refused_patch(24, 0xFFFFFFFFu, "header rule count");
    expect_refused_patch(16, 0xFFFFFFFFu, "header length");
    free(img);
}

static void test_indices_past_every_table(void **state) {
    (void)state;
    unsigned char *img;
    size_t len;
    good_pack(&img, &len);
    const uint32_t big[] = {1000, 0x7FFFFFFFu, 0xFFFFFFFEu};
    for (size_t k = 0; k < 3; k++) {
        uint32_t v = big[k];
        /* Each table entry's references. */
        expect_refused_patch(payload_of(img, GANTRY_SEC_FIELDS), v, "field name string");
        expect_refused_patch(payload_of(img, GANTRY_SEC_CONSTS) + 4, v, "const text string");
        expect_refused_patch(payload_of(img, GANTRY_SEC_LISTS), v, "list first");
        expect_refused_patch(payload_of(img, GANTRY_SEC_LISTS) + 4, v, "list count");
        expect_refused_patch(payload_of(img, GANTRY_SEC_LIST_ITEMS), v, "list item const");
        expect_refused_patch(payload_of(img, GANTRY_SEC_REGEXES), v, "regex pattern string");
        expect_refused_patch(payload_of(img, GANTRY_SEC_REGEXES) + 4, v, "regex flags");
        expect_refused_patch(payload_of(img, GANTRY_SEC_PREDICATES) + 4, v, "pred field");
        expect_refused_patch(payload_of(img, GANTRY_SEC_PREDICATES) + 8, v, "pred list");
        expect_refused_patch(payload_of(img, GANTRY_SEC_CODE) + 8, v, "code pred index");
        expect_refused_patch(payload_of(img, GANTRY_SEC_STRLISTS), v, "strlist string");
        expect_refused_patch(payload_of(img, GANTRY_SEC_NAMED_LISTS), v, "named list name");
        expect_refused_patch(payload_of(img, GANTRY_SEC_NAMED_LISTS) + 4, v, "named list list");
        /* Every u32 of the rule record: strings, slices and code range. */
        size_t rule = payload_of(img, GANTRY_SEC_RULES);
        static const size_t string_fields[] = {0, 4, 8, 12, 16, 20, 24, 32, 36, 40, 76};
        for (size_t f = 0; f < sizeof string_fields / sizeof string_fields[0]; f++) {
            char what[64];
            snprintf(what, sizeof what, "rule string at +%zu = %#x", string_fields[f], (unsigned)v);
            if (v != GANTRY_NO_STRING)
                expect_refused_patch(rule + string_fields[f], v, what);
        }
        expect_refused_patch(rule + 28, v, "rule level");
        expect_refused_patch(rule + 44, v, "tags first");
        expect_refused_patch(rule + 48, v, "tags count");
        expect_refused_patch(rule + 52, v, "refs first");
        expect_refused_patch(rule + 56, v, "refs count");
        expect_refused_patch(rule + 60, v, "falsepositives first");
        expect_refused_patch(rule + 64, v, "falsepositives count");
        expect_refused_patch(rule + 68, v, "code first");
        expect_refused_patch(rule + 72, v, "code length");
        expect_refused_patch(rule + 84, v, "rule flags");
    }
    /* String lengths that overflow the section. */
    size_t strings = payload_of(img, GANTRY_SEC_STRINGS);
    expect_refused_patch(strings + 4, 0xFFFFFFFFu, "string length");
    expect_refused_patch(strings + 4, 0xFFFFFFFDu, "string length rounding");
    expect_refused_patch(strings + 4, GANTRY_MAX_STRING_BYTES + 1, "string past limit");
    /* Unknown const kind. */
    expect_refused_patch(payload_of(img, GANTRY_SEC_CONSTS), 9, "const kind");
    free(img);
}

/* Rule code with a valid CRC that the verifier must refuse. */
static gantry_status load_code(const struct gantry_insn *code, size_t n, uint32_t code_first,
                               uint32_t code_length) {
    gpw *w = gpw_new();
    uint32_t c = gpw_const_string(w, "x", 1);
    gpw_pred(w, INSN(EQ, 0, gpw_field(w, "f"), gpw_list(w, &c, 1)));
    for (size_t i = 0; i < n; i++)
        gpw_code(w, code[i]);
    gpw_rule r = {.id = "r", .title = "r", .code_first = code_first, .code_length = code_length};
    gpw_rule_add(w, &r);
    unsigned char *img;
    size_t len;
    assert_int_equal(gpw_finish(w, &img, &len), 0);
    gpw_free(w);
    gantry_status st = load_and_run(img, len);
    free(img);
    return st;
}

#define CODE(...) ((const struct gantry_insn[]){__VA_ARGS__})
#define N(...) (sizeof((const struct gantry_insn[]){__VA_ARGS__}) / sizeof(struct gantry_insn))
#define VERIFY_REFUSES(...)                                                                        \
    assert_int_equal(load_code(CODE(__VA_ARGS__), N(__VA_ARGS__), 0, (uint32_t)N(__VA_ARGS__)),    \
                     GANTRY_E_VERIFY)

static void test_hostile_bytecode(void **state) {
    (void)state;
    /* Jumps out of range: past the slice, past the whole code, backwards. */
    VERIFY_REFUSES(INSN(TRUE, 0, 0, 0), INSN(JFALSE, 0, 0, 3), INSN(RET, 0, 0, 0));
    VERIFY_REFUSES(INSN(TRUE, 0, 0, 0), INSN(JTRUE, 0, 0, 0xFFFFFFFFu), INSN(RET, 0, 0, 0));
    VERIFY_REFUSES(INSN(TRUE, 0, 0, 0), INSN(JTRUE, 0, 0, 0), INSN(RET, 0, 0, 0));
    /* Stack underflow on each popping opcode. */
    VERIFY_REFUSES(INSN(NOT, 0, 0, 0), INSN(RET, 0, 0, 0));
    VERIFY_REFUSES(INSN(TRUE, 0, 0, 0), INSN(OR, 0, 0, 0), INSN(RET, 0, 0, 0));
    VERIFY_REFUSES(INSN(JFALSE, 0, 0, 1), INSN(RET, 0, 0, 0));
    /* Indices past the predicate table. */
    VERIFY_REFUSES(INSN(PRED, 0, 0, 1), INSN(RET, 0, 0, 0));
    VERIFY_REFUSES(INSN(PRED, 0, 0, 0xFFFFFFFFu), INSN(RET, 0, 0, 0));
    /* Operand in a NONE slot, unknown opcodes, reserved bits. */
    VERIFY_REFUSES(INSN(TRUE, 0, 7, 0), INSN(RET, 0, 0, 0));
    VERIFY_REFUSES(((struct gantry_insn){0xFF, 0, 0, 0, 0}), INSN(RET, 0, 0, 0));
    VERIFY_REFUSES(((struct gantry_insn){GANTRY_OP_TRUE, 0, 1, 0, 0}), INSN(RET, 0, 0, 0));
}

static void test_huge_code_and_stack(void **state) {
    (void)state;
    /* Deeper than the VM stack. */
    size_t n = GANTRY_MAX_STACK + 2;
    struct gantry_insn *code = calloc(n * 2 + 1, sizeof *code);
    assert_non_null(code);
    for (size_t i = 0; i <= GANTRY_MAX_STACK; i++)
        code[i] = INSN(TRUE, 0, 0, 0);
    for (size_t i = GANTRY_MAX_STACK + 1; i < 2 * GANTRY_MAX_STACK + 1; i++)
        code[i] = INSN(AND, 0, 0, 0);
    code[2 * GANTRY_MAX_STACK + 1] = INSN(RET, 0, 0, 0);
    assert_int_equal(load_code(code, 2 * GANTRY_MAX_STACK + 2, 0, 2 * GANTRY_MAX_STACK + 2),
                     GANTRY_E_VERIFY);
    free(code);
    /* More instructions in one rule than the limit (valid otherwise). */
    size_t big = GANTRY_MAX_RULE_CODE + 1;
    code = calloc(big, sizeof *code);
    assert_non_null(code);
    code[0] = INSN(TRUE, 0, 0, 0);
    for (size_t i = 1; i + 1 < big; i++)
        code[i] = INSN(NOT, 0, 0, 0);
    code[big - 1] = INSN(RET, 0, 0, 0);
    gantry_status st = load_code(code, big, 0, (uint32_t)big);
    assert_true(st == GANTRY_E_VERIFY || st == GANTRY_E_LIMIT);
    free(code);
    /* A rule slice that runs past the code section, or is empty. */
    struct gantry_insn two[] = {INSN(TRUE, 0, 0, 0), INSN(RET, 0, 0, 0)};
    assert_int_not_equal(load_code(two, 2, 1, 5), GANTRY_OK);
    assert_int_not_equal(load_code(two, 2, 0xFFFFFFFFu, 2), GANTRY_OK);
    assert_int_not_equal(load_code(two, 2, 2, 0xFFFFFFFFu), GANTRY_OK);
    assert_int_not_equal(load_code(two, 2, 0, 0), GANTRY_OK);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_original_loads),
        cmocka_unit_test(test_flip_every_byte),
        cmocka_unit_test(test_flip_every_byte_valid_crc),
        cmocka_unit_test(test_truncate_every_length),
        cmocka_unit_test(test_good_pack_loads),
        cmocka_unit_test(test_huge_counts),
        cmocka_unit_test(test_indices_past_every_table),
        cmocka_unit_test(test_hostile_bytecode),
        cmocka_unit_test(test_huge_code_and_stack),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
