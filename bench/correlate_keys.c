/* SPDX-License-Identifier: Apache-2.0 */
/* Correlation state on the many-keys stream: 10^5 and then 10^6 events, each
 * with a group key never seen before, fed to one correlation stage under a
 * memory budget. Prints, at a few points of each run, the bytes the stage
 * accounts for and the process's maximum resident set: with the bound
 * working both stop growing once the budget is full, however many keys
 * follow.
 *
 * usage: correlate_keys [BUDGET_BYTES]   (default 16 MiB) */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "compiler.h"
#include "gantry.h"
#include "gantry_cjson.h"
#include "parse.h"

static const char rules_text[] =
    "rule denied { id: \"bbbbbbbb-0000-4000-8000-000000000001\" level: low\n"
    "    condition: act: \"denied\" }\n"
    "correlation probing { level: medium type: event_count rules: [denied]\n"
    "    group_by: [user] timespan: 1h condition: gte 3 }\n";

static long max_rss_kb(void) {
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

static gantry_pack *compile_pack(void) {
    gast_unit *unit = gast_unit_new();
    gdiag_sink *diag = gdiag_new(stderr, 0, 0);
    gcomp_options options = {0};
    unsigned char *image = NULL;
    size_t len = 0;
    gantry_pack *pack = NULL;
    if (unit && diag &&
        gparse_text(unit, "bench.gantry", rules_text, strlen(rules_text), diag) == 0 &&
        gdiag_error_count(diag) == 0 &&
        gcomp_compile_unit(unit, diag, &options, &image, &len, NULL) == 0)
        gantry_pack_load_buffer(image, len, &pack, NULL, 0);
    free(image);
    gast_unit_free(unit);
    gdiag_free(diag);
    return pack;
}

static void on_match(const gantry_corr_match *match, void *user) {
    (void)match;
    ++*(unsigned long *)user;
}

static void report(const char *when, gantry_correlator *c) {
    gantry_correlator_stats st;
    gantry_correlator_get_stats(c, &st);
    printf("  %-12s accounted %9llu bytes (peak %9llu)  groups live %8llu  evicted %8llu  "
           "max RSS %7ld KiB\n",
           when, (unsigned long long)st.bytes, (unsigned long long)st.bytes_peak,
           (unsigned long long)st.groups_live, (unsigned long long)st.groups_evicted, max_rss_kb());
}

static int run(const gantry_pack *pack, size_t budget, unsigned long keys) {
    gantry_correlator_limits limits;
    gantry_correlator_limits_default(&limits);
    limits.memory_bytes = budget;
    gantry_correlator *c = NULL;
    if (gantry_correlator_new(pack, &limits, &c) != GANTRY_OK) {
        fprintf(stderr, "correlate_keys: cannot create the stage with a %zu-byte budget\n", budget);
        return -1;
    }
    cJSON *event = cJSON_CreateObject();
    cJSON *user = cJSON_AddStringToObject(event, "user", "u0");
    if (!event || !user || !cJSON_AddStringToObject(event, "act", "denied")) {
        cJSON_Delete(event);
        gantry_correlator_free(c);
        return -1;
    }
    printf("%lu distinct keys, budget %zu bytes:\n", keys, budget);
    unsigned long fired = 0;
    const int64_t start_ns = 1767225600ll * 1000000000; /* 2026-01-01 */
    char key[32];
    for (unsigned long i = 0; i < keys; i++) {
        snprintf(key, sizeof key, "user-%lu", i);
        cJSON_SetValuestring(user, key);
        /* one event per millisecond: every key stays inside the 1 h window,
         * so nothing expires and only eviction keeps the state bounded */
        gantry_correlator_feed(c, 0, gantry_event_from_cjson(event),
                               start_ns + (int64_t)i * 1000000, "bench", i + 1, on_match, &fired);
        if (i + 1 == keys / 10 || i + 1 == keys / 2 || i + 1 == keys) {
            char when[32];
            snprintf(when, sizeof when, "after %lu", i + 1);
            report(when, c);
        }
    }
    gantry_correlator_flush(c, on_match, &fired);
    printf("  matches %lu (none expected: every key is seen once)\n", fired);
    cJSON_Delete(event);
    gantry_correlator_free(c);
    return 0;
}

int main(int argc, char **argv) {
    size_t budget = 16u << 20;
    if (argc > 2 || (argc == 2 && (budget = strtoull(argv[1], NULL, 10)) == 0)) {
        fprintf(stderr, "usage: correlate_keys [BUDGET_BYTES]\n");
        return 2;
    }
    gantry_pack *pack = compile_pack();
    if (!pack) {
        fprintf(stderr, "correlate_keys: the bench rules do not compile\n");
        return 1;
    }
    printf("max RSS before any state: %ld KiB\n", max_rss_kb());
    int rc = run(pack, budget, 100000) == 0 && run(pack, budget, 1000000) == 0 ? 0 : 1;
    gantry_pack_free(pack);
    return rc;
}
