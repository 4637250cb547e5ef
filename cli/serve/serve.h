/* SPDX-License-Identifier: Apache-2.0 */
/* gantry serve: a receiver for the Kubernetes API server's audit webhook
 * (docs/live.md). HTTP threads (libmicrohttpd) decode each request body into
 * events and put them on a bounded queue; one matching thread takes them
 * off, matches them and writes the alerts. Module prefix: gsv_.
 *
 * Split by responsibility:
 *   cmd_serve.c      options, start-up, signals (reload, drain and exit)
 *   serve_body.c     request body -> events (the part the fuzz target runs)
 *   serve_queue.c    the bounded queue between the two sides
 *   serve_http.c     the HTTP side: routes, limits, TLS client checks
 *   serve_engine.c   packs, matchers and output: the matching thread
 *   serve_metrics.c  the counters and their Prometheus text */
#ifndef GANTRY_CLI_SERVE_H
#define GANTRY_CLI_SERVE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gantry.h"
#include "match_output.h"

/* ---- serve_body.c ---- */

/* The events of one accepted body, as the matching thread takes them.
 * `bytes` is what the batch holds against --queue-bytes. */
typedef struct gsv_batch {
    struct gsv_batch *next;
    uint64_t id; /* the accepted body's number, from 1: "http:ID" in alerts */
    size_t count;
    size_t bytes;
    char *data; /* each event: its length (a size_t), then its text */
    size_t len, cap;
} gsv_batch;

gsv_batch *gsv_batch_new(void);
void gsv_batch_free(gsv_batch *b);
/* Returns 0, or -1 when memory ran out. */
int gsv_batch_add(gsv_batch *b, const char *text, size_t len);
/* Walks the events: *pos starts at 0. Returns 0 after the last. */
int gsv_batch_next(const gsv_batch *b, size_t *pos, const char **text, size_t *len);

typedef enum gsv_body_result {
    GSV_BODY_OK,    /* every event is in the batch */
    GSV_BODY_BAD,   /* refused whole (400): why says what and on which line */
    GSV_BODY_NOMEM, /* out of memory: the batch holds part of the body */
} gsv_body_result;

/* Decodes a request body: a Kubernetes EventList, a JSON array of events,
 * one JSON event (pretty-printed or not), or events as JSON lines, into
 * the batch. A body whose structure cannot be read is refused whole;
 * whether each event is an event the normalizer judges later. `max_depth`
 * bounds the nesting of a document. */
gsv_body_result gsv_decode_body(const char *body, size_t len, unsigned max_depth, gsv_batch *b,
                                char *why, size_t why_size);

/* Inflates a gzip body (Content-Encoding: gzip; members one after
 * another) of at most `max` bytes inflated. Returns 0 with *out (malloc'd,
 * NULL when empty), 1 when it inflates to more than max, -1 when it is not
 * valid gzip, -2 when memory ran out. */
int gsv_gunzip(const char *in, size_t len, size_t max, char **out, size_t *out_len);

/* ---- serve_queue.c ---- */

typedef struct gsv_queue {
    pthread_mutex_t lock;
    pthread_cond_t ready;
    gsv_batch *head, *tail;
    size_t bytes, events, capacity;
    int closed;
} gsv_queue;

typedef enum gsv_push_result { GSV_QUEUED, GSV_QUEUE_FULL, GSV_QUEUE_CLOSED } gsv_push_result;

int gsv_queue_init(gsv_queue *q, size_t capacity);
void gsv_queue_destroy(gsv_queue *q);
/* Takes the batch when it fits, or when the queue is empty (a body larger
 * than the whole queue would otherwise be refused for ever). */
gsv_push_result gsv_queue_push(gsv_queue *q, gsv_batch *b);
/* Waits for a batch; NULL once the queue is closed and empty. */
gsv_batch *gsv_queue_pop(gsv_queue *q);
void gsv_queue_close(gsv_queue *q);
void gsv_queue_depth(gsv_queue *q, size_t *bytes, size_t *events);

/* ---- serve_metrics.c ---- */

/* HTTP status codes counted per code; others are counted as "other". */
#define GSV_CODES(X) X(200) X(400) X(403) X(404) X(405) X(413) X(415) X(500) X(503)
enum {
#define GSV_CODE_INDEX(c) GSV_CODE_##c,
    GSV_CODES(GSV_CODE_INDEX) GSV_CODE_OTHER,
    GSV_CODE_COUNT
#undef GSV_CODE_INDEX
};

/* Every counter of the server; guarded by gsv_server.lock. */
typedef struct gsv_counters {
    uint64_t events_received;  /* events in accepted bodies */
    uint64_t events_processed; /* events the matching thread has finished */
    uint64_t events_matched;   /* events with a reported match */
    uint64_t events_malformed; /* events of accepted bodies that are no event */
    uint64_t events_dropped;   /* accepted and lost: stays 0 */
    uint64_t bodies_accepted, bodies_malformed, bodies_too_large, bodies_refused_full;
    uint64_t matches, correlation_matches;
    uint64_t reloads_ok, reloads_failed;
    uint64_t nats_published, nats_failed;
    uint64_t requests[GSV_CODE_COUNT];
} gsv_counters;

struct gsv_server;
/* The Prometheus text exposition of every metric; malloc'd, NULL when
 * memory ran out. */
char *gsv_metrics_render(struct gsv_server *s, size_t *len);
/* The index of a status code in gsv_counters.requests. */
int gsv_code_index(unsigned code);

/* ---- serve_engine.c ---- */

typedef struct gsv_config {
    const char **pack_paths;
    size_t pack_path_count;
    const char *listen;
    const char *tls_cert, *tls_key, *client_ca;
    const char *output; /* -o; NULL: stdout */
    const char *nats_url, *nats_subject;
    size_t max_body;
    size_t queue_bytes;
    unsigned max_connections;
    unsigned threads;
    unsigned retry_after; /* seconds, in 503 answers */
    int min_level;
    int quiet;
    unsigned hold_ms; /* GANTRY_SERVE_HOLD_MS test hook: pause before each body */
} gsv_config;

/* Packs with their matchers, correlators and printer: what one SIGHUP
 * replaces as a whole. */
typedef struct gsv_engine gsv_engine;

/* Loads and verifies every pack and sets up matching; NULL after printing
 * why on stderr. */
gsv_engine *gsv_engine_load(const gsv_config *cfg, FILE *out);
/* Flushes the correlators (their last matches are written) and frees. */
void gsv_engine_free(gsv_engine *e, struct gsv_server *s);
/* The rules' match counts for /metrics (under the server lock). */
void gsv_engine_metrics(const gsv_engine *e, FILE *out, const char *name);

typedef struct gsv_nats gsv_nats;

typedef struct gsv_server {
    const gsv_config *cfg;
    gsv_queue queue;
    FILE *out;
    gsv_nats *nats; /* NULL without --nats-url */
    pthread_mutex_t lock;
    gsv_counters counters;
    gsv_engine *engine;  /* the matching thread's; swapped under the lock */
    gsv_engine *pending; /* loaded by a SIGHUP, taken before the next body */
    uint64_t next_batch_id;
    int matcher_alive; /* under the lock: /healthz */
    int stopping;      /* under the lock: new bodies are answered 503 */
    int output_failed;
} gsv_server;

/* The matching thread: takes bodies until the queue is closed and empty. */
void *gsv_match_thread(void *server);

/* ---- serve_nats.c ---- */

/* Connects to --nats-url (the client reconnects by itself); NULL after
 * printing why. */
gsv_nats *gsv_nats_open(const gsv_config *cfg);
/* Publishes one alert line as `gantry consume` does; 0 or -1. */
int gsv_nats_publish(gsv_nats *n, gantry_level level, const char *id, const char *data, size_t len);
void gsv_nats_close(gsv_nats *n);

/* ---- serve_http.c ---- */

typedef struct gsv_http gsv_http;
/* Starts listening; NULL after printing why. *port is the port bound. */
gsv_http *gsv_http_start(gsv_server *s, unsigned *port);
/* Stops accepting and waits for the requests in progress. */
void gsv_http_stop(gsv_http *h);

#endif
