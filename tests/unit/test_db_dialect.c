/* The SQL dialect is the backend's: a connection of the SQLite backend says SQL_SQLITE, and
 * the filter compiler given db_dialect(db) writes SQL that runs on that connection (a "%"
 * filter through kazi_fold, which only the SQLite backend registers). */
#include <jansson.h>
#include <stdio.h>
#include <unistd.h>

#include "core/base/strbuf.h"
#include "core/db/db.h"
#include "core/rest/filter.h"
#include "t.h"

static void dialect_body(struct db *db)
{
    static const struct field_def f[] = {{"TITLE", "t.title", FIELD_STRING, FIELD_FILTER, NULL}};
    char err[128], sql[512];
    struct strbuf where;
    struct db_stmt *st = NULL;
    json_t *filter = json_pack("{s:s}", "%TITLE", "ÁGUA"), *binds = json_array();
    strbuf_init(&where, 0);
    CHECK_INT(db_dialect(db), SQL_SQLITE);
    CHECK_INT(db_exec(db, "CREATE TABLE t (title TEXT); INSERT INTO t VALUES ('Água fria')"), 0);
    CHECK_INT(filter_compile(f, 1, filter, db_dialect(db), &where, binds, err, sizeof(err)), 0);
    snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM t WHERE %s", where.buf);
    CHECK_INT(json_array_size(binds), 1);
    CHECK_INT(db_prepare_dyn(db, sql, &st), 0);
    CHECK_INT(db_bind_text(st, 1, json_string_value(json_array_get(binds, 0)), -1), 0);
    CHECK_INT(db_step(st), DB_ROW);
    CHECK_INT(db_col_int(st, 0), 1);
    db_finalize(st);
    strbuf_release(&where);
    json_decref(filter);
    json_decref(binds);
}

TEST(db_dialect_is_the_backends)
{
    char path[300];
    snprintf(path, sizeof(path), "%s/dialect.db", t_tmpdir());
    unlink(path);
    struct db_options o = {.path = path, .busy_timeout_ms = 2000};
    CHECK_INT(db_global_open(&o), 0);
    struct db *db = db_conn();
    if (db)
        dialect_body(db);
    else
        t_fail(__FILE__, __LINE__, "database cannot be opened");
    db_global_close();
}
