/* SPDX-License-Identifier: Apache-2.0 */
#include "field_knowledge.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "normalize.h"
#include "sources.h"

typedef struct source_row {
    const char *products[GRT_LS_MAX + 1], *services[GRT_LS_MAX + 1], *categories[GRT_LS_MAX + 1],
        *event_categories[GRT_EVENT_CAT_MAX + 1];
    const char *raw[GRT_RAW_MAX + 1];
} source_row;

#define ROW(id, name, p, s, c, e, raw)                                                             \
    {GRT_LS_INIT(p), GRT_LS_INIT(s), GRT_LS_INIT(c), GRT_LS_INIT(e), GRT_LS_INIT(raw)},
static const source_row rows[] = {GRT_SOURCES(ROW)};

static bool unset(const char *v) {
    return !v || !*v;
}

static bool in(const char *v, const char *const *list) {
    for (; *list; list++)
        if (strcasecmp(v, *list) == 0)
            return true;
    return false;
}

/* Can events of this source have the logsource? (runtime/index/logsource.c
 * decides per event; here any of the source's event categories will do.) */
static bool fits(const source_row *r, const char *product, const char *service,
                 const char *category) {
    return (unset(product) || in(product, r->products)) &&
           (unset(service) || in(service, r->services)) &&
           (unset(category) || in(category, r->categories) || in(category, r->event_categories));
}

/* A schema field, an object holding schema fields (`process`), or a path
 * inside a schema field that holds an object (`docker.request.HostConfig`). */
static bool schema_has(const char *field, const gnorm_field *schema, size_t n) {
    size_t len = strlen(field);
    for (size_t i = 0; i < n; i++) {
        const char *name = schema[i].name;
        size_t nlen = strlen(name);
        if (strncmp(name, field, len) == 0 && (name[len] == '\0' || name[len] == '.'))
            return true;
        if (nlen < len && strncmp(name, field, nlen) == 0 && field[nlen] == '.')
            return true;
    }
    return false;
}

int gcli_field_known(const char *product, const char *service, const char *category,
                     const char *field, const char **suggestion) {
    *suggestion = NULL;
    /* a rule without a logsource runs on anything, known sources or not */
    if (unset(product) && unset(service) && unset(category))
        return -1;
    bool fit[sizeof rows / sizeof rows[0]];
    bool any = false;
    for (size_t s = 0; s < sizeof rows / sizeof rows[0]; s++)
        any |= fit[s] = fits(&rows[s], product, service, category);
    if (!any)
        return -1;
    size_t nschema;
    const gnorm_field *schema = gnorm_schema_fields(&nschema);
    if (schema_has(field, schema, nschema))
        return 1;
    size_t top = strcspn(field, ".");
    for (size_t s = 0; s < sizeof rows / sizeof rows[0]; s++)
        for (const char *const *k = rows[s].raw; fit[s] && *k; k++)
            if (strlen(*k) == top && strncmp(*k, field, top) == 0)
                return 1;
    /* the closest schema field or raw key */
    size_t cap = nschema + sizeof rows / sizeof rows[0] * GRT_RAW_MAX, n = 0;
    const char **candidates = malloc(cap * sizeof *candidates);
    if (!candidates)
        return 0;
    for (size_t i = 0; i < nschema; i++)
        candidates[n++] = schema[i].name;
    for (size_t s = 0; s < sizeof rows / sizeof rows[0]; s++)
        for (const char *const *k = rows[s].raw; fit[s] && *k; k++)
            candidates[n++] = *k;
    *suggestion = gchk_suggest(field, candidates, n);
    free(candidates);
    return 0;
}
