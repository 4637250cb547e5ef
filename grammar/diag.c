/* SPDX-License-Identifier: Apache-2.0 */
/* Diagnostic rendering (diag.h): the text form quotes the offending source
 * line with a caret under the span; the JSON form is one object per line.
 * Everything rendered is also kept in memory so tests can compare it. */
#include "diag.h"
#include "readfile.h"

#include <cJSON.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct diag_source {
    char *file;
    char *text;
    size_t len;
    bool missing; /* reading it failed once: do not retry for every report */
} diag_source;

typedef struct diag_buf {
    char *data;
    size_t len, cap;
    bool failed; /* an allocation failed; the text is truncated */
} diag_buf;

struct gdiag_sink {
    FILE *out;
    int json;
    int color;
    diag_source *sources;
    size_t source_count, source_cap;
    size_t errors, warnings;
    bool oom; /* gdiag_set_oom: some pass could not allocate */
    diag_buf text;
};

static bool buf_reserve(diag_buf *buf, size_t extra) {
    if (buf->failed)
        return false;
    if (buf->len + extra + 1 <= buf->cap)
        return true;
    size_t cap = buf->cap ? buf->cap : 256;
    while (cap < buf->len + extra + 1)
        cap *= 2;
    char *grown = realloc(buf->data, cap);
    if (!grown) {
        buf->failed = true;
        return false;
    }
    buf->data = grown;
    buf->cap = cap;
    return true;
}

static void buf_put(diag_buf *buf, const char *s, size_t n) {
    if (!buf_reserve(buf, n))
        return;
    memcpy(buf->data + buf->len, s, n);
    buf->len += n;
    buf->data[buf->len] = '\0';
}

static void buf_puts(diag_buf *buf, const char *s) {
    buf_put(buf, s, strlen(s));
}

static void buf_vprintf(diag_buf *buf, const char *fmt, va_list ap) {
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0 || !buf_reserve(buf, (size_t)n))
        return;
    vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
    buf->len += (size_t)n;
}

static void buf_printf(diag_buf *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void buf_printf(diag_buf *buf, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(buf, fmt, ap);
    va_end(ap);
}

gdiag_sink *gdiag_new(FILE *out, int json, int color) {
    gdiag_sink *sink = calloc(1, sizeof *sink);
    if (!sink)
        return NULL;
    sink->out = out;
    sink->json = json;
    sink->color = color && !json;
    return sink;
}

void gdiag_free(gdiag_sink *sink) {
    if (!sink)
        return;
    for (size_t i = 0; i < sink->source_count; i++) {
        free(sink->sources[i].file);
        free(sink->sources[i].text);
    }
    free(sink->sources);
    free(sink->text.data);
    free(sink);
}

static diag_source *find_source(gdiag_sink *sink, const char *file) {
    for (size_t i = 0; i < sink->source_count; i++) {
        if (strcmp(sink->sources[i].file, file) == 0)
            return &sink->sources[i];
    }
    return NULL;
}

static diag_source *add_source(gdiag_sink *sink, const char *file) {
    if (sink->source_count == sink->source_cap) {
        size_t cap = sink->source_cap ? sink->source_cap * 2 : 8;
        diag_source *grown = realloc(sink->sources, cap * sizeof *grown);
        if (!grown)
            return NULL;
        sink->sources = grown;
        sink->source_cap = cap;
    }
    char *name = strdup(file);
    if (!name)
        return NULL;
    diag_source *src = &sink->sources[sink->source_count++];
    memset(src, 0, sizeof *src);
    src->file = name;
    return src;
}

void gdiag_add_source(gdiag_sink *sink, const char *file, const char *text, size_t len) {
    if (!sink || !file || (!text && len))
        return;
    diag_source *src = find_source(sink, file);
    if (!src)
        src = add_source(sink, file);
    if (!src)
        return;
    char *copy = malloc(len + 1);
    if (!copy)
        return;
    if (len)
        memcpy(copy, text, len);
    copy[len] = '\0';
    free(src->text);
    src->text = copy;
    src->len = len;
    src->missing = false;
}

static const diag_source *source_for(gdiag_sink *sink, const char *file) {
    diag_source *src = find_source(sink, file);
    if (src)
        return src->text ? src : NULL;
    src = add_source(sink, file);
    if (!src)
        return NULL;
    size_t len = 0;
    if (grt_read_file(file, &src->text, &len) != GANTRY_OK)
        src->text = NULL;
    src->len = len;
    src->missing = src->text == NULL;
    return src->text ? src : NULL;
}

/* Finds line `line` (1-based) of the source; returns its start and length
 * without the newline, or false when the file is shorter. */
static bool find_line(const diag_source *src, int line, const char **start, size_t *len) {
    const char *p = src->text, *end = src->text + src->len;
    for (int n = 1; n < line; n++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return false;
        p = nl + 1;
    }
    if (p > end)
        return false;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    if (n > 0 && p[n - 1] == '\r')
        n--;
    *start = p;
    *len = n;
    return true;
}

static const char *severity_name(gdiag_severity severity) {
    switch (severity) {
    case GDIAG_ERROR:
        return "error";
    case GDIAG_WARNING:
        return "warning";
    case GDIAG_NOTE:
        return "note";
    }
    return "error";
}

static const char *severity_color(gdiag_severity severity) {
    switch (severity) {
    case GDIAG_ERROR:
        return "\033[1;31m";
    case GDIAG_WARNING:
        return "\033[1;35m";
    case GDIAG_NOTE:
        return "\033[1;36m";
    }
    return "";
}

static void render_quote(diag_buf *buf, const diag_source *src, gast_loc loc, bool color) {
    const char *line;
    size_t line_len;
    if (!src || loc.line <= 0 || !find_line(src, loc.line, &line, &line_len))
        return;
    buf_puts(buf, "    ");
    /* Control bytes would garble the terminal; show them as spaces. */
    for (size_t i = 0; i < line_len; i++) {
        unsigned char c = (unsigned char)line[i];
        char shown = (c < 0x20 && c != '\t') || c == 0x7f ? ' ' : (char)c;
        buf_put(buf, &shown, 1);
    }
    buf_puts(buf, "\n    ");
    size_t col = loc.col > 0 ? (size_t)loc.col - 1 : 0;
    if (col > line_len)
        col = line_len;
    /* Keep tabs so the caret lines up under the same display column. */
    for (size_t i = 0; i < col; i++)
        buf_put(buf, line[i] == '\t' ? "\t" : " ", 1);
    size_t span = loc.len > 1 ? (size_t)loc.len : 1;
    if (col + span > line_len && line_len > col)
        span = line_len - col;
    if (color)
        buf_puts(buf, "\033[1;32m");
    buf_puts(buf, "^");
    for (size_t i = 1; i < span; i++)
        buf_puts(buf, "~");
    if (color)
        buf_puts(buf, "\033[0m");
    buf_puts(buf, "\n");
}

static void render_text(diag_buf *buf, const diag_source *src, gdiag_severity severity,
                        const char *code, gast_loc loc, const char *message, bool color) {
    if (color)
        buf_puts(buf, "\033[1m");
    if (loc.file) {
        buf_puts(buf, loc.file);
        if (loc.line > 0) {
            buf_printf(buf, ":%d", loc.line);
            if (loc.col > 0)
                buf_printf(buf, ":%d", loc.col);
        }
        buf_puts(buf, ": ");
    }
    if (color)
        buf_puts(buf, severity_color(severity));
    buf_puts(buf, severity_name(severity));
    if (code && *code)
        buf_printf(buf, "[%s]", code);
    if (color)
        buf_puts(buf, "\033[0m\033[1m");
    buf_printf(buf, ": %s\n", message);
    if (color)
        buf_puts(buf, "\033[0m");
    render_quote(buf, src, loc, color);
}

static void render_json(diag_buf *buf, gdiag_severity severity, const char *code, gast_loc loc,
                        const char *message) {
    cJSON *obj = cJSON_CreateObject();
    if (!obj) {
        buf->failed = true;
        return;
    }
    if (loc.file)
        cJSON_AddStringToObject(obj, "file", loc.file);
    else
        cJSON_AddNullToObject(obj, "file");
    cJSON_AddNumberToObject(obj, "line", loc.line);
    cJSON_AddNumberToObject(obj, "col", loc.col);
    cJSON_AddNumberToObject(obj, "len", loc.len);
    cJSON_AddStringToObject(obj, "severity", severity_name(severity));
    if (code && *code)
        cJSON_AddStringToObject(obj, "code", code);
    else
        cJSON_AddNullToObject(obj, "code");
    cJSON_AddStringToObject(obj, "message", message);
    char *printed = cJSON_PrintUnformatted(obj);
    cJSON_Delete(obj);
    if (!printed) {
        buf->failed = true;
        return;
    }
    buf_puts(buf, printed);
    buf_puts(buf, "\n");
    cJSON_free(printed);
}

void gdiag_report(gdiag_sink *sink, gdiag_severity severity, const char *code, gast_loc loc,
                  const char *fmt, ...) {
    if (!sink)
        return;
    if (severity == GDIAG_ERROR)
        sink->errors++;
    else if (severity == GDIAG_WARNING)
        sink->warnings++;

    diag_buf message = {0};
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&message, fmt, ap);
    va_end(ap);
    const char *msg = message.data ? message.data : "(out of memory)";

    size_t before = sink->text.len;
    const diag_source *src = NULL;
    if (!sink->json && loc.file)
        src = source_for(sink, loc.file);
    if (sink->json)
        render_json(&sink->text, severity, code, loc, msg);
    else
        render_text(&sink->text, src, severity, code, loc, msg, false);

    if (sink->out) {
        if (sink->color) {
            diag_buf colored = {0};
            render_text(&colored, src, severity, code, loc, msg, true);
            if (colored.data)
                fputs(colored.data, sink->out);
            free(colored.data);
        } else if (sink->text.data && sink->text.len > before) {
            fwrite(sink->text.data + before, 1, sink->text.len - before, sink->out);
        }
        fflush(sink->out);
    }
    free(message.data);
}

size_t gdiag_error_count(const gdiag_sink *sink) {
    return sink ? sink->errors : 0;
}

void gdiag_set_oom(gdiag_sink *sink) {
    if (sink)
        sink->oom = true;
}

bool gdiag_oom(const gdiag_sink *sink) {
    return sink && sink->oom;
}

size_t gdiag_warning_count(const gdiag_sink *sink) {
    return sink ? sink->warnings : 0;
}

const char *gdiag_text(const gdiag_sink *sink) {
    if (!sink || !sink->text.data)
        return "";
    return sink->text.data;
}
