/* gantry normalize: print each input event as the normalized JSON a rule
 * sees; gantry fields: list the schema. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "commands.h"
#include "gantry.h"
#include "input.h"
#include "gantry_limits.h"
#include "normalize.h"

static void drain(gantry_normalizer *norm, const char *file, unsigned long long *malformed) {
    gantry_item item;
    while (gantry_normalizer_next(norm, &item)) {
        if (item.kind == GANTRY_ITEM_MALFORMED) {
            (*malformed)++;
            fprintf(stderr, "gantry normalize: %s:%llu: malformed: %s\n", file,
                    (unsigned long long)item.first_line, item.reason);
        } else if (item.kind == GANTRY_ITEM_EVENT) {
            char *text = cJSON_PrintUnformatted(item.event);
            if (text) {
                fputs(text, stdout);
                fputc('\n', stdout);
                free(text);
            }
        }
    }
}

static int normalize_file(const char *path, gantry_input_format format,
                          unsigned long long *malformed) {
    const char *error = NULL;
    gin_reader *reader = gin_open(path, GANTRY_DEFAULT_MAX_LINE_BYTES, &error);
    if (!reader) {
        fprintf(stderr, "gantry normalize: %s: %s\n", path, error);
        return -1;
    }
    gantry_normalizer *norm = NULL;
    if (gantry_normalizer_new(NULL, format, &norm) != GANTRY_OK) {
        gin_close(reader);
        fprintf(stderr, "gantry normalize: out of memory\n");
        return -1;
    }
    const char *file = strcmp(path, "-") == 0 ? "<stdin>" : path;
    uint64_t line_no = 0;
    int rc = 0;
    for (;;) {
        const char *line;
        size_t len;
        gin_result r = gin_next(reader, &line, &len);
        if (r == GIN_EOF)
            break;
        if (r == GIN_ERROR) {
            fprintf(stderr, "gantry normalize: %s: %s\n", file, gin_error(reader));
            rc = -1;
            break;
        }
        line_no++;
        if (r == GIN_TOO_LONG) {
            drain(norm, file, malformed);
            (*malformed)++;
            fprintf(stderr, "gantry normalize: %s:%llu: malformed: line too long\n", file,
                    (unsigned long long)line_no);
            continue;
        }
        gantry_status st = gantry_normalizer_feed(norm, line, len, line_no);
        if (st != GANTRY_OK) {
            fprintf(stderr, "gantry normalize: %s:%llu: %s\n", file, (unsigned long long)line_no,
                    gantry_strerror(st));
            rc = -1;
            break;
        }
        drain(norm, file, malformed);
    }
    gantry_normalizer_finish(norm);
    drain(norm, file, malformed);
    gantry_normalizer_free(norm);
    gin_close(reader);
    return rc;
}

int gcli_cmd_normalize(int argc, char **argv) {
    gantry_input_format format = GANTRY_FORMAT_AUTO;
    const char **paths = calloc((size_t)argc + 1, sizeof *paths);
    size_t npaths = 0;
    if (!paths)
        return 2;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *value = NULL;
        if (strcmp(a, "--input-format") == 0 && i + 1 < argc)
            value = argv[++i];
        else if (strncmp(a, "--input-format=", 15) == 0)
            value = a + 15;
        if (value) {
            int f = gantry_input_format_parse(value);
            if (f < 0) {
                fprintf(stderr, "gantry normalize: unknown input format: %s\n", value);
                free(paths);
                return 2;
            }
            format = (gantry_input_format)f;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "gantry normalize: unknown option: %s\n", a);
            free(paths);
            return 2;
        } else {
            paths[npaths++] = a;
        }
    }
    if (npaths == 0)
        paths[npaths++] = "-";
    char **files = NULL;
    const char *bad = NULL;
    long count = gin_expand(paths, npaths, &files, &bad);
    free(paths);
    if (count < 0) {
        fprintf(stderr, "gantry normalize: cannot read %s\n", bad ? bad : "input");
        return 2;
    }
    unsigned long long malformed = 0;
    int failed = 0;
    for (long i = 0; i < count; i++)
        if (normalize_file(files[i], format, &malformed) != 0)
            failed = 1;
    gin_free_list(files, count);
    fflush(stdout);
    if (failed)
        return 2;
    return malformed ? 1 : 0;
}

int gcli_cmd_fields(int argc, char **argv) {
    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "gantry fields: takes no arguments\n");
        return 2;
    }
    size_t count;
    const gnorm_field *fields = gnorm_schema_fields(&count);
    for (size_t i = 0; i < count; i++)
        printf("%-54s %s\n", fields[i].name, fields[i].description);
    return 0;
}
