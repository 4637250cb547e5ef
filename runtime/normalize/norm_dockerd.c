/* SPDX-License-Identifier: Apache-2.0 */
/* dockerd logs (logrus, with or without a journald/syslog prefix):
 * "Calling POST /v1.41/containers/create?name=x" lines, the "form data: {...}"
 * line carrying the request body, RHEL's caller-identity line, and every other
 * line as a plain dockerd event. */
#include <stdlib.h>
#include <string.h>

#include "normalize.h"
#include "hexdigit.h"
#include "sources.h"

static int span_has(gnorm_span s, const char *word) {
    size_t n = strlen(word);
    for (size_t i = 0; i + n <= s.n; i++)
        if (memcmp(s.p + i, word, n) == 0)
            return 1;
    return 0;
}

int gnorm_logline_is_dockerd(const gnorm_logline *l, const gnorm_text_ctx *ctx) {
    if (ctx->program.n) {
        if (span_has(ctx->program, "containerd"))
            return 0;
        if (span_has(ctx->program, "docker"))
            return 1;
    }
    if (l->form == 3)
        return 0;
    if (gnorm_kv_find(l, "ns") || gnorm_kv_find(l, "topic") || gnorm_kv_find(l, "namespace"))
        return 0;
    static const char *const containerd_words[] = {"containerd",      "PodSandbox",
                                                   "CreateContainer", "StartContainer",
                                                   "StopContainer",   "RemoveContainer",
                                                   "PullImage",       "ExecSync",
                                                   "TaskExit",        "shim",
                                                   "Exec for",        "Attach for",
                                                   "PortForward",     "ImageCreate",
                                                   "snapshot",        NULL};
    for (size_t i = 0; containerd_words[i]; i++)
        if (span_has(l->msg, containerd_words[i]))
            return 0;
    return 1;
}

static void add_line_basics(gnorm_out *o, const gnorm_logline *l, const gnorm_text_ctx *ctx,
                            const char *module, const char *msg, size_t msg_len) {
    gnorm_strn(o, "event.module", module, strlen(module));
    if (l->time.n)
        gnorm_time(o, l->time.p, l->time.n);
    if (l->level.n)
        gnorm_strn(o, "log.level", l->level.p, l->level.n);
    if (ctx->host.n)
        gnorm_strn(o, "host.name", ctx->host.p, ctx->host.n);
    gnorm_strn(o, "log.message", msg, msg_len);
}

/* Value of a query parameter, URL-decoded into out. */
static int query_param(const char *query, size_t qlen, const char *key, char *out, size_t cap) {
    size_t kn = strlen(key);
    const char *p = query, *end = query + qlen;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *e = amp ? amp : end;
        if ((size_t)(e - p) > kn && memcmp(p, key, kn) == 0 && p[kn] == '=') {
            size_t w = 0;
            for (const char *r = p + kn + 1; r < e && w + 1 < cap; r++) {
                if (*r == '%' && r + 2 < e && grt_hex_digit(r[1]) >= 0 &&
                    grt_hex_digit(r[2]) >= 0) {
                    out[w++] = (char)(grt_hex_digit(r[1]) * 16 + grt_hex_digit(r[2]));
                    r += 2;
                } else {
                    out[w++] = *r == '+' ? ' ' : *r;
                }
            }
            out[w] = '\0';
            return 1;
        }
        p = e + 1;
    }
    return 0;
}

/* Route of a Docker API call: action, resource type and target id. With
 * `count` 0 the action is left out (a second line about a request already
 * reported). Returns the action. */
static const char *api_call(gnorm_out *o, const char *method, size_t mlen, const char *path,
                            size_t plen, int count) {
    const char *q = memchr(path, '?', plen);
    size_t route_len = q ? (size_t)(q - path) : plen;
    const char *query = q ? q + 1 : NULL;
    size_t qlen = q ? plen - route_len - 1 : 0;
    const char *r = path;
    size_t rn = route_len;
    /* drop the API version: /v1.41/containers/create */
    if (rn > 2 && r[0] == '/' && r[1] == 'v' && r[2] >= '0' && r[2] <= '9') {
        const char *s = memchr(r + 1, '/', rn - 1);
        if (s) {
            rn -= (size_t)(s - r);
            r = s;
        }
    }
    if (gnorm_wants(o, GNORM_G_HTTP)) {
        gnorm_strn(o, "http.request.method", method, mlen);
        gnorm_strn(o, "url.original", path, plen);
    }
    char orig[300];
    size_t on = mlen + 1 + rn < sizeof orig ? mlen + 1 + rn : 0;
    if (on) {
        memcpy(orig, method, mlen);
        orig[mlen] = ' ';
        memcpy(orig + mlen + 1, r, rn);
    }
    /* segments */
    const char *seg[6];
    size_t segn[6], ns = 0;
    for (const char *p = r; p < r + rn && ns < 6;) {
        while (p < r + rn && *p == '/')
            p++;
        const char *s = p;
        while (p < r + rn && *p != '/')
            p++;
        if (p > s) {
            seg[ns] = s;
            segn[ns++] = (size_t)(p - s);
        }
    }
#define SEG(i, w) (ns > (i) && segn[i] == strlen(w) && memcmp(seg[i], w, segn[i]) == 0)
    int get = mlen == 3 && memcmp(method, "GET", 3) == 0;
    int del = mlen == 6 && memcmp(method, "DELETE", 6) == 0;
    const char *action = NULL, *type = NULL;
    const char *id = NULL;
    size_t idn = 0;
    char buf[512];
    if (SEG(0, "containers")) {
        type = "container";
        if (SEG(1, "create")) {
            action = "create";
            if (query && gnorm_wants(o, GNORM_G_CONTAINER | GNORM_G_ORCH) &&
                query_param(query, qlen, "name", buf, sizeof buf)) {
                if (gnorm_wants(o, GNORM_G_CONTAINER))
                    gnorm_push_str(o, "container.name", buf);
                if (gnorm_wants(o, GNORM_G_ORCH))
                    gnorm_str(o, "orchestrator.resource.name", buf);
            }
        } else if (SEG(1, "json") && ns == 2) {
            action = "list";
        } else if (ns >= 2) {
            id = seg[1];
            idn = segn[1];
            static const char *const verbs[][2] = {
                {"start", "start"},   {"restart", "start"}, {"stop", "stop"},     {"kill", "kill"},
                {"attach", "attach"}, {"exec", "exec"},     {"update", "update"}, {"json", "get"},
                {"logs", "get"},      {"rename", "update"}};
            if (ns == 2 && del)
                action = "delete";
            for (size_t i = 0; ns >= 3 && i < sizeof verbs / sizeof verbs[0]; i++)
                if (SEG(2, verbs[i][0]))
                    action = verbs[i][1];
        }
    } else if (SEG(0, "exec")) {
        type = "exec";
        if (SEG(2, "start"))
            action = "exec";
    } else if (SEG(0, "images")) {
        type = "image";
        if (SEG(1, "create")) {
            action = "pull";
            if (query && query_param(query, qlen, "fromImage", buf, sizeof buf)) {
                char tag[200];
                size_t bl = strlen(buf);
                if (query_param(query, qlen, "tag", tag, sizeof tag) && tag[0] &&
                    bl + strlen(tag) + 2 < sizeof buf) {
                    buf[bl] = strchr(tag, ':') ? '@' : ':';
                    strcpy(buf + bl + 1, tag);
                }
                gnorm_image(o, buf);
            }
        } else if (SEG(1, "json")) {
            action = "list";
        } else if (del) {
            action = "delete";
        }
    } else if (SEG(0, "build")) {
        type = "image";
        action = "build";
        if (query && gnorm_wants(o, GNORM_G_BASE) &&
            query_param(query, qlen, "remote", buf, sizeof buf) && buf[0])
            gnorm_str(o, "docker.build.remote", buf);
    } else if ((SEG(0, "networks") || SEG(0, "volumes")) && SEG(1, "create")) {
        type = seg[0][0] == 'n' ? "network" : "volume";
        action = "create";
    }
    if (!action && get)
        action = "get";
    else if (!action && del)
        action = "delete";
#undef SEG
    if (gnorm_wants(o, GNORM_G_BASE)) {
        if (count)
            gnorm_str(o, "event.action", action);
        if (on)
            gnorm_strn(o, "event.original_action", orig, on);
    }
    if (gnorm_wants(o, GNORM_G_ORCH))
        gnorm_str(o, "orchestrator.resource.type", type);
    if (id && idn && id[0] != '{' && gnorm_wants(o, GNORM_G_CONTAINER) && type &&
        strcmp(type, "container") == 0)
        gnorm_strn(o, "container.id", id, idn);
    return action && type && strcmp(type, "container") == 0 && strcmp(action, "create") == 0
               ? "container create"
               : action;
}

/* The request body of a call: its schema fields and docker.request. Takes
 * ownership of body. */
static void call_body(gnorm_out *o, cJSON *body) {
    gnorm_docker_body(o, body);
    if (gnorm_wants(o, GNORM_G_BASE))
        gnorm_bool(o, "docker.body_logged", 1);
    gnorm_item(o, "docker.request", body);
}

/* Docker Engine 27+ debug middleware (daemon/server/middleware/debug.go):
 * one line per request, "handling POST request" with the fields method,
 * request-url and (JSON bodies up to 4 KiB) form-data; "error response for
 * POST request" adds status once the handler failed. The form data is a JSON
 * text in text logs and an object in --log-format json. */
typedef struct api_line {
    gnorm_span method, url;
    const cJSON *form;    /* JSON logs */
    gnorm_span form_text; /* text logs, unquoted */
    int has_form;
    double status; /* 0 when absent */
} api_line;

static void handling_line(gnorm_out *o, const char *msg, size_t n, const api_line *a) {
    int failure = n > 15 && memcmp(msg, "error response ", 15) == 0;
    if (!a->method.n || !a->url.n)
        return;
    const char *action = api_call(o, a->method.p, a->method.n, a->url.p, a->url.n, !failure);
    if (failure) {
        if (a->status > 0 && gnorm_wants(o, GNORM_G_HTTP))
            gnorm_num(o, "http.response.status_code", a->status);
        if (gnorm_wants(o, GNORM_G_BASE))
            gnorm_str(o, "event.outcome", "failure");
        return;
    }
    if (a->has_form) {
        const char *reason = NULL;
        cJSON *body = a->form ? cJSON_Duplicate(a->form, 1)
                              : gnorm_parse_json(a->form_text.p, a->form_text.n, &reason);
        if (!body) {
            if (a->form)
                o->nomem = 1;
            else
                gnorm_error(o, "dockerd form-data is not valid JSON");
            return;
        }
        call_body(o, body);
    } else if (action && strcmp(action, "container create") == 0 && gnorm_wants(o, GNORM_G_BASE)) {
        gnorm_bool(o, "docker.body_logged", 0);
    }
}

static int starts_with(const char *p, size_t n, const char *w) {
    size_t wl = strlen(w);
    return n >= wl && memcmp(p, w, wl) == 0;
}

static int is_handling(const char *msg, size_t n) {
    return starts_with(msg, n, "handling ") || starts_with(msg, n, "error response for ");
}

static const char *identity(gnorm_out *o, const char *msg, size_t n) {
    /* {Action=create, Username=root, LoginUID=0, PID=4519} */
    const char *u = NULL;
    for (size_t i = 0; i + 9 <= n; i++)
        if (memcmp(msg + i, "Username=", 9) == 0) {
            u = msg + i + 9;
            break;
        }
    if (u && gnorm_wants(o, GNORM_G_ACTOR)) {
        /* bounded: the line is not NUL-terminated */
        const char *e = u;
        while (e < msg + n && *e != ',' && *e != '}')
            e++;
        gnorm_strn(o, "user.name", u, (size_t)(e - u));
    }
    return NULL;
}

/* "Calling POST /v1.41/containers/create?name=x": the older middleware's
 * first line; its body follows on a "form data: " line (none over 4 KiB). */
static void calling_line(gnorm_out *o, const char *msg, size_t n) {
    const char *m = msg + 8;
    const char *sp = memchr(m, ' ', n - 8);
    if (!sp)
        return;
    const char *action = api_call(o, m, (size_t)(sp - m), sp + 1, n - (size_t)(sp + 1 - msg), 1);
    if (action && strcmp(action, "container create") == 0 && gnorm_wants(o, GNORM_G_BASE))
        gnorm_bool(o, "docker.body_logged", 0); /* the form data line, joined, says true */
}

/* A key=value field, unquoted into a fresh buffer (*buf, freed by the caller). */
static gnorm_span kv_text(const gnorm_logline *l, const char *key, char **buf, size_t *cap,
                          int *nomem) {
    gnorm_span out = {NULL, 0};
    const gnorm_kv *kv = gnorm_kv_find(l, key);
    if (!kv)
        return out;
    size_t m;
    if (gnorm_unquote(kv->value, buf, cap, &m) != GANTRY_OK) {
        *nomem = 1;
        return out;
    }
    out.p = *buf;
    out.n = m;
    return out;
}

static gantry_status text_handling(gnorm_out *o, const gnorm_logline *l, const char *msg,
                                   size_t n) {
    char *bufs[4] = {NULL, NULL, NULL, NULL};
    size_t caps[4] = {0, 0, 0, 0};
    int nomem = 0;
    api_line a = {kv_text(l, "method", &bufs[0], &caps[0], &nomem),
                  kv_text(l, "request-url", &bufs[1], &caps[1], &nomem),
                  NULL,
                  kv_text(l, "form-data", &bufs[2], &caps[2], &nomem),
                  0,
                  0};
    a.has_form = a.form_text.p != NULL;
    gnorm_span status = kv_text(l, "status", &bufs[3], &caps[3], &nomem);
    for (size_t i = 0; i < status.n && status.p[i] >= '0' && status.p[i] <= '9' && i < 4; i++)
        a.status = a.status * 10 + (status.p[i] - '0');
    if (!nomem)
        handling_line(o, msg, n, &a);
    for (size_t i = 0; i < 4; i++)
        free(bufs[i]);
    return nomem ? GANTRY_E_NOMEM : GANTRY_OK;
}

gantry_status gnorm_dockerd_line(const gnorm_logline *l, const gnorm_text_ctx *ctx, cJSON **event,
                                 int *kind, const char **reason) {
    *kind = GNORM_DOCKERD_OTHER;
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
    /* log.message is written before form data is parsed: msg lives in the
     * scratch buffer, which the body parse does not touch. */
    add_line_basics(&o, l, ctx, grt_source_name(GRT_SRC_DOCKERD), msg, n);
    if (n > 8 && memcmp(msg, "Calling ", 8) == 0) {
        *kind = GNORM_DOCKERD_CALL;
        calling_line(&o, msg, n);
    } else if (n > 11 && memcmp(msg, "form data: ", 11) == 0) {
        *kind = GNORM_DOCKERD_FORM;
        const char *why = NULL;
        cJSON *body = gnorm_parse_json(msg + 11, n - 11, &why);
        if (!body)
            return gnorm_malformed(reason, "dockerd form data is not valid JSON");
        call_body(&o, body);
    } else if (is_handling(msg, n)) {
        gantry_status st = text_handling(&o, l, msg, n);
        if (st != GANTRY_OK)
            return st;
    } else if (n > 8 && memcmp(msg, "{Action=", 8) == 0) {
        *kind = GNORM_DOCKERD_IDENTITY;
        identity(&o, msg, n);
    } else {
        /* Docker 1.x info lines: "POST /v1.14/containers/create" (no action:
         * the "Calling" line of the same request already counts). */
        static const char *const methods[] = {"GET ", "POST ", "PUT ", "DELETE ", "HEAD ", NULL};
        for (size_t i = 0; methods[i]; i++) {
            size_t ml = strlen(methods[i]);
            if (n > ml && memcmp(msg, methods[i], ml) == 0 && msg[ml] == '/' &&
                gnorm_wants(&o, GNORM_G_HTTP)) {
                gnorm_strn(&o, "http.request.method", msg, ml - 1);
                gnorm_strn(&o, "url.original", msg + ml, n - ml);
            }
        }
    }
    return o.nomem ? GANTRY_E_NOMEM : GANTRY_OK;
}

/* ---- --log-format json: {"level":"debug","msg":"...","time":"...", ...} ---- */

int gnorm_is_dockerd_json(const cJSON *root) {
    const char *msg = gnorm_path_str(root, "msg");
    const char *module = gnorm_path_str(root, "module");
    if (!msg || !cJSON_IsString(gnorm_path(root, "level")))
        return 0;
    size_t n = strlen(msg);
    return (module && strcmp(module, "api") == 0) || starts_with(msg, n, "Calling ") ||
           starts_with(msg, n, "form data: ") || is_handling(msg, n);
}

static gnorm_span str_span(const cJSON *root, const char *key) {
    const char *v = gnorm_path_str(root, key);
    gnorm_span s = {v, v ? strlen(v) : 0};
    return s;
}

gantry_status gnorm_dockerd_json(cJSON *root, unsigned want, cJSON **event, int *kind,
                                 const char **reason) {
    *kind = GNORM_DOCKERD_OTHER;
    if (!gnorm_is_dockerd_json(root)) {
        cJSON_Delete(root);
        return gnorm_malformed(reason, "not a dockerd JSON log line");
    }
    gnorm_strip_schema_keys(root);
    *event = root;
    gnorm_out o = {.obj = root, .want = want, .nomem = 0};
    const char *msg = gnorm_path_str(root, "msg");
    size_t n = strlen(msg);
    gnorm_str(&o, "event.module", grt_source_name(GRT_SRC_DOCKERD));
    {
        const char *t = gnorm_path_str(root, "time");
        gnorm_time(&o, t, t ? strlen(t) : 0);
    }
    gnorm_str(&o, "log.level", gnorm_path_str(root, "level"));
    gnorm_str(&o, "log.message", msg);
    if (starts_with(msg, n, "Calling ")) {
        *kind = GNORM_DOCKERD_CALL;
        calling_line(&o, msg, n);
    } else if (starts_with(msg, n, "form data: ")) {
        *kind = GNORM_DOCKERD_FORM;
        const char *why = NULL;
        cJSON *body = gnorm_parse_json(msg + 11, n - 11, &why);
        if (!body)
            return gnorm_malformed(reason, "dockerd form data is not valid JSON");
        call_body(&o, body);
    } else if (is_handling(msg, n)) {
        const cJSON *form = gnorm_path(root, "form-data");
        const cJSON *status = gnorm_path(root, "status");
        api_line a = {str_span(root, "method"),
                      str_span(root, "request-url"),
                      NULL,
                      {NULL, 0},
                      0,
                      cJSON_IsNumber(status) ? status->valuedouble : 0};
        /* An object as logged by the JSON formatter; a JSON text when the
         * daemon could not marshal it back (kept for both). */
        if (cJSON_IsObject(form)) {
            a.form = form;
            a.has_form = 1;
        } else if (cJSON_IsString(form)) {
            a.form_text = str_span(root, "form-data");
            a.has_form = 1;
        }
        handling_line(&o, msg, n, &a);
    }
    return o.nomem ? GANTRY_E_NOMEM : GANTRY_OK;
}

static void move_item(cJSON *to, cJSON *from, cJSON *item) {
    cJSON_DetachItemViaPointer(from, item);
    cJSON_DeleteItemFromObjectCaseSensitive(to, item->string);
    if (item->type & cJSON_StringIsConst) {
        cJSON_AddItemToObjectCS(to, item->string, item);
    } else {
        char *key = item->string;
        item->string = NULL;
        if (!cJSON_AddItemToObject(to, key, item))
            cJSON_Delete(item);
        cJSON_free(key);
    }
}

void gnorm_dockerd_join(cJSON *call, cJSON *follow, unsigned want) {
    /* The follow-up line's schema keys (body fields, user) describe the call. */
    static const char *const skip[] = {"message",      "@timestamp", "log.level", "log.message",
                                       "event.module", "host.name",  "msg",       "level",
                                       "time",         NULL};
    cJSON *c = follow->child;
    while (c) {
        cJSON *next = c->next;
        int skipped = 0;
        for (size_t i = 0; skip[i]; i++)
            if (c->string && strcmp(c->string, skip[i]) == 0)
                skipped = 1;
        if (!skipped && c->string) {
            /* container.name from ?name= and the body's fields add up. */
            cJSON *have = cJSON_GetObjectItemCaseSensitive(call, c->string);
            if (cJSON_IsArray(have) && cJSON_IsArray(c)) {
                cJSON *e = c->child;
                while (e) {
                    cJSON *en = e->next;
                    cJSON_AddItemToArray(have, cJSON_DetachItemViaPointer(c, e));
                    e = en;
                }
            } else {
                move_item(call, follow, c);
            }
        }
        c = next;
    }
    (void)want;
}
