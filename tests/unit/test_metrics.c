/* Tests for core/http/metrics: which client addresses count as loopback for metrics =
 * loopback, the checks on the access setting and its token, REST families and route kinds,
 * histogram buckets and text, and requests counted into the rendered families. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/error.h"
#include "core/http/metrics.h"
#include "t.h"

TEST(metrics_loopback_addresses)
{
    CHECK(metrics_loopback_addr("127.0.0.1"));
    CHECK(metrics_loopback_addr("127.0.0.2"));
    CHECK(metrics_loopback_addr("127.255.255.254"));
    CHECK(metrics_loopback_addr("::1"));
    CHECK(metrics_loopback_addr("::ffff:127.0.0.1"));
    CHECK(metrics_loopback_addr("::ffff:127.1.2.3"));
}

TEST(metrics_other_addresses)
{
    CHECK(!metrics_loopback_addr(NULL));
    CHECK(!metrics_loopback_addr(""));
    CHECK(!metrics_loopback_addr("10.0.0.1"));
    CHECK(!metrics_loopback_addr("128.0.0.1"));
    CHECK(!metrics_loopback_addr("126.255.255.255"));
    CHECK(!metrics_loopback_addr("0.0.0.0"));
    CHECK(!metrics_loopback_addr("192.168.1.127"));
    CHECK(!metrics_loopback_addr("::"));
    CHECK(!metrics_loopback_addr("::2"));
    CHECK(!metrics_loopback_addr("fe80::1"));
    CHECK(!metrics_loopback_addr("fe80::1%lo"));
    CHECK(!metrics_loopback_addr("::ffff:10.0.0.1"));
    CHECK(!metrics_loopback_addr("::127.0.0.1")); /* IPv4-compatible, not mapped */
    CHECK(!metrics_loopback_addr("2001:db8::1"));
    CHECK(!metrics_loopback_addr("localhost"));
    CHECK(!metrics_loopback_addr("127.0.0.1 "));
}

TEST(metrics_access_setting)
{
    char err[256];
    CHECK_INT(metrics_set_access("off", "", err, sizeof(err)), 0);
    CHECK_INT(metrics_set_access("public", "", err, sizeof(err)), 0);
    CHECK_INT(metrics_set_access("token", "0123456789abcdef", err, sizeof(err)), 0);
    CHECK_INT(metrics_set_access("token", "0123456789abcde", err, sizeof(err)), -E_CONFIG);
    CHECK(strstr(err, "'metrics_token'") && !strstr(err, "0123456789abcde"));
    CHECK_INT(metrics_set_access("token", NULL, err, sizeof(err)), -E_CONFIG);
    CHECK_INT(metrics_set_access("sometimes", "", err, sizeof(err)), -E_CONFIG);
    CHECK(strstr(err, "'metrics'") != NULL);
    /* the default, for the tests that run after this one */
    CHECK_INT(metrics_set_access("loopback", "", err, sizeof(err)), 0);
}

TEST(metrics_families)
{
    int crm = metrics_family_id("crm.deal.get");
    CHECK(crm > 0);
    CHECK_INT(metrics_family_id("crm.lead.list"), crm);
    CHECK_INT(metrics_family_id("crm"), crm);
    CHECK(metrics_family_id("user.current") != crm);
    CHECK_INT(metrics_family_id(""), 0);
    CHECK_INT(metrics_family_id(".x"), 0);
    CHECK_INT(metrics_family_id("a_family_name_longer_than_the_slot.get"), 0);
}

TEST(metrics_routes)
{
    CHECK_INT(metrics_route_of("/rest/crm.deal.get"), METRICS_ROUTE_REST);
    CHECK_INT(metrics_route_of("/rest/1/secret/crm.deal.get"), METRICS_ROUTE_REST);
    CHECK_INT(metrics_route_of("/live"), METRICS_ROUTE_LIVE);
    CHECK_INT(metrics_route_of("/live/sse"), METRICS_ROUTE_LIVE);
    CHECK_INT(metrics_route_of("/lively"), METRICS_ROUTE_APP);
    CHECK_INT(metrics_route_of("/api/auth/login"), METRICS_ROUTE_AUTH);
    CHECK_INT(metrics_route_of("/healthz"), METRICS_ROUTE_OPS);
    CHECK_INT(metrics_route_of("/metrics"), METRICS_ROUTE_OPS);
    CHECK_INT(metrics_route_of("/assets/app-1234.js"), METRICS_ROUTE_STATIC);
    CHECK_INT(metrics_route_of("/crm/deals"), METRICS_ROUTE_APP);
    CHECK_INT(metrics_route_of("/"), METRICS_ROUTE_APP);
}

TEST(metrics_buckets)
{
    CHECK_INT(metrics_bucket(0), 0);
    CHECK_INT(metrics_bucket(500000), 0); /* le="0.0005" includes 0.5 ms itself */
    CHECK_INT(metrics_bucket(500001), 1);
    CHECK_INT(metrics_bucket(1000000000), 10); /* 1 s */
    CHECK_INT(metrics_bucket(10000000000ull), METRICS_BUCKETS - 1);
    CHECK_INT(metrics_bucket(10000000001ull), METRICS_BUCKETS); /* +Inf */
}

TEST(metrics_histogram_text)
{
    uint64_t n[METRICS_BUCKETS + 1] = {0};
    struct strbuf out;
    n[0] = 2;
    n[3] = 1;
    n[METRICS_BUCKETS] = 1;
    strbuf_init(&out, 0);
    CHECK_INT(metrics_histogram(&out, "x_seconds", "k=\"v\"", n, 12.5), 0);
    CHECK(strstr(out.buf, "x_seconds_bucket{k=\"v\",le=\"0.0005\"} 2\n") != NULL);
    CHECK(strstr(out.buf, "x_seconds_bucket{k=\"v\",le=\"0.005\"} 3\n") != NULL);
    CHECK(strstr(out.buf, "x_seconds_bucket{k=\"v\",le=\"10\"} 3\n") != NULL);
    CHECK(strstr(out.buf, "x_seconds_bucket{k=\"v\",le=\"+Inf\"} 4\n") != NULL);
    CHECK(strstr(out.buf, "x_seconds_sum{k=\"v\"} 12.500000\nx_seconds_count{k=\"v\"} 4\n") !=
          NULL);
    strbuf_release(&out);
    strbuf_init(&out, 0);
    CHECK_INT(metrics_histogram(&out, "y", "", n, 0), 0);
    CHECK(strstr(out.buf, "y_bucket{le=\"+Inf\"} 4\ny_sum 0.000000\ny_count 4\n") != NULL);
    strbuf_release(&out);
}

/* Whether text has the line "sample value". */
static bool has_sample(const char *text, const char *sample, unsigned long long value)
{
    char line[256];
    snprintf(line, sizeof(line), "\n%s %llu\n", sample, value);
    return strstr(text, line) != NULL;
}

/* The value of the line starting with "sample ", 0 when there is none. */
static unsigned long long sample_value(const char *text, const char *sample)
{
    char key[256];
    snprintf(key, sizeof(key), "\n%s ", sample);
    const char *p = strstr(text, key);
    return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}

TEST(metrics_requests_counted_per_family_and_route)
{
    struct strbuf out;
    int fam = metrics_family_id("unitfam.thing.get");
    strbuf_init(&out, 0);
    CHECK_INT(metrics_render(&out), 0);
    unsigned long long ok0 =
        sample_value(out.buf, "kazi_rest_requests_total{family=\"unitfam\",class=\"2xx\"}");
    unsigned long long bad0 =
        sample_value(out.buf, "kazi_http_route_requests_total{route=\"static\",class=\"4xx\"}");
    strbuf_release(&out);
    metrics_request(METRICS_ROUTE_REST, fam, 200, 1000000);
    metrics_request(METRICS_ROUTE_REST, fam, 201, 2000000);
    metrics_request(METRICS_ROUTE_STATIC, 0, 404, 100);
    metrics_request(METRICS_ROUTES + 3, 99, 1000, 100); /* out of range: none, 599 */
    strbuf_init(&out, 0);
    CHECK_INT(metrics_render(&out), 0);
    CHECK(
        has_sample(out.buf, "kazi_rest_requests_total{family=\"unitfam\",class=\"2xx\"}", ok0 + 2));
    CHECK(has_sample(out.buf, "kazi_http_route_requests_total{route=\"static\",class=\"4xx\"}",
                     bad0 + 1));
    CHECK(sample_value(out.buf, "kazi_http_requests_total{code=\"599\"}") >= 1);
    CHECK(sample_value(
              out.buf,
              "kazi_rest_request_duration_seconds_bucket{family=\"unitfam\",le=\"0.001\"}") >= 1);
    CHECK(strstr(out.buf, "# TYPE kazi_build_info gauge\nkazi_build_info{version=\"") != NULL);
    CHECK(strstr(out.buf, "# TYPE process_open_fds gauge\nprocess_open_fds ") != NULL);
    strbuf_release(&out);
}
