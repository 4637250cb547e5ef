/* SPDX-License-Identifier: Apache-2.0 */
/* gantry serve: options, start-up and the signals. The main thread only
 * waits for signals once the HTTP threads and the matching thread run:
 * SIGHUP loads the packs anew (the matching thread takes them between two
 * bodies), SIGTERM and SIGINT stop accepting, let the matching thread
 * finish everything accepted, and exit 0. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "rule_options.h"
#include "serve.h"

#define MIB (1024ull * 1024ull)

enum {
    OPT_LISTEN = GCLI_OPT_FIRST_FREE,
    OPT_TLS_CERT,
    OPT_TLS_KEY,
    OPT_CLIENT_CA,
    OPT_MAX_BODY,
    OPT_QUEUE_BYTES,
    OPT_MAX_CONNECTIONS,
    OPT_THREADS,
    OPT_RETRY_AFTER,
    OPT_MIN_LEVEL,
    OPT_NATS_URL,
    OPT_NATS_SUBJECT,
};

static const gopt serve_rows[] = {
    {'p', "pack", "PACK", "a compiled pack (repeatable: every pack sees every event)"},
    {OPT_LISTEN, "listen", "ADDR:PORT",
     "where to listen: 127.0.0.1:8443, [::1]:8443, :8443 (every\naddress); port 0 picks a free "
     "one"},
    {OPT_TLS_CERT, "tls-cert", "FILE", "serve HTTPS with this PEM certificate (chain)"},
    {OPT_TLS_KEY, "tls-key", "FILE", "the PEM private key of --tls-cert"},
    {OPT_CLIENT_CA, "client-ca", "FILE",
     "require a client certificate signed by this PEM CA\n(others are answered 403)"},
    {'o', "output", "FILE", "append alerts to FILE (default: standard output)"},
    {OPT_MAX_BODY, "max-body", "BYTES",
     "largest request body, also once inflated (default\n16 MiB); larger ones are answered 413"},
    {OPT_QUEUE_BYTES, "queue-bytes", "BYTES",
     "events waiting for the matcher (default 64 MiB); when\nfull, bodies are answered 503 with "
     "Retry-After"},
    {OPT_MAX_CONNECTIONS, "max-connections", "N", "most connections at once (default 32)"},
    {OPT_THREADS, "threads", "N", "HTTP threads, 1..64 (default 2)"},
    {OPT_RETRY_AFTER, "retry-after", "SECONDS", "the Retry-After of 503 answers (default 1)"},
    {OPT_MIN_LEVEL, "min-level", "LEVEL", "report only matches at or above LEVEL"},
    {OPT_NATS_URL, "nats-url", "URL", "also publish each alert to this NATS server"},
    {OPT_NATS_SUBJECT, "nats-subject", "PREFIX",
     "alerts go to PREFIX.<level>.<rule id>, as gantry consume\npublishes them (default alerts)"},
    {'q', "quiet", NULL,
     "only errors on stderr: no start-up line, summary or\nmalformed-body "
     "messages (still counted in /metrics)"},
};
const gopt_table gcli_serve_options = GOPT_TABLE_INIT(serve_rows);

static int bytes_option(const char *name, const char *v, unsigned long long min, size_t *out) {
    unsigned long long n;
    if (gopt_number(v, min, SIZE_MAX / 4, &n) != 0)
        return gopt_usage_error("serve", "--%s takes a number of bytes from %llu, not '%s'", name,
                                min, v);
    *out = (size_t)n;
    return 0;
}

static int count_option(const char *name, const char *v, unsigned max, unsigned *out) {
    unsigned long long n;
    if (gopt_number(v, 1, max, &n) != 0)
        return gopt_usage_error("serve", "--%s takes a number from 1 to %u, not '%s'", name, max,
                                v);
    *out = (unsigned)n;
    return 0;
}

static int on_option(void *ctx, int id, const char *v) {
    gsv_config *cfg = ctx;
    switch (id) {
    case 'p':
        cfg->pack_paths[cfg->pack_path_count++] = v;
        return 0;
    case OPT_LISTEN:
        cfg->listen = v;
        return 0;
    case OPT_TLS_CERT:
        cfg->tls_cert = v;
        return 0;
    case OPT_TLS_KEY:
        cfg->tls_key = v;
        return 0;
    case OPT_CLIENT_CA:
        cfg->client_ca = v;
        return 0;
    case 'o':
        cfg->output = v;
        return 0;
    case OPT_MAX_BODY:
        return bytes_option("max-body", v, 64, &cfg->max_body);
    case OPT_QUEUE_BYTES:
        return bytes_option("queue-bytes", v, 1024, &cfg->queue_bytes);
    case OPT_MAX_CONNECTIONS:
        return count_option("max-connections", v, 100000, &cfg->max_connections);
    case OPT_THREADS:
        return count_option("threads", v, 64, &cfg->threads);
    case OPT_RETRY_AFTER:
        return count_option("retry-after", v, 3600, &cfg->retry_after);
    case OPT_MIN_LEVEL:
        if ((cfg->min_level = gmo_parse_level(v)) < 0)
            return gopt_usage_error("serve",
                                    "--min-level takes informational, low, medium, high or "
                                    "critical, not '%s'",
                                    v);
        return 0;
    case OPT_NATS_URL:
        cfg->nats_url = v;
        return 0;
    case OPT_NATS_SUBJECT:
        cfg->nats_subject = v;
        return 0;
    case 'q':
        cfg->quiet = 1;
        return 0;
    default:
        return gopt_usage_error("serve", "option %d not handled", id);
    }
}

static int parse_args(gsv_config *cfg, int argc, char **argv) {
    int first = 1;
    if (gopt_parse("serve", gcli_serve_options, argc, argv, on_option, cfg, &first) != 0)
        return -1;
    if (first < argc)
        return gopt_usage_error("serve", "takes no operands, not '%s'", argv[first]);
    if (!cfg->pack_path_count)
        return gopt_usage_error("serve", "give a pack (-p PACK)");
    if (!cfg->listen)
        return gopt_usage_error("serve", "give an address to listen on (--listen ADDR:PORT)");
    if (!cfg->tls_cert != !cfg->tls_key)
        return gopt_usage_error("serve", "--tls-cert and --tls-key go together");
    if (cfg->client_ca && !cfg->tls_cert)
        return gopt_usage_error("serve", "--client-ca needs TLS (--tls-cert and --tls-key)");
    if (!*cfg->nats_subject)
        return gopt_usage_error("serve", "--nats-subject needs a value");
    return 0;
}

static void summary(gsv_server *s) {
    gsv_counters c = s->counters;
    fprintf(stderr,
            "gantry serve: %" PRIu64 " bodies accepted, %" PRIu64 " malformed, %" PRIu64
            " too large, %" PRIu64 " refused while the queue was full; %" PRIu64
            " events received, %" PRIu64 " processed, %" PRIu64 " malformed, %" PRIu64
            " matched (%" PRIu64 " matches, %" PRIu64 " correlation matches), %" PRIu64
            " dropped\n",
            c.bodies_accepted, c.bodies_malformed, c.bodies_too_large, c.bodies_refused_full,
            c.events_received, c.events_processed, c.events_malformed, c.events_matched, c.matches,
            c.correlation_matches, c.events_dropped);
}

static void reload(gsv_server *s) {
    const gsv_config *cfg = s->cfg;
    gsv_engine *next = gsv_engine_load(cfg, s->out);
    pthread_mutex_lock(&s->lock);
    gsv_engine *unused = NULL;
    if (next) {
        unused = s->pending; /* a reload the matching thread has not taken yet */
        s->pending = next;
        s->counters.reloads_ok++;
    } else {
        s->counters.reloads_failed++;
    }
    pthread_mutex_unlock(&s->lock);
    gsv_engine_free(unused, NULL);
    if (!next)
        fprintf(stderr, "gantry serve: reload failed (above); the running packs stay\n");
    else if (!cfg->quiet)
        fprintf(stderr, "gantry serve: packs reloaded; they match from the next body on\n");
}

/* Waits for SIGTERM or SIGINT, reloading on each SIGHUP. */
static void wait_for_stop(gsv_server *s, const sigset_t *set) {
    for (;;) {
        int sig = 0;
        if (sigwait(set, &sig) != 0)
            continue;
        if (sig == SIGHUP)
            reload(s);
        else
            return;
    }
}

static int run(gsv_config *cfg) {
    gsv_server s = {.cfg = cfg, .out = stdout};
    if (cfg->output && !(s.out = fopen(cfg->output, "a"))) {
        fprintf(stderr, "gantry serve: -o %s: %s\n", cfg->output, strerror(errno));
        return 2;
    }
    int status = 2;
    pthread_mutex_init(&s.lock, NULL);
    if (gsv_queue_init(&s.queue, cfg->queue_bytes) != 0) {
        fprintf(stderr, "gantry serve: out of memory\n");
        goto close_out;
    }
    if (!(s.engine = gsv_engine_load(cfg, s.out)))
        goto queue;
    if (cfg->nats_url && !(s.nats = gsv_nats_open(cfg)))
        goto engine;
    /* Every thread started from here inherits the mask: the signals come
     * to sigwait below and nowhere else. A reader gone from the output
     * shows as a write error, not as death by SIGPIPE. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    pthread_t matcher;
    if (pthread_create(&matcher, NULL, gsv_match_thread, &s) != 0) {
        fprintf(stderr, "gantry serve: cannot start the matching thread\n");
        goto nats;
    }
    unsigned port = 0;
    gsv_http *http = gsv_http_start(&s, &port);
    if (http) {
        if (!cfg->quiet) {
            const char *colon = strrchr(cfg->listen, ':');
            fprintf(stderr, "gantry serve: listening on %s://%.*s:%u",
                    cfg->tls_cert ? "https" : "http", (int)(colon - cfg->listen), cfg->listen,
                    port);
            if (cfg->client_ca)
                fprintf(stderr, ", client certificates signed by %s required\n", cfg->client_ca);
            else if (cfg->tls_cert)
                fprintf(stderr, ", no client certificates asked for (--client-ca)\n");
            else
                fprintf(stderr, ": plain HTTP, no TLS (give --tls-cert and --tls-key)\n");
        }
        wait_for_stop(&s, &set);
        pthread_mutex_lock(&s.lock);
        s.stopping = 1; /* bodies still coming are answered 503 */
        pthread_mutex_unlock(&s.lock);
        if (!cfg->quiet)
            fprintf(stderr, "gantry serve: stopping: matching what was accepted\n");
        gsv_http_stop(http);
        status = 0;
    }
    /* the matching thread finishes everything queued, then ends */
    gsv_queue_close(&s.queue);
    pthread_join(matcher, NULL);
nats:
    gsv_nats_close(s.nats);
engine:
    gsv_engine_free(s.pending, NULL);
    gsv_engine_free(s.engine, &s);
queue:
    gsv_queue_destroy(&s.queue);
close_out:
    if (fflush(s.out) != 0 || s.output_failed) {
        fprintf(stderr, "gantry serve: cannot write the alerts: %s\n", strerror(errno));
        status = 2;
    }
    if (s.out != stdout)
        fclose(s.out);
    if (status == 0 && !cfg->quiet)
        summary(&s);
    pthread_mutex_destroy(&s.lock);
    return status;
}

int gcli_cmd_serve(int argc, char **argv) {
    gsv_config cfg = {
        .max_body = 16 * MIB,
        .queue_bytes = 64 * MIB,
        .max_connections = 32,
        .threads = 2,
        .retry_after = 1,
        .min_level = -1,
        .nats_subject = "alerts",
    };
    /* A test-only knob (ENVIRONMENT in gantry(1)): the matching thread
     * pauses this long before each body, so tests can fill the queue. */
    const char *hold = getenv("GANTRY_SERVE_HOLD_MS");
    unsigned long long hold_ms;
    if (hold && gopt_number(hold, 0, 60000, &hold_ms) == 0)
        cfg.hold_ms = (unsigned)hold_ms;
    cfg.pack_paths = calloc((size_t)argc + 1, sizeof *cfg.pack_paths);
    int status = 2;
    if (!cfg.pack_paths)
        fprintf(stderr, "gantry serve: out of memory\n");
    else if (parse_args(&cfg, argc, argv) == 0)
        status = run(&cfg);
    free(cfg.pack_paths);
    return status;
}
