/* SPDX-License-Identifier: Apache-2.0 */
/* gantry import-sigma: Sigma YAML -> native rule files, one per rule, or
 * (--explain) which field mapping renamed which field of each rule. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "check.h"
#include "rule_options.h"
#include "sigma_internal.h"

#define DRL_URL "https://github.com/SigmaHQ/Detection-Rule-License"

typedef struct path_list {
    char **items;
    size_t count, cap;
} path_list;

static bool has_yaml_ext(const char *name) {
    const char *dot = strrchr(name, '.');
    return dot && (strcmp(dot, ".yml") == 0 || strcmp(dot, ".yaml") == 0);
}

static int add_path(path_list *list, const char *path) {
    char *copy = gsigma_strdup(path);
    if (!copy || !gast_push(&list->items, &list->count, &list->cap, copy)) {
        free(copy);
        return -1;
    }
    return 0;
}

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files as given; directories walked for *.yml / *.yaml, sorted. */
static int collect(path_list *list, const char *path, int depth) {
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return add_path(list, path); /* a missing file is reported by the importer */
    if (depth > 64)
        return 0;
    DIR *dir = opendir(path);
    if (!dir) {
        fprintf(stderr, "gantry import-sigma: cannot open %s: %s\n", path, strerror(errno));
        return 0;
    }
    path_list here = {0};
    struct dirent *ent;
    int rc = 0;
    while (rc == 0 && (ent = readdir(dir))) {
        if (ent->d_name[0] == '.')
            continue;
        size_t n = strlen(path) + strlen(ent->d_name) + 2;
        char *child = malloc(n);
        if (!child) {
            rc = -1;
            break;
        }
        size_t plen = strlen(path); /* "dir/" given: no "dir//file" */
        snprintf(child, n, "%s%s%s", path, plen && path[plen - 1] == '/' ? "" : "/", ent->d_name);
        struct stat cst;
        bool keep = stat(child, &cst) == 0 && (S_ISDIR(cst.st_mode) || has_yaml_ext(ent->d_name));
        if (!keep || !gast_push(&here.items, &here.count, &here.cap, child)) {
            rc = keep ? -1 : 0;
            free(child);
        }
    }
    closedir(dir);
    if (here.count)
        qsort(here.items, here.count, sizeof *here.items, by_name);
    for (size_t i = 0; i < here.count; i++) {
        if (rc == 0)
            rc = collect(list, here.items[i], depth + 1);
        free(here.items[i]);
    }
    free(here.items);
    return rc;
}

static void write_header(FILE *out, const gast_rule *rule) {
    fprintf(out, "# Converted by `gantry import-sigma` from %s\n",
            rule->loc.file ? rule->loc.file : "a Sigma rule");
    if (rule->license && strcmp(rule->license, "DRL-1.1") == 0)
        fprintf(out, "# Sigma rule by %s. Detection Rule License (DRL) 1.1: " DRL_URL "\n",
                rule->author ? rule->author : "unknown author");
    else
        fprintf(out, "# Sigma rule by %s. License: %s\n",
                rule->author ? rule->author : "unknown author",
                rule->license ? rule->license : "not stated");
}

/* Output of one converted item: DIR/NAME.gantry, or stdout without -o. */
typedef struct output {
    FILE *file;
    const char *dir;
    char path[4096];
} output;

static int output_open(output *o, const char *dir, const char *name) {
    o->dir = dir;
    o->file = stdout;
    if (!dir)
        return 0;
    snprintf(o->path, sizeof o->path, "%s/%s.gantry", dir, name);
    o->file = fopen(o->path, "w");
    if (!o->file) {
        fprintf(stderr, "gantry import-sigma: cannot write %s: %s\n", o->path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Closes the output; a failed conversion is reported and its file removed. */
static int output_close(output *o, bool ok, const char *what, const gast_loc *loc, const char *name,
                        const char *why) {
    if (o->dir && fclose(o->file) != 0)
        ok = false;
    if (!ok) {
        fprintf(stderr, "gantry import-sigma: %s: %s %s cannot be written natively: %s\n",
                loc->file ? loc->file : "?", what, name, why ? why : "write error");
        if (o->dir)
            remove(o->path);
        return -1;
    }
    if (!o->dir)
        fputc('\n', stdout);
    return 0;
}

static int emit_one(const gast_rule *rule, const char *dir) {
    output o;
    if (output_open(&o, dir, rule->name) != 0)
        return -1;
    write_header(o.file, rule);
    const char *why = NULL;
    bool ok = gsigma_emit_rule(o.file, rule, &why);
    return output_close(&o, ok, "rule", &rule->loc, rule->name, why);
}

static int emit_correlation(const gast_correlation *corr, const char *dir) {
    output o;
    if (output_open(&o, dir, corr->name) != 0)
        return -1;
    fprintf(o.file, "# Converted by `gantry import-sigma` from %s\n",
            corr->loc.file ? corr->loc.file : "a Sigma correlation");
    const char *why = NULL;
    bool ok = gsigma_emit_correlation(o.file, corr, &why);
    return output_close(&o, ok, "correlation", &corr->loc, corr->name, why);
}

static const gast_rule *find_rule(const gast_unit *unit, const char *name) {
    for (size_t i = 0; i < unit->rule_count; i++)
        if (strcmp(unit->rules[i]->name, name) == 0)
            return unit->rules[i];
    return NULL;
}

static void explain(const gsigma_ctx *ctx, const gast_unit *unit) {
    size_t count;
    const gsigma_explain *ex = gsigma_explains(ctx, &count);
    for (size_t i = 0; i < count; i++) {
        const gast_rule *rule = find_rule(unit, ex[i].rule_name);
        printf("rule %s (%s)\n", ex[i].rule_name, rule && rule->loc.file ? rule->loc.file : "?");
        if (rule)
            printf("  logsource: product=%s category=%s service=%s\n",
                   rule->logsource_product ? rule->logsource_product : "-",
                   rule->logsource_category ? rule->logsource_category : "-",
                   rule->logsource_service ? rule->logsource_service : "-");
        printf("  mappings that apply: %s\n",
               ex[i].mapping_names && *ex[i].mapping_names ? ex[i].mapping_names : "(none)");
        if (!ex[i].rename_count)
            printf("  no field renamed\n");
        for (size_t j = 0; j < ex[i].rename_count; j++)
            printf("  %s -> %s  [%s]\n", ex[i].renames[j].from, ex[i].renames[j].to,
                   ex[i].renames[j].mapping);
    }
}

enum { OPT_EXPLAIN = GCLI_OPT_FIRST_FREE };

static const gopt import_rows[] = {
    {'o', "output", "DIR", "write DIR/NAME.gantry per rule (default: standard output)"},
    {OPT_EXPLAIN, "explain", NULL, "print the field mappings each rule gets instead"},
    GCLI_OPT_ROW_MAPPING,
    GCLI_OPT_ROW_DIAGNOSTICS,
};
const gopt_table gcli_import_sigma_options = GOPT_TABLE_INIT(import_rows);

typedef struct import_args {
    gcli_rule_options *opts;
    const char *dir;
    bool explain;
} import_args;

static int on_option(void *ctx, int id, const char *value) {
    import_args *a = ctx;
    if (id == 'o')
        a->dir = value;
    else if (id == OPT_EXPLAIN)
        a->explain = true;
    else if (gcli_rule_option(a->opts, id, value) < 0)
        return gopt_usage_error("import-sigma", "%s", a->opts->error);
    return 0;
}

int gcli_cmd_import_sigma(int argc, char **argv) {
    gcli_rule_options opts;
    if (gcli_rule_options_init(&opts, argc) != 0) {
        fprintf(stderr, "gantry import-sigma: out of memory\n");
        return 2;
    }
    path_list inputs = {0};
    int status = 2;
    gast_unit *unit = NULL;
    gdiag_sink *diag = NULL;
    gsigma_ctx *ctx = NULL;
    import_args args = {&opts, NULL, false};
    int first = 1;
    if (gopt_parse("import-sigma", gcli_import_sigma_options, argc, argv, on_option, &args,
                   &first) != 0)
        goto done;
    if (first == argc) {
        gopt_usage_error("import-sigma", "no Sigma files given");
        goto done;
    }
    for (int i = first; i < argc; i++) {
        if (access(argv[i], R_OK) != 0) {
            fprintf(stderr, "gantry import-sigma: %s: %s\n", argv[i], strerror(errno));
            goto done;
        }
    }
    if (gcli_rule_inputs_exist("import-sigma", &opts, NULL, 0) != 0)
        goto done;
    for (int i = first; i < argc; i++) {
        if (collect(&inputs, argv[i], 0) != 0) {
            fprintf(stderr, "gantry import-sigma: out of memory\n");
            goto done;
        }
    }
    const char *dir = args.dir;
    bool want_explain = args.explain;
    if (dir && mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "gantry import-sigma: cannot create %s: %s\n", dir, strerror(errno));
        goto done;
    }
    unit = gast_unit_new();
    diag = gdiag_new(stderr, opts.json_diagnostics,
                     !opts.json_diagnostics && gopt_color(-1, STDERR_FILENO));
    ctx = unit && diag ? gsigma_new(&opts.comp, diag) : NULL;
    if (!ctx) {
        fprintf(stderr, "gantry import-sigma: out of memory\n");
        goto done;
    }
    int errors = 0;
    for (size_t i = 0; i < inputs.count; i++) {
        int n = gsigma_load_file(ctx, unit, inputs.items[i]);
        if (n < 0) {
            fprintf(stderr, "gantry import-sigma: out of memory\n");
            goto done;
        }
        errors += n;
    }
    int n = gsigma_finish(ctx, unit);
    if (n < 0) {
        fprintf(stderr, "gantry import-sigma: out of memory\n");
        goto done;
    }
    errors += n;
    size_t written = 0, failed = 0;
    if (want_explain) {
        explain(ctx, unit);
        /* W030: fields, mapped, that no source of the rule's logsource fills */
        gchk_fields(diag, unit, &opts.comp);
    } else {
        for (size_t i = 0; i < unit->rule_count; i++) {
            if (emit_one(unit->rules[i], dir) == 0)
                written++;
            else
                failed++;
        }
        for (size_t i = 0; i < unit->correlation_count; i++) {
            if (emit_correlation(unit->correlations[i], dir) == 0)
                written++;
            else
                failed++;
        }
        if (dir)
            fprintf(stderr, "gantry import-sigma: %zu rule(s) written to %s\n", written, dir);
    }
    status = errors || failed ? 1 : 0;
done:
    gsigma_free(ctx);
    gdiag_free(diag);
    gast_unit_free(unit);
    for (size_t i = 0; i < inputs.count; i++)
        free(inputs.items[i]);
    free(inputs.items);
    gcli_rule_options_free(&opts);
    return status;
}
