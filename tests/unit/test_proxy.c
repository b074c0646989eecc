/* Tests for core/http/proxy: parsing trusted_proxies, membership of socket and text addresses
 * (IPv4, IPv6, IPv4-mapped), and which X-Forwarded-For entry is the client. */
#include <arpa/inet.h>
#include <netinet/in.h>

#include "core/base/arena.h"
#include "core/base/error.h"
#include "core/http/proxy.h"
#include "t.h"

TEST(proxy_parse_errors_keep_the_old_set)
{
    char err[256];
    CHECK_INT(proxy_set_trusted("127.0.0.1", err, sizeof(err)), 0);
    CHECK_INT(proxy_set_trusted("10.0.0.1/8", err, sizeof(err)), -E_CONFIG);
    CHECK(strstr(err, "'10.0.0.1/8'") != NULL);
    CHECK_INT(proxy_set_trusted("10.0.0.0/33", err, sizeof(err)), -E_CONFIG);
    CHECK_INT(proxy_set_trusted("::1/129", err, sizeof(err)), -E_CONFIG);
    CHECK_INT(proxy_set_trusted("proxy.example.com", err, sizeof(err)), -E_CONFIG);
    CHECK_INT(proxy_set_trusted("127.0.0.1/", err, sizeof(err)), -E_CONFIG);
    CHECK_INT(proxy_set_trusted("127.0.0.1/x", err, sizeof(err)), -E_CONFIG);
    CHECK(proxy_trusted_text("127.0.0.1"));
    CHECK(!proxy_none());
    CHECK_INT(proxy_set_trusted("", err, sizeof(err)), 0);
    CHECK(proxy_none());
    CHECK(!proxy_trusted_text("127.0.0.1"));
}

TEST(proxy_membership)
{
    char err[256];
    CHECK_INT(proxy_set_trusted(" 10.0.0.0/8, 192.168.1.7 ,fd00::/8,::1, 172.16.0.0/12", err,
                                sizeof(err)),
              0);
    CHECK(proxy_trusted_text("10.1.2.3"));
    CHECK(proxy_trusted_text("10.255.255.255"));
    CHECK(!proxy_trusted_text("11.0.0.0"));
    CHECK(proxy_trusted_text("192.168.1.7"));
    CHECK(!proxy_trusted_text("192.168.1.8"));
    CHECK(proxy_trusted_text("172.31.0.1"));
    CHECK(!proxy_trusted_text("172.32.0.1"));
    CHECK(proxy_trusted_text("::1"));
    CHECK(proxy_trusted_text("fd12:3456::1"));
    CHECK(!proxy_trusted_text("fe80::1"));
    CHECK(proxy_trusted_text("::ffff:10.9.9.9")); /* IPv4-mapped counts as IPv4 */
    CHECK(!proxy_trusted_text("nonsense"));
    CHECK(!proxy_trusted_text(NULL));

    struct sockaddr_in a4 = {.sin_family = AF_INET};
    inet_pton(AF_INET, "10.0.0.9", &a4.sin_addr);
    CHECK(proxy_trusted_sockaddr((struct sockaddr *)&a4));
    inet_pton(AF_INET, "8.8.8.8", &a4.sin_addr);
    CHECK(!proxy_trusted_sockaddr((struct sockaddr *)&a4));
    struct sockaddr_in6 a6 = {.sin6_family = AF_INET6};
    inet_pton(AF_INET6, "::ffff:192.168.1.7", &a6.sin6_addr);
    CHECK(proxy_trusted_sockaddr((struct sockaddr *)&a6));
    inet_pton(AF_INET6, "2001:db8::1", &a6.sin6_addr);
    CHECK(!proxy_trusted_sockaddr((struct sockaddr *)&a6));
    CHECK_INT(proxy_set_trusted("", err, sizeof(err)), 0);
}

TEST(proxy_forwarded_for_picks_the_client)
{
    char err[256];
    struct arena a = ARENA_INIT;
    CHECK_INT(proxy_set_trusted("10.0.0.0/8,2001:db8::/32", err, sizeof(err)), 0);
    /* a client's own entry on the left is not believed: the right-most untrusted one is */
    CHECK_STR(proxy_forwarded_for("198.51.100.9, 203.0.113.5", &a), "203.0.113.5");
    CHECK_STR(proxy_forwarded_for("198.51.100.9, 203.0.113.5, 10.1.1.1", &a), "203.0.113.5");
    CHECK_STR(proxy_forwarded_for("203.0.113.5,10.1.1.1,10.2.2.2", &a), "203.0.113.5");
    /* every hop trusted: the left-most */
    CHECK_STR(proxy_forwarded_for("10.3.3.3, 10.1.1.1", &a), "10.3.3.3");
    /* forms proxies write: ports, brackets, IPv6, IPv4-mapped */
    CHECK_STR(proxy_forwarded_for("203.0.113.5:4711", &a), "203.0.113.5");
    CHECK_STR(proxy_forwarded_for("[2001:db9::5]:443", &a), "2001:db9::5");
    CHECK_STR(proxy_forwarded_for("2001:DB9:0::5", &a), "2001:db9::5");
    CHECK_STR(proxy_forwarded_for("::ffff:203.0.113.5", &a), "203.0.113.5");
    /* nothing usable */
    CHECK(proxy_forwarded_for(NULL, &a) == NULL);
    CHECK(proxy_forwarded_for("", &a) == NULL);
    CHECK(proxy_forwarded_for(" , ", &a) == NULL);
    CHECK(proxy_forwarded_for("unknown, 203.0.113.5", &a) == NULL);
    CHECK(proxy_forwarded_for("203.0.113.5, <script>", &a) == NULL);
    arena_release(&a);
    CHECK_INT(proxy_set_trusted("", err, sizeof(err)), 0);
}
