/* Applies the numbered, forward-only migrations of core and every enabled module. Each
 * migration runs in its own write transaction together with its row in core_migration, so a
 * crash leaves it either applied and recorded or not at all. */
#ifndef KAZI_MIGRATE_H
#define KAZI_MIGRATE_H

#include "core/module.h"

struct db;

/* Applies every pending migration of the given module list. Returns 0, or a negative -E_*
 * after logging which migration failed; earlier migrations stay applied. */
int migrate_all(struct db *db, const struct module *const *mods, int n_mods);

/* Number of migrations applied by the last migrate_all call (for the start-up log). */
int migrate_applied_count(void);

#endif
