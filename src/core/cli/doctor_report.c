/* How `kazi doctor` reports: each finding as one line (or a JSON object with --json) and the
 * tallies, plus the two small helpers its checks share. The checks in doctor.c and
 * doctor_files.c call this file; it calls neither. */
#include "core/cli/doctor.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>

static const char *const level_names[] = {"ok", "warn", "FAIL"};

void doctor_say(struct doctor *d, enum doctor_level lvl, const char *check, const char *fix,
                const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (lvl == DOCTOR_OK)
        d->n_ok++;
    else if (lvl == DOCTOR_WARN)
        d->n_warn++;
    else
        d->n_fail++;
    if (d->json) {
        json_t *c = json_pack("{s:s, s:s, s:s}", "check", check, "status",
                              lvl == DOCTOR_FAIL ? "fail" : level_names[lvl], "message", msg);
        json_object_set_new(c, "fix", fix ? json_string(fix) : json_null());
        json_array_append_new(d->checks, c);
        return;
    }
    printf("%-4s %s: %s%s%s\n", level_names[lvl], check, msg, fix ? " - fix: " : "",
           fix ? fix : "");
    fflush(stdout);
}

bool doctor_user_may(const struct doctor *d, const struct stat *st, int want)
{
    unsigned bits = (unsigned)st->st_mode & 7;
    if (d->uid == 0)
        return true;
    if (st->st_uid == d->uid) {
        bits = ((unsigned)st->st_mode >> 6) & 7;
    } else {
        for (int i = 0; i < d->n_groups; i++)
            if (d->groups[i] == st->st_gid)
                bits = ((unsigned)st->st_mode >> 3) & 7;
    }
    return (bits & (unsigned)want) == (unsigned)want;
}

const char *doctor_bytes(char *buf, size_t size, int64_t n)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
    double v = (double)n;
    int u = -1;
    while (v >= 1024 && u < 3) {
        v /= 1024;
        u++;
    }
    if (u < 0)
        snprintf(buf, size, "%lld B", (long long)n);
    else
        snprintf(buf, size, "%.1f %s", v, units[u]);
    return buf;
}
