/* Tests for core/db/migrate: order, records, idempotence, a failing migration leaving nothing
 * behind, and refusal of a database newer than the module list. Modules are built inline. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/base/error.h"
#include "core/base/log.h"
#include "core/db/db.h"
#include "core/db/migrate.h"
#include "t.h"

/* Runs body on a fresh, empty database. */
static void with_db(const char *name, void (*body)(struct db *db))
{
    t_with_db(name, NULL, 0, 0, body);
}

static const struct migration alpha_v1[] = {
    {1, "001_a.sql", "CREATE TABLE alpha_a (id INTEGER PRIMARY KEY, v TEXT);"},
    {2, "002_b.sql",
     "ALTER TABLE alpha_a ADD COLUMN w INTEGER NOT NULL DEFAULT 7;"
     " CREATE TABLE alpha_b (x INTEGER);"},
    {3, "003_c.sql", "INSERT INTO alpha_b (x) SELECT w FROM alpha_a UNION ALL SELECT 3;"},
    {0, NULL, NULL},
};
static const struct migration beta_v1[] = {
    {1, "001_beta.sql", "CREATE TABLE beta_t (x INTEGER);"},
    {0, NULL, NULL},
};

static void body_order(struct db *db)
{
    const struct module alpha = {.name = "alpha", .migrations = alpha_v1};
    const struct module beta = {.name = "beta", .migrations = beta_v1};
    const struct module none = {.name = "none"};
    const struct module *mods[] = {&alpha, &beta, &none};
    log_set_level(LOG_WARN);
    CHECK_INT(migrate_all(db, mods, 3), 0);
    CHECK_INT(migrate_applied_count(), 4);
    /* 3 ran after 2: the column added by 2 was there */
    CHECK_INT(t_db_scalar(db, "SELECT COUNT(*) FROM alpha_b"), 1);
    CHECK_INT(t_db_scalar(db, "SELECT COUNT(*) FROM core_migration"), 4);
    CHECK_INT(t_db_scalar(db, "SELECT MAX(version) FROM core_migration WHERE module = 'alpha'"), 3);
    CHECK_INT(t_db_scalar(db, "SELECT COUNT(*) FROM core_migration WHERE module = 'beta' AND"
                              " version = 1 AND name = '001_beta.sql' AND applied_at > 1600000000"),
              1);
    CHECK(!db_in_transaction(db));
    /* a second run does nothing */
    CHECK_INT(migrate_all(db, mods, 3), 0);
    CHECK_INT(migrate_applied_count(), 0);
    CHECK_INT(t_db_scalar(db, "SELECT COUNT(*) FROM core_migration"), 4);
    CHECK_INT(t_db_scalar(db, "SELECT COUNT(*) FROM alpha_b"), 1);
}

TEST(migrate_applies_in_order_once)
{
    with_db("mig_order", body_order);
}

static void body_incremental(struct db *db)
{
    static const struct migration first_two[] = {alpha_v1[0], alpha_v1[1], {0, NULL, NULL}};
    const struct module old = {.name = "alpha", .migrations = first_two};
    const struct module new = {.name = "alpha", .migrations = alpha_v1};
    const struct module *mods[] = {&old};
    log_set_level(LOG_WARN);
    CHECK_INT(migrate_all(db, mods, 1), 0);
    CHECK_INT(migrate_applied_count(), 2);
    mods[0] = &new;
    CHECK_INT(migrate_all(db, mods, 1), 0);
    CHECK_INT(migrate_applied_count(), 1);
    CHECK_INT(t_db_scalar(db, "SELECT COUNT(*) FROM core_migration WHERE module = 'alpha'"), 3);
}

TEST(migrate_applies_only_new_ones)
{
    with_db("mig_incr", body_incremental);
}

static void body_failure(struct db *db)
{
    static const struct migration bad[] = {
        {1, "001_ok.sql", "CREATE TABLE gamma_ok (x INTEGER);"},
        {2, "002_bad.sql",
         "CREATE TABLE gamma_half (x INTEGER); INSERT INTO gamma_ok VALUES (1);"
         " INSERT INTO gamma_nosuch VALUES (1);"},
        {3, "003_never.sql", "CREATE TABLE gamma_never (x INTEGER);"},
        {0, NULL, NULL},
    };
    const struct module alpha = {.name = "alpha", .migrations = alpha_v1};
    const struct module gamma = {.name = "gamma", .migrations = bad};
    const struct module *mods[] = {&alpha, &gamma};
    log_set_level(LOG_OFF);
    CHECK(migrate_all(db, mods, 2) < 0);
    CHECK(!db_in_transaction(db));
    CHECK_INT(migrate_applied_count(), 0);
    /* the whole step was rolled back: the good migrations of alpha and gamma too */
    CHECK_INT(t_db_scalar(db, "SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'alpha%'"
                              " OR name LIKE 'gamma%'"),
              0);
    /* core_migration itself was created in the same transaction */
    CHECK_INT(t_db_scalar(db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'core_migration'"),
              0);
    const struct migrate_failure *f = migrate_last_failure();
    CHECK_STR(f->module, "gamma");
    CHECK_STR(f->name, "002_bad.sql");
    CHECK_INT(f->version, 2);
    CHECK(strstr(f->error, "gamma_nosuch") != NULL);
    /* the writer lock was released: a write transaction starts */
    CHECK_INT(db_begin_write(db), 0);
    CHECK_INT(db_rollback(db), 0);
    /* running again fails the same way and still records nothing */
    CHECK(migrate_all(db, mods, 2) < 0);
    CHECK_INT(t_db_scalar(db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'gamma_ok'"), 0);
    /* a database already at some version keeps exactly its rows and tables */
    mods[1] = &alpha;
    CHECK_INT(migrate_all(db, mods, 1), 0);
    mods[1] = &gamma;
    CHECK(migrate_all(db, mods, 2) < 0);
    CHECK_INT(t_db_scalar(db, "SELECT COUNT(*) FROM core_migration"), 3);
    CHECK_INT(t_db_scalar(db, "SELECT COUNT(*) FROM alpha_b"), 1);
    CHECK_INT(t_db_scalar(db, "SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'gamma%'"), 0);
}

TEST(migrate_failure_rolls_back)
{
    with_db("mig_fail", body_failure);
}

static void body_newer(struct db *db)
{
    static const struct migration only_one[] = {alpha_v1[0], {0, NULL, NULL}};
    const struct module full = {.name = "alpha", .migrations = alpha_v1};
    const struct module older = {.name = "alpha", .migrations = only_one};
    const struct module *mods[] = {&full};
    log_set_level(LOG_OFF);
    CHECK_INT(migrate_all(db, mods, 1), 0);
    mods[0] = &older;
    CHECK_INT(migrate_all(db, mods, 1), -E_CONFIG);
    CHECK_STR(migrate_last_failure()->module, "alpha");
    CHECK_INT(migrate_last_failure()->version, 3);
    CHECK_INT(migrate_last_failure()->known, 1);
    /* a module without migrations at all also refuses a database that has some */
    const struct module bare = {.name = "alpha"};
    mods[0] = &bare;
    CHECK_INT(migrate_all(db, mods, 1), -E_CONFIG);
    CHECK_INT(t_db_scalar(db, "SELECT COUNT(*) FROM core_migration"), 3);
    /* the refusal comes before any write: a module listed earlier with pending migrations
     * gets none of them */
    const struct module beta = {.name = "beta", .migrations = beta_v1};
    const struct module *two[] = {&beta, &older};
    CHECK_INT(migrate_all(db, two, 2), -E_CONFIG);
    CHECK_INT(t_db_scalar(db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'beta_t'"), 0);
}

TEST(migrate_refuses_newer_database)
{
    with_db("mig_newer", body_newer);
}

/* A virtual table (FTS5, for full-text search) created by an upgrade that fails later goes
 * with the rest of it: SQLite creates virtual tables inside the transaction too. */
static void body_fts_rollback(struct db *db)
{
    static const struct migration fts[] = {
        {1, "001_fts.sql",
         "CREATE VIRTUAL TABLE delta_search USING fts5(title);"
         " INSERT INTO delta_search (title) VALUES ('first');"},
        {2, "002_bad.sql", "INSERT INTO delta_nosuch VALUES (1);"},
        {0, NULL, NULL},
    };
    const struct module delta = {.name = "delta", .migrations = fts};
    const struct module *mods[] = {&delta};
    log_set_level(LOG_OFF);
    CHECK(migrate_all(db, mods, 1) < 0);
    CHECK_INT(t_db_scalar(db, "SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'delta%'"), 0);
    CHECK_STR(migrate_last_failure()->name, "002_bad.sql");
}

TEST(migrate_failure_rolls_back_virtual_tables)
{
    with_db("mig_fts", body_fts_rollback);
}
