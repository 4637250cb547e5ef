/* SPDX-License-Identifier: Apache-2.0 */
/* The intermediate form between the checked AST and bytecode: per rule, a
 * boolean tree over predicates already interned in the pack writer (so two
 * equal field tests anywhere in the pack are one PRED index). AND and OR are
 * n-ary. Nodes live in the compile's arena and are never mutated after
 * construction, so subtrees (a macro's body) may be shared.
 * Module prefix: gir_. */
#ifndef GANTRY_IR_H
#define GANTRY_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "pack_writer.h"

/* GIR_ANY: an element scope (`any container { ... }`): kids[0] holds for some
 * element of the array field `pred` (a field index); its scoped predicates
 * carry GANTRY_PF_SCOPED. */
typedef enum gir_kind { GIR_FALSE, GIR_TRUE, GIR_PRED, GIR_NOT, GIR_AND, GIR_OR, GIR_ANY } gir_kind;

typedef struct gir_node {
    gir_kind kind;
    uint32_t pred; /* PRED: predicate table index; ANY: the array's field index */
    uint64_t hash; /* structural, for cheap equality tests */
    struct gir_node **kids;
    size_t count;
} gir_node;

/* Constructors return NULL on allocation failure (arena->failed is set). */
gir_node *gir_bool(gar *arena, bool value);
gir_node *gir_pred(gar *arena, uint32_t pred);
gir_node *gir_not(gar *arena, gir_node *kid);
/* ANY over the elements of array field `field`. */
gir_node *gir_any(gar *arena, uint32_t field, gir_node *body);
/* AND / OR over `count` kids (copied); 0 kids gives the identity, 1 the kid. */
gir_node *gir_nary(gar *arena, gir_kind kind, gir_node *const *kids, size_t count);

bool gir_equal(const gir_node *a, const gir_node *b);

/* Constant folding: true/false propagation, double negation, flattening,
 * duplicate operands, `x and not x` / `x or not x`. */
gir_node *gir_fold(gar *arena, const gir_node *node);

/* Emit a rule's code (ending in RET) into the writer's CODE section with
 * forward short-circuit jumps. Returns 0, -1 on writer failure, -2 when the
 * rule exceeds GANTRY_MAX_RULE_CODE. Adds the PRED instructions emitted to
 * *pred_uses. */
int gir_emit(gpw *w, const gir_node *root, uint32_t *first, uint32_t *length, size_t *pred_uses);

#endif
