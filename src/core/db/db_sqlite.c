/* SQLite backend: WAL mode, a busy timeout for other processes (its waits counted), foreign
 * keys on, full or normal synchronous. Concurrency between kazi's own threads is handled in db.c by
 * the writer lock, so the busy handler only matters when another process (kazi backup, sqlite3)
 * holds a lock. */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "core/base/error.h"
#include "core/base/log.h"
#include "core/db/db_backend.h"
#include "core/db/sqlfunc.h"

static struct db_options opts;
static char *db_path;
static _Atomic uint64_t busy_waits; /* busy handler calls, for /metrics */

static int map_rc(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
        return 0;
    case SQLITE_ROW:
        return DB_ROW;
    case SQLITE_DONE:
        return DB_DONE;
    case SQLITE_CONSTRAINT:
        return -E_EXISTS;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return -E_BUSY;
    case SQLITE_NOMEM:
        return -E_NOMEM;
    case SQLITE_TOOBIG:
        return -E_TOOBIG;
    case SQLITE_FULL:
        return -E_NOSPC;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
        return -E_IO;
    default:
        return -E_DB;
    }
}

/* map_rc for a call that failed on connection h. A full disk or quota is -E_NOSPC however
 * SQLite reports it: SQLITE_FULL from a write, or an I/O error (growing the WAL index, say)
 * whose system error is ENOSPC or EDQUOT. */
static int map_conn_rc(sqlite3 *h, int rc)
{
    if ((rc & 0xff) == SQLITE_IOERR && h) {
        int e = sqlite3_system_errno(h);
        if (e == ENOSPC || e == EDQUOT)
            return -E_NOSPC;
    }
    return map_rc(rc);
}

/* Process-wide settings, which SQLite accepts only before it starts (any other call, even
 * sqlite3_mprintf, starts it): memory statistics off. They take a process-wide mutex on every
 * allocation, which worker threads then queue on, and kazi does not read them. */
static void configure_library(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    if (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK)
        log_warn("sqlite: memory statistics cannot be turned off");
}

static int lite_global_open(const struct db_options *opt)
{
    configure_library();
    opts = *opt;
    sqlite3_free(db_path);
    db_path = sqlite3_mprintf("%s", opt->path);
    if (!sqlite3_threadsafe())
        return error("sqlite is built without thread support");
    return 0;
}

/* SQLite's own busy-timeout handler (the same back-off: 1, 2, 5 ... 100 ms up to
 * busy_timeout_ms), counting each wait for /metrics. */
static int on_busy(void *arg, int count)
{
    static const int delays[] = {1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100};
    static const int totals[] = {0, 1, 3, 8, 18, 33, 53, 78, 103, 128, 178, 228};
    const int n = (int)(sizeof(delays) / sizeof(delays[0]));
    int timeout = opts.busy_timeout_ms > 0 ? opts.busy_timeout_ms : 5000;
    int delay, prior;
    (void)arg;
    if (count < n) {
        delay = delays[count];
        prior = totals[count];
    } else {
        delay = delays[n - 1];
        prior = totals[n - 1] + delay * (count - (n - 1));
    }
    if (prior + delay > timeout) {
        delay = timeout - prior;
        if (delay <= 0)
            return 0;
    }
    atomic_fetch_add_explicit(&busy_waits, 1, memory_order_relaxed);
    sqlite3_sleep(delay);
    return 1;
}

static int lite_open(void **out)
{
    sqlite3 *h = NULL;
    int rc = sqlite3_open_v2(
        db_path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        error("database '%s' cannot be opened: %s", db_path, h ? sqlite3_errmsg(h) : "no memory");
        rc = map_conn_rc(h, rc);
        sqlite3_close(h);
        return rc;
    }
    sqlite3_busy_handler(h, on_busy, NULL);
    char *err = NULL;
    const char *pragmas = opts.synchronous_full
                              ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                                " PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
                              : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                                " PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;";
    rc = sqlfunc_register(h);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(h, pragmas, NULL, NULL, &err);
    if (rc != SQLITE_OK) {
        error("database '%s' cannot be configured: %s", db_path, err ? err : "unknown");
        sqlite3_free(err);
        rc = map_conn_rc(h, rc);
        sqlite3_close(h);
        return rc;
    }
    if (opts.mmap_size > 0) { /* an old SQLite without mmap keeps reading with pread */
        char q[64];
        snprintf(q, sizeof(q), "PRAGMA mmap_size=%lld", (long long)opts.mmap_size);
        sqlite3_exec(h, q, NULL, NULL, NULL);
    }
    *out = h;
    return 0;
}

static void lite_close(void *conn)
{
    sqlite3_close_v2(conn);
}

static int lite_prepare(void *conn, const char *sql, void **stmt)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v3(conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK) {
        error("sql cannot be prepared: %s: %s", sqlite3_errmsg(conn), sql);
        return map_rc(rc) == -E_BUSY ? -E_BUSY : -E_DB;
    }
    *stmt = st;
    return 0;
}

static void lite_finalize(void *stmt)
{
    sqlite3_finalize(stmt);
}

static int lite_bind_int(void *st, int i, int64_t v)
{
    return map_rc(sqlite3_bind_int64(st, i, v));
}

static int lite_bind_double(void *st, int i, double v)
{
    return map_rc(sqlite3_bind_double(st, i, v));
}

static int lite_bind_text(void *st, int i, const char *s, size_t len)
{
    return map_rc(sqlite3_bind_text64(st, i, s, len, SQLITE_TRANSIENT, SQLITE_UTF8));
}

static int lite_bind_blob(void *st, int i, const void *p, size_t len)
{
    return map_rc(sqlite3_bind_blob64(st, i, p, len, SQLITE_TRANSIENT));
}

static int lite_bind_null(void *st, int i)
{
    return map_rc(sqlite3_bind_null(st, i));
}

static int lite_bind_count(void *st)
{
    return sqlite3_bind_parameter_count(st);
}

static int lite_step(void *st)
{
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE && (rc & 0xff) != SQLITE_CONSTRAINT)
        log_warn("sql step failed: %s", sqlite3_errmsg(sqlite3_db_handle(st)));
    return map_conn_rc(sqlite3_db_handle(st), rc);
}

static void lite_reset(void *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

static int lite_col_count(void *st)
{
    return sqlite3_column_count(st);
}

static const char *lite_col_name(void *st, int c)
{
    return sqlite3_column_name(st, c);
}

static enum db_type lite_col_type(void *st, int c)
{
    switch (sqlite3_column_type(st, c)) {
    case SQLITE_INTEGER:
        return DB_INT;
    case SQLITE_FLOAT:
        return DB_FLOAT;
    case SQLITE_TEXT:
        return DB_TEXT;
    case SQLITE_BLOB:
        return DB_BLOB;
    default:
        return DB_NULL;
    }
}

static int64_t lite_col_int(void *st, int c)
{
    return sqlite3_column_int64(st, c);
}

static double lite_col_double(void *st, int c)
{
    return sqlite3_column_double(st, c);
}

static const char *lite_col_text(void *st, int c)
{
    return (const char *)sqlite3_column_text(st, c);
}

static const void *lite_col_blob(void *st, int c, size_t *len)
{
    const void *p = sqlite3_column_blob(st, c);
    *len = (size_t)sqlite3_column_bytes(st, c);
    return p;
}

static int lite_exec(void *conn, const char *sql)
{
    char *err = NULL;
    int rc = sqlite3_exec(conn, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK) {
        log_warn("sql failed: %s", err ? err : sqlite3_errmsg(conn));
        sqlite3_free(err);
    }
    return map_conn_rc(conn, rc);
}

static int64_t lite_last_id(void *conn)
{
    return sqlite3_last_insert_rowid(conn);
}

static int64_t lite_changes(void *conn)
{
    return sqlite3_changes64(conn);
}

static const char *lite_errmsg(void *conn)
{
    return sqlite3_errmsg(conn);
}

/* Online backup through SQLite's backup API, in steps so writers are not blocked for long.
 * The file is created here, owner-only and only if it does not exist yet, and removed again
 * when the copy fails, so a failed backup leaves nothing that looks like one. */
static int lite_backup(void *conn, const char *path)
{
    sqlite3 *dst = NULL;
    sqlite3_backup *b = NULL;
    int out = 0, rc, fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

    if (fd < 0) {
        error("backup file '%s' cannot be created: %s", path, strerror(errno));
        return errno == EEXIST ? -E_EXISTS : errno == ENOSPC ? -E_NOSPC : -E_IO;
    }
    close(fd);
    rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE, NULL);
    if (rc != SQLITE_OK) {
        error("backup file '%s' cannot be opened: %s", path, dst ? sqlite3_errmsg(dst) : "");
        out = -E_IO;
        goto out;
    }
    b = sqlite3_backup_init(dst, "main", conn, "main");
    if (!b) {
        error("backup to '%s' cannot start: %s", path, sqlite3_errmsg(dst));
        out = -E_DB;
        goto out;
    }
    do {
        rc = sqlite3_backup_step(b, 256);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
            sqlite3_sleep(20);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) {
        out = map_conn_rc(dst, rc);
        error("backup to '%s' failed: %s", path, sqlite3_errmsg(dst));
    }
out:
    sqlite3_close(dst);
    if (out)
        unlink(path);
    return out;
}

/* The checks of lite_restore on the source src: sound, made by kazi, versions accepted. */
static int restore_check(sqlite3 *src, db_restore_check_fn check, void *ctx, char *err,
                         size_t errlen)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(src, "PRAGMA integrity_check", -1, &st, NULL);
    if (rc != SQLITE_OK) { /* "file is not a database", "database disk image is malformed" */
        snprintf(err, errlen, "%s", sqlite3_errmsg(src));
        return -E_INVAL;
    }
    rc = sqlite3_step(st);
    const char *verdict = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
    if (!verdict || strcmp(verdict, "ok")) {
        snprintf(err, errlen, "the integrity check says: %s",
                 verdict ? verdict : sqlite3_errmsg(src));
        sqlite3_finalize(st);
        return -E_INVAL;
    }
    sqlite3_finalize(st);
    rc = sqlite3_prepare_v2(src, "SELECT module, MAX(version) FROM core_migration GROUP BY module",
                            -1, &st, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "it holds no kazi schema (%s)", sqlite3_errmsg(src));
        return -E_INVAL;
    }
    int out = 0;
    while (!out && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *module = (const char *)sqlite3_column_text(st, 0);
        if (check && module)
            out = check(module, sqlite3_column_int64(st, 1), ctx);
    }
    if (!out && rc != SQLITE_DONE) {
        snprintf(err, errlen, "its schema cannot be read (%s)", sqlite3_errmsg(src));
        out = -E_INVAL;
    }
    sqlite3_finalize(st);
    return out;
}

static int lite_restore(void *conn, const char *path, db_restore_check_fn check, void *ctx,
                        bool apply, char *err, size_t errlen)
{
    sqlite3 *src = NULL;
    sqlite3_backup *b;
    int out, rc = sqlite3_open_v2(path, &src, SQLITE_OPEN_READONLY, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "%s", src ? sqlite3_errmsg(src) : "out of memory");
        sqlite3_close(src);
        return -E_IO;
    }
    if ((out = restore_check(src, check, ctx, err, errlen)) || !apply)
        goto out;
    b = sqlite3_backup_init(conn, "main", src, "main");
    if (!b) {
        snprintf(err, errlen, "%s", sqlite3_errmsg(conn));
        out = -E_DB;
        goto out;
    }
    /* all pages in one step: the destination is written in one transaction; a writer in
     * another process (kazi serve) is waited for, 30 s at the most */
    int tries = 0;
    do {
        rc = sqlite3_backup_step(b, -1);
        if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && ++tries < 1500)
            sqlite3_sleep(20);
        else if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
            break;
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(b);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
        snprintf(err, errlen, "the database stayed busy for 30 s");
        out = -E_BUSY;
    } else if (rc != SQLITE_DONE) {
        snprintf(err, errlen, "%s", sqlite3_errmsg(conn));
        out = map_conn_rc(conn, rc);
    }
out:
    sqlite3_close(src);
    return out;
}

/* Bytes the file system holding the database can still take: what root may use when kazi
 * runs as root (the blocks reserved for root included), else what any user may. */
static int64_t lite_space_free(void)
{
    struct statvfs sv;
    if (!db_path || statvfs(db_path, &sv))
        return -1;
    return (int64_t)(geteuid() == 0 ? sv.f_bfree : sv.f_bavail) * (int64_t)sv.f_frsize;
}

static int64_t file_size(const char *path)
{
    struct stat st;
    return path && !stat(path, &st) ? (int64_t)st.st_size : -1;
}

static void lite_file_sizes(int64_t *file, int64_t *wal)
{
    char *w = db_path ? sqlite3_mprintf("%s-wal", db_path) : NULL;
    *file = file_size(db_path);
    *wal = w ? file_size(w) : -1;
    if (*file >= 0 && *wal < 0)
        *wal = 0; /* no log file: checkpointed and truncated, or not created yet */
    sqlite3_free(w);
}

static uint64_t lite_busy_waits(void)
{
    return atomic_load_explicit(&busy_waits, memory_order_relaxed);
}

static void lite_global_close(void *any_conn)
{
    if (any_conn)
        sqlite3_wal_checkpoint_v2(any_conn, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    sqlite3_free(db_path);
    db_path = NULL;
}

const struct db_ops db_sqlite_ops = {
    .name = "sqlite",
    .dialect = SQL_SQLITE,
    .global_open = lite_global_open,
    .open = lite_open,
    .close = lite_close,
    .prepare = lite_prepare,
    .finalize = lite_finalize,
    .bind_int = lite_bind_int,
    .bind_double = lite_bind_double,
    .bind_text = lite_bind_text,
    .bind_blob = lite_bind_blob,
    .bind_null = lite_bind_null,
    .bind_count = lite_bind_count,
    .step = lite_step,
    .reset = lite_reset,
    .col_count = lite_col_count,
    .col_name = lite_col_name,
    .col_type = lite_col_type,
    .col_int = lite_col_int,
    .col_double = lite_col_double,
    .col_text = lite_col_text,
    .col_blob = lite_col_blob,
    .exec = lite_exec,
    .last_id = lite_last_id,
    .changes = lite_changes,
    .errmsg = lite_errmsg,
    .backup = lite_backup,
    .restore = lite_restore,
    .space_free = lite_space_free,
    .global_close = lite_global_close,
    .file_sizes = lite_file_sizes,
    .busy_waits = lite_busy_waits,
};
