/* SPDX-License-Identifier: Apache-2.0 */
#include "logsource.h"

#include <cJSON.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "path.h"

/* The logsource values of each source: base/sources.h, the one list. */
typedef struct {
    const char *module;
    const char *products[GRT_LS_MAX + 1];
    const char *services[GRT_LS_MAX + 1];
    const char *categories[GRT_LS_MAX + 1];
    const char *event_categories[GRT_EVENT_CAT_MAX + 1];
} source_ls;

#define GLS_SOURCE(id, name, products, services, categories, event_categories, raw)                \
    [GRT_SRC_##id] = {name, GRT_LS_INIT(products), GRT_LS_INIT(services), GRT_LS_INIT(categories), \
                      GRT_LS_INIT(event_categories)},
static const source_ls sources[GRT_NSOURCES] = {GRT_SOURCES(GLS_SOURCE)};

/* A class after NONE and ANY: a source, and one of its event categories or
 * none. The table is derived from `sources` on first use. */
typedef struct {
    unsigned source;
    const char *category; /* NULL: the event has no event category */
} class_def;

static class_def classes[GLS_MAX_CLASSES];
static unsigned nclasses;

static pthread_once_t classes_once = PTHREAD_ONCE_INIT;

static void classes_build(void) {
    unsigned n = 2;
    for (unsigned s = 0; s < GRT_NSOURCES; s++) {
        classes[n++] = (class_def){s, NULL};
        for (const char *const *c = sources[s].event_categories; *c; c++)
            classes[n++] = (class_def){s, *c};
    }
    nclasses = n;
}

_Static_assert(GRT_NSOURCES *(GRT_EVENT_CAT_MAX + 1) + 2 <= GLS_MAX_CLASSES,
               "GLS_MAX_CLASSES holds every class of base/sources.h");

static void classes_init(void) {
    pthread_once(&classes_once, classes_build);
}

unsigned gls_nclasses(void) {
    classes_init();
    return nclasses;
}

int gls_class_is_source_base(unsigned cls) {
    classes_init();
    return cls >= 2 && cls < nclasses && classes[cls].category == NULL;
}

static int unset(const char *v) {
    return !v || !*v;
}

static int in_list(const char *v, const char *const *list) {
    for (; *list; list++)
        if (strcasecmp(*list, v) == 0)
            return 1;
    return 0;
}

static int fits_class(unsigned cls, const char *product, const char *service,
                      const char *category) {
    if (cls == GLS_CLASS_ANY)
        return 1;
    if (cls == GLS_CLASS_NONE)
        return unset(product) && unset(service) && unset(category);
    const source_ls *s = &sources[classes[cls].source];
    const char *ev_cat = classes[cls].category;
    return (unset(product) || in_list(product, s->products)) &&
           (unset(service) || in_list(service, s->services)) &&
           (unset(category) || in_list(category, s->categories) ||
            (ev_cat && strcasecmp(ev_cat, category) == 0));
}

int gls_fits_given(const char *rule_product, const char *rule_service, const char *rule_category,
                   const char *product, const char *service, const char *category) {
    return (unset(rule_product) || (!unset(product) && strcasecmp(rule_product, product) == 0)) &&
           (unset(rule_service) || (!unset(service) && strcasecmp(rule_service, service) == 0)) &&
           (unset(rule_category) || (!unset(category) && strcasecmp(rule_category, category) == 0));
}

static const char *rule_str(const gantry_pack *pk, uint32_t s) {
    return s == GANTRY_NO_STRING ? NULL : pk->strs[s];
}

gantry_status gls_prepare(gantry_pack *pk) {
    pk->dispatch = NULL;
    classes_init();
    int any = 0;
    for (uint32_t r = 0; r < pk->nrules && !any; r++) {
        const grt_rule *rule = &pk->rules[r];
        any = !unset(rule_str(pk, rule->product)) || !unset(rule_str(pk, rule->service)) ||
              !unset(rule_str(pk, rule->category));
    }
    if (!any)
        return GANTRY_OK;
    struct gls_dispatch *d = calloc(1, sizeof *d);
    if (!d)
        return GANTRY_E_NOMEM;
    d->words = (pk->nrules + 63u) / 64u;
    d->allowed = calloc((size_t)nclasses * (d->words ? d->words : 1), sizeof *d->allowed);
    if (!d->allowed) {
        gls_free(d);
        return GANTRY_E_NOMEM;
    }
    for (unsigned c = 0; c < nclasses; c++)
        d->every[c] = 1;
    for (uint32_t r = 0; r < pk->nrules; r++) {
        const grt_rule *rule = &pk->rules[r];
        const char *p = rule_str(pk, rule->product), *s = rule_str(pk, rule->service),
                   *c = rule_str(pk, rule->category);
        for (unsigned cls = 0; cls < nclasses; cls++) {
            if (fits_class(cls, p, s, c))
                d->allowed[(size_t)cls * d->words + r / 64] |= 1ull << (r % 64);
            else
                d->every[cls] = 0;
        }
    }
    pk->dispatch = d;
    return GANTRY_OK;
}

void gls_free(struct gls_dispatch *d) {
    if (!d)
        return;
    free(d->allowed);
    free(d);
}

int gls_pack_needs_module(const gantry_pack *pk) {
    return pk && pk->dispatch != NULL;
}

/* A top-level dotted key (the normalizer's) before the nested path, arrays
 * crossed, the first value with text (path.h); only a string counts. */
static const char *event_str(const void *event, const char *path) {
    const cJSON *v = grt_path_first_scalar(event, path);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

unsigned gls_event_class(const void *event) {
    const char *module = event_str(event, "event.module");
    return gls_class_of(module, module ? event_str(event, "event.category") : NULL);
}

unsigned gls_class_of(const char *module, const char *cat) {
    classes_init();
    if (!module)
        return GLS_CLASS_NONE;
    for (unsigned cls = 2; cls < nclasses; cls++) {
        if (strcmp(sources[classes[cls].source].module, module) != 0)
            continue;
        /* the source's base class comes first, then its categories */
        if (!cat)
            return cls;
        for (unsigned k = cls + 1; k < nclasses && classes[k].source == classes[cls].source; k++)
            if (strcmp(classes[k].category, cat) == 0)
                return k;
        return cls;
    }
    return GLS_CLASS_NONE;
}
