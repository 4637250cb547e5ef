/* SPDX-License-Identifier: Apache-2.0 */
/* Golden diagnostics of the compiler's checks: every
 * tests/diagnostics/check/NAME.rule is compiled and its rendered
 * diagnostics compared with NAME.expected (GANTRY_UPDATE_GOLDEN=1 rewrites
 * the .expected files). Options-driven diagnostics (-D, --values, missing
 * paths) are tested directly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "field_knowledge.h"

#define GOLDEN_DIR "tests/diagnostics/check"

static char *read_all(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len < 2) {
            char *p = realloc(buf, cap * 2);
            if (!p) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = p;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf)
        buf[len] = 0;
    return buf;
}

/* Diagnostics of compiling `paths` with `options`; caller frees. */
static char *compile_diagnostics(const char *const *paths, size_t count,
                                 const gcomp_options *options, int *status) {
    gdiag_sink *diag = gdiag_new(NULL, 0, 0);
    assert_non_null(diag);
    gast_unit *unit = gcomp_parse_paths(paths, count, diag, options);
    assert_non_null(unit);
    unsigned char *pack = NULL;
    size_t len = 0;
    *status = gcomp_compile_unit(unit, diag, options, &pack, &len, NULL);
    if (*status == 0)
        assert_non_null(pack);
    else
        assert_null(pack);
    free(pack);
    char *text = strdup(gdiag_text(diag) ? gdiag_text(diag) : "");
    gast_unit_free(unit);
    gdiag_free(diag);
    return text;
}

static int cmp_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_golden(void **state) {
    (void)state;
    DIR *d = opendir(GOLDEN_DIR);
    assert_non_null(d);
    char *names[256];
    size_t count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && count < 256) {
        size_t n = strlen(e->d_name);
        /* native rules and Sigma files (.yml) */
        if ((n > 5 && strcmp(e->d_name + n - 5, ".rule") == 0) ||
            (n > 4 && strcmp(e->d_name + n - 4, ".yml") == 0))
            names[count++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, count, sizeof *names, cmp_names);
    assert_true(count >= 20);
    int update = getenv("GANTRY_UPDATE_GOLDEN") && strcmp(getenv("GANTRY_UPDATE_GOLDEN"), "1") == 0;
    size_t failures = 0;
    for (size_t i = 0; i < count; i++) {
        char rule[512], expected_path[512];
        snprintf(rule, sizeof rule, "%s/%s", GOLDEN_DIR, names[i]);
        snprintf(expected_path, sizeof expected_path, "%s/%.*s.expected", GOLDEN_DIR,
                 (int)(strcspn(names[i], ".")), names[i]);
        const char *paths[1] = {rule};
        int status = 0;
        /* as the CLI compiles: with its knowledge of the sources' fields */
        gcomp_options options = {.field_known = gcli_field_known};
        char *got = compile_diagnostics(paths, 1, &options, &status);
        /* every golden file shows at least one diagnostic */
        if (!got[0]) {
            fprintf(stderr, "%s: no diagnostics at all\n", rule);
            failures++;
        }
        if (update) {
            FILE *f = fopen(expected_path, "wb");
            assert_non_null(f);
            fputs(got, f);
            fclose(f);
        } else {
            char *want = read_all(expected_path);
            if (!want || strcmp(want, got) != 0) {
                fprintf(stderr, "%s: diagnostics differ\n--- expected\n%s--- got\n%s", rule,
                        want ? want : "(missing .expected)\n", got);
                failures++;
            }
            free(want);
        }
        /* an error code means the compile failed; warnings alone do not */
        if ((strstr(got, "error[") != NULL) != (status != 0)) {
            fprintf(stderr, "%s: status %d does not agree with the diagnostics\n", rule, status);
            failures++;
        }
        free(got);
        free(names[i]);
    }
    assert_int_equal(failures, 0);
}

static void test_bad_define(void **state) {
    (void)state;
    const char *paths[1] = {GOLDEN_DIR "/unused_selection.rule"};
    const char *defs[1] = {"no_equals_sign"};
    gcomp_options opt;
    memset(&opt, 0, sizeof opt);
    opt.defines = defs;
    opt.define_count = 1;
    int status = 0;
    char *got = compile_diagnostics(paths, 1, &opt, &status);
    assert_int_equal(status, -1);
    assert_non_null(strstr(got, "error[E062]"));
    assert_non_null(strstr(got, "no_equals_sign"));
    free(got);
}

/* -D names what the rules use: a list or a placeholder (E075). */
static void test_define_names_nothing(void **state) {
    (void)state;
    const char *paths[1] = {GOLDEN_DIR "/placeholder_unfilled.rule"};
    const char *defs[2] = {"DomainControllers=dc1", "DomainControler=dc2"};
    gcomp_options opt;
    memset(&opt, 0, sizeof opt);
    opt.defines = defs;
    opt.define_count = 2;
    int status = 0;
    char *got = compile_diagnostics(paths, 1, &opt, &status);
    assert_int_equal(status, -1);
    assert_string_equal(got, "<command line>: error[E075]: -D `DomainControler` names no list and "
                             "no placeholder of these rules; did you mean `DomainControllers`?\n");
    free(got);
    opt.define_count = 1;
    got = compile_diagnostics(paths, 1, &opt, &status);
    assert_int_equal(status, 0);
    assert_string_equal(got, "");
    free(got);
}

static void test_values_file(void **state) {
    (void)state;
    const char *paths[1] = {GOLDEN_DIR "/placeholder_unfilled.rule"};
    gcomp_options opt;
    memset(&opt, 0, sizeof opt);
    int status = 0;
    /* a missing values file */
    opt.values_file = "tests/data/compile-values/no-such-values.yml";
    char *got = compile_diagnostics(paths, 1, &opt, &status);
    assert_int_equal(status, -1);
    assert_non_null(strstr(got, "error[E061]"));
    free(got);
    /* a values file that fills the placeholder; its other key is used by
     * no rule here, which a shared values file may well hold (W031) */
    opt.values_file = "tests/data/compile-values/values.yml";
    got = compile_diagnostics(paths, 1, &opt, &status);
    assert_int_equal(status, 0);
    assert_string_equal(got, "tests/data/compile-values/values.yml: warning[W031]: values key "
                             "`Servers` names no list and no placeholder of these rules\n");
    free(got);
    /* a misspelt key leaves the placeholder it meant unfilled: an error */
    opt.values_file = "tests/data/compile-values/misspelt-values.yml";
    opt.placeholders_empty = 1;
    got = compile_diagnostics(paths, 1, &opt, &status);
    assert_int_equal(status, -1);
    assert_non_null(strstr(got, "error[E076]: values key `DomainControler` names no list and no "
                                "placeholder of these rules; did you mean `DomainControllers`?"));
    opt.placeholders_empty = 0;
    free(got);
    /* a malformed values file */
    opt.values_file = "tests/data/compile-values/bad-values.yml";
    got = compile_diagnostics(paths, 1, &opt, &status);
    assert_int_equal(status, -1);
    assert_non_null(strstr(got, "error[E061]"));
    free(got);
}

static void test_placeholders_empty(void **state) {
    (void)state;
    const char *paths[1] = {GOLDEN_DIR "/placeholder_unfilled.rule"};
    gcomp_options opt;
    memset(&opt, 0, sizeof opt);
    opt.placeholders_empty = 1;
    int status = 0;
    char *got = compile_diagnostics(paths, 1, &opt, &status);
    /* compiles; the rule can then never match, which is worth a warning */
    assert_int_equal(status, 0);
    assert_null(strstr(got, "E056"));
    assert_non_null(strstr(got, "warning[W024]"));
    free(got);
}

static void test_missing_path(void **state) {
    (void)state;
    const char *paths[1] = {"tests/data/compile/does-not-exist"};
    int status = 0;
    char *got = compile_diagnostics(paths, 1, NULL, &status);
    assert_int_equal(status, -1);
    assert_non_null(strstr(got, "error[E067]"));
    free(got);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_bad_define),
        cmocka_unit_test(test_values_file),
        cmocka_unit_test(test_define_names_nothing),
        cmocka_unit_test(test_placeholders_empty),
        cmocka_unit_test(test_missing_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
