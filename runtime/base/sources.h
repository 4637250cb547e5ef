/* SPDX-License-Identifier: Apache-2.0 */
/* The event sources Gantry recognises: the one list. Everything else that
 * lists sources is derived from it: the input format names
 * (normalize.c; the public gantry_input_format enum is checked against it
 * there), the event.module each normalizer writes, the schema's description
 * of event.module (schema.c) and the logsources each source's events can be
 * (index/logsource.c, docs/sigma.md "Logsource semantics").
 *
 * X(ID, name, products, services, categories, event_categories, raw):
 *   ID        GRT_SRC_<ID>, and GANTRY_FORMAT_<ID> in gantry.h, in this order
 *   name      the input format name (--input-format) and the event.module
 *             its normalizer writes
 *   products, services, categories
 *             the logsource values every event of the source has: a rule
 *             runs on the event when each of its product, service and
 *             category is unset or one of these. Kubernetes audit and
 *             Dashboard events carry "containers" too: pod specs and exec
 *             requests fill the container.* and process.* fields, and the
 *             shipped container rules are written to fire on them. SigmaHQ
 *             writes Kubernetes audit as product kubernetes, service audit,
 *             often with category application. Falco watches Linux hosts,
 *             containers and Kubernetes at once. Container sources have
 *             Gantry's categories container_deployment and container_exec,
 *             and process_creation where they carry the commands containers
 *             run (pod specs, create and exec requests).
 *   event_categories
 *             the categories an event of the source may have one of, decided
 *             per event by its normalizer and written to event.category
 *             (Falco: from evt.type and fd.type, norm_falco.c)
 *   raw       the top-level keys of the source's own records, which its
 *             normalizer keeps beside the schema fields: a rule may read
 *             paths below them (`gantry check` warns, W030, on a field that
 *             is neither this nor a schema field; GRT_RAW_MAX at most)
 * Each logsource list is parenthesised, (NULL) when empty, at most
 * GRT_LS_MAX values.
 * Keep the order of gantry_input_format (new sources go last). */
#ifndef GANTRY_RT_SOURCES_H
#define GANTRY_RT_SOURCES_H

#include <stddef.h>

/* The Sigma categories a source's normalizer may write to event.category,
 * named for norm_*.c. */
#define GRT_CAT_PROCESS_CREATION "process_creation"
#define GRT_CAT_FILE_EVENT "file_event"
#define GRT_CAT_NETWORK_CONNECTION "network_connection"
/* Gantry's own categories of container activity (the shipped rules'):
 * deploying a workload, and running a command in a running container. */
#define GRT_CAT_DEPLOYMENT "container_deployment"
#define GRT_CAT_EXEC "container_exec"

/* Kubernetes audit: audit.k8s.io Event keys and the AKS (properties) and GKE
 * (protoPayload) envelopes. */
#define GRT_RAW_K8S_AUDIT                                                                          \
    ("kind", "apiVersion", "level", "auditID", "stage", "requestURI", "verb", "user",              \
     "impersonatedUser", "sourceIPs", "userAgent", "objectRef", "responseStatus", "requestObject", \
     "responseObject", "requestReceivedTimestamp", "stageTimestamp", "annotations", "properties",  \
     "protoPayload", "resource", "insertId", "labels", "category", "operationName", "time",        \
     "resourceId", "logName", "timestamp", "severity", NULL)
#define GRT_RAW_DOCKER_EVENTS                                                                      \
    ("Type", "Action", "Actor", "id", "from", "status", "time", "timeNano", "scope", NULL)
#define GRT_RAW_FALCO                                                                              \
    ("output", "priority", "rule", "time", "output_fields", "source", "hostname", "tags", NULL)

#define GRT_SOURCES(X)                                                                             \
    X(K8S_AUDIT, "k8s_audit", ("kubernetes", "containers"), ("audit"),                             \
      ("application", GRT_CAT_DEPLOYMENT, GRT_CAT_EXEC, GRT_CAT_PROCESS_CREATION), (NULL),         \
      GRT_RAW_K8S_AUDIT)                                                                           \
    X(DOCKER_EVENTS, "docker_events", ("docker", "containers"), (NULL),                            \
      (GRT_CAT_DEPLOYMENT, GRT_CAT_EXEC, GRT_CAT_PROCESS_CREATION), (NULL), GRT_RAW_DOCKER_EVENTS) \
    X(DOCKERD, "dockerd", ("docker", "containers"), (NULL),                                        \
      (GRT_CAT_DEPLOYMENT, GRT_CAT_EXEC, GRT_CAT_PROCESS_CREATION), (NULL), (NULL))                \
    X(FALCO, "falco", ("falco", "linux", "containers", "kubernetes"), (NULL), (NULL),              \
      (GRT_CAT_PROCESS_CREATION, GRT_CAT_FILE_EVENT, GRT_CAT_NETWORK_CONNECTION), GRT_RAW_FALCO)   \
    X(K8S_DASHBOARD, "k8s_dashboard", ("kubernetes", "containers"), ("dashboard"),                 \
      (GRT_CAT_DEPLOYMENT, GRT_CAT_EXEC), (NULL), (NULL))                                          \
    X(CONTAINERD, "containerd", ("containerd", "containers"), (NULL),                              \
      (GRT_CAT_DEPLOYMENT, GRT_CAT_EXEC, GRT_CAT_PROCESS_CREATION), (NULL), (NULL))

/* The most values one list of GRT_SOURCES holds. */
#define GRT_LS_MAX 6
/* The most event categories of one source (each is a class of
 * index/logsource.c). */
#define GRT_EVENT_CAT_MAX 3
#define GRT_RAW_MAX 32
/* A parenthesised list of GRT_SOURCES as initialiser items. */
#define GRT_LS_ITEMS(...) __VA_ARGS__
#define GRT_LS_INIT(list)                                                                          \
    { GRT_LS_ITEMS list }

enum grt_source {
#define GRT_SOURCE_ID(id, name, ...) GRT_SRC_##id,
    GRT_SOURCES(GRT_SOURCE_ID)
#undef GRT_SOURCE_ID
        GRT_NSOURCES
};

/* The event.module of JSON objects of no recognised source, also the input
 * format that passes them through. */
#define GRT_SOURCE_JSON_NAME "json"

/* "k8s_audit, docker_events, ..., json": every event.module a normalizer
 * writes, as one string literal. */
#define GRT_SOURCE_NAME_LIST_ITEM(id, name, ...) name ", "
#define GRT_SOURCE_NAME_LIST GRT_SOURCES(GRT_SOURCE_NAME_LIST_ITEM) GRT_SOURCE_JSON_NAME

/* The name of source `src` (a GRT_SRC_* value). */
static inline const char *grt_source_name(enum grt_source src) {
    static const char *const names[GRT_NSOURCES] = {
#define GRT_SOURCE_NAME(id, name, ...) [GRT_SRC_##id] = name,
        GRT_SOURCES(GRT_SOURCE_NAME)
#undef GRT_SOURCE_NAME
    };
    return (unsigned)src < GRT_NSOURCES ? names[src] : GRT_SOURCE_JSON_NAME;
}

#endif
