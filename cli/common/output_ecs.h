/* SPDX-License-Identifier: Apache-2.0 */
/* --format ecs: a match as an Elastic Common Schema alert document.
 * docs/output.md holds the mapping. Module prefix: gmo_. */
#ifndef GANTRY_CLI_OUTPUT_ECS_H
#define GANTRY_CLI_OUTPUT_ECS_H

#include <stdint.h>

#include "gantry.h"
#include "output_fields.h"

struct cJSON;

/* The alert document for rule `rule` of `pack` matching `event` (line
 * `line` of `file`); with `fields`, only those event fields. Returns a new
 * object, or NULL when memory ran out. */
struct cJSON *gmo_ecs_document(const gantry_pack *pack, uint32_t rule, const char *file,
                               uint64_t line, const struct cJSON *event,
                               const gmo_field_list *fields);

#endif
