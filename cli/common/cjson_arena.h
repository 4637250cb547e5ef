/* SPDX-License-Identifier: Apache-2.0 */
/* cJSON's allocator for `gantry match`: per-thread blocks instead of a
 * malloc and a free for every node of every event (docs/performance.md).
 *
 * Each thread allocates nodes by bumping a pointer in its own 64 KiB block;
 * a block counts what is alive in it and is rewound (or, once full, taken
 * back into the thread's cache of free blocks) as soon as nothing is. No
 * lifetime is assumed: a tree kept for later (a joined event the normalizer
 * holds, a correlation feed, the printer's strings) simply keeps its block,
 * and a node freed on another thread (a -j worker's tree finished by the
 * merger) is counted with an atomic operation, and an emptied block goes
 * back to its thread's cache or to a pool any thread takes from. Requests
 * above 16 KiB go to malloc.
 *
 * Installed by the CLI through cJSON_InitHooks before its first cJSON
 * allocation and never taken back: libgantry never changes the hooks of the
 * program embedding it. GANTRY_CJSON_ARENA=0 leaves cJSON on malloc (to
 * compare); GANTRY_CJSON_ARENA=stats prints the counters at the end (tests).
 *
 * Under AddressSanitizer every freed node is poisoned, a double free aborts,
 * and blocks are never rewound nor cached but returned to malloc once
 * empty, so a use after free still lands in poisoned or quarantined memory.
 * Module prefix: gca_. */
#ifndef GANTRY_CLI_CJSON_ARENA_H
#define GANTRY_CLI_CJSON_ARENA_H

#include <stdint.h>
#include <stdio.h>

/* Installs the hooks unless GANTRY_CJSON_ARENA=0. Call first thing, on
 * the main thread, before anything is allocated through cJSON. */
void gca_install(void);
/* Trees made while `kept` is set come from blocks of their own: copies
 * kept for later (-j's correlation feeds) would otherwise keep the blocks
 * of every event parsed around them. Returns the setting before, to put
 * back. Without the hooks installed it changes nothing. */
int gca_keep(int kept);
/* Gives back the calling thread's blocks (call as a thread ends, and at
 * the end of the run on the main thread). */
void gca_thread_end(void);
/* gca_thread_end on the main thread once every other thread has ended:
 * also frees the blocks kept for any thread. */
void gca_finish(void);

typedef struct gca_stats {
    uint64_t allocations; /* through the arena, of threads that ended */
    uint64_t blocks;      /* blocks taken from malloc */
    uint64_t large;       /* requests passed to malloc */
} gca_stats;

void gca_get_stats(gca_stats *stats);
/* With GANTRY_CJSON_ARENA=stats: one line of counters on `out`. */
void gca_report(FILE *out);

#endif
