/* SPDX-License-Identifier: Apache-2.0 */
/* Number text: how Gantry writes a double wherever its text matters (event
 * numbers compared as strings, correlation group keys, pack constants, rule
 * keywords), so that the compiler and the runtime agree byte for byte. */
#ifndef GANTRY_RT_NUMTEXT_H
#define GANTRY_RT_NUMTEXT_H

#include <stddef.h>

/* Room for any text grt_number_text writes ("-1.2345678901234567e-308"). */
#define GRT_NUMBER_TEXT_MAX 32

/* The shortest of %.15g, %.16g and %.17g that reads back as the same double
 * (integers print as their digits); writes at most size bytes with the NUL
 * and returns the length. size should be GRT_NUMBER_TEXT_MAX. */
size_t grt_number_text(double d, char *buf, size_t size);

#endif
