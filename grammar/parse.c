/* SPDX-License-Identifier: Apache-2.0 */
/* The parser driver (parse.h): reads files, runs the scanner and parser over
 * them, then follows their includes (each file once per unit). */
#include "parse.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gantry_limits.h"
#include "parse_state.h"
#include "parser.tab.h"
#define YYSTYPE GYSTYPE
#define YYLTYPE GYLTYPE
#include "lexer.yy.h"
#include "readfile.h"

gast_loc gparse_ast_loc(const gparse_state *st, gparse_loc loc) {
    gast_loc out = {st->file, loc.first_line, loc.first_column,
                    loc.last_off > loc.first_off ? (int)(loc.last_off - loc.first_off) : 0};
    return out;
}

void gparse_error(gparse_state *st, const char *code, gparse_loc loc, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char small[512];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    st->errors++;
    if (n < 0)
        return;
    char *message = small;
    if ((size_t)n >= sizeof small) {
        message = malloc((size_t)n + 1);
        if (!message) {
            message = small; /* truncated, but still reported */
        } else {
            va_start(ap, fmt);
            vsnprintf(message, (size_t)n + 1, fmt, ap);
            va_end(ap);
        }
    }
    gdiag_report(st->diag, GDIAG_ERROR, code, gparse_ast_loc(st, loc), "%s", message);
    if (message != small)
        free(message);
}

static void report_at(gdiag_sink *diag, const char *code, gast_loc loc, const char *fmt,
                      const char *a, const char *b) __attribute__((format(printf, 4, 0)));
static void report_at(gdiag_sink *diag, const char *code, gast_loc loc, const char *fmt,
                      const char *a, const char *b) {
    gdiag_report(diag, GDIAG_ERROR, code, loc, fmt, a, b);
}

/* ---- paths ---- */

/* Collapses `.`, `..` and repeated slashes without touching the file
 * system, so one file reached through different relative spellings is
 * still read once and diagnostics keep the short relative name. */
static char *normalize_path(const char *path) {
    size_t len = strlen(path);
    char *out = malloc(len + 2);
    if (!out)
        return NULL;
    bool absolute = path[0] == '/';
    size_t o = 0;
    if (absolute)
        out[o++] = '/';
    size_t base = o; /* components start here */
    const char *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *end = strchr(p, '/');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == 1 && p[0] == '.') {
            /* skip */
        } else if (n == 2 && p[0] == '.' && p[1] == '.') {
            /* Drop the previous component unless it is itself `..`. */
            size_t last = o;
            while (last > base && out[last - 1] != '/')
                last--;
            bool prev_is_up = o - last == 2 && out[last] == '.' && out[last + 1] == '.';
            if (o > base && !prev_is_up) {
                o = last > base ? last - 1 : base;
            } else if (!absolute) {
                if (o > base)
                    out[o++] = '/';
                out[o++] = '.';
                out[o++] = '.';
            }
        } else {
            if (o > base)
                out[o++] = '/';
            memcpy(out + o, p, n);
            o += n;
        }
        p += n;
    }
    if (o == 0)
        out[o++] = '.';
    out[o] = '\0';
    return out;
}

static char *resolve_include(const char *including, const char *path) {
    if (path[0] == '/')
        return normalize_path(path);
    const char *slash = strrchr(including, '/');
    size_t dir = slash ? (size_t)(slash - including) + 1 : 0;
    size_t n = strlen(path);
    char *joined = malloc(dir + n + 1);
    if (!joined)
        return NULL;
    memcpy(joined, including, dir);
    memcpy(joined + dir, path, n + 1);
    char *out = normalize_path(joined);
    free(joined);
    return out;
}

static bool already_read(const gast_unit *unit, const char *file) {
    for (size_t i = 0; i < unit->file_count; i++) {
        if (strcmp(unit->files[i], file) == 0)
            return true;
    }
    return false;
}

/* ---- parsing one buffer ---- */

typedef struct parse_run {
    gast_unit *unit;
    gdiag_sink *diag;
    size_t errors;
    bool oom;
} parse_run;

static void parse_buffer(parse_run *run, const char *file, const char *text, size_t len,
                         unsigned depth);

static void follow_includes(parse_run *run, gparse_state *st, unsigned depth) {
    for (size_t i = 0; i < st->include_count && !run->oom; i++) {
        const gparse_include *inc = &st->includes[i];
        if (depth + 1 > GANTRY_MAX_INCLUDE_DEPTH) {
            gdiag_report(run->diag, GDIAG_ERROR, "E010", inc->loc,
                         "includes nested more than %u deep", (unsigned)GANTRY_MAX_INCLUDE_DEPTH);
            run->errors++;
            continue;
        }
        char *target = resolve_include(st->file, inc->path);
        if (!target) {
            run->oom = true;
            break;
        }
        if (already_read(run->unit, target)) {
            free(target); /* included before (or a cycle): once is enough */
            continue;
        }
        size_t target_len = 0;
        char *data = NULL;
        if (grt_read_file(target, &data, &target_len) != GANTRY_OK) {
            report_at(run->diag, "E009", inc->loc, "cannot include `%s`: %s", target,
                      strerror(errno));
            run->errors++;
            free(target);
            continue;
        }
        const char *interned = gast_unit_intern(run->unit, target);
        free(target);
        if (!interned) {
            free(data);
            run->oom = true;
            break;
        }
        parse_buffer(run, interned, data, target_len, depth + 1);
        free(data);
    }
}

static void parse_buffer(parse_run *run, const char *file, const char *text, size_t len,
                         unsigned depth) {
    gdiag_add_source(run->diag, file, text, len);
    gparse_state st = {0};
    st.unit = run->unit;
    st.diag = run->diag;
    st.file = file;
    st.text = text;
    st.len = len;
    st.line = 1;
    st.col = 1;

    const char *nul = memchr(text, '\0', len);
    if (nul) {
        gparse_loc at = {1, 1, 1, 2, 0, 1};
        for (const char *p = text; p < nul; p++) {
            if (*p == '\n') {
                at.first_line++;
                at.first_column = 1;
            } else {
                at.first_column++;
            }
        }
        at.first_off = (size_t)(nul - text);
        at.last_off = at.first_off + 1;
        at.last_line = at.first_line;
        at.last_column = at.first_column + 1;
        /* Quoting a binary line would garble the report. */
        gast_loc loc = {file, at.first_line, at.first_column, 0};
        gdiag_report(run->diag, GDIAG_ERROR, "E008", loc,
                     "this is not a text file (NUL byte at line %d, column %d)", at.first_line,
                     at.first_column);
        run->errors++;
        return;
    }
    if (len > (size_t)INT32_MAX) {
        gast_loc loc = {file, 0, 0, 0};
        gdiag_report(run->diag, GDIAG_ERROR, "E008", loc, "file too large");
        run->errors++;
        return;
    }

    yyscan_t scanner;
    if (gylex_init_extra(&st, &scanner) != 0) {
        run->oom = true;
        return;
    }
    if (setjmp(st.fatal) == 0) {
        YY_BUFFER_STATE buffer = gy_scan_bytes(text, (int)len, scanner);
        /* A result of 2 without st.oom is the parser stack limit, which
         * gyerror has reported as a nesting error. */
        (void)gyparse(&st, scanner);
        gy_delete_buffer(buffer, scanner);
    } else {
        st.oom = true; /* the scanner ran out of memory */
    }
    gylex_destroy(scanner);
    gparse_scanner_leftovers(&st);

    run->errors += st.errors;
    if (st.oom)
        run->oom = true;
    else
        follow_includes(run, &st, depth);
    for (size_t i = 0; i < st.include_count; i++)
        free(st.includes[i].path);
    free(st.includes);
}

/* ---- entry points ---- */

int gparse_text(gast_unit *unit, const char *name, const char *text, size_t len, gdiag_sink *diag) {
    if (!unit || !name || (!text && len))
        return -1;
    char *norm = normalize_path(name);
    const char *file = norm ? gast_unit_intern(unit, norm) : NULL;
    free(norm);
    if (!file)
        return -1;
    parse_run run = {unit, diag, 0, false};
    parse_buffer(&run, file, text ? text : "", len, 0);
    if (run.oom)
        return -1;
    return run.errors > (size_t)INT32_MAX ? INT32_MAX : (int)run.errors;
}

int gparse_file(gast_unit *unit, const char *path, gdiag_sink *diag) {
    if (!unit || !path)
        return -1;
    char *norm = normalize_path(path);
    if (!norm)
        return -1;
    if (already_read(unit, norm)) {
        free(norm);
        return 0;
    }
    size_t len = 0;
    char *data = NULL;
    gantry_status st = grt_read_file(norm, &data, &len);
    if (st != GANTRY_OK) {
        int err = errno;
        if (st == GANTRY_E_NOMEM) {
            free(norm);
            return -1;
        }
        gast_loc loc = {norm, 0, 0, 0};
        report_at(diag, "E009", loc, "cannot read `%s`: %s", norm, strerror(err));
        free(norm);
        return 1;
    }
    const char *file = gast_unit_intern(unit, norm);
    free(norm);
    if (!file) {
        free(data);
        return -1;
    }
    parse_run run = {unit, diag, 0, false};
    parse_buffer(&run, file, data, len, 0);
    free(data);
    if (run.oom)
        return -1;
    return run.errors > (size_t)INT32_MAX ? INT32_MAX : (int)run.errors;
}
