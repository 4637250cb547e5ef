/* SPDX-License-Identifier: Apache-2.0 */
/* One Sigma correlation document (specification v2.1) -> one gast_correlation,
 * the same tree the native `correlation` block builds (grammar/corr_meta.c),
 * so the compiler's checks (E155-E160, W155) and everything after them treat
 * both alike. Shape errors of the YAML use the Sigma codes E112/E119/E120;
 * errors in a value use the codes the native syntax uses for the same fault
 * (E150 type, E151 timespan, E152 number, E153 alias, E154 condition). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "sigma_internal.h"

typedef struct corr_build {
    gdiag_sink *diag;
    const char *file;
    int errors;
    bool oom;
} corr_build;

static void corr_error(corr_build *b, const gsigma_node *at, const char *code, const char *fmt,
                       const char *arg) {
    gdiag_report(b->diag, GDIAG_ERROR, code, gsigma_loc(b->file, at), fmt, arg ? arg : "");
    b->errors++;
}

static bool is_null(const gsigma_node *n) {
    return !n || (n->kind == GSIGMA_SCALAR && n->type == GSIGMA_NULL);
}

static void take_string(corr_build *b, const gsigma_node *map, const char *key, char **slot) {
    const gsigma_node *n = gsigma_map_get(map, key);
    if (is_null(n))
        return;
    if (n->kind != GSIGMA_SCALAR) {
        corr_error(b, n, "E112", "`%s` takes a string", key);
        return;
    }
    free(*slot);
    if (!(*slot = gsigma_strdup(n->text)))
        b->oom = true;
}

/* A string or a list of strings. */
static void take_strings(corr_build *b, const gsigma_node *map, const char *key,
                         gast_strings *slot) {
    const gsigma_node *n = gsigma_map_get(map, key);
    if (is_null(n))
        return;
    if (n->kind == GSIGMA_SCALAR) {
        if (!gast_strings_push(slot, n->text))
            b->oom = true;
        return;
    }
    if (n->kind != GSIGMA_SEQ) {
        corr_error(b, n, "E112", "`%s` takes a list of strings", key);
        return;
    }
    for (size_t i = 0; i < n->count && !b->oom; i++) {
        const gsigma_node *item = n->items[i];
        if (item->kind != GSIGMA_SCALAR || item->type == GSIGMA_NULL) {
            corr_error(b, item, "E112", "an item of `%s` must be a string", key);
            continue;
        }
        if (!gast_strings_push(slot, item->text))
            b->oom = true;
    }
}

static void take_level(corr_build *b, const gsigma_node *doc, gast_level *out) {
    static const char *const names[] = {"informational", "low", "medium", "high", "critical"};
    const gsigma_node *n = gsigma_map_get(doc, "level");
    if (is_null(n))
        return;
    for (int i = 0; n->kind == GSIGMA_SCALAR && i < 5; i++)
        if (strcmp(n->text, names[i]) == 0) {
            *out = (gast_level)i;
            return;
        }
    corr_error(b, n, "E112",
               "unknown level '%s' (expected informational, low, medium, high or critical)",
               n->kind == GSIGMA_SCALAR ? n->text : "");
}

/* Sigma spells month `M` and year `y` besides the native units; pySigma
 * counts them as the mean Gregorian month and year. */
static int64_t sigma_timespan(const char *text) {
    size_t len = strlen(text);
    if (len >= 2 && (text[len - 1] == 'M' || text[len - 1] == 'y')) {
        int64_t seconds = text[len - 1] == 'M' ? 2629746 : 31556952;
        int64_t n = 0;
        for (size_t i = 0; i + 1 < len; i++) {
            if (text[i] < '0' || text[i] > '9' || n > INT64_MAX / 10 / seconds / 1000000000)
                return -1;
            n = n * 10 + (text[i] - '0');
        }
        return n * seconds * 1000000000;
    }
    return gast_duration_parse(text);
}

static void take_timespan(corr_build *b, const gsigma_node *corr_map, gast_correlation *corr) {
    const gsigma_node *n = gsigma_map_get(corr_map, "timespan");
    if (!n)
        n = gsigma_map_get(corr_map, "timeframe"); /* the name in drafts of the spec */
    if (is_null(n))
        return;
    const char *text = n->kind == GSIGMA_SCALAR ? (n->num_text ? n->num_text : n->text) : "";
    int64_t ns = n->kind == GSIGMA_SCALAR ? sigma_timespan(text) : -1;
    if (ns <= 0) {
        corr_error(b, n, "E151",
                   "`%s` is not a timespan: write a positive whole number and a unit "
                   "(s, m, h, d, w, M, y), e.g. 5m",
                   text);
        return;
    }
    corr->timespan_ns = ns;
}

static void take_type(corr_build *b, const gsigma_node *corr_map, gast_correlation *corr) {
    const gsigma_node *n = gsigma_map_get(corr_map, "type");
    if (is_null(n))
        return; /* E155 from the compiler names what is missing */
    int type = n->kind == GSIGMA_SCALAR ? gast_corr_type_lookup(n->text) : -1;
    if (type < 0) {
        corr_error(b, n, "E150",
                   "unknown correlation type '%s' (event_count, value_count, temporal, "
                   "temporal_ordered, value_sum, value_avg, value_percentile)",
                   n->kind == GSIGMA_SCALAR ? n->text : "");
        return;
    }
    corr->type = (gast_corr_type)type;
}

static bool number_of(const gsigma_node *n, double *out) {
    if (!n || n->kind != GSIGMA_SCALAR || (n->type != GSIGMA_INT && n->type != GSIGMA_FLOAT) ||
        !isfinite(n->number))
        return false;
    *out = n->number;
    return true;
}

/* `condition: {gte: 5}`, ranges `{gt: 10, lte: 20}`, and `field` (and
 * `percentile`) which the specification puts inside the condition. */
static void take_condition(corr_build *b, const gsigma_node *corr_map, gast_correlation *corr) {
    const gsigma_node *cond = gsigma_map_get(corr_map, "condition");
    if (is_null(cond))
        return;
    if (cond->kind != GSIGMA_MAP) {
        corr_error(b, cond, "E119",
                   "a correlation `condition` is a map of operators to numbers, e.g. `gte: 5`%s",
                   NULL);
        return;
    }
    for (size_t i = 0; i < cond->count && !b->oom; i++) {
        const gsigma_node *key = cond->keys[i];
        const gsigma_node *v = cond->items[i];
        const char *op = key->text;
        if (strcmp(op, "field") == 0) {
            if (v->kind != GSIGMA_SCALAR || v->type == GSIGMA_NULL)
                corr_error(b, v, "E112", "`%s` takes a field name", op);
            else if (!(corr->field = gsigma_strdup(v->text)))
                b->oom = true;
            continue;
        }
        double n;
        if (!number_of(v, &n)) {
            corr_error(b, v, "E152", "the bound of `%s` must be a number", op);
            continue;
        }
        if (strcmp(op, "percentile") == 0) {
            corr->percentile = n;
            continue;
        }
        unsigned lo = 0, hi = 0;
        if (strcmp(op, "gt") == 0)
            lo = GAST_CORR_HAS_LO;
        else if (strcmp(op, "gte") == 0)
            lo = GAST_CORR_HAS_LO | GAST_CORR_LO_INCL;
        else if (strcmp(op, "lt") == 0)
            hi = GAST_CORR_HAS_HI;
        else if (strcmp(op, "lte") == 0)
            hi = GAST_CORR_HAS_HI | GAST_CORR_HI_INCL;
        else if (strcmp(op, "eq") == 0) {
            lo = GAST_CORR_HAS_LO | GAST_CORR_LO_INCL;
            hi = GAST_CORR_HAS_HI | GAST_CORR_HI_INCL;
        } else {
            corr_error(b, key, "E154", "unknown condition operator `%s` (gt, gte, lt, lte, eq)",
                       op);
            continue;
        }
        if ((lo && (corr->cond_flags & GAST_CORR_HAS_LO)) ||
            (hi && (corr->cond_flags & GAST_CORR_HAS_HI))) {
            corr_error(b, key, "E154", "the condition already has a %s bound",
                       lo ? "lower" : "upper");
            continue;
        }
        if (lo)
            corr->cond_lo = n;
        if (hi)
            corr->cond_hi = n;
        corr->cond_flags |= lo | hi;
    }
}

/* `aliases: { NAME: { rule: field, ... }, ... }` */
static void take_aliases(corr_build *b, const gsigma_node *corr_map, gast_correlation *corr) {
    const gsigma_node *aliases = gsigma_map_get(corr_map, "aliases");
    if (is_null(aliases))
        return;
    if (aliases->kind != GSIGMA_MAP) {
        corr_error(b, aliases, "E153",
                   "`aliases` maps each alias name to a map of rule name to field%s", NULL);
        return;
    }
    for (size_t i = 0; i < aliases->count && !b->oom; i++) {
        const gsigma_node *per_rule = aliases->items[i];
        if (per_rule->kind != GSIGMA_MAP || per_rule->count == 0) {
            corr_error(b, per_rule, "E153",
                       "alias `%s` takes a map of rule name to field, e.g. `rule_a: source.ip`",
                       aliases->keys[i]->text);
            continue;
        }
        char *name = gsigma_strdup(aliases->keys[i]->text);
        gast_corr_alias *alias =
            name ? gast_corr_alias_new(name, gsigma_loc(b->file, aliases->keys[i])) : NULL;
        if (!alias) {
            free(name);
            b->oom = true;
            return;
        }
        for (size_t k = 0; k < per_rule->count && !b->oom; k++) {
            const gsigma_node *field = per_rule->items[k];
            if (field->kind != GSIGMA_SCALAR || field->type == GSIGMA_NULL) {
                corr_error(b, field, "E153", "the field of alias `%s` must be a string",
                           alias->name);
                continue;
            }
            if (!gast_strings_push(&alias->rules, per_rule->keys[k]->text) ||
                !gast_strings_push(&alias->fields, field->text))
                b->oom = true;
        }
        if (b->oom || !gast_push(&corr->aliases, &corr->alias_count, &corr->alias_cap, alias)) {
            gast_corr_alias_free(alias);
            b->oom = true;
        }
    }
}

static void take_generate(corr_build *b, const gsigma_node *map, gast_correlation *corr) {
    const gsigma_node *n = gsigma_map_get(map, "generate");
    if (is_null(n))
        return;
    if (n->kind != GSIGMA_SCALAR || n->type != GSIGMA_BOOL) {
        corr_error(b, n, "E152", "`generate` takes true or false%s", NULL);
        return;
    }
    corr->generate = n->boolean ? 1 : 0;
}

/* The keys of the `correlation` map; anything else is a typo worth an error,
 * since a misspelt `group-by` would silently make one group of everything. */
static const char *const corr_keys[] = {"type",      "rules",     "group-by", "timespan",
                                        "timeframe", "condition", "aliases",  "generate"};

int gsigma_correlation_build(gast_unit *unit, gdiag_sink *diag, const char *file,
                             const gsigma_node *doc, const char *name) {
    corr_build b = {diag, file, 0, false};
    const gsigma_node *corr_map = gsigma_map_get(doc, "correlation");
    if (corr_map->kind != GSIGMA_MAP) {
        corr_error(&b, corr_map, "E119", "`correlation` must be a map (type, rules, ...)%s", NULL);
        return b.errors;
    }
    for (size_t i = 0; i < corr_map->count; i++) {
        bool known = false;
        for (size_t k = 0; k < sizeof corr_keys / sizeof corr_keys[0] && !known; k++)
            known = strcmp(corr_map->keys[i]->text, corr_keys[k]) == 0;
        if (!known)
            corr_error(&b, corr_map->keys[i], "E120",
                       "unknown key `%s` in `correlation` (type, rules, group-by, timespan, "
                       "condition, aliases, generate)",
                       corr_map->keys[i]->text);
    }
    gast_correlation *corr = gast_correlation_new(gsigma_loc(file, doc));
    if (!corr || !(corr->name = gsigma_strdup(name))) {
        gast_correlation_free(corr);
        return -1;
    }
    take_string(&b, doc, "id", &corr->id);
    take_string(&b, doc, "title", &corr->title);
    take_string(&b, doc, "description", &corr->description);
    take_string(&b, doc, "status", &corr->status);
    take_string(&b, doc, "author", &corr->author);
    take_string(&b, doc, "date", &corr->date);
    take_level(&b, doc, &corr->level);
    take_strings(&b, doc, "tags", &corr->tags);
    take_strings(&b, doc, "references", &corr->references);
    take_generate(&b, doc, corr); /* some writers put it beside `correlation` */
    take_type(&b, corr_map, corr);
    take_strings(&b, corr_map, "rules", &corr->rules);
    take_strings(&b, corr_map, "group-by", &corr->group_by);
    take_timespan(&b, corr_map, corr);
    take_condition(&b, corr_map, corr);
    take_aliases(&b, corr_map, corr);
    take_generate(&b, corr_map, corr);
    if (b.oom || b.errors) {
        gast_correlation_free(corr);
        return b.oom ? -1 : b.errors;
    }
    if (!gast_push(&unit->correlations, &unit->correlation_count, &unit->correlation_cap, corr)) {
        gast_correlation_free(corr);
        return -1;
    }
    return 0;
}
