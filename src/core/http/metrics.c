/* Request counters and latency histogram as atomics; no locks on the request path. The access
 * rule for reading them is set before serving and may be replaced by a reload; a read-write
 * lock keeps a /metrics request from seeing half of a change. */
#include "core/http/metrics.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/base/crypto.h"
#include "core/base/error.h"
#include "core/base/xalloc.h"
#include "core/db/db.h"
#include "core/http/server.h"

enum metrics_access { METRICS_OFF, METRICS_LOOPBACK, METRICS_TOKEN, METRICS_PUBLIC };

static enum metrics_access access_mode = METRICS_LOOPBACK;
static char *access_token; /* for METRICS_TOKEN; owned, kept for the life of the process */
static pthread_rwlock_t access_lock = PTHREAD_RWLOCK_INITIALIZER; /* guards the two above */

static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                 0.1,    0.25,  0.5,    1,     2.5,  5,     10};
#define N_BUCKETS ARRAY_SIZE(buckets)

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

int metrics_set_access(const char *mode, const char *token, char *err, size_t errlen)
{
    static const struct {
        const char *name;
        enum metrics_access mode;
    } modes[] = {{"off", METRICS_OFF},
                 {"loopback", METRICS_LOOPBACK},
                 {"token", METRICS_TOKEN},
                 {"public", METRICS_PUBLIC}};
    size_t i = 0;
    while (i < ARRAY_SIZE(modes) && strcmp(modes[i].name, mode ? mode : ""))
        i++;
    if (i == ARRAY_SIZE(modes)) {
        snprintf(err, errlen, "config: 'metrics' must be one of off|loopback|token|public");
        return -E_CONFIG;
    }
    if (modes[i].mode == METRICS_TOKEN && (!token || strlen(token) < METRICS_TOKEN_MIN)) {
        snprintf(err, errlen,
                 "config: 'metrics_token' must have at least %d characters when 'metrics' is "
                 "token",
                 METRICS_TOKEN_MIN);
        return -E_CONFIG;
    }
    char *copy = modes[i].mode == METRICS_TOKEN ? xstrdup(token) : NULL;
    pthread_rwlock_wrlock(&access_lock);
    access_mode = modes[i].mode;
    char *old = access_token;
    access_token = copy;
    pthread_rwlock_unlock(&access_lock);
    if (old)
        explicit_bzero(old, strlen(old));
    free(old);
    return 0;
}

bool metrics_loopback_addr(const char *addr)
{
    struct in_addr a4;
    struct in6_addr a6;
    if (!addr)
        return false;
    if (inet_pton(AF_INET, addr, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, addr, &a6) != 1)
        return false;
    return IN6_IS_ADDR_LOOPBACK(&a6) || (IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127);
}

/* A request a proxy relayed: on the proxy's machine every client looks like loopback. */
static bool relayed(const struct http_request *req)
{
    return http_header(req, "Forwarded") || http_header(req, "X-Forwarded-For") ||
           http_header(req, "X-Real-IP");
}

static int check_access(const struct http_request *req, struct http_response *res);

int metrics_check_access(const struct http_request *req, struct http_response *res)
{
    pthread_rwlock_rdlock(&access_lock);
    int status = check_access(req, res);
    pthread_rwlock_unlock(&access_lock);
    return status;
}

static int check_access(const struct http_request *req, struct http_response *res)
{
    const char *auth;
    switch (access_mode) {
    case METRICS_PUBLIC:
        return 0;
    case METRICS_OFF:
        return http_error(res, 404, "NOT_FOUND", "metrics are off on this server");
    case METRICS_LOOPBACK:
        if (relayed(req) || !metrics_loopback_addr(http_remote_addr(req)))
            return http_error(res, 403, "ACCESS_DENIED",
                              "metrics are readable from this machine only, not through a proxy");
        return 0;
    case METRICS_TOKEN:
        break;
    }
    auth = http_header(req, "Authorization");
    if (!auth || strncasecmp(auth, "Bearer ", 7)) {
        http_add_header(res, "WWW-Authenticate", "Bearer realm=\"kazi metrics\"");
        return http_error(res, 401, "NO_AUTH_FOUND",
                          "metrics need an 'Authorization: Bearer' header with the metrics token");
    }
    for (auth += 7; *auth == ' '; auth++)
        ;
    if (!crypto_equal(auth, access_token)) {
        http_add_header(res, "WWW-Authenticate",
                        "Bearer realm=\"kazi metrics\", error=\"invalid_token\"");
        return http_error(res, 401, "invalid_token", "metrics token is not valid");
    }
    return 0;
}
