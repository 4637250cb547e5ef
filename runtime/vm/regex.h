/* SPDX-License-Identifier: Apache-2.0 */
/* pcre2 glue: compile a pack's regexes once at load (JIT at load for small packs,
 * on first use for large ones) and run them under the match limits of limits.h. */
#ifndef GANTRY_RT_REGEX_H
#define GANTRY_RT_REGEX_H

#include <stdbool.h>
#include <stddef.h>

#include "pack.h"

gantry_status grt_regex_compile_all(gantry_pack *pack, char *err, size_t err_size);
void grt_regex_free_all(gantry_pack *pack);

/* Per-matcher match data and match context (holding the limits). */
gantry_status grt_regex_matcher_init(gantry_matcher *m);
void grt_regex_matcher_release(gantry_matcher *m);

/* Whether the regex matches; a limit hit counts as no match and sets
 * m->regex_limit_hit. */
bool grt_regex_match(gantry_matcher *m, const grt_regex *re, const char *subject, size_t len);

#endif
