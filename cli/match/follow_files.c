/* SPDX-License-Identifier: Apache-2.0 */
/* The files `gantry match --follow` reads as they grow. A file is known by
 * its device and inode, so a rename inside a followed directory changes
 * only its name; a file operand whose path comes to name another inode was
 * rotated: the old file is read to its end before the new one is started.
 * A file that shrinks below what was read, or whose first bytes changed,
 * was truncated (copy-truncate rotation) and is read again from the start.
 * Only complete lines are matched; a partial last line waits for its
 * newline, except in a file that is finished (replaced or deleted). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "follow_files.h"

#define CHUNK (64u * 1024u)

void gmr_ff_say(const gmr_follower *fl, const char *path, const char *what) {
    if (!fl->cfg->quiet)
        fprintf(stderr, "gantry match: %s: %s\n", path, what);
}

void gmr_ff_tell(gmr_follower *fl, size_t op, int state, const char *what) {
    if (fl->said[op] == state)
        return;
    fl->said[op] = state;
    if (state != SAID_NOTHING)
        gmr_ff_say(fl, fl->operands[op], what);
}

/* Makes the run read this file's lines next: its name in the output, its
 * logsource, and the document grouping it had left open. */
static void enter(gmr_follower *fl, gmr_ffile *f) {
    match_run *run = fl->run;
    if (fl->current != f) {
        run->file = f->path;
        gmo_set_file(run->printer, f->path);
        gmr_use_file_logsource(run, (long)f->operand, f->path);
        fl->current = f;
    }
    memcpy(&run->group, f->group.bytes, sizeof f->group.bytes);
}

static void leave(gmr_follower *fl, gmr_ffile *f) {
    memcpy(f->group.bytes, &fl->run->group, sizeof f->group.bytes);
    if (fl->run->flush_each)
        fflush(stdout);
}

/* Lines up to here are accounted for, nothing is held: a safe point. */
static void mark_done(gmr_follower *fl, gmr_ffile *f, uint64_t offset) {
    if (f->covered >= f->line && !gjd_open(f->split) && !fl->run->group.open) {
        f->done = offset;
        f->done_line = f->line;
    }
}

static void take_units(gmr_follower *fl, gmr_ffile *f) {
    gjd_unit u;
    while (gjd_next(f->split, &u))
        f->covered = gmr_feed_unit(fl->run, f->norm, &u, f->covered);
}

/* One complete line (without its newline) ending at file offset `end`. */
static void feed_line(gmr_follower *fl, gmr_ffile *f, const char *text, size_t n, int too_long,
                      uint64_t end) {
    f->line++;
    if (!too_long && n > 0 && text[n - 1] == '\r')
        n--;
    int failed = too_long ? gjd_too_long(f->split, f->line) : gjd_line(f->split, text, n, f->line);
    if (failed) {
        fprintf(stderr, "gantry match: out of memory\n");
        fl->failed = 1;
        return;
    }
    take_units(fl, f);
    mark_done(fl, f, end);
}

/* Matches the complete lines in buf and keeps the partial rest. */
static void cut_lines(gmr_follower *fl, gmr_ffile *f) {
    uint64_t base = f->rpos - f->len; /* file offset of buf[0] */
    char *p = f->buf, *end = f->buf + f->len;
    char *nl;
    while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        uint64_t line_end = base + (uint64_t)(nl + 1 - f->buf);
        feed_line(fl, f, p, (size_t)(nl - p), f->skipping, line_end);
        f->skipping = 0;
        p = nl + 1;
    }
    f->len = (size_t)(end - p);
    memmove(f->buf, p, f->len);
    if (f->len > fl->cfg->max_line_bytes) {
        /* too long to keep: skipped to its newline, then reported */
        f->skipping = 1;
        f->len = 0;
    }
}

static int read_head(const gmr_ffile *f, unsigned char *head, size_t *n) {
    ssize_t got;
    do
        got = pread(f->fd, head, GMR_HEAD_MAX, 0);
    while (got < 0 && errno == EINTR);
    if (got < 0)
        return -1;
    *n = (size_t)got;
    return 0;
}

/* Whether the first head_len bytes are still the ones seen; the head
 * grows with the file up to GMR_HEAD_MAX. */
static int head_kept(gmr_ffile *f) {
    unsigned char head[GMR_HEAD_MAX];
    size_t n;
    if (read_head(f, head, &n) != 0)
        return 1; /* unreadable now: nothing to compare, try again later */
    if (n < f->head_len || memcmp(head, f->head, f->head_len) != 0)
        return 0;
    memcpy(f->head, head, n);
    f->head_len = n;
    return 1;
}

static void reset_reading(gmr_ffile *f, uint64_t offset, uint64_t line) {
    f->rpos = f->done = offset;
    f->line = f->done_line = f->covered = line;
    f->len = 0;
    f->skipping = 0;
    memset(&f->group, 0, sizeof f->group);
}

static void release_held(gmr_follower *fl, gmr_ffile *f) {
    enter(fl, f);
    gantry_normalizer_finish(f->norm);
    f->covered = gmr_drain(fl->run, f->norm, f->covered);
    leave(fl, f);
}

/* A copy parked on f goes on from where f was read to: f was truncated or
 * is gone, and the copy now holds the rest of what f held. */
static void unpark_copies(gmr_follower *fl, const gmr_ffile *f, uint64_t done, uint64_t line) {
    for (size_t i = 0; i < fl->count; i++) {
        gmr_ffile *c = fl->files[i];
        if (c->parked_on != f)
            continue;
        c->parked_on = NULL;
        /* a copy shorter than what was read holds nothing more */
        struct stat st;
        uint64_t from = done;
        if (fstat(c->fd, &st) == 0 && from > (uint64_t)st.st_size)
            from = (uint64_t)st.st_size;
        reset_reading(c, from, line);
    }
}

static void truncated(gmr_follower *fl, gmr_ffile *f) {
    gmr_ff_say(fl, f->path, "truncated; reading it again from the start");
    release_held(fl, f);
    memcpy(f->before.head, f->head, f->head_len);
    f->before.head_len = f->head_len;
    f->before.done = f->done;
    f->before.done_line = f->done_line;
    unpark_copies(fl, f, f->done, f->done_line);
    f->parked_on = NULL;
    f->pending = 0;
    gjd_reset(f->split, gmr_documents_allowed(fl->run));
    reset_reading(f, 0, 0);
    f->head_len = 0;
}

static int begins(const unsigned char *head, size_t n, const unsigned char *of, size_t of_len) {
    return of_len > 0 && memcmp(head, of, n < of_len ? n : of_len) == 0;
}

/* A file whose beginning is that of another file of the operand is a copy
 * of it (copy-truncate rotation copies the file, then empties it): it is
 * parked on the original while that is read, or, when the original was
 * emptied already, read from where the original had been read to. While
 * its bytes so far are only a beginning of another file's, it waits. */
static void place_copy(gmr_follower *fl, gmr_ffile *f) {
    int wait = 0;
    for (size_t i = 0; i < fl->count; i++) {
        gmr_ffile *o = fl->files[i];
        if (o == f || o->operand != f->operand || o->parked_on || o->pending)
            continue;
        if (begins(f->head, f->head_len, o->head, o->head_len)) {
            if (f->head_len < o->head_len) {
                wait = 1;
                continue;
            }
            f->parked_on = o;
            f->pending = 0;
            return;
        }
        if (begins(f->head, f->head_len, o->before.head, o->before.head_len)) {
            if (f->head_len < o->before.head_len) {
                wait = 1;
                continue;
            }
            reset_reading(f, o->before.done, o->before.done_line);
            o->before.head_len = 0; /* one copy takes the rest over */
            f->pending = 0;
            return;
        }
    }
    f->pending = wait;
}

/* Reads one chunk of f and matches its complete lines. Returns the bytes
 * read. `finish`: the file is done with; its last partial line is a line. */
static size_t read_chunk(gmr_follower *fl, gmr_ffile *f, int finish) {
    struct stat st;
    if (f->fd < 0 || fstat(f->fd, &st) != 0)
        return 0;
    if ((uint64_t)st.st_size < f->rpos || !head_kept(f))
        truncated(fl, f);
    if (f->pending)
        place_copy(fl, f);
    if (f->parked_on || f->pending)
        return 0;
    if (f->cap - f->len < CHUNK) {
        char *p = realloc(f->buf, f->len + CHUNK);
        if (!p) {
            fprintf(stderr, "gantry match: out of memory\n");
            fl->failed = 1;
            return 0;
        }
        f->buf = p;
        f->cap = f->len + CHUNK;
    }
    ssize_t n;
    do
        n = pread(f->fd, f->buf + f->len, CHUNK, (off_t)f->rpos);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        gmr_ff_say(fl, f->path, strerror(errno));
        return 0;
    }
    f->rpos += (uint64_t)n;
    f->len += (size_t)n;
    fl->run->stats.bytes += (uint64_t)n;
    enter(fl, f);
    cut_lines(fl, f);
    if (finish && n == 0 && (f->len > 0 || f->skipping)) {
        feed_line(fl, f, f->buf, f->len, f->skipping, f->rpos);
        f->len = 0;
        f->skipping = 0;
    }
    leave(fl, f);
    return (size_t)n;
}

size_t gmr_ff_service(gmr_follower *fl) {
    for (size_t tried = 0; tried < fl->count && !fl->failed; tried++) {
        if (fl->turn >= fl->count) {
            fl->turn = 0;
            fl->turn_bytes = 0;
        }
        size_t n = read_chunk(fl, fl->files[fl->turn], 0);
        fl->turn_bytes += n;
        /* the turn passes when the file is caught up or had its share */
        if (n < CHUNK || fl->turn_bytes >= GMR_TURN_BYTES) {
            fl->turn++;
            fl->turn_bytes = 0;
        }
        if (n > 0)
            return n;
    }
    return 0;
}

static void free_file(gmr_ffile *f) {
    if (f->fd >= 0)
        close(f->fd);
    gantry_normalizer_free(f->norm);
    gjd_free(f->split);
    free(f->buf);
    free(f->path);
    free(f);
}

void gmr_ff_finish(gmr_follower *fl, size_t index) {
    gmr_ffile *f = fl->files[index];
    if (!f->parked_on) {
        while (read_chunk(fl, f, 1) > 0 && !fl->failed)
            ;
        enter(fl, f);
        gjd_end(f->split);
        take_units(fl, f);
        gantry_normalizer_finish(f->norm);
        f->covered = gmr_drain(fl->run, f->norm, f->covered);
        leave(fl, f);
        unpark_copies(fl, f, f->rpos, f->line);
    }
    if (fl->current == f)
        fl->current = NULL;
    free_file(f);
    memmove(&fl->files[index], &fl->files[index + 1], (fl->count - index - 1) * sizeof *fl->files);
    fl->count--;
}

gmr_ffile *gmr_ff_find(const gmr_follower *fl, size_t op, uint64_t dev, uint64_t ino) {
    for (size_t i = 0; i < fl->count; i++) {
        gmr_ffile *f = fl->files[i];
        if (f->operand == op && f->dev == dev && f->ino == ino)
            return f;
    }
    return NULL;
}

/* Where a file recorded in the --state goes on from, when it is the same
 * file: same inode and same first bytes. */
static int restore_position(gmr_follower *fl, gmr_ffile *f, uint64_t size) {
    if (!fl->restore)
        return 0;
    for (size_t i = 0; i < fl->restore->count; i++) {
        gmr_fstate_file *s = &fl->restore->files[i];
        if (s->used || s->operand != f->operand || s->dev != f->dev || s->ino != f->ino)
            continue;
        s->used = 1;
        if (f->head_len < s->head_len || gmr_crc32(f->head, s->head_len) != s->head_crc) {
            gmr_ff_say(fl, f->path,
                       "not the file --state recorded (same inode, other contents); "
                       "reading it from the start");
            return 0;
        }
        if (size < s->offset) {
            gmr_ff_say(fl, f->path,
                       "truncated since --state was written; reading it from the start");
            return 0;
        }
        reset_reading(f, s->offset, s->line);
        return s->parked ? 2 : 1;
    }
    return 0;
}

int gmr_ff_add(gmr_follower *fl, size_t op, const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (!fl->is_dir[op])
            gmr_ff_tell(
                fl, op, SAID_UNREADABLE,
                fd < 0 ? strerror(errno)
                       : "not a regular file: --follow reads files (a pipe is read without it)");
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (gmr_ff_find(fl, op, (uint64_t)st.st_dev, (uint64_t)st.st_ino)) {
        close(fd); /* raced with a rename: already followed */
        return 0;
    }
    gmr_ffile *f = calloc(1, sizeof *f);
    gmr_ffile **grown = fl->count == fl->cap
                            ? realloc(fl->files, (fl->cap * 2 + 8) * sizeof *fl->files)
                            : fl->files;
    if (grown && grown != fl->files) {
        fl->files = grown;
        fl->cap = fl->cap * 2 + 8;
    }
    if (f) {
        f->fd = fd;
        f->path = strdup(path);
        f->split = gmr_splitter(fl->run);
        if (gantry_normalizer_new(NULL, fl->cfg->input_format, &f->norm) == GANTRY_OK &&
            fl->cfg->max_depth)
            gantry_normalizer_set_max_depth(f->norm, fl->cfg->max_depth);
    }
    if (!f || !grown || !f->path || !f->split || !f->norm) {
        fprintf(stderr, "gantry match: out of memory\n");
        fl->failed = 1;
        if (f)
            free_file(f);
        else
            close(fd);
        return -1;
    }
    f->operand = op;
    f->dev = (uint64_t)st.st_dev;
    f->ino = (uint64_t)st.st_ino;
    gjd_reset(f->split, gmr_documents_allowed(fl->run));
    if (read_head(f, f->head, &f->head_len) != 0)
        f->head_len = 0;
    if (restore_position(fl, f, (uint64_t)st.st_size) != 1 && fl->is_dir[op])
        place_copy(fl, f);
    f->seen = 1;
    fl->files[fl->count++] = f;
    fl->run->stats.files++;
    return 0;
}

void gmr_ff_settle(gmr_follower *fl) {
    for (size_t i = 0; i < fl->count; i++) {
        gmr_ffile *f = fl->files[i];
        release_held(fl, f);
        enter(fl, f);
        mark_done(fl, f, f->rpos - f->len);
        leave(fl, f);
    }
}

int gmr_ff_snapshot(const gmr_follower *fl, gmr_fstate *out) {
    out->files = fl->count ? calloc(fl->count, sizeof *out->files) : NULL;
    out->count = 0;
    if (fl->count && !out->files)
        return -1;
    for (size_t i = 0; i < fl->count; i++) {
        const gmr_ffile *f = fl->files[i];
        gmr_fstate_file *s = &out->files[out->count];
        *s = (gmr_fstate_file){.path = strdup(f->path),
                               .operand = f->operand,
                               .dev = f->dev,
                               .ino = f->ino,
                               .offset = f->done,
                               .line = f->done_line,
                               .head_len = (uint32_t)f->head_len,
                               .head_crc = gmr_crc32(f->head, f->head_len),
                               .parked = f->parked_on != NULL || f->pending};
        /* a parked copy goes on where its original is: once that is gone,
         * the copy holds the rest */
        struct stat st;
        if (f->parked_on && fstat(f->fd, &st) == 0) {
            s->offset = f->parked_on->done;
            s->line = f->parked_on->done_line;
            if (s->offset > (uint64_t)st.st_size)
                s->offset = (uint64_t)st.st_size;
        }
        if (!s->path) {
            gmr_fstate_free(out);
            return -1;
        }
        out->count++;
    }
    return 0;
}

void gmr_ff_new_run(gmr_follower *fl, match_run *run) {
    fl->run = run;
    fl->current = NULL;
}

void gmr_ff_close_all(gmr_follower *fl) {
    for (size_t i = 0; i < fl->count; i++)
        free_file(fl->files[i]);
    free(fl->files);
    fl->files = NULL;
    fl->count = fl->cap = 0;
}
