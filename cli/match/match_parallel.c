/* SPDX-License-Identifier: Apache-2.0 */
/* `gantry match -j N`: chunks of input lines matched by worker threads.
 *
 * The calling thread reads every file in order and cuts it into chunks of
 * whole lines; workers normalize and match chunks, each with its own
 * normalizer, matcher and printer writing into memory; the calling thread
 * merges finished chunks strictly in input order, so output, messages and
 * statistics are those of -j 1.
 *
 * Correlations: a worker keeps a copy of each event a correlation uses and
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
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "gantry_cjson.h"
#include "match_run.h"

#define CHUNK_BYTES (512u * 1024u)
#define CHUNK_LINES 4096u

/* One unit of the splitter (jsondoc.h); its text is in the chunk's data. */
typedef struct chunk_line {
    size_t off, len;
    gjd_kind kind;
    uint64_t first_line, last_line;
    const char *reason;
    int group_end;
} chunk_line;

typedef struct chunk {
    /* input */
    size_t file;         /* index into the run's file list */
    uint64_t first_line; /* number of lines[0] in its file */
    char *data;
    size_t data_len, data_cap;
    chunk_line *lines;
    size_t nlines, lines_cap;
    int last; /* last chunk of its file: finish the normalizer */
    /* result */
    int done;
    char *out, *notes;
    size_t out_len, notes_len;
    gmo_stats stats;
    gantry_normalizer *held; /* unfinished normalizer holding a line */
    gmr_feeds feeds;         /* correlation feeds, in input order */
} chunk;

typedef struct worker {
    match_run run;
    gmr_feeds feeds;
    FILE *out, *notes;
    char *out_buf, *notes_buf;
    size_t out_size, notes_size;
    pthread_t thread;
    struct pool *pool;
} worker;

typedef struct pool {
    pthread_mutex_t lock;
    pthread_cond_t work, finished;
    chunk **ring;                 /* chunks in input order: [head, tail) in flight */
    size_t cap, head, tail, next; /* next: first chunk no worker has taken */
    int stop;
    char **files;
} pool;

static void chunk_free(chunk *c) {
    if (!c)
        return;
    free(c->data);
    free(c->lines);
    free(c->out);
    free(c->notes);
    gmo_stats_free(&c->stats);
    gantry_normalizer_free(c->held);
    gmr_feeds_clear(&c->feeds);
    free(c);
}

static int chunk_add_unit(chunk *c, const gjd_unit *u) {
    if (c->nlines == c->lines_cap) {
        size_t cap = c->lines_cap ? c->lines_cap * 2 : 256;
        chunk_line *p = realloc(c->lines, cap * sizeof *p);
        if (!p)
            return -1;
        c->lines = p;
        c->lines_cap = cap;
    }
    size_t need = u->kind == GJD_BAD ? 0 : u->len;
    if (c->data_cap - c->data_len < need) {
        size_t cap = c->data_cap ? c->data_cap : CHUNK_BYTES;
        while (cap - c->data_len < need)
            cap *= 2;
        char *p = realloc(c->data, cap);
        if (!p)
            return -1;
        c->data = p;
        c->data_cap = cap;
    }
    if (need)
        memcpy(c->data + c->data_len, u->text, need);
    c->lines[c->nlines++] = (chunk_line){c->data_len,  need,      u->kind,     u->first_line,
                                         u->last_line, u->reason, u->group_end};
    c->data_len += need;
    return 0;
}

static int add_units(chunk *c, gjd_splitter *split) {
    gjd_unit u;
    while (gjd_next(split, &u))
        if (chunk_add_unit(c, &u) != 0)
            return -1;
    return 0;
}

/* Normalizes and matches one chunk with w's matcher and printer, continuing
 * `norm` when given (else a fresh one). Fills the chunk's result. Returns 0,
 * or -1 when memory ran out. */
static int chunk_run(worker *w, chunk *c, gantry_normalizer *norm, char **files) {
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
    if (gmr_use_file_logsource(run, c->file, files[c->file]) != 0)
        return -1;
    if (!norm && !(norm = gmr_normalizer(run)))
        return -1;
    uint64_t covered = c->first_line - 1; /* last line an item accounted for */
    uint64_t line_no = c->first_line - 1;
    for (size_t i = 0; i < c->nlines; i++) {
        const chunk_line *l = &c->lines[i];
        gjd_unit u = {l->kind,      c->data + l->off, l->len,      l->first_line,
                      l->last_line, l->reason,        l->group_end};
        line_no = l->last_line;
        covered = gmr_feed_unit(run, norm, &u, covered);
    }
    if (c->last) {
        gantry_normalizer_finish(norm);
        gmr_drain(run, norm, covered);
        gantry_normalizer_free(norm);
        norm = NULL;
    } else if (covered < line_no) {
        c->held = norm; /* a line is held back: the merger continues from here */
        norm = NULL;
    } else {
        gantry_normalizer_free(norm);
        norm = NULL;
    }
    if (fflush(w->out) != 0 || fflush(w->notes) != 0)
        return -1;
    free(c->out);
    free(c->notes);
    c->out = malloc(w->out_size + 1);
    c->notes = malloc(w->notes_size + 1);
    gmo_stats_free(&c->stats);
    if (!c->out || !c->notes || gmo_stats_init(&c->stats, rule_count) != 0)
        return -1;
    memcpy(c->out, w->out_buf, w->out_size);
    gmr_feeds_clear(&c->feeds);
    c->feeds = w->feeds; /* the chunk takes them; offsets are into c->out */
    w->feeds.items = NULL;
    w->feeds.count = w->feeds.cap = 0;
    memcpy(c->notes, w->notes_buf, w->notes_size);
    c->out_len = w->out_size;
    c->notes_len = w->notes_size;
    uint64_t *keep = c->stats.per_rule;
    c->stats = run->stats;
    c->stats.per_rule = keep;
    memcpy(keep, run->stats.per_rule, rule_count * sizeof *keep);
    fseeko(w->out, 0, SEEK_SET);
    fseeko(w->notes, 0, SEEK_SET);
    return 0;
}

static void *worker_main(void *arg) {
    worker *w = arg;
    pool *p = w->pool;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->stop && p->next == p->tail)
            pthread_cond_wait(&p->work, &p->lock);
        if (p->stop)
            break;
        chunk *c = p->ring[p->next++ % p->cap];
        pthread_mutex_unlock(&p->lock);
        int rc = chunk_run(w, c, NULL, p->files);
        pthread_mutex_lock(&p->lock);
        c->done = rc == 0 ? 1 : -1;
        pthread_cond_broadcast(&p->finished);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

static int worker_init(worker *w, match_run *parent, pool *p) {
    memset(w, 0, sizeof *w);
    w->pool = p;
    w->out = open_memstream(&w->out_buf, &w->out_size);
    w->notes = open_memstream(&w->notes_buf, &w->notes_size);
    if (!w->out || !w->notes)
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

static void worker_release(worker *w) {
    gmr_release(&w->run);
    gmr_feeds_clear(&w->feeds);
    if (w->out)
        fclose(w->out);
    if (w->notes)
        fclose(w->notes);
    free(w->out_buf);
    free(w->notes_buf);
}

/* Adds a merged chunk to the run: output, messages (with the global limit on
 * how many are shown) and statistics. */
static void chunk_emit(match_run *run, const chunk *c, char **files) {
    if (c->first_line == 1) {
        run->file_start.events = run->stats.events;
        run->file_start.blank = run->stats.blank;
        run->file_start.lines = run->stats.lines;
    }
    /* Correlation feeds where -j 1 makes them: their matches print between
     * the base matches around them. */
    const char *name = strcmp(files[c->file], "-") == 0 ? "<stdin>" : files[c->file];
    size_t pos = 0;
    for (size_t i = 0; i < c->feeds.count; i++) {
        const gmr_feed *f = &c->feeds.items[i];
        fwrite(c->out + pos, 1, f->out_offset - pos, stdout);
        pos = f->out_offset;
        gmr_pack *pk = &run->packs[f->pack];
        gantry_correlator_feed(pk->correlator, f->rule, gantry_event_from_cjson(f->event),
                               GANTRY_TIME_FROM_EVENT, name, f->line, gco_on_match, &pk->corr_sink);
    }
    fwrite(c->out + pos, 1, c->out_len - pos, stdout);
    uint64_t notes_malformed = 0;
    for (size_t i = 0; i < c->notes_len;) {
        const char *end = memchr(c->notes + i, '\n', c->notes_len - i);
        size_t n = end ? (size_t)(end - (c->notes + i)) + 1 : c->notes_len - i;
        int kind = c->notes[i];
        uint64_t *count = kind == GDR_MALFORMED     ? &run->stats.malformed
                          : kind == GDR_REGEX_LIMIT ? &run->stats.regex_limit
                                                    : &run->stats.match_errors;
        notes_malformed += kind == GDR_MALFORMED;
        if (gmr_note_shown(run, kind, ++*count))
            fwrite(c->notes + i + 1, 1, n - 1, stderr);
        i += n;
    }
    /* the counts shown above were advanced one by one; the rest add up */
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
    if (c->last) {
        const char *file = strcmp(files[c->file], "-") == 0 ? "<stdin>" : files[c->file];
        if (gmr_check_readable(run, file) != 0)
            run->unreadable++;
    }
    s->matches += d->matches;
    for (size_t r = 0; r < s->rule_count; r++)
        s->per_rule[r] += d->per_rule[r];
}

typedef struct parallel {
    match_run *run;
    pool pool;
    worker *workers;
    unsigned nworkers;
    worker merger; /* re-runs a chunk after a held line; set up on first use */
    int merger_ready;
    gantry_normalizer *carry;
    size_t chunk_lines;
} parallel;

/* Merges the oldest chunk in flight. Returns 0, or -1 when a worker ran out
 * of memory. */
static int merge_one(parallel *par) {
    pool *p = &par->pool;
    pthread_mutex_lock(&p->lock);
    chunk *c = p->ring[p->head % p->cap];
    while (!c->done)
        pthread_cond_wait(&p->finished, &p->lock);
    p->head++;
    pthread_mutex_unlock(&p->lock);
    int rc = c->done < 0 ? -1 : 0;
    if (rc == 0 && par->carry) {
        gantry_normalizer_free(c->held);
        c->held = NULL;
        if (!par->merger_ready) {
            if (worker_init(&par->merger, par->run, p) != 0)
                rc = -1;
            par->merger_ready = 1;
        }
        gantry_normalizer *norm = par->carry;
        par->carry = NULL;
        if (rc == 0)
            rc = chunk_run(&par->merger, c, norm, p->files);
        else
            gantry_normalizer_free(norm);
    }
    if (rc == 0) {
        chunk_emit(par->run, c, p->files);
        par->carry = c->held;
        c->held = NULL;
        if (par->run->progress)
            gmr_show_progress(par->run, 0);
    }
    chunk_free(c);
    return rc;
}

static int submit(parallel *par, chunk *c) {
    pool *p = &par->pool;
    while (p->tail - p->head == p->cap)
        if (merge_one(par) != 0) {
            chunk_free(c);
            return -1;
        }
    pthread_mutex_lock(&p->lock);
    p->ring[p->tail++ % p->cap] = c;
    pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->lock);
    return 0;
}

static int merge_all(parallel *par) {
    while (par->pool.head < par->pool.tail)
        if (merge_one(par) != 0)
            return -1;
    return 0;
}

static chunk *chunk_new(size_t file, uint64_t first_line) {
    chunk *c = calloc(1, sizeof *c);
    if (c) {
        c->file = file;
        c->first_line = first_line;
    }
    return c;
}

/* Reads one file into chunks. Returns 0, 1 when the file could not be read
 * (reported), or -1 when memory ran out. */
static int read_file_chunks(parallel *par, size_t index) {
    match_run *run = par->run;
    const char *path = par->pool.files[index];
    const char *error = NULL;
    gin_reader *reader = gin_open(path, run->cfg->max_line_bytes, &error);
    if (!reader) {
        if (merge_all(par) != 0)
            return -1;
        fprintf(stderr, "gantry match: %s: %s\n", path, error);
        return 1;
    }
    const char *file = strcmp(path, "-") == 0 ? "<stdin>" : path;
    uint64_t line_no = 0;
    int rc = 0;
    chunk *c = chunk_new(index, 1);
    gjd_splitter *split = gmr_splitter(run);
    if (!split) {
        chunk_free(c);
        c = NULL;
    } else {
        gjd_reset(split, gmr_documents_allowed(run));
    }
    char read_error[512] = "";
    while (c) {
        const char *line;
        size_t len;
        gin_result r = gin_next(reader, &line, &len);
        if (r == GIN_EOF)
            break;
        if (r == GIN_ERROR) {
            snprintf(read_error, sizeof read_error, "gantry match: %s: after line %llu: %s\n", file,
                     (unsigned long long)line_no, gin_error(reader));
            rc = 1;
            break;
        }
        line_no++;
        if ((r == GIN_TOO_LONG ? gjd_too_long(split, line_no)
                               : gjd_line(split, line, len, line_no)) != 0 ||
            add_units(c, split) != 0) {
            chunk_free(c);
            c = NULL;
            break;
        }
        /* a document still open stays in this chunk */
        if (!gjd_open(split) && (c->nlines >= par->chunk_lines || c->data_len >= CHUNK_BYTES)) {
            if (submit(par, c) != 0) {
                c = NULL;
                break;
            }
            c = chunk_new(index, line_no + 1);
        }
    }
    if (c) {
        gjd_end(split);
        if (add_units(c, split) != 0) {
            chunk_free(c);
            c = NULL;
        }
    }
    gjd_free(split);
    run->stats.bytes += gin_bytes(reader);
    run->stats.files++;
    gin_close(reader);
    if (!c)
        return -1;
    c->last = 1;
    if (submit(par, c) != 0)
        return -1;
    if (read_error[0]) {
        if (merge_all(par) != 0)
            return -1;
        fputs(read_error, stderr);
    }
    return rc;
}

/* Returns 0, 1 when some input could not be read, -1 on failure to run. */
int gmr_match_parallel(match_run *run, char **files, long file_count) {
    parallel par = {.run = run,
                    .chunk_lines = run->cfg->chunk_lines ? run->cfg->chunk_lines : CHUNK_LINES};
    pool *p = &par.pool;
    unsigned jobs = run->cfg->jobs;
    p->files = files;
    p->cap = (size_t)jobs * 4;
    p->ring = calloc(p->cap, sizeof *p->ring);
    par.workers = calloc(jobs, sizeof *par.workers);
    int rc = -1;
    if (!p->ring || !par.workers || pthread_mutex_init(&p->lock, NULL) != 0) {
        free(p->ring);
        free(par.workers);
        return -1;
    }
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->finished, NULL);
    for (; par.nworkers < jobs; par.nworkers++) {
        worker *w = &par.workers[par.nworkers];
        if (worker_init(w, run, p) != 0 || pthread_create(&w->thread, NULL, worker_main, w) != 0) {
            worker_release(w);
            goto stop;
        }
    }
    rc = 0;
    for (long i = 0; i < file_count && rc >= 0; i++) {
        int r = read_file_chunks(&par, (size_t)i);
        rc = r < 0 ? -1 : (rc | r);
    }
    if (rc >= 0 && merge_all(&par) != 0)
        rc = -1;
stop:
    pthread_mutex_lock(&p->lock);
    p->stop = 1;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->lock);
    for (unsigned i = 0; i < par.nworkers; i++) {
        pthread_join(par.workers[i].thread, NULL);
        worker_release(&par.workers[i]);
    }
    /* chunks left in flight after a failure */
    for (size_t i = p->head; i < p->tail; i++)
        chunk_free(p->ring[i % p->cap]);
    gantry_normalizer_free(par.carry);
    if (par.merger_ready)
        worker_release(&par.merger);
    free(par.workers);
    free(p->ring);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->finished);
    pthread_mutex_destroy(&p->lock);
    return rc;
}
