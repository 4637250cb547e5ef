/* SPDX-License-Identifier: Apache-2.0 */
/* A bump allocator owning every temporary object of one compile run (IR
 * nodes, decoded values, scratch strings), so passes never free piecemeal
 * and an allocation failure needs no unwinding. Module prefix: gar_. */
#ifndef GANTRY_ARENA_H
#define GANTRY_ARENA_H

#include <stdbool.h>
#include <stddef.h>

typedef struct gar_block gar_block;

typedef struct gar {
    gar_block *head;
    bool failed; /* an allocation failed; callers check once per pass */
} gar;

void gar_init(gar *arena);
void gar_release(gar *arena);

/* Zero-filled memory, or NULL (and arena->failed set). */
void *gar_alloc(gar *arena, size_t size);
/* Copy `len` bytes and add a NUL. */
char *gar_memdup(gar *arena, const void *data, size_t len);
char *gar_strdup(gar *arena, const char *text);
/* Grow an array allocated from the arena (old contents copied). */
void *gar_grow(gar *arena, void *old, size_t old_size, size_t new_size);

#endif
