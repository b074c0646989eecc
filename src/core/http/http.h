/* The request and response handed to handlers, independent of the HTTP library underneath.
 * A handler gets a request whose body is complete (capped by the body limit), fills the
 * response and returns the HTTP status (lwan). Everything it allocates comes from req->arena
 * and is released when the response has been sent. */
#ifndef KAZI_HTTP_H
#define KAZI_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/arena.h"
#include "core/base/strbuf.h"

struct http_conn; /* the HTTP library's connection, opaque to handlers */

#define HTTP_MAX_PARAMS 8
#define HTTP_MAX_RESP_HEADERS 12

struct http_header {
    const char *name, *value; /* arena-owned or static */
};

struct http_request {
    struct arena *arena;
    struct http_conn *conn;
    const char *method;      /* "GET", "POST", ... (borrowed) */
    const char *path;        /* canonical path: decoded once, '//' collapsed, no query (arena) */
    const char *query;       /* raw query string after '?', "" when none (arena) */
    const char *remote_addr; /* cache of http_remote_addr(); read it through that */
    bool tls;                /* arrived over HTTPS */
    bool secure;      /* the client reached kazi over HTTPS: tls, or a trusted proxy says so */
    const char *body; /* NUL-terminated body, "" when none (borrowed) */
    size_t body_len;
    /* path parameters captured by the router, e.g. ":id" -> "42" (arena) */
    int n_params;
    const char *param_names[HTTP_MAX_PARAMS];
    const char *param_values[HTTP_MAX_PARAMS];
    void *user_data; /* for the layer that dispatched the route (e.g. REST context) */
    /* for /metrics: the kind of route (enum metrics_route, set by the server when a route
     * matched) and the REST method family (metrics_family_id, set by the REST layer) */
    unsigned char metrics_route, metrics_family;
};

struct http_response {
    struct strbuf body;       /* response body; its memory is freed after sending */
    const char *content_type; /* default "application/json; charset=utf-8" */
    int n_headers;
    struct http_header headers[HTTP_MAX_RESP_HEADERS];
};

/* Handler: fills res and returns the HTTP status (200, 404, ...). */
typedef int (*http_handler_fn)(struct http_request *req, struct http_response *res);

/* Textual client address, worked out on first use (most requests never need it); NULL when
 * unknown. Arena-owned. */
const char *http_remote_addr(const struct http_request *req);
/* Header value by case-insensitive name, or NULL (borrowed). */
const char *http_header(const struct http_request *req, const char *name);
/* Query-string argument by name as decoded by the HTTP library, or NULL (borrowed). */
const char *http_query_arg(const struct http_request *req, const char *name);
/* Visits every decoded query argument in order; stops when fn returns non-zero. */
int http_query_each(const struct http_request *req,
                    int (*fn)(void *ctx, const char *key, const char *value), void *ctx);
/* Path parameter by name (without ':'), or NULL (arena). */
const char *http_param(const struct http_request *req, const char *name);
/* Adds a response header; name and value must outlive the request (arena or static).
 * Returns 0 or -E_TOOBIG when the fixed header table is full. */
int http_add_header(struct http_response *res, const char *name, const char *value);
/* Writes {"error":code,"error_description":msg} into res and returns status; the error
 * shape of the Bitrix24 protocol, used for every error kazi answers. */
int http_error(struct http_response *res, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
