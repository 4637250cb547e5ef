/* SPDX-License-Identifier: Apache-2.0 */
/* --from and --to of `gantry match`: a window of event times. Module
 * prefix: gmo_ (the match output's options). */
#ifndef GANTRY_CLI_TIME_WINDOW_H
#define GANTRY_CLI_TIME_WINDOW_H

#include <stdint.h>

struct cJSON;

typedef struct gmo_window {
    int has_from, has_to;
    int64_t from_ns, to_ns; /* both inclusive, nanoseconds since the epoch */
} gmo_window;

/* Reads an RFC 3339 time ("2024-02-01T10:00:00Z", an offset or a fraction
 * allowed) or a duration before now_ns ("30s", "30m", "24h", "7d", "2w").
 * Returns 0, or -1 when the text is neither. */
int gmo_parse_when(const char *text, int64_t now_ns, int64_t *ns);

/* 1 when the window is open (neither bound given) or the event's
 * @timestamp lies in it; an event without a readable time is outside any
 * window that has a bound. */
int gmo_window_admits(const gmo_window *w, const struct cJSON *event);

#endif
