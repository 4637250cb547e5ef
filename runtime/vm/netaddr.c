/* IPv4/IPv6 addresses and CIDR networks for the CIDR predicate. Networks are
 * parsed once at load; event values are parsed with inet_pton per test. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "pack.h"

int grt_addr_parse(const char *text, size_t len, uint8_t *family, uint8_t addr[16]) {
    char buf[INET6_ADDRSTRLEN + 1];
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, text, len);
    buf[len] = 0;
    memset(addr, 0, 16);
    if (inet_pton(AF_INET, buf, addr) == 1) {
        *family = 4;
        return 0;
    }
    if (inet_pton(AF_INET6, buf, addr) == 1) {
        *family = 6;
        return 0;
    }
    return -1;
}

int grt_net_parse(const char *text, size_t len, grt_net *net) {
    const char *slash = memchr(text, '/', len);
    size_t addr_len = slash ? (size_t)(slash - text) : len;
    if (grt_addr_parse(text, addr_len, &net->family, net->addr) != 0)
        return -1;
    unsigned max = net->family == 4 ? 32 : 128;
    unsigned prefix = max;
    if (slash) {
        const char *p = slash + 1, *end = text + len;
        if (p == end || end - p > 3)
            return -1;
        prefix = 0;
        for (; p < end; p++) {
            if (*p < '0' || *p > '9')
                return -1;
            prefix = prefix * 10 + (unsigned)(*p - '0');
        }
        if (prefix > max)
            return -1;
    }
    net->prefix = (uint8_t)prefix;
    /* clear host bits so that containment is a plain prefix compare */
    for (unsigned bit = prefix; bit < max; bit++)
        net->addr[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
    return 0;
}

int grt_net_contains(const grt_net *net, uint8_t family, const uint8_t addr[16]) {
    if (family != net->family)
        return 0;
    unsigned full = net->prefix / 8, rest = net->prefix % 8;
    if (memcmp(addr, net->addr, full) != 0)
        return 0;
    if (rest == 0)
        return 1;
    uint8_t mask = (uint8_t)(0xFFu << (8 - rest));
    return (addr[full] & mask) == net->addr[full];
}

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
                grt_net_parse(pk->strs[c->text], pk->str_lens[c->text], &pk->nets[item]) != 0) {
                free(done);
                return grt_fail(err, err_size, GANTRY_E_VERIFY,
                                "predicate %u (CIDR): list item %u \"%s\" is not a network",
                                (unsigned)p, (unsigned)k, pk->strs[c->text]);
            }
        }
    }
    free(done);
    return GANTRY_OK;
}
