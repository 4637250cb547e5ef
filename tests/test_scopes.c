/* SPDX-License-Identifier: Apache-2.0 */
/* Element scopes end to end: Kubernetes audit lines through the normalizer
 * (container.list: one object per init, regular and ephemeral container,
 * computed only when a pack reads it) into a pack with
 * `any container { ... }`, and a Docker create, which has no list and counts
 * as one container. Engine rows are in test_compile_match.c, verifier
 * refusals in test_verifier.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "gantry.h"
#include "gantry_cjson.h"
#include "parse.h"

#define RULES                                                                                      \
    "list allow: [\"docker.io/calico/*\"]\n"                                                       \
    "rule scoped {\n"                                                                              \
    "    selection privileged: { container.security_context.privileged: true }\n"                  \
    "    condition: any container { privileged and not container.image.name in allow }\n"          \
    "}\n"                                                                                          \
    "rule host_pid_per_container {\n"                                                              \
    "    condition: any container { container.host_pid: true and container.name: \"shell\" }\n"    \
    "}\n"

#define AUDIT_HEAD                                                                                 \
    "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Request\","                \
    "\"auditID\":\"6f1d3c1e-2b7a-4d4e-9a51-0c8e2f6b7a10\",\"stage\":\"ResponseComplete\","         \
    "\"requestURI\":\"/api/v1/namespaces/default/pods\",\"verb\":\"create\","                      \
    "\"user\":{\"username\":\"alice@corp.example\"},"                                              \
    "\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"default\",\"apiVersion\":\"v1\"},"       \
    "\"responseStatus\":{\"metadata\":{},\"code\":201},"                                           \
    "\"requestObject\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\","                                   \
    "\"metadata\":{\"name\":\"p\",\"namespace\":\"default\"},\"spec\":"
#define AUDIT_TAIL "}}"

/* An allow-listed privileged container, a plain one, an init container and
 * an ephemeral one; `shell_priv` decides whether the ephemeral is privileged. */
static char *pod_event(int shell_priv) {
    char *out = malloc(4096);
    assert_non_null(out);
    int n =
        snprintf(out, 4096,
                 AUDIT_HEAD "{\"hostPID\":true,"
                            "\"initContainers\":[{\"name\":\"init\",\"image\":\"busybox:1.36\"}],"
                            "\"containers\":[{\"name\":\"calico\",\"image\":\"docker.io/calico/"
                            "node:v3.27.2\",\"securityContext\":{\"privileged\":true}},"
                            "{\"name\":\"app\",\"image\":\"nginx:1.25\"}],"
                            "\"ephemeralContainers\":[{\"name\":\"shell\",\"image\":\"alpine:"
                            "3.19\",\"securityContext\":{\"privileged\":%s}}]}" AUDIT_TAIL,
                 shell_priv ? "true" : "false");
    assert_true(n > 0 && n < 4096);
    return out;
}

static gantry_pack *compile(const char *text) {
    gdiag_sink *diag = gdiag_new(NULL, 0, 0);
    gast_unit *unit = gast_unit_new();
    assert_non_null(diag);
    assert_non_null(unit);
    assert_int_equal(gparse_text(unit, "scopes.gantry", text, strlen(text), diag), 0);
    unsigned char *image = NULL;
    size_t len = 0;
    if (gcomp_compile_unit(unit, diag, NULL, &image, &len, NULL) != 0)
        fail_msg("%s", gdiag_text(diag));
    gantry_pack *pack = NULL;
    char err[256] = "";
    if (gantry_pack_load_buffer(image, len, &pack, err, sizeof err) != GANTRY_OK)
        fail_msg("load: %s", err);
    free(image);
    gast_unit_free(unit);
    gdiag_free(diag);
    return pack;
}

/* The normalized event of one line; the caller frees it. */
static cJSON *normalize(const gantry_pack *pack, const char *line) {
    gantry_normalizer *n = NULL;
    assert_int_equal(gantry_normalizer_new(pack, GANTRY_FORMAT_AUTO, &n), GANTRY_OK);
    assert_int_equal(gantry_normalizer_feed(n, line, strlen(line), 1), GANTRY_OK);
    assert_int_equal(gantry_normalizer_finish(n), GANTRY_OK);
    gantry_item item;
    assert_int_equal(gantry_normalizer_next(n, &item), 1);
    assert_int_equal(item.kind, GANTRY_ITEM_EVENT);
    cJSON *copy = cJSON_Duplicate(gantry_event_cjson(item.event), 1);
    assert_non_null(copy);
    gantry_normalizer_free(n);
    return copy;
}

static int count_match(const gantry_match *m, void *user) {
    int *bits = user;
    *bits |= 1 << m->rule->index;
    return 0;
}

/* Which rules match: bit i for rule i. */
static int matches(const gantry_pack *pack, const cJSON *event) {
    gantry_matcher *m = NULL;
    assert_int_equal(gantry_matcher_new(pack, &m), GANTRY_OK);
    int bits = 0;
    assert_int_equal(gantry_match_cjson(m, event, count_match, &bits), GANTRY_OK);
    gantry_matcher_free(m);
    return bits;
}

static const cJSON *element(const cJSON *event, int i) {
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(event, "container.list");
    assert_true(cJSON_IsArray(list));
    return cJSON_GetArrayItem(list, i);
}

static int elem_bool(const cJSON *el, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(el, key);
    assert_true(cJSON_IsBool(v));
    return cJSON_IsTrue(v);
}

static const char *elem_first(const cJSON *el, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(el, key);
    assert_true(cJSON_IsArray(v));
    assert_int_equal(cJSON_GetArraySize(v), 1);
    return cJSON_GetArrayItem(v, 0)->valuestring;
}

/* One element per container, in init, regular, ephemeral order, each with
 * its own fields and the pod's host namespaces. */
static void test_normalizer_lists_containers(void **state) {
    (void)state;
    gantry_pack *pack = compile(RULES);
    char *line = pod_event(1);
    cJSON *ev = normalize(pack, line);
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(ev, "container.list");
    assert_int_equal(cJSON_GetArraySize(list), 4);
    static const char *const names[] = {"init", "calico", "app", "shell"};
    static const int privileged[] = {0, 1, 0, 1};
    for (int i = 0; i < 4; i++) {
        const cJSON *el = element(ev, i);
        assert_string_equal(elem_first(el, "container.name"), names[i]);
        assert_int_equal(elem_bool(el, "container.security_context.privileged"), privileged[i]);
        assert_true(elem_bool(el, "container.host_pid"));
    }
    assert_string_equal(elem_first(element(ev, 1), "container.image.name"),
                        "docker.io/calico/node:v3.27.2");
    cJSON_Delete(ev);
    free(line);
    gantry_pack_free(pack);
}

/* The sibling case through the whole pipeline: the ephemeral container is
 * privileged and not allow-listed, so the scoped rule matches although an
 * allow-listed container is in the pod; without it, no match. */
static void test_sibling_through_pipeline(void **state) {
    (void)state;
    gantry_pack *pack = compile(RULES);
    char *line = pod_event(1);
    cJSON *ev = normalize(pack, line);
    assert_int_equal(matches(pack, ev), 3);
    cJSON_Delete(ev);
    free(line);
    line = pod_event(0);
    ev = normalize(pack, line);
    assert_int_equal(matches(pack, ev), 2); /* host PID: the shell container has it too */
    cJSON_Delete(ev);
    free(line);
    gantry_pack_free(pack);
}

/* A pack that never says `any container` does not pay for the list. */
static void test_list_only_when_read(void **state) {
    (void)state;
    gantry_pack *pack = compile("rule flat { condition: container.security_context.privileged: "
                                "true }\n");
    char *line = pod_event(1);
    cJSON *ev = normalize(pack, line);
    assert_null(cJSON_GetObjectItemCaseSensitive(ev, "container.list"));
    assert_int_equal(matches(pack, ev), 1);
    cJSON_Delete(ev);
    free(line);
    gantry_pack_free(pack);
}

/* A Docker create body is one container: no list, its own fields judged. */
static void test_docker_create_is_one_element(void **state) {
    (void)state;
    gantry_pack *pack = compile(RULES);
    static const char *const lines[] = {
        "{\"form-data\":{\"Image\":\"alpine:3.19\",\"HostConfig\":{\"Privileged\":true}},"
        "\"level\":\"debug\",\"method\":\"POST\",\"module\":\"api\",\"msg\":\"handling POST "
        "request\",\"request-url\":\"/v1.47/containers/create?name=x\","
        "\"time\":\"2026-11-23T10:01:36.000000000Z\",\"vars\":{}}",
        "{\"form-data\":{\"Image\":\"docker.io/calico/node:v3.27.2\",\"HostConfig\":{"
        "\"Privileged\":true}},\"level\":\"debug\",\"method\":\"POST\",\"module\":\"api\","
        "\"msg\":\"handling POST request\",\"request-url\":\"/v1.47/containers/create?name=y\","
        "\"time\":\"2026-11-23T10:01:37.000000000Z\",\"vars\":{}}",
    };
    for (int i = 0; i < 2; i++) {
        cJSON *ev = normalize(pack, lines[i]);
        assert_null(cJSON_GetObjectItemCaseSensitive(ev, "container.list"));
        assert_int_equal(matches(pack, ev) & 1, i == 0);
        cJSON_Delete(ev);
    }
    gantry_pack_free(pack);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalizer_lists_containers),
        cmocka_unit_test(test_sibling_through_pipeline),
        cmocka_unit_test(test_list_only_when_read),
        cmocka_unit_test(test_docker_create_is_one_element),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
