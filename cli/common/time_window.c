/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include "gantry.h"
#include "output_fields.h"
#include "time_window.h"

static const struct {
    char unit;
    int64_t seconds;
} units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 7 * 86400}};

int gmo_parse_when(const char *text, int64_t now_ns, int64_t *ns) {
    size_t n = strlen(text);
    if (n >= 2 && text[0] >= '0' && text[0] <= '9') {
        char *end;
        unsigned long long count = strtoull(text, &end, 10);
        for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
            if (end == text + n - 1 && *end == units[u].unit) {
                /* A duration past the epoch is refused rather than wrapped. */
                if (count > (unsigned long long)(now_ns / 1000000000 / units[u].seconds))
                    return -1;
                *ns = now_ns - (int64_t)count * units[u].seconds * 1000000000;
                return 0;
            }
        }
    }
    return gantry_parse_time(text, n, ns) == GANTRY_OK ? 0 : -1;
}

int gmo_window_admits(const gmo_window *w, const struct cJSON *event) {
    if (!w->has_from && !w->has_to)
        return 1;
    int64_t t;
    if (gmo_event_time(event, &t) != 0)
        return 0;
    return (!w->has_from || t >= w->from_ns) && (!w->has_to || t <= w->to_ns);
}
