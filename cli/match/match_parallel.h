/* SPDX-License-Identifier: Apache-2.0 */
/* `gantry match -j N` internals shared by its two schedules: inputs one
 * after another (match_parallel.c) and inputs merged by event time for
 * correlations (match_pmerge.c). The calling thread reads chunks of input
 * lines and hands them to worker threads, which normalize and match them
 * into memory; the calling thread then writes the results out in the order
 * -j 1 would have. Module prefix: gmr_ (match_run.h). */
#ifndef GANTRY_CLI_MATCH_PARALLEL_H
#define GANTRY_CLI_MATCH_PARALLEL_H

#include <pthread.h>

#include "input.h"
#include "match_run.h"

/* One unit of the splitter (jsondoc.h). Its text is either in a block the
 * chunk holds of the reader (ext, no copy) or in the chunk's own data at
 * off (a line assembled across blocks, a JSON document). */
typedef struct gmr_chunk_line {
    const char *ext;
    size_t off, len;
    gjd_kind kind;
    uint64_t first_line, last_line;
    const char *reason;
    int group_end;
} gmr_chunk_line;

/* Time-merged runs replay the reading of -j 1 line by line: a step is one
 * input line (the last step of an input's last chunk is its end). */
typedef struct gmr_step {
    size_t unit_end;   /* reader: units [previous unit_end, unit_end) came of it */
    size_t events_end; /* worker: events [previous events_end, events_end) */
    size_t notes_end;  /* worker: its messages, notes [previous notes_end, notes_end) */
    int group_open;    /* worker: a group of documents goes on after it */
} gmr_step;

/* An event of a time-merged chunk, matched: where its output, correlation
 * feeds and messages about its matching are. */
typedef struct gmr_event_rec {
    int64_t time_ns;
    uint64_t first_line;
    size_t out_begin, out_end;
    size_t feeds_begin, feeds_end;
    size_t mnotes_begin, mnotes_end;
} gmr_event_rec;

typedef struct gmr_chunk {
    /* input */
    size_t file;         /* index into the run's file list */
    uint64_t first_line; /* number of lines[0] in its file */
    char *data;
    size_t data_len, data_cap;
    size_t text_bytes; /* of every unit, referenced or copied */
    gmr_chunk_line *lines;
    size_t nlines, lines_cap;
    gin_block **blocks; /* reader blocks the lines point into, held */
    size_t nblocks, blocks_cap;
    int last;         /* last chunk of its file: finish the normalizer */
    int merged;       /* record steps and events (time-merged run) */
    char *read_error; /* last chunk only: the input failed after its lines */
    gmr_step *steps;  /* merged: one per input line, then the end */
    size_t nsteps, steps_cap;
    /* result */
    int done;
    char *out, *notes, *mnotes;
    size_t out_len, notes_len, mnotes_len;
    gmo_stats stats;
    gantry_normalizer *held; /* unfinished normalizer holding a line */
    gmr_feeds feeds;         /* correlation feeds, in input order */
    gmr_event_rec *events;   /* merged: every event, in input order */
    size_t nevents, events_cap;
    /* the calling thread's replay of a merged chunk (match_pmerge.c) */
    int started;
    size_t step_pos, event_pos, notes_pos, unpopped;
    uint64_t notes_malformed;
    /* the calling thread's lists */
    struct gmr_chunk *next_work; /* the workers' queue */
    struct gmr_chunk *next_src;  /* merged: the next chunk of the same input */
} gmr_chunk;

typedef struct gmr_worker {
    match_run run;
    gmr_feeds feeds;
    FILE *out, *notes, *mnotes;
    char *out_buf, *notes_buf, *mnotes_buf;
    size_t out_size, notes_size, mnotes_size;
    gmr_chunk *recording; /* merged: the chunk whose events are recorded */
    pthread_t thread;
    struct gmr_parallel *par;
} gmr_worker;

typedef struct gmr_parallel {
    match_run *run;
    char **files;
    pthread_mutex_t lock;
    pthread_cond_t work, finished;
    gmr_chunk *work_head, *work_tail; /* chunks no worker has taken yet */
    size_t outstanding;               /* chunks submitted and not yet freed */
    size_t cap;                       /* outstanding chunks read ahead at most */
    int stop;
    gmr_worker *workers;
    unsigned nworkers;
    gmr_worker merger; /* re-runs a chunk after a held line; set up on first use */
    int merger_ready;
    size_t chunk_lines;
} gmr_parallel;

/* An input being read into chunks by the calling thread. */
typedef struct gmr_source_reader {
    size_t index;
    gin_reader *reader;
    gjd_splitter *split;
    uint64_t line_no;
    int eof;
} gmr_source_reader;

/* Starts the workers. Returns 0, or -1 (everything released). */
int gmr_par_start(gmr_parallel *par, match_run *run, char **files);
/* Stops and joins the workers and releases what is left. */
void gmr_par_stop(gmr_parallel *par);
/* Hands a chunk to the workers (outstanding grows). */
void gmr_par_submit(gmr_parallel *par, gmr_chunk *c);
/* Waits until a worker has finished c. Returns 0, or -1 when it failed. */
int gmr_par_wait(gmr_parallel *par, gmr_chunk *c);
/* Re-runs c on the calling thread continuing the normalizer `carry`
 * (taken). Returns 0, or -1 when memory ran out. */
int gmr_par_rerun(gmr_parallel *par, gmr_chunk *c, gantry_normalizer *carry);
/* Frees a chunk the calling thread is done with (outstanding shrinks). */
void gmr_par_release(gmr_parallel *par, gmr_chunk *c);
void gmr_chunk_free(gmr_chunk *c);

/* Opens input `index` for chunked reading. Returns 0; 1 when it cannot be
 * opened (*error says why); -1 when memory ran out. */
int gmr_source_open(gmr_parallel *par, gmr_source_reader *s, size_t index, const char **error);
void gmr_source_close(gmr_source_reader *s);
/* Reads the next chunk of s (the last one has `last` set, and read_error
 * when the input failed; then s->eof). NULL when memory ran out. */
gmr_chunk *gmr_source_chunk(gmr_parallel *par, gmr_source_reader *s, int merged);

/* Writes a chunk's messages (from the merged notes text) with the run's
 * limit on how many are shown; returns how many were about malformed
 * lines. */
uint64_t gmr_emit_notes(match_run *run, const char *text, size_t len);
/* Adds a merged chunk's statistics to the run's; notes_malformed: how many
 * of its messages gmr_emit_notes counted as malformed already. */
void gmr_add_stats(match_run *run, const gmr_chunk *c, uint64_t notes_malformed);
/* Feeds the correlation stage with c's feeds [from, to) and writes c's
 * output [begin, end) around them, each feed where -j 1 made it. */
void gmr_emit_output(match_run *run, const gmr_chunk *c, size_t begin, size_t end, size_t from,
                     size_t to);

/* match_pmerge.c: several inputs merged by event time with -j N. */
int gmr_match_parallel_merged(match_run *run, char **files, long file_count);

#endif
