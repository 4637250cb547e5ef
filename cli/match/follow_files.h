/* SPDX-License-Identifier: Apache-2.0 */
/* Inside the follower: one followed file (follow_files.c reads it) and
 * what the scan of the operands (follow_scan.c) does with files. */
#ifndef GANTRY_CLI_FOLLOW_FILES_H
#define GANTRY_CLI_FOLLOW_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "follow.h"

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

/* "gantry match: PATH: WHAT" unless --quiet. */
void gmr_ff_say(const gmr_follower *fl, const char *path, const char *what);
/* The operand's state changed to `state`: tell it once. */
void gmr_ff_tell(gmr_follower *fl, size_t op, int state, const char *what);
/* Opens path as a file of operand op, where --state or a copy it is of
 * says it goes on. Returns 0 (also when it is followed already), or -1. */
int gmr_ff_add(gmr_follower *fl, size_t op, const char *path);
/* The file was replaced or deleted: its rest is read and matched now, and
 * it is dropped. */
void gmr_ff_finish(gmr_follower *fl, size_t index);
gmr_ffile *gmr_ff_find(const gmr_follower *fl, size_t op, uint64_t dev, uint64_t ino);

#endif
