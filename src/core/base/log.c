/* Leveled logging; one write(2) per line so concurrent threads never interleave mid-line. */
#include "log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "timeutil.h"

static _Atomic int min_level = LOG_INFO;
static _Atomic int log_fd = 2;

static const char *const level_names[] = {"debug", "info", "warn", "error", "off"};

void log_set_level(enum log_level lvl)
{
    min_level = lvl;
}

enum log_level log_get_level(void)
{
    return (enum log_level)min_level;
}

int log_level_parse(const char *s, enum log_level *out)
{
    for (int i = 0; i <= LOG_OFF; i++) {
        if (!strcmp(s, level_names[i])) {
            *out = (enum log_level)i;
            return 0;
        }
    }
    return -1;
}

void log_set_fd(int fd)
{
    log_fd = fd;
}

void log_line(int fd, const char *line, int len)
{
    ssize_t off = 0;
    while (off < len) {
        ssize_t n = write(fd < 0 ? log_fd : fd, line + off, (size_t)(len - off));
        if (n <= 0)
            return;
        off += n;
    }
}

__attribute__((format(printf, 2, 0))) static void vlog(enum log_level lvl, const char *fmt,
                                                       va_list ap)
{
    char buf[2048];
    char ts[40];
    time_fmt_iso(ts, sizeof(ts), time_now_real(), 1);
    int n = snprintf(buf, sizeof(buf), "%s %s ", ts, level_names[lvl]);
    if (n < 0)
        return;
    int m = vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
    if (m < 0)
        return;
    n += m;
    if (n > (int)sizeof(buf) - 2)
        n = (int)sizeof(buf) - 2;
    buf[n++] = '\n';
    log_line(log_fd, buf, n);
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
    if ((int)lvl < min_level)
        return;
    va_list ap;
    va_start(ap, fmt);
    vlog(lvl, fmt, ap);
    va_end(ap);
}

int error(const char *fmt, ...)
{
    if (LOG_ERROR >= min_level) {
        va_list ap;
        va_start(ap, fmt);
        vlog(LOG_ERROR, fmt, ap);
        va_end(ap);
    }
    return -1;
}
