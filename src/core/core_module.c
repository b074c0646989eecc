/* The core module: identity tables (migrations), operations endpoints (/healthz, /metrics).
 * It is always on. The REST methods of core (user.*, department.*, batch, ...) are declared
 * by the REST and auth layers' tables, which this table points at. */
#include <stdio.h>

#include "core/accounts/accounts.h"
#include "core/auth/session.h"
#include "core/base/error.h"
#include "core/db/db.h"
#include "core/events/live.h"
#include "core/http/assets.h"
#include "core/http/metrics.h"
#include "core/module.h"
#include "core/registry.h"

extern const struct migration migrations_core[];
extern const struct rest_method rest_core_methods[];
extern const struct rest_method rest_modules_methods[];
extern const struct rest_method rest_option_methods[];

/* GET /healthz: 200 when the database answers a query; 503 when it does not, or while the
 * disk is full (reads still work then, writes fail with 507), so monitors and load balancers
 * see the node degraded until space is freed. */
static int healthz(struct http_request *req, struct http_response *res)
{
    (void)req;
    struct db *db = db_conn();
    http_add_header(res, "Cache-Control", "no-store");
    if (!db || db_ping(db))
        return http_error(res, 503, "DATABASE_UNAVAILABLE", "database does not answer");
    if (db_storage_full()) {
        strbuf_addstr(&res->body, "{\"status\":\"degraded\",\"error\":\"INSUFFICIENT_STORAGE\","
                                  "\"error_description\":\"disk is full: writes fail until space "
                                  "is freed\"}");
        return 503;
    }
    strbuf_addstr(&res->body, "{\"status\":\"ok\"}");
    return 200;
}

/* GET /metrics: Prometheus text exposition, for whom the `metrics` setting allows. */
static int metrics(struct http_request *req, struct http_response *res)
{
    int status = metrics_check_access(req, res);
    if (status)
        return status;
    res->content_type = "text/plain; version=0.0.4; charset=utf-8";
    if (metrics_render(&res->body) || live_metrics_render(&res->body))
        return http_error(res, 500, "INTERNAL_SERVER_ERROR", "metrics cannot be rendered");
    return 200;
}

static const struct module_route core_routes[] = {
    {"GET", "/healthz", healthz},
    {"GET", "/metrics", metrics},
    {"GET", "/live", live_http_ws},
    {"GET", "/live/sse", live_http_sse},
    {"GET", "/api/auth/state", auth_http_state},
    {"POST", "/api/auth/setup", auth_http_setup},
    {"POST", "/api/auth/login", auth_http_login},
    {"POST", "/api/auth/logout", auth_http_logout},
    /* the browser app: index.html for its own routes, hashed files under /assets/ */
    {"GET", "/", assets_http_app},
    {"GET", "/login", assets_http_app},
    {"GET", "/setup", assets_http_app},
    {"GET", "/settings", assets_http_app},
    {"GET", "/admin", assets_http_app},
    {"GET", "/admin/*path", assets_http_app},
    {"GET", "/assets/:name", assets_http_file},
    {NULL, NULL, NULL},
};

/* Every REST method table of core, one per resource file. */
static const struct rest_method *const core_method_tables[] = {
    rest_core_methods,     auth_methods,        user_methods,
    user_password_methods, department_methods,  role_methods,
    rest_modules_methods,  rest_option_methods, NULL,
};

/* Permission entities core declares (for the role editor). */
static const struct perm_entity core_perms[] = {
    {"user", "Users", true},              /* own: oneself; department: colleagues */
    {"department", "Departments", false}, /* one tree everyone shares */
    {NULL, NULL, false},
};

const struct module core_module = {
    .name = "core",
    .title = "Core",
    .always_on = true,
    .routes = core_routes,
    .method_tables = core_method_tables,
    .perms = core_perms,
    .migrations = migrations_core,
};
