/* SPDX-License-Identifier: Apache-2.0 */
/* Kubernetes audit events: raw audit.k8s.io Event objects, AKS diagnostic
 * records (the Event under properties.log, object or JSON string) and GKE
 * Cloud Audit Log entries (protoPayload), plus the pod-spec walk shared with
 * the Dashboard module. */
#include <stdlib.h>
#include <string.h>

#include "normalize.h"
#include "hexdigit.h"
#include "sources.h"

int gnorm_is_k8s_audit(const cJSON *root) {
    const char *kind = gnorm_path_str(root, "kind");
    const char *api = gnorm_path_str(root, "apiVersion");
    if (kind && strcmp(kind, "Event") == 0 &&
        ((api && strncmp(api, "audit.k8s.io/", 13) == 0) || gnorm_path(root, "auditID") ||
         (gnorm_path(root, "verb") && gnorm_path(root, "objectRef"))))
        return 1;
    if (!kind && cJSON_IsString(gnorm_path(root, "auditID")) &&
        cJSON_IsString(gnorm_path(root, "verb")))
        return 1;
    const cJSON *log = gnorm_path(root, "properties.log");
    const char *category = gnorm_path_str(root, "category");
    if (log && (cJSON_IsObject(log) || cJSON_IsString(log)) && category &&
        strncmp(category, "kube-audit", 10) == 0)
        return 2;
    const char *method = gnorm_path_str(root, "protoPayload.methodName");
    const char *service = gnorm_path_str(root, "protoPayload.serviceName");
    if ((method && strncmp(method, "io.k8s.", 7) == 0) ||
        (service && strcmp(service, "k8s.io") == 0))
        return 3;
    return 0;
}

/* ---- pod specs ---- */

static const char *const template_kinds[] = {
    "deployments", "replicasets", "daemonsets", "statefulsets", "jobs", "replicationcontrollers",
    "Deployment",  "ReplicaSet",  "DaemonSet",  "StatefulSet",  "Job",  "ReplicationController",
};

const cJSON *gnorm_find_pod_spec(const cJSON *object, const char *resource) {
    if (!cJSON_IsObject(object))
        return NULL;
    const char *kind = gnorm_path_str(object, "kind");
    const char *names[2] = {resource, kind};
    for (int i = 0; i < 2; i++) {
        const char *r = names[i];
        if (!r)
            continue;
        if (strcmp(r, "pods") == 0 || strcmp(r, "Pod") == 0)
            return gnorm_path(object, "spec");
        if (strcmp(r, "cronjobs") == 0 || strcmp(r, "CronJob") == 0)
            return gnorm_path(object, "spec.jobTemplate.spec.template.spec");
        if (strcmp(r, "podtemplates") == 0 || strcmp(r, "PodTemplate") == 0)
            return gnorm_path(object, "template.spec");
        if (strcmp(r, "EphemeralContainers") == 0)
            return object; /* older API: the list sits at the top */
        for (size_t k = 0; k < sizeof template_kinds / sizeof template_kinds[0]; k++)
            if (strcmp(r, template_kinds[k]) == 0)
                return gnorm_path(object, "spec.template.spec");
    }
    /* Unknown kinds (custom workloads, partial patches): take the first
     * place a pod spec can live that holds containers. */
    static const char *const places[] = {
        "spec.template.spec", "spec.jobTemplate.spec.template.spec", "spec", "template.spec"};
    for (size_t i = 0; i < sizeof places / sizeof places[0]; i++) {
        const cJSON *p = gnorm_path(object, places[i]);
        if (gnorm_path(p, "containers") || gnorm_path(p, "initContainers") ||
            gnorm_path(p, "ephemeralContainers"))
            return p;
    }
    return NULL;
}

static const char *volume_type(const cJSON *volume) {
    for (const cJSON *c = volume ? volume->child : NULL; c; c = c->next)
        if (c->string && strcmp(c->string, "name") != 0 && cJSON_IsObject(c))
            return c->string;
    return NULL;
}

static const cJSON *find_volume(const cJSON *volumes, const char *name) {
    const cJSON *v;
    cJSON_ArrayForEach(v, volumes) {
        const char *n = gnorm_path_str(v, "name");
        if (n && strcmp(n, name) == 0)
            return v;
    }
    return NULL;
}

typedef struct pod_flags {
    int privileged; /* -1 unknown */
    int escalation; /* -1 unknown */
    int containers;
} pod_flags;

static void one_container(gnorm_out *o, const cJSON *c, const cJSON *spec, pod_flags *f) {
    f->containers++;
    if (gnorm_wants(o, GNORM_G_CONTAINER))
        gnorm_push_str(o, "container.name", gnorm_path_str(c, "name"));
    if (gnorm_wants(o, GNORM_G_CONTAINER | GNORM_G_IMAGE))
        gnorm_image(o, gnorm_path_str(c, "image"));
    if (gnorm_wants(o, GNORM_G_SECURITY)) {
        int priv = gnorm_path_bool(c, "securityContext.privileged");
        if (priv == 1 || (priv == 0 && f->privileged < 0))
            f->privileged = priv;
        int esc = gnorm_path_bool(c, "securityContext.allowPrivilegeEscalation");
        if (esc == 1 || (esc == 0 && f->escalation < 0))
            f->escalation = esc;
        const cJSON *user = gnorm_path(c, "securityContext.runAsUser");
        if (!cJSON_IsNumber(user))
            user = gnorm_path(spec, "securityContext.runAsUser");
        if (cJSON_IsNumber(user))
            gnorm_push_num(o, "container.security_context.run_as_user", user->valuedouble);
        const cJSON *cap;
        cJSON_ArrayForEach(cap, gnorm_path(c, "securityContext.capabilities.add")) {
            if (cJSON_IsString(cap))
                gnorm_push_str(o, "container.security_context.capabilities.add", cap->valuestring);
        }
    }
    if (gnorm_wants(o, GNORM_G_MOUNTS)) {
        const cJSON *volumes = gnorm_path(spec, "volumes");
        const cJSON *m;
        cJSON_ArrayForEach(m, gnorm_path(c, "volumeMounts")) {
            const char *name = gnorm_path_str(m, "name");
            const char *dest = gnorm_path_str(m, "mountPath");
            if (!name)
                continue;
            const cJSON *vol = find_volume(volumes, name);
            const char *host = gnorm_path_str(vol, "hostPath.path");
            const char *type = volume_type(vol);
            /* subPath (subPathExpr taken literally) narrows what is exposed */
            const char *sub = gnorm_path_str(m, "subPath");
            if (!sub || !*sub)
                sub = gnorm_path_str(m, "subPathExpr");
            int ro = gnorm_path_bool(m, "readOnly") == 1;
            const char *src = host ? host : name;
            gnorm_push_host_path(o, "container.mounts.source", src, strlen(src), host ? sub : NULL);
            if (host && !ro)
                gnorm_push_host_path(o, "container.mounts.writable_source", host, strlen(host),
                                     sub);
            gnorm_push_str(o, "container.mounts.destination", dest ? dest : "");
            gnorm_push_bool(o, "container.mounts.read_only", ro);
            gnorm_push_str(o, "container.mounts.type", type ? type : "unknown");
        }
    }
    if (gnorm_wants(o, GNORM_G_PROCESS)) {
        const cJSON *cmd = gnorm_path(c, "command");
        const cJSON *args = gnorm_path(c, "args");
        if (cmd || args)
            gnorm_process_argv_env(o, cmd, args, gnorm_path(c, "env"));
    }
    if (gnorm_wants(o, GNORM_G_ENV)) {
        const cJSON *e;
        cJSON_ArrayForEach(e, gnorm_path(c, "env")) {
            gnorm_push_str(o, "container.env.name", gnorm_path_str(e, "name"));
        }
    }
}

static void security_flags(gnorm_out *o, const cJSON *spec, const pod_flags *f) {
    if (f->containers > 0 || f->privileged >= 0)
        gnorm_bool(o, "container.security_context.privileged", f->privileged == 1);
    if (f->escalation >= 0)
        gnorm_bool(o, "container.security_context.allow_privilege_escalation", f->escalation);
    static const char *const host[][2] = {{"hostPID", "container.host_pid"},
                                          {"hostNetwork", "container.host_network"},
                                          {"hostIPC", "container.host_ipc"}};
    for (size_t i = 0; i < 3; i++) {
        int v = gnorm_path_bool(spec, host[i][0]);
        if (v >= 0 || f->containers > 0)
            gnorm_bool(o, host[i][1], v == 1);
    }
}

/* One element of container.list: this container's own container.* fields
 * (the pod's host namespaces copied in), so `any container { ... }` judges
 * each container alone instead of the pod's flattened lists. */
static void container_element(gnorm_out *o, const cJSON *c, const cJSON *spec) {
    gnorm_out el = {cJSON_CreateObject(), o->want & GNORM_G_WORKLOAD, 0};
    if (!el.obj) {
        o->nomem = 1;
        return;
    }
    pod_flags f = {-1, -1, 0};
    one_container(&el, c, spec, &f);
    if (gnorm_wants(&el, GNORM_G_SECURITY))
        security_flags(&el, spec, &f);
    if (el.nomem)
        o->nomem = 1;
    gnorm_push_item(o, "container.list", el.obj);
}

static const char *const container_lists[] = {"initContainers", "containers",
                                              "ephemeralContainers"};

/* Container lists [first, 3) of container_lists, then the pod-level flags. */
static void pod_spec_from(gnorm_out *o, const cJSON *spec, size_t first) {
    if (!cJSON_IsObject(spec))
        return;
    pod_flags f = {-1, -1, 0};
    const char *const *lists = container_lists;
    for (size_t i = first; i < 3; i++) {
        const cJSON *c;
        cJSON_ArrayForEach(c, gnorm_path(spec, lists[i])) {
            if (!cJSON_IsObject(c))
                continue;
            one_container(o, c, spec, &f);
            if (gnorm_wants(o, GNORM_G_SCOPES))
                container_element(o, c, spec);
        }
    }
    if (gnorm_wants(o, GNORM_G_SECURITY))
        security_flags(o, spec, &f);
}

void gnorm_pod_spec(gnorm_out *o, const cJSON *spec) {
    pod_spec_from(o, spec, 0);
}

void gnorm_pod_spec_ephemeral(gnorm_out *o, const cJSON *spec) {
    pod_spec_from(o, spec, 2);
}

/* The pod spec of a write's body: a whole or partial object (create, update,
 * merge and strategic merge patches), an RFC 6902 operation list (JSON
 * patch, replayed by json_patch.c), or for the ephemeralcontainers
 * subresource a Pod (or, before Kubernetes 1.22, an EphemeralContainers
 * object holding the list at its top). */
static void workload_body(gnorm_out *o, const cJSON *obj, const char *resource, const char *sub) {
    int ephemeral = sub && strcmp(sub, "ephemeralcontainers") == 0;
    if (cJSON_IsArray(obj)) {
        const char *error = NULL;
        cJSON *doc = NULL;
        if (gnorm_json_patch_object(obj, &doc, &error) != GANTRY_OK)
            o->nomem = 1;
        gnorm_error(o, error);
        const cJSON *spec = gnorm_find_pod_spec(doc, ephemeral ? "pods" : resource);
        if (ephemeral)
            gnorm_pod_spec_ephemeral(o, spec);
        else
            gnorm_pod_spec(o, spec);
        cJSON_Delete(doc);
        return;
    }
    if (ephemeral) {
        const char *kind = gnorm_path_str(obj, "kind");
        int old = kind && strcmp(kind, "EphemeralContainers") == 0;
        gnorm_pod_spec_ephemeral(o, old ? obj : gnorm_find_pod_spec(obj, "pods"));
        return;
    }
    if (sub)
        return; /* status, binding, scale, ...: no pod spec to deploy */
    gnorm_pod_spec(o, gnorm_find_pod_spec(obj, resource));
}

/* ---- actions ---- */

static const char *const vocabulary[] = {"create", "update", "patch", "delete",
                                         "get",    "list",   "watch", NULL};

static const char *k8s_action(const char *verb, const char *subresource) {
    if (!verb)
        return NULL;
    if (subresource && (strcmp(verb, "create") == 0 || strcmp(verb, "get") == 0)) {
        if (strcmp(subresource, "exec") == 0)
            return "exec";
        if (strcmp(subresource, "attach") == 0)
            return "attach";
        if (strcmp(subresource, "portforward") == 0)
            return "portforward";
    }
    if (strcmp(verb, "deletecollection") == 0)
        return "delete";
    for (size_t i = 0; vocabulary[i]; i++)
        if (strcmp(verb, vocabulary[i]) == 0)
            return vocabulary[i];
    return NULL;
}

/* event.action from verb and objectRef.subresource: it only ever equals
 * short words, so a longer text given as "" decides alike. */
static const char *action_of(const char *const *values) {
    return k8s_action(values[0], values[1]);
}

static int is_exec(const char *action) {
    return action && (strcmp(action, "exec") == 0 || strcmp(action, "attach") == 0);
}

int gnorm_k8s_audit_workload_only(const gnorm_field *f) {
    /* the pod spec's groups, and the reason a JSON patch could not be
     * replayed (workload_body) */
    return (f->group & ~(unsigned)(GNORM_G_WORKLOAD | GNORM_G_SCOPES)) == 0 ||
           strcmp(f->name, "error.message") == 0;
}

int gnorm_k8s_audit_no_workload(const char *verb, const char *subresource, int request_container,
                                int response_container) {
    return !is_exec(k8s_action(verb, subresource)) && !request_container && !response_container;
}

/* URL-decodes in place; returns the new length. */
static size_t url_decode(char *s, size_t n) {
    size_t w = 0;
    for (size_t r = 0; r < n; r++) {
        if (s[r] == '+') {
            s[w++] = ' ';
        } else if (s[r] == '%' && r + 2 < n && grt_hex_digit(s[r + 1]) >= 0 &&
                   grt_hex_digit(s[r + 2]) >= 0) {
            s[w++] = (char)(grt_hex_digit(s[r + 1]) * 16 + grt_hex_digit(s[r + 2]));
            r += 2;
        } else {
            s[w++] = s[r];
        }
    }
    return w;
}

/* exec/attach: command= values are the argv, container= the target. */
static void exec_query(gnorm_out *o, const char *uri) {
    const char *q = uri ? strchr(uri, '?') : NULL;
    if (!q)
        return;
    size_t len = strlen(q + 1);
    char *copy = malloc(len + 1);
    char *line = malloc(len + 1);
    if (!copy || !line) {
        free(copy);
        free(line);
        o->nomem = 1;
        return;
    }
    memcpy(copy, q + 1, len + 1);
    /* the exec argv, for the shell view */
    cJSON *argv = gnorm_wants(o, GNORM_G_PROCESS) ? cJSON_CreateArray() : NULL;
    size_t line_len = 0;
    int first = 1;
    char *save = NULL;
    for (char *kv = strtok_r(copy, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(kv, '=');
        if (!eq)
            continue;
        *eq = '\0';
        char *val = eq + 1;
        size_t vlen = url_decode(val, strlen(val));
        val[vlen] = '\0';
        if (strcmp(kv, "command") == 0 && gnorm_wants(o, GNORM_G_PROCESS)) {
            if (first)
                gnorm_push_str(o, "process.executable", val);
            first = 0;
            gnorm_push_str(o, "process.args", val);
            if (argv && !cJSON_AddItemToArray(argv, cJSON_CreateString(val)))
                o->nomem = 1;
            if (line_len)
                line[line_len++] = ' ';
            memcpy(line + line_len, val, vlen);
            line_len += vlen;
        } else if (strcmp(kv, "container") == 0 && gnorm_wants(o, GNORM_G_CONTAINER)) {
            const cJSON *names = cJSON_GetObjectItemCaseSensitive(o->obj, "container.name");
            int seen = 0;
            const cJSON *n;
            cJSON_ArrayForEach(n, names) {
                if (cJSON_IsString(n) && strcmp(n->valuestring, val) == 0)
                    seen = 1;
            }
            if (!seen)
                gnorm_push_str(o, "container.name", val);
        }
    }
    if (line_len) {
        line[line_len] = '\0';
        gnorm_push_str(o, "process.command_line", line);
    }
    if (argv && cJSON_GetArraySize(argv) > 0)
        gnorm_shell_argv(o, argv, NULL, NULL);
    cJSON_Delete(argv);
    free(copy);
    free(line);
}

static void outcome(gnorm_out *o, const char *decision, const cJSON *code) {
    if (decision && strcmp(decision, "allow") == 0)
        gnorm_str(o, "event.outcome", "success");
    else if (decision && strcmp(decision, "forbid") == 0)
        gnorm_str(o, "event.outcome", "failure");
    else if (cJSON_IsNumber(code))
        gnorm_str(o, "event.outcome", code->valuedouble < 400 ? "success" : "failure");
}

/* The key has dots of its own, so it is looked up directly. */
static const char *decision(const cJSON *annotations) {
    const cJSON *d =
        cJSON_IsObject(annotations)
            ? cJSON_GetObjectItemCaseSensitive(annotations, "authorization.k8s.io/decision")
            : NULL;
    return cJSON_IsString(d) ? d->valuestring : NULL;
}

static const char *metadata_name(const cJSON *req, const cJSON *resp) {
    const char *n = gnorm_path_str(req, "metadata.name");
    return n ? n : gnorm_path_str(resp, "metadata.name");
}

/* The plain copies of an audit Event (and the constant and computed
 * values a reader of raw lines can give as cheaply), called in place below
 * so the keys keep their order. */
enum {
    R_MODULE,
    R_ACTION,
    R_ORIGINAL_ACTION,
    R_ID,
    R_USER_NAME,
    R_USER_ID,
    R_USER_AGENT,
    R_URL,
    R_NAMESPACE,
    R_RESOURCE_TYPE,
    R_SUBRESOURCE,
    R_RESOURCE_NAME,
    R_API_GROUP,
    R_COUNT
};
static const gnorm_rename renames[R_COUNT] = {
    [R_MODULE] = {"event.module", GNORM_G_BASE, {NULL}, 1, NULL},
    [R_ACTION] = {"event.action", GNORM_G_BASE, {"verb", "objectRef.subresource"}, 0, action_of},
    [R_ORIGINAL_ACTION] = {"event.original_action", GNORM_G_BASE, {"verb"}},
    [R_ID] = {"event.id", GNORM_G_BASE, {"auditID"}},
    [R_USER_NAME] = {"user.name", GNORM_G_ACTOR, {"user.username"}},
    [R_USER_ID] = {"user.id", GNORM_G_ACTOR, {"user.uid"}},
    [R_USER_AGENT] = {"user_agent.original", GNORM_G_ACTOR, {"userAgent"}},
    [R_URL] = {"url.original", GNORM_G_HTTP, {"requestURI"}},
    [R_NAMESPACE] = {"orchestrator.namespace",
                     GNORM_G_ORCH,
                     {"objectRef.namespace", "requestObject.metadata.namespace"}},
    [R_RESOURCE_TYPE] = {"orchestrator.resource.type", GNORM_G_ORCH, {"objectRef.resource"}},
    [R_SUBRESOURCE] = {"orchestrator.resource.subresource",
                       GNORM_G_ORCH,
                       {"objectRef.subresource"}},
    [R_RESOURCE_NAME] = {"orchestrator.resource.name",
                         GNORM_G_ORCH,
                         {"objectRef.name", "requestObject.metadata.name",
                          "responseObject.metadata.name"}},
    [R_API_GROUP] = {"orchestrator.resource.api_group", GNORM_G_ORCH, {"objectRef.apiGroup"}},
};

const gnorm_rename *gnorm_k8s_audit_renames(size_t *count) {
    *count = R_COUNT;
    return renames;
}

static void put_rename(gnorm_out *o, const cJSON *ev, int r) {
    if (!gnorm_wants(o, renames[r].group))
        return;
    const char *v = renames[r].source_name ? grt_source_name(GRT_SRC_K8S_AUDIT) : NULL;
    if (renames[r].derive) {
        const char *in[GNORM_RENAME_PATHS] = {NULL};
        for (size_t i = 0; i < GNORM_RENAME_PATHS && renames[r].paths[i]; i++)
            in[i] = gnorm_path_str(ev, renames[r].paths[i]);
        v = renames[r].derive(in);
    }
    for (size_t i = 0; !v && !renames[r].derive && i < GNORM_RENAME_PATHS && renames[r].paths[i];
         i++)
        v = gnorm_path_str(ev, renames[r].paths[i]);
    gnorm_str(o, renames[r].field, v);
}

/* The fields of one audit Event (`ev`), added to `o`. */
static void audit_fields(gnorm_out *o, const cJSON *ev) {
    const char *verb = gnorm_path_str(ev, "verb");
    const char *resource = gnorm_path_str(ev, "objectRef.resource");
    const char *sub = gnorm_path_str(ev, "objectRef.subresource");
    const cJSON *req = gnorm_path(ev, "requestObject");
    const cJSON *resp = gnorm_path(ev, "responseObject");
    const char *action = k8s_action(verb, sub);
    if (gnorm_wants(o, GNORM_G_BASE)) {
        put_rename(o, ev, R_MODULE);
        const char *ts = gnorm_path_str(ev, "requestReceivedTimestamp");
        if (!ts)
            ts = gnorm_path_str(ev, "timestamp");
        if (!ts)
            ts = gnorm_path_str(ev, "stageTimestamp");
        gnorm_time(o, ts, ts ? strlen(ts) : 0);
        put_rename(o, ev, R_ACTION);
        put_rename(o, ev, R_ORIGINAL_ACTION);
        outcome(o, decision(gnorm_path(ev, "annotations")), gnorm_path(ev, "responseStatus.code"));
        put_rename(o, ev, R_ID);
    }
    if (gnorm_wants(o, GNORM_G_ACTOR)) {
        put_rename(o, ev, R_USER_NAME);
        put_rename(o, ev, R_USER_ID);
        const cJSON *g;
        cJSON_ArrayForEach(g, gnorm_path(ev, "user.groups")) {
            if (cJSON_IsString(g))
                gnorm_push_str(o, "user.group.name", g->valuestring);
        }
        const cJSON *ips = gnorm_path(ev, "sourceIPs");
        if (cJSON_IsArray(ips) && cJSON_IsString(ips->child))
            gnorm_str(o, "source.ip", ips->child->valuestring);
        put_rename(o, ev, R_USER_AGENT);
    }
    if (gnorm_wants(o, GNORM_G_HTTP)) {
        put_rename(o, ev, R_URL);
        const cJSON *code = gnorm_path(ev, "responseStatus.code");
        if (cJSON_IsNumber(code))
            gnorm_num(o, "http.response.status_code", code->valuedouble);
    }
    if (gnorm_wants(o, GNORM_G_ORCH)) {
        put_rename(o, ev, R_NAMESPACE);
        put_rename(o, ev, R_RESOURCE_TYPE);
        put_rename(o, ev, R_SUBRESOURCE);
        put_rename(o, ev, R_RESOURCE_NAME);
        put_rename(o, ev, R_API_GROUP);
    }
    /* what gnorm_k8s_audit_no_workload() tells apart */
    if (gnorm_wants(o, GNORM_G_WORKLOAD)) {
        if (is_exec(action)) {
            exec_query(o, gnorm_path_str(ev, "requestURI"));
        } else {
            workload_body(o, cJSON_IsObject(req) || cJSON_IsArray(req) ? req : resp, resource, sub);
        }
    }
}

/* GKE: methodName "io.k8s.core.v1.pods.exec.create", resourceName
 * "core/v1/namespaces/default/pods/nginx/exec". The raw audit paths a Sigma
 * rule reads (verb, objectRef.*) are added as flat keys so such rules match
 * GKE records unchanged. */
static void gke_fields(gnorm_out *o, cJSON *root) {
    const cJSON *pp = gnorm_path(root, "protoPayload");
    const char *method = gnorm_path_str(pp, "methodName");
    const char *rname = gnorm_path_str(pp, "resourceName");
    const char *verb = method ? strrchr(method, '.') : NULL;
    verb = verb ? verb + 1 : NULL;
    char buf[512];
    const char *parts[16];
    size_t np = 0;
    if (rname && strlen(rname) < sizeof buf) {
        strcpy(buf, rname);
        char *save = NULL;
        for (char *t = strtok_r(buf, "/", &save); t && np < 16; t = strtok_r(NULL, "/", &save))
            parts[np++] = t;
    }
    /* [apis|core]/[group]/version/[namespaces/ns/]resource[/name[/sub]] */
    size_t i = 0;
    const char *group = NULL, *ns = NULL, *resource = NULL, *name = NULL, *sub = NULL;
    if (i < np && strcmp(parts[i], "apis") == 0)
        i++;
    if (i + 1 < np && parts[i + 1][0] == 'v' && parts[i + 1][1] >= '0' && parts[i + 1][1] <= '9') {
        group = strcmp(parts[i], "core") == 0 ? "" : parts[i];
        i += 2;
        if (i + 1 < np && strcmp(parts[i], "namespaces") == 0 && i + 2 < np) {
            ns = parts[i + 1];
            i += 2;
        }
        resource = i < np ? parts[i++] : NULL;
        name = i < np ? parts[i++] : NULL;
        sub = i < np ? parts[i++] : NULL;
    }
    const char *action = k8s_action(verb, sub);
    const cJSON *req = gnorm_path(pp, "request");
    const cJSON *resp = gnorm_path(pp, "response");
    if (gnorm_wants(o, GNORM_G_BASE)) {
        gnorm_str(o, "event.module", grt_source_name(GRT_SRC_K8S_AUDIT));
        {
            const char *t = gnorm_path_str(root, "timestamp");
            gnorm_time(o, t, t ? strlen(t) : 0);
        }
        gnorm_str(o, "event.action", action);
        gnorm_str(o, "event.original_action", verb);
        outcome(o, decision(gnorm_path(root, "labels")), NULL);
        gnorm_str(o, "event.id", gnorm_path_str(root, "insertId"));
    }
    if (gnorm_wants(o, GNORM_G_ACTOR)) {
        gnorm_str(o, "user.name", gnorm_path_str(pp, "authenticationInfo.principalEmail"));
        gnorm_str(o, "source.ip", gnorm_path_str(pp, "requestMetadata.callerIp"));
        gnorm_str(o, "user_agent.original",
                  gnorm_path_str(pp, "requestMetadata.callerSuppliedUserAgent"));
    }
    if (gnorm_wants(o, GNORM_G_ORCH)) {
        gnorm_str(o, "orchestrator.namespace", ns);
        gnorm_str(o, "orchestrator.resource.type", resource);
        gnorm_str(o, "orchestrator.resource.subresource", sub);
        gnorm_str(o, "orchestrator.resource.name", name ? name : metadata_name(req, resp));
        gnorm_str(o, "orchestrator.resource.api_group", group);
        gnorm_str(o, "orchestrator.cluster.name",
                  gnorm_path_str(root, "resource.labels.cluster_name"));
    }
    gnorm_str(o, "verb", verb);
    gnorm_str(o, "objectRef.resource", resource);
    gnorm_str(o, "objectRef.subresource", sub);
    gnorm_str(o, "objectRef.namespace", ns);
    gnorm_str(o, "objectRef.name", name);
    gnorm_str(o, "objectRef.apiGroup", group);
    if (gnorm_wants(o, GNORM_G_WORKLOAD) && action && strcmp(action, "exec") != 0)
        workload_body(o, cJSON_IsObject(req) || cJSON_IsArray(req) ? req : resp, resource, sub);
}

gantry_status gnorm_k8s_audit(cJSON *root, unsigned want, cJSON **event, const char **reason) {
    int form = gnorm_is_k8s_audit(root);
    if (form == 0) {
        cJSON_Delete(root);
        return gnorm_malformed(reason, "not a Kubernetes audit event");
    }
    if (form == 2) {
        /* AKS: the Event becomes the document; the envelope stays under "aks". */
        cJSON *props = cJSON_GetObjectItemCaseSensitive(root, "properties");
        cJSON *log = cJSON_DetachItemFromObjectCaseSensitive(props, "log");
        cJSON *ev = log;
        if (cJSON_IsString(log)) {
            const char *why = NULL;
            ev = gnorm_parse_json(log->valuestring, strlen(log->valuestring), &why);
            cJSON_Delete(log);
            if (!ev) {
                cJSON_Delete(root);
                return gnorm_malformed(reason, "AKS record: properties.log is not valid JSON");
            }
        }
        if (!cJSON_IsObject(ev)) {
            cJSON_Delete(ev);
            cJSON_Delete(root);
            return gnorm_malformed(reason, "AKS record: properties.log is not an object");
        }
        gnorm_strip_schema_keys(ev);
        gnorm_out o = {.obj = ev, .want = want, .nomem = 0};
        audit_fields(&o, ev);
        const char *rid = gnorm_path_str(root, "resourceId");
        const char *cluster = rid ? strrchr(rid, '/') : NULL;
        if (cluster && gnorm_wants(&o, GNORM_G_ORCH))
            gnorm_str(&o, "orchestrator.cluster.name", cluster + 1);
        cJSON_AddItemToObjectCS(ev, "aks", root);
        *event = ev;
        return o.nomem ? GANTRY_E_NOMEM : GANTRY_OK;
    }
    gnorm_strip_schema_keys(root);
    gnorm_out o = {.obj = root, .want = want, .nomem = 0};
    if (form == 3)
        gke_fields(&o, root);
    else
        audit_fields(&o, root);
    *event = root;
    return o.nomem ? GANTRY_E_NOMEM : GANTRY_OK;
}
