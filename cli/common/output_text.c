/* SPDX-License-Identifier: Apache-2.0 */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output_text.h"

static const gmo_context_field context[] = {
    {"user", "user.name"},
    {"ns", "orchestrator.namespace"},
    {"kind", "orchestrator.resource.type"},
    {"name", "orchestrator.resource.name"},
    {"container", "container.name"},
    {"image", "container.image.name"},
    {"action", "event.action"},
    {"host", "host.name"},
};

const gmo_context_field *gmo_context_fields(size_t *count) {
    *count = sizeof context / sizeof context[0];
    return context;
}

/* Code points a terminal could be tricked by: C1 controls and the
 * bidirectional marks and overrides ("Trojan Source"). */
static int unsafe_code_point(unsigned cp) {
    return (cp >= 0x80 && cp <= 0x9F) || cp == 0x200E || cp == 0x200F ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* The UTF-8 sequence at s[0..len): its length, or 0 when it is not valid
 * (overlong forms and surrogates included). */
static size_t utf8_sequence(const unsigned char *s, size_t len, unsigned *cp) {
    unsigned c = s[0];
    size_t n;
    unsigned min;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2, min = 0x80, c &= 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3, min = 0x800, c &= 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, min = 0x10000, c &= 0x07;
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

/* The next piece of s from *i: its text in out (up to 8 bytes) and its
 * width in characters. */
static size_t next_piece(const char *s, size_t len, size_t *i, char *out, size_t *out_len) {
    const unsigned char *u = (const unsigned char *)s + *i;
    unsigned c = u[0];
    if (c < 0x20 || c == 0x7F) {
        (*i)++;
        const char *named = c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r" : NULL;
        if (named) {
            memcpy(out, named, 2);
            *out_len = 2;
            return 2;
        }
        *out_len = (size_t)snprintf(out, 8, "\\x%02x", c);
        return 4;
    }
    if (c < 0x80) {
        (*i)++;
        out[0] = (char)c;
        *out_len = 1;
        return 1;
    }
    unsigned cp = 0;
    size_t n = utf8_sequence(u, len - *i, &cp);
    if (n == 0) {
        (*i)++;
        *out_len = (size_t)snprintf(out, 8, "\\x%02x", c);
        return 4;
    }
    *i += n;
    if (unsafe_code_point(cp)) {
        *out_len = (size_t)snprintf(out, 8, "\\u%04x", cp);
        return 6;
    }
    memcpy(out, u, n);
    *out_len = n;
    return 1;
}

size_t gmo_escaped_width(const char *s, size_t len) {
    size_t i = 0, width = 0;
    char piece[8];
    size_t piece_len;
    while (i < len)
        width += next_piece(s, len, &i, piece, &piece_len);
    return width;
}

int gmo_escape(gmo_buffer *b, const char *s, size_t len, size_t max, size_t *chars) {
    size_t total = gmo_escaped_width(s, len);
    /* Cut: keep what fits before the ellipsis, which takes one character. */
    size_t keep = total <= max ? total : (max > 0 ? max - 1 : 0);
    size_t i = 0, used = 0;
    char piece[8];
    size_t piece_len;
    while (i < len) {
        size_t w = next_piece(s, len, &i, piece, &piece_len);
        if (used + w > keep)
            break;
        if (gmo_buf_add(b, piece, piece_len) != 0)
            return -1;
        used += w;
    }
    if (total > max && max > 0) {
        if (gmo_buf_str(b, "\xE2\x80\xA6") != 0)
            return -1;
        used++;
    }
    if (chars)
        *chars = used;
    return 0;
}

static int pad(gmo_buffer *b, size_t n) {
    for (size_t k = 0; k < n; k++)
        if (gmo_buf_char(b, ' ') != 0)
            return -1;
    return 0;
}

/* The context as one unescaped text: `label=value` for each field the event
 * has, separated by spaces. */
static int context_text(gmo_buffer *c, const gmo_text_line *t, const cJSON *event) {
    size_t n_default;
    const gmo_context_field *def = gmo_context_fields(&n_default);
    size_t n = t->fields ? t->fields->count : n_default;
    for (size_t k = 0; k < n; k++) {
        const char *label = t->fields ? t->fields->fields[k].name : def[k].label;
        const char *path = t->fields ? t->fields->fields[k].path : def[k].path;
        size_t mark = c->len;
        if ((c->len && gmo_buf_char(c, ' ') != 0) || gmo_buf_str(c, label) != 0 ||
            gmo_buf_char(c, '=') != 0)
            return -1;
        int values = gmo_field_text(c, event, path);
        if (values < 0)
            return -1;
        /* The default context leaves out what the source does not have;
         * asked-for fields show empty so that their place stays visible. */
        if (values == 0 && !t->fields) {
            c->len = mark;
            if (c->data)
                c->data[mark] = '\0';
        }
    }
    return 0;
}

/* The widths of the fixed columns: the time and the longest level name. */
#define TIME_WIDTH 20
#define LEVEL_WIDTH 13
#define MIN_COLUMN 12

int gmo_render_text(gmo_buffer *b, const gmo_text_line *t, const cJSON *event) {
    b->len = 0;
    char loc[64];
    char when[32] = "-";
    if (t->has_time)
        gmo_format_time(t->time_ns, 0, when);
    gmo_buffer ctx = {0};
    int rc = -1;
    if (context_text(&ctx, t, event) != 0)
        goto done;
    size_t file_width = gmo_escaped_width(t->file, strlen(t->file));
    size_t loc_width =
        file_width + (size_t)snprintf(loc, sizeof loc, ":%llu", (unsigned long long)t->line);
    /* The title column is the same on every line (a third of what the
     * fixed columns leave at most); the context takes the rest but for the
     * location, which is never cut, so lines end at the width. */
    size_t title_w = t->title_width, ctx_w = SIZE_MAX;
    size_t file_cut = 0; /* bytes left out at the start of a long file name */
    if (t->width) {
        size_t fixed = TIME_WIDTH + 1 + LEVEL_WIDTH + 1;
        size_t avail = t->width > fixed ? t->width - fixed : 0;
        if (title_w > avail / 3)
            title_w = avail / 3 > MIN_COLUMN ? avail / 3 : MIN_COLUMN;
        /* A long location squeezes the context, then the title, then is cut
         * at its start itself. */
        size_t rest = title_w + 2 + 2 + loc_width;
        if (avail < rest + MIN_COLUMN) {
            size_t over = rest + MIN_COLUMN - avail;
            size_t spare = title_w > MIN_COLUMN ? title_w - MIN_COLUMN : 0;
            size_t take = over < spare ? over : spare;
            title_w -= take;
            over -= take;
            while (over > 0 && file_cut < strlen(t->file)) {
                file_cut++;
                while (((unsigned char)t->file[file_cut] & 0xC0) == 0x80)
                    file_cut++;
                size_t w = gmo_escaped_width(t->file + file_cut, strlen(t->file + file_cut)) + 1;
                if (w + (loc_width - file_width) + title_w + 4 + MIN_COLUMN <= avail)
                    over = 0;
            }
            if (file_cut)
                loc_width = gmo_escaped_width(t->file + file_cut, strlen(t->file + file_cut)) + 1 +
                            (loc_width - file_width);
            rest = title_w + 2 + 2 + loc_width;
        }
        ctx_w = avail > rest + MIN_COLUMN ? avail - rest : MIN_COLUMN;
    }
    size_t used;
    if (gmo_buf_str(b, when) != 0 || pad(b, TIME_WIDTH + 1 - strlen(when)) != 0 ||
        gmo_buf_str(b, t->color_on) != 0 || gmo_buf_str(b, t->level) != 0 ||
        gmo_buf_str(b, t->color_off) != 0 || pad(b, LEVEL_WIDTH + 1 - strlen(t->level)) != 0 ||
        gmo_escape(b, t->title, strlen(t->title), title_w, &used) != 0 ||
        pad(b, title_w - used + 2) != 0)
        goto done;
    if (ctx.len) {
        if (gmo_escape(b, ctx.data, ctx.len, ctx_w, &used) != 0)
            goto done;
    } else {
        used = 0;
    }
    if ((t->width && pad(b, ctx_w - used) != 0) || gmo_buf_str(b, "  ") != 0 ||
        (file_cut && gmo_buf_str(b, "\xE2\x80\xA6") != 0) ||
        gmo_escape(b, t->file + file_cut, strlen(t->file + file_cut), SIZE_MAX, NULL) != 0 ||
        gmo_buf_str(b, loc) != 0 || gmo_buf_char(b, '\n') != 0)
        goto done;
    rc = 0;
done:
    free(ctx.data);
    return rc;
}
