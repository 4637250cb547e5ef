/* SPDX-License-Identifier: Apache-2.0 */
/* Load-time analysis for the candidate index: the bytes every match of a
 * glob or a regex must contain, and three-valued evaluation of a rule's code
 * (is the rule false while its anchor predicates are?). */
#include <string.h>

#include "prefilter.h"

/* The longest run of literal bytes in a glob pattern (escapes resolved). */
size_t gpf_glob_literal(const char *p, size_t m, char *out) {
    size_t best = 0, best_at = 0, run = 0, run_at = 0, w = 0;
    for (size_t i = 0; i < m; i++) {
        if (p[i] == '*' || p[i] == '?') {
            run = 0;
            continue;
        }
        char c = p[i];
        if (c == '\\' && i + 1 < m)
            c = p[++i];
        if (run == 0)
            run_at = w;
        out[w++] = c;
        if (++run > best) {
            best = run;
            best_at = run_at;
        }
    }
    memmove(out, out + best_at, best);
    return best;
}

/* A run of bytes every match of the regex must contain, or 0 when none can
 * be found safely: literals outside groups and classes in a pattern without
 * top-level alternation, minus any byte a quantifier makes optional. */
size_t gpf_regex_literal(const char *p, size_t m, char *out) {
    size_t best = 0, best_at = 0, run = 0, w = 0;
    int depth = 0;
/* a run ends: keep it when it is the longest so far */
#define GPF_END_RUN()                                                                              \
    do {                                                                                           \
        if (run > best) {                                                                          \
            best = run;                                                                            \
            best_at = w - run;                                                                     \
        }                                                                                          \
        run = 0;                                                                                   \
    } while (0)
    for (size_t i = 0; i < m; i++) {
        char c = p[i];
        int literal = 0;
        if (c == '\\') {
            if (i + 1 >= m)
                return 0;
            char e = p[++i];
            if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9')) {
                if (!strchr("dDwWsSbBAzZGhHvVR", e))
                    return 0; /* escapes with operands (\x, \Q, \p, backrefs) */
            } else if (depth == 0) {
                literal = 1;
                c = e;
            }
        } else if (c == '[') {
            size_t j = i + 1;
            if (j < m && p[j] == '^')
                j++;
            if (j < m && p[j] == ']')
                j++;
            while (j < m && p[j] != ']') {
                if (p[j] == '\\')
                    j++;
                else if (p[j] == '[' && j + 1 < m && p[j + 1] == ':')
                    return 0; /* POSIX classes: keep the scan simple */
                j++;
            }
            if (j >= m)
                return 0;
            i = j;
        } else if (c == '(') {
            /* (?x) makes blanks and # comments insignificant */
            for (size_t j = i + 1;
                 j < m && i + 1 < m && p[i + 1] == '?' && p[j] != ')' && p[j] != ':'; j++)
                if (p[j] == 'x')
                    return 0;
            depth++;
        } else if (c == ')') {
            if (--depth < 0)
                return 0;
        } else if (c == '|') {
            if (depth == 0)
                return 0;
        } else if (c == '?' || c == '*' || c == '{' || c == '+') {
            int optional = c == '?' || c == '*';
            if (c == '{') {
                size_t j = i + 1, lo = 0, digits = 0;
                while (j < m && p[j] >= '0' && p[j] <= '9' && digits < 6)
                    lo = lo * 10 + (size_t)(p[j++] - '0'), digits++;
                if (!digits)
                    return 0; /* a literal brace: too rare to bother */
                while (j < m && (p[j] == ',' || (p[j] >= '0' && p[j] <= '9')))
                    j++;
                if (j >= m || p[j] != '}')
                    return 0;
                i = j;
                optional = lo == 0;
            }
            /* the byte before an optional quantifier may be absent; a
             * repeated one ends the contiguous run */
            if (run > 0 && optional) {
                run--;
                w--;
            }
            GPF_END_RUN();
            if (i + 1 < m && (p[i + 1] == '?' || p[i + 1] == '+'))
                i++;
            continue;
        } else if (depth == 0 && c != '.' && c != '^' && c != '$') {
            literal = 1;
        }
        if (!literal) {
            GPF_END_RUN();
            continue;
        }
        out[w++] = c;
        run++;
    }
    GPF_END_RUN();
#undef GPF_END_RUN
    if (depth != 0)
        return 0;
    memmove(out, out + best_at, best);
    return best;
}

/* Abstract evaluation steps per anchor check (forks on unknown jumps). */
#define GPF_EVAL_BUDGET 20000u

typedef struct eval_ctx {
    const struct gantry_insn *code;
    const uint8_t *assign; /* per predicate: GPF_F or GPF_U */
    uint32_t budget;
} eval_ctx;

static int eval3(eval_ctx *e, uint32_t pc, uint8_t *stack, unsigned sp) {
    for (;;) {
        if (e->budget == 0)
            return GPF_U;
        e->budget--;
        const struct gantry_insn *in = &e->code[pc++];
        switch (in->op) {
        case GANTRY_OP_PRED:
            stack[sp++] = e->assign[in->b];
            break;
        case GANTRY_OP_TRUE:
            stack[sp++] = GPF_T;
            break;
        case GANTRY_OP_FALSE:
            stack[sp++] = GPF_F;
            break;
        case GANTRY_OP_NOT:
            if (stack[sp - 1] != GPF_U)
                stack[sp - 1] ^= 1;
            break;
        case GANTRY_OP_AND:
        case GANTRY_OP_OR: {
            uint8_t x = stack[--sp], y = stack[sp - 1];
            uint8_t zero = in->op == GANTRY_OP_AND ? GPF_F : GPF_T;
            stack[sp - 1] = (x == zero || y == zero)     ? zero
                            : (x == GPF_U || y == GPF_U) ? GPF_U
                                                         : x;
            break;
        }
        case GANTRY_OP_JFALSE:
        case GANTRY_OP_JTRUE: {
            uint8_t top = stack[sp - 1];
            uint8_t when = in->op == GANTRY_OP_JFALSE ? GPF_F : GPF_T;
            if (top == when) {
                pc = in->b;
            } else if (top == GPF_U) {
                /* the jump is taken exactly when the top equals `when` */
                uint8_t copy[GANTRY_MAX_STACK];
                memcpy(copy, stack, sp);
                copy[sp - 1] = when;
                int jumped = eval3(e, in->b, copy, sp);
                if (jumped == GPF_U)
                    return GPF_U;
                stack[sp - 1] = when ^ 1;
                int fell = eval3(e, pc, stack, sp);
                return jumped == fell ? jumped : GPF_U;
            }
            break;
        }
        case GANTRY_OP_RET:
            return stack[sp - 1];
        case GANTRY_OP_ANY:
            /* a scope's verdict depends on elements the index never sees */
            stack[sp++] = GPF_U;
            pc = in->b;
            break;
        default:
            return GPF_U;
        }
    }
}

int gpf_rule_false_under(const gantry_pack *pk, const grt_rule *r, const uint8_t *assign) {
    uint8_t stack[GANTRY_MAX_STACK];
    eval_ctx e = {pk->code + r->code.first, assign, GPF_EVAL_BUDGET};
    return eval3(&e, 0, stack, 0) == GPF_F;
}
