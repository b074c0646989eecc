/* The HTTP and HTTPS listeners over libmicrohttpd in epoll thread-pool mode. The server reads
 * a whole request (headers capped by max_header and due within header_timeout, body capped by
 * max_body, or by max_body_anonymous until a credential check says otherwise), hands it to the
 * router's handler on the worker thread and sends the response; it logs one access line per
 * request and counts it for /metrics. It knows nothing about REST or modules. */
#ifndef KAZI_SERVER_H
#define KAZI_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "core/http/router.h"

struct server_options {
    const char *http_addr;          /* "127.0.0.1:8080" or NULL for none */
    const char *https_addr;         /* or NULL */
    const char *cert_pem, *key_pem; /* required with https_addr; parsed, not kept */
    const char *tls_priorities;     /* GnuTLS priority string for https_addr (tls_priorities()) */
    unsigned hsts_max_age; /* Strict-Transport-Security max-age sent on every HTTPS reply */
    unsigned threads;      /* worker threads per listener */
    size_t max_body, max_header;
    size_t max_body_anonymous; /* largest body read before a credential is known */
    unsigned timeout_s, max_connections;
    unsigned max_connections_per_ip; /* per listener and client address; 0: no limit */
    unsigned header_timeout_s;       /* accept (or end of the last reply) to complete headers */
    int access_log_fd;               /* -1: no access log */
};

/* Tells whether a request whose headers are in carries a valid credential, and so may send a
 * body of up to max_body rather than max_body_anonymous. Called on the worker thread, only
 * for bodies beyond max_body_anonymous (declared or chunked); the handler checks the
 * credential again as usual. */
typedef bool (*server_credential_fn)(struct http_request *req);

/* Sets the credential check; call before server_start. Without one every body is capped at
 * max_body_anonymous. */
void server_set_credential_check(server_credential_fn fn);

/* Starts listening. The router must outlive the server. Returns 0, or -E_IO with a logged
 * message naming the address (e.g. already in use). With https_addr, cert_pem/key_pem become
 * the current pair of the certificate store (tls_cred.h), which tls_cred_use replaces while
 * serving; server_stop frees every pair. */
int server_start(const struct server_options *opt, const struct router *router);
/* Stops accepting new connections, waits up to grace_s seconds for in-flight requests, then
 * closes every connection and joins the worker threads. */
void server_stop(unsigned grace_s);
/* While serving, from any thread (a reload): the max-age of the Strict-Transport-Security
 * header on HTTPS replies from now on. */
void server_set_hsts(unsigned max_age);
/* While serving, from any thread: the access log's descriptor from now on (-1: off). The
 * caller keeps owning it; one that was in use may still be written to by a request finishing,
 * so replace a file under the same number (dup2) rather than closing it. */
void server_set_access_log(int fd);
/* True when every worker thread of a listener has been inside one request callback (reading a
 * body, checking a credential, running a handler) for more than seconds: that listener answers
 * nobody. A thread that has never taken a request is not counted as stuck. */
bool server_workers_stuck(double seconds);
/* Requests currently being handled (for shutdown and /metrics). */
unsigned server_active_requests(void);
/* The actual port of a listener (useful with port 0), 0 if none. */
int server_port(bool tls);

/* Protocol upgrade (RFC 9110 section 7.8), for WebSocket. A handler that accepts an upgrade
 * calls http_upgrade and returns its value (101): the reply carries "Upgrade: protocol" and,
 * when accept_name is not NULL, that header (name and value static or arena). Once the reply
 * is sent, fn runs on the worker thread with the socket (non-blocking state unchanged), the
 * bytes the client sent after its headers (extra, valid only during the call) and a handle.
 * From then the socket belongs to fn's owner until it calls http_upgrade_close(handle), from
 * any thread, exactly once; the socket must not be closed otherwise. Plain HTTP and HTTPS
 * alike (over HTTPS the socket is a local pair libmicrohttpd encrypts behind). */
struct http_upgraded;
typedef void (*http_upgrade_fn)(void *arg, int fd, const char *extra, size_t extra_len,
                                struct http_upgraded *handle);
int http_upgrade(struct http_request *req, const char *protocol, const char *accept_name,
                 const char *accept_value, http_upgrade_fn fn, void *arg);
void http_upgrade_close(struct http_upgraded *handle);
/* A streamed reply (Server-Sent Events): a handler calls http_stream and returns its value
 * (200); the body is sent chunked as read(arg, stream, buf, max) gives it, on a worker thread:
 * bytes written (> 0), -1 for the end, or 0 for "nothing now" after calling
 * http_stream_suspend(stream) inside read; http_stream_resume(stream), from any thread, makes
 * libmicrohttpd call read again. free(arg) runs once the connection is done (also when the
 * reply was never sent); resume must not be called after it. */
struct http_stream;
typedef ssize_t (*http_stream_read_fn)(void *arg, struct http_stream *s, char *buf, size_t max);
typedef void (*http_stream_free_fn)(void *arg);
int http_stream(struct http_request *req, const char *content_type, http_stream_read_fn rd,
                http_stream_free_fn fr, void *arg);
void http_stream_suspend(struct http_stream *s);
void http_stream_resume(struct http_stream *s);

/* Called at the start of server_stop, before the listeners stop: the owner of upgraded sockets
 * closes them all (http_upgrade_close) and takes no more. */
void server_set_upgrade_stop(void (*fn)(void));

/* Visits every field of an application/x-www-form-urlencoded or multipart/form-data body of
 * req, decoded by libmicrohttpd's post processor. Values of one field may arrive in several
 * pieces for large parts: off tells where a piece starts. Returns 0, -E_INVAL for a body the
 * post processor rejects, or what fn returned when it stopped the walk (non-zero). */
int http_form_each(struct http_request *req,
                   int (*fn)(void *ctx, const char *key, const char *filename, const char *data,
                             uint64_t off, size_t size),
                   void *ctx);

/* Embedded mode, for the request fuzzer: one daemon without a listening socket and without
 * threads, with the same callbacks and per-connection limits as a listener (max_body,
 * max_header, timeout_s, max_connections and access_log_fd of opt are used; the addresses
 * and threads are not). Connections come from server_add_connection; every callback runs on
 * the thread calling server_run. Stop it with server_stop. Returns 0 or -E_IO (logged). */
int server_start_embedded(const struct server_options *opt, const struct router *router);
/* Hands a connected stream socket to the embedded daemon, which owns and closes it from now
 * on; addr is the peer address requests report. Returns 0 or -E_IO. */
int server_add_connection(int fd, const struct sockaddr *addr, socklen_t addrlen);
/* One pass of the embedded daemon's loop: reads what is readable, runs the callbacks, writes
 * what it can and frees closed connections; never blocks. Returns 0 or -E_IO. */
int server_run(void);
/* Connections the embedded daemon holds (0 once every one it was given is closed). */
unsigned server_connections(void);

#endif
