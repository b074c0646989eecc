/* Process-wide counters for GET /metrics and who may read them (the `metrics` setting).
 * Request counters live in one block per thread, written only by their thread with plain
 * relaxed stores (no locked instruction, no lock) and summed when /metrics is read; the rarer
 * events (connections, refusals, writer waits) are relaxed atomics. Rendering is Prometheus
 * text exposition format 0.0.4; docs/metrics.md describes every family. */
#ifndef KAZI_METRICS_H
#define KAZI_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/strbuf.h"
#include "core/http/http.h"
#include "core/http/metrics_sys.h"
#include "core/http/metrics_text.h"

/* Shortest metrics_token accepted, in bytes. */
#define METRICS_TOKEN_MIN 16

/* What kind of route a request went to (the `route` label). */
enum metrics_route {
    METRICS_ROUTE_NONE,   /* refused before routing, or no route matched (404, 405) */
    METRICS_ROUTE_REST,   /* /rest/... */
    METRICS_ROUTE_LIVE,   /* /live, /live/sse */
    METRICS_ROUTE_AUTH,   /* /api/auth/... */
    METRICS_ROUTE_OPS,    /* /healthz, /metrics */
    METRICS_ROUTE_STATIC, /* /assets/... */
    METRICS_ROUTE_APP,    /* the web app's pages */
    METRICS_ROUTES
};

/* REST method families (first segment of a method name) counted separately; more are "other". */
#define METRICS_FAMILIES 48

/* The route kind of a matched request's canonical path. */
enum metrics_route metrics_route_of(const char *path);

/* Registers the family of a REST method name ("crm.deal.get" -> "crm") and returns its index
 * for http_request.metrics_family, 0 ("other") when the table is full. Call before serving
 * (not thread-safe); the same family always gets the same index. */
int metrics_family_id(const char *method_name);

/* Records one finished request: its route kind, REST family index (for METRICS_ROUTE_REST),
 * status and duration. Lock-free; runs on every request. */
void metrics_request(enum metrics_route route, int family, int status, uint64_t duration_ns);

/* Rarer events, each a relaxed atomic increment. */
enum metrics_listener { METRICS_HTTP, METRICS_HTTPS };
void metrics_connection_open(enum metrics_listener l);
void metrics_connection_close(enum metrics_listener l);
enum metrics_limit {
    METRICS_LIMIT_CONNECTIONS,    /* max_connections or max_connections_per_ip reached */
    METRICS_LIMIT_HEADER_TIMEOUT, /* headers not complete within header_timeout */
    METRICS_LIMIT_MAX_HEADER,     /* 431 */
    METRICS_LIMIT_MAX_BODY,       /* 413 */
    METRICS_LIMITS
};
void metrics_limit_refusal(enum metrics_limit what);
void metrics_tls_handshake_failed(void);
enum metrics_rate { METRICS_RATE_REST, METRICS_RATE_LOGIN, METRICS_RATES };
void metrics_rate_limited(enum metrics_rate what);
/* Where the kazi_http_requests_in_flight gauge is read from (the server sets it as it starts,
 * so metrics need not know the server). */
void metrics_set_in_flight(unsigned (*fn)(void));
/* The serving certificate's notAfter (Unix seconds); 0: no HTTPS listener. */
void metrics_tls_certificate(int64_t not_after);

/* Appends the exposition text of the HTTP, database and process families to out (the live
 * channel appends its own). Returns 0 or -E_TOOBIG. */
int metrics_render(struct strbuf *out);

/* Sets who may read the metrics, from the configuration (before serving, or while serving on a
 * reload; on an error nothing changes):
 *   "off"       nobody (404);
 *   "loopback"  clients whose address is a loopback one (127.0.0.0/8, ::1, ::ffff:127.x) and
 *               whose request carries no Forwarded, X-Forwarded-For or X-Real-IP header, which
 *               a reverse proxy on the same machine would add (403 otherwise);
 *   "token"     requests with "Authorization: Bearer <token>" (401 otherwise), compared in
 *               constant time; token must have at least METRICS_TOKEN_MIN bytes;
 *   "public"    everyone.
 * token is copied and never logged. Returns 0, or -E_CONFIG with one line in err. */
int metrics_set_access(const char *mode, const char *token, char *err, size_t errlen);
/* Returns 0 when req may read the metrics; else writes the error into res and returns its
 * HTTP status. */
int metrics_check_access(const struct http_request *req, struct http_response *res);
/* True when addr, a numeric address as the server reports it, is a loopback address. */
bool metrics_loopback_addr(const char *addr);

#endif
