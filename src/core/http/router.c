/* Method + path router: a flat table scanned in order, the most specific match winning. The
 * table holds tens of routes (REST methods are dispatched by the REST layer's own hash table),
 * so a scan is cheaper than a trie and easier to read. */
#include "core/http/router.h"

#include <stdlib.h>
#include <string.h>

#include "core/base/error.h"
#include "core/base/xalloc.h"

#define ROUTE_MAX_SEGS 16

struct route {
    const char *method, *pattern, *owner;
    http_handler_fn fn;
    int n_segs;
    const char *segs[ROUTE_MAX_SEGS]; /* heap copies */
    size_t seg_len[ROUTE_MAX_SEGS];
};

struct router {
    struct route *routes;
    int n, alloc;
};

struct router *router_new(void)
{
    return xcalloc(1, sizeof(struct router));
}

void router_free(struct router *r)
{
    if (!r)
        return;
    for (int i = 0; i < r->n; i++)
        for (int j = 0; j < r->routes[i].n_segs; j++)
            free((char *)r->routes[i].segs[j]);
    free(r->routes);
    free(r);
}

static int split_pattern(struct route *rt, const char *pattern)
{
    const char *p = pattern;
    if (*p != '/')
        return -E_INVAL;
    rt->n_segs = 0;
    while (*p == '/') {
        p++;
        if (!*p)
            break;
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (rt->n_segs == ROUTE_MAX_SEGS || len == 0)
            return -E_INVAL;
        if (p[0] == '*' && end)
            return -E_INVAL; /* a rest capture must be last */
        rt->segs[rt->n_segs] = xstrndup(p, len);
        rt->seg_len[rt->n_segs] = len;
        rt->n_segs++;
        p += len;
    }
    return 0;
}

/* True when a and b match the same paths: equal literals, captures in the same places
 * ("/a/:id" and "/a/:key" are the same route). */
static bool same_shape(const struct route *a, const struct route *b)
{
    if (a->n_segs != b->n_segs)
        return false;
    for (int i = 0; i < a->n_segs; i++) {
        char ka = a->segs[i][0], kb = b->segs[i][0];
        bool cap_a = ka == ':' || ka == '*', cap_b = kb == ':' || kb == '*';
        if (cap_a || cap_b ? ka != kb : strcmp(a->segs[i], b->segs[i]))
            return false;
    }
    return true;
}

int router_add(struct router *r, const char *method, const char *pattern, http_handler_fn fn,
               const char *owner)
{
    struct route rt = {.method = method, .pattern = pattern, .fn = fn, .owner = owner};
    int rc = split_pattern(&rt, pattern);
    for (int i = 0; !rc && i < r->n; i++)
        if (!strcmp(r->routes[i].method, method) && same_shape(&r->routes[i], &rt))
            rc = -E_EXISTS;
    if (rc) {
        for (int j = 0; j < rt.n_segs; j++)
            free((char *)rt.segs[j]);
        return rc;
    }
    if (r->n == r->alloc) {
        r->alloc = r->alloc ? r->alloc * 2 : 16;
        r->routes = xrealloc(r->routes, sizeof(*r->routes) * (size_t)r->alloc);
    }
    r->routes[r->n++] = rt;
    return 0;
}

/* Matches rt against path. Returns -1 for no match or a score, higher for more specific:
 * twice the number of literal segments, plus one unless a rest capture took the tail (so
 * "/a/:id" beats a rest capture for "/a/b"). Captures go into req only when store is set. */
static int match(const struct route *rt, const char *path, struct http_request *req, bool store)
{
    const char *p = path;
    int literal = 0;
    if (store)
        req->n_params = 0;
    for (int i = 0; i < rt->n_segs; i++) {
        if (*p != '/')
            return -1;
        p++;
        const char *seg = rt->segs[i];
        if (seg[0] == '*') {
            if (store && req->n_params < HTTP_MAX_PARAMS) {
                req->param_names[req->n_params] = seg + 1;
                req->param_values[req->n_params++] = arena_strdup(req->arena, p);
            }
            return literal * 2;
        }
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (seg[0] == ':') {
            if (len == 0)
                return -1;
            if (store && req->n_params < HTTP_MAX_PARAMS) {
                req->param_names[req->n_params] = seg + 1;
                req->param_values[req->n_params++] = arena_strndup(req->arena, p, len);
            }
        } else {
            if (len != rt->seg_len[i] || memcmp(p, seg, len))
                return -1;
            literal++;
        }
        p += len;
    }
    /* allow one trailing slash */
    if (*p == '/' && p[1] == '\0')
        p++;
    return *p ? -1 : literal * 2 + 1;
}

/* Appends method to the comma list in sb unless it is already there. */
static void allow_add(struct strbuf *sb, const char *method)
{
    size_t ml = strlen(method);
    for (const char *p = sb->buf; *p;) {
        size_t l = strcspn(p, ",");
        if (l == ml && !memcmp(p, method, l))
            return;
        p += l;
        p += strspn(p, ", ");
    }
    if (sb->len)
        strbuf_addstr(sb, ", ");
    strbuf_addstr(sb, method);
}

/* The methods routes matching this path accept, "GET, HEAD, POST" (arena). */
static const char *allow_list(const struct router *r, struct http_request *req)
{
    struct strbuf sb;
    strbuf_init(&sb, 256);
    for (int i = 0; i < r->n; i++) {
        if (match(&r->routes[i], req->path, req, false) < 0)
            continue;
        allow_add(&sb, r->routes[i].method);
        if (!strcmp(r->routes[i].method, "GET"))
            allow_add(&sb, "HEAD");
    }
    const char *out = arena_strdup(req->arena, sb.buf);
    strbuf_release(&sb);
    return out;
}

enum router_result router_match(const struct router *r, struct http_request *req,
                                http_handler_fn *fn, const char **allow)
{
    int best = -1, best_score = -1;
    bool path_matched = false;
    for (int i = 0; i < r->n; i++) {
        const struct route *rt = &r->routes[i];
        int score = match(rt, req->path, req, false);
        if (score < 0)
            continue;
        path_matched = true;
        bool method_ok = rt->method[0] == '*' || !strcmp(rt->method, req->method) ||
                         (!strcmp(req->method, "HEAD") && !strcmp(rt->method, "GET"));
        if (method_ok && score > best_score) {
            best = i;
            best_score = score;
        }
    }
    if (best < 0) {
        if (path_matched && allow)
            *allow = allow_list(r, req);
        return path_matched ? ROUTER_METHOD_NOT_ALLOWED : ROUTER_NOT_FOUND;
    }
    match(&r->routes[best], req->path, req, true);
    *fn = r->routes[best].fn;
    return ROUTER_OK;
}

void router_each(const struct router *r,
                 void (*fn)(void *ctx, const char *method, const char *pattern, const char *owner),
                 void *ctx)
{
    for (int i = 0; i < r->n; i++)
        fn(ctx, r->routes[i].method, r->routes[i].pattern, r->routes[i].owner);
}
