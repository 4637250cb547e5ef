/* SPDX-License-Identifier: Apache-2.0 */
#include "timestamp.h"

static int digits(const char *s, size_t count, int *out) {
    int v = 0;
    for (size_t i = 0; i < count; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

static int is_leap(int64_t y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m) {
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

int64_t grt_days_from_civil(int64_t y, int m, int d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void grt_civil_from_days(int64_t z, int64_t *y, int *m, int *d) {
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

/* `Z`, `+HH:MM`, `+HHMM` or `+HH` ending the text at s[i]; nothing when
 * !required. */
static int parse_zone(const char *s, size_t n, size_t i, int required, int64_t *offset) {
    *offset = 0;
    if (i == n)
        return !required;
    if (s[i] == 'Z' || s[i] == 'z')
        return i + 1 == n;
    if (s[i] != '+' && s[i] != '-')
        return 0;
    int sign = s[i] == '-' ? -1 : 1, oh = 0, om = 0, ok;
    size_t rest = n - i - 1;
    const char *p = s + i + 1;
    if (rest == 2)
        ok = digits(p, 2, &oh);
    else if (rest == 4)
        ok = digits(p, 2, &oh) && digits(p + 2, 2, &om);
    else if (rest == 5 && p[2] == ':')
        ok = digits(p, 2, &oh) && digits(p + 3, 2, &om);
    else
        ok = 0;
    if (!ok || oh > 23 || om > 59)
        return 0;
    *offset = sign * (int64_t)(oh * 60 + om) * 60;
    return 1;
}

gantry_status grt_parse_timestamp(const char *s, size_t n, unsigned flags, int64_t *secs,
                                  uint32_t *nanos) {
    int full = (flags & GRT_TS_RFC3339) != 0;
    int y, mo, d, h = 0, mi = 0, sec = 0, has_sec = 0;
    uint32_t frac = 0;
    if (!s || n < 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) || !digits(s + 5, 2, &mo) ||
        !digits(s + 8, 2, &d) || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
        return GANTRY_E_ARG;
    size_t i = 10;
    if (i < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
        if (n < i + 6 || s[i + 3] != ':' || !digits(s + i + 1, 2, &h) ||
            !digits(s + i + 4, 2, &mi) || h > 23 || mi > 59)
            return GANTRY_E_ARG;
        i += 6;
        if (i < n && s[i] == ':') {
            if (n < i + 3 || !digits(s + i + 1, 2, &sec) || sec > 60)
                return GANTRY_E_ARG;
            has_sec = 1;
            i += 3;
            if (i < n && (s[i] == '.' || s[i] == ',')) {
                size_t start = ++i;
                for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
                    if (i - start < 9)
                        frac = frac * 10 + (uint32_t)(s[i] - '0');
                if (i == start)
                    return GANTRY_E_ARG;
                for (size_t k = i - start; k < 9; k++)
                    frac *= 10;
            }
        }
    }
    int64_t offset;
    if ((full && !has_sec) || !parse_zone(s, n, i, full, &offset))
        return GANTRY_E_ARG;
    /* a leap second still belongs to the minute it ends */
    *secs =
        grt_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + (sec > 59 ? 59 : sec) - offset;
    if (nanos)
        *nanos = frac;
    return GANTRY_OK;
}
