/* libFuzzer target for the whole request path. The input is what a client sends on one
 * HTTP/1.1 connection: it goes through libmicrohttpd and server.c's callbacks (embedded mode, no
 * listener and no threads), the router, the REST dispatcher with every body decoder, and the
 * methods of core, crm and tasks on a real SQLite database in a temporary directory. A fixture
 * made once (two users, webhooks, a token, a session, a few records) has fixed secrets that the
 * corpus uses. Checked: memory safety and leaks, a well-formed status line on every reply, JSON
 * that parses in every JSON reply and the error envelope on JSON errors, and that the
 * connection and its requests are freed once the client has gone. Not checked: what a method
 * answers (the API tests do that). The database goes back to its snapshot every RESET_EVERY
 * inputs; until then, state written by one input is seen by the next. */
// fuzz-lib: kazi
// fuzz-sources: tests/fuzz/assets_fixture.c
// fuzz-pkgs: libmicrohttpd sqlite3 jansson libsodium gnutls
// fuzz-ldlibs: -lwslay
// fuzz-flags: -max_len=16384 -dict=tests/fuzz/request.dict
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/auth/session.h"
#include "core/auth/users.h"
#include "core/auth/webhooks.h"
#include "core/base/crypto.h"
#include "core/base/strbuf.h"
#include "core/cli/app.h"
#include "core/db/db.h"
#include "core/http/router.h"
#include "core/http/server.h"
#include "core/registry.h"
#include "core/rest/rest.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The fixture's credentials; tests/fuzz/corpus/request/ spells them out. */
#define ADMIN_HOOK "fuzzwebhookadmin" /* /rest/1/fuzzwebhookadmin/<method> */
#define USER_HOOK "fuzzwebhookuser2"  /* /rest/2/fuzzwebhookuser2/<method>, crm and task */
#define ADMIN_TOKEN "fuzz-application-token-for-the-admin-000000"   /* auth=..., all scopes */
#define SESSION_TOKEN "fuzz-session-cookie-of-the-admin-0000000000" /* Cookie: kazi_session= */
#define SESSION_CSRF "fuzz-csrf-token-of-the-admin-session-000000"  /* X-CSRF-Token: */
#define ADMIN_PASSWORD "fuzz-password-1"                            /* admin@example.com */
_Static_assert(sizeof(SESSION_TOKEN) - 1 == SESSION_TOKEN_LEN, "session token length");
_Static_assert(sizeof(SESSION_CSRF) - 1 == SESSION_CSRF_LEN, "csrf token length");

#define RESET_EVERY 2000 /* inputs between database restores */
#define REPLY_CAP                                                                                  \
    (1024 * 1024)        /* reply bytes kept for the checks; the rest is read and dropped          \
                          */
#define MAX_ROUNDS 10000 /* loop passes per input before the connection counts as stuck */

static char dir[256], db_path[300], snapshot_path[300];
static struct config cfg;
static struct router *router;
static unsigned long inputs;
static bool show; /* FUZZ_REQUEST_SHOW=1: print every reply (to check what seeds reach) */
static unsigned long by_class[6]; /* first replies: none, 1xx (never final), 2xx ... 5xx */

static void die(const char *what)
{
    fprintf(stderr, "fuzz_request: %s\n", what);
    abort();
}

/* ---- a cheap stand-in for Argon2id -------------------------------------------------------
 * A real hash takes 64 MiB and tens of milliseconds (crypto.c), which would make sign-in
 * inputs a thousand times slower than the rest. The target defines libsodium's hashing and
 * verifying entry points itself (an executable's definitions win over a shared library's):
 * the "hash" is SHA-256 of the password written in Argon2id's encoded form with the
 * parameters asked for, so libsodium's own decoder (needs_rehash) and all of kazi's code
 * around the hash run unchanged. */

int crypto_pwhash_argon2id_str(char out[crypto_pwhash_argon2id_STRBYTES], const char *const passwd,
                               unsigned long long passwdlen, unsigned long long opslimit,
                               size_t memlimit)
{
    static const unsigned char salt[16] = "kazi-fuzz-salt!";
    unsigned char digest[crypto_hash_sha256_BYTES];
    char salt64[32], digest64[64];
    crypto_hash_sha256(digest, (const unsigned char *)passwd, passwdlen);
    sodium_bin2base64(salt64, sizeof(salt64), salt, sizeof(salt),
                      sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
    sodium_bin2base64(digest64, sizeof(digest64), digest, sizeof(digest),
                      sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
    int n = snprintf(out, crypto_pwhash_argon2id_STRBYTES, "$argon2id$v=19$m=%zu,t=%llu,p=1$%s$%s",
                     memlimit / 1024, opslimit, salt64, digest64);
    return n > 0 && n < crypto_pwhash_argon2id_STRBYTES ? 0 : -1;
}

int crypto_pwhash_str_verify(const char str[crypto_pwhash_STRBYTES], const char *const passwd,
                             unsigned long long passwdlen)
{
    char want[crypto_pwhash_argon2id_STRBYTES];
    unsigned long long t;
    size_t m;
    if (sscanf(str, "$argon2id$v=19$m=%zu,t=%llu,", &m, &t) != 2 ||
        crypto_pwhash_argon2id_str(want, passwd, passwdlen, t, m * 1024))
        return -1;
    return strcmp(want, str) ? -1 : 0;
}

/* ---- driving one connection ---------------------------------------------------------------- */

/* Reads what the server has written so far into reply (up to its cap; the rest is dropped).
 * Returns true at end of stream. */
static bool read_reply(int fd, struct strbuf *reply)
{
    char buf[16384];
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n == 0)
            return true;
        if (n < 0)
            return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
        size_t room = reply->len < REPLY_CAP ? REPLY_CAP - reply->len : 0;
        strbuf_add(reply, buf, (size_t)n < room ? (size_t)n : room);
    }
}

/* Sends data on a new connection from 127.0.0.1, closes the sending side, and runs the server
 * until it has closed the connection; the reply goes to reply. */
static void drive(const uint8_t *data, size_t size, struct strbuf *reply)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv))
        die("socketpair failed");
    struct sockaddr_in peer = {
        .sin_family = AF_INET, .sin_port = htons(40000), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (server_add_connection(sv[0], (const struct sockaddr *)&peer, sizeof(peer)))
        die("the server refused a connection");
    size_t off = 0;
    bool writing = true, eof = false;
    for (int round = 0; round < MAX_ROUNDS && !eof; round++) {
        if (writing && off < size) {
            ssize_t n = send(sv[1], data + off, size - off, MSG_NOSIGNAL);
            if (n > 0)
                off += (size_t)n;
            else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                writing = false; /* the server closed early, e.g. after a 413 */
        }
        if (writing && off == size) {
            shutdown(sv[1], SHUT_WR);
            writing = false;
        }
        if (server_run())
            die("the server loop failed");
        eof = read_reply(sv[1], reply);
    }
    close(sv[1]);
    if (!eof)
        die("the server neither answered nor closed the connection");
    /* one more pass frees what the server still holds for the closed connection */
    for (int round = 0; round < 100 && server_connections(); round++)
        server_run();
    if (server_connections() || server_active_requests())
        die("a connection or a request outlived its client");
}

/* ---- checking the reply -------------------------------------------------------------------- */

/* Value of header name in the header block [h, end), or NULL; *len gets its length. */
static const char *find_header(const char *h, const char *end, const char *name, size_t *len)
{
    size_t nl = strlen(name);
    for (const char *p = h; p < end;) {
        const char *eol = memmem(p, (size_t)(end - p), "\r\n", 2);
        if (!eol)
            eol = end;
        if ((size_t)(eol - p) > nl && p[nl] == ':' && !strncasecmp(p, name, nl)) {
            const char *v = p + nl + 1;
            while (v < eol && *v == ' ')
                v++;
            *len = (size_t)(eol - v);
            return v;
        }
        p = eol + 2;
    }
    return NULL;
}

/* A JSON body must parse; a JSON error (4xx/5xx) must be {"error": "...", ...}. */
static void check_json(int status, const char *body, size_t len)
{
    json_error_t jerr;
    json_t *v = json_loadb(body, len, JSON_DECODE_ANY, &jerr);
    if (!v) {
        fprintf(stderr, "fuzz_request: %d reply is not JSON (%s): %.*s\n", status, jerr.text,
                (int)(len < 400 ? len : 400), body);
        abort();
    }
    if (status >= 400) {
        json_t *e = json_object_get(v, "error");
        if (!json_is_string(e) || !json_string_length(e))
            die("a JSON error reply has no 'error' code");
    }
    json_decref(v);
}

/* The reply is empty (the server closed) or starts with interim 1xx replies and then a final
 * status line, headers and, for a JSON reply, a body that check_json accepts. Later pipelined
 * replies are only read. Returns the final status, 0 when there is none. */
static int check_reply(const uint8_t *in, size_t in_len, const struct strbuf *reply)
{
    const char *p = reply->buf, *end = reply->buf + reply->len;
    size_t skip = 0;
    while (skip < in_len && (in[skip] == '\r' || in[skip] == '\n'))
        skip++;
    bool head = in_len - skip >= 5 && !memcmp(in + skip, "HEAD ", 5);
    while (p < end) {
        int status = 0;
        if (end - p < 13 || memcmp(p, "HTTP/1.", 7) || (p[7] != '0' && p[7] != '1') ||
            p[8] != ' ' || sscanf(p + 9, "%3d", &status) != 1 || status < 100 || status > 599 ||
            p[12] != ' ')
            die("the reply does not start with a status line");
        const char *hdr_end = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
        if (!hdr_end)
            die("the reply's header block has no end");
        /* the status line's CRLF may be the first half of the blank line */
        const char *h = (const char *)memmem(p, (size_t)(hdr_end + 2 - p), "\r\n", 2) + 2;
        const char *body = hdr_end + 4;
        if (status < 200) { /* 100 Continue and the like, then the real reply */
            p = body;
            continue;
        }
        size_t ct_len = 0, cl_len = 0;
        const char *ct = find_header(h, hdr_end, "Content-Type", &ct_len);
        const char *cl = find_header(h, hdr_end, "Content-Length", &cl_len);
        bool json = ct && ct_len >= 16 && !strncasecmp(ct, "application/json", 16);
        if (json && cl && !head && status != 204 && status != 304) {
            size_t n = strtoul(cl, NULL, 10);
            if ((size_t)(end - body) >= n)
                check_json(status, body, n);
            else if (reply->len < REPLY_CAP)
                die("the reply is shorter than its Content-Length");
        }
        return status;
    }
    return 0;
}

/* ---- the fixture --------------------------------------------------------------------------- */

static void sql_secret(struct db *db, const char *sql, const char *secret, int64_t id)
{
    struct db_stmt *st;
    char hash[65];
    crypto_sha256_hex(secret, strlen(secret), hash);
    if (db_prepare(db, sql, &st))
        die("fixture statement cannot be prepared");
    db_bind_text(st, 1, hash, -1);
    db_bind_int(st, 2, id);
    if (db_step(st) != DB_DONE)
        die("fixture secret cannot be set");
    db_reset(st);
}

/* Users 1 (administrator) and 2, their credentials with the fixed secrets above. */
static void make_users(void)
{
    struct db *db = db_conn();
    char err[512], secret[TOKEN_LEN + 1];
    int64_t admin, user, id;
    struct session_info s;
    struct db_stmt *st;
    struct user_new a = {"admin@example.com", "Ada", "Admin", ADMIN_PASSWORD, true};
    struct user_new u = {"user@example.com", "Uma", "User", NULL, false};
    if (!db || db_begin_write(db) || users_create(db, &a, &admin, err, sizeof(err)) ||
        users_create(db, &u, &user, err, sizeof(err)))
        die("fixture users cannot be created");
    if (webhooks_create(db, admin, "crm,task,user,department,admin,sonet,basic", "fuzz", &id,
                        secret, err, sizeof(err)))
        die("fixture webhook cannot be created");
    sql_secret(db, "UPDATE core_webhook SET secret_hash = ? WHERE id = ?", ADMIN_HOOK, id);
    if (webhooks_create(db, user, "crm,task", "fuzz", &id, secret, err, sizeof(err)))
        die("fixture webhook cannot be created");
    sql_secret(db, "UPDATE core_webhook SET secret_hash = ? WHERE id = ?", USER_HOOK, id);
    if (tokens_create(db, admin, NULL, "fuzz", 0, &id, secret, err, sizeof(err)))
        die("fixture token cannot be created");
    sql_secret(db, "UPDATE core_token SET token_hash = ? WHERE id = ?", ADMIN_TOKEN, id);
    if (session_create(db, admin, true, "fuzz", "127.0.0.1", secret, &s))
        die("fixture session cannot be created");
    sql_secret(db, "UPDATE core_session SET token_hash = ? WHERE id = ?", SESSION_TOKEN, s.id);
    if (db_prepare(db, "UPDATE core_session SET csrf_token = ? WHERE id = ?", &st))
        die("fixture statement cannot be prepared");
    db_bind_text(st, 1, SESSION_CSRF, -1);
    db_bind_int(st, 2, s.id);
    if (db_step(st) != DB_DONE)
        die("fixture csrf token cannot be set");
    db_reset(st);
    if (db_commit(db))
        die("fixture cannot be committed");
}

/* Calls method through the admin webhook with a JSON body; it must answer 200. */
static void seed_call(const char *method, const char *json)
{
    struct strbuf req, reply;
    strbuf_init(&req, 0);
    strbuf_init(&reply, 0);
    strbuf_addf(&req,
                "POST /rest/1/" ADMIN_HOOK "/%s HTTP/1.1\r\nHost: fuzz\r\n"
                "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                method, strlen(json), json);
    drive((const uint8_t *)req.buf, req.len, &reply);
    if (strncmp(reply.buf, "HTTP/1.1 200 ", 13)) {
        fprintf(stderr, "fuzz_request: fixture call %s failed:\n%s\n", method, reply.buf);
        abort();
    }
    strbuf_release(&req);
    strbuf_release(&reply);
}

/* Records for the corpus to read, change and link to: ids 1 of each kind. */
static void make_records(void)
{
    seed_call("crm.lead.userfield.add", "{\"fields\":{\"FIELD_NAME\":\"FILE\","
                                        "\"USER_TYPE_ID\":\"file\"}}");
    seed_call("crm.deal.userfield.add", "{\"fields\":{\"FIELD_NAME\":\"LINK\","
                                        "\"USER_TYPE_ID\":\"crm\",\"MULTIPLE\":\"Y\","
                                        "\"SETTINGS\":{\"LEAD\":\"Y\",\"CONTACT\":\"Y\"}}}");
    seed_call("crm.company.add", "{\"fields\":{\"TITLE\":\"Acme\"}}");
    seed_call("crm.contact.add", "{\"fields\":{\"NAME\":\"Bob\",\"COMPANY_ID\":1,"
                                 "\"PHONE\":[{\"VALUE\":\"555-0002\",\"VALUE_TYPE\":\"WORK\"}]}}");
    seed_call("crm.lead.add",
              "{\"fields\":{\"TITLE\":\"Lead\",\"NAME\":\"Ann\","
              "\"EMAIL\":[{\"VALUE\":\"ann@example.com\",\"VALUE_TYPE\":\"WORK\"}]}}");
    seed_call("crm.deal.add", "{\"fields\":{\"TITLE\":\"Deal\",\"CONTACT_ID\":1,"
                              "\"OPPORTUNITY\":100,\"UF_CRM_LINK\":[\"L_1\"]}}");
    seed_call("tasks.task.add", "{\"fields\":{\"TITLE\":\"Task\",\"RESPONSIBLE_ID\":2,"
                                "\"UF_CRM_TASK\":[\"D_1\"]}}");
    seed_call("task.commentitem.add", "[1,{\"POST_MESSAGE\":\"hello\"}]");
}

static void cleanup(void)
{
    char path[400];
    fprintf(stderr,
            "fuzz_request: %lu inputs; first reply none %lu, 2xx %lu, 3xx %lu, 4xx %lu, "
            "5xx %lu\n",
            inputs, by_class[0], by_class[2], by_class[3], by_class[4], by_class[5]);
    static const char *const files[] = {"kazi.db", "kazi.db-wal", "kazi.db-shm", "snapshot.db"};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}

static void copy_file(const char *from, const char *to)
{
    char buf[65536];
    ssize_t n;
    int in = open(from, O_RDONLY | O_CLOEXEC);
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (in < 0 || out < 0)
        die("snapshot cannot be copied");
    while ((n = read(in, buf, sizeof(buf))) > 0)
        if (write(out, buf, (size_t)n) != n)
            die("snapshot cannot be copied");
    close(in);
    close(out);
}

/* Puts the database back as the fixture left it. */
static void restore_db(void)
{
    char path[400];
    db_global_close();
    snprintf(path, sizeof(path), "%s-wal", db_path);
    unlink(path);
    snprintf(path, sizeof(path), "%s-shm", db_path);
    unlink(path);
    copy_file(snapshot_path, db_path);
    struct db_options o = {.path = db_path, .busy_timeout_ms = 5000};
    if (db_global_open(&o))
        die("database cannot be reopened");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/kazi-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        die("temporary directory cannot be made");
    atexit(cleanup);
    show = getenv("FUZZ_REQUEST_SHOW") && !strcmp(getenv("FUZZ_REQUEST_SHOW"), "1");
    signal(SIGPIPE, SIG_IGN);
    snprintf(db_path, sizeof(db_path), "%s/kazi.db", dir);
    snprintf(snapshot_path, sizeof(snapshot_path), "%s/snapshot.db", dir);
    char *args[] = {"--data",
                    dir,
                    "--http",
                    "off",
                    "--https",
                    "off",
                    "--log-level",
                    "off",
                    "--access-log",
                    "off",
                    "--db-sync",
                    "normal",
                    "--db-mmap",
                    "0",
                    "--rate-limit-burst",
                    "0"};
    int n_pos = 0;
    if (app_config(&cfg, (int)(sizeof(args) / sizeof(args[0])), args, NULL, NULL, 0, &n_pos) ||
        app_open_db(&cfg))
        die("configuration or database failed");
    router = router_new();
    int n_mods;
    const struct module *const *mods = registry_modules(&n_mods);
    if (registry_add_routes(router) || rest_init(&cfg, mods, n_mods, router) || registry_start())
        die("modules cannot start");
    auth_set_base_url("http://127.0.0.1:8080");
    /* the access log goes nowhere, but every line is still formatted and written */
    struct server_options so = {.max_body = (size_t)cfg.max_body,
                                .max_header = (size_t)cfg.max_header,
                                .timeout_s = (unsigned)cfg.timeout,
                                .max_connections = (unsigned)cfg.max_connections,
                                .access_log_fd = open("/dev/null", O_WRONLY | O_CLOEXEC)};
    if (server_start_embedded(&so, router))
        die("server cannot start");
    make_users();
    make_records();
    if (db_backup(db_conn(), snapshot_path))
        die("snapshot cannot be written");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct strbuf reply;
    if (++inputs % RESET_EVERY == 0)
        restore_db();
    strbuf_init(&reply, 0);
    drive(data, size, &reply);
    if (show)
        fprintf(stderr, "---- %zu bytes in, %zu out\n%.*s\n", size, reply.len,
                (int)(reply.len < 2000 ? reply.len : 2000), reply.buf);
    by_class[check_reply(data, size, &reply) / 100]++;
    strbuf_release(&reply);
    return 0;
}
