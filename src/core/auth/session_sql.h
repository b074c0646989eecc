/* SQL of sessions, application tokens and the sign-in API (session_sql.c), shared by
 * session.c, auth_routes.c and src/core/accounts/auth_methods.c. Statements are arrays, not
 * pointers, so the statement cache (keyed by the text's address) sees one key per statement. */
#ifndef KAZI_SESSION_SQL_H
#define KAZI_SESSION_SQL_H

extern const char SESSION_SQL_INSERT[];
extern const char SESSION_SQL_FIND[];
extern const char SESSION_SQL_TOUCH[];
extern const char SESSION_SQL_DELETE[];
extern const char SESSION_SQL_PRUNE[];

extern const char TOKEN_SQL_USER_ACTIVE[];
extern const char TOKEN_SQL_INSERT[];
extern const char TOKEN_SQL_FIND[];
extern const char TOKEN_SQL_REVOKE[];
extern const char TOKEN_SQL_LIST[];
extern const char TOKEN_SQL_COUNT[];

extern const char AUTH_SQL_ANY_USER[];
extern const char AUTH_SQL_USER_LOGIN[];
extern const char AUTH_SQL_USER_BRIEF[];
extern const char AUTH_SQL_USER_SIGNED_IN[];
extern const char AUTH_SQL_USER_REHASH[];
extern const char AUTH_SQL_SETTING_GET[];
extern const char AUTH_SQL_SETTING_SET[];

#endif
