/* SPDX-License-Identifier: Apache-2.0 */
/* Request body -> events. The body goes line by line through the JSON
 * document splitter `gantry match` uses (jsondoc.h), and each document
 * through its EventList and array unpacking, so a body reads exactly as the
 * same bytes would in a file. Only the verdict differs: a file goes on past
 * an unreadable part, while a body is refused whole, so the sender learns of
 * it (400) and nothing of it is half matched. */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "jsondoc.h"
#include "serve.h"

gsv_batch *gsv_batch_new(void) {
    return calloc(1, sizeof(gsv_batch));
}

void gsv_batch_free(gsv_batch *b) {
    if (!b)
        return;
    free(b->data);
    free(b);
}

int gsv_batch_add(gsv_batch *b, const char *text, size_t len) {
    size_t need = sizeof(size_t) + len;
    if (b->cap - b->len < need) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap - b->len < need)
            cap *= 2;
        char *p = realloc(b->data, cap);
        if (!p)
            return -1;
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, &len, sizeof len);
    memcpy(b->data + b->len + sizeof len, text, len);
    b->len += need;
    b->count++;
    /* the allocation is what memory holds, not the text */
    b->bytes = sizeof *b + b->cap;
    return 0;
}

int gsv_batch_next(const gsv_batch *b, size_t *pos, const char **text, size_t *len) {
    if (*pos + sizeof(size_t) > b->len)
        return 0;
    memcpy(len, b->data + *pos, sizeof *len);
    *text = b->data + *pos + sizeof *len;
    *pos += sizeof *len + *len;
    return 1;
}

typedef struct decode {
    gsv_batch *batch;
    int nomem;
} decode;

static void on_event(void *ctx, const char *text, size_t len) {
    decode *d = ctx;
    if (!text || gsv_batch_add(d->batch, text, len) != 0)
        d->nomem = 1;
}

static int blank(const char *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n' && p[i] != '\f' &&
            p[i] != '\v')
            return 0;
    return 1;
}

/* Whether the text is one JSON value and nothing else, however its lines
 * are laid out. */
static int one_value(const char *body, size_t len) {
    const char *end = NULL;
    cJSON *v = cJSON_ParseWithLengthOpts(body, len, &end, 0);
    cJSON_Delete(v);
    return v && end && blank(end, (size_t)(body + len - end));
}

/* One unit of the splitter: 0, or -1 with `why` written. */
static int take_unit(decode *d, const gjd_unit *u, char *why, size_t why_size) {
    const char *reason = NULL;
    if (u->kind == GJD_BAD) {
        reason = u->reason;
    } else if (u->kind == GJD_LINE) {
        if (blank(u->text, u->len))
            return 0;
        size_t i = 0;
        while (i < u->len && (u->text[i] == ' ' || u->text[i] == '\t'))
            i++;
        /* a JSON line, or a document the splitter found unclosed on its
         * line (it hands those on as lines, for the normalizer to refuse):
         * here the body is refused instead */
        if (u->text[i] != '{')
            reason = "not a JSON object";
        else if (!one_value(u->text, u->len))
            reason = "not valid JSON";
        else
            on_event(d, u->text, u->len);
    } else if (u->text[0] != '[' && !gjd_mentions_eventlist(u->text, u->len) &&
               !one_value(u->text, u->len)) {
        /* a lone document is handed on unparsed: check it here (lists are
         * parsed to be unpacked) */
        reason = "not valid JSON";
    } else if (gjd_each_event(u->text, u->len, on_event, d, &reason) == 0) {
        reason = NULL;
    }
    if (!reason)
        return 0;
    snprintf(why, why_size, "line %llu: %s", (unsigned long long)u->first_line, reason);
    return -1;
}

static gsv_body_result split(const char *body, size_t len, unsigned max_depth, decode *d, char *why,
                             size_t why_size);

gsv_body_result gsv_decode_body(const char *body, size_t len, unsigned max_depth, gsv_batch *b,
                                char *why, size_t why_size) {
    if (blank(body, len)) {
        snprintf(why, why_size, "empty body");
        return GSV_BODY_BAD;
    }
    decode d = {b, 0};
    gsv_body_result result = split(body, len, max_depth, &d, why, why_size);
    /* The splitter reads a document over several lines only as pretty
     * printers lay it out; a body is complete, so one document in any
     * layout is taken as it is (only when the lines did not read, and
     * never past the depth limit). */
    if (result == GSV_BODY_BAD && !strstr(why, "deeper than") && one_value(body, len)) {
        b->count = b->len = 0;
        const char *reason = NULL;
        if (gjd_each_event(body, len, on_event, &d, &reason) != 0) {
            snprintf(why, why_size, "%s", reason);
            return GSV_BODY_BAD;
        }
        result = d.nomem ? GSV_BODY_NOMEM : GSV_BODY_OK;
    }
    return result;
}

static gsv_body_result split(const char *body, size_t len, unsigned max_depth, decode *d, char *why,
                             size_t why_size) {
    /* a document may be as long as the body itself: the body limit holds */
    gjd_splitter *s = gjd_new(len + 1, max_depth);
    if (!s)
        return GSV_BODY_NOMEM;
    gsv_body_result result = GSV_BODY_OK;
    uint64_t line_no = 0;
    int done = 0;
    for (size_t at = 0; !done && result == GSV_BODY_OK;) {
        if (at < len) {
            const char *nl = memchr(body + at, '\n', len - at);
            size_t end = nl ? (size_t)(nl - body) : len;
            size_t n = end - at;
            if (n > 0 && body[at + n - 1] == '\r')
                n--;
            if (gjd_line(s, body + at, n, ++line_no) != 0)
                result = GSV_BODY_NOMEM;
            at = end + 1;
        } else {
            gjd_end(s);
            done = 1;
        }
        gjd_unit u;
        while (result == GSV_BODY_OK && gjd_next(s, &u)) {
            if (take_unit(d, &u, why, why_size) != 0)
                result = GSV_BODY_BAD;
            else if (d->nomem)
                result = GSV_BODY_NOMEM;
        }
    }
    gjd_free(s);
    return result;
}

int gsv_gunzip(const char *in, size_t len, size_t max, char **out, size_t *out_len) {
    *out = NULL;
    *out_len = 0;
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
        return -2;
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)len;
    char *buf = NULL;
    size_t used = 0, cap = 0;
    int result = 0;
    for (;;) {
        if (used == cap) {
            if (cap >= max) {
                result = 1; /* full, and more to come or not: decided below */
                break;
            }
            size_t grown = cap ? (cap > max / 2 ? max : cap * 2) : (max < 65536 ? max : 65536);
            char *p = realloc(buf, grown);
            if (!p) {
                result = -2;
                break;
            }
            buf = p;
            cap = grown;
        }
        z.next_out = (Bytef *)buf + used;
        z.avail_out = (uInt)(cap - used);
        int rc = inflate(&z, Z_NO_FLUSH);
        used = cap - z.avail_out;
        if (rc == Z_STREAM_END) {
            if (z.avail_in == 0)
                break;
            /* gzip members one after another (as `cat a.gz b.gz`) */
            if (inflateReset(&z) != Z_OK) {
                result = -1;
                break;
            }
        } else if (rc != Z_OK || (z.avail_in == 0 && used < cap)) {
            /* an error, or the input ended inside a member */
            result = rc == Z_MEM_ERROR ? -2 : -1;
            break;
        }
    }
    if (result == 1) {
        /* the limit is reached: larger only if anything more comes out */
        char one;
        z.next_out = (Bytef *)&one;
        z.avail_out = 1;
        int rc = inflate(&z, Z_NO_FLUSH);
        if (z.avail_out == 0 || (rc == Z_STREAM_END && z.avail_in > 0))
            result = 1; /* more output, or another member follows */
        else if (rc == Z_STREAM_END)
            result = 0;
        else
            result = rc == Z_MEM_ERROR ? -2 : -1;
    }
    inflateEnd(&z);
    if (result != 0) {
        free(buf);
        return result;
    }
    *out = buf;
    *out_len = used;
    return 0;
}
