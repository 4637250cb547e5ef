/* SPDX-License-Identifier: Apache-2.0 */
/* /metrics: the Prometheus text exposition format (version 0.0.4). The
 * table below is the one list of metrics: their names, types and help
 * lines, and where each value comes from. docs/live.md lists the same names
 * (tests/cli/serve.sh checks both agree). */
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>

#include "serve.h"

typedef enum metric_source {
    FROM_COUNTER,  /* a uint64_t of gsv_counters */
    FROM_CODES,    /* requests by status code */
    FROM_RULES,    /* matches by rule and level */
    FROM_RELOADS,  /* pack reloads by result */
    FROM_QUEUE,    /* queue depth in bytes */
    FROM_QUEUE_EV, /* queue depth in events */
    FROM_CAPACITY, /* --queue-bytes */
    FROM_MAX_BODY, /* --max-body */
    FROM_ALIVE,    /* the matching thread runs */
} metric_source;

typedef struct metric {
    const char *name;
    const char *type;
    const char *help;
    metric_source source;
    size_t offset; /* FROM_COUNTER */
} metric;

#define COUNTER(field) FROM_COUNTER, offsetof(gsv_counters, field)

static const metric metrics[] = {
    {"gantry_serve_events_received_total", "counter", "Events in accepted request bodies.",
     COUNTER(events_received)},
    {"gantry_serve_events_processed_total", "counter",
     "Accepted events the matching thread has finished (matched or found malformed).",
     COUNTER(events_processed)},
    {"gantry_serve_events_matched_total", "counter", "Events with at least one reported match.",
     COUNTER(events_matched)},
    {"gantry_serve_events_malformed_total", "counter",
     "Events of accepted bodies that are no readable event.", COUNTER(events_malformed)},
    {"gantry_serve_events_dropped_total", "counter",
     "Accepted events lost before matching; always 0.", COUNTER(events_dropped)},
    {"gantry_serve_bodies_accepted_total", "counter", "Request bodies queued (answered 200).",
     COUNTER(bodies_accepted)},
    {"gantry_serve_bodies_malformed_total", "counter", "Request bodies refused as malformed (400).",
     COUNTER(bodies_malformed)},
    {"gantry_serve_bodies_too_large_total", "counter",
     "Request bodies over --max-body, compressed or not (413).", COUNTER(bodies_too_large)},
    {"gantry_serve_bodies_queue_full_total", "counter",
     "Request bodies refused because the queue was full (503 with Retry-After).",
     COUNTER(bodies_refused_full)},
    {"gantry_serve_requests_total", "counter", "HTTP requests answered, by status code.",
     FROM_CODES, 0},
    {"gantry_serve_matches_total", "counter",
     "Reported matches of the running packs, by rule and level (reset by a reload).", FROM_RULES,
     0},
    {"gantry_serve_matches_all_total", "counter", "Reported rule matches since the start.",
     COUNTER(matches)},
    {"gantry_serve_correlation_matches_total", "counter", "Correlation matches written.",
     COUNTER(correlation_matches)},
    {"gantry_serve_nats_published_total", "counter", "Alerts published to NATS.",
     COUNTER(nats_published)},
    {"gantry_serve_nats_failed_total", "counter", "Alerts that could not be published to NATS.",
     COUNTER(nats_failed)},
    {"gantry_serve_queue_bytes", "gauge", "Bytes of events waiting in the queue.", FROM_QUEUE, 0},
    {"gantry_serve_queue_events", "gauge", "Events waiting in the queue.", FROM_QUEUE_EV, 0},
    {"gantry_serve_queue_capacity_bytes", "gauge", "The queue's capacity (--queue-bytes).",
     FROM_CAPACITY, 0},
    {"gantry_serve_max_body_bytes", "gauge", "The largest body accepted (--max-body).",
     FROM_MAX_BODY, 0},
    {"gantry_serve_pack_reloads_total", "counter", "Pack reloads (SIGHUP), by result.",
     FROM_RELOADS, 0},
    {"gantry_serve_matching_thread_up", "gauge", "1 while the matching thread runs.", FROM_ALIVE,
     0},
};

#define METRIC_COUNT (sizeof metrics / sizeof metrics[0])

static const unsigned codes[] = {
#define GSV_CODE_VALUE(c) c,
    GSV_CODES(GSV_CODE_VALUE)
#undef GSV_CODE_VALUE
};

int gsv_code_index(unsigned code) {
    for (int i = 0; i < GSV_CODE_OTHER; i++)
        if (codes[i] == code)
            return i;
    return GSV_CODE_OTHER;
}

static void value(FILE *out, gsv_server *s, const metric *m, const gsv_counters *c) {
    size_t bytes, events;
    switch (m->source) {
    case FROM_COUNTER:
        fprintf(out, "%s %" PRIu64 "\n", m->name, *(const uint64_t *)((const char *)c + m->offset));
        break;
    case FROM_CODES:
        for (int i = 0; i < GSV_CODE_COUNT; i++) {
            if (i == GSV_CODE_OTHER)
                fprintf(out, "%s{code=\"other\"} %" PRIu64 "\n", m->name, c->requests[i]);
            else
                fprintf(out, "%s{code=\"%u\"} %" PRIu64 "\n", m->name, codes[i], c->requests[i]);
        }
        break;
    case FROM_RULES:
        if (s->engine)
            gsv_engine_metrics(s->engine, out, m->name);
        break;
    case FROM_RELOADS:
        fprintf(out, "%s{result=\"ok\"} %" PRIu64 "\n", m->name, c->reloads_ok);
        fprintf(out, "%s{result=\"failed\"} %" PRIu64 "\n", m->name, c->reloads_failed);
        break;
    case FROM_QUEUE:
    case FROM_QUEUE_EV:
        gsv_queue_depth(&s->queue, &bytes, &events);
        fprintf(out, "%s %zu\n", m->name, m->source == FROM_QUEUE ? bytes : events);
        break;
    case FROM_CAPACITY:
        fprintf(out, "%s %zu\n", m->name, s->cfg->queue_bytes);
        break;
    case FROM_MAX_BODY:
        fprintf(out, "%s %zu\n", m->name, s->cfg->max_body);
        break;
    case FROM_ALIVE:
        fprintf(out, "%s %d\n", m->name, s->matcher_alive);
        break;
    }
}

char *gsv_metrics_render(gsv_server *s, size_t *len) {
    char *text = NULL;
    FILE *out = open_memstream(&text, len);
    if (!out)
        return NULL;
    /* one consistent view: the counters and the rule counts under one lock */
    pthread_mutex_lock(&s->lock);
    gsv_counters c = s->counters;
    for (size_t i = 0; i < METRIC_COUNT; i++) {
        const metric *m = &metrics[i];
        fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", m->name, m->help, m->name, m->type);
        value(out, s, m, &c);
    }
    pthread_mutex_unlock(&s->lock);
    if (fclose(out) != 0) {
        free(text);
        return NULL;
    }
    return text;
}
