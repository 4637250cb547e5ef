/* SPDX-License-Identifier: Apache-2.0 */
/* Private helpers of the correlation stage (correlate.c, correlate_time.c).
 * Module prefix: gcs_. */
#ifndef GANTRY_RT_CORRELATE_STAGE_H
#define GANTRY_RT_CORRELATE_STAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gantry.h"

struct cJSON;
/* `@timestamp` of an event -> ns; false when absent or malformed. */
bool gcs_event_time(const struct cJSON *event, int64_t *ns);
/* Text of a scalar (numbers are formatted into buf); false for null, objects. */
bool gcs_value_text(const struct cJSON *v, char *buf, size_t size, const char **text, size_t *len);
/* A number, or a string that reads completely as one; false otherwise. */
bool gcs_value_number(const struct cJSON *v, double *out);
/* The event reduced to what the stage reads from it for `pack`'s
 * correlations (gantry_correlator_copy_event); NULL when out of memory. */
struct cJSON *gcs_copy_event(const gantry_pack *pack, const struct cJSON *event);

#endif
