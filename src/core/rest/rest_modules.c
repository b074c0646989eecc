/* kazi's own system methods for the browser app: `kazi.modules` (which modules this build has
 * and which run, so navigation shows only enabled ones) and `kazi.settings.get/update` (the
 * company name); and Bitrix24's `events`, the events the running modules emit (each module's
 * `events` table). Switching a module needs a restart with another `modules` setting; these
 * methods do not change the running set. */
#include <string.h>
#include <strings.h>

#include "core/auth/session_sql.h"
#include "core/base/log.h"
#include "core/db/db.h"
#include "core/json/params.h"
#include "core/module.h"
#include "core/registry.h"
#include "core/rest/rest.h"

#define SETTINGS_COMPANY_KEY "company_name"
#define SETTINGS_COMPANY_MAX 200

static bool module_running(const struct module *m)
{
    int n = 0;
    const struct module *const *on = registry_modules(&n);
    for (int i = 0; i < n; i++)
        if (on[i] == m)
            return true;
    return false;
}

static json_t *module_row(const struct module *m, bool enabled)
{
    return json_pack("{s:s, s:s, s:b, s:b}", "name", m->name, "title",
                     m->title ? m->title : m->name, "enabled", enabled, "always_on", m->always_on);
}

/* kazi.modules: core, then every compiled-in module in start-up order, each with whether it
 * runs. The run-time switch is the `modules` setting (kazi.conf, KAZI_MODULES, --modules). */
static int kazi_modules_method(struct rest_call *c)
{
    json_t *rows = json_array();
    json_array_append_new(rows, module_row(&core_module, true));
    for (const struct module *const *m = kazi_modules; *m; m++)
        json_array_append_new(rows, module_row(*m, module_running(*m)));
    c->result = rows;
    return 0;
}

/* True when one of m's methods needs scope. */
static bool module_has_scope(const struct module *m, const char *scope)
{
    for (const struct rest_method *const *t = m->method_tables; t && *t; t++)
        for (const struct rest_method *r = *t; r->name; r++)
            if (r->scope && !strcasecmp(r->scope, scope))
                return true;
    return false;
}

/* events: the names of the events the enabled modules emit, in start-up order. With SCOPE,
 * only those of modules that have methods of that scope ("crm", "task"). A switched-off
 * module's events are not listed: nothing emits them. */
static int events_method(struct rest_call *c)
{
    const char *scope = rest_param_str(c, "scope");
    int n = 0;
    const struct module *const *on = registry_modules(&n);
    json_t *rows = json_array();
    for (int i = 0; i < n; i++) {
        if (scope && *scope && !module_has_scope(on[i], scope))
            continue;
        for (const char *const *e = on[i]->events; e && *e; e++)
            json_array_append_new(rows, json_string(*e));
    }
    c->result = rows;
    return 0;
}

static int settings_db_fail(struct rest_call *c, int rc)
{
    log_error("settings: database error %d", rc);
    return rest_fail(c, 503, "DATABASE_BUSY", "database is busy, try again");
}

/* kazi.settings.get: {"COMPANY_NAME"}; every signed-in user may read it. */
static int settings_get(struct rest_call *c)
{
    struct db_stmt *st;
    int rc = db_prepare(c->db, AUTH_SQL_SETTING_GET, &st);
    if (rc)
        return settings_db_fail(c, rc);
    db_bind_text(st, 1, SETTINGS_COMPANY_KEY, -1);
    rc = db_step(st);
    const char *v = rc == DB_ROW ? db_col_text(st, 0) : NULL;
    c->result = json_pack("{s:s}", "COMPANY_NAME", v ? v : "");
    db_reset(st);
    if (rc != DB_ROW && rc != DB_DONE) {
        json_decref(c->result);
        c->result = NULL;
        return settings_db_fail(c, rc);
    }
    return 0;
}

/* kazi.settings.update (administrators): `fields: {COMPANY_NAME}`. */
static int settings_update(struct rest_call *c)
{
    json_t *f = rest_param(c, "fields"), *v;
    char buf[PARAMS_STR_BUFSIZE];
    const char *name;
    struct db_stmt *st;
    if (!json_is_object(f))
        f = c->params;
    if (!(v = params_get(f, "COMPANY_NAME")))
        return rest_fail(c, 400, "BX_EMPTY_REQUIRED", "field 'COMPANY_NAME' is required");
    if (!(name = params_to_str(v, buf, sizeof(buf))) || strlen(name) > SETTINGS_COMPANY_MAX)
        return rest_fail(c, 400, "INVALID_ARG_VALUE",
                         "field 'COMPANY_NAME' must be a string of at most %d bytes",
                         SETTINGS_COMPANY_MAX);
    int rc = db_prepare(c->db, AUTH_SQL_SETTING_SET, &st);
    if (rc)
        return settings_db_fail(c, rc);
    db_bind_text(st, 1, SETTINGS_COMPANY_KEY, -1);
    db_bind_text(st, 2, name, -1);
    rc = db_step(st);
    db_reset(st);
    if (rc != DB_DONE)
        return settings_db_fail(c, rc);
    c->result = json_true();
    return 0;
}

const struct rest_method rest_modules_methods[] = {
    {.name = "kazi.modules", .scope = "basic", .fn = kazi_modules_method},
    {.name = "events", .scope = "basic", .fn = events_method},
    {.name = "kazi.settings.get", .scope = "basic", .fn = settings_get},
    {.name = "kazi.settings.update",
     .scope = "admin",
     .fn = settings_update,
     .flags = REST_WRITE | REST_ADMIN},
    {0},
};
