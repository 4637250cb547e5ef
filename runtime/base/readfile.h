/* SPDX-License-Identifier: Apache-2.0 */
/* Whole-file reading for the front ends and the CLI (rule files, mappings,
 * stats files): the runtime itself maps packs (api.c) and reads no other file. */
#ifndef GANTRY_RT_READFILE_H
#define GANTRY_RT_READFILE_H

#include <stddef.h>

#include "gantry.h"

/* Reads the file at path into a NUL-terminated buffer *text (the caller frees
 * it) of *len bytes. Returns GANTRY_OK, GANTRY_E_NOMEM, or GANTRY_E_IO with
 * errno saying why (so callers can print strerror(errno)). */
gantry_status grt_read_file(const char *path, char **text, size_t *len);

#endif
