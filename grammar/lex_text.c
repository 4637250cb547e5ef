/* SPDX-License-Identifier: Apache-2.0 */
/* Turning token text into values: string escapes and field paths. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse_state.h"
#include "hexdigit.h"

/* Reads four hex digits at s (n bytes available); -1 when malformed. */
static long hex4(const char *s, size_t n) {
    if (n < 4)
        return -1;
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int d = grt_hex_digit(s[i]);
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static size_t put_utf8(char *out, uint32_t cp) {
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* The location of the escape at byte `at` of a string token starting at
 * `token` (which begins with the opening quote). */
static gparse_loc escape_loc(gparse_loc token, size_t at, size_t len) {
    gparse_loc loc = token;
    loc.first_column = token.first_column + 1 + (int)at;
    loc.first_off = token.first_off + 1 + at;
    loc.last_line = loc.first_line;
    loc.last_column = loc.first_column + (int)len;
    loc.last_off = loc.first_off + len;
    return loc;
}

/* Decodes the body of a quoted string. Escapes other than the documented
 * ones stay as written, so `C:\Windows\*` and Sigma's `\*` keep their
 * backslash for the wildcard pass of the compiler. A malformed \u is
 * reported and replaced by U+FFFD so parsing goes on. */
char *gparse_unescape(gparse_state *st, const char *text, size_t len, gparse_loc loc) {
    /* Valid escapes never grow; a malformed `\u` (2 bytes) becomes U+FFFD
     * (3 bytes), so twice the input always fits. */
    char *out = malloc(len * 2 + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c != '\\' || i + 1 >= len) {
            out[o++] = c;
            continue;
        }
        char e = text[i + 1];
        switch (e) {
        case 'n':
            out[o++] = '\n';
            i++;
            continue;
        case 't':
            out[o++] = '\t';
            i++;
            continue;
        case 'r':
            out[o++] = '\r';
            i++;
            continue;
        case '"':
        case '\'':
        case '\\':
            out[o++] = e;
            i++;
            continue;
        case 'u':
            break;
        default:
            out[o++] = c;
            continue;
        }
        long cp = hex4(text + i + 2, len - i - 2);
        size_t used = 6;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 8 <= len && text[i + 6] == '\\' &&
            text[i + 7] == 'u') {
            long low = hex4(text + i + 8, len - i - 8);
            if (low >= 0xDC00 && low <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                used = 12;
            }
        }
        if (cp < 0) {
            size_t shown = 2;
            while (shown < 6 && i + shown < len && grt_hex_digit(text[i + shown]) >= 0)
                shown++;
            if (i + shown < len && shown < 6)
                shown++;
            gparse_error(st, "E003", escape_loc(loc, i, shown),
                         "invalid escape: `\\u` needs exactly four hexadecimal digits");
            o += put_utf8(out + o, 0xFFFD);
            i += 1;
            continue;
        }
        if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) {
            gparse_error(st, "E003", escape_loc(loc, i, used),
                         cp == 0 ? "invalid escape: `\\u0000` (strings cannot hold NUL)"
                                 : "invalid escape: unpaired UTF-16 surrogate");
            o += put_utf8(out + o, 0xFFFD);
        } else {
            o += put_utf8(out + o, (uint32_t)cp);
        }
        i += used - 1;
    }
    out[o] = '\0';
    return out;
}

/* `a.`b.c`.d` -> "a.b.c.d": backticks only protect characters from the
 * scanner; the runtime finds keys that contain dots by trying split points. */
char *gparse_path_text(const char *text, size_t len) {
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] != '`')
            out[o++] = text[i];
    }
    out[o] = '\0';
    return out;
}
