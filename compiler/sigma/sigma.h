/* SPDX-License-Identifier: Apache-2.0 */
/* Sigma YAML import: reads SigmaHQ rule files (libyaml) into the same AST the
 * native front end builds, applying field mappings and meta filters.
 * Module prefix: gsigma_. */
#ifndef GANTRY_SIGMA_H
#define GANTRY_SIGMA_H

#include "ast.h"
#include "diag.h"
#include "compiler.h"

/* Import state for one compile run: mappings, values for placeholders, and
 * filter documents waiting to be applied once every file is read. */
typedef struct gsigma_ctx gsigma_ctx;

gsigma_ctx *gsigma_new(const gcomp_options *options, gdiag_sink *diag);
void gsigma_free(gsigma_ctx *ctx);

/* Read every document of a Sigma YAML file into `unit`. Returns the number
 * of errors reported, or -1 on allocation failure. */
int gsigma_load_file(gsigma_ctx *ctx, gast_unit *unit, const char *path);

/* The same for a Sigma document in memory; `name` stands for its path in
 * diagnostics and rule names. */
int gsigma_load_text(gsigma_ctx *ctx, gast_unit *unit, const char *name, const char *text,
                     size_t len);

/* Read PATHS (files, or directories walked for *.gantry, *.yml and *.yaml
 * in sorted order) into `unit`, as gcomp_parse_paths does. Returns 0, or -1
 * on allocation failure (errors go to `diag`). Defined in compile.c. */
int gcomp_add_paths(gast_unit *unit, gsigma_ctx *sigma, const char *const *paths, size_t path_count,
                    gdiag_sink *diag);

/* After the last file: apply meta filters (and anything else that needs the
 * whole rule set). Returns the number of errors reported. */
int gsigma_finish(gsigma_ctx *ctx, gast_unit *unit);

#endif
