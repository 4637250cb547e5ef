/* SPDX-License-Identifier: Apache-2.0 */
/* Lowering of one field or keyword item: value typing, placeholder
 * expansion, the modifier chain's value transforms, and the grouping of the
 * resulting tests into shared predicates (SEMANTICS.md sections 3-4, 6). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <math.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "field_aliases.h"
#include "gantry_limits.h"
#include "lower.h"
#include "values.h"
#include "cidr.h"
#include "numtext.h"
#include "regex_options.h"

/* Expansions (windash, base64offset, placeholders) of one value stop here. */
#define LOW_MAX_ALTERNATIVES 4096u

/* One test: a listable string test (operand = constant) or a whole
 * predicate's b operand for the other opcodes. */
typedef struct atom {
    uint8_t op;
    uint32_t operand;
} atom;

/* The alternatives one written value produced (always OR-ed, even under
 * `all`, as Sigma does for expansions). */
typedef struct group {
    atom *atoms;
    size_t count, cap;
} group;

typedef struct build {
    glow_ctx *ctx;
    const gast_pred *pred;
    gchk_chain chain;
    bool keyword;
    uint32_t field;
    uint8_t flags;   /* CASED and FIELDREF flags for every predicate of the item */
    uint8_t time_op; /* GANTRY_OP_TIME_*, or 0 without a time-part modifier */
    group *groups;
    size_t group_count, group_cap;
    bool failed; /* an error was reported for this item */
} build;

static bool listable(uint8_t op) {
    return gantry_opcode_has(op, GANTRY_OPP_LISTABLE);
}

static void fail(build *b, const char *code, gast_loc loc, const char *msg, const char *detail) {
    glow_error(b->ctx, code, loc, "%s%s", msg, detail ? detail : "");
    b->failed = true;
}

static group *new_group(build *b) {
    gar *a = b->ctx->arena;
    if (b->group_count == b->group_cap) {
        size_t cap = b->group_cap * 2 + 4;
        group *p = gar_grow(a, b->groups, b->group_cap * sizeof *p, cap * sizeof *p);
        if (!p) {
            b->ctx->oom = true;
            return NULL;
        }
        b->groups = p;
        b->group_cap = cap;
    }
    group *g = &b->groups[b->group_count++];
    memset(g, 0, sizeof *g);
    return g;
}

static void add_atom(build *b, group *g, uint8_t op, uint32_t operand) {
    if (operand == GPW_FAIL) {
        b->ctx->oom = true;
        return;
    }
    if (g->count == g->cap) {
        size_t cap = g->cap * 2 + 4;
        atom *p = gar_grow(b->ctx->arena, g->atoms, g->cap * sizeof *p, cap * sizeof *p);
        if (!p) {
            b->ctx->oom = true;
            return;
        }
        g->atoms = p;
        g->cap = cap;
    }
    g->atoms[g->count].op = op;
    g->atoms[g->count].operand = operand;
    g->count++;
}

static const char *resolve_field(const char *name) {
    const char *alias = galias_resolve(name);
    return alias ? alias : name;
}

/* ---- regex ---- */

static bool starts_with(const char *s, const char *prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void lower_regex(build *b, group *g, const char *text, gast_loc loc) {
    const gchk_chain *c = &b->chain;
    bool front = c->contains || c->endswith, back = c->contains || c->startswith;
    if (front && (starts_with(text, "^") || starts_with(text, ".*")))
        front = false;
    if (back && (ends_with(text, "$") || ends_with(text, ".*")))
        back = false;
    size_t n = strlen(text);
    char *pattern = gar_alloc(b->ctx->arena, n + 5);
    if (!pattern) {
        b->ctx->oom = true;
        return;
    }
    snprintf(pattern, n + 5, "%s%s%s", front ? ".*" : "", text, back ? ".*" : "");
    uint32_t flags =
        (c->re_i ? GANTRY_RE_I : 0) | (c->re_m ? GANTRY_RE_M : 0) | (c->re_s ? GANTRY_RE_S : 0);
    uint32_t options = grt_regex_options(flags); /* the runtime's own */
    int code = 0;
    PCRE2_SIZE offset = 0;
    pcre2_code *re =
        pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, options, &code, &offset, NULL);
    if (!re) {
        PCRE2_UCHAR msg[160];
        if (pcre2_get_error_message(code, msg, sizeof msg) < 0)
            snprintf((char *)msg, sizeof msg, "error %d", code);
        glow_error(b->ctx, "E052", loc, "invalid regular expression: %s at pattern offset %zu",
                   (const char *)msg, (size_t)offset);
        b->failed = true;
        return;
    }
    pcre2_code_free(re);
    add_atom(b, g, GANTRY_OP_REGEX, gpw_regex(b->ctx->w, pattern, flags));
}

/* ---- cidr ---- */

static void lower_cidr(build *b, group *g, const char *text, gast_loc loc) {
    /* parsed as the loader will parse it (base/cidr.h) */
    grt_net net;
    size_t alen = strcspn(text, "/");
    if (!grt_net_parse(text, strlen(text), &net) || alen >= 64) {
        fail(b, "E051", loc, "invalid IPv4/IPv6 network: ", text);
        return;
    }
    if (grt_net_host_bits(&net)) {
        fail(b, "E051", loc, "network has host bits set: ", text);
        return;
    }
    char norm[80];
    snprintf(norm, sizeof norm, "%.*s/%u", (int)alen, text, (unsigned)net.prefix);
    add_atom(b, g, GANTRY_OP_CIDR, gpw_const_string(b->ctx->w, norm, strlen(norm)));
}

/* ---- plain strings through the chain ---- */

typedef struct alts {
    gval_str *items;
    size_t count;
} alts;

static bool alts_replace(build *b, alts *set, size_t index, const gval_str *with, size_t n) {
    if (set->count - 1 + n > LOW_MAX_ALTERNATIVES)
        return false;
    gval_str *p = gar_alloc(b->ctx->arena, (set->count - 1 + n) * sizeof *p);
    if (!p) {
        b->ctx->oom = true;
        return false;
    }
    memcpy(p, set->items, index * sizeof *p);
    memcpy(p + index, with, n * sizeof *p);
    memcpy(p + index + n, set->items + index + 1, (set->count - index - 1) * sizeof *p);
    set->items = p;
    set->count = set->count - 1 + n;
    return true;
}

static void lower_string(build *b, group *g, const char *text, size_t len, bool raw, gast_loc loc) {
    gar *a = b->ctx->arena;
    const gchk_chain *c = &b->chain;
    if (c->re) {
        lower_regex(b, g, text, loc);
        return;
    }
    if (c->cidr) {
        lower_cidr(b, g, text, loc);
        return;
    }
    if (c->fieldref) {
        add_atom(b, g, GANTRY_OP_FIELDREF, gpw_field(b->ctx->w, resolve_field(text)));
        return;
    }
    gval_str first;
    gval_status st = raw ? gval_literal(a, text, len, &first) : gval_parse(a, text, len, &first);
    if (st != GVAL_OK) {
        b->ctx->oom = true;
        return;
    }
    alts set = {&first, 1};
    for (size_t m = 0; m < c->mod_count && !b->failed; m++) {
        gast_modifier mod = c->mods[m];
        for (size_t i = 0; i < set.count && !b->failed; i++) {
            gval_str *s = &set.items[i];
            gval_str three[3], *many = NULL;
            size_t n = 0;
            st = GVAL_OK;
            switch (mod) {
            case GAST_MOD_CONTAINS:
                st = gval_wrap(a, s, true, true);
                break;
            case GAST_MOD_STARTSWITH:
                st = gval_wrap(a, s, false, true);
                break;
            case GAST_MOD_ENDSWITH:
                st = gval_wrap(a, s, true, false);
                break;
            case GAST_MOD_BASE64:
                st = gval_base64(a, s);
                break;
            case GAST_MOD_WIDE:
                st = gval_utf16(a, s, GVAL_UTF16LE);
                break;
            case GAST_MOD_UTF16BE:
                st = gval_utf16(a, s, GVAL_UTF16BE);
                break;
            case GAST_MOD_UTF16:
                st = gval_utf16(a, s, GVAL_UTF16_BOM);
                break;
            case GAST_MOD_BASE64OFFSET:
                st = gval_base64offset(a, s, three);
                if (st == GVAL_OK && !alts_replace(b, &set, i, three, 3))
                    st = GVAL_TOO_MANY;
                i += 2;
                break;
            case GAST_MOD_WINDASH:
                st = gval_windash(a, s, LOW_MAX_ALTERNATIVES, &many, &n);
                if (st == GVAL_OK && !alts_replace(b, &set, i, many, n))
                    st = GVAL_TOO_MANY;
                i += n - 1;
                break;
            default:
                break;
            }
            if (st == GVAL_NOMEM || b->ctx->oom) {
                b->ctx->oom = true;
                return;
            }
            if (st == GVAL_WILDCARD)
                fail(b, "E054", loc, "base64 encoding of a value with wildcards is not allowed",
                     NULL);
            else if (st == GVAL_BAD_UTF8)
                fail(b, "E055", loc, "the value is not valid UTF-8, so it has no UTF-16 form",
                     NULL);
            else if (st == GVAL_TOO_MANY)
                fail(b, "E060", loc, "the value expands into too many alternatives", NULL);
        }
    }
    if (b->failed)
        return;
    for (size_t i = 0; i < set.count; i++) {
        gval_str *s = &set.items[i];
        /* Gantry's keyword choice: a plain keyword is a substring of a value */
        if (b->keyword && !(c->contains || c->startswith || c->endswith) &&
            gval_wrap(a, s, true, true) != GVAL_OK) {
            b->ctx->oom = true;
            return;
        }
        if (!c->cased)
            gval_lower(s);
        char *out = NULL;
        size_t out_len = 0;
        int op = gval_classify(a, s, &out, &out_len);
        if (!out) {
            b->ctx->oom = true;
            return;
        }
        add_atom(b, g, (uint8_t)op, gpw_const_string(b->ctx->w, out, out_len));
    }
}

/* ---- placeholders ---- */

/* Every text `%name%` placeholders of `text` stand for (cartesian product);
 * `\%` is a literal percent. */
static void expand_placeholders(build *b, group *g, const gast_value *v) {
    gar *a = b->ctx->arena;
    const char *text = v->text;
    if (!strchr(text, '%')) {
        lower_string(b, g, text, strlen(text), v->raw, v->loc);
        return;
    }
    size_t cap = 1, count = 1;
    char **outs = gar_alloc(a, sizeof *outs);
    if (!outs || !(outs[0] = gar_strdup(a, ""))) {
        b->ctx->oom = true;
        return;
    }
    for (const char *p = text; *p;) {
        const char *piece = p;
        size_t piece_len = 1;
        const char *const *choices = &piece;
        size_t nchoices = 1;
        char percent = '%';
        if (p[0] == '\\' && p[1] == '%') {
            piece = &percent;
            p += 2;
        } else if (p[0] == '%' && strchr(p + 1, '%') && strchr(p + 1, '%') != p + 1) {
            const char *end = strchr(p + 1, '%');
            const gph_entry *e = gph_find(b->ctx->values, p + 1, (size_t)(end - p - 1));
            if (!e) {
                if (!b->ctx->options || !b->ctx->options->placeholders_empty) {
                    glow_error(b->ctx, "E056", v->loc,
                               "placeholder `%%%.*s%%` has no value (give it with -D or --values)",
                               (int)(end - p - 1), p + 1);
                    b->failed = true;
                }
                return; /* an unfilled placeholder matches nothing */
            }
            choices = e->values;
            nchoices = e->count;
            piece_len = 0;
            p = end + 1;
        } else {
            p++;
        }
        if (nchoices == 0)
            return;
        if (count * nchoices > LOW_MAX_ALTERNATIVES) {
            fail(b, "E060", v->loc, "the placeholders expand into too many alternatives", NULL);
            return;
        }
        char **next = gar_alloc(a, count * nchoices * sizeof *next);
        if (!next) {
            b->ctx->oom = true;
            return;
        }
        for (size_t i = 0; i < count; i++)
            for (size_t k = 0; k < nchoices; k++) {
                size_t add = piece_len ? piece_len : strlen(choices[k]);
                size_t have = strlen(outs[i]);
                char *s = gar_alloc(a, have + add + 1);
                if (!s) {
                    b->ctx->oom = true;
                    return;
                }
                memcpy(s, outs[i], have);
                memcpy(s + have, choices[k], add);
                next[i * nchoices + k] = s;
            }
        outs = next;
        count *= nchoices;
        cap = count;
    }
    (void)cap;
    for (size_t i = 0; i < count && !b->failed; i++)
        lower_string(b, g, outs[i], strlen(outs[i]), v->raw, v->loc);
}

/* ---- time parts ---- */

/* Indexed by GAST_MOD_x - GAST_MOD_MINUTE, the same order as GANTRY_OP_TIME_x. */
static const struct {
    const char *name;
    int low, high;
} time_parts[] = {
    {"minute", 0, 59}, {"hour", 0, 23},  {"day", 1, 31},
    {"week", 1, 53},   {"month", 1, 12}, {"year", 0, 9999},
};

static uint8_t time_part_op(const gchk_chain *c) {
    for (size_t i = 0; i < c->mod_count; i++)
        if (c->mods[i] >= GAST_MOD_MINUTE && c->mods[i] <= GAST_MOD_YEAR)
            return (uint8_t)(GANTRY_OP_TIME_MINUTE + (c->mods[i] - GAST_MOD_MINUTE));
    return 0;
}

static void lower_time_part(build *b, group *g, const gast_value *v) {
    unsigned index = (unsigned)(b->time_op - GANTRY_OP_TIME_MINUTE);
    int low = time_parts[index].low, high = time_parts[index].high;
    if (v->kind != GAST_NUMBER || v->number != floor(v->number) || v->number < low ||
        v->number > high) {
        static const char *const kinds[] = {[GAST_STRING] = ", not a string",
                                            [GAST_NUMBER] = "",
                                            [GAST_BOOL] = ", not a boolean",
                                            [GAST_NULL] = ", not `null`"};
        glow_error(b->ctx, "E071", v->loc, "`%s` takes whole numbers from %d to %d%s",
                   time_parts[index].name, low, high, kinds[v->kind]);
        b->failed = true;
        return;
    }
    add_atom(b, g, b->time_op, gpw_const_number(b->ctx->w, v->number, NULL));
}

/* ---- one written value ---- */

static void lower_value(build *b, const gast_value *v) {
    const gchk_chain *c = &b->chain;
    bool stringy = c->contains || c->startswith || c->endswith || c->encodes || c->cased;
    group *g = new_group(b);
    if (!g)
        return;
    if (b->time_op) {
        lower_time_part(b, g, v);
        return;
    }
    switch (v->kind) {
    case GAST_NULL:
        if (b->keyword)
            fail(b, "E059", v->loc, "`null` cannot be a keyword; name a field", NULL);
        else if (stringy || c->re || c->cidr || c->cmp || c->fieldref || c->exists)
            fail(b, "E063", v->loc, "`null` takes no value modifiers other than `neq`", NULL);
        else
            add_atom(b, g, GANTRY_OP_ISNULL, 0);
        return;
    case GAST_BOOL:
        if (c->exists)
            add_atom(b, g, GANTRY_OP_EXISTS, v->boolean ? 1 : 0);
        else if (b->keyword)
            fail(b, "E059", v->loc, "a boolean cannot be a keyword; name a field", NULL);
        else if (stringy || c->re || c->cidr || c->cmp || c->fieldref)
            fail(b, "E049", v->loc, "this modifier chain needs a string value, not a boolean",
                 NULL);
        else
            add_atom(b, g, GANTRY_OP_EQ, gpw_const_bool(b->ctx->w, v->boolean));
        return;
    case GAST_NUMBER:
        if (c->exists) {
            fail(b, "E048", v->loc, "`exists` takes `true` or `false`", NULL);
        } else if (c->cmp) {
            add_atom(b, g, (uint8_t)c->cmp, gpw_const_number(b->ctx->w, v->number, NULL));
        } else if (stringy || c->re || c->cidr || c->fieldref) {
            fail(b, "E049", v->loc, "this modifier chain needs a string value, not a number", NULL);
        } else if (b->keyword) {
            /* the shortest text that reads back as the same number, as the
             * runtime prints event numbers */
            char text[GRT_NUMBER_TEXT_MAX];
            grt_number_text(v->number, text, sizeof text);
            const char *src = text;
            lower_string(b, g, src, strlen(src), true, v->loc);
        } else {
            add_atom(b, g, GANTRY_OP_EQ, gpw_const_number(b->ctx->w, v->number, NULL));
        }
        return;
    case GAST_STRING:
        if (c->exists)
            fail(b, "E048", v->loc, "`exists` takes `true` or `false`, not a string", NULL);
        else if (c->cmp)
            fail(b, "E050", v->loc, "comparison modifiers need a number, not a string", NULL);
        else if (c->expand)
            expand_placeholders(b, g, v);
        else
            lower_string(b, g, v->text, strlen(v->text), v->raw, v->loc);
        return;
    }
}

/* ---- atoms -> predicates ---- */

static gir_node *pred_node(build *b, uint8_t op, uint8_t flags, uint32_t a, uint32_t operand) {
    struct gantry_insn in = {op, flags, 0, a, operand};
    if (b->keyword) {
        in.op = GANTRY_OP_KEYWORD;
        in.a = op;
    }
    uint32_t index = gpw_pred(b->ctx->w, in);
    if (index == GPW_FAIL) {
        b->ctx->oom = true;
        return NULL;
    }
    return gir_pred(b->ctx->arena, index);
}

static uint8_t flags_for(const build *b, uint8_t op) {
    if (gantry_opcode_has(op, GANTRY_OPP_FIELDREF_MODE))
        return b->flags;
    if (gantry_opcode_has(op, GANTRY_OPP_CASED))
        return b->flags & GANTRY_PF_CASED;
    return 0;
}

/* Listable atoms of one opcode become one predicate over a LIST; the other
 * atoms one predicate each. `all` marks the lists GANTRY_PF_ALL. Returns the
 * nodes (to be OR-ed, or AND-ed under `all`). */
static size_t atoms_to_nodes(build *b, const atom *atoms, size_t n, bool all, gir_node **out) {
    gar *a = b->ctx->arena;
    size_t count = 0;
    uint32_t *consts = gar_alloc(a, (n + 1) * sizeof *consts);
    bool *done = gar_alloc(a, n + 1);
    if (!consts || !done) {
        b->ctx->oom = true;
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (done[i])
            continue;
        uint8_t op = atoms[i].op;
        if (!listable(op)) {
            out[count] = pred_node(b, op, flags_for(b, op), b->field, atoms[i].operand);
            if (!out[count++])
                return 0;
            continue;
        }
        /* constants are dense writer indices: a byte per index finds repeats */
        uint32_t top = 0;
        for (size_t j = i; j < n; j++)
            if (atoms[j].op == op && atoms[j].operand > top)
                top = atoms[j].operand;
        unsigned char *seen = gar_alloc(a, (size_t)top + 1);
        if (!seen) {
            b->ctx->oom = true;
            return 0;
        }
        size_t k = 0;
        for (size_t j = i; j < n; j++) {
            if (done[j] || atoms[j].op != op)
                continue;
            done[j] = true;
            if (!seen[atoms[j].operand]) {
                seen[atoms[j].operand] = 1;
                consts[k++] = atoms[j].operand;
            }
        }
        uint32_t list = gpw_list(b->ctx->w, consts, k);
        if (list == GPW_FAIL) {
            b->ctx->oom = true;
            return 0;
        }
        uint8_t flags = flags_for(b, op) | (all && k > 1 ? GANTRY_PF_ALL : 0);
        out[count] = pred_node(b, op, flags, b->field, list);
        if (!out[count++])
            return 0;
    }
    return count;
}

static gir_node *combine(build *b) {
    gar *a = b->ctx->arena;
    size_t total = 0;
    for (size_t i = 0; i < b->group_count; i++)
        total += b->groups[i].count;
    atom *flat = gar_alloc(a, (total + 1) * sizeof *flat);
    gir_node **nodes = gar_alloc(a, (total + 1) * sizeof *nodes);
    if (!flat || !nodes) {
        b->ctx->oom = true;
        return NULL;
    }
    if (!b->chain.all) {
        size_t n = 0;
        for (size_t i = 0; i < b->group_count; i++)
            for (size_t j = 0; j < b->groups[i].count; j++)
                flat[n++] = b->groups[i].atoms[j];
        size_t count = atoms_to_nodes(b, flat, n, false, nodes);
        return b->ctx->oom ? NULL : gir_nary(a, GIR_OR, nodes, count);
    }
    /* `all`: single-test values share one ALL predicate per opcode; each
     * expansion stays an OR group of its own */
    size_t n = 0, count = 0;
    for (size_t i = 0; i < b->group_count; i++)
        if (b->groups[i].count == 1)
            flat[n++] = b->groups[i].atoms[0];
    count = atoms_to_nodes(b, flat, n, true, nodes);
    for (size_t i = 0; i < b->group_count && !b->ctx->oom; i++) {
        const group *g = &b->groups[i];
        if (g->count < 2)
            continue;
        gir_node **alt = gar_alloc(a, g->count * sizeof *alt);
        if (!alt) {
            b->ctx->oom = true;
            return NULL;
        }
        size_t m = atoms_to_nodes(b, g->atoms, g->count, false, alt);
        nodes[count++] = gir_nary(a, GIR_OR, alt, m);
    }
    if (b->ctx->oom)
        return NULL;
    /* an empty group (unfilled placeholder) can never be matched */
    for (size_t i = 0; i < b->group_count; i++)
        if (b->groups[i].count == 0)
            return gir_bool(a, false);
    return gir_nary(a, GIR_AND, nodes, count);
}

static const gast_list *find_list(const gast_unit *unit, const char *name) {
    for (size_t i = 0; i < unit->list_count; i++)
        if (strcmp(unit->lists[i]->name, name) == 0)
            return unit->lists[i];
    return NULL;
}

static void warn_all(build *b, size_t value_count) {
    const gchk_chain *c = &b->chain;
    const gast_pred *p = b->pred;
    if (!c->all)
        return;
    if (value_count == 1)
        gdiag_report(b->ctx->diag, GDIAG_WARNING, "W023", p->loc,
                     "`all` on a single value has no effect");
    else if (!b->keyword && !c->contains && !c->startswith && !c->endswith && !c->re && !c->cidr &&
             !c->cmp && !c->fieldref)
        gdiag_report(b->ctx->diag, GDIAG_WARNING, "W022", p->loc,
                     "`all` without `contains`, `startswith` or `endswith`: the field must equal "
                     "every value, which a single-valued field never does");
}

gir_node *glow_pred(glow_ctx *ctx, const gast_pred *p) {
    gar *a = ctx->arena;
    build b;
    memset(&b, 0, sizeof b);
    b.ctx = ctx;
    b.pred = p;
    b.keyword = !p->field || strcmp(p->field, "_") == 0;
    size_t errors = gchk_chain_of(ctx->diag, p, &b.chain);
    if (errors) {
        ctx->errors += errors;
        return gir_bool(a, false);
    }
    const gchk_chain *c = &b.chain;
    b.time_op = time_part_op(c);
    if (c->cased)
        b.flags |= GANTRY_PF_CASED;
    if (c->fieldref) {
        if (c->contains || (c->startswith && c->endswith))
            b.flags |= GANTRY_PF_FR_CONTAINS;
        else if (c->startswith)
            b.flags |= GANTRY_PF_FR_STARTS;
        else if (c->endswith)
            b.flags |= GANTRY_PF_FR_ENDS;
    }
    if (!b.keyword) {
        const char *field = resolve_field(p->field);
        size_t depth = 1;
        for (const char *q = field; *q; q++)
            depth += *q == '.';
        if (depth > GANTRY_MAX_FIELD_DEPTH) {
            glow_error(ctx, "E068", p->field_loc, "field path has more than %u components",
                       (unsigned)GANTRY_MAX_FIELD_DEPTH);
            return gir_bool(a, false);
        }
        b.field = gpw_field(ctx->w, field);
        if (b.field == GPW_FAIL) {
            ctx->oom = true;
            return NULL;
        }
    }
    /* where the values come from */
    gast_value *const *values = p->values;
    size_t value_count = p->value_count;
    if (p->list_ref) {
        const gph_entry *over = gph_find(ctx->values, p->list_ref, strlen(p->list_ref));
        const gast_list *list = find_list(ctx->unit, p->list_ref);
        if (over) {
            gast_value **vs = gar_alloc(a, (over->count + 1) * sizeof *vs);
            gast_value *store = gar_alloc(a, (over->count + 1) * sizeof *store);
            if (!vs || !store) {
                ctx->oom = true;
                return NULL;
            }
            for (size_t i = 0; i < over->count; i++) {
                store[i].kind = GAST_STRING;
                store[i].text = (char *)over->values[i];
                store[i].loc = p->loc;
                vs[i] = &store[i];
            }
            values = vs;
            value_count = over->count;
        } else if (list) {
            values = list->values;
            value_count = list->value_count;
        } else {
            const char **names = gar_alloc(a, (ctx->unit->list_count + 1) * sizeof *names);
            if (!names) {
                ctx->oom = true;
                return NULL;
            }
            for (size_t i = 0; i < ctx->unit->list_count; i++)
                names[i] = ctx->unit->lists[i]->name;
            const char *hint = gchk_suggest(p->list_ref, names, ctx->unit->list_count);
            glow_error(ctx, "E041", p->loc, "unknown list `%s`%s%s%s", p->list_ref,
                       hint ? "; did you mean `" : "", hint ? hint : "", hint ? "`?" : "");
            return gir_bool(a, false);
        }
        if (value_count == 0) {
            gir_node *none = gir_bool(a, false); /* `x in []` holds for nothing */
            return p->negated ? gir_not(a, none) : none;
        }
    } else if (p->empty_list || value_count == 0) {
        /* Sigma: `F: []` is `F: null` */
        if (b.keyword) {
            glow_error(ctx, "E059", p->loc, "an empty keyword list matches nothing");
            return gir_bool(a, false);
        }
        if (c->contains || c->startswith || c->endswith || c->encodes || c->cased || c->re ||
            c->cidr || c->cmp || c->fieldref || c->exists || b.time_op) {
            glow_error(ctx, "E063", p->loc, "`[]` means null and takes no value modifiers");
            return gir_bool(a, false);
        }
        gir_node *n = pred_node(&b, GANTRY_OP_ISNULL, 0, b.field, 0);
        return n && c->neq ? gir_not(a, n) : n;
    }
    warn_all(&b, value_count);
    if (c->exists && value_count != 1) {
        glow_error(ctx, "E048", p->loc, "`exists` takes exactly one value, `true` or `false`");
        return gir_bool(a, false);
    }
    for (size_t i = 0; i < value_count && !ctx->oom; i++)
        lower_value(&b, values[i]);
    if (ctx->oom)
        return NULL;
    if (b.failed)
        return gir_bool(a, false);
    bool offset_fragments = false;
    for (size_t i = 0; i < c->mod_count; i++)
        offset_fragments |= c->mods[i] == GAST_MOD_BASE64OFFSET;
    if (offset_fragments && !c->contains)
        gdiag_report(ctx->diag, GDIAG_WARNING, "W029", p->loc,
                     "`base64offset` values are fragments of an encoding; use it with `contains`");
    gir_node *n = combine(&b);
    if (n && c->neq)
        n = gir_not(a, n);
    if (n && p->negated)
        n = gir_not(a, n);
    return n;
}
