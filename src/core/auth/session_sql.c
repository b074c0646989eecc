/* Every SQL statement of sessions, tokens and sign-in, with "?" placeholders. Client values
 * are only ever bound, never put into this text. */
#include "core/auth/session_sql.h"

/* user_id, token_hash, csrf_token, created_at, last_seen, expires_at, remember, user_agent, ip */
const char SESSION_SQL_INSERT[] =
    "INSERT INTO core_session (user_id, token_hash, csrf_token, created_at, last_seen,"
    " expires_at, remember, user_agent, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
const char SESSION_SQL_FIND[] =
    "SELECT s.id, s.user_id, s.csrf_token, s.last_seen, s.expires_at, s.remember, u.is_admin"
    " FROM core_session s JOIN core_user u ON u.id = s.user_id"
    " WHERE s.token_hash = ? AND u.active = 1";
/* last_seen, new idle expiry (ignored for remember-me sessions, whose lifetime is fixed), id */
const char SESSION_SQL_TOUCH[] =
    "UPDATE core_session SET last_seen = ?,"
    " expires_at = CASE WHEN remember = 1 THEN expires_at ELSE ? END WHERE id = ?";
const char SESSION_SQL_DELETE[] = "DELETE FROM core_session WHERE id = ?";
const char SESSION_SQL_PRUNE[] = "DELETE FROM core_session WHERE expires_at <= ?";

const char TOKEN_SQL_USER_ACTIVE[] = "SELECT 1 FROM core_user WHERE id = ? AND active = 1";
const char TOKEN_SQL_INSERT[] =
    "INSERT INTO core_token (user_id, token_hash, scopes, title, created_at, expires_at)"
    " VALUES (?, ?, ?, ?, ?, ?)";
const char TOKEN_SQL_FIND[] =
    "SELECT t.id, t.user_id, t.scopes, t.expires_at, t.revoked_at, u.is_admin"
    " FROM core_token t JOIN core_user u ON u.id = t.user_id"
    " WHERE t.token_hash = ? AND u.active = 1";
const char TOKEN_SQL_REVOKE[] =
    "UPDATE core_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL";
/* user filter (0 = all) twice, limit, offset */
const char TOKEN_SQL_LIST[] =
    "SELECT id, user_id, title, scopes, created_at, expires_at, revoked_at FROM core_token"
    " WHERE (? = 0 OR user_id = ?) ORDER BY id LIMIT ? OFFSET ?";
const char TOKEN_SQL_COUNT[] = "SELECT COUNT(*) FROM core_token WHERE (? = 0 OR user_id = ?)";

const char AUTH_SQL_ANY_USER[] = "SELECT 1 FROM core_user LIMIT 1";
/* core_user.email is COLLATE NOCASE: the lookup ignores ASCII case */
const char AUTH_SQL_USER_LOGIN[] =
    "SELECT id, password_hash, active FROM core_user WHERE email = ?";
const char AUTH_SQL_USER_BRIEF[] =
    "SELECT id, email, name, last_name, is_admin FROM core_user WHERE id = ?";
const char AUTH_SQL_USER_SIGNED_IN[] = "UPDATE core_user SET last_login = ? WHERE id = ?";
const char AUTH_SQL_USER_REHASH[] =
    "UPDATE core_user SET password_hash = ?, updated_at = ? WHERE id = ?";
const char AUTH_SQL_SETTING_GET[] = "SELECT value FROM core_setting WHERE key = ?";
const char AUTH_SQL_SETTING_SET[] = "INSERT INTO core_setting (key, value) VALUES (?, ?)"
                                    " ON CONFLICT (key) DO UPDATE SET value = excluded.value";
