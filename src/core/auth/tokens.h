/* Application tokens (core_token): bearer secrets passed as the `auth` parameter, with scopes,
 * an optional expiry and revocation, stored as SHA-256 only; and the lookup of a secret by its
 * hash that sessions use too. */
#ifndef KAZI_TOKENS_H
#define KAZI_TOKENS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct db_stmt;
struct auth_identity;

#define TOKEN_LEN 43  /* application tokens */
#define TOKEN_MAX 128 /* longer `auth` values are not looked up */

/* Looks a secret up by its SHA-256 (hex, bound as ?1 of the cached statement sql): returns 0
 * with *st on the first row (the caller reads it, then db_reset), -E_NOTFOUND for no row or a
 * secret that is empty or longer than TOKEN_MAX, or a database error. */
int tokens_secret_step(struct db *db, const char *sql, const char *secret, struct db_stmt **st);

/* Creates a token for an active user inside the caller's write transaction and writes it
 * (TOKEN_LEN + 1 bytes) to token; only its hash is stored, so it is shown once. scopes is a
 * comma list (NULL: every scope), expires_at Unix seconds or 0 for none. Returns 0, -E_INVAL
 * with a message in err, or -E_NOTFOUND when the user does not exist or is inactive. */
int tokens_create(struct db *db, int64_t user_id, const char *scopes, const char *title,
                  int64_t expires_at, int64_t *id, char *token, char *err, size_t errlen);

/* Looks up an application token as of now (Unix seconds) and fills out (kind
 * AUTH_TOKEN; scopes in thread-local storage valid until the next call on this thread,
 * NULL for every scope). Returns 0, -E_NOTFOUND (unknown, revoked, or user inactive), -E_PERM
 * (expired) or a database error. */
int tokens_find(struct db *db, const char *token, int64_t now, struct auth_identity *out);

/* Revokes a token; later calls with it get invalid_token. Returns 0 or -E_NOTFOUND (unknown
 * or already revoked). */
int tokens_revoke(struct db *db, int64_t id);

/* Appends up to limit tokens (ordered by id, from offset; user_id 0 = every user) to rows as
 * objects {ID, USER_ID, TITLE, SCOPES (array or null), CREATED_AT, EXPIRES_AT, REVOKED_AT,
 * ACTIVE}; times are ISO 8601 or null. Stores the number of rows in *total when total is not
 * NULL. Never includes secrets. Returns 0 or a database error. */
int tokens_list(struct db *db, int64_t user_id, int64_t offset, int limit, json_t *rows,
                int64_t *total);

#endif
