/* SPDX-License-Identifier: Apache-2.0 */
/* Deterministic generator of synthetic rule files for `make bench`, shaped
 * like real detection rules: mostly equality, contains, startswith and
 * endswith tests on a handful of fields, some value lists, a few regexes.
 *
 * usage: gen_rules COUNT [SEED]   (writes one .gantry file to stdout) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t state;

static uint32_t rnd(uint32_t n) {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return (uint32_t)(((state * 2685821657736338717ull) >> 32) % n);
}

#define PICK(arr) (arr)[rnd(sizeof(arr) / sizeof((arr)[0]))]

static const char *fields[] = {"verb",
                               "objectRef.resource",
                               "objectRef.namespace",
                               "user.username",
                               "userAgent",
                               "requestURI",
                               "requestObject.spec.containers.image",
                               "objectRef.name",
                               "sourceIPs",
                               "requestObject.spec.containers.command"};
static const char *mods[] = {"", "", "|contains", "|contains", "|startswith", "|endswith"};
static const char *words[] = {
    "create", "delete", "pods",  "secrets", "kube",   "system",  "exec",  "admin",    "curl",
    "wget",   "miner",  "xmrig", "latest",  "alpine", "busybox", "nginx", "payments", "token",
    "proxy",  "shell",  "debug", "node",    "10.0.",  "host",    "mount"};

static void word(char *buf, size_t n) {
    /* one value in twelve is a bare word, so some rules do match events */
    if (rnd(12) == 0)
        snprintf(buf, n, "%s", PICK(words));
    else
        snprintf(buf, n, "%s%s%u", PICK(words), rnd(3) ? "-" : "", rnd(10000));
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: gen_rules COUNT [SEED]\n");
        return 2;
    }
    unsigned long count = strtoul(argv[1], NULL, 10);
    state = argc > 2 ? strtoull(argv[2], NULL, 10) : 0x2545F4914F6CDD1Dull;
    if (state == 0)
        state = 1;
    static const char *levels[] = {"low", "medium", "high"};
    for (unsigned long r = 0; r < count; r++) {
        printf("rule synthetic_%lu {\n", r);
        printf("    id: \"5%07lx-0000-4000-8000-%012lx\"\n", r, r);
        printf("    title: \"Synthetic rule %lu\"\n    level: %s\n", r, PICK(levels));
        printf("    logsource: { product: kubernetes, service: audit }\n");
        printf("    selection sel: {\n");
        unsigned preds = 1 + rnd(3);
        for (unsigned p = 0; p < preds; p++) {
            char w[64];
            const char *field = PICK(fields);
            if (rnd(20) == 0) {
                word(w, sizeof w);
                printf("        %s|re: r\"^%s[0-9a-f]{2,8}$\"\n", field, w);
                continue;
            }
            const char *mod = PICK(mods);
            unsigned values = rnd(4) == 0 ? 2 + rnd(4) : 1;
            printf("        %s%s: [", field, mod);
            for (unsigned v = 0; v < values; v++) {
                word(w, sizeof w);
                printf("%s\"%s\"", v ? ", " : "", w);
            }
            printf("]\n");
        }
        printf("    }\n");
        if (rnd(4) == 0) {
            char w[64];
            word(w, sizeof w);
            printf("    selection filter: { user.username|startswith: \"%s\" }\n", w);
            printf("    condition: sel and not filter\n}\n");
        } else {
            printf("    condition: sel\n}\n");
        }
    }
    return 0;
}
