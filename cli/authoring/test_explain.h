/* SPDX-License-Identifier: Apache-2.0 */
/* `gantry test`: explaining a failed case (test_explain.c). */
#ifndef GANTRY_CLI_TEST_EXPLAIN_H
#define GANTRY_CLI_TEST_EXPLAIN_H

#include <stddef.h>

#include "compiler.h"

struct cJSON;

/* Prints, under a failed case, whether each leaf of rule `name`'s condition
 * holds on `event`; the rules are parsed again from `paths` with `comp`. */
void gtest_explain(const char *const *paths, size_t path_count, const gcomp_options *comp,
                   const char *name, const struct cJSON *event);

#endif
