/* -D definitions and the --values file; see placeholders.h. */
#include "placeholders.h"

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
