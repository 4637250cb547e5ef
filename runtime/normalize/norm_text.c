/* SPDX-License-Identifier: Apache-2.0 */
/* Text log forms: syslog/journald prefixes, logrus (key=value and TTY
 * "INFO[ts] msg k=v" forms), klog, Go string unquoting, and a brace-balance
 * scanner for JSON bodies logged over several lines. */
#include <stdlib.h>
#include <string.h>

#include "normalize.h"
#include "hexdigit.h"

static int is_digit(char c) {
    return c >= '0' && c <= '9';
}

static int is_key_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' ||
           c == '.' || c == '-' || c == '/';
}

size_t gnorm_syslog_prefix(const char *line, size_t len, gnorm_span *host, gnorm_span *program) {
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    host->p = program->p = NULL;
    host->n = program->n = 0;
    /* "Mar 06 18:17:44 " */
    if (len < 17 || line[3] != ' ')
        return 0;
    int month = 0;
    for (int m = 0; m < 12; m++)
        if (memcmp(line, months + 3 * m, 3) == 0)
            month = 1;
    if (!month)
        return 0;
    size_t i = 4;
    if (line[i] == ' ')
        i++;
    while (i < len && is_digit(line[i]))
        i++;
    if (i + 10 > len || line[i] != ' ' || line[i + 3] != ':' || line[i + 6] != ':')
        return 0;
    i += 9;
    while (i < len && line[i] != ' ')
        i++; /* fractional seconds */
    if (i >= len)
        return 0;
    i++;
    /* [host ]program[pid]: */
    size_t w1 = i;
    while (i < len && line[i] != ' ' && line[i] != ':')
        i++;
    size_t w1_end = i;
    if (i < len && line[i] == ' ') {
        size_t w2 = ++i;
        while (i < len && line[i] != ' ' && line[i] != ':')
            i++;
        if (i >= len || line[i] != ':')
            return 0;
        host->p = line + w1;
        host->n = w1_end - w1;
        program->p = line + w2;
        program->n = i - w2;
    } else if (i < len && line[i] == ':') {
        program->p = line + w1;
        program->n = w1_end - w1;
    } else {
        return 0;
    }
    /* drop "[pid]" from the program */
    const char *br = memchr(program->p, '[', program->n);
    if (br)
        program->n = (size_t)(br - program->p);
    i++;
    if (i < len && line[i] == ' ')
        i++;
    return i;
}

/* Parses `key=value` pairs from p to end; returns 0 unless all of it is pairs. */
static int parse_pairs(const char *p, const char *end, gnorm_logline *out) {
    out->nkv = 0;
    while (p < end) {
        while (p < end && *p == ' ')
            p++;
        if (p >= end)
            break;
        const char *k = p;
        while (p < end && is_key_char(*p))
            p++;
        if (p == k || p >= end || *p != '=')
            return 0;
        gnorm_kv kv = {{k, (size_t)(p - k)}, {NULL, 0}};
        p++;
        const char *v = p;
        if (p < end && *p == '"') {
            p++;
            while (p < end && *p != '"') {
                if (*p == '\\')
                    p++;
                p++;
            }
            if (p >= end)
                return 0;
            p++;
        } else {
            while (p < end && *p != ' ')
                p++;
        }
        kv.value.p = v;
        kv.value.n = (size_t)(p - v);
        if (out->nkv < GNORM_MAX_KV)
            out->kv[out->nkv++] = kv;
        if (p < end && *p != ' ')
            return 0;
    }
    return 1;
}

static void strip_quotes(gnorm_span *s, int *quoted) {
    if (s->n >= 2 && s->p[0] == '"' && s->p[s->n - 1] == '"') {
        if (quoted)
            *quoted = 1;
        else {
            s->p++;
            s->n -= 2;
        }
    }
}

static int logrus_kv(const char *line, size_t len, gnorm_logline *out) {
    if (len < 6 || memcmp(line, "time=", 5) != 0)
        return 0;
    if (!parse_pairs(line, line + len, out))
        return 0;
    int have_msg = 0;
    size_t w = 0;
    for (size_t i = 0; i < out->nkv; i++) {
        gnorm_kv *kv = &out->kv[i];
        if (kv->key.n == 4 && memcmp(kv->key.p, "time", 4) == 0) {
            out->time = kv->value;
            strip_quotes(&out->time, NULL);
        } else if (kv->key.n == 5 && memcmp(kv->key.p, "level", 5) == 0) {
            out->level = kv->value;
            strip_quotes(&out->level, NULL);
        } else if (kv->key.n == 3 && memcmp(kv->key.p, "msg", 3) == 0) {
            out->msg = kv->value;
            out->quoted = 0;
            strip_quotes(&out->msg, &out->quoted);
            have_msg = 1;
        } else {
            out->kv[w++] = *kv;
        }
    }
    out->nkv = w;
    out->form = 1;
    return have_msg;
}

static int logrus_tty(const char *line, size_t len, gnorm_logline *out) {
    static const char *const levels[] = {"DEBU", "INFO", "WARN", "ERRO", "FATA", "PANI", "TRAC"};
    if (len < 7 || line[4] != '[')
        return 0;
    int ok = 0;
    for (size_t i = 0; i < 7; i++)
        if (memcmp(line, levels[i], 4) == 0)
            ok = 1;
    const char *close = ok ? memchr(line + 5, ']', len - 5) : NULL;
    if (!close)
        return 0;
    out->level.p = line;
    out->level.n = 4;
    out->time.p = line + 5;
    out->time.n = (size_t)(close - line - 5);
    const char *msg = close + 1;
    const char *end = line + len;
    while (msg < end && *msg == ' ')
        msg++;
    /* The message ends where the rest of the line is all key=value pairs. */
    const char *msg_end = end;
    for (const char *p = msg; p < end; p++) {
        if (*p == ' ' && p + 1 < end && p[1] != ' ' && parse_pairs(p + 1, end, out) &&
            out->nkv > 0) {
            msg_end = p;
            break;
        }
    }
    if (msg_end == end)
        out->nkv = 0;
    while (msg_end > msg && msg_end[-1] == ' ')
        msg_end--;
    out->msg.p = msg;
    out->msg.n = (size_t)(msg_end - msg);
    out->quoted = 0;
    out->form = 2;
    return 1;
}

/* I0919 08:39:23.396408   18297 events.go:61] message */
static int klog(const char *line, size_t len, gnorm_logline *out) {
    if (len < 22 || !memchr("IWEF", line[0], 4))
        return 0;
    for (int i = 1; i <= 4; i++)
        if (!is_digit(line[i]))
            return 0;
    if (line[5] != ' ' || line[8] != ':' || line[11] != ':')
        return 0;
    const char *close = memchr(line + 12, ']', len - 12);
    if (!close)
        return 0;
    out->level.p = line;
    out->level.n = 1;
    out->time.p = line + 1;
    const char *t_end = memchr(line + 6, ' ', len - 6);
    out->time.n = t_end ? (size_t)(t_end - line - 1) : 4;
    const char *msg = close + 1;
    if (msg < line + len && *msg == ' ')
        msg++;
    out->msg.p = msg;
    out->msg.n = (size_t)(line + len - msg);
    out->quoted = 0;
    out->nkv = 0;
    out->form = 3;
    return 1;
}

int gnorm_parse_logline(const char *line, size_t len, gnorm_logline *out) {
    memset(out, 0, sizeof *out);
    return logrus_kv(line, len, out) || logrus_tty(line, len, out) || klog(line, len, out);
}

const gnorm_kv *gnorm_kv_find(const gnorm_logline *l, const char *key) {
    size_t n = strlen(key);
    for (size_t i = 0; i < l->nkv; i++)
        if (l->kv[i].key.n == n && memcmp(l->kv[i].key.p, key, n) == 0)
            return &l->kv[i];
    return NULL;
}

gantry_status gnorm_unquote(gnorm_span q, char **buf, size_t *cap, size_t *len) {
    const char *p = q.p, *end = q.p + q.n;
    if (q.n >= 2 && p[0] == '"' && end[-1] == '"') {
        p++;
        end--;
    }
    size_t need = (size_t)(end - p) + 1;
    if (*cap < need) {
        char *n = realloc(*buf, need);
        if (!n)
            return GANTRY_E_NOMEM;
        *buf = n;
        *cap = need;
    }
    char *w = *buf;
    while (p < end) {
        if (*p != '\\' || p + 1 >= end) {
            *w++ = *p++;
            continue;
        }
        p++;
        switch (*p) {
        case 'n':
            *w++ = '\n';
            p++;
            break;
        case 't':
            *w++ = '\t';
            p++;
            break;
        case 'r':
            *w++ = '\r';
            p++;
            break;
        case 'x':
            if (p + 2 < end && grt_hex_digit(p[1]) >= 0 && grt_hex_digit(p[2]) >= 0) {
                *w++ = (char)(grt_hex_digit(p[1]) * 16 + grt_hex_digit(p[2]));
                p += 3;
            } else {
                *w++ = *p++;
            }
            break;
        case 'u': {
            /* Code points below 0x80 only: others stay escaped text. */
            if (p + 4 < end && grt_hex_digit(p[1]) >= 0 && grt_hex_digit(p[2]) >= 0 &&
                grt_hex_digit(p[3]) >= 0 && grt_hex_digit(p[4]) >= 0) {
                int cp = (grt_hex_digit(p[1]) << 12) | (grt_hex_digit(p[2]) << 8) |
                         (grt_hex_digit(p[3]) << 4) | grt_hex_digit(p[4]);
                if (cp < 0x80) {
                    *w++ = (char)cp;
                    p += 5;
                    break;
                }
            }
            *w++ = '\\';
            break;
        }
        default:
            *w++ = *p++;
            break;
        }
    }
    *w = '\0';
    *len = (size_t)(w - *buf);
    return GANTRY_OK;
}

void gnorm_balance_feed(gnorm_balance *b, const char *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (b->in_string) {
            if (b->escape)
                b->escape = 0;
            else if (c == '\\')
                b->escape = 1;
            else if (c == '"')
                b->in_string = 0;
        } else if (c == '"') {
            b->in_string = 1;
        } else if (c == '{' || c == '[') {
            b->depth++;
            b->started = 1;
        } else if (c == '}' || c == ']') {
            b->depth--;
        }
    }
}
