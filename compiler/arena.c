/* SPDX-License-Identifier: Apache-2.0 */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct gar_block {
    gar_block *next;
    size_t used, size;
    max_align_t data[];
};

#define GAR_BLOCK_BYTES (64u * 1024u)

void gar_init(gar *arena) {
    arena->head = NULL;
    arena->failed = false;
}

void gar_release(gar *arena) {
    gar_block *b = arena->head;
    while (b) {
        gar_block *next = b->next;
        free(b);
        b = next;
    }
    arena->head = NULL;
}

void *gar_alloc(gar *arena, size_t size) {
    const size_t align = sizeof(max_align_t);
    if (size > SIZE_MAX / 2) {
        arena->failed = true;
        return NULL;
    }
    size = (size + align - 1) / align * align;
    if (size == 0)
        size = align;
    gar_block *b = arena->head;
    if (!b || b->size - b->used < size) {
        size_t cap = size > GAR_BLOCK_BYTES ? size : GAR_BLOCK_BYTES;
        b = malloc(sizeof *b + cap);
        if (!b) {
            arena->failed = true;
            return NULL;
        }
        b->size = cap;
        b->used = 0;
        /* an oversized block goes behind the head so the head keeps its room */
        if (arena->head && cap > GAR_BLOCK_BYTES) {
            b->next = arena->head->next;
            arena->head->next = b;
        } else {
            b->next = arena->head;
            arena->head = b;
        }
    }
    void *p = (char *)b->data + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

char *gar_memdup(gar *arena, const void *data, size_t len) {
    char *p = gar_alloc(arena, len + 1);
    if (p && len)
        memcpy(p, data, len);
    return p;
}

char *gar_strdup(gar *arena, const char *text) {
    return gar_memdup(arena, text, strlen(text));
}

void *gar_grow(gar *arena, void *old, size_t old_size, size_t new_size) {
    void *p = gar_alloc(arena, new_size);
    if (p && old && old_size)
        memcpy(p, old, old_size < new_size ? old_size : new_size);
    return p;
}
