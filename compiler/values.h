/* SPDX-License-Identifier: Apache-2.0 */
/* Sigma string values: wildcard and escape parsing (SEMANTICS.md 3.3-3.4)
 * and the value transforms of the modifier chain (wrapping for
 * contains/startswith/endswith, base64, base64offset, UTF-16 encodings,
 * windash), ending in the choice of one string-test opcode and its constant.
 *
 * A value is a byte string with a parallel mark per byte: literal, `*` (any
 * run) or `?` (one byte). Encoded values may hold NUL bytes, so lengths are
 * always explicit. Every result is allocated from the caller's arena.
 * Module prefix: gval_. */
#ifndef GANTRY_VALUES_H
#define GANTRY_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "arena.h"

enum gval_mark { GVAL_LIT = 0, GVAL_ANY = 1, GVAL_ONE = 2 };

typedef struct gval_str {
    unsigned char *bytes;
    unsigned char *marks; /* gval_mark per byte; the byte of a wildcard is '*' or '?' */
    size_t len;
} gval_str;

typedef enum gval_status {
    GVAL_OK = 0,
    GVAL_NOMEM,
    GVAL_WILDCARD, /* the transform does not accept wildcards */
    GVAL_BAD_UTF8, /* UTF-16 encodings need valid UTF-8 */
    GVAL_TOO_MANY, /* an expansion exceeded the caller's bound */
} gval_status;

enum gval_utf16 { GVAL_UTF16LE, GVAL_UTF16BE, GVAL_UTF16_BOM };

/* Sigma parsing: `*` and `?` are wildcards, `\` escapes only `*`, `?` and
 * `\`; any other backslash stays. Consecutive `*` collapse into one. */
gval_status gval_parse(gar *arena, const char *text, size_t len, gval_str *out);
/* Every byte literal (regex sources, raw strings, field references). */
gval_status gval_literal(gar *arena, const char *text, size_t len, gval_str *out);

bool gval_has_wildcards(const gval_str *s);
/* Add a leading and/or trailing `*` where there is none yet. */
gval_status gval_wrap(gar *arena, gval_str *s, bool front, bool back);
gval_status gval_base64(gar *arena, gval_str *s);
/* The three shifted encodings Sigma's base64offset produces. */
gval_status gval_base64offset(gar *arena, const gval_str *s, gval_str out[3]);
gval_status gval_utf16(gar *arena, gval_str *s, enum gval_utf16 form);
/* Every dash variant of every option dash (`\B[-/]\b`): `-`, `/`, U+2013,
 * U+2014, U+2015. At most `max` results, else GVAL_TOO_MANY. */
gval_status gval_windash(gar *arena, const gval_str *s, size_t max, gval_str **out, size_t *count);
/* ASCII lower-casing of the literal bytes. */
void gval_lower(gval_str *s);

/* The string test for a value and its constant: EQ (no wildcard),
 * STARTSWITH (`x*`), ENDSWITH (`*x`), CONTAINS (`*x*`, and a lone `*`),
 * else GLOB with literal `*`, `?` and `\` escaped by `\`. Returns a
 * gantry_opcode and sets *text / *len (arena memory). */
int gval_classify(gar *arena, const gval_str *s, char **text, size_t *len);

/* Base64 (standard alphabet, padded) of `len` bytes; NUL-terminated. */
char *gval_base64_encode(gar *arena, const unsigned char *data, size_t len, size_t *out_len);

#endif
