/* SPDX-License-Identifier: Apache-2.0 */
/* The compiler's entry points, used by the CLI and the tests.
 *
 *   source files -> (grammar/ parser | sigma importer) -> gast_unit
 *                -> checks -> IR -> bytecode -> pack bytes
 *
 * Errors (the compiler's and the grammar's convention, grammar/diag.h): every
 * pass reports problems in the input to the diagnostics sink and returns the
 * number of errors it reported; running out of memory sets gdiag_oom() on the
 * sink. The entry points below then return -1 (or NULL) for "no result", and
 * the sink says why. Runtime helpers the compiler calls (runtime/base/)
 * return gantry_status or bool.
 *
 * Module prefix: gcomp_. */
#ifndef GANTRY_COMPILER_H
#define GANTRY_COMPILER_H

#include <stddef.h>
#include "ast.h"
#include "diag.h"

typedef struct gcomp_options {
    /* -D name=value placeholder definitions ("name=value" strings). */
    const char *const *defines;
    size_t define_count;
    /* --values FILE: YAML map of placeholder name -> value or list. */
    const char *values_file;
    /* --placeholders empty: an unfilled placeholder matches nothing instead of
     * being an error. */
    int placeholders_empty;
    /* --mapping FILE...: extra Sigma field mappings (compiler/sigma_*). */
    const char *const *mapping_files;
    size_t mapping_file_count;
    /* Field knowledge for warning W030 (a field no source of the rule's
     * logsource fills), given by the caller that knows the sources and the
     * schema (cli/common/field_knowledge.c). Called with the rule's logsource
     * (NULL when unset) and a field path, aliases resolved; returns 1 when
     * some source the logsource fits fills the field, 0 when none does (then
     * *suggestion names the closest field they fill, or NULL), -1 when the
     * logsource fits no recognised source. NULL: no field checks. */
    int (*field_known)(const char *product, const char *service, const char *category,
                       const char *field, const char **suggestion);
    /* --keep-going: rules that do not compile are reported and left out,
     * the pack holds the others (gcomp_stats.rules_failed counts them). */
    int keep_going;
} gcomp_options;

/* Parse every PATH (file, or directory walked recursively for *.gantry,
 * *.yml and *.yaml files, in sorted order) into one unit. Returns NULL on
 * allocation failure only; syntax errors are reported to `diag` and parsing
 * goes on with the next file. */
gast_unit *gcomp_parse_paths(const char *const *paths, size_t path_count, gdiag_sink *diag,
                             const gcomp_options *options);

/* Summary figures of a compile, for the one-line report. */
typedef struct gcomp_stats {
    size_t rules;
    size_t selections;
    size_t predicates;     /* distinct predicates after sharing */
    size_t predicate_uses; /* predicate references before sharing */
    size_t instructions;   /* rule code */
    size_t fields;
    size_t bytes;
    size_t rules_failed; /* --keep-going: rules left out */
} gcomp_stats;

/* Check and lower a unit into a pack image. On success returns 0 and sets
 * *pack / *pack_len (malloc'd, caller frees) and *stats (may be NULL). Any
 * error diagnostic makes it return -1 with *pack NULL; warnings do not. */
int gcomp_compile_unit(gast_unit *unit, gdiag_sink *diag, const gcomp_options *options,
                       unsigned char **pack, size_t *pack_len, gcomp_stats *stats);

#endif
