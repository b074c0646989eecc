/* Tests for core/base/arena: alignment of every block, big blocks in their own chunk, reset and
 * release, printf. Memory errors show up under the sanitizer build. */
#include <stdint.h>
#include <stdio.h>

#include "core/base/arena.h"
#include "t.h"

TEST(arena_alignment)
{
    struct arena a = ARENA_INIT;
    for (size_t n = 0; n < 100; n++) {
        unsigned char *p = arena_alloc(&a, n);
        CHECK(p != NULL);
        CHECK_INT((uintptr_t)p % 16, 0);
        for (size_t i = 0; i < n; i++)
            CHECK_INT(p[i], 0); /* zeroed */
        memset(p, 0xab, n);
    }
    long double *ld = arena_alloc(&a, sizeof(*ld));
    *ld = 1.5L;
    CHECK_INT((uintptr_t)ld % _Alignof(long double), 0);
    arena_release(&a);
}

TEST(arena_small_blocks_do_not_overlap)
{
    struct arena a = ARENA_INIT;
    char *prev = NULL;
    for (int i = 0; i < 2000; i++) {
        char *p = arena_alloc(&a, 24);
        memset(p, i & 0xff, 24);
        if (prev)
            CHECK_INT((unsigned char)prev[23], (unsigned)(i - 1) & 0xff);
        prev = p;
    }
    CHECK(a.used >= 2000 * 24);
    arena_release(&a);
}

TEST(arena_big_blocks)
{
    struct arena a = ARENA_INIT;
    char *small1 = arena_alloc(&a, 10);
    char *big = arena_alloc(&a, 100000);
    CHECK_INT((uintptr_t)big % 16, 0);
    memset(big, 'x', 100000);
    /* the head chunk keeps its free tail: the next small block follows the first one */
    char *small2 = arena_alloc(&a, 10);
    CHECK(small2 == small1 + 16);
    char *big2 = arena_alloc(&a, 3000);
    memset(big2, 'y', 3000);
    CHECK_INT(big[99999], 'x');
    /* an arena whose first block is big */
    struct arena b = ARENA_INIT;
    char *first = arena_alloc(&b, 50000);
    memset(first, 1, 50000);
    char *after = arena_alloc(&b, 8);
    memset(after, 2, 8);
    CHECK_INT(first[49999], 1);
    arena_release(&a);
    arena_release(&b);
}

TEST(arena_reset_and_release)
{
    struct arena a = ARENA_INIT;
    for (int i = 0; i < 100; i++)
        arena_alloc(&a, 1000);
    arena_alloc(&a, 50000);
    CHECK(a.used >= 150000);
    arena_reset(&a);
    CHECK_INT(a.used, 0);
    char *p = arena_alloc(&a, 100);
    memset(p, 'z', 100);
    CHECK_INT(a.used, 112);
    arena_reset(&a);
    arena_reset(&a);
    /* reset of an arena whose only chunk is big, and of an empty one */
    arena_release(&a);
    arena_alloc(&a, 40000);
    arena_reset(&a);
    CHECK(a.head == NULL);
    arena_reset(&a);
    arena_release(&a);
    CHECK(a.head == NULL);
    CHECK_INT(a.used, 0);
    /* usable after release */
    CHECK_STR(arena_strdup(&a, "again"), "again");
    arena_release(&a);
}

TEST(arena_strings_and_printf)
{
    struct arena a = ARENA_INIT;
    CHECK_STR(arena_strdup(&a, ""), "");
    CHECK_STR(arena_strndup(&a, "abcdef", 3), "abc");
    CHECK_STR(arena_printf(&a, "%s-%d-%05.1f", "x", 42, 3.14159), "x-42-003.1");
    char big[5000];
    memset(big, 'q', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    char *p = arena_printf(&a, "<%s>", big);
    CHECK_INT(strlen(p), sizeof(big) + 1);
    CHECK_INT(p[0], '<');
    CHECK_INT(p[sizeof(big)], '>');
    arena_release(&a);
}
