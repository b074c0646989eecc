/* Browser sessions: the cookie token is random and only its SHA-256 is stored; each session
 * also carries a CSRF token the page sends back in a header. last_seen is written at most once
 * a minute so reading pages does not turn into a write per request. Application tokens live in
 * tokens.c; the HTTP sign-in API in auth_routes.c. */
#include "core/auth/session.h"

#include <stdio.h>
#include <string.h>

#include "core/auth/identity.h"
#include "core/auth/session_sql.h"
#include "core/base/crypto.h"
#include "core/base/error.h"
#include "core/base/log.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"

#define SESSION_TEXT_MAX 255 /* user agent and address are kept for the user's session list */
#define SESSION_COOKIES_TRIED 4

static const char *skip_blank(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

static const char *trim_blank(const char *start, const char *p)
{
    while (p > start && (p[-1] == ' ' || p[-1] == '\t'))
        p--;
    return p;
}

int session_cookie_next(const char **pos, const char *name, char *out, size_t outlen)
{
    size_t nl = strlen(name);
    const char *p = *pos;
    while (p && *p) {
        const char *end = strchr(p, ';');
        if (!end)
            end = p + strlen(p);
        const char *k = skip_blank(p, end);
        const char *eq = memchr(k, '=', (size_t)(end - k));
        *pos = p = *end ? end + 1 : end;
        if (!eq)
            continue;
        const char *ke = trim_blank(k, eq);
        if ((size_t)(ke - k) != nl || memcmp(k, name, nl))
            continue;
        const char *v = skip_blank(eq + 1, end), *ve = trim_blank(eq + 1, end);
        if (ve - v >= 2 && *v == '"' && ve[-1] == '"') {
            v++;
            ve--;
        }
        if (ve <= v)
            continue;
        if ((size_t)(ve - v) >= outlen)
            return -E_TOOBIG;
        memcpy(out, v, (size_t)(ve - v));
        out[ve - v] = '\0';
        return 0;
    }
    return -E_NOTFOUND;
}

/* Length of s cut to at most max bytes without splitting a UTF-8 sequence. */
static size_t cut_utf8(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return n;
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

int session_create(struct db *db, int64_t user_id, bool remember, const char *user_agent,
                   const char *ip, char *token, struct session_info *out)
{
    struct db_stmt *st;
    char hash[65];
    int64_t now = (int64_t)time_now_real();
    memset(out, 0, sizeof(*out));
    crypto_random_token_b64(token, SESSION_TOKEN_LEN);
    crypto_sha256_hex(token, SESSION_TOKEN_LEN, hash);
    crypto_random_token_b64(out->csrf, SESSION_CSRF_LEN);
    out->user_id = user_id;
    out->remember = remember;
    out->last_seen = now;
    out->expires_at = now + (remember ? SESSION_REMEMBER_S : SESSION_IDLE_S);
    user_agent = user_agent ? user_agent : "";
    ip = ip ? ip : "";
    int rc = db_prepare(db, SESSION_SQL_INSERT, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, user_id);
    db_bind_text(st, 2, hash, -1);
    db_bind_text(st, 3, out->csrf, -1);
    db_bind_int(st, 4, now);
    db_bind_int(st, 5, now);
    db_bind_int(st, 6, out->expires_at);
    db_bind_int(st, 7, remember ? 1 : 0);
    db_bind_text(st, 8, user_agent, (ssize_t)cut_utf8(user_agent, SESSION_TEXT_MAX));
    db_bind_text(st, 9, ip, (ssize_t)cut_utf8(ip, SESSION_TEXT_MAX));
    rc = db_step(st);
    db_reset(st);
    if (rc != DB_DONE)
        return rc < 0 ? rc : -E_DB;
    out->id = db_last_id(db);
    return 0;
}

/* Records activity in a short write transaction of its own; failures are only logged. */
static void session_touch(struct db *db, struct session_info *s, int64_t now)
{
    struct db_stmt *st;
    int rc = db_begin_write(db);
    if (rc)
        return;
    rc = db_prepare(db, SESSION_SQL_TOUCH, &st);
    if (!rc) {
        db_bind_int(st, 1, now);
        db_bind_int(st, 2, now + SESSION_IDLE_S);
        db_bind_int(st, 3, s->id);
        rc = db_step(st);
        db_reset(st);
    }
    if (rc != DB_DONE) {
        db_rollback(db);
        log_warn("session %lld: activity cannot be recorded: %s", (long long)s->id, error_str(rc));
        return;
    }
    if (db_commit(db))
        return;
    s->last_seen = now;
    if (!s->remember)
        s->expires_at = now + SESSION_IDLE_S;
}

int session_find(struct db *db, const char *token, int64_t now, struct session_info *out)
{
    struct db_stmt *st;
    int rc = tokens_secret_step(db, SESSION_SQL_FIND, token, &st);
    if (!rc) {
        memset(out, 0, sizeof(*out));
        out->id = db_col_int(st, 0);
        out->user_id = db_col_int(st, 1);
        const char *csrf = db_col_text(st, 2);
        snprintf(out->csrf, sizeof(out->csrf), "%s", csrf ? csrf : "");
        out->last_seen = db_col_int(st, 3);
        out->expires_at = db_col_int(st, 4);
        out->remember = db_col_int(st, 5) != 0;
        out->is_admin = db_col_int(st, 6) != 0;
        db_reset(st);
    }
    if (rc)
        return rc;
    if (out->expires_at <= now)
        return -E_PERM;
    if (now - out->last_seen >= SESSION_TOUCH_S && !db_in_transaction(db))
        session_touch(db, out, now);
    return 0;
}

int session_from_request(struct db *db, const struct http_request *req, struct session_info *out)
{
    const char *pos = http_header(req, "Cookie");
    char token[TOKEN_MAX + 1];
    int64_t now = (int64_t)time_now_real();
    int rc, tried = 0;
    /* Several cookies of this name arrive when an older one lingers under another path or
     * domain: the first that names a live session wins. */
    while ((rc = session_cookie_next(&pos, SESSION_COOKIE, token, sizeof(token))) != -E_NOTFOUND &&
           tried < SESSION_COOKIES_TRIED) {
        if (rc == -E_TOOBIG)
            continue;
        tried++;
        rc = session_find(db, token, now, out);
        if (rc == 0)
            return 0;
        if (rc != -E_NOTFOUND && rc != -E_PERM)
            return rc;
    }
    return -E_NOTFOUND;
}

bool session_csrf_match(const char *header_value, const struct session_info *s)
{
    return s->csrf[0] && crypto_equal(header_value, s->csrf);
}

bool session_csrf_ok(const struct http_request *req, const struct session_info *s)
{
    return session_csrf_match(http_header(req, SESSION_CSRF_HEADER), s);
}

int session_delete(struct db *db, int64_t id)
{
    return db_change_ints(db, SESSION_SQL_DELETE, 1, &id);
}

int session_prune(struct db *db, int64_t now)
{
    return db_run_ints(db, SESSION_SQL_PRUNE, 1, &now);
}

char *session_cookie_set(struct arena *a, const char *token, bool remember, bool secure)
{
    if (remember)
        return arena_printf(a, "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax%s",
                            SESSION_COOKIE, token, SESSION_REMEMBER_S, secure ? "; Secure" : "");
    return arena_printf(a, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s", SESSION_COOKIE, token,
                        secure ? "; Secure" : "");
}

char *session_cookie_clear(struct arena *a, bool secure)
{
    return arena_printf(a, "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax%s", SESSION_COOKIE,
                        secure ? "; Secure" : "");
}

int session_resolve_cookie(struct db *db, const struct http_request *req, struct auth_identity *out,
                           bool *csrf_ok)
{
    struct session_info s;
    *csrf_ok = false;
    int rc = session_from_request(db, req, &s);
    if (rc)
        return rc;
    *out = (struct auth_identity){AUTH_SESSION, s.user_id, s.is_admin, s.id, NULL};
    *csrf_ok = session_csrf_ok(req, &s);
    return 0;
}

int session_resolve_token(struct db *db, const char *token, struct auth_identity *out)
{
    struct session_info s;
    int64_t now = (int64_t)time_now_real();
    size_t len = strlen(token);
    if (len == 0 || len > TOKEN_MAX)
        return -E_NOTFOUND;
    int rc = tokens_find(db, token, now, out);
    if (rc != -E_NOTFOUND)
        return rc;
    /* A session's token as `auth` is not ambient authority (the browser never adds it on its
     * own), so no CSRF token is asked for; it has the session's full rights. */
    rc = session_find(db, token, now, &s);
    if (rc)
        return rc;
    *out = (struct auth_identity){AUTH_SESSION, s.user_id, s.is_admin, s.id, NULL};
    return 0;
}
