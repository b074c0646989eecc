// fuzz-sources: src/core/rest/filter.c src/core/db/sqlfunc.c
// fuzz-pkgs: jansson sqlite3 libsodium
/* libFuzzer target for the list-query compiler. Byte 0 picks filter, order, select or paging
 * (and the dialect and flags); the rest is JSON. Whatever compiles must prepare and run on an
 * in-memory SQLite table that matches the field table, use exactly one bind per "?", and
 * contain no byte a client could have chosen; anything else aborts. Not a correctness oracle
 * for which rows match (the unit tests are). */
#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/strbuf.h"
#include "core/db/sqlfunc.h"
#include "core/rest/filter.h"

#define ALL (FIELD_FILTER | FIELD_SORT | FIELD_SELECT)

static const struct field_def fields[] = {
    {"ID", "t.id", FIELD_INT, ALL, NULL},
    {"I", "t.i", FIELD_INT, ALL, NULL},
    {"D", "t.d", FIELD_DOUBLE, ALL, NULL},
    {"S", "t.s", FIELD_STRING, ALL, NULL},
    {"B", "t.b", FIELD_BOOL, ALL, NULL},
    {"DT", "t.dt", FIELD_DATETIME, ALL, NULL},
    {"DA", "t.da", FIELD_DATE, ALL, NULL},
    {"C", "t.c", FIELD_CHAR, ALL, NULL},
    {"PHONE", "t.id", FIELD_STRING, FIELD_FILTER | FIELD_SELECT | FIELD_MULTI,
     "t.id IN (SELECT owner_id FROM crm_fm WHERE type='PHONE' AND value = ?)"},
    {"UF_CRM_1", "t.uf", FIELD_STRING, ALL | FIELD_UF, NULL},
    {"HIDDEN", "t.h", FIELD_STRING, FIELD_SELECT, NULL},
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static sqlite3 *db;

static void db_open(void)
{
    const char *sql =
        "CREATE TABLE t (id INTEGER PRIMARY KEY, i INTEGER, d REAL, s TEXT, b INTEGER,"
        " dt INTEGER, da TEXT, c TEXT, uf TEXT, h TEXT);"
        "CREATE TABLE crm_fm (owner_id INTEGER, type TEXT, value TEXT);"
        "INSERT INTO t VALUES (1, 5, 1.5, 'a%b', 1, 1700000000, '2024-01-01', 'Y', 'x', 'h'),"
        " (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
        " (3, -1, 0, '', 0, 0, '', 'N', '', '');"
        "INSERT INTO crm_fm VALUES (1, 'PHONE', '+1'), (3, 'EMAIL', 'a@b');";
    if (sqlite3_open(":memory:", &db) != SQLITE_OK || sqlfunc_register(db) != SQLITE_OK ||
        sqlite3_exec(db, sql, 0, 0, 0) != SQLITE_OK)
        abort();
}

/* Only bytes our own fragments use: column names, operators, ' for '' and ESCAPE '\'. */
static void check_charset(const char *sql)
{
    for (const char *p = sql; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.,()?=<>!' "
                    "\\",
                    *p))
            abort();
}

static size_t count_placeholders(const char *sql)
{
    size_t n = 0;
    for (const char *p = sql; *p; p++)
        n += *p == '?';
    return n;
}

static void bind_all(sqlite3_stmt *st, const json_t *binds)
{
    size_t i;
    json_t *v;
    json_array_foreach(binds, i, v)
    {
        int idx = (int)i + 1, rc;
        if (json_is_integer(v))
            rc = sqlite3_bind_int64(st, idx, json_integer_value(v));
        else if (json_is_real(v))
            rc = sqlite3_bind_double(st, idx, json_real_value(v));
        else if (json_is_string(v))
            rc = sqlite3_bind_text(st, idx, json_string_value(v), (int)json_string_length(v),
                                   SQLITE_TRANSIENT);
        else
            rc = json_is_null(v) ? sqlite3_bind_null(st, idx) : SQLITE_MISUSE;
        if (rc != SQLITE_OK)
            abort();
    }
}

/* Prepares and runs sql with binds; any failure is a compiler bug. */
static void run_sql(const char *sql, const json_t *binds)
{
    sqlite3_stmt *st = NULL;
    int rc;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "does not prepare: %s\n%s\n", sqlite3_errmsg(db), sql);
        abort();
    }
    if (sqlite3_bind_parameter_count(st) != (int)(binds ? json_array_size(binds) : 0))
        abort();
    if (binds)
        bind_all(st, binds);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        ;
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "does not run: %s\n%s\n", sqlite3_errmsg(db), sql);
        abort();
    }
    sqlite3_finalize(st);
}

static void fuzz_filter(const json_t *in, enum sql_dialect d)
{
    struct strbuf sb;
    char err[256] = "";
    json_t *binds = json_array();
    strbuf_init(&sb, 1 << 16);
    strbuf_addstr(&sb, "SELECT t.id FROM t WHERE ");
    size_t start = sb.len;
    int rc = filter_compile(fields, NFIELDS, in, d, &sb, binds, err, sizeof(err));
    if (rc) {
        if (sb.len != start || json_array_size(binds) || !err[0])
            abort();
    } else {
        check_charset(sb.buf);
        if (count_placeholders(sb.buf) != json_array_size(binds))
            abort();
        if (d == SQL_SQLITE)
            run_sql(sb.buf, binds);
    }
    strbuf_release(&sb);
    json_decref(binds);
}

static void fuzz_order(const json_t *in, bool tiebreak)
{
    struct strbuf sb;
    char err[256] = "";
    strbuf_init(&sb, 1 << 12);
    strbuf_addstr(&sb, "SELECT t.id FROM t");
    size_t start = sb.len;
    int rc = order_compile(fields, NFIELDS, in, tiebreak ? "t.id" : NULL, &sb, err, sizeof(err));
    if (rc) {
        if (sb.len != start || !err[0])
            abort();
    } else {
        check_charset(sb.buf);
        run_sql(sb.buf, NULL);
    }
    strbuf_release(&sb);
}

static void fuzz_select(const json_t *in, bool default_all)
{
    unsigned char chosen[NFIELDS];
    char err[256] = "";
    struct strbuf sb;
    if (select_compile(fields, NFIELDS, in, default_all, chosen, err, sizeof(err))) {
        if (!err[0])
            abort();
        return;
    }
    if (chosen[0] != 1)
        abort();
    strbuf_init(&sb, 0);
    strbuf_addstr(&sb, "SELECT t.id");
    for (size_t i = 1; i < NFIELDS; i++) {
        if (chosen[i] > 1)
            abort();
        if (chosen[i])
            strbuf_addf(&sb, ", %s", fields[i].column);
    }
    strbuf_addstr(&sb, " FROM t");
    run_sql(sb.buf, NULL);
    strbuf_release(&sb);
}

static void fuzz_paging(const json_t *in)
{
    int64_t offset = -5;
    bool count = false;
    if (paging_parse(in, &offset, &count) == 0 && (offset < 0 || (offset && !count)))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t jerr;
    if (!db)
        db_open();
    if (size < 1)
        return 0;
    uint8_t mode = data[0];
    json_t *in =
        json_loadb((const char *)data + 1, size - 1, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    if (!in)
        return 0;
    switch (mode % 4) {
    case 0:
        fuzz_filter(in, (mode & 4) ? SQL_POSTGRES : SQL_SQLITE);
        break;
    case 1:
        fuzz_order(in, mode & 4);
        break;
    case 2:
        fuzz_select(in, mode & 4);
        break;
    default:
        fuzz_paging(in);
        break;
    }
    json_decref(in);
    return 0;
}
