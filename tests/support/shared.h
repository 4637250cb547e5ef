/* SPDX-License-Identifier: Apache-2.0 */
/* Test support: the shared material (../shared: real SigmaHQ rules, real
 * event samples) sits beside the checkout in CI and may be absent in a
 * user's. A test that needs it skips visibly, never passes silently. */
#ifndef GANTRY_TESTS_SHARED_H
#define GANTRY_TESTS_SHARED_H

/* Returns when `path` can be read; otherwise prints why and ends the current
 * cmocka test as skipped (cmocka's skip() does not return). */
void tsup_need(const char *path);

#endif
