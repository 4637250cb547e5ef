/* SPDX-License-Identifier: Apache-2.0 */
/* The shared helpers of runtime/base/: number text, timestamps, CIDR
 * networks, hex digits and the whole-file reader, each used by several
 * layers (compiler, normalizers, VM, correlations), so a change here shows
 * up in all of them at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cidr.h"
#include "hexdigit.h"
#include "numtext.h"
#include "readfile.h"
#include "timestamp.h"

static void test_number_text(void **state) {
    (void)state;
    static const struct {
        double d;
        const char *text;
    } cases[] = {
        {0, "0"},
        {-0.0, "-0"},
        {403, "403"},
        {-12, "-12"},
        {0.1, "0.1"},
        {1.5, "1.5"},
        {1e15, "1e+15"},
        {123456789012345, "123456789012345"},
        {0.3, "0.3"},
        {1e-7, "1e-07"},
        {2.5e-300, "2.5e-300"},
        {0.1 + 0.2, "0.30000000000000004"},
        {1.0 / 3, "0.3333333333333333"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[GRT_NUMBER_TEXT_MAX];
        size_t n = grt_number_text(cases[i].d, buf, sizeof buf);
        if (strcmp(buf, cases[i].text) != 0 || n != strlen(cases[i].text))
            fail_msg("%.17g printed as \"%s\" (%zu), expected \"%s\"", cases[i].d, buf, n,
                     cases[i].text);
        assert_true(strtod(buf, NULL) == cases[i].d);
    }
}

static void test_timestamp_days_per_month(void **state) {
    (void)state;
    static const struct {
        const char *text;
        int ok;
    } cases[] = {
        {"2024-01-31", 1}, {"2024-02-29", 1}, {"2023-02-29", 0}, {"2000-02-29", 1},
        {"1900-02-29", 0}, {"2024-04-30", 1}, {"2024-04-31", 0}, {"2024-06-31", 0},
        {"2024-09-31", 0}, {"2024-11-31", 0}, {"2024-12-31", 1}, {"2024-13-01", 0},
        {"2024-00-10", 0}, {"2024-01-00", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t secs;
        gantry_status st =
            grt_parse_timestamp(cases[i].text, strlen(cases[i].text), 0, &secs, NULL);
        if ((st == GANTRY_OK) != cases[i].ok)
            fail_msg("%s: %s", cases[i].text, st == GANTRY_OK ? "accepted" : "refused");
    }
}

static void test_timestamp_forms(void **state) {
    (void)state;
    int64_t secs;
    uint32_t ns;
    const char *t = "2024-03-01T12:30:60.25+01:30";
    assert_int_equal(grt_parse_timestamp(t, strlen(t), GRT_TS_RFC3339, &secs, &ns), GANTRY_OK);
    /* the leap second counts as :59 of its minute */
    assert_true(secs == grt_days_from_civil(2024, 3, 1) * 86400 + 11 * 3600 + 59);
    assert_int_equal(ns, 250000000);
    /* a bare date and a time without seconds or zone are ISO 8601, not RFC 3339 */
    static const char *const iso_only[] = {"2024-03-01", "2024-03-01T12:30", "2024-03-01 12:30:00"};
    for (size_t i = 0; i < sizeof iso_only / sizeof iso_only[0]; i++) {
        const char *s = iso_only[i];
        assert_int_equal(grt_parse_timestamp(s, strlen(s), 0, &secs, NULL), GANTRY_OK);
        assert_int_equal(grt_parse_timestamp(s, strlen(s), GRT_TS_RFC3339, &secs, NULL),
                         GANTRY_E_ARG);
    }
    static const char *const bad[] = {"2024-03-01T", "2024-03-01T12:30:00.", "2024-03-01Zx",
                                      "2024-03-01T24:00:00Z", "2024-03-01T12:30:00+2400"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (grt_parse_timestamp(bad[i], strlen(bad[i]), 0, &secs, NULL) == GANTRY_OK)
            fail_msg("%s accepted", bad[i]);
    int64_t y;
    int m, d;
    grt_civil_from_days(grt_days_from_civil(-1, 2, 29), &y, &m, &d);
    assert_true(y == -1 && m == 3 && d == 1); /* year -1 (2 BC) is not a leap year */
}

static void test_cidr(void **state) {
    (void)state;
    grt_net net;
    const char *t = "10.1.0.0/16";
    assert_true(grt_net_parse(t, strlen(t), &net));
    assert_int_equal(net.family, 4);
    assert_int_equal(net.prefix, 16);
    assert_false(grt_net_host_bits(&net));
    uint8_t fam, addr[16];
    assert_true(grt_addr_parse("10.1.255.7", 10, &fam, addr));
    assert_true(grt_net_contains(&net, fam, addr));
    assert_true(grt_addr_parse("10.2.0.1", 8, &fam, addr));
    assert_false(grt_net_contains(&net, fam, addr));
    t = "10.1.0.1/16";
    assert_true(grt_net_parse(t, strlen(t), &net));
    assert_true(grt_net_host_bits(&net));
    grt_net_clear_host_bits(&net);
    assert_false(grt_net_host_bits(&net));
    t = "fe80::1/10";
    assert_true(grt_net_parse(t, strlen(t), &net));
    assert_int_equal(net.family, 6);
    static const char *const bad[] = {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/1a",  "::/129",
                                      "10.0.0/8",    "",          "10.0.0.0/0008"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (grt_net_parse(bad[i], strlen(bad[i]), &net))
            fail_msg("%s accepted", bad[i]);
}

static void test_hex_digit(void **state) {
    (void)state;
    const char *digits = "0123456789abcdefABCDEF";
    for (int i = 0; digits[i]; i++)
        assert_int_equal(grt_hex_digit(digits[i]), i < 16 ? i : i - 6);
    assert_int_equal(grt_hex_digit('g'), -1);
    assert_int_equal(grt_hex_digit('/'), -1);
    assert_int_equal(grt_hex_digit(0x80), -1);
}

static void test_read_file(void **state) {
    (void)state;
    char path[] = "/tmp/gantry-base-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    /* larger than the reader's first buffer, so it must grow */
    size_t size = 100000;
    char *data = malloc(size);
    for (size_t i = 0; i < size; i++)
        data[i] = (char)('a' + i % 26);
    assert_int_equal(write(fd, data, size), (ssize_t)size);
    close(fd);
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(grt_read_file(path, &text, &len), GANTRY_OK);
    assert_int_equal(len, size);
    assert_memory_equal(text, data, size);
    assert_int_equal(text[len], 0);
    free(text);
    unlink(path);
    assert_int_equal(grt_read_file(path, &text, &len), GANTRY_E_IO);
    assert_int_equal(errno, ENOENT);
    assert_null(text);
    free(data);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_number_text),     cmocka_unit_test(test_timestamp_days_per_month),
        cmocka_unit_test(test_timestamp_forms), cmocka_unit_test(test_cidr),
        cmocka_unit_test(test_hex_digit),       cmocka_unit_test(test_read_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
