/* Incoming webhooks: a user id plus a random secret in the URL (/rest/<user>/<secret>/...).
 * Calls run as that user, limited to the webhook's scopes. Only the secret's SHA-256 is
 * stored, so the secret is shown once, at creation. */
#ifndef KAZI_WEBHOOKS_H
#define KAZI_WEBHOOKS_H

#include <stddef.h>
#include <stdint.h>

struct db;

#define WEBHOOK_SECRET_LEN 16
#define WEBHOOK_SCOPES_MAX 512

struct webhook {
    int64_t id, user_id;
    int is_admin; /* of the webhook's user */
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

#endif
