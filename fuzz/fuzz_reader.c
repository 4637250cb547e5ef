/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the pack-driven reader (runtime/read) against the cJSON
 * path on arbitrary bytes. The first byte picks the parse mode (the
 * normalizer's or gantry_match_json's); the rest is one line. Both must
 * accept or reject it alike, and every path below, and every string for
 * keyword rules, must yield the same values in the same order. */
#include "fuzz_common.h"

#include "reader_ref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Short keys so the fuzzer meets them: flat and nested spellings of the
 * same path, the empty path, empty components and a trailing dot. */
static const char *const gfz_reader_paths[] = {
    "a", "a.b", "a.b.c", "b", "b.a", "c", "", ".", "a.", ".a", "a..b", "0", "x.y", "x",
};
static rref gfz_reader_ref;
static int gfz_reader_ready;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!gfz_reader_ready) {
        enum { N = sizeof gfz_reader_paths / sizeof *gfz_reader_paths };
        static uint32_t lens[N];
        for (size_t i = 0; i < N; i++)
            lens[i] = (uint32_t)strlen(gfz_reader_paths[i]);
        GFZ_REQUIRE(rref_init(&gfz_reader_ref, gfz_reader_paths, lens, N, 1));
        gfz_reader_ready = 1;
    }
    if (size == 0)
        return 0;
    grd_mode mode = (data[0] & 1) ? GRD_MODE_CJSON : GRD_MODE_LINE;
    /* an exact-size copy, so ASan sees a read past the line */
    size_t len = size - 1;
    char *line = malloc(len ? len : 1);
    if (!line)
        return 0;
    memcpy(line, data + 1, len);
    uint32_t path = 0;
    const char *diff = rref_compare(&gfz_reader_ref, line, len, mode, &path);
    if (diff)
        fprintf(stderr, "reader and cJSON differ: %s (path %u, mode %d)\n", diff, path, (int)mode);
    GFZ_REQUIRE(diff == NULL);
    free(line);
    return 0;
}
