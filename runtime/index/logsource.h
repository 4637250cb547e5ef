/* SPDX-License-Identifier: Apache-2.0 */
/* Logsource semantics (docs/sigma.md, "Logsource semantics"). Every event
 * has a logsource class: the source named by its event.module (base/
 * sources.h) together with the category its normalizer decided
 * (event.category, Falco), or no logsource at all when its source is not
 * recognised. A rule runs on an event only when its logsource fits the
 * class: each of its product, service and category is unset or one the
 * class has. Events without a logsource run only rules without one, unless
 * the matcher was given a logsource for them or told to run every rule
 * (gantry_matcher_set_logsource*). This is semantics, not an optimisation:
 * GANTRY_OPTIMIZE_OFF applies it too. Module prefix: gls_. */
#ifndef GANTRY_RT_LOGSOURCE_H
#define GANTRY_RT_LOGSOURCE_H

#include <stdint.h>

#include "pack.h"
#include "sources.h"

/* Classes: no logsource, every rule, then per source one class for its
 * events without an event category and one per event category. */
#define GLS_CLASS_NONE 0u
#define GLS_CLASS_ANY 1u
#define GLS_MAX_CLASSES 32u

struct gls_dispatch {
    uint64_t *allowed; /* gls_nclasses() bitsets of `words` words: rules per class */
    uint32_t words;
    uint8_t every[GLS_MAX_CLASSES]; /* the class's events run every rule */
};

/* The number of classes (fixed by base/sources.h). */
unsigned gls_nclasses(void);
/* Non-zero for the classes of a source's events without an event category:
 * the ones a pack's own events use most. */
int gls_class_is_source_base(unsigned cls);

/* Builds pk->dispatch at load; left NULL when no rule has a logsource. */
gantry_status gls_prepare(gantry_pack *pk);
void gls_free(struct gls_dispatch *d);

/* The class of an event (a cJSON object): GLS_CLASS_NONE unless its
 * event.module names a recognised source. */
unsigned gls_event_class(const void *event);
/* The class of an event whose event.module and event.category (either may
 * be NULL) are known. */
unsigned gls_class_of(const char *module, const char *category);

/* Non-zero when a rule of this logsource (each value NULL or "" when unset)
 * runs on events whose logsource is exactly the given product, service and
 * category (NULL or "": the event has none). */
int gls_fits_given(const char *rule_product, const char *rule_service, const char *rule_category,
                   const char *product, const char *service, const char *category);

/* The rules events of class `cls` may run, or NULL for every rule. */
static inline const uint64_t *gls_allowed(const gantry_pack *pk, unsigned cls) {
    if (!pk->dispatch || cls == GLS_CLASS_ANY || pk->dispatch->every[cls])
        return NULL;
    return pk->dispatch->allowed + (size_t)cls * pk->dispatch->words;
}

/* Non-zero when matching this pack needs event.module (and event.category)
 * on normalized events (the normalizer adds them even if the pack reads no
 * event.* field). */
int gls_pack_needs_module(const gantry_pack *pk);

#endif
