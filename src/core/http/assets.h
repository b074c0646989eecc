/* Files built into the binary (tools/embed: `embed assets SYMBOL OUT.c PREFIX FILES...`) and
 * the handlers that serve the browser app from them: index.html for the app's own routes, and
 * content-hashed files under /assets/ cached for a year. A precompressed "NAME.gz" beside a
 * file is sent instead when the client accepts gzip. Nothing is read from disk at run time. */
#ifndef KAZI_ASSETS_H
#define KAZI_ASSETS_H

#include <stddef.h>

#include "core/http/http.h"

struct embedded_file {
    const char *name; /* path below the embedded directory: "index.html", "assets/app.3f2a9c.js" */
    const char *data; /* contents, len bytes (may hold NUL bytes); static */
    size_t len;
};

/* The built web app (build/gen/assets_web.c from web/dist), terminated by name == NULL. Empty
 * when the build had no web app. */
extern const struct embedded_file assets_web[];

/* The file called name in files (terminated by name == NULL), or NULL. Borrowed, static. */
const struct embedded_file *assets_find(const struct embedded_file *files, const char *name);

/* MIME type for a file name by its extension ("application/octet-stream" when unknown; a
 * trailing ".gz" is ignored). Static string. */
const char *assets_content_type(const char *name);

/* True when an Accept-Encoding header value (NULL: absent) allows gzip. */
int assets_accepts_gzip(const char *accept_encoding);

/* GET of the app's routes ("/", "/crm/...", ...): index.html, revalidated on every load
 * (no-cache + ETag), with the Content-Security-Policy and the other security headers. */
int assets_http_app(struct http_request *req, struct http_response *res);

/* A path no route serves: for a browser navigating there (GET or HEAD accepting text/html,
 * outside /rest/, /api/ and /assets/) the app's index.html with status 404, so the app shows
 * its own "not found" or "not available" page (a module switched off has no routes); for
 * anyone else the JSON 404. */
int assets_http_missing(struct http_request *req, struct http_response *res);

/* GET /assets/:name: a content-hashed file, cacheable for a year; 404 JSON when unknown. */
int assets_http_file(struct http_request *req, struct http_response *res);

#endif
