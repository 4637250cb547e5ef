/* SPDX-License-Identifier: Apache-2.0 */
/* Golden files for syntax diagnostics: every tests/diagnostics/syntax/NAME.rule
 * is parsed with gparse_file and gdiag_text must equal NAME.expected.
 * GANTRY_UPDATE_GOLDEN=1 rewrites the .expected files instead. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

#define GOLDEN_DIR "tests/diagnostics/syntax"

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *data = malloc(cap);
    assert_non_null(data);
    size_t n;
    while ((n = fread(data + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len < 2) {
            cap *= 2;
            data = realloc(data, cap);
            assert_non_null(data);
        }
    }
    fclose(f);
    data[len] = '\0';
    return data;
}

static int compare_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_golden_files(void **state) {
    (void)state;
    DIR *dir = opendir(GOLDEN_DIR);
    assert_non_null(dir);
    char *names[256];
    size_t count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        size_t len = strlen(entry->d_name);
        if (len > 5 && strcmp(entry->d_name + len - 5, ".rule") == 0 && count < 256) {
            names[count] = strndup(entry->d_name, len - 5);
            assert_non_null(names[count]);
            count++;
        }
    }
    closedir(dir);
    qsort(names, count, sizeof names[0], compare_names);
    assert_true(count >= 9);

    bool update =
        getenv("GANTRY_UPDATE_GOLDEN") && strcmp(getenv("GANTRY_UPDATE_GOLDEN"), "1") == 0;
    int failures = 0;
    for (size_t i = 0; i < count; i++) {
        char rule[512], expected_path[512];
        snprintf(rule, sizeof rule, "%s/%s.rule", GOLDEN_DIR, names[i]);
        snprintf(expected_path, sizeof expected_path, "%s/%s.expected", GOLDEN_DIR, names[i]);
        gast_unit *unit = gast_unit_new();
        gdiag_sink *diag = gdiag_new(NULL, 0, 0);
        assert_non_null(unit);
        assert_non_null(diag);
        int errors = gparse_file(unit, rule, diag);
        assert_true(errors >= 0);
        /* Each golden case exists to show at least one error. */
        if (errors == 0 && strstr(names[i], "cycle") == NULL) {
            print_error("%s: expected errors, got none\n", rule);
            failures++;
        }
        const char *actual = gdiag_text(diag);
        if (update) {
            FILE *f = fopen(expected_path, "wb");
            assert_non_null(f);
            fputs(actual, f);
            fclose(f);
        } else {
            char *expected = slurp(expected_path);
            if (!expected) {
                print_error("%s is missing (run with GANTRY_UPDATE_GOLDEN=1)\n", expected_path);
                failures++;
            } else if (strcmp(expected, actual) != 0) {
                print_error("%s differs.\n--- expected\n%s--- actual\n%s", expected_path, expected,
                            actual);
                failures++;
            }
            free(expected);
        }
        gast_unit_free(unit);
        gdiag_free(diag);
        free(names[i]);
    }
    assert_int_equal(failures, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
