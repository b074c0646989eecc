/* A minimal unit-test harness: TEST(name) registers a function at load time; CHECK* macros
 * record a failure and return from the test. tests/unit/main.c runs them and prints
 * "N passed, N failed". */
#ifndef KAZI_T_H
#define KAZI_T_H

#include <stdint.h>
#include <string.h>

typedef void (*t_fn)(void);
void t_register(const char *file, const char *name, t_fn fn);
void t_fail(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define TEST(name)                                                                                 \
    static void name(void);                                                                        \
    __attribute__((constructor)) static void t_reg_##name(void)                                    \
    {                                                                                              \
        t_register(__FILE__, #name, name);                                                         \
    }                                                                                              \
    static void name(void)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            t_fail(__FILE__, __LINE__, "%s", #cond);                                               \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define CHECK_INT(a, b)                                                                            \
    do {                                                                                           \
        long long t_a_ = (long long)(a), t_b_ = (long long)(b);                                    \
        if (t_a_ != t_b_) {                                                                        \
            t_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, t_a_, t_b_);              \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *t_a_ = (a), *t_b_ = (b);                                                       \
        if (!t_a_ || !t_b_ || strcmp(t_a_, t_b_)) {                                                \
            t_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, #b,                       \
                   t_a_ ? t_a_ : "(null)", t_b_ ? t_b_ : "(null)");                                \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* A fresh temporary directory for this test run (created once; removed by the runner). */
const char *t_tmpdir(void);

/* Sets the time zone (TZ, then tzset) for the rest of this test; the runner puts the zone the
 * run started with back after the test, however it ends. */
void t_tz_set(const char *tz);

#endif
