/* JSON text straight into a strbuf (contract in jsonout.h): strings checked for UTF-8 the way
 * jansson checks them and escaped the way its dump escapes them, and jansson values dumped in
 * place. It builds no values and parses nothing. */
#include <stdint.h>
#include <string.h>

#include "core/base/error.h"
#include "core/json/jsonout.h"

/* Length of the UTF-8 sequence at s (at most n bytes), or 0 when it is not valid: overlong
 * forms, surrogates and code points above U+10FFFF are refused, as jansson refuses them. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0], cp;
    size_t len;
    if (c < 0x80)
        return 1;
    if (c < 0xC2 || c > 0xF4)
        return 0;
    len = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (n < len)
        return 0;
    cp = c & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

void jsonout_scrub(char *s)
{
    unsigned char *p = (unsigned char *)s;
    size_t n = strlen(s);
    while (*p) {
        size_t len = utf8_seq(p, n);
        if (!len) {
            *p = '?';
            len = 1;
        }
        p += len;
        n -= len;
    }
}

/* Bytes jsonout_str writes for s (quotes included), or 0 when s is not valid UTF-8 or holds
 * a NUL byte. */
static size_t quoted_len(const unsigned char *p, const unsigned char *end)
{
    size_t out = 2 + (size_t)(end - p);
    while (p < end) {
        unsigned c = *p;
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            p++;
        } else if (c >= 0x80) {
            size_t n = utf8_seq(p, (size_t)(end - p));
            if (!n)
                return 0;
            p += n;
        } else if (c == 0) {
            return 0;
        } else {
            out += strchr("\"\\\b\f\n\r\t", (int)c) ? 1 : 5;
            p++;
        }
    }
    return out;
}

int jsonout_str(struct strbuf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    size_t need = quoted_len(p, end);
    if (!need)
        return -E_INVAL;
    int rc = strbuf_reserve(b, need);
    if (rc)
        return rc;
    char *o = b->buf + b->len;
    *o++ = '"';
    if (need == len + 2) { /* nothing to escape: the usual case */
        memcpy(o, s, len);
        o += len;
        p = end;
    }
    for (; p < end; p++) {
        unsigned c = *p;
        if (c >= 0x20 && c != '"' && c != '\\') { /* UTF-8 was checked above */
            *o++ = (char)c;
            continue;
        }
        *o++ = '\\';
        switch (c) {
        case '"':
        case '\\':
            *o++ = (char)c;
            break;
        case '\b':
            *o++ = 'b';
            break;
        case '\f':
            *o++ = 'f';
            break;
        case '\n':
            *o++ = 'n';
            break;
        case '\r':
            *o++ = 'r';
            break;
        case '\t':
            *o++ = 't';
            break;
        default:
            memcpy(o, "u00", 3);
            o[3] = hex[c >> 4];
            o[4] = hex[c & 15];
            o += 5;
        }
    }
    *o++ = '"';
    b->len += need;
    b->buf[b->len] = '\0';
    return 0;
}

int jsonout_name(struct strbuf *b, const char *name)
{
    size_t len = strlen(name);
    int rc = strbuf_reserve(b, len + 3);
    if (rc)
        return rc;
    char *o = b->buf + b->len;
    o[0] = '"';
    memcpy(o + 1, name, len);
    memcpy(o + 1 + len, "\":", 3); /* the NUL too */
    b->len += len + 3;
    return 0;
}

int jsonout_key(struct strbuf *b, const char *key)
{
    int rc = jsonout_str(b, key, strlen(key));
    return rc ? rc : strbuf_addch(b, ':');
}

int jsonout_value(struct strbuf *b, const json_t *v)
{
    enum { ROOM_MIN = 16384, ROOM_MAX = 1 << 20 };
    /* the room follows the sizes this thread has been writing (replies of one kind tend to
     * be alike), so a second pass is only needed when a value is much larger than the last */
    static _Thread_local size_t hint = ROOM_MIN;
    size_t left = b->cap ? b->cap - b->len : SIZE_MAX, room = hint < left ? hint : left;
    for (int pass = 0; pass < 2; pass++) {
        int rc = strbuf_reserve(b, room);
        if (rc)
            return rc;
        size_t n = json_dumpb(v, b->buf + b->len, room, JSON_COMPACT | JSON_ENCODE_ANY);
        if (n == 0)
            return -E_INVAL;
        if (n <= room) {
            b->len += n;
            b->buf[b->len] = '\0';
            if (n < hint / 4 && hint > ROOM_MIN)
                hint /= 2;
            return 0;
        }
        if (n > left)
            break;
        room = n;
        hint = n + n / 4 < ROOM_MAX ? n + n / 4 : ROOM_MAX;
    }
    return -E_TOOBIG;
}

/* Written by hand: a list formats some 800 numbers a page, and snprintf was a visible
 * share of its time. */
json_t *jsonout_int_str(int64_t v)
{
    char buf[24];
    char *p = buf + sizeof(buf);
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    return json_stringn_nocheck(p, (size_t)(buf + sizeof(buf) - p));
}
