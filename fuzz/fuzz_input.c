/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: input decoding as `gantry match` reads a file. The
 * first byte picks the limits; the rest is a file read through gin_reader
 * (plain, gzip, xz, zstd or bzip2, detected by its first bytes) and cut into
 * units by the JSON document splitter. Contracts: no crash or leak, every
 * line lands in exactly one unit or group of units, units come in line
 * order, and a document is never longer than the limit. */
#include <cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "input.h"
#include "jsondoc.h"

static char gfz_input_path[512];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1)
        return 0;
    if (!gfz_input_path[0] && gfz_temp_path(gfz_input_path, sizeof gfz_input_path, ".in") != 0)
        return 0;
    size_t max_bytes = (data[0] & 1) ? 64 : 1u << 20;
    unsigned depth = (data[0] & 2) ? 3 : 128;
    if (gfz_write_file(gfz_input_path, data + 1, size - 1) != 0)
        return 0;
    const char *error = NULL;
    gin_reader *r = gin_open(gfz_input_path, max_bytes, &error);
    GFZ_REQUIRE(r != NULL);
    gjd_splitter *s = gjd_new(max_bytes, depth);
    GFZ_REQUIRE(s != NULL);
    gjd_reset(s, !(data[0] & 4));
    uint64_t line_no = 0, counted = 0, last_seen = 0, group_first = 0;
    int in_group = 0, done = 0;
    while (!done) {
        const char *line;
        size_t len;
        gin_result res = gin_next(r, &line, &len);
        if (res == GIN_EOF || res == GIN_ERROR) {
            gjd_end(s);
            done = 1;
        } else {
            line_no++;
            GFZ_REQUIRE(res == GIN_TOO_LONG || len <= max_bytes);
            int rc =
                res == GIN_TOO_LONG ? gjd_too_long(s, line_no) : gjd_line(s, line, len, line_no);
            GFZ_REQUIRE(rc == 0);
        }
        gjd_unit u;
        while (gjd_next(s, &u)) {
            GFZ_REQUIRE(u.first_line <= u.last_line && u.last_line <= line_no);
            GFZ_REQUIRE(u.first_line >= last_seen);
            last_seen = u.first_line;
            if (u.kind == GJD_LINE) {
                GFZ_REQUIRE(!in_group && u.first_line == u.last_line);
                counted++;
                continue;
            }
            if (!in_group) {
                in_group = 1;
                group_first = u.first_line;
            }
            if (u.kind == GJD_DOC) {
                GFZ_REQUIRE(u.text && u.len > 0 && u.len <= max_bytes);
                GFZ_REQUIRE(u.text[0] == '{' || u.text[0] == '[');
                cJSON_Delete(cJSON_ParseWithLength(u.text, u.len));
            } else {
                GFZ_REQUIRE(u.reason != NULL);
            }
            if (u.group_end) {
                counted += u.last_line - group_first + 1;
                in_group = 0;
            }
        }
    }
    /* every line read is in exactly one unit or group */
    GFZ_REQUIRE(!in_group);
    GFZ_REQUIRE(counted == line_no);
    gjd_free(s);
    gin_close(r);
    return 0;
}
