/* SPDX-License-Identifier: Apache-2.0 */
/* gantry match: options, loading the packs, and the run over the inputs
 * (match_run.c on the calling thread, match_parallel.c with -j). Every
 * input line is accounted for in the statistics. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cjson_arena.h"
#include "commands.h"
#include "correlate_output.h"
#include "gantry.h"
#include "gantry_limits.h"
#include "input.h"
#include "match_output.h"
#include "select.h"
#include "timeline.h"
#include "rule_options.h"

#include "follow.h"
#include "match_parallel.h"
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
    OPT_LOGSOURCE,
    OPT_LOGSOURCE_MAP,
    OPT_LOGSOURCE_ANY,
    /* issue 17: output forms, time window, timeline, rule selection */
    OPT_WIDTH,
    OPT_FROM,
    OPT_TO,
    OPT_TIMELINE,
    OPT_TIMELINE_LIMIT,
    OPT_TAGS,
    OPT_EXCLUDE_TAGS,
    OPT_STATUS,
    OPT_MAX_LEVEL,
    OPT_RULE,
    OPT_EXCLUDE_RULE,
    OPT_EXCLUSIONS,
    /* live input (issue 15) */
    OPT_LINE_BUFFERED,
    OPT_FOLLOW,
    OPT_FOLLOW_STATE,
};

static const gopt match_rows[] = {
    {'p', "pack", "PACK", "a compiled pack (repeatable: every pack sees every event)"},
    {'r', "rules", "RULES", "rule file or directory compiled in memory (repeatable)"},
    {OPT_FORMAT, "format", "jsonl|text|csv|ecs",
     "output form (default: text on a terminal, else jsonl)"},
    {OPT_FIELDS, "fields", "LIST",
     "print these fields (comma list of schema fields and\nraw:PATH), or `rule`: the fields the "
     "rule read"},
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
    {OPT_FOLLOW, "follow", NULL,
     "keep reading the inputs as they grow, across rotation;\nSIGHUP reloads the packs, "
     "SIGTERM ends (docs/live.md)"},
    {OPT_FOLLOW_STATE, "state", "FILE",
     "with --follow: where each file was read to; a restart\ngoes on from there"},
    /* test-only: the differential tests compare matching with and without
     * the fast paths (tests/cli/optimize_diff.sh, bench/run.sh) */
    {OPT_OPTIMIZE, "optimize", "0|1|all", NULL},
    {OPT_LOGSOURCE, "logsource", "SPEC",
     "logsource (product=P,service=S,category=C) of the events of no known source in the\n"
     "inputs after it"},
    {OPT_LOGSOURCE_MAP, "logsource-map", "FILE",
     "lines PATTERN SPEC: logsource of the events of no known source per input path"},
    {OPT_LOGSOURCE_ANY, "logsource-any", NULL,
     "run every rule on events of no known source, whatever its logsource"},
    /* issue 17: output forms, time window, timeline, rule selection */
    {OPT_WIDTH, "width", "N", "text line width (default: COLUMNS, else the terminal's)"},
    {OPT_FROM, "from", "TIME",
     "only events at or after TIME (RFC 3339, or a duration\nbefore now: 30m, 24h, 7d)"},
    {OPT_TO, "to", "TIME", "only events at or before TIME (as --from)"},
    {OPT_TIMELINE, "timeline", NULL,
     "print matches sorted by event time, then a summary\nper level and per rule (one thread)"},
    {OPT_TIMELINE_LIMIT, "timeline-limit", "N",
     "most matches --timeline holds (default 1000000);\nmore is an error"},
    {OPT_TAGS, "tags", "LIST", "run only rules with one of these tags (repeatable)"},
    {OPT_EXCLUDE_TAGS, "exclude-tags", "LIST", "do not run rules with any of these tags"},
    {OPT_STATUS, "status", "LIST",
     "run only rules with one of these statuses (stable, test,\nexperimental, deprecated, "
     "unsupported)"},
    {OPT_MAX_LEVEL, "max-level", "LEVEL", "run only rules at or below LEVEL"},
    {OPT_RULE, "rule", "ID|NAME|TITLE", "run only these rules (repeatable, comma list)"},
    {OPT_EXCLUDE_RULE, "exclude-rule", "ID|NAME|TITLE", "do not run these rules"},
    {OPT_EXCLUSIONS, "exclusions", "FILE",
     "drop matches of known-good activity: lines of\nRULE [FIELD=VALUE]... (docs/output.md)"},
    GCLI_RULE_OPTION_ROWS,
};
const gopt_table gcli_match_options = GOPT_TABLE_INIT(match_rows);

typedef struct parse_state {
    match_config *cfg;
    int format_set;
    int timeline;
    size_t timeline_limit;
} parse_state;

static int bad_value(const char *what, const char *value) {
    return gopt_usage_error("match", "%s, not '%s'", what, value);
}

static void add_input(match_config *cfg, const char *path) {
    cfg->input_ls[cfg->input_count] =
        cfg->logsource_count ? &cfg->logsources[cfg->logsource_count - 1] : NULL;
    cfg->inputs[cfg->input_count++] = path;
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
        if (strcmp(v, "jsonl") == 0)
            cfg->out.format = GMO_JSONL;
        else if (strcmp(v, "text") == 0)
            cfg->out.format = GMO_TEXT;
        else if (strcmp(v, "csv") == 0)
            cfg->out.format = GMO_CSV;
        else if (strcmp(v, "ecs") == 0)
            cfg->out.format = GMO_ECS;
        else
            return bad_value("--format takes jsonl, text, csv or ecs", v);
        ps->format_set = 1;
        return 0;
    case OPT_FIELDS: {
        gmo_field_list_free(&cfg->field_list);
        cfg->out.fields = NULL;
        cfg->out.fields_only = strcmp(v, "rule") == 0;
        if (cfg->out.fields_only)
            return 0;
        char err[512];
        if (gmo_parse_fields(v, &cfg->field_list, err, sizeof err) != 0)
            return gopt_usage_error("match", "%s", err);
        cfg->out.fields = &cfg->field_list;
        return 0;
    }
    case OPT_FROM:
    case OPT_TO: {
        int64_t ns;
        if (gmo_parse_when(v, gmr_wall_ns(), &ns) != 0)
            return bad_value(id == OPT_FROM
                                 ? "--from takes an RFC 3339 time or a duration like 30m, 24h, 7d"
                                 : "--to takes an RFC 3339 time or a duration like 30m, 24h, 7d",
                             v);
        if (id == OPT_FROM) {
            cfg->window.has_from = 1;
            cfg->window.from_ns = ns;
        } else {
            cfg->window.has_to = 1;
            cfg->window.to_ns = ns;
        }
        return 0;
    }
    case OPT_TIMELINE:
        ps->timeline = 1;
        return 0;
    case OPT_TIMELINE_LIMIT:
        if (gopt_number(v, 1, SIZE_MAX / 64, &n) != 0)
            return bad_value("--timeline-limit takes a number of matches", v);
        ps->timeline_limit = (size_t)n;
        return 0;
    case OPT_TAGS:
    case OPT_EXCLUDE_TAGS:
    case OPT_STATUS:
    case OPT_RULE:
    case OPT_EXCLUDE_RULE: {
        gsel_options *so = &cfg->select;
        gsel_list *l = id == OPT_TAGS           ? &so->tags
                       : id == OPT_EXCLUDE_TAGS ? &so->exclude_tags
                       : id == OPT_STATUS       ? &so->status
                       : id == OPT_RULE         ? &so->rules
                                                : &so->exclude_rules;
        char err[512];
        if (gsel_add(l, v, err, sizeof err) != 0 ||
            (id == OPT_STATUS && gsel_check_status(l, err, sizeof err) != 0))
            return gopt_usage_error("match", "%s", err);
        return 0;
    }
    case OPT_MAX_LEVEL:
        if ((cfg->select.max_level = gmo_parse_level(v)) < 0)
            return bad_value("--max-level takes informational, low, medium, high or critical", v);
        return 0;
    case OPT_EXCLUSIONS:
        cfg->select.exclusions = v;
        return 0;
    case OPT_WIDTH:
        if (gopt_number(v, 40, 100000, &n) != 0)
            return bad_value("--width takes a number of columns from 40 to 100000", v);
        cfg->out.width = (size_t)n;
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
    case OPT_FOLLOW:
        cfg->follow = 1;
        return 0;
    case OPT_FOLLOW_STATE:
        cfg->follow_state = v;
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
    case OPT_LOGSOURCE: {
        const char *error = NULL;
        if (gmr_logsource_parse(v, &cfg->logsources[cfg->logsource_count], &error) != 0)
            return gopt_usage_error("match", "%s", error);
        cfg->logsource_count++;
        return 0;
    }
    case OPT_LOGSOURCE_MAP:
        if (cfg->ls_map.count)
            return gopt_usage_error("match", "only one --logsource-map per run");
        return gmr_ls_map_load(v, &cfg->ls_map) == 0 ? 0 : -1;
    case OPT_LOGSOURCE_ANY:
        cfg->logsource_any = 1;
        return 0;
    case GOPT_OPERAND:
        /* an input keeps the --logsource given before it */
        add_input(cfg, v);
        return 0;
    default:
        return gopt_usage_error("match", "option %d not handled", id);
    }
}

static int parse_args(match_config *cfg, int argc, char **argv) {
    parse_state ps = {cfg, 0, 0, GMO_TIMELINE_DEFAULT_LIMIT};
    if (gopt_parse_ordered("match", gcli_match_options, argc, argv, on_option, &ps) != 0)
        return -1;
    if (ps.timeline) {
        cfg->out.timeline = ps.timeline_limit;
        /* sorting needs every match in one place: one thread */
        cfg->jobs = 1;
    }
    if (cfg->window.has_from && cfg->window.has_to && cfg->window.from_ns > cfg->window.to_ns)
        return gopt_usage_error("match", "--from is later than --to");
    if (!cfg->pack_path_count && !cfg->rule_path_count)
        return gopt_usage_error("match", "give a pack (-p PACK) or rules (-r RULES)");
    /* a pack is already compiled: these would silently change nothing */
    if (cfg->pack_path_count && !cfg->rule_path_count &&
        (cfg->rules.comp.define_count || cfg->rules.comp.values_file ||
         cfg->rules.comp.mapping_file_count || cfg->rules.werror))
        return gopt_usage_error("match", "-D, --values, --mapping and -W error apply when "
                                         "compiling rules (-r), not to a compiled pack (-p)");
    if (gmr_follow_check_args(cfg, ps.timeline) != 0)
        return -1;
    if (cfg->input_count == 0)
        add_input(cfg, "-");
    if (cfg->logsource_any && (cfg->logsource_count || cfg->ls_map.count))
        return gopt_usage_error("match",
                                "--logsource-any runs every rule: give it without --logsource");
    if (!ps.format_set)
        cfg->out.format = isatty(STDOUT_FILENO) ? GMO_TEXT : GMO_JSONL;
    cfg->out.color = cfg->out.format == GMO_TEXT && gopt_color(cfg->color, STDOUT_FILENO);
    if (cfg->out.format == GMO_TEXT && !cfg->out.width)
        cfg->out.width = gopt_terminal_width(STDOUT_FILENO);
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
long gmr_load_packs(const match_config *cfg, gmr_pack *packs) {
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

int gmr_start_correlators(match_run *run) {
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
uint64_t gmr_finish_correlators(match_run *run, gantry_correlator_stats *sum, int *any) {
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

/* The input files, each input expanded in turn so that every file keeps the
 * --logsource given before its input (cfg->file_ls). Returns the count, or
 * -1 after a message. */
static long expand_inputs(match_config *cfg, char ***out) {
    char **files = NULL;
    long total = 0;
    for (size_t k = 0; k < cfg->input_count; k++) {
        char **part = NULL;
        const char *bad = NULL;
        long n = gin_expand(&cfg->inputs[k], 1, &part, &bad);
        if (n < 0) {
            fprintf(stderr, "gantry match: %s: %s\n", bad ? bad : "?", strerror(errno));
            gin_free_list(files, total);
            return -1;
        }
        char **grown = realloc(files, (size_t)(total + n + 1) * sizeof *files);
        const gmr_logsource **ls =
            grown ? realloc(cfg->file_ls, (size_t)(total + n + 1) * sizeof *ls) : NULL;
        if (grown)
            files = grown;
        if (!ls) {
            fprintf(stderr, "gantry match: out of memory\n");
            gin_free_list(part, n);
            gin_free_list(files, total);
            return -1;
        }
        cfg->file_ls = ls;
        for (long i = 0; i < n; i++) {
            files[total + i] = part[i];
            cfg->file_ls[total + i] = cfg->input_ls[k];
        }
        free(part);
        total += n;
    }
    *out = files;
    return total;
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
    long pack_count = gmr_load_packs(cfg, packs);
    if (pack_count < 0)
        goto done;
    double load_seconds = gmr_now() - load_started;
    if (gsel_active(&cfg->select)) {
        const gantry_pack **list = calloc((size_t)pack_count + 1, sizeof *list);
        char err[2048];
        int nomem = !list;
        for (long k = 0; list && k < pack_count; k++)
            list[k] = packs[k].pack;
        if (list)
            cfg->selection =
                gsel_new(&cfg->select, list, (size_t)pack_count, err, sizeof err, &nomem);
        free(list);
        if (!cfg->selection) {
            fprintf(stderr, "gantry match: %s\n", nomem ? "out of memory" : err);
            goto done;
        }
        if (gsel_enabled(cfg->selection) == 0) {
            fprintf(stderr, "gantry match: the rule selection leaves no rule to run\n");
            goto done;
        }
    }
    if (gmr_init(&run, cfg, packs, (size_t)pack_count, stdout) != 0) {
        fprintf(stderr, "gantry match: out of memory\n");
        goto done;
    }
    if (gmr_start_correlators(&run) != 0)
        goto done;
    file_count = expand_inputs(cfg, &files);
    if (file_count < 0)
        goto done;
    run.stats.load_seconds = load_seconds;
    run.progress = !cfg->quiet && isatty(STDERR_FILENO);
    gmo_print_header(run.printer);
    run.flush_each = cfg->line_buffered || !gmr_regular_file(STDOUT_FILENO);
    run.started = gmr_now();
    int io_failed = 0;
    int correlations = 0;
    for (long k = 0; k < pack_count; k++)
        correlations |= packs[k].correlator != NULL;
    /* Correlations follow event time: several inputs are merged by it. */
    if (correlations && file_count > 1) {
        int rc = cfg->jobs > 1 ? gmr_match_parallel_merged(&run, files, file_count)
                               : gmr_match_merged(&run, files, file_count);
        if (rc < 0) {
            fprintf(stderr, "gantry match: out of memory%s\n",
                    cfg->jobs > 1 ? " or cannot start threads" : "");
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
            if (gmr_use_file_logsource(&run, i, files[i]) != 0 ||
                gmr_match_file(&run, files[i]) != 0)
                io_failed = 1;
    }
    if (run.unreadable)
        io_failed = 1;
    gantry_correlator_stats corr_stats = {0};
    int any_corr = 0;
    uint64_t corr_printed = gmr_finish_correlators(&run, &corr_stats, &any_corr);
    run.stats.seconds = gmr_now() - run.started;
    if (run.progress)
        fprintf(stderr, "\r%60s\r", "");
    int held = gmo_finish_timeline(run.printer, cfg->quiet ? NULL : stderr);
    if (held > 0) {
        fprintf(stderr,
                "gantry match: more than %zu matches for --timeline; narrow the input (--from, "
                "--to, --min-level) or raise --timeline-limit\n",
                cfg->out.timeline);
        io_failed = 1;
    } else if (held < 0) {
        fprintf(stderr, "gantry match: out of memory\n");
        goto done;
    }
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
    /* before anything is allocated through cJSON: what the hooks allocate
     * they must free */
    gca_install();
    match_config cfg = {.max_line_bytes = GANTRY_DEFAULT_MAX_LINE_BYTES, .jobs = 1, .color = -1};
    cfg.select.min_level = cfg.select.max_level = -1;
    gantry_options_default(&cfg.load_options);
    gantry_correlator_limits_default(&cfg.corr_limits);
    cfg.pack_paths = calloc((size_t)argc + 1, sizeof *cfg.pack_paths);
    cfg.rule_paths = calloc((size_t)argc + 1, sizeof *cfg.rule_paths);
    cfg.inputs = calloc((size_t)argc + 2, sizeof *cfg.inputs);
    cfg.input_ls = calloc((size_t)argc + 2, sizeof *cfg.input_ls);
    cfg.logsources = calloc((size_t)argc + 1, sizeof *cfg.logsources);
    int status = 2;
    if (!cfg.pack_paths || !cfg.rule_paths || !cfg.inputs || !cfg.input_ls || !cfg.logsources ||
        gcli_rule_options_init(&cfg.rules, argc) != 0)
        fprintf(stderr, "gantry match: out of memory\n");
    else if (parse_args(&cfg, argc, argv) == 0)
        status = cfg.follow ? gmr_follow(&cfg) : run_match(&cfg);
    gcli_rule_options_free(&cfg.rules);
    for (size_t i = 0; cfg.logsources && i < cfg.logsource_count; i++)
        gmr_logsource_free(&cfg.logsources[i]);
    gmr_ls_map_free(&cfg.ls_map);
    free(cfg.logsources);
    free(cfg.input_ls);
    free(cfg.file_ls);
    gmo_field_list_free(&cfg.field_list);
    gsel_options_free(&cfg.select);
    gsel_free(cfg.selection);
    free(cfg.pack_paths);
    free(cfg.rule_paths);
    free(cfg.inputs);
    gin_release_cache();
    gca_finish();
    gca_report(stderr);
    return status;
}
