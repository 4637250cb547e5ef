/* SPDX-License-Identifier: Apache-2.0 */
/* Parse conformance over SigmaHQ's full rule set (../shared/sigma/full):
 * every file pySigma accepts compiles here, one compile per file, and the
 * files in unsupported/ that use the legacy pipe aggregation or free-text
 * conditions are refused with the named errors (E110, E109). Prints the
 * counts; fails below pySigma's. Skipped when ../shared is absent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "compiler.h"
#include "support/file_list.h"

#define FULL "../shared/sigma/full"
#define VALUES "tests/sigma/placeholders.yml"

/* Compile one file alone. Returns 0 when it compiles; the diagnostics text
 * is copied to `why` (may be NULL). */
static int compile_one(const char *path, const gcomp_options *opts, char *why, size_t why_size) {
    gdiag_sink *diag = gdiag_new(NULL, 0, 0);
    assert_non_null(diag);
    const char *paths[] = {path};
    gast_unit *unit = gcomp_parse_paths(paths, 1, diag, opts);
    assert_non_null(unit);
    unsigned char *pack = NULL;
    size_t len = 0;
    int rc = gdiag_error_count(diag) ? -1 : gcomp_compile_unit(unit, diag, opts, &pack, &len, NULL);
    if (why) {
        const char *text = gdiag_text(diag);
        snprintf(why, why_size, "%s", text ? text : "");
    }
    free(pack);
    gast_unit_free(unit);
    gdiag_free(diag);
    return rc;
}

static bool shared_present(void) {
    struct stat st;
    if (stat(FULL, &st) == 0 && S_ISDIR(st.st_mode))
        return true;
    printf("SKIP: %s not found (run from the repository root with ../shared present)\n", FULL);
    return false;
}

/* Compile every file of `dir`; fail when fewer than `want` compile. */
static void check_dir(const char *dir, size_t want_total, size_t want_ok) {
    if (!shared_present()) {
        skip();
        return;
    }
    char path[256];
    snprintf(path, sizeof path, FULL "/%s", dir);
    tsup_files f = {0};
    tsup_collect(&f, path, tsup_yaml_suffixes);
    tsup_sort(&f);
    gcomp_options opts = {.values_file = VALUES};
    size_t ok = 0, shown = 0;
    static char why[1 << 14];
    for (size_t i = 0; i < f.count; i++) {
        if (compile_one(f.items[i], &opts, why, sizeof why) == 0) {
            ok++;
        } else if (shown++ < 5) {
            printf("  refused %s:\n%s", f.items[i], why);
        }
    }
    printf("sigma conformance %s: %zu of %zu compile (pySigma: %zu of %zu)\n", dir, ok, f.count,
           want_ok, want_total);
    tsup_files_free(&f);
    assert_true(ok >= want_ok);
}

static void test_rules(void **state) {
    (void)state;
    check_dir("rules", 3141, 3141);
}

static void test_emerging_threats(void **state) {
    (void)state;
    check_dir("rules-emerging-threats", 473, 473);
}

static void test_threat_hunting(void **state) {
    (void)state;
    check_dir("rules-threat-hunting", 140, 140);
}

static void test_compliance(void **state) {
    (void)state;
    check_dir("rules-compliance", 3, 3);
}

static void test_placeholder(void **state) {
    (void)state;
    check_dir("rules-placeholder", 23, 23);
}

static void test_deprecated(void **state) {
    (void)state;
    check_dir("deprecated", 172, 171);
}

/* Does the file's condition use the pipe syntax? */
static bool uses_pipe(const char *path) {
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[4096];
    bool pipe = false;
    while (!pipe && fgets(line, sizeof line, f)) {
        const char *c = strstr(line, "condition:");
        pipe = c && strchr(c, '|');
    }
    fclose(f);
    return pipe;
}

static void test_unsupported_refused(void **state) {
    (void)state;
    if (!shared_present()) {
        skip();
        return;
    }
    tsup_files f = {0};
    tsup_collect(&f, FULL "/unsupported", tsup_yaml_suffixes);
    tsup_sort(&f);
    gcomp_options opts = {.values_file = VALUES};
    size_t refused = 0, pipes = 0, pipes_named = 0;
    static char why[1 << 14];
    for (size_t i = 0; i < f.count; i++) {
        if (compile_one(f.items[i], &opts, why, sizeof why) == 0)
            continue;
        bool pipe = uses_pipe(f.items[i]);
        pipes += pipe;
        if (strstr(why, "error[E110]") && strstr(why, "correlation"))
            pipes_named++, refused++;
        else if (strstr(why, "error[E109]") && !pipe)
            refused++;
        else
            printf("  refused for another reason: %s\n%s", f.items[i], why);
    }
    printf("sigma conformance unsupported: %zu of %zu refused with E110 (pipe aggregation, %zu "
           "files) or E109 (free-text condition); pySigma refuses 58\n",
           refused, f.count, pipes);
    tsup_files_free(&f);
    assert_int_equal(pipes_named, pipes);
    assert_true(refused >= 58);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_emerging_threats),
        cmocka_unit_test(test_threat_hunting),
        cmocka_unit_test(test_compliance),
        cmocka_unit_test(test_placeholder),
        cmocka_unit_test(test_deprecated),
        cmocka_unit_test(test_unsupported_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
