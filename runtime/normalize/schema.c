/* SPDX-License-Identifier: Apache-2.0 */
/* The one table of normalized schema fields: what `gantry fields` prints,
 * what docs/schema.md documents, and how a pack's field dictionary maps to
 * the groups a normalizer computes. */
#include <string.h>

#include "normalize.h"
#include "sources.h"

/* norm_k8s.c writes none of these for an audit Event: they come from
 * Falco alerts, dockerd and containerd logs, Dashboard requests and text
 * lines (grep those normalizers before adding a field here). */
#define NOT_K8S GNORM_FROM(K8S_AUDIT)
/* every source's normalizer may write it */
#define ANY 0u

static const gnorm_field schema[] = {
    {"@timestamp", GNORM_G_BASE,
     "time of the event in RFC 3339 UTC (`Z`), when the source's time reads as ISO 8601; "
     "else as the source wrote it",
     ANY},
    {"@timestamp_original", GNORM_G_BASE,
     "the source's time as written, when @timestamp differs from it (another offset, a "
     "space for T, no zone, trailing zeros)",
     ANY},
    {"event.module", GNORM_G_BASE, "source kind: " GRT_SOURCE_NAME_LIST, ANY},
    {"event.category", GNORM_G_BASE,
     "Sigma logsource category, where the source decides one per event (Falco: "
     "process_creation, file_event, network_connection)",
     NOT_K8S},
    {"event.action", GNORM_G_BASE,
     "normalized action: create update patch delete get list watch exec attach portforward "
     "start stop die kill pull build deploy",
     ANY},
    {"event.original_action", GNORM_G_BASE, "the source's own verb, action, route or topic", ANY},
    {"event.outcome", GNORM_G_BASE, "success or failure, when the source says", ANY},
    {"event.id", GNORM_G_BASE, "the source's event id (audit ID, GKE insertId)", ANY},
    {"log.level", GNORM_G_BASE, "log level of text sources, priority of Falco alerts", NOT_K8S},
    {"message", GNORM_G_BASE, "the raw text line of text sources", NOT_K8S},
    {"log.message", GNORM_G_BASE, "the message part of a log line, unquoted", NOT_K8S},
    {"rule.name", GNORM_G_BASE, "name of the Falco rule that fired", NOT_K8S},
    {"host.name", GNORM_G_BASE, "host from a syslog prefix or a Falco alert", NOT_K8S},
    {"docker.request", GNORM_G_BASE, "parsed body of a dockerd API call (form data)", NOT_K8S},
    {"k8s_dashboard.request", GNORM_G_BASE, "parsed body of a Dashboard request", NOT_K8S},
    {"k8s_dashboard.request_text", GNORM_G_BASE,
     "a Dashboard request body that is not JSON (hidden, or cut short)", NOT_K8S},
    {"user.name", GNORM_G_ACTOR, "who made the request (audit user, GKE principal, Falco user)",
     ANY},
    {"user.id", GNORM_G_ACTOR, "user id (audit user.uid, Falco user.uid)", ANY},
    {"user.group.name", GNORM_G_ACTOR, "groups of the requesting user (multi-valued)", ANY},
    {"source.ip", GNORM_G_ACTOR, "client address of the request (of a connection, Falco fd.cip)",
     ANY},
    {"user_agent.original", GNORM_G_ACTOR, "user agent of the request", ANY},
    {"url.original", GNORM_G_HTTP, "request URI or API path with its query", ANY},
    {"http.request.method", GNORM_G_HTTP, "HTTP method of an API call seen in a log", NOT_K8S},
    {"http.version", GNORM_G_HTTP, "HTTP protocol version of a Dashboard request", NOT_K8S},
    {"http.response.status_code", GNORM_G_HTTP, "HTTP status of the response", ANY},
    {"orchestrator.namespace", GNORM_G_ORCH, "Kubernetes namespace of the target", ANY},
    {"orchestrator.resource.type", GNORM_G_ORCH,
     "resource kind acted on (pods, deployments; Docker: container, image, ...)", ANY},
    {"orchestrator.resource.subresource", GNORM_G_ORCH, "subresource (exec, attach, log, ...)",
     ANY},
    {"orchestrator.resource.name", GNORM_G_ORCH, "name of the target object", ANY},
    {"orchestrator.resource.api_group", GNORM_G_ORCH, "API group of the target (\"\" for core)",
     ANY},
    {"orchestrator.cluster.name", GNORM_G_ORCH, "cluster name from an AKS or GKE envelope", ANY},
    {"container.id", GNORM_G_CONTAINER, "container id", ANY},
    {"container.name", GNORM_G_CONTAINER, "container names (multi-valued)", ANY},
    {"container.image.name", GNORM_G_CONTAINER, "image references as written (multi-valued)", ANY},
    {"container.runtime.namespace", GNORM_G_CONTAINER,
     "containerd namespace (k8s.io, moby); not the Kubernetes namespace", NOT_K8S},
    {"container.image.registry", GNORM_G_IMAGE, "registry of each image (default docker.io)", ANY},
    {"container.image.repository", GNORM_G_IMAGE,
     "repository of each image (library/ added for one-word Docker Hub names)", ANY},
    {"container.image.tag", GNORM_G_IMAGE, "tag of each image (default latest)", ANY},
    {"container.image.digest", GNORM_G_IMAGE, "digest of each image (sha256:...)", ANY},
    {"container.security_context.privileged", GNORM_G_SECURITY,
     "true when any container runs privileged", ANY},
    {"container.security_context.allow_privilege_escalation", GNORM_G_SECURITY,
     "true when any container sets allowPrivilegeEscalation", ANY},
    {"container.security_context.run_as_user", GNORM_G_SECURITY,
     "user ids or names containers run as (multi-valued)", ANY},
    {"container.security_context.capabilities.add", GNORM_G_SECURITY,
     "capabilities added to any container (multi-valued)", ANY},
    {"container.host_pid", GNORM_G_SECURITY, "shares the host PID namespace", ANY},
    {"container.host_network", GNORM_G_SECURITY, "shares the host network namespace", ANY},
    {"container.host_ipc", GNORM_G_SECURITY, "shares the host IPC namespace", ANY},
    {"container.mounts.source", GNORM_G_MOUNTS,
     "mount sources: host paths (hostPath, bind; cleaned as Go's path.Clean, subPath joined), "
     "else volume names (multi-valued)",
     ANY},
    {"container.mounts.destination", GNORM_G_MOUNTS, "mount points in the container", ANY},
    {"container.mounts.read_only", GNORM_G_MOUNTS, "read-only flag of each mount", ANY},
    {"container.mounts.writable_source", GNORM_G_MOUNTS,
     "host paths mounted without read-only (cleaned as container.mounts.source)", ANY},
    {"container.mounts.type", GNORM_G_MOUNTS,
     "kind of each mount: hostPath, secret, configMap, emptyDir, bind, volume, ...", ANY},
    {"process.executable", GNORM_G_PROCESS, "program started (first word of the command)", ANY},
    {"process.args", GNORM_G_PROCESS, "command and arguments, one value each", ANY},
    {"process.command_line", GNORM_G_PROCESS, "command line, arguments joined by spaces", ANY},
    {"process.name", GNORM_G_PROCESS, "process name (Falco proc.name)", ANY},
    /* the shell view (shell.c): one stage per simple command, wrappers unwrapped */
    {"process.stages.program", GNORM_G_PROCESS,
     "program of each stage, base name, after env/exec/nohup/sudo/busybox ... (multi-valued)", ANY},
    {"process.stages.args", GNORM_G_PROCESS, "arguments of every stage, unquoted (multi-valued)",
     ANY},
    {"process.stages.command", GNORM_G_PROCESS,
     "each stage as one text: program base name and arguments joined by blanks", ANY},
    {"process.stages.options", GNORM_G_PROCESS,
     "options of every stage, a separate value joined with = (-o pool:443 -> -o=pool:443)", ANY},
    {"process.stages.writes", GNORM_G_PROCESS,
     "files stages write: output redirections (>, >>, &>), tee, cp/mv/install target, dd of=", ANY},
    {"process.shell.download_then_shell", GNORM_G_PROCESS,
     "true: a download is piped, substituted or process-substituted into a shell", ANY},
    {"process.shell.download_then_exec", GNORM_G_PROCESS,
     "true: a file a downloader wrote is run later in the same command", ANY},
    {"process.shell.decode_then_shell", GNORM_G_PROCESS,
     "true: base64 (or openssl, xxd -r) output runs in a shell", ANY},
    {"process.shell.cron_download", GNORM_G_PROCESS,
     "true: a crontab line in the command downloads into a shell", ANY},
    {"process.shell.error", GNORM_G_PROCESS, "the limit that cut the shell analysis short", ANY},
    {"process.pid", GNORM_G_PROCESS, "process id (Falco proc.pid)", ANY},
    {"process.working_directory", GNORM_G_PROCESS, "current directory (Falco proc.cwd)", ANY},
    {"process.parent.executable", GNORM_G_PROCESS,
     "parent program (Falco proc.pexepath, else proc.pexe)", ANY},
    {"process.parent.name", GNORM_G_PROCESS, "parent process name (Falco proc.pname)", ANY},
    {"process.parent.command_line", GNORM_G_PROCESS, "parent command line (Falco proc.pcmdline)",
     ANY},
    {"process.parent.pid", GNORM_G_PROCESS, "parent process id (Falco proc.ppid)", ANY},
    {"file.path", GNORM_G_PROCESS, "file a file event acted on (Falco fd.name)", ANY},
    {"file.directory", GNORM_G_PROCESS, "its directory (Falco fd.directory)", ANY},
    {"destination.ip", GNORM_G_PROCESS, "server address of a connection (Falco fd.sip)", ANY},
    {"destination.port", GNORM_G_PROCESS, "server port of a connection (Falco fd.sport)", ANY},
    {"destination.domain", GNORM_G_PROCESS, "server name of a connection (Falco fd.sip.name)", ANY},
    {"source.port", GNORM_G_PROCESS, "client port of a connection (Falco fd.cport)", ANY},
    {"network.transport", GNORM_G_PROCESS, "tcp or udp (Falco fd.l4proto)", ANY},
    {"network.initiated", GNORM_G_PROCESS,
     "true when the process opened the connection (connect), false when it accepted it", ANY},
    {"container.env.name", GNORM_G_ENV, "names of environment variables set (values left out)",
     ANY},
    {"container.list", GNORM_G_SCOPES,
     "one object per container of a pod spec, holding that container's own container.* fields "
     "(pod-level host_* copied in), for `any container { ... }`",
     ANY},
    /* Channels read from request bodies in other shapes (JSON patch, new
     * dockerd lines, Docker devices, volumes and builds, Dashboard YAML). */
    {"error.message", GNORM_G_BASE,
     "why part of an event could not be read (a parser limit, a body that is not valid); the "
     "event keeps what was read before",
     ANY},
    {"docker.body_logged", GNORM_G_BASE,
     "dockerd: false for a container create whose body the daemon did not log (over 4 KiB or "
     "not JSON), true when it did",
     ANY},
    {"docker.legacy_host_config", GNORM_G_BASE,
     "true when a Docker body carries host settings (Binds, CapAdd, Devices, ...) at its top "
     "level, as pre-1.24 API clients did in create and start bodies",
     ANY},
    {"docker.build.remote", GNORM_G_BASE,
     "remote build context of POST /build (remote= query: a Git or HTTP URL)", ANY},
    {"container.devices.host_path", GNORM_G_MOUNTS,
     "host devices handed to a container (Docker HostConfig.Devices[].PathOnHost, or the "
     "source of a \"/dev/x:/dev/y:rwm\" string)",
     ANY},
    {"volume.name", GNORM_G_MOUNTS, "name of a Docker volume being created", ANY},
    {"volume.driver", GNORM_G_MOUNTS, "driver of a Docker volume being created (local, ...)", ANY},
    {"volume.bind_source", GNORM_G_MOUNTS,
     "host path a local-driver volume binds (DriverOpts device with o=bind or type=none)", ANY},
};

const gnorm_field *gnorm_schema_fields(size_t *count) {
    *count = sizeof schema / sizeof schema[0];
    return schema;
}

unsigned gnorm_field_groups(const char *name) {
    size_t n = strlen(name);
    unsigned groups = 0;
    for (size_t i = 0; i < sizeof schema / sizeof schema[0]; i++) {
        const char *s = schema[i].name;
        if (strcmp(s, name) == 0)
            return schema[i].group;
        if (strncmp(s, name, n) == 0 && s[n] == '.')
            groups |= schema[i].group;
    }
    return groups;
}

static int is_schema_key(const char *key) {
    for (size_t i = 0; i < sizeof schema / sizeof schema[0]; i++)
        if (strcmp(schema[i].name, key) == 0)
            return 1;
    return 0;
}

void gnorm_strip_schema_keys(cJSON *obj) {
    cJSON *child = obj->child;
    while (child) {
        cJSON *next = child->next;
        const char *k = child->string;
        if (k && (k[0] == '@' || strchr(k, '.')) && is_schema_key(k))
            cJSON_Delete(cJSON_DetachItemViaPointer(obj, child));
        child = next;
    }
}
