/* SPDX-License-Identifier: Apache-2.0 */
/* What each recognised source fills, for the compiler's W030 (a rule reads a
 * field no source of its logsource fills): the schema fields (the
 * normalizers' table) and the raw top-level keys each source keeps
 * (runtime/base/sources.h). Module prefix: gcli_. */
#ifndef GANTRY_CLI_FIELD_KNOWLEDGE_H
#define GANTRY_CLI_FIELD_KNOWLEDGE_H

/* gcomp_options.field_known (compiler.h). */
int gcli_field_known(const char *product, const char *service, const char *category,
                     const char *field, const char **suggestion);

#endif
