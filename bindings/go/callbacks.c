/* SPDX-License-Identifier: Apache-2.0 */
/* C side of the Go bindings: the session's callbacks lead into Go through
 * the exported functions, with the Go handle carried as the user pointer. */
#include <stdint.h>

#include "gantry.h"
#include "_cgo_export.h"

static int rule_trampoline(const gantry_rule_match *m, void *user) {
    return goRuleMatch((gantry_rule_match *)m, (uintptr_t)user);
}

static void corr_trampoline(const gantry_corr_match *m, void *user) {
    goCorrMatch((gantry_corr_match *)m, (uintptr_t)user);
}

gantry_status gantry_go_session_new(const gantry_pack *pack, int format, uintptr_t handle,
                                    gantry_session **session) {
    return gantry_session_new(pack, (gantry_input_format)format, rule_trampoline, corr_trampoline,
                              (void *)handle, session);
}

/* Element access, so that Go never does pointer arithmetic on C arrays. */
const gantry_field_values *gantry_go_field(const gantry_rule_match *m, size_t i) {
    return &m->fields[i];
}

const gantry_value *gantry_go_value(const gantry_value *values, size_t i) {
    return &values[i];
}

const char *gantry_go_string(const char *const *strings, size_t i) {
    return strings[i];
}

const gantry_corr_event *gantry_go_corr_event(const gantry_corr_match *m, size_t i) {
    return &m->events[i];
}
