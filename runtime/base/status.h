/* SPDX-License-Identifier: Apache-2.0 */
/* The runtime's error funnel: every failure is a gantry_status, and the
 * text that explains it goes into the caller's err buffer. Module prefix: grt_.
 *
 * The runtime's one error convention (every folder under runtime/): a
 * function that can fail returns a gantry_status (GANTRY_OK is 0), never a
 * -1/-2 code, a (size_t)-1 sentinel or an error string to compare; a message
 * for a person travels beside the status (an err buffer, or a static reason
 * through an out-parameter, as the normalizers' malformed-line reasons do).
 * Questions that are not failures (is this text a timestamp, does this key
 * exist) answer with bool. The compiler and the grammar have their own
 * convention: the diagnostics sink (grammar/diag.h). */
#ifndef GANTRY_RT_STATUS_H
#define GANTRY_RT_STATUS_H

#include <stddef.h>

#include "gantry.h"

/* Visibility of the public API: only gantry_* symbols leave libgantry. */
#define GRT_API __attribute__((visibility("default")))

/* Formats into err (when not NULL) and returns status. */
gantry_status grt_fail(char *err, size_t err_size, gantry_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

#endif
