/* libmicrohttpd glue: two daemons (HTTP, HTTPS) in epoll thread-pool mode sharing one router.
 * Each request gets a context with an arena, created when the request line arrives (URI log
 * callback, which also sees the raw target: the path is decoded here, once, for routing and
 * the log alike) and freed when MHD reports it complete. Framing (RFC 9112), header and body
 * caps are enforced here so bad or oversized input gets a JSON 400/431/413 and is never
 * buffered; a body beyond max_body_anonymous is read only when the request carries a
 * credential. A sweeper thread closes connections whose headers (or TLS handshake) are not
 * complete by their deadline, which libmicrohttpd's idle timeout cannot do. */
#include "core/http/server.h"

#include <jansson.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/base/error.h"
#include "core/base/log.h"
#include "core/base/timeutil.h"
#include "core/base/xalloc.h"
#include "core/config/config.h"
#include "core/http/assets.h"
#include "core/http/metrics.h"
#include "core/http/request.h"
#include "core/http/tls.h"
#include "core/http/tls_cred.h"
#include "core/json/params.h"

/* Bodies and replies above this size are mapped memory, returned to the system when freed;
 * a request that used more than BIG_REQUEST also trims the heap, so RSS falls back after it. */
#define MMAP_THRESHOLD (128 * 1024)
#define BIG_REQUEST (1024 * 1024)
#define LOG_PATH_MAX 400 /* bytes of the escaped path in an access-log line */

struct req_ctx {
    struct arena arena;
    struct http_request req;
    struct http_response res;
    struct strbuf body;
    uint64_t t0;
    int status;
    size_t sent_bytes;
    bool started, too_big, answered;
    bool bad_path;              /* the target is not a clean origin-form path: 400 */
    bool trusted;               /* may send up to max_body (a credential was checked) */
    bool close;                 /* answer with Connection: close */
    struct upgrade *upgrade;    /* set by http_upgrade: the reply hands the socket over */
    struct http_stream *stream; /* set by http_stream: a body its owner feeds */
    const char *log_path;       /* canonical path, secrets masked, escaped (arena) */
    struct conn_slot *slot;
};

/* Per connection: the request context libmicrohttpd has not reported complete yet. On some
 * error paths after the URI callback (argument records overflowing its memory pool) the
 * library never calls the completion callback; the connection-closed callback frees what is
 * left, so such requests cannot leak. Every slot is also on the sweeper's list with the time
 * by which the next request's headers must be complete (0 while a request is being handled);
 * the connection-closed callback takes it off before libmicrohttpd closes the socket, so the
 * sweeper never shuts down a descriptor that was reused. */
struct conn_slot {
    struct req_ctx *cur;
    struct conn_slot *prev, *next;
    int fd;
    _Atomic bool cut;          /* shut down by the sweeper */
    _Atomic uint64_t deadline; /* time_mono_ns() value, 0: none */
    _Atomic bool upgraded;     /* handed over by http_upgrade: no more deadlines */
    enum metrics_listener listener;
};

static struct MHD_Daemon *daemons[2];
static const struct router *the_router;
static struct server_options opts;
static _Atomic unsigned hsts_max_age; /* Strict-Transport-Security max-age on HTTPS replies */
static _Atomic int access_fd = -1;    /* the access log; -1: off */
static _Atomic unsigned active;
static server_credential_fn credential_ok;

static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sweeper_cond;
static struct conn_slot *slots;
static pthread_t sweeper;
static bool sweeper_running, sweeper_stop;

void server_set_credential_check(server_credential_fn fn)
{
    credential_ok = fn;
}

unsigned server_active_requests(void)
{
    return active;
}

/* Masks the secret of /rest/<id>/<secret>/... in a canonical path (in place, any case of
 * "rest"), so no spelling of a webhook URL puts its secret in the log. */
static void mask_secret(char *path)
{
    if (strncasecmp(path, "/rest/", 6))
        return;
    char *p = path + 6;
    size_t id = strspn(p, "0123456789");
    if (!id || p[id] != '/')
        return;
    for (char *s = p + id + 1; *s && *s != '/'; s++) /* "/rest/1/secret" without a method too */
        *s = '*';
}

/* Copies s for a log line: printable ASCII as it is, '"', '\\' and every other byte as \xHH,
 * so no request can break a line or forge one. Cut with "..." to fit out (outlen >= 8). */
static void log_escape(char *out, size_t outlen, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        bool plain = ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\';
        if (o + (plain ? 1 : 4) + 4 > outlen) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        if (plain) {
            out[o++] = (char)ch;
        } else {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[ch >> 4];
            out[o++] = hex[ch & 15];
        }
    }
    out[o] = '\0';
}

/* Decodes the path of a request target once, for routing and the log alike: percent-decoded
 * ('+' stays), runs of '/' collapsed to one. The absolute form (http://host/path) is reduced to
 * its path. Sets *bad for a target that is not a path, or whose path holds a "." or ".."
 * segment, a NUL or another control byte; the result still shows what came, for the log.
 * Returns an arena string. */
static char *canonical_path(struct arena *a, const char *uri, bool *bad)
{
    const char *p = uri;
    *bad = false;
    if (!strncasecmp(p, "http://", 7) || !strncasecmp(p, "https://", 8)) {
        p = strstr(p, "//") + 2;
        p += strcspn(p, "/?");
        if (*p != '/')
            p = "/";
    }
    size_t n = strcspn(p, "?");
    char *buf = arena_strndup(a, p, n);
    if (buf[0] != '/')
        *bad = true;
    n = params_url_decode(buf, n, 0);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)buf[i];
        if (ch < 0x20 || ch == 0x7f)
            *bad = true;
        if (ch == '/' && o && buf[o - 1] == '/')
            continue;
        buf[o++] = (char)ch;
    }
    buf[o] = '\0';
    for (const char *seg = buf; *seg;) {
        size_t len = strcspn(seg, "/");
        if ((len == 1 && seg[0] == '.') || (len == 2 && seg[0] == '.' && seg[1] == '.'))
            *bad = true;
        seg += len + (seg[len] == '/');
    }
    return buf;
}

static void ctx_free(struct req_ctx *c)
{
    bool big = c->body.alloc > BIG_REQUEST || c->res.body.alloc > BIG_REQUEST;
    if (c->slot)
        c->slot->cur = NULL;
    if (c->started)
        active--;
    strbuf_release(&c->body);
    strbuf_release(&c->res.body);
    arena_release(&c->arena);
    free(c);
    if (big)
        malloc_trim(0); /* what a large parameter tree left in the heap goes back too */
}

static uint64_t deadline_in(unsigned s)
{
    return time_mono_ns() + (uint64_t)s * 1000000000u;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    struct conn_slot *slot = *socket_context;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        slot = xcalloc(1, sizeof(*slot));
        slot->fd = ci ? ci->connect_fd : -1;
        slot->listener = cls ? METRICS_HTTPS : METRICS_HTTP;
        metrics_connection_open(slot->listener);
        /* from the accept: the TLS handshake and the first request's headers */
        slot->deadline = deadline_in(opts.header_timeout_s);
        pthread_mutex_lock(&slots_lock);
        slot->next = slots;
        if (slots)
            slots->prev = slot;
        slots = slot;
        pthread_mutex_unlock(&slots_lock);
        *socket_context = slot;
        return;
    }
    if (!slot)
        return;
    pthread_mutex_lock(&slots_lock);
    if (slot->prev)
        slot->prev->next = slot->next;
    else
        slots = slot->next;
    if (slot->next)
        slot->next->prev = slot->prev;
    pthread_mutex_unlock(&slots_lock);
    if (slot->cur)
        ctx_free(slot->cur);
    metrics_connection_close(slot->listener);
    free(slot);
    *socket_context = NULL;
}

/* Twice a second: shuts down every connection past its header deadline. libmicrohttpd then
 * reads end-of-file and closes it in its own thread as any other closed connection. */
static void *sweep(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&slots_lock);
    while (!sweeper_stop) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_nsec += 500 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&sweeper_cond, &slots_lock, &ts);
        uint64_t now = time_mono_ns();
        for (struct conn_slot *s = slots; s; s = s->next) {
            uint64_t d = s->deadline;
            if (d && now > d && !s->cut && s->fd >= 0) {
                shutdown(s->fd, SHUT_RDWR);
                s->cut = true;
                metrics_limit_refusal(METRICS_LIMIT_HEADER_TIMEOUT);
            }
        }
    }
    pthread_mutex_unlock(&slots_lock);
    return NULL;
}

static int sweeper_start(void)
{
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&sweeper_cond, &ca);
    pthread_condattr_destroy(&ca);
    sweeper_stop = false;
    if (pthread_create(&sweeper, NULL, sweep, NULL)) {
        pthread_cond_destroy(&sweeper_cond);
        return -E_IO;
    }
    sweeper_running = true;
    return 0;
}

static void sweeper_end(void)
{
    if (!sweeper_running)
        return;
    pthread_mutex_lock(&slots_lock);
    sweeper_stop = true;
    pthread_cond_signal(&sweeper_cond);
    pthread_mutex_unlock(&slots_lock);
    pthread_join(sweeper, NULL);
    pthread_cond_destroy(&sweeper_cond);
    sweeper_running = false;
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
    c->req.path = canonical_path(&c->arena, uri, &c->bad_path);
    char *masked = arena_strdup(&c->arena, c->req.path);
    mask_secret(masked);
    char *esc = arena_alloc(&c->arena, LOG_PATH_MAX);
    log_escape(esc, LOG_PATH_MAX, masked);
    c->log_path = esc;
    return c;
}

static void log_access(struct req_ctx *c, struct MHD_Connection *conn)
{
    int fd = atomic_load(&access_fd);
    if (fd < 0)
        return;
    char line[LOG_PATH_MAX + 256], ts[40], method[40];
    (void)conn;
    const char *addr = http_remote_addr(&c->req);
    if (!addr)
        addr = "-";
    time_fmt_iso(ts, sizeof(ts), time_now_real(), 1);
    log_escape(method, sizeof(method), c->req.method ? c->req.method : "-");
    int n = snprintf(line, sizeof(line), "%s %s \"%s %s\" %d %zu %.3fms\n", ts, addr, method,
                     c->log_path ? c->log_path : "-", c->status, c->sent_bytes,
                     (double)(time_mono_ns() - c->t0) / 1e6);
    if (n > 0)
        log_line(fd, line, n < (int)sizeof(line) ? n : (int)sizeof(line) - 1);
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
        metrics_request(c->req.metrics_route, c->req.metrics_family, c->status,
                        time_mono_ns() - c->t0);
        log_access(c, conn);
    }
    /* a kept-alive connection's next request: its headers within the idle timeout plus the
     * header timeout (libmicrohttpd's idle timer restarts with every byte; this does not) */
    if (c->slot && !c->slot->cut && !c->slot->upgraded)
        c->slot->deadline = deadline_in(opts.timeout_s + opts.header_timeout_s);
    ctx_free(c);
    *con_cls = NULL;
}

static enum MHD_Result add_len(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    (void)kind;
    *(size_t *)cls += strlen(key) + (value ? strlen(value) : 0) + 4;
    return MHD_YES;
}

static struct MHD_Response *upgrade_response(struct req_ctx *c);
static struct MHD_Response *stream_response(struct MHD_Connection *conn, struct req_ctx *c);

static enum MHD_Result send_response(struct MHD_Connection *conn, struct req_ctx *c)
{
    if (c->stream && c->status == 200) {
        struct MHD_Response *sr = stream_response(conn, c);
        c->answered = true;
        enum MHD_Result sret = sr ? MHD_queue_response(conn, 200, sr) : MHD_NO;
        if (sr)
            MHD_destroy_response(sr);
        return sret;
    }
    if (c->upgrade && c->status == 101) {
        struct MHD_Response *u = upgrade_response(c);
        c->answered = true;
        enum MHD_Result uret = u ? MHD_queue_response(conn, 101, u) : MHD_NO;
        if (u)
            MHD_destroy_response(u);
        return uret;
    }
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
    if (c->req.tls) {
        char hsts[32]; /* copied by libmicrohttpd */
        snprintf(hsts, sizeof(hsts), "max-age=%u", atomic_load(&hsts_max_age));
        MHD_add_response_header(r, "Strict-Transport-Security", hsts);
    }
    if (c->close)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
    c->sent_bytes = len;
    c->answered = true;
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)c->status, r);
    MHD_destroy_response(r);
    return ret;
}

struct framing {
    unsigned content_length, transfer_encoding, host;
    const char *te;
};

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    (void)kind;
    struct framing *f = cls;
    if (!strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH))
        f->content_length++;
    else if (!strcasecmp(key, MHD_HTTP_HEADER_HOST))
        f->host++;
    else if (!strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING)) {
        f->transfer_encoding++;
        f->te = value ? value : "";
    }
    return MHD_YES;
}

/* The target and the message framing, checked once the headers are in (RFC 9112 sections 3.2,
 * 6.1 and 6.3): a request that two parsers could read differently is refused and its
 * connection closed, so nothing can be smuggled behind it. Returns false with a 400 in c. */
static bool check_framing(struct MHD_Connection *conn, struct req_ctx *c, const char *version)
{
    struct framing f = {0};
    const char *why = NULL;
    MHD_get_connection_values(conn, MHD_HEADER_KIND, count_framing, &f);
    if (c->bad_path)
        why = "path is not absolute, or has a '.' or '..' segment or a control byte";
    else if (f.content_length > 1)
        why = "request has more than one 'Content-Length' header";
    else if (f.transfer_encoding > 1)
        why = "request has more than one 'Transfer-Encoding' header";
    else if (f.transfer_encoding && f.content_length)
        why = "request has both 'Content-Length' and 'Transfer-Encoding'";
    else if (f.transfer_encoding && strcasecmp(f.te, "chunked"))
        why = "transfer coding is not supported: only 'chunked' is";
    else if (f.host > 1)
        why = "request has more than one 'Host' header";
    else if (!f.host && version && strcmp(version, MHD_HTTP_VERSION_1_0) &&
             strcmp(version, "HTTP/0.9"))
        why = "HTTP/1.1 request has no 'Host' header";
    if (!why)
        return true;
    c->close = true;
    c->status = http_error(&c->res, 400, "INVALID_REQUEST", "%s", why);
    return false;
}

/* Checks caps when the headers are complete; answers 431/413 early instead of reading more.
 * A body beyond max_body_anonymous (declared, or chunked and so of unknown size) is read
 * only after the credential check passes; otherwise its cap is max_body_anonymous. */
static bool check_limits(struct MHD_Connection *conn, struct req_ctx *c)
{
    size_t hdr = strlen(c->req.path) + strlen(c->req.query);
    MHD_get_connection_values(conn, MHD_HEADER_KIND, add_len, &hdr);
    if (hdr > opts.max_header) {
        metrics_limit_refusal(METRICS_LIMIT_MAX_HEADER);
        c->status = http_error(&c->res, 431, "REQUEST_HEADERS_TOO_LARGE",
                               "request line and headers are %zu bytes, more than the limit of %zu",
                               hdr, opts.max_header);
        return false;
    }
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
    unsigned long long n = 0;
    if (cl) {
        char *end;
        n = strtoull(cl, &end, 10);
        if (*end || n > opts.max_body) {
            metrics_limit_refusal(METRICS_LIMIT_MAX_BODY);
            c->status =
                http_error(&c->res, 413, "REQUEST_BODY_TOO_LARGE",
                           "request body is larger than the limit of %zu bytes", opts.max_body);
            return false;
        }
    }
    bool chunked = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                               MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL;
    c->trusted = opts.max_body <= opts.max_body_anonymous;
    if (!c->trusted && (chunked || n > opts.max_body_anonymous))
        c->trusted = credential_ok && credential_ok(&c->req);
    if (!c->trusted && n > opts.max_body_anonymous) {
        metrics_limit_refusal(METRICS_LIMIT_MAX_BODY);
        c->close = true;
        c->status = http_error(
            &c->res, 413, "REQUEST_BODY_TOO_LARGE",
            "request body is larger than the limit of %zu bytes for a request without "
            "credentials: put the webhook in the url, 'auth' in the query string, or sign in",
            opts.max_body_anonymous);
        return false;
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
        req->metrics_route = (unsigned char)metrics_route_of(req->path);
        c->status = fn(req, &c->res);
        break;
    case ROUTER_METHOD_NOT_ALLOWED:
        http_add_header(&c->res, "Allow", allow);
        c->status = http_error(&c->res, 405, "METHOD_NOT_ALLOWED",
                               "method '%s' is not allowed on '%s'", req->method, req->path);
        break;
    default:
        c->status = assets_http_missing(req, &c->res);
        break;
    }
    if (c->status < 100 || c->status > 599)
        c->status = http_error(&c->res, 500, "INTERNAL_SERVER_ERROR", "handler failed");
}

/* ---- worker liveness: how long each worker thread has been inside the request callback ----
 * Each thread that runs on_request takes a slot of its listener on first use and stamps it
 * while it is inside (reading a body, checking a credential, running a handler), so the main
 * loop can tell whether every worker of a listener is stuck in one call (server_workers_stuck)
 * without sending a request through them. */

#define WORKERS_MAX 512 /* slots per listener; more threads share the last one */

struct worker_slot {
    _Atomic uint64_t busy_since; /* time_mono_ns() on entry, 0 while idle */
};

static struct worker_slot workers[2][WORKERS_MAX];
static _Atomic unsigned n_workers[2];
static _Thread_local struct worker_slot *worker_self;

static struct worker_slot *worker_slot_get(bool tls)
{
    if (!worker_self) {
        unsigned i = atomic_fetch_add(&n_workers[tls], 1);
        worker_self = &workers[tls][i < WORKERS_MAX ? i : WORKERS_MAX - 1];
    }
    return worker_self;
}

bool server_workers_stuck(double seconds)
{
    uint64_t now = time_mono_ns(), limit = (uint64_t)(seconds * 1e9);
    for (int l = 0; l < 2; l++) {
        unsigned n = atomic_load(&n_workers[l]), stuck = 0;
        if (!daemons[l] || !opts.threads || n < opts.threads)
            continue; /* a thread that never took a request is not stuck in one */
        for (unsigned i = 0; i < n && i < WORKERS_MAX; i++) {
            uint64_t since = atomic_load(&workers[l][i].busy_since);
            if (since && now > since && now - since > limit)
                stuck++;
        }
        if (stuck >= opts.threads)
            return true;
    }
    return false;
}

static enum MHD_Result handle_request(struct MHD_Connection *conn, bool tls, const char *method,
                                      const char *version, const char *upload_data,
                                      size_t *upload_data_size, void **con_cls);

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)url; /* libmicrohttpd's own decoding; the context's path is the canonical one */
    struct worker_slot *w = worker_slot_get(cls != NULL);
    atomic_store(&w->busy_since, time_mono_ns());
    enum MHD_Result r =
        handle_request(conn, cls != NULL, method, version, upload_data, upload_data_size, con_cls);
    atomic_store(&w->busy_since, 0);
    return r;
}

static enum MHD_Result handle_request(struct MHD_Connection *conn, bool tls, const char *method,
                                      const char *version, const char *upload_data,
                                      size_t *upload_data_size, void **con_cls)
{
    struct req_ctx *c = *con_cls;
    if (!c)
        return MHD_NO;
    if (!c->started) {
        /* in flight from here: a client still sending its headers does not hold up shutdown */
        c->started = true;
        active++;
        if (c->slot)
            c->slot->deadline = 0; /* the headers are in */
        c->req.method = method;
        c->req.tls = tls;
        c->req.secure = tls || http_forwarded_https(conn, c->req.arena);
        strbuf_init(&c->res.body, 0);
        if (!check_framing(conn, c, version) || !check_limits(conn, c))
            return send_response(conn, c);
        strbuf_init(&c->body, c->trusted ? opts.max_body : opts.max_body_anonymous);
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!c->too_big && strbuf_add(&c->body, upload_data, *upload_data_size)) {
            if (!c->trusted) {
                /* a chunked body without credentials: libmicrohttpd cannot answer in the
                 * middle of a body, so the connection is closed (logged as 413) */
                metrics_limit_refusal(METRICS_LIMIT_MAX_BODY);
                c->status = 413;
                return MHD_NO;
            }
            c->too_big = true; /* keep reading and discarding; answer once the body is in */
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (c->answered)
        return MHD_YES;
    if (c->too_big) {
        metrics_limit_refusal(METRICS_LIMIT_MAX_BODY);
        c->status = http_error(&c->res, 413, "REQUEST_BODY_TOO_LARGE",
                               "request body is larger than the limit of %zu bytes", opts.max_body);
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
    /* the library reports these only in its log: count them for /metrics */
    if (!strncmp(fmt, "Server reached connection limit", 31))
        metrics_limit_refusal(METRICS_LIMIT_CONNECTIONS);
    else if (!strncmp(fmt, "Error: received handshake message out of context", 48))
        metrics_tls_handshake_failed();
    vsnprintf(buf, sizeof(buf), fmt, ap);
    size_t n = strlen(buf);
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    log_debug("http: %s", buf);
}

/* ---- protocol upgrade (WebSocket): the socket leaves HTTP for the handler's own loop ---- */

struct upgrade {
    http_upgrade_fn fn;
    void *arg;
    struct http_header headers[4];
    int n_headers;
};

static void (*upgrade_stop)(void);

void server_set_upgrade_stop(void (*fn)(void))
{
    upgrade_stop = fn;
}

int http_upgrade(struct http_request *req, const char *protocol, const char *accept_name,
                 const char *accept_value, http_upgrade_fn fn, void *arg)
{
    struct req_ctx *c = (struct req_ctx *)((char *)req - offsetof(struct req_ctx, req));
    struct upgrade *u = arena_alloc(&c->arena, sizeof(*u));
    *u = (struct upgrade){.fn = fn, .arg = arg};
    u->headers[u->n_headers++] = (struct http_header){"Upgrade", protocol};
    if (accept_name)
        u->headers[u->n_headers++] = (struct http_header){accept_name, accept_value};
    c->upgrade = u;
    return 101;
}

void http_upgrade_close(struct http_upgraded *h)
{
    MHD_upgrade_action((struct MHD_UpgradeResponseHandle *)h, MHD_UPGRADE_ACTION_CLOSE);
}

static void on_upgraded(void *cls, struct MHD_Connection *conn, void *con_cls, const char *extra,
                        size_t extra_len, MHD_socket sock, struct MHD_UpgradeResponseHandle *urh)
{
    struct upgrade *u = cls;
    (void)con_cls;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    struct conn_slot *slot = ci ? ci->socket_context : NULL;
    if (slot) {
        /* no header deadline any more, and no longer a request in flight */
        slot->upgraded = true;
        slot->deadline = 0;
        if (slot->cur && slot->cur->started) {
            slot->cur->started = false;
            active--;
        }
    }
    u->fn(u->arg, (int)sock, extra, extra_len, (struct http_upgraded *)urh);
    free(u);
}

static struct MHD_Response *upgrade_response(struct req_ctx *c)
{
    struct upgrade *u = xcalloc(1, sizeof(*u)); /* outlives the request's arena */
    *u = *c->upgrade;
    struct MHD_Response *r = MHD_create_response_for_upgrade(on_upgraded, u);
    if (!r) {
        free(u);
        return NULL;
    }
    for (int i = 0; i < u->n_headers; i++)
        MHD_add_response_header(r, u->headers[i].name, u->headers[i].value);
    for (int i = 0; i < c->res.n_headers; i++)
        MHD_add_response_header(r, c->res.headers[i].name, c->res.headers[i].value);
    return r;
}

/* ---- streams (Server-Sent Events): a 200 whose body comes as its owner has it ---- */

struct http_stream {
    struct MHD_Connection *conn;
    http_stream_read_fn read;
    http_stream_free_fn free;
    void *arg;
    const char *content_type;
};

int http_stream(struct http_request *req, const char *content_type, http_stream_read_fn rd,
                http_stream_free_fn fr, void *arg)
{
    struct req_ctx *c = (struct req_ctx *)((char *)req - offsetof(struct req_ctx, req));
    struct http_stream *s = arena_alloc(&c->arena, sizeof(*s));
    *s = (struct http_stream){.read = rd, .free = fr, .arg = arg, .content_type = content_type};
    c->stream = s;
    return 200;
}

void http_stream_suspend(struct http_stream *s)
{
    MHD_suspend_connection(s->conn);
}

void http_stream_resume(struct http_stream *s)
{
    MHD_resume_connection(s->conn);
}

static ssize_t on_stream(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct http_stream *s = cls;
    (void)pos;
    ssize_t n = s->read(s->arg, s, buf, max);
    return n > 0 ? n : n == 0 ? 0 : MHD_CONTENT_READER_END_OF_STREAM;
}

static void stream_free(void *cls)
{
    struct http_stream *s = cls;
    s->free(s->arg);
    free(s);
}

static struct MHD_Response *stream_response(struct MHD_Connection *conn, struct req_ctx *c)
{
    struct http_stream *s = xcalloc(1, sizeof(*s)); /* outlives the request's arena */
    *s = *c->stream;
    s->conn = conn;
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, on_stream, s, stream_free);
    if (!r) {
        stream_free(s);
        return NULL;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, s->content_type);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(r, "X-Accel-Buffering", "no");
    for (int i = 0; i < c->res.n_headers; i++)
        MHD_add_response_header(r, c->res.headers[i].name, c->res.headers[i].value);
    return r;
}

static struct MHD_Daemon *start_one(const char *addr, bool tls)
{
    char host[256], port_s[16];
    int port;
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *ai = NULL;
    if (config_parse_addr(addr, host, sizeof(host), &port))
        return NULL;
    snprintf(port_s, sizeof(port_s), "%d", port);
    if (getaddrinfo(host, port_s, &hints, &ai) || !ai) {
        error("listen address '%s' cannot be resolved", addr);
        return NULL;
    }
    unsigned flags =
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG | MHD_ALLOW_UPGRADE;
    if (ai->ai_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    if (tls)
        flags |= MHD_USE_TLS;
    flags |= MHD_ALLOW_SUSPEND_RESUME; /* streams wait for data suspended */
    /* the certificate comes from the store on every handshake, so a reload can replace it */
    struct MHD_OptionItem tls_opts[] = {
        {MHD_OPTION_HTTPS_CERT_CALLBACK, 0, (void *)tls_cred_retrieve},
        {MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)opts.tls_priorities},
        {MHD_OPTION_END, 0, NULL},
    };
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, on_request, tls ? (void *)1 : NULL,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, /* first, so every message goes there */
        MHD_OPTION_SOCK_ADDR, ai->ai_addr, MHD_OPTION_THREAD_POOL_SIZE, opts.threads,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(opts.max_header + 16384),
        MHD_OPTION_CONNECTION_TIMEOUT, opts.timeout_s, MHD_OPTION_CONNECTION_LIMIT,
        opts.max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT, opts.max_connections_per_ip,
        MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_NOTIFY_CONNECTION,
        on_connection, tls ? (void *)1 : NULL, MHD_OPTION_ARRAY,
        tls ? tls_opts : tls_opts + ARRAY_SIZE(tls_opts) - 1, MHD_OPTION_END);
    freeaddrinfo(ai);
    if (!d)
        error("cannot listen on '%s' (%s): address in use or not available", addr,
              tls ? "https" : "http");
    return d;
}

/* Raises the open-file limit to its hard limit: every connection is a descriptor, and the
 * default soft limit (often 1024) is far below max_connections. */
static void raise_fd_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl))
        return;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl))
            getrlimit(RLIMIT_NOFILE, &rl);
    }
    rlim_t need = (rlim_t)opts.max_connections * 2 + 256;
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need)
        log_warn("open-file limit %llu is below what max_connections %u needs (%llu); raise "
                 "it (ulimit -n, LimitNOFILE=) or lower max_connections",
                 (unsigned long long)rl.rlim_cur, opts.max_connections, (unsigned long long)need);
}

int server_start(const struct server_options *opt, const struct router *router)
{
    opts = *opt;
    the_router = router;
    if (opts.threads == 0)
        opts.threads = 1;
    if (opts.header_timeout_s == 0)
        opts.header_timeout_s = 10;
    raise_fd_limit();
    /* large buffers mapped, so freeing them returns the memory (a fixed threshold also stops
     * glibc from raising it after the first large free) */
    mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    if (sweeper_start())
        return -E_IO;
    metrics_init();
    metrics_set_in_flight(server_active_requests);
    if (opt->https_addr) {
        struct tls_cred *cred;
        char err[300];
        int64_t not_after;
        if (tls_cred_new(opt->cert_pem, opt->key_pem, &cred, err, sizeof(err))) {
            error("%s", err);
            goto fail;
        }
        tls_cred_use(cred);
        if (!tls_not_after(opt->cert_pem, &not_after))
            metrics_tls_certificate(not_after);
        if (!opts.tls_priorities)
            opts.tls_priorities = TLS_PRIORITIES_12;
    }
    hsts_max_age = opts.hsts_max_age;
    access_fd = opts.access_log_fd;
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
    if (upgrade_stop)
        upgrade_stop(); /* upgraded sockets go back to libmicrohttpd before it stops */
    MHD_socket listen_fd[2] = {MHD_INVALID_SOCKET, MHD_INVALID_SOCKET};
    for (int i = 0; i < 2; i++)
        if (daemons[i])
            listen_fd[i] = MHD_quiesce_daemon(daemons[i]);
    double deadline = time_now_mono() + grace_s;
    while (active > 0 && time_now_mono() < deadline)
        usleep(10 * 1000);
    sweeper_end();
    for (int i = 0; i < 2; i++) {
        if (daemons[i])
            MHD_stop_daemon(daemons[i]);
        daemons[i] = NULL;
        /* a quiesced daemon leaves its listening socket to the caller */
        if (listen_fd[i] != MHD_INVALID_SOCKET)
            close(listen_fd[i]);
    }
    tls_cred_release_all(); /* no TLS session is left that could point into a pair */
}

void server_set_hsts(unsigned max_age)
{
    hsts_max_age = max_age;
}

void server_set_access_log(int fd)
{
    access_fd = fd;
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
    access_fd = opts.access_log_fd;
    daemons[0] = MHD_start_daemon(
        MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ERROR_LOG, 0, NULL, NULL, on_request, NULL,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)(opts.max_header + 16384), MHD_OPTION_CONNECTION_TIMEOUT, opts.timeout_s,
        MHD_OPTION_CONNECTION_LIMIT, opts.max_connections, MHD_OPTION_URI_LOG_CALLBACK, on_uri,
        NULL, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_NOTIFY_CONNECTION,
        on_connection, NULL, MHD_OPTION_END);
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
