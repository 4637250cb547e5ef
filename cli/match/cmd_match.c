/* gantry match: options, loading the packs, and the run over the inputs
 * (match_run.c on the calling thread, match_parallel.c with -j). Every
 * input line is accounted for in the statistics. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "correlate_output.h"
#include "gantry.h"
#include "gantry_limits.h"
#include "input.h"
#include "match_output.h"
#include "rule_options.h"

#include "match_run.h"

#define MATCH_MAX_JOBS 256

enum {
    OPT_FORMAT = GCLI_OPT_FIRST_FREE,
    OPT_FIELDS,
    OPT_MIN_LEVEL,
    OPT_COUNT,
    OPT_STATS,
    OPT_INPUT_FORMAT,
    OPT_MAX_LINE_BYTES,
    OPT_MAX_DEPTH,
    OPT_FAIL_ON_MATCH,
    OPT_STATE_MEMORY,
    OPT_OUT_OF_ORDER,
    OPT_COLOR,
    OPT_NO_COLOR,
    OPT_OPTIMIZE,
    /* live input (issue 15) */
    OPT_LINE_BUFFERED,
};

static const gopt match_rows[] = {
    {'p', "pack", "PACK", "a compiled pack (repeatable: every pack sees every event)"},
    {'r', "rules", "RULES", "rule file or directory compiled in memory (repeatable)"},
    {OPT_FORMAT, "format", "jsonl|text", "output form (default: text on a terminal, else jsonl)"},
    {OPT_FIELDS, "fields", NULL, "print only the fields the matching rule read"},
    {OPT_MIN_LEVEL, "min-level", "LEVEL", "report only matches at or above LEVEL"},
    {OPT_COUNT, "count", NULL,
     "print per-rule match counts instead of matches\n(most first, then by level)"},
    {OPT_STATS, "stats", "FILE", "write run statistics as JSON"},
    {OPT_INPUT_FORMAT, "input-format", "F",
     "force the input format (auto, k8s_audit, docker_events,\ndockerd, falco, k8s_dashboard, "
     "containerd, json)"},
    {OPT_MAX_LINE_BYTES, "max-line-bytes", "N", "longest accepted line (default 16 MiB)"},
    {OPT_MAX_DEPTH, "max-depth", "N", "deepest JSON nesting accepted, 1..128 (default 128)"},
    {OPT_FAIL_ON_MATCH, "fail-on-match", NULL, "exit 1 when anything matched"},
    {'j', "jobs", "N", "match with N threads, 1..256 (output identical to -j1)"},
    {OPT_STATE_MEMORY, "state-memory", "BYTES",
     "memory budget of correlation state (default 256 MiB)"},
    {OPT_OUT_OF_ORDER, "out-of-order", "SECONDS",
     "how late an event may arrive for correlations (default 5)"},
    {'q', "quiet", NULL,
     "only errors on stderr: no summary, no malformed-line\nmessages (still counted in --stats)"},
    {OPT_COLOR, "color", NULL, "colour the level in text output even when not a terminal"},
    {OPT_NO_COLOR, "no-color", NULL, "never colour (as does a non-empty NO_COLOR)"},
    /* live input (issue 15) */
    {OPT_LINE_BUFFERED, "line-buffered", NULL,
     "write each match out at once, even into a regular file"},
    /* test-only: the differential tests compare matching with and without
     * the fast paths (tests/cli/optimize_diff.sh, bench/run.sh) */
    {OPT_OPTIMIZE, "optimize", "0|1|all", NULL},
    GCLI_RULE_OPTION_ROWS,
};
const gopt_table gcli_match_options = GOPT_TABLE_INIT(match_rows);

typedef struct parse_state {
    match_config *cfg;
    int format_set;
} parse_state;

static int bad_value(const char *what, const char *value) {
    return gopt_usage_error("match", "%s, not '%s'", what, value);
}

static int on_option(void *ctx, int id, const char *v) {
    parse_state *ps = ctx;
    match_config *cfg = ps->cfg;
    unsigned long long n;
    int r = gcli_rule_option(&cfg->rules, id, v);
    if (r != 0)
        return r > 0 ? 0 : gopt_usage_error("match", "%s", cfg->rules.error);
    switch (id) {
    case 'p':
        cfg->pack_paths[cfg->pack_path_count++] = v;
        return 0;
    case 'r':
        cfg->rule_paths[cfg->rule_path_count++] = v;
        return 0;
    case OPT_FORMAT:
        if (strcmp(v, "jsonl") != 0 && strcmp(v, "text") != 0)
            return bad_value("--format takes jsonl or text", v);
        cfg->out.format = strcmp(v, "jsonl") == 0 ? GMO_JSONL : GMO_TEXT;
        ps->format_set = 1;
        return 0;
    case OPT_FIELDS:
        cfg->out.fields_only = 1;
        return 0;
    case OPT_MIN_LEVEL:
        if ((cfg->out.min_level = gmo_parse_level(v)) < 0)
            return bad_value("--min-level takes informational, low, medium, high or critical", v);
        return 0;
    case OPT_COUNT:
        cfg->out.count_only = 1;
        return 0;
    case OPT_STATS:
        cfg->stats_path = v;
        return 0;
    case OPT_INPUT_FORMAT:
        return gin_parse_format("match", v, &cfg->input_format);
    case OPT_MAX_LINE_BYTES:
        if (gopt_number(v, 16, 1ull << 32, &n) != 0)
            return bad_value("--max-line-bytes takes a number from 16 to 4294967296", v);
        cfg->max_line_bytes = (size_t)n;
        return 0;
    case OPT_MAX_DEPTH:
        if (gopt_number(v, 1, GANTRY_DEFAULT_MAX_DEPTH, &n) != 0)
            return bad_value("--max-depth takes a number from 1 to 128", v);
        cfg->max_depth = (unsigned)n;
        return 0;
    case OPT_FAIL_ON_MATCH:
        cfg->fail_on_match = 1;
        return 0;
    case 'j':
        if (gopt_number(v, 1, MATCH_MAX_JOBS, &n) != 0)
            return bad_value("-j takes a number of threads from 1 to 256", v);
        cfg->jobs = (unsigned)n;
        return 0;
    case OPT_STATE_MEMORY:
        if (gopt_number(v, 0, SIZE_MAX, &n) != 0)
            return bad_value("--state-memory takes a number of bytes", v);
        cfg->corr_limits.memory_bytes = (size_t)n;
        return 0;
    case OPT_OUT_OF_ORDER:
        if (gopt_number(v, 0, UINT64_MAX / 1000000000ull, &n) != 0)
            return bad_value("--out-of-order takes a number of seconds", v);
        cfg->corr_limits.out_of_order_ns = (uint64_t)n * 1000000000ull;
        return 0;
    case 'q':
        cfg->quiet = 1;
        return 0;
    case OPT_COLOR:
        cfg->color = 1;
        return 0;
    case OPT_NO_COLOR:
        cfg->color = 0;
        return 0;
    case OPT_LINE_BUFFERED:
        cfg->line_buffered = 1;
        return 0;
    case OPT_OPTIMIZE:
        if (strcmp(v, "0") == 0)
            cfg->load_options.optimize = GANTRY_OPTIMIZE_OFF;
        else if (strcmp(v, "1") == 0)
            cfg->load_options.optimize = GANTRY_OPTIMIZE_DEFAULT;
        else if (strcmp(v, "all") == 0)
            cfg->load_options.optimize = GANTRY_OPTIMIZE_ALL;
        else
            return gopt_usage_error("match", "--optimize takes 0, 1 or all");
        return 0;
    default:
        return gopt_usage_error("match", "option %d not handled", id);
    }
}

static int parse_args(match_config *cfg, int argc, char **argv) {
    parse_state ps = {cfg, 0};
    int first = 1;
    if (gopt_parse("match", gcli_match_options, argc, argv, on_option, &ps, &first) != 0)
        return -1;
    for (int i = first; i < argc; i++)
        cfg->inputs[cfg->input_count++] = argv[i];
    if (!cfg->pack_path_count && !cfg->rule_path_count)
        return gopt_usage_error("match", "give a pack (-p PACK) or rules (-r RULES)");
    if (cfg->input_count == 0)
        cfg->inputs[cfg->input_count++] = "-";
    if (!ps.format_set)
        cfg->out.format = isatty(STDOUT_FILENO) ? GMO_TEXT : GMO_JSONL;
    cfg->out.color = cfg->out.format == GMO_TEXT && gopt_color(cfg->color, STDOUT_FILENO);
    /* Tests cut -j chunks small so that boundaries fall inside joined
     * events; a test-only knob, documented under ENVIRONMENT in gantry(1). */
    const char *chunk = getenv("GANTRY_MATCH_CHUNK_LINES");
    unsigned long long n;
    if (chunk && gopt_number(chunk, 1, 1u << 30, &n) == 0)
        cfg->chunk_lines = (size_t)n;
    return 0;
}

/* Every -p pack in order, then the -r rules as one more. Returns the count,
 * or -1 after saying why (exit 2). */
static long load_packs(const match_config *cfg, gmr_pack *packs) {
    long n = 0;
    for (size_t i = 0; i < cfg->pack_path_count; i++) {
        if (!(packs[n].pack = gcli_load_pack_file("match", cfg->pack_paths[i], &cfg->load_options)))
            return -1;
        n++;
    }
    if (cfg->rule_path_count) {
        if (gcli_rule_inputs_exist("match", &cfg->rules, cfg->rule_paths, cfg->rule_path_count) !=
                0 ||
            !(packs[n].pack = gcli_compile_and_load("match", &cfg->rules, &cfg->load_options,
                                                    cfg->rule_paths, cfg->rule_path_count)))
            return -1;
        n++;
    }
    return n;
}

static int start_correlators(match_run *run) {
    const match_config *cfg = run->cfg;
    for (size_t k = 0; k < run->pack_count; k++) {
        gmr_pack *pk = &run->packs[k];
        if (!gantry_pack_correlation_count(pk->pack))
            continue;
        gantry_status st = gantry_correlator_new(pk->pack, &cfg->corr_limits, &pk->correlator);
        if (st != GANTRY_OK) {
            fprintf(stderr, "gantry match: correlation state: %s\n", gantry_strerror(st));
            return -1;
        }
        pk->corr_sink =
            (gco_sink){pk->pack,           stdout, cfg->out.format == GMO_TEXT, cfg->out.count_only,
                       cfg->out.min_level, 0};
    }
    return 0;
}

/* Flushes every correlator; the counters of all packs add up. Returns how
 * many correlation matches were printed, and whether any pack has them. */
static uint64_t finish_correlators(match_run *run, gantry_correlator_stats *sum, int *any) {
    uint64_t printed = 0;
    *any = 0;
    for (size_t k = 0; k < run->pack_count; k++) {
        gmr_pack *pk = &run->packs[k];
        if (!pk->correlator)
            continue;
        *any = 1;
        gantry_correlator_flush(pk->correlator, gco_on_match, &pk->corr_sink);
        gantry_correlator_stats s;
        gantry_correlator_get_stats(pk->correlator, &s);
        /* every field is a uint64_t counter; peaks add up to an upper bound */
        _Static_assert(sizeof s % sizeof(uint64_t) == 0, "counters only");
        uint64_t *to = (uint64_t *)sum;
        const uint64_t *from = (const uint64_t *)&s;
        for (size_t f = 0; f < sizeof s / sizeof(uint64_t); f++)
            to[f] += from[f];
        printed += pk->corr_sink.printed;
    }
    return printed;
}

static int run_match(match_config *cfg) {
    match_run run = {0};
    int status = 2;
    char **files = NULL;
    long file_count = 0;
    size_t max_packs = cfg->pack_path_count + 1;
    gmr_pack *packs = calloc(max_packs, sizeof *packs);
    if (!packs) {
        fprintf(stderr, "gantry match: out of memory\n");
        return 2;
    }
    double load_started = gmr_now();
    long pack_count = load_packs(cfg, packs);
    if (pack_count < 0)
        goto done;
    double load_seconds = gmr_now() - load_started;
    if (gmr_init(&run, cfg, packs, (size_t)pack_count, stdout) != 0) {
        fprintf(stderr, "gantry match: out of memory\n");
        goto done;
    }
    if (start_correlators(&run) != 0)
        goto done;
    const char *bad = NULL;
    file_count = gin_expand(cfg->inputs, cfg->input_count, &files, &bad);
    if (file_count < 0) {
        fprintf(stderr, "gantry match: %s: %s\n", bad ? bad : "?", strerror(errno));
        goto done;
    }
    run.stats.load_seconds = load_seconds;
    run.progress = !cfg->quiet && isatty(STDERR_FILENO);
    run.flush_each = cfg->line_buffered || !gmr_regular_file(STDOUT_FILENO);
    run.started = gmr_now();
    int io_failed = 0;
    int correlations = 0;
    for (long k = 0; k < pack_count; k++)
        correlations |= packs[k].correlator != NULL;
    /* Correlations follow event time: several inputs are merged by it. */
    if (correlations && file_count > 1) {
        if (cfg->jobs > 1 && !cfg->quiet)
            fprintf(stderr,
                    "gantry match: -j %u: several inputs merged by event time for the "
                    "pack's correlations are matched on one thread\n",
                    cfg->jobs);
        int rc = gmr_match_merged(&run, files, file_count);
        if (rc < 0) {
            fprintf(stderr, "gantry match: out of memory\n");
            goto done;
        }
        io_failed = rc;
    } else if (cfg->jobs > 1) {
        int rc = gmr_match_parallel(&run, files, file_count);
        if (rc < 0) {
            fprintf(stderr, "gantry match: out of memory or cannot start threads\n");
            goto done;
        }
        io_failed = rc;
    } else {
        for (long i = 0; i < file_count; i++)
            if (gmr_match_file(&run, files[i]) != 0)
                io_failed = 1;
    }
    if (run.unreadable)
        io_failed = 1;
    gantry_correlator_stats corr_stats = {0};
    int any_corr = 0;
    uint64_t corr_printed = finish_correlators(&run, &corr_stats, &any_corr);
    run.stats.seconds = gmr_now() - run.started;
    if (run.progress)
        fprintf(stderr, "\r%60s\r", "");
    if (cfg->out.count_only && gmo_print_counts(run.printer, &run.stats) != 0) {
        fprintf(stderr, "gantry match: out of memory\n");
        goto done;
    }
    if (fflush(stdout) != 0) {
        fprintf(stderr, "gantry match: cannot write output: %s\n", strerror(errno));
        io_failed = 1;
    }
    if (!cfg->quiet && run.stats.malformed > GMR_SHOWN)
        fprintf(stderr, "gantry: %llu more malformed lines not shown\n",
                (unsigned long long)(run.stats.malformed - GMR_SHOWN));
    if (!cfg->quiet)
        gmo_print_summary(&run.stats, stderr);
    if (!cfg->quiet && run.stats.unpacked > 0)
        fprintf(stderr, "gantry: and %llu more events unpacked from JSON documents\n",
                (unsigned long long)run.stats.unpacked);
    if (!cfg->quiet && any_corr)
        gco_print_summary(&corr_stats, corr_printed, stderr);
    if (cfg->stats_path &&
        (gmo_write_stats(cfg->stats_path, run.printer, &run.stats) != 0 ||
         (any_corr && gco_amend_stats_file(cfg->stats_path, &corr_stats, corr_printed) != 0))) {
        fprintf(stderr, "gantry match: cannot write %s: %s\n", cfg->stats_path, strerror(errno));
        io_failed = 1;
    }
    if (io_failed)
        status = 2;
    else if (cfg->fail_on_match && (run.stats.matches > 0 || corr_printed > 0))
        status = 1;
    else
        status = 0;
done:
    gin_free_list(files, file_count > 0 ? file_count : 0);
    gmr_release(&run);
    for (size_t k = 0; k < max_packs; k++) {
        gantry_correlator_free(packs[k].correlator);
        gantry_pack_free(packs[k].pack);
    }
    free(packs);
    return status;
}

int gcli_cmd_match(int argc, char **argv) {
    match_config cfg = {.max_line_bytes = GANTRY_DEFAULT_MAX_LINE_BYTES, .jobs = 1, .color = -1};
    gantry_options_default(&cfg.load_options);
    gantry_correlator_limits_default(&cfg.corr_limits);
    cfg.pack_paths = calloc((size_t)argc + 1, sizeof *cfg.pack_paths);
    cfg.rule_paths = calloc((size_t)argc + 1, sizeof *cfg.rule_paths);
    cfg.inputs = calloc((size_t)argc + 2, sizeof *cfg.inputs);
    int status = 2;
    if (!cfg.pack_paths || !cfg.rule_paths || !cfg.inputs ||
        gcli_rule_options_init(&cfg.rules, argc) != 0)
        fprintf(stderr, "gantry match: out of memory\n");
    else if (parse_args(&cfg, argc, argv) == 0)
        status = run_match(&cfg);
    gcli_rule_options_free(&cfg.rules);
    free(cfg.pack_paths);
    free(cfg.rule_paths);
    free(cfg.inputs);
    return status;
}
