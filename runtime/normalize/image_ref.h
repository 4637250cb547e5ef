/* SPDX-License-Identifier: Apache-2.0 */
/* Docker image references ("nginx", "gcr.io/x/y:1.2@sha256:...",
 * "172.16.99.67:5000/id-session:latest") split the way the Docker reference
 * grammar does: a first component holding '.' or ':' or equal to "localhost"
 * names a registry, else the registry is docker.io and one-word names gain
 * "library/"; without tag and digest the tag is "latest".
 * Module prefix: gimg_. */
#ifndef GANTRY_IMAGE_REF_H
#define GANTRY_IMAGE_REF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct gimg_ref {
    char registry[256];
    char repository[512]; /* path inside the registry, "library/nginx" */
    char tag[130];        /* "" when the reference has only a digest */
    char digest[160];     /* "sha256:..." or "" */
} gimg_ref;

/* False when `ref` is not a plausible image reference. */
bool gimg_parse(const char *ref, size_t len, gimg_ref *out);

#endif
