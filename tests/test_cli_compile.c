/* SPDX-License-Identifier: Apache-2.0 */
/* `gantry compile` and `gantry check` load what they build: the runtime's
 * loader sees the very bytes that compile writes, and a pack the loader
 * refuses is an error (exit 2, nothing written) rather than "ok".
 *
 * The commands are called in-process; gantry_pack_load_buffer is wrapped at
 * link time (-Wl,--wrap, see the Makefile) so the test can count the calls,
 * keep a copy of the bytes loaded and make the loader refuse once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "gantry.h"

gantry_status __real_gantry_pack_load_buffer(const void *data, size_t size, gantry_pack **out,
                                             char *err, size_t err_size);

static int load_calls;
static int refuse_next;
static unsigned char *loaded;
static size_t loaded_len;

gantry_status __wrap_gantry_pack_load_buffer(const void *data, size_t size, gantry_pack **out,
                                             char *err, size_t err_size) {
    load_calls++;
    free(loaded);
    loaded = malloc(size ? size : 1);
    assert_non_null(loaded);
    memcpy(loaded, data, size);
    loaded_len = size;
    if (refuse_next) {
        refuse_next = 0;
        *out = NULL;
        if (err && err_size)
            snprintf(err, err_size, "refused by the test");
        return GANTRY_E_VERIFY;
    }
    return __real_gantry_pack_load_buffer(data, size, out, err, err_size);
}

static unsigned char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    *len = n;
    return buf;
}

static int run(int (*cmd)(int, char **), const char *const *args, int argc) {
    char *argv[8];
    assert_true(argc < 8);
    for (int i = 0; i < argc; i++)
        argv[i] = (char *)args[i];
    argv[argc] = NULL;
    fflush(stdout);
    int rc = cmd(argc, argv);
    fflush(stdout);
    return rc;
}

static void test_compile_loads_what_it_writes(void **state) {
    (void)state;
    char out[] = "/tmp/gantry-test-compile-XXXXXX";
    int fd = mkstemp(out);
    assert_true(fd >= 0);
    close(fd);
    load_calls = 0;
    const char *args[] = {"compile", "-o", out, "rules/kinsing"};
    assert_int_equal(run(gcli_cmd_compile, args, 4), 0);
    assert_int_equal(load_calls, 1);
    size_t len = 0;
    unsigned char *written = read_file(out, &len);
    assert_non_null(written);
    assert_true(len > 64);
    assert_int_equal(len, loaded_len);
    assert_memory_equal(written, loaded, len);
    free(written);

    /* refused: exit 2 and the old file left as it was */
    assert_int_equal(truncate(out, 0), 0);
    refuse_next = 1;
    assert_int_equal(run(gcli_cmd_compile, args, 4), 2);
    assert_int_equal(load_calls, 2);
    written = read_file(out, &len);
    assert_non_null(written);
    assert_int_equal(len, 0);
    free(written);
    unlink(out);
}

static void test_check_loads_what_it_builds(void **state) {
    (void)state;
    load_calls = 0;
    const char *args[] = {"check", "rules/kinsing"};
    assert_int_equal(run(gcli_cmd_check, args, 2), 0);
    assert_int_equal(load_calls, 1);
    assert_true(loaded_len > 64);
    refuse_next = 1;
    assert_int_equal(run(gcli_cmd_check, args, 2), 2);
    assert_int_equal(load_calls, 2);
}

static int teardown(void **state) {
    (void)state;
    free(loaded);
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compile_loads_what_it_writes),
        cmocka_unit_test(test_check_loads_what_it_builds),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
