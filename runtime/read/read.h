/* SPDX-License-Identifier: Apache-2.0 */
/* The pack-driven event reader: one pass over a JSON line that accepts
 * exactly the lines cJSON accepts (as the normalizer or gantry_match_json
 * calls it) and records only the values of a fixed set of dotted paths, as
 * slices of the line. Text is unescaped lazily, on first use, into an arena
 * that is reset per line and never freed per line, so a warmed-up reader
 * allocates nothing.
 *
 * The values a path yields are exactly those grt_path_walk() yields over
 * the cJSON tree of the same line (runtime/index/path.h): flat dotted keys
 * before nested ones, equal keys in document order, arrays crossed, the
 * same depth bound; with the per-field value limit of the matcher. The
 * cJSON path stays the reference: tests/test_reader.c and
 * fuzz/fuzz_reader.c compare the two. Module prefix: grd_. */
#ifndef GANTRY_RT_READ_H
#define GANTRY_RT_READ_H

#include <stddef.h>
#include <stdint.h>

#include "pack.h" /* grt_value */

/* Which parse a line must pass, and so which lines are malformed. */
typedef enum grd_mode {
    /* gnorm_parse_json(): the line limit, nesting up to
     * GANTRY_DEFAULT_MAX_DEPTH, only blanks after the value */
    GRD_MODE_LINE,
    /* cJSON_ParseWithLength(): cJSON's own nesting limit, anything may
     * follow the value (gantry_match_json) */
    GRD_MODE_CJSON,
} grd_mode;

typedef struct grd_plan grd_plan;
typedef struct grd_reader grd_reader;

/* Compiles the paths to record (paths[i], lens[i] bytes each; copied).
 * With `keywords`, every string anywhere in the line is also recorded, in
 * document order, as path index `npaths` (grt_keyword_values()), in
 * GRD_MODE_CJSON reads only. */
gantry_status grd_plan_new(const char *const *paths, const uint32_t *lens, uint32_t npaths,
                           int keywords, grd_plan **out);
void grd_plan_free(grd_plan *plan);
/* Path p yields the value its key holds even when that is an array (the
 * normalizer's gnorm_path() view of a one-component path), not the
 * array's elements. */
void grd_plan_whole(grd_plan *plan, uint32_t p);
/* Path p yields the one value gnorm_path() finds: one key per component
 * (no flat dotted keys), the first key of each name, no array crossed, the
 * value whole. Implies grd_plan_whole(). */
void grd_plan_first_only(grd_plan *plan, uint32_t p);
/* Keys to watch for at the top level of a line (copied): afterwards
 * grd_root_key_seen() tells whether one was there. */
gantry_status grd_plan_watch_root_keys(grd_plan *plan, const char *const *keys, uint32_t n);
uint32_t grd_plan_paths(const grd_plan *plan);

gantry_status grd_reader_new(const grd_plan *plan, grd_reader **out);
void grd_reader_free(grd_reader *r);

/* Reads one line. GANTRY_OK: the line is a JSON object the mode accepts,
 * and every path's values are recorded. GANTRY_E_JSON: the line is not
 * accepted (or is valid JSON but not an object). GANTRY_E_LIMIT: accepted,
 * but a path yields far more values than the matcher would read; the
 * caller must use the reference path for this line. GANTRY_E_NOMEM.
 * The recorded slices point into `text`, which must outlive their use. */
gantry_status grd_read(grd_reader *r, const char *text, size_t len, grd_mode mode);

/* After GANTRY_OK: how many values path `p` yields (at most
 * GANTRY_MAX_VALUES_PER_FIELD for a field; keywords unbounded), and
 * whether the field had more (the matcher's value limit). */
uint32_t grd_count(const grd_reader *r, uint32_t p);
int grd_limited(const grd_reader *r, uint32_t p);
/* The k-th value of path p as grt_field_values() would give it (text not
 * lower-cased, number text not formatted). Strings point into the line or
 * into the reader's arena, valid until the next grd_read. NOMEM when the
 * arena cannot grow. */
gantry_status grd_value(grd_reader *r, uint32_t p, uint32_t k, grt_value *out);
/* The path index of the keyword strings (the plan's path count). */
uint32_t grd_keyword_path(const grd_reader *r);
/* After GANTRY_OK: a watched key was a top-level key of the line. */
int grd_root_key_seen(const grd_reader *r);
/* After GANTRY_OK: some path's first component had as many top-level keys
 * as a walk tries at one level, so a key added after them (the
 * normalizer's) would not be tried. */
int grd_root_crowded(const grd_reader *r);

#endif
