/* Storage API: a small surface (prepare, bind, step, transaction, last id) with the backend
 * behind a vtable (db_backend.h), designed so that a second backend could serve every caller
 * unchanged; SQLite is the only one. SQL text uses "?" placeholders, which SQLite takes as
 * they are (a backend numbering its parameters would have to rewrite them); where dialects
 * differ, SQL builders ask db_dialect. Each thread gets its own connection
 * (db_conn) with a prepared-statement cache; writes go through one process-wide writer lock
 * so concurrent writers queue in order instead of spinning in the busy handler.
 * Not here: query building (modules keep their SQL in <m>_sql.c) and migrations (migrate.h). */
#ifndef KAZI_DB_H
#define KAZI_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct db;      /* one connection, owned by the thread that got it from db_conn() */
struct db_stmt; /* a prepared statement, owned by its connection's cache */

enum db_type { DB_NULL, DB_INT, DB_FLOAT, DB_TEXT, DB_BLOB };

enum db_step_result { DB_ROW = 1, DB_DONE = 0 }; /* negative values are -E_* errors */

/* The SQL a backend speaks where dialects differ. Query builders (rest/filter.c) take it from
 * db_dialect, so no caller names a backend. */
enum sql_dialect { SQL_SQLITE, SQL_POSTGRES };

struct db_options {
    const char *path;      /* SQLite file */
    int busy_timeout_ms;   /* for other processes holding locks (kazi backup, migrate) */
    bool synchronous_full; /* fsync on every commit (default) vs. on checkpoints only */
    int64_t mmap_size;     /* bytes read through a memory map (PRAGMA mmap_size); 0: off */
};

/* Opens the database system-wide (creates the file, sets WAL). Call once at start-up. */
int db_global_open(const struct db_options *opt);
/* Closes every connection opened through db_conn() and checkpoints. Call once, after every
 * thread that used the database has stopped. */
void db_global_close(void);

/* The calling thread's connection, opened on first use. Borrowed; NULL if the database is
 * not open or cannot be opened (logged). */
struct db *db_conn(void);

/* Returns a prepared statement from the connection's cache, reset and with bindings cleared.
 * The cache is keyed by the address of sql, not its text: sql must stay valid for the life of
 * the connection and one statement must always come from the same array (static strings;
 * see db_prepare_dyn for built-up SQL). Borrowed. */
int db_prepare(struct db *db, const char *sql, struct db_stmt **out);
/* Same for SQL built at run time, e.g. lists with filters: the connection keeps the last few
 * compiled by text, so a repeated shape skips compiling. Finish it with db_finalize, which
 * returns it to that cache (or frees it). Borrowed until db_finalize. */
int db_prepare_dyn(struct db *db, const char *sql, struct db_stmt **out);
void db_finalize(struct db_stmt *st);

/* Parameters are 1-based. Text and blobs are copied. */
int db_bind_int(struct db_stmt *st, int idx, int64_t v);
int db_bind_double(struct db_stmt *st, int idx, double v);
int db_bind_text(struct db_stmt *st, int idx, const char *s, ssize_t len); /* len<0: strlen */
int db_bind_blob(struct db_stmt *st, int idx, const void *p, size_t len);
int db_bind_null(struct db_stmt *st, int idx);
int db_bind_count(struct db_stmt *st);

/* Steps: DB_ROW, DB_DONE, or a negative -E_* (-E_EXISTS for a constraint violation). */
int db_step(struct db_stmt *st);
/* Resets a cached statement for reuse (db_prepare does this too). */
void db_reset(struct db_stmt *st);

int db_col_count(struct db_stmt *st);
const char *db_col_name(struct db_stmt *st, int col);
enum db_type db_col_type(struct db_stmt *st, int col);
int64_t db_col_int(struct db_stmt *st, int col);
double db_col_double(struct db_stmt *st, int col);
/* Valid until the next step/reset of st; NULL for SQL NULL. Borrowed. */
const char *db_col_text(struct db_stmt *st, int col);
const void *db_col_blob(struct db_stmt *st, int col, size_t *len);

/* Transactions. db_begin_write takes the process-wide writer lock and starts an immediate
 * transaction; db_commit/db_rollback end either kind and release the lock. Nesting is not
 * supported (returns -E_BUSY). */
int db_begin_read(struct db *db);
int db_begin_write(struct db *db);
int db_commit(struct db *db);
int db_rollback(struct db *db);
bool db_in_transaction(const struct db *db);
/* fn runs on the writing thread after every write transaction ends (the writer lock already
 * released), told whether it committed: what the thread set aside during the transaction is
 * published or dropped there (the live channel's events). Set once at start-up. */
void db_set_write_end_hook(void (*fn)(bool committed));

/* Runs the cached statement sql (a static string) with n integer parameters, expecting no
 * rows. Returns 0 or a negative error; db_changes() tells how many rows it changed. */
int db_run_ints(struct db *db, const char *sql, int n, const int64_t *values);
/* db_run_ints for an UPDATE or DELETE of one record: -E_NOTFOUND when it changed no row. */
int db_change_ints(struct db *db, const char *sql, int n, const int64_t *values);
/* Runs one or more statements without results (migrations, pragmas). */
int db_exec(struct db *db, const char *sql);
/* Row id of the last insert on this connection. */
int64_t db_last_id(struct db *db);
/* Rows changed by the last statement. */
int64_t db_changes(struct db *db);
/* Last error message of the connection (borrowed, for logs). */
const char *db_errmsg(struct db *db);

/* Online, consistent copy of the whole database into path, a new file created with mode
 * 0600 (-E_EXISTS when path exists). A failed copy removes the file again. */
int db_backup(struct db *db, const char *path);
/* Called by db_restore (and db_inspect) with each module's highest migration version recorded
 * in the file; nonzero refuses the restore (and is returned). */
typedef int (*db_restore_check_fn)(const char *module, int64_t version, void *ctx);
/* Replaces the whole database with the one in path (a `kazi backup` file), through the
 * backup API: other connections, in this process or another, see the old content or the new,
 * never a mix. First path is opened read-only and checked, and nothing is changed when a check
 * fails: PRAGMA integrity_check must say ok and core_migration must exist (else -E_INVAL with
 * the reason in err), and check (if not NULL) must accept every module's version. Without
 * apply it only checks. Returns 0, -E_INVAL, -E_IO (path cannot be opened; err says why),
 * check's value, -E_BUSY (another writer held the database for 30 s) or a database error. */
int db_restore(struct db *db, const char *path, db_restore_check_fn check, void *ctx, bool apply,
               char *err, size_t errlen);
/* Hands each module's highest migration version recorded in the database file at path to
 * check, without writing anything: no file is created next to it, nothing is checkpointed, and
 * it works before db_global_open. Returns 0, check's value, -E_IO (path cannot be opened) or
 * -E_INVAL (no kazi schema in it, or it cannot be read), with the reason in err. */
int db_peek_versions(const char *path, db_restore_check_fn check, void *ctx, char *err,
                     size_t errlen);

/* What db_inspect found in a database file. */
struct db_file_info {
    bool wal;               /* the file is in WAL mode (its header says so) */
    bool live;              /* a WAL file exists: kazi (or another program) may have it open */
    int64_t page_size;      /* bytes */
    int64_t page_count;     /* pages in the main file */
    int64_t freelist_count; /* of which unused */
    int problems;           /* integrity problems reported (at most the max_problems asked) */
    char integrity[1024];   /* "ok", or the first problems joined by "; " (each cut at 200) */
};
/* What db_inspect does. */
struct db_inspect_options {
    bool quick;                   /* PRAGMA quick_check instead of integrity_check */
    int max_problems;             /* integrity problems to ask for and keep (at least 1) */
    int64_t mmap_size;            /* bytes read through a memory map (0: read calls) */
    db_restore_check_fn versions; /* called with each module's version; may be NULL */
    void *ctx;                    /* for versions */
};
/* Looks at the database file path without changing it: opened read-only, no migration, no
 * checkpoint, no journal mode change. When no WAL file exists (nobody has the database open)
 * the file is opened as immutable, so no -wal or -shm file is created next to it; otherwise
 * it is read through the WAL like any reader (which updates only the shared-memory index,
 * -shm). Runs the integrity check o asks for, then hands every module's highest recorded
 * migration to o->versions (a nonzero return stops and is returned). Returns 0 also when the
 * integrity check found problems (info->problems > 0); -E_IO when path cannot be opened,
 * -E_INVAL when it is not a database or holds no kazi schema (err then says why, e.g. "file
 * is not a database"). */
int db_inspect(const char *path, const struct db_inspect_options *o, struct db_file_info *info,
               char *err, size_t errlen);

/* Total nanoseconds spent in db_step across all threads, and the number of steps. */
uint64_t db_time_ns(void);
uint64_t db_query_count(void);

/* What /metrics reports about the database, summed over every connection. Steps are split
 * by where they ran: [0] outside a write transaction (reads), [1] inside one (writes). */
struct db_stats {
    uint64_t step_ns[2], steps[2];
    uint64_t commits, rollbacks;   /* write transactions ended each way */
    uint64_t busy_waits;           /* times the backend waited for another process's lock */
    uint64_t busy_errors;          /* statements that failed because the database stayed busy */
    unsigned writers_waiting;      /* threads queued for the writer lock now */
    int64_t file_bytes, wal_bytes; /* database file and write-ahead log, -1 when unknown */
    bool storage_full;             /* the disk-full state (db_storage_full) */
};
void db_stats(struct db_stats *out);
/* fn runs on the writing thread each time db_begin_write got the writer lock, with the time
 * it waited for it. Set once at start-up. */
void db_set_wait_hook(void (*fn)(uint64_t wait_ns));

/* The dialect of db's backend, for code that builds SQL text (filter_compile). */
enum sql_dialect db_dialect(const struct db *db);

/* Simple health check: runs "SELECT 1". Returns 0 when the database answers. */
int db_ping(struct db *db);

/* A full disk. Any step, exec or commit that fails for lack of space returns -E_NOSPC. Inside
 * a transaction that error dooms it: SQLite may already have rolled it back, so every later
 * statement of the transaction fails with -E_NOSPC too instead of running on its own (and
 * committing a part of the change); only db_rollback/db_commit end it.
 *
 * db_nospc_count: how many statements on this connection have failed for lack of space; a
 * caller compares it before and after a piece of work to learn that the work failed because
 * the disk is full, even when the code in between turned the error into a generic one.
 *
 * db_storage_full: true from the first such failure in the process until the file system
 * has at least DB_SPACE_MARGIN bytes more free than it had then; checking it reads the free
 * space (statvfs), so a freed disk is noticed without a write or a restart. */
#define DB_SPACE_MARGIN (1024 * 1024)
unsigned db_nospc_count(const struct db *db);
bool db_storage_full(void);

#endif
