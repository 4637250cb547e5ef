/* SPDX-License-Identifier: Apache-2.0 */
/* containerd and CRI logs: logrus "event published ns=.. topic=.. type=..",
 * "Received container event ... namespace - "k8s.io", topic - "/containers/create""
 * (logrus or klog), TaskExit dumps and CRI calls (RunPodSandbox,
 * CreateContainer, StartContainer, PullImage, Exec, ...). */
#include <stdio.h>
#include <string.h>

#include "normalize.h"
#include "sources.h"

static const char *find(const char *p, size_t n, const char *word) {
    size_t w = strlen(word);
    for (size_t i = 0; i + w <= n; i++)
        if (memcmp(p + i, word, w) == 0)
            return p + i;
    return NULL;
}

static const char *topic_action(const char *t, size_t n) {
    static const char *const map[][2] = {
        {"/containers/create", "create"}, {"/containers/update", "update"},
        {"/containers/delete", "delete"}, {"/tasks/create", "create"},
        {"/tasks/start", "start"},        {"/tasks/exit", "die"},
        {"/tasks/delete", "delete"},      {"/tasks/exec-added", "exec"},
        {"/tasks/exec-started", "exec"},  {"/tasks/oom", "kill"},
        {"/images/create", "pull"},       {"/images/delete", "delete"},
        {"/namespaces/create", "create"}, {"/namespaces/delete", "delete"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strlen(map[i][0]) == n && memcmp(map[i][0], t, n) == 0)
            return map[i][1];
    return NULL;
}

/* `key - "value"` inside a klog-style message. */
static int dash_value(const char *msg, size_t n, const char *key, gnorm_span *out) {
    const char *k = find(msg, n, key);
    if (!k)
        return 0;
    const char *p = k + strlen(key);
    const char *end = msg + n;
    if (p >= end || *p != '"')
        return 0;
    const char *close = memchr(p + 1, '"', (size_t)(end - p - 1));
    if (!close)
        return 0;
    out->p = p + 1;
    out->n = (size_t)(close - p - 1);
    return 1;
}

/* The first "quoted" word after `after` (CRI: StartContainer for "id"). */
static int quoted_after(const char *msg, size_t n, const char *after, gnorm_span *out) {
    const char *a = find(msg, n, after);
    if (!a)
        return 0;
    const char *end = msg + n;
    const char *q = memchr(a, '"', (size_t)(end - a));
    if (!q)
        return 0;
    const char *c = memchr(q + 1, '"', (size_t)(end - q - 1));
    if (!c)
        return 0;
    out->p = q + 1;
    out->n = (size_t)(c - q - 1);
    return 1;
}

static void span_str(gnorm_out *o, const char *key, gnorm_span s) {
    gnorm_strn(o, key, s.p, s.n);
}

static void kv_value(const gnorm_kv *kv, gnorm_span *out) {
    *out = kv->value;
    if (out->n >= 2 && out->p[0] == '"' && out->p[out->n - 1] == '"') {
        out->p++;
        out->n -= 2;
    }
}

/* "2017-09-19 08:39:23.396137865 -0600 MDT" (Go's time.String): read as
 * "2017-09-19T08:39:23.396137865-0600"; the zone name after the offset is
 * left out. */
static void event_time(gnorm_out *o, gnorm_span ts) {
    if (ts.n < 19 || ts.p[10] != ' ')
        return;
    char buf[80];
    size_t frac = 19;
    while (frac < ts.n && ts.p[frac] != ' ')
        frac++;
    size_t zone = frac + 1, zone_end = zone;
    while (zone_end < ts.n && ts.p[zone_end] != ' ')
        zone_end++;
    if (frac + (zone_end - zone) + 2 >= sizeof buf)
        return;
    memcpy(buf, ts.p, frac);
    buf[10] = 'T';
    size_t n = frac;
    if (zone < ts.n && (ts.p[zone] == '+' || ts.p[zone] == '-')) {
        memcpy(buf + n, ts.p + zone, zone_end - zone);
        n += zone_end - zone;
    } else {
        buf[n++] = 'Z';
    }
    gnorm_time_as(o, ts.p, ts.n, buf, n);
}

gantry_status gnorm_containerd_line(const gnorm_logline *l, const gnorm_text_ctx *ctx,
                                    cJSON **event, const char **reason) {
    const char *msg = l->msg.p;
    size_t n = l->msg.n;
    if (l->quoted) {
        if (gnorm_unquote(l->msg, ctx->scratch, ctx->scratch_cap, &n) != GANTRY_OK)
            return GANTRY_E_NOMEM;
        msg = *ctx->scratch;
    }
    cJSON *ev = cJSON_CreateObject();
    if (!ev)
        return GANTRY_E_NOMEM;
    *event = ev;
    gnorm_out o = {.obj = ev, .want = ctx->want, .nomem = 0};
    gnorm_span topic = {NULL, 0}, ns = {NULL, 0}, id = {NULL, 0}, ts = {NULL, 0}, image = {0, 0};
    const gnorm_kv *kv;
    if ((kv = gnorm_kv_find(l, "topic")))
        kv_value(kv, &topic);
    if ((kv = gnorm_kv_find(l, "ns")) || (kv = gnorm_kv_find(l, "namespace")))
        kv_value(kv, &ns);
    if ((kv = gnorm_kv_find(l, "id")) || (kv = gnorm_kv_find(l, "container_id")))
        kv_value(kv, &id);
    if (!topic.n)
        dash_value(msg, n, "topic - ", &topic);
    if (!ns.n)
        dash_value(msg, n, "namespace - ", &ns);
    const char *t = find(msg, n, "timestamp - ");
    if (t) {
        ts.p = t + 12;
        const char *comma = memchr(ts.p, ',', (size_t)(msg + n - ts.p));
        ts.n = comma ? (size_t)(comma - ts.p) : (size_t)(msg + n - ts.p);
    }
    const char *action = topic.n ? topic_action(topic.p, topic.n) : NULL;
    gnorm_span original = topic;
    /* CRI calls name themselves in the first word. */
    static const char *const cri[][2] = {
        {"RunPodSandbox", "create"},
        {"CreateContainer", "create"},
        {"StartContainer", "start"},
        {"StopContainer", "stop"},
        {"StopPodSandbox", "stop"},
        {"RemoveContainer", "delete"},
        {"RemovePodSandbox", "delete"},
        {"PullImage", "pull"},
        {"ExecSync", "exec"},
        {"Exec ", "exec"},
        {"Attach ", "attach"},
        {"PortForward", "portforward"},
        {"TaskExit", "die"},
        {"ImageCreate", "pull"},
    };
    if (!original.n) {
        for (size_t i = 0; i < sizeof cri / sizeof cri[0]; i++) {
            size_t cl = strlen(cri[i][0]);
            if (n >= cl && memcmp(msg, cri[i][0], cl) == 0) {
                action = cri[i][1];
                original.p = msg;
                original.n = cri[i][0][cl - 1] == ' ' ? cl - 1 : cl;
                if (!id.n && strcmp(cri[i][0], "PullImage") != 0)
                    quoted_after(msg, n, cri[i][0], &id);
                if (strcmp(cri[i][0], "PullImage") == 0)
                    quoted_after(msg, n, "PullImage", &image);
                break;
            }
        }
    }
    if (!id.n) {
        const char *c = find(msg, n, "ContainerID:");
        if (c) {
            id.p = c + 12;
            /* bounded: the line is not NUL-terminated */
            const char *e = id.p;
            while (e < msg + n && *e != ',' && *e != '}')
                e++;
            id.n = e > id.p ? (size_t)(e - id.p) : 0;
        }
    }
    if (gnorm_wants(&o, GNORM_G_BASE)) {
        gnorm_str(&o, "event.module", grt_source_name(GRT_SRC_CONTAINERD));
        if (ts.n)
            event_time(&o, ts);
        if (!cJSON_GetObjectItemCaseSensitive(ev, "@timestamp") && l->form != 3 && l->time.n)
            gnorm_time(&o, l->time.p, l->time.n);
        if (l->level.n)
            span_str(&o, "log.level", l->level);
        if (ctx->host.n)
            span_str(&o, "host.name", ctx->host);
        gnorm_strn(&o, "log.message", msg, n);
        gnorm_str(&o, "event.action", action);
        if (original.n)
            span_str(&o, "event.original_action", original);
    }
    if (gnorm_wants(&o, GNORM_G_CONTAINER)) {
        if (ns.n)
            span_str(&o, "container.runtime.namespace", ns);
        if (id.n)
            span_str(&o, "container.id", id);
    }
    if (image.n && gnorm_wants(&o, GNORM_G_CONTAINER | GNORM_G_IMAGE)) {
        char buf[512];
        if (image.n < sizeof buf) {
            memcpy(buf, image.p, image.n);
            buf[image.n] = '\0';
            gnorm_image(&o, buf);
        }
    }
    if (action && strcmp(action, "exec") == 0 && gnorm_wants(&o, GNORM_G_PROCESS)) {
        /* ... with command [sh -c ls] ... */
        const char *c = find(msg, n, "command [");
        if (c) {
            const char *s = c + 9;
            const char *e = memchr(s, ']', (size_t)(msg + n - s));
            if (e) {
                char buf[1024];
                size_t len = (size_t)(e - s) < sizeof buf - 1 ? (size_t)(e - s) : sizeof buf - 1;
                memcpy(buf, s, len);
                buf[len] = '\0';
                gnorm_process_cmdline(&o, buf);
            }
        }
    }
    return o.nomem ? GANTRY_E_NOMEM : GANTRY_OK;
}
