/* SPDX-License-Identifier: Apache-2.0 */
/* Time-part predicates; see timepart.h. Text is read by the shared parser
 * (base/timestamp.h) without its RFC 3339 requirements, because a time part
 * must also come out of plain ISO 8601 text and a bare date, and in seconds
 * rather than gantry_parse_time's nanoseconds (years 1678-2262 only). */
#include "timepart.h"

#include <math.h>

#include "fields.h"
#include "timestamp.h"

/* Seconds from 0000-01-01 to 9999-12-31T23:59:59 relative to the epoch:
 * the span every accepted timestamp lies in. */
#define GTP_MIN_SECS (-62167219200LL)
#define GTP_MAX_SECS (253402300799LL)

bool gtp_parse_number(double d, int64_t *secs) {
    if (!isfinite(d))
        return false;
    double mag = fabs(d);
    if (mag > 1e17)
        d /= 1e9;
    else if (mag > 1e14)
        d /= 1e6;
    else if (mag > 1e11)
        d /= 1e3;
    d = floor(d);
    if (d < (double)GTP_MIN_SECS || d > (double)GTP_MAX_SECS)
        return false;
    *secs = (int64_t)d;
    return true;
}

/* ISO 8601 week: the week belongs to the year of its Thursday, and week 1
 * is the one holding that year's first Thursday. */
static int64_t iso_week(int64_t days) {
    int64_t weekday = ((days % 7) + 7 + 3) % 7; /* 0 = Monday; 1970-01-01 was a Thursday */
    int64_t thursday = days - weekday + 3, y;
    int m, d;
    grt_civil_from_days(thursday, &y, &m, &d);
    return (thursday - grt_days_from_civil(y, 1, 1)) / 7 + 1;
}

int64_t gtp_part(unsigned op, int64_t secs) {
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    int64_t in_day = secs - days * 86400, y;
    int m, d;
    switch (op) {
    case GANTRY_OP_TIME_MINUTE:
        return in_day / 60 % 60;
    case GANTRY_OP_TIME_HOUR:
        return in_day / 3600;
    case GANTRY_OP_TIME_WEEK:
        return iso_week(days);
    default:
        break;
    }
    grt_civil_from_days(days, &y, &m, &d);
    return op == GANTRY_OP_TIME_DAY ? d : op == GANTRY_OP_TIME_MONTH ? m : y;
}

/* The part of one field value, or -1 when the value is not a timestamp. */
static int64_t value_part(grt_value *v, unsigned op) {
    int64_t secs;
    double num;
    if (v->type == GRT_V_STRING && grt_parse_timestamp(v->raw, v->len, 0, &secs, NULL) == GANTRY_OK)
        return gtp_part(op, secs);
    if ((v->type == GRT_V_STRING || v->type == GRT_V_NUMBER) && grt_value_number(v, &num) &&
        gtp_parse_number(num, &secs))
        return gtp_part(op, secs);
    return -1;
}

static int item_is(const gantry_pack *pk, uint32_t const_index, int64_t part) {
    const grt_const *c = &pk->consts[const_index];
    return part >= 0 && c->kind == GANTRY_CONST_NUMBER && c->num == (double)part;
}

int gtp_test(gantry_matcher *m, const struct gantry_insn *in) {
    const gantry_pack *pk = m->pack;
    grt_slice vals = grt_field_values(m, in->a);
    const grt_slice *l = &pk->lists[in->b];
    const uint32_t *items = pk->list_items + l->first;
    if (vals.count == 0 || l->count == 0)
        return 0;
    grt_value *v = m->vals + vals.first;
    if (in->flags & GANTRY_PF_ALL) {
        for (uint32_t k = 0; k < l->count; k++) {
            int found = 0;
            for (uint32_t i = 0; i < vals.count && !found; i++)
                found = item_is(pk, items[k], value_part(&v[i], in->op));
            if (!found)
                return 0;
        }
        return 1;
    }
    for (uint32_t i = 0; i < vals.count; i++) {
        int64_t part = value_part(&v[i], in->op);
        for (uint32_t k = 0; k < l->count && part >= 0; k++)
            if (item_is(pk, items[k], part))
                return 1;
    }
    return 0;
}
