/* SPDX-License-Identifier: Apache-2.0 */
/* Rule code emission: the IR tree becomes a short-circuit boolean stack
 * program. An n-ary AND is `k1 JFALSE end k2 AND JFALSE end ... kn AND`;
 * JFALSE keeps its operand, so both paths reach `end` with one value on the
 * stack, which is what the verifier demands. OR is the same with JTRUE.
 * Jump targets are instruction indices relative to the rule's first. An
 * element scope is `ANY field ->after  body  ANY_END <-body`. */
#include "ir.h"

#include <stdlib.h>

#include "gantry_limits.h"

typedef struct emit_state {
    gpw *w;
    uint32_t first;
    size_t pred_uses;
    int status;
} emit_state;

static uint32_t put_ab(emit_state *st, uint8_t op, uint32_t a, uint32_t b) {
    if (st->status)
        return 0;
    struct gantry_insn in = {op, 0, 0, a, b};
    uint32_t at = gpw_code(st->w, in);
    if (at == GPW_FAIL) {
        st->status = -1;
        return 0;
    }
    if (at - st->first >= GANTRY_MAX_RULE_CODE) {
        st->status = -2;
        return 0;
    }
    return at;
}

static uint32_t put(emit_state *st, uint8_t op, uint32_t b) {
    return put_ab(st, op, 0, b);
}

static void emit_node(emit_state *st, const gir_node *n) {
    if (st->status)
        return;
    switch (n->kind) {
    case GIR_FALSE:
        put(st, GANTRY_OP_FALSE, 0);
        return;
    case GIR_TRUE:
        put(st, GANTRY_OP_TRUE, 0);
        return;
    case GIR_PRED:
        put(st, GANTRY_OP_PRED, n->pred);
        st->pred_uses++;
        return;
    case GIR_NOT:
        emit_node(st, n->kids[0]);
        put(st, GANTRY_OP_NOT, 0);
        return;
    case GIR_ANY: {
        /* ANY field ->after; body; ANY_END <-body start (see opcodes.h) */
        uint32_t open = put_ab(st, GANTRY_OP_ANY, n->pred, 0);
        emit_node(st, n->kids[0]);
        put(st, GANTRY_OP_ANY_END, open - st->first + 1);
        if (!st->status)
            gpw_code_patch_b(st->w, open, gpw_code_length(st->w) - st->first);
        return;
    }
    case GIR_AND:
    case GIR_OR: {
        uint8_t jump = n->kind == GIR_AND ? GANTRY_OP_JFALSE : GANTRY_OP_JTRUE;
        uint8_t combine = n->kind == GIR_AND ? GANTRY_OP_AND : GANTRY_OP_OR;
        uint32_t *jumps = malloc(n->count * sizeof *jumps);
        if (!jumps) {
            st->status = -1;
            return;
        }
        emit_node(st, n->kids[0]);
        for (size_t i = 1; i < n->count; i++) {
            jumps[i - 1] = put(st, jump, 0);
            emit_node(st, n->kids[i]);
            put(st, combine, 0);
        }
        if (!st->status) {
            uint32_t target = gpw_code_length(st->w) - st->first;
            for (size_t i = 0; i + 1 < n->count; i++)
                gpw_code_patch_b(st->w, jumps[i], target);
        }
        free(jumps);
        return;
    }
    }
}

int gir_emit(gpw *w, const gir_node *root, uint32_t *first, uint32_t *length, size_t *pred_uses) {
    emit_state st = {w, gpw_code_length(w), 0, 0};
    emit_node(&st, root);
    put(&st, GANTRY_OP_RET, 0);
    if (st.status)
        return st.status;
    *first = st.first;
    *length = gpw_code_length(w) - st.first;
    *pred_uses += st.pred_uses;
    return 0;
}
