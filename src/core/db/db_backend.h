/* The vtable a storage backend implements (curl's vtls). db.c owns connections, the statement
 * cache, the writer lock and metrics; a backend only talks to its database library.
 * Internal to src/core/db/. */
#ifndef KAZI_DB_BACKEND_H
#define KAZI_DB_BACKEND_H

#include "core/db/db.h"

struct db_ops {
    const char *name;
    enum sql_dialect dialect;
    int (*global_open)(const struct db_options *opt);
    int (*open)(void **conn);
    void (*close)(void *conn);
    int (*prepare)(void *conn, const char *sql, void **stmt);
    void (*finalize)(void *stmt);
    int (*bind_int)(void *stmt, int idx, int64_t v);
    int (*bind_double)(void *stmt, int idx, double v);
    int (*bind_text)(void *stmt, int idx, const char *s, size_t len);
    int (*bind_blob)(void *stmt, int idx, const void *p, size_t len);
    int (*bind_null)(void *stmt, int idx);
    int (*bind_count)(void *stmt);
    int (*step)(void *stmt);
    void (*reset)(void *stmt);
    int (*col_count)(void *stmt);
    const char *(*col_name)(void *stmt, int col);
    enum db_type (*col_type)(void *stmt, int col);
    int64_t (*col_int)(void *stmt, int col);
    double (*col_double)(void *stmt, int col);
    const char *(*col_text)(void *stmt, int col);
    const void *(*col_blob)(void *stmt, int col, size_t *len);
    int (*exec)(void *conn, const char *sql);
    int64_t (*last_id)(void *conn);
    int64_t (*changes)(void *conn);
    const char *(*errmsg)(void *conn);
    int (*backup)(void *conn, const char *path);
    int (*restore)(void *conn, const char *path, db_restore_check_fn check, void *ctx, bool apply,
                   char *err, size_t errlen);
    int (*peek_versions)(const char *path, db_restore_check_fn check, void *ctx, char *err,
                         size_t errlen);
    int (*inspect)(const char *path, const struct db_inspect_options *o, struct db_file_info *info,
                   char *err, size_t errlen);
    /* bytes the database's file system can still take, -1 when unknown */
    int64_t (*space_free)(void);
    void (*global_close)(void *any_conn);
    /* sizes of the database file and its write-ahead log in bytes, -1 when unknown */
    void (*file_sizes)(int64_t *file, int64_t *wal);
    /* times a connection waited for a lock another process held (busy handler calls) */
    uint64_t (*busy_waits)(void);
};

extern const struct db_ops db_sqlite_ops;

#endif
