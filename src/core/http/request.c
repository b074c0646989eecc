/* What handlers ask of a request and write into a response (the functions of http.h), over
 * libmicrohttpd's connection: headers, query arguments, path parameters, the client's address
 * (through a trusted proxy's X-Forwarded-For), and the error envelope. The server (server.c)
 * builds the requests; this file only reads and writes them, so the parts that answer
 * requests (metrics, assets, REST) depend on it and not on the server. */
#include "core/http/request.h"

#include <jansson.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "core/base/error.h"
#include "core/http/proxy.h"

/* The peer's socket address, or NULL when the library cannot tell. */
static const struct sockaddr *peer_addr(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return ci ? ci->client_addr : NULL;
}

struct header_join {
    const char *name;
    struct strbuf *out;
};

static enum MHD_Result join_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    struct header_join *j = cls;
    (void)kind;
    if (key && value && !strcasecmp(key, j->name)) {
        if (j->out->len)
            strbuf_addch(j->out, ',');
        strbuf_addstr(j->out, value);
    }
    return MHD_YES;
}

/* Every occurrence of a header joined by commas, as one list (RFC 9110 section 5.3): a proxy
 * may add its own line instead of extending the client's. NULL when absent. Arena. */
static const char *header_list(struct MHD_Connection *conn, const char *name, struct arena *a)
{
    struct strbuf sb;
    strbuf_init(&sb, 0); /* bounded by max_header */
    struct header_join j = {name, &sb};
    MHD_get_connection_values(conn, MHD_HEADER_KIND, join_header, &j);
    const char *out = sb.len ? arena_strndup(a, sb.buf, sb.len) : NULL;
    strbuf_release(&sb);
    return out;
}

/* The client's numeric address (arena), or NULL when the library cannot tell: the peer's, or
 * for a peer in trusted_proxies the one its X-Forwarded-For reports. */
static const char *client_addr(struct MHD_Connection *conn, struct arena *a)
{
    const struct sockaddr *sa = peer_addr(conn);
    char host[64];
    if (!sa)
        return NULL;
    if (!proxy_none() && proxy_trusted_sockaddr(sa)) {
        const char *fwd = proxy_forwarded_for(header_list(conn, "X-Forwarded-For", a), a);
        if (fwd)
            return fwd;
    }
    if (getnameinfo(sa, sizeof(struct sockaddr_storage), host, sizeof(host), NULL, 0,
                    NI_NUMERICHOST))
        return NULL;
    return arena_strdup(a, host);
}

bool http_forwarded_https(struct MHD_Connection *conn, struct arena *a)
{
    if (proxy_none()) /* the usual direct set-up: not a look at the connection */
        return false;
    const struct sockaddr *sa = peer_addr(conn);
    if (!sa || !proxy_trusted_sockaddr(sa))
        return false;
    const char *proto = header_list(conn, "X-Forwarded-Proto", a);
    if (!proto)
        return false;
    const char *last = strrchr(proto, ',');
    last = last ? last + 1 : proto;
    last += strspn(last, " \t");
    return !strncasecmp(last, "https", 5) && !last[5 + strspn(last + 5, " \t")];
}

const char *http_remote_addr(const struct http_request *req)
{
    /* the cache lives in a request the server owns and never hands out as const */
    struct http_request *r = (struct http_request *)req;
    if (!r->remote_addr && r->conn)
        r->remote_addr = client_addr((struct MHD_Connection *)r->conn, r->arena);
    return r->remote_addr;
}

const char *http_header(const struct http_request *req, const char *name)
{
    return MHD_lookup_connection_value((struct MHD_Connection *)req->conn, MHD_HEADER_KIND, name);
}

const char *http_query_arg(const struct http_request *req, const char *name)
{
    return MHD_lookup_connection_value((struct MHD_Connection *)req->conn, MHD_GET_ARGUMENT_KIND,
                                       name);
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
    if (!o) { /* not UTF-8 (a path of raw bytes, a cut sequence): keep the ASCII of it */
        for (char *p = msg; *p; p++)
            if ((unsigned char)*p >= 0x80)
                *p = '?';
        o = json_pack("{s:s, s:s}", "error", code, "error_description", msg);
    }
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    strbuf_reset(&res->body);
    strbuf_addstr(&res->body, s ? s : "{\"error\":\"INTERNAL_SERVER_ERROR\"}");
    free(s);
    json_decref(o);
    res->content_type = "application/json; charset=utf-8";
    return status;
}
