/* SPDX-License-Identifier: Apache-2.0 */
/* The deployment channels beyond a plain create, field by field: the JSON
 * patch replay (json_patch.c), the YAML manifest conversion (yaml_doc.c),
 * ephemeral containers, dockerd's Engine 27+ debug lines in text and JSON,
 * Docker devices, bind volumes, remote builds and pre-1.24 host config, and
 * Dashboard uploads; each parser's limits end in error.message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cJSON.h>

#include "gantry.h"
#include "gantry_cjson.h"
#include "gantry_limits.h"
#include "normalize.h"

/* ---- helpers ---- */

static cJSON *parse(const char *text) {
    cJSON *v = cJSON_Parse(text);
    assert_non_null(v);
    return v;
}

/* The patch replay's object; out of memory is not expected here. */
static cJSON *patch_doc(const cJSON *ops, const char **error) {
    cJSON *doc = NULL;
    assert_int_equal(gnorm_json_patch_object(ops, &doc, error), GANTRY_OK);
    return doc;
}

static cJSON *yaml_docs(const char *text, size_t len, const char **error) {
    cJSON *docs = NULL;
    assert_int_equal(gnorm_yaml_documents(text, len, &docs, error), GANTRY_OK);
    return docs;
}

static cJSON *patch(const char *ops_json, const char **error) {
    cJSON *ops = parse(ops_json);
    cJSON *doc = patch_doc(ops, error);
    cJSON_Delete(ops);
    return doc;
}

static const cJSON *at(const cJSON *v, const char *path) {
    return gnorm_path(v, path);
}

static const cJSON *item(const cJSON *arr, int i) {
    assert_true(cJSON_IsArray(arr));
    return cJSON_GetArrayItem(arr, i);
}

/* Normalizes `text` (lines separated by \n) and returns a copy of the
 * single event it must give. */
static cJSON *one_event(const char *text) {
    gantry_normalizer *n = NULL;
    assert_int_equal(gantry_normalizer_new(NULL, GANTRY_FORMAT_AUTO, &n), GANTRY_OK);
    uint64_t line_no = 0;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        assert_int_equal(gantry_normalizer_feed(n, p, len, ++line_no), GANTRY_OK);
        p += len + (nl ? 1 : 0);
    }
    assert_int_equal(gantry_normalizer_finish(n), GANTRY_OK);
    gantry_item it;
    cJSON *event = NULL;
    size_t events = 0;
    while (gantry_normalizer_next(n, &it)) {
        assert_int_equal(it.kind, GANTRY_ITEM_EVENT);
        events++;
        cJSON_Delete(event);
        event = cJSON_Duplicate(gantry_event_cjson(it.event), 1);
    }
    gantry_normalizer_free(n);
    assert_int_equal(events, 1);
    return event;
}

static const cJSON *key(const cJSON *event, const char *name) {
    return cJSON_GetObjectItemCaseSensitive(event, name);
}

static void assert_key_str(const cJSON *event, const char *name, const char *want) {
    const cJSON *v = key(event, name);
    assert_true(cJSON_IsString(v));
    assert_string_equal(v->valuestring, want);
}

static void assert_key_bool(const cJSON *event, const char *name, int want) {
    const cJSON *v = key(event, name);
    assert_true(cJSON_IsBool(v));
    assert_int_equal(cJSON_IsTrue(v), want);
}

static void assert_list(const cJSON *event, const char *name, const char *const *want) {
    const cJSON *v = key(event, name);
    assert_true(cJSON_IsArray(v));
    int i = 0;
    for (; want[i]; i++) {
        const cJSON *e = cJSON_GetArrayItem(v, i);
        assert_true(cJSON_IsString(e));
        assert_string_equal(e->valuestring, want[i]);
    }
    assert_int_equal(cJSON_GetArraySize(v), i);
}

/* ---- JSON patch ---- */

static void test_patch_paths(void **state) {
    (void)state;
    const char *error = "unset";
    cJSON *doc = patch(
        "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/securityContext/"
        "privileged\",\"value\":true},"
        "{\"op\":\"add\",\"path\":\"/metadata/annotations/a~1b~0c\",\"value\":\"x\"},"
        "{\"op\":\"add\",\"path\":\"/spec/template/spec/volumes/-\",\"value\":{\"name\":\"v1\"}},"
        "{\"op\":\"add\",\"path\":\"/spec/template/spec/volumes/-\",\"value\":{\"name\":\"v2\"}},"
        "{\"op\":\"add\",\"path\":\"/spec/template/spec/hostPID\",\"value\":true}]",
        &error);
    assert_null(error);
    const cJSON *c0 = item(at(doc, "spec.template.spec.containers"), 0);
    assert_true(cJSON_IsTrue(at(c0, "securityContext.privileged")));
    const cJSON *ann = at(doc, "metadata.annotations");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(ann, "a/b~c")->valuestring, "x");
    const cJSON *vols = at(doc, "spec.template.spec.volumes");
    assert_int_equal(cJSON_GetArraySize(vols), 2);
    assert_string_equal(at(item(vols, 0), "name")->valuestring, "v1");
    assert_string_equal(at(item(vols, 1), "name")->valuestring, "v2");
    assert_true(cJSON_IsTrue(at(doc, "spec.template.spec.hostPID")));
    cJSON_Delete(doc);
}

static void test_patch_arrays(void **state) {
    (void)state;
    const char *error = NULL;
    /* An index past the end pads with empty objects; a step into an array
     * written by an earlier operation keeps its elements. */
    cJSON *doc =
        patch("[{\"op\":\"add\",\"path\":\"/spec/containers/2/name\",\"value\":\"c\"},"
              "{\"op\":\"add\",\"path\":\"/spec/initContainers\","
              "\"value\":[{\"name\":\"a\"},{\"name\":\"b\"}]},"
              "{\"op\":\"add\",\"path\":\"/spec/initContainers/1/image\",\"value\":\"i\"}]",
              &error);
    assert_null(error);
    const cJSON *cs = at(doc, "spec.containers");
    assert_int_equal(cJSON_GetArraySize(cs), 3);
    assert_null(item(cs, 0)->child);
    assert_string_equal(at(item(cs, 2), "name")->valuestring, "c");
    const cJSON *init = at(doc, "spec.initContainers");
    assert_int_equal(cJSON_GetArraySize(init), 2);
    assert_string_equal(at(item(init, 1), "name")->valuestring, "b");
    assert_string_equal(at(item(init, 1), "image")->valuestring, "i");
    cJSON_Delete(doc);
}

static void test_patch_ignored_ops(void **state) {
    (void)state;
    const char *error = NULL;
    cJSON *doc =
        patch("[{\"op\":\"test\",\"path\":\"/spec/hostPID\",\"value\":true},"
              "{\"op\":\"remove\",\"path\":\"/spec/hostPID\"},"
              "{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/spec/hostPID\"},"
              "{\"op\":\"add\",\"path\":\"/spec/x\"},{\"op\":1,\"path\":\"/y\",\"value\":2},"
              "17]",
              &error);
    assert_null(error);
    assert_true(cJSON_IsObject(doc));
    assert_null(doc->child);
    cJSON_Delete(doc);
    /* the whole document */
    doc = patch("[{\"op\":\"add\",\"path\":\"\",\"value\":{\"spec\":{\"hostIPC\":true}}}]", &error);
    assert_true(cJSON_IsTrue(at(doc, "spec.hostIPC")));
    cJSON_Delete(doc);
    /* not a patch */
    cJSON *obj = parse("{\"spec\":{}}");
    assert_null(patch_doc(obj, &error));
    cJSON_Delete(obj);
}

static void test_patch_limits(void **state) {
    (void)state;
    /* GANTRY_MAX_PATCH_OPS: the first ones are applied, then the error. */
    cJSON *ops = cJSON_CreateArray();
    for (unsigned i = 0; i <= GANTRY_MAX_PATCH_OPS; i++) {
        char path[64];
        snprintf(path, sizeof path, "/a/k%u", i);
        cJSON *op = cJSON_CreateObject();
        cJSON_AddStringToObject(op, "op", "add");
        cJSON_AddStringToObject(op, "path", path);
        cJSON_AddNumberToObject(op, "value", i);
        cJSON_AddItemToArray(ops, op);
    }
    const char *error = NULL;
    cJSON *doc = patch_doc(ops, &error);
    assert_non_null(error);
    assert_non_null(strstr(error, "GANTRY_MAX_PATCH_OPS"));
    char last[32];
    snprintf(last, sizeof last, "k%u", GANTRY_MAX_PATCH_OPS - 1);
    assert_non_null(cJSON_GetObjectItemCaseSensitive(at(doc, "a"), last));
    snprintf(last, sizeof last, "k%u", GANTRY_MAX_PATCH_OPS);
    assert_null(cJSON_GetObjectItemCaseSensitive(at(doc, "a"), last));
    cJSON_Delete(doc);
    cJSON_Delete(ops);

    static const char *const bad[][2] = {
        {"[{\"op\":\"add\",\"path\":\"/a~2\",\"value\":1}]", "bad ~ escape"},
        {"[{\"op\":\"add\",\"path\":\"a\",\"value\":1}]", "not a JSON pointer"},
        {"[{\"op\":\"add\",\"path\":\"/a/1001\",\"value\":1}]", "GANTRY_MAX_PATCH_INDEX"},
        {"[{\"op\":\"add\",\"path\":\"/a/0/b\",\"value\":1},"
         "{\"op\":\"add\",\"path\":\"/a/x\",\"value\":1}]",
         "not an index"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        doc = patch(bad[i][0], &error);
        assert_non_null(doc);
        assert_non_null(error);
        assert_non_null(strstr(error, bad[i][1]));
        cJSON_Delete(doc);
    }
    /* GANTRY_MAX_POINTER_TOKENS */
    char deep[512] = "[{\"op\":\"add\",\"path\":\"";
    for (unsigned i = 0; i <= GANTRY_MAX_POINTER_TOKENS; i++)
        strcat(deep, "/k");
    strcat(deep, "\",\"value\":1}]");
    doc = patch(deep, &error);
    assert_non_null(strstr(error, "GANTRY_MAX_POINTER_TOKENS"));
    cJSON_Delete(doc);
    /* GANTRY_MAX_PATCH_NODES: a value of 200 values, written 600 times */
    cJSON *value = cJSON_CreateArray();
    for (int i = 0; i < 199; i++)
        cJSON_AddItemToArray(value, cJSON_CreateNumber(i));
    ops = cJSON_CreateArray();
    for (int i = 0; i < 600; i++) {
        char path[64];
        snprintf(path, sizeof path, "/v%d", i);
        cJSON *op = cJSON_CreateObject();
        cJSON_AddStringToObject(op, "op", "add");
        cJSON_AddStringToObject(op, "path", path);
        cJSON_AddItemToObject(op, "value", cJSON_Duplicate(value, 1));
        cJSON_AddItemToArray(ops, op);
    }
    doc = patch_doc(ops, &error);
    assert_non_null(strstr(error, "GANTRY_MAX_PATCH_NODES"));
    assert_true(cJSON_GetArraySize(doc) < 600);
    cJSON_Delete(doc);
    cJSON_Delete(ops);
    cJSON_Delete(value);
}

/* ---- YAML ---- */

static void test_yaml_scalars(void **state) {
    (void)state;
    const char *error = "unset";
    cJSON *docs = yaml_docs("t: [yes, on, True, TRUE, y, Y, ON, true]\n"
                            "f: [no, off, False, N, n, OFF]\n"
                            "s: ['yes', \"on\", !!str true, yess, 0x1Fg]\n"
                            "z: [~, null, ]\n"
                            "n: [0x1F, 0777, -12, 1.5, 1e3]\n",
                            strlen("t: [yes, on, True, TRUE, y, Y, ON, true]\n"
                                   "f: [no, off, False, N, n, OFF]\n"
                                   "s: ['yes', \"on\", !!str true, yess, 0x1Fg]\n"
                                   "z: [~, null, ]\n"
                                   "n: [0x1F, 0777, -12, 1.5, 1e3]\n"),
                            &error);
    assert_null(error);
    assert_int_equal(cJSON_GetArraySize(docs), 1);
    const cJSON *d = docs->child;
    const cJSON *e;
    cJSON_ArrayForEach(e, at(d, "t")) {
        assert_true(cJSON_IsTrue(e));
    }
    assert_int_equal(cJSON_GetArraySize(at(d, "t")), 8);
    cJSON_ArrayForEach(e, at(d, "f")) {
        assert_true(cJSON_IsFalse(e));
    }
    assert_int_equal(cJSON_GetArraySize(at(d, "f")), 6);
    static const char *const strings[] = {"yes", "on", "true", "yess", "0x1Fg"};
    for (int i = 0; i < 5; i++)
        assert_string_equal(item(at(d, "s"), i)->valuestring, strings[i]);
    assert_true(cJSON_IsNull(item(at(d, "z"), 0)));
    assert_true(cJSON_IsNull(item(at(d, "z"), 1)));
    static const double numbers[] = {31, 511, -12, 1.5, 1000};
    for (int i = 0; i < 5; i++) {
        const cJSON *num = item(at(d, "n"), i);
        assert_true(cJSON_IsNumber(num));
        assert_true(num->valuedouble == numbers[i]);
    }
    cJSON_Delete(docs);
}

static void test_yaml_structure(void **state) {
    (void)state;
    const char *text = "base: &b {privileged: true, runAsUser: 0}\n"
                       "c1: *b\n"
                       "c2:\n  <<: *b\n  runAsUser: 1000\n"
                       "c3: {<<: [{a: 1}, {a: 2, b: 3}]}\n"
                       "dup: 1\ndup: 2\n"
                       "---\nkind: Pod\n---\n- 1\n- 2\n";
    const char *error = "unset";
    cJSON *docs = yaml_docs(text, strlen(text), &error);
    assert_null(error);
    assert_int_equal(cJSON_GetArraySize(docs), 3);
    const cJSON *d = docs->child;
    assert_true(cJSON_IsTrue(at(d, "c1.privileged")));
    assert_true(cJSON_IsTrue(at(d, "c2.privileged")));
    assert_int_equal(at(d, "c2.runAsUser")->valueint, 1000);
    assert_int_equal(at(d, "c3.a")->valueint, 1);
    assert_int_equal(at(d, "c3.b")->valueint, 3);
    assert_int_equal(at(d, "dup")->valueint, 2);
    assert_string_equal(at(item(docs, 1), "kind")->valuestring, "Pod");
    assert_int_equal(cJSON_GetArraySize(item(docs, 2)), 2);
    cJSON_Delete(docs);
}

static void yaml_error(const char *text, const char *want, int docs_kept) {
    const char *error = NULL;
    cJSON *docs = yaml_docs(text, strlen(text), &error);
    assert_non_null(docs);
    assert_non_null(error);
    assert_non_null(strstr(error, want));
    if (docs_kept >= 0)
        assert_int_equal(cJSON_GetArraySize(docs), docs_kept);
    cJSON_Delete(docs);
}

static void test_yaml_limits(void **state) {
    (void)state;
    char *buf = malloc(64 * 1024);
    assert_non_null(buf);
    /* documents */
    buf[0] = '\0';
    for (unsigned i = 0; i <= GANTRY_MAX_YAML_DOCUMENTS; i++)
        strcat(buf, "---\nk: v\n");
    yaml_error(buf, "GANTRY_MAX_YAML_DOCUMENTS", (int)GANTRY_MAX_YAML_DOCUMENTS);
    /* depth */
    buf[0] = '\0';
    for (unsigned i = 0; i <= GANTRY_MAX_YAML_DEPTH; i++)
        strcat(buf, "[");
    for (unsigned i = 0; i <= GANTRY_MAX_YAML_DEPTH; i++)
        strcat(buf, "]");
    yaml_error(buf, "GANTRY_MAX_YAML_DEPTH", 0);
    /* an alias bomb: 10^9 values if expanded */
    strcpy(buf, "a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 0; i < 8; i++) {
        char line[128];
        char c = (char)('b' + i), p = (char)('a' + i);
        snprintf(line, sizeof line, "%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n",
                 c, c, p, p, p, p, p, p, p, p, p, p);
        strcat(buf, line);
    }
    yaml_error(buf, "GANTRY_MAX_YAML_NODES", 0);
    /* alias uses */
    strcpy(buf, "a: &a 1\nb: [");
    for (unsigned i = 0; i <= GANTRY_MAX_YAML_ALIASES; i++)
        strcat(buf, "*a, ");
    strcat(buf, "]\n");
    yaml_error(buf, "GANTRY_MAX_YAML_ALIASES", 0);
    yaml_error("a: *nowhere\n", "unknown anchor", 0);
    yaml_error("? [a]\n: b\n", "not a scalar", 0);
    yaml_error("---\nok: 1\n---\nbad: [1\n", "not valid YAML", 1);
    free(buf);
}

/* ---- Kubernetes audit: ephemeral containers and patches ---- */

#define AUDIT_HEAD                                                                                 \
    "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"x\","                    \
    "\"stage\":\"ResponseComplete\",\"user\":{\"username\":\"alice\"},"

static void test_audit_ephemeral(void **state) {
    (void)state;
    /* A PUT of the whole pod: only the ephemeral container is new. */
    cJSON *ev = one_event(
        AUDIT_HEAD "\"verb\":\"update\",\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"s\","
                   "\"name\":\"p\",\"subresource\":\"ephemeralcontainers\"},\"requestObject\":{"
                   "\"kind\":\"Pod\",\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"a:1\","
                   "\"securityContext\":{\"privileged\":true}}],\"ephemeralContainers\":[{\"name\":"
                   "\"dbg\",\"image\":\"busybox:1.36\"}]}}}");
    static const char *const dbg[] = {"dbg", NULL};
    assert_list(ev, "container.name", dbg);
    assert_key_bool(ev, "container.security_context.privileged", 0);
    assert_key_str(ev, "orchestrator.resource.subresource", "ephemeralcontainers");
    cJSON_Delete(ev);
    /* Before 1.22: the EphemeralContainers kind with the list at its top. */
    ev = one_event(AUDIT_HEAD
                   "\"verb\":\"update\",\"objectRef\":{\"resource\":\"pods\",\"name\":\"p\","
                   "\"subresource\":\"ephemeralcontainers\"},\"requestObject\":{\"kind\":"
                   "\"EphemeralContainers\",\"ephemeralContainers\":[{\"name\":\"old\",\"image\":"
                   "\"alpine\",\"securityContext\":{\"privileged\":true}}]}}");
    static const char *const old[] = {"old", NULL};
    assert_list(ev, "container.name", old);
    assert_key_bool(ev, "container.security_context.privileged", 1);
    cJSON_Delete(ev);
    /* Other subresources deploy nothing. */
    ev = one_event(
        AUDIT_HEAD
        "\"verb\":\"update\",\"objectRef\":{\"resource\":\"pods\",\"name\":\"p\","
        "\"subresource\":\"status\"},\"requestObject\":{\"kind\":\"Pod\",\"spec\":{"
        "\"containers\":[{\"name\":\"app\",\"securityContext\":{\"privileged\":true}}]}}}");
    assert_null(key(ev, "container.name"));
    assert_null(key(ev, "container.security_context.privileged"));
    cJSON_Delete(ev);
}

static void test_audit_json_patch(void **state) {
    (void)state;
    cJSON *ev = one_event(
        AUDIT_HEAD
        "\"verb\":\"patch\",\"objectRef\":{\"resource\":\"cronjobs\",\"name\":\"c\"},"
        "\"requestObject\":[{\"op\":\"add\",\"path\":\"/spec/jobTemplate/spec/template/"
        "spec/containers/-\",\"value\":{\"name\":\"x\",\"image\":\"alpine:3.19\","
        "\"securityContext\":{\"capabilities\":{\"add\":[\"SYS_ADMIN\"]}},"
        "\"volumeMounts\":[{\"name\":\"h\",\"mountPath\":\"/h\"}]}},"
        "{\"op\":\"add\",\"path\":\"/spec/jobTemplate/spec/template/spec/volumes\","
        "\"value\":[{\"name\":\"h\",\"hostPath\":{\"path\":\"/etc\"}}]},"
        "{\"op\":\"replace\",\"path\":\"/spec/jobTemplate/spec/template/spec/hostNetwork\","
        "\"value\":true}]}");
    static const char *const names[] = {"x", NULL}, *const caps[] = {"SYS_ADMIN", NULL},
                             *const src[] = {"/etc", NULL}, *const type[] = {"hostPath", NULL};
    assert_list(ev, "container.name", names);
    assert_list(ev, "container.security_context.capabilities.add", caps);
    assert_list(ev, "container.mounts.source", src);
    assert_list(ev, "container.mounts.type", type);
    assert_key_bool(ev, "container.host_network", 1);
    assert_null(key(ev, "error.message"));
    /* the operations stay as they were logged */
    assert_true(cJSON_IsArray(key(ev, "requestObject")));
    cJSON_Delete(ev);
    /* a limit ends in error.message on the event */
    ev = one_event(AUDIT_HEAD "\"verb\":\"patch\",\"objectRef\":{\"resource\":\"pods\",\"name\":"
                              "\"p\"},\"requestObject\":[{\"op\":\"add\",\"path\":\"/spec/~3\","
                              "\"value\":1}]}");
    const cJSON *err = key(ev, "error.message");
    assert_true(cJSON_IsArray(err));
    assert_non_null(strstr(item(err, 0)->valuestring, "bad ~ escape"));
    cJSON_Delete(ev);
}

/* ---- dockerd ---- */

static void test_dockerd_new_text(void **state) {
    (void)state;
    cJSON *ev = one_event(
        "time=\"2026-11-21T10:00:01.000000000Z\" level=debug msg=\"handling POST request\" "
        "form-data=\"{\\\"Cmd\\\":[\\\"sh\\\",\\\"-c\\\",\\\"a \\\\u003e "
        "b\\\"],\\\"HostConfig\\\":{"
        "\\\"Devices\\\":[{\\\"PathOnHost\\\":\\\"/dev/sda\\\"},\\\"/dev/mem:/dev/mem:rwm\\\"],"
        "\\\"Privileged\\\":true},\\\"Image\\\":\\\"alpine\\\"}\" method=POST module=api "
        "request-url=\"/v1.47/containers/create?name=x\" vars=\"map[]\"");
    assert_key_str(ev, "event.module", "dockerd");
    assert_key_str(ev, "event.action", "create");
    assert_key_str(ev, "http.request.method", "POST");
    assert_key_str(ev, "url.original", "/v1.47/containers/create?name=x");
    assert_key_bool(ev, "container.security_context.privileged", 1);
    assert_key_bool(ev, "docker.body_logged", 1);
    static const char *const devs[] = {"/dev/sda", "/dev/mem", NULL}, *const names[] = {"x", NULL},
                             *const cmd[] = {"sh -c a > b", NULL};
    assert_list(ev, "container.devices.host_path", devs);
    assert_list(ev, "container.name", names);
    assert_list(ev, "process.command_line", cmd);
    assert_string_equal(at(key(ev, "docker.request"), "Image")->valuestring, "alpine");
    cJSON_Delete(ev);

    /* no form-data: a body over 4 KiB */
    ev = one_event("time=\"2026-11-21T10:00:02Z\" level=debug msg=\"handling POST request\" "
                   "method=POST module=api request-url=\"/v1.47/containers/create?name=big\" "
                   "vars=\"map[]\"");
    assert_key_bool(ev, "docker.body_logged", 0);
    assert_key_str(ev, "event.action", "create");
    cJSON_Delete(ev);

    /* the handler's failure: a second line about the same request */
    ev = one_event("time=\"2026-11-21T10:00:03Z\" level=debug msg=\"error response for POST "
                   "request\" error-response=\"Conflict.\" method=POST module=api "
                   "request-url=\"/v1.47/containers/create?name=x\" status=409 vars=\"map[]\"");
    assert_null(key(ev, "event.action"));
    assert_key_str(ev, "event.outcome", "failure");
    assert_int_equal(key(ev, "http.response.status_code")->valueint, 409);
    cJSON_Delete(ev);

    /* a remote build context, URL-decoded */
    ev = one_event("time=\"2026-11-21T10:00:04Z\" level=debug msg=\"handling POST request\" "
                   "method=POST module=api request-url=\"/v1.47/build?remote=https%3A%2F%2Fe.x"
                   "%2Fr.git&t=x\" vars=\"map[]\"");
    assert_key_str(ev, "event.action", "build");
    assert_key_str(ev, "docker.build.remote", "https://e.x/r.git");
    cJSON_Delete(ev);
}

static void test_dockerd_json(void **state) {
    (void)state;
    cJSON *ev = one_event(
        "{\"form-data\":{\"Driver\":\"local\",\"DriverOpts\":{\"device\":\"/\",\"o\":\"ro,bind\"},"
        "\"Name\":\"r\"},\"level\":\"debug\",\"method\":\"POST\",\"module\":\"api\",\"msg\":"
        "\"handling POST request\",\"request-url\":\"/v1.47/volumes/create\",\"time\":"
        "\"2026-11-21T10:00:03.000000000Z\",\"vars\":{}}");
    assert_key_str(ev, "event.module", "dockerd");
    assert_key_str(ev, "@timestamp", "2026-11-21T10:00:03.000000000Z");
    assert_key_str(ev, "orchestrator.resource.type", "volume");
    assert_key_str(ev, "volume.name", "r");
    assert_key_str(ev, "volume.driver", "local");
    assert_key_str(ev, "volume.bind_source", "/");
    cJSON_Delete(ev);

    /* the older pair as JSON lines: one event */
    ev = one_event("{\"level\":\"debug\",\"msg\":\"Calling POST /v1.41/containers/create?name=y\","
                   "\"time\":\"t1\"}\n"
                   "{\"level\":\"debug\",\"msg\":\"form data: {\\\"Image\\\":\\\"u\\\","
                   "\\\"HostConfig\\\":{\\\"PidMode\\\":\\\"host\\\",\\\"Mounts\\\":[{\\\"Type\\\":"
                   "\\\"volume\\\",\\\"Source\\\":\\\"v\\\",\\\"Target\\\":\\\"/h\\\","
                   "\\\"VolumeOptions\\\":{\\\"DriverConfig\\\":{\\\"Options\\\":{\\\"type\\\":"
                   "\\\"none\\\",\\\"device\\\":\\\"/etc\\\"}}}}]}}\",\"time\":\"t1\"}");
    assert_key_str(ev, "msg", "Calling POST /v1.41/containers/create?name=y");
    assert_key_bool(ev, "container.host_pid", 1);
    assert_key_bool(ev, "docker.body_logged", 1);
    static const char *const src[] = {"/etc", NULL}, *const type[] = {"bind", NULL};
    assert_list(ev, "container.mounts.source", src);
    assert_list(ev, "container.mounts.type", type);
    cJSON_Delete(ev);
}

static void test_docker_legacy_body(void **state) {
    (void)state;
    /* a pre-1.24 start body holding the host config */
    cJSON *ev = one_event(
        "time=\"2026-11-21T10:00:06Z\" level=debug msg=\"Calling POST "
        "/v1.12/containers/abc/start\"\n"
        "time=\"2026-11-21T10:00:06Z\" level=debug msg=\"form data: {\\\"Binds\\\":[\\\"/:/h\\\"],"
        "\\\"Privileged\\\":true,\\\"CapAdd\\\":[\\\"SYS_ADMIN\\\"]}\"");
    assert_key_str(ev, "event.action", "start");
    assert_key_bool(ev, "docker.legacy_host_config", 1);
    assert_key_bool(ev, "container.security_context.privileged", 1);
    static const char *const src[] = {"/", NULL}, *const caps[] = {"SYS_ADMIN", NULL};
    assert_list(ev, "container.mounts.source", src);
    assert_list(ev, "container.security_context.capabilities.add", caps);
    cJSON_Delete(ev);
    /* an exec body's own Privileged flag is not legacy host config */
    ev = one_event(
        "time=\"2026-11-21T10:00:07Z\" level=debug msg=\"Calling POST "
        "/v1.41/containers/abc/exec\"\n"
        "time=\"2026-11-21T10:00:07Z\" level=debug msg=\"form data: {\\\"Cmd\\\":[\\\"sh\\\"],"
        "\\\"Privileged\\\":true}\"");
    assert_null(key(ev, "docker.legacy_host_config"));
    assert_key_bool(ev, "container.security_context.privileged", 1);
    cJSON_Delete(ev);
}

/* ---- Dashboard ---- */

static void test_dashboard_upload(void **state) {
    (void)state;
    cJSON *ev = one_event(
        "[2026-11-21T10:00:00Z] Incoming HTTP/1.1 POST /api/v1/appdeploymentfromfile request from "
        "198.51.100.23:51024: {\"name\":\"p.yaml\",\"namespace\":\"default\",\"content\":"
        "\"kind: ConfigMap\\ndata: {a: 'privileged: true'}\\n---\\nkind: List\\nitems:\\n"
        "- kind: Pod\\n  spec:\\n    hostPID: on\\n    containers:\\n    - name: a\\n"
        "      image: alpine:3.19\\n---\\nkind: Deployment\\nspec:\\n  template:\\n    spec:\\n"
        "      containers:\\n      - {name: b, image: ubuntu, securityContext: {privileged: "
        "yes}}\\n\"}");
    static const char *const names[] = {"a", "b", NULL};
    assert_list(ev, "container.name", names);
    assert_key_bool(ev, "container.host_pid", 1);
    assert_key_bool(ev, "container.security_context.privileged", 1);
    assert_key_str(ev, "orchestrator.namespace", "default");
    assert_null(key(ev, "error.message"));
    /* the key appears once although two documents set it */
    int seen = 0;
    for (const cJSON *c = ev->child; c; c = c->next)
        seen += c->string && strcmp(c->string, "container.host_pid") == 0;
    assert_int_equal(seen, 1);
    cJSON_Delete(ev);

    ev = one_event("[2026-11-21T10:00:00Z] Incoming HTTP/1.1 POST /api/v1/appdeploymentfromfile "
                   "request from 10.0.0.1:1: {\"name\":\"x\",\"content\":\"a: [1\\n\"}");
    const cJSON *err = key(ev, "error.message");
    assert_non_null(strstr(item(err, 0)->valuestring, "not valid YAML"));
    cJSON_Delete(ev);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_patch_paths),       cmocka_unit_test(test_patch_arrays),
        cmocka_unit_test(test_patch_ignored_ops), cmocka_unit_test(test_patch_limits),
        cmocka_unit_test(test_yaml_scalars),      cmocka_unit_test(test_yaml_structure),
        cmocka_unit_test(test_yaml_limits),       cmocka_unit_test(test_audit_ephemeral),
        cmocka_unit_test(test_audit_json_patch),  cmocka_unit_test(test_dockerd_new_text),
        cmocka_unit_test(test_dockerd_json),      cmocka_unit_test(test_docker_legacy_body),
        cmocka_unit_test(test_dashboard_upload),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
