/* Incoming webhooks: a user id plus a random secret in the URL (/rest/<user>/<secret>/...).
 * Calls run as that user, limited to the webhook's scopes. Only the secret's SHA-256 is
 * stored, so the secret is shown once, at creation. */
#ifndef KAZI_WEBHOOKS_H
#define KAZI_WEBHOOKS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;

#define WEBHOOK_SECRET_LEN 16
#define WEBHOOK_SCOPES_MAX 512

struct webhook {
    int64_t id, user_id;
    int is_admin;                    /* of the webhook's user */
    char scopes[WEBHOOK_SCOPES_MAX]; /* comma list */
};

/* Creates a webhook for user_id inside the caller's write transaction and writes its secret
 * (WEBHOOK_SECRET_LEN + 1 bytes) to secret. scopes is a comma list of [a-z_] names. Returns 0,
 * -E_INVAL with a message in err, or -E_NOTFOUND when the user does not exist. */
int webhooks_create(struct db *db, int64_t user_id, const char *scopes, const char *title,
                    int64_t *id, char *secret, char *err, size_t errlen);

/* Finds the active (not revoked, not expired) webhook with this user id and secret. Returns 0,
 * -E_NOTFOUND when none matches, or a database error. */
int webhooks_find(struct db *db, int64_t user_id, const char *secret, struct webhook *out);

/* Revokes a webhook; later calls with its secret get INVALID_CREDENTIALS. Returns 0 or
 * -E_NOTFOUND. */
int webhooks_revoke(struct db *db, int64_t id);

/* True when scope appears in the comma list scopes. */
int webhooks_has_scope(const char *scopes, const char *scope);

/* True when scopes is a non-empty comma list of [a-z0-9_] names shorter than
 * WEBHOOK_SCOPES_MAX (the rule for webhook and token scopes alike). */
bool webhooks_scopes_valid(const char *scopes);

/* A comma list as a new JSON array of strings (a new reference; an empty array for ""). */
json_t *webhooks_scopes_array(const char *scopes);

/* Appends up to limit webhooks (ordered by id, from offset; user_id 0 = every user) to rows as
 * objects {ID, USER_ID, TITLE, SCOPES, CREATED_AT, EXPIRES_AT, REVOKED_AT, ACTIVE}; times are
 * ISO 8601 or null. Secrets are never listed (only their hashes are stored). Stores the number
 * of matching webhooks in *total when total is not NULL. Returns 0 or a database error. */
int webhooks_list(struct db *db, int64_t user_id, int64_t offset, int limit, json_t *rows,
                  int64_t *total);

#endif
