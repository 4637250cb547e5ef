/* `gantry match` internals shared by its sequential loop (cmd_match.c) and
 * its -j worker threads (match_parallel.c). Module prefix: gmr_. */
#ifndef GANTRY_CLI_MATCH_RUN_H
#define GANTRY_CLI_MATCH_RUN_H

#include <cJSON.h>
#include <stdint.h>
#include <stdio.h>

#include "correlate_output.h"
#include "gantry.h"
#include "match_output.h"
#include "rule_options.h"

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
    const char *pack_path;
    const char **rule_paths;
    size_t rule_path_count;
    const char **inputs;
    size_t input_count;
    const char *stats_path;
    gantry_input_format input_format;
    size_t max_line_bytes;
    unsigned max_depth; /* --max-depth; 0 keeps the normalizer's default */
    int fail_on_match;
    int quiet;
    unsigned jobs;                        /* -j: worker threads; 1 matches on the calling thread */
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
} match_config;

typedef struct match_run {
    const match_config *cfg;
    gantry_pack *pack;
    gantry_matcher *matcher;
    gmo_printer *printer;
    gmo_stats stats;
    const char *file; /* current input */
    uint64_t line;
    const cJSON *event;
    gantry_correlator *correlator; /* NULL when the pack has no correlations */
    gco_sink corr_sink;
    int event_matched;
    int progress;
    double started, last_progress;
    /* With -j, a worker's run collects the messages of one chunk here (one
     * line each, led by the note kind) for the merger to show in input order. */
    FILE *notes;
    const gmr_logsource *ls_current; /* what the matcher was last given */
    int ls_set;
} match_run;

enum { NOTE_MALFORMED = 'M', NOTE_REGEX_LIMIT = 'R', NOTE_ERROR = 'E' };

/* Shows a message about an input line: at once (count is how many of its kind
 * so far; only the first GMR_SHOWN are shown), or into run->notes. */
void gmr_note(match_run *run, int kind, uint64_t count, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
void gmr_report_malformed(match_run *run, uint64_t first, uint64_t last, const char *reason);
/* Drains every ready item of the normalizer into the matcher. Returns the
 * last input line the items accounted for (at least `covered`). */
uint64_t gmr_drain(match_run *run, gantry_normalizer *norm, uint64_t covered);
void gmr_show_progress(match_run *run, uint64_t bytes_in_file);

/* match_logsource.c */
int gmr_logsource_parse(const char *spec, gmr_logsource *ls, const char **error);
void gmr_logsource_free(gmr_logsource *ls);
int gmr_ls_map_load(const char *path, gmr_ls_map *map);
void gmr_ls_map_free(gmr_ls_map *map);
/* Gives run->matcher the logsource of files[file_index] (path): the first
 * --logsource-map pattern it matches, else the --logsource before it. */
int gmr_use_file_logsource(match_run *run, long file_index, const char *path);

/* -j N over the files: returns 0, 1 when some input could not be read, -1
 * when the threads could not run (out of memory). */
int gmr_match_parallel(match_run *run, char **files, long file_count);

#endif
