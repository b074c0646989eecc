/* Clocks and ISO 8601 formatting/parsing. */
#include "timeutil.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "error.h"

double time_now_real(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double time_now_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

uint64_t time_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int time_fmt_iso_offset(char *buf, size_t size, int64_t t, int offset_min)
{
    time_t shifted = (time_t)(t + (int64_t)offset_min * 60);
    struct tm tm;
    if (size < 26 || !gmtime_r(&shifted, &tm))
        return -1;
    int off = offset_min < 0 ? -offset_min : offset_min, year = tm.tm_year + 1900;
    if (year < 0 || year > 9999 || off / 60 > 99) {
        int n = snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", year, tm.tm_mon + 1,
                         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, offset_min < 0 ? '-' : '+',
                         off / 60, off % 60);
        return (n < 0 || (size_t)n >= size) ? -1 : n;
    }
    /* the common case without printf: records carry several times each, and lists many */
    const int parts[] = {year / 100, year % 100, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                         tm.tm_min,  tm.tm_sec,  off / 60,      off % 60};
    static const char sep[] = "\0\0--T::\0:";
    char *p = buf;
    for (int i = 0; i < 9; i++) {
        if (i == 7)
            *p++ = offset_min < 0 ? '-' : '+';
        else if (sep[i])
            *p++ = sep[i];
        *p++ = (char)('0' + parts[i] / 10);
        *p++ = (char)('0' + parts[i] % 10);
    }
    *p = '\0';
    return (int)(p - buf);
}

int time_local_offset(int64_t t)
{
    /* offsets change on quarter-hour boundaries, so one answer serves a 15-minute slot;
     * a few slots are kept per thread because localtime_r takes the C library's lock */
    enum { SLOTS = 16 };
    static _Thread_local int64_t keys[SLOTS];
    static _Thread_local int vals[SLOTS];
    static _Thread_local unsigned char valid[SLOTS];
    static _Thread_local const char *zone; /* tzset() replaces tzname: start afresh */
    int64_t q = t >= 0 ? t / 900 : (t - 899) / 900;
    unsigned i = (unsigned)((uint64_t)q % SLOTS);
    if (zone != tzname[0]) {
        memset(valid, 0, sizeof(valid));
        zone = tzname[0];
    }
    if (valid[i] && keys[i] == q)
        return vals[i];
    struct tm tm;
    time_t secs = (time_t)t;
    int off = localtime_r(&secs, &tm) ? (int)tm.tm_gmtoff : 0;
    keys[i] = q;
    vals[i] = off;
    valid[i] = 1;
    return off;
}

int time_fmt_iso(char *buf, size_t size, double t, int local)
{
    int64_t secs = (int64_t)t;
    return time_fmt_iso_offset(buf, size, secs, local ? time_local_offset(secs) / 60 : 0);
}

static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

int time_parse_iso(const char *s, int64_t *out)
{
    struct tm tm;
    int y, mo, d, h = 0, mi = 0, se = 0;
    int has_offset = 0, offset_sec = 0;
    memset(&tm, 0, sizeof(tm));
    if (digits(&s, 4, &y) || *s++ != '-' || digits(&s, 2, &mo) || *s++ != '-' || digits(&s, 2, &d))
        return -E_INVAL;
    if (*s == 'T' || *s == ' ') {
        s++;
        if (digits(&s, 2, &h) || *s++ != ':' || digits(&s, 2, &mi))
            return -E_INVAL;
        if (*s == ':') {
            s++;
            if (digits(&s, 2, &se))
                return -E_INVAL;
            if (*s == '.') {
                s++;
                while (*s >= '0' && *s <= '9')
                    s++;
            }
        }
        if (*s == 'Z') {
            has_offset = 1;
            s++;
        } else if (*s == '+' || *s == '-') {
            int sign = *s++ == '-' ? -1 : 1, oh, om = 0;
            if (digits(&s, 2, &oh))
                return -E_INVAL;
            if (*s == ':')
                s++;
            if (*s && digits(&s, 2, &om))
                return -E_INVAL;
            if (oh > 23 || om > 59)
                return -E_INVAL;
            has_offset = 1;
            offset_sec = sign * (oh * 3600 + om * 60);
        }
    }
    if (*s)
        return -E_INVAL;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
        return -E_INVAL;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    int64_t as_utc = (int64_t)timegm(&tm);
    if (has_offset) {
        *out = as_utc - offset_sec;
    } else {
        /* local wall time: subtract the offset in force then (checked once more, for the
         * rare time near a daylight-saving change) */
        int64_t guess = as_utc - time_local_offset(as_utc);
        *out = as_utc - time_local_offset(guess);
    }
    /* reject dates that normalised into another day, such as 2024-02-31 */
    return tm.tm_mday == d ? 0 : -E_INVAL;
}

const char *time_date_normalise(const char *s, char *buf, size_t size)
{
    size_t len = strlen(s);
    if (len < 10 || s[2] != '.' || s[5] != '.')
        return s;
    if (len >= size)
        return NULL;
    snprintf(buf, size, "%.4s-%.2s-%.2s%s", s + 6, s + 3, s, s + 10);
    return buf;
}
