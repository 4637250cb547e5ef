/* SPDX-License-Identifier: Apache-2.0 */
/* One pack, several threads, each with its own matcher, matching at the same
 * time: the pack is shared and read-only except for its lazy, lock-free
 * parts, which the first events build while other threads run beside them.
 *   - regex JIT: a pack with more than GRT_EAGER_JIT_MAX (32) regexes
 *     JIT-compiles each regex on its first use (runtime/vm/regex.c);
 *   - prefilter: a pack of GPF_MIN_RULES (24) rules or more gets the
 *     candidate index, and with logsource dispatch the class of events of no
 *     known source is built on its first such event (runtime/index/prefilter.c).
 * The pack below has 48 rules and 48 regexes, a third for Kubernetes, a third
 * for Docker and a third for any source; the events mix the sources and
 * unknown ones. Every thread's verdicts must equal those of a plain
 * single-threaded matcher (GANTRY_OPTIMIZE_OFF, no index) on its own pack.
 * `make tsan-test` runs this under ThreadSanitizer, which also sees the
 * races themselves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compiler.h"
#include "gantry.h"
#include "pack.h"

#define RULES 48
#define EVENTS 800
#define THREADS 4
#define ROUNDS 6

static unsigned char *image;
static size_t image_len;
static char *events[EVENTS];
static uint64_t expected[EVENTS];

/* Rule i fires when msg holds "lit<i>-<digits>x" as a word: the literal
 * gives the prefilter something to index, the regex decides. */
static void write_rules(const char *path) {
    static const char *const logsource[3] = {"logsource: { product: kubernetes }",
                                             "logsource: { product: docker }", ""};
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (int i = 0; i < RULES; i++)
        fprintf(f,
                "rule r%d {\n  id: \"thr-%d\"\n  title: \"threaded rule %d\"\n  level: low\n"
                "  %s\n  selection lit: { msg|contains: \"lit%d-\" }\n"
                "  selection re: { msg|re: r\"\\blit%d-[0-9]+x\\b\" }\n"
                "  condition: lit and re\n}\n",
                i, i, i, logsource[i % 3], i, i);
    assert_int_equal(fclose(f), 0);
}

static void compile_rules(void) {
    char path[] = "/tmp/gantry-test-threads-XXXXXX.gantry";
    int fd = mkstemps(path, 7);
    assert_true(fd >= 0);
    close(fd);
    write_rules(path);
    gdiag_sink *diag = gdiag_new(NULL, 0, 0);
    const char *paths[] = {path};
    gast_unit *unit = gcomp_parse_paths(paths, 1, diag, NULL);
    if (!unit || gdiag_error_count(diag) ||
        gcomp_compile_unit(unit, diag, NULL, &image, &image_len, NULL) != 0)
        fail_msg("threaded rules do not compile:\n%s", gdiag_text(diag));
    gast_unit_free(unit);
    gdiag_free(diag);
    unlink(path);
}

/* Events of four kinds: Kubernetes, Docker, Falco (Kubernetes' rule set) and
 * no known source, each naming a few rules' literals, with the suffix the
 * regex wants (x) or a near miss (y). */
static void make_events(void) {
    static const char *const module[4] = {"\"event.module\":\"k8s_audit\",",
                                          "\"event.module\":\"docker_events\",",
                                          "\"event.module\":\"falco\",", ""};
    uint32_t seed = 12345;
    for (int e = 0; e < EVENTS; e++) {
        char msg[256] = "";
        for (int k = 0; k < 4; k++) {
            seed = seed * 1103515245u + 12345u;
            unsigned rule = (seed >> 8) % RULES;
            char word[32];
            snprintf(word, sizeof word, "%slit%u-%u%c", k ? " " : "", rule, (seed >> 4) % 1000,
                     (seed >> 20) % 3 ? 'x' : 'y');
            strncat(msg, word, sizeof msg - strlen(msg) - 1);
        }
        char buf[512];
        snprintf(buf, sizeof buf, "{%s\"msg\":\"%s\"}", module[e % 4], msg);
        events[e] = strdup(buf);
        assert_non_null(events[e]);
    }
}

static int note(const gantry_match *m, void *user) {
    *(uint64_t *)user |= 1ull << m->rule->index;
    return 0;
}

static gantry_pack *load(gantry_optimize optimize) {
    gantry_pack *pack = NULL;
    char err[256] = "";
    gantry_options options;
    gantry_options_default(&options);
    options.optimize = optimize;
    if (gantry_pack_load_buffer_opts(image, image_len, &options, &pack, err, sizeof err) !=
        GANTRY_OK)
        fail_msg("pack does not load: %s", err);
    return pack;
}

static int setup(void **state) {
    (void)state;
    compile_rules();
    make_events();
    /* the reference: plain paths, one thread, a pack of its own */
    gantry_pack *pack = load(GANTRY_OPTIMIZE_OFF);
    gantry_matcher *m = NULL;
    assert_int_equal(gantry_matcher_new(pack, &m), GANTRY_OK);
    for (int e = 0; e < EVENTS; e++)
        assert_int_equal(gantry_match_json(m, events[e], strlen(events[e]), note, &expected[e]),
                         GANTRY_OK);
    gantry_matcher_free(m);
    gantry_pack_free(pack);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    for (int e = 0; e < EVENTS; e++)
        free(events[e]);
    free(image);
    return 0;
}

typedef struct worker {
    gantry_pack *pack;
    pthread_barrier_t *start;
    int first; /* event to begin with */
    gantry_status status;
    uint64_t got[EVENTS];
} worker;

/* No cmocka assertion here: they may not run off the main thread. */
static void *work(void *arg) {
    worker *w = arg;
    gantry_matcher *m = NULL;
    w->status = gantry_matcher_new(w->pack, &m);
    pthread_barrier_wait(w->start);
    for (int i = 0; i < EVENTS && w->status == GANTRY_OK; i++) {
        int e = (w->first + i) % EVENTS;
        w->status = gantry_match_json(m, events[e], strlen(events[e]), note, &w->got[e]);
    }
    gantry_matcher_free(m);
    return NULL;
}

static void test_threads_share_one_pack(void **state) {
    (void)state;
    size_t fired = 0, unknown_fired = 0;
    for (int e = 0; e < EVENTS; e++) {
        fired += expected[e] != 0;
        unknown_fired += e % 4 == 3 && expected[e] != 0;
    }
    /* not vacuous: many events match, events of no known source included */
    assert_true(fired > EVENTS / 4);
    assert_true(unknown_fired > EVENTS / 16);
    for (int round = 0; round < ROUNDS; round++) {
        gantry_pack *pack =
            load(GANTRY_OPTIMIZE_DEFAULT); /* fresh: every lazy part still to build */
        /* above the lazy thresholds: index present, no regex JIT-compiled yet */
        assert_non_null(pack->prefilter);
        assert_non_null(pack->dispatch);
        assert_true(pack->nregexes > 32);
        for (uint32_t r = 0; r < pack->nregexes; r++)
            assert_int_equal(atomic_load(&pack->regexes[r].jit_state), 0);
        pthread_barrier_t start;
        assert_int_equal(pthread_barrier_init(&start, NULL, THREADS), 0);
        static worker w[THREADS];
        pthread_t tid[THREADS];
        for (int t = 0; t < THREADS; t++) {
            memset(&w[t], 0, sizeof w[t]);
            w[t].pack = pack;
            w[t].start = &start;
            /* half start together on the same events, half elsewhere */
            w[t].first = t % 2 ? 0 : (t * EVENTS / THREADS + round) % EVENTS;
            assert_int_equal(pthread_create(&tid[t], NULL, work, &w[t]), 0);
        }
        for (int t = 0; t < THREADS; t++)
            assert_int_equal(pthread_join(tid[t], NULL), 0);
        pthread_barrier_destroy(&start);
        for (int t = 0; t < THREADS; t++) {
            assert_int_equal(w[t].status, GANTRY_OK);
            for (int e = 0; e < EVENTS; e++)
                if (w[t].got[e] != expected[e])
                    fail_msg("round %d thread %d event %d: rules %#llx, want %#llx", round, t, e,
                             (unsigned long long)w[t].got[e], (unsigned long long)expected[e]);
        }
        /* the lazy paths ran: regexes JIT-compiled (or tried) on first use */
        uint32_t done = 0;
        for (uint32_t r = 0; r < pack->nregexes; r++)
            done += atomic_load(&pack->regexes[r].jit_state) == 2;
        assert_true(done > 32);
        gantry_pack_free(pack);
    }
    printf("%d rounds x %d threads x %d events: verdicts equal the single-threaded plain "
           "matcher (%zu events fire)\n",
           ROUNDS, THREADS, EVENTS, fired);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_share_one_pack),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
