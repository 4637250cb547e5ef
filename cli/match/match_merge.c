/* SPDX-License-Identifier: Apache-2.0 */
/* `gantry match` over several inputs in event time order, for packs with
 * correlations: a correlation sees an audit event in one file and a Falco
 * alert in another in the order they happened, whatever the file names.
 *
 * Each input is read ahead by one line (or one JSON document, or one joined
 * event) at a time: the events that line yields wait in its queue, and the
 * earliest queued event of all inputs (by @timestamp; ties go by input
 * name, so the order of the arguments does not matter) is matched next. Memory is one line's events
 * per input. Lines are accounted for as they are read, so the line accounting, the messages about
 * lines and the readability check are those of a plain run; only the order of the matches changes.
 * Events without a usable
 * @timestamp go out as soon as they are read. Module prefix: gmr_. */
#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "cjson_arena.h"
#include "gantry_cjson.h"
#include "match_run.h"

typedef struct pending {
    cJSON *event;
    uint64_t first_line, last_line;
    int64_t time_ns;
} pending;

typedef struct source {
    const char *name;
    gin_reader *reader;
    gjd_splitter *split;
    gantry_normalizer *norm;
    uint64_t line_no;
    pending *queue;
    size_t head, count, cap;
    int done;
    /* this input's share of the line accounting (for the readability check) */
    uint64_t lines, events, blank;
} source;

int64_t gmr_event_time(const cJSON *event) {
    const cJSON *ts = cJSON_GetObjectItemCaseSensitive(event, "@timestamp");
    int64_t ns;
    if (cJSON_IsString(ts) && ts->valuestring &&
        gantry_parse_time(ts->valuestring, strlen(ts->valuestring), &ns) == GANTRY_OK)
        return ns;
    if (cJSON_IsNumber(ts) && isfinite(ts->valuedouble) && fabs(ts->valuedouble) < 9e9)
        return (int64_t)(ts->valuedouble * 1e9);
    return INT64_MIN;
}

static gantry_status collect(void *user, const gantry_item *item) {
    match_run *run = user;
    source *s = run->collecting;
    if (s->head > 0 && s->head + s->count == s->cap) {
        memmove(s->queue, s->queue + s->head, s->count * sizeof *s->queue);
        s->head = 0;
    }
    if (s->head + s->count == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        pending *q = realloc(s->queue, cap * sizeof *q);
        if (!q)
            return GANTRY_E_NOMEM;
        s->queue = q;
        s->cap = cap;
    }
    int kept = gca_keep(1);
    cJSON *copy = cJSON_Duplicate(gantry_event_cjson(item->event), 1);
    gca_keep(kept);
    if (!copy)
        return GANTRY_E_NOMEM;
    s->queue[s->head + s->count++] =
        (pending){copy, item->first_line, item->last_line, gmr_event_time(copy)};
    return GANTRY_OK;
}

static void finish_source(match_run *run, source *s) {
    gjd_end(s->split);
    gjd_unit u;
    while (gjd_next(s->split, &u))
        gmr_feed_unit(run, s->norm, &u, 0);
    gantry_normalizer_finish(s->norm);
    gmr_drain(run, s->norm, 0);
    run->stats.bytes += gin_bytes(s->reader);
    run->stats.files++;
    s->done = 1;
}

/* Reads lines of `s` until an event waits in its queue (or the input ends),
 * never stopping inside a group of JSON documents. Returns 0, or 1 when the
 * input failed (reported). */
static int advance(match_run *run, source *s) {
    gdr_hooks saved = run->hooks;
    run->hooks.event = collect;
    run->collecting = s;
    run->file = s->name;
    uint64_t lines = run->stats.lines, events = run->stats.events, blank = run->stats.blank;
    int rc = 0;
    while ((s->count == 0 || run->group.open) && !s->done) {
        const char *line;
        size_t len;
        gin_result r = gin_next(s->reader, &line, &len);
        if (r == GIN_EOF || r == GIN_ERROR) {
            if (r == GIN_ERROR) {
                fprintf(stderr, "gantry match: %s: after line %llu: %s\n", s->name,
                        (unsigned long long)s->line_no, gin_error(s->reader));
                rc = 1;
            }
            finish_source(run, s);
            break;
        }
        s->line_no++;
        int failed = r == GIN_TOO_LONG ? gjd_too_long(s->split, s->line_no)
                                       : gjd_line(s->split, line, len, s->line_no);
        if (failed) {
            fprintf(stderr, "gantry match: out of memory\n");
            finish_source(run, s);
            rc = 1;
            break;
        }
        gjd_unit u;
        while (gjd_next(s->split, &u))
            gmr_feed_unit(run, s->norm, &u, 0);
    }
    s->lines += run->stats.lines - lines;
    s->events += run->stats.events - events;
    s->blank += run->stats.blank - blank;
    if (s->done && rc == 0) {
        /* the check compares with the counters at the input's start */
        run->file_start.lines = run->stats.lines - s->lines;
        run->file_start.events = run->stats.events - s->events;
        run->file_start.blank = run->stats.blank - s->blank;
        if (gmr_check_readable(run, s->name) != 0) {
            run->unreadable++;
            rc = 1;
        }
    }
    run->hooks = saved;
    run->collecting = NULL;
    return rc;
}

/* The order of events: by time, then by input name and line, so the
 * order the inputs were given in changes nothing. */
static int earlier(const source *a, const source *b) {
    const pending *x = &a->queue[a->head], *y = &b->queue[b->head];
    if (x->time_ns != y->time_ns)
        return x->time_ns < y->time_ns;
    int c = strcmp(a->name, b->name);
    return c != 0 ? c < 0 : x->first_line < y->first_line;
}

static void close_source(source *s) {
    for (size_t i = 0; i < s->count; i++)
        cJSON_Delete(s->queue[s->head + i].event);
    free(s->queue);
    gantry_normalizer_free(s->norm);
    gjd_free(s->split);
    gin_close(s->reader);
}

int gmr_match_merged(match_run *run, char **files, long file_count) {
    source *src = calloc((size_t)file_count, sizeof *src);
    if (!src)
        return -1;
    int rc = 0;
    for (long i = 0; i < file_count && rc >= 0; i++) {
        source *s = &src[i];
        const char *error = NULL;
        s->name = strcmp(files[i], "-") == 0 ? "<stdin>" : files[i];
        s->done = 1;
        if (!(s->reader = gin_open(files[i], run->cfg->max_line_bytes, &error))) {
            fprintf(stderr, "gantry match: %s: %s\n", files[i], error);
            rc = 1;
            continue;
        }
        s->norm = gmr_normalizer(run);
        s->split = gmr_splitter(run);
        if (!s->norm || !s->split) {
            rc = -1;
            break;
        }
        gjd_reset(s->split, gmr_documents_allowed(run));
        s->done = 0;
        if (advance(run, s) != 0)
            rc = rc < 0 ? rc : 1;
    }
    int64_t latest = INT64_MIN;
    while (rc >= 0) {
        source *next = NULL;
        for (long i = 0; i < file_count; i++) {
            source *s = &src[i];
            if (s->count && (!next || earlier(s, next)))
                next = s;
        }
        if (!next)
            break;
        pending p = next->queue[next->head++];
        if (--next->count == 0)
            next->head = 0;
        if (p.time_ns != INT64_MIN) {
            if (p.time_ns < latest)
                run->stats.out_of_order++; /* out of order within its own input */
            else
                latest = p.time_ns;
        }
        run->file = next->name;
        gmo_set_file(run->printer, run->file);
        /* the item only lends the event to the matchers, which read it */
        gantry_item item = {GANTRY_ITEM_EVENT, p.first_line, p.last_line,
                            (gantry_event *)gantry_event_from_cjson(p.event), NULL};
        gmr_match_item(run, &item);
        cJSON_Delete(p.event);
        if (run->flush_each)
            fflush(stdout);
        if (next->count == 0 && !next->done && advance(run, next) != 0)
            rc = 1;
        if (run->progress && (run->stats.matched_events & 0xFFF) == 0)
            gmr_show_progress(run, 0);
    }
    for (long i = 0; i < file_count; i++)
        close_source(&src[i]);
    free(src);
    return rc;
}
