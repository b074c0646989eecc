/* The browser sign-in API: /api/auth/state, /setup (first run), /login and /logout. Bodies are
 * small JSON objects (16 KB at most, Content-Type application/json, which also keeps other
 * sites' plain forms from signing a browser in). Failed sign-ins are throttled per account and
 * per client address in memory (throttle.h: one node only): an existing account's counter is
 * kept by user id where no flood of other failures can evict it, an e-mail that matches no
 * account is counted like one (so a 429 does not tell which e-mails exist) in a bounded table,
 * and password hashing goes through a small gate so a flood of logins cannot take the
 * server's memory. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/auth/session.h"
#include "core/auth/session_sql.h"
#include "core/auth/throttle.h"
#include "core/auth/users.h"
#include "core/base/crypto.h"
#include "core/base/error.h"
#include "core/base/log.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"
#include "core/http/metrics.h"
#include "core/json/params.h"

#define AUTH_BODY_MAX (16 * 1024)
#define AUTH_COMPANY_MAX 200
#define AUTH_GATE_WAIT_MS 5000
#define LOGIN_WINDOW_S (15 * 60)
#define LOGIN_MAX_PER_ACCOUNT 5
#define LOGIN_MAX_PER_ADDRESS 20
#define SETTING_COMPANY "company_name"

static struct throttle_ids throttle_account =
    THROTTLE_IDS_INIT(LOGIN_MAX_PER_ACCOUNT, LOGIN_WINDOW_S);
static struct throttle throttle_unknown = THROTTLE_INIT(LOGIN_MAX_PER_ACCOUNT, LOGIN_WINDOW_S);
static struct throttle throttle_address = THROTTLE_INIT(LOGIN_MAX_PER_ADDRESS, LOGIN_WINDOW_S);

/* Verified when the e-mail is unknown or has no password, so the answer takes as long as for
 * a wrong password (same algorithm and limits as password_hash; the password is not kept). */
static const char dummy_hash[] = "$argon2id$v=19$m=65536,t=2,p=1$BadJ7yiJRUkMEMGe4UDtJg$"
                                 "YdhVX9YUNKwtE0UFFzk7zhZ/bnz87iY0OUCdUQljD3o";

/* Renders o (reference stolen) as the JSON body, uncached, and returns status. */
static int auth_reply(struct http_response *res, int status, json_t *o)
{
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!s)
        return http_error(res, 500, "INTERNAL_SERVER_ERROR", "reply cannot be rendered");
    strbuf_reset(&res->body);
    strbuf_addstr(&res->body, s);
    free(s);
    http_add_header(res, "Cache-Control", "no-store");
    return status;
}

/* Parses the request body as a JSON object into *out (caller drops it). Returns 0 or the
 * status of the error already written to res. */
static int auth_body(struct http_request *req, struct http_response *res, json_t **out)
{
    const char *ct = http_header(req, "Content-Type");
    json_error_t je;
    *out = NULL;
    if (req->body_len > AUTH_BODY_MAX)
        return http_error(res, 413, "REQUEST_BODY_TOO_LARGE",
                          "request body is larger than the limit of %d bytes", AUTH_BODY_MAX);
    if (!ct || strncasecmp(ct, "application/json", 16))
        return http_error(res, 415, "UNSUPPORTED_MEDIA_TYPE",
                          "request body must be sent as 'application/json'");
    *out = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!*out)
        return http_error(res, 400, "INVALID_REQUEST", "request body is not valid JSON: %s",
                          je.text);
    if (!json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        return http_error(res, 400, "INVALID_REQUEST", "request body is not a JSON object");
    }
    return 0;
}

static const char *body_str(json_t *body, const char *key)
{
    return json_string_value(json_object_get(body, key));
}

/* Whether any user exists. Returns 0 or a database error. */
static int auth_any_user(struct db *db, bool *any)
{
    struct db_stmt *st;
    int rc = db_prepare(db, AUTH_SQL_ANY_USER, &st);
    if (rc)
        return rc;
    rc = db_step(st);
    db_reset(st);
    *any = rc == DB_ROW;
    return rc == DB_ROW || rc == DB_DONE ? 0 : rc;
}

/* The signed-in user as the page needs it; json null when the row cannot be read. */
static json_t *auth_user_json(struct db *db, int64_t id)
{
    struct db_stmt *st;
    json_t *o = NULL;
    if (db_prepare(db, AUTH_SQL_USER_BRIEF, &st))
        return json_null();
    db_bind_int(st, 1, id);
    if (db_step(st) == DB_ROW) {
        const char *email = db_col_text(st, 1), *name = db_col_text(st, 2),
                   *last = db_col_text(st, 3);
        o = json_pack("{s:I, s:s, s:s, s:s, s:b}", "id", (json_int_t)db_col_int(st, 0), "email",
                      email ? email : "", "name", name ? name : "", "last_name", last ? last : "",
                      "is_admin", db_col_int(st, 4) != 0);
    }
    db_reset(st);
    return o ? o : json_null();
}

static json_t *auth_company(struct db *db)
{
    struct db_stmt *st;
    json_t *v = NULL;
    if (db_prepare(db, AUTH_SQL_SETTING_GET, &st))
        return json_null();
    db_bind_text(st, 1, SETTING_COMPANY, -1);
    if (db_step(st) == DB_ROW && db_col_text(st, 0))
        v = json_string(db_col_text(st, 0));
    db_reset(st);
    return v ? v : json_null();
}

/* Runs an UPDATE binding (text,) a, b. */
static int auth_exec(struct db *db, const char *sql, const char *text, int64_t a, int64_t b)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st), i = 1;
    if (rc)
        return rc;
    if (text)
        db_bind_text(st, i++, text, -1);
    db_bind_int(st, i++, a);
    db_bind_int(st, i, b);
    rc = db_step(st);
    db_reset(st);
    return rc == DB_DONE ? 0 : rc < 0 ? rc : -E_DB;
}

static int auth_set_company(struct db *db, const char *company)
{
    struct db_stmt *st;
    int rc = db_prepare(db, AUTH_SQL_SETTING_SET, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, SETTING_COMPANY, -1);
    db_bind_text(st, 2, company, -1);
    rc = db_step(st);
    db_reset(st);
    return rc == DB_DONE ? 0 : rc < 0 ? rc : -E_DB;
}

/* The signed-in reply: {"user", "csrf"} plus the cookie. */
static int auth_signed_in(struct http_request *req, struct http_response *res, json_t *user,
                          const char *token, const struct session_info *s)
{
    http_add_header(res, "Set-Cookie",
                    session_cookie_set(req->arena, token, s->remember, req->secure));
    return auth_reply(res, 200, json_pack("{s:o, s:s}", "user", user, "csrf", s->csrf));
}

static int auth_unavailable(struct http_response *res, int rc)
{
    if (rc == -E_NOSPC)
        return http_error(res, 507, "INSUFFICIENT_STORAGE", "disk is full: nothing was written");
    log_error("sign-in: database error: %s", error_str(rc));
    http_add_header(res, "Retry-After", "1");
    return http_error(res, 503, "DATABASE_BUSY", "database is busy, try again");
}

int auth_http_state(struct http_request *req, struct http_response *res)
{
    struct db *db = db_conn();
    struct session_info s;
    bool any = false;
    if (!db)
        return http_error(res, 503, "DATABASE_UNAVAILABLE", "database is not available");
    int rc = session_from_request(db, req, &s); /* outside a transaction: it may touch */
    bool signed_in = rc == 0;
    if (rc && rc != -E_NOTFOUND)
        return auth_unavailable(res, rc);
    if ((rc = db_begin_read(db)))
        return auth_unavailable(res, rc);
    rc = auth_any_user(db, &any);
    json_t *user = signed_in ? auth_user_json(db, s.user_id) : json_null();
    json_t *o = json_pack("{s:b, s:o, s:o}", "setup_required", !any, "user", user, "company",
                          auth_company(db));
    db_commit(db);
    if (rc) {
        json_decref(o);
        return auth_unavailable(res, rc);
    }
    if (signed_in)
        json_object_set_new(o, "csrf", json_string(s.csrf));
    else if (http_header(req, "Cookie") && strstr(http_header(req, "Cookie"), SESSION_COOKIE))
        http_add_header(res, "Set-Cookie", session_cookie_clear(req->arena, req->secure));
    return auth_reply(res, 200, o);
}

struct setup {
    struct user_new u;
    const char *company;
    int64_t user_id;
    char token[SESSION_TOKEN_LEN + 1];
    struct session_info s;
    json_t *user;
    char err[300];
};

/* Creates the administrator, the company setting and the session in the caller's write
 * transaction. Returns 0, -E_EXISTS when a user exists already, -E_INVAL (err), or an error. */
static int setup_write(struct db *db, struct http_request *req, struct setup *su)
{
    bool any;
    int rc = auth_any_user(db, &any);
    if (rc)
        return rc;
    if (any)
        return -E_EXISTS; /* checked under the writer lock: two setups cannot both pass */
    if ((rc = users_create(db, &su->u, &su->user_id, su->err, sizeof(su->err))))
        return rc == -E_EXISTS ? -E_INVAL : rc;
    if ((rc = auth_set_company(db, su->company)))
        return rc;
    if ((rc = auth_exec(db, AUTH_SQL_USER_SIGNED_IN, NULL, (int64_t)time_now_real(), su->user_id)))
        return rc;
    if ((rc = session_create(db, su->user_id, false, http_header(req, "User-Agent"),
                             http_remote_addr(req), su->token, &su->s)))
        return rc;
    su->user = auth_user_json(db, su->user_id);
    return 0;
}

static int setup_check(json_t *body, struct setup *su, struct http_response *res)
{
    su->u = (struct user_new){body_str(body, "email"), body_str(body, "name"),
                              body_str(body, "last_name"), body_str(body, "password"), true};
    su->company = body_str(body, "company");
    if (!su->u.email || !su->u.password || !*su->u.password)
        return http_error(res, 400, "BX_EMPTY_REQUIRED", "'email' and 'password' are required");
    if (!su->company)
        su->company = "";
    if (strlen(su->company) > AUTH_COMPANY_MAX)
        return http_error(res, 400, "INVALID_ARG_VALUE", "'company' is longer than %d bytes",
                          AUTH_COMPANY_MAX);
    return 0;
}

int auth_http_setup(struct http_request *req, struct http_response *res)
{
    struct setup su = {0};
    struct db *db = db_conn();
    json_t *body;
    bool any = true;
    int status = auth_body(req, res, &body), rc;
    if (status)
        return status;
    if ((status = setup_check(body, &su, res)))
        goto out;
    if (!db || (rc = auth_any_user(db, &any))) {
        status = auth_unavailable(res, db ? rc : -E_DB);
        goto out;
    }
    if (any) {
        status = http_error(res, 409, "ALREADY_SET_UP", "kazi is set up already: sign in");
        goto out;
    }
    if (hash_gate_enter(AUTH_GATE_WAIT_MS)) {
        http_add_header(res, "Retry-After", "1");
        status = http_error(res, 503, "SERVER_BUSY", "too many sign-ins at once, try again");
        goto out;
    }
    rc = db_begin_write(db);
    if (!rc && (rc = setup_write(db, req, &su)))
        db_rollback(db);
    else if (!rc && (rc = db_commit(db)))
        db_rollback(db);
    hash_gate_leave();
    if (rc == -E_EXISTS)
        status = http_error(res, 409, "ALREADY_SET_UP", "kazi is set up already: sign in");
    else if (rc == -E_INVAL)
        status = http_error(res, 400, "INVALID_ARG_VALUE", "%s", su.err);
    else if (rc)
        status = auth_unavailable(res, rc);
    else {
        status = auth_signed_in(req, res, su.user, su.token, &su.s);
        su.user = NULL; /* the reply took it */
    }
out:
    json_decref(su.user);
    json_decref(body);
    return status;
}

struct login {
    const char *email, *password;
    bool remember;
    char key_account[THROTTLE_KEY_MAX], key_address[THROTTLE_KEY_MAX];
    int64_t user_id;
    bool found, active;
    char hash[PASSWORD_HASH_MAX], rehash[PASSWORD_HASH_MAX];
};

/* Reads the user's id, hash and state. Returns 0 (lg->found tells) or a database error. */
static int login_load(struct db *db, struct login *lg)
{
    struct db_stmt *st;
    int rc = db_prepare(db, AUTH_SQL_USER_LOGIN, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, lg->email, -1);
    rc = db_step(st);
    if (rc == DB_ROW) {
        const char *h = db_col_text(st, 1);
        lg->found = true;
        lg->user_id = db_col_int(st, 0);
        lg->active = db_col_int(st, 2) != 0;
        snprintf(lg->hash, sizeof(lg->hash), "%s", h ? h : "");
    }
    db_reset(st);
    return rc == DB_ROW || rc == DB_DONE ? 0 : rc;
}

/* Verifies the password (always one full hash, whether or not the user exists) and computes
 * a new hash when the stored one uses old limits. Returns true when the sign-in may proceed. */
static bool login_verify(struct login *lg)
{
    size_t pl = strlen(lg->password);
    bool usable = lg->found && lg->hash[0];
    int rc = password_verify(usable ? lg->hash : dummy_hash, lg->password, pl);
    if (rc == -E_INVAL) {
        log_warn("user %lld: stored password hash is malformed", (long long)lg->user_id);
        password_verify(dummy_hash, lg->password, pl); /* keep the time the same */
    }
    if (!usable || !lg->active || rc)
        return false;
    if (password_needs_rehash(lg->hash) && password_hash(lg->password, pl, lg->rehash))
        lg->rehash[0] = '\0';
    return true;
}

static void login_keys(struct http_request *req, struct login *lg)
{
    int n = snprintf(lg->key_account, sizeof(lg->key_account), "account:%s", lg->email);
    for (int i = 0; i < n && i < (int)sizeof(lg->key_account); i++)
        lg->key_account[i] = (char)tolower((unsigned char)lg->key_account[i]);
    snprintf(lg->key_address, sizeof(lg->key_address), "address:%s",
             http_remote_addr(req) ? http_remote_addr(req) : "-");
}

/* Creates the session and records the sign-in, in the caller's write transaction. */
static int login_write(struct db *db, struct http_request *req, struct login *lg, char *token,
                       struct session_info *s, json_t **user)
{
    int64_t now = (int64_t)time_now_real();
    int rc = session_prune(db, now);
    if (!rc)
        rc = session_create(db, lg->user_id, lg->remember, http_header(req, "User-Agent"),
                            http_remote_addr(req), token, s);
    if (!rc)
        rc = auth_exec(db, AUTH_SQL_USER_SIGNED_IN, NULL, now, lg->user_id);
    if (!rc && lg->rehash[0])
        rc = auth_exec(db, AUTH_SQL_USER_REHASH, lg->rehash, now, lg->user_id);
    if (!rc)
        *user = auth_user_json(db, lg->user_id);
    return rc;
}

/* Parses the body into lg. Returns 0 or the status of the error written to res. */
static int login_parse(json_t *body, struct login *lg, struct http_response *res)
{
    json_t *rem = json_object_get(body, "remember");
    lg->email = body_str(body, "email");
    lg->password = body_str(body, "password");
    if (!lg->email || !lg->password)
        return http_error(res, 400, "BX_EMPTY_REQUIRED", "'email' and 'password' are required");
    if (rem && !json_is_null(rem) && params_to_bool(rem, &lg->remember))
        return http_error(res, 400, "INVALID_ARG_VALUE", "'remember' is not a boolean");
    return 0;
}

int auth_http_login(struct http_request *req, struct http_response *res)
{
    struct login lg = {0};
    struct session_info s;
    char token[SESSION_TOKEN_LEN + 1];
    json_t *body, *user = NULL;
    struct db *db = db_conn();
    int status = auth_body(req, res, &body), rc, wait;
    if (status)
        return status;
    if ((status = login_parse(body, &lg, res)))
        goto out;
    login_keys(req, &lg);
    int64_t now = (int64_t)time_now_real();
    if (!db || (rc = login_load(db, &lg))) {
        status = auth_unavailable(res, db ? rc : -E_DB);
        goto out;
    }
    wait = lg.found ? throttle_id_check(&throttle_account, lg.user_id, now)
                    : throttle_check(&throttle_unknown, lg.key_account, now);
    int wait_addr = throttle_check(&throttle_address, lg.key_address, now);
    if (wait_addr > wait)
        wait = wait_addr;
    if (wait) {
        metrics_rate_limited(METRICS_RATE_LOGIN);
        http_add_header(res, "Retry-After", arena_printf(req->arena, "%d", wait));
        status = http_error(res, 429, "TOO_MANY_ATTEMPTS",
                            "too many failed sign-ins: try again in %d seconds", wait);
        goto out;
    }
    if (hash_gate_enter(AUTH_GATE_WAIT_MS)) {
        http_add_header(res, "Retry-After", "1");
        status = http_error(res, 503, "SERVER_BUSY", "too many sign-ins at once, try again");
        goto out;
    }
    bool ok = login_verify(&lg);
    hash_gate_leave();
    if (!ok) {
        if (lg.found)
            throttle_id_fail(&throttle_account, lg.user_id, now);
        else
            throttle_fail(&throttle_unknown, lg.key_account, now);
        throttle_fail(&throttle_address, lg.key_address, now);
        status = http_error(res, 401, "INVALID_CREDENTIALS", "e-mail or password is wrong");
        goto out;
    }
    throttle_id_clear(&throttle_account, lg.user_id);
    rc = db_begin_write(db);
    if (!rc && (rc = login_write(db, req, &lg, token, &s, &user)))
        db_rollback(db);
    else if (!rc && (rc = db_commit(db)))
        db_rollback(db);
    if (rc)
        status = auth_unavailable(res, rc);
    else {
        status = auth_signed_in(req, res, user, token, &s);
        user = NULL; /* the reply took it */
    }
out:
    json_decref(user);
    json_decref(body);
    return status;
}

int auth_http_logout(struct http_request *req, struct http_response *res)
{
    struct db *db = db_conn();
    struct session_info s;
    if (!db)
        return http_error(res, 503, "DATABASE_UNAVAILABLE", "database is not available");
    int rc = session_from_request(db, req, &s);
    if (rc && rc != -E_NOTFOUND)
        return auth_unavailable(res, rc);
    if (!rc) {
        if (!session_csrf_ok(req, &s))
            return http_error(res, 403, "INVALID_CSRF_TOKEN",
                              "sign-out needs the '" SESSION_CSRF_HEADER "' header");
        if ((rc = db_begin_write(db)))
            return auth_unavailable(res, rc);
        rc = session_delete(db, s.id);
        if ((rc && rc != -E_NOTFOUND) || db_commit(db)) {
            db_rollback(db);
            return auth_unavailable(res, rc ? rc : -E_DB);
        }
    }
    http_add_header(res, "Set-Cookie", session_cookie_clear(req->arena, req->secure));
    return auth_reply(res, 200, json_pack("{s:b}", "result", 1));
}
