/* SPDX-License-Identifier: Apache-2.0 */
/* Bytecode verifier. Runs once per load so that the VM can trust every
 * instruction: each opcode is known and of the kind of its table, each operand
 * lies inside the table its column names, unused operands and unknown flag
 * bits are zero, jumps go forward to an instruction of the same rule, the
 * stack depth stays within [0, GANTRY_MAX_STACK] and agrees at every jump
 * target, and every rule ends in RET taking the depth from 1 to 0. Forward
 * jumps alone make every rule terminate after at most its length in steps.
 *
 * Element scopes (ANY ... ANY_END) are the one loop: ANY_END jumps back to
 * the first instruction of its body, once per element, so a rule runs at
 * most its length times the elements of the event's arrays. The verifier
 * checks their shape: scopes do not nest, ANY's jump lands just after its
 * ANY_END with one value more than at the ANY (false, when there is no
 * element), ANY_END jumps back to just after its ANY with the body's one
 * value on the stack, no other jump enters or leaves a body, and a scoped
 * predicate (flag GANTRY_PF_SCOPED) is used only inside one. */
#include <stdio.h>
#include <stdlib.h>

#include "pack.h"

typedef gantry_op_info op_info;

/* Checks one operand against its table; jumps are checked by the caller. */
static int operand_ok(const gantry_pack *pk, enum gantry_operand kind, uint32_t v) {
    switch (kind) {
    case GANTRY_OPND_NONE:
        return v == 0;
    case GANTRY_OPND_FIELD:
        return v < pk->nfields;
    case GANTRY_OPND_LIST:
        return v < pk->nlists;
    case GANTRY_OPND_CONST:
        return v < pk->nconsts;
    case GANTRY_OPND_REGEX:
        return v < pk->nregexes;
    case GANTRY_OPND_PRED:
        return v < pk->npreds;
    case GANTRY_OPND_JUMP:
    case GANTRY_OPND_LOOP:
        return 1; /* checked by verify_rule, which knows the rule */
    case GANTRY_OPND_BOOL:
        return v <= 1;
    case GANTRY_OPND_STROP:
        return gantry_opcode_has(v, GANTRY_OPP_STRTEST);
    case GANTRY_OPND__COUNT:
        break;
    }
    return 0;
}

static gantry_status check_insn(const gantry_pack *pk, const struct gantry_insn *in,
                                enum gantry_op_kind want, const char *where, uint32_t index,
                                char *err, size_t err_size) {
    const op_info *oi = gantry_opcode_info(in->op);
    if (!oi)
        return grt_fail(err, err_size, GANTRY_E_VERIFY, "%s instruction %u: unknown opcode %u",
                        where, (unsigned)index, (unsigned)in->op);
    if (oi->kind != want)
        return grt_fail(err, err_size, GANTRY_E_VERIFY,
                        "%s instruction %u: opcode %s does not belong in this table", where,
                        (unsigned)index, oi->name);
    if (in->reserved != 0)
        return grt_fail(err, err_size, GANTRY_E_VERIFY,
                        "%s instruction %u (%s): reserved bits are not zero", where,
                        (unsigned)index, oi->name);
    uint32_t allowed = want == GANTRY_KIND_PRED ? GANTRY_PF_KNOWN : 0;
    if (oi->a != GANTRY_OPND_FIELD)
        allowed &= ~GANTRY_PF_SCOPED; /* a scoped test reads a field of the element */
    if (!(oi->props & GANTRY_OPP_FIELDREF_MODE))
        allowed &= ~(GANTRY_PF_FR_CONTAINS | GANTRY_PF_FR_STARTS | GANTRY_PF_FR_ENDS);
    uint32_t fr = in->flags & (GANTRY_PF_FR_CONTAINS | GANTRY_PF_FR_STARTS | GANTRY_PF_FR_ENDS);
    if ((in->flags & ~allowed) || (fr & (fr - 1)))
        return grt_fail(err, err_size, GANTRY_E_VERIFY,
                        "%s instruction %u (%s): flag bits %#x are not allowed here", where,
                        (unsigned)index, oi->name, (unsigned)in->flags);
    if (!operand_ok(pk, oi->a, in->a))
        return grt_fail(err, err_size, GANTRY_E_VERIFY,
                        "%s instruction %u (%s): operand a=%u is not a valid %s", where,
                        (unsigned)index, oi->name, (unsigned)in->a, gantry_operand_name(oi->a));
    if (!operand_ok(pk, oi->b, in->b))
        return grt_fail(err, err_size, GANTRY_E_VERIFY,
                        "%s instruction %u (%s): operand b=%u is not a valid %s", where,
                        (unsigned)index, oi->name, (unsigned)in->b, gantry_operand_name(oi->b));
    return GANTRY_OK;
}

/* The open element scope of the rule being verified. */
typedef struct scope_state {
    int64_t open; /* index of its ANY, -1 outside a scope */
    uint32_t end; /* ANY's jump target: just after the ANY_END */
    int depth;    /* stack depth at the ANY */
} scope_state;

#define VFAIL(...) grt_fail(err, err_size, GANTRY_E_VERIFY, __VA_ARGS__)

/* The scope rules for instruction i (see the comment at the top). */
static gantry_status check_scope(const gantry_pack *pk, uint32_t r, uint32_t i,
                                 const struct gantry_insn *in, uint32_t count, int depth,
                                 const int *depth_at, scope_state *sc, char *err, size_t err_size) {
    switch (in->op) {
    case GANTRY_OP_ANY:
        if (sc->open >= 0)
            return VFAIL("rule %u instruction %u (ANY): scopes do not nest (scope open at %u)",
                         (unsigned)r, (unsigned)i, (unsigned)sc->open);
        if (in->b <= i + 1 || in->b >= count)
            return VFAIL("rule %u instruction %u (ANY): target %u leaves no body inside the "
                         "rule",
                         (unsigned)r, (unsigned)i, (unsigned)in->b);
        for (uint32_t k = i + 1; k < in->b; k++)
            if (depth_at[k] >= 0)
                return VFAIL("rule %u instruction %u (ANY): an earlier jump lands inside its "
                             "body, at %u",
                             (unsigned)r, (unsigned)i, (unsigned)k);
        *sc = (scope_state){i, in->b, depth};
        return GANTRY_OK;
    case GANTRY_OP_ANY_END:
        if (sc->open < 0)
            return VFAIL("rule %u instruction %u (ANY_END): no scope is open", (unsigned)r,
                         (unsigned)i);
        if (i + 1 != sc->end)
            return VFAIL("rule %u instruction %u (ANY_END): the ANY at %u jumps to %u, not just "
                         "after this ANY_END",
                         (unsigned)r, (unsigned)i, (unsigned)sc->open, (unsigned)sc->end);
        if (in->b != (uint64_t)sc->open + 1)
            return VFAIL("rule %u instruction %u (ANY_END): loops back to %u, not to the body "
                         "start %u",
                         (unsigned)r, (unsigned)i, (unsigned)in->b, (unsigned)(sc->open + 1));
        if (depth != sc->depth + 1)
            return VFAIL("rule %u instruction %u (ANY_END): the body leaves %d values, not 1",
                         (unsigned)r, (unsigned)i, depth - sc->depth);
        sc->open = -1;
        return GANTRY_OK;
    case GANTRY_OP_JFALSE:
    case GANTRY_OP_JTRUE:
        if (sc->open >= 0 && in->b >= sc->end)
            return VFAIL("rule %u instruction %u: jump to %u leaves the scope opened at %u",
                         (unsigned)r, (unsigned)i, (unsigned)in->b, (unsigned)sc->open);
        return GANTRY_OK;
    case GANTRY_OP_PRED:
        if (sc->open < 0 && (pk->preds[in->b].flags & GANTRY_PF_SCOPED))
            return VFAIL("rule %u instruction %u (PRED): scoped predicate %u outside a scope",
                         (unsigned)r, (unsigned)i, (unsigned)in->b);
        return GANTRY_OK;
    case GANTRY_OP_RET:
        if (sc->open >= 0)
            return VFAIL("rule %u instruction %u: RET inside the scope opened at %u", (unsigned)r,
                         (unsigned)i, (unsigned)sc->open);
        return GANTRY_OK;
    default:
        return GANTRY_OK;
    }
}

static gantry_status verify_rule(const gantry_pack *pk, uint32_t r, int *depth_at, char *err,
                                 size_t err_size) {
    const grt_slice *c = &pk->rules[r].code;
    const char *id = pk->rules[r].id == GANTRY_NO_STRING ? "" : pk->strs[pk->rules[r].id];
    if (c->count == 0 || c->count > GANTRY_MAX_RULE_CODE || c->first > pk->ncode ||
        c->count > pk->ncode - c->first)
        return VFAIL("rule %u (%s): code slice %u+%u is empty, too long or outside CODE",
                     (unsigned)r, id, (unsigned)c->first, (unsigned)c->count);
    for (uint32_t i = 0; i < c->count; i++)
        depth_at[i] = -1;
    int depth = 0;
    scope_state sc = {-1, 0, 0};
    /* formatted once per rule: per instruction it cost more than the checks */
    char where[48];
    snprintf(where, sizeof where, "rule %u", (unsigned)r);
    for (uint32_t i = 0; i < c->count; i++) {
        const struct gantry_insn *in = &pk->code[c->first + i];
        gantry_status st = check_insn(pk, in, GANTRY_KIND_CTRL, where, i, err, err_size);
        if (st != GANTRY_OK)
            return st;
        const op_info *oi = gantry_opcode_info(in->op);
        if (depth_at[i] >= 0 && depth_at[i] != depth)
            return VFAIL("rule %u instruction %u: stack depth %d on fall-through but %d on "
                         "a jump here",
                         (unsigned)r, (unsigned)i, depth, depth_at[i]);
        st = check_scope(pk, r, i, in, c->count, depth, depth_at, &sc, err, err_size);
        if (st != GANTRY_OK)
            return st;
        if (depth < oi->pops)
            return VFAIL("rule %u instruction %u (%s): stack underflow", (unsigned)r, (unsigned)i,
                         oi->name);
        depth = depth - oi->pops + oi->pushes;
        if (depth + (in->op == GANTRY_OP_ANY) > (int)GANTRY_MAX_STACK)
            return VFAIL("rule %u instruction %u (%s): stack deeper than %u", (unsigned)r,
                         (unsigned)i, oi->name, (unsigned)GANTRY_MAX_STACK);
        if (oi->b == GANTRY_OPND_JUMP) {
            /* ANY's jump (no element) arrives with its false pushed */
            int arrive = depth + (in->op == GANTRY_OP_ANY);
            if (in->b <= i || in->b >= c->count)
                return VFAIL("rule %u instruction %u (%s): jump to %u is not forward inside "
                             "the rule's %u instructions",
                             (unsigned)r, (unsigned)i, oi->name, (unsigned)in->b,
                             (unsigned)c->count);
            if (depth_at[in->b] >= 0 && depth_at[in->b] != arrive)
                return VFAIL("rule %u instruction %u (%s): stack depth at jump target %u "
                             "disagrees",
                             (unsigned)r, (unsigned)i, oi->name, (unsigned)in->b);
            depth_at[in->b] = arrive;
        }
        if (in->op == GANTRY_OP_RET) {
            if (i != c->count - 1)
                return VFAIL("rule %u instruction %u: RET before the end of the rule", (unsigned)r,
                             (unsigned)i);
            if (depth != 0)
                return VFAIL("rule %u instruction %u: RET leaves %d values on the stack",
                             (unsigned)r, (unsigned)i, depth);
            return GANTRY_OK;
        }
    }
    return VFAIL("rule %u instruction %u: the rule does not end in RET", (unsigned)r,
                 (unsigned)(c->count - 1));
}

gantry_status grt_verify(const gantry_pack *pk, char *err, size_t err_size) {
    for (uint32_t p = 0; p < pk->npreds; p++) {
        gantry_status st =
            check_insn(pk, &pk->preds[p], GANTRY_KIND_PRED, "predicate table", p, err, err_size);
        if (st != GANTRY_OK)
            return st;
    }
    /* Rules own disjoint slices in practice; bounding the total keeps the
     * verifier's work linear in the pack size whatever a hostile pack says. */
    uint64_t total = 0;
    for (uint32_t r = 0; r < pk->nrules; r++)
        total += pk->rules[r].code.count;
    if (total > pk->ncode)
        return grt_fail(err, err_size, GANTRY_E_VERIFY,
                        "rule code slices cover %llu instructions but CODE holds %u: slices "
                        "overlap",
                        (unsigned long long)total, (unsigned)pk->ncode);
    uint32_t longest = 1;
    for (uint32_t r = 0; r < pk->nrules; r++)
        if (pk->rules[r].code.count > longest && pk->rules[r].code.count <= GANTRY_MAX_RULE_CODE)
            longest = pk->rules[r].code.count;
    int *depth_at = malloc(sizeof(int) * longest);
    if (!depth_at)
        return GANTRY_E_NOMEM;
    gantry_status st = GANTRY_OK;
    for (uint32_t r = 0; r < pk->nrules && st == GANTRY_OK; r++)
        st = verify_rule(pk, r, depth_at, err, err_size);
    free(depth_at);
    return st;
}
