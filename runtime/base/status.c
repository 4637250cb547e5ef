/* SPDX-License-Identifier: Apache-2.0 */
/* gantry_strerror and the formatter behind every runtime error message. */
#include <stdarg.h>
#include <stdio.h>

#include "status.h"

gantry_status grt_fail(char *err, size_t err_size, gantry_status status, const char *fmt, ...) {
    if (err && err_size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, err_size, fmt, ap);
        va_end(ap);
    }
    return status;
}

GRT_API const char *gantry_strerror(gantry_status status) {
    switch (status) {
    case GANTRY_OK:
        return "success";
    case GANTRY_E_NOMEM:
        return "out of memory";
    case GANTRY_E_IO:
        return "input/output error";
    case GANTRY_E_ARG:
        return "invalid argument";
    case GANTRY_E_MAGIC:
        return "not a Gantry pack";
    case GANTRY_E_VERSION:
        return "pack built by another format version";
    case GANTRY_E_TRUNCATED:
        return "pack truncated";
    case GANTRY_E_CRC:
        return "pack checksum mismatch";
    case GANTRY_E_SECTION:
        return "malformed pack section";
    case GANTRY_E_VERIFY:
        return "pack bytecode refused by the verifier";
    case GANTRY_E_REGEX:
        return "a pack regex does not compile";
    case GANTRY_E_JSON:
        return "event is not a valid JSON object";
    case GANTRY_E_LIMIT:
        return "resource limit reached";
    case GANTRY_E_REGEX_LIMIT:
        return "regex match limit reached on this event";
    case GANTRY_E_EVENT:
        return "line is not an event of any known form";
    case GANTRY_STATUS__COUNT:
        break;
    }
    return "unknown status";
}
