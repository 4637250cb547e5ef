/* SPDX-License-Identifier: Apache-2.0 */
/* Kubernetes Dashboard backend logs:
 *   [2019-04-30T04:46:00Z] Incoming HTTP/1.1 POST /api/v1/appdeployment request
 * from 10.1.0.57:43692: {body} [2019-04-30T04:46:00Z] Outcoming response to 10.1.0.57:43692 with
 * 200 status code with or without Go's "2019/04/30 04:46:00 " prefix. A request body may run over
 * several lines; normalize.c collects them and calls gnorm_dashboard_body with the whole text. */
#include <stdlib.h>
#include <string.h>

#include "normalize.h"
#include "sources.h"

static int is_digit(char c) {
    return c >= '0' && c <= '9';
}

/* "2019/04/30 04:46:00 " */
static size_t go_prefix(const char *line, size_t len) {
    if (len < 20 || line[4] != '/' || line[7] != '/' || line[10] != ' ' || line[13] != ':' ||
        line[16] != ':' || line[19] != ' ')
        return 0;
    for (int i = 0; i < 4; i++)
        if (!is_digit(line[i]))
            return 0;
    return 20;
}

/* "[2019-04-30T04:46:00Z] "; returns the length of the bracket. */
static size_t bracket_time(const char *line, size_t len) {
    if (len < 12 || line[0] != '[' || !is_digit(line[1]) || line[5] != '-')
        return 0;
    const char *close = memchr(line, ']', len < 64 ? len : 64);
    return close ? (size_t)(close - line) + 1 : 0;
}

int gnorm_dashboard_detect(const char *line, size_t len) {
    size_t off = go_prefix(line, len);
    if (off)
        return 1;
    return bracket_time(line, len) != 0;
}

static void ip_port(gnorm_out *o, const char *p, size_t n) {
    if (n && p[0] == '[') {
        const char *close = memchr(p, ']', n);
        if (close)
            gnorm_strn(o, "source.ip", p + 1, (size_t)(close - p - 1));
        return;
    }
    const char *colon = NULL;
    for (size_t i = 0; i < n; i++)
        if (p[i] == ':')
            colon = p + i;
    gnorm_strn(o, "source.ip", p, colon ? (size_t)(colon - p) : n);
}

static int starts(const char *p, size_t n, const char *w) {
    size_t wl = strlen(w);
    return n >= wl && memcmp(p, w, wl) == 0;
}

static void route(gnorm_out *o, const char *method, size_t mlen, const char *path, size_t plen) {
    const char *q = memchr(path, '?', plen);
    size_t rn = q ? (size_t)(q - path) : plen;
    const char *action = NULL;
    const char *seg[8];
    size_t segn[8], ns = 0;
    for (const char *p = path; p < path + rn && ns < 8;) {
        while (p < path + rn && *p == '/')
            p++;
        const char *s = p;
        while (p < path + rn && *p != '/')
            p++;
        if (p > s) {
            seg[ns] = s;
            segn[ns++] = (size_t)(p - s);
        }
    }
    int post = mlen == 4 && memcmp(method, "POST", 4) == 0;
    size_t first = 2; /* after api/v1 */
    if (ns > 2 && segn[2] == 4 && memcmp(seg[2], "_raw", 4) == 0)
        first = 3;
    for (size_t i = 0; i < ns; i++)
        if (segn[i] == 5 && memcmp(seg[i], "shell", 5) == 0)
            action = "exec";
    if (!action && post && ns > 2 && (starts(seg[2], segn[2], "appdeployment")))
        action = "deploy";
    if (!action) {
        static const char *const m[][2] = {
            {"GET", "get"}, {"PUT", "update"}, {"DELETE", "delete"}, {"PATCH", "patch"}};
        for (size_t i = 0; i < 4; i++)
            if (strlen(m[i][0]) == mlen && memcmp(method, m[i][0], mlen) == 0)
                action = m[i][1];
        if (!action && post && first == 3)
            action = "create";
    }
    if (gnorm_wants(o, GNORM_G_BASE)) {
        gnorm_str(o, "event.action", action);
        gnorm_strn(o, "event.original_action", method, mlen);
    }
    if (gnorm_wants(o, GNORM_G_ORCH) && ns > first &&
        !(first == 2 && action && strcmp(action, "deploy") == 0)) {
        gnorm_strn(o, "orchestrator.resource.type", seg[first], segn[first]);
        if (first == 3 && ns > first + 2 && starts(seg[first + 1], segn[first + 1], "namespace")) {
            gnorm_strn(o, "orchestrator.namespace", seg[first + 2], segn[first + 2]);
            if (ns > first + 4)
                gnorm_strn(o, "orchestrator.resource.name", seg[first + 4], segn[first + 4]);
        } else if (first == 2 && ns > first + 2) {
            gnorm_strn(o, "orchestrator.namespace", seg[first + 1], segn[first + 1]);
            gnorm_strn(o, "orchestrator.resource.name", seg[first + 2], segn[first + 2]);
        } else if (first == 2 && ns == first + 2) {
            gnorm_strn(o, "orchestrator.namespace", seg[first + 1], segn[first + 1]);
        }
    }
    if (action && strcmp(action, "exec") == 0 && gnorm_wants(o, GNORM_G_CONTAINER)) {
        for (size_t i = 0; i + 1 < ns; i++)
            if (segn[i] == 5 && memcmp(seg[i], "shell", 5) == 0)
                gnorm_push_strn(o, "container.name", seg[i + 1], segn[i + 1]);
    }
}

/* Fields of an "appdeployment" form (the Dashboard's deploy-a-container page). */
static void deploy_spec(gnorm_out *o, const cJSON *body) {
    const char *image = gnorm_path_str(body, "containerImage");
    if (gnorm_wants(o, GNORM_G_ORCH)) {
        gnorm_str(o, "orchestrator.namespace", gnorm_path_str(body, "namespace"));
        /* appdeploymentfromfile's "name" is the uploaded file's name. */
        if (image)
            gnorm_str(o, "orchestrator.resource.name", gnorm_path_str(body, "name"));
    }
    if (image) {
        if (gnorm_wants(o, GNORM_G_CONTAINER))
            gnorm_push_str(o, "container.name", gnorm_path_str(body, "name"));
        gnorm_image(o, image);
        if (gnorm_wants(o, GNORM_G_SECURITY))
            gnorm_bool(o, "container.security_context.privileged",
                       gnorm_path_bool(body, "runAsPrivileged") == 1);
        if (gnorm_wants(o, GNORM_G_PROCESS)) {
            const cJSON *cmd = gnorm_path(body, "containerCommand");
            const cJSON *args = gnorm_path(body, "containerCommandArgs");
            if ((cJSON_IsString(cmd) && cmd->valuestring[0]) ||
                (cJSON_IsString(args) && args->valuestring[0]))
                gnorm_process_argv(o, cmd, args);
        }
        if (gnorm_wants(o, GNORM_G_ENV)) {
            const cJSON *v;
            cJSON_ArrayForEach(v, gnorm_path(body, "variables")) {
                gnorm_push_str(o, "container.env.name", gnorm_path_str(v, "name"));
            }
        }
    }
}

/* The workloads of one manifest document: a Pod, a controller, or a List
 * of them (one level, as kubectl writes `kubectl get -o yaml` output). */
static void manifest_document(gnorm_out *o, const cJSON *doc, int in_list) {
    const char *kind = gnorm_path_str(doc, "kind");
    if (!in_list && kind && strcmp(kind, "List") == 0) {
        const cJSON *item;
        cJSON_ArrayForEach(item, gnorm_path(doc, "items")) {
            gnorm_out one = {cJSON_CreateObject(), o->want, 0};
            if (!one.obj) {
                o->nomem = 1;
                return;
            }
            manifest_document(&one, item, 1);
            o->nomem |= one.nomem;
            gnorm_fold(o, one.obj);
            cJSON_Delete(one.obj);
        }
        return;
    }
    gnorm_pod_spec(o, gnorm_find_pod_spec(doc, NULL));
}

/* appdeploymentfromfile: {"name": file name, "namespace", "content": the
 * manifest text, YAML or JSON, one or several documents}. */
static void uploaded_manifest(gnorm_out *o, const cJSON *body) {
    const char *content = gnorm_path_str(body, "content");
    if (!content || !gnorm_wants(o, GNORM_G_WORKLOAD | GNORM_G_ORCH))
        return;
    const char *error = NULL;
    cJSON *docs = NULL;
    if (gnorm_yaml_documents(content, strlen(content), &docs, &error) != GANTRY_OK) {
        o->nomem = 1;
        return;
    }
    gnorm_error(o, error);
    if (gnorm_wants(o, GNORM_G_ORCH) && !gnorm_path_str(body, "namespace") && docs->child)
        gnorm_str(o, "orchestrator.namespace", gnorm_path_str(docs->child, "metadata.namespace"));
    if (gnorm_wants(o, GNORM_G_WORKLOAD)) {
        /* Each document's fields are built apart and folded in, so flags
         * of several workloads add up instead of repeating keys. */
        const cJSON *doc;
        cJSON_ArrayForEach(doc, docs) {
            gnorm_out one = {cJSON_CreateObject(), o->want, 0};
            if (!one.obj) {
                o->nomem = 1;
                break;
            }
            manifest_document(&one, doc, 0);
            o->nomem |= one.nomem;
            gnorm_fold(o, one.obj);
            cJSON_Delete(one.obj);
        }
    }
    cJSON_Delete(docs);
}

void gnorm_dashboard_body(cJSON *event, const char *body, size_t len, int complete, unsigned want) {
    gnorm_out o = {.obj = event, .want = want, .nomem = 0};
    const char *reason = NULL;
    cJSON *parsed = complete ? gnorm_parse_json(body, len, &reason) : NULL;
    if (!parsed) {
        /* Kept as text: "{ contents hidden }", or cut short by the log. */
        gnorm_strn(&o, "k8s_dashboard.request_text", body, len);
        return;
    }
    deploy_spec(&o, parsed);
    uploaded_manifest(&o, parsed);
    cJSON_AddItemToObjectCS(event, "k8s_dashboard.request", parsed);
}

gantry_status gnorm_dashboard_line(const char *line, size_t len, unsigned want, cJSON **event,
                                   int *open, size_t *body_off, const char **reason) {
    *open = 0;
    *body_off = 0;
    size_t off = go_prefix(line, len);
    size_t bt = bracket_time(line + off, len - off);
    if (!off && !bt)
        return gnorm_malformed(reason, "not a Kubernetes Dashboard log line");
    cJSON *ev = cJSON_CreateObject();
    if (!ev)
        return GANTRY_E_NOMEM;
    *event = ev;
    gnorm_out o = {.obj = ev, .want = want, .nomem = 0};
    gnorm_str(&o, "event.module", grt_source_name(GRT_SRC_K8S_DASHBOARD));
    if (bt)
        gnorm_time(&o, line + off + 1, bt - 2);
    const char *p = line + off + bt;
    const char *end = line + len;
    while (p < end && *p == ' ')
        p++;
    size_t rest = (size_t)(end - p);
    gnorm_strn(&o, "log.message", p, rest);
    if (starts(p, rest, "Incoming ")) {
        /* Incoming HTTP/1.1 POST /path request from ip:port: body */
        const char *proto = p + 9;
        const char *sp1 = memchr(proto, ' ', (size_t)(end - proto));
        const char *method = sp1 ? sp1 + 1 : NULL;
        const char *sp2 = method ? memchr(method, ' ', (size_t)(end - method)) : NULL;
        const char *path = sp2 ? sp2 + 1 : NULL;
        const char *from = NULL;
        for (const char *s = path; s && s + 14 <= end; s++)
            if (memcmp(s, " request from ", 14) == 0) {
                from = s;
                break;
            }
        if (!from)
            return o.nomem ? GANTRY_E_NOMEM : GANTRY_OK;
        if (gnorm_wants(&o, GNORM_G_HTTP)) {
            gnorm_strn(&o, "http.request.method", method, (size_t)(sp2 - method));
            gnorm_strn(&o, "url.original", path, (size_t)(from - path));
            if (starts(proto, (size_t)(sp1 - proto), "HTTP/"))
                gnorm_strn(&o, "http.version", proto + 5, (size_t)(sp1 - proto - 5));
        }
        route(&o, method, (size_t)(sp2 - method), path, (size_t)(from - path));
        const char *addr = from + 14;
        const char *colon_sp = NULL;
        for (const char *s = addr; s + 1 < end; s++)
            if (s[0] == ':' && s[1] == ' ') {
                colon_sp = s;
                break;
            }
        const char *addr_end = colon_sp ? colon_sp : end;
        if (addr_end > addr && addr_end[-1] == ':')
            addr_end--;
        if (gnorm_wants(&o, GNORM_G_ACTOR))
            ip_port(&o, addr, (size_t)(addr_end - addr));
        if (colon_sp) {
            const char *body = colon_sp + 2;
            gnorm_balance b = {0, 0, 0, 0};
            gnorm_balance_feed(&b, body, (size_t)(end - body));
            if (b.started && (b.depth > 0 || b.in_string)) {
                *open = 1;
                *body_off = (size_t)(body - line);
            } else {
                gnorm_dashboard_body(ev, body, (size_t)(end - body), 1, want);
            }
        }
    } else if (starts(p, rest, "Outcoming response to ")) {
        const char *addr = p + 22;
        const char *with = NULL;
        for (const char *s = addr; s + 6 <= end; s++)
            if (memcmp(s, " with ", 6) == 0) {
                with = s;
                break;
            }
        if (with) {
            if (gnorm_wants(&o, GNORM_G_ACTOR))
                ip_port(&o, addr, (size_t)(with - addr));
            /* digits up to `end` only: the line is not NUL-terminated */
            long code = 0;
            for (const char *d = with + 6; d < end && *d >= '0' && *d <= '9' && code < 100000; d++)
                code = code * 10 + (*d - '0');
            if (code > 0 && gnorm_wants(&o, GNORM_G_HTTP))
                gnorm_num(&o, "http.response.status_code", (double)code);
            if (code > 0 && gnorm_wants(&o, GNORM_G_BASE))
                gnorm_str(&o, "event.outcome", code < 400 ? "success" : "failure");
        }
    }
    return o.nomem ? GANTRY_E_NOMEM : GANTRY_OK;
}
