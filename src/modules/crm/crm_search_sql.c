/* Every statement of CRM search, for SQLite: an FTS5 table (unicode61 tokenizer without
 * diacritics) created at start-up rather than by a migration, because migrations are portable
 * SQL and FTS5 is SQLite's own. A PostgreSQL backend replaces this file: a table with a
 * tsvector column (to_tsvector('simple', unaccent(...))), a GIN index, prefix queries through
 * to_tsquery('...:*') and ts_rank for the order; crm_search.c stays as it is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/auth/perm.h"
#include "core/base/error.h"
#include "core/base/strbuf.h"
#include "core/db/db.h"
#include "core/db/db_json.h"
#include "modules/crm/crm_entity.h"
#include "modules/crm/crm_internal.h"
#include "modules/crm/crm_search.h"

#define SEARCH_ROWID_TYPES 64   /* rowid = id * 64 + entity type */
#define SEARCH_RANK_WINDOW 2000 /* newest matches ranked by bm25 */

static const char SQL_EXISTS[] =
    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'crm_search'";
static const char SQL_CREATE[] =
    "CREATE VIRTUAL TABLE IF NOT EXISTS crm_search USING fts5(title, names, comm,"
    " subtitle UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')";
/* FTS5 keeps its row total in the "averages" record (rowid 1 of its data table): reading it
 * is one lookup where COUNT(*) walks every document */
static const char SQL_TOTALS[] = "SELECT block FROM crm_search_data WHERE id = 1";
static const char SQL_CLEAR[] = "DELETE FROM crm_search";
static const char SQL_DROP[] = "DELETE FROM crm_search WHERE rowid = ?";
static const char SQL_PUT[] =
    "INSERT INTO crm_search (rowid, title, names, comm, subtitle) VALUES (?, ?, ?, ?, ?)";
static const char SQL_COMM[] =
    "SELECT type_id, value, value_norm FROM crm_fm WHERE owner_type = ? AND owner_id = ?"
    " AND type_id IN ('PHONE', 'EMAIL') ORDER BY type_id DESC, id";

static int one_int(struct db *db, const char *sql, bool dyn, int64_t *out)
{
    struct db_stmt *st;
    int rc = dyn ? db_prepare_dyn(db, sql, &st) : db_prepare(db, sql, &st);
    if (rc)
        return rc;
    rc = db_step(st);
    *out = rc == DB_ROW ? db_col_int(st, 0) : 0;
    if (dyn)
        db_finalize(st);
    else
        db_reset(st);
    return rc < 0 ? rc : 0;
}

int crm_search_sql_ensure(struct db *db, bool *created)
{
    int64_t found = 0;
    int rc = one_int(db, SQL_EXISTS, false, &found);
    *created = false;
    if (rc || found)
        return rc;
    if ((rc = db_exec(db, SQL_CREATE)))
        return rc;
    *created = true;
    return 0;
}

/* SQLite's varint: seven bits a byte, high bit set while more follow, the ninth byte whole */
static int64_t varint_get(const unsigned char *p, size_t len)
{
    uint64_t v = 0;
    for (size_t i = 0; i < len && i < 9; i++) {
        if (i == 8)
            return (int64_t)((v << 8) | p[i]);
        v = (v << 7) | (p[i] & 0x7f);
        if (!(p[i] & 0x80))
            break;
    }
    return (int64_t)v;
}

static int fts_total(struct db *db, int64_t *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_TOTALS, &st);
    if (rc)
        return rc;
    *out = 0;
    if ((rc = db_step(st)) == DB_ROW) {
        size_t len = 0;
        const unsigned char *p = db_col_blob(st, 0, &len);
        *out = p ? varint_get(p, len) : 0;
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int crm_search_sql_counts(struct db *db, const struct crm_entity_def *const *defs, int64_t *docs,
                          int64_t *records)
{
    struct strbuf sql;
    int rc = fts_total(db, docs);
    if (rc)
        return rc;
    strbuf_init(&sql, 0);
    strbuf_addstr(&sql, "SELECT 0");
    for (; *defs; defs++)
        strbuf_addf(&sql, " + (SELECT COUNT(*) FROM %s)", (*defs)->table);
    rc = one_int(db, sql.buf, true, records);
    strbuf_release(&sql);
    return rc;
}

int crm_search_sql_clear(struct db *db)
{
    return db_exec(db, SQL_CLEAR);
}

int crm_search_sql_ids(struct db *db, const struct crm_entity_def *def, json_t **out)
{
    struct strbuf sql;
    struct db_stmt *st;
    int rc;
    strbuf_init(&sql, 0);
    strbuf_addf(&sql, "SELECT id FROM %s ORDER BY id", def->table);
    *out = json_array();
    if (!(rc = db_prepare_dyn(db, sql.buf, &st))) {
        while ((rc = db_step(st)) == DB_ROW)
            json_array_append_new(*out, json_integer(db_col_int(st, 0)));
        db_finalize(st);
        rc = rc < 0 ? rc : 0;
    }
    strbuf_release(&sql);
    return rc;
}

static int64_t rowid_of(int type, int64_t id)
{
    return id * SEARCH_ROWID_TYPES + type;
}

int crm_search_sql_drop(struct db *db, int type, int64_t id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_DROP, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, rowid_of(type, id));
    rc = db_step(st);
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int crm_search_sql_put(struct db *db, int type, int64_t id, const struct crm_search_doc *doc)
{
    struct db_stmt *st;
    int rc = crm_search_sql_drop(db, type, id);
    if (rc || (rc = db_prepare(db, SQL_PUT, &st)))
        return rc;
    db_bind_int(st, 1, rowid_of(type, id));
    db_bind_text(st, 2, doc->title ? doc->title : "", -1);
    db_bind_text(st, 3, doc->names ? doc->names : "", -1);
    db_bind_text(st, 4, doc->comm ? doc->comm : "", -1);
    db_bind_text(st, 5, doc->subtitle ? doc->subtitle : "", -1);
    rc = db_step(st);
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int crm_search_sql_comm(struct db *db, int type, int64_t id, json_t **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_COMM, &st);
    *out = json_array();
    if (rc)
        return rc;
    db_bind_int(st, 1, type);
    db_bind_int(st, 2, id);
    while ((rc = db_step(st)) == DB_ROW) {
        const char *t = db_col_text(st, 0), *v = db_col_text(st, 1), *n = db_col_text(st, 2);
        json_array_append_new(*out, json_pack("[s, s, s]", t ? t : "", v ? v : "", n ? n : ""));
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

/* " AND (<rows of entities the caller may read>)" */
static int narrow(const struct auth_identity *auth, const struct crm_entity_def *const *defs,
                  const int *levels, int n_defs, struct strbuf *sql, json_t *binds)
{
    int n = 0, rc = strbuf_addstr(sql, " AND (");
    for (int i = 0; i < n_defs && !rc; i++) {
        char col[96];
        if (levels[i] <= PERM_LEVEL_NONE)
            continue;
        rc = strbuf_addf(sql, "%s(crm_search.rowid %% %d = %d", n++ ? " OR " : "",
                         SEARCH_ROWID_TYPES, defs[i]->type_id);
        if (!rc && levels[i] < PERM_LEVEL_ALL) {
            snprintf(col, sizeof(col), "t.%s", defs[i]->owner_column);
            rc = strbuf_addf(sql, " AND crm_search.rowid / %d IN (SELECT t.id FROM %s t WHERE ",
                             SEARCH_ROWID_TYPES, defs[i]->table);
            if (!rc)
                rc = perm_sql(auth, (enum perm_level)levels[i], col, sql, binds);
            if (!rc)
                rc = strbuf_addch(sql, ')');
        }
        if (!rc)
            rc = strbuf_addch(sql, ')');
    }
    if (!rc && !n)
        rc = strbuf_addstr(sql, "1=0");
    return rc ? rc : strbuf_addch(sql, ')');
}

static json_t *hit(struct db_stmt *st)
{
    int64_t rowid = db_col_int(st, 0);
    const char *title = db_col_text(st, 1), *sub = db_col_text(st, 2);
    /* bm25 is lower for better matches; the answer's rank grows with relevance */
    return json_pack("{s:I, s:I, s:s, s:s, s:f}", "entityTypeId",
                     (json_int_t)(rowid % SEARCH_ROWID_TYPES), "id",
                     (json_int_t)(rowid / SEARCH_ROWID_TYPES), "title", title ? title : "",
                     "subtitle", sub ? sub : "", "rank", -db_col_double(st, 3));
}

/* The rowid below which matches are not ranked: the SEARCH_RANK_WINDOW-th newest visible match,
 * or 0 when there are fewer. bm25 costs a little per match, so a word found in tens of
 * thousands of documents ranks only its newest matches; selective queries rank every match. */
static int rank_floor(struct db *db, const char *match, const char *narrowed, json_t *binds,
                      int64_t *lowest)
{
    struct strbuf sql;
    struct db_stmt *st = NULL;
    int rc;
    *lowest = 0;
    strbuf_init(&sql, CRM_SQL_CAP);
    if ((rc = strbuf_addf(&sql,
                          "SELECT crm_search.rowid FROM crm_search WHERE crm_search MATCH ?"
                          "%s ORDER BY crm_search.rowid DESC LIMIT 1 OFFSET %d",
                          narrowed, SEARCH_RANK_WINDOW - 1)) ||
        (rc = db_prepare_dyn(db, sql.buf, &st)))
        goto out;
    db_bind_text(st, 1, match, -1);
    if ((rc = db_bind_json(st, binds, 2)) < 0)
        goto out;
    if ((rc = db_step(st)) == DB_ROW)
        *lowest = db_col_int(st, 0);
    rc = rc < 0 ? rc : 0;
out:
    if (st)
        db_finalize(st);
    strbuf_release(&sql);
    return rc;
}

int crm_search_sql_query(struct db *db, const char *match, const struct auth_identity *auth,
                         const struct crm_entity_def *const *defs, const int *levels, int n_defs,
                         int limit, json_t **out)
{
    struct strbuf sql, narrowed;
    struct db_stmt *st = NULL;
    json_t *binds = json_array();
    int64_t lowest = 0;
    int rc, idx;
    *out = NULL;
    strbuf_init(&sql, CRM_SQL_CAP);
    strbuf_init(&narrowed, CRM_SQL_CAP);
    if ((rc = narrow(auth, defs, levels, n_defs, &narrowed, binds)) ||
        (rc = rank_floor(db, match, narrowed.buf, binds, &lowest)) ||
        (rc = strbuf_addf(&sql,
                          "SELECT crm_search.rowid, title, subtitle,"
                          " bm25(crm_search, 10.0, 5.0, 2.0, 0.0) AS score FROM crm_search"
                          " WHERE crm_search MATCH ? AND crm_search.rowid >= ?%s"
                          " ORDER BY score, crm_search.rowid LIMIT ?",
                          narrowed.buf)) ||
        (rc = db_prepare_dyn(db, sql.buf, &st)))
        goto out;
    db_bind_text(st, 1, match, -1);
    db_bind_int(st, 2, lowest);
    if ((rc = idx = db_bind_json(st, binds, 3)) < 0)
        goto out;
    db_bind_int(st, idx, limit);
    *out = json_array();
    while ((rc = db_step(st)) == DB_ROW)
        json_array_append_new(*out, hit(st));
    rc = rc < 0 ? rc : 0;
out:
    if (st)
        db_finalize(st);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    json_decref(binds);
    strbuf_release(&narrowed);
    strbuf_release(&sql);
    return rc;
}
