/* Method + path router. Patterns are split on '/': a literal segment matches itself, ":name"
 * captures one segment, "*name" as the last segment captures the rest of the path (possibly
 * with slashes). Routes are added at start-up and read-only afterwards, so lookups need no
 * locking. Literal segments win over parameters when both match, and a ":name" segment over a
 * rest capture. */
#ifndef KAZI_ROUTER_H
#define KAZI_ROUTER_H

#include "core/http/http.h"

struct router;

struct router *router_new(void); /* caller-freed with router_free */
void router_free(struct router *r);

/* Adds a route. method is "GET", "POST", ... or "*" for any. pattern and method must be static
 * strings. Returns 0, -E_EXISTS for a duplicate, -E_INVAL for a malformed pattern. */
int router_add(struct router *r, const char *method, const char *pattern, http_handler_fn fn,
               const char *owner);

enum router_result { ROUTER_OK, ROUTER_NOT_FOUND, ROUTER_METHOD_NOT_ALLOWED };

/* Finds the handler for method + path and stores captured parameters in req (arena-owned).
 * On ROUTER_METHOD_NOT_ALLOWED, *allow points at the methods the path accepts, "GET, HEAD"
 * (arena-owned). */
enum router_result router_match(const struct router *r, struct http_request *req,
                                http_handler_fn *fn, const char **allow);

/* Calls fn for every route in insertion order (for `kazi routes`). */
void router_each(const struct router *r,
                 void (*fn)(void *ctx, const char *method, const char *pattern, const char *owner),
                 void *ctx);

#endif
