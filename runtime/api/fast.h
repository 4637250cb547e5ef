/* SPDX-License-Identifier: Apache-2.0 */
/* Matching straight from a raw line with the pack-driven reader
 * (runtime/read), where that gives exactly what the cJSON path gives:
 * gantry_match_json for packs without element scopes, and lines the
 * normalizer would read as a Kubernetes audit event, through a view that
 * resolves the normalizer's plain copies into raw paths. Everything else, and any line the reader
 * does not decide, goes the cJSON way. GANTRY_OPTIMIZE_OFF keeps the reader off altogether (the
 * reference). Module prefix: grt_fast_. */
#ifndef GANTRY_RT_FAST_H
#define GANTRY_RT_FAST_H

#include "pack.h"

/* At load: the plan (pack fields, then the paths below), and what it may
 * serve. */
gantry_status grt_fast_prepare(gantry_pack *pk);
void grt_fast_free(struct grt_fast *fast);
/* A matcher's reader, when its pack has a plan. */
gantry_status grt_fast_matcher_init(gantry_matcher *m);
void grt_fast_matcher_release(gantry_matcher *m);

/* gantry_match_json's parse, through the reader. *done is 0 when the
 * caller must take the cJSON path instead (and the status is then
 * meaningless). */
gantry_status grt_fast_match_json(gantry_matcher *m, const char *json, size_t len,
                                  gantry_match_fn on_match, void *user, int *done);

/* Whether gantry_match_json reads through the reader (no element scopes). */
int grt_fast_json_ok(const gantry_pack *pk);
/* Whether lines may go through the reader: a raw field reads its path, a
 * plain copy of an audit Event its sources (gnorm_k8s_audit_renames); a
 * line whose rules read a derived field, keywords or an element scope
 * goes the cJSON way. */
int grt_fast_line_ok(const gantry_pack *pk);
/* A raw input line that gantry_normalizer_feed would read as a JSON object
 * (after its line limit, trailing CR/LF and leading blanks), matched as the
 * normalized event would be if it is a Kubernetes audit event. *done is 0
 * when the line must go through the normalizer. */
gantry_status grt_fast_match_line(gantry_matcher *m, const char *line, size_t len,
                                  gantry_match_fn on_match, void *user, int *done);

#endif
