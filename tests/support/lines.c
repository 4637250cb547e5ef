/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "file_list.h"
#include "lines.h"

void tsup_lines_add(tsup_lines *l, const char *p, size_t len) {
    if (l->count == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 1024;
        l->items = realloc(l->items, l->cap * sizeof *l->items);
        l->lens = realloc(l->lens, l->cap * sizeof *l->lens);
        assert_non_null(l->items);
        assert_non_null(l->lens);
    }
    /* its own allocation of its exact size, so ASan sees a read past it */
    l->items[l->count] = malloc(len ? len : 1);
    assert_non_null(l->items[l->count]);
    memcpy(l->items[l->count], p, len);
    l->lens[l->count++] = len;
}

void tsup_lines_read(tsup_lines *l, FILE *in) {
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, in)) > 0) {
        size_t n = (size_t)len;
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        tsup_lines_add(l, line, n);
    }
    free(line);
}

static void read_file(FILE *in, const char *path, void *ctx) {
    (void)path;
    tsup_lines_read(ctx, in);
}

void tsup_lines_load(tsup_lines *l, const char *dir) {
    tsup_each_file(dir, read_file, l);
}

void tsup_lines_free(tsup_lines *l) {
    for (size_t i = 0; i < l->count; i++)
        free(l->items[i]);
    free(l->items);
    free(l->lens);
    memset(l, 0, sizeof *l);
}
