/* Connections, statement cache, writer lock and metrics over a backend vtable. Each thread
 * gets one connection on first use; connections are kept in a global list so shutdown can
 * close them after every worker thread has stopped. */
#include "core/db/db.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/error.h"
#include "core/base/log.h"
#include "core/base/timeutil.h"
#include "core/base/xalloc.h"
#include "core/db/db_backend.h"

#define STMT_BUCKETS 128
#define DYN_CACHE 32

struct db_stmt {
    struct db *db;
    void *h;
    const char *sql;
    struct db_stmt *next; /* cache chain */
    bool cached;
    bool dyn;    /* lives in the connection's cache of run-time SQL */
    bool in_use; /* dyn: handed out and not finalized yet */
    char *text;  /* dyn: the SQL text, the cache key (heap) */
};

struct db {
    void *conn;
    struct db *next_conn; /* global list */
    int txn;              /* 0 none, 1 read, 2 write */
    unsigned nospc;       /* statements that failed for lack of space, ever */
    bool doomed;          /* one did in the open transaction: it can only be rolled back */
    struct db_stmt *cache[STMT_BUCKETS];
    /* SQL built at run time (lists with filters) repeats its text for the same filter shape;
     * keeping the last few compiled saves most of their cost */
    struct db_stmt *dyn[DYN_CACHE];
    unsigned dyn_next; /* round-robin eviction slot */
    /* steps outside [0] and inside [1] a write transaction: written by the owning thread
     * only, read by db_stats */
    _Atomic uint64_t step_ns[2], steps[2];
};

static const struct db_ops *ops = &db_sqlite_ops;
static pthread_mutex_t conns_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t writer_lock = PTHREAD_MUTEX_INITIALIZER;
static struct db *conns;
static bool opened;
static _Atomic uint64_t retired_ns[2], retired_steps[2]; /* of connections closed */
static _Atomic uint64_t commits, rollbacks, busy_errors;
static _Atomic unsigned writers_waiting;
static void (*wait_hook)(uint64_t wait_ns);
static _Thread_local struct db *thread_db;
static _Atomic unsigned generation; /* bumps on close so stale thread pointers are not reused */
static _Thread_local unsigned thread_gen;
/* the disk-full state (db_storage_full): set by a failed write, cleared when space returns */
static pthread_mutex_t space_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic bool space_full;
static int64_t space_at_full; /* free bytes at the last failure, -1 unknown; under space_lock */

static void stmt_destroy(struct db_stmt *s);

static int64_t space_free(void)
{
    return ops->space_free ? ops->space_free() : -1;
}

static void storage_mark_full(void)
{
    int64_t now = space_free();
    pthread_mutex_lock(&space_lock);
    if (!space_full)
        log_error("disk is full: database writes fail until space is freed (%lld bytes free)",
                  (long long)now);
    space_full = true;
    space_at_full = now;
    pthread_mutex_unlock(&space_lock);
}

/* Ends the disk-full state when free space is back: now bytes free (>= 0), or, with no figure
 * at the failure (now < 0), when a write committed. */
static void storage_check_free(int64_t now)
{
    pthread_mutex_lock(&space_lock);
    bool back = space_at_full < 0;
    if (now >= 0)
        back = space_at_full >= 0 && now >= space_at_full + DB_SPACE_MARGIN;
    if (space_full && back) {
        log_info("disk has space again (%lld bytes free): database writes are expected to "
                 "succeed",
                 (long long)now);
        space_full = false;
    }
    pthread_mutex_unlock(&space_lock);
}

/* Records a statement's result for the disk-full state (see db.h) and returns it. */
static int note_rc(struct db *db, int rc)
{
    if (rc == -E_BUSY)
        atomic_fetch_add_explicit(&busy_errors, 1, memory_order_relaxed);
    if (rc != -E_NOSPC)
        return rc;
    db->nospc++;
    if (db->txn)
        db->doomed = true;
    storage_mark_full();
    return rc;
}

int db_global_open(const struct db_options *opt)
{
    int rc = ops->global_open(opt);
    if (rc)
        return rc;
    opened = true;
    generation++;
    /* open one connection now so configuration problems show at start-up */
    return db_conn() ? 0 : -E_DB;
}

void db_global_close(void)
{
    pthread_mutex_lock(&conns_lock);
    /* checkpoint through one connection while all are idle, then close them all */
    ops->global_close(conns ? conns->conn : NULL);
    struct db *d = conns;
    while (d) {
        struct db *next = d->next_conn;
        for (int i = 0; i < STMT_BUCKETS; i++) {
            struct db_stmt *s = d->cache[i];
            while (s) {
                struct db_stmt *n = s->next;
                ops->finalize(s->h);
                free(s);
                s = n;
            }
        }
        for (int i = 0; i < DYN_CACHE; i++)
            if (d->dyn[i])
                stmt_destroy(d->dyn[i]);
        for (int w = 0; w < 2; w++) {
            retired_ns[w] += d->step_ns[w];
            retired_steps[w] += d->steps[w];
        }
        ops->close(d->conn);
        free(d);
        d = next;
    }
    conns = NULL;
    opened = false;
    generation++;
    pthread_mutex_unlock(&conns_lock);
}

struct db *db_conn(void)
{
    if (thread_db && thread_gen == generation)
        return thread_db;
    thread_db = NULL;
    if (!opened)
        return NULL;
    void *c = NULL;
    if (ops->open(&c))
        return NULL;
    struct db *d = xcalloc(1, sizeof(*d));
    d->conn = c;
    pthread_mutex_lock(&conns_lock);
    d->next_conn = conns;
    conns = d;
    pthread_mutex_unlock(&conns_lock);
    thread_db = d;
    thread_gen = generation;
    return d;
}

static unsigned bucket_of(const char *sql)
{
    uintptr_t p = (uintptr_t)sql;
    return (unsigned)((p >> 4) ^ (p >> 12)) % STMT_BUCKETS;
}

int db_prepare(struct db *db, const char *sql, struct db_stmt **out)
{
    unsigned b = bucket_of(sql);
    for (struct db_stmt *s = db->cache[b]; s; s = s->next) {
        if (s->sql == sql) {
            ops->reset(s->h);
            *out = s;
            return 0;
        }
    }
    void *h;
    int rc = ops->prepare(db->conn, sql, &h);
    if (rc)
        return rc;
    struct db_stmt *s = xcalloc(1, sizeof(*s));
    s->db = db;
    s->h = h;
    s->sql = sql;
    s->cached = true;
    s->next = db->cache[b];
    db->cache[b] = s;
    *out = s;
    return 0;
}

static void stmt_destroy(struct db_stmt *s)
{
    ops->finalize(s->h);
    free(s->text);
    free(s);
}

int db_prepare_dyn(struct db *db, const char *sql, struct db_stmt **out)
{
    for (int i = 0; i < DYN_CACHE; i++) {
        struct db_stmt *s = db->dyn[i];
        if (s && !s->in_use && !strcmp(s->text, sql)) {
            ops->reset(s->h);
            s->in_use = true;
            *out = s;
            return 0;
        }
    }
    void *h;
    int rc = ops->prepare(db->conn, sql, &h);
    if (rc)
        return rc;
    struct db_stmt *s = xcalloc(1, sizeof(*s));
    s->db = db;
    s->h = h;
    /* cache it in a free or unused slot; when every slot is in use it stays uncached */
    for (int tries = 0; tries < DYN_CACHE; tries++) {
        unsigned slot = db->dyn_next++ % DYN_CACHE;
        struct db_stmt *old = db->dyn[slot];
        if (old && old->in_use)
            continue;
        if (old)
            stmt_destroy(old);
        s->dyn = true;
        s->in_use = true;
        s->text = xstrdup(sql);
        db->dyn[slot] = s;
        break;
    }
    *out = s;
    return 0;
}

void db_finalize(struct db_stmt *st)
{
    if (!st)
        return;
    if (st->cached || st->dyn) {
        ops->reset(st->h);
        st->in_use = false;
        return;
    }
    ops->finalize(st->h);
    free(st);
}

int db_bind_int(struct db_stmt *st, int idx, int64_t v)
{
    return ops->bind_int(st->h, idx, v);
}

int db_bind_double(struct db_stmt *st, int idx, double v)
{
    return ops->bind_double(st->h, idx, v);
}

int db_bind_text(struct db_stmt *st, int idx, const char *s, ssize_t len)
{
    if (!s)
        return ops->bind_null(st->h, idx);
    return ops->bind_text(st->h, idx, s, len < 0 ? strlen(s) : (size_t)len);
}

int db_bind_blob(struct db_stmt *st, int idx, const void *p, size_t len)
{
    return ops->bind_blob(st->h, idx, p, len);
}

int db_bind_null(struct db_stmt *st, int idx)
{
    return ops->bind_null(st->h, idx);
}

int db_bind_count(struct db_stmt *st)
{
    return ops->bind_count(st->h);
}

int db_step(struct db_stmt *st)
{
    if (st->db->doomed)
        return -E_NOSPC;
    struct db *db = st->db;
    int w = db->txn == 2;
    uint64_t t0 = time_mono_ns();
    int rc = ops->step(st->h);
    uint64_t dt = time_mono_ns() - t0;
    /* only this thread writes these: a plain load and store, no locked instruction */
    atomic_store_explicit(&db->step_ns[w],
                          atomic_load_explicit(&db->step_ns[w], memory_order_relaxed) + dt,
                          memory_order_relaxed);
    atomic_store_explicit(&db->steps[w],
                          atomic_load_explicit(&db->steps[w], memory_order_relaxed) + 1,
                          memory_order_relaxed);
    return note_rc(db, rc);
}

void db_reset(struct db_stmt *st)
{
    ops->reset(st->h);
}

int db_col_count(struct db_stmt *st)
{
    return ops->col_count(st->h);
}

const char *db_col_name(struct db_stmt *st, int col)
{
    return ops->col_name(st->h, col);
}

enum db_type db_col_type(struct db_stmt *st, int col)
{
    return ops->col_type(st->h, col);
}

int64_t db_col_int(struct db_stmt *st, int col)
{
    return ops->col_int(st->h, col);
}

double db_col_double(struct db_stmt *st, int col)
{
    return ops->col_double(st->h, col);
}

const char *db_col_text(struct db_stmt *st, int col)
{
    return ops->col_text(st->h, col);
}

const void *db_col_blob(struct db_stmt *st, int col, size_t *len)
{
    return ops->col_blob(st->h, col, len);
}

/* Transaction control statements are prepared once per connection and kept in the
 * statement cache (keyed by these arrays' addresses) instead of being parsed on every call. */
static const char sql_begin[] = "BEGIN";
static const char sql_begin_immediate[] = "BEGIN IMMEDIATE";
static const char sql_commit[] = "COMMIT";
static const char sql_rollback[] = "ROLLBACK";

/* Their time counts as statement time (a write's COMMIT, with its fsync, as write time), but
 * not as steps. */
static int run_control(struct db *db, const char *sql)
{
    struct db_stmt *st;
    int w = db->txn == 2 || sql == sql_begin_immediate;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    uint64_t t0 = time_mono_ns();
    rc = ops->step(st->h);
    atomic_fetch_add_explicit(&db->step_ns[w], time_mono_ns() - t0, memory_order_relaxed);
    ops->reset(st->h);
    return rc < 0 ? rc : 0;
}

int db_begin_read(struct db *db)
{
    if (db->txn)
        return -E_BUSY;
    db->doomed = false;
    int rc = run_control(db, sql_begin);
    if (!rc)
        db->txn = 1;
    return rc;
}

int db_begin_write(struct db *db)
{
    if (db->txn)
        return -E_BUSY;
    /* one writer at a time inside the process: waiting threads queue on the mutex in order
     * instead of sleeping and retrying in SQLite's busy handler */
    uint64_t t0 = time_mono_ns();
    atomic_fetch_add_explicit(&writers_waiting, 1, memory_order_relaxed);
    pthread_mutex_lock(&writer_lock);
    atomic_fetch_sub_explicit(&writers_waiting, 1, memory_order_relaxed);
    if (wait_hook)
        wait_hook(time_mono_ns() - t0);
    db->doomed = false;
    int rc = note_rc(db, run_control(db, sql_begin_immediate));
    if (rc) {
        pthread_mutex_unlock(&writer_lock);
        return rc;
    }
    db->txn = 2;
    return 0;
}

static void (*write_end_hook)(bool committed);

void db_set_write_end_hook(void (*fn)(bool committed))
{
    write_end_hook = fn;
}

static int end_txn(struct db *db, const char *sql)
{
    if (!db->txn)
        return -E_INVAL;
    bool commit = sql == sql_commit;
    /* a doomed transaction is never committed: that would keep whatever survived of it */
    int rc = commit && db->doomed ? -E_NOSPC : note_rc(db, run_control(db, sql));
    if (rc && commit) {
        /* the transaction is still open after a failed COMMIT: roll it back */
        run_control(db, sql_rollback);
    }
    /* without a free-space figure, a committed write is the sign that space is back */
    if (!rc && commit && db->txn == 2 && space_full)
        storage_check_free(-1);
    bool was_write = db->txn == 2;
    if (was_write) {
        atomic_fetch_add_explicit(!rc && commit ? &commits : &rollbacks, 1, memory_order_relaxed);
        pthread_mutex_unlock(&writer_lock);
    }
    db->txn = 0;
    db->doomed = false;
    if (was_write && write_end_hook)
        write_end_hook(!rc && commit);
    return rc;
}

int db_commit(struct db *db)
{
    return end_txn(db, sql_commit);
}

int db_rollback(struct db *db)
{
    return end_txn(db, sql_rollback);
}

bool db_in_transaction(const struct db *db)
{
    return db->txn != 0;
}

int db_run_ints(struct db *db, const char *sql, int n, const int64_t *values)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    for (int i = 0; i < n && !rc; i++)
        rc = db_bind_int(st, i + 1, values[i]);
    if (!rc)
        rc = db_step(st);
    db_reset(st);
    return rc == DB_DONE ? 0 : rc < 0 ? rc : -E_DB;
}

int db_change_ints(struct db *db, const char *sql, int n, const int64_t *values)
{
    int rc = db_run_ints(db, sql, n, values);
    return rc ? rc : db_changes(db) ? 0 : -E_NOTFOUND;
}

int db_exec(struct db *db, const char *sql)
{
    if (db->doomed)
        return -E_NOSPC;
    int w = db->txn == 2;
    uint64_t t0 = time_mono_ns();
    int rc = ops->exec(db->conn, sql);
    atomic_fetch_add_explicit(&db->step_ns[w], time_mono_ns() - t0, memory_order_relaxed);
    return note_rc(db, rc);
}

int64_t db_last_id(struct db *db)
{
    return ops->last_id(db->conn);
}

int64_t db_changes(struct db *db)
{
    return ops->changes(db->conn);
}

const char *db_errmsg(struct db *db)
{
    return ops->errmsg(db->conn);
}

int db_restore(struct db *db, const char *path, db_restore_check_fn check, void *ctx, bool apply,
               char *err, size_t errlen)
{
    return ops->restore(db->conn, path, check, ctx, apply, err, errlen);
}

int db_peek_versions(const char *path, db_restore_check_fn check, void *ctx, char *err,
                     size_t errlen)
{
    return ops->peek_versions(path, check, ctx, err, errlen);
}

int db_inspect(const char *path, const struct db_inspect_options *o, struct db_file_info *info,
               char *err, size_t errlen)
{
    return ops->inspect(path, o, info, err, errlen);
}

int db_backup(struct db *db, const char *path)
{
    return ops->backup(db->conn, path);
}

void db_set_wait_hook(void (*fn)(uint64_t wait_ns))
{
    wait_hook = fn;
}

void db_stats(struct db_stats *out)
{
    memset(out, 0, sizeof(*out));
    for (int w = 0; w < 2; w++) {
        out->step_ns[w] = atomic_load_explicit(&retired_ns[w], memory_order_relaxed);
        out->steps[w] = atomic_load_explicit(&retired_steps[w], memory_order_relaxed);
    }
    pthread_mutex_lock(&conns_lock);
    for (struct db *d = conns; d; d = d->next_conn)
        for (int w = 0; w < 2; w++) {
            out->step_ns[w] += atomic_load_explicit(&d->step_ns[w], memory_order_relaxed);
            out->steps[w] += atomic_load_explicit(&d->steps[w], memory_order_relaxed);
        }
    pthread_mutex_unlock(&conns_lock);
    out->commits = atomic_load_explicit(&commits, memory_order_relaxed);
    out->rollbacks = atomic_load_explicit(&rollbacks, memory_order_relaxed);
    out->busy_waits = ops->busy_waits ? ops->busy_waits() : 0;
    out->busy_errors = atomic_load_explicit(&busy_errors, memory_order_relaxed);
    out->writers_waiting = atomic_load_explicit(&writers_waiting, memory_order_relaxed);
    out->file_bytes = out->wal_bytes = -1;
    if (opened && ops->file_sizes)
        ops->file_sizes(&out->file_bytes, &out->wal_bytes);
    out->storage_full = space_full;
}

uint64_t db_time_ns(void)
{
    struct db_stats s;
    db_stats(&s);
    return s.step_ns[0] + s.step_ns[1];
}

uint64_t db_query_count(void)
{
    struct db_stats s;
    db_stats(&s);
    return s.steps[0] + s.steps[1];
}

enum sql_dialect db_dialect(const struct db *db)
{
    (void)db; /* one backend per process: the dialect is the backend's */
    return ops->dialect;
}

int db_ping(struct db *db)
{
    struct db_stmt *st;
    int rc = db_prepare(db, "SELECT 1", &st);
    if (rc)
        return rc;
    rc = db_step(st);
    db_reset(st);
    return rc == DB_ROW ? 0 : -E_DB;
}

unsigned db_nospc_count(const struct db *db)
{
    return db ? db->nospc : 0;
}

bool db_storage_full(void)
{
    if (!space_full)
        return false;
    int64_t now = space_free();
    if (now >= 0)
        storage_check_free(now);
    return space_full;
}
