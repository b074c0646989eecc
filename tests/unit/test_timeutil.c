/* Tests for core/base/timeutil: ISO 8601 formatting with positive, negative and zero offsets,
 * parsing of every accepted form, and rejection of impossible dates and garbage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/base/error.h"
#include "core/base/timeutil.h"
#include "t.h"

/* 2024-06-13T16:23:54Z */
#define T0 1718295834LL

TEST(time_fmt_offsets)
{
    char buf[40];
    CHECK_INT(time_fmt_iso_offset(buf, sizeof(buf), T0, 0), 25);
    CHECK_STR(buf, "2024-06-13T16:23:54+00:00");
    time_fmt_iso_offset(buf, sizeof(buf), T0, 120);
    CHECK_STR(buf, "2024-06-13T18:23:54+02:00");
    time_fmt_iso_offset(buf, sizeof(buf), T0, 330);
    CHECK_STR(buf, "2024-06-13T21:53:54+05:30");
    time_fmt_iso_offset(buf, sizeof(buf), T0, -300);
    CHECK_STR(buf, "2024-06-13T11:23:54-05:00");
    time_fmt_iso_offset(buf, sizeof(buf), T0, -570);
    CHECK_STR(buf, "2024-06-13T06:53:54-09:30");
    /* crossing midnight and a year boundary backwards */
    time_fmt_iso_offset(buf, sizeof(buf), 1704067200LL, -60); /* 2024-01-01T00:00:00Z */
    CHECK_STR(buf, "2023-12-31T23:00:00-01:00");
    time_fmt_iso_offset(buf, sizeof(buf), 0, 0);
    CHECK_STR(buf, "1970-01-01T00:00:00+00:00");
    /* too small a buffer */
    CHECK_INT(time_fmt_iso_offset(buf, 25, T0, 0), -1);
    CHECK_INT(time_fmt_iso(buf, 10, (double)T0, 0), -1);
    CHECK_INT(time_fmt_iso(buf, sizeof(buf), (double)T0 + 0.9, 0), 25);
    CHECK_STR(buf, "2024-06-13T16:23:54+00:00");
}

/* The digit writer agrees with printf across years, months, hours and offsets, and years
 * outside 0..9999 still format. */
TEST(time_fmt_matches_printf)
{
    char buf[40], want[64];
    unsigned seed = 7;
    for (int n = 0; n < 20000; n++) {
        seed = seed * 1103515245 + 12345;
        int64_t t = (int64_t)(seed % 4000000000u) - 100000000;
        int off = (int)((seed >> 8) % 1681) - 840; /* -14:00 .. +14:00 */
        time_t sh = (time_t)(t + off * 60);
        struct tm tm;
        gmtime_r(&sh, &tm);
        int a = off < 0 ? -off : off;
        snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+',
                 a / 60, a % 60);
        CHECK_INT(time_fmt_iso_offset(buf, sizeof(buf), t, off), (long long)strlen(want));
        CHECK_STR(buf, want);
    }
    CHECK_INT(time_fmt_iso_offset(buf, sizeof(buf), 253402300800LL, 0), 26); /* year 10000 */
    CHECK_STR(buf, "10000-01-01T00:00:00+00:00");
}

TEST(time_fmt_local)
{
    char buf[40];
    t_tz_set("CET-1CEST,M3.5.0,M10.5.0/3");
    int n = time_fmt_iso(buf, sizeof(buf), (double)T0, 1);
    int n2 = -1;
    char winter[40] = "";
    n2 = time_fmt_iso(winter, sizeof(winter), 1704067200.0, 1);
    CHECK_INT(n, 25);
    CHECK_STR(buf, "2024-06-13T18:23:54+02:00");
    CHECK_INT(n2, 25);
    CHECK_STR(winter, "2024-01-01T01:00:00+01:00");
}

static int64_t parse(const char *s)
{
    int64_t t = -12345;
    int rc = time_parse_iso(s, &t);
    return rc ? -999 : t;
}

TEST(time_parse_forms_with_offset)
{
    CHECK_INT(parse("2024-06-13T16:23:54Z"), T0);
    CHECK_INT(parse("2024-06-13T16:23:54+00:00"), T0);
    CHECK_INT(parse("2024-06-13T18:23:54+02:00"), T0);
    CHECK_INT(parse("2024-06-13T18:23:54+0200"), T0);
    CHECK_INT(parse("2024-06-13T18:23:54+02"), T0);
    CHECK_INT(parse("2024-06-13T11:23:54-05:00"), T0);
    CHECK_INT(parse("2024-06-13T21:53:54+05:30"), T0);
    CHECK_INT(parse("2024-06-13 18:23:54+02:00"), T0);
    CHECK_INT(parse("2024-06-13T16:23:54.123Z"), T0);
    CHECK_INT(parse("2024-06-13T16:23:54.5+00:00"), T0);
    CHECK_INT(parse("2024-06-13T16:23Z"), T0 - 54);
    CHECK_INT(parse("2024-06-13T18:23+02:00"), T0 - 54);
    CHECK_INT(parse("2024-02-29T00:00:00Z"), 1709164800LL); /* leap day */
    CHECK_INT(parse("1970-01-01T00:00:00Z"), 0);
}

TEST(time_parse_forms_local)
{
    t_tz_set("CET-1CEST,M3.5.0,M10.5.0/3");
    int64_t a = parse("2024-06-13T18:23:54");
    int64_t b = parse("2024-06-13 18:23");
    int64_t c = parse("2024-06-13");
    int64_t d = parse("2024-01-01");
    CHECK_INT(a, T0);
    CHECK_INT(b, T0 - 54);
    CHECK_INT(c, 1718229600LL); /* 2024-06-12T22:00:00Z */
    CHECK_INT(d, 1704063600LL); /* 2023-12-31T23:00:00Z */
}

TEST(time_parse_rejects)
{
    static const char *const bad[] = {
        "",
        "garbage",
        "2024",
        "2024-06",
        "2024-6-13",
        "24-06-13",
        "2024/06/13",
        "2024-02-31",
        "2023-02-29",
        "2024-04-31",
        "2024-13-01",
        "2024-00-10",
        "2024-06-00",
        "2024-06-32",
        "2024-06-13T25:00",
        "2024-06-13T24:00:00Z",
        "2024-06-13T12:60Z",
        "2024-06-13T12:30:61Z",
        "2024-06-13T12",
        "2024-06-13T1:00",
        "2024-06-13T12:00:0Z",
        "2024-06-13T12:00:00+2:00",
        "2024-06-13T12:00:00+02:0",
        "2024-06-13T12:00:00+24:00",
        "2024-06-13T12:00:00+02:60",
        "2024-06-13T12:00:00+",
        "2024-06-13T12:00:00ZZ",
        "2024-06-13T12:00:00 ",
        " 2024-06-13",
        "2024-06-13Z",
        "2024-06-13X12:00",
        "2024-06-13T12:00:00+02:00junk",
        "2024-06-13T",
        "abcd-ef-ghT12:00Z",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        int64_t t = 777;
        int rc = time_parse_iso(bad[i], &t);
        if (rc != -E_INVAL) {
            t_fail(__FILE__, __LINE__, "'%s' was accepted as %lld", bad[i], (long long)t);
            return;
        }
    }
}

TEST(time_round_trip)
{
    char buf[40];
    for (int64_t t = 0; t < 4000000000LL; t += 123456789) {
        for (int off = -720; off <= 840; off += 195) {
            time_fmt_iso_offset(buf, sizeof(buf), t, off);
            CHECK_INT(parse(buf), t);
        }
    }
}

TEST(time_clocks)
{
    double r = time_now_real(), m = time_now_mono();
    uint64_t ns = time_mono_ns();
    CHECK(r > 1.6e9);
    CHECK(m > 0);
    struct timespec ts = {0, 2000000};
    nanosleep(&ts, NULL);
    CHECK(time_mono_ns() - ns >= 2000000);
    CHECK(time_now_mono() > m);
}

/* The cached local offset agrees with localtime_r around both daylight-saving changes of a
 * zone that has them, and local wall times parse as mktime would read them. */
TEST(time_local_offset_dst)
{
    t_tz_set("America/New_York");
    const int64_t changes[] = {1710054000LL, 1730613600LL}; /* 2024-03-10 07:00Z, 11-03 06:00Z */
    int bad = 0;
    for (size_t k = 0; k < 2; k++) {
        for (int64_t t = changes[k] - 3 * 3600; t < changes[k] + 3 * 3600; t += 7 * 60 + 3) {
            struct tm tm;
            time_t s = (time_t)t;
            localtime_r(&s, &tm);
            bad += time_local_offset(t) != (int)tm.tm_gmtoff;
        }
    }
    CHECK_INT(bad, 0);
    int64_t t = 0;
    CHECK_INT(time_parse_iso("2024-07-01", &t), 0);
    CHECK_INT(t, 1719806400LL); /* midnight at -04:00 */
    CHECK_INT(time_parse_iso("2024-01-15T09:30:00", &t), 0);
    CHECK_INT(t, 1705329000LL); /* 14:30Z at -05:00 */
    CHECK_INT(time_parse_iso("2024-11-03T03:00:00", &t), 0);
    CHECK_INT(t, 1730620800LL); /* after the change: -05:00 */
    char buf[40];
    time_fmt_iso(buf, sizeof(buf), 1719806400.0, 1);
    CHECK_STR(buf, "2024-07-01T00:00:00-04:00");
}
