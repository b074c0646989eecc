/* Applies the numbered, forward-only migrations of core and every enabled module. One upgrade
 * step (everything pending across all modules) runs in one write transaction together with its
 * rows in core_migration, so a failure or a crash leaves the database as it was before the
 * step. A migration's SQL therefore must not end or start a transaction (BEGIN, COMMIT) nor
 * VACUUM, and runs with foreign keys on (PRAGMA foreign_keys is a no-op inside a transaction;
 * a table rebuild uses PRAGMA defer_foreign_keys). Not here: what the operator is told (the
 * caller words it from migrate_last_failure). */
#ifndef KAZI_MIGRATE_H
#define KAZI_MIGRATE_H

#include <stdint.h>

#include "core/module.h"

struct db;

/* Why the last migrate_all or migrate_check_file failed. */
struct migrate_failure {
    const char *module; /* the module at fault (borrowed from its table); NULL: none */
    const char *name;   /* the migration that failed (its file name); NULL: the database is
                           newer than this kazi */
    int64_t version;    /* the failed migration's version, or the database's version */
    int64_t known;      /* the newest version of module this kazi knows */
    char error[512];    /* the database's message for a failed migration */
};

/* Applies every pending migration of the given module list in one write transaction. Another
 * process migrating the same database at the same moment is waited for (up to two minutes),
 * and what it applied is not applied again. A database whose recorded version of a module is
 * newer than the module's migrations is refused before anything is written (-E_CONFIG).
 * Returns 0, or a negative -E_* after rolling back everything: migrate_last_failure says
 * which migration failed and why. */
int migrate_all(struct db *db, const struct module *const *mods, int n_mods);

/* The refusal of migrate_all, on the database file at path and before it is opened for
 * writing: reads the recorded versions without writing anything (db_peek_versions). Returns
 * -E_CONFIG when the database is newer than the module list (migrate_last_failure says which
 * module), else 0, also when path cannot be read (migrate_all checks again). */
int migrate_check_file(const char *path, const struct module *const *mods, int n_mods);

/* A db_restore_check_fn: refuses (-E_CONFIG, failure recorded) a module version newer than
 * the migrations of that module in ctx, a struct migrate_modules. */
struct migrate_modules {
    const struct module *const *mods;
    int n;
};
int migrate_version_ok(const char *module, int64_t version, void *ctx);

/* The newest migration version mod has (0 when it has none). */
int64_t migrate_newest(const struct module *mod);

/* The failure recorded by the last call above that failed. Borrowed; valid until the next. */
const struct migrate_failure *migrate_last_failure(void);

/* Number of migrations applied by the last migrate_all call (for the start-up log). */
int migrate_applied_count(void);

#endif
