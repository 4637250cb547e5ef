/* Private helpers of the correlation stage (correlate.c, correlate_time.c).
 * Module prefix: gcs_. */
#ifndef GANTRY_RT_CORRELATE_STAGE_H
#define GANTRY_RT_CORRELATE_STAGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gantry.h"

struct cJSON;
/* `@timestamp` of an event -> ns; -1 when absent or malformed. */
int gcs_event_time(const struct cJSON *event, int64_t *ns);
/* Text of a scalar (numbers are formatted into buf); -1 for null, objects. */
int gcs_value_text(const struct cJSON *v, char *buf, size_t size, const char **text, size_t *len);
int gcs_value_number(const struct cJSON *v, double *out);

#endif
