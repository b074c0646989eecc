/* The request helpers of http.h (request.c), and what the server asks of them besides. */
#ifndef KAZI_REQUEST_H
#define KAZI_REQUEST_H

#include <microhttpd.h>
#include <stdbool.h>

#include "core/base/arena.h"
#include "core/http/http.h"

/* A trusted proxy (trusted_proxies) says the client reached it over HTTPS: the last
 * X-Forwarded-Proto entry is "https". False for any other peer. */
bool http_forwarded_https(struct MHD_Connection *conn, struct arena *a);

#endif
