/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: gantry serve's request body decoder (cli/serve/
 * serve_body.c), the function that turns a POST body into events: an
 * EventList, a JSON array, one document, JSON lines, or anything else. The
 * first byte picks the depth limit (bit 0: 3 instead of 128) and whether the
 * rest is first inflated as Content-Encoding: gzip under a small limit
 * (bit 1). Contracts: no crash or leak; a refused body says why; an
 * accepted one holds no more events than it has bytes, each non-empty,
 * and each valid JSON; decoding is deterministic; an inflated body is never
 * longer than its limit. */
#include <cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "serve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decodes once; returns the batch or NULL when refused. */
static gsv_batch *gfz_http_decode(const char *body, size_t len, unsigned depth) {
    gsv_batch *b = gsv_batch_new();
    GFZ_REQUIRE(b != NULL);
    char why[512] = "";
    gsv_body_result r = gsv_decode_body(body, len, depth, b, why, sizeof why);
    GFZ_REQUIRE(r != GSV_BODY_NOMEM);
    if (r == GSV_BODY_BAD) {
        GFZ_REQUIRE(why[0] != '\0');
        gsv_batch_free(b);
        return NULL;
    }
    return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1)
        return 0;
    unsigned depth = (data[0] & 1) ? 3 : 128;
    const char *body = (const char *)data + 1;
    size_t len = size - 1;
    char *inflated = NULL;
    if (data[0] & 2) {
        const size_t limit = 1u << 16;
        size_t out_len = 0;
        int rc = gsv_gunzip(body, len, limit, &inflated, &out_len);
        GFZ_REQUIRE(rc >= -1 && rc <= 1);
        GFZ_REQUIRE(rc == 0 || inflated == NULL);
        if (rc != 0)
            return 0;
        GFZ_REQUIRE(out_len <= limit);
        body = inflated ? inflated : "";
        len = out_len;
    }
    gsv_batch *b = gfz_http_decode(body, len, depth);
    gsv_batch *again = gfz_http_decode(body, len, depth);
    GFZ_REQUIRE((b == NULL) == (again == NULL));
    if (b) {
        GFZ_REQUIRE(b->count <= len);
        GFZ_REQUIRE(b->len == again->len && b->count == again->count);
        GFZ_REQUIRE(b->len == 0 || memcmp(b->data, again->data, b->len) == 0);
        size_t pos = 0, n = 0, event_len = 0;
        const char *text = NULL;
        while (gsv_batch_next(b, &pos, &text, &event_len)) {
            n++;
            GFZ_REQUIRE(event_len > 0);
            /* each event is one JSON value (the normalizer still judges
             * whether it is an event) */
            const char *end = NULL;
            cJSON *v = cJSON_ParseWithLengthOpts(text, event_len, &end, 0);
            GFZ_REQUIRE(v != NULL);
            cJSON_Delete(v);
        }
        GFZ_REQUIRE(n == b->count && pos == b->len);
    }
    gsv_batch_free(b);
    gsv_batch_free(again);
    free(inflated);
    return 0;
}
