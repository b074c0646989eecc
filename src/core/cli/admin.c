/* Operator sub-commands that work on the data directory without serving: migrate, user add,
 * webhook add, restore, routes, modules (backup is in backup.c). They may run while
 * `kazi serve` runs: SQLite's locks and the busy timeout keep both consistent. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/auth/perm.h"
#include "core/auth/users.h"
#include "core/auth/webhooks.h"
#include "core/base/error.h"
#include "core/cli/app.h"
#include "core/cli/cli.h"
#include "core/db/db.h"
#include "core/db/migrate.h"
#include "core/http/router.h"
#include "core/registry.h"
#include "core/rest/rest.h"

int cli_migrate(int argc, char **argv)
{
    struct config cfg;
    if (app_config(&cfg, argc, argv, NULL, NULL, 0, NULL))
        return 2;
    if (app_open_db(&cfg))
        return 1;
    printf("kazi: database is up to date (%d migrations applied now)\n", migrate_applied_count());
    app_close_db();
    return 0;
}

/* Reads the first line of a file (the password), without the newline, into buf. */
static int read_secret_file(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "kazi: password file '%s' cannot be read: %s\n", path, strerror(errno));
        return -1;
    }
    if (!fgets(buf, (int)len, f))
        buf[0] = '\0';
    fclose(f);
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

/* Runs fn inside a write transaction on the caller's connection. */
static int in_write_txn(int (*fn)(struct db *db, void *ctx), void *ctx)
{
    struct db *db = db_conn();
    int rc = db_begin_write(db);
    if (rc)
        return rc;
    rc = fn(db, ctx);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    return db_commit(db);
}

struct user_add_ctx {
    struct user_new u;
    int64_t id;
    char err[512];
};

static int do_user_add(struct db *db, void *p)
{
    struct user_add_ctx *c = p;
    return users_create(db, &c->u, &c->id, c->err, sizeof(c->err));
}

int cli_user(int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "add")) {
        fprintf(stderr, "usage: kazi user add --data DIR --email E --name N "
                        "--password-file F [--admin]\n");
        return 2;
    }
    struct config_extra ex[] = {{"email", true, NULL},     {"name", true, NULL},
                                {"last-name", true, NULL}, {"password-file", true, NULL},
                                {"admin", false, NULL},    {NULL, false, NULL}};
    struct config cfg;
    char password[1100];
    if (app_config(&cfg, argc - 1, argv + 1, ex, NULL, 0, NULL))
        return 2;
    if (!ex[0].value || !ex[1].value) {
        fprintf(stderr, "kazi: user add needs --email and --name\n");
        return 2;
    }
    struct user_add_ctx c = {.u = {.email = ex[0].value,
                                   .name = ex[1].value,
                                   .last_name = ex[2].value,
                                   .is_admin = ex[4].value != NULL}};
    if (ex[3].value) {
        if (read_secret_file(ex[3].value, password, sizeof(password)))
            return 1;
        c.u.password = password;
    }
    if (app_open_db(&cfg))
        return 1;
    int rc = in_write_txn(do_user_add, &c);
    app_close_db();
    if (rc) {
        fprintf(stderr, "kazi: user cannot be added: %s\n", c.err[0] ? c.err : error_str(rc));
        return 1;
    }
    printf("%lld\n", (long long)c.id);
    return 0;
}

struct webhook_ctx {
    int64_t user_id, id;
    const char *scopes, *title;
    char secret[WEBHOOK_SECRET_LEN + 1];
    char err[512];
};

static int do_webhook_add(struct db *db, void *p)
{
    struct webhook_ctx *c = p;
    return webhooks_create(db, c->user_id, c->scopes, c->title, &c->id, c->secret, c->err,
                           sizeof(c->err));
}

/* The base URL clients should use: public_url, else the HTTPS listener, else HTTP. */
static void base_url(const struct config *cfg, char *out, size_t len)
{
    if (*cfg->public_url) {
        snprintf(out, len, "%s", cfg->public_url);
        size_t n = strlen(out);
        if (n && out[n - 1] == '/')
            out[n - 1] = '\0';
        return;
    }
    bool https = strcmp(cfg->https, "off") != 0;
    const char *addr = https ? cfg->https : cfg->http;
    char host[256];
    int port;
    if (config_parse_addr(addr, host, sizeof(host), &port)) {
        snprintf(out, len, "%s://%s", https ? "https" : "http", addr);
        return;
    }
    /* a wildcard listen address is not one clients can use: name this machine instead */
    if (!strcmp(host, "0.0.0.0") || !strcmp(host, "::"))
        snprintf(host, sizeof(host), "localhost");
    bool v6 = strchr(host, ':') != NULL;
    snprintf(out, len, "%s://%s%s%s:%d", https ? "https" : "http", v6 ? "[" : "", host,
             v6 ? "]" : "", port);
}

int cli_webhook(int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "add")) {
        fprintf(stderr, "usage: kazi webhook add --data DIR --user ID --scopes crm,user,...\n");
        return 2;
    }
    struct config_extra ex[] = {
        {"user", true, NULL}, {"scopes", true, NULL}, {"title", true, NULL}, {NULL, false, NULL}};
    struct config cfg;
    if (app_config(&cfg, argc - 1, argv + 1, ex, NULL, 0, NULL))
        return 2;
    char *end = NULL;
    long long uid = ex[0].value ? strtoll(ex[0].value, &end, 10) : 0;
    if (!ex[0].value || *end || uid <= 0 || !ex[1].value) {
        fprintf(stderr, "kazi: webhook add needs --user ID (a positive number) and --scopes\n");
        return 2;
    }
    struct webhook_ctx c = {.user_id = uid, .scopes = ex[1].value, .title = ex[2].value};
    if (app_open_db(&cfg))
        return 1;
    int rc = in_write_txn(do_webhook_add, &c);
    app_close_db();
    if (rc) {
        fprintf(stderr, "kazi: webhook cannot be added: %s\n", c.err[0] ? c.err : error_str(rc));
        return 1;
    }
    char base[CONFIG_STR_MAX + 16];
    base_url(&cfg, base, sizeof(base));
    printf("webhook %lld for user %lld, scopes %s\n", (long long)c.id, uid, c.scopes);
    printf("%s/rest/%lld/%s/\n", base, uid, c.secret);
    return 0;
}

int cli_restore(int argc, char **argv)
{
    struct config cfg;
    const char *pos[1];
    if (app_config_file(&cfg, argc, argv, NULL, "restore --data DIR FILE", pos))
        return 2;
    if (access(pos[0], R_OK)) {
        fprintf(stderr, "kazi: backup file '%s' cannot be read: %s\n", pos[0], strerror(errno));
        return 1;
    }
    char db_path[CONFIG_STR_MAX + 16], aside[CONFIG_STR_MAX + 128], when[17], err[512] = "";
    snprintf(db_path, sizeof(db_path), "%s/kazi.db", cfg.data);
    bool had_db = !access(db_path, F_OK);
    if (app_open_db(&cfg))
        return 1;
    /* the file is checked before anything is written; the versions of enabled modules are
     * checked (the tables of others come along untouched, as migrations leave them) */
    int n;
    const struct module *const *mods = registry_modules(&n);
    struct migrate_modules mm = {mods, n};
    int rc = db_restore(db_conn(), pos[0], migrate_version_ok, &mm, false, err, sizeof(err));
    /* the database being replaced is kept aside (none when the directory was empty), under a
     * name no earlier restore took */
    aside[0] = 0;
    if (!rc && had_db) {
        app_utc_stamp(when);
        snprintf(aside, sizeof(aside), "%s.before-restore-%s", db_path, when);
        for (int i = 2; !access(aside, F_OK) && i < 100; i++)
            snprintf(aside, sizeof(aside), "%s.before-restore-%s-%d", db_path, when, i);
        if (db_backup(db_conn(), aside)) {
            fprintf(stderr, "kazi: the current database cannot be kept aside; nothing restored\n");
            app_close_db();
            return 1;
        }
    }
    if (!rc)
        rc = db_restore(db_conn(), pos[0], migrate_version_ok, &mm, true, err, sizeof(err));
    if (rc) {
        if (rc != -E_CONFIG) {
            fprintf(stderr, "kazi: '%s' cannot be restored: %s; nothing was changed\n", pos[0],
                    err);
        } else {
            const struct migrate_failure *f = migrate_last_failure();
            fprintf(stderr,
                    "kazi: the backup was made by a newer kazi (schema of module '%s' at version "
                    "%lld; this kazi %s knows %lld); restore it with that version or a later "
                    "one\nkazi: nothing was changed\n",
                    f->module, (long long)f->version, KAZI_VERSION, (long long)f->known);
        }
        if (aside[0])
            unlink(aside);
        app_close_db();
        return 1;
    }
    rc = migrate_all(db_conn(), mods, n); /* an older backup comes up to this kazi's schema */
    app_close_db();
    if (rc) {
        fprintf(stderr,
                "kazi: %s is restored into %s, but it cannot be brought up to this "
                "kazi's schema:\n",
                pos[0], db_path);
        app_explain_migrate_failure(rc, db_path);
        return 1;
    }
    printf("kazi: restored %s into %s\n", pos[0], db_path);
    if (aside[0])
        printf("kazi: the database it replaced is kept as %s\n", aside);
    printf("kazi: restart kazi serve if it is running on this directory\n");
    return 0;
}

static void print_route(void *ctx, const char *method, const char *pattern, const char *owner)
{
    (void)ctx;
    printf("route  %-7s %-40s %s\n", method, pattern, owner);
}

/* One method a line: name, scope, module, then what the dispatcher checks before the handler
 * (permission entity and action, "-" for none) and the row's flags, so scripts can enumerate
 * what each method needs. */
static void print_method(void *ctx, const struct rest_method *m, const struct module *mod)
{
    static const struct {
        unsigned bit;
        const char *name;
    } flags[] = {{REST_WRITE, "write"}, {REST_NO_BATCH, "no_batch"}, {REST_PUBLIC, "public"},
                 {REST_LIST, "list"},   {REST_NO_TXN, "no_txn"},     {REST_ADMIN, "admin"}};
    const char *action = m->action == PERM_ADMIN ? "ADMIN" : perm_action_name(m->action);
    char fl[80] = "";
    size_t n = 0;
    (void)ctx;
    for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
        if ((m->flags & flags[i].bit) && n < sizeof(fl))
            n += (size_t)snprintf(fl + n, sizeof(fl) - n, "%s%s", n ? "," : "", flags[i].name);
    printf("method %-40s scope=%-10s %-8s entity=%s action=%s flags=%s\n", m->name,
           m->scope ? m->scope : "-", mod->name, m->entity ? m->entity : "-",
           m->entity && action ? action : "-", n ? fl : "-");
}

int cli_routes(int argc, char **argv)
{
    struct config cfg;
    int n;
    if (app_config(&cfg, argc, argv, NULL, NULL, 0, NULL))
        return 2;
    struct router *r = router_new();
    const struct module *const *mods = registry_modules(&n);
    int rc = registry_add_routes(r);
    if (!rc)
        rc = rest_init(&cfg, mods, n, r);
    if (!rc)
        router_each(r, print_route, NULL);
    router_free(r);
    rest_each(print_method, NULL);
    rest_fini();
    return rc ? 1 : 0;
}

int cli_modules(int argc, char **argv)
{
    struct config cfg;
    int n;
    if (app_config(&cfg, argc, argv, NULL, NULL, 0, NULL))
        return 2;
    const struct module *const *on = registry_modules(&n);
    printf("%-12s %-8s %s\n", "module", "state", "title");
    printf("%-12s %-8s %s\n", core_module.name, "on", core_module.title);
    for (const struct module *const *m = kazi_modules; *m; m++) {
        bool enabled = false;
        for (int i = 0; i < n; i++)
            enabled |= on[i] == *m;
        printf("%-12s %-8s %s\n", (*m)->name, enabled ? "on" : "off", (*m)->title);
    }
    return 0;
}
