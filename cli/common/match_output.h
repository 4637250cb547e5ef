/* SPDX-License-Identifier: Apache-2.0 */
/* What `gantry match` prints: matches (JSON lines or text), per-rule counts,
 * the summary line and the --stats file. docs/output.md is the contract.
 * Module prefix: gmo_. */
#ifndef GANTRY_CLI_MATCH_OUTPUT_H
#define GANTRY_CLI_MATCH_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

#include "gantry.h"
#include "output_fields.h"

struct cJSON;

enum gmo_format { GMO_JSONL, GMO_TEXT, GMO_CSV, GMO_ECS };

typedef struct gmo_options {
    enum gmo_format format;
    int min_level;                /* matches below it are not reported */
    int count_only;               /* --count */
    int fields_only;              /* --fields rule: the fields the matching rule read */
    const gmo_field_list *fields; /* --fields LIST; NULL when not given */
    size_t width;    /* text: the line width (--width, COLUMNS, the terminal); 0 none */
    int color;       /* decided: 1 colours the level in text output */
    size_t timeline; /* --timeline: the most matches held; 0 without it */
} gmo_options;

/* Run statistics. Every input line lands in exactly one of events, blank,
 * malformed or joined (the extra lines of a multi-line event). A JSON
 * document holding several events (an EventList, an array, documents that
 * share a line) counts once there; its further events are `unpacked` and its
 * unreadable elements beyond that one `unpacked_malformed`. */
typedef struct gmo_stats {
    uint64_t files, lines, events, blank, malformed, joined;
    uint64_t unpacked, unpacked_malformed;
    uint64_t out_of_order; /* inputs merged by time: events earlier than one before */
    uint64_t matched_events, matches, regex_limit, match_errors;
    uint64_t outside_window; /* events --from/--to left out (counted in events) */
    uint64_t excluded;       /* matches --exclusions dropped */
    uint64_t bytes;
    double seconds;      /* the matching loop */
    double load_seconds; /* loading (or compiling and loading) the pack */
    uint64_t *per_rule;
    size_t rule_count;
} gmo_stats;

/* A level name as gantry_level_name() prints it (for --min-level); -1 when
 * unknown. */
int gmo_parse_level(const char *name);

int gmo_stats_init(gmo_stats *stats, size_t rule_count);
void gmo_stats_free(gmo_stats *stats);

typedef struct gmo_printer gmo_printer;

/* A printer over the rules of every pack, numbered one after another (pack
 * 0's first): `rule` below is such a number. */
gmo_printer *gmo_printer_new(const gantry_pack *const *packs, size_t pack_count,
                             const gmo_options *options, FILE *out);
void gmo_printer_free(gmo_printer *printer);
/* The input file whose matches follow (its JSON-escaped name is cached). */
void gmo_set_file(gmo_printer *printer, const char *file);
/* The number of pack `pack`'s first rule, and of all rules. */
size_t gmo_rule_base(const gmo_printer *printer, size_t pack);
size_t gmo_rule_total(const gmo_printer *printer);
/* CSV: the header row; nothing in the other forms. Call once, before the
 * first match. */
void gmo_print_header(gmo_printer *printer);
void gmo_print_match(gmo_printer *printer, const char *file, uint64_t line, size_t rule,
                     const struct cJSON *event);
/* --timeline: writes the held matches sorted by event time, then the
 * results summary (on `out` with text output, else on `summary_out`, NULL
 * for none). Returns 0, 1 when more than the limit of matches came (nothing
 * written, the caller says so), or -1 when memory ran out. */
int gmo_finish_timeline(gmo_printer *printer, FILE *summary_out);
/* --count: rules with matches, most first, then by level (highest first).
 * Returns 0, or -1 when memory ran out. */
int gmo_print_counts(gmo_printer *printer, const gmo_stats *stats);
void gmo_print_summary(const gmo_stats *stats, FILE *out);
/* Returns 0, or -1 with errno set. */
int gmo_write_stats(const char *path, const gmo_printer *printer, const gmo_stats *stats);

/* Replaces buf's contents with the JSON-lines record gmo_print_match would
 * write for this match with --format jsonl (newline included, NUL after it
 * but not counted in len), whatever the printer's format. Returns 0, or -1
 * when memory ran out. Used by `gantry consume` to publish alerts. */
int gmo_render_match(gmo_printer *printer, gmo_buffer *buf, uint64_t line, size_t rule,
                     const struct cJSON *event);

#endif
