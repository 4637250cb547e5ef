/* Time-part predicates; see timepart.h. Parsing is done here rather than with
 * gantry_parse_time because that one works in nanoseconds (years 1678-2262
 * only) and insists on a zone, while a time part must also come out of plain
 * ISO 8601 text, a bare date and epoch numbers of any common unit. */
#include "timepart.h"

#include <math.h>

#include "fields.h"

/* Seconds from 0000-01-01 to 9999-12-31T23:59:59 relative to the epoch:
 * the span every accepted timestamp lies in. */
#define GTP_MIN_SECS (-62167219200LL)
#define GTP_MAX_SECS (253402300799LL)

static int digits(const char *s, size_t count, int *out) {
    int v = 0;
    for (size_t i = 0; i < count; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

static int is_leap(int64_t y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m) {
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Days from 1970-01-01 to y-m-d, proleptic Gregorian (Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* `Z`, `+HH:MM`, `+HHMM` or `+HH` (or nothing) ending the text at s[i]. */
static int parse_zone(const char *s, size_t n, size_t i, int64_t *offset) {
    *offset = 0;
    if (i == n)
        return 0;
    if (s[i] == 'Z' || s[i] == 'z')
        return i + 1 == n ? 0 : -1;
    if (s[i] != '+' && s[i] != '-')
        return -1;
    int sign = s[i] == '-' ? -1 : 1, oh = 0, om = 0;
    size_t rest = n - i - 1;
    const char *p = s + i + 1;
    if (rest == 2)
        rest = digits(p, 2, &oh) ? 1 : 2;
    else if (rest == 4)
        rest = digits(p, 2, &oh) || digits(p + 2, 2, &om) ? 1 : 4;
    else if (rest == 5 && p[2] == ':')
        rest = digits(p, 2, &oh) || digits(p + 3, 2, &om) ? 1 : 5;
    else
        return -1;
    if (rest == 1 || oh > 23 || om > 59)
        return -1;
    *offset = sign * (int64_t)(oh * 60 + om) * 60;
    return 0;
}

int gtp_parse_text(const char *s, size_t n, int64_t *secs) {
    int y, mo, d, h = 0, mi = 0, sec = 0;
    if (n < 10 || s[4] != '-' || s[7] != '-' || digits(s, 4, &y) || digits(s + 5, 2, &mo) ||
        digits(s + 8, 2, &d) || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
        return -1;
    size_t i = 10;
    if (i < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
        if (n < i + 6 || s[i + 3] != ':' || digits(s + i + 1, 2, &h) || digits(s + i + 4, 2, &mi) ||
            h > 23 || mi > 59)
            return -1;
        i += 6;
        if (i < n && s[i] == ':') {
            /* a leap second (60) still belongs to the minute it ends */
            if (n < i + 3 || digits(s + i + 1, 2, &sec) || sec > 60)
                return -1;
            i += 3;
            if (i < n && (s[i] == '.' || s[i] == ',')) {
                size_t start = ++i;
                while (i < n && s[i] >= '0' && s[i] <= '9')
                    i++;
                if (i == start)
                    return -1;
            }
        }
    }
    int64_t offset;
    if (parse_zone(s, n, i, &offset))
        return -1;
    *secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + (sec > 59 ? 59 : sec) - offset;
    return 0;
}

int gtp_parse_number(double d, int64_t *secs) {
    if (!isfinite(d))
        return -1;
    double mag = fabs(d);
    if (mag > 1e17)
        d /= 1e9;
    else if (mag > 1e14)
        d /= 1e6;
    else if (mag > 1e11)
        d /= 1e3;
    d = floor(d);
    if (d < (double)GTP_MIN_SECS || d > (double)GTP_MAX_SECS)
        return -1;
    *secs = (int64_t)d;
    return 0;
}

/* ISO 8601 week: the week belongs to the year of its Thursday, and week 1
 * is the one holding that year's first Thursday. */
static int64_t iso_week(int64_t days) {
    int64_t weekday = ((days % 7) + 7 + 3) % 7; /* 0 = Monday; 1970-01-01 was a Thursday */
    int64_t thursday = days - weekday + 3, y;
    int m, d;
    civil_from_days(thursday, &y, &m, &d);
    return (thursday - days_from_civil(y, 1, 1)) / 7 + 1;
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
    civil_from_days(days, &y, &m, &d);
    return op == GANTRY_OP_TIME_DAY ? d : op == GANTRY_OP_TIME_MONTH ? m : y;
}

/* The part of one field value, or -1 when the value is not a timestamp. */
static int64_t value_part(grt_value *v, unsigned op) {
    int64_t secs;
    double num;
    if (v->type == GRT_V_STRING && gtp_parse_text(v->raw, v->len, &secs) == 0)
        return gtp_part(op, secs);
    if ((v->type == GRT_V_STRING || v->type == GRT_V_NUMBER) && grt_value_number(v, &num) &&
        gtp_parse_number(num, &secs) == 0)
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
