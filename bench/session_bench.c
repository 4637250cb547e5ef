/* SPDX-License-Identifier: Apache-2.0 */
/* The C API's cost per event through a session, for bench/bindings.sh:
 * reads FILE into memory, feeds it to a session in 64 KiB chunks and prints
 * "SECONDS EVENTS MATCHES" for the feeding alone (best of three runs). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "gantry.h"

static int count(const gantry_rule_match *m, void *user) {
    (void)m;
    (*(unsigned long long *)user)++;
    return 0;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: session_bench PACK FILE\n");
        return 2;
    }
    char err[256];
    gantry_pack *pack;
    if (gantry_pack_load_file(argv[1], &pack, err, sizeof err) != GANTRY_OK) {
        fprintf(stderr, "session_bench: %s\n", err);
        return 2;
    }
    FILE *f = fopen(argv[2], "rb");
    if (!f)
        return 2;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    char *data = malloc(size > 0 ? (size_t)size : 1);
    if (!data || fread(data, 1, (size_t)size, f) != (size_t)size)
        return 2;
    fclose(f);
    double best = -1;
    unsigned long long matches = 0, events = 0;
    for (int run = 0; run < 3; run++) {
        gantry_session *s;
        matches = 0;
        if (gantry_session_new(pack, GANTRY_FORMAT_AUTO, count, NULL, &matches, &s) != GANTRY_OK)
            return 2;
        double t0 = now();
        for (long at = 0; at < size; at += 65536)
            gantry_session_feed(s, data + at, (size_t)(size - at < 65536 ? size - at : 65536));
        gantry_session_flush(s);
        double t = now() - t0;
        gantry_session_stats st;
        gantry_session_get_stats(s, &st);
        events = st.events;
        gantry_session_free(s);
        if (best < 0 || t < best)
            best = t;
    }
    printf("%.6f %llu %llu\n", best, events, matches);
    free(data);
    gantry_pack_free(pack);
    return 0;
}
