/* SPDX-License-Identifier: Apache-2.0 */
/* `gantry test`: why an event went the wrong way. Each leaf of the rule's
 * condition (selection, macro, inline predicate) is compiled into a one-rule
 * pack of its own and matched against the event, so the report names the
 * leaves that held and those that did not. Module prefix: gtest_. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "gantry.h"
#include "gantry_cjson.h"
#include "test_explain.h"

/* The rule sources, parsed again for each leaf. */
typedef struct gtest_rules {
    const char *const *paths;
    size_t path_count;
    const gcomp_options *comp;
} gtest_rules;

/* Pre-order walk over the leaves of a condition. Calls visit(leaf, slot,
 * negated, ctx) for each; stops when visit returns non-zero. `slot` is the
 * pointer that holds the leaf, so the caller may detach it. */
typedef int (*gtest_leaf_fn)(gast_cond **slot, int negated, void *ctx);

static int walk_leaves(gast_cond **slot, int negated, gtest_leaf_fn visit, void *ctx) {
    gast_cond *c = *slot;
    if (!c)
        return 0;
    switch (c->kind) {
    case GAST_COND_AND:
    case GAST_COND_OR:
        if (walk_leaves(&c->left, negated, visit, ctx))
            return 1;
        return walk_leaves(&c->right, negated, visit, ctx);
    case GAST_COND_NOT:
        return walk_leaves(&c->left, !negated, visit, ctx);
    default:
        return visit(slot, negated, ctx);
    }
}

typedef struct gtest_leaf_pick {
    size_t want, seen;
    gast_cond **slot;
    int negated;
} gtest_leaf_pick;

static int pick_leaf(gast_cond **slot, int negated, void *ctx) {
    gtest_leaf_pick *p = ctx;
    if (p->seen++ == p->want) {
        p->slot = slot;
        p->negated = negated;
        return 1;
    }
    return 0;
}

static void describe_pred(const gast_pred *p, char *out, size_t size) {
    size_t n = 0;
    n += (size_t)snprintf(out + n, size - n, "%s", p->field ? p->field : "(keywords)");
    for (size_t i = 0; i < p->mod_count && n < size; i++)
        n += (size_t)snprintf(out + n, size - n, "|%s", gast_modifier_name(p->mods[i]));
    if (n >= size)
        return;
    if (p->list_ref) {
        snprintf(out + n, size - n, "%s in %s", p->negated ? " not" : "", p->list_ref);
        return;
    }
    n += (size_t)snprintf(out + n, size - n, ":");
    for (size_t i = 0; i < p->value_count && n < size; i++) {
        const gast_value *v = p->values[i];
        const char *text = v->kind == GAST_STRING || v->kind == GAST_NUMBER ? v->text
                           : v->kind == GAST_BOOL ? (v->boolean ? "true" : "false")
                                                  : "null";
        n += (size_t)snprintf(out + n, size - n, "%s \"%s\"", i ? "," : "", text ? text : "");
    }
}

static void describe_leaf(const gast_rule *rule, const gast_cond *leaf, char *out, size_t size) {
    switch (leaf->kind) {
    case GAST_COND_REF: {
        const char *what = "macro";
        for (size_t i = 0; i < rule->selection_count; i++)
            if (strcmp(rule->selections[i]->name, leaf->name) == 0)
                what = "selection";
        snprintf(out, size, "%s %s", what, leaf->name);
        break;
    }
    case GAST_COND_ONE_OF:
        snprintf(out, size, "1 of %s", leaf->name);
        break;
    case GAST_COND_ALL_OF:
        snprintf(out, size, "all of %s", leaf->name);
        break;
    case GAST_COND_PRED: {
        char pred[512];
        describe_pred(leaf->pred, pred, sizeof pred);
        snprintf(out, size, "predicate %s (line %d)", pred, leaf->loc.line);
        break;
    }
    case GAST_COND_TRUE:
        snprintf(out, size, "true");
        break;
    case GAST_COND_ANY:
        snprintf(out, size, "any %s { ... } (line %d)", leaf->name, leaf->loc.line);
        break;
    default:
        snprintf(out, size, "false");
        break;
    }
}

/* Parse the rule paths again and keep only rule `name`, its condition
 * replaced by leaf number `leaf_no` of the original (SIZE_MAX: keep the
 * whole condition, only count the leaves into *leaf_total). */
static gast_unit *isolate(const gtest_rules *run, const char *name, size_t leaf_no,
                          size_t *leaf_total, char *desc, size_t desc_size, int *negated) {
    gdiag_sink *quiet = gdiag_new(NULL, 0, 0);
    if (!quiet)
        return NULL;
    gast_unit *unit = gcomp_parse_paths(run->paths, run->path_count, quiet, run->comp);
    gdiag_free(quiet);
    if (!unit)
        return NULL;
    gast_rule *target = NULL;
    for (size_t i = 0; i < unit->rule_count; i++) {
        if (!target && unit->rules[i]->name && strcmp(unit->rules[i]->name, name) == 0)
            target = unit->rules[i];
        else
            gast_rule_free(unit->rules[i]);
    }
    unit->rule_count = 0;
    if (!target) {
        gast_unit_free(unit);
        return NULL;
    }
    unit->rules[0] = target;
    unit->rule_count = 1;
    gtest_leaf_pick pick = {leaf_no, 0, NULL, 0};
    walk_leaves(&target->condition, 0, pick_leaf, &pick);
    if (leaf_total)
        *leaf_total = pick.seen;
    if (leaf_no == (size_t)-1)
        return unit;
    if (!pick.slot) {
        gast_unit_free(unit);
        return NULL;
    }
    gast_cond *leaf = *pick.slot;
    gast_cond *stand_in = gast_cond_new(GAST_COND_TRUE, leaf->loc);
    if (!stand_in) {
        gast_unit_free(unit);
        return NULL;
    }
    *pick.slot = stand_in;
    gast_cond_free(target->condition);
    target->condition = leaf;
    describe_leaf(target, leaf, desc, desc_size);
    *negated = pick.negated;
    return unit;
}

/* 1 / 0: the leaf holds on the event or not; -1: could not tell. */
static int note_hit(const gantry_match *m, void *user) {
    *(unsigned char *)user = 1;
    return 0;
}

static int leaf_holds(const gtest_rules *run, gast_unit *unit, const cJSON *event) {
    gdiag_sink *quiet = gdiag_new(NULL, 0, 0);
    if (!quiet)
        return -1;
    unsigned char *image = NULL;
    size_t len = 0;
    int rc = gcomp_compile_unit(unit, quiet, run->comp, &image, &len, NULL);
    gdiag_free(quiet);
    if (rc != 0)
        return -1;
    gantry_pack *pack = NULL;
    gantry_matcher *matcher = NULL;
    int result = -1;
    if (gantry_pack_load_buffer(image, len, &pack, NULL, 0) == GANTRY_OK &&
        gantry_matcher_new(pack, &matcher) == GANTRY_OK) {
        unsigned char hit = 0;
        if (gantry_match_cjson(matcher, event, note_hit, &hit) == GANTRY_OK)
            result = hit;
    }
    gantry_matcher_free(matcher);
    gantry_pack_free(pack);
    free(image);
    return result;
}

void gtest_explain(const char *const *paths, size_t path_count, const gcomp_options *comp,
                   const char *name, const cJSON *event) {
    const gtest_rules rules = {paths, path_count, comp};
    const gtest_rules *run = &rules;
    size_t total = 0;
    gast_unit *whole = isolate(run, name, (size_t)-1, &total, NULL, 0, NULL);
    int readable = whole != NULL;
    gast_unit_free(whole);
    if (!readable || total == 0) {
        printf("      why: (the rule's condition could not be re-read)\n");
        return;
    }
    printf("      condition leaves on this event:\n");
    for (size_t k = 0; k < total; k++) {
        char desc[640] = "";
        int negated = 0;
        gast_unit *unit = isolate(run, name, k, NULL, desc, sizeof desc, &negated);
        if (!unit) {
            printf("        ?      leaf %zu could not be isolated\n", k + 1);
            continue;
        }
        int holds = leaf_holds(run, unit, event);
        gast_unit_free(unit);
        printf("        %-6s %s%s\n",
               holds < 0 ? "?"
               : holds   ? "true"
                         : "false",
               desc, negated ? "  (negated by the condition)" : "");
    }
}
