/* SPDX-License-Identifier: Apache-2.0 */
/* The HTTP side of gantry serve, on libmicrohttpd: POST / and /audit take
 * bodies of events, GET /healthz and /metrics report. A body is read up to
 * --max-body (413 past it), decoded (400 when unreadable) and queued (503
 * with Retry-After when the queue is full); 200 means queued, never less.
 * With --client-ca, a request whose TLS client certificate is missing or
 * not signed by that authority is answered 403 before its body is read. */
#include <gnutls/gnutls.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdarg.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "gantry_limits.h"
#include "readfile.h"
#include "serve.h"

/* Malformed bodies told on stderr before they are only counted. */
#define GSV_BODIES_SHOWN 10

struct gsv_http {
    gsv_server *server;
    struct MHD_Daemon *daemon;
    char *cert, *key, *ca; /* PEM texts: MHD keeps pointers to them */
    int running;
};

/* One request in progress. */
typedef struct request {
    int post;
    int refused; /* answered before the body (403, 405, 413 by length, 415) */
    int gzip;
    int too_large;
    char *body;
    size_t len, cap;
} request;

static enum MHD_Result answer(gsv_server *s, struct MHD_Connection *c, unsigned code,
                              const char *type, const char *text, size_t len, int retry) {
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)text, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    if (retry) {
        char secs[16];
        snprintf(secs, sizeof secs, "%u", s->cfg->retry_after);
        MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, secs);
    }
    enum MHD_Result ok = MHD_queue_response(c, code, r);
    MHD_destroy_response(r);
    pthread_mutex_lock(&s->lock);
    s->counters.requests[gsv_code_index(code)]++;
    pthread_mutex_unlock(&s->lock);
    return ok;
}

static enum MHD_Result say(gsv_server *s, struct MHD_Connection *c, unsigned code,
                           const char *text) {
    char line[600];
    int n = snprintf(line, sizeof line, "%s\n", text);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
    return answer(s, c, code, "text/plain; charset=utf-8", line, len, code == 503);
}

/* Whether the client showed a certificate the --client-ca authority
 * signed. The TLS layer asks for one; checking it is ours. */
static int client_trusted(struct MHD_Connection *c) {
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
    if (!info || !info->tls_session)
        return 0;
    gnutls_session_t session = (gnutls_session_t)info->tls_session;
    unsigned count = 0;
    if (!gnutls_certificate_get_peers(session, &count) || count == 0)
        return 0;
    unsigned status = 0;
    return gnutls_certificate_verify_peers2(session, &status) == GNUTLS_E_SUCCESS && status == 0;
}

static int append(request *r, const char *data, size_t n, size_t max) {
    if (r->too_large || n > max - r->len) {
        r->too_large = 1;
        return 0;
    }
    if (r->cap - r->len < n) {
        size_t cap = r->cap ? r->cap : 65536;
        while (cap - r->len < n)
            cap = cap > max / 2 ? max : cap * 2;
        char *p = realloc(r->body, cap);
        if (!p)
            return -1;
        r->body = p;
        r->cap = cap;
    }
    memcpy(r->body + r->len, data, n);
    r->len += n;
    return 0;
}

/* Content-Encoding: gzip, inflated up to the same limit: 0, 1 when too
 * large, -1 when not valid gzip, -2 out of memory. */
static int gunzip(request *r, size_t max) {
    char *out = NULL;
    size_t len = 0;
    int rc = gsv_gunzip(r->body ? r->body : "", r->len, max, &out, &len);
    if (rc == 0) {
        free(r->body);
        r->body = out;
        r->len = r->cap = len;
    }
    return rc;
}

/* Counted always, told on stderr for the first few only: a client posting
 * garbage in a loop must not fill the log. */
static enum MHD_Result malformed(gsv_server *s, struct MHD_Connection *c, const char *why) {
    pthread_mutex_lock(&s->lock);
    uint64_t n = ++s->counters.bodies_malformed;
    pthread_mutex_unlock(&s->lock);
    if (!s->cfg->quiet && n <= GSV_BODIES_SHOWN)
        fprintf(stderr, "gantry serve: malformed body refused (400): %s\n", why);
    if (!s->cfg->quiet && n == GSV_BODIES_SHOWN + 1)
        fprintf(stderr, "gantry serve: further malformed bodies are only counted "
                        "(gantry_serve_bodies_malformed_total)\n");
    return say(s, c, 400, why);
}

/* The whole body is in: decode, queue, answer. */
static enum MHD_Result take_body(gsv_server *s, struct MHD_Connection *c, request *r) {
    const gsv_config *cfg = s->cfg;
    if (!r->too_large && r->gzip) {
        int z = gunzip(r, cfg->max_body);
        if (z == -1)
            return malformed(s, c, "body is not valid gzip");
        if (z == -2)
            return say(s, c, 503, "out of memory");
        r->too_large = z == 1;
    }
    if (r->too_large) {
        pthread_mutex_lock(&s->lock);
        s->counters.bodies_too_large++;
        pthread_mutex_unlock(&s->lock);
        char why[128];
        snprintf(why, sizeof why, "body larger than %zu bytes (--max-body)", cfg->max_body);
        return say(s, c, 413, why);
    }
    gsv_batch *b = gsv_batch_new();
    char why[512] = "";
    gsv_body_result d = b ? gsv_decode_body(r->body ? r->body : "", r->len,
                                            GANTRY_DEFAULT_MAX_DEPTH, b, why, sizeof why)
                          : GSV_BODY_NOMEM;
    free(r->body); /* the events are in the batch now */
    r->body = NULL;
    if (d != GSV_BODY_OK) {
        gsv_batch_free(b);
        if (d == GSV_BODY_NOMEM)
            return say(s, c, 503, "out of memory");
        return malformed(s, c, why);
    }
    /* counted in the same breath as queued: the matching thread never
     * finishes events not yet received */
    pthread_mutex_lock(&s->lock);
    gsv_push_result q = GSV_QUEUE_CLOSED;
    size_t count = b->count;
    if (!s->stopping) {
        b->id = s->next_batch_id + 1;
        q = gsv_queue_push(&s->queue, b);
    }
    if (q == GSV_QUEUED) {
        s->next_batch_id++;
        s->counters.bodies_accepted++;
        s->counters.events_received += count;
    } else if (q == GSV_QUEUE_FULL) {
        s->counters.bodies_refused_full++;
    }
    pthread_mutex_unlock(&s->lock);
    if (q == GSV_QUEUED) {
        char text[64];
        snprintf(text, sizeof text, "accepted %zu events\n", count);
        return answer(s, c, 200, "text/plain; charset=utf-8", text, strlen(text), 0);
    }
    gsv_batch_free(b);
    return say(s, c, 503,
               q == GSV_QUEUE_FULL ? "queue full, retry later" : "shutting down, retry later");
}

static enum MHD_Result on_get(gsv_server *s, struct MHD_Connection *c, const char *url) {
    if (strcmp(url, "/healthz") == 0) {
        pthread_mutex_lock(&s->lock);
        int alive = s->matcher_alive && !s->stopping;
        pthread_mutex_unlock(&s->lock);
        return alive ? say(s, c, 200, "ok") : say(s, c, 503, "not running");
    }
    if (strcmp(url, "/metrics") == 0) {
        size_t len = 0;
        char *text = gsv_metrics_render(s, &len);
        if (!text)
            return say(s, c, 500, "out of memory");
        enum MHD_Result ok =
            answer(s, c, 200, "text/plain; version=0.0.4; charset=utf-8", text, len, 0);
        free(text);
        return ok;
    }
    return say(s, c, 404, "not found: POST events to / or /audit; GET /healthz or /metrics");
}

/* The first call of a request: decides whether its body is wanted. NULL
 * when it is; else the answer has been queued (*done set). */
static enum MHD_Result first_call(gsv_server *s, struct MHD_Connection *c, const char *url,
                                  const char *method, request *r, int *done) {
    const gsv_config *cfg = s->cfg;
    *done = 1;
    if (cfg->client_ca && !client_trusted(c))
        return say(s, c, 403, "a client certificate signed by --client-ca is required");
    int post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
    int get = strcmp(method, MHD_HTTP_METHOD_GET) == 0;
    int events_path = strcmp(url, "/") == 0 || strcmp(url, "/audit") == 0;
    if (get && !events_path)
        return on_get(s, c, url);
    if (!post || !events_path) {
        if (events_path || strcmp(url, "/healthz") == 0 || strcmp(url, "/metrics") == 0)
            return say(s, c, 405, "method not allowed");
        return say(s, c, 404, "not found: POST events to / or /audit; GET /healthz or /metrics");
    }
    const char *enc = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Encoding");
    if (enc && strcasecmp(enc, "gzip") == 0)
        r->gzip = 1;
    else if (enc && *enc && strcasecmp(enc, "identity") != 0)
        return say(s, c, 415, "Content-Encoding other than gzip or identity");
    const char *length = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    const char *expect = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_EXPECT);
    if (length && strtoull(length, NULL, 10) > cfg->max_body) {
        /* A client that sends the body at once (no Expect: 100-continue,
         * as Go's HTTP client) may see the connection close under it and
         * not the answer: its body is read and thrown away, then answered. */
        r->too_large = 1;
    }
    if (r->too_large && expect && strcasecmp(expect, "100-continue") == 0) {
        /* answered before the body comes: the client need not send it */
        pthread_mutex_lock(&s->lock);
        s->counters.bodies_too_large++;
        pthread_mutex_unlock(&s->lock);
        char why[128];
        snprintf(why, sizeof why, "body larger than %zu bytes (--max-body)", cfg->max_body);
        return say(s, c, 413, why);
    }
    r->post = 1;
    *done = 0;
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls) {
    gsv_server *s = cls;
    request *r = *con_cls;
    if (!r) {
        if (!(r = calloc(1, sizeof *r)))
            return MHD_NO;
        *con_cls = r;
        int done = 0;
        enum MHD_Result res = first_call(s, c, url, method, r, &done);
        if (done)
            r->refused = 1;
        return res;
    }
    if (r->refused)
        return MHD_YES;
    if (*upload_size > 0) {
        if (append(r, upload, *upload_size, s->cfg->max_body) != 0) {
            r->refused = 1;
            *upload_size = 0;
            return say(s, c, 503, "out of memory");
        }
        *upload_size = 0;
        return MHD_YES;
    }
    r->refused = 1; /* answered: later calls have nothing to add */
    return take_body(s, c, r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
    request *r = *con_cls;
    if (r) {
        free(r->body);
        free(r);
        *con_cls = NULL;
    }
}

static char *read_pem(const char *path, const char *option) {
    char *text = NULL;
    size_t len = 0;
    if (grt_read_file(path, &text, &len) != GANTRY_OK) {
        fprintf(stderr, "gantry serve: %s %s: cannot read it\n", option, path);
        return NULL;
    }
    return text;
}

/* ADDR:PORT, [V6ADDR]:PORT or :PORT (every address). */
static int resolve(const char *listen, struct sockaddr_storage *addr, socklen_t *len) {
    char host[256];
    const char *colon = strrchr(listen, ':');
    if (!colon || colon[1] == '\0' || (size_t)(colon - listen) >= sizeof host)
        return -1;
    size_t hl = (size_t)(colon - listen);
    memcpy(host, listen, hl);
    host[hl] = '\0';
    if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
        memmove(host, host + 1, hl - 2);
        host[hl - 2] = '\0';
    }
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    if (getaddrinfo(*host ? host : NULL, colon + 1, &hints, &res) != 0 || !res)
        return -1;
    memcpy(addr, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

/* libmicrohttpd's own messages say why the start failed (the address in
 * use, the key that does not fit the certificate); once it runs, they are
 * about single clients (a failed handshake) and would let any client
 * fill the log, so they are dropped. */
static void on_mhd_log(void *cls, const char *fmt, va_list ap) {
    const gsv_http *h = cls;
    if (h->running)
        return;
    fputs("gantry serve: ", stderr);
    vfprintf(stderr, fmt, ap);
}

gsv_http *gsv_http_start(gsv_server *s, unsigned *port) {
    const gsv_config *cfg = s->cfg;
    gsv_http *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->server = s;
    struct sockaddr_storage addr;
    socklen_t addr_len = 0;
    if (resolve(cfg->listen, &addr, &addr_len) != 0) {
        fprintf(stderr, "gantry serve: --listen %s: not an ADDRESS:PORT to listen on\n",
                cfg->listen);
        free(h);
        return NULL;
    }
    unsigned flags =
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (addr.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    if (cfg->tls_cert) {
        flags |= MHD_USE_TLS;
        if (!(h->cert = read_pem(cfg->tls_cert, "--tls-cert")) ||
            !(h->key = read_pem(cfg->tls_key, "--tls-key")) ||
            (cfg->client_ca && !(h->ca = read_pem(cfg->client_ca, "--client-ca")))) {
            gsv_http_stop(h);
            return NULL;
        }
    }
    struct MHD_OptionItem opts[] = {
        {MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)on_mhd_log, h}, /* first, to see all */
        {MHD_OPTION_SOCK_ADDR, 0, &addr},
        {MHD_OPTION_THREAD_POOL_SIZE, cfg->threads, NULL},
        {MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections, NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT, 60, NULL},
        {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, NULL},
        {h->cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, h->cert},
        {h->key ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, h->key},
        {h->ca ? MHD_OPTION_HTTPS_MEM_TRUST : MHD_OPTION_END, 0, h->ca},
        {MHD_OPTION_END, 0, NULL},
    };
    h->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s, MHD_OPTION_ARRAY, opts,
                                 MHD_OPTION_END);
    if (!h->daemon) {
        fprintf(stderr, "gantry serve: cannot listen on %s (above)\n", cfg->listen);
        gsv_http_stop(h);
        return NULL;
    }
    h->running = 1;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
    *port = info ? info->port : 0;
    return h;
}

void gsv_http_stop(gsv_http *h) {
    if (!h)
        return;
    if (h->daemon)
        MHD_stop_daemon(h->daemon);
    free(h->cert);
    free(h->key);
    free(h->ca);
    free(h);
}
