/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "decode.h"
#include "input.h"

#define GIN_CHUNK (256u * 1024u)

/* A buffer lines are cut from. The reader holds one reference; a -j chunk
 * holding another keeps the bytes of its lines valid, and the reader then
 * reads on into a new block instead of over them. */
struct gin_block {
    size_t refs;
    unsigned char data[];
};

/* Blocks given back are kept for the next reads: a fresh 256 KiB block
 * from malloc costs its page faults again (a quarter of -j's reading
 * thread). The cache is shared by every reader, hence the lock. */
#define GIN_CACHED_BLOCKS 16
static struct {
    pthread_mutex_t lock;
    gin_block *blocks[GIN_CACHED_BLOCKS];
    size_t count;
} cache = {PTHREAD_MUTEX_INITIALIZER, {0}, 0};

static gin_block *block_new(void) {
    gin_block *b = NULL;
    pthread_mutex_lock(&cache.lock);
    if (cache.count)
        b = cache.blocks[--cache.count];
    pthread_mutex_unlock(&cache.lock);
    if (!b)
        b = malloc(sizeof *b + GIN_CHUNK);
    if (b)
        b->refs = 1;
    return b;
}

void gin_block_release(gin_block *b) {
    if (!b || --b->refs > 0)
        return;
    pthread_mutex_lock(&cache.lock);
    if (cache.count < GIN_CACHED_BLOCKS) {
        cache.blocks[cache.count++] = b;
        b = NULL;
    }
    pthread_mutex_unlock(&cache.lock);
    free(b);
}

void gin_release_cache(void) {
    pthread_mutex_lock(&cache.lock);
    while (cache.count)
        free(cache.blocks[--cache.count]);
    pthread_mutex_unlock(&cache.lock);
}

struct gin_reader {
    int fd;
    int own_fd;
    int decided; /* the compression is known */
    gdc_kind kind;
    gdc_decoder *dec;
    gin_block *raw_block, *out_block;
    int line_in_chunk;  /* the last line returned lies in chunk (not in line) */
    unsigned char *raw; /* bytes as read; for plain input, the chunk itself */
    size_t raw_len, raw_pos;
    int raw_eof;
    unsigned char *out; /* decompressed bytes */
    char *chunk;        /* raw or out: the bytes lines are cut from */
    size_t chunk_len, chunk_pos;
    char *line; /* assembled line when it spans chunks */
    size_t line_len, line_cap;
    size_t max_line;
    uint64_t bytes;
    int eof;
    const char *error;
};

gin_reader *gin_open(const char *path, size_t max_line_bytes, const char **error) {
    gin_reader *r = calloc(1, sizeof *r);
    if (!r) {
        *error = "out of memory";
        return NULL;
    }
    r->max_line = max_line_bytes;
    r->fd = -1;
    r->raw_block = block_new();
    r->raw = r->raw_block ? r->raw_block->data : NULL;
    if (!r->raw) {
        free(r);
        *error = "out of memory";
        return NULL;
    }
    errno = 0;
    if (strcmp(path, "-") == 0) {
        r->fd = STDIN_FILENO;
    } else {
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            errno = EISDIR;
        else if ((r->fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0)
            r->own_fd = 1;
    }
    if (r->fd < 0) {
        *error = errno ? strerror(errno) : "cannot open";
        gin_block_release(r->raw_block);
        free(r);
        return NULL;
    }
    return r;
}

/* One read(2): on a pipe, a terminal or a socket it returns what has
 * arrived, so a line is handled as soon as it is complete; on a regular file
 * it fills the block. Returns the count, 0 at end, -1 on error. */
static ssize_t read_some(gin_reader *r, unsigned char *into, size_t room) {
    for (;;) {
        ssize_t n = read(r->fd, into, room);
        if (n >= 0)
            return n;
        if (errno != EINTR) {
            r->error = strerror(errno);
            return -1;
        }
    }
}

/* Reads into raw after what it holds (moving the unread rest to the front). */
static int read_raw(gin_reader *r) {
    if (r->raw_pos > 0) {
        memmove(r->raw, r->raw + r->raw_pos, r->raw_len - r->raw_pos);
        r->raw_len -= r->raw_pos;
        r->raw_pos = 0;
    }
    if (r->raw_len == GIN_CHUNK) {
        r->error = "decompressor made no progress";
        return -1;
    }
    ssize_t n = read_some(r, r->raw + r->raw_len, GIN_CHUNK - r->raw_len);
    if (n < 0)
        return -1;
    if (n == 0)
        r->raw_eof = 1;
    r->raw_len += (size_t)n;
    return 0;
}

/* The compression, from the first bytes. */
static int decide(gin_reader *r) {
    while (!r->decided) {
        if (gdc_detect(r->raw, r->raw_len, r->raw_eof, &r->kind)) {
            r->decided = 1;
            break;
        }
        if (read_raw(r) != 0)
            return -1;
    }
    if (r->kind != GDC_PLAIN && !r->dec) {
        r->dec = gdc_new(r->kind);
        r->out_block = block_new();
        r->out = r->out_block ? r->out_block->data : NULL;
        if (!r->dec || !r->out) {
            r->error = "out of memory";
            return -1;
        }
    }
    return 0;
}

static void set_chunk(gin_reader *r, char *data, size_t len) {
    r->chunk = data;
    r->chunk_len = len;
    r->chunk_pos = 0;
    r->bytes += len;
    if (len == 0)
        r->eof = 1;
}

/* Where the next bytes go in the block lines are cut from: its front, or,
 * while a chunk still holds it, after the bytes already there (a pipe
 * delivers a line at a time: a block each would hold gigabytes), or a new
 * block once less than a quarter is left. Returns the offset, or -1 when
 * memory ran out. */
static long own_block(gin_reader *r, gin_block **block, unsigned char **data) {
    if ((*block)->refs == 1)
        return 0;
    size_t used = r->chunk ? (size_t)((unsigned char *)r->chunk - *data) + r->chunk_len : 0;
    if (r->chunk && used <= GIN_CHUNK - GIN_CHUNK / 4)
        return (long)used;
    gin_block *b = block_new();
    if (!b) {
        r->error = "out of memory";
        return -1;
    }
    gin_block_release(*block);
    *block = b;
    *data = b->data;
    return 0;
}

static int fill(gin_reader *r) {
    if (!r->decided) {
        /* The first read, with room for a whole block. */
        if (read_raw(r) != 0 || decide(r) != 0)
            return -1;
        if (r->kind == GDC_PLAIN) {
            set_chunk(r, (char *)r->raw, r->raw_len);
            r->raw_len = r->raw_pos = 0;
            return 0;
        }
    }
    if (r->kind == GDC_PLAIN) {
        long off = own_block(r, &r->raw_block, &r->raw);
        if (off < 0)
            return -1;
        ssize_t n = read_some(r, r->raw + off, GIN_CHUNK - (size_t)off);
        if (n < 0)
            return -1;
        set_chunk(r, (char *)r->raw + off, (size_t)n);
        return 0;
    }
    long off = own_block(r, &r->out_block, &r->out);
    if (off < 0)
        return -1;
    for (;;) {
        size_t produced = 0;
        gdc_status st = gdc_step(r->dec, r->raw, r->raw_len, &r->raw_pos, r->out + off,
                                 GIN_CHUNK - (size_t)off, &produced, r->raw_eof);
        if (st == GDC_ERROR) {
            r->error = gdc_error(r->dec);
            return -1;
        }
        if (produced > 0 || st == GDC_END) {
            set_chunk(r, (char *)r->out + off, produced);
            return 0;
        }
        if (r->raw_pos == r->raw_len) {
            r->raw_pos = r->raw_len = 0;
            if (r->raw_eof)
                continue; /* the decoder is told: the next step ends or fails */
            if (read_raw(r) != 0)
                return -1;
        } else if (r->raw_eof) {
            continue;
        } else if (read_raw(r) != 0) {
            return -1;
        }
    }
}

/* Appends to the spill buffer; once past the limit only the length grows. */
static int spill(gin_reader *r, const char *data, size_t n) {
    size_t want = r->line_len + n;
    if (want <= r->max_line) {
        if (want > r->line_cap) {
            size_t cap = r->line_cap ? r->line_cap : 4096;
            while (cap < want)
                cap *= 2;
            if (cap > r->max_line)
                cap = r->max_line;
            char *p = realloc(r->line, cap);
            if (!p) {
                r->error = "out of memory";
                return -1;
            }
            r->line = p;
            r->line_cap = cap;
        }
        memcpy(r->line + r->line_len, data, n);
    }
    r->line_len = want;
    return 0;
}

static gin_result finish_line(gin_reader *r, const char *data, size_t n, const char **line,
                              size_t *len) {
    if (r->line_len == 0 && n <= r->max_line) {
        /* The common case: the whole line sits in the chunk, no copy. */
        if (n > 0 && data[n - 1] == '\r')
            n--;
        r->line_in_chunk = n > 0;
        *line = data;
        *len = n;
        return GIN_LINE;
    }
    r->line_in_chunk = 0;
    if (spill(r, data, n) != 0)
        return GIN_ERROR;
    size_t total = r->line_len;
    r->line_len = 0;
    if (total > r->max_line) {
        *len = total;
        return GIN_TOO_LONG;
    }
    if (total > 0 && r->line[total - 1] == '\r')
        total--;
    *line = r->line;
    *len = total;
    return GIN_LINE;
}

gin_result gin_next(gin_reader *r, const char **line, size_t *len) {
    for (;;) {
        if (r->chunk_pos >= r->chunk_len) {
            if (r->eof) {
                if (r->line_len > 0)
                    return finish_line(r, "", 0, line, len);
                return GIN_EOF;
            }
            if (fill(r) != 0)
                return GIN_ERROR;
            continue;
        }
        char *start = r->chunk + r->chunk_pos;
        size_t avail = r->chunk_len - r->chunk_pos;
        char *nl = memchr(start, '\n', avail);
        if (nl) {
            size_t n = (size_t)(nl - start);
            r->chunk_pos += n + 1;
            return finish_line(r, start, n, line, len);
        }
        if (spill(r, start, avail) != 0)
            return GIN_ERROR;
        r->chunk_pos = r->chunk_len;
    }
}

const char *gin_error(const gin_reader *r) {
    return r->error ? r->error : "read error";
}

uint64_t gin_bytes(const gin_reader *r) {
    return r->bytes;
}

gin_block *gin_hold(gin_reader *r) {
    if (!r->line_in_chunk)
        return NULL;
    gin_block *b = r->kind == GDC_PLAIN ? r->raw_block : r->out_block;
    b->refs++;
    return b;
}

void gin_close(gin_reader *r) {
    if (!r)
        return;
    if (r->own_fd)
        close(r->fd);
    gdc_free(r->dec);
    gin_block_release(r->raw_block);
    gin_block_release(r->out_block);
    free(r->line);
    free(r);
}

/* ---- argument expansion ---- */

typedef struct path_list {
    char **items;
    long count, cap;
} path_list;

static int list_push(path_list *l, const char *path) {
    if (l->count == l->cap) {
        long cap = l->cap ? l->cap * 2 : 16;
        char **p = realloc(l->items, (size_t)cap * sizeof *p);
        if (!p)
            return -1;
        l->items = p;
        l->cap = cap;
    }
    char *copy = strdup(path);
    if (!copy)
        return -1;
    l->items[l->count++] = copy;
    return 0;
}

static int compare_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Corpus folders carry READMEs beside their events; inside a directory walk
 * they are documentation, not input (named on the command line, they are read). */
static int is_documentation(const char *name) {
    size_t n = strlen(name);
    return n > 3 && strcmp(name + n - 3, ".md") == 0;
}

static int walk(path_list *l, const char *path, int depth, const char **error_path) {
    struct stat st;
    if (stat(path, &st) != 0) {
        *error_path = path;
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return list_push(l, path);
    if (depth > 64) {
        *error_path = path;
        errno = ELOOP;
        return -1;
    }
    DIR *dir = opendir(path);
    if (!dir) {
        *error_path = path;
        return -1;
    }
    path_list names = {0};
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(dir)) != NULL) {
        if (de->d_name[0] == '.' || is_documentation(de->d_name))
            continue;
        if (list_push(&names, de->d_name) != 0) {
            rc = -1;
            break;
        }
    }
    closedir(dir);
    if (rc == 0)
        qsort(names.items, (size_t)names.count, sizeof *names.items, compare_names);
    for (long i = 0; rc == 0 && i < names.count; i++) {
        size_t n = strlen(path) + strlen(names.items[i]) + 2;
        char *child = malloc(n);
        if (!child) {
            rc = -1;
            break;
        }
        /* "dir/" given on the command line: no "dir//file" */
        size_t plen = strlen(path);
        snprintf(child, n, "%s%s%s", path, plen && path[plen - 1] == '/' ? "" : "/",
                 names.items[i]);
        rc = walk(l, child, depth + 1, error_path);
        if (rc != 0 && *error_path == child)
            *error_path = path; /* child is freed below */
        free(child);
    }
    gin_free_list(names.items, names.count);
    return rc;
}

long gin_expand(const char *const *args, size_t count, char ***files, const char **error_path) {
    path_list l = {0};
    for (size_t i = 0; i < count; i++) {
        int rc = strcmp(args[i], "-") == 0 ? list_push(&l, "-") : walk(&l, args[i], 0, error_path);
        if (rc != 0) {
            gin_free_list(l.items, l.count);
            return -1;
        }
    }
    *files = l.items;
    return l.count;
}

void gin_free_list(char **files, long count) {
    for (long i = 0; i < count; i++)
        free(files[i]);
    free(files);
}

int gin_parse_format(const char *cmd, const char *name, gantry_input_format *format) {
    int f = gantry_input_format_parse(name);
    if (f >= 0) {
        *format = (gantry_input_format)f;
        return 0;
    }
    fprintf(stderr, "gantry %s: unknown --input-format '%s'; known:", cmd, name);
    for (int i = 0; i < GANTRY_FORMAT__COUNT; i++)
        fprintf(stderr, " %s", gantry_input_format_name((gantry_input_format)i));
    fprintf(stderr, " (see gantry help %s)\n", cmd);
    return -1;
}
