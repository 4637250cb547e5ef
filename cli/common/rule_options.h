/* SPDX-License-Identifier: Apache-2.0 */
/* Options shared by every command that compiles rules (compile, check,
 * match -r, test, consume -r): -D, --values, --placeholders, --mapping,
 * --diagnostics-format, -W error (--werror) and --keep-going, as rows for
 * each command's option table; and loading rules as a pack, compiled or from
 * a file. */
#ifndef GANTRY_CLI_RULE_OPTIONS_H
#define GANTRY_CLI_RULE_OPTIONS_H

#include <stddef.h>

#include "compiler.h"
#include "gantry.h"
#include "options.h"

enum {
    GCLI_OPT_VALUES = GOPT_LONG,
    GCLI_OPT_MAPPING,
    GCLI_OPT_PLACEHOLDERS,
    GCLI_OPT_DIAGNOSTICS,
    GCLI_OPT_WERROR,
    GCLI_OPT_KEEP_GOING,
    GCLI_OPT_FIRST_FREE = GOPT_LONG + 0x10 /* commands number their own options from here */
};

#define GCLI_OPT_ROW_DEFINE                                                                        \
    { 'D', "define", "NAME=VALUE[,VALUE]", "fill a placeholder or replace a named list" }
#define GCLI_OPT_ROW_VALUES                                                                        \
    { GCLI_OPT_VALUES, "values", "FILE", "YAML map of placeholder values" }
#define GCLI_OPT_ROW_PLACEHOLDERS                                                                  \
    {                                                                                              \
        GCLI_OPT_PLACEHOLDERS, "placeholders", "empty|error",                                      \
            "unfilled placeholders match nothing (empty) or\nfail the compile (error, the "        \
            "default)"                                                                             \
    }
#define GCLI_OPT_ROW_MAPPING                                                                       \
    { GCLI_OPT_MAPPING, "mapping", "FILE", "extra Sigma field mapping (repeatable)" }
#define GCLI_OPT_ROW_DIAGNOSTICS                                                                   \
    {                                                                                              \
        GCLI_OPT_DIAGNOSTICS, "diagnostics-format", "text|json",                                   \
            "rule diagnostics as text (default) or JSON lines"                                     \
    }
#define GCLI_OPT_ROWS_WERROR                                                                       \
    {'W', "warnings", "error", "warnings fail the compile (-W error)"}, {                          \
        GCLI_OPT_WERROR, "werror", NULL, "the same as -W error"                                    \
    }
#define GCLI_OPT_ROW_KEEP_GOING                                                                    \
    {                                                                                              \
        GCLI_OPT_KEEP_GOING, "keep-going", NULL,                                                   \
            "compile the rules that compile and report the others\n(compile and check exit 3)"     \
    }
#define GCLI_RULE_OPTION_ROWS                                                                      \
    GCLI_OPT_ROW_DEFINE, GCLI_OPT_ROW_VALUES, GCLI_OPT_ROW_PLACEHOLDERS, GCLI_OPT_ROW_MAPPING,     \
        GCLI_OPT_ROW_DIAGNOSTICS, GCLI_OPT_ROWS_WERROR, GCLI_OPT_ROW_KEEP_GOING

typedef struct gcli_rule_options {
    gcomp_options comp;
    const char **defines; /* backing arrays for comp.defines / comp.mapping_files */
    const char **mappings;
    int json_diagnostics;
    int werror;        /* -W error / --werror: a compile with warnings fails */
    const char *error; /* set when a recognised option is malformed */
} gcli_rule_options;

/* Takes option `id` when it is a rule option: returns 1; 0 when it is not
 * one; -1 with opts->error set when its value is malformed. The arrays are
 * sized for argc so no allocation can fail midway. */
int gcli_rule_option(gcli_rule_options *opts, int id, const char *value);
int gcli_rule_options_init(gcli_rule_options *opts, int argc);
void gcli_rule_options_free(gcli_rule_options *opts);

/* Every rule path, the --values file and each --mapping file exist; else
 * prints "gantry CMD: PATH: reason" for the first missing one and returns -1
 * (an I/O error: the caller exits 2). */
int gcli_rule_inputs_exist(const char *cmd, const gcli_rule_options *opts, const char *const *paths,
                           size_t count);

/* Parse and compile PATHS into a pack image, printing diagnostics on
 * stderr. Returns 0 and the image (caller frees), 1 and the image when
 * --keep-going left rules or files out, or -1. */
int gcli_compile_paths(const gcli_rule_options *opts, const char *const *paths, size_t count,
                       unsigned char **image, size_t *len, gcomp_stats *stats);

/* A pack file, loaded and verified; NULL after printing why (the path once).
 * `load` may be NULL for the default load options. */
gantry_pack *gcli_load_pack_file(const char *cmd, const char *path, const gantry_options *load);
/* Rules compiled in memory and loaded; NULL after printing why. */
gantry_pack *gcli_compile_and_load(const char *cmd, const gcli_rule_options *opts,
                                   const gantry_options *load, const char *const *paths,
                                   size_t count);

#endif
