/* The database fixture of the unit tests (contract in t.h): a fresh SQLite file per test,
 * migrated with the modules a test names, closed whatever the test did. */
#include <stdio.h>
#include <unistd.h>

#include "core/base/crypto.h"
#include "core/base/log.h"
#include "core/db/db.h"
#include "core/db/migrate.h"
#include "t.h"

struct db *t_db_open(const char *name)
{
    char path[300];
    snprintf(path, sizeof(path), "%s/%s.db", t_tmpdir(), name);
    unlink(path);
    struct db_options o = {.path = path, .busy_timeout_ms = 2000};
    if (db_global_open(&o))
        return NULL;
    return db_conn();
}

void t_with_db(const char *name, const struct module *const *mods, int n, unsigned flags,
               void (*body)(struct db *db))
{
    log_set_level((flags & T_DB_QUIET) ? LOG_ERROR : LOG_WARN);
    struct db *db = t_db_open(name);
    if (!db || ((flags & T_DB_CRYPTO) && crypto_init()) || (n && migrate_all(db, mods, n)) ||
        ((flags & T_DB_WRITE) && db_begin_write(db)))
        t_fail(__FILE__, __LINE__, "database '%s' cannot be prepared", name);
    else
        body(db);
    if (db && db_in_transaction(db))
        db_rollback(db);
    log_set_level(LOG_INFO);
    db_global_close();
}

int64_t t_db_scalar(struct db *db, const char *sql)
{
    struct db_stmt *st;
    int64_t n = -1;
    if (db_prepare_dyn(db, sql, &st))
        return -1;
    if (db_step(st) == DB_ROW)
        n = db_col_int(st, 0);
    db_finalize(st);
    return n;
}
