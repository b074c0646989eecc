/* Application tokens (core_token): bearer secrets passed as the `auth` parameter, with scopes,
 * an optional expiry and revocation. Only the SHA-256 is stored. Who may create them is decided
 * by the token.* methods (src/core/accounts/auth_methods.c); this file only stores and checks. */
#include "core/auth/tokens.h"

#include <stdio.h>
#include <string.h>

#include "core/auth/identity.h"
#include "core/auth/session_sql.h"
#include "core/auth/webhooks.h"
#include "core/base/crypto.h"
#include "core/base/error.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"

/* Scopes of the last token resolved on this thread (auth_identity.scopes points here). */
static _Thread_local char tokens_scopes[WEBHOOK_SCOPES_MAX];

int tokens_secret_step(struct db *db, const char *sql, const char *secret, struct db_stmt **st)
{
    char hash[65];
    size_t len = strlen(secret);
    if (len == 0 || len > TOKEN_MAX)
        return -E_NOTFOUND;
    crypto_sha256_hex(secret, len, hash);
    int rc = db_prepare(db, sql, st);
    if (rc)
        return rc;
    db_bind_text(*st, 1, hash, -1);
    rc = db_step(*st);
    if (rc != DB_ROW) {
        db_reset(*st);
        return rc == DB_DONE ? -E_NOTFOUND : rc < 0 ? rc : -E_DB;
    }
    return 0;
}

static int tokens_user_active(struct db *db, int64_t user_id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, TOKEN_SQL_USER_ACTIVE, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, user_id);
    rc = db_step(st);
    db_reset(st);
    return rc == DB_ROW ? 0 : rc == DB_DONE ? -E_NOTFOUND : rc;
}

int tokens_create(struct db *db, int64_t user_id, const char *scopes, const char *title,
                  int64_t expires_at, int64_t *id, char *token, char *err, size_t errlen)
{
    struct db_stmt *st;
    char hash[65];
    if (scopes && !webhooks_scopes_valid(scopes)) {
        snprintf(err, errlen, "scopes '%s' must be a comma list of names such as crm,user", scopes);
        return -E_INVAL;
    }
    int rc = tokens_user_active(db, user_id);
    if (rc) {
        snprintf(err, errlen, "user %lld does not exist or is not active", (long long)user_id);
        return rc;
    }
    crypto_random_token_b64(token, TOKEN_LEN);
    crypto_sha256_hex(token, TOKEN_LEN, hash);
    if ((rc = db_prepare(db, TOKEN_SQL_INSERT, &st)))
        return rc;
    db_bind_int(st, 1, user_id);
    db_bind_text(st, 2, hash, -1);
    db_bind_text(st, 3, scopes, -1); /* NULL binds NULL: every scope */
    db_bind_text(st, 4, title ? title : "", -1);
    db_bind_int(st, 5, (int64_t)time_now_real());
    if (expires_at > 0)
        db_bind_int(st, 6, expires_at);
    else
        db_bind_null(st, 6);
    rc = db_step(st);
    db_reset(st);
    if (rc != DB_DONE)
        return rc < 0 ? rc : -E_DB;
    *id = db_last_id(db);
    return 0;
}

int tokens_find(struct db *db, const char *token, int64_t now, struct auth_identity *out)
{
    struct db_stmt *st;
    int rc = tokens_secret_step(db, TOKEN_SQL_FIND, token, &st);
    if (rc)
        return rc;
    const char *scopes = db_col_text(st, 2);
    if (db_col_type(st, 4) != DB_NULL) {
        rc = -E_NOTFOUND; /* revoked: as if it never existed */
    } else if (db_col_type(st, 3) != DB_NULL && db_col_int(st, 3) <= now) {
        rc = -E_PERM;
    } else {
        snprintf(tokens_scopes, sizeof(tokens_scopes), "%s", scopes ? scopes : "");
        *out = (struct auth_identity){AUTH_TOKEN, db_col_int(st, 1), db_col_int(st, 5) != 0,
                                      db_col_int(st, 0), scopes ? tokens_scopes : NULL};
    }
    db_reset(st);
    return rc;
}

int tokens_revoke(struct db *db, int64_t id)
{
    return db_change_ints(db, TOKEN_SQL_REVOKE, 2, (int64_t[]){(int64_t)time_now_real(), id});
}

/* A Unix time column as ISO 8601, or null for SQL NULL. */
static json_t *tokens_time(struct db_stmt *st, int col)
{
    char buf[40];
    if (db_col_type(st, col) == DB_NULL)
        return json_null();
    time_fmt_iso(buf, sizeof(buf), (double)db_col_int(st, col), 1);
    return json_string(buf);
}

static json_t *tokens_row(struct db_stmt *st, int64_t now)
{
    const char *title = db_col_text(st, 2);
    bool active =
        db_col_type(st, 6) == DB_NULL && (db_col_type(st, 5) == DB_NULL || db_col_int(st, 5) > now);
    json_t *scopes =
        db_col_type(st, 3) == DB_NULL ? json_null() : webhooks_scopes_array(db_col_text(st, 3));
    return json_pack("{s:I, s:I, s:s, s:o, s:o, s:o, s:o, s:b}", "ID",
                     (json_int_t)db_col_int(st, 0), "USER_ID", (json_int_t)db_col_int(st, 1),
                     "TITLE", title ? title : "", "SCOPES", scopes, "CREATED_AT",
                     tokens_time(st, 4), "EXPIRES_AT", tokens_time(st, 5), "REVOKED_AT",
                     tokens_time(st, 6), "ACTIVE", active);
}

int tokens_list(struct db *db, int64_t user_id, int64_t offset, int limit, json_t *rows,
                int64_t *total)
{
    struct db_stmt *st;
    int64_t now = (int64_t)time_now_real();
    int rc = db_prepare(db, TOKEN_SQL_LIST, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, user_id);
    db_bind_int(st, 2, user_id);
    db_bind_int(st, 3, limit);
    db_bind_int(st, 4, offset);
    while ((rc = db_step(st)) == DB_ROW)
        json_array_append_new(rows, tokens_row(st, now));
    db_reset(st);
    if (rc != DB_DONE)
        return rc < 0 ? rc : -E_DB;
    if (!total)
        return 0;
    if ((rc = db_prepare(db, TOKEN_SQL_COUNT, &st)))
        return rc;
    db_bind_int(st, 1, user_id);
    db_bind_int(st, 2, user_id);
    rc = db_step(st);
    if (rc == DB_ROW)
        *total = db_col_int(st, 0);
    db_reset(st);
    return rc == DB_ROW ? 0 : rc < 0 ? rc : -E_DB;
}
