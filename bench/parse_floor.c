/* SPDX-License-Identifier: Apache-2.0 */
/* The parse floor: the cost of merely parsing each line with cJSON and
 * freeing it. `make bench` divides gantry's throughput by this figure, so the
 * ratio holds on a noisy machine where absolute numbers do not.
 *
 * usage: parse_floor FILE   (prints: events seconds) */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: parse_floor FILE\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned long long events = 0, failed = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while ((n = getline(&line, &cap, f)) > 0) {
        cJSON *doc = cJSON_ParseWithLength(line, (size_t)n);
        if (doc)
            events++;
        else
            failed++;
        cJSON_Delete(doc);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("%llu %.6f %llu\n", events, secs, failed);
    free(line);
    fclose(f);
    return 0;
}
