/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "file_list.h"

const char *const tsup_yaml_suffixes[] = {".yml", ".yaml", NULL};

static int wanted(const char *name, const char *const *suffixes) {
    if (!suffixes)
        return 1;
    size_t n = strlen(name);
    for (size_t i = 0; suffixes[i]; i++) {
        size_t k = strlen(suffixes[i]);
        if (n >= k && strcmp(name + n - k, suffixes[i]) == 0)
            return 1;
    }
    return 0;
}

void tsup_collect(tsup_files *out, const char *dir, const char *const *suffixes) {
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *ent;
    while ((ent = readdir(d))) {
        if (ent->d_name[0] == '.')
            continue;
        size_t n = strlen(dir) + strlen(ent->d_name) + 2;
        char *path = malloc(n);
        assert_non_null(path);
        snprintf(path, n, "%s/%s", dir, ent->d_name);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            tsup_collect(out, path, suffixes);
            free(path);
            continue;
        }
        if (!wanted(ent->d_name, suffixes)) {
            free(path);
            continue;
        }
        if (out->count == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 64;
            out->items = realloc(out->items, out->cap * sizeof *out->items);
            assert_non_null(out->items);
        }
        out->items[out->count++] = path;
    }
    closedir(d);
}

static int by_path(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void tsup_sort(tsup_files *files) {
    if (files->count)
        qsort(files->items, files->count, sizeof *files->items, by_path);
}

void tsup_files_free(tsup_files *files) {
    for (size_t i = 0; i < files->count; i++)
        free(files->items[i]);
    free(files->items);
    files->items = NULL;
    files->count = files->cap = 0;
}

void tsup_each_file(const char *dir, void (*fn)(FILE *in, const char *path, void *ctx), void *ctx) {
    tsup_files files = {0};
    tsup_collect(&files, dir, NULL);
    tsup_sort(&files);
    for (size_t f = 0; f < files.count; f++) {
        size_t n = strlen(files.items[f]);
        if (n > 3 && strcmp(files.items[f] + n - 3, ".gz") == 0)
            continue;
        FILE *in = fopen(files.items[f], "rb");
        assert_non_null(in);
        fn(in, files.items[f], ctx);
        fclose(in);
    }
    tsup_files_free(&files);
}
