/* SPDX-License-Identifier: Apache-2.0 */
/* The NATS side of gantry consume: connection, stream and consumer set-up,
 * asynchronous alert publishing and the keep-alive of held messages. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consume.h"

#define SETUP_RETRY_MS 500
#define DRAIN_WAIT_MS 5000

/* The library's last error text, or the status name when it left none. */
static const char *why(natsStatus s) {
    const char *text = nats_GetLastError(NULL);
    return text && *text ? text : natsStatus_GetText(s);
}

int64_t gcons_now_ms(void) {
    return nats_Now();
}

/* Connection events arrive on a library thread; stderr is line-safe. */
static void on_disconnected(natsConnection *nc, void *closure) {
    gcons_member *m = closure;
    m->connected = 0;
    if (!m->cfg->quiet && !m->closing)
        fprintf(stderr, "gantry consume: disconnected, reconnecting\n");
}

static void on_reconnected(natsConnection *nc, void *closure) {
    gcons_member *m = closure;
    char url[256] = "";
    natsConnection_GetConnectedUrl(nc, url, sizeof url);
    m->connected = 1;
    if (!m->cfg->quiet)
        fprintf(stderr, "gantry consume: reconnected to %s\n", url);
}

/* The first connection, made in the background (the set-up loop below
 * waits for it, honouring --setup-wait and SIGTERM). */
static void on_connected(natsConnection *nc, void *closure) {
    gcons_member *m = closure;
    m->connected = 1;
}

static void on_async_error(natsConnection *nc, natsSubscription *sub, natsStatus err,
                           void *closure) {
    gcons_member *m = closure;
    if (!m->cfg->quiet)
        fprintf(stderr, "gantry consume: %s\n", natsStatus_GetText(err));
}

/* The source sequence sits after "STREAM:" in the alert's Nats-Msg-Id. */
static void mark_failed_by_alert(gcons_member *m, natsMsg *alert) {
    const char *id = NULL;
    uint64_t seq = 0;
    size_t prefix = strlen(m->cfg->stream);
    if (alert && natsMsgHeader_Get(alert, "Nats-Msg-Id", &id) == NATS_OK && id &&
        strncmp(id, m->cfg->stream, prefix) == 0 && id[prefix] == ':')
        seq = strtoull(id + prefix + 1, NULL, 10);
    pthread_mutex_lock(&m->lock);
    m->counters.publish_failures++;
    for (int i = 0; i < m->held_count; i++)
        if (m->held[i].seq == seq || seq == 0)
            m->held[i].failed = 1;
    pthread_mutex_unlock(&m->lock);
}

static void on_pub_ack(jsCtx *js, natsMsg *msg, jsPubAck *pa, jsPubAckErr *pae, void *closure) {
    gcons_member *m = closure;
    if (pa == NULL) {
        mark_failed_by_alert(m, msg);
    } else if (pa->Duplicate) {
        pthread_mutex_lock(&m->lock);
        m->counters.alerts_duplicate++;
        pthread_mutex_unlock(&m->lock);
    }
    natsMsg_Destroy(msg);
}

static int set_options(gcons_member *m, natsOptions *o) {
    const gcons_config *c = m->cfg;
    natsStatus s = natsOptions_SetServers(o, c->servers, c->server_count);
    if (s == NATS_OK && c->name)
        s = natsOptions_SetName(o, c->name);
    if (s == NATS_OK)
        s = natsOptions_SetMaxReconnect(o, -1);
    if (s == NATS_OK)
        s = natsOptions_SetReconnectWait(o, 250);
    if (s == NATS_OK)
        /* With a callback the first connect returns at once and retries in
         * the background; without one it would block until it succeeds. */
        s = natsOptions_SetRetryOnFailedConnect(o, true, on_connected, m);
    if (s == NATS_OK)
        s = natsOptions_SetDisconnectedCB(o, on_disconnected, m);
    if (s == NATS_OK)
        s = natsOptions_SetReconnectedCB(o, on_reconnected, m);
    if (s == NATS_OK)
        s = natsOptions_SetErrorHandler(o, on_async_error, m);
    /* Buffer publishes and acks made while reconnecting instead of failing. */
    if (s == NATS_OK)
        s = natsOptions_SetReconnectBufSize(o, 32 * 1024 * 1024);
    if (s != NATS_OK) {
        fprintf(stderr, "gantry consume: bad connection options: %s\n", why(s));
        return -1;
    }
    return 0;
}

/* Splits a comma list in place into at most max entries. */
static int split_commas(char *text, const char **out, int max) {
    int n = 0;
    for (char *save = NULL, *tok = strtok_r(text, ",", &save); tok && n < max;
         tok = strtok_r(NULL, ",", &save))
        if (*tok)
            out[n++] = tok;
    return n;
}

/* 1: exists or created; 0: not yet (retry); the error text is in err. */
static int ensure_stream(gcons_member *m, const char *name, const char *subjects,
                         jsRetentionPolicy retention, char *err, size_t err_size) {
    jsStreamInfo *si = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_GetStreamInfo(&si, m->js, name, NULL, &jerr);
    if (s == NATS_OK) {
        jsStreamInfo_Destroy(si);
        return 1;
    }
    if (s != NATS_NOT_FOUND && jerr != JSStreamNotFoundErr) {
        snprintf(err, err_size, "stream %s: %s", name, why(s));
        return 0;
    }
    char *copy = strdup(subjects);
    const char *list[64];
    int count = copy ? split_commas(copy, list, 64) : 0;
    jsStreamConfig sc;
    jsStreamConfig_Init(&sc);
    sc.Name = name;
    sc.Subjects = list;
    sc.SubjectsLen = count;
    sc.Retention = retention;
    sc.Storage = js_FileStorage;
    sc.Replicas = m->cfg->replicas;
    /* Stream durations are nanoseconds (fetch and nak delays are milliseconds). */
    sc.Duplicates = m->cfg->dup_window_ms * 1000000;
    s = js_AddStream(&si, m->js, &sc, NULL, &jerr);
    free(copy);
    if (s == NATS_OK || jerr == JSStreamNameExistErr) {
        jsStreamInfo_Destroy(si);
        if (s == NATS_OK && !m->cfg->quiet)
            fprintf(stderr, "gantry consume: created stream %s (%s, R%d)\n", name, subjects,
                    m->cfg->replicas);
        return 1;
    }
    snprintf(err, err_size, "creating stream %s: %s", name, why(s));
    return 0;
}

static int ensure_consumer(gcons_member *m, char *err, size_t err_size) {
    const gcons_config *c = m->cfg;
    jsConsumerConfig cc;
    jsConsumerConfig_Init(&cc);
    cc.Durable = c->durable;
    cc.AckPolicy = js_AckExplicit;
    cc.DeliverPolicy = js_DeliverAll;
    cc.AckWait = c->ack_wait_ms * 1000000; /* nanoseconds */
    cc.MaxDeliver = -1;                    /* never drop an event */
    cc.MaxAckPending = (int64_t)c->batch * c->members * 2;
    cc.FilterSubject = c->filter;
    jsConsumerInfo *ci = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_AddConsumer(&ci, m->js, c->stream, &cc, NULL, &jerr);
    if (s == NATS_OK) {
        jsConsumerInfo_Destroy(ci);
        return 1;
    }
    /* Another member created it with other settings: use it as it is. */
    if (js_GetConsumerInfo(&ci, m->js, c->stream, c->durable, NULL, NULL) == NATS_OK) {
        if (!c->quiet)
            fprintf(stderr,
                    "gantry consume: using existing consumer %s (ack wait %" PRId64
                    " ms, max ack pending %" PRId64 ")\n",
                    c->durable, ci->Config->AckWait / 1000000, ci->Config->MaxAckPending);
        jsConsumerInfo_Destroy(ci);
        return 1;
    }
    snprintf(err, err_size, "creating consumer %s: %s", c->durable, why(s));
    return 0;
}

static int bind(gcons_member *m, char *err, size_t err_size) {
    jsSubOptions so;
    jsSubOptions_Init(&so);
    /* Bind to the consumer created above: a consumer the pull subscribe
     * creates itself can be deleted on unsubscribe. */
    so.Stream = m->cfg->stream;
    so.Consumer = m->cfg->durable;
    jsErrCode jerr = 0;
    natsStatus s = js_PullSubscribe(&m->sub, m->js, m->cfg->filter ? m->cfg->filter : "",
                                    m->cfg->durable, NULL, &so, &jerr);
    if (s == NATS_OK)
        return 1;
    snprintf(err, err_size, "binding to consumer %s: %s", m->cfg->durable, why(s));
    return 0;
}

static int sleep_unless(volatile sig_atomic_t *stop, int64_t ms) {
    for (int64_t slept = 0; slept < ms && !*stop; slept += 50)
        nats_Sleep(50);
    return !*stop;
}

int gcons_connect(gcons_member *m, volatile sig_atomic_t *stop) {
    const gcons_config *c = m->cfg;
    natsOptions *o = NULL;
    if (natsOptions_Create(&o) != NATS_OK || set_options(m, o) != 0) {
        natsOptions_Destroy(o);
        return -1;
    }
    natsStatus s = natsConnection_Connect(&m->nc, o);
    natsOptions_Destroy(o);
    if (s != NATS_OK && s != NATS_NOT_YET_CONNECTED) {
        fprintf(stderr, "gantry consume: cannot connect: %s\n", why(s));
        return -1;
    }
    m->connected = s == NATS_OK;
    jsOptions jo;
    jsOptions_Init(&jo);
    jo.Wait = 5000;
    jo.PublishAsync.AckHandler = on_pub_ack;
    jo.PublishAsync.AckHandlerClosure = m;
    jo.PublishAsync.MaxPending = 65536;
    if (natsConnection_JetStream(&m->js, m->nc, &jo) != NATS_OK) {
        fprintf(stderr, "gantry consume: %s\n", why(NATS_ERR));
        return -1;
    }
    /* JetStream may still be electing leaders: retry until the deadline. */
    int64_t deadline = gcons_now_ms() + c->setup_wait_ms;
    char err[512] = "", last[512] = "";
    int step = 0;
    while (!*stop) {
        err[0] = '\0';
        if (!m->connected) {
            /* no JetStream call would answer before its own time-out */
            snprintf(err, sizeof err, "cannot connect to %s", c->servers[0]);
            for (int i = 1; i < c->server_count && strlen(err) < sizeof err - 64; i++)
                snprintf(err + strlen(err), sizeof err - strlen(err), ", %s", c->servers[i]);
        } else if (step == 0 &&
                   ensure_stream(m, c->stream, c->subjects, js_WorkQueuePolicy, err, sizeof err))
            step = 1;
        if (m->connected && step == 1) {
            char alerts_subjects[300];
            snprintf(alerts_subjects, sizeof alerts_subjects, "%s.>", c->alerts_prefix);
            if (ensure_stream(m, c->alerts_stream, alerts_subjects, js_LimitsPolicy, err,
                              sizeof err))
                step = 2;
        }
        if (m->connected && step == 2 && ensure_consumer(m, err, sizeof err))
            step = 3;
        if (m->connected && step == 3 && bind(m, err, sizeof err))
            return 0;
        if (strcmp(err, last) != 0) {
            fprintf(stderr, "gantry consume: %s (retrying)\n", err);
            snprintf(last, sizeof last, "%s", err);
        }
        if (gcons_now_ms() >= deadline) {
            fprintf(stderr, "gantry consume: giving up after %" PRId64 " ms: %s\n",
                    c->setup_wait_ms, err);
            return -1;
        }
        /* not connected yet: look again soon, the deadline may be near */
        int64_t pause = m->connected ? SETUP_RETRY_MS : 100;
        if (deadline - gcons_now_ms() < pause)
            pause = deadline - gcons_now_ms() > 0 ? deadline - gcons_now_ms() : 0;
        sleep_unless(stop, pause);
    }
    return -1;
}

void gcons_disconnect(gcons_member *m) {
    if (m->nc) {
        /* Every held message is settled by now; the flush makes sure the acks
         * reached the server before the socket closes. (natsConnection_Drain
         * waits out the expiry of the pull subscription for nothing.) */
        if (m->connected && natsConnection_FlushTimeout(m->nc, DRAIN_WAIT_MS) != NATS_OK &&
            !m->cfg->quiet)
            fprintf(stderr, "gantry consume: could not flush the last acks; their messages "
                            "will be redelivered after the ack wait\n");
        m->closing = 1;
        natsConnection_Close(m->nc);
    }
    natsSubscription_Destroy(m->sub);
    jsCtx_Destroy(m->js);
    natsConnection_Destroy(m->nc);
    m->sub = NULL;
    m->js = NULL;
    m->nc = NULL;
}

/* Subject tokens may not hold '.', '*', '>' or white space. */
static void append_token(char *out, size_t size, size_t *len, const char *text) {
    for (const char *p = text; *p && *len + 1 < size; p++) {
        unsigned char ch = (unsigned char)*p;
        int ok = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                 ch == '-' || ch == '_';
        out[(*len)++] = ok ? (char)ch : '_';
    }
    out[*len] = '\0';
}

void gcons_publish_alert(gcons_member *m, const gantry_rule_info *rule) {
    char index[32];
    const char *id = rule->id;
    if (!id || !*id) {
        snprintf(index, sizeof index, "rule%u", rule->index);
        id = index;
    }
    gcons_publish(m, rule->level, id);
}

void gcons_alert_subject(char *out, size_t size, const char *prefix, gantry_level level,
                         const char *id) {
    int n = snprintf(out, size, "%s.%s.", prefix, gantry_level_name(level));
    size_t len = n > 0 && (size_t)n < size ? (size_t)n : 0;
    append_token(out, size, &len, id);
}

void gcons_publish(gcons_member *m, gantry_level level, const char *id) {
    gcons_alert_subject(m->subject, sizeof m->subject, m->cfg->alerts_prefix, level, id);
    snprintf(m->msg_id, sizeof m->msg_id, "%s:%" PRIu64 ":%" PRIu64 ":%s", m->cfg->stream,
             m->current->seq, m->line, id);

    natsMsg *alert = NULL;
    natsStatus s = natsMsg_Create(&alert, m->subject, NULL, m->alert.data, (int)m->alert.len);
    if (s == NATS_OK)
        s = natsMsgHeader_Set(alert, "Nats-Msg-Id", m->msg_id);
    if (s == NATS_OK)
        s = js_PublishMsgAsync(m->js, &alert, NULL);
    natsMsg_Destroy(alert); /* NULL once the library took it */
    pthread_mutex_lock(&m->lock);
    if (s == NATS_OK) {
        m->counters.alerts_published++;
    } else {
        m->counters.publish_failures++;
        m->current->failed = 1;
    }
    pthread_mutex_unlock(&m->lock);
}

void gcons_keep_alive(gcons_member *m) {
    int64_t now = gcons_now_ms();
    if (now - m->last_progress_ms < m->cfg->ack_wait_ms / 3)
        return;
    for (int i = 0; i < m->held_count; i++)
        if (natsMsg_InProgress(m->held[i].msg, NULL) == NATS_OK)
            m->counters.in_progress++;
    m->last_progress_ms = now;
}

void gcons_wait_publishes(gcons_member *m) {
    int64_t deadline = gcons_now_ms() + m->cfg->publish_wait_ms;
    int64_t slice = m->cfg->ack_wait_ms / 3 > 0 ? m->cfg->ack_wait_ms / 3 : 1;
    for (;;) {
        int64_t left = deadline - gcons_now_ms();
        jsPubOptions po;
        jsPubOptions_Init(&po);
        po.MaxWait = left < slice ? (left > 0 ? left : 1) : slice;
        natsStatus s = js_PublishAsyncComplete(m->js, &po);
        if (s == NATS_OK)
            return;
        gcons_keep_alive(m);
        if (gcons_now_ms() >= deadline)
            break;
        if (s != NATS_TIMEOUT)
            nats_Sleep(20);
    }
    /* Unanswered (lost in a disconnect, or no stream leader): take them back
     * and nak their sources; the redelivery republishes under the same ids. */
    natsMsgList pending = {0};
    if (js_PublishAsyncGetPendingList(&pending, m->js) == NATS_OK) {
        for (int i = 0; i < pending.Count; i++)
            mark_failed_by_alert(m, pending.Msgs[i]);
        natsMsgList_Destroy(&pending);
    }
}
