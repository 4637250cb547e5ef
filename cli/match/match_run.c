/* SPDX-License-Identifier: Apache-2.0 */
/* `gantry match` over one file on the calling thread, and what the -j
 * workers share with it: matching an event against every pack, accounting
 * and the notes about input lines. */
#include <cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cjson_arena.h"
#include "fast.h"
#include "gantry_cjson.h"
#include "gantry_limits.h"
#include "input.h"
#include "match_run.h"
#include "normalize.h"

double gmr_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int64_t gmr_wall_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
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

void gmr_feeds_clear(gmr_feeds *feeds) {
    for (size_t i = 0; i < feeds->count; i++)
        cJSON_Delete(feeds->items[i].event);
    free(feeds->items);
    feeds->items = NULL;
    feeds->count = feeds->cap = 0;
}

/* A feed the merger makes later; a copy that cannot be made is counted as
 * a match error of the event. */
static void keep_feed(match_run *run, uint32_t rule) {
    gmr_feeds *f = run->feeds;
    if (f->count == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 64;
        gmr_feed *p = realloc(f->items, cap * sizeof *p);
        if (!p) {
            on_note(run, GDR_ERROR, ++run->stats.match_errors, run->line, "out of memory");
            return;
        }
        f->items = p;
        f->cap = cap;
    }
    /* only what the correlation stage reads: a whole copy of each feeding
     * event cost -j 2 a fifth of its time on the shipped packs */
    int kept = gca_keep(1);
    gantry_event *slim = NULL;
    gantry_correlator_copy_event(run->packs[run->current].correlator,
                                 gantry_event_from_cjson(run->event), &slim);
    cJSON *copy = (cJSON *)gantry_event_cjson(slim); /* ours: freed with the feed */
    gca_keep(kept);
    off_t at = ftello(f->out);
    if (!copy || at < 0) {
        cJSON_Delete(copy);
        on_note(run, GDR_ERROR, ++run->stats.match_errors, run->line, "out of memory");
        return;
    }
    f->items[f->count++] = (gmr_feed){run->current, rule, copy, run->line, (size_t)at};
}

static int on_match(const gantry_match *m, void *user) {
    match_run *run = user;
    gmr_pack *pk = &run->packs[run->current];
    /* known-good activity neither reports nor feeds correlations */
    if (gsel_excluded(run->cfg->selection, run->current, m->rule->index, run->event)) {
        run->stats.excluded++;
        return 0;
    }
    if (pk->correlator && run->feeds)
        keep_feed(run, m->rule->index);
    else if (pk->correlator)
        gantry_correlator_feed(pk->correlator, m->rule->index, gantry_event_from_cjson(run->event),
                               GANTRY_TIME_FROM_EVENT, run->file, run->line, gco_on_match,
                               &pk->corr_sink);
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
    run->event = gantry_event_cjson(item->event);
    run->event_matched = 0;
    gantry_status status = GANTRY_OK;
    if (!gmo_window_admits(&run->cfg->window, run->event)) {
        run->stats.outside_window++;
        return GANTRY_OK;
    }
    for (run->current = 0; run->current < run->pack_count; run->current++) {
        gantry_status st =
            gantry_match_event(run->matchers[run->current], item->event, on_match, run);
        if (status == GANTRY_OK)
            status = st;
    }
    return status;
}

static int fast_hit(const gantry_match *m, void *user) {
    (void)m;
    *(int *)user = 1;
    return 1; /* one match settles it */
}

/* A line the pack-driven reader settles (runtime/api/fast.h): a Kubernetes
 * audit event that no rule of any pack matches is counted as an event and
 * goes no further. Anything else (a match, another source, a line the
 * reader hands back) goes through the normalizer as before, which then
 * decides everything about it. */
static int fast_line(match_run *run, gantry_normalizer *norm, const gjd_unit *u) {
    if (!run->fast || run->collecting || run->hooks.event != on_event || !gnorm_idle(norm))
        return 0;
    for (size_t k = 0; k < run->pack_count; k++) {
        int done, hit = 0;
        gantry_status st =
            grt_fast_match_line(run->matchers[k], u->text, u->len, fast_hit, &hit, &done);
        if (!done || st != GANTRY_OK || hit)
            return 0;
    }
    run->stats.events++;
    return 1;
}

void gmr_match_item(match_run *run, const gantry_item *item) {
    gantry_status st = on_event(run, item);
    if (st == GANTRY_E_REGEX_LIMIT)
        on_note(run, GDR_REGEX_LIMIT, ++run->stats.regex_limit, item->first_line,
                gantry_strerror(st));
    else if (st != GANTRY_OK)
        on_note(run, GDR_ERROR, ++run->stats.match_errors, item->first_line, gantry_strerror(st));
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
        if (gantry_matcher_new(packs[k].pack, &run->matchers[k]) != GANTRY_OK ||
            gantry_matcher_set_logsource_any(run->matchers[k], cfg->logsource_any) != GANTRY_OK)
            rc = -1;
        const uint8_t *mask = gsel_mask(cfg->selection, k);
        if (rc == 0 && mask &&
            gantry_matcher_set_rule_mask(run->matchers[k], mask,
                                         gantry_pack_rule_count(packs[k].pack)) != GANTRY_OK)
            rc = -1;
    }
    /* the reader settles lines only where the normalizer's view of them is
     * the raw line: no time window or timeline reads them, the depth limit
     * is the default, and every pack reads raw fields only */
    run->fast =
        !cfg->window.has_from && !cfg->window.has_to && !cfg->out.timeline &&
        (cfg->max_depth == 0 || cfg->max_depth >= GANTRY_DEFAULT_MAX_DEPTH) &&
        (cfg->input_format == GANTRY_FORMAT_AUTO || cfg->input_format == GANTRY_FORMAT_K8S_AUDIT);
    for (size_t k = 0; k < pack_count; k++)
        run->fast = run->fast && grt_fast_line_ok(packs[k].pack);
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
    gjd_free(run->alone);
    run->alone = NULL;
}

gantry_normalizer *gmr_normalizer(const match_run *run) {
    /* With one pack only the fields it reads are computed; with several, or
     * when the output shows event context or chosen fields, or the time or
     * exclusions are read, all. */
    const match_config *cfg = run->cfg;
    int all = run->pack_count != 1 || cfg->out.format != GMO_JSONL || cfg->out.fields ||
              cfg->out.timeline || cfg->window.has_from || cfg->window.has_to ||
              cfg->select.exclusions;
    const gantry_pack *pack = all ? NULL : run->packs[0].pack;
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

gjd_splitter *gmr_splitter(const match_run *run) {
    unsigned depth = run->cfg->max_depth ? run->cfg->max_depth : GANTRY_DEFAULT_MAX_DEPTH;
    return gjd_new(run->cfg->max_line_bytes, depth);
}

int gmr_documents_allowed(const match_run *run) {
    gantry_input_format f = run->cfg->input_format;
    return f != GANTRY_FORMAT_CONTAINERD && f != GANTRY_FORMAT_K8S_DASHBOARD &&
           f != GANTRY_FORMAT_DOCKERD;
}

static void feed_text(match_run *run, gantry_normalizer *norm, const char *text, size_t len,
                      uint64_t line_no) {
    gantry_status st = gantry_normalizer_feed(norm, text, len, line_no);
    if (st != GANTRY_OK)
        gmr_report_malformed(run, line_no, line_no, gantry_strerror(st));
    gmr_drain(run, norm, 0);
}

typedef struct doc_feed {
    match_run *run;
    gantry_normalizer *norm;
    uint64_t line;
} doc_feed;

static void feed_doc_event(void *ctx, const char *text, size_t len) {
    doc_feed *d = ctx;
    if (text)
        feed_text(d->run, d->norm, text, len, d->line);
    else
        gmr_report_malformed(d->run, d->line, d->line, "out of memory");
}

/* Each element of an array, each item of an EventList, is an event of its
 * own; any other document is handed over as it is. */
static void feed_document(match_run *run, gantry_normalizer *norm, const gjd_unit *u) {
    doc_feed d = {run, norm, u->first_line};
    const char *reason = NULL;
    if (gjd_each_event(u->text, u->len, feed_doc_event, &d, &reason) != 0)
        gmr_report_malformed(run, u->first_line, u->first_line, reason);
}

/* A group of documents is one unit of the line accounting: one event line
 * when it held an event (the others are `unpacked`), else one malformed
 * line (or a blank one when it held nothing), and its other lines joined. */
static void close_group(match_run *run, gantry_normalizer *norm) {
    gantry_normalizer_finish(norm); /* nothing held across a document */
    gmr_drain(run, norm, 0);
    gmo_stats *s = &run->stats;
    uint64_t events = s->events - run->group.events;
    uint64_t malformed = s->malformed - run->group.malformed;
    uint64_t lines = run->group.last - run->group.first + 1;
    s->events = run->group.events + (events > 0);
    s->malformed = run->group.malformed + (events == 0 && malformed > 0);
    s->blank = run->group.blank + (events == 0 && malformed == 0);
    s->joined = run->group.joined + lines - 1;
    s->unpacked += events > 0 ? events - 1 : 0;
    s->unpacked_malformed += events > 0 ? malformed : malformed > 0 ? malformed - 1 : 0;
    s->lines += lines;
    run->group.open = 0;
}

static uint64_t split_and_feed(match_run *run, gantry_normalizer *norm, const gjd_unit *u,
                               uint64_t covered);

/* A line the reading thread left unscanned (gjd_defer): its units are fed
 * as if that thread had split it. The reader goes first: a line it settles
 * is one whole object, which the splitter would hand on as a plain line
 * (an EventList excepted), so the splitter's own scan of it is skipped.
 * A line it does not settle is split, and a plain line among the units is
 * not given to the reader again. */
static uint64_t feed_unsplit(match_run *run, gantry_normalizer *norm, const gjd_unit *u,
                             uint64_t covered) {
    if (run->fast && !gjd_mentions_eventlist(u->text, u->len)) {
        gjd_unit line = *u;
        line.kind = GJD_LINE;
        if (fast_line(run, norm, &line)) {
            run->stats.lines++;
            return covered > u->first_line ? covered : u->first_line;
        }
        run->fast_tried = u->text;
    }
    covered = split_and_feed(run, norm, u, covered);
    run->fast_tried = NULL;
    return covered;
}

static uint64_t split_and_feed(match_run *run, gantry_normalizer *norm, const gjd_unit *u,
                               uint64_t covered) {
    if ((!run->alone && !(run->alone = gmr_splitter(run))) ||
        gjd_line_alone(run->alone, u->text, u->len, u->first_line) != 0) {
        run->stats.lines++;
        gmr_report_malformed(run, u->first_line, u->first_line, "out of memory");
        return covered > u->first_line ? covered : u->first_line;
    }
    gjd_unit part;
    while (gjd_next(run->alone, &part))
        covered = gmr_feed_unit(run, norm, &part, covered);
    return covered;
}

uint64_t gmr_feed_unit(match_run *run, gantry_normalizer *norm, const gjd_unit *u,
                       uint64_t covered) {
    if (u->kind == GJD_UNSPLIT)
        return feed_unsplit(run, norm, u, covered);
    if (u->kind == GJD_LINE) {
        run->stats.lines++;
        if (u->text != run->fast_tried && fast_line(run, norm, u))
            return covered > u->first_line ? covered : u->first_line;
        gantry_status st = gantry_normalizer_feed(norm, u->text, u->len, u->first_line);
        if (st != GANTRY_OK) {
            gmr_report_malformed(run, u->first_line, u->first_line, gantry_strerror(st));
            return covered > u->first_line ? covered : u->first_line;
        }
        return gmr_drain(run, norm, covered);
    }
    if (!run->group.open) {
        gantry_normalizer_finish(norm);
        covered = gmr_drain(run, norm, covered);
        run->group.open = 1;
        run->group.first = u->first_line;
        run->group.events = run->stats.events;
        run->group.malformed = run->stats.malformed;
        run->group.blank = run->stats.blank;
        run->group.joined = run->stats.joined;
    }
    run->group.last = u->last_line;
    if (u->kind == GJD_BAD)
        gmr_report_malformed(run, u->first_line, u->first_line, u->reason);
    else
        feed_document(run, norm, u);
    if (u->group_end) {
        close_group(run, norm);
        if (covered < u->last_line)
            covered = u->last_line;
    }
    return covered;
}

static void feed_units(match_run *run, gantry_normalizer *norm, gjd_splitter *split) {
    gjd_unit u;
    while (gjd_next(split, &u))
        gmr_feed_unit(run, norm, &u, 0);
    if (run->flush_each)
        fflush(stdout); /* nothing to write costs no system call */
}

int gmr_check_readable(match_run *run, const char *file) {
    return gmr_check_counts(file, run->stats.lines - run->file_start.lines,
                            run->stats.events - run->file_start.events,
                            run->stats.blank - run->file_start.blank);
}

int gmr_check_counts(const char *file, uint64_t lines, uint64_t events, uint64_t blank) {
    if (lines == 0 || events > 0 || blank == lines)
        return 0;
    fprintf(stderr,
            "gantry match: %s: no event could be read from its %llu lines (not a known format, "
            "or compressed in a form gantry does not read)\n",
            file, (unsigned long long)lines);
    return -1;
}

int gmr_match_file(match_run *run, const char *path) {
    const char *error = NULL;
    gin_reader *reader = gin_open(path, run->cfg->max_line_bytes, &error);
    if (!reader) {
        fprintf(stderr, "gantry match: %s: %s\n", path, error);
        return -1;
    }
    gantry_normalizer *norm = gmr_normalizer(run);
    gjd_splitter *split = gmr_splitter(run);
    if (!norm || !split) {
        fprintf(stderr, "gantry match: out of memory\n");
        gantry_normalizer_free(norm);
        gjd_free(split);
        gin_close(reader);
        return -1;
    }
    gjd_reset(split, gmr_documents_allowed(run));
    gjd_defer(split, 1); /* JSON lines: the reader before the splitter (feed_unsplit) */
    run->file = strcmp(path, "-") == 0 ? "<stdin>" : path;
    gmo_set_file(run->printer, run->file);
    uint64_t line_no = 0;
    run->file_start.events = run->stats.events;
    run->file_start.blank = run->stats.blank;
    run->file_start.lines = run->stats.lines;
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
        int failed =
            r == GIN_TOO_LONG ? gjd_too_long(split, line_no) : gjd_line(split, line, len, line_no);
        if (failed) {
            fprintf(stderr, "gantry match: out of memory\n");
            rc = -1;
            break;
        }
        feed_units(run, norm, split);
        if (run->progress && (line_no & 0x3FFF) == 0)
            gmr_show_progress(run, gin_bytes(reader));
    }
    gjd_end(split);
    feed_units(run, norm, split);
    gantry_normalizer_finish(norm);
    gmr_drain(run, norm, 0);
    run->stats.bytes += gin_bytes(reader);
    run->stats.files++;
    if (rc == 0 && gmr_check_readable(run, run->file) != 0) {
        run->unreadable++;
        rc = -1;
    }
    gantry_normalizer_free(norm);
    gjd_free(split);
    gin_close(reader);
    return rc;
}
