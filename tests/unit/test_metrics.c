/* Tests for core/http/metrics: which client addresses count as loopback for metrics =
 * loopback, and the checks on the access setting and its token. */
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
