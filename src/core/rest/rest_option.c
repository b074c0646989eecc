/* user.option.* and app.option.*: small key/value storage for applications. Options belong
 * to the calling application (the browser app for a signed-in session, the webhook or the
 * token otherwise) and, for user.option.*, to the calling user; app.option.* values are shared
 * by every user of that application and only administrators change them. Values keep their
 * JSON type. Not here: anything the server itself reads; options are the clients' own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/error.h"
#include "core/db/db.h"
#include "core/rest/rest.h"

#define OPTION_NAME_MAX 255
#define OPTION_VALUE_MAX (64 * 1024) /* bytes of one value as JSON */
#define OPTION_MAX_PER_OWNER 500

static const char SQL_GET[] = "SELECT value FROM core_option WHERE owner_id = ? AND app = ?"
                              " AND name = ?";
static const char SQL_ALL[] = "SELECT name, value FROM core_option WHERE owner_id = ? AND app = ?"
                              " ORDER BY name";
static const char SQL_COUNT[] = "SELECT COUNT(*) FROM core_option WHERE owner_id = ? AND app = ?";
static const char SQL_PUT[] =
    "INSERT INTO core_option (owner_id, app, name, value) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (owner_id, app, name) DO UPDATE SET value = excluded.value";
static const char SQL_DEL[] = "DELETE FROM core_option WHERE owner_id = ? AND app = ? AND name = ?";

/* Whose options a call reads and writes: owner 0 for app.option.*, and the application key. */
struct option_scope {
    int64_t owner;
    char app[32];
};

static void option_scope(const struct rest_call *c, struct option_scope *s)
{
    s->owner = c->method->data ? c->auth->user_id : 0;
    switch (c->auth->kind) {
    case AUTH_WEBHOOK:
        snprintf(s->app, sizeof(s->app), "hook:%lld", (long long)c->auth->credential_id);
        break;
    case AUTH_TOKEN:
        snprintf(s->app, sizeof(s->app), "token:%lld", (long long)c->auth->credential_id);
        break;
    default:
        snprintf(s->app, sizeof(s->app), "web");
        break;
    }
}

static int option_prepare(struct rest_call *c, const char *sql, const struct option_scope *s,
                          struct db_stmt **st)
{
    int rc = db_prepare(c->db, sql, st);
    if (rc)
        return rc;
    db_bind_int(*st, 1, s->owner);
    db_bind_text(*st, 2, s->app, -1);
    return 0;
}

/* A stored value back as JSON; text that is not JSON (written by hand) comes back as text. */
static json_t *option_value(const char *text)
{
    json_t *v = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
    return v ? v : json_string(text ? text : "");
}

static int option_get(struct rest_call *c)
{
    struct option_scope s;
    struct db_stmt *st;
    option_scope(c, &s);
    json_t *name = rest_param(c, "option");
    if (name && !json_is_null(name)) {
        if (!json_is_string(name) || !json_string_length(name))
            return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'option' must be a name");
        if (option_prepare(c, SQL_GET, &s, &st))
            return -E_IO;
        db_bind_text(st, 3, json_string_value(name), (ssize_t)json_string_length(name));
        int rc = db_step(st);
        if (rc < 0)
            return rc;
        c->result = rc == DB_ROW ? option_value(db_col_text(st, 0)) : json_null();
        db_reset(st);
        return 0;
    }
    if (option_prepare(c, SQL_ALL, &s, &st))
        return -E_IO;
    json_t *all = json_object();
    int rc;
    while ((rc = db_step(st)) == DB_ROW)
        json_object_set_new(all, db_col_text(st, 0), option_value(db_col_text(st, 1)));
    db_reset(st);
    if (rc < 0) {
        json_decref(all);
        return rc;
    }
    c->result = all;
    return 0;
}

/* Checks every name and value before anything is written, so a bad one changes nothing. */
static int option_check(struct rest_call *c, json_t *opts)
{
    const char *name;
    json_t *v;
    if (!json_is_object(opts) || !json_object_size(opts))
        return rest_fail(c, 400, "INVALID_ARG_VALUE",
                         "parameter 'options' must be an object of option names and values");
    json_object_foreach(opts, name, v)
    {
        size_t len = strlen(name);
        if (!len || len > OPTION_NAME_MAX)
            return rest_fail(c, 400, "INVALID_ARG_VALUE",
                             "option names must be 1 to %d characters long", OPTION_NAME_MAX);
        if (json_dumpb(v, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY) > OPTION_VALUE_MAX)
            return rest_fail(c, 400, "INVALID_ARG_VALUE",
                             "the value of option '%s' is longer than %d bytes", name,
                             OPTION_VALUE_MAX);
    }
    return 0;
}

static int option_count(struct rest_call *c, const struct option_scope *s, int64_t *n)
{
    struct db_stmt *st;
    if (option_prepare(c, SQL_COUNT, s, &st))
        return -E_IO;
    int rc = db_step(st);
    *n = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_reset(st);
    return rc == DB_ROW ? 0 : rc < 0 ? rc : -E_IO;
}

/* options: {name: value, ...}; a null value removes the option. */
static int option_set(struct rest_call *c)
{
    struct option_scope s;
    json_t *opts = rest_param(c, "options");
    const char *name;
    json_t *v;
    int64_t n;
    if (!opts)
        return rest_fail(c, 400, "ERROR_ARGUMENT", "parameter 'options' is required");
    if (option_check(c, opts))
        return -1;
    option_scope(c, &s);
    json_object_foreach(opts, name, v)
    {
        struct db_stmt *st;
        bool del = json_is_null(v);
        if (option_prepare(c, del ? SQL_DEL : SQL_PUT, &s, &st))
            return -E_IO;
        db_bind_text(st, 3, name, -1);
        if (!del) {
            char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
            if (!text)
                return -E_NOMEM;
            db_bind_text(st, 4, text, -1);
            free(text);
        }
        int rc = db_step(st);
        db_reset(st);
        if (rc < 0)
            return rc;
    }
    int rc = option_count(c, &s, &n);
    if (rc)
        return rc;
    if (n > OPTION_MAX_PER_OWNER)
        return rest_fail(c, 400, "OPTION_LIMIT", "an application keeps at most %d options",
                         OPTION_MAX_PER_OWNER);
    c->result = json_true();
    return 0;
}

/* data non-NULL marks the per-user methods. */
static const char PER_USER[] = "user";

const struct rest_method rest_option_methods[] = {
    {"user.option.get", "basic", option_get, NULL, 0, 0, PER_USER},
    {"user.option.set", "basic", option_set, NULL, 0, REST_WRITE, PER_USER},
    {"app.option.get", "basic", option_get, NULL, 0, 0, NULL},
    {"app.option.set", "basic", option_set, NULL, 0, REST_WRITE | REST_ADMIN, NULL},
    {0},
};
