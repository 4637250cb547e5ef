/* SPDX-License-Identifier: Apache-2.0 */
/* Falco JSON alerts (`json_output: true`): syscall-source alerts carry
 * container.* / proc.* / k8s.* in output_fields, k8s_audit-source alerts
 * carry ka.*. */
#include <stdlib.h>
#include <string.h>

#include "normalize.h"
#include "sources.h"

int gnorm_is_falco(const cJSON *root) {
    return cJSON_IsObject(gnorm_path(root, "output_fields")) &&
           cJSON_IsString(gnorm_path(root, "rule")) &&
           (gnorm_path(root, "priority") || gnorm_path(root, "output"));
}

static const cJSON *field(const cJSON *of, const char *name) {
    return cJSON_GetObjectItemCaseSensitive(of, name);
}

static const char *field_str(const cJSON *of, const char *name) {
    const cJSON *v = field(of, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int field_bool(const cJSON *of, const char *name) {
    const cJSON *v = field(of, name);
    if (cJSON_IsBool(v))
        return cJSON_IsTrue(v);
    if (cJSON_IsString(v))
        return strcmp(v->valuestring, "true") == 0    ? 1
               : strcmp(v->valuestring, "false") == 0 ? 0
                                                      : -1;
    return -1;
}

static void copy_str(gnorm_out *o, const char *key, const cJSON *of, const char *name) {
    gnorm_str(o, key, field_str(of, name));
}

static const char *verb_action(const char *verb) {
    static const char *const verbs[] = {"create", "update", "patch", "delete",
                                        "get",    "list",   "watch", NULL};
    for (size_t i = 0; verb && verbs[i]; i++)
        if (strcmp(verb, verbs[i]) == 0)
            return verbs[i];
    return NULL;
}

/* container.mounts: "src:dst:mode:rdwr:propagation" items, blank or comma separated. */
static void falco_mounts(gnorm_out *o, const char *mounts) {
    const char *p = mounts;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *s = p;
        while (*p && *p != ' ' && *p != ',')
            p++;
        if (p == s)
            break;
        const char *parts[5] = {0};
        size_t lens[5] = {0};
        size_t n = 0;
        const char *q = s;
        while (q <= p && n < 5) {
            const char *c = memchr(q, ':', (size_t)(p - q));
            const char *e = c ? c : p;
            parts[n] = q;
            lens[n++] = (size_t)(e - q);
            q = e + 1;
        }
        gnorm_push_host_path(o, "container.mounts.source", parts[0], lens[0], NULL);
        gnorm_push_strn(o, "container.mounts.destination", n > 1 ? parts[1] : "",
                        n > 1 ? lens[1] : 0);
        int rw = n > 3 && lens[3] == 4 && memcmp(parts[3], "true", 4) == 0;
        if (rw)
            gnorm_push_host_path(o, "container.mounts.writable_source", parts[0], lens[0], NULL);
        gnorm_push_bool(o, "container.mounts.read_only", n > 3 && !rw);
        gnorm_push_str(o, "container.mounts.type", "bind");
    }
}

/* A number field as Falco prints it: a JSON number, or its text. */
static void copy_num(gnorm_out *o, const char *key, const cJSON *of, const char *name) {
    const cJSON *v = field(of, name);
    if (cJSON_IsNumber(v))
        gnorm_num(o, key, v->valuedouble);
    else if (cJSON_IsString(v) && v->valuestring[0] >= '0' && v->valuestring[0] <= '9')
        gnorm_num(o, key, strtod(v->valuestring, NULL));
}

static int among(const char *s, const char *const *list) {
    for (; s && *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}

/* The Sigma category of a syscall alert (event.category, base/sources.h):
 * an exec is process_creation; otherwise the kind of the file descriptor the
 * syscall used (fd.type: file or directory, ipv4 or ipv6), and without fd.type
 * the syscall itself (evt.type). Alerts of other syscalls, with neither, and
 * k8s_audit-source alerts have no category. */
enum falco_cat { CAT_NONE, CAT_PROCESS, CAT_FILE, CAT_NETWORK };
static const char *const cat_names[] = {NULL, GRT_CAT_PROCESS_CREATION, GRT_CAT_FILE_EVENT,
                                        GRT_CAT_NETWORK_CONNECTION};

static enum falco_cat falco_category(const cJSON *of) {
    static const char *const exec[] = {"execve", "execveat", NULL};
    static const char *const file_fd[] = {"file", "directory", NULL};
    static const char *const net_fd[] = {"ipv4", "ipv6", NULL};
    static const char *const file_evt[] = {
        "open",   "openat",   "openat2", "creat",    "rename", "renameat", "renameat2",
        "unlink", "unlinkat", "mkdir",   "mkdirat",  "rmdir",  "symlink",  "symlinkat",
        "link",   "linkat",   "chmod",   "fchmodat", "chown",  "fchownat", NULL};
    static const char *const net_evt[] = {"connect", "accept", "accept4",  "listen",
                                          "bind",    "sendto", "recvfrom", NULL};
    const char *evt = field_str(of, "evt.type");
    const char *fd = field_str(of, "fd.type");
    if (among(evt, exec))
        return CAT_PROCESS;
    if (fd)
        return among(fd, file_fd) ? CAT_FILE : among(fd, net_fd) ? CAT_NETWORK : CAT_NONE;
    if (among(evt, file_evt))
        return CAT_FILE;
    if (among(evt, net_evt))
        return CAT_NETWORK;
    return CAT_NONE;
}

/* The process, file and network fields of a syscall alert. */
static void falco_syscall(gnorm_out *o, const cJSON *of, enum falco_cat category) {
    gnorm_process_cmdline(o, field_str(of, "proc.cmdline"));
    const char *exe = field_str(of, "proc.exepath");
    if (exe) {
        cJSON_DeleteItemFromObjectCaseSensitive(o->obj, "process.executable");
        gnorm_push_str(o, "process.executable", exe);
    }
    copy_str(o, "process.name", of, "proc.name");
    copy_num(o, "process.pid", of, "proc.pid");
    copy_str(o, "process.working_directory", of, "proc.cwd");
    /* proc.pexepath is the parent's full path, proc.pexe its argv[0] */
    const char *pexe = field_str(of, "proc.pexepath");
    gnorm_str(o, "process.parent.executable", pexe ? pexe : field_str(of, "proc.pexe"));
    copy_str(o, "process.parent.name", of, "proc.pname");
    copy_str(o, "process.parent.command_line", of, "proc.pcmdline");
    copy_num(o, "process.parent.pid", of, "proc.ppid");
    if (category == CAT_FILE) {
        copy_str(o, "file.path", of, "fd.name");
        copy_str(o, "file.directory", of, "fd.directory");
    } else if (category == CAT_NETWORK) {
        /* the server end is the destination, the client end the source
         * (source.ip is an actor field, written above) */
        copy_str(o, "destination.ip", of, "fd.sip");
        copy_num(o, "destination.port", of, "fd.sport");
        copy_str(o, "destination.domain", of, "fd.sip.name");
        copy_num(o, "source.port", of, "fd.cport");
        copy_str(o, "network.transport", of, "fd.l4proto");
        const char *evt = field_str(of, "evt.type");
        if (evt && strcmp(evt, "connect") == 0)
            gnorm_bool(o, "network.initiated", 1);
        else if (evt && strncmp(evt, "accept", 6) == 0)
            gnorm_bool(o, "network.initiated", 0);
    }
}

static void falco_fields(gnorm_out *o, const cJSON *root) {
    const cJSON *of = gnorm_path(root, "output_fields");
    const char *source = gnorm_path_str(root, "source");
    const char *verb = field_str(of, "ka.verb");
    const char *evt = field_str(of, "evt.type");
    int k8s_source = source && strcmp(source, grt_source_name(GRT_SRC_K8S_AUDIT)) == 0;
    enum falco_cat category = k8s_source ? CAT_NONE : falco_category(of);
    if (gnorm_wants(o, GNORM_G_BASE)) {
        gnorm_str(o, "event.module", grt_source_name(GRT_SRC_FALCO));
        gnorm_str(o, "event.category", cat_names[category]);
        {
            const char *t = gnorm_path_str(root, "time");
            gnorm_time(o, t, t ? strlen(t) : 0);
        }
        gnorm_str(o, "rule.name", gnorm_path_str(root, "rule"));
        gnorm_str(o, "log.level", gnorm_path_str(root, "priority"));
        gnorm_str(o, "host.name", gnorm_path_str(root, "hostname"));
        if (verb) {
            gnorm_str(o, "event.action", verb_action(verb));
            gnorm_str(o, "event.original_action", verb);
        } else if (evt) {
            if (strcmp(evt, "execve") == 0 || strcmp(evt, "execveat") == 0)
                gnorm_str(o, "event.action", "exec");
            gnorm_str(o, "event.original_action", evt);
        }
    }
    if (gnorm_wants(o, GNORM_G_ACTOR)) {
        const char *user = field_str(of, "ka.user.name");
        gnorm_str(o, "user.name", user ? user : field_str(of, "user.name"));
        const cJSON *uid = field(of, "user.uid");
        if (cJSON_IsNumber(uid))
            gnorm_num(o, "user.id", uid->valuedouble);
        copy_str(o, "user_agent.original", of, "ka.useragent");
        const char *ips = field_str(of, "ka.sourceips");
        if (ips) {
            /* Falco prints lists as "[a,b]" */
            const char *s = ips[0] == '[' ? ips + 1 : ips;
            size_t n = strcspn(s, ",]");
            gnorm_strn(o, "source.ip", s, n);
        } else if (category == CAT_NETWORK) {
            copy_str(o, "source.ip", of, "fd.cip"); /* the client end of the connection */
        }
    }
    if (gnorm_wants(o, GNORM_G_HTTP)) {
        copy_str(o, "url.original", of, "ka.uri");
        const cJSON *code = field(of, "ka.response.code");
        if (cJSON_IsString(code) || cJSON_IsNumber(code))
            gnorm_num(o, "http.response.status_code",
                      cJSON_IsNumber(code) ? code->valuedouble : (double)atoi(code->valuestring));
    }
    if (gnorm_wants(o, GNORM_G_ORCH)) {
        const char *ns = field_str(of, "ka.target.namespace");
        gnorm_str(o, "orchestrator.namespace", ns ? ns : field_str(of, "k8s.ns.name"));
        const char *name = field_str(of, "ka.target.name");
        gnorm_str(o, "orchestrator.resource.name", name ? name : field_str(of, "k8s.pod.name"));
        copy_str(o, "orchestrator.resource.type", of, "ka.target.resource");
        copy_str(o, "orchestrator.resource.subresource", of, "ka.target.subresource");
    }
    if (gnorm_wants(o, GNORM_G_CONTAINER)) {
        const char *id = field_str(of, "container.full_id");
        gnorm_str(o, "container.id", id ? id : field_str(of, "container.id"));
        const char *name = field_str(of, "container.name");
        if (name && strcmp(name, "host") != 0)
            gnorm_push_str(o, "container.name", name);
    }
    if (gnorm_wants(o, GNORM_G_CONTAINER | GNORM_G_IMAGE)) {
        const char *image = field_str(of, "container.image");
        if (!image)
            image = field_str(of, "ka.req.pod.containers.image");
        if (image && image[0] != '[')
            gnorm_image(o, image);
        else if (!image && field_str(of, "container.image.repository")) {
            gnorm_out tmp = *o;
            tmp.want &= ~GNORM_G_IMAGE;
            gnorm_push_str(&tmp, "container.image.name",
                           field_str(of, "container.image.repository"));
            o->nomem |= tmp.nomem;
        }
        if (gnorm_wants(o, GNORM_G_IMAGE) && (!image || image[0] == '[')) {
            static const char *const parts[] = {"container.image.repository", "container.image.tag",
                                                "container.image.digest"};
            for (size_t i = 0; i < 3; i++)
                gnorm_push_str(o, parts[i], field_str(of, parts[i]));
        }
    }
    if (gnorm_wants(o, GNORM_G_SECURITY)) {
        int priv = field_bool(of, "container.privileged");
        if (priv < 0)
            priv = field_bool(of, "ka.req.pod.containers.privileged");
        if (priv >= 0)
            gnorm_bool(o, "container.security_context.privileged", priv);
        static const char *const host[][2] = {{"container.host_pid", "ka.req.pod.host_pid"},
                                              {"container.host_network", "ka.req.pod.host_network"},
                                              {"container.host_ipc", "ka.req.pod.host_ipc"}};
        for (size_t i = 0; i < 3; i++) {
            int v = field_bool(of, host[i][0]);
            if (v < 0)
                v = field_bool(of, host[i][1]);
            if (v >= 0)
                gnorm_bool(o, host[i][0], v);
        }
    }
    if (gnorm_wants(o, GNORM_G_MOUNTS)) {
        const char *mounts = field_str(of, "container.mounts");
        if (mounts)
            falco_mounts(o, mounts);
    }
    if (gnorm_wants(o, GNORM_G_PROCESS) && !k8s_source)
        falco_syscall(o, of, category);
}

gantry_status gnorm_falco(cJSON *root, unsigned want, cJSON **event, const char **reason) {
    if (!gnorm_is_falco(root)) {
        cJSON_Delete(root);
        return gnorm_malformed(reason, "not a Falco alert");
    }
    gnorm_strip_schema_keys(root);
    gnorm_out o = {.obj = root, .want = want, .nomem = 0};
    falco_fields(&o, root);
    *event = root;
    return o.nomem ? GANTRY_E_NOMEM : GANTRY_OK;
}

gantry_status gnorm_plain_json(cJSON *root, unsigned want, cJSON **event, const char **reason) {
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return gnorm_malformed(reason, "JSON value is not an object");
    }
    if ((want & GNORM_G_BASE) && !cJSON_GetObjectItemCaseSensitive(root, "event.module")) {
        gnorm_out o = {.obj = root, .want = want, .nomem = 0};
        gnorm_str(&o, "event.module", GRT_SOURCE_JSON_NAME);
        if (o.nomem) {
            *event = root;
            return GANTRY_E_NOMEM;
        }
    }
    *event = root;
    return GANTRY_OK;
}
