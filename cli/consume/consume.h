/* SPDX-License-Identifier: Apache-2.0 */
/* gantry consume: one member of a NATS JetStream durable pull consumer.
 * docs/scale-out.md is the user-facing description. Module prefix: gcons_.
 *
 * Split by responsibility:
 *   cmd_consume.c      options, signals, statistics, the fetch loop
 *   consume_nats.c     connection, stream and consumer set-up, alert publishing
 *   consume_batch.c    one fetched batch: match, publish, ack / nak */
#ifndef GANTRY_CLI_CONSUME_H
#define GANTRY_CLI_CONSUME_H

#include <nats/nats.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>

#include "gantry.h"
#include "match_output.h"
#include "rule_options.h"

/* First nak delay and pause after a failed batch; doubles up to --max-backoff. */
#define GCONS_FIRST_BACKOFF_MS 250
#define GCONS_MALFORMED_SHOWN 10

typedef struct gcons_config {
    const char *pack_path;
    const char **rule_paths;
    size_t rule_path_count;
    const char **servers; /* each entry one URL (comma lists are split) */
    int server_count;
    int server_max;   /* room in servers */
    const char *name; /* connection name shown by the server */
    const char *stream;
    const char *subjects; /* comma list, used only when creating the stream */
    const char *durable;
    const char *filter; /* consumer filter subject: one partition */
    const char *alerts_prefix;
    const char *alerts_stream;
    const char *stats_path;
    int batch;
    int members;
    int replicas;
    int64_t ack_wait_ms;
    int64_t dup_window_ms;
    int64_t fetch_wait_ms;
    int64_t publish_wait_ms;
    int64_t max_backoff_ms;
    int64_t setup_wait_ms;
    int64_t idle_exit_ms; /* 0: run until signalled */
    int64_t hold_ms;      /* GANTRY_CONSUME_HOLD_MS test hook: pause before acking */
    gantry_input_format input_format;
    size_t max_line_bytes;
    int quiet;
    gcli_rule_options rules;
    gmo_options out;
} gcons_config;

/* Counters beyond the `gantry match` accounting, written under "consume" in
 * the --stats file. */
typedef struct gcons_counters {
    uint64_t batches, messages, redelivered, acked, naked, in_progress;
    uint64_t alerts_published, alerts_duplicate, publish_failures, fetch_errors;
} gcons_counters;

/* A fetched message held until it is acked or naked. */
typedef struct gcons_held {
    natsMsg *msg;
    uint64_t seq;
    uint64_t delivered;
    int failed; /* an alert publish for it failed: nak it */
} gcons_held;

typedef struct gcons_member {
    const gcons_config *cfg;
    gantry_pack *pack;
    gantry_matcher *matcher;
    gantry_correlator *correlator; /* NULL when the pack has no correlations */
    gantry_normalizer *norm;
    gmo_printer *printer;
    gmo_stats stats;
    gcons_counters counters;
    uint64_t correlation_alerts; /* correlation matches published */
    gmo_buffer alert;
    char file_name[300];
    char msg_id[512];
    char subject[512];

    natsConnection *nc;
    jsCtx *js;
    natsSubscription *sub;
    volatile sig_atomic_t connected;
    volatile sig_atomic_t closing; /* our own close: no "reconnecting" notice */

    /* The batch in flight. The publish-ack handler runs on a library thread
     * and marks sources failed, hence the lock. */
    pthread_mutex_t lock;
    gcons_held *held;
    int held_count;
    int64_t last_progress_ms; /* last in-progress (or the fetch) for held */
    int64_t backoff_ms;
    unsigned fetch_streak; /* fetch failures in a row */

    /* The event being matched. */
    gcons_held *current;
    uint64_t line;
    const struct cJSON *event;
    int event_matched;
} gcons_member;

/* ---- consume_nats.c ---- */
/* Connect (retrying in the background), create the streams and the durable
 * consumer when absent, and bind a pull subscription to the consumer.
 * Returns 0, or -1 after printing why. Gives up when *stop becomes set. */
int gcons_connect(gcons_member *m, volatile sig_atomic_t *stop);
/* Flush acks, drain and close the connection. */
void gcons_disconnect(gcons_member *m);
/* Publish one alert (m->alert) for the current source message; on a
 * synchronous failure the source is marked failed. */
void gcons_publish_alert(gcons_member *m, const gantry_rule_info *rule);
/* The subject of an alert: <prefix>.<level>.<id>, the id's characters that
 * a subject token may not hold replaced by '_'. Also used by gantry serve. */
void gcons_alert_subject(char *out, size_t size, const char *prefix, gantry_level level,
                         const char *id);
/* Publishes m->alert on <prefix>.<level>.<id> with a Nats-Msg-Id derived from
 * the current message's sequence, the line and `id`. */
void gcons_publish(gcons_member *m, gantry_level level, const char *id);
/* Wait for every alert publish of the batch to be acknowledged, sending
 * in-progress for held messages while waiting. Publishes still unanswered
 * after --publish-wait are reclaimed and their sources marked failed. */
void gcons_wait_publishes(gcons_member *m);
/* Send in-progress for every held message when a third of the ack wait
 * passed since the last time. */
void gcons_keep_alive(gcons_member *m);
int64_t gcons_now_ms(void);

/* ---- consume_batch.c ---- */
/* Take a fetched list (at most --batch messages) as the held batch. */
void gcons_hold(gcons_member *m, natsMsgList *list);
/* Match every line of every held message, publish alerts, wait for the
 * publish acks, then ack the clean messages and nak the others with a
 * delay. Returns 1 when something was naked (the caller backs off). */
int gcons_process_batch(gcons_member *m);

#endif
