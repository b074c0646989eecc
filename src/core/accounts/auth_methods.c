/* REST methods for administrators to manage credentials: webhook.add/list/revoke and
 * token.add/list/revoke (scope "admin", REST_ADMIN). Secrets are returned once, by the add
 * methods, and never listed. A credential may only hand out scopes it holds itself, so a
 * narrow webhook cannot mint a wider one. Storage is webhooks.c and tokens.c. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/accounts/accounts.h"
#include "core/auth/session.h"
#include "core/auth/webhooks.h"
#include "core/base/error.h"
#include "core/base/strbuf.h"
#include "core/base/timeutil.h"
#include "core/base/xalloc.h"
#include "core/rest/filter.h"
#include "core/rest/list.h"
#include "core/rest/rest.h"

#define AUTH_TITLE_MAX 255
#define TOKEN_EXPIRES_MAX (10LL * 365 * 86400)

static char *base_url; /* set at start-up, replaced by a reload; NULL: URLs are paths */
static pthread_mutex_t base_url_lock = PTHREAD_MUTEX_INITIALIZER;

void auth_set_base_url(const char *base)
{
    size_t n = base ? strlen(base) : 0;
    while (n && base[n - 1] == '/')
        n--;
    char *copy = n ? xstrndup(base, n) : NULL; /* lives until replaced */
    pthread_mutex_lock(&base_url_lock);
    char *old = base_url;
    base_url = copy;
    pthread_mutex_unlock(&base_url_lock);
    free(old);
}

/* Appends one scope name to sb after checking the caller holds it. */
static int scope_add(struct rest_call *c, struct strbuf *sb, const char *name, size_t len)
{
    char one[64];
    if (len == 0)
        return 0;
    if (len >= sizeof(one))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "scope '%.*s' is too long", (int)len, name);
    memcpy(one, name, len);
    one[len] = '\0';
    if (!rest_has_scope(c, one))
        return rest_fail(c, 403, "insufficient_scope",
                         "scope '%s' cannot be granted by a credential that does not have it", one);
    if ((sb->len && strbuf_addch(sb, ',')) || strbuf_add(sb, name, len))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "'SCOPES' is too long");
    return 0;
}

/* Reads SCOPES (a list of names or a comma string) into an arena comma list. */
static int scopes_param(struct rest_call *c, const char **out)
{
    json_t *v = rest_param(c, "SCOPES"), *item;
    struct strbuf sb;
    size_t i;
    int rc = 0;
    strbuf_init(&sb, WEBHOOK_SCOPES_MAX - 1);
    if (json_is_string(v)) {
        for (const char *p = json_string_value(v); *p && !rc;) {
            size_t l = strcspn(p, ",");
            rc = scope_add(c, &sb, p, l);
            p += l + (p[l] ? 1 : 0);
        }
    } else if (json_is_array(v)) {
        for (i = 0; i < json_array_size(v) && !rc; i++) {
            item = json_array_get(v, i);
            if (!json_is_string(item))
                rc = rest_fail(c, 400, "INVALID_ARG_VALUE", "'SCOPES' must list names");
            else
                rc = scope_add(c, &sb, json_string_value(item), json_string_length(item));
        }
    }
    if (!rc && !webhooks_scopes_valid(sb.buf))
        rc = rest_fail(c, 400, "INVALID_ARG_VALUE",
                       "'SCOPES' must name one or more scopes such as crm, user, task");
    *out = rc ? NULL : arena_strdup(c->arena, sb.buf);
    strbuf_release(&sb);
    return rc;
}

/* USER_ID (default: the caller) and TITLE. */
static int owner_title(struct rest_call *c, int64_t *user_id, const char **title)
{
    int rc = rest_param_int(c, "USER_ID", user_id);
    if (rc == -E_NOTFOUND)
        *user_id = c->auth->user_id;
    else if (rc || *user_id <= 0)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "'USER_ID' is not a user id");
    *title = rest_param_str(c, "TITLE");
    if (!*title)
        *title = "";
    if (strlen(*title) > AUTH_TITLE_MAX)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "'TITLE' is longer than %d bytes",
                         AUTH_TITLE_MAX);
    return 0;
}

static int create_failed(struct rest_call *c, int rc, const char *err)
{
    if (rc == -E_INVAL)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "%s", err);
    if (rc == -E_NOTFOUND)
        return rest_fail(c, 400, "NOT_FOUND", "%s", err);
    return rest_fail(c, 500, "INTERNAL_SERVER_ERROR", "credential cannot be stored: %s",
                     error_str(rc));
}

static int webhook_add(struct rest_call *c)
{
    int64_t user_id, id;
    const char *title, *scopes;
    char secret[WEBHOOK_SECRET_LEN + 1], err[300] = "";
    if (owner_title(c, &user_id, &title) || scopes_param(c, &scopes))
        return -1;
    int rc = webhooks_create(c->db, user_id, scopes, title, &id, secret, err, sizeof(err));
    if (rc)
        return create_failed(c, rc, err);
    pthread_mutex_lock(&base_url_lock);
    char *url = arena_printf(c->arena, "%s/rest/%lld/%s/", base_url ? base_url : "",
                             (long long)user_id, secret);
    pthread_mutex_unlock(&base_url_lock);
    c->result = json_pack("{s:I, s:s}", "ID", (json_int_t)id, "URL", url);
    return 0;
}

static int token_add(struct rest_call *c)
{
    int64_t user_id, id, expires_in = 0, expires_at = 0;
    const char *title, *scopes;
    char token[TOKEN_LEN + 1], err[300] = "", when[40];
    if (owner_title(c, &user_id, &title) || scopes_param(c, &scopes))
        return -1;
    int rc = rest_param_int(c, "EXPIRES_IN", &expires_in);
    if (rc == -E_INVAL || (!rc && (expires_in <= 0 || expires_in > TOKEN_EXPIRES_MAX)))
        return rest_fail(c, 400, "INVALID_ARG_VALUE",
                         "'EXPIRES_IN' must be seconds between 1 and %lld",
                         (long long)TOKEN_EXPIRES_MAX);
    if (!rc)
        expires_at = (int64_t)time_now_real() + expires_in;
    if ((rc = tokens_create(c->db, user_id, scopes, title, expires_at, &id, token, err,
                            sizeof(err))))
        return create_failed(c, rc, err);
    json_t *exp = json_null();
    if (expires_at && time_fmt_iso(when, sizeof(when), (double)expires_at, 1) > 0) {
        json_decref(exp);
        exp = json_string(when);
    }
    c->result =
        json_pack("{s:I, s:s, s:o}", "ID", (json_int_t)id, "TOKEN", token, "EXPIRES_AT", exp);
    return 0;
}

/* Shared by the list methods: USER_ID filter (optional) and start. */
static int list_with(struct rest_call *c,
                     int (*list)(struct db *, int64_t, int64_t, int, json_t *, int64_t *))
{
    int64_t user_id = 0, offset, total = -1;
    bool count;
    int rc = rest_param_int(c, "USER_ID", &user_id);
    if (rc == -E_INVAL || user_id < 0)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "'USER_ID' is not a user id");
    if ((rc = rest_param_start(c, &offset, &count)))
        return rc;
    json_t *rows = json_array();
    if ((rc = list(c->db, user_id, offset, REST_PAGE_SIZE, rows, count ? &total : NULL))) {
        json_decref(rows);
        return rest_fail(c, 500, "INTERNAL_SERVER_ERROR", "credentials cannot be listed");
    }
    rest_set_list(c, rows, total, offset);
    return 0;
}

static int webhook_list(struct rest_call *c)
{
    return list_with(c, webhooks_list);
}

static int token_list(struct rest_call *c)
{
    return list_with(c, tokens_list);
}

static int revoke_with(struct rest_call *c, int (*revoke)(struct db *, int64_t), const char *what)
{
    int64_t id;
    if (rest_param_int(c, "ID", &id) || id <= 0)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "'ID' is not a %s id", what);
    int rc = revoke(c->db, id);
    if (rc == -E_NOTFOUND)
        return rest_fail(c, 400, "NOT_FOUND", "%s %lld is not found or already revoked", what,
                         (long long)id);
    if (rc)
        return rest_fail(c, 500, "INTERNAL_SERVER_ERROR", "%s cannot be revoked", what);
    c->result = json_true();
    return 0;
}

static int webhook_revoke(struct rest_call *c)
{
    return revoke_with(c, webhooks_revoke, "webhook");
}

static int token_revoke(struct rest_call *c)
{
    return revoke_with(c, tokens_revoke, "token");
}

#define AUTH_WRITE (REST_WRITE | REST_ADMIN)
#define AUTH_LIST (REST_LIST | REST_ADMIN)

const struct rest_method auth_methods[] = {
    {"webhook.add", "admin", webhook_add, NULL, PERM_NONE_ACTION, AUTH_WRITE, NULL},
    {"webhook.list", "admin", webhook_list, NULL, PERM_NONE_ACTION, AUTH_LIST, NULL},
    {"webhook.revoke", "admin", webhook_revoke, NULL, PERM_NONE_ACTION, AUTH_WRITE, NULL},
    {"token.add", "admin", token_add, NULL, PERM_NONE_ACTION, AUTH_WRITE, NULL},
    {"token.list", "admin", token_list, NULL, PERM_NONE_ACTION, AUTH_LIST, NULL},
    {"token.revoke", "admin", token_revoke, NULL, PERM_NONE_ACTION, AUTH_WRITE, NULL},
    {0},
};
