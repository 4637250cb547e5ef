/* SPDX-License-Identifier: Apache-2.0 */
/* `gantry match -j N` over several inputs merged by event time (a pack with
 * correlations): the output of -j 1's merge (match_merge.c), byte for byte,
 * with the matching on the worker threads.
 *
 * Workers normalize and match chunks of each input as they do for one
 * input, and record what -j 1 would do line by line: for each input line
 * (a step) its messages and its events, and for each event its time, its
 * output and the correlation feeds within it. The calling thread then
 * replays -j 1's merge over these records: it reads an input ahead step by
 * step until an event waits, writes out the earliest waiting event of all
 * inputs and feeds the correlation stage there. Only the order and the
 * placing are the calling thread's; the work is the workers'.
 *
 * Memory: each input keeps the chunk it is being replayed from (its events
 * wait there); the calling thread reads at most two chunks ahead per input,
 * and the input being drained 2 a thread + 2 (top_up). Module prefix: gmr_ (match_run.h). */
#include <stdlib.h>
#include <string.h>

#include "match_parallel.h"

typedef struct queued {
    gmr_chunk *chunk;
    size_t event;
} queued;

typedef struct psource {
    const char *name;
    gmr_source_reader rd;
    const char *open_error; /* could not be opened: said in -j 1's place */
    gmr_chunk *head, *tail; /* submitted chunks not yet freed, in input order */
    gmr_chunk *stepping;    /* the first chunk not replayed to its end */
    size_t ahead;           /* submitted chunks not yet replayed from */
    gantry_normalizer *carry;
    queued *queue;
    size_t qhead, qcount, qcap;
    int done, failed;
    uint64_t lines, events, blank; /* this input's share of the accounting */
} psource;

typedef struct pmerge {
    gmr_parallel par;
    match_run *run;
    psource *src;
    long count;
} pmerge;

static int read_ahead(pmerge *m, psource *s) {
    gmr_chunk *c = gmr_source_chunk(&m->par, &s->rd, 1);
    if (!c)
        return -1;
    c->next_src = NULL;
    if (s->tail)
        s->tail->next_src = c;
    else
        s->head = c;
    s->tail = c;
    if (!s->stepping)
        s->stepping = c;
    s->ahead++;
    gmr_par_submit(&m->par, c);
    return 0;
}

static int earlier(const psource *a, const psource *b);

/* The input the merge takes events from now (the earliest waiting event),
 * or NULL when none waits. */
static psource *draining(pmerge *m) {
    psource *d = NULL;
    for (long i = 0; i < m->count; i++) {
        psource *s = &m->src[i];
        if (s->qcount && (!d || earlier(s, d)))
            d = s;
    }
    return d;
}

/* Keeps the workers busy: reads ahead the inputs with the fewest chunks
 * waiting, two each, and the input being drained further, as far as the
 * pool's bound allows. The bound leaves that input room beyond what the
 * others hold: inputs whose events come later in time would otherwise fill
 * the pool with finished chunks while the workers wait for the one input
 * the merge needs (time-sorted files: one after another). */
static int top_up(pmerge *m) {
    psource *drain = draining(m);
    size_t deep = 2 * (size_t)m->par.nworkers + 2;
    while (m->par.outstanding < m->par.cap) {
        psource *best = NULL;
        for (long i = 0; i < m->count; i++) {
            psource *s = &m->src[i];
            size_t limit = s == drain ? deep : 2;
            if (!s->rd.eof && s->ahead < limit && (!best || s->ahead < best->ahead))
                best = s;
        }
        if (!best)
            return 0;
        if (read_ahead(m, best) != 0)
            return -1;
    }
    return 0;
}

/* Frees the chunks of s that are replayed and whose events are all out. */
static void release_done(pmerge *m, psource *s) {
    while (s->head && s->head != s->stepping && s->head->unpopped == 0) {
        gmr_chunk *c = s->head;
        s->head = c->next_src;
        if (!s->head)
            s->tail = NULL;
        gmr_par_release(&m->par, c);
    }
}

/* The chunk s is replayed from, finished by a worker (or again here after
 * a held line). NULL when memory ran out. */
static gmr_chunk *stepping_chunk(pmerge *m, psource *s) {
    if (!s->stepping && read_ahead(m, s) != 0)
        return NULL;
    gmr_chunk *c = s->stepping;
    if (c->started)
        return c;
    if (gmr_par_wait(&m->par, c) != 0)
        return NULL;
    if (s->carry) {
        gantry_normalizer *norm = s->carry;
        s->carry = NULL;
        if (gmr_par_rerun(&m->par, c, norm) != 0)
            return NULL;
    }
    s->carry = c->held;
    c->held = NULL;
    c->started = 1;
    s->ahead--;
    s->lines += c->stats.lines;
    s->events += c->stats.events;
    s->blank += c->stats.blank;
    return c;
}

static int enqueue(psource *s, gmr_chunk *c, size_t event) {
    if (s->qhead + s->qcount == s->qcap) {
        if (s->qhead > 0) {
            memmove(s->queue, s->queue + s->qhead, s->qcount * sizeof *s->queue);
            s->qhead = 0;
        } else {
            size_t cap = s->qcap ? s->qcap * 2 : 64;
            queued *q = realloc(s->queue, cap * sizeof *q);
            if (!q)
                return -1;
            s->queue = q;
            s->qcap = cap;
        }
    }
    s->queue[s->qhead + s->qcount++] = (queued){c, event};
    c->unpopped++;
    return 0;
}

/* -j 1's advance (match_merge.c) over the records: steps of s are replayed
 * until an event waits or the input ends. Returns 0, 1 when the input
 * failed (reported), -1 when memory ran out. */
static int advance(pmerge *m, psource *s) {
    match_run *run = m->run;
    int group_open = 0, rc = 0;
    run->file = s->name;
    while ((s->qcount == 0 || group_open) && !s->done) {
        gmr_chunk *c = stepping_chunk(m, s);
        if (!c)
            return -1;
        const gmr_step *st = &c->steps[c->step_pos];
        int final = c->last && c->step_pos + 1 == c->nsteps;
        if (final && c->read_error) {
            fputs(c->read_error, stderr);
            s->failed = 1;
            rc = 1;
        }
        c->notes_malformed +=
            gmr_emit_notes(run, c->notes + c->notes_pos, st->notes_end - c->notes_pos);
        c->notes_pos = st->notes_end;
        for (; c->event_pos < st->events_end; c->event_pos++)
            if (enqueue(s, c, c->event_pos) != 0)
                return -1;
        group_open = st->group_open;
        if (++c->step_pos == c->nsteps) {
            gmr_add_stats(run, c, c->notes_malformed);
            s->stepping = c->next_src;
            release_done(m, s);
        }
        if (final)
            s->done = 1;
    }
    if (s->done && rc == 0 && gmr_check_counts(s->name, s->lines, s->events, s->blank) != 0) {
        run->unreadable++;
        rc = 1;
    }
    return rc;
}

/* The order of events: by time, then by input name and line (as -j 1). */
static int earlier(const psource *a, const psource *b) {
    const queued *qa = &a->queue[a->qhead], *qb = &b->queue[b->qhead];
    const gmr_event_rec *x = &qa->chunk->events[qa->event], *y = &qb->chunk->events[qb->event];
    if (x->time_ns != y->time_ns)
        return x->time_ns < y->time_ns;
    int c = strcmp(a->name, b->name);
    return c != 0 ? c < 0 : x->first_line < y->first_line;
}

static int merge(pmerge *m) {
    match_run *run = m->run;
    int rc = 0;
    for (long i = 0; i < m->count && rc >= 0; i++) {
        psource *s = &m->src[i];
        if (s->open_error) {
            fprintf(stderr, "gantry match: %s: %s\n", m->par.files[i], s->open_error);
            rc = 1;
            continue;
        }
        int r = advance(m, s);
        rc = r < 0 ? -1 : (rc | r);
        if (rc >= 0 && top_up(m) != 0)
            rc = -1;
    }
    int64_t latest = INT64_MIN;
    while (rc >= 0) {
        psource *next = NULL;
        for (long i = 0; i < m->count; i++) {
            psource *s = &m->src[i];
            if (s->qcount && (!next || earlier(s, next)))
                next = s;
        }
        if (!next)
            break;
        queued q = next->queue[next->qhead++];
        if (--next->qcount == 0)
            next->qhead = 0;
        const gmr_event_rec *e = &q.chunk->events[q.event];
        if (e->time_ns != INT64_MIN) {
            if (e->time_ns < latest)
                run->stats.out_of_order++; /* out of order within its own input */
            else
                latest = e->time_ns;
        }
        run->file = next->name;
        gmr_emit_output(run, q.chunk, e->out_begin, e->out_end, e->feeds_begin, e->feeds_end);
        gmr_emit_notes(run, q.chunk->mnotes + e->mnotes_begin, e->mnotes_end - e->mnotes_begin);
        q.chunk->unpopped--;
        release_done(m, next);
        if (run->flush_each)
            fflush(stdout);
        if (next->qcount == 0 && !next->done) {
            int r = advance(m, next);
            rc = r < 0 ? -1 : (rc | r);
        }
        if (rc >= 0 && top_up(m) != 0)
            rc = -1;
        if (run->progress && (run->stats.matched_events & 0xFFF) == 0)
            gmr_show_progress(run, 0);
    }
    return rc;
}

int gmr_match_parallel_merged(match_run *run, char **files, long file_count) {
    pmerge m = {.run = run, .count = file_count};
    m.src = calloc((size_t)file_count, sizeof *m.src);
    if (!m.src || gmr_par_start(&m.par, run, files) != 0) {
        free(m.src);
        return -1;
    }
    /* two chunks an input, and the drained input's read-ahead on top */
    m.par.cap = 2 * (size_t)file_count + 2 * (size_t)m.par.nworkers + 2;
    int rc = 0;
    for (long i = 0; i < file_count && rc >= 0; i++) {
        psource *s = &m.src[i];
        s->name = strcmp(files[i], "-") == 0 ? "<stdin>" : files[i];
        int r = gmr_source_open(&m.par, &s->rd, (size_t)i, &s->open_error);
        if (r < 0)
            rc = -1;
        else if (r > 0)
            s->done = 1;
        else
            s->open_error = NULL;
    }
    if (rc >= 0 && top_up(&m) != 0)
        rc = -1;
    if (rc >= 0)
        rc = merge(&m);
    gmr_par_stop(&m.par);
    for (long i = 0; i < file_count; i++) {
        psource *s = &m.src[i];
        while (s->head) {
            gmr_chunk *c = s->head;
            s->head = c->next_src;
            gmr_chunk_free(c);
        }
        gantry_normalizer_free(s->carry);
        free(s->queue);
        gmr_source_close(&s->rd);
    }
    free(m.src);
    return rc;
}
