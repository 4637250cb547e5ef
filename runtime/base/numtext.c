/* SPDX-License-Identifier: Apache-2.0 */
#include "numtext.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

size_t grt_number_text(double d, char *buf, size_t size) {
    if (size == 0)
        return 0;
    /* Integers below 1e15 print as their digits under %.15g: skip stdio,
     * which matters on the matcher's hot path. */
    if (d > -1e15 && d < 1e15 && d == (double)(long long)d && !(d == 0 && signbit(d)) &&
        size >= 20) {
        char tmp[20];
        long long v = (long long)d;
        unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
        int k = 0;
        do {
            tmp[k++] = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        size_t n = 0;
        if (v < 0)
            buf[n++] = '-';
        while (k)
            buf[n++] = tmp[--k];
        buf[n] = 0;
        return n;
    }
    /* A double needs at most 17 significant digits; fewer when a shorter
     * text already reads back exactly (%.15g is exact for 15 or fewer). */
    int n = 0;
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(buf, size, "%.*g", prec, d);
        if (isnan(d) || strtod(buf, NULL) == d)
            break;
    }
    if (n < 0)
        n = 0;
    return (size_t)n < size ? (size_t)n : size - 1;
}
