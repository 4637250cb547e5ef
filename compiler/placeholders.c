/* SPDX-License-Identifier: Apache-2.0 */
/* -D definitions and the --values file; see placeholders.h. */
#include "placeholders.h"

#include "check.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

typedef struct ph_builder {
    gar *arena;
    gph_table *table;
    size_t cap;
} ph_builder;

/* Later definitions of a name replace earlier ones. */
static gph_entry *add_entry(ph_builder *b, const char *name, size_t len) {
    gph_entry *e = (gph_entry *)gph_find(b->table, name, len);
    if (e)
        return e;
    if (b->table->count == b->cap) {
        size_t cap = b->cap * 2 + 8;
        gph_entry *p = gar_grow(b->arena, b->table->entries, b->cap * sizeof *p, cap * sizeof *p);
        if (!p)
            return NULL;
        b->table->entries = p;
        b->cap = cap;
    }
    e = &b->table->entries[b->table->count++];
    e->name = gar_memdup(b->arena, name, len);
    return e->name ? e : NULL;
}

static int set_values(ph_builder *b, gph_entry *e, const char *const *values, size_t count) {
    const char **copy = gar_alloc(b->arena, (count + 1) * sizeof *copy);
    if (!copy)
        return -1;
    for (size_t i = 0; i < count; i++)
        if (!(copy[i] = gar_strdup(b->arena, values[i])))
            return -1;
    e->values = copy;
    e->count = count;
    return 0;
}

const gph_entry *gph_find(const gph_table *table, const char *name, size_t len) {
    for (size_t i = 0; i < table->count; i++)
        if (strlen(table->entries[i].name) == len && memcmp(table->entries[i].name, name, len) == 0)
            return &table->entries[i];
    return NULL;
}

/* Reads the values file into (name, values) pairs with libyaml's event API. */
static size_t load_values_file(ph_builder *b, gast_unit *unit, gdiag_sink *diag, const char *path) {
    gast_loc loc = {gast_unit_intern(unit, path), 0, 0, 0};
    FILE *f = fopen(path, "rb");
    if (!f) {
        gdiag_report(diag, GDIAG_ERROR, "E061", loc, "cannot read the values file");
        return 1;
    }
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        fclose(f);
        gdiag_set_oom(diag);
        return 0;
    }
    yaml_parser_set_input_file(&parser, f);
    size_t errors = 0;
    int depth = 0; /* 1: inside the top map; 2: inside a value sequence */
    char *key = NULL;
    const char **items = NULL;
    size_t count = 0, cap = 0;
    bool done = false, oom = false;
    while (!done && !errors && !oom) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            loc.line = (int)parser.problem_mark.line + 1;
            loc.col = (int)parser.problem_mark.column + 1;
            gdiag_report(diag, GDIAG_ERROR, "E061", loc, "values file: %s",
                         parser.problem ? parser.problem : "malformed YAML");
            errors++;
            break;
        }
        loc.line = (int)ev.start_mark.line + 1;
        loc.col = (int)ev.start_mark.column + 1;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_MAPPING_START_EVENT:
            if (depth == 0)
                depth = 1;
            else
                errors++;
            break;
        case YAML_MAPPING_END_EVENT:
            depth = 0;
            break;
        case YAML_SEQUENCE_START_EVENT:
            if (depth == 1 && key) {
                depth = 2;
                count = 0;
            } else {
                errors++;
            }
            break;
        case YAML_SEQUENCE_END_EVENT: {
            gph_entry *e = add_entry(b, key, strlen(key));
            if (!e || set_values(b, e, items, count) != 0)
                oom = true;
            key = NULL;
            depth = 1;
            break;
        }
        case YAML_SCALAR_EVENT: {
            char *text = gar_memdup(b->arena, ev.data.scalar.value, ev.data.scalar.length);
            if (!text) {
                oom = true;
            } else if (depth == 1 && !key) {
                key = text;
            } else if (depth == 1) {
                gph_entry *e = add_entry(b, key, strlen(key));
                const char *one = text;
                if (!e || set_values(b, e, &one, 1) != 0)
                    oom = true;
                key = NULL;
            } else if (depth == 2) {
                if (count == cap) {
                    size_t ncap = cap * 2 + 8;
                    items = gar_grow(b->arena, items, cap * sizeof *items, ncap * sizeof *items);
                    if (!items) {
                        oom = true;
                        break;
                    }
                    cap = ncap;
                }
                items[count++] = text;
            } else {
                errors++;
            }
            break;
        }
        case YAML_ALIAS_EVENT:
            errors++;
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
        if (errors)
            gdiag_report(diag, GDIAG_ERROR, "E061", loc,
                         "values file: expected a map of names to a value or a list of values");
    }
    yaml_parser_delete(&parser);
    fclose(f);
    if (oom)
        gdiag_set_oom(diag);
    return errors;
}

size_t gph_load(gar *arena, gast_unit *unit, gdiag_sink *diag, const gcomp_options *options,
                gph_table *table) {
    ph_builder b = {arena, table, 0};
    table->entries = NULL;
    table->count = 0;
    if (!options)
        return 0;
    size_t errors = 0;
    if (options->values_file) {
        errors += load_values_file(&b, unit, diag, options->values_file);
        if (gdiag_oom(diag))
            return errors;
    }
    gast_loc cmdline = {gast_unit_intern(unit, "<command line>"), 0, 0, 0};
    for (size_t i = 0; i < options->define_count; i++) {
        const char *def = options->defines[i];
        const char *eq = def ? strchr(def, '=') : NULL;
        if (!eq || eq == def) {
            gdiag_report(diag, GDIAG_ERROR, "E062", cmdline,
                         "-D `%s`: expected NAME=VALUE or NAME=V1,V2,...", def ? def : "");
            errors++;
            continue;
        }
        gph_entry *e = add_entry(&b, def, (size_t)(eq - def));
        if (!e)
            goto oom;
        /* a comma-separated value gives several values */
        const char *v = eq + 1;
        size_t n = 1;
        for (const char *p = v; *p; p++)
            n += *p == ',';
        const char **vals = gar_alloc(arena, n * sizeof *vals);
        if (!vals)
            goto oom;
        for (size_t k = 0; k < n; k++) {
            const char *comma = strchr(v, ',');
            size_t len = comma ? (size_t)(comma - v) : strlen(v);
            if (!(vals[k] = gar_memdup(arena, v, len)))
                goto oom;
            v += len + (comma ? 1 : 0);
        }
        e->values = vals;
        e->count = n;
    }
    return errors;
oom:
    gdiag_set_oom(diag);
    return errors;
}

/* ---- names that match nothing ---------------------------------------------- */

typedef struct name_set {
    const char **items;
    size_t count, cap;
    bool oom;
} name_set;

static void name_add(name_set *s, gar *arena, const char *name, size_t len) {
    for (size_t i = 0; i < s->count; i++)
        if (strlen(s->items[i]) == len && memcmp(s->items[i], name, len) == 0)
            return;
    if (s->count == s->cap) {
        size_t cap = s->cap * 2 + 16;
        const char **p = gar_grow(arena, s->items, s->cap * sizeof *p, cap * sizeof *p);
        if (!p) {
            s->oom = true;
            return;
        }
        s->items = p;
        s->cap = cap;
    }
    const char *copy = gar_memdup(arena, name, len);
    if (!copy) {
        s->oom = true;
        return;
    }
    s->items[s->count++] = copy;
}

/* The %name% placeholders of a string value of an `expand` predicate. */
static void add_placeholders(name_set *s, gar *arena, const char *text) {
    for (const char *p = text; (p = strchr(p, '%')) != NULL;) {
        const char *end = strchr(p + 1, '%');
        if (!end)
            break;
        if (end > p + 1)
            name_add(s, arena, p + 1, (size_t)(end - p - 1));
        p = end + 1;
    }
}

static void add_pred_names(name_set *s, gar *arena, const gast_pred *p) {
    if (p->list_ref)
        name_add(s, arena, p->list_ref, strlen(p->list_ref));
    bool expand = false;
    for (size_t m = 0; m < p->mod_count; m++)
        expand |= p->mods[m] == GAST_MOD_EXPAND;
    for (size_t v = 0; expand && v < p->value_count; v++)
        if (p->values[v]->kind == GAST_STRING && p->values[v]->text)
            add_placeholders(s, arena, p->values[v]->text);
}

static void add_cond_names(name_set *s, gar *arena, const gast_cond *c) {
    for (; c; c = c->right) {
        if (c->pred)
            add_pred_names(s, arena, c->pred);
        add_cond_names(s, arena, c->left);
        if (c->kind != GAST_COND_AND && c->kind != GAST_COND_OR)
            break;
    }
}

static bool defined_by_d(const gcomp_options *options, const char *name) {
    size_t len = strlen(name);
    for (size_t i = 0; i < options->define_count; i++)
        if (options->defines[i] && strncmp(options->defines[i], name, len) == 0 &&
            options->defines[i][len] == '=')
            return true;
    return false;
}

size_t gph_check_names(gar *arena, const gast_unit *unit, gdiag_sink *diag,
                       const gcomp_options *options, const gph_table *table) {
    if (!options || table->count == 0)
        return 0;
    name_set names = {0};
    for (size_t i = 0; i < unit->list_count; i++)
        name_add(&names, arena, unit->lists[i]->name, strlen(unit->lists[i]->name));
    for (size_t i = 0; i < unit->macro_count; i++)
        add_cond_names(&names, arena, unit->macros[i]->body);
    for (size_t r = 0; r < unit->rule_count; r++) {
        const gast_rule *rule = unit->rules[r];
        add_cond_names(&names, arena, rule->condition);
        for (size_t s = 0; s < rule->selection_count; s++)
            for (size_t a = 0; a < rule->selections[s]->alt_count; a++) {
                const gast_map *m = rule->selections[s]->alts[a];
                for (size_t p = 0; p < m->pred_count; p++)
                    add_pred_names(&names, arena, m->preds[p]);
            }
    }
    /* the names the rules use that nothing fills */
    name_set unfilled = {0};
    for (size_t k = 0; k < names.count; k++)
        if (!gph_find(table, names.items[k], strlen(names.items[k])))
            name_add(&unfilled, arena, names.items[k], strlen(names.items[k]));
    if (names.oom || unfilled.oom) {
        gdiag_set_oom(diag);
        return 0;
    }
    size_t errors = 0;
    for (size_t i = 0; i < table->count; i++) {
        const char *name = table->entries[i].name;
        bool used = false;
        for (size_t k = 0; k < names.count && !used; k++)
            used = strcmp(names.items[k], name) == 0;
        if (used)
            continue;
        if (defined_by_d(options, name)) {
            const char *hint = gchk_suggest(name, names.items, names.count);
            gast_loc cmdline = {gast_unit_intern((gast_unit *)unit, "<command line>"), 0, 0, 0};
            gdiag_report(diag, GDIAG_ERROR, "E075", cmdline,
                         "-D `%s` names no list and no placeholder of these rules%s%s%s", name,
                         hint ? "; did you mean `" : "", hint ? hint : "", hint ? "`?" : "");
            errors++;
            continue;
        }
        /* A values file is often shared by a whole rule repository: a key
         * these rules do not use is an error only when it looks like a
         * misspelling of a name they use and the file leaves without a
         * value; otherwise a warning. */
        const char *hint = gchk_suggest(name, unfilled.items, unfilled.count);
        const char *near = hint ? hint : gchk_suggest(name, names.items, names.count);
        gast_loc file = {gast_unit_intern((gast_unit *)unit, options->values_file), 0, 0, 0};
        gdiag_report(diag, hint ? GDIAG_ERROR : GDIAG_WARNING, hint ? "E076" : "W031", file,
                     "values key `%s` names no list and no placeholder of these rules%s%s%s", name,
                     near ? "; did you mean `" : "", near ? near : "", near ? "`?" : "");
        errors += hint != NULL;
    }
    return errors;
}
