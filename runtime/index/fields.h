/* SPDX-License-Identifier: Apache-2.0 */
/* Field extraction: the values a dotted path yields in the current event,
 * extracted lazily (first use per event) into the matcher's scratch arrays,
 * which grow but are reused, so a warmed-up matcher allocates nothing. */
#ifndef GANTRY_RT_FIELDS_H
#define GANTRY_RT_FIELDS_H

#include "pack.h"

/* At load: the prefix hashes behind the top-level key check. */
gantry_status grt_fields_prepare(gantry_pack *pack);
/* Per rule, the sorted distinct fields its predicates read (pk->rule_fields). */
gantry_status grt_rule_fields_prepare(gantry_pack *pack);

/* The values of field `field` in m->event (a slice of m->vals). */
grt_slice grt_field_values(gantry_matcher *m, uint32_t field);
/* With the reader on: 1 when `field` surely has no values, known without
 * extracting them (the prefilter asks for every field of its index, and
 * most are absent from a line); 0 when grt_field_values must decide. */
int grt_field_surely_empty(const gantry_matcher *m, uint32_t field);
/* Element scopes (ANY): the first element of the array under the top-level
 * key `field` (only objects count), or the event itself when the event has
 * no such key (a source that lists no elements is one element); NULL when
 * there is none. While m->scope_read is set, grt_field_values() reads from
 * m->scope_elem and caches nothing. With the reader (m->rd_on): the event
 * itself (the matcher stands for it: grt_scope_is_root) where the
 * normalizer writes no list; else NULL with m->rd_derived set (the line
 * goes the cJSON way). */
const void *grt_scope_first(gantry_matcher *m, uint32_t field);
/* Whether the scope element is the event as the reader reads it (its
 * fields are the event's own, read and kept as outside a scope). */
static inline int grt_scope_is_root(const gantry_matcher *m) {
    return m->scope_elem == (const void *)m;
}
/* The element after `elem` in its array, or NULL. */
const void *grt_scope_next(const void *elem);
/* Every string value anywhere in m->event (for KEYWORD predicates). */
grt_slice grt_keyword_values(gantry_matcher *m);

/* Makes the text of every value of the slice available (number text, and
 * lower-cased copies when `lower`). Afterwards grt_value_text() does not
 * allocate, so pointers it returns stay valid until the next prepare.
 * Returns GANTRY_E_NOMEM on allocation failure (m->oom is set). */
gantry_status grt_values_prepare(gantry_matcher *m, grt_slice s, int lower);
/* Text of a prepared value; NULL when the value has no text (null, object). */
const char *grt_value_text(const gantry_matcher *m, const grt_value *v, int lower, size_t *len);
/* The value as a number: event numbers, and strings that parse completely. */
int grt_value_number(grt_value *v, double *out);

#endif
