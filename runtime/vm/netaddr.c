/* SPDX-License-Identifier: Apache-2.0 */
/* The networks of the CIDR predicate, parsed once at load (base/cidr.h);
 * event values are parsed per test. */
#include <stdlib.h>
#include <string.h>

#include "pack.h"

/* Parses the networks of every list a CIDR predicate uses. */
gantry_status grt_net_prepare(gantry_pack *pk, char *err, size_t err_size) {
    if (!(pk->nets = calloc(pk->nlist_items ? pk->nlist_items : 1, sizeof *pk->nets)))
        return GANTRY_E_NOMEM;
    /* each list is parsed once however many predicates share it */
    unsigned char *done = calloc(pk->nlists ? pk->nlists : 1, 1);
    if (!done)
        return GANTRY_E_NOMEM;
    for (uint32_t p = 0; p < pk->npreds; p++) {
        const struct gantry_insn *in = &pk->preds[p];
        if (in->op != GANTRY_OP_CIDR || done[in->b])
            continue;
        done[in->b] = 1;
        const grt_slice *l = &pk->lists[in->b];
        for (uint32_t k = 0; k < l->count; k++) {
            uint32_t item = l->first + k;
            const grt_const *c = &pk->consts[pk->list_items[item]];
            if (c->kind != GANTRY_CONST_STRING ||
                !grt_net_parse(pk->strs[c->text], pk->str_lens[c->text], &pk->nets[item])) {
                free(done);
                return grt_fail(err, err_size, GANTRY_E_VERIFY,
                                "predicate %u (CIDR): list item %u \"%s\" is not a network",
                                (unsigned)p, (unsigned)k, pk->strs[c->text]);
            }
            grt_net_clear_host_bits(&pk->nets[item]);
        }
    }
    free(done);
    return GANTRY_OK;
}
