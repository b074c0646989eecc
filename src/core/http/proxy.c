/* The trusted reverse proxies: a small fixed table of address blocks, compared byte by byte.
 * IPv4 blocks are kept as IPv4-mapped IPv6 blocks so one comparison covers both families. */
#include "core/http/proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/error.h"

struct block {
    unsigned char addr[16]; /* IPv6, IPv4 as ::ffff:a.b.c.d */
    int bits;               /* prefix length over the 128 bits */
};

static struct block blocks[PROXY_MAX];
static int n_blocks;

/* Parses "a.b.c.d", "a:b::c", optionally "/bits", into a block. Returns 0 or -1. */
static int parse_block(const char *s, size_t len, struct block *out)
{
    char text[INET6_ADDRSTRLEN + 8];
    if (len == 0 || len >= sizeof(text))
        return -1;
    memcpy(text, s, len);
    text[len] = '\0';
    char *slash = strchr(text, '/');
    long bits = -1;
    if (slash) {
        char *end;
        *slash = '\0';
        bits = strtol(slash + 1, &end, 10);
        if (end == slash + 1 || *end || bits < 0)
            return -1;
    }
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, text, &a4) == 1) {
        if (bits > 32)
            return -1;
        memset(out->addr, 0, 10);
        out->addr[10] = out->addr[11] = 0xff;
        memcpy(out->addr + 12, &a4, 4);
        out->bits = bits < 0 ? 128 : 96 + (int)bits;
    } else if (inet_pton(AF_INET6, text, &a6) == 1) {
        if (bits > 128)
            return -1;
        memcpy(out->addr, &a6, 16);
        out->bits = bits < 0 ? 128 : (int)bits;
    } else {
        return -1;
    }
    /* host bits set under the prefix ("10.0.0.1/8") are a typo worth naming, not guessing */
    for (int i = out->bits; i < 128; i++)
        if (out->addr[i / 8] & (0x80 >> (i % 8)))
            return -1;
    return 0;
}

int proxy_set_trusted(const char *spec, char *err, size_t errlen)
{
    struct block next[PROXY_MAX];
    int n = 0;
    for (const char *p = spec; *p;) {
        p += strspn(p, " \t,");
        size_t len = strcspn(p, " \t,");
        if (!len)
            break;
        if (n == PROXY_MAX) {
            snprintf(err, errlen, "trusted_proxies has more than %d entries", PROXY_MAX);
            return -E_CONFIG;
        }
        if (parse_block(p, len, &next[n])) {
            snprintf(err, errlen,
                     "trusted_proxies entry '%.*s' is not an address or an address/bits block "
                     "with no host bits set",
                     (int)(len > 64 ? 64 : len), p);
            return -E_CONFIG;
        }
        n++;
        p += len;
    }
    memcpy(blocks, next, sizeof(next[0]) * (size_t)n);
    n_blocks = n;
    return 0;
}

bool proxy_none(void)
{
    return n_blocks == 0;
}

static bool in_blocks(const unsigned char addr[16])
{
    for (int i = 0; i < n_blocks; i++) {
        int bits = blocks[i].bits, whole = bits / 8, rest = bits % 8;
        if (memcmp(addr, blocks[i].addr, (size_t)whole))
            continue;
        if (rest && ((addr[whole] ^ blocks[i].addr[whole]) & (0xff00 >> rest)))
            continue;
        return true;
    }
    return false;
}

/* The address as 16 bytes (IPv4 mapped). Returns 0, or -1 when it is not an address. */
static int text_addr(const char *s, unsigned char out[16])
{
    struct in_addr a4;
    if (inet_pton(AF_INET, s, &a4) == 1) {
        memset(out, 0, 10);
        out[10] = out[11] = 0xff;
        memcpy(out + 12, &a4, 4);
        return 0;
    }
    return inet_pton(AF_INET6, s, out) == 1 ? 0 : -1;
}

bool proxy_trusted_sockaddr(const struct sockaddr *addr)
{
    unsigned char a[16];
    if (!n_blocks || !addr)
        return false;
    if (addr->sa_family == AF_INET) {
        memset(a, 0, 10);
        a[10] = a[11] = 0xff;
        memcpy(a + 12, &((const struct sockaddr_in *)addr)->sin_addr, 4);
    } else if (addr->sa_family == AF_INET6) {
        memcpy(a, &((const struct sockaddr_in6 *)addr)->sin6_addr, 16);
    } else {
        return false;
    }
    return in_blocks(a);
}

bool proxy_trusted_text(const char *addr)
{
    unsigned char a[16];
    return n_blocks && addr && !text_addr(addr, a) && in_blocks(a);
}

/* One X-Forwarded-For entry into 16 bytes: an address, possibly "[v6]" or with a ":port" that
 * some proxies add to IPv4 entries. Returns 0 or -1. */
static int entry_addr(const char *s, size_t len, unsigned char out[16])
{
    char text[INET6_ADDRSTRLEN + 8];
    if (len >= 2 && s[0] == '[') {
        const char *close = memchr(s, ']', len);
        if (!close)
            return -1;
        len = (size_t)(close - s - 1);
        s++;
    } else {
        const char *colon = memchr(s, ':', len);
        if (colon && !memchr(colon + 1, ':', len - (size_t)(colon + 1 - s)))
            len = (size_t)(colon - s); /* a.b.c.d:port */
    }
    if (len == 0 || len >= sizeof(text))
        return -1;
    memcpy(text, s, len);
    text[len] = '\0';
    return text_addr(text, out);
}

const char *proxy_forwarded_for(const char *xff, struct arena *a)
{
    unsigned char addrs[PROXY_MAX][16];
    int n = 0;
    if (!xff)
        return NULL;
    /* keep the last PROXY_MAX entries: the right-most ones are the ones the proxies vouch for */
    for (const char *p = xff; *p;) {
        p += strspn(p, " \t,");
        size_t len = strcspn(p, " \t,");
        if (!len)
            break;
        unsigned char one[16];
        if (entry_addr(p, len, one))
            return NULL; /* "unknown" or garbage: the chain cannot be followed */
        if (n == PROXY_MAX) {
            memmove(addrs[0], addrs[1], sizeof(addrs[0]) * (PROXY_MAX - 1));
            n--;
        }
        memcpy(addrs[n++], one, 16);
        p += len;
    }
    if (!n)
        return NULL;
    int pick = 0;
    for (int i = n - 1; i >= 0; i--) {
        if (!in_blocks(addrs[i])) {
            pick = i;
            break;
        }
    }
    char text[INET6_ADDRSTRLEN];
    const unsigned char *b = addrs[pick];
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (!memcmp(b, mapped, 12))
        inet_ntop(AF_INET, b + 12, text, sizeof(text));
    else
        inet_ntop(AF_INET6, b, text, sizeof(text));
    return arena_strdup(a, text);
}
