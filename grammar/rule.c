/* SPDX-License-Identifier: Apache-2.0 */
/* Parser actions that are easier to read as C than inside the grammar:
 * rule metadata, modifiers (with "did you mean"), includes. */
#include <stdlib.h>
#include <string.h>

#include "parse_state.h"

gparse_meta *gparse_meta_new(gparse_meta_kind kind, gparse_loc loc) {
    gparse_meta *meta = calloc(1, sizeof *meta);
    if (!meta)
        return NULL;
    meta->kind = kind;
    meta->loc = loc;
    return meta;
}

void gparse_meta_free(gparse_meta *meta) {
    if (!meta)
        return;
    gast_value_free(meta->scalar);
    for (size_t i = 0; i < meta->count; i++) {
        gparse_meta_free(meta->items[i]);
        if (meta->keys)
            free(meta->keys[i]);
    }
    free(meta->items);
    free(meta->keys);
    free(meta->key_locs);
    free(meta);
}

bool gparse_meta_push(gparse_meta *meta, char *key, gparse_loc key_loc, gparse_meta *item) {
    if (meta->count == meta->cap) {
        size_t cap = meta->cap ? meta->cap * 2 : 4;
        gparse_meta **items = realloc(meta->items, cap * sizeof *items);
        if (!items)
            return false;
        meta->items = items;
        char **keys = realloc(meta->keys, cap * sizeof *keys);
        if (!keys)
            return false;
        meta->keys = keys;
        gparse_loc *locs = realloc(meta->key_locs, cap * sizeof *locs);
        if (!locs)
            return false;
        meta->key_locs = locs;
        meta->cap = cap;
    }
    meta->items[meta->count] = item;
    meta->keys[meta->count] = key;
    meta->key_locs[meta->count] = key_loc;
    meta->count++;
    return true;
}

/* ---- "did you mean" ---- */

/* Optimal string alignment distance: Levenshtein plus adjacent swaps, so
 * `base64offest` is one edit from `base64offset`. */
static size_t edit_distance(const char *a, const char *b) {
    size_t n = strlen(a), m = strlen(b);
    if (n > 64 || m > 64)
        return (size_t)-1;
    size_t d[65][65];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= n; i++) {
        for (size_t j = 1; j <= m; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < best)
                best = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[n][m];
}

const char *gparse_suggest(const char *word, const char *const *candidates, size_t count) {
    size_t len = strlen(word);
    size_t limit = len <= 3 ? 1 : (len <= 6 ? 2 : 3);
    const char *best = NULL;
    size_t best_distance = limit + 1;
    for (size_t i = 0; i < count; i++) {
        size_t dist = edit_distance(word, candidates[i]);
        if (dist < best_distance) {
            best_distance = dist;
            best = candidates[i];
        }
    }
    return best;
}

/* ---- modifiers ---- */

static const char *const modifier_spellings[] = {
    "contains", "startswith", "endswith",     "all",    "re",         "i",         "m",
    "s",        "base64",     "base64offset", "wide",   "utf16le",    "utf16be",   "utf16",
    "windash",  "cidr",       "exists",       "lt",     "lte",        "gt",        "gte",
    "fieldref", "cased",      "neq",          "expand", "ignorecase", "multiline", "dotall",
};

bool gparse_add_modifier(gparse_state *st, gast_pred *pred, const char *name, gparse_loc loc) {
    int mod = gast_modifier_lookup(name);
    if (mod < 0) {
        const char *hint = gparse_suggest(name, modifier_spellings,
                                          sizeof modifier_spellings / sizeof modifier_spellings[0]);
        if (hint)
            gparse_error(st, "E007", loc, "unknown modifier `%s`; did you mean `%s`?", name, hint);
        else
            gparse_error(st, "E007", loc, "unknown modifier `%s`", name);
        return true;
    }
    if (pred->mod_count == pred->mod_cap) {
        size_t cap = pred->mod_cap ? pred->mod_cap * 2 : 4;
        gast_modifier *mods = realloc(pred->mods, cap * sizeof *mods);
        if (!mods) {
            st->oom = true;
            return false;
        }
        pred->mods = mods;
        pred->mod_cap = cap;
    }
    pred->mods[pred->mod_count++] = (gast_modifier)mod;
    return true;
}

/* ---- includes ---- */

bool gparse_add_include(gparse_state *st, char *path, gparse_loc loc) {
    if (st->include_count == st->include_cap) {
        size_t cap = st->include_cap ? st->include_cap * 2 : 4;
        gparse_include *grown = realloc(st->includes, cap * sizeof *grown);
        if (!grown) {
            free(path);
            st->oom = true;
            return false;
        }
        st->includes = grown;
        st->include_cap = cap;
    }
    st->includes[st->include_count].path = path;
    st->includes[st->include_count].loc = gparse_ast_loc(st, loc);
    st->include_count++;
    return true;
}

/* ---- rule metadata ---- */

static const char *const rule_keys[] = {
    "id",     "title",     "description", "status",     "level", "author",
    "date",   "modified",  "license",     "references", "tags",  "falsepositives",
    "fields", "logsource", "selection",   "condition",
};

static const char *const level_names[] = {"informational", "low", "medium", "high", "critical"};

/* The text of a scalar as a string, or NULL (after reporting) when the
 * value cannot be one. */
static const char *scalar_text(gparse_state *st, const char *key, const gparse_meta *value) {
    if (value->kind != GPARSE_META_SCALAR) {
        gparse_error(st, "E015", value->loc, "`%s` takes a single value, not a %s", key,
                     value->kind == GPARSE_META_LIST ? "list" : "map");
        return NULL;
    }
    const gast_value *v = value->scalar;
    switch (v->kind) {
    case GAST_STRING:
    case GAST_NUMBER:
        return v->text ? v->text : "";
    case GAST_BOOL:
        return v->boolean ? "true" : "false";
    case GAST_NULL:
        break;
    }
    gparse_error(st, "E015", value->loc, "`%s` cannot be null", key);
    return NULL;
}

static void set_string(gparse_state *st, char **slot, const char *key, gparse_loc key_loc,
                       const gparse_meta *value) {
    if (*slot) {
        gparse_error(st, "E013", key_loc, "`%s` is given twice in this rule", key);
        return;
    }
    const char *text = scalar_text(st, key, value);
    if (!text)
        return;
    *slot = strdup(text);
    if (!*slot)
        st->oom = true;
}

static void set_strings(gparse_state *st, gast_strings *slot, const char *key, gparse_loc key_loc,
                        const gparse_meta *value) {
    if (slot->count) {
        gparse_error(st, "E013", key_loc, "`%s` is given twice in this rule", key);
        return;
    }
    if (value->kind == GPARSE_META_MAP) {
        gparse_error(st, "E015", value->loc, "`%s` takes a list of values, not a map", key);
        return;
    }
    if (value->kind == GPARSE_META_SCALAR) {
        const char *text = scalar_text(st, key, value);
        if (text && !gast_strings_push(slot, text))
            st->oom = true;
        return;
    }
    for (size_t i = 0; i < value->count; i++) {
        const char *text = scalar_text(st, key, value->items[i]);
        if (text && !gast_strings_push(slot, text)) {
            st->oom = true;
            return;
        }
    }
}

static void set_level(gparse_state *st, gast_rule *rule, gparse_loc key_loc,
                      const gparse_meta *value) {
    if (rule->level != GAST_LEVEL_UNSET) {
        gparse_error(st, "E013", key_loc, "`level` is given twice in this rule");
        return;
    }
    const char *text = scalar_text(st, "level", value);
    if (!text)
        return;
    for (size_t i = 0; i < sizeof level_names / sizeof level_names[0]; i++) {
        if (strcmp(text, level_names[i]) == 0) {
            rule->level = (gast_level)i;
            return;
        }
    }
    const char *hint = gparse_suggest(text, level_names, 5);
    gparse_error(st, "E014", value->loc,
                 "unknown level `%s`%s%s%s (informational, low, medium, high, critical)", text,
                 hint ? "; did you mean `" : "", hint ? hint : "", hint ? "`?" : "");
}

static void set_logsource(gparse_state *st, gast_rule *rule, gparse_loc key_loc,
                          const gparse_meta *value) {
    if (value->kind != GPARSE_META_MAP) {
        gparse_error(st, "E015", value->loc,
                     "`logsource` takes a map such as `{ product: kubernetes, service: audit }`");
        return;
    }
    if (rule->logsource_product || rule->logsource_category || rule->logsource_service) {
        gparse_error(st, "E013", key_loc, "`logsource` is given twice in this rule");
        return;
    }
    static const char *const keys[] = {"product", "category", "service", "definition"};
    for (size_t i = 0; i < value->count; i++) {
        const char *key = value->keys[i];
        char **slot = NULL;
        if (strcmp(key, "product") == 0)
            slot = &rule->logsource_product;
        else if (strcmp(key, "category") == 0)
            slot = &rule->logsource_category;
        else if (strcmp(key, "service") == 0)
            slot = &rule->logsource_service;
        else if (strcmp(key, "definition") == 0)
            continue; /* Sigma's prose for humans; nothing to match */
        if (!slot) {
            const char *hint = gparse_suggest(key, keys, 4);
            gparse_error(st, "E016", value->key_locs[i],
                         "unknown logsource key `%s`%s%s%s (product, category, service)", key,
                         hint ? "; did you mean `" : "", hint ? hint : "", hint ? "`?" : "");
            continue;
        }
        set_string(st, slot, key, value->key_locs[i], value->items[i]);
    }
}

void gparse_rule_meta(gparse_state *st, gast_rule *rule, const char *key, gparse_loc key_loc,
                      gparse_meta *value) {
    struct {
        const char *key;
        char **slot;
    } strings[] = {
        {"id", &rule->id},
        {"title", &rule->title},
        {"description", &rule->description},
        {"status", &rule->status},
        {"author", &rule->author},
        {"date", &rule->date},
        {"modified", &rule->modified},
        {"license", &rule->license},
    };
    struct {
        const char *key;
        gast_strings *slot;
    } lists[] = {
        {"references", &rule->references},
        {"tags", &rule->tags},
        {"falsepositives", &rule->falsepositives},
        {"fields", &rule->fields},
    };
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
        if (strcmp(key, strings[i].key) == 0) {
            set_string(st, strings[i].slot, key, key_loc, value);
            goto done;
        }
    }
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        if (strcmp(key, lists[i].key) == 0) {
            set_strings(st, lists[i].slot, key, key_loc, value);
            goto done;
        }
    }
    if (strcmp(key, "level") == 0) {
        set_level(st, rule, key_loc, value);
    } else if (strcmp(key, "logsource") == 0) {
        set_logsource(st, rule, key_loc, value);
    } else {
        const char *hint = gparse_suggest(key, rule_keys, sizeof rule_keys / sizeof rule_keys[0]);
        if (hint)
            gparse_error(st, "E012", key_loc, "unknown rule item `%s`; did you mean `%s`?", key,
                         hint);
        else
            gparse_error(st, "E012", key_loc,
                         "unknown rule item `%s` (a selection is written `selection %s: {...}`)",
                         key, key);
    }
done:
    gparse_meta_free(value);
}
