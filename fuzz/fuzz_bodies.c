/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the parsers of request bodies in other shapes, on arbitrary
 * bytes, without the log line around them. The first byte picks the parser:
 *   0  JSON patch (the rest is a JSON text; its operations are replayed),
 *   1  YAML manifest (the rest is the manifest text),
 *   2  Docker create/start/volume body (the rest is a JSON text),
 * and the result goes through the pod-spec walk of every workload kind.
 * Contracts: the replayed patch is an object; the manifest is an array; any
 * error is one of the parsers' static reasons (non-empty); the walk never
 * produces more values per field than the output limit. */
#include "fuzz_common.h"

#include "gantry_limits.h"
#include "normalize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void gfz_bodies_walk(const cJSON *object, const char *resource) {
    gnorm_out o = {cJSON_CreateObject(), GNORM_G_ALL, 0};
    if (!o.obj)
        return;
    gnorm_pod_spec(&o, gnorm_find_pod_spec(object, resource));
    gnorm_pod_spec_ephemeral(&o, object);
    for (const cJSON *c = o.obj->child; c; c = c->next)
        if (cJSON_IsArray(c))
            GFZ_REQUIRE(cJSON_GetArraySize(c) <= (int)GANTRY_MAX_VALUES_PER_FIELD);
    cJSON_Delete(o.obj);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0)
        return 0;
    unsigned which = data[0] % 3;
    /* An exact-size copy so ASan sees reads past the text. */
    char *text = malloc(size);
    if (!text)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    static const char *const kinds[] = {"pods", "deployments", "cronjobs", NULL};
    const char *error = NULL;
    if (which == 0 || which == 2) {
        cJSON *root = gnorm_parse_json(text, size - 1, &error);
        if (root && which == 0) {
            cJSON *doc = NULL;
            gantry_status st = gnorm_json_patch_object(root, &doc, &error);
            GFZ_REQUIRE(st == GANTRY_OK || (st == GANTRY_E_NOMEM && !doc));
            GFZ_REQUIRE(cJSON_IsArray(root) ? doc != NULL || (error && *error) : doc == NULL);
            GFZ_REQUIRE(!doc || cJSON_IsObject(doc));
            GFZ_REQUIRE(!error || *error);
            for (size_t i = 0; doc && i < 4; i++)
                gfz_bodies_walk(doc, kinds[i]);
            cJSON_Delete(doc);
        } else if (root) {
            gnorm_out o = {cJSON_CreateObject(), GNORM_G_ALL, 0};
            if (o.obj)
                gnorm_docker_body(&o, root);
            cJSON_Delete(o.obj);
        }
        cJSON_Delete(root);
    } else {
        cJSON *docs = NULL;
        gantry_status st = gnorm_yaml_documents(text, size - 1, &docs, &error);
        GFZ_REQUIRE(st == GANTRY_OK || (st == GANTRY_E_NOMEM && !docs));
        GFZ_REQUIRE(!docs || cJSON_IsArray(docs));
        GFZ_REQUIRE(!error || *error);
        GFZ_REQUIRE(!docs || cJSON_GetArraySize(docs) <= (int)GANTRY_MAX_YAML_DOCUMENTS);
        const cJSON *doc;
        cJSON_ArrayForEach(doc, docs) {
            gfz_bodies_walk(doc, NULL);
        }
        cJSON_Delete(docs);
    }
    free(text);
    return 0;
}
