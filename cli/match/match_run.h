/* SPDX-License-Identifier: Apache-2.0 */
/* `gantry match` internals: the run over the input files, shared by its
 * sequential loop (match_run.c) and its -j worker threads
 * (match_parallel.c). cmd_match.c parses the options and sets the run up.
 * Module prefix: gmr_. */
#ifndef GANTRY_CLI_MATCH_RUN_H
#define GANTRY_CLI_MATCH_RUN_H

#include <cJSON.h>
#include <stdint.h>
#include <stdio.h>

#include "correlate_output.h"
#include "drain.h"
#include "gantry.h"
#include "jsondoc.h"
#include "match_output.h"
#include "rule_options.h"
#include "select.h"
#include "time_window.h"

/* Messages about input lines shown per kind before the rest are counted. */
#define GMR_SHOWN 10

/* A logsource given on the command line; NULL values are unset. */
typedef struct gmr_logsource {
    char *product, *service, *category;
} gmr_logsource;

/* --logsource-map: path patterns and their logsources, first match wins. */
typedef struct gmr_ls_map {
    char **patterns;
    gmr_logsource *ls;
    size_t count;
} gmr_ls_map;

typedef struct match_config {
    const char **pack_paths; /* -p, in the order given */
    size_t pack_path_count;
    const char **rule_paths; /* -r: compiled together into one more pack */
    size_t rule_path_count;
    const char **inputs;
    size_t input_count;
    const char *stats_path;
    gantry_input_format input_format;
    size_t max_line_bytes;
    unsigned max_depth; /* --max-depth; 0 keeps the normalizer's default */
    int fail_on_match;
    int quiet;          /* only errors on stderr: no summary, no notes about lines */
    int color;          /* 1 --color, 0 --no-color, -1 decide */
    int line_buffered;  /* --line-buffered */
    unsigned jobs;      /* -j: worker threads; 1 matches on the calling thread */
    size_t chunk_lines; /* -j chunk size (GANTRY_MATCH_CHUNK_LINES, tests only) */
    gantry_correlator_limits corr_limits; /* --state-memory, --out-of-order */
    gantry_options load_options;          /* hidden --optimize=0|1|all, for differential tests */
    gcli_rule_options rules;
    gmo_options out;
    /* logsource of events of no recognised source (match_logsource.c) */
    gmr_logsource *logsources; /* each --logsource, in order */
    size_t logsource_count;
    const gmr_logsource **input_ls; /* per input: the --logsource before it, or NULL */
    const gmr_logsource **file_ls;  /* per expanded input file */
    gmr_ls_map ls_map;              /* --logsource-map */
    int logsource_any;              /* --logsource-any */
    gmo_field_list field_list;      /* --fields LIST, which out.fields points to */
    gmo_window window;              /* --from, --to */
    gsel_options select;            /* --tags ... --exclusions */
    gsel *selection;                /* built from `select` once the packs are loaded */

    /* --follow and its --state FILE (follow.c) */
    int follow;
    const char *follow_state;
} match_config;

/* One pack of the run with what only the sequential run uses. */
typedef struct gmr_pack {
    gantry_pack *pack;
    gantry_correlator *correlator; /* NULL when the pack has no correlations */
    gco_sink corr_sink;
} gmr_pack;

/* With -j, a base-rule match a correlation uses, kept for the merger to
 * feed the correlation stage in input order: at out_offset of its chunk's
 * output, where -j 1 would have fed it. */
typedef struct gmr_feed {
    size_t pack;
    uint32_t rule;
    cJSON *event; /* a copy */
    uint64_t line;
    size_t out_offset;
} gmr_feed;

typedef struct gmr_feeds {
    gmr_feed *items;
    size_t count, cap;
    FILE *out; /* the chunk output the offsets are into */
} gmr_feeds;

void gmr_feeds_clear(gmr_feeds *feeds);

typedef struct match_run {
    const match_config *cfg;
    gmr_pack *packs; /* shared with the workers, which never touch correlators */
    size_t pack_count;
    gantry_matcher **matchers; /* this run's own, one per pack */
    gmo_printer *printer;      /* over every pack's rules, numbered one after another */
    gmo_stats stats;
    gdr_hooks hooks;
    const char *file; /* current input */
    uint64_t line;
    const cJSON *event;
    size_t current; /* the pack being matched */
    int event_matched;
    int progress;
    /* Matches go out as soon as their line is matched: the output is not a
     * regular file (a pipe, a terminal, a socket) or --line-buffered. */
    int flush_each;
    double started, last_progress;
    /* Documents that share lines (jsondoc.h), counted as one unit once
     * the group ends: the counters as they were before it. */
    struct {
        int open;
        uint64_t first, last;
        uint64_t events, malformed, blank, joined;
    } group;
    /* The counters when the current file began, and how many files had
     * lines but not one readable event. */
    struct {
        uint64_t events, blank, lines;
    } file_start;
    uint64_t unreadable;
    /* Events read in time order over several inputs (match_merge.c): while
     * an input is read ahead, its events are kept here, not matched. */
    void *collecting;
    /* -j workers: correlation feeds are kept here instead of fed */
    gmr_feeds *feeds;
    /* With -j, a worker's run collects the messages of one chunk here (one
     * line each, led by the note kind) for the merger to show in input order. */
    FILE *notes;
    const gmr_logsource *ls_current; /* what the matcher was last given */
    int ls_set;
    int fast;               /* lines may be settled by the pack-driven reader (fast_line) */
    gjd_splitter *alone;    /* splits GJD_UNSPLIT lines (made on first use) */
    const char *fast_tried; /* the line the reader has just not settled */
} match_run;

/* Makes `run` ready to match with the packs: matchers, printer, statistics
 * and drain hooks. Returns 0, or -1 when memory ran out. */
int gmr_init(match_run *run, const match_config *cfg, gmr_pack *packs, size_t pack_count,
             FILE *out);
void gmr_release(match_run *run);
/* A normalizer as the run needs it. NULL when memory ran out. */
gantry_normalizer *gmr_normalizer(const match_run *run);
/* Drains every ready item of the normalizer into the matchers. Returns the
 * last input line the items accounted for (at least `covered`). */
uint64_t gmr_drain(match_run *run, gantry_normalizer *norm, uint64_t covered);
void gmr_report_malformed(match_run *run, uint64_t first, uint64_t last, const char *reason);
void gmr_show_progress(match_run *run, uint64_t bytes_in_file);
/* Whether fd is a regular file (block reads and buffered output suit it). */
int gmr_regular_file(int fd);
/* Monotonic seconds. */
double gmr_now(void);
/* The wall clock in nanoseconds since the epoch (relative --from/--to). */
int64_t gmr_wall_ns(void);
/* Whether the count-th note of its kind is shown: only the first GMR_SHOWN
 * are, and with --quiet only errors. */
int gmr_note_shown(const match_run *run, int kind, uint64_t count);
/* A splitter as the run needs it (the line and depth limits). NULL when
 * memory ran out. */
gjd_splitter *gmr_splitter(const match_run *run);
/* Whether the run's input format may hold JSON documents. */
int gmr_documents_allowed(const match_run *run);
/* Feeds one unit of the splitter: counts its lines, normalizes, matches and
 * accounts for it. Returns the last input line accounted for (at least
 * `covered`), as gmr_drain does. */
uint64_t gmr_feed_unit(match_run *run, gantry_normalizer *norm, const gjd_unit *unit,
                       uint64_t covered);
/* After a file: says so and returns -1 when it had lines but not one
 * readable event (only blank lines are fine), else 0. */
int gmr_check_readable(match_run *run, const char *file);
/* Matches one file on the calling thread. Returns 0, or -1 when the file
 * could not be read (reported; the run goes on). */
int gmr_match_file(match_run *run, const char *path);

/* match_logsource.c */
int gmr_logsource_parse(const char *spec, gmr_logsource *ls, const char **error);
void gmr_logsource_free(gmr_logsource *ls);
int gmr_ls_map_load(const char *path, gmr_ls_map *map);
void gmr_ls_map_free(gmr_ls_map *map);
/* Gives every matcher of the run the logsource of files[file_index] (path): the first
 * --logsource-map pattern it matches, else the --logsource before it. */
int gmr_use_file_logsource(match_run *run, long file_index, const char *path);
/* Matches one event of the current file (run->file) with every pack,
 * noting a regex limit or matcher error as the drain would. */
void gmr_match_item(match_run *run, const gantry_item *item);
/* Several inputs merged by event time (@timestamp): a k-way merge keeping
 * the events of one line or document per input. Returns 0, or 1 when some
 * input could not be read (reported), -1 when memory ran out. */
int gmr_match_merged(match_run *run, char **files, long file_count);
/* The time an event is merged by: its @timestamp in nanoseconds, or
 * INT64_MIN without a readable one (such an event goes out at once). */
int64_t gmr_event_time(const cJSON *event);
/* gmr_check_readable over counts kept apart: an input of `lines` lines
 * with `events` events and `blank` blank lines. */
int gmr_check_counts(const char *file, uint64_t lines, uint64_t events, uint64_t blank);

/* -j N over the files: returns 0, 1 when some input could not be read, -1
 * when the threads could not run (out of memory). */
int gmr_match_parallel(match_run *run, char **files, long file_count);

#endif
