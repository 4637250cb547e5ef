/* SPDX-License-Identifier: Apache-2.0 */
/* The compiler's entry points (compiler.h): reading source paths into one
 * unit, and unit -> checks -> IR -> folding -> bytecode -> pack image. */
#include "compiler.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "check.h"
#include "correlation.h"
#include "ir.h"
#include "lower.h"
#include "pack_writer.h"
#include "parse.h"
#include "placeholders.h"
#include "sigma.h"

/* ---- reading paths ---- */

#define COMP_MAX_DIR_DEPTH 64

typedef struct path_list {
    char **items;
    size_t count, cap;
} path_list;

static int path_push(path_list *l, char *path) {
    if (l->count == l->cap) {
        size_t cap = l->cap * 2 + 16;
        char **p = realloc(l->items, cap * sizeof *p);
        if (!p) {
            free(path);
            return -1;
        }
        l->items = p;
        l->cap = cap;
    }
    l->items[l->count++] = path;
    return 0;
}

static bool has_suffix(const char *name, const char *suffix) {
    size_t n = strlen(name), m = strlen(suffix);
    return n > m && strcmp(name + n - m, suffix) == 0;
}

static bool is_sigma_file(const char *name) {
    return has_suffix(name, ".yml") || has_suffix(name, ".yaml");
}

static bool is_rule_file(const char *name) {
    return has_suffix(name, ".gantry") || is_sigma_file(name);
}

static int cmp_paths(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *join(const char *dir, const char *name) {
    size_t n = strlen(dir), m = strlen(name);
    char *p = malloc(n + m + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, n);
    size_t at = n;
    if (n && dir[n - 1] != '/')
        p[at++] = '/';
    memcpy(p + at, name, m + 1);
    return p;
}

/* Collects rule files under `dir`, skipping hidden entries; sorted by the
 * caller. Returns -1 on allocation failure. */
static int walk(const char *dir, int depth, path_list *out) {
    if (depth > COMP_MAX_DIR_DEPTH)
        return 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *path = join(dir, e->d_name);
        if (!path) {
            rc = -1;
            break;
        }
        struct stat st;
        if (stat(path, &st) != 0) {
            free(path);
        } else if (S_ISDIR(st.st_mode)) {
            rc = walk(path, depth + 1, out);
            free(path);
        } else if (S_ISREG(st.st_mode) && is_rule_file(e->d_name)) {
            rc = path_push(out, path);
        } else {
            free(path);
        }
    }
    closedir(d);
    return rc;
}

int gcomp_add_paths(gast_unit *unit, gsigma_ctx *sigma, const char *const *paths, size_t path_count,
                    gdiag_sink *diag) {
    path_list files = {0};
    bool oom = false;
    for (size_t i = 0; i < path_count && !oom; i++) {
        struct stat st;
        if (stat(paths[i], &st) != 0) {
            gast_loc loc = {gast_unit_intern(unit, paths[i]), 0, 0, 0};
            gdiag_report(diag, GDIAG_ERROR, "E067", loc, "no such file or directory");
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            size_t before = files.count;
            if (walk(paths[i], 0, &files) != 0)
                oom = true;
            qsort(files.items + before, files.count - before, sizeof *files.items, cmp_paths);
        } else {
            char *copy = strdup(paths[i]);
            if (!copy || path_push(&files, copy) != 0)
                oom = true;
        }
    }
    for (size_t i = 0; i < files.count && !oom; i++) {
        int rc = is_sigma_file(files.items[i]) ? gsigma_load_file(sigma, unit, files.items[i])
                                               : gparse_file(unit, files.items[i], diag);
        if (rc < 0)
            oom = true;
    }
    for (size_t i = 0; i < files.count; i++)
        free(files.items[i]);
    free(files.items);
    return oom ? -1 : 0;
}

gast_unit *gcomp_parse_paths(const char *const *paths, size_t path_count, gdiag_sink *diag,
                             const gcomp_options *options) {
    gast_unit *unit = gast_unit_new();
    gsigma_ctx *sigma = unit ? gsigma_new(options, diag) : NULL;
    bool oom = !unit || !sigma;
    if (!oom && gcomp_add_paths(unit, sigma, paths, path_count, diag) != 0)
        oom = true;
    if (!oom && gsigma_finish(sigma, unit) < 0)
        oom = true;
    gsigma_free(sigma);
    if (oom) {
        gast_unit_free(unit);
        return NULL;
    }
    return unit;
}

/* ---- compiling ---- */

static const char *rule_label(const gast_rule *r) {
    return r->name ? r->name : r->title ? r->title : "(unnamed)";
}

static void warn_constant(gdiag_sink *diag, const gast_rule *rule, const gir_node *folded) {
    gast_loc loc = rule->condition_loc.line > 0 ? rule->condition_loc : rule->loc;
    if (folded->kind == GIR_FALSE)
        gdiag_report(diag, GDIAG_WARNING, "W024", loc,
                     "the condition of rule `%s` can never be true", rule_label(rule));
    else if (folded->kind == GIR_TRUE)
        gdiag_report(diag, GDIAG_WARNING, "W025", loc,
                     "the condition of rule `%s` is always true: it matches every event",
                     rule_label(rule));
}

static uint32_t rule_level(gast_level level) {
    /* an unset level reads as medium, the middle of the scale */
    return level == GAST_LEVEL_UNSET ? (uint32_t)GAST_LEVEL_MEDIUM : (uint32_t)level;
}

static int add_rule(gpw *w, const gast_rule *r, uint32_t first, uint32_t length) {
    gpw_rule rec = {0};
    rec.name = r->name;
    rec.id = r->id;
    rec.title = r->title ? r->title : r->name;
    rec.description = r->description;
    rec.author = r->author;
    rec.date = r->date;
    rec.modified = r->modified;
    rec.status = r->status;
    rec.level = rule_level(r->level);
    rec.product = r->logsource_product;
    rec.category = r->logsource_category;
    rec.service = r->logsource_service;
    rec.tags = (const char *const *)r->tags.items;
    rec.tag_count = r->tags.count;
    rec.references = (const char *const *)r->references.items;
    rec.reference_count = r->references.count;
    rec.falsepositives = (const char *const *)r->falsepositives.items;
    rec.falsepositive_count = r->falsepositives.count;
    rec.code_first = first;
    rec.code_length = length;
    rec.source_file = r->loc.file;
    rec.source_line = r->loc.line > 0 ? (uint32_t)r->loc.line : 0;
    return gpw_rule_add(w, &rec) == GPW_FAIL ? -1 : 0;
}

static uint32_t value_const(gpw *w, const gast_value *v) {
    switch (v->kind) {
    case GAST_STRING:
        return gpw_const_string(w, v->text, strlen(v->text));
    case GAST_NUMBER:
        return gpw_const_number(w, v->number, NULL);
    case GAST_BOOL:
        return gpw_const_bool(w, v->boolean);
    case GAST_NULL:
        return gpw_const_null(w);
    }
    return GPW_FAIL;
}

/* Named lists as written (or as replaced by -D), for tools. */
static int add_named_lists(gpw *w, const gast_unit *unit, const gph_table *values) {
    for (size_t i = 0; i < unit->list_count; i++) {
        const gast_list *l = unit->lists[i];
        const gph_entry *over = gph_find(values, l->name, strlen(l->name));
        size_t n = over ? over->count : l->value_count;
        uint32_t *consts = malloc((n + 1) * sizeof *consts);
        if (!consts)
            return -1;
        for (size_t k = 0; k < n; k++)
            consts[k] = over ? gpw_const_string(w, over->values[k], strlen(over->values[k]))
                             : value_const(w, l->values[k]);
        uint32_t list = gpw_list(w, consts, n);
        free(consts);
        if (list == GPW_FAIL || gpw_named_list(w, l->name, list) == GPW_FAIL)
            return -1;
    }
    return 0;
}

/* One compile of the unit. With `failed` (one flag per rule), a rule whose
 * lowering reports an error is flagged and left out of the pack's code, and
 * *other_errors counts the errors that belong to no rule. */
static int compile_pass(gast_unit *unit, gdiag_sink *diag, const gcomp_options *options,
                        unsigned char **pack, size_t *pack_len, gcomp_stats *stats, bool *failed,
                        size_t *other_errors) {
    gar arena;
    gar_init(&arena);
    gpw *w = gpw_new();
    gph_table values;
    bool oom = !w;
    size_t pred_uses = 0;
    if (!oom && gph_load(&arena, unit, diag, options, &values) == 0 && !gdiag_oom(diag))
        gph_check_names(&arena, unit, diag, options, &values);
    if (!oom && !gdiag_oom(diag)) {
        gchk_unit(diag, unit);
        gchk_unused(diag, unit);
        gchk_fields(diag, unit, options);
    }
    size_t before_rules = gdiag_error_count(diag);
    oom = oom || gdiag_oom(diag);
    glow_ctx ctx = {0};
    ctx.arena = &arena;
    ctx.w = w;
    ctx.diag = diag;
    ctx.unit = unit;
    ctx.options = options;
    ctx.values = &values;
    ctx.macros = oom ? NULL : gar_alloc(&arena, (unit->macro_count + 1) * sizeof *ctx.macros);
    oom = oom || !ctx.macros;
    if (!oom)
        glow_macros(&ctx);
    for (size_t r = 0; r < unit->rule_count && !oom && !ctx.oom; r++) {
        const gast_rule *rule = unit->rules[r];
        size_t errors_before = ctx.errors, diag_before = gdiag_error_count(diag);
        gir_node *root = glow_rule(&ctx, rule);
        gir_node *folded = root ? gir_fold(&arena, root) : NULL;
        if (!folded) {
            oom = true;
            break;
        }
        if (ctx.errors == errors_before && rule->condition)
            warn_constant(diag, rule, folded);
        if (failed && (ctx.errors != errors_before || gdiag_error_count(diag) != diag_before ||
                       !rule->condition)) {
            failed[r] = true;
            continue;
        }
        uint32_t first = 0, length = 0;
        int rc = gir_emit(w, folded, &first, &length, &pred_uses);
        if (rc == -2) {
            gdiag_report(diag, GDIAG_ERROR, "E069", rule->loc,
                         "rule `%s` compiles to more instructions than a rule may hold",
                         rule_label(rule));
            ctx.errors++;
            continue;
        }
        if (rc != 0 || add_rule(w, rule, first, length) != 0)
            oom = true;
    }
    oom = oom || ctx.oom || arena.failed;
    if (other_errors) {
        /* gchk_unit's errors that belong to a rule: no condition, a
         * duplicate selection (one report each) */
        size_t own = 0;
        for (size_t r = 0; r < unit->rule_count; r++) {
            const gast_rule *rule = unit->rules[r];
            own += !rule->condition;
            for (size_t i = 0; i < rule->selection_count; i++)
                for (size_t j = 0; j < i; j++)
                    if (strcmp(rule->selections[i]->name, rule->selections[j]->name) == 0) {
                        own++;
                        if (failed)
                            failed[r] = true;
                        break;
                    }
        }
        *other_errors = before_rules - own;
    }
    if (!oom && add_named_lists(w, unit, &values) != 0)
        oom = true;
    if (!oom && gcorr_compile(w, unit, diag) != 0)
        oom = true;
    int result = -1;
    if (!oom && gdiag_error_count(diag) == 0 && gpw_finish(w, pack, pack_len) == 0) {
        result = 0;
        if (stats) {
            memset(stats, 0, sizeof *stats);
            stats->rules = unit->rule_count;
            for (size_t r = 0; r < unit->rule_count; r++)
                stats->selections += unit->rules[r]->selection_count;
            stats->predicates = gpw_pred_count(w);
            stats->predicate_uses = pred_uses;
            stats->instructions = gpw_code_length(w);
            stats->fields = gpw_field_count(w);
            stats->bytes = *pack_len;
        }
    }
    gpw_free(w);
    gar_release(&arena);
    return result;
}

/* --keep-going: a first pass reports every error and finds the rules that do
 * not compile; they are dropped from the unit (rule indices must stay dense
 * for correlations) and a second, silent pass writes the pack of the others.
 * Errors that belong to no rule (values files, -D, duplicate lists or
 * macros, a rule without a condition counts as its own) still fail. */
static int compile_keep_going(gast_unit *unit, gdiag_sink *diag, const gcomp_options *options,
                              unsigned char **pack, size_t *pack_len, gcomp_stats *stats) {
    bool *failed = calloc(unit->rule_count + 1, sizeof *failed);
    if (!failed)
        return -1;
    size_t parse_errors = gdiag_error_count(diag), other = 0;
    int rc = compile_pass(unit, diag, options, pack, pack_len, stats, failed, &other);
    size_t dropped = 0;
    for (size_t r = 0; r < unit->rule_count; r++)
        dropped += failed[r];
    if (rc == 0 || other > parse_errors || gdiag_oom(diag)) {
        free(failed);
        if (rc == 0 && stats)
            stats->rules_failed = 0;
        return other > parse_errors ? -1 : rc;
    }
    free(*pack);
    *pack = NULL;
    *pack_len = 0;
    size_t kept = 0;
    for (size_t r = 0; r < unit->rule_count; r++) {
        if (failed[r])
            gast_rule_free(unit->rules[r]);
        else
            unit->rules[kept++] = unit->rules[r];
    }
    unit->rule_count = kept;
    free(failed);
    gdiag_sink *quiet = gdiag_new(NULL, 0, 0);
    if (!quiet)
        return -1;
    rc = compile_pass(unit, quiet, options, pack, pack_len, stats, NULL, NULL);
    if (rc != 0 && !gdiag_oom(quiet))
        gdiag_report(diag, GDIAG_ERROR, "E077", (gast_loc){0},
                     "--keep-going: without the %zu rules that do not compile, the others "
                     "still do not: %s",
                     dropped, gdiag_text(quiet) ? gdiag_text(quiet) : "");
    gdiag_free(quiet);
    if (rc == 0 && stats)
        stats->rules_failed = dropped;
    return rc;
}

int gcomp_compile_unit(gast_unit *unit, gdiag_sink *diag, const gcomp_options *options,
                       unsigned char **pack, size_t *pack_len, gcomp_stats *stats) {
    if (pack)
        *pack = NULL;
    if (pack_len)
        *pack_len = 0;
    if (!unit || !diag || !pack || !pack_len)
        return -1;
    if (options && options->keep_going)
        return compile_keep_going(unit, diag, options, pack, pack_len, stats);
    return compile_pass(unit, diag, options, pack, pack_len, stats, NULL, NULL);
}
