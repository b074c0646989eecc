/* Process-wide counters for GET /metrics: requests by status, a latency histogram, database
 * time and memory, and who may read them (the `metrics` setting). Counters are atomics updated
 * on every request; rendering is Prometheus text exposition format 0.0.4. */
#ifndef KAZI_METRICS_H
#define KAZI_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/strbuf.h"
#include "core/http/http.h"

/* Shortest metrics_token accepted, in bytes. */
#define METRICS_TOKEN_MIN 16

/* Records one finished request. */
void metrics_request(int status, uint64_t duration_ns);
/* Appends the exposition text to out. Returns 0 or -E_TOOBIG. */
int metrics_render(struct strbuf *out);
/* Resident set size in bytes, from /proc/self/statm; 0 when unknown. */
uint64_t metrics_rss_bytes(void);

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
