/* SPDX-License-Identifier: Apache-2.0 */
/* Hex digits, as read by escapes in rule strings, URL-encoded request paths
 * and Go-quoted log strings. */
#ifndef GANTRY_RT_HEXDIGIT_H
#define GANTRY_RT_HEXDIGIT_H

/* The value (0-15) of the hex digit c, either case; -1 when c is none. */
static inline int grt_hex_digit(int c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

#endif
