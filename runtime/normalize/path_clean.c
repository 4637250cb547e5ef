/* SPDX-License-Identifier: Apache-2.0 */
/* Host paths as the runtimes read them: the lexical clean-up of Go's
 * path.Clean (which Docker and the kubelet apply), so that a rule comparing
 * /var/run/docker.sock also sees //var/run/./docker.sock, /var/run/ and
 * /var/log/../run/docker.sock. Nothing is resolved on disk (symbolic links
 * such as /var/run -> /run stay as written; the lists carry both). */
#include <stdlib.h>
#include <string.h>

#include "normalize.h"

size_t gnorm_clean_path(const char *in, size_t n, char *out) {
    if (n == 0) {
        out[0] = '.';
        out[1] = '\0';
        return 1;
    }
    int rooted = in[0] == '/';
    size_t w = 0, r = 0, dotdot = 0; /* dotdot: where .. may back up to */
    if (rooted) {
        out[w++] = '/';
        r = dotdot = 1;
    }
    while (r < n) {
        if (in[r] == '/') {
            r++;
        } else if (in[r] == '.' && (r + 1 == n || in[r + 1] == '/')) {
            r++;
        } else if (in[r] == '.' && in[r + 1] == '.' && (r + 2 == n || in[r + 2] == '/')) {
            r += 2;
            if (w > dotdot) { /* back up over the last element */
                w--;
                while (w > dotdot && out[w] != '/')
                    w--;
            } else if (!rooted) { /* a relative path keeps leading .. */
                if (w > 0)
                    out[w++] = '/';
                out[w++] = '.';
                out[w++] = '.';
                dotdot = w;
            } /* above the root: stays at the root */
        } else {
            if ((rooted && w != 1) || (!rooted && w != 0))
                out[w++] = '/';
            while (r < n && in[r] != '/')
                out[w++] = in[r++];
        }
    }
    if (w == 0)
        out[w++] = '.';
    out[w] = '\0';
    return w;
}

void gnorm_push_host_path(gnorm_out *o, const char *key, const char *path, size_t n,
                          const char *sub) {
    size_t sn = sub ? strlen(sub) : 0;
    /* only absolute paths are host paths; volume names stay as written */
    if (n == 0 || path[0] != '/') {
        gnorm_push_strn(o, key, path, n);
        return;
    }
    char small[512];
    size_t need = n + sn + 3;
    char *joined = need <= sizeof small ? small : malloc(need);
    char *clean = malloc(need);
    if (!joined || !clean) {
        if (joined != small)
            free(joined);
        free(clean);
        o->nomem = 1;
        return;
    }
    memcpy(joined, path, n);
    size_t len = n;
    if (sn) { /* subPath joins under the volume's path */
        joined[len++] = '/';
        memcpy(joined + len, sub, sn);
        len += sn;
    }
    size_t cn = gnorm_clean_path(joined, len, clean);
    gnorm_push_strn(o, key, clean, cn);
    if (joined != small)
        free(joined);
    free(clean);
}
