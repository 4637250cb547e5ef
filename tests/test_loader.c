/* SPDX-License-Identifier: Apache-2.0 */
/* Loader: a good pack loads (from a buffer and from a file) and each kind
 * of container corruption is refused with its own error code and message,
 * one case each. Corruptions after the CRC check get a recomputed CRC so that
 * they reach the check they target. The sweeps (every byte flipped, every
 * length cut, hostile counts and indices) are in test_tamper.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "disasm.h"
#include "gantry.h"
#include "pack_writer.h"

#define INSN(op_, flags_, a_, b_) ((struct gantry_insn){GANTRY_OP_##op_, (flags_), 0, (a_), (b_)})

static unsigned char *good;
static size_t good_len;

static void build_good(void) {
    gpw *w = gpw_new();
    assert_non_null(w);
    uint32_t items[2] = {gpw_const_string(w, "kube-system", 11), gpw_const_string(w, "default", 7)};
    uint32_t list = gpw_list(w, items, 2);
    gpw_named_list(w, "namespaces", list);
    uint32_t p0 = gpw_pred(w, INSN(EQ, 0, gpw_field(w, "objectRef.namespace"), list));
    uint32_t p1 =
        gpw_pred(w, INSN(REGEX, 0, gpw_field(w, "user.username"), gpw_regex(w, "^system:", 1)));
    uint32_t first = gpw_code(w, INSN(PRED, 0, 0, p0));
    gpw_code(w, INSN(PRED, 0, 0, p1));
    gpw_code(w, INSN(AND, 0, 0, 0));
    gpw_code(w, INSN(RET, 0, 0, 0));
    const char *tags[] = {"attack.t1610", "attack.execution"};
    const char *refs[] = {"https://example.invalid/ref"};
    gpw_rule r = {.id = "6f1d1c5e-0000-4000-8000-000000000001",
                  .title = "System user in a system namespace",
                  .description = "test rule",
                  .author = "tests",
                  .status = "experimental",
                  .level = GANTRY_LEVEL_HIGH,
                  .product = "kubernetes",
                  .service = "audit",
                  .tags = tags,
                  .tag_count = 2,
                  .references = refs,
                  .reference_count = 1,
                  .code_first = first,
                  .code_length = 4,
                  .source_file = "rules/x.gantry",
                  .source_line = 3};
    assert_int_equal(gpw_rule_add(w, &r), 0);
    first = gpw_code(w, INSN(PRED, 0, 0, p0));
    gpw_code(w, INSN(RET, 0, 0, 0));
    gpw_rule r2 = {.id = "r2",
                   .title = "Namespace only",
                   .level = GANTRY_LEVEL_LOW,
                   .code_first = first,
                   .code_length = 2};
    assert_int_equal(gpw_rule_add(w, &r2), 1);
    /* the same predicate and string interned twice come back with one index */
    assert_int_equal(gpw_pred(w, INSN(EQ, 0, gpw_field(w, "objectRef.namespace"), list)), p0);
    assert_int_equal(gpw_pred_count(w), 2);
    assert_int_equal(gpw_field_count(w), 2);
    assert_int_equal(gpw_finish(w, &good, &good_len), 0);
    gpw_free(w);
}

static int setup(void **state) {
    (void)state;
    build_good();
    return 0;
}

static int teardown(void **state) {
    (void)state;
    free(good);
    return 0;
}

static unsigned char *copy_good(void) {
    unsigned char *p = malloc(good_len);
    assert_non_null(p);
    memcpy(p, good, good_len);
    return p;
}

static uint32_t rd32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wr32(unsigned char *p, uint32_t v) {
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void fix_crc(unsigned char *p, size_t len) {
    wr32(p + len - 4, (uint32_t)crc32(crc32(0, Z_NULL, 0), p, (uInt)(len - 4)));
}

/* The section table entry of section `id`. */
static unsigned char *entry_of(unsigned char *p, uint32_t id) {
    uint32_t n = rd32(p + 12);
    for (uint32_t i = 0; i < n; i++)
        if (rd32(p + 32 + i * 16) == id)
            return p + 32 + i * 16;
    fail_msg("section %u not found", (unsigned)id);
    return NULL;
}

static gantry_status load(const unsigned char *p, size_t len, char *err, size_t err_size) {
    gantry_pack *pack = (gantry_pack *)0x1;
    gantry_status st = gantry_pack_load_buffer(p, len, &pack, err, err_size);
    if (st == GANTRY_OK)
        gantry_pack_free(pack);
    else
        assert_null(pack);
    return st;
}

static void test_good_pack(void **state) {
    (void)state;
    gantry_pack *pack = NULL;
    char err[256];
    assert_int_equal(gantry_pack_load_buffer(good, good_len, &pack, err, sizeof err), GANTRY_OK);
    assert_int_equal(gantry_pack_rule_count(pack), 2);
    gantry_rule_info info;
    assert_int_equal(gantry_pack_rule_info(pack, 0, &info), GANTRY_OK);
    assert_string_equal(info.title, "System user in a system namespace");
    assert_int_equal(info.level, GANTRY_LEVEL_HIGH);
    assert_string_equal(info.logsource_category, "");
    assert_string_equal(gantry_pack_rule_tag(pack, 0, 1), "attack.execution");
    assert_int_equal(gantry_pack_field_count(pack), 2);
    assert_string_equal(gantry_pack_field_name(pack, 1), "user.username");

    /* the disassembly is deterministic and resolves operands */
    char *a = NULL, *b = NULL;
    size_t alen = 0, blen = 0;
    FILE *fa = open_memstream(&a, &alen), *fb = open_memstream(&b, &blen);
    assert_int_equal(grt_disasm(pack, fa), 0);
    assert_int_equal(grt_disasm(pack, fb), 0);
    fclose(fa);
    fclose(fb);
    assert_string_equal(a, b);
    assert_non_null(strstr(a, "REGEX"));
    assert_non_null(strstr(a, "/^system:/i"));
    assert_non_null(strstr(a, "objectRef.namespace L0[\"kube-system\", \"default\"]"));
    assert_non_null(strstr(a, "name namespaces = L0"));
    free(a);
    free(b);
    gantry_pack_free(pack);
}

static void test_load_file(void **state) {
    (void)state;
    char path[] = "/tmp/gantry-test-loader-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, good, good_len), (ssize_t)good_len);
    close(fd);
    gantry_pack *pack = NULL;
    assert_int_equal(gantry_pack_load_file(path, &pack, NULL, 0), GANTRY_OK);
    assert_int_equal(gantry_pack_rule_count(pack), 2);
    gantry_pack_free(pack);
    unlink(path);
    char err[256];
    assert_int_equal(gantry_pack_load_file(path, &pack, err, sizeof err), GANTRY_E_IO);
    assert_non_null(strstr(err, path));
}

static void test_bad_magic(void **state) {
    (void)state;
    unsigned char *p = copy_good();
    p[0] = 'X';
    assert_int_equal(load(p, good_len, NULL, 0), GANTRY_E_MAGIC);
    assert_int_equal(load((const unsigned char *)"{\"kind\":1}", 10, NULL, 0), GANTRY_E_MAGIC);
    free(p);
}

static void test_other_version(void **state) {
    (void)state;
    unsigned char *p = copy_good();
    wr32(p + 8, 7);
    fix_crc(p, good_len);
    char err[256];
    assert_int_equal(load(p, good_len, err, sizeof err), GANTRY_E_VERSION);
    assert_string_equal(err, "pack built by format 7, this runtime reads 1");
    free(p);
}

static void test_crc_mismatch(void **state) {
    (void)state;
    unsigned char *p = copy_good();
    p[good_len / 2] ^= 0x40;
    char err[256];
    assert_int_equal(load(p, good_len, err, sizeof err), GANTRY_E_CRC);
    assert_non_null(strstr(err, "checksum"));
    free(p);
}

static void test_section_out_of_bounds(void **state) {
    (void)state;
    unsigned char *p = copy_good();
    unsigned char *e = entry_of(p, GANTRY_SEC_CODE);
    wr32(e + 4, (uint32_t)good_len - 8);
    fix_crc(p, good_len);
    char err[256];
    assert_int_equal(load(p, good_len, err, sizeof err), GANTRY_E_SECTION);
    assert_non_null(strstr(err, "CODE"));
    free(p);

    p = copy_good();
    e = entry_of(p, GANTRY_SEC_STRINGS);
    wr32(e + 4, 0); /* overlaps the header */
    fix_crc(p, good_len);
    assert_int_equal(load(p, good_len, NULL, 0), GANTRY_E_SECTION);
    free(p);

    p = copy_good();
    e = entry_of(p, GANTRY_SEC_FIELDS);
    wr32(e + 12, rd32(e + 12) + 1); /* count x record size no longer fills it */
    fix_crc(p, good_len);
    assert_int_equal(load(p, good_len, NULL, 0), GANTRY_E_SECTION);
    free(p);

    p = copy_good();
    e = entry_of(p, GANTRY_SEC_FIELDS);
    wr32(e + 4, rd32(e + 4) + 2); /* misaligned */
    fix_crc(p, good_len);
    assert_int_equal(load(p, good_len, NULL, 0), GANTRY_E_SECTION);
    free(p);
}

static void test_duplicate_and_unknown_section(void **state) {
    (void)state;
    unsigned char *p = copy_good();
    wr32(entry_of(p, GANTRY_SEC_FIELDS), GANTRY_SEC_STRINGS);
    fix_crc(p, good_len);
    char err[256];
    assert_int_equal(load(p, good_len, err, sizeof err), GANTRY_E_SECTION);
    assert_non_null(strstr(err, "twice"));
    free(p);

    p = copy_good();
    wr32(entry_of(p, GANTRY_SEC_NAMED_LISTS), 99);
    fix_crc(p, good_len);
    assert_int_equal(load(p, good_len, err, sizeof err), GANTRY_E_SECTION);
    assert_non_null(strstr(err, "unknown section id 99"));
    free(p);
}

static void test_bad_string_index(void **state) {
    (void)state;
    unsigned char *p = copy_good();
    unsigned char *e = entry_of(p, GANTRY_SEC_FIELDS);
    wr32(p + rd32(e + 4), 9999);
    fix_crc(p, good_len);
    char err[256];
    assert_int_equal(load(p, good_len, err, sizeof err), GANTRY_E_SECTION);
    assert_non_null(strstr(err, "FIELDS entry 0"));
    free(p);

    p = copy_good();
    e = entry_of(p, GANTRY_SEC_RULES);
    wr32(p + rd32(e + 4) + 4, 12345); /* rule 0 title */
    fix_crc(p, good_len);
    assert_int_equal(load(p, good_len, err, sizeof err), GANTRY_E_SECTION);
    assert_non_null(strstr(err, "rule 0"));
    free(p);

    p = copy_good();
    e = entry_of(p, GANTRY_SEC_STRINGS);
    wr32(p + rd32(e + 4), 0x7FFFFFF0u); /* string 0 claims a huge length */
    fix_crc(p, good_len);
    assert_int_equal(load(p, good_len, NULL, 0), GANTRY_E_SECTION);
    free(p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_pack),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_bad_magic),
        cmocka_unit_test(test_other_version),
        cmocka_unit_test(test_crc_mismatch),
        cmocka_unit_test(test_section_out_of_bounds),
        cmocka_unit_test(test_duplicate_and_unknown_section),
        cmocka_unit_test(test_bad_string_index),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
