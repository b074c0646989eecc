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

struct db;
struct module;

/* Opens a fresh database file <name>.db under t_tmpdir() (db_global_open); NULL on failure. */
struct db *t_db_open(const char *name);

enum t_db_flags {
    T_DB_WRITE = 1,  /* run body inside a write transaction */
    T_DB_CRYPTO = 2, /* crypto_init first (password hashing) */
    T_DB_QUIET = 4,  /* log errors only while body runs (else warnings too) */
};
/* Opens a fresh database named name, applies the migrations of the n modules mods (none when
 * n is 0), and runs body on it as flags say; then rolls back what body left open and closes
 * the database. A database that cannot be prepared fails the test instead of running body. */
void t_with_db(const char *name, const struct module *const *mods, int n, unsigned flags,
               void (*body)(struct db *db));

/* The first column of the first row of sql on db, or -1 when it cannot run or has no row. */
int64_t t_db_scalar(struct db *db, const char *sql);

/* A fresh temporary directory for this test run (created once; removed by the runner). */
const char *t_tmpdir(void);

/* Sets the time zone (TZ, then tzset) for the rest of this test; the runner puts the zone the
 * run started with back after the test, however it ends. */
void t_tz_set(const char *tz);

#endif
