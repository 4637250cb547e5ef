/* SPDX-License-Identifier: Apache-2.0 */
/* libgantry-compiler's public API (include/gantry_compiler.h) over the
 * compiler's internal entry points. Diagnostics are collected in the sink's
 * JSON form and read back into records, so the passes that report them need
 * no second channel. Module prefix: gcapi_. */
#include "gantry_compiler.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "parse.h"
#include "sigma.h"

struct gantry_compiler {
    gdiag_sink *diag;
    gast_unit *unit;
    gsigma_ctx *sigma; /* made on the first Sigma source, with the options then set */
    gcomp_options opts;
    char **defines, **mappings; /* backing arrays of opts */
    size_t ndefines, nmappings;
    int compiled;
    int oom;

    gantry_diagnostic *diags;
    size_t ndiags, diags_cap;
    size_t parsed; /* bytes of the sink's text already read into diags */
    cJSON **objs;  /* the parsed records own the strings diags point to */
    char *text;    /* gantry_compiler_diagnostics_text */
};

gantry_status gantry_compiler_new(gantry_compiler **out) {
    if (!out)
        return GANTRY_E_ARG;
    *out = NULL;
    gantry_compiler *c = calloc(1, sizeof *c);
    if (!c)
        return GANTRY_E_NOMEM;
    c->diag = gdiag_new(NULL, 1, 0);
    c->unit = gast_unit_new();
    if (!c->diag || !c->unit) {
        gantry_compiler_free(c);
        return GANTRY_E_NOMEM;
    }
    *out = c;
    return GANTRY_OK;
}

void gantry_compiler_free(gantry_compiler *c) {
    if (!c)
        return;
    gsigma_free(c->sigma);
    gast_unit_free(c->unit);
    gdiag_free(c->diag);
    for (size_t i = 0; i < c->ndefines; i++)
        free(c->defines[i]);
    for (size_t i = 0; i < c->nmappings; i++)
        free(c->mappings[i]);
    free(c->defines);
    free(c->mappings);
    for (size_t i = 0; i < c->ndiags; i++)
        cJSON_Delete(c->objs[i]);
    free(c->objs);
    free(c->diags);
    free(c->text);
    free(c);
}

/* Options cannot change once a source was read with them. */
static int sources_started(const gantry_compiler *c) {
    return c->sigma != NULL || c->unit->rule_count > 0 || c->compiled;
}

static gantry_status push_string(char ***arr, size_t *n, const char *s) {
    char **p = realloc(*arr, (*n + 1) * sizeof *p);
    if (!p)
        return GANTRY_E_NOMEM;
    *arr = p;
    if (!(p[*n] = strdup(s)))
        return GANTRY_E_NOMEM;
    (*n)++;
    return GANTRY_OK;
}

gantry_status gantry_compiler_define(gantry_compiler *c, const char *definition) {
    if (!c || !definition || !strchr(definition, '=') || definition[0] == '=' || sources_started(c))
        return GANTRY_E_ARG;
    gantry_status st = push_string(&c->defines, &c->ndefines, definition);
    c->opts.defines = (const char *const *)c->defines;
    c->opts.define_count = c->ndefines;
    return st;
}

gantry_status gantry_compiler_add_mapping_file(gantry_compiler *c, const char *path) {
    if (!c || !path || !*path || sources_started(c))
        return GANTRY_E_ARG;
    gantry_status st = push_string(&c->mappings, &c->nmappings, path);
    c->opts.mapping_files = (const char *const *)c->mappings;
    c->opts.mapping_file_count = c->nmappings;
    return st;
}

gantry_status gantry_compiler_set_placeholders_empty(gantry_compiler *c, int empty) {
    if (!c || sources_started(c))
        return GANTRY_E_ARG;
    c->opts.placeholders_empty = empty != 0;
    return GANTRY_OK;
}

static gantry_status ready_sigma(gantry_compiler *c) {
    if (!c->sigma && !(c->sigma = gsigma_new(&c->opts, c->diag)))
        return GANTRY_E_NOMEM;
    return GANTRY_OK;
}

static gantry_status result(gantry_compiler *c, int rc) {
    if (rc < 0) {
        c->oom = 1;
        return GANTRY_E_NOMEM;
    }
    return GANTRY_OK;
}

gantry_status gantry_compiler_add_rules(gantry_compiler *c, const char *name, const char *text,
                                        size_t len) {
    if (!c || !name || (!text && len) || c->compiled)
        return GANTRY_E_ARG;
    return result(c, gparse_text(c->unit, name, text ? text : "", len, c->diag));
}

gantry_status gantry_compiler_add_sigma(gantry_compiler *c, const char *name, const char *yaml,
                                        size_t len) {
    if (!c || !name || (!yaml && len) || c->compiled)
        return GANTRY_E_ARG;
    if (ready_sigma(c) != GANTRY_OK)
        return GANTRY_E_NOMEM;
    return result(c, gsigma_load_text(c->sigma, c->unit, name, yaml ? yaml : "", len));
}

gantry_status gantry_compiler_add_path(gantry_compiler *c, const char *path) {
    if (!c || !path || c->compiled)
        return GANTRY_E_ARG;
    if (ready_sigma(c) != GANTRY_OK)
        return GANTRY_E_NOMEM;
    return result(c, gcomp_add_paths(c->unit, c->sigma, &path, 1, c->diag));
}

void gantry_compiler_buffer_free(void *image) {
    free(image);
}

gantry_status gantry_compiler_compile(gantry_compiler *c, void **image, size_t *len) {
    if (image)
        *image = NULL;
    if (len)
        *len = 0;
    if (!c || !image || !len || c->compiled)
        return GANTRY_E_ARG;
    c->compiled = 1;
    if (c->oom)
        return GANTRY_E_NOMEM;
    if (c->sigma && gsigma_finish(c->sigma, c->unit) < 0)
        return GANTRY_E_NOMEM;
    if (gdiag_error_count(c->diag) > 0)
        return GANTRY_E_VERIFY;
    unsigned char *out = NULL;
    size_t n = 0;
    if (gcomp_compile_unit(c->unit, c->diag, &c->opts, &out, &n, NULL) != 0)
        return gdiag_error_count(c->diag) > 0 ? GANTRY_E_VERIFY : GANTRY_E_NOMEM;
    *image = out;
    *len = n;
    return GANTRY_OK;
}

gantry_status gantry_compiler_compile_pack(gantry_compiler *c, gantry_pack **pack) {
    if (pack)
        *pack = NULL;
    if (!pack)
        return GANTRY_E_ARG;
    void *image;
    size_t len;
    gantry_status st = gantry_compiler_compile(c, &image, &len);
    if (st != GANTRY_OK)
        return st;
    st = gantry_pack_load_buffer(image, len, pack, NULL, 0);
    free(image);
    return st;
}

static gantry_diag_severity severity_of(const char *s) {
    if (s && strcmp(s, "warning") == 0)
        return GANTRY_DIAG_WARNING;
    if (s && strcmp(s, "note") == 0)
        return GANTRY_DIAG_NOTE;
    return GANTRY_DIAG_ERROR;
}

static const char *str_of(const cJSON *obj, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static unsigned num_of(const cJSON *obj, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(v) && v->valuedouble > 0 ? (unsigned)v->valuedouble : 0;
}

/* Reads the JSON lines reported since the last call into records. */
static void sync_diags(gantry_compiler *c) {
    const char *text = gdiag_text(c->diag);
    if (!text)
        return;
    size_t total = strlen(text);
    while (c->parsed < total) {
        const char *line = text + c->parsed;
        const char *nl = memchr(line, '\n', total - c->parsed);
        size_t n = nl ? (size_t)(nl - line) : total - c->parsed;
        if (c->ndiags == c->diags_cap) {
            size_t cap = c->diags_cap ? c->diags_cap * 2 : 16;
            gantry_diagnostic *d = realloc(c->diags, cap * sizeof *d);
            if (!d)
                return;
            c->diags = d;
            cJSON **o = realloc(c->objs, cap * sizeof *o);
            if (!o)
                return;
            c->objs = o;
            c->diags_cap = cap;
        }
        cJSON *obj = cJSON_ParseWithLength(line, n);
        if (!obj)
            return; /* out of memory: retried on the next call */
        c->parsed += n + (nl ? 1 : 0);
        c->objs[c->ndiags] = obj;
        c->diags[c->ndiags++] = (gantry_diagnostic){
            .file = str_of(obj, "file"),
            .line = num_of(obj, "line"),
            .column = num_of(obj, "col"),
            .length = num_of(obj, "len"),
            .severity = severity_of(str_of(obj, "severity")),
            .code = str_of(obj, "code"),
            .message = str_of(obj, "message"),
        };
    }
}

size_t gantry_compiler_diagnostic_count(const gantry_compiler *c) {
    if (!c)
        return 0;
    sync_diags((gantry_compiler *)c);
    return c->ndiags;
}

const gantry_diagnostic *gantry_compiler_diagnostic(const gantry_compiler *c, size_t index) {
    if (!c)
        return NULL;
    sync_diags((gantry_compiler *)c);
    return index < c->ndiags ? &c->diags[index] : NULL;
}

size_t gantry_compiler_error_count(const gantry_compiler *c) {
    return c ? gdiag_error_count(c->diag) : 0;
}

const char *gantry_compiler_diagnostics_text(gantry_compiler *c) {
    if (!c)
        return NULL;
    sync_diags(c);
    static const char *const names[] = {"error", "warning", "note"};
    size_t cap = 1;
    for (size_t i = 0; i < c->ndiags; i++)
        cap += strlen(c->diags[i].file) + strlen(c->diags[i].message) + 64;
    char *t = malloc(cap);
    if (!t)
        return NULL;
    size_t at = 0;
    t[0] = '\0';
    for (size_t i = 0; i < c->ndiags; i++) {
        const gantry_diagnostic *d = &c->diags[i];
        int n = snprintf(t + at, cap - at, "%s:%u:%u: %s[%s]: %s\n", d->file, d->line, d->column,
                         names[d->severity], d->code, d->message);
        if (n > 0)
            at += (size_t)n < cap - at ? (size_t)n : cap - at - 1;
    }
    free(c->text);
    c->text = t;
    return t;
}
