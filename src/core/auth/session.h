/* Browser sign-in and application tokens: sessions (cookie "kazi_session", HttpOnly, SameSite,
 * Secure on HTTPS) with a CSRF token for cookie-authenticated calls, and bearer tokens passed
 * as the `auth` parameter. Tokens are random, stored as SHA-256 only. The HTTP sign-in API is
 * auth_routes.c; the token and webhook REST methods are
 * src/core/accounts/auth_methods.c. Tokens themselves are in tokens.h. */
#ifndef KAZI_SESSION_H
#define KAZI_SESSION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/auth/tokens.h"
#include "core/base/arena.h"
#include "core/http/http.h"

struct db;
struct db_stmt;
struct auth_identity;

#define SESSION_COOKIE "kazi_session"
#define SESSION_CSRF_HEADER "X-CSRF-Token"

#define SESSION_TOKEN_LEN 43 /* base64url characters: 258 bits */
#define SESSION_CSRF_LEN 43
#define SESSION_IDLE_S (12 * 3600)      /* browser-session cookie: server-side idle expiry */
#define SESSION_REMEMBER_S (30 * 86400) /* "remember me": fixed lifetime and cookie Max-Age */
#define SESSION_TOUCH_S 60              /* last_seen is written at most this often */

/* Resolves the `auth` parameter: an application token, or a session's own token (then scopes
 * is NULL, every scope; no CSRF check is needed since a parameter is never sent by the
 * browser on its own). Returns 0 and fills out, -E_NOTFOUND for an unknown or revoked token or
 * an inactive user, -E_PERM for an expired one (401 expired_token), or a database error.
 * out->scopes points into thread-local storage valid until the next session_resolve_* call on
 * the same thread. Call it outside a transaction (a session's last_seen may be written). */
int session_resolve_token(struct db *db, const char *token, struct auth_identity *out);

/* Resolves the session cookie of req, if any. Returns 0 and fills out (scopes NULL: all),
 * -E_NOTFOUND when there is no valid session. *csrf_ok tells whether the request carries the
 * session's CSRF token in SESSION_CSRF_HEADER (required for every cookie-authenticated REST
 * call, GET included, since REST methods can write). Call it outside a transaction. */
int session_resolve_cookie(struct db *db, const struct http_request *req, struct auth_identity *out,
                           bool *csrf_ok);

/* Handlers of the sign-in API (auth_routes.c), listed in core's route table:
 *   GET  /api/auth/state   {"setup_required", "user" or null, "company", "csrf" when signed in}
 *   POST /api/auth/setup   first run only: {email, name, last_name, password, company}
 *   POST /api/auth/login   {email, password, remember} -> {"user", "csrf"} and the cookie
 *   POST /api/auth/logout  needs SESSION_CSRF_HEADER; deletes the session and the cookie */
int auth_http_state(struct http_request *req, struct http_response *res);
int auth_http_setup(struct http_request *req, struct http_response *res);
int auth_http_login(struct http_request *req, struct http_response *res);
int auth_http_logout(struct http_request *req, struct http_response *res);

/*
 * Sessions. The functions below are the pieces the sign-in API is built from.
 */

struct session_info {
    int64_t id, user_id;
    bool is_admin, remember;
    int64_t last_seen, expires_at;
    char csrf[SESSION_CSRF_LEN + 1];
};

/* Finds the next cookie called name in a Cookie header value. *pos starts at the header and
 * is advanced past the cookie found, so a loop visits every cookie of that name (browsers send
 * several when paths or domains differ). Pairs are split at ';', spaces and tabs around names
 * and values are ignored, one pair of double quotes around a value is removed, pairs without
 * '=' or with an empty value are skipped, names compare exactly. Returns 0 with the value in
 * out (outlen bytes including the NUL), -E_NOTFOUND when there is no further one, -E_TOOBIG
 * when the value does not fit (it is skipped; call again for the next). */
int session_cookie_next(const char **pos, const char *name, char *out, size_t outlen);

/* Creates a session for user_id inside the caller's write transaction. Writes the cookie token
 * (SESSION_TOKEN_LEN + 1 bytes) to token and the new row to out. user_agent and ip may be NULL
 * (they are cut to 255 bytes). Returns 0 or a database error. */
int session_create(struct db *db, int64_t user_id, bool remember, const char *user_agent,
                   const char *ip, char *token, struct session_info *out);

/* Looks up the session with this cookie token as of now (Unix seconds). Returns 0 and fills
 * out; -E_NOTFOUND when unknown or the user is inactive; -E_PERM when it has expired. When
 * last_seen is SESSION_TOUCH_S or more behind and db is not in a transaction, it is updated
 * (and a browser-session's idle expiry moved on) in a short write transaction of its own; a
 * failed update does not fail the lookup. */
int session_find(struct db *db, const char *token, int64_t now, struct session_info *out);

/* session_find for the first cookie SESSION_COOKIE of req that names a live session. Returns
 * 0, -E_NOTFOUND (no cookie, unknown or expired), or a database error. */
int session_from_request(struct db *db, const struct http_request *req, struct session_info *out);

/* True when req carries s's CSRF token in SESSION_CSRF_HEADER (constant-time compare). */
bool session_csrf_ok(const struct http_request *req, const struct session_info *s);
/* The same check on a header value (NULL when the header is absent). */
bool session_csrf_match(const char *header_value, const struct session_info *s);

/* Deletes a session inside the caller's write transaction. Returns 0 or -E_NOTFOUND. */
int session_delete(struct db *db, int64_t id);
/* Deletes every session that expired before now, inside the caller's write transaction. */
int session_prune(struct db *db, int64_t now);

/* Set-Cookie values (arena-owned): a session cookie, with Max-Age=SESSION_REMEMBER_S when
 * remember (else a browser-session cookie) and Secure when secure; and one that deletes it. */
char *session_cookie_set(struct arena *a, const char *token, bool remember, bool secure);
char *session_cookie_clear(struct arena *a, bool secure);

#endif
