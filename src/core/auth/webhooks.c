/* Webhook storage: secrets are random, stored as SHA-256, compared by hash lookup. */
#include "core/auth/webhooks.h"

#include <stdio.h>
#include <string.h>

#include "core/base/crypto.h"
#include "core/base/error.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"

static const char SQL_USER_EXISTS[] = "SELECT 1 FROM core_user WHERE id = ? AND active = 1";
static const char SQL_INSERT[] =
    "INSERT INTO core_webhook (user_id, secret_hash, scopes, title, created_at)"
    " VALUES (?, ?, ?, ?, ?)";
static const char SQL_FIND[] =
    "SELECT w.id, w.user_id, w.scopes, u.is_admin FROM core_webhook w JOIN core_user u ON u.id = "
    "w.user_id"
    " WHERE w.secret_hash = ? AND w.user_id = ? AND w.revoked_at IS NULL AND u.active = 1"
    " AND (w.expires_at IS NULL OR w.expires_at > ?)";
/* user filter (0 = all) twice, limit, offset */
static const char SQL_LIST[] =
    "SELECT id, user_id, title, scopes, created_at, expires_at, revoked_at FROM core_webhook"
    " WHERE (? = 0 OR user_id = ?) ORDER BY id LIMIT ? OFFSET ?";
static const char SQL_COUNT[] = "SELECT COUNT(*) FROM core_webhook WHERE (? = 0 OR user_id = ?)";
static const char SQL_REVOKE[] =
    "UPDATE core_webhook SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL";

bool webhooks_scopes_valid(const char *s)
{
    if (!s || !*s || strlen(s) >= WEBHOOK_SCOPES_MAX)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || *p == '_' || *p == ',' || (*p >= '0' && *p <= '9')))
            return false;
    return s[0] != ',' && s[strlen(s) - 1] != ',' && !strstr(s, ",,");
}

int webhooks_create(struct db *db, int64_t user_id, const char *scopes, const char *title,
                    int64_t *id, char *secret, char *err, size_t errlen)
{
    struct db_stmt *st;
    char hash[65];
    if (!webhooks_scopes_valid(scopes)) {
        snprintf(err, errlen, "scopes '%s' must be a comma list of names such as crm,user",
                 scopes ? scopes : "");
        return -E_INVAL;
    }
    int rc = db_prepare(db, SQL_USER_EXISTS, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, user_id);
    rc = db_step(st);
    db_reset(st);
    if (rc != DB_ROW) {
        snprintf(err, errlen, "user %lld does not exist or is not active", (long long)user_id);
        return rc < 0 ? rc : -E_NOTFOUND;
    }
    crypto_random_token(secret, WEBHOOK_SECRET_LEN);
    crypto_sha256_hex(secret, WEBHOOK_SECRET_LEN, hash);
    if ((rc = db_prepare(db, SQL_INSERT, &st)))
        return rc;
    db_bind_int(st, 1, user_id);
    db_bind_text(st, 2, hash, -1);
    db_bind_text(st, 3, scopes, -1);
    db_bind_text(st, 4, title ? title : "", -1);
    db_bind_int(st, 5, (int64_t)time_now_real());
    rc = db_step(st);
    db_reset(st);
    if (rc != DB_DONE)
        return rc < 0 ? rc : -E_DB;
    *id = db_last_id(db);
    return 0;
}

int webhooks_find(struct db *db, int64_t user_id, const char *secret, struct webhook *out)
{
    struct db_stmt *st;
    char hash[65];
    crypto_sha256_hex(secret, strlen(secret), hash);
    int rc = db_prepare(db, SQL_FIND, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, hash, -1);
    db_bind_int(st, 2, user_id);
    db_bind_int(st, 3, (int64_t)time_now_real());
    rc = db_step(st);
    if (rc == DB_ROW) {
        out->id = db_col_int(st, 0);
        out->user_id = db_col_int(st, 1);
        const char *sc = db_col_text(st, 2);
        snprintf(out->scopes, sizeof(out->scopes), "%s", sc ? sc : "");
        out->is_admin = (int)db_col_int(st, 3);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = -E_NOTFOUND;
    }
    db_reset(st);
    return rc;
}

int webhooks_revoke(struct db *db, int64_t id)
{
    return db_change_ints(db, SQL_REVOKE, 2, (int64_t[]){(int64_t)time_now_real(), id});
}

int webhooks_has_scope(const char *scopes, const char *scope)
{
    size_t sl = strlen(scope);
    for (const char *p = scopes; *p;) {
        size_t l = strcspn(p, ",");
        if (l == sl && !strncmp(p, scope, l))
            return 1;
        p += l;
        if (*p)
            p++;
    }
    return 0;
}

json_t *webhooks_scopes_array(const char *scopes)
{
    json_t *a = json_array();
    for (const char *p = scopes ? scopes : ""; *p;) {
        size_t l = strcspn(p, ",");
        if (l)
            json_array_append_new(a, json_stringn(p, l));
        p += l + (p[l] ? 1 : 0);
    }
    return a;
}

/* A Unix time column as ISO 8601, or null for SQL NULL. */
static json_t *time_or_null(struct db_stmt *st, int col)
{
    char buf[40];
    if (db_col_type(st, col) == DB_NULL)
        return json_null();
    time_fmt_iso(buf, sizeof(buf), (double)db_col_int(st, col), 1);
    return json_string(buf);
}

int webhooks_list(struct db *db, int64_t user_id, int64_t offset, int limit, json_t *rows,
                  int64_t *total)
{
    struct db_stmt *st;
    int64_t now = (int64_t)time_now_real();
    int rc = db_prepare(db, SQL_LIST, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, user_id);
    db_bind_int(st, 2, user_id);
    db_bind_int(st, 3, limit);
    db_bind_int(st, 4, offset);
    while ((rc = db_step(st)) == DB_ROW) {
        const char *title = db_col_text(st, 2);
        bool active = db_col_type(st, 6) == DB_NULL &&
                      (db_col_type(st, 5) == DB_NULL || db_col_int(st, 5) > now);
        json_array_append_new(
            rows, json_pack("{s:I, s:I, s:s, s:o, s:o, s:o, s:o, s:b}", "ID",
                            (json_int_t)db_col_int(st, 0), "USER_ID", (json_int_t)db_col_int(st, 1),
                            "TITLE", title ? title : "", "SCOPES",
                            webhooks_scopes_array(db_col_text(st, 3)), "CREATED_AT",
                            time_or_null(st, 4), "EXPIRES_AT", time_or_null(st, 5), "REVOKED_AT",
                            time_or_null(st, 6), "ACTIVE", active));
    }
    db_reset(st);
    if (rc != DB_DONE)
        return rc < 0 ? rc : -E_DB;
    if (!total)
        return 0;
    if ((rc = db_prepare(db, SQL_COUNT, &st)))
        return rc;
    db_bind_int(st, 1, user_id);
    db_bind_int(st, 2, user_id);
    rc = db_step(st);
    if (rc == DB_ROW)
        *total = db_col_int(st, 0);
    db_reset(st);
    return rc == DB_ROW ? 0 : rc < 0 ? rc : -E_DB;
}
