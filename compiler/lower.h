/* SPDX-License-Identifier: Apache-2.0 */
/* Lowering: checked AST -> IR. Predicates are interned into the pack writer
 * as they are built (one gantry_insn per distinct field test; a field's
 * value list of one test kind becomes one predicate with a LIST operand).
 * Selections, macros and `x of` patterns become IR subtrees.
 * Module prefix: glow_. */
#ifndef GANTRY_LOWER_H
#define GANTRY_LOWER_H

#include <stdbool.h>
#include <stddef.h>
#include "arena.h"
#include "ast.h"
#include "compiler.h"
#include "diag.h"
#include "ir.h"
#include "pack_writer.h"
#include "placeholders.h"

typedef struct glow_macro_state {
    int state; /* 0 not lowered, 1 being lowered (cycle guard), 2 done */
    gir_node *node;
    size_t depth; /* deepest nesting inside the body */
} glow_macro_state;

typedef struct glow_ctx {
    gar *arena;
    gpw *w;
    gdiag_sink *diag;
    const gast_unit *unit;
    const gcomp_options *options;
    const gph_table *values;
    glow_macro_state *macros; /* parallel to unit->macros */
    size_t errors;            /* errors reported by lowering */
    bool oom;
    /* the rule being lowered (NULL while lowering macros) */
    const gast_rule *rule;
    gir_node **sel_nodes; /* lowered selections of `rule`, by index */
    bool *sel_used;
    size_t max_depth; /* deepest nesting seen in the current body */
    bool depth_reported;
} glow_ctx;

/* One field or keyword item, with `in LIST` and `not in LIST` resolved
 * (lower_pred.c). Errors yield a FALSE node. */
gir_node *glow_pred(glow_ctx *ctx, const gast_pred *pred);

/* Report an error and count it. */
void glow_error(glow_ctx *ctx, const char *code, gast_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Lower every macro (reporting errors in unused ones too). */
void glow_macros(glow_ctx *ctx);
/* The unfolded IR of one rule's condition; never NULL unless ctx->oom.
 * Warns about unused selections. */
gir_node *glow_rule(glow_ctx *ctx, const gast_rule *rule);

#endif
