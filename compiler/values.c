/* SPDX-License-Identifier: Apache-2.0 */
/* Sigma value parsing and value transforms; see values.h. */
#include "values.h"

#include <string.h>

#include "opcodes.h"

static gval_status alloc_str(gar *arena, gval_str *s, size_t len) {
    s->bytes = gar_alloc(arena, len + 1);
    s->marks = gar_alloc(arena, len + 1);
    s->len = 0;
    return s->bytes && s->marks ? GVAL_OK : GVAL_NOMEM;
}

static void put(gval_str *s, unsigned char byte, unsigned char mark) {
    s->bytes[s->len] = byte;
    s->marks[s->len] = mark;
    s->len++;
}

gval_status gval_parse(gar *arena, const char *text, size_t len, gval_str *out) {
    if (alloc_str(arena, out, len) != GVAL_OK)
        return GVAL_NOMEM;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\\') {
            unsigned char next = i + 1 < len ? (unsigned char)text[i + 1] : 0;
            if (i + 1 < len && (next == '*' || next == '?' || next == '\\')) {
                put(out, next, GVAL_LIT);
                i++;
            } else {
                put(out, c, GVAL_LIT); /* not an escape: the backslash stays */
            }
        } else if (c == '*') {
            if (!(out->len && out->marks[out->len - 1] == GVAL_ANY))
                put(out, c, GVAL_ANY);
        } else if (c == '?') {
            put(out, c, GVAL_ONE);
        } else {
            put(out, c, GVAL_LIT);
        }
    }
    return GVAL_OK;
}

gval_status gval_literal(gar *arena, const char *text, size_t len, gval_str *out) {
    if (alloc_str(arena, out, len) != GVAL_OK)
        return GVAL_NOMEM;
    for (size_t i = 0; i < len; i++)
        put(out, (unsigned char)text[i], GVAL_LIT);
    return GVAL_OK;
}

bool gval_has_wildcards(const gval_str *s) {
    for (size_t i = 0; i < s->len; i++)
        if (s->marks[i] != GVAL_LIT)
            return true;
    return false;
}

gval_status gval_wrap(gar *arena, gval_str *s, bool front, bool back) {
    bool add_front = front && !(s->len && s->marks[0] == GVAL_ANY);
    bool add_back = back && !(s->len && s->marks[s->len - 1] == GVAL_ANY);
    if (!add_front && !add_back)
        return GVAL_OK;
    if (s->len == 0 && add_front && add_back)
        add_back = false; /* `*` + `` + `*` is one run */
    gval_str r;
    if (alloc_str(arena, &r, s->len + 2) != GVAL_OK)
        return GVAL_NOMEM;
    if (add_front)
        put(&r, '*', GVAL_ANY);
    for (size_t i = 0; i < s->len; i++)
        put(&r, s->bytes[i], s->marks[i]);
    if (add_back)
        put(&r, '*', GVAL_ANY);
    *s = r;
    return GVAL_OK;
}

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *gval_base64_encode(gar *arena, const unsigned char *data, size_t len, size_t *out_len) {
    size_t n = (len + 2) / 3 * 4;
    char *out = gar_alloc(arena, n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)data[i + 1] << 8;
        if (i + 2 < len)
            v |= data[i + 2];
        out[o++] = b64_alphabet[(v >> 18) & 63];
        out[o++] = b64_alphabet[(v >> 12) & 63];
        out[o++] = i + 1 < len ? b64_alphabet[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < len ? b64_alphabet[v & 63] : '=';
    }
    *out_len = o;
    return out;
}

gval_status gval_base64(gar *arena, gval_str *s) {
    if (gval_has_wildcards(s))
        return GVAL_WILDCARD;
    size_t n = 0;
    char *enc = gval_base64_encode(arena, s->bytes, s->len, &n);
    if (!enc)
        return GVAL_NOMEM;
    return gval_literal(arena, enc, n, s);
}

gval_status gval_base64offset(gar *arena, const gval_str *s, gval_str out[3]) {
    /* Sigma: b64encode(" " * i + value)[start[i] : end[(len + i) % 3]] */
    static const size_t start[3] = {0, 2, 3};
    static const size_t end_trim[3] = {0, 3, 2};
    if (gval_has_wildcards(s))
        return GVAL_WILDCARD;
    unsigned char *buf = gar_alloc(arena, s->len + 3);
    if (!buf)
        return GVAL_NOMEM;
    for (size_t i = 0; i < 3; i++) {
        memset(buf, ' ', i);
        memcpy(buf + i, s->bytes, s->len);
        size_t n = 0;
        char *enc = gval_base64_encode(arena, buf, s->len + i, &n);
        if (!enc)
            return GVAL_NOMEM;
        size_t trim = end_trim[(s->len + i) % 3];
        size_t last = n > trim ? n - trim : 0;
        size_t first = start[i] < last ? start[i] : last;
        if (gval_literal(arena, enc + first, last - first, &out[i]) != GVAL_OK)
            return GVAL_NOMEM;
    }
    return GVAL_OK;
}

/* Decode one UTF-8 sequence; returns its length or 0 when invalid. */
static size_t utf8_decode(const unsigned char *p, size_t avail, uint32_t *cp) {
    unsigned char c = p[0];
    size_t n;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        n = 2, v = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3, v = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n > avail)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (p[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

static void put_unit(gval_str *s, uint32_t unit, bool big_endian) {
    unsigned char hi = (unsigned char)(unit >> 8), lo = (unsigned char)unit;
    put(s, big_endian ? hi : lo, GVAL_LIT);
    put(s, big_endian ? lo : hi, GVAL_LIT);
}

gval_status gval_utf16(gar *arena, gval_str *s, enum gval_utf16 form) {
    bool be = form == GVAL_UTF16BE;
    gval_str r;
    if (alloc_str(arena, &r, s->len * 4 + 2) != GVAL_OK)
        return GVAL_NOMEM;
    if (form == GVAL_UTF16_BOM)
        put_unit(&r, 0xFEFF, false);
    for (size_t i = 0; i < s->len;) {
        if (s->marks[i] != GVAL_LIT) {
            put(&r, s->bytes[i], s->marks[i]);
            i++;
            continue;
        }
        size_t run = 0;
        while (i + run < s->len && s->marks[i + run] == GVAL_LIT)
            run++;
        uint32_t cp = 0;
        size_t n = utf8_decode(s->bytes + i, run, &cp);
        if (n == 0)
            return GVAL_BAD_UTF8;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            put_unit(&r, 0xD800 | (cp >> 10), be);
            put_unit(&r, 0xDC00 | (cp & 0x3FF), be);
        } else {
            put_unit(&r, cp, be);
        }
        i += n;
    }
    *s = r;
    return GVAL_OK;
}

static bool is_word(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c >= 0x80;
}

/* An option dash: `-` or `/` with no word character (of the same literal
 * run) before it and a word character after it. */
static bool is_option_dash(const gval_str *s, size_t i) {
    if (s->marks[i] != GVAL_LIT || (s->bytes[i] != '-' && s->bytes[i] != '/'))
        return false;
    bool prev_word = i > 0 && s->marks[i - 1] == GVAL_LIT && is_word(s->bytes[i - 1]);
    bool next_word = i + 1 < s->len && s->marks[i + 1] == GVAL_LIT && is_word(s->bytes[i + 1]);
    return !prev_word && next_word;
}

gval_status gval_windash(gar *arena, const gval_str *s, size_t max, gval_str **out, size_t *count) {
    static const char *const dashes[5] = {"-", "/", "\xE2\x80\x93", "\xE2\x80\x94", "\xE2\x80\x95"};
    size_t k = 0;
    for (size_t i = 0; i < s->len; i++)
        if (is_option_dash(s, i))
            k++;
    size_t total = 1;
    for (size_t i = 0; i < k; i++) {
        if (total > max / 5)
            return GVAL_TOO_MANY;
        total *= 5;
    }
    if (total > max)
        return GVAL_TOO_MANY;
    gval_str *res = gar_alloc(arena, total * sizeof *res);
    if (!res)
        return GVAL_NOMEM;
    for (size_t v = 0; v < total; v++) {
        if (alloc_str(arena, &res[v], s->len + 2 * k) != GVAL_OK)
            return GVAL_NOMEM;
        size_t digits = v;
        for (size_t i = 0; i < s->len; i++) {
            if (!is_option_dash(s, i)) {
                put(&res[v], s->bytes[i], s->marks[i]);
                continue;
            }
            const char *d = dashes[digits % 5];
            digits /= 5;
            for (; *d; d++)
                put(&res[v], (unsigned char)*d, GVAL_LIT);
        }
    }
    *out = res;
    *count = total;
    return GVAL_OK;
}

void gval_lower(gval_str *s) {
    for (size_t i = 0; i < s->len; i++)
        if (s->marks[i] == GVAL_LIT && s->bytes[i] >= 'A' && s->bytes[i] <= 'Z')
            s->bytes[i] = (unsigned char)(s->bytes[i] - 'A' + 'a');
}

int gval_classify(gar *arena, const gval_str *s, char **text, size_t *len) {
    size_t wild = 0, inner = 0;
    for (size_t i = 0; i < s->len; i++) {
        if (s->marks[i] == GVAL_LIT)
            continue;
        wild++;
        if (s->marks[i] == GVAL_ONE || (i != 0 && i != s->len - 1))
            inner++;
    }
    if (wild == 0) {
        *text = gar_memdup(arena, s->bytes, s->len);
        *len = s->len;
        return GANTRY_OP_EQ;
    }
    if (inner == 0) {
        bool front = s->marks[0] == GVAL_ANY, back = s->marks[s->len - 1] == GVAL_ANY;
        size_t first = front ? 1 : 0;
        size_t last = back && s->len > 1 ? s->len - 1 : s->len;
        if (s->len == 1)
            last = 1, first = 1;
        *text = gar_memdup(arena, s->bytes + first, last - first);
        *len = last - first;
        if (front && back)
            return GANTRY_OP_CONTAINS;
        return front ? GANTRY_OP_ENDSWITH : GANTRY_OP_STARTSWITH;
    }
    char *out = gar_alloc(arena, s->len * 2 + 1);
    if (!out) {
        *text = NULL;
        *len = 0;
        return GANTRY_OP_GLOB;
    }
    size_t o = 0;
    for (size_t i = 0; i < s->len; i++) {
        unsigned char c = s->bytes[i];
        if (s->marks[i] == GVAL_LIT && (c == '*' || c == '?' || c == '\\'))
            out[o++] = '\\';
        out[o++] = (char)c;
    }
    *text = out;
    *len = o;
    return GANTRY_OP_GLOB;
}
