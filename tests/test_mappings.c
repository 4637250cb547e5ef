/* SPDX-License-Identifier: Apache-2.0 */
/* Mappings that hold (issue 16): every field a shipped Sigma mapping
 * (rules/mappings, *.yml) renames a rule's field to is a field of the
 * normalized schema (the normalizers' table, schema.c), and some normalizer
 * fills it on an event whose logsource the mapping applies to. The events
 * are the shipped corpus and tests/data/mappings (Falco's process, file and
 * network alerts with every field Falco prints for them); an event's
 * logsource is read from the table of sources (base/sources.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gantry.h"
#include "gantry_cjson.h"
#include "normalize.h"
#include "sources.h"
#include "support/file_list.h"

#define MAPPINGS "rules/mappings"
#define MAX_FIELDS 64

typedef struct mapping {
    char path[256];
    char product[64], service[64], category[64];
    size_t nfields;
    char from[MAX_FIELDS][64], to[MAX_FIELDS][128];
    int filled[MAX_FIELDS];
} mapping;

typedef struct source_row {
    const char *name;
    const char *products[GRT_LS_MAX + 1], *services[GRT_LS_MAX + 1], *categories[GRT_LS_MAX + 1],
        *event_categories[GRT_EVENT_CAT_MAX + 1];
} source_row;

#define ROW(id, name, p, s, c, e, raw)                                                             \
    {name, GRT_LS_INIT(p), GRT_LS_INIT(s), GRT_LS_INIT(c), GRT_LS_INIT(e)},
static const source_row rows[] = {GRT_SOURCES(ROW)};

/* "  key: 'value'  # note" -> key and value, unquoted; 0 when no key. */
static int key_value(char *line, char **key, char **value) {
    char *hash = strstr(line, " #");
    if (hash)
        *hash = 0;
    char *k = line;
    while (*k == ' ')
        k++;
    char *colon = strchr(k, ':');
    if (!*k || *k == '#' || !colon)
        return 0;
    *colon = 0;
    char *v = colon + 1;
    while (*v == ' ')
        v++;
    size_t n = strlen(v);
    while (n && isspace((unsigned char)v[n - 1]))
        v[--n] = 0;
    if (n >= 2 && (v[0] == '\'' || v[0] == '"') && v[n - 1] == v[0]) {
        v[n - 1] = 0;
        v++;
    }
    *key = k;
    *value = v;
    return 1;
}

/* The subset of YAML the shipped mappings use: top-level keys, and one
 * level of `key: value` below logsource and fields. */
static void read_mapping(const char *path, mapping *m) {
    memset(m, 0, sizeof *m);
    snprintf(m->path, sizeof m->path, "%s", path);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[512];
    const char *section = "";
    while (fgets(line, sizeof line, f)) {
        int indented = line[0] == ' ';
        char *key, *value;
        if (!key_value(line, &key, &value))
            continue;
        if (!indented) {
            section = strcmp(key, "logsource") == 0 ? "logsource"
                      : strcmp(key, "fields") == 0  ? "fields"
                                                    : "";
            continue;
        }
        if (strcmp(section, "logsource") == 0) {
            char *slot = strcmp(key, "product") == 0    ? m->product
                         : strcmp(key, "service") == 0  ? m->service
                         : strcmp(key, "category") == 0 ? m->category
                                                        : NULL;
            if (slot) {
                assert_true(strlen(value) < 64);
                memcpy(slot, value, strlen(value) + 1);
            }
        } else if (strcmp(section, "fields") == 0 && *value) {
            assert_true(m->nfields < MAX_FIELDS);
            assert_true(strlen(key) < 64 && strlen(value) < 128);
            memcpy(m->from[m->nfields], key, strlen(key) + 1);
            memcpy(m->to[m->nfields], value, strlen(value) + 1);
            m->nfields++;
        }
    }
    fclose(f);
}

static int in(const char *v, const char *const *list) {
    for (; *list; list++)
        if (strcasecmp(v, *list) == 0)
            return 1;
    return 0;
}

/* Does the mapping apply to an event of this module and category? */
static int applies(const mapping *m, const char *module, const char *category) {
    const source_row *row = NULL;
    for (size_t i = 0; module && i < sizeof rows / sizeof rows[0]; i++)
        if (strcmp(rows[i].name, module) == 0)
            row = &rows[i];
    if (!row)
        return 0;
    return (!*m->product || in(m->product, row->products)) &&
           (!*m->service || in(m->service, row->services)) &&
           (!*m->category || in(m->category, row->categories) ||
            (category && in(category, row->event_categories) &&
             strcasecmp(category, m->category) == 0));
}

static const char *str_of(const cJSON *ev, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(ev, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void note_event(mapping *maps, size_t nmaps, const cJSON *ev) {
    const char *module = str_of(ev, "event.module"), *category = str_of(ev, "event.category");
    for (size_t i = 0; i < nmaps; i++)
        if (applies(&maps[i], module, category))
            for (size_t k = 0; k < maps[i].nfields; k++)
                if (cJSON_GetObjectItemCaseSensitive(ev, maps[i].to[k]))
                    maps[i].filled[k] = 1;
}

static void feed(mapping *maps, size_t nmaps, const char *path) {
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    gantry_normalizer *norm = NULL;
    assert_int_equal(gantry_normalizer_new(NULL, GANTRY_FORMAT_AUTO, &norm), GANTRY_OK);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    uint64_t no = 0;
    gantry_item item;
    while ((len = getline(&line, &cap, f)) >= 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = 0;
        gantry_normalizer_feed(norm, line, (size_t)len, ++no);
        while (gantry_normalizer_next(norm, &item))
            if (item.kind == GANTRY_ITEM_EVENT)
                note_event(maps, nmaps, gantry_event_cjson(item.event));
    }
    gantry_normalizer_finish(norm);
    while (gantry_normalizer_next(norm, &item))
        if (item.kind == GANTRY_ITEM_EVENT)
            note_event(maps, nmaps, gantry_event_cjson(item.event));
    free(line);
    fclose(f);
    gantry_normalizer_free(norm);
}

static mapping *read_all(size_t *count) {
    static const char *const suffixes[] = {".yml", NULL};
    tsup_files files = {0};
    tsup_collect(&files, MAPPINGS, suffixes);
    tsup_sort(&files);
    assert_true(files.count > 0);
    mapping *maps = calloc(files.count, sizeof *maps);
    assert_non_null(maps);
    for (size_t i = 0; i < files.count; i++)
        read_mapping(files.items[i], &maps[i]);
    *count = files.count;
    tsup_files_free(&files);
    return maps;
}

static void test_targets_are_schema_fields(void **state) {
    (void)state;
    size_t nmaps, nschema, missing = 0, total = 0;
    mapping *maps = read_all(&nmaps);
    const gnorm_field *schema = gnorm_schema_fields(&nschema);
    for (size_t i = 0; i < nmaps; i++)
        for (size_t k = 0; k < maps[i].nfields; k++) {
            total++;
            size_t s = 0;
            while (s < nschema && strcmp(schema[s].name, maps[i].to[k]) != 0)
                s++;
            if (s == nschema) {
                missing++;
                fprintf(stderr, "%s: %s -> %s: not a schema field\n", maps[i].path, maps[i].from[k],
                        maps[i].to[k]);
            }
        }
    assert_true(total > 0);
    assert_int_equal(missing, 0);
    free(maps);
}

static void test_targets_are_filled(void **state) {
    (void)state;
    size_t nmaps, unfilled = 0;
    mapping *maps = read_all(&nmaps);
    tsup_files events = {0};
    tsup_collect(&events, "corpus", NULL);
    tsup_collect(&events, "tests/data/mappings", NULL);
    tsup_sort(&events);
    for (size_t i = 0; i < events.count; i++)
        feed(maps, nmaps, events.items[i]);
    for (size_t i = 0; i < nmaps; i++)
        for (size_t k = 0; k < maps[i].nfields; k++)
            if (!maps[i].filled[k]) {
                unfilled++;
                fprintf(stderr, "%s: %s -> %s: no normalizer fills it for this logsource\n",
                        maps[i].path, maps[i].from[k], maps[i].to[k]);
            }
    assert_int_equal(unfilled, 0);
    tsup_files_free(&events);
    free(maps);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_targets_are_schema_fields),
        cmocka_unit_test(test_targets_are_filled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
