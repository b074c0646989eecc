/* Capped growable string buffer. */
#include "strbuf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "xalloc.h"

static char empty_buf[1];

void strbuf_init(struct strbuf *sb, size_t cap)
{
    sb->buf = empty_buf;
    sb->len = 0;
    sb->alloc = 0;
    sb->cap = cap;
}

void strbuf_release(struct strbuf *sb)
{
    if (sb->alloc)
        free(sb->buf);
    strbuf_init(sb, sb->cap);
}

void strbuf_reset(struct strbuf *sb)
{
    sb->len = 0;
    if (sb->alloc)
        sb->buf[0] = '\0';
}

static int grow(struct strbuf *sb, size_t extra)
{
    if (sb->cap && (extra > sb->cap || sb->len > sb->cap - extra))
        return -E_TOOBIG;
    if (extra > SIZE_MAX / 2 - sb->len) /* unlimited buffers must not wrap around either */
        return -E_TOOBIG;
    size_t need = sb->len + extra + 1;
    if (need <= sb->alloc)
        return 0;
    size_t n = sb->alloc ? sb->alloc : 64;
    while (n < need)
        n = n < 1024 * 1024 ? n * 2 : n + n / 2;
    if (sb->alloc) {
        sb->buf = xrealloc(sb->buf, n);
    } else {
        sb->buf = xmalloc(n);
        sb->buf[0] = '\0';
    }
    sb->alloc = n;
    return 0;
}

int strbuf_reserve(struct strbuf *sb, size_t extra)
{
    return grow(sb, extra);
}

void strbuf_truncate(struct strbuf *sb, size_t len)
{
    if (sb->len > len) {
        sb->len = len;
        sb->buf[len] = '\0';
    }
}

int strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
    int rc = grow(sb, len);
    if (rc)
        return rc;
    if (len)
        memcpy(sb->buf + sb->len, data, len);
    sb->len += len;
    sb->buf[sb->len] = '\0';
    return 0;
}

int strbuf_addstr(struct strbuf *sb, const char *s)
{
    return strbuf_add(sb, s, strlen(s));
}

int strbuf_addch(struct strbuf *sb, char c)
{
    return strbuf_add(sb, &c, 1);
}

size_t strbuf_fmt_int(char *out, long long v)
{
    char buf[STRBUF_INT_MAX], *p = buf + sizeof(buf);
    unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    size_t n = (size_t)(buf + sizeof(buf) - p);
    memcpy(out, p, n);
    out[n] = '\0';
    return n;
}

int strbuf_add_int(struct strbuf *sb, long long v)
{
    char buf[STRBUF_INT_MAX + 1];
    return strbuf_add(sb, buf, strbuf_fmt_int(buf, v));
}

int strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return -E_INVAL;
    int rc = grow(sb, (size_t)n);
    if (rc)
        return rc;
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
    return 0;
}

int strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = strbuf_vaddf(sb, fmt, ap);
    va_end(ap);
    return rc;
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
    char *p;
    if (len)
        *len = sb->len;
    if (sb->alloc) {
        p = sb->buf;
    } else {
        p = xstrdup("");
    }
    strbuf_init(sb, sb->cap);
    return p;
}
