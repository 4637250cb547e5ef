/* The runtime's error funnel: every failure is a gantry_status, and the
 * text that explains it goes into the caller's err buffer. Module prefix: grt_. */
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
