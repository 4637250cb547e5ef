/* SPDX-License-Identifier: Apache-2.0 */
/* Test hooks of the VM. Internal (hidden, not in libgantry.map): tests link
 * the static library to reach them; nothing else calls them. */
#ifndef GANTRY_VM_HOOKS_H
#define GANTRY_VM_HOOKS_H

#include <stdint.h>

#include "gantry.h"

/* Sets the matcher's generation counter, which the next event increments:
 * near UINT32_MAX, a test crosses the wrap (memo tables cleared, counting
 * again from 1) in a few events instead of four billion. */
void grt_matcher_set_generation(gantry_matcher *m, uint32_t gen);

#endif
