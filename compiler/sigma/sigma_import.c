/* SPDX-License-Identifier: Apache-2.0 */
/* The Sigma import context: reads files, sorts documents into rules,
 * filters and correlations (sigma_correlation.c), handles `action: global/reset/repeat`, names
 * rules, applies field mappings, and applies filters at the end. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sigma_internal.h"
#include "readfile.h"

struct gsigma_ctx {
    const gcomp_options *options;
    gdiag_sink *diag;
    bool mappings_loaded;
    gsigma_mappings mappings;
    gsigma_filter **filters;
    size_t filter_count, filter_cap;
    gsigma_explain *explains;
    size_t explain_count, explain_cap;
    char **names; /* rule names given so far, to keep them unique */
    size_t name_count, name_cap;
};

gsigma_ctx *gsigma_new(const gcomp_options *options, gdiag_sink *diag) {
    gsigma_ctx *ctx = calloc(1, sizeof *ctx);
    if (ctx) {
        ctx->options = options;
        ctx->diag = diag;
    }
    return ctx;
}

void gsigma_free(gsigma_ctx *ctx) {
    if (!ctx)
        return;
    gsigma_mappings_free(&ctx->mappings);
    for (size_t i = 0; i < ctx->filter_count; i++)
        gsigma_filter_free(ctx->filters[i]);
    free(ctx->filters);
    for (size_t i = 0; i < ctx->explain_count; i++)
        gsigma_explain_free(&ctx->explains[i]);
    free(ctx->explains);
    for (size_t i = 0; i < ctx->name_count; i++)
        free(ctx->names[i]);
    free(ctx->names);
    free(ctx);
}

const gsigma_explain *gsigma_explains(const gsigma_ctx *ctx, size_t *count) {
    *count = ctx->explain_count;
    return ctx->explains;
}

static int load_mappings(gsigma_ctx *ctx, gast_unit *unit) {
    if (ctx->mappings_loaded)
        return 0;
    ctx->mappings_loaded = true;
    int errors = gsigma_mappings_load_builtin(&ctx->mappings, unit, ctx->diag);
    if (errors < 0)
        return -1;
    for (size_t i = 0; ctx->options && i < ctx->options->mapping_file_count; i++) {
        int n = gsigma_mappings_load_file(&ctx->mappings, unit, ctx->diag,
                                          ctx->options->mapping_files[i]);
        if (n < 0)
            return -1;
        errors += n;
    }
    return errors;
}

/* A native identifier from any text: other characters become `_`, a leading
 * digit gets an `r_` prefix. */
static void identifier_from(const char *text, char *out, size_t size) {
    size_t k = 0;
    if (isdigit((unsigned char)text[0]) && size > 3) {
        out[k++] = 'r';
        out[k++] = '_';
    }
    for (const char *p = text; *p && k + 1 < size; p++)
        out[k++] = isalnum((unsigned char)*p) || *p == '_' ? *p : '_';
    if (k == 0 && size > 5) {
        memcpy(out, "rule", 4);
        k = 4;
    }
    out[k] = 0;
}

/* Reserve a unique rule name derived from `base`. Returns the stored name
 * (owned by ctx) or NULL on allocation failure. */
static const char *unique_name(gsigma_ctx *ctx, gast_unit *unit, const char *base) {
    char name[300];
    identifier_from(base, name, 256);
    size_t base_len = strlen(name);
    for (unsigned n = 2;; n++) {
        bool taken = false;
        for (size_t i = 0; i < ctx->name_count && !taken; i++)
            taken = strcmp(ctx->names[i], name) == 0;
        for (size_t i = 0; i < unit->rule_count && !taken; i++)
            taken = unit->rules[i]->name && strcmp(unit->rules[i]->name, name) == 0;
        for (size_t i = 0; i < unit->correlation_count && !taken; i++)
            taken = unit->correlations[i]->name && strcmp(unit->correlations[i]->name, name) == 0;
        if (!taken)
            break;
        snprintf(name + base_len, sizeof name - base_len, "_%u", n);
    }
    char *copy = gsigma_strdup(name);
    if (!copy || !gast_push(&ctx->names, &ctx->name_count, &ctx->name_cap, copy)) {
        free(copy);
        return NULL;
    }
    return copy;
}

static void file_stem(const char *path, char *out, size_t size) {
    const char *slash = strrchr(path, '/');
    snprintf(out, size, "%s", slash ? slash + 1 : path);
    char *dot = strrchr(out, '.');
    if (dot && dot != out)
        *dot = 0;
}

/* A copy of `doc` without its `action` key. */
static gsigma_node *without_action(const gsigma_node *doc) {
    gsigma_node *copy = gsigma_node_copy(doc);
    if (!copy)
        return NULL;
    for (size_t i = 0; i < copy->count; i++)
        if (strcmp(copy->keys[i]->text, "action") == 0) {
            gsigma_node_free(copy->keys[i]);
            gsigma_node_free(copy->items[i]);
            memmove(&copy->keys[i], &copy->keys[i + 1], (copy->count - i - 1) * sizeof *copy->keys);
            memmove(&copy->items[i], &copy->items[i + 1],
                    (copy->count - i - 1) * sizeof *copy->items);
            copy->count--;
            break;
        }
    return copy;
}

typedef struct file_state {
    gsigma_ctx *ctx;
    gast_unit *unit;
    const char *file;
    char stem[256];
    gsigma_node *global;    /* `action: global` template, or NULL */
    gsigma_node *last_rule; /* the previous rule document, for `action: repeat` */
    unsigned rule_docs;
    int errors;
} file_state;

/* The name of a rule or correlation document: its `name`, else the file
 * stem (with the document's number after the first). NULL: out of memory. */
static const char *document_name(file_state *st, const gsigma_node *doc) {
    const gsigma_node *name_node = gsigma_map_get(doc, "name");
    char base[300];
    st->rule_docs++;
    if (name_node && name_node->kind == GSIGMA_SCALAR && name_node->type != GSIGMA_NULL)
        snprintf(base, sizeof base, "%s", name_node->text);
    else if (st->rule_docs > 1)
        snprintf(base, sizeof base, "%s_%u", st->stem, st->rule_docs);
    else
        snprintf(base, sizeof base, "%s", st->stem);
    return unique_name(st->ctx, st->unit, base);
}

static int add_rule(file_state *st, const gsigma_node *doc) {
    gsigma_ctx *ctx = st->ctx;
    const char *name = document_name(st, doc);
    if (!name)
        return -1;
    int failed;
    gast_rule *rule = gsigma_rule_build(st->unit, ctx->diag, st->file, doc, name, &failed);
    if (!rule)
        return failed < 0 ? -1 : failed;
    gsigma_explain explain = {0};
    if (!gsigma_mappings_apply(&ctx->mappings, rule, &explain) ||
        !gast_push(&st->unit->rules, &st->unit->rule_count, &st->unit->rule_cap, rule)) {
        gsigma_explain_free(&explain);
        gast_rule_free(rule);
        return -1;
    }
    explain.rule_name = rule->name;
    if (ctx->explain_count == ctx->explain_cap) {
        size_t cap = ctx->explain_cap ? ctx->explain_cap * 2 : 16;
        gsigma_explain *grown = realloc(ctx->explains, cap * sizeof *grown);
        if (!grown) {
            gsigma_explain_free(&explain);
            return -1;
        }
        ctx->explains = grown;
        ctx->explain_cap = cap;
    }
    ctx->explains[ctx->explain_count++] = explain;
    return 0;
}

static int add_filter(file_state *st, const gsigma_node *doc) {
    gsigma_ctx *ctx = st->ctx;
    int failed;
    gsigma_filter *f = gsigma_filter_build(st->unit, ctx->diag, st->file, doc, &failed);
    if (!f)
        return failed < 0 ? -1 : failed;
    if (!gsigma_mappings_apply(&ctx->mappings, gsigma_filter_body(f), NULL) ||
        !gast_push(&ctx->filters, &ctx->filter_count, &ctx->filter_cap, f)) {
        gsigma_filter_free(f);
        return -1;
    }
    return 0;
}

/* Dispatch one (merged) document. */
static int add_document(file_state *st, const gsigma_node *doc) {
    if (gsigma_map_get(doc, "correlation")) {
        const char *name = document_name(st, doc);
        return name ? gsigma_correlation_build(st->unit, st->ctx->diag, st->file, doc, name) : -1;
    }
    if (gsigma_map_get(doc, "filter"))
        return add_filter(st, doc);
    const gsigma_node *fields = gsigma_map_get(doc, "fields");
    if (fields && fields->kind == GSIGMA_MAP && !gsigma_map_get(doc, "detection"))
        return 0; /* a field-mapping file (rules/mappings/) met while walking a rule tree;
                   * mappings are applied through --mapping and the built-in set */
    /* Real rule repositories hold other YAML beside the rules (values files,
     * Kubernetes manifests, CI configuration): a document with none of a
     * rule's sections is skipped with a warning. One with a `logsource` or a
     * `title` but no `detection` is a broken rule (E105). */
    if (!gsigma_map_get(doc, "detection") && !gsigma_map_get(doc, "logsource") &&
        !gsigma_map_get(doc, "title")) {
        gdiag_report(st->ctx->diag, GDIAG_WARNING, "W059", gsigma_loc(st->file, doc),
                     "skipped: this YAML document is not a Sigma rule, correlation or filter "
                     "(no `detection`, `logsource` or `title`)");
        return 0;
    }
    gsigma_node_free(st->last_rule);
    st->last_rule = gsigma_node_copy(doc);
    if (!st->last_rule)
        return -1;
    return add_rule(st, doc);
}

static int handle_document(file_state *st, const gsigma_node *doc) {
    gdiag_sink *diag = st->ctx->diag;
    if (doc->kind == GSIGMA_SCALAR && doc->type == GSIGMA_NULL)
        return 0; /* an empty document, e.g. after a trailing `---` */
    if (doc->kind != GSIGMA_MAP) {
        /* a list or a scalar is no rule either (a values list, a manifest
         * stream's stray text): skipped like any document that is not one */
        gdiag_report(diag, GDIAG_WARNING, "W059", gsigma_loc(st->file, doc),
                     "skipped: this YAML document is not a Sigma rule, correlation or filter "
                     "(not a map)");
        return 0;
    }
    const gsigma_node *action = gsigma_map_get(doc, "action");
    if (action) {
        const char *a = action->kind == GSIGMA_SCALAR ? action->text : "";
        if (strcmp(a, "global") == 0) {
            gsigma_node_free(st->global);
            st->global = without_action(doc);
            return st->global ? 0 : -1;
        }
        if (strcmp(a, "reset") == 0) {
            gsigma_node_free(st->global);
            st->global = NULL;
            return 0;
        }
        if (strcmp(a, "repeat") == 0) {
            if (!st->last_rule) {
                gdiag_report(diag, GDIAG_ERROR, "E104", gsigma_loc(st->file, action),
                             "`action: repeat` without a previous rule in the file");
                return 1;
            }
            gsigma_node *update = without_action(doc);
            gsigma_node *merged = gsigma_node_copy(st->last_rule);
            int rc = -1;
            if (update && merged && gsigma_node_merge(merged, update))
                rc = add_document(st, merged);
            gsigma_node_free(update);
            gsigma_node_free(merged);
            return rc;
        }
        gdiag_report(diag, GDIAG_ERROR, "E104", gsigma_loc(st->file, action),
                     "unknown Sigma collection action '%s' (expected global, reset or repeat)", a);
        return 1;
    }
    if (!st->global)
        return add_document(st, doc);
    gsigma_node *merged = gsigma_node_copy(st->global);
    int rc = -1;
    if (merged && gsigma_node_merge(merged, doc))
        rc = add_document(st, merged);
    gsigma_node_free(merged);
    return rc;
}

/* Parses and imports the documents of one file's text (consumed: freed here). */
static int load_text(gsigma_ctx *ctx, gast_unit *unit, const char *path, const char *file,
                     char *text, size_t len, int errors) {
    gdiag_add_source(ctx->diag, file, text, len);
    gsigma_yaml_file yaml = {0};
    int n = gsigma_yaml_parse(text, len, file, ctx->diag, &yaml);
    free(text);
    if (n < 0) {
        gsigma_yaml_file_free(&yaml);
        return -1;
    }
    errors += n;
    file_state st = {.ctx = ctx, .unit = unit, .file = file};
    file_stem(path, st.stem, sizeof st.stem);
    /* With YAML errors the documents read so far are still checked, so one
     * run reports as much as it can. */
    for (size_t i = 0; i < yaml.doc_count; i++) {
        int rc = handle_document(&st, yaml.docs[i]);
        if (rc < 0) {
            errors = -1;
            break;
        }
        errors += rc;
    }
    gsigma_node_free(st.global);
    gsigma_node_free(st.last_rule);
    gsigma_yaml_file_free(&yaml);
    return errors;
}

int gsigma_load_file(gsigma_ctx *ctx, gast_unit *unit, const char *path) {
    const char *file = gast_unit_intern(unit, path);
    if (!file)
        return -1;
    int errors = load_mappings(ctx, unit);
    if (errors < 0)
        return -1;
    size_t len = 0;
    char *text = NULL;
    if (grt_read_file(path, &text, &len) != GANTRY_OK) {
        gast_loc loc = {file, 1, 1, 1};
        gdiag_report(ctx->diag, GDIAG_ERROR, "E100", loc, "cannot read the Sigma file");
        return errors + 1;
    }
    return load_text(ctx, unit, path, file, text, len, errors);
}

int gsigma_load_text(gsigma_ctx *ctx, gast_unit *unit, const char *name, const char *text,
                     size_t len) {
    const char *file = gast_unit_intern(unit, name);
    if (!file)
        return -1;
    int errors = load_mappings(ctx, unit);
    if (errors < 0)
        return -1;
    char *copy = malloc(len + 1);
    if (!copy)
        return -1;
    memcpy(copy, text, len);
    copy[len] = '\0';
    return load_text(ctx, unit, name, file, copy, len, errors);
}

int gsigma_finish(gsigma_ctx *ctx, gast_unit *unit) {
    int errors = 0;
    for (size_t i = 0; i < ctx->filter_count; i++) {
        int n = gsigma_filter_apply(ctx->filters[i], unit->rules, unit->rule_count, (unsigned)i + 1,
                                    ctx->diag);
        if (n < 0)
            return -1;
        errors += n;
    }
    return errors;
}
