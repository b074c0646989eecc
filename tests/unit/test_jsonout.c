/* Tests for core/json/jsonout: strings escaped byte for byte as jansson's dump escapes them,
 * text that is not UTF-8 refused as jansson refuses it (and nothing appended), caps. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/error.h"
#include "core/json/jsonout.h"
#include "t.h"

static char *jansson_text(const char *s, size_t len)
{
    json_t *v = json_stringn(s, len);
    char *out = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    json_decref(v);
    return out;
}

TEST(jsonout_escapes)
{
    struct strbuf b;
    strbuf_init(&b, 0);
    const char *in = "a\x01\x1f\x7f/\"\\\b\f\n\r\t\xe2\x80\xa8 \xf0\x9f\x99\x82 é";
    CHECK_INT(jsonout_str(&b, in, strlen(in)), 0);
    char *want = jansson_text(in, strlen(in));
    CHECK_STR(b.buf, want);
    CHECK_STR(b.buf,
              "\"a\\u0001\\u001F\x7f/\\\"\\\\\\b\\f\\n\\r\\t\xe2\x80\xa8 \xf0\x9f\x99\x82 é\"");
    free(want);
    strbuf_reset(&b);
    CHECK_INT(jsonout_str(&b, "", 0), 0);
    CHECK_STR(b.buf, "\"\"");
    CHECK_INT(jsonout_key(&b, "ID"), 0);
    CHECK_STR(b.buf, "\"\"\"ID\":");
    CHECK_INT(jsonout_name(&b, "ASSIGNED_BY_ID"), 0);
    CHECK_STR(b.buf, "\"\"\"ID\":\"ASSIGNED_BY_ID\":");
    strbuf_release(&b);
}

TEST(jsonout_refuses_what_jansson_refuses)
{
    static const char *const bad[] = {
        "\x80",             /* continuation byte first */
        "\xc0\x80",         /* overlong NUL */
        "\xe0\x9f\xbf",     /* overlong three bytes */
        "\xed\xa0\x80",     /* surrogate */
        "\xf4\x90\x80\x80", /* above U+10FFFF */
        "\xf5\x80\x80\x80",
        "\xe2\x82",
        "ab\xff",
    };
    struct strbuf b;
    strbuf_init(&b, 0);
    strbuf_addstr(&b, "[");
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        CHECK(jansson_text(bad[i], strlen(bad[i])) == NULL);
        CHECK_INT(jsonout_str(&b, bad[i], strlen(bad[i])), -E_INVAL);
        CHECK_STR(b.buf, "[");
    }
    CHECK_INT(jsonout_str(&b, "a\0b", 3), -E_INVAL); /* a NUL inside: not a C string */
    CHECK_STR(b.buf, "[");
    strbuf_release(&b);
}

/* Random byte strings, weighted towards UTF-8 lead bytes, continuations and control
 * characters: the writer and jansson agree on every one. */
TEST(jsonout_matches_jansson_on_random_text)
{
    static const unsigned char pick[] = {'a',  '"',  '\\', '\n', 0x01, 0x1f, 0x7f, 0x80,
                                         0xbf, 0xc2, 0xc3, 0xdf, 0xe0, 0xe2, 0xed, 0xef,
                                         0xf0, 0xf4, 0xf5, 0xff, 0xa0, 0x9f, 0x90, 'z'};
    unsigned seed = 12345;
    struct strbuf b;
    strbuf_init(&b, 0);
    for (int n = 0; n < 20000; n++) {
        char s[12];
        size_t len = 1 + (seed = seed * 1103515245 + 12345) % sizeof(s);
        for (size_t i = 0; i < len; i++)
            s[i] = (char)pick[((seed = seed * 1103515245 + 12345) >> 16) % sizeof(pick)];
        char *want = jansson_text(s, len);
        strbuf_reset(&b);
        int rc = jsonout_str(&b, s, len);
        if (want ? rc != 0 || strcmp(b.buf, want) : rc != -E_INVAL || b.len != 0) {
            t_fail(__FILE__, __LINE__, "string %d: writer %d \"%s\", jansson %s", n, rc, b.buf,
                   want ? want : "refuses");
            free(want);
            break;
        }
        free(want);
    }
    strbuf_release(&b);
}

TEST(jsonout_values_and_caps)
{
    struct strbuf b;
    strbuf_init(&b, 8);
    json_t *v = json_pack("[i, s]", 1, "x");
    CHECK_INT(jsonout_value(&b, v), 0);
    CHECK_STR(b.buf, "[1,\"x\"]");
    CHECK_INT(jsonout_str(&b, "abc", 3), -E_TOOBIG); /* "abc" is 5 bytes, 1 left */
    CHECK_STR(b.buf, "[1,\"x\"]");
    json_decref(v);
    strbuf_release(&b);
}

/* Error messages quote client input: every byte outside a valid sequence becomes '?', valid
 * text is left alone, and the result is always a JSON string. */
TEST(jsonout_scrub_makes_utf8)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"plain", "plain"},
        {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"},
        {"/rest/\xdehz", "/rest/?hz"},
        {"cut \xc3", "cut ?"},
        {"cut \xe2\x82", "cut ??"},
        {"\xc0\x80 \xed\xa0\x80 \xf4\x90\x80\x80", "?? ??? ????"},
        {"\x80\xbf", "??"},
        {"", ""},
    };
    char buf[64];
    struct strbuf b;
    strbuf_init(&b, 0);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        snprintf(buf, sizeof(buf), "%s", cases[i].in);
        jsonout_scrub(buf);
        CHECK_STR(buf, cases[i].out);
        strbuf_reset(&b);
        CHECK_INT(jsonout_str(&b, buf, strlen(buf)), 0);
    }
    strbuf_release(&b);
}
