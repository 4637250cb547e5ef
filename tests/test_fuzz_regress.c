/* SPDX-License-Identifier: Apache-2.0 */
/* Replays every fuzz seed (fuzz/corpus/<target>/) and every saved crash
 * (tests/fuzz-regressions/<target>/) through the fuzz targets, compiled here
 * with the normal compiler, so `make check` covers them under ASan/UBSan
 * without clang or libFuzzer. A target aborts on a broken contract, so a
 * regression fails this program. Set GFZ_VERBOSE=1 to see what the targets
 * print (matches, malformed-line notes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LLVMFuzzerTestOneInput gfz_rules_one
#include "../fuzz/fuzz_rules.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput gfz_sigma_one
#include "../fuzz/fuzz_sigma.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput gfz_pack_one
#include "../fuzz/fuzz_pack.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput gfz_events_one
#include "../fuzz/fuzz_events.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput gfz_match_one
#include "../fuzz/fuzz_match.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput gfz_bodies_one
#include "../fuzz/fuzz_bodies.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput gfz_input_one
#include "../fuzz/fuzz_input.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput gfz_reader_one
#include "../fuzz/fuzz_reader.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput gfz_http_body_one
#include "../fuzz/fuzz_http_body.c"
#undef LLVMFuzzerTestOneInput

typedef int (*target_fn)(const uint8_t *data, size_t size);

static int read_whole(const char *path, uint8_t **data, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            fclose(f);
            return -1;
        }
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        uint8_t *bigger = realloc(buf, cap * 2);
        if (!bigger)
            free(buf);
        buf = bigger;
        cap *= 2;
    }
    fclose(f);
    /* Exact-size copy: a read past the input is an ASan report, as in
     * libFuzzer. */
    *data = malloc(n ? n : 1);
    if (*data)
        memcpy(*data, buf, n);
    free(buf);
    *size = n;
    return *data ? 0 : -1;
}

static int compare_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs `fn` on every regular file of `dir`; returns how many ran. */
static size_t replay_dir(target_fn fn, const char *dir) {
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    char **names = NULL;
    size_t count = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 64;
            char **grown = realloc(names, cap * sizeof *names);
            assert_non_null(grown);
            names = grown;
        }
        names[count] = strdup(e->d_name);
        assert_non_null(names[count]);
        count++;
    }
    closedir(d);
    if (count)
        qsort(names, count, sizeof *names, compare_names);
    int quiet = !getenv("GFZ_VERBOSE");
    int saved_out = -1, saved_err = -1;
    if (quiet) {
        fflush(stdout);
        fflush(stderr);
        int null_fd = open("/dev/null", O_WRONLY);
        assert_true(null_fd >= 0);
        saved_out = dup(STDOUT_FILENO);
        saved_err = dup(STDERR_FILENO);
        dup2(null_fd, STDOUT_FILENO);
        dup2(null_fd, STDERR_FILENO);
        close(null_fd);
    }
    size_t ran = 0;
    for (size_t i = 0; i < count; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        struct stat st;
        uint8_t *data = NULL;
        size_t size = 0;
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && read_whole(path, &data, &size) == 0) {
            fn(data, size);
            free(data);
            ran++;
        }
        free(names[i]);
    }
    free(names);
    if (quiet) {
        fflush(stdout);
        fflush(stderr);
        dup2(saved_out, STDOUT_FILENO);
        dup2(saved_err, STDERR_FILENO);
        close(saved_out);
        close(saved_err);
    }
    return ran;
}

static void replay(target_fn fn, const char *target) {
    char dir[256];
    snprintf(dir, sizeof dir, "fuzz/corpus/%s", target);
    size_t seeds = replay_dir(fn, dir);
    snprintf(dir, sizeof dir, "tests/fuzz-regressions/%s", target);
    size_t crashes = replay_dir(fn, dir);
    printf("%s: %zu seeds, %zu regression inputs replayed\n", target, seeds, crashes);
    /* The seeds ship with the repository; none found means a wrong cwd. */
    assert_true(seeds > 0);
}

static void test_rules(void **state) {
    (void)state;
    replay(gfz_rules_one, "fuzz_rules");
}

static void test_sigma(void **state) {
    (void)state;
    replay(gfz_sigma_one, "fuzz_sigma");
    if (gfz_sigma_path[0])
        remove(gfz_sigma_path);
}

static void test_pack(void **state) {
    (void)state;
    replay(gfz_pack_one, "fuzz_pack");
}

static void test_events(void **state) {
    (void)state;
    replay(gfz_events_one, "fuzz_events");
    /* The builtin pack must have compiled, or half the target is idle. */
    assert_non_null(gfz_events_pack);
    gantry_pack_free(gfz_events_pack);
    gfz_events_pack = NULL;
    gfz_events_ready = 0;
}

static void test_match(void **state) {
    (void)state;
    replay(gfz_match_one, "fuzz_match");
    assert_int_equal(gfz_match_state, 1);
    remove(gfz_match_pack);
    remove(gfz_match_input);
    remove(gfz_match_stats);
}

static void test_bodies(void **state) {
    (void)state;
    replay(gfz_bodies_one, "fuzz_bodies");
}

static void test_input(void **state) {
    (void)state;
    replay(gfz_input_one, "fuzz_input");
}

static void test_reader(void **state) {
    (void)state;
    replay(gfz_reader_one, "fuzz_reader");
    rref_free(&gfz_reader_ref);
    gfz_reader_ready = 0;
}

static void test_http_body(void **state) {
    (void)state;
    replay(gfz_http_body_one, "fuzz_http_body");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules),     cmocka_unit_test(test_sigma),
        cmocka_unit_test(test_pack),      cmocka_unit_test(test_events),
        cmocka_unit_test(test_match),     cmocka_unit_test(test_bodies),
        cmocka_unit_test(test_input),     cmocka_unit_test(test_reader),
        cmocka_unit_test(test_http_body),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
