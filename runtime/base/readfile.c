/* SPDX-License-Identifier: Apache-2.0 */
#include "readfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

gantry_status grt_read_file(const char *path, char **text, size_t *len) {
    *text = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return GANTRY_E_IO;
    char *data = NULL;
    size_t used = 0, cap = 0;
    for (;;) {
        if (cap - used < 4096) {
            size_t grown = cap ? cap * 2 : 16384;
            char *bigger = grown > cap ? realloc(data, grown) : NULL;
            if (!bigger) {
                free(data);
                fclose(f);
                errno = ENOMEM;
                return GANTRY_E_NOMEM;
            }
            data = bigger;
            cap = grown;
        }
        size_t n = fread(data + used, 1, cap - used - 1, f);
        used += n;
        if (n == 0)
            break;
    }
    int err = ferror(f) ? (errno ? errno : EIO) : 0;
    fclose(f);
    if (err) {
        free(data);
        errno = err;
        return GANTRY_E_IO;
    }
    data[used] = '\0';
    *text = data;
    *len = used;
    return GANTRY_OK;
}
