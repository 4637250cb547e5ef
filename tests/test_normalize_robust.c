/* SPDX-License-Identifier: Apache-2.0 */
/* Normalizer edge cases: image references, refusal of malformed and
 * truncated input (never a crash, every line accounted for), limits, format
 * names, forced formats, field groups and the alias table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cJSON.h>

#include "field_aliases.h"
#include "gantry.h"
#include "gantry_cjson.h"
#include "image_ref.h"
#include "gantry_limits.h"
#include "normalize.h"

static void expect_ref(const char *ref, const char *registry, const char *repo, const char *tag,
                       const char *digest) {
    gimg_ref r;
    assert_true(gimg_parse(ref, strlen(ref), &r));
    assert_string_equal(r.registry, registry);
    assert_string_equal(r.repository, repo);
    assert_string_equal(r.tag, tag);
    assert_string_equal(r.digest, digest);
}

static void test_image_refs(void **state) {
    (void)state;
    expect_ref("nginx", "docker.io", "library/nginx", "latest", "");
    expect_ref("nginx:1.25", "docker.io", "library/nginx", "1.25", "");
    expect_ref("bitnami/redis", "docker.io", "bitnami/redis", "latest", "");
    expect_ref("docker.io/nginx", "docker.io", "library/nginx", "latest", "");
    expect_ref("index.docker.io/library/nginx:1", "docker.io", "library/nginx", "1", "");
    expect_ref("172.16.99.67:5000/id-session:latest", "172.16.99.67:5000", "id-session", "latest",
               "");
    expect_ref("localhost/app", "localhost", "app", "latest", "");
    expect_ref("localhost:5000/a/b/c:v2", "localhost:5000", "a/b/c", "v2", "");
    expect_ref("gcr.io/proj/img@sha256:abcd", "gcr.io", "proj/img", "", "sha256:abcd");
    expect_ref("nginx:1.25@sha256:ff", "docker.io", "library/nginx", "1.25", "sha256:ff");
    gimg_ref r;
    assert_false(gimg_parse("", 0, &r));
    assert_false(gimg_parse("a b", 3, &r));
    assert_false(gimg_parse("/x", 2, &r));
    assert_false(gimg_parse("x:", 2, &r));
    assert_false(gimg_parse("Upper/Case", 10, &r));
    assert_false(gimg_parse("x@nodigest", 10, &r));
}

typedef struct tally {
    uint64_t covered, events, malformed, blank;
} tally;

static void drain(gantry_normalizer *n, tally *t) {
    gantry_item it;
    while (gantry_normalizer_next(n, &it)) {
        t->covered += it.last_line - it.first_line + 1;
        if (it.kind == GANTRY_ITEM_EVENT) {
            assert_non_null(it.event);
            t->events++;
        } else if (it.kind == GANTRY_ITEM_MALFORMED) {
            assert_non_null(it.reason);
            t->malformed++;
        } else {
            t->blank++;
        }
    }
}

/* Every prefix of every sample line, fed as its own stream and also as one
 * long stream: no crash (the sanitizer build checks), every line counted. */
static void truncate_file(const char *path) {
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    gantry_normalizer *stream = NULL;
    assert_int_equal(gantry_normalizer_new(NULL, GANTRY_FORMAT_AUTO, &stream), GANTRY_OK);
    tally all = {0, 0, 0, 0};
    uint64_t fed = 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) >= 0) {
        if (len && line[len - 1] == '\n')
            len--;
        for (ssize_t cut = 0; cut <= len; cut += (len > 400 ? 7 : 1)) {
            assert_int_equal(gantry_normalizer_feed(stream, line, (size_t)cut, ++fed), GANTRY_OK);
            drain(stream, &all);
        }
    }
    assert_int_equal(gantry_normalizer_finish(stream), GANTRY_OK);
    drain(stream, &all);
    assert_int_equal(all.covered, fed);
    assert_true(all.malformed > 0);
    gantry_normalizer_free(stream);
    free(line);
    fclose(f);
}

static void test_truncated_never_crash(void **state) {
    (void)state;
    static const char *const files[] = {
        "corpus/formats/k8s_audit.jsonl", "corpus/formats/docker_events.jsonl",
        "corpus/formats/dockerd.log",     "corpus/formats/falco.jsonl",
        "corpus/formats/containerd.log",  "corpus/formats/k8s_dashboard.log",
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        truncate_file(files[i]);
}

static gantry_item_kind one_line(gantry_input_format format, const char *line,
                                 const char **reason) {
    gantry_normalizer *n = NULL;
    assert_int_equal(gantry_normalizer_new(NULL, format, &n), GANTRY_OK);
    assert_int_equal(gantry_normalizer_feed(n, line, strlen(line), 1), GANTRY_OK);
    assert_int_equal(gantry_normalizer_finish(n), GANTRY_OK);
    gantry_item it;
    assert_int_equal(gantry_normalizer_next(n, &it), 1);
    gantry_item_kind k = it.kind;
    if (reason)
        *reason = it.reason;
    assert_int_equal(it.first_line, 1);
    assert_int_equal(it.last_line, 1);
    gantry_item extra;
    assert_int_equal(gantry_normalizer_next(n, &extra), 0);
    gantry_normalizer_free(n);
    return k;
}

static void test_limits(void **state) {
    (void)state;
    size_t depth = GANTRY_DEFAULT_MAX_DEPTH + 5;
    char *deep = malloc(depth * 2 + 1);
    assert_non_null(deep);
    for (size_t i = 0; i < depth; i++) {
        deep[i] = '[';
        deep[depth * 2 - 1 - i] = ']';
    }
    deep[0] = '{';
    deep[depth * 2 - 1] = '}';
    deep[depth * 2] = '\0';
    const char *reason = NULL;
    assert_int_equal(one_line(GANTRY_FORMAT_AUTO, deep, &reason), GANTRY_ITEM_MALFORMED);
    assert_non_null(strstr(reason, "depth"));
    free(deep);

    size_t big = GANTRY_DEFAULT_MAX_LINE_BYTES + 1;
    char *huge = malloc(big + 1);
    assert_non_null(huge);
    memset(huge, 'a', big);
    huge[0] = '{';
    huge[big] = '\0';
    assert_int_equal(one_line(GANTRY_FORMAT_AUTO, huge, &reason), GANTRY_ITEM_MALFORMED);
    free(huge);

    assert_int_equal(one_line(GANTRY_FORMAT_AUTO, "   \t", NULL), GANTRY_ITEM_BLANK);
    assert_int_equal(one_line(GANTRY_FORMAT_AUTO, "hello world", &reason), GANTRY_ITEM_MALFORMED);
    assert_int_equal(one_line(GANTRY_FORMAT_AUTO, "{\"a\":1} trailing", NULL),
                     GANTRY_ITEM_MALFORMED);
    assert_int_equal(one_line(GANTRY_FORMAT_AUTO, "42", NULL), GANTRY_ITEM_MALFORMED);
}

static void test_forced_formats(void **state) {
    (void)state;
    const char *docker = "{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"x\"}}";
    assert_int_equal(one_line(GANTRY_FORMAT_DOCKER_EVENTS, docker, NULL), GANTRY_ITEM_EVENT);
    assert_int_equal(one_line(GANTRY_FORMAT_K8S_AUDIT, docker, NULL), GANTRY_ITEM_MALFORMED);
    assert_int_equal(one_line(GANTRY_FORMAT_FALCO, docker, NULL), GANTRY_ITEM_MALFORMED);
    assert_int_equal(one_line(GANTRY_FORMAT_JSON, docker, NULL), GANTRY_ITEM_EVENT);
    assert_int_equal(one_line(GANTRY_FORMAT_DOCKERD, docker, NULL), GANTRY_ITEM_MALFORMED);
    const char *logrus = "time=\"2024-01-01T00:00:00Z\" level=info msg=\"hello\"";
    assert_int_equal(one_line(GANTRY_FORMAT_CONTAINERD, logrus, NULL), GANTRY_ITEM_EVENT);
    assert_int_equal(one_line(GANTRY_FORMAT_JSON, logrus, NULL), GANTRY_ITEM_MALFORMED);
    assert_int_equal(one_line(GANTRY_FORMAT_K8S_DASHBOARD, logrus, NULL), GANTRY_ITEM_MALFORMED);
}

static void test_format_names(void **state) {
    (void)state;
    for (int f = 0; f < GANTRY_FORMAT__COUNT; f++)
        assert_int_equal(gantry_input_format_parse(gantry_input_format_name(f)), f);
    assert_int_equal(gantry_input_format_parse("nope"), -1);
    assert_int_equal(gantry_input_format_parse(NULL), -1);
    gantry_normalizer *n = NULL;
    assert_int_equal(gantry_normalizer_new(NULL, GANTRY_FORMAT__COUNT, &n), GANTRY_E_ARG);
    assert_null(n);
    assert_int_equal(gantry_normalizer_feed(NULL, "x", 1, 1), GANTRY_E_ARG);
}

/* Re-normalizing normalized output must not duplicate schema keys. */
static void test_idempotent(void **state) {
    (void)state;
    const char *line =
        "{\"Type\":\"container\",\"Action\":\"create\",\"Actor\":{\"ID\":\"x\",\"Attributes\":"
        "{\"image\":\"nginx\",\"name\":\"n\"}},\"time\":1}";
    gantry_normalizer *n = NULL;
    assert_int_equal(gantry_normalizer_new(NULL, GANTRY_FORMAT_AUTO, &n), GANTRY_OK);
    assert_int_equal(gantry_normalizer_feed(n, line, strlen(line), 1), GANTRY_OK);
    gantry_item it;
    assert_int_equal(gantry_normalizer_next(n, &it), 1);
    char *once = cJSON_PrintUnformatted(gantry_event_cjson(it.event));
    assert_int_equal(gantry_normalizer_feed(n, once, strlen(once), 2), GANTRY_OK);
    assert_int_equal(gantry_normalizer_next(n, &it), 1);
    char *twice = cJSON_PrintUnformatted(gantry_event_cjson(it.event));
    assert_string_equal(once, twice);
    free(once);
    free(twice);
    gantry_normalizer_free(n);
}

static void test_field_groups(void **state) {
    (void)state;
    assert_int_equal(gnorm_field_groups("container.image.tag"), GNORM_G_IMAGE);
    assert_int_equal(gnorm_field_groups("container.mounts.source"), GNORM_G_MOUNTS);
    assert_true(gnorm_field_groups("container.image") & GNORM_G_IMAGE);
    assert_true(gnorm_field_groups("container.image") & GNORM_G_CONTAINER);
    assert_int_equal(gnorm_field_groups("requestObject.spec.hostNetwork"), 0);
    assert_int_equal(gnorm_field_groups("verb"), 0);
    size_t count = 0;
    const gnorm_field *f = gnorm_schema_fields(&count);
    assert_true(count > 40);
    for (size_t i = 0; i < count; i++) {
        assert_non_null(f[i].description);
        assert_true(f[i].group != 0);
    }
}

static void test_aliases(void **state) {
    (void)state;
    assert_string_equal(galias_resolve("hostPath"), "container.mounts.source");
    assert_string_equal(galias_resolve("capabilities"),
                        "container.security_context.capabilities.add");
    assert_string_equal(galias_resolve("apiGroup"), "orchestrator.resource.api_group");
    assert_string_equal(galias_resolve("ka.verb"), "event.original_action");
    assert_string_equal(galias_resolve("ka.target.resource"), "orchestrator.resource.type");
    assert_string_equal(galias_resolve("container.privileged"),
                        "container.security_context.privileged");
    assert_string_equal(galias_resolve("proc.cmdline"), "process.command_line");
    assert_null(galias_resolve("container.image.name"));
    assert_null(galias_resolve("objectRef.resource"));
    /* every alias target is a schema field */
    static const char *const probes[] = {"hostPath",     "ka.sourceips", "ka.req.pod.host_pid",
                                         "proc.exepath", "k8s.ns.name",  "container.image"};
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++)
        assert_true(gnorm_field_groups(galias_resolve(probes[i])) != 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_image_refs),   cmocka_unit_test(test_truncated_never_crash),
        cmocka_unit_test(test_limits),       cmocka_unit_test(test_forced_formats),
        cmocka_unit_test(test_format_names), cmocka_unit_test(test_idempotent),
        cmocka_unit_test(test_field_groups), cmocka_unit_test(test_aliases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
