#include "logsource.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "path.h"

/* Which products each source carries: base/sources.h, the one list. */
#define GLS_SOURCE(id, name, ...) [GRT_SRC_##id] = {name, {__VA_ARGS__, NULL}},
static const struct {
    const char *module;
    const char *products[5];
} sources[GLS_NSOURCES] = {GRT_SOURCES(GLS_SOURCE)};

/* Sources whose events may run a rule of this product (GLS_UNKNOWN's
 * always); every source when the rule names none. */
static unsigned product_sources(const char *product) {
    if (!product || !*product)
        return GLS_ALL_SOURCES;
    unsigned mask = 1u << GLS_UNKNOWN;
    for (unsigned s = 0; s < GLS_NSOURCES; s++)
        for (const char *const *p = sources[s].products; *p; p++)
            if (strcasecmp(*p, product) == 0)
                mask |= 1u << s;
    return mask;
}

gantry_status gls_prepare(gantry_pack *pk) {
    pk->dispatch = NULL;
    int any = 0;
    for (uint32_t r = 0; r < pk->nrules && !any; r++)
        any = pk->rules[r].product != GANTRY_NO_STRING && pk->str_lens[pk->rules[r].product] > 0;
    if (!any)
        return GANTRY_OK;
    struct gls_dispatch *d = calloc(1, sizeof *d);
    if (!d)
        return GANTRY_E_NOMEM;
    d->words = (pk->nrules + 63u) / 64u;
    d->rule_sources = malloc(pk->nrules ? pk->nrules : 1);
    d->allowed = calloc((size_t)GLS_NSOURCES * (d->words ? d->words : 1), sizeof *d->allowed);
    if (!d->rule_sources || !d->allowed) {
        gls_free(d);
        return GANTRY_E_NOMEM;
    }
    for (uint32_t r = 0; r < pk->nrules; r++) {
        uint32_t prod = pk->rules[r].product;
        unsigned mask = product_sources(prod == GANTRY_NO_STRING ? NULL : pk->strs[prod]);
        d->rule_sources[r] = (uint8_t)mask;
        for (unsigned s = 0; s < GLS_NSOURCES; s++)
            if (mask & (1u << s))
                d->allowed[(size_t)s * d->words + r / 64] |= 1ull << (r % 64);
    }
    /* a source whose events run every rule needs no mask */
    for (unsigned src = 0; src < GLS_NSOURCES; src++) {
        d->every[src] = 1;
        for (uint32_t r = 0; r < pk->nrules && d->every[src]; r++)
            d->every[src] = (d->rule_sources[r] >> src) & 1;
    }
    pk->dispatch = d;
    return GANTRY_OK;
}

void gls_free(struct gls_dispatch *d) {
    if (!d)
        return;
    free(d->rule_sources);
    free(d->allowed);
    free(d);
}

int gls_pack_needs_module(const gantry_pack *pk) {
    return pk && pk->dispatch != NULL;
}

static unsigned source_named(const char *module) {
    for (unsigned s = 0; s < GLS_NSOURCES; s++)
        if (strcmp(sources[s].module, module) == 0)
            return s;
    return GLS_UNKNOWN;
}

/* event.module read as a rule reads that path (path.h): a top-level key
 * "event.module" (the normalizer's) before `module` inside an `event`
 * object, arrays crossed, the first value with text. Only a string names a
 * source. */
unsigned gls_event_source(const void *event) {
    const cJSON *mod = grt_path_first_scalar(event, "event.module");
    return cJSON_IsString(mod) ? source_named(mod->valuestring) : GLS_UNKNOWN;
}
