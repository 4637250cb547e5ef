/* SPDX-License-Identifier: Apache-2.0 */
/* The tokens of cJSON's grammar that need more than a byte to tell: strings
 * (where the escapes must be checked as cJSON unescapes them) and numbers
 * (what strtod reads whole). */
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "read_int.h"

static int hexval(unsigned c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* parse_hex4: 0 for anything but four hex digits (cJSON does not fail). */
static unsigned hex4(const unsigned char *s) {
    unsigned h = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = s[i];
        if (!hexval(c))
            return 0;
        h = h * 16 + (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return h;
}

size_t grd_unescape(const unsigned char *s, size_t n, char *out) {
    const unsigned char *p = s, *e = s + n;
    size_t o = 0, cstr = (size_t)-2; /* length up to the first NUL written */
    while (p < e) {
        if (*p != '\\') {
            if (out)
                out[o] = (char)*p;
            if (*p == 0 && cstr == (size_t)-2)
                cstr = o;
            o++;
            p++;
            continue;
        }
        /* p[1] may be the closing quote when a \u sequence swallowed the
         * backslash that escaped it; cJSON reads it the same way */
        unsigned char c = p[1], one = 0;
        size_t adv = 2;
        unsigned long cp = 0;
        switch (c) {
        case 'b':
            one = '\b';
            break;
        case 'f':
            one = '\f';
            break;
        case 'n':
            one = '\n';
            break;
        case 'r':
            one = '\r';
            break;
        case 't':
            one = '\t';
            break;
        case '"':
        case '\\':
        case '/':
            one = c;
            break;
        case 'u': {
            if (e - p < 6)
                return (size_t)-1;
            unsigned first = hex4(p + 2);
            if (first >= 0xDC00 && first <= 0xDFFF)
                return (size_t)-1;
            if (first >= 0xD800 && first <= 0xDBFF) {
                const unsigned char *q = p + 6;
                if (e - q < 6 || q[0] != '\\' || q[1] != 'u')
                    return (size_t)-1;
                unsigned second = hex4(q + 2);
                if (second < 0xDC00 || second > 0xDFFF)
                    return (size_t)-1;
                cp = 0x10000 + (((first & 0x3FFul) << 10) | (second & 0x3FFul));
                adv = 12;
            } else {
                cp = first;
                adv = 6;
            }
            break;
        }
        default:
            return (size_t)-1;
        }
        if (adv == 2) {
            if (out)
                out[o] = (char)one;
            o++;
        } else {
            unsigned char buf[4];
            size_t ln;
            if (cp < 0x80) {
                buf[0] = (unsigned char)cp;
                ln = 1;
            } else if (cp < 0x800) {
                buf[0] = (unsigned char)(0xC0 | (cp >> 6));
                buf[1] = (unsigned char)(0x80 | (cp & 0x3F));
                ln = 2;
            } else if (cp < 0x10000) {
                buf[0] = (unsigned char)(0xE0 | (cp >> 12));
                buf[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
                buf[2] = (unsigned char)(0x80 | (cp & 0x3F));
                ln = 3;
            } else {
                buf[0] = (unsigned char)(0xF0 | (cp >> 18));
                buf[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
                buf[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
                buf[3] = (unsigned char)(0x80 | (cp & 0x3F));
                ln = 4;
            }
            if (cp == 0 && cstr == (size_t)-2)
                cstr = o;
            if (out)
                memcpy(out + o, buf, ln);
            o += ln;
        }
        p += adv;
    }
    if (out)
        out[o] = '\0';
    return cstr == (size_t)-2 ? o : cstr;
}

/* Bytes that end a run of plain string bytes. */
static const unsigned char str_stop[256] = {[0] = 1, ['"'] = 1, ['\\'] = 1};
/* Bytes strtod may read in cJSON's copy of a number. */
static const unsigned char num_char[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
    ['8'] = 1, ['9'] = 1, ['+'] = 1, ['-'] = 1, ['e'] = 1, ['E'] = 1, ['.'] = 1,
};

/* The string starting at t[i] == '"': *end at its closing quote. */
/* The first byte at or after j that ends a run of plain string bytes, or
 * len. Sixteen bytes a step where SSE2 is there (every x86-64): string
 * bodies are most of an event's bytes. */
static size_t next_stop(const unsigned char *t, size_t len, size_t j) {
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"'), slash = _mm_set1_epi8('\\');
    const __m128i zero = _mm_setzero_si128();
    for (; j + 16 <= len; j += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(t + j));
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, slash)),
                                   _mm_cmpeq_epi8(v, zero));
        int mask = _mm_movemask_epi8(hit);
        if (mask)
            return j + (size_t)__builtin_ctz((unsigned)mask);
    }
#endif
    while (j < len && !str_stop[t[j]])
        j++;
    return j;
}

int grd_scan_string(const unsigned char *t, size_t len, size_t i, size_t *end, uint8_t *flags) {
    size_t j = i + 1;
    uint8_t f = 0;
    for (;;) {
        j = next_stop(t, len, j);
        if (j >= len)
            return 0;
        if (t[j] == '"')
            break;
        if (t[j] == '\\') {
            if (j + 1 >= len)
                return 0;
            f |= GRD_F_ESC;
            j += 2;
        } else {
            f |= GRD_F_NUL;
            j++;
        }
    }
    if ((f & GRD_F_ESC) && grd_unescape(t + i + 1, j - i - 1, NULL) == (size_t)-1)
        return 0;
    *end = j;
    *flags = f;
    return 1;
}

static size_t digits(const unsigned char *t, size_t i, size_t end) {
    size_t s = i;
    while (i < end && t[i] >= '0' && t[i] <= '9')
        i++;
    return i - s;
}

/* The number at t[i] ('-' or a digit): *end past the run of number bytes,
 * which strtod must read whole (else cJSON stops inside the run, and what
 * is left of it can follow no value). */
int grd_scan_number(const unsigned char *t, size_t len, size_t i, size_t *end) {
    size_t e = i;
    while (e < len && num_char[t[e]])
        e++;
    size_t k = i;
    if (t[k] == '-')
        k++;
    size_t d1 = digits(t, k, e);
    k += d1;
    size_t d2 = 0;
    if (k < e && t[k] == '.') {
        k++;
        d2 = digits(t, k, e);
        k += d2;
    }
    if (d1 + d2 == 0)
        return 0;
    if (k < e && (t[k] == 'e' || t[k] == 'E')) {
        k++;
        if (k < e && (t[k] == '+' || t[k] == '-'))
            k++;
        size_t d3 = digits(t, k, e);
        if (d3 == 0)
            return 0;
        k += d3;
    }
    if (k != e)
        return 0;
    *end = e;
    return 1;
}

#define SKIP_BLANKS()                                                                              \
    while (i < len && t[i] <= 32)                                                                  \
    i++

int grd_skip_value(const unsigned char *t, size_t len, size_t i, size_t depth, size_t max_depth,
                   size_t *end) {
    /* one bit per open container, set for an object; a value nests no
     * deeper than max_depth (at most cJSON's 1000) */
    uint64_t obj[(1000 + 64) / 64];
    size_t base = depth;
    for (;;) {
        /* a value at t[i] */
        if (i >= len)
            return 0;
        unsigned char c = t[i];
        if (c == '{' || c == '[') {
            if (depth >= max_depth)
                return 0;
            size_t d = depth - base;
            if (c == '{')
                obj[d / 64] |= 1ull << (d % 64);
            else
                obj[d / 64] &= ~(1ull << (d % 64));
            depth++;
            i++;
            SKIP_BLANKS();
            if (i < len && t[i] == (c == '{' ? '}' : ']')) {
                i++;
                depth--;
                goto after;
            }
            if (c == '[')
                continue;
            goto key;
        }
        if (c == '"') {
            size_t e;
            uint8_t f;
            if (!grd_scan_string(t, len, i, &e, &f))
                return 0;
            i = e + 1;
        } else if (c == 't' || c == 'n') {
            if (len - i < 4 || memcmp(t + i, c == 't' ? "true" : "null", 4) != 0)
                return 0;
            i += 4;
        } else if (c == 'f') {
            if (len - i < 5 || memcmp(t + i, "false", 5) != 0)
                return 0;
            i += 5;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            size_t e;
            if (!grd_scan_number(t, len, i, &e))
                return 0;
            i = e;
        } else {
            return 0;
        }
    after:
        if (depth == base) {
            *end = i;
            return 1;
        }
        {
            size_t d = depth - 1 - base;
            int is_obj = (obj[d / 64] >> (d % 64)) & 1;
            SKIP_BLANKS();
            if (i < len && t[i] == ',') {
                i++;
                SKIP_BLANKS();
                if (is_obj)
                    goto key;
                continue;
            }
            if (i >= len || t[i] != (is_obj ? '}' : ']'))
                return 0;
            i++;
            depth--;
            goto after;
        }
    key : {
        size_t e;
        uint8_t f;
        if (i >= len || t[i] != '"' || !grd_scan_string(t, len, i, &e, &f))
            return 0;
        i = e + 1;
        SKIP_BLANKS();
        if (i >= len || t[i] != ':')
            return 0;
        i++;
        SKIP_BLANKS();
    }
    }
}
