/* SPDX-License-Identifier: Apache-2.0 */
/* The files `gantry match --follow` reads as they grow. A file is known by
 * its device and inode, so a rename inside a followed directory changes
 * only its name; a file operand whose path comes to name another inode was
 * rotated: the old file is read to its end before the new one is started.
 * A file that shrinks below what was read, or whose first bytes changed,
 * was truncated (copy-truncate rotation) and is read again from the start.
 * Only complete lines are matched; a partial last line waits for its
 * newline, except in a file that is finished (replaced or deleted). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "follow.h"

#define CHUNK (64u * 1024u)

/* What an operand was last said to be on stderr, so each state is told once. */
enum { SAID_NOTHING, SAID_WAITING, SAID_GONE, SAID_UNREADABLE };

typedef struct group_state {
    unsigned char bytes[sizeof(((match_run *)0)->group)];
} group_state;

struct gmr_ffile {
    char *path;
    size_t operand;
    int fd;
    uint64_t dev, ino;
    uint64_t rpos;            /* bytes of the file read into buf so far */
    uint64_t done, done_line; /* every line before `done` is matched and written */
    uint64_t line;            /* lines given to the splitter */
    uint64_t covered;         /* the last line the normalizer accounted for */
    char *buf;                /* bytes after the last complete line */
    size_t len, cap;
    int skipping;                     /* inside a line longer than --max-line-bytes */
    unsigned char head[GMR_HEAD_MAX]; /* the file's first bytes, as seen */
    size_t head_len;
    /* A new file of a directory that may be a copy of another: its first
     * bytes are so far the beginning of another file's (a copy being
     * written); it is not read until that is decided. */
    int pending;
    gmr_ffile *parked_on; /* a copy of that file: not read while it is */
    /* after a truncation: what the file was, for a copy that turns up */
    struct {
        unsigned char head[GMR_HEAD_MAX];
        size_t head_len;
        uint64_t done, done_line;
    } before;
    gantry_normalizer *norm;
    gjd_splitter *split;
    group_state group;
    int seen; /* found by the current scan */
};

static void say(const gmr_follower *fl, const char *path, const char *what) {
    if (!fl->cfg->quiet)
        fprintf(stderr, "gantry match: %s: %s\n", path, what);
}

/* The operand's state changed to `state`: tell it once. */
static void tell(gmr_follower *fl, size_t op, int state, const char *what) {
    if (fl->said[op] == state)
        return;
    fl->said[op] = state;
    if (state != SAID_NOTHING)
        say(fl, fl->operands[op], what);
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
        if (fstat(c->fd, &st) == 0 && done > (uint64_t)st.st_size)
            done = (uint64_t)st.st_size;
        reset_reading(c, done, line);
    }
}

static void truncated(gmr_follower *fl, gmr_ffile *f) {
    say(fl, f->path, "truncated; reading it again from the start");
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
        say(fl, f->path, strerror(errno));
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
    size_t total = 0;
    for (size_t i = 0; i < fl->count && !fl->failed; i++)
        total += read_chunk(fl, fl->files[i], 0);
    return total;
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

/* The file was replaced or deleted: its rest is read and matched now, and
 * it is dropped. */
static void finish_file(gmr_follower *fl, size_t index) {
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

static gmr_ffile *find_inode(const gmr_follower *fl, size_t op, uint64_t dev, uint64_t ino) {
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
            say(fl, f->path,
                "not the file --state recorded (same inode, other contents); "
                "reading it from the start");
            return 0;
        }
        if (size < s->offset) {
            say(fl, f->path, "truncated since --state was written; reading it from the start");
            return 0;
        }
        reset_reading(f, s->offset, s->line);
        return s->parked ? 2 : 1;
    }
    return 0;
}

static int add_file(gmr_follower *fl, size_t op, const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (!fl->is_dir[op])
            tell(fl, op, SAID_UNREADABLE,
                 fd < 0 ? strerror(errno)
                        : "not a regular file: --follow reads files (a pipe is read without it)");
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (find_inode(fl, op, (uint64_t)st.st_dev, (uint64_t)st.st_ino)) {
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

static void watch(gmr_follower *fl, size_t op) {
    if (fl->inotify_fd < 0 || fl->wd[op] >= 0)
        return;
    const char *path = fl->operands[op];
    char *dir = NULL;
    if (!fl->is_dir[op]) {
        const char *slash = strrchr(path, '/');
        dir = !slash ? strdup(".") : strndup(path, slash == path ? 1 : (size_t)(slash - path));
        if (!dir)
            return;
        path = dir;
    }
    /* Events on the directory and on each file in it: a change of either
     * wakes the loop; a directory not there yet is looked for by polling. */
    fl->wd[op] =
        inotify_add_watch(fl->inotify_fd, path,
                          IN_MODIFY | IN_ATTRIB | IN_CREATE | IN_DELETE | IN_MOVED_FROM |
                              IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_CLOSE_WRITE);
    free(dir);
}

static char *join(const char *dir, const char *name);

/* A file operand rotated by rename while gantry was stopped: the file the
 * state names is looked for beside the path under another name, and its
 * rest is read before the file that now has the name. */
static void recover_rotated(gmr_follower *fl, size_t op) {
    const char *path = fl->operands[op];
    struct stat now;
    int have_now = stat(path, &now) == 0;
    for (size_t i = 0; i < fl->restore->count; i++) {
        const gmr_fstate_file *s = &fl->restore->files[i];
        if (s->used || s->operand != op ||
            (have_now && (uint64_t)now.st_dev == s->dev && (uint64_t)now.st_ino == s->ino))
            continue;
        const char *slash = strrchr(path, '/');
        char *dirpath =
            !slash ? strdup(".") : strndup(path, slash == path ? 1 : (size_t)(slash - path));
        DIR *dir = dirpath ? opendir(dirpath) : NULL;
        struct dirent *de;
        char *found = NULL;
        while (dir && !found && (de = readdir(dir)) != NULL) {
            struct stat st;
            if (fstatat(dirfd(dir), de->d_name, &st, 0) == 0 && S_ISREG(st.st_mode) &&
                (uint64_t)st.st_dev == s->dev && (uint64_t)st.st_ino == s->ino)
                found = join(dirpath, de->d_name);
        }
        if (dir)
            closedir(dir);
        free(dirpath);
        if (!found)
            continue;
        size_t before = fl->count;
        if (add_file(fl, op, found) == 0 && fl->count > before) {
            char what[512];
            snprintf(what, sizeof what,
                     "rotated while gantry was stopped: reading the rest of it as %s", found);
            say(fl, path, what);
            finish_file(fl, fl->count - 1);
        }
        free(found);
    }
}

static void scan_file(gmr_follower *fl, size_t op) {
    const char *path = fl->operands[op];
    struct stat st;
    gmr_ffile *open_one = NULL;
    if (fl->restore)
        recover_rotated(fl, op);
    for (size_t i = 0; i < fl->count && !open_one; i++)
        if (fl->files[i]->operand == op)
            open_one = fl->files[i];
    if (stat(path, &st) != 0) {
        if (open_one) {
            struct stat ost;
            /* renamed away: still read until a new file takes the name */
            open_one->seen = fstat(open_one->fd, &ost) == 0 && ost.st_nlink > 0;
            tell(fl, op, SAID_GONE, "gone (renamed or deleted); waiting for it to appear again");
        } else if (fl->said[op] != SAID_GONE) {
            tell(fl, op, SAID_WAITING,
                 errno == ENOENT ? "does not exist yet; waiting for it" : strerror(errno));
        }
        return;
    }
    if (open_one && open_one->dev == (uint64_t)st.st_dev && open_one->ino == (uint64_t)st.st_ino) {
        open_one->seen = 1;
        return;
    }
    /* Replaced by another file: the old one is read to its end first. */
    if (open_one)
        for (size_t i = 0; i < fl->count; i++)
            if (fl->files[i] == open_one)
                finish_file(fl, i);
    if (add_file(fl, op, path) == 0)
        tell(fl, op, SAID_NOTHING, NULL);
    if (fl->said[op] == SAID_NOTHING && open_one)
        say(fl, path, "replaced by a new file (rotated); reading the new one");
}

typedef struct entry {
    char *name;
    struct timespec mtime;
} entry;

/* Oldest first: rotated files hold the earlier lines. */
static int by_age(const void *a, const void *b) {
    const entry *x = a, *y = b;
    if (x->mtime.tv_sec != y->mtime.tv_sec)
        return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
    if (x->mtime.tv_nsec != y->mtime.tv_nsec)
        return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Compressed files in a log directory are rotated files packed after they
 * were read: their lines came through the file they were. */
static int skipped_name(const char *name) {
    static const char *const suffixes[] = {".gz", ".xz", ".zst", ".bz2", ".zip", ".md", ".tmp"};
    size_t n = strlen(name);
    if (name[0] == '.')
        return 1;
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t k = strlen(suffixes[i]);
        if (n > k && strcmp(name + n - k, suffixes[i]) == 0)
            return 1;
    }
    return 0;
}

/* gantry's own files in a followed directory are not input: its output
 * would match itself again, its state file is no log. */
static int own_file(const gmr_follower *fl, const struct stat *st) {
    struct stat own;
    if (fstat(STDOUT_FILENO, &own) == 0 && S_ISREG(own.st_mode) && own.st_dev == st->st_dev &&
        own.st_ino == st->st_ino)
        return 1;
    return fl->cfg->follow_state && stat(fl->cfg->follow_state, &own) == 0 &&
           own.st_dev == st->st_dev && own.st_ino == st->st_ino;
}

static char *join(const char *dir, const char *name) {
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name);
    return p;
}

static void scan_dir(gmr_follower *fl, size_t op) {
    const char *dirpath = fl->operands[op];
    DIR *dir = opendir(dirpath);
    if (!dir) {
        /* files already open are still read */
        for (size_t i = 0; i < fl->count; i++)
            if (fl->files[i]->operand == op)
                fl->files[i]->seen = 1;
        tell(fl, op, SAID_WAITING,
             errno == ENOENT ? "directory does not exist yet; waiting for it" : strerror(errno));
        return;
    }
    tell(fl, op, SAID_NOTHING, NULL);
    entry *list = NULL;
    size_t count = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        struct stat st;
        if (skipped_name(de->d_name) || fstatat(dirfd(dir), de->d_name, &st, 0) != 0 ||
            !S_ISREG(st.st_mode) || own_file(fl, &st))
            continue;
        gmr_ffile *known = find_inode(fl, op, (uint64_t)st.st_dev, (uint64_t)st.st_ino);
        char *path = join(dirpath, de->d_name);
        if (!path)
            break;
        if (known) {
            known->seen = 1;
            if (strcmp(known->path, path) != 0) { /* renamed: lines go on under its new name */
                free(known->path);
                known->path = path;
                if (fl->current == known)
                    fl->current = NULL;
            } else {
                free(path);
            }
            continue;
        }
        if (count == cap) {
            entry *p = realloc(list, (cap * 2 + 16) * sizeof *list);
            if (!p) {
                free(path);
                break;
            }
            list = p;
            cap = cap * 2 + 16;
        }
        list[count++] = (entry){path, st.st_mtim};
    }
    closedir(dir);
    if (count > 1)
        qsort(list, count, sizeof *list, by_age);
    for (size_t i = 0; i < count; i++) {
        add_file(fl, op, list[i].name);
        free(list[i].name);
    }
    free(list);
}

void gmr_ff_scan(gmr_follower *fl) {
    for (size_t i = 0; i < fl->count; i++)
        fl->files[i]->seen = 0;
    for (size_t op = 0; op < fl->operand_count && !fl->failed; op++) {
        watch(fl, op);
        if (fl->is_dir[op])
            scan_dir(fl, op);
        else
            scan_file(fl, op);
    }
    for (size_t i = fl->count; i-- > 0;)
        if (!fl->files[i]->seen)
            finish_file(fl, i);
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
