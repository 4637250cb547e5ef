/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the event path on arbitrary bytes. The first byte picks the
 * input format (and whether a pack restricts the computed fields); the rest
 * is split into lines and fed to a normalizer, each event is matched, and
 * every line must be accounted for exactly once:
 *   lines = events + blank + malformed + joined.
 * Each line is also given to gantry_match_json directly. */
#include "fuzz_common.h"

#include "compiler.h"
#include "diag.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static gantry_pack *gfz_events_pack;
static int gfz_events_ready;

/* The builtin rules, compiled once per process. */
static gantry_pack *gfz_builtin_pack(void) {
    gantry_pack *pack = NULL;
    gast_unit *unit = gast_unit_new();
    gdiag_sink *diag = gdiag_new(NULL, 0, 0);
    unsigned char *image = NULL;
    size_t len = 0;
    gcomp_options opts = {0};
    if (unit && diag &&
        gparse_text(unit, "builtin.gantry", gfz_builtin_rules, strlen(gfz_builtin_rules), diag) ==
            0 &&
        gcomp_compile_unit(unit, diag, &opts, &image, &len, NULL) == 0)
        gantry_pack_load_buffer(image, len, &pack, NULL, 0);
    if (!pack && diag)
        fprintf(stderr, "builtin rules did not compile:\n%s\n", gdiag_text(diag));
    free(image);
    gdiag_free(diag);
    gast_unit_free(unit);
    return pack;
}

typedef struct gfz_tally {
    uint64_t events, blank, malformed, joined, matches;
} gfz_tally;

static void gfz_drain(gantry_normalizer *norm, gantry_matcher *m, gfz_tally *t) {
    gantry_item item;
    while (gantry_normalizer_next(norm, &item)) {
        GFZ_REQUIRE(item.last_line >= item.first_line);
        switch (item.kind) {
        case GANTRY_ITEM_BLANK:
            t->blank += item.last_line - item.first_line + 1;
            break;
        case GANTRY_ITEM_MALFORMED:
            GFZ_REQUIRE(item.reason != NULL);
            t->malformed++;
            t->joined += item.last_line - item.first_line;
            break;
        case GANTRY_ITEM_EVENT: {
            GFZ_REQUIRE(item.event != NULL);
            t->events++;
            t->joined += item.last_line - item.first_line;
            size_t hits = 0;
            if (m) {
                gantry_status st = gantry_match_event(m, item.event, gfz_count_match, &hits);
                GFZ_REQUIRE(st == GANTRY_OK || st == GANTRY_E_REGEX_LIMIT || st == GANTRY_E_LIMIT ||
                            st == GANTRY_E_JSON);
            }
            t->matches += hits;
            break;
        }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!gfz_events_ready) {
        gfz_events_pack = gfz_builtin_pack();
        gfz_events_ready = 1;
    }
    if (size == 0)
        return 0;
    unsigned selector = data[0];
    gantry_input_format format = (gantry_input_format)(selector % GANTRY_FORMAT__COUNT);
    const gantry_pack *pack = (selector & 0x80) ? gfz_events_pack : NULL;
    gantry_normalizer *norm = NULL;
    gantry_matcher *m = NULL;
    if (gantry_normalizer_new(pack, format, &norm) != GANTRY_OK)
        return 0;
    if (gfz_events_pack && gantry_matcher_new(gfz_events_pack, &m) != GANTRY_OK)
        m = NULL;
    gfz_tally t = {0};
    uint64_t lines = 0;
    const char *p = (const char *)data + 1, *end = (const char *)data + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        /* An exact-size copy so ASan sees reads past the line. */
        char *line = malloc(len ? len : 1);
        if (!line)
            break;
        memcpy(line, p, len);
        lines++;
        if (gantry_normalizer_feed(norm, line, len, lines) != GANTRY_OK)
            t.malformed++;
        gfz_drain(norm, m, &t);
        if (m) {
            size_t hits = 0;
            gantry_status st = gantry_match_json(m, line, len, gfz_count_match, &hits);
            GFZ_REQUIRE(st == GANTRY_OK || st == GANTRY_E_JSON || st == GANTRY_E_REGEX_LIMIT ||
                        st == GANTRY_E_LIMIT);
        }
        free(line);
        p = nl ? nl + 1 : end;
    }
    gantry_normalizer_finish(norm);
    gfz_drain(norm, m, &t);
    if (lines != t.events + t.blank + t.malformed + t.joined) {
        fprintf(stderr,
                "accounting: %llu lines != %llu events + %llu blank + %llu malformed + "
                "%llu joined (format %s)\n",
                (unsigned long long)lines, (unsigned long long)t.events,
                (unsigned long long)t.blank, (unsigned long long)t.malformed,
                (unsigned long long)t.joined, gantry_input_format_name(format));
        GFZ_REQUIRE(!"every line is accounted for");
    }
    gantry_matcher_free(m);
    gantry_normalizer_free(norm);
    return 0;
}
