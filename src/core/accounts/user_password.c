/* user.password.set (a kazi extension): sets a user's password. Administrators set anyone's;
 * a user changes their own only with OLD_PASSWORD (so does an administrator who has one). On
 * success the user's browser sessions end, except the one the call came through; application
 * tokens and webhooks stay. Hashing (Argon2id, 64 MiB) runs outside any transaction so it never
 * holds the database's writer lock. Passwords are never logged or echoed in errors. */
#include <stdio.h>
#include <string.h>

#include "core/accounts/ident.h"
#include "core/auth/throttle.h"
#include "core/base/crypto.h"
#include "core/base/error.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"
#include "core/json/params.h"
#include "core/rest/rest.h"

#define PASSWORD_MIN 8
#define PASSWORD_GATE_WAIT_MS 5000
#define OLD_PASSWORD_WINDOW_S (15 * 60)
#define OLD_PASSWORD_MAX_FAILURES 5

static const char SQL_USER_HASH[] = "SELECT password_hash FROM core_user WHERE id = ?";
/* new hash, updated_at, id */
static const char SQL_SET_HASH[] =
    "UPDATE core_user SET password_hash = ?, updated_at = ? WHERE id = ?";
/* the same, only while the hash is still the one the old password was checked against */
static const char SQL_SWAP_HASH[] =
    "UPDATE core_user SET password_hash = ?, updated_at = ? WHERE id = ? AND password_hash = ?";
/* user id, the session to keep (0: none) */
static const char SQL_END_SESSIONS[] = "DELETE FROM core_session WHERE user_id = ? AND id <> ?";

/* Wrong OLD_PASSWORD guesses per user, so a stolen session cannot search for the password. */
static struct throttle_ids throttle_old =
    THROTTLE_IDS_INIT(OLD_PASSWORD_MAX_FAILURES, OLD_PASSWORD_WINDOW_S);

struct pw_set {
    int64_t id;           /* the user whose password is set */
    bool own;             /* the caller's own password */
    bool check_old;       /* OLD_PASSWORD must match (own, unless an admin has none yet) */
    const char *password; /* borrowed from the parameters */
    const char *old;      /* NULL when not given */
    bool had_password;
    char stored[PASSWORD_HASH_MAX]; /* the hash before the change ("" when none) */
    char hash[PASSWORD_HASH_MAX];   /* the new hash */
};

/* Reads parameter name as a password: a string (numbers are formatted) without NUL bytes.
 * *out is NULL when absent. Returns 0 or rest_fail 400. */
static int pw_param(struct rest_call *c, const char *name, const char **out)
{
    json_t *v = rest_param(c, name);
    char buf[PARAMS_STR_BUFSIZE];
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (json_is_string(v)) {
        if (strlen(json_string_value(v)) != json_string_length(v))
            return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter '%s' contains a NUL byte",
                             name);
        *out = json_string_value(v);
        return 0;
    }
    if (!(*out = params_to_str(v, buf, sizeof(buf))))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter '%s' must be a string", name);
    *out = arena_strdup(c->arena, *out);
    return 0;
}

/* Reads and checks the parameters. Returns 0 or rest_fail's value. */
static int pw_parse(struct rest_call *c, struct pw_set *p)
{
    size_t len;
    if (rest_param_id(c, rest_param(c, "ID"), "ID", false, &p->id))
        return -1;
    if (!p->id)
        p->id = c->auth->user_id;
    p->own = p->id == c->auth->user_id;
    if (!p->own && !c->auth->is_admin)
        return rest_fail(c, 403, "ACCESS_DENIED",
                         "only administrators can set other users' passwords");
    if (pw_param(c, "PASSWORD", &p->password) || pw_param(c, "OLD_PASSWORD", &p->old))
        return -1;
    if (!p->password || !*p->password)
        return rest_fail(c, 400, "BX_EMPTY_REQUIRED", "parameter 'PASSWORD' is required");
    len = strlen(p->password);
    if (len < PASSWORD_MIN)
        return rest_fail(c, 400, "INVALID_ARG_VALUE",
                         "parameter 'PASSWORD' is too short: use at least %d characters",
                         PASSWORD_MIN);
    if (len > PASSWORD_MAX)
        return rest_fail(c, 400, "INVALID_ARG_VALUE",
                         "parameter 'PASSWORD' is too long: use at most %d bytes", PASSWORD_MAX);
    return 0;
}

/* Reads the target's current hash in a read transaction. Returns 0 or rest_fail's value. */
static int pw_load(struct rest_call *c, struct pw_set *p)
{
    struct db_stmt *st;
    int rc = db_begin_read(c->db);
    if (rc)
        return rest_fail_db(c, -E_BUSY);
    if (!(rc = db_prepare(c->db, SQL_USER_HASH, &st))) {
        db_bind_int(st, 1, p->id);
        rc = db_step(st);
        if (rc == DB_ROW) {
            const char *h = db_col_text(st, 0);
            snprintf(p->stored, sizeof(p->stored), "%s", h ? h : "");
            p->had_password = h && *h;
        }
        db_reset(st);
    }
    db_commit(c->db);
    if (rc == DB_DONE)
        return rest_fail(c, 400, "NOT_FOUND", "user %lld does not exist", (long long)p->id);
    return rc == DB_ROW ? 0 : rest_fail_db(c, rc < 0 ? rc : -E_DB);
}

/* Decides whether OLD_PASSWORD is needed and present. A user without a password (one who
 * calls through a webhook or token) cannot give themselves one: that would turn a scoped
 * credential into a full browser sign-in. An administrator could do so anyway through
 * another account, so an administrator without a password may set their own. */
static int pw_check_old(struct rest_call *c, struct pw_set *p)
{
    p->check_old = p->own && (p->had_password || !c->auth->is_admin);
    if (!p->check_old)
        return 0;
    if (!p->had_password)
        return rest_fail(c, 403, "PASSWORD_NOT_SET",
                         "you have no password to change: ask an administrator to set one");
    if (!p->old || !*p->old)
        return rest_fail(c, 400, "BX_EMPTY_REQUIRED",
                         "parameter 'OLD_PASSWORD' is required to change your own password");
    return 0;
}

/* Checks OLD_PASSWORD when needed and hashes the new password, holding a hashing slot.
 * Returns 0 or rest_fail's value. */
static int pw_hash(struct rest_call *c, struct pw_set *p)
{
    int64_t now = (int64_t)time_now_real();
    int rc = 0, wait;
    if (pw_check_old(c, p))
        return -1;
    if (p->check_old && (wait = throttle_id_check(&throttle_old, p->id, now)))
        return rest_fail(c, 429, "TOO_MANY_ATTEMPTS",
                         "too many wrong passwords: try again in %d seconds", wait);
    if (hash_gate_enter(PASSWORD_GATE_WAIT_MS))
        return rest_fail(c, 503, "SERVER_BUSY", "too many sign-ins at once, try again");
    if (p->check_old)
        rc = password_verify(p->stored, p->old, strlen(p->old));
    if (!rc)
        rc = password_hash(p->password, strlen(p->password), p->hash) ? -E_NOMEM : 0;
    else
        rc = -E_PERM; /* a malformed stored hash matches nothing either */
    hash_gate_leave();
    if (rc == -E_PERM) {
        throttle_id_fail(&throttle_old, p->id, now);
        return rest_fail(c, 403, "INVALID_OLD_PASSWORD",
                         "parameter 'OLD_PASSWORD' does not match your current password");
    }
    if (rc)
        return rest_fail(c, 503, "SERVER_BUSY", "password cannot be hashed now, try again");
    if (p->check_old)
        throttle_id_clear(&throttle_old, p->id);
    return 0;
}

/* Runs one statement binding (text,) a, b (, text2). Returns the rows changed or -E_*. */
static int64_t pw_exec(struct db *db, const char *sql, const char *text, int64_t a, int64_t b,
                       const char *text2)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st), i = 1;
    if (rc)
        return rc;
    if (text)
        db_bind_text(st, i++, text, -1);
    db_bind_int(st, i++, a);
    db_bind_int(st, i++, b);
    if (text2)
        db_bind_text(st, i, text2, -1);
    rc = db_step(st);
    db_reset(st);
    if (rc != DB_DONE)
        return rc < 0 ? rc : -E_DB;
    return db_changes(db);
}

/* Stores the hash and ends the user's other sessions in one write transaction. Returns 0 or
 * rest_fail's value; nothing is written on failure. */
static int pw_store(struct rest_call *c, struct pw_set *p)
{
    /* the session this call came through, when it is one of the user's own */
    int64_t keep = c->auth->kind == AUTH_SESSION && p->own ? c->auth->credential_id : 0;
    int64_t n;
    if (db_begin_write(c->db))
        return rest_fail_db(c, -E_BUSY);
    if (p->check_old)
        n = pw_exec(c->db, SQL_SWAP_HASH, p->hash, (int64_t)time_now_real(), p->id, p->stored);
    else
        n = pw_exec(c->db, SQL_SET_HASH, p->hash, (int64_t)time_now_real(), p->id, NULL);
    if (n == 0) {
        db_rollback(c->db);
        return p->check_old
                   ? rest_fail(c, 409, "CONFLICT",
                               "password was changed meanwhile: nothing was written, try again")
                   : rest_fail(c, 400, "NOT_FOUND", "user %lld does not exist", (long long)p->id);
    }
    if (n > 0)
        n = pw_exec(c->db, SQL_END_SESSIONS, NULL, p->id, keep, NULL);
    if (n < 0) {
        db_rollback(c->db);
        return rest_fail_db(c, (int)n);
    }
    if (db_commit(c->db)) {
        db_rollback(c->db);
        return rest_fail(c, 500, "INTERNAL_SERVER_ERROR",
                         "the change cannot be committed, nothing was written");
    }
    return 0;
}

static int user_password_set(struct rest_call *c)
{
    struct pw_set p = {0};
    if (!c->auth || !c->auth->user_id)
        return rest_fail(c, 401, "NO_AUTH_FOUND", "setting a password needs a signed-in user");
    if (pw_parse(c, &p) || pw_load(c, &p) || pw_hash(c, &p) || pw_store(c, &p))
        return -1;
    c->result = json_true();
    return 0;
}

/* REST_NO_TXN: the handler opens its own transactions around the hashing (see above). */
const struct rest_method user_password_methods[] = {
    {.name = "user.password.set",
     .scope = "user",
     .fn = user_password_set,
     .flags = REST_WRITE | REST_NO_TXN},
    {0},
};
