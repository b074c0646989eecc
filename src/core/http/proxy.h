/* Reverse proxies kazi trusts (trusted_proxies): for a request whose peer is one of them, the
 * client's address comes from X-Forwarded-For and "reached over HTTPS" from X-Forwarded-Proto.
 * From any other peer both headers are ignored, so a client cannot choose the address the
 * sign-in throttle and the logs see. The list is set once before the server starts. */
#ifndef KAZI_PROXY_H
#define KAZI_PROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "core/base/arena.h"

#define PROXY_MAX 32 /* entries in trusted_proxies */

/* Parses spec, a comma list of addresses and CIDR blocks ("127.0.0.1, ::1, 10.0.0.0/8"; ""
 * trusts nobody), and makes it the trusted set. On a bad entry writes one line naming it into
 * err, leaves the set as it was and returns -E_CONFIG. */
int proxy_set_trusted(const char *spec, char *err, size_t errlen);

/* True when no proxy is trusted (the usual direct set-up): nothing else needs to be asked. */
bool proxy_none(void);

/* True when addr (an IPv4 or IPv6 socket address; an IPv4-mapped IPv6 address counts as its
 * IPv4 address) is in the trusted set. */
bool proxy_trusted_sockaddr(const struct sockaddr *addr);

/* True when the numeric address text is in the trusted set. */
bool proxy_trusted_text(const char *addr);

/* The client address a trusted proxy reports in an X-Forwarded-For value: the right-most entry
 * that is not itself a trusted proxy (each proxy appends the address it was reached from), or
 * the left-most when all are trusted. NULL when the header holds no valid address. The result
 * is a normalised numeric address in the arena. */
const char *proxy_forwarded_for(const char *xff, struct arena *a);

#endif
