/* SPDX-License-Identifier: Apache-2.0 */
/* Correlation nodes of the syntax tree (ast.h), shared by the native front
 * end and the Sigma importer. */
#include <stdlib.h>
#include <string.h>

#include "ast.h"

static const char *const corr_type_names[GAST_CORR__COUNT] = {
    "event_count", "value_count", "temporal",         "temporal_ordered",
    "value_sum",   "value_avg",   "value_percentile",
};

gast_correlation *gast_correlation_new(gast_loc loc) {
    gast_correlation *corr = calloc(1, sizeof *corr);
    if (!corr)
        return NULL;
    corr->level = GAST_LEVEL_UNSET;
    corr->type = GAST_CORR_UNSET;
    corr->percentile = -1;
    corr->generate = -1;
    corr->loc = loc;
    return corr;
}

void gast_corr_alias_free(gast_corr_alias *alias) {
    if (!alias)
        return;
    free(alias->name);
    gast_strings_free(&alias->rules);
    gast_strings_free(&alias->fields);
    free(alias);
}

gast_corr_alias *gast_corr_alias_new(char *name, gast_loc loc) {
    gast_corr_alias *alias = calloc(1, sizeof *alias);
    if (!alias)
        return NULL;
    alias->name = name;
    alias->loc = loc;
    return alias;
}

void gast_correlation_free(gast_correlation *corr) {
    if (!corr)
        return;
    free(corr->name);
    free(corr->id);
    free(corr->title);
    free(corr->description);
    free(corr->status);
    free(corr->author);
    free(corr->date);
    free(corr->field);
    gast_strings_free(&corr->tags);
    gast_strings_free(&corr->references);
    gast_strings_free(&corr->rules);
    gast_strings_free(&corr->group_by);
    for (size_t i = 0; i < corr->alias_count; i++)
        gast_corr_alias_free(corr->aliases[i]);
    free(corr->aliases);
    free(corr);
}

int gast_corr_type_lookup(const char *name) {
    for (int t = 0; t < GAST_CORR__COUNT; t++)
        if (strcmp(name, corr_type_names[t]) == 0)
            return t;
    return -1;
}

const char *gast_corr_type_name(gast_corr_type type) {
    return type >= 0 && type < GAST_CORR__COUNT ? corr_type_names[type] : "?";
}

int64_t gast_duration_parse(const char *text) {
    static const struct {
        const char *unit;
        int64_t ns;
    } units[] = {
        {"ns", 1},
        {"us", 1000},
        {"ms", 1000000},
        {"s", 1000000000},
        {"m", 60ll * 1000000000},
        {"h", 3600ll * 1000000000},
        {"d", 86400ll * 1000000000},
        {"w", 7 * 86400ll * 1000000000},
    };
    if (!text)
        return -1;
    int64_t n = 0;
    size_t i = 0;
    for (; text[i] >= '0' && text[i] <= '9'; i++) {
        if (n > (INT64_MAX - 9) / 10)
            return -1;
        n = n * 10 + (text[i] - '0');
    }
    if (i == 0)
        return -1;
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++)
        if (strcmp(text + i, units[u].unit) == 0) {
            if (n > INT64_MAX / units[u].ns)
                return -1;
            return n * units[u].ns;
        }
    return -1;
}
