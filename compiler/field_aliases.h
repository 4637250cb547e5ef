/* SPDX-License-Identifier: Apache-2.0 */
/* Field-name aliases resolved at compile time: Falco names (`ka.verb`,
 * `container.privileged`, `proc.cmdline`, ...) and Sigma's abstract
 * Kubernetes fields (`hostPath`, `capabilities`, `apiGroup`) map onto the
 * normalized schema of docs/schema.md, so aliases cost nothing per event.
 * Module prefix: galias_. */
#ifndef GANTRY_FIELD_ALIASES_H
#define GANTRY_FIELD_ALIASES_H

/* The schema name for `field`, or NULL when it is not an alias. */
const char *galias_resolve(const char *field);

#endif
