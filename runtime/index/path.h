/* SPDX-License-Identifier: Apache-2.0 */
/* Dotted field paths: the one rule set by which a path names values in an
 * event (docs/language.md, "Field paths"), shared by rule predicates (fields.c),
 * correlation group-by and value fields (correlate/) and logsource dispatch
 * (logsource.c), so a correlation groups by exactly the values a rule on the
 * same path sees. Module prefix: grt_path_.
 *
 *  - At each object level a key may hold several components ("a.b" as one
 *    flat key): the longest key that is a dotted prefix of the rest of the
 *    path is tried first, and a shorter one only when the longer yields
 *    nothing. Keys of equal length are tried in document order, so the first
 *    of duplicate keys that yields values wins.
 *  - Arrays are crossed: every element is looked into, in order.
 *  - The values come out in document order. */
#ifndef GANTRY_RT_PATH_H
#define GANTRY_RT_PATH_H

#include <stddef.h>

struct cJSON;

/* Called for each value; returning non-zero stops the walk. */
typedef int (*grt_path_fn)(const struct cJSON *value, void *user);

/* Calls visit on each value `path` (len bytes) yields in `root`; returns 1
 * when visit stopped the walk, else 0. Nesting is bounded (hostile deep
 * arrays cannot exhaust the stack): deeper values are not reached. */
int grt_path_walk(const struct cJSON *root, const char *path, size_t len, grt_path_fn visit,
                  void *user);

/* The first value with a text (a string, number or boolean) that `path`
 * yields in document order, or NULL. Nulls and objects are passed over. */
const struct cJSON *grt_path_first_scalar(const struct cJSON *root, const char *path);

#endif
