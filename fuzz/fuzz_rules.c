/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the native rule front end and the compiler. Any input must
 * end in diagnostics or a pack, and a pack the compiler writes must pass the
 * loader and verifier and run on the fixed events. */
#include "fuzz_common.h"

#include "compiler.h"
#include "diag.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    gast_unit *unit = gast_unit_new();
    gdiag_sink *diag = gdiag_new(NULL, 0, 0);
    if (!unit || !diag)
        goto done;
    /* The name sits in a directory without rule files so that includes the
     * input names resolve to nothing real. */
    int errors = gparse_text(unit, "/nonexistent/fuzz.gantry", (const char *)data, size, diag);
    if (errors != 0)
        goto done;
    gcomp_options opts = {.placeholders_empty = (size & 1) != 0};
    unsigned char *image = NULL;
    size_t len = 0;
    if (gcomp_compile_unit(unit, diag, &opts, &image, &len, NULL) == 0) {
        GFZ_REQUIRE(image != NULL);
        gantry_pack *pack = NULL;
        char err[256];
        gantry_status st = gantry_pack_load_buffer(image, len, &pack, err, sizeof err);
        if (st != GANTRY_OK)
            fprintf(stderr, "compiled pack refused: %s\n", err);
        /* A regex the compiler accepted may still exceed pcre2's own limits. */
        GFZ_REQUIRE(st == GANTRY_OK || st == GANTRY_E_REGEX);
        if (pack) {
            gfz_walk_metadata(pack);
            gfz_match_fixed(pack);
        }
        gantry_pack_free(pack);
        free(image);
    } else {
        GFZ_REQUIRE(image == NULL);
        GFZ_REQUIRE(gdiag_error_count(diag) > 0);
    }
done:
    gdiag_free(diag);
    gast_unit_free(unit);
    return 0;
}
