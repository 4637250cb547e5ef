/* SPDX-License-Identifier: Apache-2.0 */
/* Test support: the corpus as normalized events, for tests that match the
 * same events many times. Module prefix: tsup_. */
#ifndef GANTRY_TESTS_EVENTS_H
#define GANTRY_TESTS_EVENTS_H

#include <stddef.h>

struct cJSON;

typedef struct tsup_events {
    struct cJSON **items;
    size_t count, cap;
} tsup_events;

/* Normalizes every line of every plain file below `dir` (sorted by path;
 * .gz files are passed over) and appends each event, copied. A file that
 * cannot be opened or an allocation failure fails the test. */
void tsup_events_load(tsup_events *ev, const char *dir);
void tsup_events_free(tsup_events *ev);

#endif
