/* Tests for core/http/router: literal over parameter over rest capture, captures, trailing
 * slash, 405 with the right Allow list versus 404, malformed and duplicate routes. */
#include "core/base/error.h"
#include "core/http/router.h"
#include "t.h"

static int h_a(struct http_request *req, struct http_response *res)
{
    (void)req, (void)res;
    return 1;
}
static int h_b(struct http_request *req, struct http_response *res)
{
    (void)req, (void)res;
    return 2;
}
static int h_c(struct http_request *req, struct http_response *res)
{
    (void)req, (void)res;
    return 3;
}
static int h_d(struct http_request *req, struct http_response *res)
{
    (void)req, (void)res;
    return 4;
}

/* Routes req and returns the handler's number, 0 for 404, -1 for 405 (allow in *allow). */
static int route(const struct router *r, struct arena *a, const char *method, const char *path,
                 struct http_request *req, const char **allow)
{
    http_handler_fn fn = NULL;
    *req = (struct http_request){.arena = a, .method = method, .path = path};
    switch (router_match(r, req, &fn, allow)) {
    case ROUTER_OK:
        return fn(req, NULL);
    case ROUTER_METHOD_NOT_ALLOWED:
        return -1;
    default:
        return 0;
    }
}

TEST(router_literal_param_rest_precedence)
{
    struct arena a = ARENA_INIT;
    struct http_request req;
    const char *allow = NULL;
    struct router *r = router_new();
    /* added least specific first so insertion order cannot be what makes the choice */
    CHECK_INT(router_add(r, "GET", "/files/*path", h_c, "t"), 0);
    CHECK_INT(router_add(r, "GET", "/files/:id", h_b, "t"), 0);
    CHECK_INT(router_add(r, "GET", "/files/new", h_a, "t"), 0);
    CHECK_INT(router_add(r, "GET", "/files/:id/meta", h_d, "t"), 0);
    CHECK_INT(route(r, &a, "GET", "/files/new", &req, &allow), 1);
    CHECK_INT(req.n_params, 0);
    CHECK_INT(route(r, &a, "GET", "/files/42", &req, &allow), 2);
    CHECK_STR(http_param(&req, "id"), "42");
    CHECK(http_param(&req, "path") == NULL);
    CHECK_INT(route(r, &a, "GET", "/files/42/meta", &req, &allow), 4);
    CHECK_STR(http_param(&req, "id"), "42");
    CHECK_INT(route(r, &a, "GET", "/files/a/b/c.txt", &req, &allow), 3);
    CHECK_STR(http_param(&req, "path"), "a/b/c.txt");
    CHECK_INT(route(r, &a, "GET", "/files/", &req, &allow), 3);
    CHECK_STR(http_param(&req, "path"), "");
    CHECK_INT(route(r, &a, "GET", "/files", &req, &allow), 0);
    CHECK_INT(route(r, &a, "GET", "/filesx/1", &req, &allow), 0);
    router_free(r);
    arena_release(&a);
}

TEST(router_params)
{
    struct arena a = ARENA_INIT;
    struct http_request req;
    const char *allow = NULL;
    struct router *r = router_new();
    CHECK_INT(router_add(r, "GET", "/rest/:user/:secret/*method", h_a, "t"), 0);
    CHECK_INT(route(r, &a, "GET", "/rest/1/abc/crm.lead.list.json", &req, &allow), 1);
    CHECK_INT(req.n_params, 3);
    CHECK_STR(http_param(&req, "user"), "1");
    CHECK_STR(http_param(&req, "secret"), "abc");
    CHECK_STR(http_param(&req, "method"), "crm.lead.list.json");
    CHECK_INT(route(r, &a, "GET", "/rest/1//x", &req, &allow), 0); /* empty :param */
    router_free(r);
    arena_release(&a);
}

TEST(router_trailing_slash)
{
    struct arena a = ARENA_INIT;
    struct http_request req;
    const char *allow = NULL;
    struct router *r = router_new();
    CHECK_INT(router_add(r, "GET", "/healthz", h_a, "t"), 0);
    CHECK_INT(router_add(r, "GET", "/dav/", h_b, "t"), 0);
    CHECK_INT(router_add(r, "GET", "/", h_c, "t"), 0);
    CHECK_INT(route(r, &a, "GET", "/healthz", &req, &allow), 1);
    CHECK_INT(route(r, &a, "GET", "/healthz/", &req, &allow), 1);
    CHECK_INT(route(r, &a, "GET", "/healthz//", &req, &allow), 0);
    CHECK_INT(route(r, &a, "GET", "/dav", &req, &allow), 2);
    CHECK_INT(route(r, &a, "GET", "/dav/", &req, &allow), 2);
    CHECK_INT(route(r, &a, "GET", "/", &req, &allow), 3);
    CHECK_INT(route(r, &a, "GET", "", &req, &allow), 3);
    CHECK_INT(route(r, &a, "GET", "*", &req, &allow), 0);
    router_free(r);
    arena_release(&a);
}

TEST(router_405_and_404)
{
    struct arena a = ARENA_INIT;
    struct http_request req;
    const char *allow = NULL;
    struct router *r = router_new();
    CHECK_INT(router_add(r, "GET", "/healthz", h_a, "t"), 0);
    CHECK_INT(router_add(r, "GET", "/items/:id", h_a, "t"), 0);
    CHECK_INT(router_add(r, "DELETE", "/items/:id", h_b, "t"), 0);
    CHECK_INT(router_add(r, "POST", "/items/new", h_c, "t"), 0);
    CHECK_INT(router_add(r, "*", "/any", h_d, "t"), 0);
    CHECK_INT(route(r, &a, "POST", "/healthz", &req, &allow), -1);
    CHECK_STR(allow, "GET, HEAD");
    CHECK_INT(route(r, &a, "HEAD", "/healthz", &req, &allow), 1);
    CHECK_INT(route(r, &a, "PUT", "/items/7", &req, &allow), -1);
    CHECK_STR(allow, "GET, HEAD, DELETE");
    CHECK_INT(route(r, &a, "PUT", "/items/new", &req, &allow), -1);
    CHECK_STR(allow, "GET, HEAD, DELETE, POST");
    CHECK_INT(route(r, &a, "DELETE", "/items/new", &req, &allow), 2); /* the param route */
    CHECK_INT(route(r, &a, "POST", "/items/new", &req, &allow), 3);
    CHECK_INT(route(r, &a, "PATCH", "/any", &req, &allow), 4);
    CHECK_INT(route(r, &a, "GET", "/nothing", &req, &allow), 0);
    CHECK_INT(route(r, &a, "POST", "/items", &req, &allow), 0);
    router_free(r);
    arena_release(&a);
}

static void count_route(void *ctx, const char *method, const char *pattern, const char *owner)
{
    (void)method, (void)pattern;
    CHECK_STR(owner, "mod");
    (*(int *)ctx)++;
}

TEST(router_duplicates_and_malformed)
{
    struct router *r = router_new();
    int n = 0;
    CHECK_INT(router_add(r, "GET", "/a/:id", h_a, "mod"), 0);
    CHECK_INT(router_add(r, "GET", "/a/:id", h_b, "mod"), -E_EXISTS);
    CHECK_INT(router_add(r, "GET", "/a/:key", h_b, "mod"), -E_EXISTS);
    CHECK_INT(router_add(r, "GET", "/a/:id/", h_b, "mod"), -E_EXISTS);
    CHECK_INT(router_add(r, "POST", "/a/:id", h_b, "mod"), 0);
    CHECK_INT(router_add(r, "GET", "/a/b", h_b, "mod"), 0);
    CHECK_INT(router_add(r, "GET", "/a/*rest", h_b, "mod"), 0);
    CHECK_INT(router_add(r, "GET", "a/b", h_b, "mod"), -E_INVAL);
    CHECK_INT(router_add(r, "GET", "", h_b, "mod"), -E_INVAL);
    CHECK_INT(router_add(r, "GET", "/x//y", h_b, "mod"), -E_INVAL);
    CHECK_INT(router_add(r, "GET", "/x/*rest/y", h_b, "mod"), -E_INVAL);
    CHECK_INT(router_add(r, "GET", "/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17", h_b, "mod"),
              -E_INVAL);
    router_each(r, count_route, &n);
    CHECK_INT(n, 4);
    router_free(r);
    router_free(NULL);
}
