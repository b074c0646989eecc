/* Tests for core/auth/users and core/auth/webhooks on a database migrated with core's schema:
 * user creation and its checks; webhook create, find, revoke, scopes and expiry. */
#include <stdio.h>
#include <unistd.h>

#include "core/auth/users.h"
#include "core/auth/webhooks.h"
#include "core/base/crypto.h"
#include "core/base/error.h"
#include "core/base/log.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"
#include "core/db/migrate.h"
#include "core/registry.h"
#include "t.h"

/* Opens a fresh database with core's migrations and runs body inside a write transaction. */
static void with_core_db(const char *name, void (*body)(struct db *db))
{
    const struct module *mods[] = {&core_module};
    t_with_db(name, mods, 1, T_DB_CRYPTO | T_DB_WRITE, body);
}

static void body_users(struct db *db)
{
    char err[256] = "";
    int64_t id = 0, id2 = 0;
    struct user_new u = {.email = "ann@example.com",
                         .name = "Ann",
                         .last_name = "Lee",
                         .password = "long enough",
                         .is_admin = true};
    CHECK_INT(users_create(db, &u, &id, err, sizeof(err)), 0);
    CHECK(id > 0);
    CHECK_INT(t_db_scalar(db, "SELECT is_admin FROM core_user WHERE email = 'ann@example.com'"), 1);
    CHECK_INT(t_db_scalar(db,
                          "SELECT COUNT(*) FROM core_user WHERE password_hash LIKE '$argon2id$%'"
                          " AND last_name = 'Lee' AND active = 1"),
              1);
    /* no password: allowed, stored as NULL */
    struct user_new nopw = {.email = "bob@example.com", .name = "Bob"};
    CHECK_INT(users_create(db, &nopw, &id2, err, sizeof(err)), 0);
    CHECK(id2 > id);
    CHECK_INT(t_db_scalar(db, "SELECT COUNT(*) FROM core_user WHERE email = 'bob@example.com' AND"
                              " password_hash IS NULL AND is_admin = 0"),
              1);
    /* duplicate e-mail, also in other letter case */
    struct user_new dup = {.email = "ANN@example.com", .name = "Other"};
    err[0] = '\0';
    CHECK_INT(users_create(db, &dup, &id2, err, sizeof(err)), -E_EXISTS);
    CHECK(strstr(err, "already used") != NULL);
    CHECK(strstr(err, "'ANN@example.com'") != NULL);
    CHECK_INT(t_db_scalar(db, "SELECT COUNT(*) FROM core_user"), 2);
}

TEST(users_create_and_duplicate)
{
    with_core_db("users", body_users);
}

static void body_user_checks(struct db *db)
{
    char err[256] = "";
    int64_t id = 0;
    static const char *const bad[] = {"",         "plain",    "@example.com", "a@",
                                      "a@b",      "a@.com",   "a@b.",         "a b@c.de",
                                      "a@b@c.de", "<a@b.de>", "a@b.de,"};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        struct user_new u = {.email = bad[i], .name = "X", .password = "long enough"};
        err[0] = '\0';
        int rc = users_create(db, &u, &id, err, sizeof(err));
        if (rc != -E_INVAL || !strstr(err, "not a valid address")) {
            t_fail(__FILE__, __LINE__, "e-mail '%s': rc %d, err '%s'", bad[i], rc, err);
            return;
        }
    }
    struct user_new nomail = {.name = "X"};
    CHECK_INT(users_create(db, &nomail, &id, err, sizeof(err)), -E_INVAL);
    struct user_new shortpw = {.email = "c@example.com", .name = "C", .password = "1234567"};
    err[0] = '\0';
    CHECK_INT(users_create(db, &shortpw, &id, err, sizeof(err)), -E_INVAL);
    CHECK(strstr(err, "too short") != NULL);
    char longpw[PASSWORD_MAX + 2];
    memset(longpw, 'p', sizeof(longpw) - 1);
    longpw[sizeof(longpw) - 1] = '\0';
    struct user_new toolong = {.email = "d@example.com", .name = "D", .password = longpw};
    CHECK_INT(users_create(db, &toolong, &id, err, sizeof(err)), -E_TOOBIG);
    CHECK_INT(t_db_scalar(db, "SELECT COUNT(*) FROM core_user"), 0);
    CHECK(users_email_valid("first.last+tag@sub.example.org"));
}

TEST(users_reject_bad_input)
{
    with_core_db("users_bad", body_user_checks);
}

/* Adds a user without a password (fast) and returns its id, or -1. */
static int64_t add_user(struct db *db, const char *email)
{
    char err[256];
    int64_t id = -1;
    struct user_new u = {.email = email, .name = "W"};
    return users_create(db, &u, &id, err, sizeof(err)) ? -1 : id;
}

static void body_webhooks(struct db *db)
{
    char secret[WEBHOOK_SECRET_LEN + 1], err[256] = "";
    int64_t wid = 0, uid = add_user(db, "hook@example.com");
    struct webhook w;
    CHECK(uid > 0);
    CHECK_INT(webhooks_create(db, uid, "crm,user", "CRM sync", &wid, secret, err, sizeof(err)), 0);
    CHECK(wid > 0);
    CHECK_INT(strlen(secret), WEBHOOK_SECRET_LEN);
    CHECK_INT(strspn(secret, "abcdefghijklmnopqrstuvwxyz0123456789"), WEBHOOK_SECRET_LEN);
    /* only the hash is stored */
    CHECK_INT(t_db_scalar(db, "SELECT COUNT(*) FROM core_webhook WHERE length(secret_hash) = 64"),
              1);
    char q[200];
    snprintf(q, sizeof(q), "SELECT COUNT(*) FROM core_webhook WHERE secret_hash = '%s'", secret);
    CHECK_INT(t_db_scalar(db, q), 0);
    CHECK_INT(webhooks_find(db, uid, secret, &w), 0);
    CHECK_INT(w.id, wid);
    CHECK_INT(w.user_id, uid);
    CHECK_STR(w.scopes, "crm,user");
    CHECK(webhooks_has_scope(w.scopes, "crm"));
    CHECK(webhooks_has_scope(w.scopes, "user"));
    CHECK(!webhooks_has_scope(w.scopes, "cr"));
    CHECK(!webhooks_has_scope(w.scopes, "tasks"));
    CHECK(!webhooks_has_scope("", "crm"));
    /* wrong user, wrong secret */
    CHECK_INT(webhooks_find(db, uid + 1, secret, &w), -E_NOTFOUND);
    CHECK_INT(webhooks_find(db, uid, "0000000000000000", &w), -E_NOTFOUND);
    CHECK_INT(webhooks_find(db, uid, "", &w), -E_NOTFOUND);
    /* a second webhook has another secret */
    char secret2[WEBHOOK_SECRET_LEN + 1];
    int64_t wid2 = 0;
    CHECK_INT(webhooks_create(db, uid, "tasks", NULL, &wid2, secret2, err, sizeof(err)), 0);
    CHECK(strcmp(secret, secret2) != 0);
    CHECK_INT(webhooks_find(db, uid, secret2, &w), 0);
    CHECK_STR(w.scopes, "tasks");
    /* revoke */
    CHECK_INT(webhooks_revoke(db, wid), 0);
    CHECK_INT(webhooks_find(db, uid, secret, &w), -E_NOTFOUND);
    CHECK_INT(webhooks_revoke(db, wid), -E_NOTFOUND);
    CHECK_INT(webhooks_revoke(db, 99999), -E_NOTFOUND);
    CHECK_INT(webhooks_find(db, uid, secret2, &w), 0);
    /* a deactivated user's webhooks stop working */
    CHECK_INT(db_exec(db, "UPDATE core_user SET active = 0"), 0);
    CHECK_INT(webhooks_find(db, uid, secret2, &w), -E_NOTFOUND);
}

TEST(webhooks_create_find_revoke)
{
    with_core_db("webhooks", body_webhooks);
}

static void body_webhook_checks(struct db *db)
{
    char secret[WEBHOOK_SECRET_LEN + 1], err[256];
    int64_t wid = 0, uid = add_user(db, "checks@example.com");
    CHECK(uid > 0);
    static const char *const bad[] = {"",    ",crm",     "crm,",     "crm,,user",
                                      "CRM", "crm user", "crm;user", "crm.lead"};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        err[0] = '\0';
        int rc = webhooks_create(db, uid, bad[i], NULL, &wid, secret, err, sizeof(err));
        if (rc != -E_INVAL || !strstr(err, "scopes")) {
            t_fail(__FILE__, __LINE__, "scopes '%s': rc %d, err '%s'", bad[i], rc, err);
            return;
        }
    }
    err[0] = '\0';
    CHECK_INT(webhooks_create(db, uid + 100, "crm", NULL, &wid, secret, err, sizeof(err)),
              -E_NOTFOUND);
    CHECK(strstr(err, "does not exist") != NULL);
    CHECK_INT(t_db_scalar(db, "SELECT COUNT(*) FROM core_webhook"), 0);
}

TEST(webhooks_reject_bad_input)
{
    with_core_db("webhooks_bad", body_webhook_checks);
}

static void body_webhook_expiry(struct db *db)
{
    char secret[WEBHOOK_SECRET_LEN + 1], err[256], sql[200];
    int64_t wid = 0, uid = add_user(db, "exp@example.com");
    struct webhook w;
    int64_t now = (int64_t)time_now_real();
    CHECK(uid > 0);
    CHECK_INT(webhooks_create(db, uid, "crm", NULL, &wid, secret, err, sizeof(err)), 0);
    snprintf(sql, sizeof(sql), "UPDATE core_webhook SET expires_at = %lld WHERE id = %lld",
             (long long)(now + 3600), (long long)wid);
    CHECK_INT(db_exec(db, sql), 0);
    CHECK_INT(webhooks_find(db, uid, secret, &w), 0);
    snprintf(sql, sizeof(sql), "UPDATE core_webhook SET expires_at = %lld WHERE id = %lld",
             (long long)(now - 1), (long long)wid);
    CHECK_INT(db_exec(db, sql), 0);
    CHECK_INT(webhooks_find(db, uid, secret, &w), -E_NOTFOUND);
}

TEST(webhooks_expired_not_found)
{
    with_core_db("webhooks_exp", body_webhook_expiry);
}
