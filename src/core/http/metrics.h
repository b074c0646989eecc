/* Process-wide counters for GET /metrics: requests by status, a latency histogram, database
 * time and memory. Counters are atomics updated on every request; rendering is Prometheus text
 * exposition format 0.0.4. */
#ifndef KAZI_METRICS_H
#define KAZI_METRICS_H

#include <stdint.h>

#include "core/base/strbuf.h"

/* Records one finished request. */
void metrics_request(int status, uint64_t duration_ns);
/* Appends the exposition text to out. Returns 0 or -E_TOOBIG. */
int metrics_render(struct strbuf *out);
/* Resident set size in bytes, from /proc/self/statm; 0 when unknown. */
uint64_t metrics_rss_bytes(void);

#endif
