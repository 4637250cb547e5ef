/* SPDX-License-Identifier: Apache-2.0 */
/* PCRE2 compile options of a pack regex: the compiler checks each pattern
 * with exactly the options the runtime will compile it with. */
#ifndef GANTRY_RT_REGEX_OPTIONS_H
#define GANTRY_RT_REGEX_OPTIONS_H

#include <stdint.h>

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

#include "opcodes.h"

/* GANTRY_RE_* flags -> PCRE2 options. NEVER_UTF also refuses an in-pattern
 * (*UTF): event text is arbitrary bytes, and UTF mode would turn invalid
 * UTF-8 into match errors. */
static inline uint32_t grt_regex_options(uint32_t flags) {
    return PCRE2_NEVER_UTF | (flags & GANTRY_RE_I ? PCRE2_CASELESS : 0) |
           (flags & GANTRY_RE_M ? PCRE2_MULTILINE : 0) | (flags & GANTRY_RE_S ? PCRE2_DOTALL : 0);
}

#endif
