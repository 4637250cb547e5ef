/* memmem is a GNU extension (also in POSIX 2024) */
#define _GNU_SOURCE
#include "strmatch.h"

#include <string.h>

void grt_ascii_lower(char *dst, const char *src, size_t len) {
    for (size_t i = 0; i < len; i++) {
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
