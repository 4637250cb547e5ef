/* SPDX-License-Identifier: Apache-2.0 */
#include "cidr.h"

#include <arpa/inet.h>
#include <string.h>

bool grt_addr_parse(const char *text, size_t len, uint8_t *family, uint8_t addr[16]) {
    char buf[INET6_ADDRSTRLEN + 1];
    if (len == 0 || len >= sizeof buf)
        return false;
    memcpy(buf, text, len);
    buf[len] = 0;
    memset(addr, 0, 16);
    if (inet_pton(AF_INET, buf, addr) == 1) {
        *family = 4;
        return true;
    }
    if (inet_pton(AF_INET6, buf, addr) == 1) {
        *family = 6;
        return true;
    }
    return false;
}

bool grt_net_parse(const char *text, size_t len, grt_net *net) {
    const char *slash = memchr(text, '/', len);
    size_t addr_len = slash ? (size_t)(slash - text) : len;
    if (!grt_addr_parse(text, addr_len, &net->family, net->addr))
        return false;
    unsigned max = net->family == 4 ? 32 : 128;
    unsigned prefix = max;
    if (slash) {
        const char *p = slash + 1, *end = text + len;
        if (p == end || end - p > 3)
            return false;
        prefix = 0;
        for (; p < end; p++) {
            if (*p < '0' || *p > '9')
                return false;
            prefix = prefix * 10 + (unsigned)(*p - '0');
        }
        if (prefix > max)
            return false;
    }
    net->prefix = (uint8_t)prefix;
    return true;
}

bool grt_net_host_bits(const grt_net *net) {
    unsigned max = net->family == 4 ? 32 : 128;
    for (unsigned bit = net->prefix; bit < max; bit++)
        if (net->addr[bit / 8] & (0x80u >> (bit % 8)))
            return true;
    return false;
}

void grt_net_clear_host_bits(grt_net *net) {
    unsigned max = net->family == 4 ? 32 : 128;
    for (unsigned bit = net->prefix; bit < max; bit++)
        net->addr[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
}

bool grt_net_contains(const grt_net *net, uint8_t family, const uint8_t addr[16]) {
    if (family != net->family)
        return false;
    unsigned full = net->prefix / 8, rest = net->prefix % 8;
    if (memcmp(addr, net->addr, full) != 0)
        return false;
    if (rest == 0)
        return true;
    uint8_t mask = (uint8_t)(0xFFu << (8 - rest));
    return (addr[full] & mask) == net->addr[full];
}
