/* Logsource dispatch (docs/language.md, "logsource"). A rule whose logsource
 * names a product only sees events from sources that carry that product; the
 * source of an event is its `event.module`. Events from a source Gantry does
 * not recognise (no event.module, "json", anything else) see every rule, and
 * rules without a product see every event. This is semantics, not an
 * optimisation: GANTRY_OPTIMIZE_OFF applies it too. Module prefix: gls_. */
#ifndef GANTRY_RT_LOGSOURCE_H
#define GANTRY_RT_LOGSOURCE_H

#include <stdint.h>

#include "pack.h"
#include "sources.h"

/* The sources Gantry recognises: the GRT_SRC_* values of base/sources.h. */
#define GLS_NSOURCES GRT_NSOURCES
/* Any other event: it runs every rule. */
#define GLS_UNKNOWN ((unsigned)GLS_NSOURCES)
/* A source mask with every bit, GLS_UNKNOWN's included. */
#define GLS_ALL_SOURCES ((1u << (GLS_NSOURCES + 1)) - 1u)

struct gls_dispatch {
    uint8_t *rule_sources; /* per rule: bit s set when events of source s may run it */
    uint64_t *allowed;     /* GLS_NSOURCES bitsets of `words` words: rules per source */
    uint32_t words;
    uint8_t every[GLS_NSOURCES]; /* the source's events run every rule */
};

/* Builds pk->dispatch at load; left NULL when no rule names a product. */
gantry_status gls_prepare(gantry_pack *pk);
void gls_free(struct gls_dispatch *d);

/* The source of an event (a cJSON object): GLS_UNKNOWN unless its
 * event.module is the name of a recognised source. */
unsigned gls_event_source(const void *event);

/* The sources (bit mask, GLS_UNKNOWN's bit always set) whose events may run
 * rule r. */
static inline unsigned gls_rule_sources(const gantry_pack *pk, uint32_t r) {
    return pk->dispatch ? pk->dispatch->rule_sources[r] : GLS_ALL_SOURCES;
}

/* The rules events of `source` may run, or NULL for every rule. */
static inline const uint64_t *gls_allowed(const gantry_pack *pk, unsigned source) {
    if (!pk->dispatch || source >= GLS_UNKNOWN || pk->dispatch->every[source])
        return NULL;
    return pk->dispatch->allowed + (size_t)source * pk->dispatch->words;
}

/* Non-zero when matching this pack needs event.module on normalized events
 * (the normalizer adds it even if the pack reads no event.* field). */
int gls_pack_needs_module(const gantry_pack *pk);

#endif
