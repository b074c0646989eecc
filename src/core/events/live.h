/* The live channel: one WebSocket endpoint (GET /live) that pushes small change notices to
 * signed-in browsers and token clients, so a screen re-fetches what changed through REST.
 *
 * A module opts its events in with live_register: the event name prefix ("ONCRMDEAL"), the
 * entity name sent to clients ("deal"), the scope a token needs ("crm") and its read check,
 * the same decision its REST get method makes. An event is checked, on the emitting thread
 * inside the emitter's transaction, for every user connected at that moment; it is published
 * (given an id and put in the ring of recent events) only when that transaction commits, and
 * then sent to the connections of the users the check allowed. Events nobody registered are
 * never sent. See docs/live.md. */
#ifndef KAZI_EVENTS_LIVE_H
#define KAZI_EVENTS_LIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/base/strbuf.h"
#include "core/http/http.h"

struct db;
struct auth_identity;

/* Whether auth may read record id: sets *ok and returns 0, or a database error (the event is
 * then sent to nobody). Runs inside the emitter's transaction, on its connection. */
typedef int (*live_read_fn)(const void *ctx, struct db *db, const struct auth_identity *auth,
                            int64_t id, bool *ok);

/* Registers prefix + ADD / UPDATE / DELETE / MOVETOCATEGORY for the live channel; the
 * longest registered prefix of an event name wins; fn gets ctx. Strings must be static. Call from a
 * module's init. Returns 0 or -E_TOOBIG. */
int live_register(const char *prefix, const char *entity, const char *scope, live_read_fn fn,
                  const void *ctx);

struct live_options {
    unsigned ping_s;    /* heartbeat interval; a connection silent for two of them is dropped */
    unsigned queue;     /* most events a connection may fall behind before it gets "resync" */
    unsigned max_conns; /* most open connections; more upgrades get 503 */
    unsigned threads;   /* connection threads sharing the sockets (0: one per CPU core) */
};

/* Subscribes to the event bus and starts the connection threads. Call after the modules'
 * init and before the server starts. Returns 0 or -E_IO. */
int live_start(const struct live_options *opt);
/* Closes every connection and stops the threads (also run by server_stop). */
void live_stop(void);

/* GET /live: the WebSocket upgrade (401 without credentials, 403 for a foreign Origin). */
int live_http_ws(struct http_request *req, struct http_response *res);
/* GET /live/sse: the same events as Server-Sent Events, for clients that cannot open a
 * WebSocket; the same credentials, Origin check, replay (Last-Event-ID) and limits. */
int live_http_sse(struct http_request *req, struct http_response *res);

/* Connections open now (for tests and /metrics). */
unsigned live_connections(void);

/* What /metrics reports about the channel (live_metrics_render writes it out). */
struct live_stats {
    unsigned websockets, streams; /* open now: WebSocket and Server-Sent Events */
    uint64_t opened;              /* connections accepted since start */
    uint64_t refused;             /* upgrades refused at max_connections (503) */
    uint64_t published;           /* events published (the newest event id) */
    uint64_t sent;                /* event notices handed to connections */
    uint64_t resyncs;             /* "resync" sent to a reconnecting client that cannot replay */
    uint64_t dropped_slow;        /* closed after falling more than `queue` events behind */
    uint64_t dropped_silent;      /* closed after two ping intervals without an answer */
    uint64_t backlog;             /* most events an open connection is behind now */
};
/* Fills out; out must be zeroed. */
void live_stats(struct live_stats *out);
/* Appends the live channel's /metrics families to out. Returns 0 or -E_TOOBIG. */
int live_metrics_render(struct strbuf *out);

#endif
