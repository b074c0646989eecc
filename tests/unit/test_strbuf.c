/* Tests for core/base/strbuf: caps (nothing appended past them), formatted appends, detach. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/base/error.h"
#include "core/base/strbuf.h"
#include "t.h"

TEST(strbuf_empty_is_terminated)
{
    struct strbuf sb;
    strbuf_init(&sb, 0);
    CHECK_STR(sb.buf, "");
    CHECK_INT(sb.len, 0);
    strbuf_reset(&sb);
    CHECK_STR(sb.buf, "");
    strbuf_release(&sb);
    CHECK_STR(sb.buf, "");
}

TEST(strbuf_add_and_grow)
{
    struct strbuf sb;
    strbuf_init(&sb, 0);
    for (int i = 0; i < 10000; i++)
        CHECK_INT(strbuf_addch(&sb, (char)('a' + i % 26)), 0);
    CHECK_INT(sb.len, 10000);
    CHECK_INT(sb.buf[10000], '\0');
    CHECK_INT(sb.buf[26], 'a');
    CHECK_INT(strbuf_add(&sb, "xyz", 0), 0);
    CHECK_INT(sb.len, 10000);
    strbuf_reset(&sb);
    CHECK_INT(sb.len, 0);
    CHECK_STR(sb.buf, "");
    CHECK_INT(strbuf_addstr(&sb, "hello"), 0);
    CHECK_STR(sb.buf, "hello");
    strbuf_release(&sb);
}

TEST(strbuf_cap)
{
    struct strbuf sb;
    strbuf_init(&sb, 8);
    CHECK_INT(strbuf_addstr(&sb, "12345"), 0);
    CHECK_INT(strbuf_addstr(&sb, "6789"), -E_TOOBIG);
    CHECK_STR(sb.buf, "12345"); /* nothing appended */
    CHECK_INT(strbuf_addstr(&sb, "678"), 0);
    CHECK_STR(sb.buf, "12345678");
    CHECK_INT(strbuf_addch(&sb, '9'), -E_TOOBIG);
    CHECK_INT(strbuf_addf(&sb, "%d", 9), -E_TOOBIG);
    CHECK_INT(strbuf_add(&sb, "", 0), 0);
    CHECK_STR(sb.buf, "12345678");
    CHECK_INT(sb.len, 8);
    /* a huge length must not wrap around the cap check */
    CHECK_INT(strbuf_add(&sb, "x", (size_t)-1), -E_TOOBIG);
    strbuf_release(&sb);
    CHECK_INT(sb.cap, 8); /* release keeps the cap */
    strbuf_init(&sb, 0);
    CHECK_INT(strbuf_addstr(&sb, "ab"), 0);
    CHECK_INT(strbuf_add(&sb, "x", (size_t)-1), -E_TOOBIG); /* even without a cap */
    CHECK_STR(sb.buf, "ab");
    strbuf_release(&sb);
    strbuf_init(&sb, 8);
    CHECK_INT(strbuf_addstr(&sb, "123456789"), -E_TOOBIG);
    CHECK_STR(sb.buf, "");
    strbuf_release(&sb);
}

TEST(strbuf_formatted_append)
{
    struct strbuf sb;
    strbuf_init(&sb, 0);
    CHECK_INT(strbuf_addf(&sb, "%s=%d", "a", 1), 0);
    CHECK_INT(strbuf_addf(&sb, ",%s=%05.2f", "b", 2.5), 0);
    CHECK_STR(sb.buf, "a=1,b=02.50");
    CHECK_INT(strbuf_addf(&sb, "%s", ""), 0);
    CHECK_INT(sb.len, 11);
    char big[3000];
    memset(big, 'm', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    CHECK_INT(strbuf_addf(&sb, "[%s]", big), 0);
    CHECK_INT(sb.len, 11 + 2 + sizeof(big) - 1);
    CHECK_INT(sb.buf[sb.len - 1], ']');
    strbuf_release(&sb);
    /* addf that would cross the cap appends nothing */
    strbuf_init(&sb, 10);
    CHECK_INT(strbuf_addf(&sb, "%s", "abc"), 0);
    CHECK_INT(strbuf_addf(&sb, "%08d", 1), -E_TOOBIG);
    CHECK_STR(sb.buf, "abc");
    CHECK_INT(strbuf_addf(&sb, "%07d", 1), 0);
    CHECK_STR(sb.buf, "abc0000001");
    strbuf_release(&sb);
}

TEST(strbuf_detach_hands_over)
{
    struct strbuf sb;
    size_t len = 99;
    strbuf_init(&sb, 100);
    char *empty = strbuf_detach(&sb, &len);
    CHECK_INT(len, 0);
    CHECK_STR(empty, "");
    free(empty); /* caller-freed even when nothing was added */
    strbuf_addstr(&sb, "payload");
    char *p = strbuf_detach(&sb, &len);
    CHECK_STR(p, "payload");
    CHECK_INT(len, 7);
    free(p);
    /* re-initialised with the same cap */
    CHECK_INT(sb.len, 0);
    CHECK_STR(sb.buf, "");
    CHECK_INT(sb.cap, 100);
    p = strbuf_detach(&sb, NULL);
    free(p);
    strbuf_release(&sb);
}

TEST(strbuf_integers)
{
    char buf[STRBUF_INT_MAX + 1];
    CHECK_INT(strbuf_fmt_int(buf, 0), 1);
    CHECK_STR(buf, "0");
    CHECK_INT(strbuf_fmt_int(buf, -42), 3);
    CHECK_STR(buf, "-42");
    CHECK_INT(strbuf_fmt_int(buf, LLONG_MIN), 20);
    CHECK_STR(buf, "-9223372036854775808");
    CHECK_INT(strbuf_fmt_int(buf, LLONG_MAX), 19);
    CHECK_STR(buf, "9223372036854775807");
    struct strbuf sb;
    strbuf_init(&sb, 0);
    CHECK_INT(strbuf_add_int(&sb, 1234567), 0);
    CHECK_INT(strbuf_add_int(&sb, -8), 0);
    CHECK_STR(sb.buf, "1234567-8");
    strbuf_release(&sb);
}

TEST(strbuf_truncate_takes_back)
{
    struct strbuf sb;
    strbuf_init(&sb, 0);
    strbuf_truncate(&sb, 0); /* nothing allocated yet: nothing to do */
    CHECK_STR(sb.buf, "");
    strbuf_addstr(&sb, "abcdef");
    strbuf_truncate(&sb, 10);
    CHECK_STR(sb.buf, "abcdef");
    strbuf_truncate(&sb, 3);
    CHECK_INT(sb.len, 3);
    CHECK_STR(sb.buf, "abc");
    strbuf_addstr(&sb, "xy");
    CHECK_STR(sb.buf, "abcxy");
    strbuf_release(&sb);
}
