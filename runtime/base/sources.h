/* The event sources Gantry recognises: the one list. Everything else that
 * lists sources is derived from it: the input format names
 * (normalize.c; the public gantry_input_format enum is checked against it
 * there), the event.module each normalizer writes, the schema's description
 * of event.module (schema.c) and the logsource products each source's
 * events run (index/logsource.c).
 *
 * X(ID, name, products...):
 *   ID        GRT_SRC_<ID>, and GANTRY_FORMAT_<ID> in gantry.h, in this order
 *   name      the input format name (--input-format) and the event.module
 *             its normalizer writes
 *   products  the logsource products whose rules its events run
 *             (docs/language.md, "logsource"). Kubernetes audit and Dashboard
 *             events carry "containers" too: pod specs and exec requests fill
 *             the container.* and process.* fields, and the shipped container
 *             rules are written to fire on them. Falco watches Linux hosts,
 *             containers and Kubernetes at once.
 * Keep the order of gantry_input_format (new sources go last). */
#ifndef GANTRY_RT_SOURCES_H
#define GANTRY_RT_SOURCES_H

#define GRT_SOURCES(X)                                                                             \
    X(K8S_AUDIT, "k8s_audit", "kubernetes", "containers")                                          \
    X(DOCKER_EVENTS, "docker_events", "docker", "containers")                                      \
    X(DOCKERD, "dockerd", "docker", "containers")                                                  \
    X(FALCO, "falco", "falco", "linux", "containers", "kubernetes")                                \
    X(K8S_DASHBOARD, "k8s_dashboard", "kubernetes", "containers")                                  \
    X(CONTAINERD, "containerd", "containerd", "containers")

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
