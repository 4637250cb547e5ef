/* gantry match: stream events from files through the normalizer and the VM,
 * print matches, and account for every input line. */
#include <cJSON.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gantry.h"
#include "gantry_limits.h"
#include "commands.h"
#include "input.h"
#include "correlate_output.h"
#include "match_output.h"
#include "rule_options.h"

#include "match_run.h"

#define MATCH_MAX_JOBS 256

void gmr_note(match_run *run, int kind, uint64_t count, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    if (run->notes) {
        fputc(kind, run->notes);
        vfprintf(run->notes, fmt, ap);
    } else if (count <= GMR_SHOWN) {
        vfprintf(stderr, fmt, ap);
    }
    va_end(ap);
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int on_match(const gantry_match *m, void *user) {
    match_run *run = user;
    if (run->correlator)
        gantry_correlator_feed(run->correlator, m->rule->index, run->event, GANTRY_TIME_FROM_EVENT,
                               run->file, run->line, gco_on_match, &run->corr_sink);
    if ((int)m->rule->level < run->cfg->out.min_level ||
        !gantry_pack_rule_reported(run->pack, m->rule->index))
        return 0;
    run->stats.matches++;
    run->stats.per_rule[m->rule->index]++;
    if (!run->event_matched) {
        run->event_matched = 1;
        run->stats.matched_events++;
    }
    gmo_print_match(run->printer, run->file, run->line, m->rule->index, run->event);
    return 0;
}

void gmr_report_malformed(match_run *run, uint64_t first, uint64_t last, const char *reason) {
    run->stats.malformed++;
    run->stats.joined += last - first;
    gmr_note(run, NOTE_MALFORMED, run->stats.malformed, "gantry: %s:%llu: malformed line: %s\n",
             run->file, (unsigned long long)first, reason);
}

uint64_t gmr_drain(match_run *run, gantry_normalizer *norm, uint64_t covered) {
    gantry_item item;
    while (gantry_normalizer_next(norm, &item)) {
        if (item.last_line > covered)
            covered = item.last_line;
        switch (item.kind) {
        case GANTRY_ITEM_BLANK:
            run->stats.blank += item.last_line - item.first_line + 1;
            break;
        case GANTRY_ITEM_MALFORMED:
            gmr_report_malformed(run, item.first_line, item.last_line, item.reason);
            break;
        case GANTRY_ITEM_EVENT: {
            run->stats.events++;
            run->stats.joined += item.last_line - item.first_line;
            run->line = item.first_line;
            run->event = item.event;
            run->event_matched = 0;
            gantry_status st = gantry_match_cjson(run->matcher, item.event, on_match, run);
            if (st == GANTRY_E_REGEX_LIMIT) {
                run->stats.regex_limit++;
                gmr_note(run, NOTE_REGEX_LIMIT, run->stats.regex_limit,
                         "gantry: %s:%llu: %s (other rules still matched)\n", run->file,
                         (unsigned long long)item.first_line, gantry_strerror(st));
            } else if (st != GANTRY_OK) {
                run->stats.match_errors++;
                gmr_note(run, NOTE_ERROR, run->stats.match_errors, "gantry: %s:%llu: %s\n",
                         run->file, (unsigned long long)item.first_line, gantry_strerror(st));
            }
            break;
        }
        }
    }
    return covered;
}

void gmr_show_progress(match_run *run, uint64_t bytes_in_file) {
    double t = now_seconds();
    if (t - run->last_progress < 0.5 || t - run->started < 1.0)
        return;
    run->last_progress = t;
    double mb = (double)(run->stats.bytes + bytes_in_file) / 1e6;
    fprintf(stderr, "\r%.1f MB read, %llu events, %.0f events/s   ", mb,
            (unsigned long long)run->stats.events, (double)run->stats.events / (t - run->started));
}

/* Returns 0, or -1 when the file could not be read (reported, run goes on). */
static int match_file(match_run *run, long index, const char *path) {
    if (gmr_use_file_logsource(run, index, path) != 0) {
        fprintf(stderr, "gantry match: out of memory\n");
        return -1;
    }
    const char *error = NULL;
    gin_reader *reader = gin_open(path, run->cfg->max_line_bytes, &error);
    if (!reader) {
        fprintf(stderr, "gantry: %s: %s\n", path, error);
        return -1;
    }
    gantry_normalizer *norm = NULL;
    if (gantry_normalizer_new(run->pack, run->cfg->input_format, &norm) != GANTRY_OK) {
        fprintf(stderr, "gantry: out of memory\n");
        gin_close(reader);
        return -1;
    }
    if (run->cfg->max_depth)
        gantry_normalizer_set_max_depth(norm, run->cfg->max_depth);
    run->file = strcmp(path, "-") == 0 ? "<stdin>" : path;
    gmo_set_file(run->printer, run->file);
    uint64_t line_no = 0;
    int rc = 0;
    for (;;) {
        const char *line;
        size_t len;
        gin_result r = gin_next(reader, &line, &len);
        if (r == GIN_EOF)
            break;
        if (r == GIN_ERROR) {
            fprintf(stderr, "gantry: %s: after line %llu: %s\n", run->file,
                    (unsigned long long)line_no, gin_error(reader));
            rc = -1;
            break;
        }
        line_no++;
        run->stats.lines++;
        if (r == GIN_TOO_LONG) {
            gmr_drain(run, norm, 0);
            gmr_report_malformed(run, line_no, line_no, "line longer than --max-line-bytes");
            continue;
        }
        gantry_status st = gantry_normalizer_feed(norm, line, len, line_no);
        if (st != GANTRY_OK) {
            gmr_report_malformed(run, line_no, line_no, gantry_strerror(st));
            continue;
        }
        gmr_drain(run, norm, 0);
        if (run->progress && (line_no & 0x3FFF) == 0)
            gmr_show_progress(run, gin_bytes(reader));
    }
    gantry_normalizer_finish(norm);
    gmr_drain(run, norm, 0);
    run->stats.bytes += gin_bytes(reader);
    run->stats.files++;
    gantry_normalizer_free(norm);
    gin_close(reader);
    return rc;
}

static int usage_error(const char *msg, const char *arg) {
    fprintf(stderr, "gantry match: %s%s%s (see gantry help match)\n", msg, arg ? ": " : "",
            arg ? arg : "");
    return -1;
}

static int parse_args(match_config *cfg, int argc, char **argv) {
    int format_set = 0;
    for (int i = 1; i < argc;) {
        int r = gcli_rule_option(&cfg->rules, argc, argv, &i);
        if (r < 0)
            return usage_error(cfg->rules.error, NULL);
        if (r > 0)
            continue;
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "-p") == 0 || strcmp(a, "--pack") == 0) {
            if (!next)
                return usage_error("-p takes a pack file", NULL);
            if (cfg->pack_path)
                return usage_error("only one -p pack per run", NULL);
            cfg->pack_path = next;
            i += 2;
        } else if (strcmp(a, "-r") == 0 || strcmp(a, "--rules") == 0) {
            if (!next)
                return usage_error("-r takes a rule file or directory", NULL);
            cfg->rule_paths[cfg->rule_path_count++] = next;
            i += 2;
        } else if (strcmp(a, "--logsource") == 0) {
            const char *error = NULL;
            if (!next)
                return usage_error("--logsource takes product=P,service=S,category=C", NULL);
            if (gmr_logsource_parse(next, &cfg->logsources[cfg->logsource_count], &error) != 0)
                return usage_error(error, next);
            cfg->logsource_count++;
            i += 2;
        } else if (strcmp(a, "--logsource-map") == 0) {
            if (!next)
                return usage_error("--logsource-map takes a file", NULL);
            if (cfg->ls_map.count)
                return usage_error("only one --logsource-map per run", NULL);
            if (gmr_ls_map_load(next, &cfg->ls_map) != 0)
                return -1;
            i += 2;
        } else if (strcmp(a, "--logsource-any") == 0) {
            cfg->logsource_any = 1;
            i++;
        } else if (strcmp(a, "--format") == 0) {
            if (!next || (strcmp(next, "jsonl") && strcmp(next, "text")))
                return usage_error("--format takes jsonl or text", NULL);
            cfg->out.format = strcmp(next, "jsonl") == 0 ? GMO_JSONL : GMO_TEXT;
            format_set = 1;
            i += 2;
        } else if (strcmp(a, "--min-level") == 0) {
            if (!next || (cfg->out.min_level = gmo_parse_level(next)) < 0)
                return usage_error("--min-level takes informational, low, medium, high or "
                                   "critical",
                                   next);
            i += 2;
        } else if (strcmp(a, "--stats") == 0) {
            if (!next)
                return usage_error("--stats takes a file", NULL);
            cfg->stats_path = next;
            i += 2;
        } else if (strcmp(a, "--input-format") == 0) {
            int f = next ? gantry_input_format_parse(next) : -1;
            if (f < 0)
                return usage_error("unknown --input-format", next);
            cfg->input_format = (gantry_input_format)f;
            i += 2;
        } else if (strcmp(a, "--max-line-bytes") == 0) {
            char *end = NULL;
            unsigned long long v = next ? strtoull(next, &end, 10) : 0;
            if (!next || *end || v < 16 || v > (1ull << 32))
                return usage_error("--max-line-bytes takes a number from 16 to 4294967296", next);
            cfg->max_line_bytes = (size_t)v;
            i += 2;
        } else if (strcmp(a, "--max-depth") == 0) {
            char *end = NULL;
            unsigned long v = next ? strtoul(next, &end, 10) : 0;
            if (!next || *end || v < 1 || v > GANTRY_DEFAULT_MAX_DEPTH)
                return usage_error("--max-depth takes a number from 1 to 128", next);
            cfg->max_depth = (unsigned)v;
            i += 2;
        } else if (strcmp(a, "--state-memory") == 0 || strcmp(a, "--out-of-order") == 0) {
            char *end = NULL;
            unsigned long long v = next ? strtoull(next, &end, 10) : 0;
            if (!next || *end || next[0] == '-')
                return usage_error("--state-memory takes BYTES, --out-of-order SECONDS", next);
            if (a[2] == 's')
                cfg->corr_limits.memory_bytes = (size_t)v;
            else
                cfg->corr_limits.out_of_order_ns = (uint64_t)v * 1000000000ull;
            i += 2;
        } else if (strcmp(a, "-j") == 0 || strcmp(a, "--jobs") == 0) {
            char *end = NULL;
            unsigned long v = next ? strtoul(next, &end, 10) : 0;
            if (!next || *end || v < 1 || v > MATCH_MAX_JOBS)
                return usage_error("-j takes a number of threads from 1 to 256", next);
            cfg->jobs = (unsigned)v;
            i += 2;
        } else if (strcmp(a, "--count") == 0) {
            cfg->out.count_only = 1;
            i++;
        } else if (strcmp(a, "--fields") == 0) {
            cfg->out.fields_only = 1;
            i++;
        } else if (strcmp(a, "--fail-on-match") == 0) {
            cfg->fail_on_match = 1;
            i++;
        } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            cfg->quiet = 1;
            i++;
        } else if (strcmp(a, "--color") == 0) {
            cfg->out.color = 1;
            i++;
        } else if (strncmp(a, "--optimize=", 11) == 0) {
            /* hidden: the reference (0) and forced-index (all) runs of
             * tests/cli/optimize_diff.sh and bench/run.sh */
            const char *mode = a + 11;
            if (strcmp(mode, "0") == 0)
                cfg->load_options.optimize = GANTRY_OPTIMIZE_OFF;
            else if (strcmp(mode, "1") == 0)
                cfg->load_options.optimize = GANTRY_OPTIMIZE_DEFAULT;
            else if (strcmp(mode, "all") == 0)
                cfg->load_options.optimize = GANTRY_OPTIMIZE_ALL;
            else
                return usage_error("--optimize takes 0, 1 or all", mode);
            i++;
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error("unknown option", a);
        } else {
            cfg->input_ls[cfg->input_count] =
                cfg->logsource_count ? &cfg->logsources[cfg->logsource_count - 1] : NULL;
            cfg->inputs[cfg->input_count++] = a;
            i++;
        }
    }
    if (!cfg->pack_path == !cfg->rule_path_count)
        return usage_error("give exactly one of -p PACK or -r RULES", NULL);
    /* a pack is already compiled: these would silently change nothing */
    if (cfg->pack_path && (cfg->rules.comp.define_count || cfg->rules.comp.values_file ||
                           cfg->rules.comp.mapping_file_count || cfg->rules.werror))
        return usage_error("-D, --values, --mapping and -W error apply when compiling rules "
                           "(-r), not to a compiled pack (-p)",
                           NULL);
    if (cfg->input_count == 0) {
        cfg->input_ls[cfg->input_count] =
            cfg->logsource_count ? &cfg->logsources[cfg->logsource_count - 1] : NULL;
        cfg->inputs[cfg->input_count++] = "-";
    }
    if (cfg->logsource_any && (cfg->logsource_count || cfg->ls_map.count))
        return usage_error("--logsource-any runs every rule: give it without --logsource", NULL);
    if (!format_set)
        cfg->out.format = isatty(STDOUT_FILENO) ? GMO_TEXT : GMO_JSONL;
    if (!cfg->out.color)
        cfg->out.color = cfg->out.format == GMO_TEXT && isatty(STDOUT_FILENO);
    return 0;
}

static gantry_pack *load_pack(const match_config *cfg) {
    gantry_pack *pack = NULL;
    char err[512] = "";
    gantry_status st;
    if (cfg->pack_path) {
        st = gantry_pack_load_file_opts(cfg->pack_path, &cfg->load_options, &pack, err, sizeof err);
        if (st != GANTRY_OK)
            fprintf(stderr, "gantry match: %s: %s\n", cfg->pack_path, err);
        return pack;
    }
    unsigned char *image = NULL;
    size_t len = 0;
    /* 1: --keep-going left rules out (reported); the others run */
    if (gcli_compile_paths(&cfg->rules, cfg->rule_paths, cfg->rule_path_count, &image, &len, NULL) <
        0)
        return NULL;
    st = gantry_pack_load_buffer_opts(image, len, &cfg->load_options, &pack, err, sizeof err);
    if (st != GANTRY_OK)
        fprintf(stderr, "gantry match: compiled pack refused: %s\n", err);
    free(image);
    return pack;
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
    match_run run = {.cfg = cfg};
    int status = 2;
    char **files = NULL;
    long file_count = 0;
    double load_started = now_seconds();
    run.pack = load_pack(cfg);
    if (!run.pack)
        goto done;
    double load_seconds = now_seconds() - load_started;
    if (gantry_matcher_new(run.pack, &run.matcher) != GANTRY_OK ||
        gmo_stats_init(&run.stats, gantry_pack_rule_count(run.pack)) != 0 ||
        !(run.printer = gmo_printer_new(run.pack, &cfg->out, stdout))) {
        fprintf(stderr, "gantry match: out of memory\n");
        goto done;
    }
    if (gantry_pack_correlation_count(run.pack)) {
        gantry_status cst = gantry_correlator_new(run.pack, &cfg->corr_limits, &run.correlator);
        if (cst != GANTRY_OK) {
            fprintf(stderr, "gantry match: correlation state: %s\n", gantry_strerror(cst));
            goto done;
        }
        run.corr_sink =
            (gco_sink){run.pack,           stdout, cfg->out.format == GMO_TEXT, cfg->out.count_only,
                       cfg->out.min_level, 0};
    }
    file_count = expand_inputs(cfg, &files);
    if (file_count < 0)
        goto done;
    if (gantry_matcher_set_logsource_any(run.matcher, cfg->logsource_any) != GANTRY_OK)
        goto done;
    run.stats.load_seconds = load_seconds;
    run.progress = !cfg->quiet && isatty(STDERR_FILENO);
    run.started = now_seconds();
    int io_failed = 0;
    /* Correlations keep state across events in input order: they stay on one
     * thread. */
    if (cfg->jobs > 1 && !run.correlator) {
        int rc = gmr_match_parallel(&run, files, file_count);
        if (rc < 0) {
            fprintf(stderr, "gantry match: out of memory or cannot start threads\n");
            goto done;
        }
        io_failed = rc;
    } else {
        for (long i = 0; i < file_count; i++)
            if (match_file(&run, i, files[i]) != 0)
                io_failed = 1;
    }
    gantry_correlator_stats corr_stats = {0};
    if (run.correlator) {
        gantry_correlator_flush(run.correlator, gco_on_match, &run.corr_sink);
        gantry_correlator_get_stats(run.correlator, &corr_stats);
    }
    run.stats.seconds = now_seconds() - run.started;
    if (run.progress)
        fprintf(stderr, "\r%60s\r", "");
    if (cfg->out.count_only)
        gmo_print_counts(run.printer, &run.stats);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "gantry match: cannot write output: %s\n", strerror(errno));
        io_failed = 1;
    }
    if (run.stats.malformed > GMR_SHOWN)
        fprintf(stderr, "gantry: %llu more malformed lines not shown\n",
                (unsigned long long)(run.stats.malformed - GMR_SHOWN));
    if (!cfg->quiet)
        gmo_print_summary(&run.stats, stderr);
    if (!cfg->quiet && run.correlator)
        gco_print_summary(&corr_stats, run.corr_sink.printed, stderr);
    if (cfg->stats_path && (gmo_write_stats(cfg->stats_path, run.pack, &run.stats) != 0 ||
                            (run.correlator && gco_amend_stats_file(cfg->stats_path, &corr_stats,
                                                                    run.corr_sink.printed) != 0))) {
        fprintf(stderr, "gantry match: cannot write %s: %s\n", cfg->stats_path, strerror(errno));
        io_failed = 1;
    }
    if (io_failed)
        status = 2;
    else if (cfg->fail_on_match && (run.stats.matches > 0 || run.corr_sink.printed > 0))
        status = 1;
    else
        status = 0;
done:
    gin_free_list(files, file_count > 0 ? file_count : 0);
    gmo_printer_free(run.printer);
    gmo_stats_free(&run.stats);
    gantry_matcher_free(run.matcher);
    gantry_correlator_free(run.correlator);
    gantry_pack_free(run.pack);
    return status;
}

int gcli_cmd_match(int argc, char **argv) {
    match_config cfg = {.max_line_bytes = GANTRY_DEFAULT_MAX_LINE_BYTES, .jobs = 1};
    gantry_correlator_limits_default(&cfg.corr_limits);
    cfg.rule_paths = calloc((size_t)argc + 1, sizeof *cfg.rule_paths);
    cfg.inputs = calloc((size_t)argc + 2, sizeof *cfg.inputs);
    cfg.input_ls = calloc((size_t)argc + 2, sizeof *cfg.input_ls);
    cfg.logsources = calloc((size_t)argc + 1, sizeof *cfg.logsources);
    int status = 2;
    if (!cfg.rule_paths || !cfg.inputs || !cfg.input_ls || !cfg.logsources ||
        gcli_rule_options_init(&cfg.rules, argc) != 0)
        fprintf(stderr, "gantry match: out of memory\n");
    else if (parse_args(&cfg, argc, argv) == 0)
        status = run_match(&cfg);
    gcli_rule_options_free(&cfg.rules);
    for (size_t i = 0; cfg.logsources && i < cfg.logsource_count; i++)
        gmr_logsource_free(&cfg.logsources[i]);
    gmr_ls_map_free(&cfg.ls_map);
    free(cfg.logsources);
    free(cfg.input_ls);
    free(cfg.file_ls);
    free(cfg.rule_paths);
    free(cfg.inputs);
    return status;
}
