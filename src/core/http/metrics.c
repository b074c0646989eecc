/* Request counters and latency histogram as atomics; no locks on the request path. */
#include "core/http/metrics.h"

#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

#include "core/db/db.h"
#include "core/http/server.h"

static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                 0.1,    0.25,  0.5,    1,     2.5,   5,     10};
#define N_BUCKETS (sizeof(buckets) / sizeof(buckets[0]))

static _Atomic uint64_t by_status[600];
static _Atomic uint64_t hist[N_BUCKETS + 1];
static _Atomic uint64_t total_ns, total_count;

void metrics_request(int status, uint64_t duration_ns)
{
    if (status < 100 || status > 599)
        status = 599;
    by_status[status]++;
    double s = (double)duration_ns / 1e9;
    size_t i = 0;
    while (i < N_BUCKETS && s > buckets[i])
        i++;
    hist[i]++;
    total_ns += duration_ns;
    total_count++;
}

uint64_t metrics_rss_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long size = 0, rss = 0;
    if (!f)
        return 0;
    if (fscanf(f, "%lu %lu", &size, &rss) != 2)
        rss = 0;
    fclose(f);
    return (uint64_t)rss * (uint64_t)sysconf(_SC_PAGESIZE);
}

int metrics_render(struct strbuf *out)
{
    int rc = 0;
    rc |= strbuf_addstr(out, "# HELP kazi_http_requests_total HTTP requests by status code.\n"
                             "# TYPE kazi_http_requests_total counter\n");
    for (int s = 100; s < 600; s++)
        if (by_status[s])
            rc |= strbuf_addf(out, "kazi_http_requests_total{code=\"%d\"} %llu\n", s,
                              (unsigned long long)by_status[s]);
    rc |= strbuf_addstr(out, "# HELP kazi_http_request_duration_seconds Time to handle a "
                             "request.\n# TYPE kazi_http_request_duration_seconds histogram\n");
    uint64_t cum = 0;
    for (size_t i = 0; i < N_BUCKETS; i++) {
        cum += hist[i];
        rc |= strbuf_addf(out, "kazi_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
                          buckets[i], (unsigned long long)cum);
    }
    cum += hist[N_BUCKETS];
    rc |= strbuf_addf(out,
                      "kazi_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
                      "kazi_http_request_duration_seconds_sum %.6f\n"
                      "kazi_http_request_duration_seconds_count %llu\n",
                      (unsigned long long)cum, (double)total_ns / 1e9,
                      (unsigned long long)total_count);
    rc |= strbuf_addf(out,
                      "# HELP kazi_db_seconds_total Time spent executing database statements.\n"
                      "# TYPE kazi_db_seconds_total counter\nkazi_db_seconds_total %.6f\n"
                      "# HELP kazi_db_statements_total Database statement steps.\n"
                      "# TYPE kazi_db_statements_total counter\nkazi_db_statements_total %llu\n",
                      (double)db_time_ns() / 1e9, (unsigned long long)db_query_count());
    rc |= strbuf_addf(out,
                      "# HELP kazi_http_requests_in_flight Requests being handled now.\n"
                      "# TYPE kazi_http_requests_in_flight gauge\nkazi_http_requests_in_flight %u\n"
                      "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
                      "# TYPE process_resident_memory_bytes gauge\n"
                      "process_resident_memory_bytes %llu\n",
                      server_active_requests(), (unsigned long long)metrics_rss_bytes());
    return rc ? -1 : 0;
}
