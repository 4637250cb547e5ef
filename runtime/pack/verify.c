/* Bytecode verifier. Runs once per load so that the VM can trust every
 * instruction: each opcode is known and of the kind of its table, each operand
 * lies inside the table its column names, unused operands and unknown flag
 * bits are zero, jumps go forward to an instruction of the same rule, the
 * stack depth stays within [0, GANTRY_MAX_STACK] and agrees at every jump
 * target, and every rule ends in RET taking the depth from 1 to 0. Forward
 * jumps alone make every rule terminate after at most its length in steps. */
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
        return 1;
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

static gantry_status verify_rule(const gantry_pack *pk, uint32_t r, int *depth_at, char *err,
                                 size_t err_size) {
    const grt_slice *c = &pk->rules[r].code;
    const char *id = pk->rules[r].id == GANTRY_NO_STRING ? "" : pk->strs[pk->rules[r].id];
    if (c->count == 0 || c->count > GANTRY_MAX_RULE_CODE || c->first > pk->ncode ||
        c->count > pk->ncode - c->first)
        return grt_fail(err, err_size, GANTRY_E_VERIFY,
                        "rule %u (%s): code slice %u+%u is empty, too long or outside CODE",
                        (unsigned)r, id, (unsigned)c->first, (unsigned)c->count);
    for (uint32_t i = 0; i < c->count; i++)
        depth_at[i] = -1;
    int depth = 0;
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
            return grt_fail(err, err_size, GANTRY_E_VERIFY,
                            "rule %u instruction %u: stack depth %d on fall-through but %d on "
                            "a jump here",
                            (unsigned)r, (unsigned)i, depth, depth_at[i]);
        if (depth < oi->pops)
            return grt_fail(err, err_size, GANTRY_E_VERIFY,
                            "rule %u instruction %u (%s): stack underflow", (unsigned)r,
                            (unsigned)i, oi->name);
        depth = depth - oi->pops + oi->pushes;
        if (depth > (int)GANTRY_MAX_STACK)
            return grt_fail(err, err_size, GANTRY_E_VERIFY,
                            "rule %u instruction %u (%s): stack deeper than %u", (unsigned)r,
                            (unsigned)i, oi->name, (unsigned)GANTRY_MAX_STACK);
        if (oi->b == GANTRY_OPND_JUMP) {
            if (in->b <= i || in->b >= c->count)
                return grt_fail(err, err_size, GANTRY_E_VERIFY,
                                "rule %u instruction %u (%s): jump to %u is not forward inside "
                                "the rule's %u instructions",
                                (unsigned)r, (unsigned)i, oi->name, (unsigned)in->b,
                                (unsigned)c->count);
            if (depth_at[in->b] >= 0 && depth_at[in->b] != depth)
                return grt_fail(err, err_size, GANTRY_E_VERIFY,
                                "rule %u instruction %u (%s): stack depth at jump target %u "
                                "disagrees",
                                (unsigned)r, (unsigned)i, oi->name, (unsigned)in->b);
            depth_at[in->b] = depth;
        }
        if (in->op == GANTRY_OP_RET) {
            if (i != c->count - 1)
                return grt_fail(err, err_size, GANTRY_E_VERIFY,
                                "rule %u instruction %u: RET before the end of the rule",
                                (unsigned)r, (unsigned)i);
            if (depth != 0)
                return grt_fail(err, err_size, GANTRY_E_VERIFY,
                                "rule %u instruction %u: RET leaves %d values on the stack",
                                (unsigned)r, (unsigned)i, depth);
            return GANTRY_OK;
        }
    }
    return grt_fail(err, err_size, GANTRY_E_VERIFY,
                    "rule %u instruction %u: the rule does not end in RET", (unsigned)r,
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
