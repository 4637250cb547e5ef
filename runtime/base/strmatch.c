/* SPDX-License-Identifier: Apache-2.0 */
/* memmem is a GNU extension (also in POSIX 2024) */
#define _GNU_SOURCE
#include "strmatch.h"

#include <stdint.h>
#include <string.h>

void grt_ascii_lower(char *dst, const char *src, size_t len) {
    /* eight bytes at a time: set bit 5 of every byte in 'A'..'Z' */
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t x;
        memcpy(&x, src + i, 8);
        uint64_t low7 = x & ~high;
        uint64_t ge_a = low7 + (0x80 - 'A') * ones;     /* high bit set when >= 'A' */
        uint64_t gt_z = low7 + (0x80 - 'Z' - 1) * ones; /* high bit set when > 'Z' */
        uint64_t upper = (ge_a ^ gt_z) & ~x & high;
        x |= upper >> 2;
        memcpy(dst + i, &x, 8);
    }
    for (; i < len; i++) {
        char c = src[i];
        dst[i] = (c >= 'A' && c <= 'Z') ? (char)(c + ('a' - 'A')) : c;
    }
}

int grt_str_eq(const char *s, size_t n, const char *p, size_t m) {
    return n == m && (m == 0 || memcmp(s, p, m) == 0);
}

int grt_str_contains(const char *s, size_t n, const char *p, size_t m) {
    if (m == 0)
        return 1;
    return m <= n && memmem(s, n, p, m) != NULL;
}

int grt_str_starts(const char *s, size_t n, const char *p, size_t m) {
    return m <= n && (m == 0 || memcmp(s, p, m) == 0);
}

int grt_str_ends(const char *s, size_t n, const char *p, size_t m) {
    return m <= n && (m == 0 || memcmp(s + n - m, p, m) == 0);
}

int grt_glob(const char *s, size_t n, const char *p, size_t m) {
    size_t si = 0, pi = 0;
    /* where to resume after the last `*`: pattern after it, text position */
    size_t star_p = (size_t)-1, star_s = 0;
    while (si < n) {
        if (pi < m && p[pi] == '*') {
            star_p = ++pi;
            star_s = si;
            continue;
        }
        if (pi < m) {
            size_t step = 1;
            char want = p[pi];
            int any = 0;
            if (want == '\\' && pi + 1 < m) {
                want = p[pi + 1];
                step = 2;
            } else if (want == '?') {
                any = 1;
            }
            if (any || s[si] == want) {
                si++;
                pi += step;
                continue;
            }
        }
        if (star_p == (size_t)-1)
            return 0;
        /* let the last `*` swallow one more byte and retry */
        pi = star_p;
        si = ++star_s;
    }
    while (pi < m && p[pi] == '*')
        pi++;
    return pi == m;
}
