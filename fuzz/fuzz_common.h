/* SPDX-License-Identifier: Apache-2.0 */
/* Shared helpers of the libFuzzer targets. Each target is one translation
 * unit that defines LLVMFuzzerTestOneInput; tests/test_fuzz_regress.c
 * includes every target into one program (renaming that symbol), so the
 * helpers here are static and guarded. Module prefix: gfz_. */
#ifndef GANTRY_FUZZ_COMMON_H
#define GANTRY_FUZZ_COMMON_H

#include <cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gantry.h"

/* A contract broken by the code under test (not by the input): stop loudly
 * so libFuzzer records the input as a crash. */
#define GFZ_REQUIRE(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: fuzz contract broken: %s\n", __FILE__, __LINE__, #cond);       \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* A small rule set reaching every predicate kind, used when a target needs a
 * pack and cannot rely on the repository's rules/ directory being present. */
static const char gfz_builtin_rules[] =
    "list bad_images: [\"xmrig\", \"kinsing\", \"alpine:*\"]\n"
    "rule builtin_mix {\n"
    "    id: \"00000000-0000-4000-8000-000000000001\"\n"
    "    title: \"Fuzz builtin\"\n"
    "    level: high\n"
    "    selection img: { container.image.name|contains in bad_images }\n"
    "    selection priv: { container.security_context.privileged: true }\n"
    "    selection cmd: { process.command_line|re: r\"(curl|wget).*\\|\\s*(ba)?sh\" }\n"
    "    selection net: { source.ip|cidr: [\"10.0.0.0/8\", \"fe80::/10\"] }\n"
    "    selection verb: { http.request.method|startswith: [\"po\", \"pu\"], user.name|endswith: "
    "\"admin\" }\n"
    "    selection code: { http.response.status_code|gte: 400 }\n"
    "    selection ns: { orchestrator.namespace: [\"kube-system\", null] }\n"
    "    selection glob: { url.original: \"/api/*/pods?*\" }\n"
    "    condition: (img or priv or cmd) and not (net and verb) or (code and ns) or glob\n"
    "}\n";

/* Events that touch the builtin rules' fields in several shapes. */
static const char *const gfz_fixed_events[] = {
    "{\"container.image.name\":\"docker.io/library/alpine:3\",\"process.command_line\":\"curl "
    "x | sh\",\"source.ip\":\"10.1.2.3\",\"http.request.method\":\"post\",\"user.name\":\"admin\"}",
    "{\"container\":{\"security_context\":{\"privileged\":true},\"image\":{\"name\":[\"a\","
    "\"xmrig\"]"
    "}},\"http.response.status_code\":403,\"orchestrator.namespace\":null,"
    "\"url.original\":\"/api/v1/pods?x=1\"}",
    "{\"source.ip\":\"fe80::1\",\"http.response.status_code\":\"1e999\",\"user.name\":[1,true,null,"
    "{\"a\":[]}]}",
    "{}",
};

/* Writes `size` bytes to a fresh file at `path`; 0 or -1. */
static inline int gfz_write_file(const char *path, const uint8_t *data, size_t size) {
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t put = size ? fwrite(data, 1, size, f) : 0;
    int bad = fclose(f) != 0 || put != size;
    return bad ? -1 : 0;
}

/* Temp files made by gfz_temp_path, removed when the process exits
 * (libFuzzer's fork mode starts a process per job). */
static const char *gfz_temp_paths[8];
static size_t gfz_temp_count;

static inline void gfz_remove_temps(void) {
    for (size_t i = 0; i < gfz_temp_count; i++)
        remove(gfz_temp_paths[i]);
    gfz_temp_count = 0;
}

/* A per-process temp path with the given suffix (".yml", ".gpk"...). */
static inline int gfz_temp_path(char *buf, size_t size, const char *suffix) {
    const char *dir = getenv("TMPDIR");
    snprintf(buf, size, "%s/gantry-fuzz-XXXXXX%s", dir && *dir ? dir : "/tmp", suffix);
    int fd = mkstemps(buf, (int)strlen(suffix));
    if (fd < 0)
        return -1;
    close(fd);
    if (gfz_temp_count == 0)
        atexit(gfz_remove_temps);
    if (gfz_temp_count < sizeof gfz_temp_paths / sizeof gfz_temp_paths[0])
        gfz_temp_paths[gfz_temp_count++] = buf;
    return 0;
}

static inline int gfz_count_match(const gantry_match *m, void *user) {
    GFZ_REQUIRE(m && m->rule);
    (*(size_t *)user)++;
    return 0;
}

/* Runs every fixed event through a matcher of `pack`; the pack came through
 * the loader and verifier, so nothing it says may crash the VM. */
static inline void gfz_match_fixed(const gantry_pack *pack) {
    gantry_matcher *m = NULL;
    if (gantry_matcher_new(pack, &m) != GANTRY_OK)
        return;
    size_t hits = 0;
    for (size_t i = 0; i < sizeof gfz_fixed_events / sizeof gfz_fixed_events[0]; i++) {
        gantry_status st = gantry_match_json(m, gfz_fixed_events[i], strlen(gfz_fixed_events[i]),
                                             gfz_count_match, &hits);
        GFZ_REQUIRE(st == GANTRY_OK || st == GANTRY_E_REGEX_LIMIT || st == GANTRY_E_LIMIT);
    }
    gantry_matcher_free(m);
}

/* Reads every piece of metadata a tool would print. */
static inline void gfz_walk_metadata(const gantry_pack *pack) {
    size_t rules = gantry_pack_rule_count(pack);
    for (size_t r = 0; r < rules; r++) {
        gantry_rule_info info;
        GFZ_REQUIRE(gantry_pack_rule_info(pack, r, &info) == GANTRY_OK);
        GFZ_REQUIRE(info.id && info.title && info.status && info.author);
        for (size_t t = 0; t < info.tag_count; t++)
            GFZ_REQUIRE(gantry_pack_rule_tag(pack, r, t) != NULL);
        for (size_t t = 0; t < info.reference_count; t++)
            GFZ_REQUIRE(gantry_pack_rule_reference(pack, r, t) != NULL);
        for (size_t t = 0; t < info.falsepositive_count; t++)
            GFZ_REQUIRE(gantry_pack_rule_falsepositive(pack, r, t) != NULL);
    }
    for (size_t f = 0; f < gantry_pack_field_count(pack); f++)
        GFZ_REQUIRE(gantry_pack_field_name(pack, f) != NULL);
}

#endif
