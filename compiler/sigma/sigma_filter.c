/* SPDX-License-Identifier: Apache-2.0 */
/* Sigma meta filters, applied the way pySigma applies them (SEMANTICS.md §8):
 * a filter applies to a rule when the rule's logsource has every attribute
 * the filter's logsource sets, and the rule is named in `filter.rules` (by
 * id first, then by name) or `rules` is `any` / empty. The filter's search
 * identifiers are copied into the rule under a `_filtN_` prefix (so `them`
 * in the rule does not see them) and the rule's condition becomes
 * `(condition) and (filter condition)`: the filter condition itself says
 * what to keep, typically `not selection`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sigma_internal.h"

struct gsigma_filter {
    gast_rule *body; /* logsource, selections and condition of the filter */
    gast_strings refs;
    bool any;
    gast_loc loc;
};

void gsigma_filter_free(gsigma_filter *filter) {
    if (!filter)
        return;
    gast_rule_free(filter->body);
    gast_strings_free(&filter->refs);
    free(filter);
}

gsigma_filter *gsigma_filter_build(gast_unit *unit, gdiag_sink *diag, const char *file,
                                   const gsigma_node *doc, int *failed) {
    *failed = 0;
    const gsigma_node *spec = gsigma_map_get(doc, "filter");
    if (!spec || spec->kind != GSIGMA_MAP) {
        gdiag_report(diag, GDIAG_ERROR, "E113", gsigma_loc(file, spec ? spec : doc),
                     "a Sigma filter needs a `filter` map with `rules`, selections and "
                     "`condition`");
        *failed = 1;
        return NULL;
    }
    gsigma_filter *f = calloc(1, sizeof *f);
    gsigma_node *detection = gsigma_node_copy(spec);
    if (!f || !detection)
        goto oom;
    f->loc = gsigma_loc(file, doc);
    /* The filter's detection is its `filter` map without `rules`. */
    for (size_t i = 0; i < detection->count; i++)
        if (strcmp(detection->keys[i]->text, "rules") == 0) {
            gsigma_node_free(detection->keys[i]);
            gsigma_node_free(detection->items[i]);
            memmove(&detection->keys[i], &detection->keys[i + 1],
                    (detection->count - i - 1) * sizeof *detection->keys);
            memmove(&detection->items[i], &detection->items[i + 1],
                    (detection->count - i - 1) * sizeof *detection->items);
            detection->count--;
            break;
        }
    const gsigma_node *rules = gsigma_map_get(spec, "rules");
    if (!rules || (rules->kind == GSIGMA_SCALAR && rules->type == GSIGMA_NULL) ||
        (rules->kind == GSIGMA_SCALAR && strcmp(rules->text, "any") == 0) ||
        (rules->kind == GSIGMA_SEQ && rules->count == 0)) {
        f->any = true;
    } else if (rules->kind == GSIGMA_SEQ) {
        for (size_t i = 0; i < rules->count; i++) {
            if (rules->items[i]->kind != GSIGMA_SCALAR) {
                gdiag_report(diag, GDIAG_ERROR, "E113", gsigma_loc(file, rules->items[i]),
                             "`filter.rules` lists rule ids or names (strings)");
                *failed = 1;
                goto fail;
            }
            if (!gast_strings_push(&f->refs, rules->items[i]->text))
                goto oom;
        }
    } else if (rules->kind == GSIGMA_SCALAR) {
        if (!gast_strings_push(&f->refs, rules->text))
            goto oom;
    } else {
        gdiag_report(diag, GDIAG_ERROR, "E113", gsigma_loc(file, rules),
                     "`filter.rules` must be a list of rule ids or names, or `any`");
        *failed = 1;
        goto fail;
    }
    /* Reuse the rule builder for logsource and detection: a filter document
     * has the same shape with `filter` in place of `detection`. */
    gsigma_node *as_rule = gsigma_node_copy(doc);
    if (!as_rule)
        goto oom;
    for (size_t i = 0; i < as_rule->count; i++)
        if (strcmp(as_rule->keys[i]->text, "filter") == 0) {
            gsigma_node_free(as_rule->items[i]);
            as_rule->items[i] = detection;
            detection = NULL;
            free(as_rule->keys[i]->text);
            if (!(as_rule->keys[i]->text = gsigma_strdup("detection"))) {
                gsigma_node_free(as_rule);
                goto oom;
            }
        }
    f->body = gsigma_rule_build(unit, diag, file, as_rule, "filter", failed);
    gsigma_node_free(as_rule);
    if (!f->body)
        goto fail;
    return f;
oom:
    *failed = -1;
fail:
    gsigma_node_free(detection);
    gsigma_filter_free(f);
    return NULL;
}

/* ---- deep copies with renamed identifiers ---- */

static gast_value *copy_value(const gast_value *v) {
    gast_value *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    *c = *v;
    if (v->text && !(c->text = gsigma_strdup(v->text))) {
        free(c);
        return NULL;
    }
    return c;
}

static gast_pred *copy_pred(const gast_pred *p) {
    gast_pred *c = gast_pred_new(NULL, p->loc);
    if (!c)
        return NULL;
    c->field_loc = p->field_loc;
    c->negated = p->negated;
    c->empty_list = p->empty_list;
    if ((p->field && !(c->field = gsigma_strdup(p->field))) ||
        (p->list_ref && !(c->list_ref = gsigma_strdup(p->list_ref))))
        goto fail;
    if (p->mod_count) {
        c->mods = malloc(p->mod_count * sizeof *c->mods);
        if (!c->mods)
            goto fail;
        memcpy(c->mods, p->mods, p->mod_count * sizeof *c->mods);
        c->mod_count = c->mod_cap = p->mod_count;
    }
    for (size_t i = 0; i < p->value_count; i++) {
        gast_value *v = copy_value(p->values[i]);
        if (!v || !gast_push(&c->values, &c->value_count, &c->value_cap, v)) {
            gast_value_free(v);
            goto fail;
        }
    }
    return c;
fail:
    gast_pred_free(c);
    return NULL;
}

static char *prefixed(const char *prefix, const char *name) {
    size_t n = strlen(prefix) + strlen(name) + 1;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%s", prefix, name);
    return s;
}

static gast_selection *copy_selection(const gast_selection *s, const char *prefix) {
    char *name = prefixed(prefix, s->name);
    gast_selection *c = name ? gast_selection_new(name, s->loc) : NULL;
    if (!c) {
        free(name);
        return NULL;
    }
    c->is_list = s->is_list;
    for (size_t i = 0; i < s->alt_count; i++) {
        gast_map *m = gast_map_new(s->alts[i]->loc);
        if (!m || !gast_push(&c->alts, &c->alt_count, &c->alt_cap, m)) {
            gast_map_free(m);
            goto fail;
        }
        for (size_t j = 0; j < s->alts[i]->pred_count; j++) {
            gast_pred *p = copy_pred(s->alts[i]->preds[j]);
            if (!p || !gast_push(&m->preds, &m->pred_count, &m->pred_cap, p)) {
                gast_pred_free(p);
                goto fail;
            }
        }
    }
    return c;
fail:
    gast_selection_free(c);
    return NULL;
}

static gast_cond *copy_cond(const gast_cond *src, const char *prefix) {
    if (!src)
        return NULL;
    gast_cond *c = gast_cond_new(src->kind, src->loc);
    if (!c)
        return NULL;
    if (src->name) {
        if (src->kind == GAST_COND_REF)
            c->name = prefixed(prefix, src->name);
        else if (strcmp(src->name, "them") == 0)
            c->name = prefixed(prefix, "*");
        else
            c->name = prefixed(prefix, src->name);
        if (!c->name)
            goto fail;
    }
    if (src->pred && !(c->pred = copy_pred(src->pred)))
        goto fail;
    if ((src->left && !(c->left = copy_cond(src->left, prefix))) ||
        (src->right && !(c->right = copy_cond(src->right, prefix))))
        goto fail;
    return c;
fail:
    gast_cond_free(c);
    return NULL;
}

/* ---- application ---- */

static bool attr_in(const char *filter_attr, const char *rule_attr) {
    return !filter_attr || (rule_attr && strcmp(filter_attr, rule_attr) == 0);
}

static bool logsource_applies(const gast_rule *f, const gast_rule *r) {
    return attr_in(f->logsource_product, r->logsource_product) &&
           attr_in(f->logsource_category, r->logsource_category) &&
           attr_in(f->logsource_service, r->logsource_service);
}

/* Whether `filter` names `rule`: ids first; a reference that is no rule's id
 * is looked up among names. */
static bool referenced(const gsigma_filter *filter, gast_rule **rules, size_t rule_count,
                       const gast_rule *rule) {
    if (filter->any)
        return true;
    for (size_t i = 0; i < filter->refs.count; i++) {
        const char *ref = filter->refs.items[i];
        bool is_id = false;
        for (size_t j = 0; j < rule_count && !is_id; j++)
            is_id = rules[j]->id && strcmp(rules[j]->id, ref) == 0;
        if (is_id ? (rule->id && strcmp(rule->id, ref) == 0)
                  : (rule->name && strcmp(rule->name, ref) == 0))
            return true;
    }
    return false;
}

static int add_to_rule(const gsigma_filter *filter, gast_rule *rule, const char *prefix) {
    const gast_rule *body = filter->body;
    for (size_t i = 0; i < body->selection_count; i++) {
        gast_selection *s = copy_selection(body->selections[i], prefix);
        if (!s || !gast_push(&rule->selections, &rule->selection_count, &rule->selection_cap, s)) {
            gast_selection_free(s);
            return -1;
        }
    }
    gast_cond *extra = copy_cond(body->condition, prefix);
    gast_cond *and = gast_cond_new(GAST_COND_AND, body->condition_loc);
    if (!extra || !and) {
        gast_cond_free(extra);
        gast_cond_free(and);
        return -1;
    }
    and->left = rule->condition;
    and->right = extra;
    rule->condition = and;
    return 0;
}

int gsigma_filter_apply(gsigma_filter *filter, gast_rule **rules, size_t rule_count,
                        unsigned serial, gdiag_sink *diag) {
    char prefix[32];
    snprintf(prefix, sizeof prefix, "_filt%u_", serial);
    size_t applied = 0;
    for (size_t i = 0; i < rule_count; i++) {
        gast_rule *rule = rules[i];
        if (!rule->condition || !logsource_applies(filter->body, rule) ||
            !referenced(filter, rules, rule_count, rule))
            continue;
        if (add_to_rule(filter, rule, prefix) < 0)
            return -1;
        applied++;
    }
    for (size_t i = 0; i < filter->refs.count; i++) {
        bool found = false;
        for (size_t j = 0; j < rule_count && !found; j++)
            found = (rules[j]->id && strcmp(rules[j]->id, filter->refs.items[i]) == 0) ||
                    (rules[j]->name && strcmp(rules[j]->name, filter->refs.items[i]) == 0);
        if (!found)
            gdiag_report(diag, GDIAG_WARNING, "W052", filter->loc,
                         "the filter names rule '%s', which is not in this compile",
                         filter->refs.items[i]);
    }
    if (!applied)
        gdiag_report(diag, GDIAG_WARNING, "W053", filter->loc,
                     "the filter applies to no rule (logsource or rule names do not match)");
    return 0;
}

gast_rule *gsigma_filter_body(gsigma_filter *filter) {
    return filter->body;
}
