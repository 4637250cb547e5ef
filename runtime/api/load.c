/* SPDX-License-Identifier: Apache-2.0 */
/* Loading a pack: decode the sections (pack/), verify the bytecode, then
 * build what the VM, the prefilter and the correlations need at run time.
 * The only place that knows every runtime subsystem's part of a pack. */
#include <stdlib.h>

#include "correlate.h"
#include "fast.h"
#include "fields.h"
#include "logsource.h"
#include "pack.h"
#include "prefilter.h"
#include "regex.h"
#include "status.h"

void grt_pack_destroy(gantry_pack *pk) {
    if (!pk)
        return;
    grt_corr_table_free(pk->corr);
    grt_regex_free_all(pk);
    free(pk->arena);
    free(pk->strs);
    free(pk->str_lens);
    free(pk->fields);
    free(pk->consts);
    free(pk->lists);
    free(pk->list_items);
    free(pk->regexes);
    free(pk->preds);
    free(pk->code);
    free(pk->rules);
    free(pk->infos);
    free(pk->strlists);
    free(pk->named_lists);
    free(pk->nets);
    free(pk->rule_fields);
    free(pk->rule_field_items);
    free(pk->rule_names);
    gpf_free(pk->prefilter);
    gls_free(pk->dispatch);
    grt_fast_free(pk->fast);
    free(pk->path_hashes);
    free(pk->path_hash_items);
    free(pk);
}

gantry_status grt_pack_decode(const unsigned char *data, size_t size, gantry_optimize optimize,
                              gantry_pack **out, char *err, size_t err_size) {
    *out = NULL;
    if (err && err_size)
        err[0] = 0;
    if (size > GANTRY_MAX_PACK_BYTES)
        return grt_fail(err, err_size, GANTRY_E_LIMIT, "pack larger than %u bytes",
                        (unsigned)GANTRY_MAX_PACK_BYTES);
    gantry_pack *pk;
    grt_corr_sections cs;
    gantry_status st = grt_pack_read(data, size, &pk, &cs, err, err_size);
    if (st == GANTRY_OK)
        pk->optimize = optimize;
    if (st == GANTRY_OK && (st = grt_corr_decode(pk, data, cs, err, err_size)) == GANTRY_OK &&
        (st = grt_verify(pk, err, err_size)) == GANTRY_OK &&
        (st = grt_net_prepare(pk, err, err_size)) == GANTRY_OK &&
        (st = grt_rule_fields_prepare(pk)) == GANTRY_OK)
        st = grt_regex_compile_all(pk, err, err_size);
    if (st == GANTRY_OK)
        st = grt_fields_prepare(pk);
    if (st == GANTRY_OK)
        st = gls_prepare(pk);
    if (st == GANTRY_OK)
        st = gpf_build(pk);
    if (st == GANTRY_OK)
        st = grt_fast_prepare(pk);
    if (st != GANTRY_OK) {
        if (st == GANTRY_E_NOMEM)
            grt_fail(err, err_size, st, "out of memory while loading the pack");
        grt_pack_destroy(pk);
        return st;
    }
    *out = pk;
    return GANTRY_OK;
}
