/* Forward-only migrations recorded in core_migration(module, version), applied all at once in
 * one write transaction. A database that has a higher version than the binary knows is
 * refused: an older kazi must not run on newer data. */
#include "core/db/migrate.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/base/error.h"
#include "core/base/log.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"

/* how long migrate_all waits for another process's upgrade step (each try waits the
 * connection's busy timeout) */
#define MIGRATE_WAIT_S 120.0

static int applied;
static struct migrate_failure failure;

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

int64_t migrate_newest(const struct module *mod)
{
    int64_t newest = 0;
    for (const struct migration *m = mod->migrations; m && m->version; m++)
        newest = m->version;
    return newest;
}

/* Records a database newer than mod for the caller's message. */
static int refuse_newer(const struct module *mod, int64_t have)
{
    memset(&failure, 0, sizeof(failure));
    failure.module = mod->name;
    failure.version = have;
    failure.known = migrate_newest(mod);
    return -E_CONFIG;
}

int migrate_version_ok(const char *module, int64_t version, void *ctx)
{
    const struct migrate_modules *mm = ctx;
    for (int i = 0; i < mm->n; i++)
        if (!strcmp(mm->mods[i]->name, module) && version > migrate_newest(mm->mods[i]))
            return refuse_newer(mm->mods[i], version);
    return 0;
}

/* Runs m and records it, inside the caller's transaction. */
static int apply_one(struct db *db, const struct module *mod, const struct migration *m)
{
    struct db_stmt *st;
    int rc = db_exec(db, m->sql);
    if (rc) {
        failure.module = mod->name;
        failure.name = m->name;
        failure.version = m->version;
        failure.known = migrate_newest(mod);
        snprintf(failure.error, sizeof(failure.error), "%s", db_errmsg(db));
        return rc;
    }
    rc = db_prepare(db, SQL_RECORD, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, mod->name, -1);
    db_bind_int(st, 2, m->version);
    db_bind_text(st, 3, m->name, -1);
    db_bind_int(st, 4, (int64_t)time_now_real());
    rc = db_step(st);
    db_reset(st);
    return rc == DB_DONE ? 0 : rc < 0 ? rc : -E_DB;
}

/* The write lock, waiting for another process's upgrade step: `kazi migrate` next to
 * `kazi serve`, or two of either, started at the same moment. */
static int begin_waiting(struct db *db)
{
    double give_up = time_now_mono() + MIGRATE_WAIT_S;
    int rc;
    bool said = false;
    while ((rc = db_begin_write(db)) == -E_BUSY && time_now_mono() < give_up) {
        if (!said)
            log_info("another process holds the database; waiting for it");
        said = true;
    }
    return rc;
}

/* The versions recorded now, checked against the module list before anything is written. */
static int check_versions(struct db *db, const struct module *const *mods, int n_mods,
                          int64_t *have)
{
    for (int i = 0; i < n_mods; i++) {
        int rc = current_version(db, mods[i]->name, &have[i]);
        if (rc)
            return rc;
        if (have[i] > migrate_newest(mods[i]))
            return refuse_newer(mods[i], have[i]);
    }
    return 0;
}

int migrate_all(struct db *db, const struct module *const *mods, int n_mods)
{
    int64_t have[64];
    int pending = 0, rc;
    applied = 0;
    memset(&failure, 0, sizeof(failure));
    if (n_mods > (int)ARRAY_SIZE(have))
        return -E_INTERNAL;
    if ((rc = begin_waiting(db))) {
        snprintf(failure.error, sizeof(failure.error), "%s", db_errmsg(db));
        return rc;
    }
    if ((rc = db_exec(db, SQL_CREATE)) || (rc = check_versions(db, mods, n_mods, have)))
        goto fail;
    for (int i = 0; i < n_mods; i++) {
        for (const struct migration *m = mods[i]->migrations; m && m->version; m++) {
            if (m->version <= have[i])
                continue;
            if ((rc = apply_one(db, mods[i], m)))
                goto fail;
            pending++;
        }
    }
    if ((rc = db_commit(db))) {
        snprintf(failure.error, sizeof(failure.error), "%s", db_errmsg(db));
        return rc;
    }
    applied = pending;
    for (int i = 0; i < n_mods; i++)
        for (const struct migration *m = mods[i]->migrations; m && m->version; m++)
            if (m->version > have[i])
                log_info("migration '%s/%s' applied", mods[i]->name, m->name);
    return 0;
fail:
    if (!failure.error[0] && rc != -E_CONFIG)
        snprintf(failure.error, sizeof(failure.error), "%s", db_errmsg(db));
    db_rollback(db);
    return rc;
}

int migrate_check_file(const char *path, const struct module *const *mods, int n_mods)
{
    struct migrate_modules mm = {mods, n_mods};
    char err[256];
    memset(&failure, 0, sizeof(failure));
    int rc = db_peek_versions(path, migrate_version_ok, &mm, err, sizeof(err));
    return rc == -E_CONFIG ? rc : 0;
}

const struct migrate_failure *migrate_last_failure(void)
{
    return &failure;
}

int migrate_applied_count(void)
{
    return applied;
}
