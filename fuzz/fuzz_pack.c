/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: pack loader, verifier and VM. A pack that loads is trusted
 * by the VM, so it must run the fixed events without a sanitizer report.
 *
 * The last input byte is a mode, not pack data: with bit 0 set the target
 * rewrites the CRC trailer (and the header's length field) so mutations get
 * past the checksum and reach the section parser and the verifier; without
 * it the checksum itself is exercised. */
#include <zlib.h>

#include "fuzz_common.h"

#include "disasm.h"
#include "pack_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void gfz_put_u32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0)
        return 0;
    unsigned mode = data[size - 1];
    size--;
    /* An exact-size copy so ASan sees any read past the image. */
    unsigned char *image = malloc(size ? size : 1);
    if (!image)
        return 0;
    memcpy(image, data, size);
    if ((mode & 1) && size >= GANTRY_PACK_HEADER_SIZE + GANTRY_PACK_TRAILER_SIZE) {
        gfz_put_u32(image + 16, (uint32_t)size);
        uLong crc = crc32(0L, image, (uInt)(size - GANTRY_PACK_TRAILER_SIZE));
        gfz_put_u32(image + size - GANTRY_PACK_TRAILER_SIZE, (uint32_t)crc);
    }
    gantry_pack *pack = NULL;
    char err[256];
    gantry_status st = gantry_pack_load_buffer(image, size, &pack, err, sizeof err);
    GFZ_REQUIRE((st == GANTRY_OK) == (pack != NULL));
    GFZ_REQUIRE(st == GANTRY_OK || memchr(err, 0, sizeof err) != NULL);
    if (pack) {
        /* The pack must not keep pointers into the caller's buffer. */
        memset(image, 0xA5, size);
        gfz_walk_metadata(pack);
        gfz_match_fixed(pack);
        if (mode & 2) {
            FILE *sink = fopen("/dev/null", "w");
            if (sink) {
                grt_disasm(pack, sink);
                fclose(sink);
            }
        }
        gantry_pack_free(pack);
    }
    free(image);
    return 0;
}
