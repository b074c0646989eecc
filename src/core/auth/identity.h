/* Who is calling: the credential a request was authenticated with and the user behind it.
 * The sign-in layer fills it (session_resolve_*, tokens_find, the webhook lookup in the REST
 * dispatcher); the permission engine and every handler read it. It is a plain value with no
 * behaviour, so the layers that check credentials need nothing from the layers that use them. */
#ifndef KAZI_IDENTITY_H
#define KAZI_IDENTITY_H

#include <stdbool.h>
#include <stdint.h>

enum auth_kind { AUTH_NONE, AUTH_WEBHOOK, AUTH_TOKEN, AUTH_SESSION };

struct auth_identity {
    enum auth_kind kind;
    int64_t user_id;
    bool is_admin;
    int64_t credential_id; /* webhook, token or session id, for the rate limiter */
    const char *scopes;    /* comma list; NULL means every scope (browser session) */
};

#endif
