/* Event time for correlations: RFC 3339 `@timestamp` text, or a number of
 * seconds since the epoch, and the text and number of the values the stage
 * reads from group-by and value fields (found by runtime/index/path.h). */
#include <cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "correlate_stage.h"

static int digits(const char *s, size_t n, int *out) {
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, int m, int d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int gantry_parse_time(const char *s, size_t n, int64_t *ns) {
    int y, mo, d, h, mi, sec;
    if (!s || !ns || n < 20 || s[4] != '-' || s[7] != '-' ||
        (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':' ||
        digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) ||
        digits(s + 11, 2, &h) || digits(s + 14, 2, &mi) || digits(s + 17, 2, &sec))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return -1;
    size_t i = 19;
    int64_t frac = 0;
    if (i < n && s[i] == '.') {
        i++;
        int count = 0;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, count++)
            if (count < 9)
                frac = frac * 10 + (s[i] - '0');
        if (count == 0)
            return -1;
        for (; count < 9; count++)
            frac *= 10;
    }
    int64_t offset = 0;
    if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
        i++;
    } else if (i + 6 <= n && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
        int oh, om;
        if (digits(s + i + 1, 2, &oh) || digits(s + i + 4, 2, &om) || oh > 23 || om > 59)
            return -1;
        offset = (int64_t)(oh * 60 + om) * 60 * (s[i] == '-' ? -1 : 1);
        i += 6;
    } else {
        return -1;
    }
    if (i != n)
        return -1;
    int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
    /* Nanoseconds in int64 cover the years 1678 to 2262; outside them the
     * product would overflow, so such a time counts as unreadable. */
    if (secs > INT64_MAX / 1000000000 - 1 || secs < INT64_MIN / 1000000000 + 1)
        return -1;
    *ns = secs * 1000000000 + frac;
    return 0;
}

int gcs_event_time(const cJSON *event, int64_t *ns) {
    const cJSON *ts =
        cJSON_IsObject(event) ? cJSON_GetObjectItemCaseSensitive(event, "@timestamp") : NULL;
    if (cJSON_IsString(ts) && ts->valuestring)
        return gantry_parse_time(ts->valuestring, strlen(ts->valuestring), ns);
    if (cJSON_IsNumber(ts) && isfinite(ts->valuedouble) && fabs(ts->valuedouble) < 9e9) {
        *ns = (int64_t)(ts->valuedouble * 1e9);
        return 0;
    }
    return -1;
}

int gcs_value_text(const cJSON *v, char *buf, size_t size, const char **text, size_t *len) {
    if (cJSON_IsString(v) && v->valuestring) {
        *text = v->valuestring;
        *len = strlen(v->valuestring);
        return 0;
    }
    if (cJSON_IsBool(v)) {
        *text = cJSON_IsTrue(v) ? "true" : "false";
        *len = strlen(*text);
        return 0;
    }
    if (cJSON_IsNumber(v)) {
        int n = snprintf(buf, size, "%.17g", v->valuedouble);
        /* shortest text that reads back as the same number */
        for (int p = 1; p <= 17; p++) {
            n = snprintf(buf, size, "%.*g", p, v->valuedouble);
            if (strtod(buf, NULL) == v->valuedouble)
                break;
        }
        *text = buf;
        *len = n > 0 ? (size_t)n : 0;
        return 0;
    }
    return -1;
}

int gcs_value_number(const cJSON *v, double *out) {
    if (cJSON_IsNumber(v)) {
        *out = v->valuedouble;
        return isfinite(*out) ? 0 : -1;
    }
    if (cJSON_IsString(v) && v->valuestring && v->valuestring[0]) {
        char *end = NULL;
        *out = strtod(v->valuestring, &end);
        return *end == '\0' && isfinite(*out) ? 0 : -1;
    }
    return -1;
}
