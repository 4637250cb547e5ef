/* SPDX-License-Identifier: Apache-2.0 */
/* `gantry match --follow`: inputs read as they grow, across rotation
 * (follow_files.c reads, follow_scan.c looks at the operands), the run
 * that survives a SIGHUP reload (follow.c) and
 * the --state file that lets a restart go on where the last run stopped
 * (follow_state.c). docs/live.md is the user's side. Module prefix: gmr_. */
#ifndef GANTRY_CLI_FOLLOW_H
#define GANTRY_CLI_FOLLOW_H

#include <stddef.h>
#include <stdint.h>

#include "match_run.h"

/* The options --follow cannot go with, refused as usage errors. Returns 0
 * or -1 after saying why. */
int gmr_follow_check_args(const match_config *cfg, int timeline);
/* The whole --follow run; returns the exit status. */
int gmr_follow(match_config *cfg);

/* cmd_match.c, shared with the reload: every pack of cfg loaded (the
 * count, or -1 after saying why), their correlators started (0, or -1),
 * and flushed at the end (the correlation matches printed). */
long gmr_load_packs(const match_config *cfg, gmr_pack *packs);
int gmr_start_correlators(match_run *run);
uint64_t gmr_finish_correlators(match_run *run, gantry_correlator_stats *sum, int *any);

/* ---- follow_state.c: the --state file ----
 * How far each followed file was read: its identity (device, inode and a
 * checksum of its first bytes) and the offset and line number after the
 * last line whose matches are written. */
#define GMR_HEAD_MAX 1024 /* bytes of a file's beginning that recognise it */

typedef struct gmr_fstate_file {
    char *path;
    size_t operand; /* index into the operands the state was written for */
    uint64_t dev, ino;
    uint64_t offset, line;
    uint32_t head_len, head_crc;
    int parked; /* a copy of another file, not read while that file is */
    int used;   /* matched to an open file by this run */
} gmr_fstate_file;

typedef struct gmr_fstate {
    gmr_fstate_file *files;
    size_t count;
} gmr_fstate;

/* Parses a state file's text, written for these operands. Returns 0, or
 * -1 with err saying why it is refused (corrupt, truncated, another
 * format or version, other paths). */
int gmr_fstate_parse(const char *text, size_t len, const char *const *operands,
                     size_t operand_count, gmr_fstate *out, char *err, size_t err_size);
/* Reads `path`: 0 loaded, 1 no such file (a first run), -1 refused with
 * err set. */
int gmr_fstate_load(const char *path, const char *const *operands, size_t operand_count,
                    gmr_fstate *out, char *err, size_t err_size);
/* Writes the state atomically: a temporary file beside it, fsync, rename,
 * fsync of the directory. Returns 0, or -1 with err set. */
/* Takes the lock that makes a state file one follower's: an exclusive
 * flock on PATH.lock (the state file itself is replaced by rename, so it
 * cannot hold a lock), kept until the returned descriptor is closed or the
 * process ends. -1 with err when another process holds it or the lock
 * file cannot be made. */
int gmr_fstate_lock(const char *path, char *err, size_t err_size);
int gmr_fstate_save(const char *path, const char *const *operands, size_t operand_count,
                    const gmr_fstate *state, char *err, size_t err_size);
void gmr_fstate_free(gmr_fstate *state);
/* zlib's CRC-32 of the bytes. */
uint32_t gmr_crc32(const void *data, size_t len);

/* ---- follow_files.c: the files being followed ---- */
#define GMR_TURN_BYTES (64u << 20) /* the most one file is read before the next */

typedef struct gmr_ffile gmr_ffile;

typedef struct gmr_follower {
    const match_config *cfg;
    match_run *run; /* the run of the packs loaded last */
    char **operands;
    int *is_dir;
    int *wd;   /* inotify watch on the operand's directory, -1 none */
    int *said; /* the last state of the operand told on stderr */
    size_t operand_count;
    gmr_ffile **files; /* every open file, in the order they were opened */
    size_t count, cap;
    int inotify_fd;           /* -1: polling only */
    int state_lock_fd;        /* gmr_fstate_lock's, -1 without --state */
    gmr_fstate *restore;      /* positions from --state, used by the first scan */
    const gmr_ffile *current; /* whose lines the run was last given */
    int failed;               /* out of memory while matching */
    size_t turn;              /* the file being read (gmr_ff_service) */
    uint64_t turn_bytes;      /* what it read in this turn */
} gmr_follower;

/* Looks at every operand: opens files that appeared, notices rotation by
 * rename, deletion and files of a directory that came or went, finishing
 * a file that was replaced before its successor is read. */
void gmr_ff_scan(gmr_follower *fl);
/* Reads and matches one chunk of the file whose turn it is. A file keeps
 * its turn until it is caught up or read GMR_TURN_BYTES, so the files a
 * directory holds at the start are read mostly one after another, oldest
 * first. Returns the bytes read (0: nothing new anywhere). */
size_t gmr_ff_service(gmr_follower *fl);
/* Ends a run: every line held back by a normalizer is released and
 * matched; files stay open. */
void gmr_ff_settle(gmr_follower *fl);
/* The positions to record: only lines whose matches are written. */
int gmr_ff_snapshot(const gmr_follower *fl, gmr_fstate *out);
/* The run changed (a reload): the next line sets the file and logsource. */
void gmr_ff_new_run(gmr_follower *fl, match_run *run);
void gmr_ff_close_all(gmr_follower *fl);

#endif
