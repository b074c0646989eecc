/* Request counters (one block per thread, summed when read), the rarer HTTP counters, and the
 * access rule for reading them. The access rule is set before serving and may be replaced by a
 * reload; a read-write lock keeps a /metrics request from seeing half of a change. The
 * database and process families are in metrics_sys.c. */
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

enum metrics_access { METRICS_OFF, METRICS_LOOPBACK, METRICS_TOKEN, METRICS_PUBLIC };

static enum metrics_access access_mode = METRICS_LOOPBACK;
static char *access_token; /* for METRICS_TOKEN; owned, kept for the life of the process */
static pthread_rwlock_t access_lock = PTHREAD_RWLOCK_INITIALIZER; /* guards the two above */

#define N_CODES 500 /* 100..599 */
#define N_CLASSES 5 /* 1xx..5xx */

static const char *const route_names[METRICS_ROUTES] = {"none", "rest",   "live", "auth",
                                                        "ops",  "static", "app"};

/* Every member is an array of _Atomic uint64_t, so a block can be summed as one array. */
struct hist {
    _Atomic uint64_t n[METRICS_BUCKETS + 1]; /* per bucket, not cumulative */
    _Atomic uint64_t sum_ns;
};
struct counts {
    _Atomic uint64_t code[N_CODES];
    struct hist all;
    _Atomic uint64_t route_class[METRICS_ROUTES][N_CLASSES];
    struct hist route[METRICS_ROUTES];
    _Atomic uint64_t family_class[METRICS_FAMILIES][N_CLASSES];
    struct hist family[METRICS_FAMILIES];
};
#define COUNTS_WORDS (sizeof(struct counts) / sizeof(uint64_t))

/* One per thread that ever finished a request; never freed (threads are few and long-lived). */
struct block {
    struct counts c;
    struct block *next;
};
static pthread_mutex_t blocks_lock = PTHREAD_MUTEX_INITIALIZER;
static struct block *blocks;
static _Thread_local struct block *mine;

static char family_names[METRICS_FAMILIES][24] = {"other"};
static int n_families = 1;

static _Atomic uint64_t conns_open[2], conns_total[2];
static _Atomic uint64_t refusals[METRICS_LIMITS];
static _Atomic uint64_t handshake_failures;
static _Atomic uint64_t rate_limited[METRICS_RATES];
static _Atomic int64_t cert_not_after;
static unsigned (*in_flight)(void); /* the server's count, set before it serves */

/* The owning thread is the only writer: a relaxed load and store, no locked instruction. */
static inline void bump(_Atomic uint64_t *p, uint64_t v)
{
    atomic_store_explicit(p, atomic_load_explicit(p, memory_order_relaxed) + v,
                          memory_order_relaxed);
}

static inline void hist_add(struct hist *h, unsigned b, uint64_t ns)
{
    bump(&h->n[b], 1);
    bump(&h->sum_ns, ns);
}

static inline void count(_Atomic uint64_t *p)
{
    atomic_fetch_add_explicit(p, 1, memory_order_relaxed);
}

static inline uint64_t get(_Atomic uint64_t *p)
{
    return atomic_load_explicit(p, memory_order_relaxed);
}

static struct block *block_new(void)
{
    struct block *b = xcalloc(1, sizeof(*b));
    pthread_mutex_lock(&blocks_lock);
    b->next = blocks;
    blocks = b;
    pthread_mutex_unlock(&blocks_lock);
    return mine = b;
}

enum metrics_route metrics_route_of(const char *path)
{
    if (!strncmp(path, "/rest/", 6))
        return METRICS_ROUTE_REST;
    if (!strcmp(path, "/live") || !strncmp(path, "/live/", 6))
        return METRICS_ROUTE_LIVE;
    if (!strncmp(path, "/api/auth/", 10))
        return METRICS_ROUTE_AUTH;
    if (!strcmp(path, "/healthz") || !strcmp(path, "/metrics"))
        return METRICS_ROUTE_OPS;
    if (!strncmp(path, "/assets/", 8))
        return METRICS_ROUTE_STATIC;
    return METRICS_ROUTE_APP;
}

int metrics_family_id(const char *method_name)
{
    size_t len = strcspn(method_name, ".");
    if (len == 0 || len >= sizeof(family_names[0]))
        return 0;
    for (int i = 1; i < n_families; i++)
        if (!strncmp(family_names[i], method_name, len) && !family_names[i][len])
            return i;
    if (n_families == METRICS_FAMILIES)
        return 0;
    memcpy(family_names[n_families], method_name, len);
    family_names[n_families][len] = '\0';
    return n_families++;
}

void metrics_request(enum metrics_route route, int family, int status, uint64_t duration_ns)
{
    struct block *b = mine ? mine : block_new();
    unsigned bucket = metrics_bucket(duration_ns);
    if (status < 100 || status > 599)
        status = 599;
    unsigned cls = (unsigned)status / 100 - 1;
    if ((unsigned)route >= METRICS_ROUTES)
        route = METRICS_ROUTE_NONE;
    bump(&b->c.code[status - 100], 1);
    hist_add(&b->c.all, bucket, duration_ns);
    bump(&b->c.route_class[route][cls], 1);
    hist_add(&b->c.route[route], bucket, duration_ns);
    if (route == METRICS_ROUTE_REST) {
        if (family < 0 || family >= METRICS_FAMILIES)
            family = 0;
        bump(&b->c.family_class[family][cls], 1);
        hist_add(&b->c.family[family], bucket, duration_ns);
    }
}

void metrics_connection_open(enum metrics_listener l)
{
    count(&conns_open[l]);
    count(&conns_total[l]);
}

void metrics_connection_close(enum metrics_listener l)
{
    atomic_fetch_sub_explicit(&conns_open[l], 1, memory_order_relaxed);
}

void metrics_limit_refusal(enum metrics_limit what)
{
    count(&refusals[what]);
}

void metrics_tls_handshake_failed(void)
{
    count(&handshake_failures);
}

void metrics_rate_limited(enum metrics_rate what)
{
    count(&rate_limited[what]);
}

void metrics_set_in_flight(unsigned (*fn)(void))
{
    in_flight = fn;
}

void metrics_tls_certificate(int64_t not_after)
{
    cert_not_after = not_after;
}

/* ---- rendering ---------------------------------------------------------------------------- */

/* Sums every thread's block into a fresh one (caller-freed). */
static struct counts *counts_sum(void)
{
    struct counts *sum = xcalloc(1, sizeof(*sum));
    _Atomic uint64_t *to = (_Atomic uint64_t *)sum;
    pthread_mutex_lock(&blocks_lock);
    for (struct block *b = blocks; b; b = b->next) {
        _Atomic uint64_t *w = (_Atomic uint64_t *)&b->c;
        for (size_t i = 0; i < COUNTS_WORDS; i++)
            bump(&to[i], get(&w[i]));
    }
    pthread_mutex_unlock(&blocks_lock);
    return sum;
}

static int hist_render(struct strbuf *out, const char *name, const char *labels, struct hist *h)
{
    uint64_t n[METRICS_BUCKETS + 1];
    for (size_t i = 0; i <= METRICS_BUCKETS; i++)
        n[i] = get(&h->n[i]);
    return metrics_histogram(out, name, labels, n, (double)get(&h->sum_ns) / 1e9);
}

static int render_requests(struct strbuf *out, struct counts *sum)
{
    char labels[96];
    int rc = metrics_head(out, "kazi_http_requests_total", "counter",
                          "HTTP requests answered, by status code.");
    for (int s = 0; s < N_CODES; s++)
        if (get(&sum->code[s]))
            rc |= strbuf_addf(out, "kazi_http_requests_total{code=\"%d\"} %llu\n", s + 100,
                              (unsigned long long)get(&sum->code[s]));
    rc |= metrics_head(out, "kazi_http_request_duration_seconds", "histogram",
                       "Time from the request line to the end of the reply, every request.");
    rc |= hist_render(out, "kazi_http_request_duration_seconds", "", &sum->all);
    rc |= metrics_head(out, "kazi_http_route_requests_total", "counter",
                       "HTTP requests answered, by kind of route and status class.");
    for (int r = 0; r < METRICS_ROUTES; r++)
        for (int k = 0; k < N_CLASSES; k++)
            rc |= strbuf_addf(
                out, "kazi_http_route_requests_total{route=\"%s\",class=\"%dxx\"} %llu\n",
                route_names[r], k + 1, (unsigned long long)get(&sum->route_class[r][k]));
    rc |= metrics_head(out, "kazi_http_route_request_duration_seconds", "histogram",
                       "Time to answer a request, by kind of route.");
    for (int r = 0; r < METRICS_ROUTES; r++) {
        snprintf(labels, sizeof(labels), "route=\"%s\"", route_names[r]);
        rc |= hist_render(out, "kazi_http_route_request_duration_seconds", labels, &sum->route[r]);
    }
    rc |= metrics_head(out, "kazi_rest_requests_total", "counter",
                       "REST calls answered, by method family and status class.");
    for (int f = 0; f < n_families; f++)
        for (int k = 0; k < N_CLASSES; k++)
            rc |= strbuf_addf(out, "kazi_rest_requests_total{family=\"%s\",class=\"%dxx\"} %llu\n",
                              family_names[f], k + 1,
                              (unsigned long long)get(&sum->family_class[f][k]));
    rc |= metrics_head(out, "kazi_rest_request_duration_seconds", "histogram",
                       "Time to answer a REST call, by method family.");
    for (int f = 0; f < n_families; f++) {
        snprintf(labels, sizeof(labels), "family=\"%.23s\"", family_names[f]);
        rc |= hist_render(out, "kazi_rest_request_duration_seconds", labels, &sum->family[f]);
    }
    return rc;
}

/* metrics_by_label over counters kept as atomics (at most 8: every label set here is smaller). */
static int render_by(struct strbuf *out, const char *name, const char *type, const char *help,
                     const char *label, const char *const *names, _Atomic uint64_t *counters, int n)
{
    uint64_t v[8];
    for (int i = 0; i < n && i < 8; i++)
        v[i] = get(&counters[i]);
    return metrics_by_label(out, name, type, help, label, names, v, n < 8 ? n : 8);
}

static int render_http(struct strbuf *out)
{
    static const char *const listeners[2] = {"http", "https"};
    static const char *const limits[METRICS_LIMITS] = {"connections", "header_timeout",
                                                       "max_header", "max_body"};
    static const char *const rates[METRICS_RATES] = {"rest", "login"};
    int rc = metrics_value(out, "kazi_http_requests_in_flight", "gauge",
                           "Requests being handled now.", in_flight ? in_flight() : 0);
    rc |= render_by(out, "kazi_http_connections_open", "gauge",
                    "Client connections open now, by listener.", "listener", listeners, conns_open,
                    2);
    rc |= render_by(out, "kazi_http_connections_total", "counter",
                    "Client connections accepted, by listener.", "listener", listeners, conns_total,
                    2);
    rc |= render_by(out, "kazi_http_limit_refusals_total", "counter",
                    "Connections and requests refused by a configured limit.", "limit", limits,
                    refusals, METRICS_LIMITS);
    rc |= render_by(out, "kazi_rate_limited_total", "counter",
                    "Requests refused by a rate limit, by limit.", "limit", rates, rate_limited,
                    METRICS_RATES);
    rc |= metrics_value(out, "kazi_tls_handshake_failures_total", "counter",
                        "TLS handshakes that failed on the HTTPS listener.",
                        get(&handshake_failures));
    rc |= metrics_head(out, "kazi_tls_certificate_expiry_timestamp_seconds", "gauge",
                       "When the serving certificate expires (notAfter), Unix time.");
    if (cert_not_after)
        rc |= strbuf_addf(out, "kazi_tls_certificate_expiry_timestamp_seconds %lld\n",
                          (long long)cert_not_after);
    return rc;
}

int metrics_render(struct strbuf *out)
{
    struct counts *sum = counts_sum();
    int rc = render_requests(out, sum);
    free(sum);
    rc |= render_http(out);
    rc |= metrics_render_sys(out);
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
