/* Serves the browser app embedded in the binary: index.html for the app's routes (no-cache,
 * ETag, a strict Content-Security-Policy) and content-hashed files under /assets/ (cached for a
 * year, immutable), each with its gzip twin when the client accepts it. ETags are computed once,
 * on first use. It does not read files from disk, compress at run time, or serve directories. */
#include "core/http/assets.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/base/error.h"

#define ASSETS_MAX 256 /* files whose ETag is cached; more are hashed on each request */
#define ASSETS_ETAG_LEN 24

static const char csp[] = "default-src 'self'; script-src 'self'; style-src 'self'; "
                          "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
                          "base-uri 'none'; form-action 'self'";

static char etags[ASSETS_MAX][ASSETS_ETAG_LEN];
static pthread_once_t etags_once = PTHREAD_ONCE_INIT;

const struct embedded_file *assets_find(const struct embedded_file *files, const char *name)
{
    for (const struct embedded_file *f = files; f && f->name; f++)
        if (!strcmp(f->name, name))
            return f;
    return NULL;
}

const char *assets_content_type(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".json", "application/json; charset=utf-8"},
        {".map", "application/json; charset=utf-8"},
        {".txt", "text/plain; charset=utf-8"},
    };
    size_t n = strlen(name);
    if (n > 3 && !strcmp(name + n - 3, ".gz"))
        n -= 3;
    for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
        size_t el = strlen(types[i].ext);
        if (n > el && !strncasecmp(name + n - el, types[i].ext, el))
            return types[i].type;
    }
    return "application/octet-stream";
}

int assets_accepts_gzip(const char *ae)
{
    for (const char *p = ae; p && *p;) {
        p += strspn(p, " \t,");
        size_t len = strcspn(p, ","), name = strcspn(p, " \t;,");
        if (name == 4 && !strncasecmp(p, "gzip", 4)) {
            const char *q = memchr(p + name, ';', len - name);
            if (!q)
                return 1;
            q += 1 + strspn(q + 1, " \t");
            return !((*q == 'q' || *q == 'Q') && q[1] == '=' && strtod(q + 2, NULL) <= 0);
        }
        p += len;
    }
    return 0;
}

/* FNV-1a 64: a content fingerprint for ETags (not a security measure). */
static void etag_of(const struct embedded_file *f, char *out)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < f->len; i++) {
        h ^= (unsigned char)f->data[i];
        h *= 1099511628211ULL;
    }
    snprintf(out, ASSETS_ETAG_LEN, "\"%016llx\"", (unsigned long long)h);
}

static void etags_build(void)
{
    for (int i = 0; i < ASSETS_MAX && assets_web[i].name; i++)
        etag_of(&assets_web[i], etags[i]);
}

/* The ETag of f (arena or static). */
static const char *etag_get(struct http_request *req, const struct embedded_file *f)
{
    ptrdiff_t i = f - assets_web;
    pthread_once(&etags_once, etags_build);
    if (i >= 0 && i < ASSETS_MAX)
        return etags[i];
    char *e = arena_alloc(req->arena, ASSETS_ETAG_LEN);
    etag_of(f, e);
    return e;
}

/* True when an If-None-Match value names etag (or is "*"). */
static int etag_matches(const char *inm, const char *etag)
{
    size_t el = strlen(etag);
    if (!inm)
        return 0;
    for (const char *p = inm; *p;) {
        p += strspn(p, " \t,");
        if (!strncmp(p, "W/", 2))
            p += 2;
        size_t len = strcspn(p, " \t,");
        if ((len == 1 && *p == '*') || (len == el && !memcmp(p, etag, el)))
            return 1;
        p += len;
    }
    return 0;
}

/* Sends name (or its .gz twin) with cache_control; 304 when the client has it already. */
static int send_file(struct http_request *req, struct http_response *res, const char *name,
                     const char *cache_control)
{
    const struct embedded_file *f = assets_find(assets_web, name), *gz = NULL;
    if (!f)
        return http_error(res, 404, "NOT_FOUND", "path '%s' is not found", req->path);
    if (assets_accepts_gzip(http_header(req, "Accept-Encoding")))
        gz = assets_find(assets_web, arena_printf(req->arena, "%s.gz", name));
    const struct embedded_file *out = gz ? gz : f;
    const char *etag = etag_get(req, out);
    res->content_type = assets_content_type(name);
    http_add_header(res, "Cache-Control", cache_control);
    http_add_header(res, "ETag", etag);
    http_add_header(res, "Vary", "Accept-Encoding");
    http_add_header(res, "X-Content-Type-Options", "nosniff");
    if (etag_matches(http_header(req, "If-None-Match"), etag))
        return 304;
    if (gz)
        http_add_header(res, "Content-Encoding", "gzip");
    strbuf_reset(&res->body);
    if (strbuf_add(&res->body, out->data, out->len))
        return http_error(res, 500, "INTERNAL_SERVER_ERROR", "file '%s' cannot be sent", name);
    return 200;
}

int assets_http_app(struct http_request *req, struct http_response *res)
{
    if (!assets_find(assets_web, "index.html"))
        return http_error(res, 404, "NOT_FOUND",
                          "the web app is not built into this binary (build it with node "
                          "installed: make)");
    http_add_header(res, "Content-Security-Policy", csp);
    http_add_header(res, "Referrer-Policy", "same-origin");
    http_add_header(res, "X-Frame-Options", "DENY");
    return send_file(req, res, "index.html", "no-cache");
}

int assets_http_missing(struct http_request *req, struct http_response *res)
{
    const char *accept = http_header(req, "Accept");
    bool page = (!strcmp(req->method, "GET") || !strcmp(req->method, "HEAD")) && accept &&
                strstr(accept, "text/html") && strncmp(req->path, "/rest/", 6) &&
                strncmp(req->path, "/api/", 5) && strncmp(req->path, "/assets/", 8) &&
                assets_find(assets_web, "index.html");
    if (!page)
        return http_error(res, 404, "NOT_FOUND", "path '%s' is not found", req->path);
    http_add_header(res, "Content-Security-Policy", csp);
    http_add_header(res, "Referrer-Policy", "same-origin");
    http_add_header(res, "X-Frame-Options", "DENY");
    int status = send_file(req, res, "index.html", "no-cache");
    return status == 200 ? 404 : status;
}

int assets_http_file(struct http_request *req, struct http_response *res)
{
    const char *name = http_param(req, "name");
    if (!name || !*name || name[0] == '.' || strchr(name, '/') || strlen(name) > 200)
        return http_error(res, 404, "NOT_FOUND", "path '%s' is not found", req->path);
    return send_file(req, res, arena_printf(req->arena, "assets/%s", name),
                     "public, max-age=31536000, immutable");
}
