/* Tests for core/base/textfold: lower-casing UTF-8 text in every script for the "%" filters. */
#include <string.h>

#include "core/base/strbuf.h"
#include "core/base/textfold.h"
#include "t.h"

static char folded[256];

static const char *fold(const char *s, size_t len)
{
    struct strbuf sb;
    strbuf_init(&sb, 0);
    if (text_fold(s, len, &sb))
        folded[0] = '\0';
    else
        memcpy(folded, sb.buf, sb.len + 1 < sizeof(folded) ? sb.len + 1 : sizeof(folded));
    strbuf_release(&sb);
    return folded;
}

TEST(textfold_ascii)
{
    CHECK(text_is_ascii("Solar Farm 42", 13));
    CHECK(!text_is_ascii("Água", strlen("Água")));
    CHECK_STR(fold("Solar FARM", 10), "solar farm");
    CHECK_STR(fold("", 0), "");
}

TEST(textfold_other_scripts)
{
    CHECK_STR(fold("ÁGUA PURA", strlen("ÁGUA PURA")), "água pura");
    CHECK_STR(fold("João ÉLISE", strlen("João ÉLISE")), "joão élise");
    CHECK_STR(fold("МОСКВА", strlen("МОСКВА")), "москва");
    CHECK_STR(fold("ΣΟΦΊΑ", strlen("ΣΟΦΊΑ")), "σοφία");
    /* already lower case, and characters without case, stay as they are */
    CHECK_STR(fold("ñandú 東京 ✓", strlen("ñandú 東京 ✓")), "ñandú 東京 ✓");
}

TEST(textfold_invalid_bytes_are_kept)
{
    const char bad[] = {'A', (char)0xC3, 'B', (char)0xFF, 'C', (char)0xC3, (char)0x89};
    const char want[] = {'a', (char)0xC3, 'b', (char)0xFF, 'c', (char)0xC3, (char)0xA9, '\0'};
    CHECK_STR(fold(bad, sizeof(bad)), want);
}
