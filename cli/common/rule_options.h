/* Options shared by every command that compiles rules (compile, check,
 * match -r, test): -D, --values, --placeholders, --mapping,
 * --diagnostics-format, -W error (--werror) and --keep-going. */
#ifndef GANTRY_CLI_RULE_OPTIONS_H
#define GANTRY_CLI_RULE_OPTIONS_H

#include <stddef.h>
#include "compiler.h"

typedef struct gcli_rule_options {
    gcomp_options comp;
    const char **defines; /* backing arrays for comp.defines / comp.mapping_files */
    const char **mappings;
    int json_diagnostics;
    int werror;        /* -W error / --werror: a compile with warnings fails */
    const char *error; /* set when a recognised option is malformed */
} gcli_rule_options;

/* Consumes argv[*i] (and its value) when it is a rule option: returns 1 and
 * advances *i past what it used; 0 when argv[*i] is not one; -1 with
 * opts->error set when it is one but malformed. The arrays are sized for
 * argc so no allocation can fail midway. */
int gcli_rule_option(gcli_rule_options *opts, int argc, char **argv, int *i);
int gcli_rule_options_init(gcli_rule_options *opts, int argc);
void gcli_rule_options_free(gcli_rule_options *opts);

/* Parse and compile PATHS into a pack image, printing diagnostics on
 * stderr. Returns 0 and the image (caller frees), 1 and the image when
 * --keep-going left rules or files out, or -1. */
int gcli_compile_paths(const gcli_rule_options *opts, const char *const *paths, size_t count,
                       unsigned char **image, size_t *len, gcomp_stats *stats);

#endif
