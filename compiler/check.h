/* SPDX-License-Identifier: Apache-2.0 */
/* Checks on the AST that need no lowering: unit-level name and metadata
 * checks, the structure of modifier chains (SEMANTICS.md section 4), name
 * suggestions and `x of pattern` matching. Checks that need values (types,
 * regexes, encodings, placeholders) run while lowering (lower.c).
 * Module prefix: gchk_. */
#ifndef GANTRY_CHECK_H
#define GANTRY_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include "ast.h"
#include "compiler.h"
#include "diag.h"

/* A modifier chain, summarised. `mods` keeps the written order because the
 * value transforms (wrapping, encodings, windash) apply in that order. */
typedef struct gchk_chain {
    const gast_modifier *mods;
    size_t mod_count;
    bool re, re_i, re_m, re_s;
    bool contains, startswith, endswith;
    bool encodes; /* base64, base64offset, wide/utf16*, windash */
    bool cased, all, neq, expand, exists, cidr, fieldref;
    int cmp; /* 0, or GANTRY_OP_LT / LTE / GT / GTE */
} gchk_chain;

/* Summarise and check the chain of `pred`; returns the errors reported. */
size_t gchk_chain_of(gdiag_sink *diag, const gast_pred *pred, gchk_chain *chain);

/* Unit-level checks: duplicate selection names (error), missing condition
 * (error), duplicate list and macro names (error), duplicate rule ids
 * (warning). Returns the errors reported; out of memory sets gdiag_oom. */
size_t gchk_unit(gdiag_sink *diag, const gast_unit *unit);

/* The closest candidate to `name` (edit distance at most a third of its
 * length, at least 1), or NULL. */
/* W030: fields of selections that no source of the rule's logsource fills
 * (options->field_known). Returns the warnings reported. */
size_t gchk_fields(gdiag_sink *diag, const gast_unit *unit, const gcomp_options *options);

/* W032 / W033: named lists and macros that no rule (or macro) uses. */
size_t gchk_unused(gdiag_sink *diag, const gast_unit *unit);

const char *gchk_suggest(const char *name, const char *const *candidates, size_t count);

/* `1 of PATTERN` / `all of PATTERN`: `*` matches any run; the whole name
 * must match; "them" matches every name; names starting with `_` only match
 * patterns that start with `_`. */
bool gchk_pattern_matches(const char *pattern, const char *name);

#endif
