/* SPDX-License-Identifier: Apache-2.0 */
/* Test support: raw input lines of the corpora, for tests that give the
 * same lines to the runtime many times. Module prefix: tsup_. */
#ifndef GANTRY_TESTS_LINES_H
#define GANTRY_TESTS_LINES_H

#include <stddef.h>
#include <stdio.h>

typedef struct tsup_lines {
    char **items; /* each its own allocation, exactly lens[i] bytes long */
    size_t *lens;
    size_t count, cap;
} tsup_lines;

/* Appends one line of len bytes. */
void tsup_lines_add(tsup_lines *l, const char *p, size_t len);
/* Appends each line of `in` without its line end (\n or \r\n). */
void tsup_lines_read(tsup_lines *l, FILE *in);
/* Appends the lines of every file below `dir`, as tsup_each_file gives
 * them. Allocation failure fails the test. */
void tsup_lines_load(tsup_lines *l, const char *dir);
void tsup_lines_free(tsup_lines *l);

#endif
