/* SPDX-License-Identifier: Apache-2.0 */
/* IPv4/IPv6 addresses and CIDR networks: the compiler checks and normalizes
 * `cidr` values with these, the loader parses the same text into networks
 * and the CIDR predicate tests event addresses against them. */
#ifndef GANTRY_RT_CIDR_H
#define GANTRY_RT_CIDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct grt_net {
    uint8_t family; /* 4 or 6 */
    uint8_t prefix; /* bits */
    uint8_t addr[16];
} grt_net;

/* An address (IPv4 or IPv6, no prefix) of len bytes into family and bytes. */
bool grt_addr_parse(const char *text, size_t len, uint8_t *family, uint8_t addr[16]);
/* `ADDRESS[/PREFIX]` (no prefix: a single address). The address bytes are
 * kept as written: see grt_net_host_bits. */
bool grt_net_parse(const char *text, size_t len, grt_net *net);
/* Whether bits past the prefix are set (`10.0.0.1/8`). */
bool grt_net_host_bits(const grt_net *net);
/* Clears those bits, so containment is a plain prefix compare. */
void grt_net_clear_host_bits(grt_net *net);
bool grt_net_contains(const grt_net *net, uint8_t family, const uint8_t addr[16]);

#endif
