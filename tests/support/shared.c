/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <unistd.h>

#include "shared.h"

void tsup_need(const char *path) {
    if (access(path, R_OK) == 0)
        return;
    printf("SKIP: %s is absent (run from the repository root with ../shared beside it)\n", path);
    fflush(stdout);
    skip();
}
