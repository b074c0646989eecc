/* User creation. Passwords are hashed with Argon2id before they reach the database. */
#include "core/auth/users.h"

#include <stdio.h>
#include <string.h>

#include "core/base/crypto.h"
#include "core/base/error.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"

static const char SQL_INSERT[] =
    "INSERT INTO core_user (email, name, last_name, password_hash, is_admin, created_at,"
    " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)";

bool users_email_valid(const char *email)
{
    size_t len = strlen(email);
    const char *at = strchr(email, '@');
    if (len < 3 || len > 254 || !at || at == email || strchr(at + 1, '@'))
        return false;
    if (strpbrk(email, " \t\r\n<>,;\"") || !strchr(at + 1, '.'))
        return false;
    return at[1] != '.' && email[len - 1] != '.';
}

int users_create(struct db *db, const struct user_new *u, int64_t *id, char *err, size_t errlen)
{
    char hash[PASSWORD_HASH_MAX];
    struct db_stmt *st;
    int rc;
    if (!u->email || !users_email_valid(u->email)) {
        snprintf(err, errlen, "e-mail '%s' is not a valid address", u->email ? u->email : "");
        return -E_INVAL;
    }
    if (u->password) {
        size_t pl = strlen(u->password);
        if (pl < 8) {
            snprintf(err, errlen, "password is too short: use at least 8 characters");
            return -E_INVAL;
        }
        rc = password_hash(u->password, pl, hash);
        if (rc) {
            snprintf(err, errlen, "password cannot be hashed: %s", error_str(rc));
            return rc;
        }
    }
    rc = db_prepare(db, SQL_INSERT, &st);
    if (rc)
        return rc;
    int64_t now = (int64_t)time_now_real();
    db_bind_text(st, 1, u->email, -1);
    db_bind_text(st, 2, u->name ? u->name : "", -1);
    db_bind_text(st, 3, u->last_name ? u->last_name : "", -1);
    if (u->password)
        db_bind_text(st, 4, hash, -1);
    else
        db_bind_null(st, 4);
    db_bind_int(st, 5, u->is_admin ? 1 : 0);
    db_bind_int(st, 6, now);
    db_bind_int(st, 7, now);
    rc = db_step(st);
    db_reset(st);
    if (rc == -E_EXISTS) {
        snprintf(err, errlen, "e-mail '%s' is already used by another user", u->email);
        return rc;
    }
    if (rc != DB_DONE)
        return rc < 0 ? rc : -E_DB;
    *id = db_last_id(db);
    return 0;
}
