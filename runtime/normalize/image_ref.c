/* SPDX-License-Identifier: Apache-2.0 */
#include "image_ref.h"

#include <string.h>

static bool copy_part(char *dst, size_t cap, const char *src, size_t n) {
    if (n >= cap)
        return false;
    memcpy(dst, src, n);
    dst[n] = '\0';
    return true;
}

static int is_registry(const char *p, size_t n) {
    if (n == 9 && memcmp(p, "localhost", 9) == 0)
        return 1;
    return memchr(p, '.', n) != NULL || memchr(p, ':', n) != NULL;
}

static int plausible(const char *p, size_t n) {
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c <= ' ' || c == '"' || c == '\\' || c >= 0x7f)
            return 0;
        if (c == '/' && (i == 0 || i + 1 == n || p[i + 1] == '/'))
            return 0;
    }
    return 1;
}

bool gimg_parse(const char *ref, size_t len, gimg_ref *out) {
    memset(out, 0, sizeof *out);
    const char *at = memchr(ref, '@', len);
    size_t name_len = at ? (size_t)(at - ref) : len;
    if (at && !copy_part(out->digest, sizeof out->digest, at + 1, len - name_len - 1))
        return false;
    if (at && strchr(out->digest, ':') == NULL)
        return false;
    if (!plausible(ref, name_len))
        return false;

    const char *slash = memchr(ref, '/', name_len);
    const char *path = ref;
    size_t path_len = name_len;
    if (slash && is_registry(ref, (size_t)(slash - ref))) {
        size_t reg_len = (size_t)(slash - ref);
        if (!copy_part(out->registry, sizeof out->registry, ref, reg_len))
            return false;
        if (strcmp(out->registry, "index.docker.io") == 0 ||
            strcmp(out->registry, "registry-1.docker.io") == 0)
            strcpy(out->registry, "docker.io");
        path = slash + 1;
        path_len = name_len - reg_len - 1;
    } else {
        strcpy(out->registry, "docker.io");
    }

    /* A tag is a ':' after the last '/' of the path. */
    const char *last_slash = path;
    for (size_t i = 0; i < path_len; i++)
        if (path[i] == '/')
            last_slash = path + i + 1;
    const char *colon = memchr(last_slash, ':', path_len - (size_t)(last_slash - path));
    size_t repo_len = colon ? (size_t)(colon - path) : path_len;
    if (repo_len == 0)
        return false;
    if (colon) {
        size_t tag_len = path_len - repo_len - 1;
        if (tag_len == 0 || !copy_part(out->tag, sizeof out->tag, colon + 1, tag_len))
            return false;
    } else if (!at) {
        strcpy(out->tag, "latest");
    }

    int library = strcmp(out->registry, "docker.io") == 0 && memchr(path, '/', repo_len) == NULL;
    size_t off = library ? 8 : 0;
    if (off + repo_len >= sizeof out->repository)
        return false;
    if (library)
        memcpy(out->repository, "library/", 8);
    memcpy(out->repository + off, path, repo_len);
    out->repository[off + repo_len] = '\0';
    for (char *c = out->repository; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            return false;
    return true;
}
