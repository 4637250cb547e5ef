/* SPDX-License-Identifier: Apache-2.0 */
/* Items of native correlation blocks (`correlation NAME { ... }` and its
 * `sequence` sugar): metadata, aliases and the count condition. Names are
 * resolved later by the compiler (compiler/correlation.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parse_state.h"

static const char *const corr_keys[] = {
    "id",         "title",      "description", "status", "author",   "date",     "level",
    "tags",       "references", "type",        "rules",  "group_by", "timespan", "field",
    "percentile", "generate",   "condition",   "alias",  "steps",    "within",   "by",
};

static const char *const level_names[] = {"informational", "low", "medium", "high", "critical"};

static const char *scalar(gparse_state *st, const char *key, const gparse_meta *value) {
    if (value->kind != GPARSE_META_SCALAR) {
        gparse_error(st, "E015", value->loc, "`%s` takes a single value, not a %s", key,
                     value->kind == GPARSE_META_LIST ? "list" : "map");
        return NULL;
    }
    const gast_value *v = value->scalar;
    if (v->kind == GAST_STRING || v->kind == GAST_NUMBER)
        return v->text ? v->text : "";
    if (v->kind == GAST_BOOL)
        return v->boolean ? "true" : "false";
    gparse_error(st, "E015", value->loc, "`%s` cannot be null", key);
    return NULL;
}

static void set_string(gparse_state *st, char **slot, const char *key, gparse_loc key_loc,
                       const gparse_meta *value) {
    if (*slot) {
        gparse_error(st, "E013", key_loc, "`%s` is given twice in this correlation", key);
        return;
    }
    const char *text = scalar(st, key, value);
    if (text && !(*slot = strdup(text)))
        st->oom = true;
}

static void set_strings(gparse_state *st, gast_strings *slot, const char *key, gparse_loc key_loc,
                        const gparse_meta *value) {
    if (slot->count) {
        gparse_error(st, "E013", key_loc, "`%s` is given twice in this correlation", key);
        return;
    }
    if (value->kind == GPARSE_META_MAP) {
        gparse_error(st, "E015", value->loc, "`%s` takes a list of values, not a map", key);
        return;
    }
    if (value->kind == GPARSE_META_SCALAR) {
        const char *text = scalar(st, key, value);
        if (text && !gast_strings_push(slot, text))
            st->oom = true;
        return;
    }
    for (size_t i = 0; i < value->count && !st->oom; i++) {
        const char *text = scalar(st, key, value->items[i]);
        if (text && !gast_strings_push(slot, text))
            st->oom = true;
    }
}

static void set_level(gparse_state *st, gast_correlation *corr, gparse_loc key_loc,
                      const gparse_meta *value) {
    if (corr->level != GAST_LEVEL_UNSET) {
        gparse_error(st, "E013", key_loc, "`level` is given twice in this correlation");
        return;
    }
    const char *text = scalar(st, "level", value);
    if (!text)
        return;
    for (size_t i = 0; i < 5; i++)
        if (strcmp(text, level_names[i]) == 0) {
            corr->level = (gast_level)i;
            return;
        }
    gparse_error(st, "E014", value->loc,
                 "unknown level `%s` (informational, low, medium, high, critical)", text);
}

static void set_type(gparse_state *st, gast_correlation *corr, gparse_loc key_loc,
                     const gparse_meta *value) {
    if (corr->type != GAST_CORR_UNSET) {
        gparse_error(st, "E013", key_loc, "`type` is given twice in this correlation");
        return;
    }
    const char *text = scalar(st, "type", value);
    if (!text)
        return;
    int type = gast_corr_type_lookup(text);
    if (type < 0) {
        gparse_error(st, "E150", value->loc,
                     "unknown correlation type `%s` (event_count, value_count, temporal, "
                     "temporal_ordered, value_sum, value_avg, value_percentile)",
                     text);
        return;
    }
    corr->type = (gast_corr_type)type;
}

static void set_timespan(gparse_state *st, gast_correlation *corr, gparse_loc key_loc,
                         const gparse_meta *value) {
    if (corr->timespan_ns) {
        gparse_error(st, "E013", key_loc, "`timespan` is given twice in this correlation");
        return;
    }
    const char *text = scalar(st, "timespan", value);
    if (!text)
        return;
    int64_t ns = gast_duration_parse(text);
    if (ns <= 0) {
        gparse_error(st, "E151", value->loc,
                     "`%s` is not a timespan: write a positive whole number and a unit "
                     "(ns, us, ms, s, m, h, d, w), e.g. 5m",
                     text);
        return;
    }
    corr->timespan_ns = ns;
}

static void set_number(gparse_state *st, double *slot, const char *key, const gparse_meta *value) {
    if (value->kind != GPARSE_META_SCALAR || value->scalar->kind != GAST_NUMBER) {
        gparse_error(st, "E152", value->loc, "`%s` takes a number", key);
        return;
    }
    *slot = value->scalar->number;
}

void gparse_corr_meta(gparse_state *st, gast_correlation *corr, const char *key, gparse_loc key_loc,
                      gparse_meta *value) {
    struct {
        const char *key;
        char **slot;
    } strings[] = {
        {"id", &corr->id},         {"title", &corr->title},   {"description", &corr->description},
        {"status", &corr->status}, {"author", &corr->author}, {"date", &corr->date},
        {"field", &corr->field},
    };
    struct {
        const char *key;
        gast_strings *slot;
    } lists[] = {
        {"tags", &corr->tags},   {"references", &corr->references}, {"rules", &corr->rules},
        {"steps", &corr->rules}, {"group_by", &corr->group_by},     {"by", &corr->group_by},
    };
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        if (strcmp(key, strings[i].key) == 0) {
            set_string(st, strings[i].slot, key, key_loc, value);
            goto done;
        }
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
        if (strcmp(key, lists[i].key) == 0) {
            set_strings(st, lists[i].slot, key, key_loc, value);
            goto done;
        }
    if (strcmp(key, "level") == 0) {
        set_level(st, corr, key_loc, value);
    } else if (strcmp(key, "type") == 0) {
        set_type(st, corr, key_loc, value);
    } else if (strcmp(key, "timespan") == 0 || strcmp(key, "within") == 0) {
        set_timespan(st, corr, key_loc, value);
    } else if (strcmp(key, "percentile") == 0) {
        set_number(st, &corr->percentile, key, value);
    } else if (strcmp(key, "generate") == 0) {
        if (value->kind != GPARSE_META_SCALAR || value->scalar->kind != GAST_BOOL)
            gparse_error(st, "E152", value->loc, "`generate` takes true or false");
        else
            corr->generate = value->scalar->boolean ? 1 : 0;
    } else {
        const char *hint = gparse_suggest(key, corr_keys, sizeof corr_keys / sizeof corr_keys[0]);
        gparse_error(st, "E012", key_loc, "unknown correlation item `%s`%s%s%s", key,
                     hint ? "; did you mean `" : "", hint ? hint : "", hint ? "`?" : "");
    }
done:
    gparse_meta_free(value);
}

/* `alias NAME: { rule_a: field.a, rule_b: field.b }` */
void gparse_corr_alias(gparse_state *st, gast_correlation *corr, const char *word,
                       gparse_loc word_loc, char *name, gparse_loc name_loc, gparse_meta *value) {
    if (strcmp(word, "alias") != 0) {
        gparse_error(st, "E012", word_loc,
                     "unknown correlation item `%s %s` (did you mean `alias %s: {...}`?)", word,
                     name, name);
        goto done;
    }
    if (value->kind != GPARSE_META_MAP || value->count == 0) {
        gparse_error(st, "E153", value->loc,
                     "an alias takes a map of rule name to field, e.g. "
                     "`alias client: { rule_a: source.ip, rule_b: client.ip }`");
        goto done;
    }
    for (size_t i = 0; i < corr->alias_count; i++)
        if (strcmp(corr->aliases[i]->name, name) == 0) {
            gparse_error(st, "E013", name_loc, "alias `%s` is given twice", name);
            goto done;
        }
    gast_corr_alias *alias = gast_corr_alias_new(name, gparse_ast_loc(st, name_loc));
    if (!alias) {
        st->oom = true;
        goto done;
    }
    name = NULL;
    for (size_t i = 0; i < value->count && !st->oom; i++) {
        const char *field = scalar(st, "alias", value->items[i]);
        if (!field)
            continue;
        if (!gast_strings_push(&alias->rules, value->keys[i]) ||
            !gast_strings_push(&alias->fields, field))
            st->oom = true;
    }
    if (st->oom || !gast_push(&corr->aliases, &corr->alias_count, &corr->alias_cap, alias)) {
        st->oom = true;
        gast_corr_alias_free(alias);
    }
done:
    free(name);
    gparse_meta_free(value);
}

void gparse_corr_condition(gparse_state *st, gast_correlation *corr, gparse_loc key_loc,
                           gparse_meta *cond) {
    if (corr->cond_flags) {
        gparse_error(st, "E013", key_loc, "`condition` is given twice in this correlation");
        goto done;
    }
    for (size_t i = 0; i < cond->count; i++) {
        const char *op = cond->keys[i];
        const gparse_meta *v = cond->items[i];
        if (strcmp(op, "field") == 0) {
            set_string(st, &corr->field, "field", cond->key_locs[i], v);
            continue;
        }
        if (strcmp(op, "percentile") == 0) {
            set_number(st, &corr->percentile, "percentile", v);
            continue;
        }
        if (v->kind != GPARSE_META_SCALAR || v->scalar->kind != GAST_NUMBER ||
            !isfinite(v->scalar->number)) {
            gparse_error(st, "E152", v->loc, "the bound of `%s` must be a number", op);
            continue;
        }
        double n = v->scalar->number;
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
            gparse_error(st, "E154", cond->key_locs[i],
                         "unknown condition operator `%s` (gt, gte, lt, lte, eq)", op);
            continue;
        }
        if ((lo && (corr->cond_flags & GAST_CORR_HAS_LO)) ||
            (hi && (corr->cond_flags & GAST_CORR_HAS_HI))) {
            gparse_error(st, "E154", cond->key_locs[i], "the condition already has a %s bound",
                         lo ? "lower" : "upper");
            continue;
        }
        if (lo)
            corr->cond_lo = n;
        if (hi)
            corr->cond_hi = n;
        corr->cond_flags |= lo | hi;
    }
done:
    gparse_meta_free(cond);
}

void gparse_corr_finish(gparse_state *st, char *word, gparse_loc word_loc, char *name,
                        gparse_loc name_loc, gast_correlation *corr) {
    bool sequence = strcmp(word, "sequence") == 0;
    if (!sequence && strcmp(word, "correlation") != 0) {
        gparse_error(st, "E011", word_loc,
                     "expected `rule`, `correlation`, `sequence`, `list`, `macro` or "
                     "`include`, found `%s`",
                     word);
        free(word);
        free(name);
        gast_correlation_free(corr);
        return;
    }
    free(word);
    corr->name = name;
    corr->loc = gparse_ast_loc(st, name_loc);
    if (sequence) {
        if (corr->type != GAST_CORR_UNSET && corr->type != GAST_CORR_TEMPORAL_ORDERED)
            gparse_error(st, "E150", name_loc, "a sequence is always of type temporal_ordered");
        corr->type = GAST_CORR_TEMPORAL_ORDERED;
    }
    if (!gast_push(&st->unit->correlations, &st->unit->correlation_count,
                   &st->unit->correlation_cap, corr)) {
        gast_correlation_free(corr);
        st->oom = true;
    }
}
