/* SPDX-License-Identifier: Apache-2.0 */
/* Human-readable listing of a loaded pack, driven by the opcode table:
 * fields, constants, lists, regexes, predicates and each rule's code with
 * operands resolved to names and values. Module prefix: grt_. */
#ifndef GANTRY_DISASM_H
#define GANTRY_DISASM_H

#include <stdio.h>
#include "gantry.h"

/* Returns 0, or -1 on a write error. */
int grt_disasm(const gantry_pack *pack, FILE *out);

#endif
