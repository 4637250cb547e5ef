/* SPDX-License-Identifier: Apache-2.0 */
/* The public API of include/gantry.h (all but the normalizer functions, which
 * live in normalize*.c). */
#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fast.h"
#include "gantry_cjson.h"
#include "logsource.h"
#include "pack.h"

GRT_API const char *gantry_version(void) {
    return GANTRY_VERSION_STRING;
}

GRT_API const char *gantry_level_name(gantry_level level) {
    static const char *const names[] = {"informational", "low", "medium", "high", "critical"};
    return (unsigned)level <= GANTRY_LEVEL_CRITICAL ? names[level] : "unknown";
}

GRT_API void gantry_options_default(gantry_options *options) {
    if (options)
        *options = (gantry_options){.optimize = GANTRY_OPTIMIZE_DEFAULT};
}

/* The optimisation mode of `options`, or GANTRY_OPTIMIZE__COUNT when invalid. */
static gantry_optimize optimize_of(const gantry_options *options) {
    if (!options)
        return GANTRY_OPTIMIZE_DEFAULT;
    return (unsigned)options->optimize < GANTRY_OPTIMIZE__COUNT ? options->optimize
                                                                : GANTRY_OPTIMIZE__COUNT;
}

GRT_API gantry_status gantry_pack_load_buffer_opts(const void *data, size_t size,
                                                   const gantry_options *options,
                                                   gantry_pack **pack, char *err, size_t err_size) {
    if (pack)
        *pack = NULL;
    gantry_optimize optimize = optimize_of(options);
    if (!pack || (!data && size) || optimize == GANTRY_OPTIMIZE__COUNT)
        return grt_fail(err, err_size, GANTRY_E_ARG, "invalid argument");
    if (!data)
        data = "";
    return grt_pack_decode(data, size, optimize, pack, err, err_size);
}

GRT_API gantry_status gantry_pack_load_buffer(const void *data, size_t size, gantry_pack **pack,
                                              char *err, size_t err_size) {
    return gantry_pack_load_buffer_opts(data, size, NULL, pack, err, err_size);
}

GRT_API gantry_status gantry_pack_load_file(const char *path, gantry_pack **pack, char *err,
                                            size_t err_size) {
    return gantry_pack_load_file_opts(path, NULL, pack, err, err_size);
}

GRT_API gantry_status gantry_pack_load_file_opts(const char *path, const gantry_options *options,
                                                 gantry_pack **pack, char *err, size_t err_size) {
    if (pack)
        *pack = NULL;
    gantry_optimize optimize = optimize_of(options);
    if (!path || !pack || optimize == GANTRY_OPTIMIZE__COUNT)
        return grt_fail(err, err_size, GANTRY_E_ARG, "invalid argument");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return grt_fail(err, err_size, GANTRY_E_IO, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return grt_fail(err, err_size, GANTRY_E_IO, "%s: not a readable regular file", path);
    }
    if ((uint64_t)st.st_size > GANTRY_MAX_PACK_BYTES) {
        close(fd);
        return grt_fail(err, err_size, GANTRY_E_LIMIT, "%s: larger than %u bytes", path,
                        (unsigned)GANTRY_MAX_PACK_BYTES);
    }
    size_t size = (size_t)st.st_size;
    gantry_status status;
    void *map = size ? mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
    if (map != MAP_FAILED) {
        status = grt_pack_decode(map, size, optimize, pack, err, err_size);
        munmap(map, size);
        close(fd);
        return status;
    }
    /* mmap refused (or an empty file): read it instead */
    unsigned char *buf = malloc(size ? size : 1);
    if (!buf) {
        close(fd);
        return grt_fail(err, err_size, GANTRY_E_NOMEM, "out of memory");
    }
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (got != size) {
        free(buf);
        return grt_fail(err, err_size, GANTRY_E_IO, "%s: short read", path);
    }
    status = grt_pack_decode(buf, size, optimize, pack, err, err_size);
    free(buf);
    return status;
}

GRT_API void gantry_pack_free(gantry_pack *pack) {
    grt_pack_destroy(pack);
}

GRT_API size_t gantry_pack_rule_count(const gantry_pack *pack) {
    return pack ? pack->nrules : 0;
}

GRT_API gantry_status gantry_pack_rule_info(const gantry_pack *pack, size_t index,
                                            gantry_rule_info *info) {
    if (!pack || !info || index >= pack->nrules)
        return GANTRY_E_ARG;
    *info = pack->infos[index];
    return GANTRY_OK;
}

static const char *strlist_item(const gantry_pack *pack, size_t rule, size_t i, int which) {
    if (!pack || rule >= pack->nrules)
        return NULL;
    const grt_rule *r = &pack->rules[rule];
    const grt_slice *s = which == 0 ? &r->tags : which == 1 ? &r->refs : &r->fps;
    if (i >= s->count)
        return NULL;
    return pack->strs[pack->strlists[s->first + i]];
}

GRT_API const char *gantry_pack_rule_tag(const gantry_pack *pack, size_t rule, size_t tag) {
    return strlist_item(pack, rule, tag, 0);
}

GRT_API const char *gantry_pack_rule_reference(const gantry_pack *pack, size_t rule, size_t ref) {
    return strlist_item(pack, rule, ref, 1);
}

GRT_API const char *gantry_pack_rule_falsepositive(const gantry_pack *pack, size_t rule,
                                                   size_t fp) {
    return strlist_item(pack, rule, fp, 2);
}

GRT_API size_t gantry_pack_field_count(const gantry_pack *pack) {
    return pack ? pack->nfields : 0;
}

GRT_API int gantry_pack_scopes_sources(const gantry_pack *pack) {
    return gls_pack_needs_module(pack);
}

GRT_API const char *gantry_pack_field_name(const gantry_pack *pack, size_t index) {
    if (!pack || index >= pack->nfields)
        return NULL;
    return pack->strs[pack->fields[index]];
}

GRT_API gantry_status gantry_matcher_new(const gantry_pack *pack, gantry_matcher **matcher) {
    if (matcher)
        *matcher = NULL;
    if (!pack || !matcher)
        return GANTRY_E_ARG;
    gantry_matcher *m = malloc(sizeof *m);
    if (!m)
        return GANTRY_E_NOMEM;
    gantry_status st = grt_matcher_init(m, pack);
    if (st != GANTRY_OK) {
        free(m);
        return st;
    }
    if ((st = grt_fast_matcher_init(m)) != GANTRY_OK) {
        grt_matcher_release(m);
        free(m);
        return st;
    }
    *matcher = m;
    return GANTRY_OK;
}

GRT_API void gantry_matcher_free(gantry_matcher *matcher) {
    if (!matcher)
        return;
    free(matcher->rule_mask);
    grt_fast_matcher_release(matcher);
    grt_matcher_release(matcher);
    free(matcher);
}

GRT_API gantry_status gantry_matcher_set_logsource(gantry_matcher *matcher, const char *product,
                                                   const char *service, const char *category) {
    if (!matcher)
        return GANTRY_E_ARG;
    const gantry_pack *pk = matcher->pack;
    free(matcher->ls_allowed);
    matcher->ls_allowed = NULL;
    if ((!product || !*product) && (!service || !*service) && (!category || !*category))
        return GANTRY_OK;
    uint64_t *bits = calloc(pk->nrules / 64u + 1u, sizeof *bits);
    if (!bits)
        return GANTRY_E_NOMEM;
    for (uint32_t r = 0; r < pk->nrules; r++) {
        const gantry_rule_info *info = &pk->infos[r];
        if (gls_fits_given(info->logsource_product, info->logsource_service,
                           info->logsource_category, product, service, category))
            bits[r / 64] |= 1ull << (r % 64);
    }
    matcher->ls_allowed = bits;
    return GANTRY_OK;
}

GRT_API gantry_status gantry_matcher_set_logsource_any(gantry_matcher *matcher, int any) {
    if (!matcher)
        return GANTRY_E_ARG;
    matcher->ls_any = any != 0;
    return GANTRY_OK;
}

GRT_API gantry_status gantry_match_event(gantry_matcher *matcher, const gantry_event *event,
                                         gantry_match_fn on_match, void *user) {
    if (!matcher || !event || !on_match)
        return GANTRY_E_ARG;
    if (!cJSON_IsObject((const cJSON *)event))
        return GANTRY_E_JSON;
    return grt_match_event(matcher, event, on_match, user);
}

GRT_API gantry_status gantry_match_cjson(gantry_matcher *matcher, const struct cJSON *event,
                                         gantry_match_fn on_match, void *user) {
    return gantry_match_event(matcher, gantry_event_from_cjson(event), on_match, user);
}

GRT_API gantry_status gantry_match_json(gantry_matcher *matcher, const char *json, size_t len,
                                        gantry_match_fn on_match, void *user) {
    if (!matcher || (!json && len) || !on_match)
        return GANTRY_E_ARG;
    if (!json)
        return GANTRY_E_JSON;
    int done;
    gantry_status fast = grt_fast_match_json(matcher, json, len, on_match, user, &done);
    if (done)
        return fast;
    cJSON *event = cJSON_ParseWithLength(json, len);
    if (!event)
        return GANTRY_E_JSON;
    gantry_status st = gantry_match_cjson(matcher, event, on_match, user);
    cJSON_Delete(event);
    return st;
}

GRT_API int gantry_rule_reads_field(const gantry_pack *pack, size_t rule, size_t field) {
    if (!pack || rule >= pack->nrules || field >= pack->nfields)
        return 0;
    const grt_slice *s = &pack->rule_fields[rule];
    const uint32_t *items = pack->rule_field_items + s->first;
    size_t lo = 0, hi = s->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (items[mid] == field)
            return 1;
        if (items[mid] < field)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}
