/* SPDX-License-Identifier: Apache-2.0 */
/* The matcher: per-event predicate evaluation (memoised by generation) and
 * the boolean stack machine that runs each rule's code. The verifier has
 * already checked every operand, jump and stack depth, so nothing here checks
 * them again. */
#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "logsource.h"
#include "pack.h"
#include "prefilter.h"
#include "regex.h"
#include "strmatch.h"
#include "timepart.h"
#include "vm_hooks.h"

gantry_status grt_matcher_init(gantry_matcher *m, const gantry_pack *pk) {
    memset(m, 0, sizeof *m);
    m->pack = pk;
    m->gen = 1;
    m->pred_gen = calloc(pk->npreds ? pk->npreds : 1, sizeof *m->pred_gen);
    m->pred_val = calloc(pk->npreds ? pk->npreds : 1, sizeof *m->pred_val);
    m->field_gen = calloc(pk->nfields ? pk->nfields : 1, sizeof *m->field_gen);
    m->field_vals = calloc(pk->nfields ? pk->nfields : 1, sizeof *m->field_vals);
    /* never NULL, so an empty lower-cased string still has an address */
    m->text_cap = 1024;
    m->text = malloc(m->text_cap);
    if (!m->pred_gen || !m->pred_val || !m->field_gen || !m->field_vals || !m->text ||
        grt_regex_matcher_init(m) != GANTRY_OK || gpf_matcher_init(m) != GANTRY_OK) {
        grt_matcher_release(m);
        return GANTRY_E_NOMEM;
    }
    /* GANTRY_OPTIMIZE_OFF extracts every field the plain way and runs every
     * rule on every event: the reference the differential tests compare the
     * optimised paths against. */
    m->fast_paths = pk->optimize != GANTRY_OPTIMIZE_OFF;
    m->use_prefilter = pk->prefilter != NULL && m->fast_paths;
    return GANTRY_OK;
}

void grt_matcher_release(gantry_matcher *m) {
    gpf_matcher_release(m);
    grt_regex_matcher_release(m);
    free(m->pred_gen);
    free(m->pred_val);
    free(m->field_gen);
    free(m->field_vals);
    free(m->vals);
    free(m->text);
    free(m->walk);
    free(m->top_keys);
    free(m->ls_allowed);
    memset(m, 0, sizeof *m);
}

static const char *const_text(const gantry_pack *pk, const grt_const *c, size_t *len) {
    *len = pk->str_lens[c->text];
    return pk->strs[c->text];
}

static int eq_item(const gantry_matcher *m, grt_value *v, const grt_const *c, int lower) {
    const gantry_pack *pk = m->pack;
    switch (c->kind) {
    case GANTRY_CONST_STRING: {
        size_t n, k;
        const char *s = grt_value_text(m, v, lower, &n);
        const char *p = const_text(pk, c, &k);
        return s && grt_str_eq(s, n, p, k);
    }
    case GANTRY_CONST_NUMBER: {
        double d;
        return grt_value_number(v, &d) && d == c->num;
    }
    case GANTRY_CONST_BOOL: {
        int want = c->num != 0.0;
        if (v->type == GRT_V_BOOL)
            return v->boolean == want;
        if (v->type == GRT_V_STRING) {
            char low[6];
            if (v->len != 4 && v->len != 5)
                return 0;
            grt_ascii_lower(low, v->raw, v->len);
            return want ? grt_str_eq(low, v->len, "true", 4) : grt_str_eq(low, v->len, "false", 5);
        }
        return 0;
    }
    default:
        return v->type == GRT_V_NULL;
    }
}

static int string_item(const gantry_matcher *m, unsigned op, grt_value *v, const grt_const *c,
                       int lower) {
    if (op == GANTRY_OP_EQ)
        return eq_item(m, v, c, lower);
    size_t n, k;
    const char *s = grt_value_text(m, v, lower, &n);
    if (!s)
        return 0;
    const char *p = const_text(m->pack, c, &k);
    switch (op) {
    case GANTRY_OP_CONTAINS:
        return grt_str_contains(s, n, p, k);
    case GANTRY_OP_STARTSWITH:
        return grt_str_starts(s, n, p, k);
    case GANTRY_OP_ENDSWITH:
        return grt_str_ends(s, n, p, k);
    default:
        return grt_glob(s, n, p, k);
    }
}

/* EQ, CONTAINS, STARTSWITH, ENDSWITH and GLOB over a list, for a field or
 * for the keyword values. */
static int test_list(gantry_matcher *m, unsigned op, unsigned flags, grt_slice vals,
                     uint32_t list) {
    const gantry_pack *pk = m->pack;
    const grt_slice *l = &pk->lists[list];
    int lower = !(flags & GANTRY_PF_CASED);
    if (vals.count == 0 || l->count == 0 || grt_values_prepare(m, vals, lower) != 0)
        return 0;
    grt_value *v = m->vals + vals.first;
    const uint32_t *items = pk->list_items + l->first;
    if (flags & GANTRY_PF_ALL) {
        for (uint32_t k = 0; k < l->count; k++) {
            const grt_const *c = &pk->consts[items[k]];
            int found = 0;
            for (uint32_t i = 0; i < vals.count && !found; i++)
                found = string_item(m, op, &v[i], c, lower);
            if (!found)
                return 0;
        }
        return 1;
    }
    for (uint32_t i = 0; i < vals.count; i++)
        for (uint32_t k = 0; k < l->count; k++)
            if (string_item(m, op, &v[i], &pk->consts[items[k]], lower))
                return 1;
    return 0;
}

static int test_cidr(gantry_matcher *m, unsigned flags, grt_slice vals, uint32_t list) {
    const gantry_pack *pk = m->pack;
    const grt_slice *l = &pk->lists[list];
    if (vals.count == 0 || l->count == 0)
        return 0;
    uint32_t matched_items = 0;
    for (uint32_t k = 0; k < l->count; k++) {
        const grt_net *net = &pk->nets[l->first + k];
        int found = 0;
        for (uint32_t i = 0; i < vals.count && !found; i++) {
            const grt_value *v = &m->vals[vals.first + i];
            uint8_t family, addr[16];
            found = v->type == GRT_V_STRING && grt_addr_parse(v->raw, v->len, &family, addr) &&
                    grt_net_contains(net, family, addr);
        }
        if (found && !(flags & GANTRY_PF_ALL))
            return 1;
        matched_items += (uint32_t)found;
    }
    return (flags & GANTRY_PF_ALL) && matched_items == l->count;
}

static int test_regex(gantry_matcher *m, grt_slice vals, uint32_t regex) {
    const grt_regex *re = &m->pack->regexes[regex];
    if (grt_values_prepare(m, vals, 0) != 0)
        return 0;
    for (uint32_t i = 0; i < vals.count; i++) {
        size_t n;
        const char *s = grt_value_text(m, &m->vals[vals.first + i], 0, &n);
        if (s && grt_regex_match(m, re, s, n) == 1)
            return 1;
    }
    return 0;
}

static int test_compare(gantry_matcher *m, unsigned op, grt_slice vals, uint32_t cidx) {
    const grt_const *c = &m->pack->consts[cidx];
    if (!c->num_ok)
        return 0;
    for (uint32_t i = 0; i < vals.count; i++) {
        double d;
        if (!grt_value_number(&m->vals[vals.first + i], &d))
            continue;
        int hit = op == GANTRY_OP_LT    ? d < c->num
                  : op == GANTRY_OP_LTE ? d <= c->num
                  : op == GANTRY_OP_GT  ? d > c->num
                                        : d >= c->num;
        if (hit)
            return 1;
    }
    return 0;
}

static int test_fieldref(gantry_matcher *m, unsigned flags, uint32_t fa, uint32_t fb) {
    grt_slice a = grt_field_values(m, fa);
    grt_slice b = grt_field_values(m, fb);
    int lower = !(flags & GANTRY_PF_CASED);
    if (a.count == 0 || b.count == 0 || grt_values_prepare(m, a, lower) != 0 ||
        grt_values_prepare(m, b, lower) != 0)
        return 0;
    for (uint32_t i = 0; i < a.count; i++) {
        size_t n;
        const char *s = grt_value_text(m, &m->vals[a.first + i], lower, &n);
        if (!s)
            continue;
        for (uint32_t k = 0; k < b.count; k++) {
            size_t pn;
            const char *p = grt_value_text(m, &m->vals[b.first + k], lower, &pn);
            if (!p)
                continue;
            int hit = (flags & GANTRY_PF_FR_CONTAINS) ? grt_str_contains(s, n, p, pn)
                      : (flags & GANTRY_PF_FR_STARTS) ? grt_str_starts(s, n, p, pn)
                      : (flags & GANTRY_PF_FR_ENDS)   ? grt_str_ends(s, n, p, pn)
                                                      : grt_str_eq(s, n, p, pn);
            if (hit)
                return 1;
        }
    }
    return 0;
}

static int compute_pred(gantry_matcher *m, const struct gantry_insn *in) {
    unsigned props = gantry_opcode_info(in->op)->props; /* verified: known */
    if (props & GANTRY_OPP_STRTEST)
        return test_list(m, in->op, in->flags, grt_field_values(m, in->a), in->b);
    if (props & GANTRY_OPP_TIMEPART)
        return gtp_test(m, in);
    switch (in->op) {
    case GANTRY_OP_KEYWORD:
        return test_list(m, in->a, in->flags, grt_keyword_values(m), in->b);
    case GANTRY_OP_REGEX:
        return test_regex(m, grt_field_values(m, in->a), in->b);
    case GANTRY_OP_CIDR:
        return test_cidr(m, in->flags, grt_field_values(m, in->a), in->b);
    case GANTRY_OP_LT:
    case GANTRY_OP_LTE:
    case GANTRY_OP_GT:
    case GANTRY_OP_GTE:
        return test_compare(m, in->op, grt_field_values(m, in->a), in->b);
    case GANTRY_OP_EXISTS:
        return (grt_field_values(m, in->a).count > 0) == (in->b == 1);
    case GANTRY_OP_ISNULL: {
        grt_slice s = grt_field_values(m, in->a);
        for (uint32_t i = 0; i < s.count; i++)
            if (m->vals[s.first + i].type == GRT_V_NULL)
                return 1;
        return s.count == 0;
    }
    case GANTRY_OP_FIELDREF:
        return test_fieldref(m, in->flags, in->a, in->b);
    default:
        return 0; /* unreachable after verification */
    }
}

/* A scoped predicate reads the current scope element: never memoised, and
 * the values it extracted are dropped afterwards, so a pod with many
 * containers costs no scratch growth beyond one predicate's values. */
static uint8_t eval_scoped(gantry_matcher *m, const struct gantry_insn *in) {
    if (grt_scope_is_root(m))
        return (uint8_t)compute_pred(m, in); /* the event's own values, kept */
    size_t nvals = m->nvals, text_len = m->text_len;
    m->scope_read = 1;
    uint8_t v = (uint8_t)compute_pred(m, in);
    m->scope_read = 0;
    m->nvals = nvals;
    m->text_len = text_len;
    return v;
}

static uint8_t eval_pred(gantry_matcher *m, uint32_t p) {
    if (m->pack->preds[p].flags & GANTRY_PF_SCOPED)
        return eval_scoped(m, &m->pack->preds[p]);
    if (m->pred_gen[p] != m->gen) {
        m->pred_val[p] = (uint8_t)compute_pred(m, &m->pack->preds[p]);
        m->pred_gen[p] = m->gen;
    }
    return m->pred_val[p];
}

/* ANY: enters the scope on the first element of field `field`'s array;
 * 0 when there is none. */
static int scope_open(gantry_matcher *m, uint32_t field) {
    m->scope_elem = grt_scope_first(m, field);
    if (!m->scope_elem)
        return 0;
    m->scope_next = grt_scope_is_root(m) ? NULL : grt_scope_next(m->scope_elem);
    return 1;
}

/* ANY_END with the body's verdict for the current element: 1 to run the
 * body again on the next element, 0 to leave the scope with `verdict`. */
static int scope_step(gantry_matcher *m, uint8_t verdict) {
    if (!verdict && m->scope_next) {
        m->scope_elem = m->scope_next;
        m->scope_next = grt_scope_next(m->scope_elem);
        return 1;
    }
    m->scope_elem = m->scope_next = NULL;
    return 0;
}

/* Runs one verified rule; returns its verdict. Build with
 * -DGANTRY_COMPUTED_GOTO (GCC/Clang) for a threaded-code dispatch; the
 * default is a plain switch. */
#if defined(GANTRY_COMPUTED_GOTO) && defined(__GNUC__)
#define GRT_LABEL_CTRL(name) &&op_##name
#define GRT_LABEL_PRED(name) &&op_invalid
static int run_rule(gantry_matcher *m, const struct gantry_insn *code) {
    static const void *const labels[GANTRY_OP__COUNT] = {
#define GRT_X_LABEL(name, kind, a, b, pops, pushes, props, doc)                                    \
    [GANTRY_OP_##name] = GRT_LABEL_##kind(name),
        GANTRY_OPCODES(GRT_X_LABEL)
#undef GRT_X_LABEL
    };
    uint8_t *stack = m->stack;
    unsigned sp = 0;
    const struct gantry_insn *in = code;
#define GRT_NEXT() goto *labels[(++in)->op]
    goto *labels[in->op];
op_PRED:
    stack[sp++] = eval_pred(m, in->b);
    GRT_NEXT();
op_TRUE:
    stack[sp++] = 1;
    GRT_NEXT();
op_FALSE:
    stack[sp++] = 0;
    GRT_NEXT();
op_NOT:
    stack[sp - 1] ^= 1;
    GRT_NEXT();
op_AND:
    sp--;
    stack[sp - 1] &= stack[sp];
    GRT_NEXT();
op_OR:
    sp--;
    stack[sp - 1] |= stack[sp];
    GRT_NEXT();
op_JFALSE:
    if (!stack[sp - 1]) {
        in = code + in->b;
        goto *labels[in->op];
    }
    GRT_NEXT();
op_JTRUE:
    if (stack[sp - 1]) {
        in = code + in->b;
        goto *labels[in->op];
    }
    GRT_NEXT();
op_RET:
    return stack[sp - 1];
op_ANY:
    if (!scope_open(m, in->a)) {
        stack[sp++] = 0;
        in = code + in->b;
        goto *labels[in->op];
    }
    GRT_NEXT();
op_ANY_END:
    if (scope_step(m, stack[sp - 1])) {
        sp--;
        in = code + in->b;
        goto *labels[in->op];
    }
    GRT_NEXT();
op_invalid:
    return 0; /* unreachable after verification */
#undef GRT_NEXT
}
#else
static int run_rule(gantry_matcher *m, const struct gantry_insn *code) {
    uint8_t *stack = m->stack;
    unsigned sp = 0;
    uint32_t pc = 0;
    for (;;) {
        const struct gantry_insn *in = &code[pc++];
        switch ((enum gantry_opcode)in->op) {
        case GANTRY_OP_PRED:
            stack[sp++] = eval_pred(m, in->b);
            break;
        case GANTRY_OP_TRUE:
            stack[sp++] = 1;
            break;
        case GANTRY_OP_FALSE:
            stack[sp++] = 0;
            break;
        case GANTRY_OP_NOT:
            stack[sp - 1] ^= 1;
            break;
        case GANTRY_OP_AND:
            sp--;
            stack[sp - 1] &= stack[sp];
            break;
        case GANTRY_OP_OR:
            sp--;
            stack[sp - 1] |= stack[sp];
            break;
        case GANTRY_OP_JFALSE:
            if (!stack[sp - 1])
                pc = in->b;
            break;
        case GANTRY_OP_JTRUE:
            if (stack[sp - 1])
                pc = in->b;
            break;
        case GANTRY_OP_RET:
            return stack[sp - 1];
        case GANTRY_OP_ANY:
            if (!scope_open(m, in->a)) {
                stack[sp++] = 0;
                pc = in->b;
            }
            break;
        case GANTRY_OP_ANY_END:
            if (scope_step(m, stack[sp - 1])) {
                sp--;
                pc = in->b;
            }
            break;
        default:
            return 0; /* unreachable after verification */
        }
    }
}
#endif

static void next_generation(gantry_matcher *m) {
    const gantry_pack *pk = m->pack;
    if (++m->gen == 0) {
        memset(m->pred_gen, 0, sizeof *m->pred_gen * pk->npreds);
        memset(m->field_gen, 0, sizeof *m->field_gen * pk->nfields);
        memset(m->pf_mark, 0, sizeof *m->pf_mark * pk->npreds);
        m->keyword_gen = 0;
        m->top_gen = 0;
        m->gen = 1;
    }
    m->nvals = 0;
    m->text_len = 0;
    m->regex_limit_hit = 0;
    m->value_limit_hit = 0;
    m->oom = 0;
}

void grt_matcher_set_generation(gantry_matcher *m, uint32_t gen) {
    m->gen = gen;
}

/* Runs rule r; returns non-zero when the caller asked to stop. */
static int run_and_report(gantry_matcher *m, uint32_t r, gantry_match_fn on_match, void *user) {
    const gantry_pack *pk = m->pack;
    if (m->rule_mask && !((m->rule_mask[r / 64] >> (r % 64)) & 1))
        return 0;
    if (!run_rule(m, pk->code + pk->rules[r].code.first))
        return 0;
    gantry_match match = {.rule = &pk->infos[r]};
    return on_match && on_match(&match, user) != 0;
}

gantry_status grt_match_event(gantry_matcher *m, const void *event, gantry_match_fn on_match,
                              void *user) {
    /* logsource semantics: they apply with or without the index */
    unsigned cls = m->pack->dispatch ? gls_event_class(event) : GLS_CLASS_ANY;
    return grt_match_class(m, event, cls, on_match, user);
}

gantry_status grt_match_class(gantry_matcher *m, const void *event, unsigned cls,
                              gantry_match_fn on_match, void *user) {
    const gantry_pack *pk = m->pack;
    next_generation(m);
    m->event = event;
    const uint64_t *allowed;
    if (cls == GLS_CLASS_NONE && (m->ls_any || m->ls_allowed)) {
        cls = GLS_CLASS_ANY;
        allowed = m->ls_any ? NULL : m->ls_allowed;
    } else {
        allowed = gls_allowed(pk, cls);
    }
    uint32_t words = gpf_words(pk->nrules);
    if (m->use_prefilter && gpf_select(m, cls) == 0) {
        /* candidates in rule order, so matches are reported as without the index */
        for (uint32_t w = 0; w < words; w++) {
            uint64_t bits = m->pf_cand[w] & (allowed ? allowed[w] : ~0ull);
            for (; bits; bits &= bits - 1)
                if (run_and_report(m, w * 64u + (uint32_t)__builtin_ctzll(bits), on_match, user))
                    goto done;
        }
        goto done;
    }
    if (allowed) {
        for (uint32_t w = 0; w < words; w++)
            for (uint64_t bits = allowed[w]; bits; bits &= bits - 1)
                if (run_and_report(m, w * 64u + (uint32_t)__builtin_ctzll(bits), on_match, user))
                    goto done;
        goto done;
    }
    for (uint32_t r = 0; r < pk->nrules; r++)
        if (run_and_report(m, r, on_match, user))
            break;
done:
    m->event = NULL;
    if (m->oom)
        return GANTRY_E_NOMEM;
    if (m->regex_limit_hit)
        return GANTRY_E_REGEX_LIMIT;
    if (m->value_limit_hit)
        return GANTRY_E_LIMIT;
    return GANTRY_OK;
}
