/* The live channel (contracts in live.h). A few connection threads (one per core unless
 * configured) each own a share of the upgraded sockets: each waits in its own epoll, frames with
 * libwslay, sends heartbeats and hands its connections the events they may see, so the sends
 * of one event run on every core at once. Published events sit in a ring; a connection keeps only
 * the id of the last event it was given, so a connection that stops reading costs no memory beyond
 * libwslay's one queued message: when it falls more than `queue` events behind it gets "resync" and
 * is closed. */
#include "core/events/live.h"

#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <jansson.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>
#include <wslay/wslay.h>

#include "core/auth/identity.h"
#include "core/auth/session.h"
#include "core/base/error.h"
#include "core/base/log.h"
#include "core/base/timeutil.h"
#include "core/base/xalloc.h"
#include "core/db/db.h"
#include "core/events/bus.h"
#include "core/http/server.h"

#define LIVE_MAX_KINDS 32
#define LIVE_RING 4096                 /* events kept for replay; a power of two */
#define LIVE_MAX_FRAME 65536           /* larger client messages: close 1009 */
#define LIVE_LINGER_NS 2000000000ull   /* after our close frame, wait this long for the peer's */
#define LIVE_DROP_NS 10000000000ull    /* a dropped connection's last words get this long */
#define LIVE_SNDBUF 16384              /* SO_SNDBUF of an upgraded socket (the kernel doubles it) */
#define LIVE_CTX_KEEP_NS 2000000000ull /* a context that carried an event is kept this long */
#define LIVE_IN_FLIGHT 4               /* messages handed to libwslay at a time */
#define LIVE_MAX_THREADS 64
#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

struct kind {
    const char *prefix, *entity, *scope;
    size_t prefix_len;
    live_read_fn fn;
    const void *ctx;
};

static struct kind kinds[LIVE_MAX_KINDS];
static int n_kinds;

/* one published event: the message and who may receive it (sorted user ids) */
struct entry {
    uint64_t id;
    char *msg;
    size_t len;
    const char *scope;
    int64_t *users;
    size_t n_users;
};

/* an event checked inside a transaction that has not ended yet (per thread) */
struct pending {
    struct pending *next;
    struct entry e;
};

static _Thread_local struct pending *pend_head, *pend_last;

/* a connected user: how many connections, and whether an administrator */
struct user {
    int64_t id;
    bool admin;
    unsigned conns;
};

struct shard;

struct conn {
    struct conn *prev, *next;
    struct shard *sh; /* the connection thread that owns it; NULL for a stream */
    int fd;
    struct http_upgraded *handle;
    wslay_event_context_ptr ws;
    int64_t user_id;
    char *scopes;         /* NULL: every scope */
    uint64_t last_id;     /* last event id handed over (or skipped) */
    uint64_t replay_from; /* the client's last_event_id, 0: none */
    bool want_replay;
    char *extra; /* bytes read before the upgrade, fed to libwslay first */
    size_t extra_len, extra_off;
    uint64_t last_recv, last_ping; /* time_mono_ns() */
    uint64_t last_event;           /* when an event was last queued */
    uint64_t close_at;             /* lingering or dropping: hard close after this, 0: open */
    uint16_t close_code;           /* to send once the last message is out (libwslay sends control
                                    * frames first), 0: none */
    const char *close_reason;
    bool eof, wr_shut;
    unsigned events; /* current epoll interest */
    /* where the client's byte stream is, so the libwslay context can be let go between
     * frames: the header read so far, payload bytes left, a fragmented message open */
    /* Server-Sent Events: text waits in out for the worker thread that sends the stream */
    bool sse, suspended, ending;
    struct http_stream *hs;
    char *out;
    size_t out_len, out_cap;
    unsigned out_msgs;
    uint8_t hdr[14];
    uint8_t hdr_len;
    bool in_msg;
    uint64_t in_left;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry ring[LIVE_RING];
static uint64_t last_published; /* id of the newest event in ring, 0: none yet */
static struct user *users;
static size_t n_users, cap_users;
static unsigned n_conns;

static struct live_options opts;
/* one connection thread and the sockets it owns */
struct shard {
    int ep, wake_fd;
    pthread_t thread;
    bool started;
    struct conn *conns;       /* the thread's own list */
    struct conn *adopt_head;  /* upgraded, not yet taken by the thread; under lock */
    unsigned n;               /* connections given to it (adopted or waiting); under lock */
    _Atomic uint64_t backlog; /* most events one of its connections is behind, each second */
};

static struct shard shards[LIVE_MAX_THREADS];
static unsigned n_shards;
static bool running;
static _Atomic bool stopping;
static struct conn *sse_conns; /* Server-Sent Events streams, under lock */
static unsigned n_sse;         /* of n_conns, under lock */
/* for /metrics (live_stats) */
static _Atomic uint64_t st_opened, st_refused, st_sent, st_resyncs, st_slow, st_silent;

static void stat_add(_Atomic uint64_t *p)
{
    atomic_fetch_add_explicit(p, 1, memory_order_relaxed);
}

int live_register(const char *prefix, const char *entity, const char *scope, live_read_fn fn,
                  const void *ctx)
{
    if (n_kinds >= LIVE_MAX_KINDS)
        return -E_TOOBIG;
    kinds[n_kinds++] = (struct kind){prefix, entity, scope, strlen(prefix), fn, ctx};
    return 0;
}

void live_stats(struct live_stats *out)
{
    pthread_mutex_lock(&lock);
    out->websockets = n_conns - n_sse;
    out->streams = n_sse;
    out->published = last_published;
    for (struct conn *c = sse_conns; c; c = c->next)
        if (!c->close_code && last_published - c->last_id > out->backlog)
            out->backlog = last_published - c->last_id;
    pthread_mutex_unlock(&lock);
    for (unsigned i = 0; i < n_shards; i++) {
        uint64_t b = atomic_load_explicit(&shards[i].backlog, memory_order_relaxed);
        if (b > out->backlog)
            out->backlog = b;
    }
    out->opened = atomic_load_explicit(&st_opened, memory_order_relaxed);
    out->refused = atomic_load_explicit(&st_refused, memory_order_relaxed);
    out->sent = atomic_load_explicit(&st_sent, memory_order_relaxed);
    out->resyncs = atomic_load_explicit(&st_resyncs, memory_order_relaxed);
    out->dropped_slow = atomic_load_explicit(&st_slow, memory_order_relaxed);
    out->dropped_silent = atomic_load_explicit(&st_silent, memory_order_relaxed);
}

unsigned live_connections(void)
{
    pthread_mutex_lock(&lock);
    unsigned n = n_conns;
    pthread_mutex_unlock(&lock);
    return n;
}

/* The kind of a record event: a registered prefix followed by what happened to the record;
 * other events of the prefix (ONCRMDEALUSERFIELDADD: about a field) are not the record's. */
static const struct kind *kind_of(const char *name)
{
    static const char *const what[] = {"ADD", "UPDATE", "DELETE", "MOVETOCATEGORY"};
    const struct kind *best = NULL;
    for (int i = 0; i < n_kinds; i++)
        if (!strncmp(name, kinds[i].prefix, kinds[i].prefix_len) &&
            (!best || kinds[i].prefix_len > best->prefix_len))
            best = &kinds[i];
    for (size_t i = 0; best && i < ARRAY_SIZE(what); i++)
        if (!strcmp(name + best->prefix_len, what[i]))
            return best;
    return NULL;
}

/* The record id of an event: FIELDS.ID, else FIELDS_AFTER.ID, else FIELDS_BEFORE.ID. */
static int64_t event_id(const json_t *data)
{
    static const char *const keys[] = {"FIELDS", "FIELDS_AFTER", "FIELDS_BEFORE"};
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        json_t *id = json_object_get(json_object_get(data, keys[i]), "ID");
        if (json_is_integer(id))
            return json_integer_value(id);
        if (json_is_string(id))
            return strtoll(json_string_value(id), NULL, 10);
    }
    return 0;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Bus subscriber: decides, for every user connected now, whether they may read the record,
 * and sets the event aside until the transaction ends. */
static int on_event(const struct event *ev, void *ctx)
{
    (void)ctx;
    const struct kind *k = kind_of(ev->name);
    int64_t id = k ? event_id(ev->data) : 0;
    if (!k || id <= 0)
        return 0;
    pthread_mutex_lock(&lock);
    size_t n = n_users;
    struct user *snap = n ? xcalloc(n, sizeof(*snap)) : NULL;
    if (n)
        memcpy(snap, users, n * sizeof(*snap));
    pthread_mutex_unlock(&lock);
    if (!n)
        return 0;
    int64_t *allowed = xcalloc(n, sizeof(*allowed));
    size_t n_allowed = 0;
    for (size_t i = 0; i < n; i++) {
        struct auth_identity auth = {
            .kind = AUTH_SESSION, .user_id = snap[i].id, .is_admin = snap[i].admin};
        bool ok = false;
        if (!k->fn(k->ctx, ev->db, &auth, id, &ok) && ok)
            allowed[n_allowed++] = snap[i].id;
    }
    free(snap);
    if (!n_allowed) {
        free(allowed);
        return 0;
    }
    qsort(allowed, n_allowed, sizeof(*allowed), cmp_i64);
    json_t *msg = json_pack("{s:I, s:s, s:s, s:{s:{s:I}}}", "id", (json_int_t)0, "event", ev->name,
                            "entity", k->entity, "data", "FIELDS", "ID", (json_int_t)id);
    struct pending *p = xcalloc(1, sizeof(*p));
    p->e.msg = json_dumps(msg, JSON_COMPACT); /* the id is filled in when published */
    json_decref(msg);
    p->e.scope = k->scope;
    p->e.users = allowed;
    p->e.n_users = n_allowed;
    if (!p->e.msg) {
        free(allowed);
        free(p);
        return 0;
    }
    if (pend_last)
        pend_last->next = p;
    else
        pend_head = p;
    pend_last = p;
    return 0;
}

static void entry_free(struct entry *e)
{
    free(e->msg);
    free(e->users);
    memset(e, 0, sizeof(*e));
}

static void wake_shard(struct shard *sh)
{
    uint64_t one = 1;
    if (sh->wake_fd >= 0 && write(sh->wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
        log_warn("live: cannot wake a connection thread: %s", strerror(errno));
}

static void wake(void)
{
    for (unsigned i = 0; i < n_shards; i++)
        wake_shard(&shards[i]);
}

/* db write-end hook: publishes this thread's events on commit, drops them on rollback. */
static void on_write_end(bool committed)
{
    struct pending *p = pend_head;
    pend_head = pend_last = NULL;
    if (!p)
        return;
    if (committed)
        pthread_mutex_lock(&lock);
    while (p) {
        struct pending *next = p->next;
        if (committed) {
            struct entry *slot = &ring[(last_published + 1) % LIVE_RING];
            entry_free(slot);
            *slot = p->e;
            slot->id = ++last_published;
            /* {"id":0,... -> the real id */
            char head[32];
            int hl = snprintf(head, sizeof(head), "{\"id\":%llu", (unsigned long long)slot->id);
            size_t rest = strlen(p->e.msg) - strlen("{\"id\":0");
            char *m = xmalloc((size_t)hl + rest + 1);
            memcpy(m, head, (size_t)hl);
            memcpy(m + hl, p->e.msg + strlen("{\"id\":0"), rest + 1);
            free(slot->msg);
            slot->msg = m;
            slot->len = (size_t)hl + rest;
        } else {
            entry_free(&p->e);
        }
        free(p);
        p = next;
    }
    if (committed) {
        pthread_mutex_unlock(&lock);
        wake();
    }
}

/* ---- users ---------------------------------------------------------------------------------- */

static void user_add(int64_t id, bool admin)
{
    for (size_t i = 0; i < n_users; i++)
        if (users[i].id == id) {
            users[i].conns++;
            users[i].admin = admin;
            return;
        }
    if (n_users == cap_users) {
        cap_users = cap_users ? cap_users * 2 : 16;
        users = xrealloc(users, cap_users * sizeof(*users));
    }
    users[n_users++] = (struct user){id, admin, 1};
}

static void user_drop(int64_t id)
{
    for (size_t i = 0; i < n_users; i++)
        if (users[i].id == id && --users[i].conns == 0) {
            users[i] = users[--n_users];
            return;
        }
}

/* ---- framing -------------------------------------------------------------------------------- */

/* An idle connection has no libwslay context (about 9 KB, two 4 KB buffers): one is made when
 * there is something to send or read and freed again once everything queued is out and the
 * input stands between frames. To know where frames end, the bytes handed to libwslay are
 * cut at the end of the current frame header or payload, and the header's length fields are
 * read here (libwslay still parses and checks every frame itself). */
static size_t hdr_size(const struct conn *c)
{
    if (c->hdr_len < 2)
        return 2;
    uint8_t l = c->hdr[1] & 0x7f;
    return 2 + (l == 126 ? 2 : l == 127 ? 8 : 0) + ((c->hdr[1] & 0x80) ? 4 : 0);
}

static size_t in_cap(const struct conn *c, size_t len)
{
    size_t room =
        c->in_left ? (c->in_left < len ? (size_t)c->in_left : len) : hdr_size(c) - c->hdr_len;
    return room < len ? room : len;
}

static void in_track(struct conn *c, const uint8_t *p, size_t n)
{
    while (n) {
        if (c->in_left) {
            size_t k = c->in_left < n ? (size_t)c->in_left : n;
            c->in_left -= k;
            p += k;
            n -= k;
            continue;
        }
        c->hdr[c->hdr_len++] = *p++;
        n--;
        if (c->hdr_len < 2 || c->hdr_len < hdr_size(c))
            continue;
        uint64_t len = c->hdr[1] & 0x7f;
        if (len == 126)
            len = (uint64_t)c->hdr[2] << 8 | c->hdr[3];
        else if (len == 127)
            for (int i = 2; i < 10; i++)
                len = (i > 2 ? len << 8 : 0) | c->hdr[i];
        if ((c->hdr[0] & 0x0f) < 8) /* a data frame: its message goes on unless FIN */
            c->in_msg = !(c->hdr[0] & 0x80);
        c->in_left = len;
        c->hdr_len = 0;
    }
}

static const struct wslay_event_callbacks ws_callbacks;

static bool ws_need(struct conn *c)
{
    if (c->ws)
        return true;
    if (wslay_event_context_server_init(&c->ws, &ws_callbacks, c)) {
        c->ws = NULL;
        c->eof = true;
        return false;
    }
    wslay_event_config_set_max_recv_msg_length(c->ws, LIVE_MAX_FRAME);
    return true;
}

static void ws_release(struct conn *c)
{
    if (c->ws && !c->close_at && !c->close_code && !c->hdr_len && !c->in_left && !c->in_msg &&
        c->extra_off >= c->extra_len && !wslay_event_get_queued_msg_count(c->ws) &&
        !wslay_event_want_write(c->ws) && !wslay_event_get_close_sent(c->ws) &&
        !wslay_event_get_close_received(c->ws)) {
        wslay_event_context_free(c->ws);
        c->ws = NULL;
    }
}

static size_t ws_queued(const struct conn *c)
{
    if (c->sse)
        return c->out_msgs;
    return c->ws ? wslay_event_get_queued_msg_count(c->ws) : 0;
}

/* Appends an SSE event ("id: N" when id, "data: ...", a blank line) or a comment line. */
static void sse_append(struct conn *c, uint64_t id, const char *data, size_t len, bool comment)
{
    char head[48];
    int hl = comment ? 0
             : id    ? snprintf(head, sizeof(head), "id: %llu\ndata: ", (unsigned long long)id)
                     : snprintf(head, sizeof(head), "data: ");
    size_t need = c->out_len + (size_t)hl + len + 2;
    if (need > c->out_cap) {
        c->out_cap = need < 1024 ? 1024 : need * 2;
        c->out = xrealloc(c->out, c->out_cap);
    }
    memcpy(c->out + c->out_len, head, (size_t)hl);
    memcpy(c->out + c->out_len + hl, data, len);
    memcpy(c->out + need - 2, "\n\n", 2);
    c->out_len = need;
    if (!comment)
        c->out_msgs++;
}

static ssize_t ws_recv(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags, void *user)
{
    (void)flags;
    struct conn *c = user;
    len = in_cap(c, len);
    if (c->extra_off < c->extra_len) {
        size_t n = c->extra_len - c->extra_off < len ? c->extra_len - c->extra_off : len;
        memcpy(buf, c->extra + c->extra_off, n);
        c->extra_off += n;
        in_track(c, buf, n);
        return (ssize_t)n;
    }
    ssize_t n;
    do
        n = recv(c->fd, buf, len, 0);
    while (n < 0 && errno == EINTR);
    if (n > 0) {
        c->last_recv = time_mono_ns();
        in_track(c, buf, (size_t)n);
        return n;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    c->eof = true;
    wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
    return -1;
}

static ssize_t ws_send(wslay_event_context_ptr ctx, const uint8_t *data, size_t len, int flags,
                       void *user)
{
    (void)flags;
    struct conn *c = user;
    ssize_t n;
    do
        n = send(c->fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
    while (n < 0 && errno == EINTR);
    if (n >= 0)
        return n;
    if (errno == EAGAIN || errno == EWOULDBLOCK)
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
    else {
        c->eof = true;
        wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
    }
    return -1;
}

static void ws_msg(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *arg,
                   void *user)
{
    (void)ctx;
    (void)arg;
    struct conn *c = user; /* clients have nothing to say; any message shows they are alive */
    c->last_recv = time_mono_ns();
}

static const struct wslay_event_callbacks ws_callbacks = {
    .recv_callback = ws_recv,
    .send_callback = ws_send,
    .on_msg_recv_callback = ws_msg,
};

static void queue_text(struct conn *c, uint64_t id, const char *s, size_t len)
{
    struct wslay_event_msg m = {WSLAY_TEXT_FRAME, (const uint8_t *)s, len};
    if (c->sse)
        sse_append(c, id, s, len, false);
    else if (ws_need(c))
        wslay_event_queue_msg(c->ws, &m);
}

/* ---- the connection thread --------------------------------------------------------------------
 */

/* Takes c off the list at *head and out of the counts (user and connections); the caller
 * holds lock when the list is shared. */
static void conn_unlink(struct conn **head, struct conn *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else
        *head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    user_drop(c->user_id);
    n_conns--;
    if (c->sse)
        n_sse--;
}

static void conn_free(struct conn *c)
{
    struct shard *sh = c->sh;
    epoll_ctl(sh->ep, EPOLL_CTL_DEL, c->fd, NULL);
    pthread_mutex_lock(&lock);
    conn_unlink(&sh->conns, c);
    sh->n--;
    pthread_mutex_unlock(&lock);
    if (c->ws)
        wslay_event_context_free(c->ws);
    if (c->handle)
        http_upgrade_close(c->handle);
    else
        close(c->fd);
    free(c->scopes);
    free(c->extra);
    free(c);
}

static bool scope_ok(const struct conn *c, const char *scope)
{
    if (!c->scopes)
        return true;
    size_t n = strlen(scope);
    for (const char *p = c->scopes; *p;) {
        size_t l = strcspn(p, ",");
        if (l == n && !strncasecmp(p, scope, n))
            return true;
        p += l;
        p += *p == ',';
    }
    return false;
}

static bool entry_for(const struct entry *e, const struct conn *c)
{
    return bsearch(&c->user_id, e->users, e->n_users, sizeof(int64_t), cmp_i64) &&
           scope_ok(c, e->scope);
}

/* Closes with code after an optional last text message; the peer gets `ns` to take it. */
static void conn_drop(struct conn *c, const char *last, uint16_t code, const char *reason,
                      uint64_t ns)
{
    if (c->close_at)
        return;
    if (last)
        queue_text(c, 0, last, strlen(last));
    c->close_code = code;
    c->close_reason = reason;
    c->close_at = time_mono_ns() + ns;
}

static const char RESYNC[] = "{\"event\":\"resync\"}";

/* Hands c the events after c->last_id it may see, a few at a time; under lock. */
static void feed(struct conn *c)
{
    if (c->close_at)
        return;
    if (c->want_replay) {
        c->want_replay = false;
        uint64_t oldest = last_published > LIVE_RING ? last_published - LIVE_RING + 1 : 1;
        if (c->replay_from > last_published || c->replay_from + 1 < oldest) {
            queue_text(c, 0, RESYNC, sizeof(RESYNC) - 1); /* cannot replay: start over */
            stat_add(&st_resyncs);
            c->last_id = last_published;
        } else {
            c->last_id = c->replay_from;
        }
    }
    if (last_published - c->last_id > opts.queue) {
        stat_add(&st_slow);
        conn_drop(c, RESYNC, 1008, "too slow", LIVE_DROP_NS);
        return;
    }
    while (c->last_id < last_published && ws_queued(c) < LIVE_IN_FLIGHT && !c->eof) {
        const struct entry *e = &ring[++c->last_id % LIVE_RING];
        if (entry_for(e, c)) {
            stat_add(&st_sent);
            queue_text(c, e->id, e->msg, e->len);
            c->last_event = time_mono_ns();
        }
    }
}

/* Runs libwslay's reads and writes for c and sets the epoll interest; frees c when done. */
static void pump(struct conn *c, bool readable)
{
    if (readable) {
        if (c->wr_shut) { /* lingering: discard until the peer closes */
            char buf[512];
            ssize_t n = recv(c->fd, buf, sizeof(buf), 0);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
                c->eof = true;
        } else if (ws_need(c) && wslay_event_recv(c->ws)) {
            c->eof = true;
        }
    }
    if (!c->eof && !c->wr_shut) {
        pthread_mutex_lock(&lock);
        feed(c);
        pthread_mutex_unlock(&lock);
        if (c->ws && wslay_event_want_write(c->ws) && wslay_event_send(c->ws))
            c->eof = true;
    }
    if (!c->eof && c->close_code && !ws_queued(c) && ws_need(c)) {
        const char *r = c->close_reason;
        wslay_event_queue_close(c->ws, c->close_code, (const uint8_t *)r, r ? strlen(r) : 0);
        c->close_code = 0;
        if (wslay_event_send(c->ws))
            c->eof = true;
    }
    if (c->eof) {
        conn_free(c);
        return;
    }
    if (!c->wr_shut && c->ws && wslay_event_get_close_sent(c->ws) && !ws_queued(c)) {
        /* our close frame is out: stop writing, let the peer read it and answer */
        shutdown(c->fd, SHUT_WR);
        c->wr_shut = true;
        uint64_t linger = time_mono_ns() + LIVE_LINGER_NS;
        if (!c->close_at || c->close_at > linger)
            c->close_at = linger;
    }
    /* kept a little while events flow, so a burst does not make and free it per event */
    if (time_mono_ns() - c->last_event > LIVE_CTX_KEEP_NS)
        ws_release(c);
    unsigned want =
        EPOLLIN | (!c->wr_shut && c->ws && wslay_event_want_write(c->ws) ? EPOLLOUT : 0);
    if (want != c->events) {
        struct epoll_event ev = {.events = want, .data.ptr = c};
        epoll_ctl(c->sh->ep, EPOLL_CTL_MOD, c->fd, &ev);
        c->events = want;
    }
}

/* Resumes the suspended streams that have something to read: new events, or a heartbeat
 * due (ping: then a comment is added first). */
static void sse_wake(bool ping)
{
    pthread_mutex_lock(&lock);
    for (struct conn *c = sse_conns; c; c = c->next) {
        if (ping && c->out_len < 4096) /* a stream nobody reads gains no more */
            sse_append(c, 0, ": ping", 6, true);
        if (c->suspended && (ping || c->ending || c->last_id < last_published || c->want_replay)) {
            c->suspended = false;
            http_stream_resume(c->hs);
        }
    }
    pthread_mutex_unlock(&lock);
}

static void adopt(struct shard *sh)
{
    pthread_mutex_lock(&lock);
    struct conn *list = sh->adopt_head;
    sh->adopt_head = NULL;
    pthread_mutex_unlock(&lock);
    while (list) {
        struct conn *c = list;
        list = c->next;
        c->prev = NULL;
        c->next = sh->conns;
        if (sh->conns)
            sh->conns->prev = c;
        sh->conns = c;
        c->events = EPOLLIN;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        if (epoll_ctl(sh->ep, EPOLL_CTL_ADD, c->fd, &ev)) {
            c->eof = true;
            pump(c, false);
            continue;
        }
        pump(c, c->extra_len > 0);
    }
}

/* Once a second: pings, and drops connections silent for two ping intervals or past their
 * close deadline. */
static void tick(struct shard *sh, uint64_t now)
{
    uint64_t every = (uint64_t)opts.ping_s * 1000000000ull, behind = 0;
    pthread_mutex_lock(&lock);
    for (struct conn *c = sh->conns; c; c = c->next)
        if (!c->close_at && last_published - c->last_id > behind)
            behind = last_published - c->last_id;
    pthread_mutex_unlock(&lock);
    atomic_store_explicit(&sh->backlog, behind, memory_order_relaxed);
    for (struct conn *c = sh->conns, *next; c; c = next) {
        next = c->next;
        if (c->close_at && now > c->close_at) {
            c->eof = true;
            pump(c, false);
            continue;
        }
        if (c->close_at)
            continue;
        if (now - c->last_recv > 2 * every) {
            stat_add(&st_silent);
            conn_drop(c, NULL, 1001, "no answer to ping", LIVE_LINGER_NS);
            pump(c, false);
            continue;
        }
        if (c->ws && now - c->last_event > LIVE_CTX_KEEP_NS) {
            ws_release(c);
            pump(c, false);
        }
        if (now - c->last_ping >= every) {
            struct wslay_event_msg m = {WSLAY_PING, NULL, 0};
            if (ws_need(c))
                wslay_event_queue_msg(c->ws, &m);
            c->last_ping = now;
            pump(c, false);
        }
    }
}

/* A connection thread. The first one also resumes the Server-Sent Events streams. */
static void *run(void *arg)
{
    struct shard *sh = arg;
    bool streams = sh == &shards[0];
    struct epoll_event evs[256];
    uint64_t next_tick = time_mono_ns() + 1000000000ull;
    uint64_t fed = 0, last_sse_ping = time_mono_ns();
    while (!stopping) {
        int n = epoll_wait(sh->ep, evs, (int)ARRAY_SIZE(evs), 1000);
        for (int i = 0; i < n; i++) {
            if (!evs[i].data.ptr) {
                uint64_t v;
                if (read(sh->wake_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
                    log_warn("live: wake read: %s", strerror(errno));
                continue;
            }
            struct conn *c = evs[i].data.ptr;
            pump(c, (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0);
        }
        adopt(sh);
        pthread_mutex_lock(&lock);
        uint64_t latest = last_published;
        pthread_mutex_unlock(&lock);
        if (latest != fed) {
            fed = latest;
            for (struct conn *c = sh->conns, *next; c; c = next) {
                next = c->next;
                pump(c, false);
            }
            if (streams)
                sse_wake(false);
        }
        uint64_t now = time_mono_ns();
        if (now >= next_tick) {
            tick(sh, now);
            if (streams && now - last_sse_ping >= (uint64_t)opts.ping_s * 1000000000ull) {
                sse_wake(true);
                last_sse_ping = now;
            }
            next_tick = now + 1000000000ull;
        }
    }
    adopt(sh);
    while (sh->conns) {
        sh->conns->eof = true;
        pump(sh->conns, false);
    }
    return NULL;
}

/* ---- the endpoint -----------------------------------------------------------------------------
 */

struct ws_init {
    int64_t user_id;
    bool admin;
    char *scopes;
    uint64_t last_event_id;
};

/* A new connection of in's user, counted and placed after the newest event (or set to replay
 * from in->last_event_id); frees in, keeps its scopes. Under lock. */
static struct conn *conn_new(struct ws_init *in)
{
    struct conn *c = xcalloc(1, sizeof(*c));
    c->user_id = in->user_id;
    c->scopes = in->scopes;
    c->last_recv = c->last_ping = time_mono_ns();
    user_add(in->user_id, in->admin);
    n_conns++;
    stat_add(&st_opened);
    c->last_id = last_published;
    if (in->last_event_id) {
        c->want_replay = true;
        c->replay_from = in->last_event_id;
    }
    free(in);
    return c;
}

static void on_upgraded(void *arg, int fd, const char *extra, size_t extra_len,
                        struct http_upgraded *handle)
{
    /* a copy of the descriptor keeps the connection once libmicrohttpd lets go of its own:
     * its per-connection state (a memory pool of max_header + 16 KB, all of it written by
     * the upgrade) is freed now rather than held for the life of the socket */
    int own = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (own >= 0) {
        http_upgrade_close(handle);
        handle = NULL;
        fd = own;
    }
    /* a notice is small: a modest kernel buffer bounds what a stalled peer holds there too */
    int sndbuf = LIVE_SNDBUF;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
    /* a notice goes out at once: not held back by Nagle behind an unacknowledged one, nor by a
     * cork the HTTP layer may have left on for its reply */
    int on = 1, off = 0;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    setsockopt(fd, IPPROTO_TCP, TCP_CORK, &off, sizeof(off));
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    pthread_mutex_lock(&lock);
    struct conn *c = conn_new(arg);
    c->fd = fd;
    c->handle = handle;
    if (extra_len) {
        c->extra = xmalloc(extra_len);
        memcpy(c->extra, extra, extra_len);
        c->extra_len = extra_len;
    }
    struct shard *sh = &shards[0]; /* the thread with the fewest */
    for (unsigned i = 1; i < n_shards; i++)
        if (shards[i].n < sh->n)
            sh = &shards[i];
    c->sh = sh;
    sh->n++;
    c->next = sh->adopt_head;
    sh->adopt_head = c;
    pthread_mutex_unlock(&lock);
    wake_shard(sh);
}

/* host[:port] of an Origin value ("https://crm.example.com:8443"), or NULL. */
static const char *origin_host(const char *origin)
{
    const char *p = strstr(origin, "://");
    return p ? p + 3 : NULL;
}

static bool origin_ok(const struct http_request *req)
{
    const char *origin = http_header(req, "Origin");
    if (!origin)
        return true; /* not a browser: browsers always send it on a WebSocket handshake */
    const char *host = http_header(req, "Host");
    const char *oh = origin_host(origin);
    return host && oh && !strcasecmp(oh, host);
}

static bool token_has(const char *value, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = value; p && *p;) {
        p += strspn(p, " \t,");
        size_t l = strcspn(p, " \t,");
        if (l == n && !strncasecmp(p, word, n))
            return true;
        p += l;
    }
    return false;
}

/* What GET /live and /live/sse check alike: running, the credential (401), the Origin (403),
 * the connection limit (503) and last_event_id (400). Returns 0 and *out (caller-freed), or
 * the status of the error written into res. */
static int live_begin(struct http_request *req, struct http_response *res, struct ws_init **out)
{
    if (!running || stopping)
        return http_error(res, 503, "SERVICE_UNAVAILABLE", "live channel is not running");
    struct db *db = db_conn();
    if (!db)
        return http_error(res, 503, "SERVICE_UNAVAILABLE", "database is not available");
    struct auth_identity auth = {0};
    const char *token = http_query_arg(req, "auth");
    int rc;
    if (token)
        rc = session_resolve_token(db, token, &auth);
    else {
        bool csrf_ok;
        rc = session_resolve_cookie(db, req, &auth, &csrf_ok);
    }
    if (rc == -E_NOTFOUND || rc == -E_PERM)
        return http_error(res, 401, "NO_AUTH_FOUND",
                          "live channel needs a session cookie or 'auth' in the query string");
    if (rc)
        return http_error(res, 500, "INTERNAL_SERVER_ERROR", "database error");
    if (!origin_ok(req))
        return http_error(res, 403, "ACCESS_DENIED",
                          "origin '%s' is not this server's: the live channel takes no other",
                          http_header(req, "Origin"));
    if (opts.max_conns && live_connections() >= opts.max_conns) {
        stat_add(&st_refused);
        return http_error(res, 503, "SERVICE_UNAVAILABLE",
                          "live channel has %u connections, the limit (max_connections)",
                          opts.max_conns);
    }
    const char *last = http_query_arg(req, "last_event_id");
    if (!last)
        last = http_header(req, "Last-Event-ID");
    char *end = NULL;
    unsigned long long last_id = last ? strtoull(last, &end, 10) : 0;
    if (last && (end == last || *end))
        return http_error(res, 400, "INVALID_ARG_VALUE", "'last_event_id' is not a number: '%s'",
                          last);
    struct ws_init *in = xcalloc(1, sizeof(*in));
    in->user_id = auth.user_id;
    in->admin = auth.is_admin;
    in->scopes = auth.scopes ? xstrdup(auth.scopes) : NULL;
    in->last_event_id = last_id;
    *out = in;
    return 0;
}

static int refuse(struct ws_init *in, int status)
{
    free(in->scopes);
    free(in);
    return status;
}

int live_http_ws(struct http_request *req, struct http_response *res)
{
    struct ws_init *in = NULL;
    int st = live_begin(req, res, &in);
    if (st)
        return st;
    const char *upgrade = http_header(req, "Upgrade");
    const char *key = http_header(req, "Sec-WebSocket-Key");
    const char *version = http_header(req, "Sec-WebSocket-Version");
    if (!upgrade || !token_has(upgrade, "websocket") ||
        !token_has(http_header(req, "Connection"), "upgrade")) {
        http_add_header(res, "Upgrade", "websocket");
        return refuse(in, http_error(res, 426, "UPGRADE_REQUIRED",
                                     "request is not a WebSocket handshake: send 'Upgrade: "
                                     "websocket', or read '/live/sse'"));
    }
    if (!key || strlen(key) != 24 || !version || strcmp(version, "13")) {
        http_add_header(res, "Sec-WebSocket-Version", "13");
        return refuse(in,
                      http_error(res, 400, "INVALID_REQUEST",
                                 "WebSocket handshake needs 'Sec-WebSocket-Key' and version 13"));
    }
    /* Sec-WebSocket-Accept: base64(SHA-1(key + GUID)) (RFC 6455 section 4.2.2) */
    char buf[64];
    unsigned char digest[20];
    snprintf(buf, sizeof(buf), "%s" WS_GUID, key);
    if (gnutls_hash_fast(GNUTLS_DIG_SHA1, buf, strlen(buf), digest))
        return refuse(in, http_error(res, 500, "INTERNAL_SERVER_ERROR", "hash failed"));
    char *accept = arena_alloc(req->arena, 32);
    sodium_bin2base64(accept, 32, digest, sizeof(digest), sodium_base64_VARIANT_ORIGINAL);
    return http_upgrade(req, "websocket", "Sec-WebSocket-Accept", accept, on_upgraded, in);
}

/* The worker thread asks for more of a stream: the events it may see, else it waits
 * (suspended) until sse_wake resumes it. */
static ssize_t sse_read(void *arg, struct http_stream *hs, char *buf, size_t max)
{
    struct conn *c = arg;
    pthread_mutex_lock(&lock);
    c->hs = hs;
    if (!c->ending)
        feed(c);
    if (!c->out_len && (c->ending || c->close_code)) {
        pthread_mutex_unlock(&lock);
        return -1; /* stopping, or dropped and its last words are out */
    }
    size_t n = c->out_len < max ? c->out_len : max;
    if (n) {
        memcpy(buf, c->out, n);
        memmove(c->out, c->out + n, c->out_len - n);
        c->out_len -= n;
        if (!c->out_len)
            c->out_msgs = 0;
    } else {
        http_stream_suspend(hs);
        c->suspended = true;
    }
    pthread_mutex_unlock(&lock);
    return (ssize_t)n;
}

static void sse_free(void *arg)
{
    struct conn *c = arg;
    pthread_mutex_lock(&lock);
    conn_unlink(&sse_conns, c);
    pthread_mutex_unlock(&lock);
    free(c->scopes);
    free(c->out);
    free(c);
}

int live_http_sse(struct http_request *req, struct http_response *res)
{
    struct ws_init *in = NULL;
    int st = live_begin(req, res, &in);
    if (st)
        return st;
    pthread_mutex_lock(&lock);
    struct conn *c = conn_new(in);
    c->fd = -1;
    c->sse = true;
    n_sse++;
    c->next = sse_conns;
    if (sse_conns)
        sse_conns->prev = c;
    sse_conns = c;
    sse_append(c, 0, ":", 1, true); /* something to send at once: the stream is open */
    pthread_mutex_unlock(&lock);
    return http_stream(req, "text/event-stream", sse_read, sse_free, c);
}

int live_start(const struct live_options *o)
{
    opts = *o;
    if (!opts.ping_s)
        opts.ping_s = 30;
    if (!opts.queue)
        opts.queue = 256;
    if (opts.queue > LIVE_RING / 2)
        opts.queue = LIVE_RING / 2;
    if (!opts.threads) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        opts.threads = cores > 0 ? (unsigned)cores : 1;
    }
    if (opts.threads > LIVE_MAX_THREADS)
        opts.threads = LIVE_MAX_THREADS;
    n_shards = opts.threads;
    for (unsigned i = 0; i < n_shards; i++)
        shards[i] = (struct shard){.ep = -1, .wake_fd = -1};
    for (unsigned i = 0; i < n_shards; i++) {
        struct shard *sh = &shards[i];
        *sh = (struct shard){.ep = epoll_create1(EPOLL_CLOEXEC),
                             .wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)};
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
        if (sh->ep < 0 || sh->wake_fd < 0 || epoll_ctl(sh->ep, EPOLL_CTL_ADD, sh->wake_fd, &ev)) {
            live_stop();
            return error("live: cannot start the connection threads");
        }
    }
    if (events_subscribe("*", on_event, NULL)) {
        live_stop();
        return error("live: cannot start the connection threads");
    }
    db_set_write_end_hook(on_write_end);
    server_set_upgrade_stop(live_stop);
    stopping = false;
    for (unsigned i = 0; i < n_shards; i++) {
        if (pthread_create(&shards[i].thread, NULL, run, &shards[i])) {
            live_stop();
            return error("live: cannot start the connection threads");
        }
        shards[i].started = true;
    }
    running = true;
    return 0;
}

void live_stop(void)
{
    stopping = true;
    pthread_mutex_lock(&lock); /* streams end: their worker threads finish them */
    for (struct conn *c = sse_conns; c; c = c->next) {
        c->ending = true;
        if (c->suspended) {
            c->suspended = false;
            http_stream_resume(c->hs);
        }
    }
    pthread_mutex_unlock(&lock);
    wake();
    for (unsigned i = 0; i < n_shards; i++) {
        struct shard *sh = &shards[i];
        if (sh->started)
            pthread_join(sh->thread, NULL);
        if (sh->ep >= 0)
            close(sh->ep);
        if (sh->wake_fd >= 0)
            close(sh->wake_fd);
        *sh = (struct shard){.ep = -1, .wake_fd = -1};
    }
    n_shards = 0;
    running = false;
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < LIVE_RING; i++)
        entry_free(&ring[i]);
    free(users);
    users = NULL;
    n_users = cap_users = 0;
    pthread_mutex_unlock(&lock);
}
