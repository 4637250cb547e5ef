/* SPDX-License-Identifier: Apache-2.0 */
/* The --exclusions file: one exclusion per line,
 *
 *     RULE [FIELD=VALUE]...
 *
 * RULE is a rule id, name or title (double quotes around anything with blanks)
 * or `*` for every rule; each FIELD=VALUE is a schema field or raw:PATH
 * and the value it must have (quoted when it holds blanks, `"` or `#`).
 * All conditions of a line must hold; `#` starts a comment. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output_fields.h"
#include "select.h"

void gsel_point(const gsel_exclusions *ex, const char *path, unsigned line, unsigned col,
                const char *message, char *err, size_t err_size) {
    const char *p = ex->text ? ex->text : "";
    for (unsigned l = 1; l < line && *p; l++) {
        const char *nl = strchr(p, '\n');
        p = nl ? nl + 1 : p + strlen(p);
    }
    size_t len = strcspn(p, "\r\n");
    int n = snprintf(err, err_size, "%s:%u:%u: %s\n    %.*s\n    %*s^", path, line, col, message,
                     (int)len, p, (int)(col > 0 ? col - 1 : 0), "");
    (void)n;
}

typedef struct scan {
    const char *p;       /* the current character */
    const char *line_at; /* the current line's first character */
    unsigned line;
} scan;

static unsigned column(const scan *s, const char *at) {
    return (unsigned)(at - s->line_at) + 1;
}

static int blank(char c) {
    return c == ' ' || c == '\t' || c == '\r';
}

/* Reads one word: bare up to a blank, `=`, `#` or the line's end (when
 * stop_at_equals), or double-quoted with \" and \\ escapes. *out is a new
 * string. Returns 0, 1 when the quote is not closed on the line, -1 when
 * memory ran out. */
static int word(scan *s, int stop_at_equals, char **out) {
    const char *p = s->p;
    size_t cap = 16, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return -1;
    if (*p == '"') {
        p++;
        for (;;) {
            if (*p == '\0' || *p == '\n') {
                free(buf);
                return 1;
            }
            if (*p == '"') {
                p++;
                break;
            }
            if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
                p++;
            if (n + 2 > cap) {
                char *grown = realloc(buf, cap *= 2);
                if (!grown) {
                    free(buf);
                    return -1;
                }
                buf = grown;
            }
            buf[n++] = *p++;
        }
    } else {
        while (*p && *p != '\n' && !blank(*p) && *p != '#' && !(stop_at_equals && *p == '=')) {
            if (n + 2 > cap) {
                char *grown = realloc(buf, cap *= 2);
                if (!grown) {
                    free(buf);
                    return -1;
                }
                buf = grown;
            }
            buf[n++] = *p++;
        }
    }
    buf[n] = '\0';
    s->p = p;
    *out = buf;
    return 0;
}

static void skip_blanks(scan *s) {
    while (blank(*s->p))
        s->p++;
}

static int end_of_line(const scan *s) {
    return *s->p == '\0' || *s->p == '\n' || *s->p == '#';
}

void gsel_exclusions_free(gsel_exclusions *ex) {
    for (size_t i = 0; i < ex->count; i++) {
        gsel_exclusion *e = &ex->items[i];
        for (size_t c = 0; c < e->condition_count; c++) {
            free(e->conditions[c].field);
            free(e->conditions[c].value);
        }
        free(e->conditions);
        free(e->rule);
    }
    free(ex->items);
    free(ex->text);
    memset(ex, 0, sizeof *ex);
}

static char *read_all(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n + 1 >= cap) {
            char *grown = realloc(buf, cap *= 2);
            if (!grown) {
                free(buf);
                buf = NULL;
                errno = ENOMEM;
                break;
            }
            buf = grown;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                free(buf);
                buf = NULL;
            } else {
                buf[n] = '\0';
            }
            break;
        }
    }
    int saved = errno;
    fclose(f);
    errno = saved;
    if (buf && memchr(buf, '\0', n)) {
        free(buf);
        errno = EINVAL;
        return NULL;
    }
    return buf;
}

/* One line's exclusion into e. Returns 0, 1 after a syntax error (err
 * set), -1 when memory ran out. */
static int parse_line(scan *s, const char *path, gsel_exclusions *ex, gsel_exclusion *e, char *err,
                      size_t err_size) {
    const char *at = s->p;
    int r = word(s, 0, &e->rule);
    if (r != 0) {
        if (r > 0)
            gsel_point(ex, path, s->line, column(s, at), "the quote is not closed on its line", err,
                       err_size);
        return r;
    }
    e->line = s->line;
    e->rule_col = column(s, at);
    if (!*e->rule) {
        gsel_point(ex, path, s->line, column(s, at), "an empty rule name", err, err_size);
        return 1;
    }
    for (;;) {
        skip_blanks(s);
        if (end_of_line(s))
            return 0;
        at = s->p;
        char *field = NULL, *value = NULL;
        if ((r = word(s, 1, &field)) != 0) {
            if (r > 0)
                gsel_point(ex, path, s->line, column(s, at), "the quote is not closed on its line",
                           err, err_size);
            return r;
        }
        if (*s->p != '=' || !*field) {
            gsel_point(ex, path, s->line, column(s, *s->p == '=' ? at : s->p),
                       !*field ? "a condition needs a field name before `=`"
                               : "expected FIELD=VALUE (a condition) here",
                       err, err_size);
            free(field);
            return 1;
        }
        const char *resolved;
        char why[400];
        if (gmo_resolve_field(field, &resolved, why, sizeof why) != 0) {
            gsel_point(ex, path, s->line, column(s, at), why, err, err_size);
            free(field);
            return 1;
        }
        s->p++;
        const char *value_at = s->p;
        if ((r = word(s, 0, &value)) != 0) {
            if (r > 0)
                gsel_point(ex, path, s->line, column(s, value_at),
                           "the quote is not closed on its line", err, err_size);
            free(field);
            return r;
        }
        gsel_condition *grown =
            realloc(e->conditions, (e->condition_count + 1) * sizeof *e->conditions);
        if (!grown) {
            free(field);
            free(value);
            return -1;
        }
        e->conditions = grown;
        /* path points into field, which the condition owns from here */
        e->conditions[e->condition_count++] =
            (gsel_condition){field, field + (resolved - field), value};
        if (!end_of_line(s) && !blank(*s->p)) {
            gsel_point(ex, path, s->line, column(s, s->p), "expected a blank after the value", err,
                       err_size);
            return 1;
        }
    }
}

int gsel_read_exclusions(const char *path, gsel_exclusions *out, char *err, size_t err_size,
                         int *nomem) {
    memset(out, 0, sizeof *out);
    *nomem = 0;
    if (!(out->text = read_all(path))) {
        snprintf(err, err_size, "%s: %s", path,
                 errno == EINVAL ? "not a text file" : strerror(errno));
        return -1;
    }
    scan s = {out->text, out->text, 1};
    size_t cap = 0;
    while (*s.p) {
        skip_blanks(&s);
        if (!end_of_line(&s)) {
            if (out->count == cap) {
                cap = cap ? cap * 2 : 8;
                gsel_exclusion *grown = realloc(out->items, cap * sizeof *grown);
                if (!grown) {
                    *nomem = 1;
                    return -1;
                }
                out->items = grown;
            }
            gsel_exclusion *e = &out->items[out->count++];
            memset(e, 0, sizeof *e);
            int r = parse_line(&s, path, out, e, err, err_size);
            if (r != 0) {
                *nomem = r < 0;
                return -1;
            }
        }
        while (*s.p && *s.p != '\n')
            s.p++;
        if (*s.p == '\n') {
            s.p++;
            s.line++;
            s.line_at = s.p;
        }
    }
    return 0;
}
