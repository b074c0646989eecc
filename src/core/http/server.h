/* The HTTP and HTTPS listeners over libmicrohttpd in epoll thread-pool mode. The server reads
 * a whole request (headers capped by max_header, body capped by max_body), hands it to the
 * router's handler on the worker thread and sends the response; it logs one access line per
 * request and counts it for /metrics. It knows nothing about REST or modules. */
#ifndef KAZI_SERVER_H
#define KAZI_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/http/router.h"

struct server_options {
    const char *http_addr;  /* "127.0.0.1:8080" or NULL for none */
    const char *https_addr; /* or NULL */
    const char *cert_pem, *key_pem; /* required with https_addr; copied */
    unsigned threads;       /* worker threads per listener */
    size_t max_body, max_header;
    unsigned timeout_s, max_connections;
    int access_log_fd;      /* -1: no access log */
};

/* Starts listening. The router must outlive the server. Returns 0, or -E_IO with a logged
 * message naming the address (e.g. already in use). */
int server_start(const struct server_options *opt, const struct router *router);
/* Stops accepting new connections, waits up to grace_s seconds for in-flight requests, then
 * closes every connection and joins the worker threads. */
void server_stop(unsigned grace_s);
/* Requests currently being handled (for shutdown and /metrics). */
unsigned server_active_requests(void);
/* The actual port of a listener (useful with port 0), 0 if none. */
int server_port(bool tls);

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
