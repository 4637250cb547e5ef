/* SPDX-License-Identifier: Apache-2.0 */
/* Constructors, destructors and small helpers for the syntax tree (ast.h). */
#include "ast.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

bool gast_push_ptr(void ***items, size_t *count, size_t *cap, void *item) {
    if (*count == *cap) {
        size_t grown = *cap ? *cap * 2 : 4;
        if (grown > SIZE_MAX / sizeof(void *))
            return false;
        void **bigger = realloc(*items, grown * sizeof(void *));
        if (!bigger)
            return false;
        *items = bigger;
        *cap = grown;
    }
    (*items)[(*count)++] = item;
    return true;
}

/* ---- modifiers ---- */

static const char *const modifier_names[GAST_MOD__COUNT] = {
    [GAST_MOD_CONTAINS] = "contains",
    [GAST_MOD_STARTSWITH] = "startswith",
    [GAST_MOD_ENDSWITH] = "endswith",
    [GAST_MOD_ALL] = "all",
    [GAST_MOD_RE] = "re",
    [GAST_MOD_RE_I] = "i",
    [GAST_MOD_RE_M] = "m",
    [GAST_MOD_RE_S] = "s",
    [GAST_MOD_BASE64] = "base64",
    [GAST_MOD_BASE64OFFSET] = "base64offset",
    [GAST_MOD_WIDE] = "wide",
    [GAST_MOD_UTF16BE] = "utf16be",
    [GAST_MOD_UTF16] = "utf16",
    [GAST_MOD_WINDASH] = "windash",
    [GAST_MOD_CIDR] = "cidr",
    [GAST_MOD_EXISTS] = "exists",
    [GAST_MOD_LT] = "lt",
    [GAST_MOD_LTE] = "lte",
    [GAST_MOD_GT] = "gt",
    [GAST_MOD_GTE] = "gte",
    [GAST_MOD_FIELDREF] = "fieldref",
    [GAST_MOD_CASED] = "cased",
    [GAST_MOD_NEQ] = "neq",
    [GAST_MOD_EXPAND] = "expand",
    [GAST_MOD_MINUTE] = "minute",
    [GAST_MOD_HOUR] = "hour",
    [GAST_MOD_DAY] = "day",
    [GAST_MOD_WEEK] = "week",
    [GAST_MOD_MONTH] = "month",
    [GAST_MOD_YEAR] = "year",
};

static const struct {
    const char *alias;
    gast_modifier mod;
} modifier_aliases[] = {
    {"utf16le", GAST_MOD_WIDE},
    {"ignorecase", GAST_MOD_RE_I},
    {"multiline", GAST_MOD_RE_M},
    {"dotall", GAST_MOD_RE_S},
};

int gast_modifier_lookup(const char *name) {
    if (!name)
        return -1;
    for (int i = 0; i < GAST_MOD__COUNT; i++) {
        if (strcmp(name, modifier_names[i]) == 0)
            return i;
    }
    for (size_t i = 0; i < sizeof modifier_aliases / sizeof modifier_aliases[0]; i++) {
        if (strcmp(name, modifier_aliases[i].alias) == 0)
            return (int)modifier_aliases[i].mod;
    }
    return -1;
}

const char *gast_modifier_name(gast_modifier mod) {
    if ((int)mod < 0 || mod >= GAST_MOD__COUNT)
        return "?";
    return modifier_names[mod];
}

/* ---- unit ---- */

gast_unit *gast_unit_new(void) {
    return calloc(1, sizeof(gast_unit));
}

const char *gast_unit_intern(gast_unit *unit, const char *file) {
    if (!unit || !file)
        return NULL;
    for (size_t i = 0; i < unit->file_count; i++) {
        if (strcmp(unit->files[i], file) == 0)
            return unit->files[i];
    }
    char *copy = strdup(file);
    if (!copy)
        return NULL;
    if (!gast_push(&unit->files, &unit->file_count, &unit->file_cap, copy)) {
        free(copy);
        return NULL;
    }
    return copy;
}

void gast_unit_free(gast_unit *unit) {
    if (!unit)
        return;
    for (size_t i = 0; i < unit->rule_count; i++)
        gast_rule_free(unit->rules[i]);
    for (size_t i = 0; i < unit->list_count; i++)
        gast_list_free(unit->lists[i]);
    for (size_t i = 0; i < unit->macro_count; i++)
        gast_macro_free(unit->macros[i]);
    for (size_t i = 0; i < unit->file_count; i++)
        free(unit->files[i]);
    for (size_t i = 0; i < unit->correlation_count; i++)
        gast_correlation_free(unit->correlations[i]);
    free(unit->correlations);
    free(unit->rules);
    free(unit->lists);
    free(unit->macros);
    free(unit->files);
    free(unit);
}

/* ---- rules ---- */

gast_rule *gast_rule_new(gast_loc loc) {
    gast_rule *rule = calloc(1, sizeof *rule);
    if (!rule)
        return NULL;
    rule->level = GAST_LEVEL_UNSET;
    rule->loc = loc;
    return rule;
}

void gast_rule_free(gast_rule *rule) {
    if (!rule)
        return;
    free(rule->name);
    free(rule->id);
    free(rule->title);
    free(rule->description);
    free(rule->status);
    free(rule->author);
    free(rule->date);
    free(rule->modified);
    free(rule->license);
    gast_strings_free(&rule->references);
    gast_strings_free(&rule->tags);
    gast_strings_free(&rule->falsepositives);
    gast_strings_free(&rule->fields);
    free(rule->logsource_product);
    free(rule->logsource_category);
    free(rule->logsource_service);
    for (size_t i = 0; i < rule->selection_count; i++)
        gast_selection_free(rule->selections[i]);
    free(rule->selections);
    gast_cond_free(rule->condition);
    free(rule);
}

/* ---- selections, maps, predicates ---- */

gast_selection *gast_selection_new(char *name, gast_loc loc) {
    gast_selection *sel = calloc(1, sizeof *sel);
    if (!sel)
        return NULL;
    sel->name = name;
    sel->loc = loc;
    return sel;
}

void gast_selection_free(gast_selection *sel) {
    if (!sel)
        return;
    for (size_t i = 0; i < sel->alt_count; i++)
        gast_map_free(sel->alts[i]);
    free(sel->alts);
    free(sel->name);
    free(sel);
}

gast_map *gast_map_new(gast_loc loc) {
    gast_map *map = calloc(1, sizeof *map);
    if (!map)
        return NULL;
    map->loc = loc;
    return map;
}

void gast_map_free(gast_map *map) {
    if (!map)
        return;
    for (size_t i = 0; i < map->pred_count; i++)
        gast_pred_free(map->preds[i]);
    free(map->preds);
    free(map);
}

gast_pred *gast_pred_new(char *field, gast_loc loc) {
    gast_pred *pred = calloc(1, sizeof *pred);
    if (!pred)
        return NULL;
    pred->field = field;
    pred->loc = loc;
    pred->field_loc = loc;
    return pred;
}

void gast_pred_free(gast_pred *pred) {
    if (!pred)
        return;
    for (size_t i = 0; i < pred->value_count; i++)
        gast_value_free(pred->values[i]);
    free(pred->values);
    free(pred->mods);
    free(pred->field);
    free(pred->list_ref);
    free(pred);
}

/* ---- values ---- */

static gast_value *value_new(gast_value_kind kind, gast_loc loc) {
    gast_value *value = calloc(1, sizeof *value);
    if (!value)
        return NULL;
    value->kind = kind;
    value->loc = loc;
    return value;
}

gast_value *gast_value_string(char *text, gast_loc loc) {
    gast_value *value = value_new(GAST_STRING, loc);
    if (value)
        value->text = text;
    return value;
}

gast_value *gast_value_number(double number, char *text, gast_loc loc) {
    gast_value *value = value_new(GAST_NUMBER, loc);
    if (value) {
        value->number = number;
        value->text = text;
    }
    return value;
}

gast_value *gast_value_bool(bool b, gast_loc loc) {
    gast_value *value = value_new(GAST_BOOL, loc);
    if (value)
        value->boolean = b;
    return value;
}

gast_value *gast_value_null(gast_loc loc) {
    return value_new(GAST_NULL, loc);
}

void gast_value_free(gast_value *value) {
    if (!value)
        return;
    free(value->text);
    free(value);
}

/* ---- conditions ---- */

gast_cond *gast_cond_new(gast_cond_kind kind, gast_loc loc) {
    gast_cond *cond = calloc(1, sizeof *cond);
    if (!cond)
        return NULL;
    cond->kind = kind;
    cond->loc = loc;
    return cond;
}

void gast_cond_free(gast_cond *cond) {
    /* Loop down the left spine so a long `a or b or c ...` chain (left
     * recursive in the parser) does not recurse once per operand. */
    while (cond) {
        gast_cond *next = cond->left;
        gast_cond_free(cond->right);
        gast_pred_free(cond->pred);
        free(cond->name);
        free(cond);
        cond = next;
    }
}

/* ---- lists and macros ---- */

gast_list *gast_list_new(char *name, gast_loc loc) {
    gast_list *list = calloc(1, sizeof *list);
    if (!list)
        return NULL;
    list->name = name;
    list->loc = loc;
    return list;
}

void gast_list_free(gast_list *list) {
    if (!list)
        return;
    for (size_t i = 0; i < list->value_count; i++)
        gast_value_free(list->values[i]);
    free(list->values);
    free(list->name);
    free(list);
}

gast_macro *gast_macro_new(char *name, gast_cond *body, gast_loc loc) {
    gast_macro *macro = calloc(1, sizeof *macro);
    if (!macro)
        return NULL;
    macro->name = name;
    macro->body = body;
    macro->loc = loc;
    return macro;
}

void gast_macro_free(gast_macro *macro) {
    if (!macro)
        return;
    gast_cond_free(macro->body);
    free(macro->name);
    free(macro);
}

/* ---- string arrays ---- */

void gast_strings_free(gast_strings *strings) {
    if (!strings)
        return;
    for (size_t i = 0; i < strings->count; i++)
        free(strings->items[i]);
    free(strings->items);
    strings->items = NULL;
    strings->count = strings->cap = 0;
}

bool gast_strings_push(gast_strings *strings, const char *text) {
    if (!strings || !text)
        return false;
    char *copy = strdup(text);
    if (!copy)
        return false;
    if (!gast_push(&strings->items, &strings->count, &strings->cap, copy)) {
        free(copy);
        return false;
    }
    return true;
}
