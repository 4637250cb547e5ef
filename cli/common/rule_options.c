/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "field_knowledge.h"
#include "rule_options.h"

int gcli_rule_options_init(gcli_rule_options *opts, int argc) {
    memset(opts, 0, sizeof *opts);
    opts->defines = calloc((size_t)argc + 1, sizeof *opts->defines);
    opts->mappings = calloc((size_t)argc + 1, sizeof *opts->mappings);
    if (!opts->defines || !opts->mappings) {
        gcli_rule_options_free(opts);
        return -1;
    }
    opts->comp.defines = opts->defines;
    opts->comp.mapping_files = opts->mappings;
    opts->comp.field_known = gcli_field_known;
    return 0;
}

void gcli_rule_options_free(gcli_rule_options *opts) {
    free(opts->defines);
    free(opts->mappings);
    opts->defines = NULL;
    opts->mappings = NULL;
}

int gcli_rule_option(gcli_rule_options *opts, int id, const char *v) {
    switch (id) {
    case 'D':
        if (!strchr(v, '=') || v[0] == '=') {
            opts->error = "-D takes NAME=VALUE";
            return -1;
        }
        opts->defines[opts->comp.define_count++] = v;
        return 1;
    case GCLI_OPT_VALUES:
        if (!*v) {
            opts->error = "--values takes a file";
            return -1;
        }
        opts->comp.values_file = v;
        return 1;
    case GCLI_OPT_MAPPING:
        if (!*v) {
            opts->error = "--mapping takes a file";
            return -1;
        }
        opts->mappings[opts->comp.mapping_file_count++] = v;
        return 1;
    case GCLI_OPT_PLACEHOLDERS:
        if (strcmp(v, "empty") != 0 && strcmp(v, "error") != 0) {
            opts->error = "--placeholders takes 'empty' or 'error'";
            return -1;
        }
        opts->comp.placeholders_empty = strcmp(v, "empty") == 0;
        return 1;
    case GCLI_OPT_KEEP_GOING:
        opts->comp.keep_going = 1;
        return 1;
    case GCLI_OPT_WERROR:
        opts->werror = 1;
        return 1;
    case 'W':
        if (strcmp(v, "error") != 0) {
            opts->error = "-W takes 'error' (warnings fail the compile)";
            return -1;
        }
        opts->werror = 1;
        return 1;
    case GCLI_OPT_DIAGNOSTICS:
        if (strcmp(v, "json") != 0 && strcmp(v, "text") != 0) {
            opts->error = "--diagnostics-format takes 'text' or 'json'";
            return -1;
        }
        opts->json_diagnostics = strcmp(v, "json") == 0;
        return 1;
    default:
        return 0;
    }
}

static int path_exists(const char *cmd, const char *path) {
    struct stat st;
    if (stat(path, &st) == 0)
        return 0;
    fprintf(stderr, "gantry %s: %s: %s\n", cmd, path, strerror(errno));
    return -1;
}

int gcli_rule_inputs_exist(const char *cmd, const gcli_rule_options *opts, const char *const *paths,
                           size_t count) {
    for (size_t i = 0; i < count; i++)
        if (path_exists(cmd, paths[i]) != 0)
            return -1;
    if (opts->comp.values_file && path_exists(cmd, opts->comp.values_file) != 0)
        return -1;
    for (size_t i = 0; i < opts->comp.mapping_file_count; i++)
        if (path_exists(cmd, opts->mappings[i]) != 0)
            return -1;
    return 0;
}

int gcli_compile_paths(const gcli_rule_options *opts, const char *const *paths, size_t count,
                       unsigned char **image, size_t *len, gcomp_stats *stats) {
    *image = NULL;
    *len = 0;
    gcomp_stats local;
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    gdiag_sink *diag = gdiag_new(stderr, opts->json_diagnostics,
                                 !opts->json_diagnostics && gopt_color(-1, STDERR_FILENO));
    if (!diag)
        return -1;
    int rc = -1;
    gast_unit *unit = gcomp_parse_paths(paths, count, diag, &opts->comp);
    /* --keep-going compiles what parsed; the files and rules that did not
     * are already reported and absent from the unit */
    size_t parse_errors = unit ? gdiag_error_count(diag) : 0;
    if (unit && (parse_errors == 0 || opts->comp.keep_going))
        rc = gcomp_compile_unit(unit, diag, &opts->comp, image, len, stats);
    if (unit && opts->werror && gdiag_warning_count(diag) > 0) {
        fprintf(stderr, "gantry: %zu warning%s treated as errors (-W error)\n",
                gdiag_warning_count(diag), gdiag_warning_count(diag) == 1 ? "" : "s");
        free(*image);
        *image = NULL;
        *len = 0;
        rc = -1;
    }
    if (rc == 0 && (parse_errors > 0 || stats->rules_failed > 0)) {
        fprintf(stderr,
                "gantry: --keep-going: left out %zu rule%s that do not compile and what %zu "
                "error%s while reading stopped; the pack holds the rest\n",
                stats->rules_failed, stats->rules_failed == 1 ? "" : "s", parse_errors,
                parse_errors == 1 ? "" : "s");
        rc = 1;
    }
    if (!unit)
        fputs("gantry: out of memory while reading rules\n", stderr);
    gast_unit_free(unit);
    gdiag_free(diag);
    return rc;
}

gantry_pack *gcli_load_pack_file(const char *cmd, const char *path, const gantry_options *load) {
    gantry_pack *pack = NULL;
    char err[512] = "";
    if (gantry_pack_load_file_opts(path, load, &pack, err, sizeof err) == GANTRY_OK)
        return pack;
    /* The loader names the file in I/O errors; say it once either way. */
    size_t n = strlen(path);
    if (strncmp(err, path, n) == 0 && err[n] == ':')
        fprintf(stderr, "gantry %s: %s\n", cmd, err);
    else
        fprintf(stderr, "gantry %s: %s: %s\n", cmd, path, err);
    return NULL;
}

gantry_pack *gcli_compile_and_load(const char *cmd, const gcli_rule_options *opts,
                                   const gantry_options *load, const char *const *paths,
                                   size_t count) {
    unsigned char *image = NULL;
    size_t len = 0;
    if (gcli_compile_paths(opts, paths, count, &image, &len, NULL) < 0)
        return NULL;
    gantry_pack *pack = NULL;
    char err[512] = "";
    if (gantry_pack_load_buffer_opts(image, len, load, &pack, err, sizeof err) != GANTRY_OK)
        fprintf(stderr, "gantry %s: compiled pack refused: %s\n", cmd, err);
    free(image);
    return pack;
}
