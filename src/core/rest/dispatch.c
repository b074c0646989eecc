/* The HTTP entry point of the REST API: /rest/<user>/<secret>/<method> (incoming webhook) and
 * /rest/<method> with an `auth` parameter or a browser session. Resolves the method name
 * (case-insensitive, optional .json suffix and trailing slash), decodes query and body into
 * one parameter tree, authenticates, applies the rate limit, runs the call through
 * rest_invoke and renders the Bitrix24 envelope. CORS preflights are answered here. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/auth/session.h"
#include "core/auth/webhooks.h"
#include "core/base/error.h"
#include "core/base/log.h"
#include "core/base/timeutil.h"
#include "core/config/config.h"
#include "core/db/db.h"
#include "core/http/metrics.h"
#include "core/http/router.h"
#include "core/http/server.h"
#include "core/json/jsonout.h"
#include "core/json/params.h"
#include "core/rest/rest_internal.h"

#define METHOD_NAME_MAX REST_METHOD_NAME_MAX

json_t *rest_time_object(double t_start, double t_finish, double processing)
{
    char ds[40], df[40];
    time_fmt_iso(ds, sizeof(ds), t_start, 1);
    time_fmt_iso(df, sizeof(df), t_finish, 1);
    return json_pack("{s:f, s:f, s:f, s:f, s:s, s:s, s:I, s:f}", "start", t_start, "finish",
                     t_finish, "duration", t_finish - t_start, "processing", processing,
                     "date_start", ds, "date_finish", df, "operating_reset_at",
                     (json_int_t)t_start + 600, "operating", processing);
}

/* Any origin may call the API (credentials are in the URL or the auth parameter; the session
 * cookie also needs the CSRF header). Browsers read the other CORS headers from the preflight
 * answer only, so calls carry just the origin. */
static void cors_headers(struct http_response *res, bool preflight)
{
    http_add_header(res, "Access-Control-Allow-Origin", "*");
    if (!preflight)
        return;
    http_add_header(res, "Access-Control-Allow-Headers",
                    "Content-Type, Authorization, X-CSRF-Token");
    http_add_header(res, "Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    http_add_header(res, "Access-Control-Max-Age", "86400");
}

static int dump_json(struct http_response *res, json_t *o)
{
    char *s = json_dumps(o, JSON_COMPACT);
    int rc = s ? strbuf_addstr(&res->body, s) : -E_NOMEM;
    free(s);
    return rc;
}

static int render_error(struct http_response *res, const struct rest_call *c)
{
    const char *code = c->error ? c->error : "INTERNAL_SERVER_ERROR";
    json_t *o = json_pack("{s:s, s:s}", "error", code, "error_description", c->error_description);
    if (!o) { /* not UTF-8 (a path of raw bytes, a cut sequence): keep the ASCII of it */
        char msg[sizeof(c->error_description)];
        size_t i;
        for (i = 0; c->error_description[i] && i + 1 < sizeof(msg); i++)
            msg[i] = (unsigned char)c->error_description[i] < 0x80 ? c->error_description[i] : '?';
        msg[i] = '\0';
        o = json_pack("{s:s, s:s}", "error", code, "error_description", msg);
    }
    strbuf_reset(&res->body);
    dump_json(res, o);
    json_decref(o);
    return c->status ? c->status : 500;
}

/* Splits "<id>/<secret>/<method>" or "<method>" (after /rest/) and normalises the method as
 * batch does (rest_method_name). Returns 0 or -E_INVAL (.xml or malformed). */
static int parse_path(const char *p, int64_t *uid, char *secret, size_t slen, char *method)
{
    *uid = 0;
    secret[0] = '\0';
    size_t digits = strspn(p, "0123456789");
    if (digits && p[digits] == '/') {
        const char *s = p + digits + 1, *end = strchr(s, '/');
        if (!end || (size_t)(end - s) >= slen || end == s)
            return -E_INVAL;
        char *e;
        *uid = strtoll(p, &e, 10);
        memcpy(secret, s, (size_t)(end - s));
        secret[end - s] = '\0';
        p = end + 1;
    }
    return rest_method_name(p, strlen(p), method, METHOD_NAME_MAX);
}

struct form_state {
    json_t *obj;
    struct strbuf key, filename, data;
    bool open;
    int rc;
    size_t pairs;
    char err[256];
};

static int form_flush(struct form_state *f)
{
    if (!f->open)
        return 0;
    f->open = false;
    if (++f->pairs > params_default_limits.max_keys)
        return -E_TOOBIG;
    if (f->filename.len)
        return params_insert_file(f->obj, f->key.buf, f->key.len, f->filename.buf, f->data.buf,
                                  f->data.len, NULL, f->err, sizeof(f->err));
    return params_insert(f->obj, f->key.buf, f->key.len, f->data.buf, f->data.len, NULL, f->err,
                         sizeof(f->err));
}

static int form_field(void *ctx, const char *key, const char *filename, const char *data,
                      uint64_t off, size_t size)
{
    struct form_state *f = ctx;
    int rc;
    if (!key || !*key) { /* no Content-Disposition, no name, or a file without a name */
        snprintf(f->err, sizeof(f->err), "multipart part without a name");
        return -E_INVAL;
    }
    if (off == 0 || !f->open || strcmp(f->key.buf, key)) {
        if ((rc = form_flush(f)))
            return rc;
        strbuf_reset(&f->key);
        strbuf_reset(&f->filename);
        strbuf_reset(&f->data);
        strbuf_addstr(&f->key, key);
        if (filename)
            strbuf_addstr(&f->filename, filename);
        f->open = true;
    }
    return strbuf_add(&f->data, data, size);
}

/* Decodes the body into obj according to its Content-Type. */
static int decode_body(struct http_request *req, json_t *obj, char *err, size_t errlen)
{
    const char *ct = http_header(req, "Content-Type");
    if (!req->body_len)
        return 0;
    if (ct && !strncasecmp(ct, "multipart/form-data", 19)) {
        struct form_state f = {.obj = obj};
        strbuf_init(&f.key, 4096);
        strbuf_init(&f.filename, 4096);
        strbuf_init(&f.data, 0);
        int rc = http_form_each(req, form_field, &f);
        if (!rc)
            rc = form_flush(&f);
        snprintf(err, errlen, "%s", f.err[0] ? f.err : "multipart body cannot be decoded");
        strbuf_release(&f.key);
        strbuf_release(&f.filename);
        strbuf_release(&f.data);
        return rc;
    }
    bool json = ct ? !strncasecmp(ct, "application/json", 16)
                   : (req->body[strspn(req->body, " \t\r\n")] == '{' ||
                      req->body[strspn(req->body, " \t\r\n")] == '[');
    if (json)
        return params_parse_json(obj, req->body, req->body_len, NULL, err, errlen);
    return params_parse_query(obj, req->body, req->body_len, NULL, err, errlen);
}

/* Authenticates the request into auth. Returns 0, or fails the call (401/403). */
static int authenticate(struct rest_call *c, struct http_request *req, int64_t uid,
                        const char *secret, struct auth_identity *auth)
{
    struct db *db = db_conn();
    int rc;
    if (!db)
        return rest_fail(c, 503, "DATABASE_UNAVAILABLE", "database is not available");
    if (secret[0]) {
        struct webhook *wh = arena_alloc(c->arena, sizeof(*wh));
        rc = webhooks_find(db, uid, secret, wh);
        if (rc == -E_NOTFOUND)
            return rest_fail(c, 401, "INVALID_CREDENTIALS",
                             "webhook is unknown, revoked or expired, or its user is inactive");
        if (rc)
            return rest_fail(c, 503, "DATABASE_BUSY", "credentials cannot be checked now");
        *auth = (struct auth_identity){AUTH_WEBHOOK, wh->user_id, wh->is_admin != 0, wh->id,
                                       wh->scopes};
        return 0;
    }
    json_t *tok = params_get(c->params, "auth");
    if (json_is_string(tok)) {
        rc = session_resolve_token(db, json_string_value(tok), auth);
        if (rc == -E_PERM)
            return rest_fail(c, 401, "expired_token", "the access token has expired");
        if (rc == -E_NOTFOUND)
            return rest_fail(c, 401, "invalid_token", "the access token is unknown or revoked");
        if (rc)
            return rest_fail(c, 503, "DATABASE_BUSY", "credentials cannot be checked now");
        return 0;
    }
    bool csrf_ok = false;
    rc = session_resolve_cookie(db, req, auth, &csrf_ok);
    if (rc == 0) {
        if (!csrf_ok)
            return rest_fail(c, 403, "INVALID_CSRF_TOKEN",
                             "signed-in calls need the '" SESSION_CSRF_HEADER "' header");
        return 0;
    }
    if (rc != -E_NOTFOUND)
        return rest_fail(c, 503, "DATABASE_BUSY", "credentials cannot be checked now");
    return rest_fail(c, 401, "NO_AUTH_FOUND",
                     "no credentials: call through a webhook URL, pass 'auth', or sign in");
}

/* Seconds with six decimals, as Bitrix24 writes its timings; v >= 0. */
static int add_seconds(struct strbuf *b, double v)
{
    long long us = v > 0 ? (long long)(v * 1e6 + 0.5) : 0;
    char frac[8] = {'.'};
    int rc = strbuf_add_int(b, us / 1000000);
    for (int i = 6, f = (int)(us % 1000000); i >= 1; i--, f /= 10)
        frac[i] = (char)('0' + f % 10);
    return rc ? rc : strbuf_add(b, frac, 7);
}

/* ISO 8601 in local time of one second, cached per thread: most replies start and finish
 * within the same second, and local time conversion takes the C library's time zone lock. */
static const char *iso_second(double t)
{
    static _Thread_local time_t cached = -1;
    static _Thread_local char text[40];
    time_t s = (time_t)t;
    if (s != cached) {
        time_fmt_iso(text, sizeof(text), t, 1);
        cached = s;
    }
    return text;
}

/* Writes {"result":…,"next":…,"total":…,"time":{…}} straight into the body. */
static int render_envelope(struct strbuf *b, struct rest_call *c, double t0, double t1, double tp)
{
    int rc = 0;
    if (!c->result_written && !(rc = strbuf_addstr(b, "{\"result\":")))
        rc = jsonout_value(b, c->result);
    if (!rc && c->method && (c->method->flags & REST_LIST)) {
        if (c->next >= 0 && !(rc = strbuf_addstr(b, ",\"next\":")))
            rc = strbuf_add_int(b, c->next);
        if (!rc && !(rc = strbuf_addstr(b, ",\"total\":")))
            rc = strbuf_add_int(b, c->total >= 0 ? c->total : 0);
    }
    if (rc)
        return -E_TOOBIG;
    rc |= strbuf_addstr(b, ",\"time\":{\"start\":");
    rc |= add_seconds(b, t0);
    rc |= strbuf_addstr(b, ",\"finish\":");
    rc |= add_seconds(b, t1);
    rc |= strbuf_addstr(b, ",\"duration\":");
    rc |= add_seconds(b, t1 - t0);
    rc |= strbuf_addstr(b, ",\"processing\":");
    rc |= add_seconds(b, t1 - tp);
    rc |= strbuf_addstr(b, ",\"date_start\":\"");
    rc |= strbuf_addstr(b, iso_second(t0));
    rc |= strbuf_addstr(b, "\",\"date_finish\":\"");
    rc |= strbuf_addstr(b, iso_second(t1));
    rc |= strbuf_addstr(b, "\",\"operating_reset_at\":");
    rc |= strbuf_add_int(b, (long long)t0 + 600);
    rc |= strbuf_addstr(b, ",\"operating\":");
    rc |= add_seconds(b, t1 - tp);
    rc |= strbuf_addstr(b, "}}");
    return rc ? -E_TOOBIG : 0;
}

static int render_success(struct http_response *res, struct rest_call *c, double t0, double tp)
{
    int rc = render_envelope(&res->body, c, t0, time_now_real(), tp);
    json_decref(c->result);
    c->result = NULL;
    if (rc)
        return rest_fail(c, 500, "INTERNAL_SERVER_ERROR", "reply is too large to render");
    return 200;
}

static int rest_http(struct http_request *req, struct http_response *res)
{
    double t0 = time_now_real();
    char method[METHOD_NAME_MAX], secret[128], err[300] = "";
    int64_t uid;
    struct auth_identity auth = {0};
    struct rest_call call = {.arena = req->arena, .total = -1, .next = -1};
    int status;
    cors_headers(res, false);
    call.params = json_object();
    if (parse_path(http_param(req, "path"), &uid, secret, sizeof(secret), method)) {
        rest_fail(&call, 400, "INVALID_REQUEST",
                  "path '%s' is not /rest/<method> or /rest/<user>/<secret>/<method> "
                  "(only JSON replies are supported)",
                  req->path);
        goto out;
    }
    int rc =
        params_parse_query(call.params, req->query, strlen(req->query), NULL, err, sizeof(err));
    json_t *body = json_object();
    if (!rc)
        rc = decode_body(req, body, err, sizeof(err));
    if (!rc)
        rc = params_merge(call.params, body);
    json_decref(body);
    if (rc) {
        rest_fail(&call, rc == -E_TOOBIG ? 413 : 400,
                  rc == -E_TOOBIG ? "REQUEST_TOO_LARGE" : "INVALID_REQUEST", "%s",
                  err[0] ? err : "parameters cannot be decoded");
        goto out;
    }
    params_finish(call.params);
    int family = 0;
    const struct rest_method *m = rest_find_family(method, NULL, &family);
    req->metrics_family = (unsigned char)family;
    /* a webhook's read-only call checks its credentials and runs in one read transaction */
    if (m && secret[0] && !(m->flags & (REST_PUBLIC | REST_WRITE | REST_NO_TXN))) {
        struct db *db = db_conn();
        if (!db || db_begin_read(db)) {
            rest_fail(&call, 503, "DATABASE_BUSY", "credentials cannot be checked now");
            goto out;
        }
        call.txn_open = true;
    }
    if (!m || !(m->flags & REST_PUBLIC)) {
        if (authenticate(&call, req, uid, secret, &auth))
            goto out;
        call.auth = &auth;
    }
    if (!m) {
        rest_fail(&call, 404, "ERROR_METHOD_NOT_FOUND", "Method not found!");
        goto out;
    }
    if (auth.kind != AUTH_NONE && !ratelimit_take(auth.kind, auth.credential_id)) {
        metrics_rate_limited(METRICS_RATE_REST);
        http_add_header(res, "Retry-After", "1");
        rest_fail(&call, 503, "QUERY_LIMIT_EXCEEDED", "Too many requests");
        goto out;
    }
    double tp = time_now_real();
    call.reply = &res->body;
    rc = rest_invoke(&call, m);
    if (call.txn_open) {
        call.txn_open = false;
        db_commit(db_conn()); /* read only: nothing to lose if it fails */
    }
    if (rc)
        goto out;
    status = render_success(res, &call, t0, tp);
    if (status == 200) {
        json_decref(call.params);
        return 200;
    }
out:
    if (call.txn_open)
        db_rollback(db_conn());
    json_decref(call.result);
    json_decref(call.params);
    return render_error(res, &call);
}

/* Tells the HTTP server whether a request may send a body beyond max_body_anonymous: it names
 * a webhook in the path, an `auth` token in the query string, or carries a session cookie with
 * its CSRF header, and the database knows the credential. A body's own `auth` cannot count:
 * the body is what is being decided about. */
static bool rest_credential_ok(struct http_request *req)
{
    struct db *db = db_conn();
    struct auth_identity auth;
    bool csrf_ok = false;
    if (!db)
        return false;
    if (!strncmp(req->path, "/rest/", 6)) {
        char method[METHOD_NAME_MAX], secret[128];
        int64_t uid;
        struct webhook wh;
        if (!parse_path(req->path + 6, &uid, secret, sizeof(secret), method) && secret[0])
            return webhooks_find(db, uid, secret, &wh) == 0;
    }
    const char *tok = http_query_arg(req, "auth");
    if (tok && *tok)
        return session_resolve_token(db, tok, &auth) == 0;
    return session_resolve_cookie(db, req, &auth, &csrf_ok) == 0 && csrf_ok;
}

static int rest_options(struct http_request *req, struct http_response *res)
{
    (void)req;
    cors_headers(res, true);
    res->content_type = "text/plain";
    return 204;
}

void rest_set_rate_limit(int64_t burst, double rate_per_s)
{
    ratelimit_configure(burst, rate_per_s);
}

int rest_init(const struct config *cfg, const struct module *const *mods, int n_mods,
              struct router *router)
{
    int rc = rest_table_build(mods, n_mods);
    if (rc)
        return rc;
    ratelimit_configure(cfg->rate_limit_burst, cfg->rate_limit_rate);
    server_set_credential_check(rest_credential_ok);
    if ((rc = router_add(router, "GET", "/rest/*path", rest_http, "core")) ||
        (rc = router_add(router, "POST", "/rest/*path", rest_http, "core")) ||
        (rc = router_add(router, "OPTIONS", "/rest/*path", rest_options, "core")))
        return rc;
    return 0;
}

void rest_fini(void)
{
    rest_table_free();
    ratelimit_free();
}
