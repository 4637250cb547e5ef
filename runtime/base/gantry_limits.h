/* SPDX-License-Identifier: Apache-2.0 */
/* Every resource limit of Gantry in one place. Exceeding any of them is an
 * error code returned to the caller, never an assert or abort. docs/limits.md
 * (and SECURITY.md) list them with their defaults. */
#ifndef GANTRY_LIMITS_H
#define GANTRY_LIMITS_H

/* Packs */
#define GANTRY_MAX_PACK_BYTES (1024u * 1024u * 1024u) /* 1 GiB */
#define GANTRY_MAX_STRING_BYTES (16u * 1024u * 1024u) /* one pack string */
#define GANTRY_MAX_RULES 1000000u
#define GANTRY_MAX_RULE_CODE 65536u /* instructions in one rule */
#define GANTRY_MAX_STACK 256u       /* VM boolean stack depth */
#define GANTRY_MAX_FIELDS 65535u    /* entries in the field dictionary */
#define GANTRY_MAX_FIELD_DEPTH 64u  /* dotted components in one field path */

/* Rule source */
#define GANTRY_MAX_NESTING 200u         /* parentheses / not / macro depth in a condition */
#define GANTRY_MAX_INCLUDE_DEPTH 32u    /* nested include */
#define GANTRY_MAX_LIST_VALUES 1000000u /* values in one list */

/* Events */
#define GANTRY_DEFAULT_MAX_LINE_BYTES (16u * 1024u * 1024u) /* --max-line-bytes */
#define GANTRY_DEFAULT_MAX_DEPTH 128u                       /* --max-depth: JSON nesting */
#define GANTRY_MAX_VALUES_PER_FIELD 65536u                  /* array elements one path may yield */

/* Request bodies the normalizer reads in other shapes. Past a limit the
 * event keeps what was read before it and gets `error.message`. */
#define GANTRY_MAX_PATCH_OPS 1000u       /* operations applied from one JSON patch */
#define GANTRY_MAX_POINTER_TOKENS 32u    /* reference tokens in one JSON pointer */
#define GANTRY_MAX_POINTER_TOKEN 256u    /* bytes in one reference token */
#define GANTRY_MAX_PATCH_INDEX 1000u     /* array index a patch path may name */
#define GANTRY_MAX_PATCH_NODES 100000u   /* JSON values one patch may write */
#define GANTRY_MAX_YAML_DOCUMENTS 64u    /* documents in one uploaded manifest */
#define GANTRY_MAX_YAML_NODES 100000u    /* values built from one manifest, aliases expanded */
#define GANTRY_MAX_YAML_DEPTH 64u        /* nesting of collections in a manifest */
#define GANTRY_MAX_YAML_ALIASES 1000u    /* alias uses in one manifest */

/* Regexes (pcre2_set_match_limit / pcre2_set_depth_limit) */
#define GANTRY_REGEX_MATCH_LIMIT 100000u
#define GANTRY_REGEX_DEPTH_LIMIT 1000u

#endif
