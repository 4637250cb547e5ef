/* SPDX-License-Identifier: Apache-2.0 */
/* Docker Engine events (`docker events --format '{{json .}}'`, the /events
 * API, and the CLI's default text form) and Docker container-create request
 * bodies (shared with the dockerd log module). */
#include <stdint.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

#include "normalize.h"
#include "sources.h"

int gnorm_is_docker_event(const cJSON *root) {
    if (cJSON_IsString(gnorm_path(root, "Type")) && cJSON_IsString(gnorm_path(root, "Action")) &&
        cJSON_IsObject(gnorm_path(root, "Actor")))
        return 1;
    /* Pre-1.22 daemons: status/id/from/time only. */
    return cJSON_IsString(gnorm_path(root, "status")) && cJSON_IsString(gnorm_path(root, "id")) &&
           cJSON_IsNumber(gnorm_path(root, "time")) && !gnorm_path(root, "Actor");
}

static const char *docker_action(const char *verb, size_t n) {
    static const char *const map[][2] = {
        {"create", "create"},    {"start", "start"},     {"restart", "start"}, {"stop", "stop"},
        {"die", "die"},          {"kill", "kill"},       {"pull", "pull"},     {"attach", "attach"},
        {"destroy", "delete"},   {"remove", "delete"},   {"delete", "delete"}, {"untag", "delete"},
        {"exec_create", "exec"}, {"exec_start", "exec"}, {"update", "update"}, {"rename", "update"},
        {"build", "build"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strlen(map[i][0]) == n && memcmp(map[i][0], verb, n) == 0)
            return map[i][1];
    return NULL;
}

/* cJSON keeps numbers as doubles, which hold today's nanoseconds since 1970
 * only to about 256 ns, so the exact value is read back from the line's own
 * digits. A digit run counts only when it follows a "timeNano" key and is
 * the number cJSON parsed, so another member spelled the same way (nested,
 * or a label) cannot stand in for it; anything unclear keeps the double. */
static int exact_time_nano(const char *text, size_t len, double parsed, int64_t *out) {
    static const char key[] = "\"timeNano\"";
    const size_t klen = sizeof key - 1;
    for (size_t i = 0; text && i + klen < len; i++) {
        if (memcmp(text + i, key, klen) != 0)
            continue;
        size_t p = i + klen;
        while (p < len && (text[p] == ' ' || text[p] == '\t'))
            p++;
        if (p >= len || text[p++] != ':')
            continue;
        while (p < len && (text[p] == ' ' || text[p] == '\t'))
            p++;
        int neg = p < len && text[p] == '-';
        p += (size_t)neg;
        uint64_t v = 0;
        size_t digits = 0;
        while (p < len && text[p] >= '0' && text[p] <= '9' && digits < 19) {
            v = v * 10 + (uint64_t)(text[p++] - '0');
            digits++;
        }
        if (digits == 0 || v > INT64_MAX ||
            (p < len && (text[p] == '.' || text[p] == 'e' || text[p] == 'E' ||
                         (text[p] >= '0' && text[p] <= '9'))))
            continue;
        int64_t n = neg ? -(int64_t)v : (int64_t)v;
        if ((double)n == parsed) {
            *out = n;
            return 1;
        }
    }
    return 0;
}

/* `text` is the JSON line the event was parsed from (NULL for the text
 * form): it only sharpens timeNano. */
static void docker_event_fields(gnorm_out *o, const cJSON *ev, const char *text, size_t len) {
    const char *type = gnorm_path_str(ev, "Type");
    const char *action = gnorm_path_str(ev, "Action");
    const char *id = gnorm_path_str(ev, "Actor.ID");
    const cJSON *attrs = gnorm_path(ev, "Actor.Attributes");
    if (!action) { /* legacy form */
        action = gnorm_path_str(ev, "status");
        id = gnorm_path_str(ev, "id");
        type = "container";
    }
    if (!type)
        type = "container";
    const char *payload = action ? strstr(action, ": ") : NULL;
    size_t verb_len = action ? (payload ? (size_t)(payload - action) : strlen(action)) : 0;
    const char *name = cJSON_IsString(cJSON_GetObjectItemCaseSensitive(attrs, "name"))
                           ? cJSON_GetObjectItemCaseSensitive(attrs, "name")->valuestring
                           : NULL;
    const cJSON *image_item = cJSON_GetObjectItemCaseSensitive(attrs, "image");
    const char *image =
        cJSON_IsString(image_item) ? image_item->valuestring : gnorm_path_str(ev, "from");
    int is_container = strcmp(type, "container") == 0;
    if (gnorm_wants(o, GNORM_G_BASE)) {
        gnorm_str(o, "event.module", grt_source_name(GRT_SRC_DOCKER_EVENTS));
        const cJSON *ns = gnorm_path(ev, "timeNano");
        const cJSON *s = gnorm_path(ev, "time");
        /* Only times that fit int64 nanoseconds (about 1678..2262): a
         * hostile `time` must not overflow the conversion. */
        double t = cJSON_IsNumber(ns)  ? ns->valuedouble
                   : cJSON_IsNumber(s) ? trunc(s->valuedouble) * 1e9
                                       : NAN;
        int64_t exact;
        if (cJSON_IsNumber(ns) && exact_time_nano(text, len, ns->valuedouble, &exact))
            gnorm_timestamp_ns(o, exact);
        else if (t > -9.2e18 && t < 9.2e18)
            gnorm_timestamp_ns(o, (int64_t)t);
        if (action) {
            gnorm_str(o, "event.action", docker_action(action, verb_len));
            gnorm_strn(o, "event.original_action", action, verb_len);
        }
    }
    if (gnorm_wants(o, GNORM_G_ORCH)) {
        gnorm_str(o, "orchestrator.resource.type", type);
        gnorm_str(o, "orchestrator.resource.name", name);
    }
    if (gnorm_wants(o, GNORM_G_CONTAINER) && is_container) {
        gnorm_str(o, "container.id", id);
        gnorm_push_str(o, "container.name", name);
    }
    if (gnorm_wants(o, GNORM_G_CONTAINER | GNORM_G_IMAGE)) {
        if (is_container)
            gnorm_image(o, image);
        else if (strcmp(type, "image") == 0)
            gnorm_image(o, id);
    }
    if (gnorm_wants(o, GNORM_G_PROCESS) && payload &&
        (strncmp(action, "exec_create", verb_len) == 0 ||
         strncmp(action, "exec_start", verb_len) == 0))
        gnorm_process_cmdline(o, payload + 2);
    if (gnorm_wants(o, GNORM_G_MOUNTS)) {
        /* Docker Desktop labels bind sources: desktop.docker.io/binds/<n>/Source. */
        for (const cJSON *a = attrs ? attrs->child : NULL; a; a = a->next) {
            size_t kl = a->string ? strlen(a->string) : 0;
            if (kl > 7 && strncmp(a->string, "desktop.docker.io/binds/", 24) == 0 &&
                strcmp(a->string + kl - 7, "/Source") == 0 && cJSON_IsString(a))
                gnorm_push_str(o, "container.mounts.source", a->valuestring);
        }
    }
}

gantry_status gnorm_docker_event(cJSON *root, const char *text, size_t len, unsigned want,
                                 cJSON **event, const char **reason) {
    if (!gnorm_is_docker_event(root)) {
        cJSON_Delete(root);
        return gnorm_malformed(reason, "not a Docker event");
    }
    gnorm_strip_schema_keys(root);
    gnorm_out o = {.obj = root, .want = want, .nomem = 0};
    docker_event_fields(&o, root, text, len);
    *event = root;
    return o.nomem ? GANTRY_E_NOMEM : GANTRY_OK;
}

/* ---- default text form:
 * 2017-01-05T00:35:58.859401177+08:00 container create 0fdb48... (image=alpine:latest, name=test)
 */

static const char *const docker_types[] = {"container", "image",  "network", "volume",
                                           "plugin",    "daemon", "service", "node",
                                           "secret",    "config", "builder", NULL};

int gnorm_docker_text_detect(const char *line, size_t len) {
    if (len < 25 || line[4] != '-' || line[7] != '-' || line[10] != 'T')
        return 0;
    const char *sp = memchr(line, ' ', len);
    if (!sp)
        return 0;
    const char *type = sp + 1;
    size_t rest = len - (size_t)(type - line);
    for (size_t i = 0; docker_types[i]; i++) {
        size_t n = strlen(docker_types[i]);
        if (rest > n && memcmp(type, docker_types[i], n) == 0 && type[n] == ' ')
            return 1;
    }
    return 0;
}

gantry_status gnorm_docker_text(const char *line, size_t len, unsigned want, cJSON **event,
                                const char **reason) {
    if (!gnorm_docker_text_detect(line, len))
        return gnorm_malformed(reason, "not a Docker event line");
    const char *end = line + len;
    const char *ts_end = memchr(line, ' ', len);
    const char *type = ts_end + 1;
    const char *type_end = memchr(type, ' ', (size_t)(end - type));
    const char *attrs = NULL;
    /* Attributes are the last "(...)" group; the id is the word before it. */
    const char *body_end = end;
    if (len && end[-1] == ')') {
        for (const char *p = end - 1; p > type_end; p--)
            if (*p == '(' && p[-1] == ' ') {
                attrs = p + 1;
                body_end = p - 1;
                break;
            }
    }
    const char *id = body_end;
    while (id > type_end + 1 && id[-1] != ' ')
        id--;
    const char *action = type_end + 1;
    const char *action_end = id > action ? id - 1 : body_end;
    if (action_end <= action)
        return gnorm_malformed(reason, "Docker event line without an action");

    cJSON *ev = cJSON_CreateObject();
    cJSON *actor = cJSON_CreateObject();
    cJSON *attr_obj = cJSON_CreateObject();
    if (!ev || !actor || !attr_obj) {
        cJSON_Delete(ev);
        cJSON_Delete(actor);
        cJSON_Delete(attr_obj);
        return GANTRY_E_NOMEM;
    }
    gnorm_out raw = {.obj = ev, .want = GNORM_G_ALL, .nomem = 0};
    gnorm_strn(&raw, "message", line, len);
    gnorm_strn(&raw, "Type", type, (size_t)(type_end - type));
    gnorm_strn(&raw, "Action", action, (size_t)(action_end - action));
    cJSON_AddItemToObjectCS(ev, "Actor", actor);
    gnorm_out ra = {.obj = actor, .want = GNORM_G_ALL, .nomem = 0};
    gnorm_strn(&ra, "ID", id, (size_t)(body_end - id));
    cJSON_AddItemToObjectCS(actor, "Attributes", attr_obj);
    if (attrs) {
        const char *p = attrs, *stop = end - 1;
        while (p < stop) {
            const char *comma = p;
            while (comma < stop && !(comma[0] == ',' && comma + 1 < stop && comma[1] == ' '))
                comma++;
            const char *eq = memchr(p, '=', (size_t)(comma - p));
            if (eq) {
                char key[256];
                size_t kn = (size_t)(eq - p);
                if (kn < sizeof key) {
                    memcpy(key, p, kn);
                    key[kn] = '\0';
                    char *val = malloc((size_t)(comma - eq));
                    if (val) {
                        memcpy(val, eq + 1, (size_t)(comma - eq - 1));
                        val[comma - eq - 1] = '\0';
                        cJSON_AddStringToObject(attr_obj, key, val);
                        free(val);
                    }
                }
            }
            p = comma + 2;
        }
    }
    gnorm_out o = {.obj = ev, .want = want, .nomem = raw.nomem | ra.nomem};
    docker_event_fields(&o, ev, NULL, 0);
    if (gnorm_wants(&o, GNORM_G_BASE))
        gnorm_time(&o, line, (size_t)(ts_end - line));
    *event = ev;
    return o.nomem ? GANTRY_E_NOMEM : GANTRY_OK;
}

/* ---- create request bodies ---- */

static void bind_mount(gnorm_out *o, const char *bind) {
    /* "src:dst[:opts]"; a single path is an anonymous volume at dst. */
    const char *c1 = strchr(bind, ':');
    const char *src = bind, *dst = bind;
    size_t src_len = 0, dst_len = strlen(bind);
    const char *opts = NULL;
    if (c1) {
        src_len = (size_t)(c1 - bind);
        dst = c1 + 1;
        const char *c2 = strchr(dst, ':');
        dst_len = c2 ? (size_t)(c2 - dst) : strlen(dst);
        opts = c2 ? c2 + 1 : NULL;
    }
    gnorm_push_host_path(o, "container.mounts.source", src, src_len, NULL);
    gnorm_push_strn(o, "container.mounts.destination", dst, dst_len);
    int ro = 0;
    if (opts) {
        for (const char *p = opts; *p;) {
            const char *e = strchr(p, ',');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            if ((n == 2 && memcmp(p, "ro", 2) == 0) || (n == 8 && memcmp(p, "readonly", 8) == 0))
                ro = 1;
            p += n + (e ? 1 : 0);
        }
    }
    if (!ro && src_len && src[0] == '/')
        gnorm_push_host_path(o, "container.mounts.writable_source", src, src_len, NULL);
    gnorm_push_bool(o, "container.mounts.read_only", ro);
    gnorm_push_str(o, "container.mounts.type", src_len && src[0] == '/' ? "bind" : "volume");
}

/* Host settings sit in HostConfig; API clients before 1.24 also sent them at
 * the top level of create bodies and of the start body (which then held the
 * host config). A key in HostConfig wins over the same key at the top. */
typedef struct host_config {
    const cJSON *hc, *body;
} host_config;

static const cJSON *hc_get(const host_config *h, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(h->hc, key);
    return v ? v : cJSON_GetObjectItemCaseSensitive(h->body, key);
}

/* Whether the body carries host settings at its top level. `Privileged` is
 * also an exec body's own flag: it counts only beside an Image (old create)
 * or without a Cmd (old start body). */
static int legacy_host_config(const host_config *h) {
    static const char *const keys[] = {"Binds",       "CapAdd",       "Devices", "PidMode",
                                       "NetworkMode", "IpcMode",      "Mounts",  "SecurityOpt",
                                       "VolumesFrom", "PortBindings", "LxcConf", NULL};
    for (size_t i = 0; keys[i]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(h->body, keys[i]);
        if (v && !cJSON_IsNull(v) && !cJSON_GetObjectItemCaseSensitive(h->hc, keys[i]))
            return 1;
    }
    const cJSON *priv = cJSON_GetObjectItemCaseSensitive(h->body, "Privileged");
    return cJSON_IsBool(priv) && !cJSON_GetObjectItemCaseSensitive(h->hc, "Privileged") &&
           (gnorm_path(h->body, "Image") || !gnorm_path(h->body, "Cmd"));
}

static int mode_is_host(const host_config *h, const char *key) {
    const cJSON *v = hc_get(h, key);
    return cJSON_IsString(v) && strcmp(v->valuestring, "host") == 0;
}

/* A local-driver volume binds a host path when its options say o=bind (or
 * rbind, in a comma list) or type=none; `device` is then that path. */
static const char *bound_device(const cJSON *opts) {
    const char *device = gnorm_path_str(opts, "device");
    const char *type = gnorm_path_str(opts, "type");
    const char *o = gnorm_path_str(opts, "o");
    if (!device)
        return NULL;
    if (type && strcmp(type, "none") == 0)
        return device;
    for (const char *p = o; p && *p;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if ((n == 4 && memcmp(p, "bind", 4) == 0) || (n == 5 && memcmp(p, "rbind", 5) == 0))
            return device;
        p += n + (e ? 1 : 0);
    }
    return NULL;
}

/* POST /volumes/create: {"Name", "Driver", "DriverOpts": {...}}. */
static void volume_body(gnorm_out *o, const cJSON *body) {
    if (!gnorm_wants(o, GNORM_G_MOUNTS))
        return;
    gnorm_str(o, "volume.name", gnorm_path_str(body, "Name"));
    const char *driver = gnorm_path_str(body, "Driver");
    gnorm_str(o, "volume.driver", driver && *driver ? driver : "local");
    gnorm_str(o, "volume.bind_source", bound_device(gnorm_path(body, "DriverOpts")));
}

/* HostConfig.Devices: [{"PathOnHost", "PathInContainer", ...}], or the CLI's
 * "host[:container[:perms]]" strings some clients send. */
static void devices(gnorm_out *o, const cJSON *list) {
    const cJSON *d;
    cJSON_ArrayForEach(d, list) {
        if (cJSON_IsString(d)) {
            const char *c = strchr(d->valuestring, ':');
            gnorm_push_strn(o, "container.devices.host_path", d->valuestring,
                            c ? (size_t)(c - d->valuestring) : strlen(d->valuestring));
        } else {
            gnorm_push_str(o, "container.devices.host_path", gnorm_path_str(d, "PathOnHost"));
        }
    }
}

void gnorm_docker_body(gnorm_out *o, const cJSON *body) {
    if (!cJSON_IsObject(body))
        return;
    if (cJSON_IsObject(gnorm_path(body, "DriverOpts")) ||
        (gnorm_path(body, "Driver") && !gnorm_path(body, "Image"))) {
        volume_body(o, body);
        return;
    }
    const cJSON *hc = gnorm_path(body, "HostConfig");
    host_config h = {cJSON_IsObject(hc) ? hc : NULL, body};
    int legacy = legacy_host_config(&h);
    if (gnorm_wants(o, GNORM_G_CONTAINER | GNORM_G_IMAGE))
        gnorm_image(o, gnorm_path_str(body, "Image"));
    if (gnorm_wants(o, GNORM_G_SECURITY)) {
        const cJSON *pv = hc_get(&h, "Privileged");
        int priv = cJSON_IsBool(pv) ? cJSON_IsTrue(pv) : -1;
        const cJSON *cap;
        cJSON_ArrayForEach(cap, hc_get(&h, "CapAdd")) {
            if (cJSON_IsString(cap))
                gnorm_push_str(o, "container.security_context.capabilities.add", cap->valuestring);
        }
        gnorm_push_user(o, "container.security_context.run_as_user", gnorm_path_str(body, "User"));
        int pid = mode_is_host(&h, "PidMode");
        int net = mode_is_host(&h, "NetworkMode");
        int ipc = mode_is_host(&h, "IpcMode");
        if (priv >= 0 || hc || legacy)
            gnorm_bool(o, "container.security_context.privileged", priv == 1);
        if (hc || legacy) {
            gnorm_bool(o, "container.host_pid", pid);
            gnorm_bool(o, "container.host_network", net);
            gnorm_bool(o, "container.host_ipc", ipc);
        }
        const cJSON *opt;
        cJSON_ArrayForEach(opt, hc_get(&h, "SecurityOpt")) {
            if (cJSON_IsString(opt) && strncmp(opt->valuestring, "no-new-privileges", 17) == 0)
                gnorm_bool(o, "container.security_context.allow_privilege_escalation", 0);
        }
    }
    if (gnorm_wants(o, GNORM_G_MOUNTS)) {
        const cJSON *b;
        cJSON_ArrayForEach(b, hc_get(&h, "Binds")) {
            if (cJSON_IsString(b))
                bind_mount(o, b->valuestring);
        }
        const cJSON *m;
        cJSON_ArrayForEach(m, hc_get(&h, "Mounts")) {
            const char *src = gnorm_path_str(m, "Source");
            const char *dst = gnorm_path_str(m, "Target");
            const char *type = gnorm_path_str(m, "Type");
            /* A volume mount created on the fly with the local driver's bind
             * options mounts that host path. */
            const char *bound = bound_device(gnorm_path(m, "VolumeOptions.DriverConfig.Options"));
            if (bound) {
                src = bound;
                type = "bind";
            }
            int ro = gnorm_path_bool(m, "ReadOnly") == 1;
            src = src ? src : "";
            gnorm_push_host_path(o, "container.mounts.source", src, strlen(src), NULL);
            if (!ro && src[0] == '/')
                gnorm_push_host_path(o, "container.mounts.writable_source", src, strlen(src), NULL);
            gnorm_push_str(o, "container.mounts.destination", dst ? dst : "");
            gnorm_push_bool(o, "container.mounts.read_only", ro);
            gnorm_push_str(o, "container.mounts.type", type ? type : "volume");
        }
        devices(o, hc_get(&h, "Devices"));
    }
    if (gnorm_wants(o, GNORM_G_PROCESS)) {
        const cJSON *ep = gnorm_path(body, "Entrypoint");
        const cJSON *cmd = gnorm_path(body, "Cmd");
        if (cJSON_IsString(ep) || cJSON_IsArray(ep) || cJSON_IsString(cmd) || cJSON_IsArray(cmd))
            gnorm_process_argv(o, ep, cmd);
    }
    if (gnorm_wants(o, GNORM_G_ENV)) {
        const cJSON *e;
        cJSON_ArrayForEach(e, gnorm_path(body, "Env")) {
            if (!cJSON_IsString(e))
                continue;
            const char *eq = strchr(e->valuestring, '=');
            gnorm_push_strn(o, "container.env.name", e->valuestring,
                            eq ? (size_t)(eq - e->valuestring) : strlen(e->valuestring));
        }
    }
    if (legacy && gnorm_wants(o, GNORM_G_BASE))
        gnorm_bool(o, "docker.legacy_host_config", 1);
}
