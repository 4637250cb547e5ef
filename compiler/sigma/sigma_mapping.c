/* SPDX-License-Identifier: Apache-2.0 */
/* Field mappings (Gantry's form of Sigma processing pipelines): per
 * logsource, a table renaming the fields Sigma rules use onto the normalized
 * schema. A mapping applies to a rule when every logsource attribute the
 * mapping sets equals the rule's. For each field the first applicable
 * mapping that names it wins: user files (last given first), then the
 * built-in ones, most specific logsource first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sigma_internal.h"
#include "readfile.h"

typedef struct field_pair {
    char *from, *to;
} field_pair;

struct gsigma_mapping {
    char *name;
    char *product, *category, *service;
    field_pair *fields;
    size_t field_count;
    int priority; /* larger applies first */
};

static void mapping_free(gsigma_mapping *m) {
    if (!m)
        return;
    free(m->name);
    free(m->product);
    free(m->category);
    free(m->service);
    for (size_t i = 0; i < m->field_count; i++) {
        free(m->fields[i].from);
        free(m->fields[i].to);
    }
    free(m->fields);
    free(m);
}

void gsigma_mappings_free(gsigma_mappings *maps) {
    for (size_t i = 0; i < maps->count; i++)
        mapping_free(maps->items[i]);
    free(maps->items);
    maps->items = NULL;
    maps->count = maps->cap = 0;
}

static int mapping_error(gdiag_sink *diag, const char *file, const gsigma_node *at,
                         const char *what) {
    gdiag_report(diag, GDIAG_ERROR, "E115", gsigma_loc(file, at), "field mapping: %s", what);
    return 1;
}

static bool scalar_text(const gsigma_node *n) {
    return n && n->kind == GSIGMA_SCALAR && n->type != GSIGMA_NULL;
}

/* Read one mapping document. Returns the number of errors; *out is NULL
 * when there were errors. -1 on allocation failure. */
static int mapping_from_doc(const gsigma_node *doc, const char *file, const char *default_name,
                            gdiag_sink *diag, gsigma_mapping **out) {
    *out = NULL;
    if (doc->kind != GSIGMA_MAP)
        return mapping_error(diag, file, doc, "a mapping document must be a map");
    gsigma_mapping *m = calloc(1, sizeof *m);
    if (!m)
        return -1;
    const gsigma_node *name = gsigma_map_get(doc, "name");
    m->name = gsigma_strdup(scalar_text(name) ? name->text : default_name);
    const gsigma_node *ls = gsigma_map_get(doc, "logsource");
    if (ls && ls->kind != GSIGMA_MAP) {
        mapping_free(m);
        return mapping_error(diag, file, ls, "`logsource` must be a map");
    }
    const char *attrs[] = {"product", "category", "service"};
    char **slots[] = {&m->product, &m->category, &m->service};
    for (int i = 0; i < 3 && ls; i++) {
        const gsigma_node *v = gsigma_map_get(ls, attrs[i]);
        if (scalar_text(v)) {
            if (!(*slots[i] = gsigma_strdup(v->text))) {
                mapping_free(m);
                return -1;
            }
            m->priority++;
        }
    }
    const gsigma_node *fields = gsigma_map_get(doc, "fields");
    if (fields && fields->kind != GSIGMA_MAP) {
        mapping_free(m);
        return mapping_error(diag, file, fields,
                             "`fields` must be a map of Sigma field to schema field");
    }
    if (fields && fields->count) {
        m->fields = calloc(fields->count, sizeof *m->fields);
        if (!m->fields) {
            mapping_free(m);
            return -1;
        }
        for (size_t i = 0; i < fields->count; i++) {
            if (!scalar_text(fields->items[i])) {
                mapping_free(m);
                return mapping_error(diag, file, fields->items[i],
                                     "a field must map to one schema field name (a string)");
            }
            m->fields[i].from = gsigma_strdup(fields->keys[i]->text);
            m->fields[i].to = gsigma_strdup(fields->items[i]->text);
            m->field_count++;
            if (!m->fields[i].from || !m->fields[i].to) {
                mapping_free(m);
                return -1;
            }
        }
    }
    if (!m->name) {
        mapping_free(m);
        return -1;
    }
    *out = m;
    return 0;
}

static int load_text(gsigma_mappings *maps, gast_unit *unit, gdiag_sink *diag, const char *file,
                     const char *text, size_t len, int priority_base) {
    const char *interned = gast_unit_intern(unit, file);
    if (!interned)
        return -1;
    gsigma_yaml_file yaml = {0};
    int errors = gsigma_yaml_parse(text, len, interned, diag, &yaml);
    if (errors < 0) {
        gsigma_yaml_file_free(&yaml);
        return -1;
    }
    const char *slash = strrchr(file, '/');
    char stem[256];
    snprintf(stem, sizeof stem, "%s", slash ? slash + 1 : file);
    char *dot = strrchr(stem, '.');
    if (dot)
        *dot = 0;
    for (size_t i = 0; i < yaml.doc_count; i++) {
        gsigma_mapping *m;
        int n = mapping_from_doc(yaml.docs[i], interned, stem, diag, &m);
        if (n < 0) {
            gsigma_yaml_file_free(&yaml);
            return -1;
        }
        errors += n;
        if (!m)
            continue;
        m->priority += priority_base;
        if (!gast_push(&maps->items, &maps->count, &maps->cap, m)) {
            mapping_free(m);
            gsigma_yaml_file_free(&yaml);
            return -1;
        }
    }
    gsigma_yaml_file_free(&yaml);
    return errors;
}

int gsigma_mappings_load_builtin(gsigma_mappings *maps, gast_unit *unit, gdiag_sink *diag) {
    int errors = 0;
    for (const gsigma_builtin_mapping *b = gsigma_builtin_mappings; b->name; b++) {
        char file[256];
        snprintf(file, sizeof file, "<builtin>/rules/mappings/%s", b->name);
        int n = load_text(maps, unit, diag, file, b->text, strlen(b->text), 0);
        if (n < 0)
            return -1;
        errors += n;
    }
    return errors;
}

int gsigma_mappings_load_file(gsigma_mappings *maps, gast_unit *unit, gdiag_sink *diag,
                              const char *path) {
    gast_loc loc = {gast_unit_intern(unit, path), 1, 1, 1};
    char *text = NULL;
    size_t len = 0;
    gantry_status st = grt_read_file(path, &text, &len);
    if (st == GANTRY_E_NOMEM)
        return -1;
    if (st != GANTRY_OK) {
        gdiag_report(diag, GDIAG_ERROR, "E115", loc, "cannot read the field mapping file");
        return 1;
    }
    /* Later user files beat earlier ones, and every user file beats the
     * built-in mappings. */
    int n = load_text(maps, unit, diag, path, text ? text : "", len, 1000 + (int)maps->count * 10);
    free(text);
    return n;
}

static bool attr_covers(const char *mapping, const char *rule) {
    return !mapping || (rule && strcmp(mapping, rule) == 0);
}

static bool covers(const gsigma_mapping *m, const gast_rule *rule) {
    return attr_covers(m->product, rule->logsource_product) &&
           attr_covers(m->category, rule->logsource_category) &&
           attr_covers(m->service, rule->logsource_service);
}

typedef struct applier {
    const gsigma_mapping **active; /* by priority, highest first */
    size_t active_count;
    gsigma_explain *explain;
    bool oom;
} applier;

static bool record(applier *a, const char *from, const char *to, const gsigma_mapping *m) {
    gsigma_explain *e = a->explain;
    if (!e)
        return true;
    for (size_t i = 0; i < e->rename_count; i++)
        if (strcmp(e->renames[i].from, from) == 0)
            return true;
    if (e->rename_count == e->rename_cap) {
        size_t cap = e->rename_cap ? e->rename_cap * 2 : 8;
        gsigma_rename *grown = realloc(e->renames, cap * sizeof *grown);
        if (!grown)
            return false;
        e->renames = grown;
        e->rename_cap = cap;
    }
    gsigma_rename *r = &e->renames[e->rename_count];
    r->from = gsigma_strdup(from);
    r->to = gsigma_strdup(to);
    r->mapping = m->name;
    if (!r->from || !r->to) {
        free(r->from);
        free(r->to);
        return false;
    }
    e->rename_count++;
    return true;
}

/* Rename one field name in place. */
static void rename_field(applier *a, char **field) {
    if (!*field)
        return;
    for (size_t i = 0; i < a->active_count; i++) {
        const gsigma_mapping *m = a->active[i];
        for (size_t j = 0; j < m->field_count; j++) {
            if (strcmp(m->fields[j].from, *field) != 0)
                continue;
            if (strcmp(m->fields[j].to, *field) == 0)
                return;
            char *to = gsigma_strdup(m->fields[j].to);
            if (!to || !record(a, *field, to, m)) {
                free(to);
                a->oom = true;
                return;
            }
            free(*field);
            *field = to;
            return;
        }
    }
}

static void rename_pred(applier *a, gast_pred *pred) {
    rename_field(a, &pred->field);
    bool fieldref = false;
    for (size_t i = 0; i < pred->mod_count; i++)
        fieldref |= pred->mods[i] == GAST_MOD_FIELDREF;
    for (size_t i = 0; fieldref && i < pred->value_count; i++)
        if (pred->values[i]->kind == GAST_STRING)
            rename_field(a, &pred->values[i]->text);
}

static void rename_cond(applier *a, gast_cond *c) {
    if (!c)
        return;
    if (c->pred)
        rename_pred(a, c->pred);
    rename_cond(a, c->left);
    rename_cond(a, c->right);
}

static int by_priority(const void *x, const void *y) {
    const gsigma_mapping *a = *(const gsigma_mapping *const *)x;
    const gsigma_mapping *b = *(const gsigma_mapping *const *)y;
    return (b->priority > a->priority) - (b->priority < a->priority);
}

bool gsigma_mappings_apply(const gsigma_mappings *maps, gast_rule *rule, gsigma_explain *explain) {
    applier a = {NULL, 0, explain, false};
    a.active = calloc(maps->count ? maps->count : 1, sizeof *a.active);
    if (!a.active)
        return false;
    for (size_t i = 0; i < maps->count; i++)
        if (covers(maps->items[i], rule))
            a.active[a.active_count++] = maps->items[i];
    /* Insertion sort: stable, so equal priorities keep their load order. */
    for (size_t i = 1; i < a.active_count; i++)
        for (size_t j = i; j > 0 && by_priority(&a.active[j - 1], &a.active[j]) > 0; j--) {
            const gsigma_mapping *t = a.active[j];
            a.active[j] = a.active[j - 1];
            a.active[j - 1] = t;
        }
    if (explain) {
        size_t need = 1;
        for (size_t i = 0; i < a.active_count; i++)
            need += strlen(a.active[i]->name) + 2;
        free(explain->applied);
        explain->applied = calloc(need, 1);
        if (!explain->applied) {
            free(a.active);
            return false;
        }
        for (size_t i = 0; i < a.active_count; i++) {
            if (i)
                strcat(explain->applied, ", ");
            strcat(explain->applied, a.active[i]->name);
        }
        explain->mapping_names = explain->applied;
        explain->rule_name = rule->name;
    }
    for (size_t s = 0; s < rule->selection_count && !a.oom; s++) {
        gast_selection *sel = rule->selections[s];
        for (size_t m = 0; m < sel->alt_count; m++)
            for (size_t p = 0; p < sel->alts[m]->pred_count; p++)
                rename_pred(&a, sel->alts[m]->preds[p]);
    }
    rename_cond(&a, rule->condition);
    free(a.active);
    return !a.oom;
}

void gsigma_explain_free(gsigma_explain *explain) {
    for (size_t i = 0; i < explain->rename_count; i++) {
        free(explain->renames[i].from);
        free(explain->renames[i].to);
    }
    free(explain->renames);
    free(explain->applied);
    memset(explain, 0, sizeof *explain);
}
