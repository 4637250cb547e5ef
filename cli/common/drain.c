/* SPDX-License-Identifier: Apache-2.0 */
#include <inttypes.h>

#include "drain.h"

void gdr_malformed(gmo_stats *stats, const gdr_hooks *hooks, uint64_t first, uint64_t last,
                   const char *reason) {
    stats->malformed++;
    stats->joined += last - first;
    hooks->note(hooks->user, GDR_MALFORMED, stats->malformed, first, reason);
}

uint64_t gdr_drain(gantry_normalizer *norm, gmo_stats *stats, const gdr_hooks *hooks,
                   uint64_t covered) {
    gantry_item item;
    while (gantry_normalizer_next(norm, &item)) {
        if (item.last_line > covered)
            covered = item.last_line;
        switch (item.kind) {
        case GANTRY_ITEM_BLANK:
            stats->blank += item.last_line - item.first_line + 1;
            break;
        case GANTRY_ITEM_MALFORMED:
            gdr_malformed(stats, hooks, item.first_line, item.last_line, item.reason);
            break;
        case GANTRY_ITEM_EVENT: {
            stats->events++;
            stats->joined += item.last_line - item.first_line;
            gantry_status st = hooks->event(hooks->user, &item);
            if (st == GANTRY_E_REGEX_LIMIT)
                hooks->note(hooks->user, GDR_REGEX_LIMIT, ++stats->regex_limit, item.first_line,
                            gantry_strerror(st));
            else if (st != GANTRY_OK)
                hooks->note(hooks->user, GDR_ERROR, ++stats->match_errors, item.first_line,
                            gantry_strerror(st));
            break;
        }
        }
    }
    return covered;
}

void gdr_print_note(FILE *out, int kind, const char *file, uint64_t line, const char *text) {
    const char *what = kind == GDR_MALFORMED ? "malformed line: " : "";
    const char *tail = kind == GDR_REGEX_LIMIT ? " (other rules still matched)" : "";
    fprintf(out, "gantry: %s:%" PRIu64 ": %s%s%s\n", file, line, what, text, tail);
}
