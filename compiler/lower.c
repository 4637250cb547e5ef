/* SPDX-License-Identifier: Apache-2.0 */
/* Lowering of conditions, selections and macros; predicates are in
 * lower_pred.c. */
#include "lower.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "gantry_limits.h"

void glow_error(glow_ctx *ctx, const char *code, gast_loc loc, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    gdiag_report(ctx->diag, GDIAG_ERROR, code, loc, "%s", msg);
    ctx->errors++;
}

static gir_node *lower_cond(glow_ctx *ctx, const gast_cond *cond, size_t depth);

static bool is_keyword_item(const gast_map *map) {
    if (map->pred_count != 1)
        return false;
    const gast_pred *p = map->preds[0];
    if ((p->field && strcmp(p->field, "_") != 0) || p->list_ref || p->negated)
        return false;
    for (size_t i = 0; i < p->mod_count; i++)
        if (p->mods[i] == GAST_MOD_ALL || p->mods[i] == GAST_MOD_NEQ)
            return false;
    return true;
}

static bool same_mods(const gast_pred *x, const gast_pred *y) {
    return x->mod_count == y->mod_count &&
           (x->mod_count == 0 || memcmp(x->mods, y->mods, x->mod_count * sizeof *x->mods) == 0);
}

/* A list of keywords (Sigma's list of plain values) is one item with every
 * value, so the values share one predicate and one LIST. */
static gir_node *merged_keywords(glow_ctx *ctx, const gast_selection *sel) {
    if (sel->alt_count < 2)
        return NULL;
    const gast_pred *first = NULL;
    size_t total = 0;
    for (size_t i = 0; i < sel->alt_count; i++) {
        if (!is_keyword_item(sel->alts[i]))
            return NULL;
        const gast_pred *p = sel->alts[i]->preds[0];
        if (!first)
            first = p;
        else if (!same_mods(first, p))
            return NULL;
        if (p->empty_list || p->value_count == 0)
            return NULL;
        total += p->value_count;
    }
    gast_pred merged = *first;
    merged.values = gar_alloc(ctx->arena, total * sizeof *merged.values);
    if (!merged.values)
        return NULL;
    merged.value_count = 0;
    merged.loc = sel->loc;
    for (size_t i = 0; i < sel->alt_count; i++) {
        const gast_pred *p = sel->alts[i]->preds[0];
        for (size_t k = 0; k < p->value_count; k++)
            merged.values[merged.value_count++] = p->values[k];
    }
    return glow_pred(ctx, &merged);
}

static gir_node *lower_selection(glow_ctx *ctx, size_t index) {
    if (ctx->sel_nodes[index])
        return ctx->sel_nodes[index];
    const gast_selection *sel = ctx->rule->selections[index];
    gar *a = ctx->arena;
    gir_node *keywords = merged_keywords(ctx, sel);
    if (keywords)
        return ctx->sel_nodes[index] = keywords;
    if (ctx->oom || a->failed)
        return NULL;
    if (sel->alt_count == 0) {
        glow_error(ctx, "E066", sel->loc, "selection `%s` is empty", sel->name);
        return ctx->sel_nodes[index] = gir_bool(a, false);
    }
    gir_node **alts = gar_alloc(a, sel->alt_count * sizeof *alts);
    if (!alts)
        return NULL;
    for (size_t i = 0; i < sel->alt_count; i++) {
        const gast_map *map = sel->alts[i];
        gir_node **preds = gar_alloc(a, (map->pred_count + 1) * sizeof *preds);
        if (!preds)
            return NULL;
        for (size_t j = 0; j < map->pred_count; j++)
            if (!(preds[j] = glow_pred(ctx, map->preds[j])))
                return NULL;
        if (map->pred_count == 0) {
            glow_error(ctx, "E066", map->loc, "an alternative of selection `%s` is empty",
                       sel->name);
            preds[0] = gir_bool(a, false);
            alts[i] = preds[0];
            continue;
        }
        alts[i] = gir_nary(a, GIR_AND, preds, map->pred_count);
        if (!alts[i])
            return NULL;
    }
    return ctx->sel_nodes[index] = gir_nary(a, GIR_OR, alts, sel->alt_count);
}

static gir_node *lower_macro(glow_ctx *ctx, size_t index, gast_loc use);

static long find_selection(const glow_ctx *ctx, const char *name) {
    if (!ctx->rule)
        return -1;
    for (size_t i = 0; i < ctx->rule->selection_count; i++)
        if (strcmp(ctx->rule->selections[i]->name, name) == 0)
            return (long)i;
    return -1;
}

static long find_macro(const glow_ctx *ctx, const char *name) {
    for (size_t i = 0; i < ctx->unit->macro_count; i++)
        if (strcmp(ctx->unit->macros[i]->name, name) == 0)
            return (long)i;
    return -1;
}

static void unknown_name(glow_ctx *ctx, const gast_cond *cond) {
    size_t ns = ctx->rule ? ctx->rule->selection_count : 0, nm = ctx->unit->macro_count;
    const char **names = gar_alloc(ctx->arena, (ns + nm + 1) * sizeof *names);
    const char *hint = NULL;
    if (names) {
        for (size_t i = 0; i < ns; i++)
            names[i] = ctx->rule->selections[i]->name;
        for (size_t i = 0; i < nm; i++)
            names[ns + i] = ctx->unit->macros[i]->name;
        hint = gchk_suggest(cond->name, names, ns + nm);
    }
    glow_error(ctx, "E040", cond->loc, "unknown %s `%s`%s%s%s",
               ctx->rule ? "selection or macro" : "macro", cond->name,
               hint ? "; did you mean `" : "", hint ? hint : "", hint ? "`?" : "");
}

static gir_node *lower_ref(glow_ctx *ctx, const gast_cond *cond, size_t depth) {
    long sel = find_selection(ctx, cond->name);
    if (sel >= 0) {
        ctx->sel_used[sel] = true;
        return lower_selection(ctx, (size_t)sel);
    }
    long macro = find_macro(ctx, cond->name);
    if (macro < 0) {
        unknown_name(ctx, cond);
        return gir_bool(ctx->arena, false);
    }
    gir_node *n = lower_macro(ctx, (size_t)macro, cond->loc);
    size_t reach = depth + ctx->macros[macro].depth;
    if (reach > ctx->max_depth)
        ctx->max_depth = reach;
    if (reach > GANTRY_MAX_NESTING && !ctx->depth_reported) {
        ctx->depth_reported = true;
        glow_error(ctx, "E045", cond->loc,
                   "condition nests deeper than %u levels once macro `%s` is expanded",
                   (unsigned)GANTRY_MAX_NESTING, cond->name);
        return gir_bool(ctx->arena, false);
    }
    return n;
}

/* ---- element scopes: `any NAME { condition }` ---- */

/* The one table of scopes: the name written after `any`, the array field
 * whose objects are the elements (the normalizers fill it, docs/schema.md),
 * and the prefix of the fields read from the element. */
static const struct {
    const char *name, *array, *prefix;
} scopes[] = {
    {"container", "container.list", "container."},
};

typedef struct scope_walk {
    glow_ctx *ctx;
    const gast_cond *cond;
    const char *prefix;
    size_t scoped; /* scoped predicates made */
    bool nested, mixed;
} scope_walk;

static bool in_scope(const scope_walk *sw, uint32_t field) {
    size_t len, n = strlen(sw->prefix);
    const char *path = gpw_field_path(sw->ctx->w, field, &len);
    return path && len > n && memcmp(path, sw->prefix, n) == 0;
}

/* The body with every predicate on a field under the scope's prefix
 * replaced by its scoped twin (flag GANTRY_PF_SCOPED: read from the
 * element). Selections and macros are lowered once, unscoped, and shared;
 * a scope rewrites the copy it uses, so the same selection means "the pod"
 * outside and "this container" inside. */
static gir_node *scope_body(scope_walk *sw, gir_node *n) {
    gar *a = sw->ctx->arena;
    switch (n->kind) {
    case GIR_FALSE:
    case GIR_TRUE:
        return n;
    case GIR_ANY:
        sw->nested = true;
        return gir_bool(a, false);
    case GIR_PRED: {
        struct gantry_insn in;
        if (gpw_pred_get(sw->ctx->w, n->pred, &in) != 0)
            return NULL;
        const gantry_op_info *oi = gantry_opcode_info(in.op);
        if (oi->a != GANTRY_OPND_FIELD || !in_scope(sw, in.a)) {
            if (oi->b == GANTRY_OPND_FIELD && in_scope(sw, in.b))
                sw->mixed = true;
            return n;
        }
        if (oi->b == GANTRY_OPND_FIELD && !in_scope(sw, in.b)) {
            sw->mixed = true;
            return n;
        }
        in.flags |= GANTRY_PF_SCOPED;
        uint32_t p = gpw_pred(sw->ctx->w, in);
        if (p == GPW_FAIL)
            return NULL;
        sw->scoped++;
        return gir_pred(a, p);
    }
    case GIR_NOT:
    case GIR_AND:
    case GIR_OR: {
        gir_node **kids = gar_alloc(a, n->count * sizeof *kids);
        if (!kids)
            return NULL;
        for (size_t i = 0; i < n->count; i++)
            if (!(kids[i] = scope_body(sw, n->kids[i])))
                return NULL;
        return n->kind == GIR_NOT ? gir_not(a, kids[0]) : gir_nary(a, n->kind, kids, n->count);
    }
    }
    return NULL;
}

static gir_node *lower_scope(glow_ctx *ctx, const gast_cond *cond, size_t depth) {
    gar *a = ctx->arena;
    /* lowered first, so its own mistakes are reported whatever the scope */
    gir_node *body = lower_cond(ctx, cond->left, depth + 1);
    if (!body)
        return NULL;
    size_t k = 0, nscopes = sizeof scopes / sizeof scopes[0];
    while (k < nscopes && strcmp(scopes[k].name, cond->name) != 0)
        k++;
    if (k == nscopes) {
        const char *names[sizeof scopes / sizeof scopes[0]];
        for (size_t i = 0; i < nscopes; i++)
            names[i] = scopes[i].name;
        const char *hint = gchk_suggest(cond->name, names, nscopes);
        char known[128] = "";
        for (size_t i = 0; i < nscopes; i++)
            snprintf(known + strlen(known), sizeof known - strlen(known), "%s`%s`", i ? ", " : "",
                     names[i]);
        if (hint)
            glow_error(ctx, "E072", cond->name_loc, "unknown scope `%s`; did you mean `%s`?",
                       cond->name, hint);
        else
            glow_error(ctx, "E072", cond->name_loc, "unknown scope `%s`; the scopes are %s",
                       cond->name, known);
        return gir_bool(a, false);
    }
    scope_walk sw = {ctx, cond, scopes[k].prefix, 0, false, false};
    gir_node *scoped = scope_body(&sw, body);
    if (!scoped) {
        ctx->oom = true;
        return NULL;
    }
    if (sw.nested) {
        glow_error(ctx, "E073", cond->loc,
                   "scopes do not nest: this `any %s { ... }` holds "
                   "another `any` (macros expanded)",
                   cond->name);
        return gir_bool(a, false);
    }
    if (sw.mixed) {
        glow_error(ctx, "E074", cond->loc,
                   "inside `any %s { ... }` a `fieldref` compares a "
                   "field under `%s` with one outside it; compare two fields of the same "
                   "element or two of the event",
                   cond->name, scopes[k].prefix);
        return gir_bool(a, false);
    }
    if (sw.scoped == 0)
        gdiag_report(ctx->diag, GDIAG_WARNING, "W026", cond->name_loc,
                     "`any %s { ... }` reads no `%s*` field, so every element gives the same "
                     "answer",
                     cond->name, scopes[k].prefix);
    uint32_t field = gpw_field(ctx->w, scopes[k].array);
    if (field == GPW_FAIL) {
        ctx->oom = true;
        return NULL;
    }
    return gir_any(a, field, scoped);
}

static gir_node *lower_of(glow_ctx *ctx, const gast_cond *cond) {
    gar *a = ctx->arena;
    size_t n = ctx->rule ? ctx->rule->selection_count : 0, count = 0;
    gir_node **kids = gar_alloc(a, (n + 1) * sizeof *kids);
    if (!kids)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (!gchk_pattern_matches(cond->name, ctx->rule->selections[i]->name))
            continue;
        ctx->sel_used[i] = true;
        if (!(kids[count++] = lower_selection(ctx, i)))
            return NULL;
    }
    if (count == 0) {
        glow_error(ctx, "E046", cond->loc, "`%s of %s` matches no selection%s",
                   cond->kind == GAST_COND_ALL_OF ? "all" : "1", cond->name,
                   ctx->rule ? " of this rule" : " (macros have no selections)");
        return gir_bool(a, false);
    }
    return gir_nary(a, cond->kind == GAST_COND_ALL_OF ? GIR_AND : GIR_OR, kids, count);
}

/* Operands of a chain of one binary operator, collected without recursion
 * so that `a and b and c ...` of any length costs no stack. */
static gir_node *lower_chain(glow_ctx *ctx, const gast_cond *cond, size_t depth) {
    gar *a = ctx->arena;
    size_t cap = 16, top = 0, count = 0, ocap = 16;
    const gast_cond **stack = malloc(cap * sizeof *stack);
    gir_node **kids = gar_alloc(a, ocap * sizeof *kids);
    if (!stack || !kids) {
        free(stack);
        return NULL;
    }
    stack[top++] = cond;
    gir_node *result = NULL;
    while (top) {
        const gast_cond *c = stack[--top];
        if (c->kind == cond->kind) {
            if (top + 2 > cap) {
                const gast_cond **p = realloc(stack, cap * 2 * sizeof *p);
                if (!p)
                    goto out;
                stack = p;
                cap *= 2;
            }
            stack[top++] = c->right;
            stack[top++] = c->left;
            continue;
        }
        if (count == ocap) {
            kids = gar_grow(a, kids, ocap * sizeof *kids, ocap * 2 * sizeof *kids);
            if (!kids)
                goto out;
            ocap *= 2;
        }
        if (!(kids[count++] = lower_cond(ctx, c, depth + 1)))
            goto out;
    }
    result = gir_nary(a, cond->kind == GAST_COND_AND ? GIR_AND : GIR_OR, kids, count);
out:
    free(stack);
    return result;
}

static gir_node *lower_cond(glow_ctx *ctx, const gast_cond *cond, size_t depth) {
    gar *a = ctx->arena;
    if (depth > ctx->max_depth)
        ctx->max_depth = depth;
    if (depth > GANTRY_MAX_NESTING) {
        if (!ctx->depth_reported)
            glow_error(ctx, "E045", cond->loc, "condition nests deeper than %u levels",
                       (unsigned)GANTRY_MAX_NESTING);
        ctx->depth_reported = true;
        return gir_bool(a, false);
    }
    switch (cond->kind) {
    case GAST_COND_AND:
    case GAST_COND_OR:
        return lower_chain(ctx, cond, depth);
    case GAST_COND_NOT:
        return gir_not(a, lower_cond(ctx, cond->left, depth + 1));
    case GAST_COND_REF:
        return lower_ref(ctx, cond, depth);
    case GAST_COND_ONE_OF:
    case GAST_COND_ALL_OF:
        return lower_of(ctx, cond);
    case GAST_COND_PRED:
        return glow_pred(ctx, cond->pred);
    case GAST_COND_TRUE:
        return gir_bool(a, true);
    case GAST_COND_FALSE:
        return gir_bool(a, false);
    case GAST_COND_ANY:
        return lower_scope(ctx, cond, depth);
    }
    return gir_bool(a, false);
}

static gir_node *lower_macro(glow_ctx *ctx, size_t index, gast_loc use) {
    glow_macro_state *st = &ctx->macros[index];
    const gast_macro *m = ctx->unit->macros[index];
    if (st->state == 2)
        return st->node;
    if (st->state == 1) {
        glow_error(ctx, "E044", use, "macro `%s` refers to itself (a macro cycle)", m->name);
        return gir_bool(ctx->arena, false);
    }
    /* a macro is lowered on its own (no rule, depth from 0), once */
    const gast_rule *rule = ctx->rule;
    gir_node **sel_nodes = ctx->sel_nodes;
    bool *sel_used = ctx->sel_used;
    size_t max_depth = ctx->max_depth;
    bool reported = ctx->depth_reported;
    ctx->rule = NULL;
    ctx->sel_nodes = NULL;
    ctx->sel_used = NULL;
    ctx->max_depth = 0;
    ctx->depth_reported = false;
    st->state = 1;
    gir_node *n = m->body ? lower_cond(ctx, m->body, 0) : gir_bool(ctx->arena, false);
    st->state = 2;
    st->node = n ? n : gir_bool(ctx->arena, false);
    st->depth = ctx->max_depth;
    ctx->rule = rule;
    ctx->sel_nodes = sel_nodes;
    ctx->sel_used = sel_used;
    ctx->max_depth = max_depth;
    ctx->depth_reported = reported;
    if (!n)
        ctx->oom = true;
    return st->node;
}

void glow_macros(glow_ctx *ctx) {
    for (size_t i = 0; i < ctx->unit->macro_count && !ctx->oom; i++)
        lower_macro(ctx, i, ctx->unit->macros[i]->loc);
}

gir_node *glow_rule(glow_ctx *ctx, const gast_rule *rule) {
    gar *a = ctx->arena;
    size_t n = rule->selection_count;
    ctx->rule = rule;
    ctx->sel_nodes = gar_alloc(a, (n + 1) * sizeof *ctx->sel_nodes);
    ctx->sel_used = gar_alloc(a, n + 1);
    ctx->max_depth = 0;
    ctx->depth_reported = false;
    if (!ctx->sel_nodes || !ctx->sel_used) {
        ctx->oom = true;
        return NULL;
    }
    gir_node *root = rule->condition ? lower_cond(ctx, rule->condition, 0) : gir_bool(a, false);
    if (!root) {
        ctx->oom = true;
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        bool duplicate = false;
        for (size_t j = 0; j < i && !duplicate; j++)
            duplicate = strcmp(rule->selections[j]->name, rule->selections[i]->name) == 0;
        if (ctx->sel_used[i] || duplicate)
            continue;
        /* still lowered, so its mistakes are reported */
        if (!lower_selection(ctx, i)) {
            ctx->oom = true;
            return NULL;
        }
        if (rule->condition)
            gdiag_report(ctx->diag, GDIAG_WARNING, "W020", rule->selections[i]->loc,
                         "selection `%s` is not used by the condition", rule->selections[i]->name);
    }
    ctx->rule = NULL;
    return root;
}
