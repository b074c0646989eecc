/* libmicrohttpd glue: two daemons (HTTP, HTTPS) in epoll thread-pool mode sharing one router.
 * Each request gets a context with an arena, created when the request line arrives (URI log
 * callback, which also sees the raw query string) and freed when MHD reports it complete.
 * Header and body caps are enforced here so oversized input gets a JSON 431/413 and is never
 * buffered; the library's own memory limit is set above ours as a backstop. */
#include "core/http/server.h"

#include <jansson.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/base/error.h"
#include "core/base/log.h"
#include "core/base/timeutil.h"
#include "core/base/xalloc.h"
#include "core/config/config.h"
#include "core/http/metrics.h"

struct req_ctx {
    struct arena arena;
    struct http_request req;
    struct http_response res;
    struct strbuf body;
    uint64_t t0;
    int status;
    size_t sent_bytes;
    bool started, too_big, answered;
    char raw_path[160]; /* for the access log, secrets masked */
    struct conn_slot *slot;
};

/* Per connection: the request context libmicrohttpd has not reported complete yet. On some
 * error paths after the URI callback (argument records overflowing its memory pool) the
 * library never calls the completion callback; the connection-closed callback frees what is
 * left, so such requests cannot leak. */
struct conn_slot {
    struct req_ctx *cur;
};

static struct MHD_Daemon *daemons[2];
static const struct router *the_router;
static struct server_options opts;
static char *cert_copy, *key_copy;
static _Atomic unsigned active;

unsigned server_active_requests(void)
{
    return active;
}

/* Copies path for the access log with the secret of /rest/<id>/<secret>/... masked. */
static void mask_path(char *out, size_t outlen, const char *uri)
{
    size_t n = strcspn(uri, "?");
    snprintf(out, outlen, "%.*s", (int)n, uri);
    if (strncmp(out, "/rest/", 6))
        return;
    char *p = out + 6;
    size_t id = strspn(p, "0123456789");
    if (!id || p[id] != '/')
        return;
    char *secret = p + id + 1, *end = strchr(secret, '/');
    if (!end)
        end = secret + strlen(secret); /* "/rest/1/secret" without the method */
    for (char *s = secret; s < end; s++)
        *s = '*';
}

/* The client's numeric address (arena), or NULL when the library cannot tell. */
static const char *client_addr(struct MHD_Connection *conn, struct arena *a)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char host[64];
    if (!ci || !ci->client_addr ||
        getnameinfo(ci->client_addr, sizeof(struct sockaddr_storage), host, sizeof(host), NULL, 0,
                    NI_NUMERICHOST))
        return NULL;
    return arena_strdup(a, host);
}

const char *http_remote_addr(const struct http_request *req)
{
    /* the cache lives in a request the server owns and never hands out as const */
    struct http_request *r = (struct http_request *)req;
    if (!r->remote_addr && r->conn)
        r->remote_addr = client_addr((struct MHD_Connection *)r->conn, r->arena);
    return r->remote_addr;
}

static void ctx_free(struct req_ctx *c)
{
    if (c->slot)
        c->slot->cur = NULL;
    if (c->started)
        active--;
    strbuf_release(&c->body);
    strbuf_release(&c->res.body);
    arena_release(&c->arena);
    free(c);
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    (void)cls;
    (void)conn;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        *socket_context = xcalloc(1, sizeof(struct conn_slot));
        return;
    }
    struct conn_slot *slot = *socket_context;
    if (slot && slot->cur)
        ctx_free(slot->cur);
    free(slot);
    *socket_context = NULL;
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)cls;
    struct req_ctx *c = xcalloc(1, sizeof(*c));
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    c->slot = ci ? ci->socket_context : NULL;
    if (c->slot) {
        if (c->slot->cur) /* the previous request was dropped without completion */
            ctx_free(c->slot->cur);
        c->slot->cur = c;
    }
    c->t0 = time_mono_ns();
    c->req.arena = &c->arena;
    c->req.conn = (struct http_conn *)conn;
    const char *q = strchr(uri, '?');
    c->req.query = q ? arena_strdup(&c->arena, q + 1) : "";
    mask_path(c->raw_path, sizeof(c->raw_path), uri);
    return c;
}

static void log_access(struct req_ctx *c, struct MHD_Connection *conn)
{
    if (opts.access_log_fd < 0)
        return;
    char line[512], ts[40];
    (void)conn;
    const char *addr = http_remote_addr(&c->req);
    if (!addr)
        addr = "-";
    time_fmt_iso(ts, sizeof(ts), time_now_real(), 1);
    int n = snprintf(line, sizeof(line), "%s %s \"%s %s\" %d %zu %.3fms\n", ts, addr,
                     c->req.method ? c->req.method : "-", c->raw_path, c->status, c->sent_bytes,
                     (double)(time_mono_ns() - c->t0) / 1e6);
    if (n > 0)
        log_line(opts.access_log_fd, line, n < (int)sizeof(line) ? n : (int)sizeof(line) - 1);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)toe;
    struct req_ctx *c = *con_cls;
    if (!c)
        return;
    if (c->status) {
        metrics_request(c->status, time_mono_ns() - c->t0);
        log_access(c, conn);
    }
    ctx_free(c);
    *con_cls = NULL;
}

const char *http_header(const struct http_request *req, const char *name)
{
    return MHD_lookup_connection_value((struct MHD_Connection *)req->conn, MHD_HEADER_KIND, name);
}

const char *http_query_arg(const struct http_request *req, const char *name)
{
    return MHD_lookup_connection_value((struct MHD_Connection *)req->conn,
                                       MHD_GET_ARGUMENT_KIND, name);
}

struct each_ctx {
    int (*fn)(void *ctx, const char *key, const char *value);
    void *ctx;
    int rc;
};

static enum MHD_Result each_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *value)
{
    (void)kind;
    struct each_ctx *e = cls;
    e->rc = e->fn(e->ctx, key, value ? value : "");
    return e->rc ? MHD_NO : MHD_YES;
}

int http_query_each(const struct http_request *req,
                    int (*fn)(void *ctx, const char *key, const char *value), void *ctx)
{
    struct each_ctx e = {fn, ctx, 0};
    MHD_get_connection_values((struct MHD_Connection *)req->conn, MHD_GET_ARGUMENT_KIND, each_arg,
                              &e);
    return e.rc;
}

const char *http_param(const struct http_request *req, const char *name)
{
    for (int i = 0; i < req->n_params; i++)
        if (!strcmp(req->param_names[i], name))
            return req->param_values[i];
    return NULL;
}

int http_add_header(struct http_response *res, const char *name, const char *value)
{
    if (res->n_headers >= HTTP_MAX_RESP_HEADERS)
        return -E_TOOBIG;
    res->headers[res->n_headers++] = (struct http_header){name, value};
    return 0;
}

int http_error(struct http_response *res, int status, const char *code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    json_t *o = json_pack("{s:s, s:s}", "error", code, "error_description", msg);
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    strbuf_reset(&res->body);
    strbuf_addstr(&res->body, s ? s : "{\"error\":\"INTERNAL_SERVER_ERROR\"}");
    free(s);
    json_decref(o);
    res->content_type = "application/json; charset=utf-8";
    return status;
}

static enum MHD_Result add_len(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    (void)kind;
    *(size_t *)cls += strlen(key) + (value ? strlen(value) : 0) + 4;
    return MHD_YES;
}

static enum MHD_Result send_response(struct MHD_Connection *conn, struct req_ctx *c)
{
    size_t len;
    char *body = strbuf_detach(&c->res.body, &len);
    struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                            c->res.content_type ? c->res.content_type
                                                : "application/json; charset=utf-8");
    for (int i = 0; i < c->res.n_headers; i++)
        MHD_add_response_header(r, c->res.headers[i].name, c->res.headers[i].value);
    c->sent_bytes = len;
    c->answered = true;
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)c->status, r);
    MHD_destroy_response(r);
    return ret;
}

/* Checks caps when the headers are complete; answers 431/413 early instead of reading more. */
static bool check_limits(struct MHD_Connection *conn, struct req_ctx *c, const char *url)
{
    size_t hdr = strlen(url) + strlen(c->req.query);
    MHD_get_connection_values(conn, MHD_HEADER_KIND, add_len, &hdr);
    if (hdr > opts.max_header) {
        c->status = http_error(&c->res, 431, "REQUEST_HEADERS_TOO_LARGE",
                               "request line and headers are %zu bytes, more than the limit of %zu",
                               hdr, opts.max_header);
        return false;
    }
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
    if (cl) {
        char *end;
        unsigned long long n = strtoull(cl, &end, 10);
        if (*end || n > opts.max_body) {
            c->status = http_error(&c->res, 413, "REQUEST_BODY_TOO_LARGE",
                                   "request body is larger than the limit of %zu bytes",
                                   opts.max_body);
            return false;
        }
    }
    return true;
}

static void dispatch(struct req_ctx *c)
{
    http_handler_fn fn = NULL;
    const char *allow = NULL;
    struct http_request *req = &c->req;
    switch (router_match(the_router, req, &fn, &allow)) {
    case ROUTER_OK:
        c->status = fn(req, &c->res);
        break;
    case ROUTER_METHOD_NOT_ALLOWED:
        http_add_header(&c->res, "Allow", allow);
        c->status = http_error(&c->res, 405, "METHOD_NOT_ALLOWED",
                               "method '%s' is not allowed on '%s'", req->method, req->path);
        break;
    default:
        c->status =
            http_error(&c->res, 404, "NOT_FOUND", "path '%s' is not found", req->path);
        break;
    }
    if (c->status < 100 || c->status > 599)
        c->status = http_error(&c->res, 500, "INTERNAL_SERVER_ERROR", "handler failed");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)version;
    struct req_ctx *c = *con_cls;
    bool tls = cls != NULL;
    if (!c)
        return MHD_NO;
    if (!c->started) {
        /* in flight from here: a client still sending its headers does not hold up shutdown */
        c->started = true;
        active++;
        c->req.method = method;
        c->req.path = url;
        c->req.tls = tls;
        strbuf_init(&c->body, opts.max_body);
        strbuf_init(&c->res.body, 0);
        if (!check_limits(conn, c, url))
            return send_response(conn, c);
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!c->too_big && strbuf_add(&c->body, upload_data, *upload_data_size))
            c->too_big = true; /* keep reading and discarding; answer once the body is in */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (c->answered)
        return MHD_YES;
    if (c->too_big) {
        c->status = http_error(&c->res, 413, "REQUEST_BODY_TOO_LARGE",
                               "request body is larger than the limit of %zu bytes",
                               opts.max_body);
        return send_response(conn, c);
    }
    c->req.body = c->body.buf;
    c->req.body_len = c->body.len;
    dispatch(c);
    return send_response(conn, c);
}

struct form_ctx {
    int (*fn)(void *ctx, const char *key, const char *filename, const char *data, uint64_t off,
              size_t size);
    void *ctx;
    int rc;
};

static enum MHD_Result form_iter(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *filename, const char *content_type,
                                 const char *transfer_encoding, const char *data, uint64_t off,
                                 size_t size)
{
    (void)kind;
    (void)content_type;
    (void)transfer_encoding;
    struct form_ctx *f = cls;
    f->rc = f->fn(f->ctx, key, filename, data ? data : "", off, size);
    return f->rc ? MHD_NO : MHD_YES;
}

int http_form_each(struct http_request *req,
                   int (*fn)(void *ctx, const char *key, const char *filename, const char *data,
                             uint64_t off, size_t size),
                   void *ctx)
{
    struct form_ctx f = {fn, ctx, 0};
    struct MHD_PostProcessor *pp =
        MHD_create_post_processor((struct MHD_Connection *)req->conn, 64 * 1024, form_iter, &f);
    if (!pp)
        return -E_INVAL;
    enum MHD_Result r = MHD_post_process(pp, req->body, req->body_len);
    enum MHD_Result d = MHD_destroy_post_processor(pp);
    if (f.rc)
        return f.rc;
    return (r == MHD_YES && d == MHD_YES) ? 0 : -E_INVAL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char buf[512];
    vsnprintf(buf, sizeof(buf), fmt, ap);
    size_t n = strlen(buf);
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    log_debug("http: %s", buf);
}

static struct MHD_Daemon *start_one(const char *addr, bool tls)
{
    char host[256], port_s[16];
    int port;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *ai = NULL;
    if (config_parse_addr(addr, host, sizeof(host), &port))
        return NULL;
    snprintf(port_s, sizeof(port_s), "%d", port);
    if (getaddrinfo(host, port_s, &hints, &ai) || !ai) {
        error("listen address '%s' cannot be resolved", addr);
        return NULL;
    }
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (ai->ai_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    if (tls)
        flags |= MHD_USE_TLS;
    struct MHD_OptionItem tls_opts[] = {
        {MHD_OPTION_HTTPS_MEM_CERT, 0, cert_copy},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, key_copy},
        {MHD_OPTION_END, 0, NULL},
    };
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, on_request, tls ? (void *)1 : NULL,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, /* first, so every message goes there */
        MHD_OPTION_SOCK_ADDR, ai->ai_addr,
        MHD_OPTION_THREAD_POOL_SIZE, opts.threads,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(opts.max_header + 16384),
        MHD_OPTION_CONNECTION_TIMEOUT, opts.timeout_s,
        MHD_OPTION_CONNECTION_LIMIT, opts.max_connections,
        MHD_OPTION_LISTENING_ADDRESS_REUSE, 1,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
        MHD_OPTION_ARRAY, tls ? tls_opts : tls_opts + 2,
        MHD_OPTION_END);
    freeaddrinfo(ai);
    if (!d)
        error("cannot listen on '%s' (%s): address in use or not available", addr,
              tls ? "https" : "http");
    return d;
}

int server_start(const struct server_options *opt, const struct router *router)
{
    opts = *opt;
    the_router = router;
    if (opts.threads == 0)
        opts.threads = 1;
    if (opt->https_addr) {
        cert_copy = xstrdup(opt->cert_pem);
        key_copy = xstrdup(opt->key_pem);
    }
    if (opt->http_addr && !(daemons[0] = start_one(opt->http_addr, false)))
        goto fail;
    if (opt->https_addr && !(daemons[1] = start_one(opt->https_addr, true)))
        goto fail;
    return 0;
fail:
    server_stop(0);
    return -E_IO;
}

void server_stop(unsigned grace_s)
{
    MHD_socket listen_fd[2] = {MHD_INVALID_SOCKET, MHD_INVALID_SOCKET};
    for (int i = 0; i < 2; i++)
        if (daemons[i])
            listen_fd[i] = MHD_quiesce_daemon(daemons[i]);
    double deadline = time_now_mono() + grace_s;
    while (active > 0 && time_now_mono() < deadline)
        usleep(10 * 1000);
    for (int i = 0; i < 2; i++) {
        if (daemons[i])
            MHD_stop_daemon(daemons[i]);
        daemons[i] = NULL;
        /* a quiesced daemon leaves its listening socket to the caller */
        if (listen_fd[i] != MHD_INVALID_SOCKET)
            close(listen_fd[i]);
    }
    free(cert_copy);
    if (key_copy)
        explicit_bzero(key_copy, strlen(key_copy));
    free(key_copy);
    cert_copy = key_copy = NULL;
}

int server_port(bool tls)
{
    struct MHD_Daemon *d = daemons[tls ? 1 : 0];
    if (!d)
        return 0;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}

/* ---- embedded mode: no listener, no threads, the caller drives the loop ----------------------
 * For the request fuzzer (tests/fuzz/fuzz_request.c): connections are handed in as sockets and
 * every callback runs on the caller's thread inside server_run, so one process drives the same
 * libmicrohttpd state machine and the same callbacks as the listeners above, deterministically.
 * The daemon gets the options of start_one that shape a request (memory, timeout and
 * connection limits, the callbacks); keep the two lists in step. */

int server_start_embedded(const struct server_options *opt, const struct router *router)
{
    opts = *opt;
    the_router = router;
    daemons[0] = MHD_start_daemon(
        MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ERROR_LOG, 0, NULL, NULL, on_request, NULL,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(opts.max_header + 16384),
        MHD_OPTION_CONNECTION_TIMEOUT, opts.timeout_s,
        MHD_OPTION_CONNECTION_LIMIT, opts.max_connections,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
        MHD_OPTION_END);
    if (daemons[0])
        return 0;
    error("the embedded HTTP daemon cannot start");
    return -E_IO;
}

int server_add_connection(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
    if (!daemons[0] || MHD_add_connection(daemons[0], fd, addr, addrlen) != MHD_YES)
        return -E_IO;
    return 0;
}

int server_run(void)
{
    return daemons[0] && MHD_run(daemons[0]) == MHD_YES ? 0 : -E_IO;
}

unsigned server_connections(void)
{
    const union MHD_DaemonInfo *info =
        daemons[0] ? MHD_get_daemon_info(daemons[0], MHD_DAEMON_INFO_CURRENT_CONNECTIONS) : NULL;
    return info ? info->num_connections : 0;
}
