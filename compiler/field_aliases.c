/* SPDX-License-Identifier: Apache-2.0 */
/* Alias table: Falco field names and Sigma's abstract Kubernetes fields onto
 * the normalized schema (docs/schema.md). Resolved once at compile time. */
#include <stddef.h>
#include <string.h>

#include "field_aliases.h"

static const char *const aliases[][2] = {
    /* Sigma's abstract Kubernetes audit fields */
    {"hostPath", "container.mounts.source"},
    {"capabilities", "container.security_context.capabilities.add"},
    {"apiGroup", "orchestrator.resource.api_group"},
    /* Falco k8s_audit (ka.*) */
    {"ka.verb", "event.original_action"},
    {"ka.auditid", "event.id"},
    {"ka.uri", "url.original"},
    {"ka.useragent", "user_agent.original"},
    {"ka.sourceips", "source.ip"},
    {"ka.user.name", "user.name"},
    {"ka.user.groups", "user.group.name"},
    {"ka.response.code", "http.response.status_code"},
    {"ka.target.namespace", "orchestrator.namespace"},
    {"ka.target.resource", "orchestrator.resource.type"},
    {"ka.target.subresource", "orchestrator.resource.subresource"},
    {"ka.target.name", "orchestrator.resource.name"},
    {"ka.req.pod.containers.image", "container.image.name"},
    {"ka.req.pod.containers.image.repository", "container.image.repository"},
    {"ka.req.pod.containers.privileged", "container.security_context.privileged"},
    {"ka.req.pod.containers.allow_privilege_escalation",
     "container.security_context.allow_privilege_escalation"},
    {"ka.req.pod.containers.add_capabilities", "container.security_context.capabilities.add"},
    {"ka.req.pod.run_as_user", "container.security_context.run_as_user"},
    {"ka.req.pod.containers.run_as_user", "container.security_context.run_as_user"},
    {"ka.req.pod.host_network", "container.host_network"},
    {"ka.req.pod.host_pid", "container.host_pid"},
    {"ka.req.pod.host_ipc", "container.host_ipc"},
    {"ka.req.pod.volumes.hostpath", "container.mounts.source"},
    {"ka.req.container.image", "container.image.name"},
    {"ka.req.container.image.repository", "container.image.repository"},
    {"ka.req.container.privileged", "container.security_context.privileged"},
    {"ka.req.container.host_network", "container.host_network"},
    /* Falco syscall source */
    {"container.image", "container.image.name"},
    {"container.full_id", "container.id"},
    {"container.privileged", "container.security_context.privileged"},
    {"container.mount.source", "container.mounts.source"},
    {"container.mount.dest", "container.mounts.destination"},
    {"proc.cmdline", "process.command_line"},
    {"proc.exepath", "process.executable"},
    {"proc.exe", "process.executable"},
    {"proc.name", "process.name"},
    {"proc.args", "process.args"},
    {"k8s.ns.name", "orchestrator.namespace"},
    {"k8s.pod.name", "orchestrator.resource.name"},
    {"evt.type", "event.original_action"},
};

const char *galias_resolve(const char *field) {
    if (!field)
        return NULL;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(field, aliases[i][0]) == 0)
            return aliases[i][1];
    return NULL;
}
