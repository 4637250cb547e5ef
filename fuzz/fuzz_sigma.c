/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the Sigma YAML importer and the compiler. The input is
 * written to a temporary .yml file and goes through gcomp_parse_paths, the
 * same entry the CLI uses. */
#include "fuzz_common.h"

#include "compiler.h"
#include "diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char gfz_sigma_path[512];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!gfz_sigma_path[0] && gfz_temp_path(gfz_sigma_path, sizeof gfz_sigma_path, ".yml") != 0)
        return 0;
    if (gfz_write_file(gfz_sigma_path, data, size) != 0)
        return 0;
    gdiag_sink *diag = gdiag_new(NULL, 0, 0);
    if (!diag)
        return 0;
    const char *paths[] = {gfz_sigma_path};
    gcomp_options opts = {0};
    gast_unit *unit = gcomp_parse_paths(paths, 1, diag, &opts);
    if (unit && gdiag_error_count(diag) == 0) {
        unsigned char *image = NULL;
        size_t len = 0;
        if (gcomp_compile_unit(unit, diag, &opts, &image, &len, NULL) == 0) {
            gantry_pack *pack = NULL;
            char err[256];
            gantry_status st = gantry_pack_load_buffer(image, len, &pack, err, sizeof err);
            if (st != GANTRY_OK)
                fprintf(stderr, "compiled pack refused: %s\n", err);
            GFZ_REQUIRE(st == GANTRY_OK || st == GANTRY_E_REGEX);
            if (pack) {
                gfz_walk_metadata(pack);
                gfz_match_fixed(pack);
            }
            gantry_pack_free(pack);
            free(image);
        } else {
            GFZ_REQUIRE(gdiag_error_count(diag) > 0);
        }
    }
    gast_unit_free(unit);
    gdiag_free(diag);
    return 0;
}
