/* System methods every client uses: server.time, scope, methods, method.get, app.info and
 * batch. batch runs up to 50 calls in one request, each in its own transaction as Bitrix24
 * does, naming methods as top-level calls do (rest_method_name) and substituting
 * $result[key][...] references from earlier calls. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/error.h"
#include "core/base/strbuf.h"
#include "core/base/timeutil.h"
#include "core/json/params.h"
#include "core/rest/rest_internal.h"

#define BATCH_MAX 50
#define BATCH_CMD_MAX (64 * 1024)

static int server_time(struct rest_call *c)
{
    char buf[40];
    time_fmt_iso(buf, sizeof(buf), time_now_real(), 1);
    c->result = json_string(buf);
    return 0;
}

struct scope_ctx {
    json_t *list;
    struct rest_call *call;
    const char *scope_filter;
    bool full;
    int rc; /* a database error met while reading the caller's roles */
};

static void add_scope(void *ctx, const struct rest_method *m, const struct module *mod)
{
    (void)mod;
    struct scope_ctx *s = ctx;
    if (!m->scope || !rest_has_scope(s->call, m->scope))
        return;
    for (size_t i = 0; i < json_array_size(s->list); i++)
        if (!strcmp(json_string_value(json_array_get(s->list, i)), m->scope))
            return;
    json_array_append_new(s->list, json_string(m->scope));
}

/* scope: the scopes of this credential (a webhook's or token's list; every scope of the server
 * for a browser session); `full=true`: every scope the server has. */
static int scope_method(struct rest_call *c)
{
    bool full = false;
    json_t *f = rest_param(c, "full");
    if (f && params_to_bool(f, &full))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'full' must be a boolean");
    struct auth_identity all = {0};
    struct rest_call probe = *c;
    if (full)
        probe.auth = &all;
    struct scope_ctx s = {json_array(), &probe, NULL, full};
    if (!full && c->auth && c->auth->scopes) {
        for (const char *p = c->auth->scopes; *p;) {
            size_t l = strcspn(p, ",");
            json_array_append_new(s.list, json_stringn(p, l));
            p += l + (p[l] ? 1 : 0);
        }
    } else {
        rest_each(add_scope, &s);
    }
    c->result = s.list;
    return 0;
}

static void add_method_name(void *ctx, const struct rest_method *m, const struct module *mod)
{
    (void)mod;
    struct scope_ctx *s = ctx;
    if (s->scope_filter && (!m->scope || strcmp(m->scope, s->scope_filter)))
        return;
    if (!s->full && !s->scope_filter) {
        bool allowed = false;
        if (!rest_has_scope(s->call, m->scope))
            return;
        int rc = rest_role_allows(s->call, m, &allowed);
        if (rc && !s->rc)
            s->rc = rc;
        if (!allowed)
            return;
    }
    json_array_append_new(s->list, json_string(m->name));
}

/* methods: the methods this credential can call (its scopes, and for a user's credential the
 * methods its roles do not deny outright); `scope=x` those of one scope, `full=true` every
 * method of the enabled modules. */
static int methods_method(struct rest_call *c)
{
    struct scope_ctx s = {json_array(), c, rest_param_str(c, "scope"), false, 0};
    json_t *f = rest_param(c, "full");
    if (f && params_to_bool(f, &s.full)) {
        json_decref(s.list);
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'full' must be a boolean");
    }
    rest_each(add_method_name, &s);
    if (s.rc) {
        json_decref(s.list);
        return rest_fail(c, 500, "INTERNAL_SERVER_ERROR", "permissions cannot be read");
    }
    c->result = s.list;
    return 0;
}

/* method.get: whether a method exists and this credential may call it. */
static int method_get(struct rest_call *c)
{
    const char *name = rest_param_str(c, "name");
    if (!name)
        return rest_fail(c, 400, "ERROR_ARGUMENT", "parameter 'name' is required");
    const struct rest_method *m = rest_find(name, NULL);
    bool allowed = false;
    if (m && rest_has_scope(c, m->scope) && rest_role_allows(c, m, &allowed))
        return rest_fail(c, 500, "INTERNAL_SERVER_ERROR", "permissions cannot be read");
    c->result = json_pack("{s:b, s:b}", "isExisting", m != NULL, "isAvailable", allowed);
    return 0;
}

static int app_info(struct rest_call *c)
{
    c->result = json_pack("{s:i, s:s, s:s, s:s, s:b, s:s, s:n, s:s}", "ID", 0, "CODE", "kazi",
                          "VERSION", KAZI_VERSION, "STATUS", "L", "INSTALLED", 1, "PAYMENT_EXPIRED",
                          "N", "DAYS", "LANGUAGE_ID", "en");
    return 0;
}

struct batch {
    json_t *result, *error, *total, *next, *time; /* keyed by command key */
};

/* Resolves "[key][a][0]..." at p against map; returns the value and sets *end past the last
 * ']' consumed, or NULL when the reference does not resolve. */
static json_t *resolve_ref(json_t *map, const char *p, const char **end)
{
    json_t *v = map;
    char seg[256];
    bool first = true;
    while (*p == '[') {
        const char *close = strchr(p + 1, ']');
        if (!close || (size_t)(close - p - 1) >= sizeof(seg))
            break;
        size_t n = (size_t)(close - p - 1);
        memcpy(seg, p + 1, n);
        seg[n] = '\0';
        json_t *next = NULL;
        if (json_is_object(v)) {
            next = json_object_get(v, seg);
        } else if (json_is_array(v)) {
            char *e;
            long idx = strtol(seg, &e, 10);
            if (*e == '\0' && e != seg && idx >= 0)
                next = json_array_get(v, (size_t)idx);
        }
        if (!next)
            return NULL;
        v = next;
        p = close + 1;
        first = false;
    }
    *end = p;
    return first ? NULL : v;
}

/* Returns a copy of s with $result[...], $result_total[...] and $result_next[...] replaced by
 * the values they point at (arena-owned), or s itself when it holds no reference. References
 * that do not resolve stay as they are, so the command fails with a clear message. */
static const char *substitute(struct batch *b, struct arena *arena, const char *s)
{
    static const struct {
        const char *name;
        size_t off;
    } refs[] = {{"$result_total", offsetof(struct batch, total)},
                {"$result_next", offsetof(struct batch, next)},
                {"$result", offsetof(struct batch, result)}};
    if (!strstr(s, "$result"))
        return s;
    struct strbuf out;
    strbuf_init(&out, BATCH_CMD_MAX);
    const char *p = s;
    while (*p) {
        const char *d = strchr(p, '$');
        if (!d) {
            strbuf_addstr(&out, p);
            break;
        }
        strbuf_add(&out, p, (size_t)(d - p));
        p = d;
        bool done = false;
        for (size_t i = 0; i < ARRAY_SIZE(refs) && !done; i++) {
            size_t nl = strlen(refs[i].name);
            if (strncmp(p, refs[i].name, nl) || p[nl] != '[')
                continue;
            json_t *map = *(json_t **)((char *)b + refs[i].off);
            const char *end;
            json_t *v = resolve_ref(map, p + nl, &end);
            char buf[PARAMS_STR_BUFSIZE];
            const char *val = v ? params_to_str(v, buf, sizeof(buf)) : NULL;
            if (val) {
                strbuf_addstr(&out, val);
                p = end;
                done = true;
            }
        }
        if (!done) {
            strbuf_addch(&out, '$');
            p++;
        }
    }
    const char *r = arena_strndup(arena, out.buf, out.len);
    strbuf_release(&out);
    return r;
}

/* Replaces references in every string value of the decoded parameters, as Bitrix24 does after
 * parsing the command's query (clients percent-encode the references). */
static void substitute_tree(struct batch *b, struct arena *arena, json_t *v)
{
    const char *key;
    json_t *child;
    size_t i;
    if (json_is_object(v)) {
        json_object_foreach(v, key, child)
        {
            if (json_is_string(child)) {
                const char *s = json_string_value(child);
                const char *r = substitute(b, arena, s);
                if (r != s)
                    json_object_set_new(v, key, json_string(r));
            } else {
                substitute_tree(b, arena, child);
            }
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, child)
        {
            if (json_is_string(child)) {
                const char *s = json_string_value(child);
                const char *r = substitute(b, arena, s);
                if (r != s)
                    json_array_set_new(v, i, json_string(r));
            } else {
                substitute_tree(b, arena, child);
            }
        }
    }
}

static json_t *error_object(const struct rest_call *sub)
{
    return json_pack("{s:s, s:s}", "error", sub->error ? sub->error : "INTERNAL_SERVER_ERROR",
                     "error_description", sub->error_description);
}

/* Runs one command; records its result or error under key. Returns false when it failed. */
static bool batch_one(struct rest_call *c, struct batch *b, const char *key, const char *cmd)
{
    struct rest_call sub = {.arena = c->arena, .auth = c->auth, .in_batch = true};
    char err[300] = "";
    double t0 = time_now_real();
    bool ok = false;
    sub.params = json_object();
    if (strlen(cmd) > BATCH_CMD_MAX) {
        rest_fail(&sub, 400, "ERROR_BATCH_COMMAND", "command '%s' is too long", key);
        goto out;
    }
    /* the method as a top-level call spells it: "CRM.Deal.List.json", "crm.deal.list/" */
    const char *q = strchr(cmd, '?');
    char name[REST_METHOD_NAME_MAX];
    size_t nlen = q ? (size_t)(q - cmd) : strlen(cmd);
    if (q)
        q++;
    if (rest_method_name(cmd, nlen, name, sizeof(name))) {
        rest_fail(&sub, 400, "INVALID_REQUEST",
                  "command '%s' does not name a method (only JSON replies are supported)", key);
        goto out;
    }
    const struct rest_method *m = rest_find(name, NULL);
    if (!m) {
        rest_fail(&sub, 404, "ERROR_METHOD_NOT_FOUND", "Method not found!");
        goto out;
    }
    if (m->flags & REST_NO_BATCH) {
        rest_fail(&sub, 405, "ERROR_BATCH_METHOD_NOT_ALLOWED",
                  "method '%s' cannot be called inside batch", m->name);
        goto out;
    }
    if (q && params_parse_query(sub.params, q, strlen(q), NULL, err, sizeof(err))) {
        rest_fail(&sub, 400, "INVALID_REQUEST", "%s", err);
        goto out;
    }
    params_finish(sub.params);
    substitute_tree(b, c->arena, sub.params);
    ok = rest_invoke(&sub, m) == 0;
out:
    if (ok) {
        json_object_set_new(b->result, key, sub.result);
        if (m->flags & REST_LIST) {
            json_object_set_new(b->total, key, json_integer(sub.total >= 0 ? sub.total : 0));
            if (sub.next >= 0)
                json_object_set_new(b->next, key, json_integer(sub.next));
        }
        double t1 = time_now_real();
        json_object_set_new(b->time, key, rest_time_object(t0, t1, t1 - t0));
    } else {
        json_object_set_new(b->error, key, error_object(&sub));
    }
    json_decref(sub.params);
    return ok;
}

/* Serialises a reply map as PHP's json_encode does: keys exactly "0".."n-1" in order become an
 * array, an empty map becomes [], anything else stays an object. */
static json_t *php_array(json_t *map)
{
    size_t n = json_object_size(map), i = 0;
    const char *key;
    json_t *v;
    char want[24];
    json_object_foreach(map, key, v)
    {
        snprintf(want, sizeof(want), "%zu", i++);
        if (strcmp(key, want))
            return map;
    }
    json_t *a = json_array();
    for (i = 0; i < n; i++) {
        snprintf(want, sizeof(want), "%zu", i);
        json_array_append(a, json_object_get(map, want));
    }
    json_decref(map);
    return a;
}

static int batch_method(struct rest_call *c)
{
    json_t *cmd = rest_param(c, "cmd");
    bool halt = false;
    json_t *h = rest_param(c, "halt");
    if (h && params_to_bool(h, &halt))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'halt' must be 0 or 1");
    if (!json_is_object(cmd) && !json_is_array(cmd))
        return rest_fail(c, 400, "ERROR_ARGUMENT", "parameter 'cmd' must be a list of commands");
    bool list = json_is_array(cmd);
    size_t n = list ? json_array_size(cmd) : json_object_size(cmd);
    if (n > BATCH_MAX)
        return rest_fail(c, 400, "ERROR_BATCH_LENGTH_EXCEEDED",
                         "batch has %zu commands; at most %d are allowed", n, BATCH_MAX);
    struct batch b = {json_object(), json_object(), json_object(), json_object(), json_object()};
    char keybuf[24], vbuf[PARAMS_STR_BUFSIZE];
    for (size_t i = 0; i < n; i++) {
        const char *key;
        json_t *v;
        if (list) {
            snprintf(keybuf, sizeof(keybuf), "%zu", i);
            key = keybuf;
            v = json_array_get(cmd, i);
        } else {
            void *it = json_object_iter(cmd);
            for (size_t j = 0; j < i; j++)
                it = json_object_iter_next(cmd, it);
            key = json_object_iter_key(it);
            v = json_object_iter_value(it);
        }
        const char *s = params_to_str(v, vbuf, sizeof(vbuf));
        if (!s) {
            json_object_set_new(b.error, key,
                                json_pack("{s:s, s:s}", "error", "ERROR_ARGUMENT",
                                          "error_description", "command must be a string"));
            if (halt)
                break;
            continue;
        }
        if (!batch_one(c, &b, key, s) && halt)
            break;
    }
    c->result = json_pack("{s:o, s:o, s:o, s:o, s:o}", "result", php_array(b.result),
                          "result_error", php_array(b.error), "result_total", php_array(b.total),
                          "result_next", php_array(b.next), "result_time", php_array(b.time));
    return 0;
}

const struct rest_method rest_core_methods[] = {
    {"server.time", "basic", server_time, NULL, 0, REST_PUBLIC},
    {"scope", "basic", scope_method, NULL, 0, 0},
    {"methods", "basic", methods_method, NULL, 0, 0},
    {"method.get", "basic", method_get, NULL, 0, 0},
    {"app.info", "basic", app_info, NULL, 0, 0},
    {"batch", "basic", batch_method, NULL, 0, REST_NO_TXN | REST_NO_BATCH},
    {0},
};
