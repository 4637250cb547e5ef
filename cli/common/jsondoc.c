/* SPDX-License-Identifier: Apache-2.0 */
#include <cJSON.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "jsondoc.h"

/* An EventList wraps its events two levels down: {"items":[{...}]}. */
#define GJD_WRAPPER_DEPTH 2

typedef struct unit_slot {
    gjd_kind kind;
    const char *text; /* into the caller's line, or NULL: into buf */
    size_t off, len;
    uint64_t first_line, last_line;
    const char *reason;
    int group_end;
} unit_slot;

struct gjd_splitter {
    size_t max_bytes;
    unsigned max_depth;
    int enabled, decided, json, defer;
    /* the document being read */
    int in_doc, in_string, escape, too_big, too_deep;
    unsigned depth;
    uint64_t doc_first, doc_last;
    /* Documents spanning lines: buf[doc_off..len) is the open one; bytes
     * before doc_off belong to a unit handed out by this call. */
    char *buf;
    size_t len, cap, doc_off;
    int buffered; /* this document's bytes go to buf (it spans lines) */
    /* units completed by the last call */
    unit_slot *units;
    size_t count, head, units_cap;
};

gjd_splitter *gjd_new(size_t max_bytes, unsigned max_depth) {
    gjd_splitter *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->max_bytes = max_bytes;
    s->max_depth = max_depth + GJD_WRAPPER_DEPTH;
    gjd_reset(s, 1);
    return s;
}

void gjd_free(gjd_splitter *s) {
    if (!s)
        return;
    free(s->buf);
    free(s->units);
    free(s);
}

void gjd_reset(gjd_splitter *s, int enabled) {
    s->enabled = enabled;
    s->decided = s->json = 0;
    s->in_doc = s->in_string = s->escape = s->too_big = s->too_deep = 0;
    s->depth = 0;
    s->len = s->doc_off = 0;
    s->buffered = 0;
    s->count = s->head = 0;
}

void gjd_defer(gjd_splitter *s, int on) {
    s->defer = on;
}

int gjd_line_alone(gjd_splitter *s, const char *line, size_t len, uint64_t line_no) {
    gjd_reset(s, 1);
    s->decided = s->json = 1;
    return gjd_line(s, line, len, line_no);
}

int gjd_open(const gjd_splitter *s) {
    return s->in_doc;
}

static int is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == '\n';
}

static size_t skip_space(const char *p, size_t i, size_t n) {
    while (i < n && is_space(p[i]))
        i++;
    return i;
}

/* Whether a line (from its first non-blank byte) opens a JSON document. An
 * array must open with an object, an array, a string or its end: a
 * bracketed timestamp ("[2024-...") is a log line. */
static int opens_document(const char *p, size_t i, size_t n) {
    if (i >= n)
        return 0;
    if (p[i] == '{')
        return 1;
    if (p[i] != '[')
        return 0;
    size_t j = skip_space(p, i + 1, n);
    return j >= n || p[j] == '{' || p[j] == '[' || p[j] == '"' || p[j] == ']';
}

static int push(gjd_splitter *s, unit_slot u) {
    if (s->count == s->units_cap) {
        size_t cap = s->units_cap ? s->units_cap * 2 : 8;
        unit_slot *p = realloc(s->units, cap * sizeof *p);
        if (!p)
            return -1;
        s->units = p;
        s->units_cap = cap;
    }
    s->units[s->count++] = u;
    return 0;
}

static int buffer(gjd_splitter *s, const char *p, size_t n) {
    if (s->too_big || n == 0)
        return 0;
    if (s->len - s->doc_off + n > s->max_bytes) {
        s->too_big = 1; /* scanned on to its end, never held */
        return 0;
    }
    if (s->len + n > s->cap) {
        size_t cap = s->cap ? s->cap : 4096;
        while (cap < s->len + n)
            cap *= 2;
        char *b = realloc(s->buf, cap);
        if (!b)
            return -1;
        s->buf = b;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, p, n);
    s->len += n;
    return 0;
}

/* The open document ended at line[end-1]. */
static int finish_doc(gjd_splitter *s, const char *line, size_t start, size_t end, uint64_t line_no,
                      int group_end) {
    unit_slot u = {GJD_DOC, NULL, 0, 0, s->doc_first, line_no, NULL, group_end};
    if (s->too_deep || s->too_big || (!s->buffered && end - start > s->max_bytes)) {
        u.kind = GJD_BAD;
        u.reason = s->too_deep ? "JSON document nested deeper than the depth limit"
                               : "JSON document longer than --max-line-bytes";
    } else if (s->buffered) {
        if (buffer(s, line + start, end - start) != 0)
            return -1;
        if (s->too_big) {
            u.kind = GJD_BAD;
            u.reason = "JSON document longer than --max-line-bytes";
        } else {
            u.off = s->doc_off;
            u.len = s->len - s->doc_off;
        }
    } else {
        u.text = line + start;
        u.len = end - start;
    }
    s->in_doc = 0;
    return push(s, u);
}

/* The open document is dropped as one malformed unit over its lines. */
static int cut_short(gjd_splitter *s, const char *reason) {
    s->in_doc = 0;
    unit_slot bad = {GJD_BAD, NULL, 0, 0, s->doc_first, s->doc_last, reason, 1};
    return push(s, bad);
}

/* The bytes the document scan stops at: inside a string a quote or a
 * backslash, outside one a quote or a bracket. Every JSON line goes
 * through this scan, so it is on the matching path: with SSE2 it tests 16
 * bytes at a time, else one load and one test a byte. */
static const unsigned char stop_outside[256] = {
    ['"'] = 1, ['{'] = 1, ['}'] = 1, ['['] = 1, [']'] = 1};
static const unsigned char stop_inside[256] = {['"'] = 1, ['\\'] = 1};

/* The first index from i (at most len) whose byte stops the scan. */
static inline size_t next_stop(const unsigned char *p, size_t i, size_t len, int in_string) {
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
    /* brackets: '[' ']' '{' '}' are exactly the bytes that OR 0x20 turns
     * into '{' or '}' */
    const __m128i low = _mm_set1_epi8(0x20), open = _mm_set1_epi8('{'), close = _mm_set1_epi8('}');
    for (; i + 16 <= len; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        __m128i hit = _mm_cmpeq_epi8(x, quote);
        if (in_string) {
            hit = _mm_or_si128(hit, _mm_cmpeq_epi8(x, backslash));
        } else {
            __m128i folded = _mm_or_si128(x, low);
            hit = _mm_or_si128(
                hit, _mm_or_si128(_mm_cmpeq_epi8(folded, open), _mm_cmpeq_epi8(folded, close)));
        }
        unsigned mask = (unsigned)_mm_movemask_epi8(hit);
        if (mask)
            return i + (size_t)__builtin_ctz(mask);
    }
#endif
    const unsigned char *stop = in_string ? stop_inside : stop_outside;
    while (i < len && !stop[p[i]])
        i++;
    return i;
}

/* Scans the open document over line[i..len): returns the index after its
 * closing bracket with *closed set, or len when it goes on past the line.
 * The string, escape and depth state carries over to the next line. */
static size_t doc_scan(gjd_splitter *s, const char *line, size_t i, size_t len, int *closed) {
    const unsigned char *p = (const unsigned char *)line;
    int in_string = s->in_string;
    unsigned depth = s->depth;
    *closed = 0;
    if (in_string && s->escape && i < len) {
        s->escape = 0;
        i++;
    }
    while (i < len) {
        if (in_string) {
            i = next_stop(p, i, len, 1);
            if (i >= len)
                break;
            if (p[i] == '"') {
                in_string = 0;
                i++;
            } else if (i + 1 < len) {
                i += 2; /* a backslash and the byte it escapes */
            } else {
                s->escape = 1;
                i = len;
            }
            continue;
        }
        i = next_stop(p, i, len, 0);
        if (i >= len)
            break;
        unsigned char c = p[i++];
        if (c == '"') {
            in_string = 1;
        } else if (c == '{' || c == '[') {
            if (++depth > s->max_depth)
                s->too_deep = 1;
        } else if (--depth == 0) {
            *closed = 1;
            break;
        }
    }
    s->in_string = in_string;
    s->depth = depth;
    return i;
}

int gjd_line(gjd_splitter *s, const char *line, size_t len, uint64_t line_no) {
    s->count = s->head = 0;
    /* the units of the last call are used up: keep only the open document */
    if (s->in_doc && s->doc_off) {
        memmove(s->buf, s->buf + s->doc_off, s->len - s->doc_off);
        s->len -= s->doc_off;
    } else if (!s->in_doc) {
        s->len = 0;
    }
    s->doc_off = 0;
    unit_slot plain = {GJD_LINE, line, 0, len, line_no, line_no, NULL, 1};
    size_t lead = skip_space(line, 0, len);
    if (!s->enabled || (!s->decided && lead == len))
        return push(s, plain);
    if (!s->decided) {
        s->decided = 1;
        s->json = opens_document(line, lead, len);
    }
    if (!s->json || (!s->in_doc && !opens_document(line, lead, len)))
        return push(s, plain);
    /* Such a line leaves no document open (the checks below close one that
     * began past its first bracket or did not end on it), so it can be
     * split later and elsewhere. */
    if (s->defer && !s->in_doc && line[lead] == '{' && skip_space(line, lead + 1, len) < len) {
        plain.kind = GJD_UNSPLIT;
        return push(s, plain);
    }
    /* An open document meets a line opening another at its first column:
     * pretty printers indent what is nested, so the open one was cut. */
    if (s->in_doc && (line[0] == '{' || line[0] == '[')) {
        if (cut_short(s, "JSON document cut short by the next one") != 0)
            return -1;
        if (!opens_document(line, lead, len))
            return push(s, plain);
    }
    size_t i = s->in_doc ? 0 : lead;
    size_t start = 0; /* where the open document's bytes on this line begin */
    while (i < len) {
        if (!s->in_doc) {
            i = skip_space(line, i, len);
            if (i >= len)
                break;
            if (line[i] != '{' && line[i] != '[') {
                unit_slot bad = {
                    GJD_BAD, NULL, 0, 0, line_no, line_no, "text after a JSON document", 1};
                return push(s, bad);
            }
            s->in_doc = 1;
            s->in_string = s->escape = s->too_big = s->too_deep = 0;
            s->depth = 0;
            s->doc_first = line_no;
            s->doc_off = s->len; /* after a document of this line, if any */
            s->buffered = 0;
            start = i;
        }
        /* inside a document: find its end on this line */
        int closed;
        i = doc_scan(s, line, i, len, &closed);
        if (closed) {
            int group_end = skip_space(line, i, len) == len;
            if (finish_doc(s, line, start, i, line_no, group_end) != 0)
                return -1;
        }
    }
    if (s->in_doc && s->doc_first == line_no &&
        (start != lead || skip_space(line, start + 1, len) != len)) {
        /* A document goes on over lines only from a line holding just its
         * opening bracket (as pretty printers write it); a line cut short
         * is a malformed line of its own. */
        s->in_doc = 0;
        if (s->count == 0)
            return push(s, plain);
        unit_slot bad = {GJD_BAD, NULL, 0, 0, line_no, line_no, "JSON document not closed", 1};
        return push(s, bad);
    }
    if (s->in_doc && s->in_string) {
        /* JSON strings hold no newline: this document is broken */
        s->doc_last = line_no;
        return cut_short(s, "newline inside a JSON string");
    }
    if (s->in_doc) {
        /* the document goes on: keep this line's part, newline included */
        s->buffered = 1;
        s->doc_last = line_no;
        if (buffer(s, line + start, len - start) != 0 || buffer(s, "\n", 1) != 0)
            return -1;
    }
    /* One object alone on its line is a JSON line as before: the normalizer
     * reads it as it is (an EventList is unpacked instead). */
    if (s->count == 1 && s->units[0].kind == GJD_DOC && s->units[0].text == line + lead &&
        s->units[0].first_line == line_no && line[lead] == '{' &&
        !gjd_mentions_eventlist(line, len))
        s->units[0] = plain;
    return 0;
}

int gjd_too_long(gjd_splitter *s, uint64_t line_no) {
    s->count = s->head = 0;
    if (s->in_doc) {
        s->too_big = 1;
        s->doc_last = line_no;
        return 0;
    }
    unit_slot bad = {GJD_BAD, NULL, 0, 0, line_no, line_no, "line longer than --max-line-bytes", 1};
    return push(s, bad);
}

void gjd_end(gjd_splitter *s) {
    s->count = s->head = 0;
    if (!s->in_doc)
        return;
    cut_short(s, "JSON document not closed at the end of the input");
}

int gjd_next(gjd_splitter *s, gjd_unit *unit) {
    if (s->head >= s->count)
        return 0;
    const unit_slot *u = &s->units[s->head++];
    unit->kind = u->kind;
    unit->text = u->kind == GJD_BAD ? NULL : u->text ? u->text : s->buf + u->off;
    unit->len = u->len;
    unit->first_line = u->first_line;
    unit->last_line = u->last_line;
    unit->reason = u->reason;
    unit->group_end = u->group_end;
    return 1;
}

int gjd_mentions_eventlist(const char *text, size_t len) {
    static const char word[] = "EventList";
    const size_t n = sizeof word - 1;
    for (const char *p = text; len >= n;) {
        const char *e = memchr(p, 'E', len - n + 1);
        if (!e)
            return 0;
        if (memcmp(e, word, n) == 0)
            return 1;
        len -= (size_t)(e - p) + 1;
        p = e + 1;
    }
    return 0;
}

int gjd_each_event(const char *text, size_t len, gjd_event_fn fn, void *ctx, const char **reason) {
    int list = (len > 0 && text[0] == '[') || gjd_mentions_eventlist(text, len);
    if (!list) {
        fn(ctx, text, len);
        return 0;
    }
    cJSON *root = cJSON_ParseWithLength(text, len);
    const cJSON *items = root;
    if (root && cJSON_IsObject(root)) {
        const cJSON *kind = cJSON_GetObjectItemCaseSensitive(root, "kind");
        items = cJSON_IsString(kind) && strcmp(kind->valuestring, "EventList") == 0
                    ? cJSON_GetObjectItemCaseSensitive(root, "items")
                    : NULL;
        if (!items) { /* an object that merely mentions EventList */
            cJSON_Delete(root);
            fn(ctx, text, len);
            return 0;
        }
    }
    if (!cJSON_IsArray(items)) {
        *reason = root ? "EventList without an items array" : "JSON document is not valid JSON";
        cJSON_Delete(root);
        return -1;
    }
    const cJSON *item;
    cJSON_ArrayForEach(item, items) {
        char *one = cJSON_PrintUnformatted(item);
        fn(ctx, one, one ? strlen(one) : 0);
        cJSON_free(one);
    }
    cJSON_Delete(root);
    return 0;
}
