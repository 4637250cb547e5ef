/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "file_list.h"
#include "gantry.h"
#include "gantry_cjson.h"

static void keep(tsup_events *ev, const cJSON *event) {
    if (ev->count == ev->cap) {
        ev->cap = ev->cap ? ev->cap * 2 : 256;
        ev->items = realloc(ev->items, ev->cap * sizeof *ev->items);
        assert_non_null(ev->items);
    }
    ev->items[ev->count] = cJSON_Duplicate(event, 1);
    assert_non_null(ev->items[ev->count]);
    ev->count++;
}

static void drain(gantry_normalizer *norm, tsup_events *ev) {
    gantry_item item;
    while (gantry_normalizer_next(norm, &item))
        if (item.kind == GANTRY_ITEM_EVENT)
            keep(ev, gantry_event_cjson(item.event));
}

static void load_file(FILE *in, const char *path, void *ctx) {
    (void)path;
    tsup_events *ev = ctx;
    gantry_normalizer *norm = NULL;
    assert_int_equal(gantry_normalizer_new(NULL, GANTRY_FORMAT_AUTO, &norm), GANTRY_OK);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    uint64_t line_no = 0;
    while ((len = getline(&line, &cap, in)) > 0) {
        gantry_normalizer_feed(norm, line, (size_t)len, ++line_no);
        drain(norm, ev);
    }
    gantry_normalizer_finish(norm);
    drain(norm, ev);
    gantry_normalizer_free(norm);
    free(line);
}

void tsup_events_load(tsup_events *ev, const char *dir) {
    tsup_each_file(dir, load_file, ev);
}

void tsup_events_free(tsup_events *ev) {
    for (size_t i = 0; i < ev->count; i++)
        cJSON_Delete(ev->items[i]);
    free(ev->items);
    memset(ev, 0, sizeof *ev);
}
