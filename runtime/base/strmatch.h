/* SPDX-License-Identifier: Apache-2.0 */
/* Byte-string tests used by the predicates. Case folding is ASCII only and
 * done by the caller (event text is lower-cased once per event; constants of
 * case-insensitive tests are stored lower-cased by the compiler). */
#ifndef GANTRY_RT_STRMATCH_H
#define GANTRY_RT_STRMATCH_H

#include <stddef.h>

void grt_ascii_lower(char *dst, const char *src, size_t len);
int grt_str_eq(const char *s, size_t n, const char *p, size_t m);
int grt_str_contains(const char *s, size_t n, const char *p, size_t m);
int grt_str_starts(const char *s, size_t n, const char *p, size_t m);
int grt_str_ends(const char *s, size_t n, const char *p, size_t m);
/* Wildcards: `*` any run, `?` one byte, `\` makes the next byte literal.
 * Iterative, O(n*m) worst case, never exponential. */
int grt_glob(const char *s, size_t n, const char *p, size_t m);

#endif
