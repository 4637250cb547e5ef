/* SPDX-License-Identifier: Apache-2.0 */
#include "cjson_arena.h"

#include <cJSON.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define GCA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GCA_ASAN 1
#endif
#endif
#ifdef GCA_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define BLOCK_BYTES (64u * 1024u)
#define LARGE_BYTES (16u * 1024u)
#define CACHE_BLOCKS 4
/* Empty blocks any thread may take: a -j worker's block is often emptied
 * by the merger, which frees the correlation feeds the worker copied. Up to
 * 16 MiB: what the feeds of the chunks in flight held at their peak. */
#define POOL_BLOCKS 256

/* Before a block is retired, `remote` is minus the frees made off its
 * owner's fast path and `live` the owner's allocations minus its own frees:
 * what is alive is live + remote. Retiring adds live to remote, which from
 * then on is what is alive, and whoever takes it to zero recycles the block. */
typedef struct block {
    _Atomic int64_t remote;
    int64_t live;
    char *bump, *end;
    _Alignas(16) char data[];
} block;

/* Before every allocation: where its block starts (0: from malloc). */
typedef struct header {
    uint32_t offset;
    uint32_t size;
} header;

static _Thread_local struct {
    block *lanes[2]; /* the current block of each lane (1: kept copies, gca_keep) */
    int lane;
    block *cache[CACHE_BLOCKS];
    size_t cached;
    uint64_t allocations;
    int ended;
} tl;

static struct {
    pthread_mutex_t lock;
    block *blocks[POOL_BLOCKS];
    size_t count;
} pool = {PTHREAD_MUTEX_INITIALIZER, {0}, 0};

static _Atomic uint64_t total_allocations, total_blocks, total_large;
static int report_stats;

static void rewind_block(block *b) {
    b->bump = b->data;
    b->live = 0;
    atomic_store_explicit(&b->remote, 0, memory_order_relaxed);
}

/* An empty retired block: kept for reuse by this thread or by any, else
 * freed. */
static void recycle(block *b) {
#ifndef GCA_ASAN
    if (!tl.ended && tl.cached < CACHE_BLOCKS) {
        tl.cache[tl.cached++] = b;
        return;
    }
    pthread_mutex_lock(&pool.lock);
    if (pool.count < POOL_BLOCKS) {
        pool.blocks[pool.count++] = b;
        b = NULL;
    }
    pthread_mutex_unlock(&pool.lock);
    if (!b)
        return;
#endif
    UNPOISON(b->data, (size_t)(b->end - b->data));
    free(b);
}

static block *fresh_block(void) {
    block *b = NULL;
    if (tl.cached) {
        b = tl.cache[--tl.cached];
    } else {
        pthread_mutex_lock(&pool.lock);
        if (pool.count)
            b = pool.blocks[--pool.count];
        pthread_mutex_unlock(&pool.lock);
    }
    if (b) {
        rewind_block(b);
        return b;
    }
    b = malloc(BLOCK_BYTES);
    if (!b)
        return NULL;
    atomic_fetch_add_explicit(&total_blocks, 1, memory_order_relaxed);
    b->end = (char *)b + BLOCK_BYTES;
    rewind_block(b);
    POISON(b->data, (size_t)(b->end - b->data));
    return b;
}

/* The owner gives the block up: it recycles it when nothing is alive in
 * it, else the last free will. */
static void retire(block *b) {
    int64_t alive = atomic_fetch_add_explicit(&b->remote, b->live, memory_order_acq_rel) + b->live;
    if (alive == 0)
        recycle(b);
}

static void *arena_malloc(size_t size) {
    if (size > LARGE_BYTES) {
        header *h = malloc(sizeof *h + size);
        if (!h)
            return NULL;
        atomic_fetch_add_explicit(&total_large, 1, memory_order_relaxed);
        h->offset = 0;
        h->size = 0;
        return h + 1;
    }
    size_t need = sizeof(header) + ((size + 7) & ~(size_t)7);
    block *b = tl.lanes[tl.lane];
    if (!b || (size_t)(b->end - b->bump) < need) {
        if (b) {
            tl.lanes[tl.lane] = NULL;
            retire(b);
        }
        if (!(b = fresh_block()))
            return NULL;
        tl.lanes[tl.lane] = b;
    }
    header *h = (header *)b->bump;
    UNPOISON(h, need);
    b->bump += need;
    b->live++;
    tl.allocations++;
    h->offset = (uint32_t)((char *)h - (char *)b);
    h->size = (uint32_t)(need - sizeof *h);
    return h + 1;
}

static void arena_free(void *p) {
    if (!p)
        return;
    header *h = (header *)p - 1;
#ifdef GCA_ASAN
    if (__asan_address_is_poisoned(p) && h->size) {
        fprintf(stderr, "gantry: cJSON arena: double free of %p\n", p);
        abort();
    }
#endif
    if (h->offset == 0) {
        free(h);
        return;
    }
    block *b = (block *)((char *)h - h->offset);
    POISON(p, h->size);
    if (b == tl.lanes[0] || b == tl.lanes[1]) {
        b->live--;
#ifndef GCA_ASAN
        /* nothing alive: the next event starts at the front again */
        if (b->live + atomic_load_explicit(&b->remote, memory_order_acquire) == 0)
            rewind_block(b);
#endif
        return;
    }
    if (atomic_fetch_sub_explicit(&b->remote, 1, memory_order_acq_rel) == 1)
        recycle(b);
}

void gca_install(void) {
    const char *env = getenv("GANTRY_CJSON_ARENA");
    if (env && strcmp(env, "0") == 0)
        return;
    report_stats = env && strcmp(env, "stats") == 0;
    cJSON_Hooks hooks = {arena_malloc, arena_free};
    cJSON_InitHooks(&hooks);
}

int gca_keep(int kept) {
    int was = tl.lane;
    tl.lane = kept != 0;
    return was;
}

void gca_thread_end(void) {
    tl.ended = 1;
    for (int i = 0; i < 2; i++) {
        block *b = tl.lanes[i];
        tl.lanes[i] = NULL;
        if (b)
            retire(b);
    }
    while (tl.cached)
        recycle(tl.cache[--tl.cached]); /* into the pool, or freed */
    atomic_fetch_add_explicit(&total_allocations, tl.allocations, memory_order_relaxed);
    tl.allocations = 0;
}

void gca_finish(void) {
    gca_thread_end();
    pthread_mutex_lock(&pool.lock);
    while (pool.count)
        free(pool.blocks[--pool.count]);
    pthread_mutex_unlock(&pool.lock);
}

void gca_get_stats(gca_stats *stats) {
    stats->allocations = atomic_load(&total_allocations) + tl.allocations;
    stats->blocks = atomic_load(&total_blocks);
    stats->large = atomic_load(&total_large);
}

void gca_report(FILE *out) {
    if (!report_stats)
        return;
    gca_stats s;
    gca_get_stats(&s);
    fprintf(out, "gantry: cJSON arena: %llu allocations, %llu blocks, %llu large\n",
            (unsigned long long)s.allocations, (unsigned long long)s.blocks,
            (unsigned long long)s.large);
}
