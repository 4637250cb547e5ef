/* SPDX-License-Identifier: Apache-2.0 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "regex.h"
#include "regex_options.h"

#include <pcre2.h>
#include <stdatomic.h>
#include <stdlib.h>

/* Packs with at most this many regexes JIT-compile them all at load; larger
 * ones (the Sigma corpus, hundreds) JIT each on its first use, since most
 * never run on a given event stream and JIT compiling is most of the load
 * time. */
#define GRT_EAGER_JIT_MAX 32u

gantry_status grt_regex_compile_all(gantry_pack *pack, char *err, size_t err_size) {
    int eager = pack->nregexes <= GRT_EAGER_JIT_MAX;
    for (uint32_t i = 0; i < pack->nregexes; i++) {
        grt_regex *re = &pack->regexes[i];
        atomic_init(&re->jit, NULL);
        atomic_init(&re->jit_state, eager ? 2 : 0);
        uint32_t options = grt_regex_options(re->flags);
        int code = 0;
        PCRE2_SIZE offset = 0;
        pcre2_code *compiled =
            pcre2_compile((PCRE2_SPTR)pack->strs[re->pattern], pack->str_lens[re->pattern], options,
                          &code, &offset, NULL);
        if (!compiled) {
            PCRE2_UCHAR msg[160];
            if (pcre2_get_error_message(code, msg, sizeof msg) < 0)
                msg[0] = 0;
            return grt_fail(err, err_size, GANTRY_E_REGEX, "regex %u /%s/: %s at offset %zu",
                            (unsigned)i, pack->strs[re->pattern], (const char *)msg,
                            (size_t)offset);
        }
        /* JIT is an optimisation only: the interpreter takes over if it fails */
        if (eager)
            (void)pcre2_jit_compile(compiled, PCRE2_JIT_COMPLETE);
        re->code = compiled;
    }
    return GANTRY_OK;
}

void grt_regex_free_all(gantry_pack *pack) {
    if (!pack->regexes)
        return;
    for (uint32_t i = 0; i < pack->nregexes; i++) {
        pcre2_code_free((pcre2_code *)pack->regexes[i].code);
        pcre2_code_free((pcre2_code *)atomic_load(&pack->regexes[i].jit));
        pack->regexes[i].code = NULL;
        atomic_store(&pack->regexes[i].jit, NULL);
    }
}

gantry_status grt_regex_matcher_init(gantry_matcher *m) {
    pcre2_match_context *ctx = pcre2_match_context_create(NULL);
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    if (!ctx || !md) {
        pcre2_match_context_free(ctx);
        pcre2_match_data_free(md);
        return GANTRY_E_NOMEM;
    }
    pcre2_set_match_limit(ctx, GANTRY_REGEX_MATCH_LIMIT);
    pcre2_set_depth_limit(ctx, GANTRY_REGEX_DEPTH_LIMIT);
    m->match_context = ctx;
    m->match_data = md;
    return GANTRY_OK;
}

void grt_regex_matcher_release(gantry_matcher *m) {
    pcre2_match_context_free((pcre2_match_context *)m->match_context);
    pcre2_match_data_free((pcre2_match_data *)m->match_data);
    m->match_context = NULL;
    m->match_data = NULL;
}

/* The code to run: the JIT copy once published. The first caller to get
 * here compiles it; the pack is shared between threads, so the copy is
 * compiled aside and published with release order, and callers racing with
 * the compile use the interpreter meanwhile (same results). */
static const pcre2_code *code_for(const grt_regex *cre) {
    grt_regex *re = (grt_regex *)cre; /* the pack is immutable except these two */
    void *jit = atomic_load_explicit(&re->jit, memory_order_acquire);
    if (jit)
        return jit;
    int expected = 0;
    if (atomic_load_explicit(&re->jit_state, memory_order_relaxed) != 0 ||
        !atomic_compare_exchange_strong(&re->jit_state, &expected, 1))
        return re->code;
    pcre2_code *copy = pcre2_code_copy((const pcre2_code *)re->code);
    if (copy && pcre2_jit_compile(copy, PCRE2_JIT_COMPLETE) == 0) {
        atomic_store_explicit(&re->jit, copy, memory_order_release);
    } else {
        pcre2_code_free(copy);
        copy = NULL;
    }
    atomic_store_explicit(&re->jit_state, 2, memory_order_release);
    return copy ? copy : re->code;
}

bool grt_regex_match(gantry_matcher *m, const grt_regex *re, const char *subject, size_t len) {
    int rc =
        pcre2_match(code_for(re), (PCRE2_SPTR)(subject ? subject : ""), len, 0, 0,
                    (pcre2_match_data *)m->match_data, (pcre2_match_context *)m->match_context);
    if (rc >= 0)
        return true;
    if (rc == PCRE2_ERROR_NOMATCH || rc == PCRE2_ERROR_PARTIAL)
        return false;
    /* match, depth, heap or JIT stack limit, or any other run-time failure:
     * the predicate is false and the event reports the limit (regex_limit_hit) */
    m->regex_limit_hit = 1;
    return false;
}
