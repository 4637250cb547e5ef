/* SPDX-License-Identifier: Apache-2.0 */
/* The matching side of gantry serve: the packs, their matchers and
 * correlators, and the one thread that takes bodies off the queue, matches
 * every event and writes the alerts as `gantry match` writes them. A pack
 * reload (SIGHUP) hands a whole new engine over, which this thread takes
 * between two bodies: a body is matched by one set of packs only. */
#include <cJSON.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "correlate_output.h"
#include "drain.h"
#include "gantry_cjson.h"
#include "rule_options.h"
#include "serve.h"

/* Notes about malformed events shown per engine before they are only counted. */
#define GSV_NOTES_SHOWN 10

struct gsv_engine {
    const gsv_config *cfg;
    size_t pack_count;
    gantry_pack **packs;
    gantry_matcher **matchers;
    gantry_correlator **correlators; /* NULL entries: no correlations */
    gco_sink *sinks;
    gmo_printer *printer;
    gantry_normalizer *norm;
    gmo_stats stats; /* the drain's accounting; per_rule feeds /metrics */
    gmo_buffer alert;
    /* the event being matched */
    gsv_server *server;
    char file[48];
    uint64_t line;
    size_t current;
    const cJSON *event;
    int event_matched;
};

static void on_correlation(const gantry_corr_match *match, void *user);

void gsv_engine_free(gsv_engine *e, gsv_server *s) {
    if (!e)
        return;
    for (size_t k = 0; k < e->pack_count; k++) {
        if (e->correlators && e->correlators[k]) {
            /* what the correlations still hold completes now, as at the end
             * of `gantry match`'s input */
            if (s) {
                e->server = s;
                e->current = k;
                gantry_correlator_flush(e->correlators[k], on_correlation, e);
            }
            gantry_correlator_free(e->correlators[k]);
        }
        if (e->matchers)
            gantry_matcher_free(e->matchers[k]);
        gantry_pack_free(e->packs[k]);
    }
    free(e->correlators);
    free(e->sinks);
    free(e->matchers);
    free(e->packs);
    gmo_printer_free(e->printer);
    gantry_normalizer_free(e->norm);
    gmo_stats_free(&e->stats);
    free(e->alert.data);
    free(e);
}

gsv_engine *gsv_engine_load(const gsv_config *cfg, FILE *out) {
    gsv_engine *e = calloc(1, sizeof *e);
    if (!e)
        goto nomem;
    e->cfg = cfg;
    size_t n = cfg->pack_path_count;
    e->packs = calloc(n, sizeof *e->packs);
    e->matchers = calloc(n, sizeof *e->matchers);
    e->correlators = calloc(n, sizeof *e->correlators);
    e->sinks = calloc(n, sizeof *e->sinks);
    if (!e->packs || !e->matchers || !e->correlators || !e->sinks)
        goto nomem;
    for (size_t k = 0; k < n; k++) {
        if (!(e->packs[k] = gcli_load_pack_file("serve", cfg->pack_paths[k], NULL))) {
            gsv_engine_free(e, NULL);
            return NULL;
        }
        e->pack_count = k + 1;
        if (gantry_matcher_new(e->packs[k], &e->matchers[k]) != GANTRY_OK)
            goto nomem;
        if (gantry_pack_correlation_count(e->packs[k])) {
            gantry_status st = gantry_correlator_new(e->packs[k], NULL, &e->correlators[k]);
            if (st != GANTRY_OK) {
                fprintf(stderr, "gantry serve: correlation state: %s\n", gantry_strerror(st));
                gsv_engine_free(e, NULL);
                return NULL;
            }
            e->sinks[k] = (gco_sink){e->packs[k], out, 0, 0, cfg->min_level, 0};
        }
    }
    gmo_options opts = {.format = GMO_JSONL, .min_level = cfg->min_level};
    /* one pack: only the fields it reads are computed */
    if (!(e->printer = gmo_printer_new((const gantry_pack *const *)e->packs, n, &opts, out)) ||
        gantry_normalizer_new(n == 1 ? e->packs[0] : NULL, GANTRY_FORMAT_AUTO, &e->norm) !=
            GANTRY_OK ||
        gmo_stats_init(&e->stats, gmo_rule_total(e->printer)) != 0)
        goto nomem;
    return e;
nomem:
    fprintf(stderr, "gantry serve: out of memory\n");
    gsv_engine_free(e, NULL);
    return NULL;
}

/* A label value in the exposition format's escaping. */
static void label(FILE *out, const char *text) {
    fputc('"', out);
    for (const char *p = text ? text : ""; *p; p++) {
        if (*p == '\\' || *p == '"')
            fputc('\\', out);
        if (*p == '\n')
            fputs("\\n", out);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

void gsv_engine_metrics(const gsv_engine *e, FILE *out, const char *name) {
    for (size_t k = 0; k < e->pack_count; k++) {
        size_t base = gmo_rule_base(e->printer, k);
        size_t count = gantry_pack_rule_count(e->packs[k]);
        for (size_t i = 0; i < count; i++) {
            gantry_rule_info info;
            if (gantry_pack_rule_info(e->packs[k], i, &info) != GANTRY_OK ||
                !gantry_pack_rule_reported(e->packs[k], i))
                continue;
            const char *rule_name = gantry_pack_rule_name(e->packs[k], i);
            fprintf(out, "%s{rule=", name);
            label(out, info.id);
            fputs(",name=", out);
            label(out, rule_name);
            fprintf(out, ",level=\"%s\"} %" PRIu64 "\n", gantry_level_name(info.level),
                    e->stats.per_rule[base + i]);
        }
    }
}

static void on_correlation(const gantry_corr_match *match, void *user) {
    gsv_engine *e = user;
    gco_sink *sink = &e->sinks[e->current];
    uint64_t before = sink->printed;
    gco_on_match(match, sink);
    if (sink->printed == before)
        return;
    pthread_mutex_lock(&e->server->lock);
    e->server->counters.correlation_matches++;
    pthread_mutex_unlock(&e->server->lock);
    if (e->server->nats) {
        char *text = gco_render(e->packs[e->current], match);
        const char *id = match->correlation->id && *match->correlation->id
                             ? match->correlation->id
                             : match->correlation->name;
        int rc = text ? gsv_nats_publish(e->server->nats, match->correlation->level, id, text,
                                         strlen(text))
                      : -1;
        cJSON_free(text);
        pthread_mutex_lock(&e->server->lock);
        if (rc == 0)
            e->server->counters.nats_published++;
        else
            e->server->counters.nats_failed++;
        pthread_mutex_unlock(&e->server->lock);
    }
}

static void publish(gsv_engine *e, const gantry_rule_info *rule, size_t number) {
    char index[32];
    const char *id = rule->id;
    if (!id || !*id) {
        snprintf(index, sizeof index, "rule%u", rule->index);
        id = index;
    }
    int rc = gmo_render_match(e->printer, &e->alert, e->line, number, e->event) == 0
                 ? gsv_nats_publish(e->server->nats, rule->level, id, e->alert.data, e->alert.len)
                 : -1;
    pthread_mutex_lock(&e->server->lock);
    if (rc == 0)
        e->server->counters.nats_published++;
    else
        e->server->counters.nats_failed++;
    pthread_mutex_unlock(&e->server->lock);
}

static int on_match(const gantry_match *m, void *user) {
    gsv_engine *e = user;
    size_t k = e->current;
    if (e->correlators[k])
        gantry_correlator_feed(e->correlators[k], m->rule->index, gantry_event_from_cjson(e->event),
                               GANTRY_TIME_FROM_EVENT, e->file, e->line, on_correlation, e);
    /* rules that only feed correlations stay quiet, as in `gantry match` */
    if ((int)m->rule->level < e->cfg->min_level ||
        !gantry_pack_rule_reported(e->packs[k], m->rule->index))
        return 0;
    size_t number = gmo_rule_base(e->printer, k) + m->rule->index;
    gmo_print_match(e->printer, e->file, e->line, number, e->event);
    pthread_mutex_lock(&e->server->lock);
    e->stats.per_rule[number]++;
    e->server->counters.matches++;
    if (!e->event_matched)
        e->server->counters.events_matched++;
    pthread_mutex_unlock(&e->server->lock);
    e->event_matched = 1;
    if (e->server->nats)
        publish(e, m->rule, number);
    return 0;
}

static gantry_status on_event(void *user, const gantry_item *item) {
    gsv_engine *e = user;
    e->line = item->first_line;
    e->event = gantry_event_cjson(item->event);
    e->event_matched = 0;
    gantry_status status = GANTRY_OK;
    for (e->current = 0; e->current < e->pack_count; e->current++) {
        gantry_status st = gantry_match_event(e->matchers[e->current], item->event, on_match, e);
        if (status == GANTRY_OK)
            status = st;
    }
    return status;
}

static void on_note(void *user, int kind, uint64_t count, uint64_t line, const char *text) {
    gsv_engine *e = user;
    if (count <= GSV_NOTES_SHOWN && (!e->cfg->quiet || kind == GDR_ERROR))
        gdr_print_note(stderr, kind, e->file, line, text);
}

/* Every event of the body through the normalizer and the matchers; the
 * events become "processed" together, once the body is done. */
static void match_batch(gsv_server *s, gsv_engine *e, gsv_batch *b) {
    e->server = s;
    snprintf(e->file, sizeof e->file, "http:%" PRIu64, b->id);
    gmo_set_file(e->printer, e->file);
    const gdr_hooks hooks = {on_event, on_note, e};
    uint64_t malformed = e->stats.malformed;
    size_t pos = 0, len;
    const char *text;
    uint64_t line = 0;
    while (gsv_batch_next(b, &pos, &text, &len)) {
        gantry_status st = gantry_normalizer_feed(e->norm, text, len, ++line);
        if (st != GANTRY_OK)
            gdr_malformed(&e->stats, &hooks, line, line, gantry_strerror(st));
        gdr_drain(e->norm, &e->stats, &hooks, 0);
    }
    /* nothing is held from one body into the next */
    gantry_normalizer_finish(e->norm);
    gdr_drain(e->norm, &e->stats, &hooks, 0);
    int failed = fflush(s->out) != 0;
    pthread_mutex_lock(&s->lock);
    s->counters.events_processed += b->count;
    s->counters.events_malformed += e->stats.malformed - malformed;
    if (failed && !s->output_failed) {
        s->output_failed = 1;
        fprintf(stderr, "gantry serve: cannot write the alerts\n");
    }
    pthread_mutex_unlock(&s->lock);
}

/* A reloaded engine, if one waits, replaces the running one. */
static void take_pending(gsv_server *s) {
    pthread_mutex_lock(&s->lock);
    gsv_engine *next = s->pending, *old = NULL;
    if (next) {
        old = s->engine;
        s->engine = next;
        s->pending = NULL;
    }
    pthread_mutex_unlock(&s->lock);
    if (old) {
        old->server = s;
        gsv_engine_free(old, s);
    }
}

void *gsv_match_thread(void *arg) {
    gsv_server *s = arg;
    pthread_mutex_lock(&s->lock);
    s->matcher_alive = 1;
    pthread_mutex_unlock(&s->lock);
    gsv_batch *b;
    while ((b = gsv_queue_pop(&s->queue))) {
        if (s->cfg->hold_ms) {
            struct timespec ts = {s->cfg->hold_ms / 1000, (long)(s->cfg->hold_ms % 1000) * 1000000};
            nanosleep(&ts, NULL);
        }
        take_pending(s);
        match_batch(s, s->engine, b);
        gsv_batch_free(b);
    }
    take_pending(s);
    pthread_mutex_lock(&s->lock);
    s->matcher_alive = 0;
    pthread_mutex_unlock(&s->lock);
    return NULL;
}
