/* SPDX-License-Identifier: Apache-2.0 */
/* Gantry with cJSON: for programs that already hold events as cJSON trees.
 * A gantry_event is a cJSON object, so these functions only convert
 * pointers: nothing is copied and the lifetimes stay those of the tree.
 * Needs <cJSON.h> (Debian: libcjson-dev); gantry.h alone does not. */
#ifndef GANTRY_CJSON_H
#define GANTRY_CJSON_H

#include "gantry.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

struct cJSON;

/* The tree behind an event (read-only). */
const struct cJSON *gantry_event_cjson(const gantry_event *event);
/* An event that reads `object` (which must stay alive and unchanged while the
 * event is used); NULL when `object` is NULL. */
const gantry_event *gantry_event_from_cjson(const struct cJSON *object);
/* Match a cJSON object: gantry_match_event on gantry_event_from_cjson(event). */
gantry_status gantry_match_cjson(gantry_matcher *matcher, const struct cJSON *event,
                                 gantry_match_fn on_match, void *user);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#ifdef __cplusplus
}
#endif
#endif
