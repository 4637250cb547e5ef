/* `gantry match` over one file on the calling thread, and what the -j
 * workers share with it: matching an event against every pack, accounting
 * and the notes about input lines. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "input.h"
#include "match_run.h"

double gmr_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int gmr_regular_file(int fd) {
    struct stat st;
    return fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

int gmr_note_shown(const match_run *run, int kind, uint64_t count) {
    /* --quiet keeps errors only; malformed lines and regex limits are counted */
    return count <= GMR_SHOWN && (!run->cfg->quiet || kind == GDR_ERROR);
}

static void on_note(void *user, int kind, uint64_t count, uint64_t line, const char *text) {
    match_run *run = user;
    if (run->notes) {
        fputc(kind, run->notes);
        gdr_print_note(run->notes, kind, run->file, line, text);
    } else if (gmr_note_shown(run, kind, count)) {
        gdr_print_note(stderr, kind, run->file, line, text);
    }
}

static int on_match(const gantry_match *m, void *user) {
    match_run *run = user;
    gmr_pack *pk = &run->packs[run->current];
    if (pk->correlator)
        gantry_correlator_feed(pk->correlator, m->rule->index, run->event, GANTRY_TIME_FROM_EVENT,
                               run->file, run->line, gco_on_match, &pk->corr_sink);
    if ((int)m->rule->level < run->cfg->out.min_level ||
        !gantry_pack_rule_reported(pk->pack, m->rule->index))
        return 0;
    size_t rule = gmo_rule_base(run->printer, run->current) + m->rule->index;
    run->stats.matches++;
    run->stats.per_rule[rule]++;
    if (!run->event_matched) {
        run->event_matched = 1;
        run->stats.matched_events++;
    }
    gmo_print_match(run->printer, run->file, run->line, rule, run->event);
    return 0;
}

/* Each pack in turn sees the event; the first error is the event's status. */
static gantry_status on_event(void *user, const gantry_item *item) {
    match_run *run = user;
    run->line = item->first_line;
    run->event = item->event;
    run->event_matched = 0;
    gantry_status status = GANTRY_OK;
    for (run->current = 0; run->current < run->pack_count; run->current++) {
        gantry_status st =
            gantry_match_cjson(run->matchers[run->current], item->event, on_match, run);
        if (status == GANTRY_OK)
            status = st;
    }
    return status;
}

int gmr_init(match_run *run, const match_config *cfg, gmr_pack *packs, size_t pack_count,
             FILE *out) {
    run->cfg = cfg;
    run->packs = packs;
    run->pack_count = pack_count;
    run->hooks = (gdr_hooks){on_event, on_note, run};
    run->matchers = calloc(pack_count, sizeof *run->matchers);
    const gantry_pack **list = calloc(pack_count, sizeof *list);
    int rc = run->matchers && list ? 0 : -1;
    for (size_t k = 0; rc == 0 && k < pack_count; k++) {
        list[k] = packs[k].pack;
        if (gantry_matcher_new(packs[k].pack, &run->matchers[k]) != GANTRY_OK)
            rc = -1;
    }
    if (rc == 0 && !(run->printer = gmo_printer_new(list, pack_count, &cfg->out, out)))
        rc = -1;
    if (rc == 0 && gmo_stats_init(&run->stats, gmo_rule_total(run->printer)) != 0)
        rc = -1;
    free(list);
    return rc;
}

void gmr_release(match_run *run) {
    for (size_t k = 0; run->matchers && k < run->pack_count; k++)
        gantry_matcher_free(run->matchers[k]);
    free(run->matchers);
    run->matchers = NULL;
    gmo_printer_free(run->printer);
    run->printer = NULL;
    gmo_stats_free(&run->stats);
}

gantry_normalizer *gmr_normalizer(const match_run *run) {
    /* With one pack only the fields it reads are computed; with several, all. */
    const gantry_pack *pack = run->pack_count == 1 ? run->packs[0].pack : NULL;
    gantry_normalizer *norm = NULL;
    if (gantry_normalizer_new(pack, run->cfg->input_format, &norm) != GANTRY_OK)
        return NULL;
    if (run->cfg->max_depth)
        gantry_normalizer_set_max_depth(norm, run->cfg->max_depth);
    return norm;
}

uint64_t gmr_drain(match_run *run, gantry_normalizer *norm, uint64_t covered) {
    return gdr_drain(norm, &run->stats, &run->hooks, covered);
}

void gmr_report_malformed(match_run *run, uint64_t first, uint64_t last, const char *reason) {
    gdr_malformed(&run->stats, &run->hooks, first, last, reason);
}

void gmr_show_progress(match_run *run, uint64_t bytes_in_file) {
    double t = gmr_now();
    if (t - run->last_progress < 0.5 || t - run->started < 1.0)
        return;
    run->last_progress = t;
    double mb = (double)(run->stats.bytes + bytes_in_file) / 1e6;
    fprintf(stderr, "\r%.1f MB read, %llu events, %.0f events/s   ", mb,
            (unsigned long long)run->stats.events, (double)run->stats.events / (t - run->started));
}

int gmr_match_file(match_run *run, const char *path) {
    const char *error = NULL;
    gin_reader *reader = gin_open(path, run->cfg->max_line_bytes, &error);
    if (!reader) {
        fprintf(stderr, "gantry match: %s: %s\n", path, error);
        return -1;
    }
    gantry_normalizer *norm = gmr_normalizer(run);
    if (!norm) {
        fprintf(stderr, "gantry match: out of memory\n");
        gin_close(reader);
        return -1;
    }
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
            fprintf(stderr, "gantry match: %s: after line %llu: %s\n", run->file,
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
        if (run->flush_each)
            fflush(stdout); /* nothing to write costs no system call */
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
