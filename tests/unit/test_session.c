/* Tests for core/auth/session, tokens and throttle: Cookie header parsing, cookie attributes,
 * CSRF comparison, session and token lookup with expiry, idle extension and revocation on a
 * database migrated with core's schema, the failure throttle and the hashing gate. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/auth/session.h"
#include "core/auth/throttle.h"
#include "core/auth/users.h"
#include "core/base/crypto.h"
#include "core/base/error.h"
#include "core/base/log.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"
#include "core/db/migrate.h"
#include "core/rest/rest.h"
#include "t.h"

extern const struct migration migrations_core[];
static const struct module t_core_schema = {.name = "core", .migrations = migrations_core};

/* Collects every value of cookie name in header, joined by '|'. */
static const char *cookies(const char *header, const char *name)
{
    static char all[512];
    char one[64];
    const char *pos = header;
    int rc;
    all[0] = '\0';
    while ((rc = session_cookie_next(&pos, name, one, sizeof(one))) != -E_NOTFOUND) {
        size_t n = strlen(all);
        snprintf(all + n, sizeof(all) - n, "%s%s", n ? "|" : "", rc ? "<toobig>" : one);
    }
    return all;
}

TEST(session_cookie_parsing)
{
    CHECK_STR(cookies("kazi_session=abc", "kazi_session"), "abc");
    CHECK_STR(cookies("a=1; kazi_session=abc; b=2", "kazi_session"), "abc");
    CHECK_STR(cookies("a=1;kazi_session=abc;b=2", "kazi_session"), "abc");
    CHECK_STR(cookies("  kazi_session \t=  abc  ;", "kazi_session"), "abc");
    CHECK_STR(cookies("xkazi_session=bad; kazi_session_old=bad; kazi_session=good", "kazi_session"),
              "good");
    CHECK_STR(cookies("kazi_session=\"quoted\"", "kazi_session"), "quoted");
    CHECK_STR(cookies("kazi_session=\"", "kazi_session"), "\"");
    CHECK_STR(cookies("kazi_session=one; other=x; kazi_session=two", "kazi_session"), "one|two");
    CHECK_STR(cookies("kazi_session=; kazi_session; kazi_session=ok", "kazi_session"), "ok");
    CHECK_STR(cookies("KAZI_SESSION=upper", "kazi_session"), "");
    CHECK_STR(cookies("a=b=c; kazi_session=x=y", "kazi_session"), "x=y");
    CHECK_STR(cookies(";;; ; kazi_session=z ;;", "kazi_session"), "z");
    CHECK_STR(cookies("", "kazi_session"), "");
    CHECK_STR(cookies(NULL, "kazi_session"), "");
    char big[200];
    snprintf(big, sizeof(big), "kazi_session=%0120d; kazi_session=small", 7);
    CHECK_STR(cookies(big, "kazi_session"), "<toobig>|small");
}

TEST(session_cookie_attributes)
{
    struct arena a = ARENA_INIT;
    CHECK_STR(session_cookie_set(&a, "TOK", false, false),
              "kazi_session=TOK; Path=/; HttpOnly; SameSite=Lax");
    CHECK_STR(session_cookie_set(&a, "TOK", true, true),
              "kazi_session=TOK; Path=/; Max-Age=2592000; HttpOnly; SameSite=Lax; Secure");
    CHECK_STR(session_cookie_clear(&a, true),
              "kazi_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure");
    CHECK_STR(session_cookie_clear(&a, false),
              "kazi_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
    arena_release(&a);
}

TEST(session_csrf_compare)
{
    struct session_info s = {0};
    CHECK_INT(crypto_init(), 0);
    CHECK(!session_csrf_match("", &s)); /* a session without a token matches nothing */
    snprintf(s.csrf, sizeof(s.csrf), "%s", "Abc-123_xyz");
    CHECK(session_csrf_match("Abc-123_xyz", &s));
    CHECK(!session_csrf_match("abc-123_xyz", &s));
    CHECK(!session_csrf_match("Abc-123_xy", &s));
    CHECK(!session_csrf_match("Abc-123_xyz ", &s));
    CHECK(!session_csrf_match("", &s));
    CHECK(!session_csrf_match(NULL, &s));
}

TEST(throttle_counts_and_windows)
{
    static struct throttle t = THROTTLE_INIT(3, 900);
    throttle_reset(&t);
    int64_t now = 1000000;
    CHECK_INT(throttle_check(&t, "account:ann@example.com", now), 0);
    for (int i = 0; i < 3; i++)
        throttle_fail(&t, "account:ann@example.com", now + i);
    CHECK_INT(throttle_check(&t, "account:ann@example.com", now + 10), 890);
    CHECK_INT(throttle_check(&t, "account:bob@example.com", now + 10), 0);
    CHECK_INT(throttle_check(&t, "account:ann@example.com", now + 899), 1);
    CHECK_INT(throttle_check(&t, "account:ann@example.com", now + 900), 0); /* window over */
    throttle_fail(&t, "account:ann@example.com", now + 900); /* a new window starts */
    CHECK_INT(throttle_check(&t, "account:ann@example.com", now + 901), 0);
    throttle_fail(&t, "k", now);
    throttle_fail(&t, "k", now);
    throttle_fail(&t, "k", now);
    CHECK(throttle_check(&t, "k", now) > 0);
    throttle_clear(&t, "k");
    CHECK_INT(throttle_check(&t, "k", now), 0);
}

TEST(throttle_table_full_evicts_oldest)
{
    static struct throttle t = THROTTLE_INIT(1, 900);
    char key[32];
    throttle_reset(&t);
    throttle_fail(&t, "first", 100);
    for (int i = 0; i < THROTTLE_SLOTS - 1; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        throttle_fail(&t, key, 200);
    }
    CHECK(throttle_check(&t, "first", 200) > 0);
    throttle_fail(&t, "newcomer", 200); /* full: "first" has the oldest window */
    CHECK(throttle_check(&t, "newcomer", 200) > 0);
    CHECK_INT(throttle_check(&t, "first", 200), 0);
    CHECK(throttle_check(&t, "k0", 200) > 0);
    /* long keys are cut, not overflowed */
    char longkey[600];
    memset(longkey, 'a', sizeof(longkey) - 1);
    longkey[sizeof(longkey) - 1] = '\0';
    throttle_fail(&t, longkey, 300);
    CHECK(throttle_check(&t, longkey, 300) > 0);
    throttle_reset(&t);
}

TEST(throttle_table_full_keeps_locked_keys)
{
    static struct throttle t = THROTTLE_INIT(3, 900);
    char key[32];
    throttle_reset(&t);
    for (int i = 0; i < 3; i++)
        throttle_fail(&t, "locked", 100);
    for (int i = 0; i < THROTTLE_SLOTS - 1; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        throttle_fail(&t, key, 200);
    }
    /* full of running windows: a newcomer evicts a key with one failure, never "locked",
     * although its window is the oldest */
    for (int i = 0; i < 3 * THROTTLE_SLOTS; i++) {
        snprintf(key, sizeof(key), "churn%d", i);
        throttle_fail(&t, key, 300);
    }
    CHECK(throttle_check(&t, "locked", 300) > 0);
    CHECK_INT(throttle_check(&t, "k0", 300), 0);
    throttle_reset(&t);
}

TEST(throttle_ids_never_evict_a_running_window)
{
    static struct throttle_ids t = THROTTLE_IDS_INIT(5, 900);
    throttle_ids_reset(&t);
    for (int i = 0; i < 5; i++)
        throttle_id_fail(&t, 42, 1000);
    CHECK_INT(throttle_id_check(&t, 42, 1000), 900);
    CHECK_INT(throttle_id_check(&t, 43, 1000), 0);
    /* failures of 5000 other accounts neither evict nor reset account 42 */
    for (int64_t id = 100; id < 5100; id++)
        throttle_id_fail(&t, id, 1010);
    CHECK_INT(throttle_id_check(&t, 42, 1020), 880);
    CHECK_INT(t.n, 5001);
    /* one entry per account, however often it fails */
    for (int i = 0; i < 100; i++)
        throttle_id_fail(&t, 100, 1030);
    CHECK_INT(t.n, 5001);
    CHECK(throttle_id_check(&t, 100, 1030) > 0);
    /* after the window, expired entries are reused instead of growing the table */
    size_t cap = t.cap;
    for (int64_t id = 10000; id < 15000; id++)
        throttle_id_fail(&t, id, 3000);
    CHECK_INT(t.n, 5001);
    CHECK_INT(t.cap, cap);
    CHECK_INT(throttle_id_check(&t, 42, 3000), 0);
    /* a new window starts after the old one; clearing forgets; ids <= 0 are ignored */
    for (int i = 0; i < 5; i++)
        throttle_id_fail(&t, 7, 4000);
    CHECK(throttle_id_check(&t, 7, 4000) > 0);
    throttle_id_clear(&t, 7);
    CHECK_INT(throttle_id_check(&t, 7, 4000), 0);
    for (int i = 0; i < 10; i++)
        throttle_id_fail(&t, 0, 4000);
    CHECK_INT(throttle_id_check(&t, 0, 4000), 0);
    throttle_ids_reset(&t);
    CHECK(t.slots == NULL);
}

TEST(throttle_hash_gate)
{
    for (int i = 0; i < HASH_GATE_SLOTS; i++)
        CHECK_INT(hash_gate_enter(10), 0);
    double t0 = time_now_mono();
    CHECK_INT(hash_gate_enter(50), -E_BUSY);
    CHECK(time_now_mono() - t0 >= 0.04);
    hash_gate_leave();
    CHECK_INT(hash_gate_enter(10), 0);
    for (int i = 0; i < HASH_GATE_SLOTS; i++)
        hash_gate_leave();
}

/* Opens a fresh database with core's schema and runs body outside any transaction. */
static void with_db(const char *name, void (*body)(struct db *db))
{
    const struct module *mods[] = {&t_core_schema};
    t_with_db(name, mods, 1, T_DB_CRYPTO | T_DB_QUIET, body);
}

static int64_t add_user(struct db *db, const char *email, bool admin)
{
    char err[200];
    int64_t id = 0;
    struct user_new u = {.email = email, .name = "T", .is_admin = admin};
    if (db_begin_write(db))
        return 0;
    if (users_create(db, &u, &id, err, sizeof(err)))
        id = 0;
    db_commit(db);
    return id;
}

static void body_sessions(struct db *db)
{
    char token[SESSION_TOKEN_LEN + 1], token2[SESSION_TOKEN_LEN + 1];
    struct session_info s, f;
    int64_t uid = add_user(db, "ann@example.com", true);
    CHECK(uid > 0);
    CHECK_INT(db_begin_write(db), 0);
    CHECK_INT(session_create(db, uid, false, "Mozilla/5.0", "127.0.0.1", token, &s), 0);
    CHECK_INT(session_create(db, uid, true, NULL, NULL, token2, &f), 0);
    CHECK_INT(db_commit(db), 0);
    CHECK_INT((int)strlen(token), SESSION_TOKEN_LEN);
    CHECK_INT((int)strlen(s.csrf), SESSION_CSRF_LEN);
    CHECK(strcmp(token, s.csrf) && strcmp(token, token2));
    /* only the hash is stored */
    CHECK_INT(t_db_scalar(db, "SELECT COUNT(*) FROM core_session WHERE length(token_hash) = 64"),
              2);
    int64_t now = s.last_seen;
    CHECK_INT(session_find(db, token, now, &f), 0);
    CHECK_INT(f.id, s.id);
    CHECK_INT(f.user_id, uid);
    CHECK(f.is_admin && !f.remember);
    CHECK_STR(f.csrf, s.csrf);
    CHECK_INT(session_find(db, "no-such-token", now, &f), -E_NOTFOUND);
    CHECK_INT(session_find(db, "", now, &f), -E_NOTFOUND);
    /* idle expiry: 12 h without activity ends a browser session */
    CHECK_INT(session_find(db, token, now + SESSION_IDLE_S, &f), -E_PERM);
    /* activity after a minute is recorded and moves the idle expiry on */
    CHECK_INT(session_find(db, token, now + 120, &f), 0);
    CHECK_INT(f.last_seen, now + 120);
    CHECK_INT(session_find(db, token, now + 120 + SESSION_IDLE_S - 1, &f), 0);
    /* remember-me: a fixed 30 days, not moved on by activity */
    CHECK_INT(session_find(db, token2, now + SESSION_IDLE_S + 5, &f), 0);
    CHECK(f.remember);
    CHECK_INT(f.expires_at, now + SESSION_REMEMBER_S);
    CHECK_INT(session_find(db, token2, now + SESSION_REMEMBER_S, &f), -E_PERM);
    /* the session's own token works as `auth` with every scope */
    struct auth_identity a = {0};
    CHECK_INT(session_resolve_token(db, token2, &a), 0);
    CHECK_INT(a.kind, AUTH_SESSION);
    CHECK_INT(a.user_id, uid);
    CHECK(a.scopes == NULL && a.is_admin);
    /* deactivated user: sessions stop working */
    CHECK_INT(db_exec(db, "UPDATE core_user SET active = 0"), 0);
    CHECK_INT(session_find(db, token2, now, &f), -E_NOTFOUND);
    CHECK_INT(db_exec(db, "UPDATE core_user SET active = 1"), 0);
    /* delete and prune */
    CHECK_INT(db_begin_write(db), 0);
    CHECK_INT(session_delete(db, s.id), 0);
    CHECK_INT(session_delete(db, s.id), -E_NOTFOUND);
    CHECK_INT(session_prune(db, now + SESSION_REMEMBER_S + 1), 0);
    CHECK_INT(db_commit(db), 0);
    CHECK_INT(t_db_scalar(db, "SELECT COUNT(*) FROM core_session"), 0);
}

TEST(session_store_find_expire)
{
    with_db("sessions", body_sessions);
}

static void body_tokens(struct db *db)
{
    char tok[TOKEN_LEN + 1], expired[TOKEN_LEN + 1], all[TOKEN_LEN + 1], err[200];
    char scratch[TOKEN_LEN + 1];
    int64_t id, id2, id_exp, id_all;
    struct auth_identity a = {0};
    int64_t uid = add_user(db, "bob@example.com", false);
    int64_t now = (int64_t)time_now_real();
    CHECK(uid > 0);
    CHECK_INT(db_begin_write(db), 0);
    CHECK_INT(tokens_create(db, uid, "crm,user", "ci", now + 3600, &id, tok, err, sizeof(err)), 0);
    CHECK_INT(tokens_create(db, uid, "crm", "old", now - 1, &id_exp, expired, err, sizeof(err)), 0);
    CHECK_INT(tokens_create(db, uid, NULL, "", 0, &id_all, all, err, sizeof(err)), 0);
    CHECK_INT(tokens_create(db, uid, "CRM", "", 0, &id2, scratch, err, sizeof(err)), -E_INVAL);
    CHECK_INT(tokens_create(db, uid, "crm,,x", "", 0, &id2, scratch, err, sizeof(err)), -E_INVAL);
    CHECK_INT(tokens_create(db, 9999, "crm", "", 0, &id2, scratch, err, sizeof(err)), -E_NOTFOUND);
    CHECK_INT(db_commit(db), 0);
    CHECK_INT(t_db_scalar(db, "SELECT COUNT(*) FROM core_token"), 3);
    CHECK_INT((int)strlen(tok), TOKEN_LEN);
    CHECK_INT(session_resolve_token(db, tok, &a), 0);
    CHECK_INT(a.kind, AUTH_TOKEN);
    CHECK_INT(a.user_id, uid);
    CHECK(!a.is_admin);
    CHECK_STR(a.scopes, "crm,user");
    CHECK_INT(session_resolve_token(db, expired, &a), -E_PERM);
    CHECK_INT(session_resolve_token(db, all, &a), 0);
    CHECK(a.scopes == NULL);
    CHECK_INT(session_resolve_token(db, "unknown", &a), -E_NOTFOUND);
    CHECK_INT(session_resolve_token(db, "", &a), -E_NOTFOUND);
    char huge[TOKEN_MAX + 10];
    memset(huge, 'a', sizeof(huge) - 1);
    huge[sizeof(huge) - 1] = '\0';
    CHECK_INT(session_resolve_token(db, huge, &a), -E_NOTFOUND);
    /* list: no secrets, flags */
    json_t *rows = json_array();
    int64_t total = -1;
    CHECK_INT(tokens_list(db, uid, 0, 50, rows, &total), 0);
    CHECK_INT(total, 3);
    CHECK_INT(json_array_size(rows), 3);
    char *dump = json_dumps(rows, JSON_COMPACT);
    CHECK(dump && !strstr(dump, tok) && !strstr(dump, "token_hash"));
    free(dump);
    CHECK(json_is_true(json_object_get(json_array_get(rows, 0), "ACTIVE")));
    CHECK(json_is_false(json_object_get(json_array_get(rows, 1), "ACTIVE")));
    CHECK(json_is_null(json_object_get(json_array_get(rows, 2), "SCOPES")));
    CHECK_STR(
        json_string_value(json_array_get(json_object_get(json_array_get(rows, 0), "SCOPES"), 1)),
        "user");
    json_decref(rows);
    rows = json_array();
    CHECK_INT(tokens_list(db, uid + 1, 0, 50, rows, &total), 0);
    CHECK_INT(total, 0);
    json_decref(rows);
    /* revoke: then unknown */
    CHECK_INT(db_begin_write(db), 0);
    CHECK_INT(tokens_revoke(db, id_all), 0);
    CHECK_INT(tokens_revoke(db, id_all), -E_NOTFOUND);
    CHECK_INT(db_commit(db), 0);
    CHECK_INT(session_resolve_token(db, all, &a), -E_NOTFOUND);
    /* inactive user: unknown */
    CHECK_INT(db_exec(db, "UPDATE core_user SET active = 0"), 0);
    CHECK_INT(session_resolve_token(db, tok, &a), -E_NOTFOUND);
}

TEST(session_tokens_resolve)
{
    with_db("tokens", body_tokens);
}
