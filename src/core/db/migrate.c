/* Forward-only migrations recorded in core_migration(module, version). A database that has a
 * higher version than the binary knows is refused: an older kazi must not run on newer data. */
#include "core/db/migrate.h"

#include <stdio.h>

#include "core/base/error.h"
#include "core/base/log.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"

static int applied;

static const char SQL_CREATE[] =
    "CREATE TABLE IF NOT EXISTS core_migration ("
    " module TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL,"
    " applied_at INTEGER NOT NULL, PRIMARY KEY (module, version))";
static const char SQL_MAX[] =
    "SELECT COALESCE(MAX(version), 0) FROM core_migration WHERE module = ?";
static const char SQL_RECORD[] =
    "INSERT INTO core_migration (module, version, name, applied_at) VALUES (?, ?, ?, ?)";

static int current_version(struct db *db, const char *module, int64_t *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_MAX, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, module, -1);
    rc = db_step(st);
    if (rc == DB_ROW) {
        *out = db_col_int(st, 0);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = -E_DB;
    }
    db_reset(st);
    return rc;
}

/* Applies m unless another process (kazi migrate next to kazi serve) recorded it between our
 * first look and the write lock; the version is read again inside the transaction. */
static int apply_one(struct db *db, const char *module, const struct migration *m)
{
    struct db_stmt *st;
    int64_t have = 0;
    int rc = db_begin_write(db);
    if (rc)
        return rc;
    if ((rc = current_version(db, module, &have)))
        goto fail;
    if (have >= m->version)
        return db_commit(db);
    rc = db_exec(db, m->sql);
    if (rc) {
        error("migration '%s/%s' failed: %s", module, m->name, db_errmsg(db));
        goto fail;
    }
    rc = db_prepare(db, SQL_RECORD, &st);
    if (rc)
        goto fail;
    db_bind_text(st, 1, module, -1);
    db_bind_int(st, 2, m->version);
    db_bind_text(st, 3, m->name, -1);
    db_bind_int(st, 4, (int64_t)time_now_real());
    rc = db_step(st);
    db_reset(st);
    if (rc != DB_DONE) {
        rc = rc < 0 ? rc : -E_DB;
        goto fail;
    }
    rc = db_commit(db);
    if (!rc) {
        applied++;
        log_info("migration '%s/%s' applied", module, m->name);
    }
    return rc;
fail:
    db_rollback(db);
    return rc;
}

static int migrate_module(struct db *db, const struct module *mod)
{
    int64_t have = 0;
    int rc = current_version(db, mod->name, &have);
    if (rc)
        return rc;
    int newest = 0;
    for (const struct migration *m = mod->migrations; m && m->version; m++) {
        newest = m->version;
        if (m->version <= have)
            continue;
        rc = apply_one(db, mod->name, m);
        if (rc)
            return rc;
    }
    if (have > newest) {
        error("database schema of module '%s' is at version %lld, newer than this kazi knows (%d)",
              mod->name, (long long)have, newest);
        return -E_CONFIG;
    }
    return 0;
}

int migrate_all(struct db *db, const struct module *const *mods, int n_mods)
{
    applied = 0;
    int rc = db_exec(db, SQL_CREATE);
    if (rc)
        return rc;
    for (int i = 0; i < n_mods; i++) {
        rc = migrate_module(db, mods[i]);
        if (rc)
            return rc;
    }
    return 0;
}

int migrate_applied_count(void)
{
    return applied;
}
