/* SPDX-License-Identifier: Apache-2.0 */
/* Internals of the Sigma importer shared by compiler/sigma_*.c and the
 * `gantry import-sigma` command. Not a public contract: compiler/sigma.h is.
 *
 * The importer works in two steps: libyaml events become a small tree of
 * typed nodes (sigma_yaml.c, YAML 1.1 typing as PyYAML does it), then each
 * document tree becomes a gast_rule (sigma_rule.c, sigma_cond.c), field names
 * are rewritten by the mapping for the rule's logsource (sigma_mapping.c) and
 * filter documents are applied once every file is read (sigma_filter.c). */
#ifndef GANTRY_SIGMA_INTERNAL_H
#define GANTRY_SIGMA_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "sigma.h"

/* ---- YAML node tree (sigma_yaml.c) ---- */

typedef enum gsigma_node_kind { GSIGMA_SCALAR, GSIGMA_SEQ, GSIGMA_MAP } gsigma_node_kind;

/* How YAML 1.1 resolves a scalar. Quoted scalars are always STR. */
typedef enum gsigma_scalar_type {
    GSIGMA_STR,
    GSIGMA_INT,
    GSIGMA_FLOAT,
    GSIGMA_BOOL,
    GSIGMA_NULL,
} gsigma_scalar_type;

typedef struct gsigma_node {
    gsigma_node_kind kind;
    int line, col; /* 1-based, from the libyaml start mark */
    /* SCALAR */
    char *text; /* as written (after YAML quoting rules) */
    gsigma_scalar_type type;
    bool quoted;
    double number;  /* INT, FLOAT */
    char *num_text; /* INT, FLOAT: canonical decimal text ("0x17" gives "23") */
    bool boolean;   /* BOOL */
    /* SEQ: items; MAP: keys[i] -> items[i] */
    struct gsigma_node **keys;
    struct gsigma_node **items;
    size_t count, cap;
} gsigma_node;

/* One parsed YAML file: its documents in order. */
typedef struct gsigma_yaml_file {
    gsigma_node **docs;
    size_t doc_count, doc_cap;
} gsigma_yaml_file;

/* Parse YAML text. Errors (syntax, duplicate keys) are reported to `diag`
 * against `file` (interned name) and counted in the return value; -1 on
 * allocation failure. The documents read before an error are kept. */
int gsigma_yaml_parse(const char *text, size_t len, const char *file, gdiag_sink *diag,
                      gsigma_yaml_file *out);
void gsigma_yaml_file_free(gsigma_yaml_file *file);
void gsigma_node_free(gsigma_node *node);
gsigma_node *gsigma_node_copy(const gsigma_node *node);
/* The value of `key` in a MAP node, or NULL. */
gsigma_node *gsigma_map_get(const gsigma_node *map, const char *key);
/* Deep merge `from` into `into` (both MAPs): maps merge recursively, any
 * other value replaces. Returns false on allocation failure. */
bool gsigma_node_merge(gsigma_node *into, const gsigma_node *from);

/* ---- field mappings (sigma_mapping.c) ---- */

typedef struct gsigma_mapping gsigma_mapping;

typedef struct gsigma_mappings {
    gsigma_mapping **items;
    size_t count, cap;
} gsigma_mappings;

/* Load the built-in mappings (the text of the YAML files in rules/mappings/, compiled
 * in). Returns the number of errors. */
int gsigma_mappings_load_builtin(gsigma_mappings *maps, gast_unit *unit, gdiag_sink *diag);
/* Load a user mapping file; it takes precedence over everything loaded
 * before it. Returns the number of errors. */
int gsigma_mappings_load_file(gsigma_mappings *maps, gast_unit *unit, gdiag_sink *diag,
                              const char *path);
void gsigma_mappings_free(gsigma_mappings *maps);

/* The built-in mapping files: name (file name under rules/mappings/) and
 * YAML text. Terminated by a {NULL, NULL} entry. Generated at build time
 * from the .yml files of rules/mappings/ (tools/gen_builtin_mappings.sh) into
 * $(BUILD)/gen/sigma_builtin.c. */
typedef struct gsigma_builtin_mapping {
    const char *name;
    const char *text;
} gsigma_builtin_mapping;
extern const gsigma_builtin_mapping gsigma_builtin_mappings[];

/* One field rename performed on a rule, for `import-sigma --explain`. */
typedef struct gsigma_rename {
    char *from, *to;
    const char *mapping; /* the mapping's name (owned by the mapping set) */
} gsigma_rename;

typedef struct gsigma_explain {
    const char *rule_name;     /* owned by the rule */
    const char *mapping_names; /* comma-separated names of the mappings that applied */
    gsigma_rename *renames;
    size_t rename_count, rename_cap;
    char *applied; /* storage for mapping_names */
} gsigma_explain;

/* Rewrite every field name of `rule` by the mappings whose logsource covers
 * the rule's. Records what changed in `explain` when it is non-NULL.
 * Returns false on allocation failure. */
bool gsigma_mappings_apply(const gsigma_mappings *maps, gast_rule *rule, gsigma_explain *explain);
void gsigma_explain_free(gsigma_explain *explain);

/* ---- documents -> AST (sigma_rule.c, sigma_cond.c) ---- */

/* Parse a Sigma condition string into a gast_cond. `loc` is the position of
 * the condition scalar (offsets inside it are added to the column). Reports
 * errors and returns NULL on error. */
gast_cond *gsigma_cond_parse(const char *text, gast_loc loc, bool quoted, gdiag_sink *diag);

/* Build selections from a Sigma `detection` map (every key but `condition`)
 * into `rule` and its condition. Returns the number of errors; -1 on
 * allocation failure. Used for rules and for filter documents. */
int gsigma_detection_build(gast_unit *unit, gdiag_sink *diag, const char *file,
                           const gsigma_node *detection, gast_selection ***sels, size_t *sel_count,
                           size_t *sel_cap, gast_cond **condition, gast_loc *condition_loc);

/* Turn one rule document into a rule. `name` is the rule's name (already
 * unique). Returns NULL on error (reported) and sets *failed; on allocation
 * failure returns NULL with *failed = -1. */
gast_rule *gsigma_rule_build(gast_unit *unit, gdiag_sink *diag, const char *file,
                             const gsigma_node *doc, const char *name, int *failed);

/* ---- correlations (sigma_correlation.c) ---- */

/* Turn a document holding `correlation` into a gast_correlation named
 * `name` and append it to unit->correlations. Returns the number of errors
 * (reported), or -1 on allocation failure. */
int gsigma_correlation_build(gast_unit *unit, gdiag_sink *diag, const char *file,
                             const gsigma_node *doc, const char *name);

/* ---- filters (sigma_filter.c) ---- */

typedef struct gsigma_filter gsigma_filter;

/* Read a filter document; NULL on error (reported; *failed set as above). */
gsigma_filter *gsigma_filter_build(gast_unit *unit, gdiag_sink *diag, const char *file,
                                   const gsigma_node *doc, int *failed);
/* Apply one filter to the matching rules among `rules`. `serial` makes the
 * renamed selection names unique. Returns the number of errors (-1: out of
 * memory). */
int gsigma_filter_apply(gsigma_filter *filter, gast_rule **rules, size_t rule_count,
                        unsigned serial, gdiag_sink *diag);
void gsigma_filter_free(gsigma_filter *filter);
/* The filter's own logsource, selections and condition (for field mapping). */
gast_rule *gsigma_filter_body(gsigma_filter *filter);

/* ---- the import context (sigma_import.c) ---- */

/* The explain records of the rules read so far (one per imported rule, in
 * order). Valid until the next gsigma_load_file / gsigma_free. */
const gsigma_explain *gsigma_explains(const gsigma_ctx *ctx, size_t *count);

/* ---- native text (sigma_emit.c) ---- */

/* Print `rule` in the native language (docs/language.md) such that the
 * native parser reads it back into an identical tree. Returns false when a
 * name cannot be spelled natively (reported through `why`). */
bool gsigma_emit_rule(FILE *out, const gast_rule *rule, const char **why);
/* The same for a correlation (a `correlation` block, docs/correlations.md). */
bool gsigma_emit_correlation(FILE *out, const gast_correlation *corr, const char **why);

/* Helpers shared by the sigma_*.c files. */
char *gsigma_strdup(const char *s);
gast_loc gsigma_loc(const char *file, const gsigma_node *node);

#endif
