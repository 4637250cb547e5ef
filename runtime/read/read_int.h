/* SPDX-License-Identifier: Apache-2.0 */
/* Internals shared by the reader's files: the compiled plan (plan.c), the
 * one-pass parser (reader.c) and the value view (values.c). */
#ifndef GANTRY_RT_READ_INT_H
#define GANTRY_RT_READ_INT_H

#include "read.h"

/* A path of n components has n + 1 states: state k means "the rest of the
 * path starts at component k", state n means "this value is the path's". A
 * key of an object in state k may consume components k..j at once (a flat
 * dotted key), which leads to state j + 1. */
typedef struct grd_trans {
    uint32_t from, to; /* state ids */
    uint32_t path;
    uint32_t klen; /* bytes of the key: a longer key is tried first */
} grd_trans;

/* One distinct key text some transition consumes, in an open-addressed
 * table; its transitions are trans[first .. first + count). */
typedef struct grd_seg {
    uint64_t hash;     /* 0: empty slot */
    uint32_t off, len; /* the key's bytes in plan->text */
    uint32_t first, count;
} grd_seg;

struct grd_plan {
    uint32_t npaths;
    int keywords;
    char *text;         /* the paths, copied */
    uint32_t *path_off; /* per path */
    uint32_t *path_len;
    uint32_t *root; /* per path: its first state (terminal for "") */
    uint8_t *whole; /* per path: grd_plan_whole() */
    uint8_t *first; /* per path: grd_plan_first_only() */
    uint32_t nstates;
    uint32_t *state_path; /* per state */
    uint8_t *state_term;  /* per state: the path ends here */
    uint8_t *state_first; /* per state: the path's first state */
    grd_seg *segs;
    uint32_t seg_mask;
    grd_trans *trans;
    uint32_t ntrans;
    /* quick rejection of keys no transition consumes: per first byte, a
     * bit per key length (63 for any longer) */
    uint64_t len_bits[256];
    int empty_key;
    /* top-level keys to watch: a small open-addressed set of hashes and
     * their texts (in watch_text, NUL-separated) */
    uint64_t *watch;
    uint32_t *watch_off;
    char *watch_text;
    uint32_t watch_mask, nwatch;
    uint64_t watch_bits[256]; /* per first byte, a bit per length (as len_bits) */
};

uint64_t grd_hash(const char *p, size_t n);
/* The transitions consuming key k (n bytes), or NULL with *count 0. */
const grd_trans *grd_plan_lookup(const grd_plan *plan, const char *k, size_t n, uint32_t *count);

/* Whether key k (n bytes) is one the plan watches at the top level. */
int grd_plan_watched(const grd_plan *plan, const char *k, size_t n);

/* Kinds of recorded values. */
enum { GRD_T_STR, GRD_T_NUM, GRD_T_TRUE, GRD_T_FALSE, GRD_T_NULL, GRD_T_OTHER };
/* String flags: escapes to undo, a NUL byte (the text ends there, as a C
 * string does in cJSON). */
enum { GRD_F_ESC = 1, GRD_F_NUL = 2 };

typedef struct grd_slot {
    uint32_t off, len; /* in the line: a string's body, a number's text */
    uint8_t type, flags;
} grd_slot;

typedef struct grd_vec {
    grd_slot *s;
    uint32_t n, cap;
    uint8_t limited;
} grd_vec;

typedef struct grd_block {
    char *p;
    size_t cap;
} grd_block;

/* Unescapes a validated string body s[0..n) as cJSON does, into out (room
 * for n + 1 bytes); returns the C-string length (up to a NUL it wrote), or
 * (size_t)-1 when the escapes are invalid. out may be NULL to validate. */
size_t grd_unescape(const unsigned char *s, size_t n, char *out);

/* The string at t[i] == '"': *end at its closing quote, *flags its
 * GRD_F_*; 0 when cJSON would refuse it. */
int grd_scan_string(const unsigned char *t, size_t len, size_t i, size_t *end, uint8_t *flags);
/* The number at t[i] ('-' or a digit): *end past it; 0 when refused. */
int grd_scan_number(const unsigned char *t, size_t len, size_t i, size_t *end);
/* The whole value at t[i] (its first byte), nested at `depth` already, no
 * deeper than max_depth: *end past it; 0 when cJSON would refuse it. For
 * values no path reaches: nothing is recorded, nothing looked up. */
int grd_skip_value(const unsigned char *t, size_t len, size_t i, size_t depth, size_t max_depth,
                   size_t *end);

struct grd_reader {
    const grd_plan *plan;
    grd_vec *vecs; /* npaths + 1 (keywords) */
    /* parser stacks, grown and reused */
    uint32_t *ss; /* state lists of frames and pending values */
    size_t ss_len, ss_cap;
    struct grd_cand *cs; /* candidate keys of open objects */
    size_t cs_len, cs_cap;
    struct grd_frame *fs; /* one per open container, cJSON's nesting limit of them */
    /* per state, stamped with the serial of the object frame using them */
    uint32_t *stamp;
    uint32_t *cnt;
    uint32_t *best_klen;
    uint32_t *best_start, *best_end, *region;
    uint32_t *rstamp, *rcnt; /* resolve()'s own stamp and candidate count */
    uint32_t serial;
    int root_key_seen;
    int root_crowded;
    const char *text;
    size_t len;
    char *keybuf; /* an escaped key, unescaped */
    size_t keybuf_cap;
    grd_block *blocks; /* the value arena */
    size_t nblocks, cur, used;
};

/* Arena memory for n bytes, valid until the next grd_read; NULL on OOM. */
char *grd_arena_alloc(grd_reader *r, size_t n);

#endif
