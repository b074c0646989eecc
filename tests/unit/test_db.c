/* Tests for core/db over SQLite: open a temporary file, prepare/bind/step, the statement cache,
 * constraint errors, transactions (commit, rollback, nesting), online backup, metrics. Each
 * test opens its own database and closes it even when a check fails. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/error.h"
#include "core/base/log.h"
#include "core/db/db.h"
#include "t.h"

/* Runs body on a fresh, empty database. */
static void with_db(const char *name, void (*body)(struct db *db))
{
    t_with_db(name, NULL, 0, 0, body);
}

static void body_basics(struct db *db)
{
    struct db_stmt *st;
    CHECK_INT(db_ping(db), 0);
    CHECK_INT(db_exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, v REAL,"
                          " b BLOB, n INTEGER)"),
              0);
    static const char ins[] = "INSERT INTO t (name, v, b, n) VALUES (?, ?, ?, ?)";
    CHECK_INT(db_prepare(db, ins, &st), 0);
    CHECK_INT(db_bind_count(st), 4);
    CHECK_INT(db_bind_text(st, 1, "alpha-and-more", 5), 0);
    CHECK_INT(db_bind_double(st, 2, 2.5), 0);
    CHECK_INT(db_bind_blob(st, 3, "\0\1\2", 3), 0);
    CHECK_INT(db_bind_null(st, 4), 0);
    CHECK_INT(db_step(st), DB_DONE);
    CHECK_INT(db_last_id(db), 1);
    CHECK_INT(db_changes(db), 1);
    CHECK_INT(db_prepare(db, ins, &st), 0);
    CHECK_INT(db_bind_text(st, 1, "beta", -1), 0);
    CHECK_INT(db_bind_int(st, 4, 1LL << 40), 0);
    CHECK_INT(db_step(st), DB_DONE);
    CHECK_INT(db_last_id(db), 2);
    /* reading back, column metadata */
    static const char sel[] = "SELECT id, name, v, b, n FROM t ORDER BY id";
    CHECK_INT(db_prepare(db, sel, &st), 0);
    CHECK_INT(db_step(st), DB_ROW);
    CHECK_INT(db_col_count(st), 5);
    CHECK_STR(db_col_name(st, 1), "name");
    CHECK_INT(db_col_type(st, 0), DB_INT);
    CHECK_INT(db_col_type(st, 1), DB_TEXT);
    CHECK_INT(db_col_type(st, 2), DB_FLOAT);
    CHECK_INT(db_col_type(st, 3), DB_BLOB);
    CHECK_INT(db_col_type(st, 4), DB_NULL);
    CHECK_STR(db_col_text(st, 1), "alpha");
    CHECK(db_col_double(st, 2) == 2.5);
    size_t len = 0;
    const unsigned char *b = db_col_blob(st, 3, &len);
    CHECK_INT(len, 3);
    CHECK_INT(b[2], 2);
    CHECK(db_col_text(st, 4) == NULL);
    CHECK_INT(db_step(st), DB_ROW);
    CHECK_INT(db_col_int(st, 4), 1LL << 40);
    CHECK_INT(db_col_type(st, 2), DB_NULL);
    CHECK_INT(db_step(st), DB_DONE);
    db_reset(st);
    /* a NULL text binds NULL */
    CHECK_INT(db_prepare(db, ins, &st), 0);
    CHECK_INT(db_bind_text(st, 1, NULL, -1), 0);
    CHECK_INT(db_step(st), DB_DONE);
    CHECK_INT(t_db_scalar(db, "SELECT COUNT(*) FROM t WHERE name IS NULL"), 1);
    CHECK_STR(db_errmsg(db), "not an error");
}

TEST(db_prepare_bind_step)
{
    with_db("basics", body_basics);
}

static void body_cache(struct db *db)
{
    struct db_stmt *a, *b, *c;
    static const char q1[] = "SELECT ?";
    static const char q2[] = "SELECT ?";
    CHECK_INT(db_prepare(db, q1, &a), 0);
    CHECK_INT(db_bind_int(a, 1, 7), 0);
    CHECK_INT(db_prepare(db, q1, &b), 0);
    CHECK(a == b);
    /* a cached statement comes back reset with bindings cleared */
    CHECK_INT(db_step(b), DB_ROW);
    CHECK_INT(db_col_type(b, 0), DB_NULL);
    /* the cache is keyed by the text's address: equal text elsewhere is another entry */
    CHECK_INT(db_prepare(db, q2, &c), 0);
    CHECK(c != a);
    db_finalize(a); /* a cached statement stays in the cache */
    CHECK_INT(db_prepare(db, q1, &b), 0);
    CHECK(a == b);
    /* dynamic statements are separate and finalized by the caller */
    CHECK_INT(db_prepare_dyn(db, q1, &c), 0);
    CHECK(c != a);
    CHECK_INT(db_bind_text(c, 1, "x", -1), 0);
    CHECK_INT(db_step(c), DB_ROW);
    CHECK_STR(db_col_text(c, 0), "x");
    db_finalize(c);
    db_finalize(NULL);
    /* a syntax error is -E_DB and nothing is cached */
    log_set_level(LOG_OFF);
    int rc = db_prepare(db, "SELEC nonsense", &c);
    log_set_level(LOG_INFO);
    CHECK_INT(rc, -E_DB);
}

TEST(db_statement_cache)
{
    with_db("cache", body_cache);
}

static void body_constraint(struct db *db)
{
    struct db_stmt *st;
    static const char ins[] = "INSERT INTO u (email) VALUES (?)";
    CHECK_INT(db_exec(db, "CREATE TABLE u (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE,"
                          " p INTEGER REFERENCES u(id))"),
              0);
    CHECK_INT(db_prepare(db, ins, &st), 0);
    db_bind_text(st, 1, "a@b.co", -1);
    CHECK_INT(db_step(st), DB_DONE);
    CHECK_INT(db_prepare(db, ins, &st), 0);
    db_bind_text(st, 1, "a@b.co", -1);
    CHECK_INT(db_step(st), -E_EXISTS);
    CHECK_INT(db_prepare(db, ins, &st), 0);
    db_bind_null(st, 1);
    CHECK_INT(db_step(st), -E_EXISTS); /* NOT NULL is a constraint too */
    /* foreign keys are on */
    static const char fk[] = "INSERT INTO u (email, p) VALUES ('x@y.z', 999)";
    CHECK_INT(db_prepare(db, fk, &st), 0);
    CHECK_INT(db_step(st), -E_EXISTS);
    db_reset(st);
    /* the statement is usable again after the error */
    CHECK_INT(db_prepare(db, ins, &st), 0);
    db_bind_text(st, 1, "c@d.co", -1);
    CHECK_INT(db_step(st), DB_DONE);
    CHECK_INT(t_db_scalar(db, "SELECT COUNT(*) FROM u"), 2);
    log_set_level(LOG_OFF);
    int rc = db_exec(db, "INSERT INTO nosuch VALUES (1)");
    log_set_level(LOG_INFO);
    CHECK_INT(rc, -E_DB);
}

TEST(db_constraint_is_exists)
{
    with_db("constraint", body_constraint);
}

static void body_txn(struct db *db)
{
    CHECK_INT(db_exec(db, "CREATE TABLE k (v INTEGER)"), 0);
    CHECK(!db_in_transaction(db));
    CHECK_INT(db_begin_write(db), 0);
    CHECK(db_in_transaction(db));
    CHECK_INT(db_exec(db, "INSERT INTO k VALUES (1)"), 0);
    CHECK_INT(db_commit(db), 0);
    CHECK(!db_in_transaction(db));
    CHECK_INT(t_db_scalar(db, "SELECT COUNT(*) FROM k"), 1);
    /* rollback really discards */
    CHECK_INT(db_begin_write(db), 0);
    CHECK_INT(db_exec(db, "INSERT INTO k VALUES (2); INSERT INTO k VALUES (3)"), 0);
    CHECK_INT(t_db_scalar(db, "SELECT COUNT(*) FROM k"), 3);
    CHECK_INT(db_rollback(db), 0);
    CHECK_INT(t_db_scalar(db, "SELECT COUNT(*) FROM k"), 1);
    /* nesting is refused, and the outer transaction is intact */
    CHECK_INT(db_begin_write(db), 0);
    CHECK_INT(db_begin_write(db), -E_BUSY);
    CHECK_INT(db_begin_read(db), -E_BUSY);
    CHECK(db_in_transaction(db));
    CHECK_INT(db_exec(db, "INSERT INTO k VALUES (4)"), 0);
    CHECK_INT(db_commit(db), 0);
    CHECK_INT(t_db_scalar(db, "SELECT COUNT(*) FROM k"), 2);
    /* read transactions */
    CHECK_INT(db_begin_read(db), 0);
    CHECK_INT(db_begin_write(db), -E_BUSY);
    CHECK_INT(db_commit(db), 0);
    /* ending a transaction that is not there */
    CHECK_INT(db_commit(db), -E_INVAL);
    CHECK_INT(db_rollback(db), -E_INVAL);
    /* the writer lock was released every time: a write still starts */
    CHECK_INT(db_begin_write(db), 0);
    CHECK_INT(db_rollback(db), 0);
}

TEST(db_transactions)
{
    with_db("txn", body_txn);
}

/* A second thread gets its own connection and sees committed data only. */
static _Atomic bool other_read; /* the second thread has read the count */

static void *other_thread(void *arg)
{
    int64_t *out = arg;
    struct db *db = db_conn();
    out[0] = db ? t_db_scalar(db, "SELECT COUNT(*) FROM k") : -2;
    other_read = true;
    out[1] = db ? db_begin_write(db) : -2; /* waits for the main thread's writer lock */
    if (db && !out[1]) {
        out[2] = db_exec(db, "INSERT INTO k VALUES (9)");
        db_commit(db);
    }
    return NULL;
}

static void body_threads(struct db *db)
{
    int64_t seen[3] = {-1, -1, -1};
    pthread_t th;
    CHECK_INT(db_exec(db, "CREATE TABLE k (v INTEGER); INSERT INTO k VALUES (1)"), 0);
    CHECK_INT(db_begin_write(db), 0);
    CHECK_INT(db_exec(db, "INSERT INTO k VALUES (2)"), 0);
    other_read = false;
    CHECK_INT(pthread_create(&th, NULL, other_thread, seen), 0);
    for (int i = 0; i < 3000 && !other_read; i++) /* it reads before the commit, however slow */
        usleep(10 * 1000);
    usleep(50 * 1000); /* and most likely waits for the writer lock by now */
    CHECK_INT(db_commit(db), 0);
    pthread_join(th, NULL);
    CHECK_INT(seen[0], 1);
    CHECK_INT(seen[1], 0);
    CHECK_INT(seen[2], 0);
    CHECK_INT(t_db_scalar(db, "SELECT COUNT(*) FROM k"), 3);
}

TEST(db_threads_and_writer_lock)
{
    with_db("threads", body_threads);
}

static void body_backup(struct db *db)
{
    char path[300];
    snprintf(path, sizeof(path), "%s/backup-copy.db", t_tmpdir());
    unlink(path);
    CHECK_INT(db_exec(db, "CREATE TABLE b (v TEXT); INSERT INTO b VALUES ('kept')"), 0);
    CHECK_INT(db_backup(db, path), 0);
    CHECK_INT(db_exec(db, "INSERT INTO b VALUES ('after')"), 0);
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    CHECK_INT(sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    int rc = sqlite3_prepare_v2(h, "SELECT group_concat(v) FROM b", -1, &st, NULL);
    char got[64] = "";
    if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        snprintf(got, sizeof(got), "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    char ok[32] = "";
    if (sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        snprintf(ok, sizeof(ok), "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(h);
    CHECK_STR(got, "kept");
    CHECK_STR(ok, "ok");
    /* the copy is for the owner only, whatever the umask; an existing file is never replaced */
    struct stat sb;
    CHECK_INT(stat(path, &sb), 0);
    CHECK_INT(sb.st_mode & 0777, 0600);
    log_set_level(LOG_OFF);
    rc = db_backup(db, path);
    log_set_level(LOG_INFO);
    CHECK_INT(rc, -E_EXISTS);
    CHECK_INT(stat(path, &sb), 0);
    /* an unwritable destination is an error */
    log_set_level(LOG_OFF);
    rc = db_backup(db, "/nonexistent-dir/x.db");
    log_set_level(LOG_INFO);
    CHECK(rc < 0);
}

TEST(db_backup_copy)
{
    with_db("backup", body_backup);
}

/* A database that may not grow (max_page_count) fails like a full disk: SQLITE_FULL. */
static void body_nospc(struct db *db)
{
    unsigned before = db_nospc_count(db);
    CHECK_INT(db_exec(db, "CREATE TABLE f (v BLOB)"), 0);
    CHECK_INT(t_db_scalar(db, "SELECT COUNT(*) FROM f"), 0);
    int64_t pages = t_db_scalar(db, "PRAGMA page_count");
    char pragma[64];
    snprintf(pragma, sizeof(pragma), "PRAGMA max_page_count=%lld", (long long)pages + 4);
    CHECK_INT(db_exec(db, pragma), 0);
    log_set_level(LOG_OFF);
    CHECK_INT(db_begin_write(db), 0);
    CHECK_INT(db_exec(db, "INSERT INTO f VALUES (x'01')"), 0);
    CHECK_INT(db_exec(db, "INSERT INTO f VALUES (zeroblob(1000000))"), -E_NOSPC);
    /* the transaction is doomed: a statement that would fit is not run on its own either */
    CHECK_INT(db_exec(db, "INSERT INTO f VALUES (x'02')"), -E_NOSPC);
    struct db_stmt *st;
    CHECK_INT(db_prepare(db, "INSERT INTO f VALUES (x'03')", &st), 0);
    CHECK_INT(db_step(st), -E_NOSPC);
    db_reset(st);
    CHECK_INT(db_commit(db), -E_NOSPC);
    log_set_level(LOG_INFO);
    CHECK(!db_in_transaction(db));
    CHECK_INT(t_db_scalar(db, "SELECT COUNT(*) FROM f"), 0);
    CHECK(db_nospc_count(db) > before);
    /* the next transaction starts afresh */
    CHECK_INT(db_begin_write(db), 0);
    CHECK_INT(db_exec(db, "INSERT INTO f VALUES (x'04')"), 0);
    CHECK_INT(db_commit(db), 0);
    CHECK_INT(t_db_scalar(db, "SELECT COUNT(*) FROM f"), 1);
}

TEST(db_full_dooms_the_transaction)
{
    with_db("nospc", body_nospc);
}

static void body_metrics(struct db *db)
{
    uint64_t t0 = db_time_ns(), q0 = db_query_count();
    struct db_stmt *st;
    static const char q[] = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c"
                            " WHERE x < 20000) SELECT SUM(x) FROM c";
    CHECK_INT(db_prepare(db, q, &st), 0);
    CHECK_INT(db_step(st), DB_ROW);
    CHECK_INT(db_col_int(st, 0), 200010000);
    db_reset(st);
    CHECK(db_time_ns() > t0);
    CHECK(db_query_count() > q0);
}

TEST(db_time_grows)
{
    with_db("metrics", body_metrics);
}

static uint64_t waits_seen;
static void count_wait(uint64_t ns)
{
    (void)ns;
    waits_seen++;
}

static void body_stats(struct db *db)
{
    struct db_stats a, b;
    struct db_stmt *st;
    static const char q[] = "SELECT 1";
    db_set_wait_hook(count_wait);
    db_stats(&a);
    CHECK_INT(db_prepare(db, q, &st), 0);
    CHECK_INT(db_step(st), DB_ROW);
    db_reset(st);
    CHECK_INT(db_begin_write(db), 0);
    CHECK_INT(db_exec(db, "CREATE TABLE IF NOT EXISTS stats_t (x INTEGER)"), 0);
    CHECK_INT(db_prepare(db, q, &st), 0);
    CHECK_INT(db_step(st), DB_ROW);
    db_reset(st);
    CHECK_INT(db_commit(db), 0);
    CHECK_INT(db_begin_write(db), 0);
    CHECK_INT(db_rollback(db), 0);
    db_stats(&b);
    db_set_wait_hook(NULL);
    CHECK(b.steps[0] >= a.steps[0] + 1); /* the read outside a write transaction */
    CHECK(b.steps[1] >= a.steps[1] + 1); /* the SELECT inside the write transaction */
    CHECK(b.step_ns[1] > a.step_ns[1]);
    CHECK_INT(b.commits - a.commits, 1);
    CHECK_INT(b.rollbacks - a.rollbacks, 1);
    CHECK_INT(waits_seen, 2);
    CHECK_INT(b.writers_waiting, 0);
    CHECK(b.file_bytes > 0);
    CHECK(b.wal_bytes >= 0);
}

TEST(db_stats_split_reads_and_writes)
{
    with_db("stats", body_stats);
}

TEST(db_reopen_after_close)
{
    struct db *db = t_db_open("reopen");
    CHECK(db != NULL);
    CHECK_INT(db_exec(db, "CREATE TABLE r (v INTEGER); INSERT INTO r VALUES (5)"), 0);
    db_global_close();
    CHECK(db_conn() == NULL); /* closed: no connection */
    char path[300];
    snprintf(path, sizeof(path), "%s/reopen.db", t_tmpdir());
    struct db_options o = {.path = path};
    CHECK_INT(db_global_open(&o), 0);
    db = db_conn();
    CHECK(db != NULL);
    CHECK_INT(t_db_scalar(db, "SELECT v FROM r"), 5);
    db_global_close();
}
