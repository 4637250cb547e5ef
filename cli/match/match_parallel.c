/* SPDX-License-Identifier: Apache-2.0 */
/* `gantry match -j N`: chunks of input lines matched by worker threads.
 *
 * The calling thread reads every file in order and cuts it into chunks of
 * whole lines, without copying them: a chunk holds the reader's blocks its
 * lines lie in (input.h). Workers normalize and match chunks, each with its
 * own normalizer, matcher and printer writing into memory; the calling
 * thread merges finished chunks strictly in input order, so output,
 * messages and statistics are those of -j 1. Several inputs merged by event
 * time for correlations take another schedule over the same chunks
 * (match_pmerge.c).
 *
 * Correlations: a worker keeps a copy of each event a correlation uses (only
 * the fields the stage reads: gantry_correlator_copy_event) and
 * where in its chunk's output the feed belongs; the merger feeds the
 * correlation stage there, so correlation state follows input order and the
 * output is that of -j 1.
 *
 * A normalizer joins some lines (a dockerd call and its form data, a
 * Dashboard body). A worker starts each chunk with a fresh normalizer, which
 * is exact unless the previous chunk ended with a line held back for a
 * continuation. Such a chunk hands its unfinished normalizer to the merger,
 * which then matches the next chunk again itself, continuing that
 * normalizer, and throws the worker's result for it away. Module prefix:
 * gmr_ (match_run.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cjson_arena.h"
#include "gantry_cjson.h"
#include "match_parallel.h"

#define CHUNK_BYTES (512u * 1024u)
#define CHUNK_LINES 4096u

void gmr_chunk_free(gmr_chunk *c) {
    if (!c)
        return;
    for (size_t i = 0; i < c->nblocks; i++)
        gin_block_release(c->blocks[i]);
    free(c->blocks);
    free(c->data);
    free(c->lines);
    free(c->steps);
    free(c->events);
    free(c->read_error);
    free(c->out);
    free(c->notes);
    free(c->mnotes);
    gmo_stats_free(&c->stats);
    gantry_normalizer_free(c->held);
    gmr_feeds_clear(&c->feeds);
    free(c);
}

static int grow(void **items, size_t *cap, size_t count, size_t size, size_t first) {
    if (count < *cap)
        return 0;
    size_t n = *cap ? *cap * 2 : first;
    void *p = realloc(*items, n * size);
    if (!p)
        return -1;
    *items = p;
    *cap = n;
    return 0;
}

/* The unit's text is kept by reference when it lies in `line` (given only
 * when the chunk holds the reader's block of that line), else copied. */
static int chunk_add_unit(gmr_chunk *c, const gjd_unit *u, const char *line, size_t line_len) {
    if (grow((void **)&c->lines, &c->lines_cap, c->nlines, sizeof *c->lines, 256) != 0)
        return -1;
    size_t need = u->kind == GJD_BAD ? 0 : u->len;
    gmr_chunk_line *l = &c->lines[c->nlines];
    *l = (gmr_chunk_line){NULL,         0,         need,        u->kind, u->first_line,
                          u->last_line, u->reason, u->group_end};
    uintptr_t at = (uintptr_t)u->text, from = (uintptr_t)line;
    if (need && line && at >= from && at + need <= from + line_len) {
        l->ext = u->text;
    } else if (need) {
        if (c->data_cap - c->data_len < need) {
            size_t cap = c->data_cap ? c->data_cap : 64 * 1024;
            while (cap - c->data_len < need)
                cap *= 2;
            char *p = realloc(c->data, cap);
            if (!p)
                return -1;
            c->data = p;
            c->data_cap = cap;
        }
        memcpy(c->data + c->data_len, u->text, need);
        l->off = c->data_len;
        c->data_len += need;
    }
    c->nlines++;
    return 0;
}

/* Takes the splitter's units of one input line (or of its end). The line
 * is referenced when the reader can lend its block. */
static int add_units(gmr_chunk *c, gjd_splitter *split, gin_reader *reader, const char *line,
                     size_t len) {
    gjd_unit u;
    int lent = 0;
    uintptr_t from = (uintptr_t)line, to = from + len;
    while (gjd_next(split, &u)) {
        c->text_bytes += u.len;
        uintptr_t at = (uintptr_t)u.text;
        int in_line = u.kind != GJD_BAD && u.len && at >= from && at + u.len <= to;
        if (!lent && reader && in_line) {
            gin_block *b = gin_hold(reader);
            if (b) {
                if (c->nblocks && c->blocks[c->nblocks - 1] == b) {
                    gin_block_release(b); /* held already */
                } else if (grow((void **)&c->blocks, &c->blocks_cap, c->nblocks, sizeof *c->blocks,
                                16) != 0) {
                    gin_block_release(b);
                    return -1;
                } else {
                    c->blocks[c->nblocks++] = b;
                }
                lent = 1;
            }
        }
        if (chunk_add_unit(c, &u, lent ? line : NULL, len) != 0)
            return -1;
    }
    return 0;
}

static int add_step(gmr_chunk *c) {
    if (grow((void **)&c->steps, &c->steps_cap, c->nsteps, sizeof *c->steps, 256) != 0)
        return -1;
    c->steps[c->nsteps++] = (gmr_step){c->nlines, 0, 0, 0};
    return 0;
}

/* The event hook of a worker in a time-merged run: the event is matched at
 * once, its output and messages recorded for the merger to place. */
static gantry_status record_event(void *user, const gantry_item *item) {
    match_run *run = user;
    gmr_worker *w = run->collecting;
    gmr_chunk *c = w->recording;
    if (grow((void **)&c->events, &c->events_cap, c->nevents, sizeof *c->events, 256) != 0)
        return GANTRY_E_NOMEM;
    off_t out = ftello(w->out), mnotes = ftello(w->mnotes);
    gmr_event_rec *e = &c->events[c->nevents];
    e->time_ns = gmr_event_time(gantry_event_cjson(item->event));
    e->first_line = item->first_line;
    e->out_begin = (size_t)out;
    e->feeds_begin = w->feeds.count;
    e->mnotes_begin = (size_t)mnotes;
    run->notes = w->mnotes;
    gmr_match_item(run, item);
    run->notes = w->notes;
    e->out_end = (size_t)ftello(w->out);
    e->feeds_end = w->feeds.count;
    e->mnotes_end = (size_t)ftello(w->mnotes);
    c->nevents++;
    return GANTRY_OK;
}

static char *take_buffer(FILE *f, const char *buf, size_t size) {
    char *copy = malloc(size + 1);
    if (copy)
        memcpy(copy, buf, size);
    fseeko(f, 0, SEEK_SET);
    return copy;
}

/* Normalizes and matches one chunk with w's matcher and printer, continuing
 * `norm` when given (else a fresh one). Fills the chunk's result. Returns 0,
 * or -1 when memory ran out. */
static int chunk_run(gmr_worker *w, gmr_chunk *c, gantry_normalizer *norm, char **files) {
    match_run *run = &w->run;
    gmr_feeds_clear(&w->feeds);
    memset(run->stats.per_rule, 0, run->stats.rule_count * sizeof *run->stats.per_rule);
    uint64_t *per_rule = run->stats.per_rule;
    size_t rule_count = run->stats.rule_count;
    memset(&run->stats, 0, sizeof run->stats);
    run->stats.per_rule = per_rule;
    run->stats.rule_count = rule_count;
    run->file = strcmp(files[c->file], "-") == 0 ? "<stdin>" : files[c->file];
    gmo_set_file(run->printer, run->file);
    if (gmr_use_file_logsource(run, c->file, files[c->file]) != 0) {
        gantry_normalizer_free(norm);
        return -1;
    }
    if (!norm && !(norm = gmr_normalizer(run)))
        return -1;
    gdr_hooks saved = run->hooks;
    if (c->merged) {
        c->nevents = 0;
        w->recording = c;
        run->collecting = w;
        run->hooks.event = record_event;
    }
    uint64_t covered = c->first_line - 1; /* last line an item accounted for */
    uint64_t line_no = c->first_line - 1;
    size_t i = 0;
    /* a run over one input is one step */
    size_t nsteps = c->merged ? c->nsteps : 1;
    for (size_t k = 0; k < nsteps; k++) {
        size_t end = c->merged ? c->steps[k].unit_end : c->nlines;
        for (; i < end; i++) {
            const gmr_chunk_line *l = &c->lines[i];
            gjd_unit u = {l->kind,      l->ext ? l->ext : c->data + l->off,
                          l->len,       l->first_line,
                          l->last_line, l->reason,
                          l->group_end};
            line_no = l->last_line;
            covered = gmr_feed_unit(run, norm, &u, covered);
        }
        if (c->last && k + 1 == nsteps) {
            gantry_normalizer_finish(norm);
            gmr_drain(run, norm, covered);
        }
        if (c->merged) {
            c->steps[k].events_end = c->nevents;
            c->steps[k].notes_end = (size_t)ftello(w->notes);
            c->steps[k].group_open = run->group.open;
        }
    }
    run->hooks = saved;
    run->collecting = NULL;
    w->recording = NULL;
    if (c->last || covered >= line_no)
        gantry_normalizer_free(norm);
    else
        c->held = norm; /* a line is held back: the merger continues from here */
    norm = NULL;
    if (fflush(w->out) != 0 || fflush(w->notes) != 0 || fflush(w->mnotes) != 0)
        return -1;
    free(c->out);
    free(c->notes);
    free(c->mnotes);
    c->out_len = w->out_size;
    c->notes_len = w->notes_size;
    c->mnotes_len = w->mnotes_size;
    c->out = take_buffer(w->out, w->out_buf, w->out_size);
    c->notes = take_buffer(w->notes, w->notes_buf, w->notes_size);
    c->mnotes = take_buffer(w->mnotes, w->mnotes_buf, w->mnotes_size);
    gmo_stats_free(&c->stats);
    if (!c->out || !c->notes || !c->mnotes || gmo_stats_init(&c->stats, rule_count) != 0)
        return -1;
    gmr_feeds_clear(&c->feeds);
    c->feeds = w->feeds; /* the chunk takes them; offsets are into c->out */
    w->feeds.items = NULL;
    w->feeds.count = w->feeds.cap = 0;
    uint64_t *keep = c->stats.per_rule;
    c->stats = run->stats;
    c->stats.per_rule = keep;
    memcpy(keep, run->stats.per_rule, rule_count * sizeof *keep);
    return 0;
}

static void *worker_main(void *arg) {
    gmr_worker *w = arg;
    gmr_parallel *p = w->par;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->stop && !p->work_head)
            pthread_cond_wait(&p->work, &p->lock);
        if (p->stop)
            break;
        gmr_chunk *c = p->work_head;
        p->work_head = c->next_work;
        if (!p->work_head)
            p->work_tail = NULL;
        pthread_mutex_unlock(&p->lock);
        int rc = chunk_run(w, c, NULL, p->files);
        pthread_mutex_lock(&p->lock);
        c->done = rc == 0 ? 1 : -1;
        pthread_cond_broadcast(&p->finished);
    }
    pthread_mutex_unlock(&p->lock);
    gca_thread_end();
    return NULL;
}

static int worker_init(gmr_worker *w, gmr_parallel *par) {
    match_run *parent = par->run;
    memset(w, 0, sizeof *w);
    w->par = par;
    w->out = open_memstream(&w->out_buf, &w->out_size);
    w->notes = open_memstream(&w->notes_buf, &w->notes_size);
    w->mnotes = open_memstream(&w->mnotes_buf, &w->mnotes_size);
    if (!w->out || !w->notes || !w->mnotes)
        return -1;
    if (gmr_init(&w->run, parent->cfg, parent->packs, parent->pack_count, w->out) != 0)
        return -1;
    w->run.notes = w->notes;
    for (size_t k = 0; k < parent->pack_count; k++)
        if (parent->packs[k].correlator)
            w->run.feeds = &w->feeds;
    w->feeds.out = w->out;
    return 0;
}

static void worker_release(gmr_worker *w) {
    gmr_release(&w->run);
    gmr_feeds_clear(&w->feeds);
    if (w->out)
        fclose(w->out);
    if (w->notes)
        fclose(w->notes);
    if (w->mnotes)
        fclose(w->mnotes);
    free(w->out_buf);
    free(w->notes_buf);
    free(w->mnotes_buf);
}

uint64_t gmr_emit_notes(match_run *run, const char *text, size_t len) {
    uint64_t malformed = 0;
    for (size_t i = 0; i < len;) {
        const char *end = memchr(text + i, '\n', len - i);
        size_t n = end ? (size_t)(end - (text + i)) + 1 : len - i;
        int kind = text[i];
        uint64_t *count = kind == GDR_MALFORMED     ? &run->stats.malformed
                          : kind == GDR_REGEX_LIMIT ? &run->stats.regex_limit
                                                    : &run->stats.match_errors;
        malformed += kind == GDR_MALFORMED;
        if (gmr_note_shown(run, kind, ++*count))
            fwrite(text + i + 1, 1, n - 1, stderr);
        i += n;
    }
    return malformed;
}

void gmr_add_stats(match_run *run, const gmr_chunk *c, uint64_t notes_malformed) {
    /* the counts the notes advanced one by one are left out; the rest add up */
    const gmo_stats *d = &c->stats;
    gmo_stats *s = &run->stats;
    s->lines += d->lines;
    s->events += d->events;
    s->blank += d->blank;
    s->joined += d->joined;
    /* a group of documents counts its malformed elements as one unit or in
     * unpacked_malformed: the chunk's own count is the right one (modulo
     * 2^64 the sum is exact even when it is below the notes') */
    s->malformed += d->malformed - notes_malformed;
    s->unpacked += d->unpacked;
    s->unpacked_malformed += d->unpacked_malformed;
    s->matched_events += d->matched_events;
    s->outside_window += d->outside_window;
    s->excluded += d->excluded;
    s->matches += d->matches;
    for (size_t r = 0; r < s->rule_count; r++)
        s->per_rule[r] += d->per_rule[r];
}

void gmr_emit_output(match_run *run, const gmr_chunk *c, size_t begin, size_t end, size_t from,
                     size_t to) {
    const char *name = run->file;
    size_t pos = begin;
    for (size_t i = from; i < to; i++) {
        const gmr_feed *f = &c->feeds.items[i];
        fwrite(c->out + pos, 1, f->out_offset - pos, stdout);
        pos = f->out_offset;
        gmr_pack *pk = &run->packs[f->pack];
        gantry_correlator_feed(pk->correlator, f->rule, gantry_event_from_cjson(f->event),
                               GANTRY_TIME_FROM_EVENT, name, f->line, gco_on_match, &pk->corr_sink);
    }
    fwrite(c->out + pos, 1, end - pos, stdout);
}

/* Adds a merged chunk to the run: output with the correlation feeds where
 * -j 1 makes them, messages (with the global limit on how many are shown)
 * and statistics. */
static void chunk_emit(match_run *run, const gmr_chunk *c, char **files) {
    if (c->first_line == 1) {
        run->file_start.events = run->stats.events;
        run->file_start.blank = run->stats.blank;
        run->file_start.lines = run->stats.lines;
    }
    run->file = strcmp(files[c->file], "-") == 0 ? "<stdin>" : files[c->file];
    gmr_emit_output(run, c, 0, c->out_len, 0, c->feeds.count);
    uint64_t notes_malformed = gmr_emit_notes(run, c->notes, c->notes_len);
    gmr_add_stats(run, c, notes_malformed);
    if (c->last && gmr_check_readable(run, run->file) != 0)
        run->unreadable++;
}

int gmr_par_start(gmr_parallel *par, match_run *run, char **files) {
    unsigned jobs = run->cfg->jobs;
    par->run = run;
    par->files = files;
    par->cap = (size_t)jobs * 4;
    par->chunk_lines = run->cfg->chunk_lines ? run->cfg->chunk_lines : CHUNK_LINES;
    par->workers = calloc(jobs, sizeof *par->workers);
    if (!par->workers)
        return -1;
    if (pthread_mutex_init(&par->lock, NULL) != 0) {
        free(par->workers);
        return -1;
    }
    pthread_cond_init(&par->work, NULL);
    pthread_cond_init(&par->finished, NULL);
    for (; par->nworkers < jobs; par->nworkers++) {
        gmr_worker *w = &par->workers[par->nworkers];
        if (worker_init(w, par) != 0 || pthread_create(&w->thread, NULL, worker_main, w) != 0) {
            worker_release(w);
            gmr_par_stop(par);
            return -1;
        }
    }
    return 0;
}

void gmr_par_stop(gmr_parallel *par) {
    pthread_mutex_lock(&par->lock);
    par->stop = 1;
    pthread_cond_broadcast(&par->work);
    pthread_mutex_unlock(&par->lock);
    for (unsigned i = 0; i < par->nworkers; i++) {
        pthread_join(par->workers[i].thread, NULL);
        worker_release(&par->workers[i]);
    }
    /* chunks no worker took after a failure belong to the caller's lists */
    par->work_head = par->work_tail = NULL;
    if (par->merger_ready)
        worker_release(&par->merger);
    free(par->workers);
    pthread_cond_destroy(&par->work);
    pthread_cond_destroy(&par->finished);
    pthread_mutex_destroy(&par->lock);
}

void gmr_par_submit(gmr_parallel *par, gmr_chunk *c) {
    pthread_mutex_lock(&par->lock);
    c->next_work = NULL;
    if (par->work_tail)
        par->work_tail->next_work = c;
    else
        par->work_head = c;
    par->work_tail = c;
    par->outstanding++;
    pthread_cond_signal(&par->work);
    pthread_mutex_unlock(&par->lock);
}

int gmr_par_wait(gmr_parallel *par, gmr_chunk *c) {
    pthread_mutex_lock(&par->lock);
    while (!c->done)
        pthread_cond_wait(&par->finished, &par->lock);
    int rc = c->done < 0 ? -1 : 0;
    pthread_mutex_unlock(&par->lock);
    return rc;
}

int gmr_par_rerun(gmr_parallel *par, gmr_chunk *c, gantry_normalizer *carry) {
    gantry_normalizer_free(c->held);
    c->held = NULL;
    if (!par->merger_ready) {
        par->merger_ready = 1;
        if (worker_init(&par->merger, par) != 0) {
            gantry_normalizer_free(carry);
            return -1;
        }
    }
    return chunk_run(&par->merger, c, carry, par->files);
}

void gmr_par_release(gmr_parallel *par, gmr_chunk *c) {
    gmr_chunk_free(c);
    par->outstanding--;
}

int gmr_source_open(gmr_parallel *par, gmr_source_reader *s, size_t index, const char **error) {
    memset(s, 0, sizeof *s);
    s->index = index;
    s->eof = 1;
    if (!(s->reader = gin_open(par->files[index], par->run->cfg->max_line_bytes, error)))
        return 1;
    if (!(s->split = gmr_splitter(par->run))) {
        gin_close(s->reader);
        s->reader = NULL;
        return -1;
    }
    gjd_reset(s->split, gmr_documents_allowed(par->run));
    /* JSON lines are scanned once on the workers, not first here: this
     * thread only cuts lines, so it does not hold -j N back */
    gjd_defer(s->split, 1);
    s->eof = 0;
    return 0;
}

void gmr_source_close(gmr_source_reader *s) {
    gjd_free(s->split);
    gin_close(s->reader);
    s->split = NULL;
    s->reader = NULL;
}

gmr_chunk *gmr_source_chunk(gmr_parallel *par, gmr_source_reader *s, int merged) {
    gmr_chunk *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->file = s->index;
    c->first_line = s->line_no + 1;
    c->merged = merged;
    const char *file = strcmp(par->files[s->index], "-") == 0 ? "<stdin>" : par->files[s->index];
    for (;;) {
        const char *line;
        size_t len;
        gin_result r = gin_next(s->reader, &line, &len);
        if (r == GIN_EOF || r == GIN_ERROR) {
            if (r == GIN_ERROR) {
                char msg[512];
                snprintf(msg, sizeof msg, "gantry match: %s: after line %llu: %s\n", file,
                         (unsigned long long)s->line_no, gin_error(s->reader));
                if (!(c->read_error = strdup(msg)))
                    goto nomem;
            }
            gjd_end(s->split);
            if (add_units(c, s->split, NULL, NULL, 0) != 0 || (merged && add_step(c) != 0))
                goto nomem;
            par->run->stats.bytes += gin_bytes(s->reader);
            par->run->stats.files++;
            c->last = 1;
            s->eof = 1;
            return c;
        }
        s->line_no++;
        if ((r == GIN_TOO_LONG ? gjd_too_long(s->split, s->line_no)
                               : gjd_line(s->split, line, len, s->line_no)) != 0 ||
            add_units(c, s->split, r == GIN_LINE ? s->reader : NULL, line, len) != 0 ||
            (merged && add_step(c) != 0))
            goto nomem;
        /* a document still open stays in this chunk */
        if (!gjd_open(s->split) && (c->nlines >= par->chunk_lines ||
                                    c->nsteps >= par->chunk_lines || c->text_bytes >= CHUNK_BYTES))
            return c;
    }
nomem:
    gmr_chunk_free(c);
    return NULL;
}

/* ---- inputs one after another ---------------------------------------- */

typedef struct in_order {
    gmr_chunk *head, *tail; /* submitted, to merge in this order */
    gantry_normalizer *carry;
} in_order;

/* Merges the oldest chunk in flight. Returns 0, or -1 when a worker ran out
 * of memory. */
static int merge_one(gmr_parallel *par, in_order *q) {
    gmr_chunk *c = q->head;
    q->head = c->next_src;
    if (!q->head)
        q->tail = NULL;
    int rc = gmr_par_wait(par, c);
    if (rc == 0 && q->carry) {
        gantry_normalizer *norm = q->carry;
        q->carry = NULL;
        rc = gmr_par_rerun(par, c, norm);
    }
    if (rc == 0) {
        chunk_emit(par->run, c, par->files);
        q->carry = c->held;
        c->held = NULL;
        if (par->run->progress)
            gmr_show_progress(par->run, 0);
    }
    gmr_par_release(par, c);
    return rc;
}

static int merge_all(gmr_parallel *par, in_order *q) {
    while (q->head)
        if (merge_one(par, q) != 0)
            return -1;
    return 0;
}

/* Reads one file into chunks. Returns 0, 1 when the file could not be read
 * (reported), or -1 when memory ran out. */
static int read_file_chunks(gmr_parallel *par, in_order *q, size_t index) {
    gmr_source_reader s;
    const char *error = NULL;
    int r = gmr_source_open(par, &s, index, &error);
    if (r != 0) {
        if (r < 0 || merge_all(par, q) != 0)
            return -1;
        fprintf(stderr, "gantry match: %s: %s\n", par->files[index], error);
        return 1;
    }
    int rc = 0;
    while (!s.eof) {
        gmr_chunk *c = gmr_source_chunk(par, &s, 0);
        if (!c) {
            rc = -1;
            break;
        }
        while (par->outstanding >= par->cap && rc == 0)
            rc = merge_one(par, q);
        if (rc != 0) {
            gmr_chunk_free(c);
            break;
        }
        c->next_src = NULL;
        if (q->tail)
            q->tail->next_src = c;
        else
            q->head = c;
        q->tail = c;
        gmr_par_submit(par, c);
        if (c->read_error) {
            /* said after the lines before it, as -j 1 does */
            if (merge_all(par, q) != 0) {
                rc = -1;
                break;
            }
            fputs(c->read_error, stderr);
            rc = 1;
        }
    }
    gmr_source_close(&s);
    return rc;
}

/* Returns 0, 1 when some input could not be read, -1 on failure to run. */
int gmr_match_parallel(match_run *run, char **files, long file_count) {
    gmr_parallel par = {0};
    if (gmr_par_start(&par, run, files) != 0)
        return -1;
    in_order q = {0};
    int rc = 0;
    for (long i = 0; i < file_count && rc >= 0; i++) {
        int r = read_file_chunks(&par, &q, (size_t)i);
        rc = r < 0 ? -1 : (rc | r);
    }
    if (rc >= 0 && merge_all(&par, &q) != 0)
        rc = -1;
    gmr_par_stop(&par);
    /* chunks left in flight after a failure: the workers are gone */
    while (q.head) {
        gmr_chunk *c = q.head;
        q.head = c->next_src;
        gmr_chunk_free(c);
    }
    gantry_normalizer_free(q.carry);
    return rc;
}
