/* SQLite backend: WAL mode, a busy timeout for other processes (its waits counted), foreign
 * keys on, full or normal synchronous. Concurrency between kazi's own threads is handled in db.c by
 * the writer lock, so the busy handler only matters when another process (kazi backup, sqlite3)
 * holds a lock. */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdbool.h>
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
 * when the copy fails, so a failed backup leaves nothing that looks like one. The copy is left
 * in rollback-journal mode, a single file. */
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
    } else if ((rc = sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL))) {
        /* a file on its own: reading it (a check, the sqlite3 shell) creates no -wal or -shm */
        out = map_conn_rc(dst, rc);
        error("backup '%s' cannot be finished: %s", path, sqlite3_errmsg(dst));
    }
out:
    sqlite3_close(dst);
    if (out)
        unlink(path);
    return out;
}

/* Hands each module's highest version recorded in src's core_migration to check (if any).
 * Returns 0, check's value, or -E_INVAL with the reason in err. */
static int versions_read(sqlite3 *src, db_restore_check_fn check, void *ctx, char *err,
                         size_t errlen)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(
        src, "SELECT module, MAX(version) FROM core_migration GROUP BY module", -1, &st, NULL);
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

/* Appends each line of text (a result row may hold several problems, one a line, after a
 * "*** in database main ***" heading) to out as one problem, "; " between them, each cut at
 * 200 bytes; *n counts them. */
static void lite_problems(const char *text, int *n, char *out, size_t outlen, size_t *len)
{
    while (text && *text) {
        size_t l = strcspn(text, "\r\n");
        if (l && strncmp(text, "*** in database", 15)) {
            (*n)++;
            if (*len < outlen)
                *len += (size_t)snprintf(out + *len, outlen - *len, "%s%.*s", *n > 1 ? "; " : "",
                                         (int)(l < 200 ? l : 200), text);
        }
        text += l;
        text += strspn(text, "\r\n");
    }
}

/* Runs PRAGMA integrity_check (quick_check when quick) on h, asking for at most max problems
 * and keeping them in out joined by "; " on one line. Returns how many it reported (0: "ok" in
 * out), or -E_INVAL when the check cannot run at all (out then holds SQLite's message, e.g.
 * "file is not a database"). */
static int lite_integrity(sqlite3 *h, bool quick, int max, char *out, size_t outlen)
{
    char sql[64];
    sqlite3_stmt *st = NULL;
    size_t len = 0;
    int n = 0;
    snprintf(sql, sizeof(sql), "PRAGMA %s(%d)", quick ? "quick_check" : "integrity_check",
             max > 0 ? max : 1);
    out[0] = '\0';
    int rc = sqlite3_prepare_v2(h, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        snprintf(out, outlen, "%s", sqlite3_errmsg(h));
        return -E_INVAL;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *text = (const char *)sqlite3_column_text(st, 0);
        if (!text || strcmp(text, "ok"))
            lite_problems(text ? text : "unknown problem", &n, out, outlen, &len);
    }
    if (rc != SQLITE_DONE) /* SQLITE_CORRUPT on the way ends the check */
        lite_problems(sqlite3_errmsg(h), &n, out, outlen, &len);
    sqlite3_finalize(st);
    if (!n)
        snprintf(out, outlen, "ok");
    return n;
}

/* The checks of lite_restore on the source src: sound, made by kazi, versions accepted. */
static int restore_check(sqlite3 *src, db_restore_check_fn check, void *ctx, char *err,
                         size_t errlen)
{
    char verdict[512];
    int n = lite_integrity(src, false, 1, verdict, sizeof(verdict));
    if (n < 0) { /* "file is not a database", "database disk image is malformed" */
        snprintf(err, errlen, "%s", verdict);
        return -E_INVAL;
    }
    if (n > 0) {
        snprintf(err, errlen, "the integrity check says: %s", verdict);
        return -E_INVAL;
    }
    return versions_read(src, check, ctx, err, errlen);
}

/* Opens the database file at path for reading without writing anything. A database without
 * a -wal file was checkpointed and closed by its last user: its file is the whole content,
 * read as immutable (no lock, no -shm or -wal created, nothing written). With a -wal file
 * (*live), recent commits may still be there, so it is read through a read-only connection,
 * which uses the files that exist and does not checkpoint. Returns 0 or -E_IO (err says why). */
static int lite_open_peek(const char *path, bool *live, sqlite3 **out, char *err, size_t errlen)
{
    char wal[4096];
    sqlite3 *src = NULL;
    configure_library(); /* before the first sqlite3 call of the process */
    snprintf(wal, sizeof(wal), "%s-wal", path);
    *live = access(wal, F_OK) == 0;
    char uri[3 * 4096 + 64];
    size_t n = (size_t)snprintf(uri, sizeof(uri), "file:");
    for (const char *p = path; *p && n + 4 < sizeof(uri); p++) /* '?', '#', '%' are URI syntax */
        n += (size_t)(strchr("?#%", *p) ? snprintf(uri + n, sizeof(uri) - n, "%%%02X",
                                                   (unsigned)(unsigned char)*p)
                                        : snprintf(uri + n, sizeof(uri) - n, "%c", *p));
    snprintf(uri + n, sizeof(uri) - n, "?mode=ro%s", *live ? "" : "&immutable=1");
    int rc = sqlite3_open_v2(uri, &src, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "%s", src ? sqlite3_errmsg(src) : "out of memory");
        sqlite3_close(src);
        *out = NULL;
        return -E_IO;
    }
    /* a reader never checkpoints; this says so even if SQLite would try on close */
    sqlite3_db_config(src, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
    *out = src;
    return 0;
}

static int lite_peek_versions(const char *path, db_restore_check_fn check, void *ctx, char *err,
                              size_t errlen)
{
    sqlite3 *src = NULL;
    bool live;
    int out = lite_open_peek(path, &live, &src, err, errlen);
    if (out == 0)
        out = versions_read(src, check, ctx, err, errlen);
    sqlite3_close(src);
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

/* One integer PRAGMA (page_size, page_count, ...); -1 when it cannot be read. */
static int64_t lite_pragma_int(sqlite3 *h, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int64_t v = -1;
    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Reads the 100-byte file header: SQLite's magic and the WAL flag (bytes 18 and 19 are 2). */
static int lite_header(const char *path, bool *wal, char *err, size_t errlen)
{
    unsigned char h[100];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        return -E_IO;
    }
    ssize_t n = pread(fd, h, sizeof(h), 0);
    close(fd);
    if (n != (ssize_t)sizeof(h) || memcmp(h, "SQLite format 3", 16)) {
        snprintf(err, errlen, "%s", n == 0 ? "the file is empty" : "file is not a database");
        return -E_INVAL;
    }
    *wal = h[18] == 2 && h[19] == 2;
    return 0;
}

static int lite_inspect(const char *path, const struct db_inspect_options *o,
                        struct db_file_info *info, char *err, size_t errlen)
{
    sqlite3 *h = NULL;
    memset(info, 0, sizeof(*info));
    configure_library();
    int out = lite_header(path, &info->wal, err, errlen);
    if (out)
        return out;
    if ((out = lite_open_peek(path, &info->live, &h, err, errlen)))
        return out;
    sqlite3_busy_timeout(h, 5000);
    sqlfunc_register(h);    /* an index on kazi_fold(...) needs it to be checked */
    if (o->mmap_size > 0) { /* the check reads every page: a map saves a read call each */
        char q[64];
        snprintf(q, sizeof(q), "PRAGMA mmap_size=%lld", (long long)o->mmap_size);
        sqlite3_exec(h, q, NULL, NULL, NULL);
    }
    info->page_size = lite_pragma_int(h, "PRAGMA page_size");
    info->page_count = lite_pragma_int(h, "PRAGMA page_count");
    info->freelist_count = lite_pragma_int(h, "PRAGMA freelist_count");
    int n = lite_integrity(h, o->quick, o->max_problems, info->integrity, sizeof(info->integrity));
    if (n < 0) {
        snprintf(err, errlen, "%s", info->integrity);
        out = -E_INVAL;
        goto out;
    }
    info->problems = n;
    out = versions_read(h, o->versions, o->ctx, err, errlen);
out:
    sqlite3_close(h);
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
    .peek_versions = lite_peek_versions,
    .inspect = lite_inspect,
    .space_free = lite_space_free,
    .global_close = lite_global_close,
    .file_sizes = lite_file_sizes,
    .busy_waits = lite_busy_waits,
};
