/* SPDX-License-Identifier: Apache-2.0 */
/* gantry normalize: print each input event as the normalized JSON a rule
 * sees; gantry fields: list the schema. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "commands.h"
#include "drain.h"
#include "gantry.h"
#include "gantry_cjson.h"
#include "input.h"
#include "gantry_limits.h"
#include "normalize.h"

static const gopt normalize_rows[] = {
    {GOPT_LONG, "input-format", "F",
     "force the input format (auto, k8s_audit, docker_events,\ndockerd, falco, k8s_dashboard, "
     "containerd, json)"},
};
const gopt_table gcli_normalize_options = GOPT_TABLE_INIT(normalize_rows);

static gantry_status print_event(void *user, const gantry_item *item) {
    char *text = cJSON_PrintUnformatted(gantry_event_cjson(item->event));
    if (!text)
        return GANTRY_E_NOMEM;
    fputs(text, stdout);
    fputc('\n', stdout);
    free(text);
    return GANTRY_OK;
}

static void print_note(void *user, int kind, uint64_t count, uint64_t line, const char *text) {
    gdr_print_note(stderr, kind, user, line, text);
}

/* Returns 0, or -1 when the file could not be read. */
static int normalize_file(const char *path, gantry_input_format format, gmo_stats *stats) {
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
    const gdr_hooks hooks = {print_event, print_note, (void *)file};
    uint64_t line_no = 0;
    int rc = 0;
    for (;;) {
        const char *line;
        size_t len;
        gin_result r = gin_next(reader, &line, &len);
        if (r == GIN_EOF)
            break;
        if (r == GIN_ERROR) {
            fprintf(stderr, "gantry normalize: %s: after line %llu: %s\n", file,
                    (unsigned long long)line_no, gin_error(reader));
            rc = -1;
            break;
        }
        line_no++;
        stats->lines++;
        if (r == GIN_TOO_LONG) {
            gdr_drain(norm, stats, &hooks, 0);
            gdr_malformed(stats, &hooks, line_no, line_no, "line too long");
            continue;
        }
        gantry_status st = gantry_normalizer_feed(norm, line, len, line_no);
        if (st != GANTRY_OK)
            gdr_malformed(stats, &hooks, line_no, line_no, gantry_strerror(st));
        else
            gdr_drain(norm, stats, &hooks, 0);
    }
    gantry_normalizer_finish(norm);
    gdr_drain(norm, stats, &hooks, 0);
    gantry_normalizer_free(norm);
    gin_close(reader);
    return rc;
}

static int on_option(void *ctx, int id, const char *value) {
    return gin_parse_format("normalize", value, ctx); /* --input-format, the only option */
}

int gcli_cmd_normalize(int argc, char **argv) {
    gantry_input_format format = GANTRY_FORMAT_AUTO;
    int first = 1;
    if (gopt_parse("normalize", gcli_normalize_options, argc, argv, on_option, &format, &first) !=
        0)
        return 2;
    const char *stdin_only[] = {"-"};
    const char *const *paths = first < argc ? (const char *const *)argv + first : stdin_only;
    size_t npaths = first < argc ? (size_t)(argc - first) : 1;
    char **files = NULL;
    const char *bad = NULL;
    long count = gin_expand(paths, npaths, &files, &bad);
    if (count < 0) {
        fprintf(stderr, "gantry normalize: %s: %s\n", bad ? bad : "input", strerror(errno));
        return 2;
    }
    gmo_stats stats;
    if (gmo_stats_init(&stats, 0) != 0) {
        gin_free_list(files, count);
        return 2;
    }
    int failed = 0;
    for (long i = 0; i < count; i++)
        if (normalize_file(files[i], format, &stats) != 0)
            failed = 1;
    gin_free_list(files, count);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "gantry normalize: cannot write output: %s\n", strerror(errno));
        failed = 1;
    }
    int malformed = stats.malformed > 0;
    gmo_stats_free(&stats);
    if (failed)
        return 2;
    return malformed ? 1 : 0;
}

int gcli_cmd_fields(int argc, char **argv) {
    static const gopt_table none = {NULL, 0};
    int first = 1;
    if (gopt_parse("fields", none, argc, argv, on_option, NULL, &first) != 0)
        return 2;
    if (first < argc) {
        gopt_usage_error("fields", "takes no arguments");
        return 2;
    }
    size_t count;
    const gnorm_field *fields = gnorm_schema_fields(&count);
    for (size_t i = 0; i < count; i++)
        printf("%-54s %s\n", fields[i].name, fields[i].description);
    return 0;
}
