/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: `gantry match` end to end. The input becomes a file (plain,
 * or gzip when it starts with the gzip magic) that the real command reads
 * with a pack compiled from the repository's rules/ (or the builtin rules
 * when rules/ is absent); the statistics it writes must add up.
 * The first byte picks --input-format (low nibble, auto when out of range)
 * and output options (high bits).
 * Run the fuzzer with -close_fd_mask=3: the command prints matches and
 * malformed-line notes. */
#include "fuzz_common.h"

#include "commands.h"
#include "compiler.h"
#include "diag.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char gfz_match_pack[512], gfz_match_input[512], gfz_match_stats[512];
static int gfz_match_state; /* 0 not yet, 1 ready, -1 failed */

static int gfz_match_setup(void) {
    if (gfz_temp_path(gfz_match_pack, sizeof gfz_match_pack, ".gpk") != 0 ||
        gfz_temp_path(gfz_match_input, sizeof gfz_match_input, ".log") != 0 ||
        gfz_temp_path(gfz_match_stats, sizeof gfz_match_stats, ".json") != 0)
        return -1;
    gast_unit *unit = NULL;
    gdiag_sink *diag = gdiag_new(NULL, 0, 0);
    gcomp_options opts = {0};
    unsigned char *image = NULL;
    size_t len = 0;
    int rc = -1;
    if (!diag)
        return -1;
    if (access("rules/t1610", R_OK) == 0) {
        const char *paths[] = {"rules/doki", "rules/kinsing", "rules/t1610"};
        unit = gcomp_parse_paths(paths, 3, diag, &opts);
    }
    if (!unit || gdiag_error_count(diag) != 0) {
        gast_unit_free(unit);
        gdiag_free(diag);
        diag = gdiag_new(NULL, 0, 0);
        unit = gast_unit_new();
        if (!diag || !unit ||
            gparse_text(unit, "builtin.gantry", gfz_builtin_rules, strlen(gfz_builtin_rules),
                        diag) != 0)
            goto done;
    }
    if (gcomp_compile_unit(unit, diag, &opts, &image, &len, NULL) == 0 &&
        gfz_write_file(gfz_match_pack, image, len) == 0)
        rc = 0;
done:
    if (rc != 0 && diag)
        fprintf(stderr, "fuzz_match setup failed:\n%s\n", gdiag_text(diag));
    free(image);
    gast_unit_free(unit);
    gdiag_free(diag);
    return rc;
}

static double gfz_stat(const cJSON *stats, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(stats, key);
    GFZ_REQUIRE(cJSON_IsNumber(v));
    return v->valuedouble;
}

static void gfz_check_stats(void) {
    FILE *f = fopen(gfz_match_stats, "rb");
    GFZ_REQUIRE(f != NULL);
    char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    cJSON *stats = cJSON_Parse(buf);
    GFZ_REQUIRE(stats != NULL);
    double lines = gfz_stat(stats, "lines");
    double sum = gfz_stat(stats, "events") + gfz_stat(stats, "blank") +
                 gfz_stat(stats, "malformed") + gfz_stat(stats, "joined");
    if (lines != sum)
        fprintf(stderr, "accounting: %s\n", buf);
    GFZ_REQUIRE(lines == sum);
    cJSON_Delete(stats);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (gfz_match_state == 0)
        gfz_match_state = gfz_match_setup() == 0 ? 1 : -1;
    if (gfz_match_state < 0 || size == 0)
        return 0;
    unsigned selector = data[0];
    const char *format = NULL;
    if ((selector & 0x0F) < GANTRY_FORMAT__COUNT)
        format = gantry_input_format_name((gantry_input_format)(selector & 0x0F));
    if (gfz_write_file(gfz_match_input, data + 1, size - 1) != 0)
        return 0;
    remove(gfz_match_stats);
    char *argv[16];
    int argc = 0;
    argv[argc++] = "match";
    argv[argc++] = "-p";
    argv[argc++] = gfz_match_pack;
    argv[argc++] = "--quiet";
    argv[argc++] = "--format";
    argv[argc++] = (selector & 0x40) ? "text" : "jsonl";
    if (selector & 0x20)
        argv[argc++] = "--fields";
    argv[argc++] = "--max-line-bytes";
    argv[argc++] = (selector & 0x10) ? "64" : "1048576";
    if (format) {
        argv[argc++] = "--input-format";
        argv[argc++] = (char *)format;
    }
    argv[argc++] = "--stats";
    argv[argc++] = gfz_match_stats;
    argv[argc++] = gfz_match_input;
    argv[argc] = NULL;
    int status = gcli_cmd_match(argc, argv);
    GFZ_REQUIRE(status == 0 || status == 2);
    /* A corrupt gzip stream ends the file early (status 2); what was read
     * must still add up. */
    if (status == 0 || access(gfz_match_stats, R_OK) == 0)
        gfz_check_stats();
    return 0;
}
