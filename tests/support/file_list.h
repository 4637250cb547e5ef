/* SPDX-License-Identifier: Apache-2.0 */
/* Test support: collect the files below a directory. Module prefix: tsup_. */
#ifndef GANTRY_TESTS_FILE_LIST_H
#define GANTRY_TESTS_FILE_LIST_H

#include <stddef.h>
#include <stdio.h>

typedef struct tsup_files {
    char **items;
    size_t count, cap;
} tsup_files;

/* Appends every file below `dir` (recursively, hidden entries skipped) whose
 * name ends in one of the NULL-terminated `suffixes`; NULL means every file.
 * A missing directory adds nothing. Allocation failure fails the test. */
void tsup_collect(tsup_files *out, const char *dir, const char *const *suffixes);
/* Sorts by path, so runs are reproducible. */
void tsup_sort(tsup_files *files);
void tsup_files_free(tsup_files *files);

/* Opens each plain file below `dir` in path order (.gz files are passed
 * over) and calls fn with it; a file that cannot be opened fails the test.
 * A missing directory calls nothing. */
void tsup_each_file(const char *dir, void (*fn)(FILE *in, const char *path, void *ctx), void *ctx);

/* The Sigma rule files: *.yml and *.yaml. */
extern const char *const tsup_yaml_suffixes[];

#endif
