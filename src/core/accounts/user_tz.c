/* Users' time zones: checks a zone name against the system zone database and reads a zone's
 * UTC offset from its TZif file (the last transition at or before the instant). It does not
 * evaluate the POSIX rule at the end of a file, so after a file's last transition the last
 * offset is kept: Debian's "fat" files list transitions up to 2037. No environment changes,
 * so it is safe in any thread. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/accounts/user_internal.h"
#include "core/base/xalloc.h"

#define TZ_DIR "/usr/share/zoneinfo/"
#define TZ_NAME_MAX 64
#define TZ_FILE_MAX (64 * 1024) /* zone files are a few KB */

static bool tz_name_ok(const char *name)
{
    size_t len = strlen(name);
    if (!len || len > TZ_NAME_MAX || name[0] == '/' || strstr(name, ".."))
        return false;
    for (const char *p = name; *p; p++) {
        char ch = *p;
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              ch == '/' || ch == '_' || ch == '-' || ch == '+'))
            return false;
    }
    return true;
}

static int64_t be(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = (v << 8) | p[i];
    if (n == 4)
        return (int32_t)(uint32_t)v;
    return (int64_t)v;
}

/* Reads the zone file into buf; returns its length or -1. */
static long tz_read(const char *name, unsigned char *buf, size_t size)
{
    char path[sizeof(TZ_DIR) + TZ_NAME_MAX];
    if (!tz_name_ok(name))
        return -1;
    snprintf(path, sizeof(path), "%s%s", TZ_DIR, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, size, f);
    fclose(f);
    return (n >= 44 && !memcmp(buf, "TZif", 4)) ? (long)n : -1;
}

/* Offset in seconds of the zone in buf at t, from the v2 (64-bit) block when there is one. */
static int tz_offset_at(const unsigned char *b, size_t len, int64_t t, int64_t *off)
{
    int tsize = 4;
    size_t pos = 0;
    for (int pass = 0; pass < 2; pass++) {
        if (pos + 44 > len || memcmp(b + pos, "TZif", 4))
            return -1;
        int64_t isut = be(b + pos + 20, 4), isstd = be(b + pos + 24, 4), leap = be(b + pos + 28, 4),
                timecnt = be(b + pos + 32, 4), typecnt = be(b + pos + 36, 4),
                charcnt = be(b + pos + 40, 4);
        if (isut < 0 || isstd < 0 || leap < 0 || timecnt < 0 || typecnt < 1 || charcnt < 0)
            return -1;
        size_t body = (size_t)(timecnt * (tsize + 1) + typecnt * 6 + charcnt + leap * (tsize + 4) +
                               isstd + isut);
        if (pass == 0 && b[pos + 4] >= '2') {
            pos += 44 + body; /* skip the 32-bit block */
            tsize = 8;
            continue;
        }
        const unsigned char *times = b + pos + 44, *idx = times + timecnt * tsize,
                            *types = idx + timecnt;
        if (pos + 44 + body > len)
            return -1;
        int64_t type = 0;
        for (int64_t i = 0; i < timecnt && be(times + i * tsize, tsize) <= t; i++)
            type = idx[i];
        if (type >= typecnt)
            return -1;
        *off = be(types + type * 6, 4);
        return 0;
    }
    return -1;
}

bool user_tz_valid(const char *name)
{
    unsigned char buf[64];
    FILE *f;
    if (!*name)
        return true;
    if (!tz_name_ok(name))
        return false;
    if (!(f = fopen(TZ_DIR "UTC", "rb")))
        return true; /* no zone database on this system: accept well-formed names */
    fclose(f);
    return tz_read(name, buf, sizeof(buf)) > 0;
}

int64_t user_tz_offset(const char *name, int64_t t)
{
    unsigned char *buf;
    int64_t off = 0, res = 0;
    time_t now = (time_t)t;
    struct tm tm;
    long n;
    if (!*name)
        return 0;
    buf = xmalloc(TZ_FILE_MAX);
    if ((n = tz_read(name, buf, TZ_FILE_MAX)) > 0 && !tz_offset_at(buf, (size_t)n, t, &off) &&
        localtime_r(&now, &tm))
        res = off - tm.tm_gmtoff;
    free(buf);
    return res;
}
